#pragma once
// Runs page: every training run under the run folder in one sortable table (RunsTable). Select
// runs to overlay their curves; run one again (workflow::rerun: the same spec, seed and data,
// into <run>-rerun), rename, delete, open its folder, export the table as CSV. Runs are listed in
// the background; the table follows the folder on disk (QFileSystemWatcher) and other pages'
// finished runs (addRun). Given the job runner, a second tab holds the paper's experiments
// (ExperimentPanel), and Run again is possible.
// Usage:
//   auto* runs = new RunsPage(state, &runner);
//   connect(expandPage, &ExpandPage::runFinished, runs, &RunsPage::addRun);
//   runs->refresh();            // after the settings changed state.runFolder
//   runs->runAgain(folder);     // what the Run again button does for the selected run
#include "widgets/app_state.h"
#include "widgets/pages/runs_model.h"
#include "widgets/pages/run_diff.h"
#include "widgets/pages/runs_table.h"
#include "widgets/plots/run_curves.h"
#include "widgets/translated_texts.h"

#include <QStringList>
#include <QWidget>

class QAction;
class QCheckBox;
class QComboBox;
class QSlider;
class QTableWidget;
class QCustomPlot;
class QLabel;
class QLayout;
class QPushButton;
class QTabWidget;

namespace tleg::gui {

class ExperimentPanel;
class JobRunner;

class RunsPage : public QWidget {
    Q_OBJECT
public:
    /// With a runner the page has two tabs (the runs, and the experiments that run on it) and
    /// runs can be run again.
    explicit RunsPage(AppState& state, JobRunner* runner = nullptr, QWidget* parent = nullptr);
    /// Renames a run folder within its parent; false (error shown on the page) on failure.
    bool renameRun(const QString& folder, const QString& newName);
    /// Sets a run's tags (comma-separated) and notes (notes.json); false with the error shown
    /// when a tag is refused or the file cannot be written.
    bool setRunNotes(const QString& folder, const QString& tags, const QString& notes);
    /// Deletes run folders without asking (the Delete button asks first); false if any failed.
    bool deleteRuns(const QStringList& folders);
    /// Runs folder's job again on the runner (workflow::rerun into workflow::rerunFolder), with
    /// progress in the status bar and the log; the new run joins the table when it has ended.
    /// False (the reason shown on the page) without a runner, while a job runs, or when
    /// folder's config.json records no job.
    bool runAgain(const QString& folder);
    /// The table as CSV (raw numbers, current sort order): what Export CSV writes.
    QString tableCsv() const;
    /// Writes tableCsv() to path; false (error shown) on failure.
    bool exportCsv(const QString& path);
    /// Selects these runs in the table (the others are deselected).
    void selectRuns(const QStringList& folders);

    // For tests and the main window.
    RunsTable* table() const { return m_table; }
    QCustomPlot* top1Plot() const { return m_top1Plot; }
    QCustomPlot* lossPlot() const { return m_lossPlot; }
    /// Curves: smoothing (0 … 95 hundredths), log-scale loss, x by epoch / images / time.
    QSlider* smoothingSlider() const { return m_smoothing; }
    QCheckBox* logLossBox() const { return m_logLoss; }
    QComboBox* xAxisBox() const { return m_xAxis; }
    /// The Differences tab: a row per setting that differs between the selected runs.
    QTableWidget* differencesTable() const { return m_diff; }
    QTabWidget* viewTabs() const { return m_views; }
    QPushButton* refreshButton() const { return m_refresh; }
    QPushButton* runAgainButton() const { return m_runAgain; }
    QPushButton* renameButton() const { return m_rename; }
    QPushButton* deleteButton() const { return m_delete; }
    QPushButton* openButton() const { return m_open; }
    QPushButton* exportButton() const { return m_export; }
    /// The table's context menu actions: Run again, Open folder, Rename…, Delete….
    QAction* runAgainAction() const { return m_runAgainAction; }
    /// The Experiments tab; nullptr without a runner.
    ExperimentPanel* experimentPanel() const { return m_experiments; }
    QTabWidget* tabs() const { return m_tabs; }
    QString errorText() const;
    /// What is wrong with each selected broken run: one line per run naming its file.
    QString problemText() const;
    /// Run folders in table order, and those selected.
    QStringList runFolders() const { return m_table->folders(); }
    QStringList selectedFolders() const { return m_table->selectedFolders(); }
    /// The listed run in folder, or nullptr.
    const workflow::RunInfo* run(const QString& folder) const { return m_model->run(folder); }
    bool isListing() const { return m_model->isListing(); }
    /// True while runs given to addRun are being read (in the background).
    bool isAdding() const { return m_model->isAdding(); }
    /// True from runAgain() until that job has ended.
    bool isRunningAgain() const { return m_rerunJob != 0; }
    /// The folder of the last run made by Run again (empty before the first).
    QString lastRerunFolder() const { return m_lastRerun; }
    /// Folders the file watcher follows.
    QStringList watchedFolders() const { return m_model->watchedFolders(); }

public Q_SLOTS:
    /// Lists state.runFolder again in the background; the table updates when it is done.
    void refresh();
    /// Reads a run (or every run under folder) in the background and shows it, e.g. when
    /// another page finished one; runAdded() when done.
    void addRun(const QString& folder);

Q_SIGNALS:
    /// A listing has been shown in the table.
    void listed();
    /// A run given to addRun has been read and shown, or could not be (error says why).
    void runAdded(const QString& folder, const QString& error);

protected:
    void changeEvent(QEvent* event) override;

private:
    QLayout* buildButtons();
    QWidget* buildTableAndPlots();
    QLayout* buildCurveControls();
    RunCurveOptions curveOptions() const;
    void showDifferences();
    void fillDifferences(const QStringList& folders, const std::vector<SettingDiff>& diff);
    /// A red line for messages, hidden while empty.
    QLabel* messageLabel(const char* name);
    void buildActions();
    void onRerunFinished(bool stopped, const QString& error, quint64 job);
    void showRuns();
    void plotSelection();
    void showProblems();
    void updateEnabled();
    void updateSummary();
    void showError(const QString& message);
    void askRename();
    void askNotes();
    void askDelete();
    void askExport();
    void openFolder();

    AppState& m_state;
    JobRunner* m_runner;
    RunsModel* m_model; // what the table shows
    quint64 m_rerunJob = 0;
    QString m_rerunFrom, m_rerunTo, m_lastRerun;

    QLabel* m_summary;
    QLabel* m_error;
    QLabel* m_problems;
    RunsTable* m_table;
    QCustomPlot* m_top1Plot;
    QCustomPlot* m_lossPlot;
    QTabWidget* m_views;
    QTableWidget* m_diff;
    QSlider* m_smoothing;
    QCheckBox* m_logLoss;
    QComboBox* m_xAxis;
    quint64 m_diffs = 0; // the newest differences task
    QPushButton* m_refresh;
    QPushButton* m_runAgain;
    QPushButton* m_rename;
    QPushButton* m_delete;
    QPushButton* m_open;
    QPushButton* m_export;
    QAction* m_runAgainAction = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_renameAction = nullptr;
    QAction* m_notesAction = nullptr;
    QAction* m_deleteAction = nullptr;
    QTabWidget* m_tabs = nullptr;
    ExperimentPanel* m_experiments = nullptr;
    TranslatedTexts m_texts;
};

} // namespace tleg::gui
