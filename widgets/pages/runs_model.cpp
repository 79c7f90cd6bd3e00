#include "widgets/pages/runs_model.h"

#include "widgets/background_task.h"
#include "widgets/text_format.h"

#include <QDir>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

namespace tleg::gui {

/// What a listing found: the runs and every folder looked at (what to watch).
struct RunsModel::Listing {
    std::vector<workflow::RunInfo> runs;
    std::vector<std::string> folders;
};

namespace {
constexpr int kDebounceMs = 500;  // a checkpoint write touches a folder several times
constexpr int kMaxWatched = 4000; // inotify watches are a per-user resource
} // namespace

RunsModel::RunsModel(const AppState& state, QObject* parent)
    : QObject(parent), m_state(state), m_watcher(new QFileSystemWatcher(this)),
      m_debounce(new QTimer(this))
{
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, m_debounce,
            qOverload<>(&QTimer::start));
    connect(m_debounce, &QTimer::timeout, this, &RunsModel::refresh);
}

RunsModel::~RunsModel()
{
    // A listing not started yet is dropped; a running one reads a few small files more.
    m_lister.cancel();
    m_lister.waitForFinished();
}

QString RunsModel::key(const QString& folder)
{
    return QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
}

void RunsModel::refresh()
{
    if (m_listing) {
        m_listAgain = true;
        return;
    }
    m_listing = true;
    m_listedRoot = m_state.runFolder;
    m_addedWhileListing.clear();
    // Reads only config.json, metrics.csv, log.txt and safetensors headers, but a tree of many
    // runs on a slow disk would still stall the GUI: in the background, not on the JobRunner,
    // which may be training.
    auto list = [root = m_listedRoot.toStdString()] {
        Listing l;
        l.runs = workflow::listRuns(root, &l.folders);
        return l;
    };
    m_lister = runInBackground(this, list, [this](TaskResult<Listing> r) {
        m_listing = false;
        onListed(r.ok() ? *r.value : Listing{}, r.error);
    });
}

void RunsModel::onListed(const Listing& listing, const QString& error)
{
    if (m_listedRoot == m_state.runFolder) {
        QHash<QString, workflow::RunInfo> runs;
        for (const auto& r : listing.runs) {
            const QString k = key(QString::fromStdString(r.folder));
            if (QFileInfo::exists(k)) // deleted here while the listing ran
                runs.insert(k, r);
        }
        // A run added meanwhile was read when its job had ended: the listing in flight may have
        // missed it, or read it while it was still being written.
        for (const QString& k : std::as_const(m_addedWhileListing))
            if (m_runs.contains(k) && QFileInfo::exists(k))
                runs.insert(k, m_runs.value(k));
        m_runs = std::move(runs);
        QStringList folders;
        for (const auto& f : listing.folders)
            folders << key(QString::fromStdString(f));
        if (folders.isEmpty()) // no runs folder yet: notice when it is made
            folders << key(QFileInfo(key(m_listedRoot)).absolutePath());
        watch(folders);
    } else {
        m_listAgain = true; // the run folder was changed meanwhile
    }
    m_addedWhileListing.clear();
    Q_EMIT changed();
    Q_EMIT listed(error);
    if (m_listAgain) {
        m_listAgain = false;
        refresh();
    }
}

void RunsModel::watch(const QStringList& folders)
{
    QStringList wanted = folders.mid(0, kMaxWatched);
    const QStringList current = m_watcher->directories();
    QStringList gone, added;
    for (const QString& f : current)
        if (!wanted.contains(f))
            gone << f;
    for (const QString& f : std::as_const(wanted))
        if (!current.contains(f) && QFileInfo(f).isDir())
            added << f;
    if (!gone.isEmpty())
        m_watcher->removePaths(gone);
    if (!added.isEmpty())
        m_watcher->addPaths(added);
}

QStringList RunsModel::watchedFolders() const
{
    return m_watcher->directories();
}

void RunsModel::addRun(const QString& folder, std::function<void(const QString&)> done)
{
    // A run of our own is a few small files, but a folder may hold anything (a huge metrics.csv,
    // a lying header): read like a listing, in the background.
    auto read = [f = folder.toStdString()] {
        if (workflow::isRunFolder(f))
            return std::vector<workflow::RunInfo>{workflow::listRun(f)};
        return workflow::listRuns(f);
    };
    ++m_adding;
    runInBackground(this, read, [this, folder, done](TaskResult<std::vector<workflow::RunInfo>> r) {
        --m_adding;
        QString why;
        if (!r.ok())
            why =
                tr("Could not read the run %1: %2").arg(folder, withoutPathPrefix(r.error, folder));
        else if (r.value->empty())
            why = tr("There is no run in %1.").arg(folder);
        else
            onAdded(std::move(*r.value));
        if (done)
            done(why);
    });
}

void RunsModel::onAdded(std::vector<workflow::RunInfo> runs)
{
    for (auto& r : runs) {
        const QString k = key(QString::fromStdString(r.folder));
        insert(k, std::move(r));
        const QString parent = QFileInfo(k).absolutePath();
        if (!m_watcher->directories().contains(k))
            m_watcher->addPath(k);
        if (!m_watcher->directories().contains(parent))
            m_watcher->addPath(parent);
    }
    Q_EMIT changed();
}

void RunsModel::insert(const QString& key, workflow::RunInfo run)
{
    m_runs.insert(key, std::move(run));
    if (m_listing)
        m_addedWhileListing.insert(key);
}

void RunsModel::remove(const QString& key)
{
    m_runs.remove(key);
}

const workflow::RunInfo* RunsModel::run(const QString& folder) const
{
    auto it = m_runs.constFind(key(folder));
    return it == m_runs.constEnd() ? nullptr : &it.value();
}

} // namespace tleg::gui
