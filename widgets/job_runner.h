#pragma once
// Runs one core job at a time on a worker thread and turns its progress callbacks into queued
// signals, so the GUI thread never runs a training step and never blocks on one.
// Usage:
//   JobRunner runner;
//   connect(&runner, &JobRunner::progressed, this, &Page::onProgress);
//   runner.start("distill", [=](JobContext& ctx) { train(..., ctx.progressFn(), ctx.stopFlag()); });
//   runner.requestStop();   // atomic: the job sees it at its next batch
#include <torch/torch.h> // before Qt: Torch and Qt's keyword macros clash

#include "train/trainer.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <chrono>
#include <functional>

class QThread;

namespace tleg::gui {

/// What a job gets: a progress callback throttled for the GUI, and the stop flag.
class JobContext {
public:
    JobContext(class JobRunner* runner, const std::atomic<bool>* stop);
    /// Forwards progress at most every 50 ms (and every finished epoch); returns false once a
    /// stop was requested.
    train::ProgressFn progressFn();
    const std::atomic<bool>* stopFlag() const { return m_stop; }
    bool stopRequested() const { return m_stop->load(); }
    /// A line for the log dock.
    void log(const QString& line);

private:
    class JobRunner* m_runner;
    const std::atomic<bool>* m_stop;
    std::chrono::steady_clock::time_point m_last;
};

/// Plain copies of the numbers a page plots; travel by value through queued signals.
struct ProgressUpdate {
    qint64 epoch = 0, epochs = 0, batch = 0, batches = 0, step = 0, totalSteps = 0;
    double loss = 0, lr = 0, elapsedSeconds = 0, etaSeconds = 0;
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
    /// Asks the running job to stop; returns at once.
    void requestStop();
    bool isRunning() const;
    QString currentJob() const { return m_name; }
    /// Blocks until the job has ended (tests, closing the window); false on timeout.
    bool wait(int milliseconds);

Q_SIGNALS:
    void started(const QString& name);
    void progressed(const tleg::gui::ProgressUpdate& update);
    void logged(const QString& line);
    /// Emitted on the GUI thread after the worker has ended. error is empty on success;
    /// stopped tells a user stop from a finished job.
    void finished(const QString& name, bool stopped, const QString& error);

private:
    friend class JobContext;
    QThread* m_thread = nullptr;
    std::atomic<bool> m_stop{false};
    QString m_name;
    QString m_error; // written by the worker, read after it has finished
};

} // namespace tleg::gui

Q_DECLARE_METATYPE(tleg::gui::ProgressUpdate)
