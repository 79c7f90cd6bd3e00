#pragma once
// Experiments panel (a tab of the Runs page): one of the paper's comparisons, a preset and the
// number of seeds; Run trains everything it needs on the worker thread (stages in the log dock
// and the status line, Stop at the next batch) and then shows the experiment's Markdown tables
// with its plots below them: interactive plots drawn from the folder's charts.json (one tab per
// chart; hover, export, whole-number depth ticks), or, for results written before charts.json,
// the PNG images. Choosing an experiment shows what an earlier run left in its folder.
// Usage:
//   auto* panel = new ExperimentPanel(state, runner);   // root: state.runFolder/experiments
//   panel->selectExperiment("depth-sweep"); panel->setPreset("smoke"); panel->run();
#include "experiments/chart.h"
#include "experiments/experiment.h"
#include "widgets/app_state.h"
#include "widgets/job_runner.h"
#include "widgets/translated_texts.h"

#include <QElapsedTimer>
#include <QStringList>
#include <QWidget>

#include <memory>

class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;
class QCheckBox;
class QSpinBox;
class QSplitter;
class QTabWidget;
class QTextBrowser;

namespace tleg::gui {

class ExperimentPanel : public QWidget {
    Q_OBJECT
public:
    ExperimentPanel(AppState& state, JobRunner& runner, QWidget* parent = nullptr);

    /// Selects an experiment by its name ("depth-sweep"); false if there is none of that name.
    bool selectExperiment(const QString& name);
    void setPreset(const QString& preset);
    void setSeeds(int seeds);
    QString experimentName() const;
    QString preset() const;
    /// state.runFolder/experiments: every experiment's folder and the shared model cache.
    QString root() const;
    /// root/<name>-<preset>: where the current choice writes its results.
    QString folder() const;
    /// "released" when the Released recipe box is ticked, else "tleg" (train::applyRecipe).
    std::string recipe() const;

    /// Starts the chosen experiment on the worker thread; false (and a message on the panel)
    /// while another job runs.
    bool run();
    /// Shows folder/results.md with the folder's plots below; false (and a note) if it has none.
    bool showResults(const QString& folder);

    // For tests.
    QComboBox* experimentBox() const { return m_experiment; }
    QComboBox* presetBox() const { return m_preset; }
    QSpinBox* seedsBox() const { return m_seeds; }
    QPushButton* runButton() const { return m_run; }
    QPushButton* stopButton() const { return m_stop; }
    QPushButton* openButton() const { return m_open; }
    QTextBrowser* resultsView() const { return m_results; }
    QString statusText() const;
    QString shownFolder() const { return m_shown; }
    /// The PNG images shown below the tables: only for results without charts.json.
    QStringList plotFiles() const { return m_plots; }
    /// The interactive plots below the tables, one per chart of charts.json, in its order.
    QList<QCustomPlot*> chartPlots() const;
    QTabWidget* chartTabs() const { return m_charts; }
    /// True from run() until the experiment's job has ended.
    bool isRunning() const { return m_job != 0; }
    /// What the last experiment run from this panel returned (empty before the first).
    const experiments::ExperimentResult& lastResult() const { return m_last; }

public Q_SLOTS:
    /// Shows the results of the current choice again (after the run folder changed).
    void reload();

Q_SIGNALS:
    /// An experiment started here has ended. Unless it stopped or failed (incomplete), folder
    /// holds its new results; either way the cache keeps every model it finished.
    void experimentEnded(const QString& folder, bool incomplete);

protected:
    void changeEvent(QEvent* event) override;

private:
    void fillChoices();
    void showDescription();
    void onChoiceChanged();
    void onProgress(const ProgressUpdate& u);
    void onLogged(const QString& line);
    void onFinished(const QString& name, bool stopped, const QString& error, quint64 job);
    void updateEnabled();
    void openFolder();
    void setStatus(const QString& text, bool error = false);
    void showImages(const QString& folder, const QString& markdown);
    void showCharts(const std::vector<std::pair<std::string, experiments::Chart>>& charts);

    AppState& m_state;
    JobRunner& m_runner;
    /// Filled by the worker; read on the GUI thread after the job has ended.
    std::shared_ptr<experiments::ExperimentResult> m_pending;
    quint64 m_job = 0; // the runner's id of the running experiment; 0 when none
    experiments::ExperimentResult m_last;
    QString m_stage;
    QElapsedTimer m_clock;
    QString m_shown;
    QStringList m_plots;

    QComboBox* m_experiment;
    QLabel* m_description;
    QComboBox* m_preset;
    QSpinBox* m_seeds;
    QCheckBox* m_released; // train::applyRecipe "released" instead of "tleg"
    QPushButton* m_run;
    QPushButton* m_stop;
    QPushButton* m_open;
    QLabel* m_status;
    QTextBrowser* m_results;
    QTabWidget* m_charts;
    QSplitter* m_split;
    TranslatedTexts m_texts;
};

} // namespace tleg::gui
