#pragma once
// Runs page: every training run under the run folder in one sortable table (kind, depth,
// parameters, best top-1, duration, state). Select runs to overlay their curves; rename, delete,
// open their folder, export the table as CSV. Listing runs on a worker thread; the table follows
// the folder on disk (QFileSystemWatcher) and other pages' finished runs (addRun). Given the
// job runner, a second tab holds the paper's experiments (ExperimentPanel).
// Usage:
//   auto* runs = new RunsPage(state, &runner);
//   connect(expandPage, &ExpandPage::runFinished, runs, &RunsPage::addRun);
//   runs->refresh();   // after the settings changed state.runFolder
#include <torch/torch.h> // before Qt

#include "workflow/run_index.h"
#include "widgets/app_state.h"

#include <QHash>
#include <QSet>
#include <QStringList>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QFileSystemWatcher;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QThread;
class QTimer;

namespace tleg::gui {

class ExperimentPanel;
class JobRunner;

class RunsPage : public QWidget {
    Q_OBJECT
public:
    /// Table columns, in order.
    enum Column {
        Name,
        Kind,
        Depth,
        Parameters,
        Epochs,
        BestTop1,
        LastTop1,
        Duration,
        State,
        Columns
    };

    /// With a runner the page has two tabs: the runs, and the experiments that run on it.
    explicit RunsPage(AppState& state, JobRunner* runner = nullptr, QWidget* parent = nullptr);
    /// Waits for a listing in progress: nothing outlives the page.
    ~RunsPage() override;

    /// Renames a run folder within its parent; false (error shown on the page) on failure.
    bool renameRun(const QString& folder, const QString& newName);
    /// Deletes run folders without asking (the Delete button asks first); false if any failed.
    bool deleteRuns(const QStringList& folders);
    /// The table as CSV (raw numbers, current sort order): what Export CSV writes.
    QString tableCsv() const;
    /// Writes tableCsv() to path; false (error shown) on failure.
    bool exportCsv(const QString& path);
    /// Selects these runs in the table (the others are deselected).
    void selectRuns(const QStringList& folders);

    // For tests and the main window.
    QTableWidget* table() const { return m_table; }
    QCustomPlot* top1Plot() const { return m_top1Plot; }
    QCustomPlot* lossPlot() const { return m_lossPlot; }
    QPushButton* refreshButton() const { return m_refresh; }
    QPushButton* renameButton() const { return m_rename; }
    QPushButton* deleteButton() const { return m_delete; }
    QPushButton* openButton() const { return m_open; }
    QPushButton* exportButton() const { return m_export; }
    /// The Experiments tab; nullptr without a runner.
    ExperimentPanel* experimentPanel() const { return m_experiments; }
    QTabWidget* tabs() const { return m_tabs; }
    QString errorText() const;
    /// Run folders in table order, and those selected.
    QStringList runFolders() const;
    QStringList selectedFolders() const;
    /// The listed run in folder, or nullptr.
    const workflow::RunInfo* run(const QString& folder) const;
    bool isListing() const { return m_lister != nullptr; }
    /// Folders the file watcher follows.
    QStringList watchedFolders() const;

public Q_SLOTS:
    /// Lists state.runFolder again on a worker thread; the table updates when it is done.
    void refresh();
    /// Shows a run (or every run under folder) at once, e.g. when another page finished one.
    void addRun(const QString& folder);

Q_SIGNALS:
    /// A listing has been shown in the table.
    void listed();

private:
    void onListed();
    void showRuns();
    void setRow(int row, const workflow::RunInfo& run);
    void plotSelection();
    void updateEnabled();
    void updateSummary();
    void showError(const QString& message);
    void watch(const QStringList& folders);
    void askRename();
    void askDelete();
    void askExport();
    void openFolder();
    QString key(const QString& folder) const;

    AppState& m_state;
    /// By canonical folder key; what the table shows.
    QHash<QString, workflow::RunInfo> m_runs;
    QThread* m_lister = nullptr;
    QString m_listedRoot;                  // the root the lister is listing
    std::vector<workflow::RunInfo> m_listing; // written by the lister, read after it finished
    std::vector<std::string> m_listingFolders;
    QString m_listingError;
    QSet<QString> m_addedWhileListing;
    bool m_listAgain = false;

    QLabel* m_summary;
    QLabel* m_error;
    QTableWidget* m_table;
    QCustomPlot* m_top1Plot;
    QCustomPlot* m_lossPlot;
    QPushButton* m_refresh;
    QPushButton* m_rename;
    QPushButton* m_delete;
    QPushButton* m_open;
    QPushButton* m_export;
    QTabWidget* m_tabs = nullptr;
    ExperimentPanel* m_experiments = nullptr;
    QFileSystemWatcher* m_watcher;
    QTimer* m_debounce;
};

} // namespace tleg::gui
