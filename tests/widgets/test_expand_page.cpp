// The Expand page in a real window (offscreen) with a real worker thread and real data:
// the slider drives the preview, Expand & fine-tune trains a Des-Net through the workflow into
// runs/des-<depth> and plots, a job another page started leaves this page's panel alone, Stop
// ends the job within the batch in flight, and closing the window during a job asks first and
// then stops it cleanly.
#include <torch/torch.h>

#include "bad_files.h"
#include "data/dataset.h"
#include "gui_fixture.h"
#include "job_probe.h"
#include "model/aux_net.h"
#include "model/des_net.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "util/files.h"
#include "widgets/main_window.h"
#include "widgets/pages/depth_queue.h"
#include "widgets/pages/expand_page.h"
#include "widgets/plots/qcustomplot_include.h"
#include "widgets/plots/training_plot.h"
#include "widgets/text_format.h"
#include "widgets/training_panel.h"
#include "workflow/jobs.h"

#include <algorithm>
#include <cmath>

#include <QApplication>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStyleOptionSlider>
#include <QTabWidget>
#include <QTableWidget>
#include <QCheckBox>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QtTest>

using namespace tleg;

class TestExpandPage : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_learngene;
    model::ViTConfig m_config;
    std::unique_ptr<gui::MainWindow> m_window;

    gui::ExpandPage* page() { return m_window->expandPage(); }

    /// Opens path on the page and waits until it has been read; returns the error (empty when
    /// it opened).
    QString load(const QString& path)
    {
        QSignalSpy done(page(), &gui::ExpandPage::loadFinished);
        page()->loadLearngene(path);
        if (!done.wait(30000)) {
            QTest::qFail("the learngene was not read within 30 s", __FILE__, __LINE__);
            return QStringLiteral("timeout");
        }
        return done.first().at(1).toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_learngene = m_dir.filePath("learngene.safetensors");
        m_config = testing::writeTinyLearngene(m_learngene);
        gui::AppState state;
        testing::useFashionMnistSubset(state, 2000, 500);
        gui::Settings settings;
        settings.runFolder = m_dir.filePath("runs");
        settings.threads = 2;
        m_window = std::make_unique<gui::MainWindow>(state, settings);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void rejectsAFileThatIsNotALearngene()
    {
        const QString bogus = m_dir.filePath("bogus.safetensors");
        QFile f(bogus);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a safetensors file");
        f.close();
        QVERIFY(!load(bogus).isEmpty());
        QVERIFY2(page()->errorText().contains(bogus), qPrintable(page()->errorText()));
        QCOMPARE(page()->learngenePath(), QString());
        QVERIFY(!page()->fineTuneButton()->isEnabled());
    }

    void draggingTheSliderUpdatesThePreview()
    {
        QCOMPARE(load(m_learngene), QString());
        QCOMPARE(page()->errorText(), QString());
        QSlider* slider = page()->depthSlider();
        slider->setValue(1);
        QStyleOptionSlider opt;
        opt.initFrom(slider);
        opt.orientation = slider->orientation();
        opt.minimum = slider->minimum();
        opt.maximum = slider->maximum();
        opt.sliderPosition = slider->value();
        opt.sliderValue = slider->value();
        const QRect handle = slider->style()->subControlRect(QStyle::CC_Slider, &opt,
                                                             QStyle::SC_SliderHandle, slider);
        QTest::mousePress(slider, Qt::LeftButton, Qt::NoModifier, handle.center());
        for (int x = handle.center().x(); x <= slider->width(); x += 8)
            QTest::mouseMove(slider, QPoint(x, handle.center().y()));
        QTest::mouseRelease(slider, Qt::LeftButton, Qt::NoModifier,
                            QPoint(slider->width() - 1, handle.center().y()));
        QCOMPARE(slider->value(), 24);

        const auto& p = page()->preview();
        QCOMPARE(p.depth, int64_t(24));
        QCOMPARE(p.coefficients.size(), size_t(24));
        QCOMPARE(p.coefficients.front(), 0.0);
        QCOMPARE(p.coefficients.back(), 23.0 / 24.0);
        model::ViTConfig deep = m_config;
        deep.depth = 24;
        QCOMPARE(p.params, deep.totalParams());
        QCOMPARE(p.macs, deep.forwardMacs());
        QVERIFY(p.storedPerDepthModels > 10 * p.learngeneStored);
        QVERIFY(page()->previewText().contains("depth 24"));

        // Keyboard on the slider, and the spin box, drive the same preview.
        QTest::keyClick(slider, Qt::Key_Left);
        QCOMPARE(page()->preview().depth, int64_t(23));
        page()->setDepth(3);
        QCOMPARE(slider->value(), 3);
        QCOMPARE(page()->preview().coefficients, (std::vector<double>{0.0, 1.0 / 3.0, 2.0 / 3.0}));
    }

    /// The hostile learngene files of issue 13: one line naming the file each, read in the
    /// background (a FIFO never blocks the GUI thread), the open learngene stays, and a good
    /// learngene opens afterwards.
    void everyKindOfBadLearngeneIsOneLineAndThePageStaysUsable()
    {
        QCOMPARE(load(m_learngene), QString());
        const QString model = m_dir.filePath("a-model.safetensors");
        model::saveClassifier(model.toStdString(),
                              *model::scratch(testing::fmnistTinyConfig(1), 0));
        for (const auto& bad : testing::badLearngenes(m_dir.filePath("bad"), m_learngene, model)) {
            const QString error = load(bad.path);
            const QString shown = page()->errorText();
            qInfo("%s: %s", qPrintable(bad.what), qPrintable(shown));
            QVERIFY2(!error.isEmpty(), qPrintable(bad.what));
            QVERIFY2(testing::isOneLineNaming(shown, bad.path),
                     qPrintable(bad.what + ": " + shown));
            QCOMPARE(page()->learngenePath(), m_learngene); // the open learngene stays
            QVERIFY(page()->fineTuneButton()->isEnabled());
        }
        const QString other = m_dir.filePath("another-learngene.safetensors");
        QVERIFY(QFile::copy(m_learngene, other));
        QCOMPARE(load(other), QString());
        QCOMPARE(page()->errorText(), QString());
        QCOMPARE(page()->learngenePath(), other);
        QVERIFY(page()->previewText().contains("Des-Net of depth"));
    }

    void expandAndFineTuneRunsOnAWorkerAndPlots()
    {
        QCOMPARE(load(m_learngene), QString());
        page()->setDepth(2);
        page()->epochsBox()->setValue(1);
        QSignalSpy finished(&m_window->runner(), &gui::JobRunner::finished);
        QTest::mouseClick(page()->fineTuneButton(), Qt::LeftButton);
        QVERIFY(m_window->runner().isRunning());
        QVERIFY(!page()->fineTuneButton()->isEnabled());
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().at(2).toString(), QString());
        QVERIFY(page()->trainingPlot()->lossPoints() > 0);
        QCOMPARE(page()->trainingPlot()->accuracyPoints(), 1);
        QVERIFY(!page()->lastRunFolder().isEmpty());
        QCOMPARE(page()->lastRunFolder(), m_dir.filePath("runs/des-2")); // runFolderBase(DesNet, 2)
        QVERIFY(fileExists(joinPath(page()->lastRunFolder().toStdString(), "model.safetensors")));
        const auto spec = workflow::TrainSpec::fromJson(
            workflow::readRunRecord(page()->lastRunFolder().toStdString()).spec);
        QVERIFY(spec.role == workflow::Role::DesNet);
        QVERIFY(spec.init.method == workflow::InitMethod::Learngene);
        QCOMPARE(QString::fromStdString(spec.init.path), QFileInfo(m_learngene).absoluteFilePath());
        QCOMPARE(spec.init.expand.depth, int64_t(2));
        QVERIFY(page()->fineTuneButton()->isEnabled());
        QVERIFY(m_window->logView()->toPlainText().contains("fine-tuned depth 2"));
        // Where the run went and how it did, beside the progress bar.
        const QString said = page()->trainingPanel()->statusText();
        QVERIFY2(said.startsWith("Depth 2: top-1 ") && said.contains("des-2"), qPrintable(said));
        if (qEnvironmentVariableIsSet("TLEG_SCREENSHOT_DIR")) // for looking at it by hand
            m_window->grab().save(qEnvironmentVariable("TLEG_SCREENSHOT_DIR") + "/expand-page.png");
    }

    void depthListsAreReadOrNamedAsWrong()
    {
        QString error;
        QCOMPARE(gui::parseDepths("2, 4, 6-8", 24, &error), (std::vector<int>{2, 4, 6, 7, 8}));
        QCOMPARE(gui::parseDepths("8 2;2 - 3", 24, &error), (std::vector<int>{2, 3, 8}));
        QCOMPARE(error, QString());
        for (const QString bad : {"0", "2, 25", "4-2", "two", "3,,x", "99999999999"}) {
            error.clear();
            QVERIFY2(gui::parseDepths(bad, 24, &error).empty(), qPrintable(bad));
            QVERIFY2(error.contains("is not a depth from 1 to 24"), qPrintable(error));
        }
        error.clear();
        QVERIFY(gui::parseDepths(" , ", 24, &error).empty());
        QVERIFY(!error.isEmpty());
    }

    /// Issue 19: several depths at once, each with a scratch twin, fill the depth × top-1
    /// table and plot as they finish: the paper's Table 1 from one learngene in one click.
    void aQueueOfTwoDepthsWithScratchTwinsFillsTheTable()
    {
        QCOMPARE(load(m_learngene), QString());
        gui::DepthQueue* queue = page()->depthQueue();
        queue->depthsEdit()->setText("3, 1");
        queue->scratchBox()->setChecked(true);
        page()->epochsBox()->setValue(1);
        QSignalSpy runs(page(), &gui::ExpandPage::runFinished);
        QSignalSpy done(queue, &gui::DepthQueue::finished);
        page()->bottomTabs()->setCurrentWidget(queue);
        QVERIFY(queue->startButton()->isVisibleTo(page()));
        QVERIFY(queue->startButton()->isEnabled());
        QTest::mouseClick(queue->startButton(), Qt::LeftButton);
        QVERIFY(queue->isRunning());
        QVERIFY(!page()->fineTuneButton()->isEnabled());
        QVERIFY(!queue->startButton()->isEnabled());
        QVERIFY(done.wait(600000));
        QCOMPARE(done.first().at(0).toBool(), false); // not stopped
        QCOMPARE(done.first().at(1).toString(), QString());
        QCOMPARE(runs.count(), 4);
        const auto& rows = queue->rows();
        QCOMPARE(rows.size(), size_t(2));
        for (size_t r = 0; r < rows.size(); ++r) {
            const int depth = r == 0 ? 1 : 3; // sorted
            QCOMPARE(rows[r].depth, depth);
            QVERIFY(rows[r].tleg > 0 && rows[r].tleg <= 100);
            QVERIFY(rows[r].scratch > 0 && rows[r].scratch <= 100);
            const QString des = m_dir.filePath(QString("runs/des-%1").arg(depth));
            const QString scratch = m_dir.filePath(QString("runs/scratch-%1").arg(depth));
            QCOMPARE(QFileInfo(rows[r].tlegRun).fileName(), QFileInfo(des).fileName());
            QCOMPARE(QFileInfo(rows[r].scratchRun).fileName(), QFileInfo(scratch).fileName());
            const auto desSpec = workflow::TrainSpec::fromJson(
                workflow::readRunRecord(rows[r].tlegRun.toStdString()).spec);
            QVERIFY(desSpec.init.method == workflow::InitMethod::Learngene);
            QCOMPARE(desSpec.init.expand.depth, int64_t(depth));
            const auto scratchSpec = workflow::TrainSpec::fromJson(
                workflow::readRunRecord(rows[r].scratchRun.toStdString()).spec);
            QVERIFY(scratchSpec.role == workflow::Role::Scratch);
            QVERIFY(scratchSpec.init.method == workflow::InitMethod::Scratch);
            QCOMPARE(scratchSpec.init.config.depth, int64_t(depth));
            QCOMPARE(scratchSpec.init.config.dim, m_config.dim);
            QCOMPARE(scratchSpec.train.epochs, int64_t(1));
            // The table says what rows() holds, in the UI's number format.
            QCOMPARE(queue->table()->item(int(r), 0)->text(), QString::number(depth));
            QCOMPARE(queue->table()->item(int(r), 1)->text(), gui::formatNumber(rows[r].tleg, 2));
            QCOMPARE(queue->table()->item(int(r), 2)->text(),
                     gui::formatNumber(rows[r].scratch, 2));
            QCOMPARE(queue->table()->item(int(r), 3)->text(),
                     gui::formatNumber(rows[r].tleg - rows[r].scratch, 2));
        }
        QCOMPARE(queue->plot()->graph(0)->dataCount(), 2); // TLEG
        QCOMPARE(queue->plot()->graph(1)->dataCount(), 2); // scratch
        QCOMPARE(queue->plot()->graph(0)->data()->at(1)->key, 3.0);
        QCOMPARE(queue->plot()->graph(0)->data()->at(1)->value, rows[1].tleg);
        QVERIFY(queue->startButton()->isEnabled());
        QVERIFY(page()->fineTuneButton()->isEnabled());
    }

    /// Opening the learngene again shows the runs the folder has from it: each depth's Des-Net
    /// expanded from this very file and its scratch twin; a copy of the file has none.
    void reopeningTheLearngeneShowsItsFinishedRuns()
    {
        gui::DepthQueue* queue = page()->depthQueue();
        const auto before = queue->rows();
        QCOMPARE(before.size(), size_t(2));
        QSignalSpy read(queue, &gui::DepthQueue::finishedRunsRead);
        QCOMPARE(load(m_learngene), QString());
        QVERIFY(read.count() > 0 || read.wait(60000));
        QVERIFY(!queue->isReading());
        const auto& rows = queue->rows();
        for (const auto& expected : before) {
            const auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& r) {
                return r.depth == expected.depth;
            });
            QVERIFY2(it != rows.end(), qPrintable(QString::number(expected.depth)));
            QCOMPARE(it->tlegRun, expected.tlegRun);
            QCOMPARE(it->scratchRun, expected.scratchRun);
            QVERIFY(std::abs(it->tleg - expected.tleg) < 1e-3);
            QVERIFY(std::abs(it->scratch - expected.scratch) < 1e-3);
        }
        QCOMPARE(queue->table()->rowCount(), static_cast<int>(rows.size()));
        QCOMPARE(queue->plot()->graph(0)->dataCount(), static_cast<int>(rows.size()));
        QVERIFY(!m_window->isBusy());

        const QString copy = m_dir.filePath("copy-of-learngene.safetensors");
        QVERIFY(QFile::copy(m_learngene, copy));
        read.clear();
        QCOMPARE(load(copy), QString());
        QVERIFY(read.count() > 0 || read.wait(60000));
        QVERIFY(queue->rows().empty());
        QCOMPARE(load(m_learngene), QString()); // the next tests use the original
    }

    /// Stop ends the whole queue: the run in progress keeps its last checkpoint, no later depth
    /// starts, and a wrong list is one line and starts nothing.
    void stopEndsTheQueueAndAWrongListStartsNothing()
    {
        gui::DepthQueue* queue = page()->depthQueue();
        queue->depthsEdit()->setText("2, 0");
        QVERIFY(!queue->start());
        QVERIFY(queue->errorText().contains("'0' is not a depth"));
        QVERIFY(!m_window->runner().isRunning());

        queue->depthsEdit()->setText("2, 5");
        page()->epochsBox()->setValue(50);
        QSignalSpy done(queue, &gui::DepthQueue::finished);
        QVERIFY(queue->start());
        QCOMPARE(queue->errorText(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(page()->trainingPlot()->lossPoints() > 2, 60000);
        page()->trainingPanel()->stopButton()->click();
        QVERIFY(done.wait(60000));
        QCOMPARE(done.first().at(0).toBool(), true);
        QVERIFY(!queue->isRunning());
        QVERIFY(!m_window->runner().isRunning());
        const auto& rows = queue->rows();
        QCOMPARE(rows[0].tleg, -1.0);
        QVERIFY(QFileInfo(rows[0].tlegRun).isDir()); // a resume point from its last epoch, if any
        QVERIFY(!fileExists(joinPath(rows[0].tlegRun.toStdString(), "model.safetensors")));
        QVERIFY(rows[0].scratchRun.isEmpty() && rows[1].tlegRun.isEmpty());
        QVERIFY(queue->startButton()->isEnabled());
    }

    void anotherPagesJobIsNotShownHere()
    {
        // A job that this page did not start reports progress: its panel stays as it was.
        const int points = page()->trainingPlot()->lossPoints();
        const QString status = page()->trainingPanel()->statusText();
        QSignalSpy progressed(&m_window->runner(), &gui::JobRunner::progressed);
        QSignalSpy finished(&m_window->runner(), &gui::JobRunner::finished);
        QVERIFY(m_window->runner().start("elsewhere", [](gui::JobContext& ctx) {
            auto progress = ctx.progressFn();
            train::Progress p;
            p.epochs = p.epoch = 1;
            p.batches = p.totalSteps = 3;
            for (int64_t s = 1; s <= 3; ++s) {
                p.batch = p.step = s;
                p.loss = 1.0;
                progress(p);
            }
        }));
        QVERIFY(!page()->fineTuneButton()->isEnabled());              // the runner is busy
        QVERIFY(!page()->trainingPanel()->stopButton()->isEnabled()); // not this page's job
        QVERIFY(finished.wait(10000));
        QVERIFY(progressed.count() >= 1);
        QCOMPARE(page()->trainingPlot()->lossPoints(), points);
        QCOMPARE(page()->trainingPanel()->statusText(), status);
        QVERIFY(page()->fineTuneButton()->isEnabled());
    }

    void stopEndsTheJobWithinABatch()
    {
        page()->setDepth(4);
        page()->epochsBox()->setValue(50);
        QSignalSpy finished(&m_window->runner(), &gui::JobRunner::finished);
        testing::JobProbe probe(m_window->runner());
        QTest::mouseClick(page()->fineTuneButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(page()->trainingPlot()->lossPoints() > 3, 60000);
        QElapsedTimer timer; // for the log only
        timer.start();
        m_window->runner().requestStop();
        probe.markStopped();
        QVERIFY(finished.wait(30000));
        qInfo("stop answered in %lld ms (not checked); %d report(s) after it, last step %lld",
              static_cast<long long>(timer.elapsed()), probe.reportsAfterStop(),
              static_cast<long long>(probe.lastStep()));
        // Counted by the job as it reported: after Stop at most the batch in flight (or the
        // epoch that batch ended) reported, then the job ended, long before its 50 epochs.
        QVERIFY2(probe.reportsAfterStop() <= 1,
                 qPrintable(QString::number(probe.reportsAfterStop())));
        QVERIFY(probe.lastStep() > 0);
        QVERIFY(probe.lastStep() < probe.totalSteps());
        QCOMPARE(finished.first().at(1).toBool(), true);
        QCOMPARE(finished.first().at(2).toString(), QString());
    }

    void closingDuringAJobAsksThenStops()
    {
        page()->epochsBox()->setValue(50);
        QTest::mouseClick(page()->fineTuneButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(page()->trainingPlot()->lossPoints() > 1, 60000);
        bool asked = false;
        const auto question = testing::onModal<QMessageBox>([&](QMessageBox* box) {
            asked = true;
            box->button(QMessageBox::Yes)->click();
        });
        QVERIFY(m_window->close());
        QVERIFY(question.opened());
        QVERIFY(asked);
        QVERIFY(!m_window->runner().isRunning());
    }
};

QTEST_MAIN(TestExpandPage)
#include "test_expand_page.moc"
