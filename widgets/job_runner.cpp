#include "widgets/job_runner.h"

#include "widgets/text_format.h"

#include "util/error.h"
#include "workflow/jobs.h"

#include <QThread>

#include <algorithm>
#include <thread>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace tleg::gui {

namespace {

/// Lowers the calling thread's priority. Linux keeps nice per thread, and threads inherit it,
/// so the OpenMP pool that this thread's first parallel region starts runs at the same level.
void lowerThisThreadPriority(int nice)
{
#ifdef __linux__
    if (nice <= 0)
        return;
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    const int current = getpriority(PRIO_PROCESS, tid); // inherited from the starting thread
    setpriority(PRIO_PROCESS, tid, std::min(19, current + nice));
#else
    (void)nice;
#endif
}

} // namespace

JobContext::JobContext(JobRunner* runner, const std::atomic<bool>* stop, quint64 job)
    : m_runner(runner), m_stop(stop), m_job(job)
{
}

workflow::Hooks JobContext::hooks()
{
    workflow::Hooks h;
    h.progress = progressFn();
    h.log = [this](const std::string& line) { log(QString::fromStdString(line)); };
    h.stop = m_stop;
    return h;
}

train::ProgressFn JobContext::progressFn()
{
    return [this](const train::Progress& p) {
        const auto now = Clock::now();
        const bool last = p.batch == p.batches;
        if (p.epochDone || last || now - m_last >= std::chrono::milliseconds(50)) {
            m_last = now;
            ProgressUpdate u;
            u.job = m_job;
            u.epoch = p.epoch;
            u.epochs = p.epochs;
            u.batch = p.batch;
            u.batches = p.batches;
            u.step = p.step;
            u.totalSteps = p.totalSteps;
            u.loss = p.loss;
            u.lr = p.lr;
            u.elapsedSeconds = p.elapsedSeconds;
            // The trainer's ETA is elapsed / steps × remaining; scaling it by the share of the
            // elapsed time that was not paused gives the ETA of the active time alone.
            const auto since = now
                               - std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(p.elapsedSeconds));
            u.pausedSeconds = pausedSeconds(since, now);
            u.etaSeconds = p.elapsedSeconds > 0.0
                               ? p.etaSeconds * std::max(0.0, p.elapsedSeconds - u.pausedSeconds)
                                     / p.elapsedSeconds
                               : p.etaSeconds;
            if (p.epochDone) {
                u.epochDone = true;
                u.trainLoss = p.epochDone->trainLoss;
                u.valTop1 = p.epochDone->valTop1;
                u.valTop5 = p.epochDone->valTop5;
            }
            Q_EMIT m_runner->progressed(u);
        }
        return waitWhilePaused();
    };
}

bool JobContext::waitWhilePaused()
{
    if (!m_runner->m_pause.load())
        return !m_stop->load();
    const auto t0 = Clock::now();
    {
        std::unique_lock<std::mutex> lock(m_runner->m_pauseMutex);
        if (!m_runner->m_pause.load() || m_stop->load())
            return !m_stop->load();
    }
    // Signals leave outside the lock: a direct connection may call resume() or requestStop().
    Q_EMIT m_runner->paused();
    bool stopping = false;
    {
        std::unique_lock<std::mutex> lock(m_runner->m_pauseMutex);
        m_runner->m_pauseChanged.wait(
            lock, [this] { return !m_runner->m_pause.load() || m_stop->load(); });
        stopping = m_stop->load();
    }
    m_pauses.emplace_back(t0, Clock::now());
    if (!stopping)
        Q_EMIT m_runner->resumed();
    return !stopping;
}

double JobContext::pausedSeconds(Clock::time_point from, Clock::time_point to) const
{
    double seconds = 0;
    for (const auto& [begin, end] : m_pauses) {
        const auto a = std::max(begin, from);
        const auto b = std::min(end, to);
        if (b > a)
            seconds += std::chrono::duration<double>(b - a).count();
    }
    return seconds;
}

void JobContext::log(const QString& line)
{
    Q_EMIT m_runner->logged(line);
}

JobRunner::JobRunner(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<tleg::gui::ProgressUpdate>();
}

JobRunner::~JobRunner()
{
    // Listeners may be half destroyed already (a window's members): no finished() from here.
    blockSignals(true);
    requestStop();
    wait(-1);
}

int JobRunner::intraOpThreads(int setting)
{
    if (setting > 0)
        return setting;
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1);
}

quint64 JobRunner::start(const QString& name, Job job)
{
    if (isRunning())
        return 0;
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    m_stop.store(false);
    m_pause.store(false);
    m_name = name;
    m_current = ++m_lastId;
    m_thread = QThread::create([this, id = m_current, nice = m_workerNice, job = std::move(job)] {
        lowerThisThreadPriority(nice);
        // Grad mode and intra-op threads are per thread in LibTorch: set them here.
        torch::GradMode::set_enabled(true);
        JobContext ctx(this, &m_stop, id);
        m_error.clear();
        try {
            job(ctx);
        } catch (const std::exception& e) { // tleg::Error and LibTorch's errors alike
            m_error = gui::errorText(e);
        }
    });
    // Announce the end from the GUI thread once the worker is gone (wait() may have done so).
    connect(
        m_thread, &QThread::finished, this, [this, id = m_current] { endJob(id); },
        Qt::QueuedConnection);
    m_thread->start();
    Q_EMIT started(name, m_current); // after start(): isRunning() is already true for listeners
    return m_current;
}

void JobRunner::endJob(quint64 job)
{
    if (job == 0 || job != m_current)
        return;
    m_thread->wait();
    m_current = 0;
    m_pause.store(false);
    Q_EMIT finished(m_name, m_stop.load() && m_error.isEmpty(), m_error, job);
}

void JobRunner::requestStop()
{
    m_stop.store(true);
    // Under the lock, so that a worker between its check and its wait cannot miss the wake-up.
    std::lock_guard<std::mutex> lock(m_pauseMutex);
    m_pause.store(false);
    m_pauseChanged.notify_all();
}

void JobRunner::pause()
{
    if (isRunning())
        m_pause.store(true);
}

void JobRunner::resume()
{
    {
        std::lock_guard<std::mutex> lock(m_pauseMutex);
        m_pause.store(false);
    }
    m_pauseChanged.notify_all();
}

bool JobRunner::wait(int milliseconds)
{
    if (!m_thread)
        return true;
    const bool ended =
        milliseconds < 0 ? m_thread->wait() : m_thread->wait(QDeadlineTimer(milliseconds));
    if (ended)
        endJob(m_current);
    return ended;
}

} // namespace tleg::gui
