// The Ancestry page in a real window (offscreen) with real Fashion-MNIST, real model files written
// by the core and the real worker thread: Load… evaluates the model on the worker (TLEG safetensors
// and TorchScript), Train trains through the workflow into a new run folder (ancestry, then
// ancestry-2, ...) whose config.json records the job, with live curves; Stop in the training
// panel ends the job within the batch in flight, and bad files or a busy runner are reported on
// the page.

#include <torch/torch.h>

#include "bad_files.h"
#include "data/dataset.h"
#include "job_probe.h"
#include "model/des_net.h"
#include "model/model_io.h"
#include "train/trainer.h"
#include "util/files.h"
#include "widgets/pages/ancestry_page.h"
#include "widgets/plots/training_plot.h"
#include "workflow/jobs.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace tleg;

namespace {

int64_t parameterCount(torch::nn::Module& m)
{
    int64_t n = 0;
    for (const auto& p : m.parameters())
        n += p.numel();
    return n;
}

} // namespace

class TestAncestryPage : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::shared_ptr<data::DataSplit> m_data;
    gui::AppState m_state;
    std::unique_ptr<gui::JobRunner> m_runner;
    std::unique_ptr<gui::AncestryPage> m_page;
    QString m_chosen; // what the file chooser answers
    QString m_modelPath;
    double m_expectedTop1 = 0;
    int64_t m_expectedParams = 0;

    /// Clicks Load… (the chooser answers path) and waits for the job to end.
    void clickLoadAndWait(const QString& path)
    {
        QSignalSpy finished(m_runner.get(), &gui::JobRunner::finished);
        m_chosen = path;
        QTest::mouseClick(m_page->loadButton(), Qt::LeftButton);
        QVERIFY(m_runner->isRunning());
        QVERIFY(!m_page->loadButton()->isEnabled());
        QVERIFY(!m_page->trainButton()->isEnabled());
        QVERIFY(finished.wait(60000));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setStyle("Fusion");
        m_state.dataSpec.options.trainSubset = 1000;
        m_state.dataSpec.options.testSubset = 300;
        m_state.dataSpec.options.seed = 1;
        m_data = std::make_shared<data::DataSplit>(workflow::openData(m_state.dataSpec));
        m_state.data = m_data;
        m_state.runFolder = m_dir.filePath("runs");
        m_state.threads = 1;

        // A tiny ancestry trained briefly, so that its top-1 is far from chance and a wrong
        // normalisation on the page would show.
        auto cfg = model::ViTConfig::preset("fmnist-ti");
        cfg.dim = 32;
        cfg.depth = 2;
        model::ViT net = model::scratch(cfg, 0);
        train::TrainOptions o;
        o.epochs = 5;
        o.batchSize = 50;
        o.lr = 3e-3;
        o.warmupEpochs = 0.3;
        o.threads = 1;
        o.augment = false;
        QElapsedTimer timer; // for the log only
        timer.start();
        train::train(*net, m_data->train, m_data->test, o);
        qInfo("tiny ancestry trained in %lld ms", static_cast<long long>(timer.elapsed()));
        data::Normalization norm = data::computeNormalization(m_data->train);
        m_modelPath = m_dir.filePath("tiny-ancestry.safetensors");
        model::saveClassifier(m_modelPath.toStdString(), *net,
                              {{"normalization", train::normalizationToJson(norm)}});
        auto loaded = model::loadClassifier(m_modelPath.toStdString());
        m_expectedTop1 = train::evaluate(*loaded, m_data->test, norm).top1;
        m_expectedParams = parameterCount(*loaded);
        QCOMPARE(m_expectedParams, cfg.totalParams());
        qInfo("tiny ancestry: top-1 %.2f %%", m_expectedTop1);
        // It learnt: well above the 10 % of chance.
        QVERIFY2(m_expectedTop1 > 25.0, qPrintable(QString::number(m_expectedTop1)));

        m_runner = std::make_unique<gui::JobRunner>();
        m_page = std::make_unique<gui::AncestryPage>(m_state, *m_runner);
        m_page->setFileChooser([this] { return m_chosen; });
        m_page->resize(930, 490); // the page area of the 1100×760 main window
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    }

    void defaultStateIsDeterministic()
    {
        QCOMPARE(m_page->presetBox()->currentText(), QString("fmnist-s"));
        QCOMPARE(m_page->depthBox()->value(), 6);
        QCOMPARE(m_page->epochsBox()->value(), 6);
        QCOMPARE(m_page->batchBox()->value(), 128);
        QCOMPARE(m_page->lrBox()->value(), 0.001);
        QVERIFY(m_page->augmentBox()->isChecked());
        QVERIFY(m_page->summaryText().startsWith("No ancestry model yet"));
        auto cfg = model::ViTConfig::preset("fmnist-s");
        QVERIFY2(m_page->presetText().contains(
                     QString::number(static_cast<double>(cfg.totalParams()) / 1e6, 'f', 3)),
                 qPrintable(m_page->presetText()));
        QVERIFY(m_page->trainButton()->isEnabled());
        QVERIFY(!m_page->stopButton()->isEnabled());
        QCOMPARE(m_page->nextRunFolder(), m_dir.filePath("runs/ancestry"));
        if (qEnvironmentVariableIsSet("TLEG_SCREENSHOT_DIR"))
            m_page->grab().save(qEnvironmentVariable("TLEG_SCREENSHOT_DIR") + "/ancestry-page.png");
    }

    void aPresetThatDoesNotFitTheDataIsRefused()
    {
        m_page->presetBox()->setCurrentText("vit-ti"); // patch 16 does not divide 28 px
        QCOMPARE(m_page->depthBox()->value(), 12);
        QVERIFY(m_page->presetText().contains("invalid ViT config"));
        QVERIFY(!m_page->trainButton()->isEnabled());
        QVERIFY(!m_page->trainAncestry());
        QVERIFY(m_page->errorText().contains("invalid ViT config"));
        QVERIFY(!m_runner->isRunning());
        m_page->presetBox()->setCurrentText("fmnist-ti");
        QCOMPARE(m_page->depthBox()->value(), 6);
        QVERIFY(m_page->trainButton()->isEnabled());
    }

    void loadingAModelEvaluatesItOnTheWorker()
    {
        QSignalSpy ready(m_page.get(), &gui::AncestryPage::ancestryReady);
        clickLoadAndWait(m_modelPath);
        QCOMPARE(m_page->errorText(), QString());
        const auto& s = m_page->summary();
        QCOMPARE(m_page->modelPath(), m_modelPath);
        QCOMPARE(s.kind, QString("vit"));
        QCOMPARE(s.params, m_expectedParams);
        auto cfg = model::ViTConfig::preset("fmnist-ti");
        cfg.dim = 32;
        cfg.depth = 2;
        QCOMPARE(s.macs, cfg.forwardMacs());
        QVERIFY(s.haveTop1);
        QCOMPARE(s.top1, m_expectedTop1);
        QCOMPARE(s.dataName, QString("fashion-mnist"));
        const QString text = m_page->summaryText();
        QVERIFY2(text.contains(QString::number(static_cast<double>(m_expectedParams) / 1e6, 'f', 3)
                               + " M"),
                 qPrintable(text));
        QVERIFY(text.contains(QString::number(m_expectedTop1, 'f', 2) + "%"));
        QVERIFY(text.contains("depth 2, width 32"));
        QCOMPARE(ready.count(), 1);
        QCOMPARE(ready.first().first().toString(), m_modelPath);
        QVERIFY(m_page->loadButton()->isEnabled());
    }

    void aTorchScriptModelIsEvaluatedToo()
    {
        // A linear classifier on normalised pixels, compiled by LibTorch's TorchScript compiler.
        torch::manual_seed(3);
        auto w = torch::randn({10, 784}) * 0.05;
        torch::jit::Module m("LinearTeacher");
        m.register_parameter("w", w, false);
        m.define(R"(
def forward(self, x):
    z = torch.matmul(x.flatten(1), self.w.t())
    return (z, z * 0.0)
)");
        const QString path = m_dir.filePath("linear.pt");
        m.save(path.toStdString());

        const auto norm = data::computeNormalization(m_data->train);
        data::LoaderOptions lo;
        lo.batchSize = 1000;
        lo.shuffle = false;
        lo.norm = norm;
        data::BatchLoader loader(m_data->test, lo);
        data::Batch b;
        QVERIFY(loader.next(b));
        const double expected =
            100.0
            * torch::matmul(b.images.flatten(1), w.t()).argmax(1).eq(b.labels).sum().item<double>()
            / 300.0;

        QSignalSpy ready(m_page.get(), &gui::AncestryPage::ancestryReady);
        clickLoadAndWait(path);
        const auto& s = m_page->summary();
        QCOMPARE(s.kind, QString("torchscript"));
        QCOMPARE(s.params, int64_t(7840));
        QCOMPARE(s.macs, int64_t(0));
        QVERIFY(s.haveTop1);
        QCOMPARE(s.top1, expected);
        QVERIFY(m_page->summaryText().contains("MACs per image: unknown"));
        QCOMPARE(ready.count(), 1);
    }

    void aModelForOtherImagesLoadsWithoutTop1()
    {
        auto cfg = model::ViTConfig::preset("fmnist-ti");
        cfg.imageSize = 32;
        cfg.patchSize = 8;
        cfg.channels = 3;
        cfg.dim = 32;
        cfg.depth = 1;
        model::ViT net = model::scratch(cfg, 1);
        const QString path = m_dir.filePath("cifar-shaped.safetensors");
        model::saveClassifier(path.toStdString(), *net);
        clickLoadAndWait(path);
        const auto& s = m_page->summary();
        QCOMPARE(s.path, path);
        QVERIFY(!s.haveTop1);
        QVERIFY2(s.note.contains("32×32") && s.note.contains("28×28"), qPrintable(s.note));
        QVERIFY(m_page->summaryText().contains(s.note));
    }

    void aBadFileIsReportedAndTheModelStays()
    {
        clickLoadAndWait(m_modelPath);
        const QString bogus = m_dir.filePath("bogus.safetensors");
        QFile f(bogus);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a model");
        f.close();
        QSignalSpy ready(m_page.get(), &gui::AncestryPage::ancestryReady);
        clickLoadAndWait(bogus);
        QVERIFY2(m_page->errorText().contains(bogus), qPrintable(m_page->errorText()));
        QCOMPARE(ready.count(), 0);
        QCOMPARE(m_page->modelPath(), m_modelPath);
        QVERIFY(m_page->summaryText().contains(m_modelPath));
        clickLoadAndWait(m_dir.filePath("missing.safetensors"));
        QVERIFY(m_page->errorText().contains("missing.safetensors"));
        QCOMPARE(m_page->modelPath(), m_modelPath);
    }

    /// The corpus classes of hostile files through Load…: each is one line naming the file,
    /// nothing hangs (a FIFO is refused at open), and the page stays usable afterwards.
    void everyKindOfBadFileIsOneLineAndThePageStaysUsable()
    {
        clickLoadAndWait(m_modelPath);
        for (const auto& bad : testing::badModels(m_dir.filePath("bad"), m_modelPath)) {
            clickLoadAndWait(bad.path);
            const QString error = m_page->errorText();
            qInfo("%s: %s", qPrintable(bad.what), qPrintable(error));
            QVERIFY2(testing::isOneLineNaming(error, bad.path),
                     qPrintable(bad.what + ": " + error));
            QCOMPARE(m_page->modelPath(), m_modelPath);
            QVERIFY(m_page->loadButton()->isEnabled());
        }
        const QString another = m_dir.filePath("another-model.safetensors");
        QVERIFY(QFile::copy(m_modelPath, another));
        clickLoadAndWait(another);
        QCOMPARE(m_page->errorText(), QString());
        QCOMPARE(m_page->modelPath(), another);
        clickLoadAndWait(m_modelPath);
        QCOMPARE(m_page->modelPath(), m_modelPath);
    }

    void trainingAnAncestryPlotsAndGivesAModel()
    {
        m_page->presetBox()->setCurrentText("fmnist-ti");
        m_page->depthBox()->setValue(2);
        m_page->epochsBox()->setValue(1);
        m_page->batchBox()->setValue(64);
        m_page->warmupBox()->setValue(0.5);
        const QString run = m_dir.filePath("runs/ancestry");
        QCOMPARE(m_page->nextRunFolder(), run);
        QSignalSpy ready(m_page.get(), &gui::AncestryPage::ancestryReady);
        QSignalSpy runs(m_page.get(), &gui::AncestryPage::runFinished);
        QSignalSpy finished(m_runner.get(), &gui::JobRunner::finished);
        QTest::mouseClick(m_page->trainButton(), Qt::LeftButton);
        QVERIFY(m_runner->isRunning());
        QVERIFY(!m_page->trainButton()->isEnabled());
        QVERIFY(!m_page->loadButton()->isEnabled());
        QVERIFY(m_page->stopButton()->isEnabled());
        QVERIFY(!m_page->presetBox()->isEnabled());
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().at(2).toString(), QString());
        QCOMPARE(m_page->errorText(), QString());
        QVERIFY(m_page->trainingPlot()->lossPoints() > 0);
        QCOMPARE(m_page->trainingPlot()->accuracyPoints(), 1);

        const QString file = run + "/model.safetensors";
        QCOMPARE(ready.count(), 1);
        QCOMPARE(ready.first().first().toString(), file);
        QVERIFY(fileExists(file.toStdString()));
        QCOMPARE(runs.count(), 1);
        QCOMPARE(runs.first().first().toString(), run);
        QCOMPARE(m_page->lastRunFolder(), run);

        model::ModelMetadata md;
        auto net = model::loadViT(file.toStdString(), &md);
        QCOMPARE(net->config().depth, int64_t(2));
        QCOMPARE(net->config().dim, int64_t(64));
        QCOMPARE(md.extra.value("role", std::string()), std::string("ancestry"));
        QCOMPARE(md.extra.value("preset", std::string()), std::string("fmnist-ti"));
        // The summary's top-1 is the training result, the one stored with the model: the test
        // set's score of the epoch chosen on the held-out images.
        QVERIFY(m_page->summary().haveTop1);
        QCOMPARE(m_page->summary().top1, md.extra["metrics"]["test_top1"].get<double>());
        QCOMPARE(m_page->summary().params, net->config().totalParams());
        QCOMPARE(m_page->modelPath(), file);
        QVERIFY(m_page->runStatusText().startsWith("Finished"));
        // The job is on record, with the data it used: the run can be made again.
        const auto record = workflow::readRunRecord(run.toStdString());
        QCOMPARE(record.job, std::string("train"));
        const auto spec = workflow::TrainSpec::fromJson(record.spec);
        QVERIFY(spec.role == workflow::Role::Ancestry);
        QCOMPARE(spec.data.toJson(), m_state.dataSpec.toJson());
        QCOMPARE(spec.init.config.depth, int64_t(2));
        QCOMPARE(spec.train.epochs, int64_t(1));
        if (qEnvironmentVariableIsSet("TLEG_SCREENSHOT_DIR"))
            m_page->grab().save(qEnvironmentVariable("TLEG_SCREENSHOT_DIR")
                                + "/ancestry-page-trained.png");
    }

    void stopDuringTrainingEndsTheJobWithinABatch()
    {
        m_page->epochsBox()->setValue(50);
        const QString run = m_dir.filePath("runs/ancestry-2");
        QCOMPARE(m_page->nextRunFolder(), run);
        QSignalSpy ready(m_page.get(), &gui::AncestryPage::ancestryReady);
        QSignalSpy runs(m_page.get(), &gui::AncestryPage::runFinished);
        QSignalSpy finished(m_runner.get(), &gui::JobRunner::finished);
        testing::JobProbe probe(*m_runner);
        const auto before = m_page->summary();
        QTest::mouseClick(m_page->trainButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(m_page->trainingPlot()->lossPoints() > 3, 60000);

        // The runner is busy: loading now is refused with a message, not queued.
        QVERIFY(!m_page->loadModel(m_modelPath));
        QVERIFY(m_page->errorText().contains("is running"));

        QElapsedTimer timer; // for the log only
        timer.start();
        QTest::mouseClick(m_page->stopButton(), Qt::LeftButton); // requestStop() inside
        probe.markStopped();
        QVERIFY(finished.wait(30000));
        qInfo("stop answered in %lld ms (not checked); %d report(s) after it, last step %lld",
              static_cast<long long>(timer.elapsed()), probe.reportsAfterStop(),
              static_cast<long long>(probe.lastStep()));
        // Counted by the job as it reported: after Stop at most the batch in flight (or the
        // epoch that batch ended) reported, then the job ended.
        QVERIFY2(probe.reportsAfterStop() <= 1,
                 qPrintable(QString::number(probe.reportsAfterStop())));
        QVERIFY(probe.lastStep() > 0);
        QVERIFY(probe.lastStep() < probe.totalSteps());
        QCOMPARE(finished.first().at(1).toBool(), true);
        QCOMPARE(ready.count(), 0);
        QCOMPARE(runs.count(), 1);
        QCOMPARE(runs.first().first().toString(), run);
        QVERIFY(!fileExists((run + "/model.safetensors").toStdString()));
        // A fast machine may finish an epoch or two before the click; it must not finish all 50.
        const auto status = QRegularExpression("^Stopped after (\\d+) finished epochs?;")
                                .match(m_page->runStatusText());
        QVERIFY2(status.hasMatch(), qPrintable(m_page->runStatusText()));
        QVERIFY(status.captured(1).toInt() < 50);
        QCOMPARE(m_page->summary().path, before.path); // the trained model stays the ancestry
        QVERIFY(m_page->trainButton()->isEnabled());
        QVERIFY(!m_page->stopButton()->isEnabled());
        QCOMPARE(m_page->nextRunFolder(), m_dir.filePath("runs/ancestry-3"));
    }
};

QTEST_MAIN(TestAncestryPage)
#include "test_ancestry_page.moc"
