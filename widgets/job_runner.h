#pragma once
// Runs one training job at a time on a worker thread and turns its progress callbacks into
// queued signals, so the GUI thread never runs a training step and never blocks on one. Every
// job gets an id: a page that started one reacts to that job's progress and end only.
// Usage:
//   JobRunner runner;
//   const quint64 job = runner.start(tr("distill"), [spec](JobContext& ctx) {
//       workflow::runDistill(spec, ctx.hooks());      // progress, log lines and the stop flag
//   });                                                // 0: another job is running
//   connect(&runner, &JobRunner::progressed, this, [=](const ProgressUpdate& u) {
//       if (u.job == job) plot(u);
//   });
//   runner.pause();  runner.resume();   // the job parks in its progress callback between batches
//   runner.requestStop();               // atomic: the job sees it at its next batch, even paused
// Work that is not a training job (reading files, listing runs) goes to runInBackground
// (widgets/background_task.h) instead.
#include "train/trainer.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

class QThread;

namespace tleg::workflow {
struct Hooks;
} // namespace tleg::workflow

namespace tleg::gui {

/// What a job gets: a progress callback throttled for the GUI, the stop flag and the pause gate.
class JobContext {
public:
    JobContext(class JobRunner* runner, const std::atomic<bool>* stop, quint64 job);
    /// Forwards progress at most every 50 ms (and every finished epoch), then parks the worker
    /// while the runner is paused; returns false once a stop was requested. The ETA it forwards
    /// leaves out the time spent paused.
    train::ProgressFn progressFn();
    /// progressFn(), log() and the stop flag as the workflow's jobs take them. The context must
    /// outlive the hooks (it does for the length of the job).
    workflow::Hooks hooks();
    const std::atomic<bool>* stopFlag() const { return m_stop; }
    bool stopRequested() const { return m_stop->load(); }
    /// Blocks while the runner is paused (progressFn calls it every batch; other jobs may call
    /// it between their steps); returns false once a stop was requested.
    bool waitWhilePaused();
    /// Seconds this job spent paused inside [from, to].
    double pausedSeconds(std::chrono::steady_clock::time_point from,
                         std::chrono::steady_clock::time_point to) const;
    /// A line for the log dock.
    void log(const QString& line);

private:
    using Clock = std::chrono::steady_clock;
    class JobRunner* m_runner;
    const std::atomic<bool>* m_stop;
    quint64 m_job;
    Clock::time_point m_last;
    std::vector<std::pair<Clock::time_point, Clock::time_point>> m_pauses; // worker thread only
};

/// Plain copies of the numbers a page plots; travel by value through queued signals.
struct ProgressUpdate {
    quint64 job = 0; ///< the id start() returned for the job that reports
    qint64 epoch = 0, epochs = 0, batch = 0, batches = 0, step = 0, totalSteps = 0;
    double loss = 0, lr = 0, elapsedSeconds = 0, etaSeconds = 0;
    double pausedSeconds = 0; // part of elapsedSeconds spent paused (not counted in the ETA)
    bool epochDone = false;
    double trainLoss = 0, valTop1 = 0, valTop5 = 0; // when epochDone
};

class JobRunner : public QObject {
    Q_OBJECT
public:
    using Job = std::function<void(JobContext&)>;

    explicit JobRunner(QObject* parent = nullptr);
    /// Stops a running job and waits for it: nothing outlives the runner.
    ~JobRunner() override;

    /// Starts job on a new worker thread and returns its id (1, 2, 3, ...); 0 (and nothing
    /// happens) while another job runs.
    quint64 start(const QString& name, Job job);
    /// Asks the running job to stop; returns at once. Wakes a paused job.
    void requestStop();
    /// True from start() until finished() has been emitted.
    bool isRunning() const { return m_current != 0; }
    /// The running job's id; 0 when none runs.
    quint64 currentJobId() const { return m_current; }
    /// True from pause() until resume(), requestStop() or the end of the job.
    bool isPaused() const { return m_pause.load(); }
    QString currentJob() const { return m_name; }
    /// Blocks until the job's thread has ended and then emits finished() at once (tests,
    /// closing the window); false on timeout.
    bool wait(int milliseconds);

    /// Intra-op threads for a job started from the GUI: setting when positive, else all cores
    /// but one. The GUI thread then always finds a free core, and OpenMP's barriers never wait
    /// on a thread that the GUI thread (or another program) displaced: on a busy 2-core machine
    /// two threads ran a distillation 15× slower than one and let Stop take 2 s.
    static int intraOpThreads(int setting);

    /// Nice increment (Linux, per thread) of the worker and the intra-op threads it starts: the
    /// GUI thread then wins the CPU whenever it has work, and training gets everything else.
    /// 0 keeps the worker at the GUI's priority. Applies to jobs started afterwards.
    void setWorkerNice(int nice) { m_workerNice = nice; }
    int workerNice() const { return m_workerNice; }

public Q_SLOTS:
    /// Parks the running job at its next batch (it keeps its memory and resumes exactly).
    void pause();
    void resume();

Q_SIGNALS:
    void started(const QString& name, quint64 job);
    /// update.job says whose progress it is.
    void progressed(const tleg::gui::ProgressUpdate& update);
    void logged(const QString& line);
    /// The job has reached a batch boundary and waits (sent by the worker: every progress
    /// update sent before it has been delivered first).
    void paused();
    /// The paused job goes on (not sent when a stop ends the pause).
    void resumed();
    /// Emitted on the GUI thread once per job after its worker has ended; isRunning() is false
    /// by then, so a listener may start the next job at once. error is empty on success;
    /// stopped tells a user stop from a finished job.
    void finished(const QString& name, bool stopped, const QString& error, quint64 job);

private:
    friend class JobContext;
    /// Emits finished() for job once, when it is still the current one.
    void endJob(quint64 job);

    QThread* m_thread = nullptr;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_pause{false};
    std::mutex m_pauseMutex; // guards the wait on m_pauseChanged
    std::condition_variable m_pauseChanged;
    int m_workerNice = 0;
    quint64 m_current = 0; // GUI thread only
    quint64 m_lastId = 0;
    QString m_name;
    QString m_error; // written by the worker, read after it has finished
};

} // namespace tleg::gui

Q_DECLARE_METATYPE(tleg::gui::ProgressUpdate)
