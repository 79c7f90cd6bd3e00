// The Runs page follows a run that someone else is writing (another process, a cluster job on a
// shared folder): a real trainer on its own thread writes a run epoch by epoch into the folder
// the page lists, held after each epoch until the test lets it go on; the selected run's curves
// grow by one point per epoch without any click, and its row's epoch count follows.
#include <torch/torch.h>

#include "data/dataset.h"
#include "gui_fixture.h"
#include "model/des_net.h"
#include "train/trainer.h"
#include "widgets/pages/runs_page.h"

#include "widgets/plots/qcustomplot_include.h"

#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "../core/tiny_models.h"

using namespace tleg;

namespace {

/// Lets a training thread go on one epoch at a time.
class EpochGate {
public:
    /// The trainer's side: called at the end of each epoch, waits for the test's permission.
    void epochDone()
    {
        std::unique_lock lock(m_mutex);
        ++m_done;
        m_changed.notify_all();
        m_changed.wait(lock, [this] { return m_allowed >= m_done || m_open; });
    }
    void allowOneMore()
    {
        std::lock_guard lock(m_mutex);
        ++m_allowed;
        m_changed.notify_all();
    }
    /// Lets the trainer finish whatever happens (the test failed, or it is over).
    void open()
    {
        std::lock_guard lock(m_mutex);
        m_open = true;
        m_changed.notify_all();
    }
    int done()
    {
        std::lock_guard lock(m_mutex);
        return m_done;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    int m_done = 0;
    int m_allowed = 0;
    bool m_open = false;
};

int pointsOf(QCustomPlot* plot)
{
    return plot->graphCount() > 0 ? plot->graph(0)->dataCount() : 0;
}

} // namespace

class TestRunsFollow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void curvesGrowWhileAnotherWriterTrains()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString root = dir.filePath("runs");
        const QString folder = QDir(root).filePath("growing");
        QDir().mkpath(root);
        auto split = data::loadFashionMnist();
        const data::Dataset trainSet = data::subset(split.train, 200, 1);
        const data::Dataset testSet = data::subset(split.test, 100, 2);

        gui::AppState state;
        state.runFolder = root;
        gui::RunsPage page(state);
        page.resize(950, 620);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));

        constexpr int kEpochs = 3;
        EpochGate gate;
        std::thread writer([&] {
            model::ViT net = model::scratch(testing::fmnistTinyConfig(2), 7);
            train::train(*net, trainSet, testSet,
                         testing::fastRunOptions(folder.toStdString(), kEpochs, "scratch"),
                         nullptr, [&gate](const train::Progress& p) {
                             if (p.epochDone)
                                 gate.epochDone();
                             return true;
                         });
        });
        struct Join { // the writer is let go and joined even when a check fails
            EpochGate& gate;
            std::thread& thread;
            ~Join()
            {
                gate.open();
                thread.join();
            }
        } join{gate, writer};

        // Epoch 1 is on disk: the watcher lists the run by itself; select it.
        QTRY_VERIFY_WITH_TIMEOUT(gate.done() == 1, 120000);
        QTRY_VERIFY_WITH_TIMEOUT(page.runFolders().contains(QDir::cleanPath(folder)), 30000);
        page.selectRuns({QDir::cleanPath(folder)});
        QTRY_COMPARE_WITH_TIMEOUT(pointsOf(page.top1Plot()), 1, 30000);
        QCOMPARE(pointsOf(page.lossPlot()), 1);

        // Each further epoch adds a point to the selected run's curves, with no click.
        for (int epoch = 2; epoch <= kEpochs; ++epoch) {
            gate.allowOneMore();
            QTRY_VERIFY_WITH_TIMEOUT(gate.done() >= epoch, 120000);
            QTRY_COMPARE_WITH_TIMEOUT(pointsOf(page.top1Plot()), epoch, 30000);
            QCOMPARE(pointsOf(page.lossPlot()), epoch);
            QCOMPARE(page.table()->selectedItems().isEmpty(), false); // still selected
        }
    }
};

QTEST_MAIN(TestRunsFollow)
#include "test_runs_follow.moc"
