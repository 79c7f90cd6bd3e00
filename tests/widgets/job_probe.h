#pragma once
// Watches a JobRunner from the worker's side: direct connections run on the worker thread as it
// reports, before the GUI thread sees anything. What a test then checks are counts (reports sent
// after a stop, while parked), never milliseconds: a slow machine changes none of them.
// Make it before any QSignalSpy on the runner: direct connections run in the order they were
// made, so once a spy has counted a signal, the probe has recorded it already.
// Usage:
//   testing::JobProbe probe(runner);
//   QTest::mouseClick(stopButton, Qt::LeftButton);   // requestStop() inside the click
//   probe.markStopped();
//   QVERIFY(finished.wait(30000));
//   QVERIFY(probe.reportsAfterStop() <= 1);          // at most the batch in flight
#include "widgets/job_runner.h"

#include <QObject>

#include <atomic>

namespace tleg::testing {

class JobProbe {
public:
    explicit JobProbe(gui::JobRunner& runner) : m_runner(runner)
    {
        m_connections[0] = QObject::connect(
            &runner, &gui::JobRunner::progressed, &runner,
            [this](const gui::ProgressUpdate& u) {
                m_reports.fetch_add(1);
                m_lastStep.store(u.step);
                m_totalSteps.store(u.totalSteps);
                if (m_parked.load())
                    m_reportsWhileParked.fetch_add(1);
                if (m_stopped.load())
                    m_reportsAfterStop.fetch_add(1);
            },
            Qt::DirectConnection);
        m_connections[1] = QObject::connect(
            &runner, &gui::JobRunner::paused, &runner,
            [this] {
                m_parks.fetch_add(1);
                m_stepAtPark.store(m_lastStep.load());
                m_parked.store(true);
            },
            Qt::DirectConnection);
        m_connections[2] = QObject::connect(
            &runner, &gui::JobRunner::resumed, &runner,
            [this] {
                m_parked.store(false);
                m_stepAtWake.store(m_lastStep.load());
                if (m_runner.isPaused()) // woke up although nobody resumed it
                    m_wokeWhilePaused.fetch_add(1);
            },
            Qt::DirectConnection);
    }
    /// Only once the job has finished (the slots run on its worker).
    ~JobProbe()
    {
        for (const auto& c : m_connections)
            QObject::disconnect(c);
    }
    JobProbe(const JobProbe&) = delete;
    JobProbe& operator=(const JobProbe&) = delete;

    /// Call right after the stop was requested: reports sent from then on are counted.
    void markStopped() { m_stopped.store(true); }

    int reports() const { return m_reports.load(); }
    int reportsAfterStop() const { return m_reportsAfterStop.load(); }
    /// Reports sent between paused() and resumed(): a parked job sends none.
    int reportsWhileParked() const { return m_reportsWhileParked.load(); }
    int parks() const { return m_parks.load(); }
    int wokeWhilePaused() const { return m_wokeWhilePaused.load(); }
    /// The step of the newest report, and of the newest one when the job parked / woke up.
    qint64 lastStep() const { return m_lastStep.load(); }
    qint64 stepAtPark() const { return m_stepAtPark.load(); }
    qint64 stepAtWake() const { return m_stepAtWake.load(); }
    /// The steps the newest report planned in all.
    qint64 totalSteps() const { return m_totalSteps.load(); }

private:
    gui::JobRunner& m_runner;
    QMetaObject::Connection m_connections[3];
    std::atomic<bool> m_stopped{false}, m_parked{false};
    std::atomic<int> m_reports{0}, m_reportsAfterStop{0}, m_reportsWhileParked{0}, m_parks{0},
        m_wokeWhilePaused{0};
    std::atomic<qint64> m_lastStep{-1}, m_stepAtPark{-1}, m_stepAtWake{-1}, m_totalSteps{-1};
};

} // namespace tleg::testing
