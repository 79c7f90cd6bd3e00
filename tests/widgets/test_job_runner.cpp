// The job runner with its real worker thread: progress arrives throttled and in order, Pause
// parks the job between batches (its step counter stands still), Resume goes on, Stop ends the
// job without another batch even while paused, the ETA leaves the pause out, finished comes
// once, and every job has its own id on its progress and its end. Nothing here asserts a
// duration: a slow machine may only make a check weaker, never fail it.
#include <torch/torch.h>

#include "job_probe.h"
#include "util/error.h"
#include "widgets/job_runner.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

using namespace tleg;
using Clock = std::chrono::steady_clock;

namespace {

/// Generous: a loaded 2-core machine is slow, never this slow. Signals the worker sends
/// (paused, resumed, progressed) are awaited on the spy's count: the worker may send them before
/// QSignalSpy::wait() is called, and wait() only counts signals that arrive while it waits.
constexpr int kTimeoutMs = 30000;

/// How long a parked job is watched for a step it must not take. Only a window for a broken
/// pause to show itself: a slow machine narrows it, and no check depends on its length.
constexpr int kParkedWindowMs = 300;

/// Delivers every queued event: a finished() still on its way arrives now. The worker has ended
/// once finished() came, so nothing can be queued after this.
void deliverQueuedEvents()
{
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
}

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

/// A job shaped like train(): `total` batches of `batchMs` each, a progress call after every
/// batch with the trainer's ETA formula, stopping when the callback returns false.
gui::JobRunner::Job countingJob(std::shared_ptr<std::atomic<int64_t>> steps, int64_t total,
                                int batchMs)
{
    return [steps, total, batchMs](gui::JobContext& ctx) {
        auto progress = ctx.progressFn();
        const auto t0 = Clock::now();
        for (int64_t s = 1; s <= total; ++s) {
            std::this_thread::sleep_for(std::chrono::milliseconds(batchMs));
            steps->store(s);
            train::Progress p;
            p.epoch = 1;
            p.epochs = 1;
            p.batch = s;
            p.batches = total;
            p.step = s;
            p.totalSteps = total;
            p.loss = 1.0 / static_cast<double>(s);
            p.elapsedSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
            p.etaSeconds =
                p.elapsedSeconds / static_cast<double>(s) * static_cast<double>(total - s);
            if (!progress(p))
                return;
        }
    };
}

} // namespace

class TestJobRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void runsAJobAndReportsProgressOnce()
    {
        gui::JobRunner runner;
        auto steps = std::make_shared<std::atomic<int64_t>>(0);
        QSignalSpy progressed(&runner, &gui::JobRunner::progressed);
        QSignalSpy finished(&runner, &gui::JobRunner::finished);
        QVERIFY(runner.start("count", countingJob(steps, 40, 5)));
        QVERIFY(runner.isRunning());
        QVERIFY(!runner.start("second", [](gui::JobContext&) {})); // one job at a time
        QVERIFY(finished.wait(kTimeoutMs));
        QCOMPARE(steps->load(), int64_t(40));
        QCOMPARE(finished.first().at(0).toString(), QString("count"));
        QCOMPARE(finished.first().at(1).toBool(), false);
        QCOMPARE(finished.first().at(2).toString(), QString());
        // 40 batches of 5 ms with a 50 ms throttle: a few updates, the first and the last one
        // always. At most one per 50 ms of the job's own time in between, however long the
        // batches took: a slow machine only raises the bound.
        const auto last = progressed.last().at(0).value<gui::ProgressUpdate>();
        QCOMPARE(last.step, qint64(40));
        QCOMPARE(last.pausedSeconds, 0.0);
        QCOMPARE(progressed.first().at(0).value<gui::ProgressUpdate>().step, qint64(1));
        QVERIFY(progressed.count() >= 2);
        QVERIFY2(
            progressed.count() <= 2 + static_cast<int>(last.elapsedSeconds / 0.05),
            qPrintable(
                QString("%1 updates in %2 s").arg(progressed.count()).arg(last.elapsedSeconds)));
        qInfo("%lld updates for 40 batches in %.3f s", static_cast<long long>(progressed.count()),
              last.elapsedSeconds);
        deliverQueuedEvents();
        QCOMPARE(finished.count(), 1);
        QVERIFY(!runner.isRunning());
    }

    void pauseParksTheJobAndResumeContinues()
    {
        gui::JobRunner runner;
        auto steps = std::make_shared<std::atomic<int64_t>>(0);
        testing::JobProbe probe(runner); // before the spies: it has recorded when they return
        QSignalSpy paused(&runner, &gui::JobRunner::paused);
        QSignalSpy resumed(&runner, &gui::JobRunner::resumed);
        QSignalSpy progressed(&runner, &gui::JobRunner::progressed);
        QSignalSpy finished(&runner, &gui::JobRunner::finished);
        QVERIFY(runner.start("count", countingJob(steps, 100000, 5)));
        QTRY_VERIFY_WITH_TIMEOUT(steps->load() >= 10, kTimeoutMs);

        // The pause as the job saw it lies between these instants (causality, not speed).
        const auto pauseAsked = Clock::now();
        runner.pause();
        QVERIFY(runner.isPaused());
        QTRY_COMPARE_WITH_TIMEOUT(paused.count(), 1, kTimeoutMs); // sent by the worker as it parks
        const auto parkSeen = Clock::now();
        const int64_t atPause = steps->load();
        const int updatesAtPause = progressed.count();
        QCOMPARE(probe.parks(), 1);
        QTest::qWait(kParkedWindowMs);
        QCOMPARE(steps->load(), atPause); // parked: not a single batch more
        QCOMPARE(progressed.count(), updatesAtPause);
        QCOMPARE(paused.count(), 1);
        QCOMPARE(resumed.count(), 0);
        QVERIFY(runner.isRunning());

        const auto resumeAsked = Clock::now();
        runner.resume();
        QVERIFY(!runner.isPaused());
        QTRY_COMPARE_WITH_TIMEOUT(resumed.count(), 1, kTimeoutMs);
        const auto wakeSeen = Clock::now();
        // The job itself: nothing reported while parked, woken by the resume and not before,
        // and its step counter stood still from parking to waking.
        QCOMPARE(probe.reportsWhileParked(), 0);
        QCOMPARE(probe.wokeWhilePaused(), 0);
        QCOMPARE(probe.stepAtWake(), probe.stepAtPark());
        QTRY_VERIFY_WITH_TIMEOUT(steps->load() > atPause + 5, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(progressed.count() > updatesAtPause, kTimeoutMs);

        // The ETA counts only the active time: (elapsed − paused) / steps × remaining. The
        // pause it leaves out began after pause() and after the job parked... and ended after
        // resume() and before resumed() arrived here: bounds that hold on any machine.
        const auto u = progressed.last().at(0).value<gui::ProgressUpdate>();
        const double atLeast = std::chrono::duration<double>(resumeAsked - parkSeen).count();
        const double atMost = std::chrono::duration<double>(wakeSeen - pauseAsked).count();
        qInfo("paused %.3f s (between %.3f and %.3f s)", u.pausedSeconds, atLeast, atMost);
        QVERIFY2(u.pausedSeconds >= atLeast - 1e-3 && u.pausedSeconds <= atMost + 1e-3,
                 qPrintable(
                     QString("%1 not in [%2, %3]").arg(u.pausedSeconds).arg(atLeast).arg(atMost)));
        QVERIFY(u.pausedSeconds < u.elapsedSeconds);
        const double expected = (u.elapsedSeconds - u.pausedSeconds) / static_cast<double>(u.step)
                                * static_cast<double>(u.totalSteps - u.step);
        QVERIFY(std::abs(u.etaSeconds - expected) <= 0.02 * expected + 0.01);

        runner.requestStop();
        QVERIFY(finished.wait(kTimeoutMs));
        QCOMPARE(finished.first().at(1).toBool(), true);
        QCOMPARE(resumed.count(), 1);
    }

    void stopWhilePausedEndsTheJobWithoutAnotherBatch()
    {
        gui::JobRunner runner;
        auto steps = std::make_shared<std::atomic<int64_t>>(0);
        QSignalSpy paused(&runner, &gui::JobRunner::paused);
        QSignalSpy resumed(&runner, &gui::JobRunner::resumed);
        QSignalSpy finished(&runner, &gui::JobRunner::finished);
        testing::JobProbe probe(runner); // read once the job has finished
        // 100000 batches: 200 s at the least, so only the stop can end the job in time.
        const quint64 first = runner.start("count", countingJob(steps, 100000, 2));
        QVERIFY(first != 0);
        QTRY_VERIFY_WITH_TIMEOUT(steps->load() >= 5, kTimeoutMs);
        runner.pause();
        QTRY_COMPARE_WITH_TIMEOUT(paused.count(), 1, kTimeoutMs);
        const int64_t atPause = steps->load();

        const auto stopAsked = Clock::now();
        runner.requestStop();
        probe.markStopped();
        QVERIFY(!runner.isPaused());
        QVERIFY(finished.wait(kTimeoutMs));
        qInfo("stop while paused answered in %.0f ms (not checked)",
              1000.0 * secondsSince(stopAsked));
        QCOMPARE(finished.first().at(1).toBool(), true); // a user stop, not an error
        QCOMPARE(finished.first().at(2).toString(), QString());
        QCOMPARE(steps->load(), atPause); // woke up to stop, not to train one more batch
        QCOMPARE(probe.reportsAfterStop(), 0);
        QCOMPARE(resumed.count(), 0);
        deliverQueuedEvents();
        QCOMPARE(finished.count(), 1);

        // The runner is ready for the next job, unpaused; the first one never ends again.
        const quint64 again = runner.start("again", countingJob(steps, 3, 1));
        QVERIFY(again != 0);
        QVERIFY(finished.wait(kTimeoutMs));
        deliverQueuedEvents();
        QCOMPARE(finished.count(), 2);
        QCOMPARE(finished.first().at(3).value<quint64>(), first);
        QCOMPARE(finished.last().at(3).value<quint64>(), again);
        QCOMPARE(steps->load(), int64_t(3));
    }

    void jobsWithoutProgressCanHonourPause()
    {
        gui::JobRunner runner;
        auto ticks = std::make_shared<std::atomic<int64_t>>(0);
        // The job's own count when it parked and when it woke up (direct: on the worker, and
        // made before the spies, so recorded by the time their wait() returns).
        auto atPark = std::make_shared<std::atomic<int64_t>>(-1);
        auto atWake = std::make_shared<std::atomic<int64_t>>(-1);
        connect(
            &runner, &gui::JobRunner::paused, this, [=] { atPark->store(ticks->load()); },
            Qt::DirectConnection);
        connect(
            &runner, &gui::JobRunner::resumed, this, [=] { atWake->store(ticks->load()); },
            Qt::DirectConnection);
        QSignalSpy paused(&runner, &gui::JobRunner::paused);
        QSignalSpy resumed(&runner, &gui::JobRunner::resumed);
        QSignalSpy finished(&runner, &gui::JobRunner::finished);
        QVERIFY(runner.start("loop", [ticks](gui::JobContext& ctx) {
            while (ctx.waitWhilePaused()) {
                ticks->fetch_add(1);
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        }));
        QTRY_VERIFY_WITH_TIMEOUT(ticks->load() > 3, kTimeoutMs);
        runner.pause();
        QTRY_COMPARE_WITH_TIMEOUT(paused.count(), 1, kTimeoutMs);
        const int64_t atPause = ticks->load();
        QCOMPARE(atPark->load(), atPause);
        QTest::qWait(kParkedWindowMs); // a window for a broken pause, not a measurement
        QCOMPARE(ticks->load(), atPause);
        QCOMPARE(resumed.count(), 0);
        runner.resume();
        QTRY_COMPARE_WITH_TIMEOUT(resumed.count(), 1, kTimeoutMs);
        QCOMPARE(atWake->load(), atPause); // not a tick from parking to waking
        QTRY_VERIFY_WITH_TIMEOUT(ticks->load() > atPause, kTimeoutMs);
        runner.requestStop();
        QVERIFY(finished.wait(kTimeoutMs));
    }

    void errorsArriveAsText()
    {
        gui::JobRunner runner;
        QSignalSpy finished(&runner, &gui::JobRunner::finished);
        QVERIFY(
            runner.start("bad", [](gui::JobContext&) { throw Error("bad.safetensors: broken"); }));
        QVERIFY(finished.wait(kTimeoutMs));
        QCOMPARE(finished.first().at(1).toBool(), false);
        QCOMPARE(finished.first().at(2).toString(), QString("bad.safetensors: broken"));
    }

    void destroyingAPausedRunnerStopsTheJob()
    {
        auto runner = std::make_unique<gui::JobRunner>();
        auto steps = std::make_shared<std::atomic<int64_t>>(0);
        auto ended = std::make_shared<std::atomic<bool>>(false);
        QSignalSpy paused(runner.get(), &gui::JobRunner::paused);
        // 100000 batches: 200 s at the least; only a stop ends it early.
        QVERIFY(runner->start("count", [steps, ended](gui::JobContext& ctx) {
            countingJob(steps, 100000, 2)(ctx);
            ended->store(true);
        }));
        QTRY_VERIFY_WITH_TIMEOUT(steps->load() >= 3, kTimeoutMs);
        runner->pause();
        QTRY_COMPARE_WITH_TIMEOUT(paused.count(), 1, kTimeoutMs);
        const int64_t atPause = steps->load();
        const auto t0 = Clock::now();
        runner.reset(); // the destructor stops and joins the paused worker
        qInfo("destroyed in %.0f ms (not checked)", 1000.0 * secondsSince(t0));
        QVERIFY(ended->load());           // the job has returned: joined, not abandoned
        QCOMPARE(steps->load(), atPause); // stopped where it was parked, no batch more
    }

    void everyJobHasItsOwnId()
    {
        gui::JobRunner runner;
        auto steps = std::make_shared<std::atomic<int64_t>>(0);
        QSignalSpy started(&runner, &gui::JobRunner::started);
        QSignalSpy progressed(&runner, &gui::JobRunner::progressed);
        QSignalSpy finished(&runner, &gui::JobRunner::finished);
        QCOMPARE(runner.currentJobId(), quint64(0));
        const quint64 first = runner.start("first", countingJob(steps, 400, 2));
        QVERIFY(first != 0);
        QCOMPARE(runner.currentJobId(), first);
        QCOMPARE(started.first().at(1).value<quint64>(), first);
        // One job at a time: a second start is refused with id 0 and changes nothing.
        QCOMPARE(runner.start("second", countingJob(steps, 3, 1)), quint64(0));
        QCOMPARE(runner.currentJob(), QString("first"));
        QTRY_VERIFY_WITH_TIMEOUT(progressed.count() >= 2, kTimeoutMs);
        runner.requestStop();
        QVERIFY(finished.wait(kTimeoutMs));
        QCOMPARE(finished.first().at(3).value<quint64>(), first);
        for (const auto& args : progressed)
            QCOMPARE(args.at(0).value<gui::ProgressUpdate>().job, first);
        QVERIFY(!runner.isRunning());
        QCOMPARE(runner.currentJobId(), quint64(0));

        progressed.clear();
        const quint64 second = runner.start("second", countingJob(steps, 3, 1));
        QVERIFY(second != 0 && second != first);
        QVERIFY(finished.wait(kTimeoutMs));
        QCOMPARE(finished.count(), 2);
        QCOMPARE(finished.last().at(3).value<quint64>(), second);
        QVERIFY(!progressed.isEmpty());
        for (const auto& args : progressed)
            QCOMPARE(args.at(0).value<gui::ProgressUpdate>().job, second);
    }

    void waitEndsTheJobAtOnce()
    {
        // wait() (closing the window) delivers finished() itself: isRunning() is false after it.
        gui::JobRunner runner;
        auto steps = std::make_shared<std::atomic<int64_t>>(0);
        QSignalSpy finished(&runner, &gui::JobRunner::finished);
        const quint64 job = runner.start("count", countingJob(steps, 100000, 2));
        QTRY_VERIFY_WITH_TIMEOUT(steps->load() >= 2, kTimeoutMs);
        runner.requestStop();
        QVERIFY(runner.wait(kTimeoutMs));
        QVERIFY(!runner.isRunning());
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.first().at(3).value<quint64>(), job);
        // The thread's own notice was queued before it ended: delivered now, it must not repeat.
        QCoreApplication::sendPostedEvents();
        QCOMPARE(finished.count(), 1);
    }

    void guiJobsLeaveTheGuiThreadACore()
    {
        QCOMPARE(gui::JobRunner::intraOpThreads(3), 3); // an explicit setting wins
        const int cores = static_cast<int>(std::thread::hardware_concurrency());
        QCOMPARE(gui::JobRunner::intraOpThreads(0), std::max(1, cores - 1));
    }

    void workerNiceIsAppliedToTheWorkerOnly()
    {
#ifdef __linux__
        gui::JobRunner runner;
        runner.setWorkerNice(7);
        QCOMPARE(runner.workerNice(), 7);
        auto workerNice = std::make_shared<std::atomic<int>>(-100);
        QSignalSpy finished(&runner, &gui::JobRunner::finished);
        const int before = getpriority(PRIO_PROCESS, 0);
        QVERIFY(runner.start("nice", [workerNice](gui::JobContext&) {
            workerNice->store(getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid))));
        }));
        QVERIFY(finished.wait(kTimeoutMs));
        QCOMPARE(workerNice->load(), std::min(19, before + 7));
        QCOMPARE(getpriority(PRIO_PROCESS, 0), before); // the GUI thread keeps its priority
#endif
    }
};

QTEST_GUILESS_MAIN(TestJobRunner)
#include "test_job_runner.moc"
