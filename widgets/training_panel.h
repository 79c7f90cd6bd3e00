#pragma once
// What every page that trains shows the same way: the live curves (TrainingPlot), a progress
// bar with the ETA or how the job ended, and Pause / Resume / Stop. The panel starts the page's
// job on the shared JobRunner and remembers its id, so that it (and the page) react to that
// job's progress and end only, never to a job another page started. The page keeps its form,
// its own Start button and its summary. A page may offer Resume for a stopped run
// (offerResume): the same button then continues it while no job runs.
// Usage:
//   m_panel = new TrainingPanel(runner, this);
//   connect(m_panel, &TrainingPanel::jobFinished, this, &Page::onFinished);
//   if (!m_panel->start(tr("distill"), [spec](JobContext& ctx) { runDistill(spec, ctx.hooks()); }))
//       showError(tr("Another job is running"));
#include "widgets/job_runner.h"
#include "widgets/translated_texts.h"

#include <QWidget>

#include <functional>

class QLabel;
class QProgressBar;
class QPushButton;

namespace tleg::gui {

class TrainingPlot;

class TrainingPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPanel(JobRunner& runner, QWidget* parent = nullptr);

    /// Keep: a job without curves (evaluating a model) leaves the last ones standing.
    enum class Curves { Clear, Keep };
    /// Starts job on the runner as this panel's job (clearing the curves first unless Keep).
    /// False (and nothing happens) while another job runs.
    bool start(const QString& name, JobRunner::Job job, Curves curves = Curves::Clear);
    /// True from start() until jobFinished().
    bool isRunning() const { return m_job != 0; }
    /// The id of the panel's running job; 0 when none runs.
    quint64 jobId() const { return m_job; }
    /// Replaces the line beside the progress bar (e.g. with how the page's job ended): a fixed
    /// text, or one made again (with tr()) when the language changes.
    void setStatusText(const QString& text);
    void setStatusText(std::function<QString()> text);
    QString statusText() const;
    /// While no job runs, Resume calls resume: it continues a stopped run (the page starts it
    /// again with Curves::Keep). An empty function takes the offer back; start() does too.
    void offerResume(std::function<void()> resume);
    bool offersResume() const { return static_cast<bool>(m_offer); }
    /// The newest progress of the panel's job (or of its last job).
    const ProgressUpdate& lastProgress() const { return m_last; }

    TrainingPlot* plot() const { return m_plot; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* etaLabel() const { return m_eta; }
    QPushButton* pauseButton() const { return m_pause; }
    QPushButton* resumeButton() const { return m_resume; }
    QPushButton* stopButton() const { return m_stop; }

Q_SIGNALS:
    /// The panel's job has ended (the runner's finished(), for this job only). The panel has
    /// already said "Finished in …", "Stopped." or "Failed." beside the progress bar.
    void jobFinished(const QString& name, bool stopped, const QString& error);

protected:
    void changeEvent(QEvent* event) override;

private:
    void onProgress(const ProgressUpdate& u);
    void onFinished(const QString& name, bool stopped, const QString& error, quint64 job);
    void showProgressText(const ProgressUpdate& u);
    void updateButtons();

    JobRunner& m_runner;
    quint64 m_job = 0;
    ProgressUpdate m_last;
    std::function<QString()> m_status; // what the line beside the progress bar says
    std::function<void()> m_offer;     // what Resume does while no job runs
    TranslatedTexts m_texts;

    TrainingPlot* m_plot;
    QProgressBar* m_progress;
    QLabel* m_eta;
    QPushButton* m_pause;
    QPushButton* m_resume;
    QPushButton* m_stop;
};

} // namespace tleg::gui
