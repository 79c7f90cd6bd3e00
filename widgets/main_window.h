#pragma once
// The main window only assembles: pages along the workflow, a log dock, and a status bar that
// shows the running job. Pages talk to the shared AppState and JobRunner, not to each other.
#include <torch/torch.h> // before Qt

#include "widgets/app_state.h"
#include "widgets/job_runner.h"

#include <QMainWindow>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QStackedWidget;

namespace tleg::gui {

class ExpandPage;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(AppState state, QWidget* parent = nullptr);

    JobRunner& runner() { return m_runner; }
    ExpandPage* expandPage() const { return m_expand; }
    QPlainTextEdit* logView() const { return m_log; }
    QProgressBar* progressBar() const { return m_progress; }
    void showPage(int index);
    /// Lines in the log dock also go to standard error when running headless (tests, CI).
    void appendLog(const QString& line);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void addPage(const QString& title, QWidget* page);
    void onProgress(const ProgressUpdate& u);

    AppState m_state;
    JobRunner m_runner;
    QListWidget* m_nav;
    QStackedWidget* m_pages;
    QPlainTextEdit* m_log;
    QProgressBar* m_progress;
    QLabel* m_status;
    ExpandPage* m_expand;
};

} // namespace tleg::gui
