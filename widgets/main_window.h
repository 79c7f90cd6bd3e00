#pragma once
// The main window only assembles: pages along the workflow (Data → Ancestry → Learngene →
// Linearity → Expand → Runs) as numbered steps with done marks and a Next button (StepGuide),
// Ctrl+1…6 to go to a page, menus (files, settings, language, theme), a log dock, and a
// status bar that shows the running job. Pages talk to the shared AppState and JobRunner;
// the window wires their signals to each other (a trained ancestry becomes the teacher, a saved
// learngene opens on the Expand page, every finished run appears on the Runs page) and says
// when any of them is busy in the background.
// Usage:
//   MainWindow window(state, Settings::load());
//   window.show();  window.openFile("runs/aux-net/learngene.safetensors");
//   connect(&window, &MainWindow::busyChanged, ...);   // screenshots wait for !isBusy()
#include "widgets/app_state.h"
#include "widgets/job_runner.h"
#include "widgets/settings.h"
#include "widgets/translations.h"

#include <QMainWindow>

class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QListWidget;
class QMenu;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace tleg::gui {

class AncestryPage;
class DataPage;
class ExpandPage;
class LearngenePage;
class LinearityPage;
class RunsPage;
class StepGuide;
class WeightView;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// state.runFolder, threads and bf16 are taken from settings.
    explicit MainWindow(AppState state, Settings settings = {}, QWidget* parent = nullptr);

    JobRunner& runner() { return m_runner; }
    const AppState& state() const { return m_state; }
    const Settings& settings() const { return m_settings; }

    DataPage* dataPage() const { return m_dataPage; }
    AncestryPage* ancestryPage() const { return m_ancestry; }
    LearngenePage* learngenePage() const { return m_learngene; }
    LinearityPage* linearityPage() const { return m_linearity; }
    ExpandPage* expandPage() const { return m_expand; }
    RunsPage* runsPage() const { return m_runs; }

    QPlainTextEdit* logView() const { return m_log; }
    QProgressBar* progressBar() const { return m_progress; }
    QListWidget* navigation() const { return m_nav; }
    int pageCount() const;
    /// A stable English key per page ("data", "ancestry", …) for screenshots and tests.
    QString pageKey(int index) const;
    /// The page's title in the UI language ("Data", "Daten").
    QString pageTitle(int index) const;
    /// Below the steps: "Next: Ancestry →" once the step shown is done (hidden otherwise).
    QPushButton* nextButton() const { return m_next; }
    /// Help ▸ Workflow (F1): the six steps, their shortcuts and the version.
    void showWorkflow();
    QWidget* page(int index) const;
    void showPage(int index);
    /// Lines in the log dock (timestamped).
    void appendLog(const QString& line);
    void clearLog();

    /// Applies new settings (threads, bf16, run folder, theme, language) and stores them.
    void applySettings(const Settings& settings);
    /// Switches the language at once, also while a job runs: every page retranslates in place
    /// (QEvent::LanguageChange), keeping what it shows and holds. False (English then) if there
    /// is no translation for code.
    bool setLanguage(const QString& code);
    void setDark(bool dark);
    /// Opens a model file by its kind: a learngene goes to the Expand page, a classifier or
    /// TorchScript model to the Ancestry page (as the teacher; not while a job runs) and the
    /// Linearity page.
    /// Adds models to the Linearity page only (the teacher stays); returns how many.
    int addToLinearity(const QStringList& paths);
    bool openFile(const QString& path);
    /// File ▸ Inspect weights… (Ctrl+I): a weight view of path, a window of its own (closed
    /// with it, deleted on close).
    WeightView* inspectWeights(const QString& path);
    /// File ▸ Open workspace…: opens what the workspace names (widgets/workspace.h); files that
    /// are gone are named in the log, a file that is no workspace in a message box. Returns
    /// those lines.
    QStringList openWorkspaceFile(const QString& path);
    /// Shows the Runs page with these runs selected, so their curves overlay. A run is a folder,
    /// or a name under the run folder ("des-6"); selected once the listing has finished. Returns
    /// the runs that were not found.
    QStringList compareRuns(const QStringList& runs);
    QMenu* recentMenu() const { return m_recentMenu; }
    /// True while anything works in the background: a job on the runner, a dataset being read,
    /// checkpoints being analysed, runs being listed or read, a learngene being read.
    bool isBusy() const;

Q_SIGNALS:
    /// One of the background activities of isBusy() has started or ended.
    void busyChanged(bool busy);

protected:
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void buildPages();
    void retranslateUi();
    void connectPages();
    void buildMenus();
    void buildStatusBar();
    void followLog();
    void logData();
    void updateRecentMenu();
    void rememberFile(const QString& path);
    void onProgress(const ProgressUpdate& u);
    void rememberWorkspace(const QString& path);
    /// The steps' done marks from what is open (data, teacher, learngene, analyses, Des-Nets).
    void updateSteps();

    AppState m_state;
    Settings m_settings;
    Translations m_translations;
    JobRunner m_runner;
    bool m_statusIsReady = true; // the status bar says "Ready" (nothing has run yet)
    bool m_logFollows = true;    // the log is scrolled to its newest line

    QListWidget* m_nav = nullptr;
    QPushButton* m_next = nullptr;
    StepGuide* m_guide = nullptr;
    int m_desNets = 0; // Des-Nets fine-tuned in this session
    QStackedWidget* m_pages = nullptr;
    QDockWidget* m_dock = nullptr;
    QPlainTextEdit* m_log = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QMenu* m_recentMenu = nullptr;

    DataPage* m_dataPage = nullptr;
    AncestryPage* m_ancestry = nullptr;
    LearngenePage* m_learngene = nullptr;
    LinearityPage* m_linearity = nullptr;
    ExpandPage* m_expand = nullptr;
    RunsPage* m_runs = nullptr;
};

} // namespace tleg::gui
