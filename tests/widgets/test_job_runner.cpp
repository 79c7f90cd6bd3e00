// The job runner with its real worker thread: progress arrives throttled and in order, Pause
// parks the job between batches (its step counter stands still), Resume goes on, Stop answers
// within a second even while paused, the ETA leaves the pause out, finished comes once, and every
// job has its own id on its progress and its end.
#include <torch/torch.h>

#include "util/error.h"
#include "widgets/job_runner.h"

#include <QCoreApplication>
#include <QElapsedTimer>
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
        QVERIFY(finished.wait(10000));
        QCOMPARE(steps->load(), int64_t(40));
        QCOMPARE(finished.first().at(0).toString(), QString("count"));
        QCOMPARE(finished.first().at(1).toBool(), false);
        QCOMPARE(finished.first().at(2).toString(), QString());
        // 40 batches of 5 ms with a 50 ms throttle: a few updates, the last one always.
        QVERIFY(progressed.count() >= 2);
        QVERIFY(progressed.count() < 40);
        const auto last = progressed.last().at(0).value<gui::ProgressUpdate>();
        QCOMPARE(last.step, qint64(40));
        QCOMPARE(last.pausedSeconds, 0.0);
        QTest::qWait(100);
        QCOMPARE(finished.count(), 1);
        QVERIFY(!runner.isRunning());
    }

    void pauseParksTheJobAndResumeContinues()
    {
        gui::JobRunner runner;
        auto steps = std::make_shared<std::atomic<int64_t>>(0);
        QSignalSpy paused(&runner, &gui::JobRunner::paused);
        QSignalSpy resumed(&runner, &gui::JobRunner::resumed);
        QSignalSpy progressed(&runner, &gui::JobRunner::progressed);
        QSignalSpy finished(&runner, &gui::JobRunner::finished);
        QVERIFY(runner.start("count", countingJob(steps, 400, 5)));
        QTRY_VERIFY_WITH_TIMEOUT(steps->load() >= 10, 5000);

        runner.pause();
        QVERIFY(runner.isPaused());
        QVERIFY(paused.wait(2000));
        const int64_t atPause = steps->load();
        const int updatesAtPause = progressed.count();
        QTest::qWait(500);
        QCOMPARE(steps->load(), atPause); // parked: not a single batch more
        QCOMPARE(progressed.count(), updatesAtPause);
        QCOMPARE(paused.count(), 1);
        QVERIFY(runner.isRunning());

        runner.resume();
        QVERIFY(!runner.isPaused());
        QVERIFY(resumed.wait(2000));
        QTRY_VERIFY_WITH_TIMEOUT(steps->load() > atPause + 5, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(progressed.count() > updatesAtPause, 5000);

        // The ETA counts only the active time: (elapsed − paused) / steps × remaining.
        const auto u = progressed.last().at(0).value<gui::ProgressUpdate>();
        QVERIFY2(u.pausedSeconds >= 0.45 && u.pausedSeconds < 2.0,
                 qPrintable(QString::number(u.pausedSeconds)));
        const double expected = (u.elapsedSeconds - u.pausedSeconds) / static_cast<double>(u.step)
                                * static_cast<double>(u.totalSteps - u.step);
        QVERIFY(std::abs(u.etaSeconds - expected) <= 0.02 * expected + 0.01);

        runner.requestStop();
        QVERIFY(finished.wait(2000));
        QCOMPARE(finished.first().at(1).toBool(), true);
        QCOMPARE(resumed.count(), 1);
    }

    void stopWhilePausedAnswersWithinOneSecond()
    {
        gui::JobRunner runner;
        auto steps = std::make_shared<std::atomic<int64_t>>(0);
        QSignalSpy paused(&runner, &gui::JobRunner::paused);
        QSignalSpy resumed(&runner, &gui::JobRunner::resumed);
        QSignalSpy finished(&runner, &gui::JobRunner::finished);
        QVERIFY(runner.start("count", countingJob(steps, 100000, 2)));
        QTRY_VERIFY_WITH_TIMEOUT(steps->load() >= 5, 5000);
        runner.pause();
        QVERIFY(paused.wait(2000));
        const int64_t atPause = steps->load();

        QElapsedTimer timer;
        timer.start();
        runner.requestStop();
        QVERIFY(!runner.isPaused());
        QVERIFY(finished.wait(5000));
        qInfo("stop while paused answered in %lld ms", static_cast<long long>(timer.elapsed()));
        QVERIFY(timer.elapsed() < 1000);
        QCOMPARE(finished.first().at(1).toBool(), true); // a user stop, not an error
        QCOMPARE(finished.first().at(2).toString(), QString());
        QCOMPARE(steps->load(), atPause); // woke up to stop, not to train one more batch
        QCOMPARE(resumed.count(), 0);
        QTest::qWait(200);
        QCOMPARE(finished.count(), 1);

        // The runner is ready for the next job, unpaused.
        QVERIFY(runner.start("again", countingJob(steps, 3, 1)));
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.count(), 2);
        QCOMPARE(steps->load(), int64_t(3));
    }

    void jobsWithoutProgressCanHonourPause()
    {
        gui::JobRunner runner;
        auto ticks = std::make_shared<std::atomic<int64_t>>(0);
        QSignalSpy paused(&runner, &gui::JobRunner::paused);
        QSignalSpy finished(&runner, &gui::JobRunner::finished);
        QVERIFY(runner.start("loop", [ticks](gui::JobContext& ctx) {
            while (ctx.waitWhilePaused()) {
                ticks->fetch_add(1);
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        }));
        QTRY_VERIFY_WITH_TIMEOUT(ticks->load() > 3, 5000);
        runner.pause();
        QVERIFY(paused.wait(2000));
        const int64_t atPause = ticks->load();
        QTest::qWait(300);
        QCOMPARE(ticks->load(), atPause);
        runner.resume();
        QTRY_VERIFY_WITH_TIMEOUT(ticks->load() > atPause, 5000);
        runner.requestStop();
        QVERIFY(finished.wait(2000));
    }

    void errorsArriveAsText()
    {
        gui::JobRunner runner;
        QSignalSpy finished(&runner, &gui::JobRunner::finished);
        QVERIFY(
            runner.start("bad", [](gui::JobContext&) { throw Error("bad.safetensors: broken"); }));
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(1).toBool(), false);
        QCOMPARE(finished.first().at(2).toString(), QString("bad.safetensors: broken"));
    }

    void destroyingAPausedRunnerStopsTheJob()
    {
        auto runner = std::make_unique<gui::JobRunner>();
        auto steps = std::make_shared<std::atomic<int64_t>>(0);
        QSignalSpy paused(runner.get(), &gui::JobRunner::paused);
        QVERIFY(runner->start("count", countingJob(steps, 100000, 2)));
        QTRY_VERIFY_WITH_TIMEOUT(steps->load() >= 3, 5000);
        runner->pause();
        QVERIFY(paused.wait(2000));
        QElapsedTimer timer;
        timer.start();
        runner.reset(); // the destructor stops and joins the paused worker
        QVERIFY(timer.elapsed() < 1000);
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
        QTRY_VERIFY_WITH_TIMEOUT(progressed.count() >= 2, 10000);
        runner.requestStop();
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(3).value<quint64>(), first);
        for (const auto& args : progressed)
            QCOMPARE(args.at(0).value<gui::ProgressUpdate>().job, first);
        QVERIFY(!runner.isRunning());
        QCOMPARE(runner.currentJobId(), quint64(0));

        progressed.clear();
        const quint64 second = runner.start("second", countingJob(steps, 3, 1));
        QVERIFY(second != 0 && second != first);
        QVERIFY(finished.wait(5000));
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
        QTRY_VERIFY_WITH_TIMEOUT(steps->load() >= 2, 5000);
        runner.requestStop();
        QVERIFY(runner.wait(5000));
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
        QVERIFY(finished.wait(5000));
        QCOMPARE(workerNice->load(), std::min(19, before + 7));
        QCOMPARE(getpriority(PRIO_PROCESS, 0), before); // the GUI thread keeps its priority
#endif
    }
};

QTEST_GUILESS_MAIN(TestJobRunner)
#include "test_job_runner.moc"
