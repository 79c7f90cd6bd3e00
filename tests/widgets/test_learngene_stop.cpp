// Stop on the Learngene page keeps a learngene and offers Resume, in a real window (offscreen)
// with the real worker thread, a real tiny ancestry and 1000 Fashion-MNIST images. The job is
// held at the end of an epoch (it pauses itself from its own progress report, so the Stop lands
// exactly there on any machine); Stop then leaves the learngene of that epoch, written from the
// checkpoint and opened as the page's learngene, and Resume goes on from the checkpoint with the
// curves continuing. Two Stop / Resume cycles, then the run finishes: metrics.csv holds every
// epoch once and the final learngene is written.
#include <torch/torch.h>

#include "model/learngene.h"
#include "model/model_io.h"
#include "widgets/job_runner.h"
#include "widgets/pages/learngene_page.h"
#include "widgets/plots/qcustomplot_include.h"
#include "widgets/plots/training_plot.h"
#include "workflow/jobs.h"

#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>

using namespace tleg;

namespace {

constexpr int kEpochs = 3;
// 1000 images less the 100 held out for validation, batch 32 (the short last batch dropped).
constexpr int kStepsPerEpoch = 28;
constexpr int kTimeoutMs = 120000;

/// Pauses the job from its own report of the end of epoch `at` (a direct connection: on the
/// worker, before it trains another step), so that a Stop after it keeps exactly that epoch;
/// holdAt(kFirstStep) pauses it at its first report, long before an epoch ends.
class EpochHold {
public:
    explicit EpochHold(gui::JobRunner& runner)
    {
        m_connection = QObject::connect(
            &runner, &gui::JobRunner::progressed, &runner,
            [this, &runner](const gui::ProgressUpdate& u) {
                const int at = m_at.load();
                if ((u.epochDone && u.epoch == at) || (at == kFirstStep && u.step >= 1)) {
                    m_held.store(true);
                    runner.pause();
                }
            },
            Qt::DirectConnection);
    }
    ~EpochHold() { QObject::disconnect(m_connection); }
    EpochHold(const EpochHold&) = delete;
    EpochHold& operator=(const EpochHold&) = delete;

    static constexpr int kFirstStep = -1;
    void holdAt(int epoch)
    {
        m_held.store(false);
        m_at.store(epoch);
    }
    bool held() const { return m_held.load(); }

private:
    QMetaObject::Connection m_connection;
    std::atomic<int> m_at{0};
    std::atomic<bool> m_held{false};
};

/// The epoch column of metrics.csv.
QList<int> metricEpochs(const QString& run)
{
    QFile file(QDir(run).filePath("metrics.csv"));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    QList<int> epochs;
    const QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
    for (int i = 1; i < lines.size(); ++i)
        epochs << lines[i].section(',', 0, 0).toInt();
    return epochs;
}

/// True when every graph of the plot has strictly increasing steps (no step drawn twice).
bool stepsIncrease(QCustomPlot* plot)
{
    for (int g = 0; g < plot->graphCount(); ++g) {
        const auto data = plot->graph(g)->data();
        for (auto it = data->constBegin(); it != data->constEnd(); ++it)
            if (it != data->constBegin() && (it - 1)->key >= it->key)
                return false;
    }
    return true;
}

} // namespace

class TestLearngeneStop : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_ancestry;
    gui::AppState m_state;
    std::unique_ptr<gui::JobRunner> m_runner;
    std::unique_ptr<gui::LearngenePage> m_page;

    gui::LearngenePage* page() { return m_page.get(); }

    void setSmallRun()
    {
        page()->presetBox()->setCurrentText("custom");
        page()->widthBox()->setValue(32);
        page()->headsBox()->setValue(2);
        page()->depthBox()->setValue(3);
        page()->patchBox()->setValue(7);
        page()->expandFromBox()->setValue(1); // every block expanded
        page()->epochsBox()->setValue(kEpochs);
        page()->batchBox()->setValue(32);
        page()->lambdaBox()->setValue(1.0);
        page()->setTeacherPath(m_ancestry);
    }

    /// Waits until the job is held at the end of its epoch, clicks Stop, waits for the end.
    void stopWhenHeld(EpochHold& hold, QSignalSpy& finished)
    {
        QTRY_VERIFY_WITH_TIMEOUT(hold.held() && m_runner->isPaused(), kTimeoutMs);
        QVERIFY(page()->stopButton()->isEnabled());
        const int before = finished.count();
        QTest::mouseClick(page()->stopButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), before + 1, kTimeoutMs);
        QCOMPARE(finished.last().at(1).toBool(), true); // stopped
        QCOMPARE(finished.last().at(2).toString(), QString());
    }

    /// What the page offers after a Stop at the end of epoch `epochs`.
    void checkKeptEpochs(const QString& run, int epochs, QSignalSpy& saved)
    {
        QCOMPARE(page()->resumableRun(), run);
        QCOMPARE(page()->finishedEpochs(), epochs);
        QVERIFY(page()->resumeButton()->isEnabled());
        QVERIFY(!page()->pauseButton()->isEnabled());
        QVERIFY(!page()->stopButton()->isEnabled());
        QVERIFY(page()->startButton()->isEnabled());
        const QString status = page()->statusLabel()->text();
        QVERIFY2(status.contains(QString("epoch %1 of %2").arg(epochs).arg(kEpochs)),
                 qPrintable(status));
        QVERIFY(status.contains("Resume"));

        // The learngene of that epoch: written, announced, opened as the page's learngene.
        const QString path =
            QDir(run).filePath(QString("learngene-epoch-%1.safetensors").arg(epochs));
        QVERIFY(!saved.isEmpty());
        QCOMPARE(saved.last().at(0).toString(), path);
        QCOMPARE(page()->lastLearngene(), path);
        QVERIFY(!QFileInfo::exists(QDir(run).filePath("learngene.safetensors")));
        const auto lg = model::Learngene::load(path.toStdString());
        QCOMPARE(lg.config.dim, int64_t(32));
        QCOMPARE(lg.config.depth, int64_t(3));
        QCOMPARE(lg.options.groups, model::kAllGroups);
        // θ_A and θ_B are the checkpoint's: the Aux-Net after that epoch, not a later batch.
        model::ModelMetadata md;
        const auto net = model::loadClassifier(
            QDir(run).filePath("checkpoint.safetensors").toStdString(), &md);
        QCOMPARE(md.extra.at("history").size(), size_t(epochs));
        const auto* aux = dynamic_cast<const model::AuxNetImpl*>(net.get());
        QVERIFY(aux);
        const auto fromCheckpoint = model::Learngene::fromAuxNet(*aux);
        QCOMPARE(lg.tensors.size(), fromCheckpoint.tensors.size());
        for (const auto& [name, t] : fromCheckpoint.tensors)
            QVERIFY2(torch::equal(lg.tensors.at(name), t), name.c_str());
        QCOMPARE(lg.storedParams(), fromCheckpoint.storedParams());

        QCOMPARE(metricEpochs(run), QList<int>(epochs > 1 ? QList<int>{1, 2} : QList<int>{1}));
        // The curves end at that epoch's last step (the job was held right there).
        QCOMPARE(page()->trainingPlot()->accuracyPoints(), epochs);
        QCOMPARE(page()->trainingPlot()->lastLossStep(), double(epochs * kStepsPerEpoch));
    }

private Q_SLOTS:
    void initTestCase()
    {
        model::ViTConfig cfg = model::ViTConfig::preset("fmnist-ti");
        cfg.dim = 32;
        cfg.depth = 2;
        m_ancestry = m_dir.filePath("ancestry.safetensors");
        model::saveClassifier(m_ancestry.toStdString(), *model::scratch(cfg, 0),
                              {{"role", "ancestry"}});
        m_state.dataSpec.options.trainSubset = 1000;
        m_state.dataSpec.options.testSubset = 200;
        m_state.dataSpec.options.seed = 1;
        m_state.data = std::make_shared<data::DataSplit>(workflow::openData(m_state.dataSpec));
        m_state.runFolder = m_dir.filePath("runs");
        m_state.threads = 1;
        m_runner = std::make_unique<gui::JobRunner>();
        m_page = std::make_unique<gui::LearngenePage>(m_state, *m_runner);
        m_page->resize(920, 500);
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    }

    void cleanupTestCase()
    {
        m_runner->requestStop();
        m_runner->resume();
        m_runner->wait(-1);
        m_page.reset();
        m_runner.reset();
    }

    void stopKeepsTheLearngeneAndResumeFinishesTheRun()
    {
        setSmallRun();
        EpochHold hold(*m_runner); // before the spies: it has paused when they count
        QSignalSpy saved(page(), &gui::LearngenePage::learngeneSaved);
        QSignalSpy runs(page(), &gui::LearngenePage::runFinished);
        QSignalSpy finished(m_runner.get(), &gui::JobRunner::finished);
        QVERIFY(page()->resumableRun().isEmpty());
        QVERIFY(!page()->resumeButton()->isEnabled());

        // Start, held at the end of epoch 1, Stop.
        hold.holdAt(1);
        QTest::mouseClick(page()->startButton(), Qt::LeftButton);
        QVERIFY(m_runner->isRunning());
        stopWhenHeld(hold, finished);
        const QString run = QDir(m_state.runFolder).filePath("aux-net");
        checkKeptEpochs(run, 1, saved);
        QCOMPARE(runs.count(), 1);
        QCOMPARE(runs.last().at(0).toString(), run);
        if (qEnvironmentVariableIsSet("TLEG_SCREENSHOT_DIR")) // for looking at it by hand
            page()->grab().save(qEnvironmentVariable("TLEG_SCREENSHOT_DIR")
                                + "/learngene-stopped.png");

        // Resume: the same run goes on from epoch 2, held at its end, stopped again.
        hold.holdAt(2);
        QTest::mouseClick(page()->resumeButton(), Qt::LeftButton);
        QVERIFY(m_runner->isRunning());
        QVERIFY(page()->resumableRun().isEmpty());
        QVERIFY(page()->pauseButton()->isEnabled());
        QVERIFY(!page()->startButton()->isEnabled());
        // The curves continue where the checkpoint was, not from step 0.
        QTRY_VERIFY_WITH_TIMEOUT(
            page()->trainingPlot()->lastLossStep() > double(kStepsPerEpoch), kTimeoutMs);
        QCOMPARE(page()->trainingPlot()->accuracyPoints() >= 1, true);
        stopWhenHeld(hold, finished);
        checkKeptEpochs(run, 2, saved);
        QVERIFY(stepsIncrease(page()->trainingPlot()->plot()));
        QVERIFY(QFileInfo::exists(QDir(run).filePath("learngene-epoch-1.safetensors")));
        QVERIFY(!QDir(m_state.runFolder).exists("aux-net-2")); // resumed in place

        // Resume to the end: the final learngene, every epoch once.
        hold.holdAt(0);
        QTest::mouseClick(page()->resumeButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, kTimeoutMs);
        QCOMPARE(finished.last().at(1).toBool(), false);
        QCOMPARE(finished.last().at(2).toString(), QString());
        const QString final = QDir(run).filePath("learngene.safetensors");
        QCOMPARE(saved.last().at(0).toString(), final);
        QCOMPARE(page()->lastLearngene(), final);
        const auto lg = model::Learngene::load(final.toStdString());
        QCOMPARE(lg.config.depth, int64_t(3));
        QCOMPARE(metricEpochs(run), (QList<int>{1, 2, 3}));
        QCOMPARE(page()->trainingPlot()->accuracyPoints(), kEpochs);
        QCOMPARE(page()->trainingPlot()->lastLossStep(), double(kEpochs * kStepsPerEpoch));
        QVERIFY(stepsIncrease(page()->trainingPlot()->plot()));
        QVERIFY(page()->resumableRun().isEmpty());
        QVERIFY(!page()->resumeButton()->isEnabled());
        QVERIFY(page()->statusLabel()->text().contains("learngene.safetensors"));
        QCOMPARE(QString::fromStdString(workflow::readRunRecord(run.toStdString()).job),
                 QString("distill"));
    }

    void aStopBeforeTheFirstEpochOffersNothing()
    {
        setSmallRun();
        EpochHold hold(*m_runner);
        QSignalSpy saved(page(), &gui::LearngenePage::learngeneSaved);
        QSignalSpy finished(m_runner.get(), &gui::JobRunner::finished);
        hold.holdAt(EpochHold::kFirstStep); // parked after its first step of 31
        QTest::mouseClick(page()->startButton(), Qt::LeftButton);
        stopWhenHeld(hold, finished);
        QCOMPARE(saved.count(), 0);
        QCOMPARE(page()->trainingPlot()->accuracyPoints(), 0);
        QVERIFY(page()->resumableRun().isEmpty());
        QVERIFY(!page()->resumeButton()->isEnabled());
        QVERIFY(page()->statusLabel()->text().contains("aux-net-2"));
        QVERIFY(!QFileInfo::exists(
            QDir(m_state.runFolder).filePath("aux-net-2/checkpoint.safetensors")));
    }
};

QTEST_MAIN(TestLearngeneStop)
#include "test_learngene_stop.moc"
