#pragma once
// What the Runs page shows, kept up to date: every run under the run folder, listed in the
// background (runInBackground), re-listed when the folder changes on disk (QFileSystemWatcher,
// debounced) and when a page adds a run it has just written. Runs are keyed by their canonical
// folder (key()).
// Usage:
//   auto* model = new RunsModel(state, this);
//   connect(model, &RunsModel::changed, this, [=] { table->showRuns(model->runs(), root); });
//   model->refresh();                  // after state.runFolder changed
//   model->addRun(dir, [](const QString& why) { ... });  // a run another page finished; why is
//                                                         // empty when it was read
#include "widgets/app_state.h"
#include "workflow/run_index.h"

#include <QFuture>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <functional>

class QFileSystemWatcher;
class QTimer;

namespace tleg::gui {

class RunsModel : public QObject {
    Q_OBJECT
public:
    explicit RunsModel(const AppState& state, QObject* parent = nullptr);
    /// Waits for a listing in progress: nothing outlives the model.
    ~RunsModel() override;

    /// folder made absolute and clean: how runs are keyed.
    static QString key(const QString& folder);

    /// Lists state.runFolder again in the background; listed() and changed() when done. One
    /// listing at a time: a request during one runs when it ends.
    void refresh();
    bool isListing() const { return m_listing; }
    /// Reads the run in folder (or every run under it) in the background, then adds and watches
    /// it and calls done with the reason when there is none or it cannot be read, else empty.
    void addRun(const QString& folder, std::function<void(const QString&)> done = {});
    /// True while runs given to addRun are being read.
    bool isAdding() const { return m_adding > 0; }
    /// Replaces or drops one run (after a rename or delete on disk); no changed(): the caller
    /// shows the runs when it is done.
    void insert(const QString& key, workflow::RunInfo run);
    void remove(const QString& key);

    const QHash<QString, workflow::RunInfo>& runs() const { return m_runs; }
    /// The run in folder, or nullptr.
    const workflow::RunInfo* run(const QString& folder) const;
    /// Folders the file watcher follows.
    QStringList watchedFolders() const;

Q_SIGNALS:
    /// The runs changed (a listing ended, a run was added, renamed or removed).
    void changed();
    /// A listing has ended; error is empty unless the root could not be listed.
    void listed(const QString& error);

private:
    struct Listing;
    void onListed(const Listing& listing, const QString& error);
    void onAdded(std::vector<workflow::RunInfo> runs);
    void watch(const QStringList& folders);

    const AppState& m_state;
    QHash<QString, workflow::RunInfo> m_runs;
    bool m_listing = false;
    bool m_listAgain = false;
    int m_adding = 0; // addRun reads in flight
    QFuture<void> m_lister;
    QString m_listedRoot;
    QSet<QString> m_addedWhileListing; // kept over what the listing in flight read of them
    QFileSystemWatcher* m_watcher;
    QTimer* m_debounce;
};

} // namespace tleg::gui
