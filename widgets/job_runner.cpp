#include "widgets/job_runner.h"

#include "util/error.h"

#include <QThread>

namespace tleg::gui {

JobContext::JobContext(JobRunner* runner, const std::atomic<bool>* stop)
    : m_runner(runner), m_stop(stop)
{
}

train::ProgressFn JobContext::progressFn()
{
    return [this](const train::Progress& p) {
        const auto now = std::chrono::steady_clock::now();
        const bool last = p.batch == p.batches;
        if (p.epochDone || last || now - m_last >= std::chrono::milliseconds(50)) {
            m_last = now;
            ProgressUpdate u;
            u.epoch = p.epoch;
            u.epochs = p.epochs;
            u.batch = p.batch;
            u.batches = p.batches;
            u.step = p.step;
            u.totalSteps = p.totalSteps;
            u.loss = p.loss;
            u.lr = p.lr;
            u.elapsedSeconds = p.elapsedSeconds;
            u.etaSeconds = p.etaSeconds;
            if (p.epochDone) {
                u.epochDone = true;
                u.trainLoss = p.epochDone->trainLoss;
                u.valTop1 = p.epochDone->valTop1;
                u.valTop5 = p.epochDone->valTop5;
            }
            Q_EMIT m_runner->progressed(u);
        }
        return !m_stop->load();
    };
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
    requestStop();
    wait(-1);
}

bool JobRunner::isRunning() const
{
    return m_thread && m_thread->isRunning();
}

bool JobRunner::start(const QString& name, Job job)
{
    if (isRunning())
        return false;
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    m_stop.store(false);
    m_name = name;
    m_thread = QThread::create([this, job = std::move(job)] {
        // Grad mode and intra-op threads are per thread in LibTorch: set them here.
        torch::GradMode::set_enabled(true);
        JobContext ctx(this, &m_stop);
        m_error.clear();
        try {
            job(ctx);
        } catch (const std::exception& e) { // tleg::Error and LibTorch's errors alike
            m_error = QString::fromStdString(e.what());
        }
    });
    // Announce the end from the GUI thread once the worker is gone, so that listeners see
    // isRunning() == false and may start the next job at once.
    connect(m_thread, &QThread::finished, this, [this, name] {
        m_thread->wait();
        Q_EMIT finished(name, m_stop.load() && m_error.isEmpty(), m_error);
    }, Qt::QueuedConnection);
    m_thread->start();
    Q_EMIT started(name); // after start(): isRunning() is already true for listeners
    return true;
}

void JobRunner::requestStop()
{
    m_stop.store(true);
}

bool JobRunner::wait(int milliseconds)
{
    if (!m_thread)
        return true;
    return milliseconds < 0 ? m_thread->wait() : m_thread->wait(QDeadlineTimer(milliseconds));
}

} // namespace tleg::gui
