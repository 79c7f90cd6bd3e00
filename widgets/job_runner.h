#pragma once
// Runs one core job at a time on a worker thread and turns its progress callbacks into queued
// signals, so the GUI thread never runs a training step and never blocks on one.
// Usage:
//   JobRunner runner;
//   connect(&runner, &JobRunner::progressed, this, &Page::onProgress);
//   runner.start("distill", [=](JobContext& ctx) { train(..., ctx.progressFn(), ctx.stopFlag());
//   }); runner.pause();  runner.resume();   // the job parks in its progress callback between
//   batches runner.requestStop();               // atomic: the job sees it at its next batch, even
//   paused
#include <torch/torch.h> // before Qt: Torch and Qt's keyword macros clash

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

namespace tleg::gui {

/// What a job gets: a progress callback throttled for the GUI, the stop flag and the pause gate.
class JobContext {
public:
    JobContext(class JobRunner* runner, const std::atomic<bool>* stop);
    /// Forwards progress at most every 50 ms (and every finished epoch), then parks the worker
    /// while the runner is paused; returns false once a stop was requested. The ETA it forwards
    /// leaves out the time spent paused.
    train::ProgressFn progressFn();
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
    Clock::time_point m_last;
    std::vector<std::pair<Clock::time_point, Clock::time_point>> m_pauses; // worker thread only
};

/// Plain copies of the numbers a page plots; travel by value through queued signals.
struct ProgressUpdate {
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

    /// Starts job on a new worker thread; false (and nothing happens) while one is running.
    bool start(const QString& name, Job job);
    /// Asks the running job to stop; returns at once. Wakes a paused job.
    void requestStop();
    bool isRunning() const;
    /// True from pause() until resume(), requestStop() or the end of the job.
    bool isPaused() const { return m_pause.load(); }
    QString currentJob() const { return m_name; }
    /// Blocks until the job has ended (tests, closing the window); false on timeout.
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
    void started(const QString& name);
    void progressed(const tleg::gui::ProgressUpdate& update);
    void logged(const QString& line);
    /// The job has reached a batch boundary and waits (sent by the worker: every progress
    /// update sent before it has been delivered first).
    void paused();
    /// The paused job goes on (not sent when a stop ends the pause).
    void resumed();
    /// Emitted on the GUI thread after the worker has ended. error is empty on success;
    /// stopped tells a user stop from a finished job.
    void finished(const QString& name, bool stopped, const QString& error);

private:
    friend class JobContext;
    QThread* m_thread = nullptr;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_pause{false};
    std::mutex m_pauseMutex; // guards the wait on m_pauseChanged
    std::condition_variable m_pauseChanged;
    int m_workerNice = 0;
    QString m_name;
    QString m_error; // written by the worker, read after it has finished
};

} // namespace tleg::gui

Q_DECLARE_METATYPE(tleg::gui::ProgressUpdate)
