// Quick trials, run names, tags and notes on a real page with real Fashion-MNIST and the real
// worker: Quick trial picks 3,000 training and 1,000 test images and one epoch; the speed probe
// measures this machine in the background and the page says how long the run will take; the run
// goes into the folder the user named, its config.json records the subsets (so Run again draws
// the same images) and notes.json keeps the tags and notes, which the Runs page shows and edits.
// A preset made for other images says so; a bad name or tag is refused before anything runs.

#include <torch/torch.h>

#include "gui_fixture.h"
#include "util/files.h"
#include "widgets/job_runner.h"
#include "widgets/pages/ancestry_form.h"
#include "widgets/pages/ancestry_page.h"
#include "widgets/pages/expand_page.h"
#include "widgets/pages/run_setup.h"
#include "widgets/pages/runs_page.h"
#include "widgets/pages/runs_table.h"
#include "workflow/run_index.h"
#include "workflow/run_notes.h"

#include <nlohmann/json.hpp>

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace tleg;

namespace {

nlohmann::json readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
}

} // namespace

class TestRunSetup : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    gui::AppState m_state;
    std::unique_ptr<gui::JobRunner> m_runner;
    std::unique_ptr<gui::AncestryPage> m_page;
    QString m_estimateBefore;

    gui::RunSetup* setup() const { return m_page->form()->runSetup(); }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setStyle("Fusion");
        // All of Fashion-MNIST, opened as the Data page opens it: no subset yet.
        m_state.data = std::make_shared<const data::DataSplit>(workflow::openData(m_state.dataSpec));
        m_state.runFolder = m_dir.filePath("runs");
        m_state.threads = 1;
        m_runner = std::make_unique<gui::JobRunner>();
        m_page = std::make_unique<gui::AncestryPage>(m_state, *m_runner);
        m_page->resize(930, 600);
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    }

    void quickTrialPicksFewImagesAndOneEpoch()
    {
        QCOMPARE(setup()->imagesBox()->value(), 0); // all images by default
        QCOMPARE(setup()->imagesBox()->maximum(), 60000);
        m_page->presetBox()->setCurrentText("fmnist-ti");
        m_page->depthBox()->setValue(1);
        QTest::mouseClick(setup()->quickButton(), Qt::LeftButton);
        QCOMPARE(setup()->imagesBox()->value(), 3000);
        QCOMPARE(m_page->epochsBox()->value(), 1);
        const gui::TrialData trial = setup()->trialData();
        QCOMPARE(trial.spec.options.trainSubset, int64_t(3000));
        QCOMPARE(trial.spec.options.testSubset, int64_t(1000));
        const auto split = trial.split();
        QCOMPARE(split->train.size(), int64_t(3000));
        QCOMPARE(split->test.size(), int64_t(1000));
        // The same images openData draws for that spec: Run again trains on exactly these.
        const auto reopened = workflow::openData(trial.spec);
        QVERIFY(torch::equal(split->train.labels, reopened.train.labels));
        QVERIFY(torch::equal(split->train.images, reopened.train.images));
        QVERIFY(torch::equal(split->test.images, reopened.test.images));
    }

    void theEstimateComesFromThisMachine()
    {
        // The probe runs in the background; the label names images, epochs and a duration.
        QTRY_VERIFY_WITH_TIMEOUT(setup()->lastProbe().trainImagesPerSecond > 0, 120000);
        const QString text = setup()->estimateLabel()->text();
        const QLocale locale;
        QVERIFY2(text.contains(QString("%1 of %2 images × 1 epoch")
                                   .arg(locale.toString(3000), locale.toString(60000))),
                 qPrintable(text));
        QVERIFY2(text.contains("about") && text.contains("images/s measured"), qPrintable(text));
        const auto p = setup()->lastProbe();
        QVERIFY(p.evalImagesPerSecond > 0);
        QVERIFY(p.estimateSeconds(1, 3000, 1000) > 0);
    }

    void badNamesAndTagsAreRefusedBeforeAnythingRuns()
    {
        setup()->nameEdit()->setText("a/b");
        QTest::mouseClick(m_page->trainButton(), Qt::LeftButton);
        QVERIFY(!m_runner->isRunning());
        QVERIFY2(m_page->errorText().contains("a/b"), qPrintable(m_page->errorText()));
        setup()->nameEdit()->setText("my-trial");
        setup()->tagsEdit()->setText("ok, " + QString(70, 'x'));
        QTest::mouseClick(m_page->trainButton(), Qt::LeftButton);
        QVERIFY(!m_runner->isRunning());
        QVERIFY2(m_page->errorText().contains("Tags") && m_page->errorText().contains("64"),
                 qPrintable(m_page->errorText()));
        QVERIFY(!QDir(m_dir.filePath("runs/my-trial")).exists());
    }

    void theRunGoesWhereNamedWithItsTagsAndNotes()
    {
        setup()->nameEdit()->setText("my-trial");
        setup()->tagsEdit()->setText(" smoke, quick ,smoke");
        setup()->notesEdit()->setText("does fmnist-ti learn in one epoch?");
        m_estimateBefore = setup()->estimateLabel()->text();
        QSignalSpy finished(m_runner.get(), &gui::JobRunner::finished);
        QTest::mouseClick(m_page->trainButton(), Qt::LeftButton);
        QVERIFY(m_runner->isRunning());
        QVERIFY(setup()->nameEdit()->text().isEmpty()); // kept with the run, cleared here
        QVERIFY(finished.wait(300000));
        QVERIFY2(finished.front().at(2).toString().isEmpty(),
                 qPrintable(finished.front().at(2).toString()));

        const QString run = m_dir.filePath("runs/my-trial");
        const auto config = readJson(run + "/config.json");
        // 10 % of the 3,000 training images held out to choose the epoch.
        QCOMPARE(config["train_images"].get<int64_t>(), int64_t(2700));
        QCOMPARE(config["val_images"].get<int64_t>(), int64_t(300));
        const auto& spec = config["spec"]["data"];
        QCOMPARE(spec["train_subset"].get<int64_t>(), int64_t(3000));
        QCOMPARE(spec["test_subset"].get<int64_t>(), int64_t(1000));
        const auto info = workflow::listRun(run.toStdString());
        QCOMPARE(info.state, workflow::RunState::Finished);
        QCOMPARE(info.epochsDone, int64_t(1));
        QCOMPARE(info.tags, (std::vector<std::string>{"smoke", "quick"}));
        QCOMPARE(info.notes, std::string("does fmnist-ti learn in one epoch?"));
        qInfo("estimated: %s; took %.2f s of epochs", qPrintable(m_estimateBefore), info.seconds);
    }

    void theRunsPageShowsAndEditsTagsAndNotes()
    {
        gui::RunsPage runs(m_state);
        runs.resize(900, 500);
        runs.show();
        runs.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(runs.table()->rowCount() == 1, 30000);
        QCOMPARE(runs.table()->item(0, gui::RunsTable::Tags)->text(), QString("smoke, quick"));
        const QString run = m_dir.filePath("runs/my-trial");
        QVERIFY(runs.setRunNotes(run, "baseline", "second look\nloss still falling"));
        QCOMPARE(runs.table()->item(0, gui::RunsTable::Tags)->text(), QString("baseline"));
        QVERIFY(runs.table()->item(0, gui::RunsTable::Name)->toolTip().contains("second look"));
        const auto notes = workflow::readRunNotes(run.toStdString());
        QCOMPARE(notes.notes, std::string("second look\nloss still falling"));
        QVERIFY(!runs.setRunNotes(run, QString(65, 'y'), "x"));
        QVERIFY2(runs.errorText().contains("64"), qPrintable(runs.errorText()));
        QCOMPARE(workflow::readRunNotes(run.toStdString()).tags,
                 (std::vector<std::string>{"baseline"})); // unchanged
    }

    void aPresetForOtherImagesSaysSo()
    {
        m_page->presetBox()->setCurrentText("vit-s");
        QVERIFY2(m_page->presetText().contains("vit-s is made for 224-px images; these are 28 px")
                     && m_page->presetText().contains("too few"),
                 qPrintable(m_page->presetText()));
        m_page->presetBox()->setCurrentText("fmnist-s");
        QVERIFY(!m_page->presetText().contains("made for"));
    }

    void aSubsetOfASubsetIsOpenedAgain()
    {
        // The Data page opened 2,000 images already: a trial of 500 cannot be cut from them and
        // match its spec, so the job opens the data itself.
        gui::AppState state;
        state.dataSpec.options.trainSubset = 2000;
        state.dataSpec.options.seed = 3;
        state.data = std::make_shared<const data::DataSplit>(workflow::openData(state.dataSpec));
        gui::RunSetup s(state, *m_runner, workflow::Role::Ancestry, 1);
        QCOMPARE(s.imagesBox()->maximum(), 2000);
        s.imagesBox()->setValue(500);
        const auto trial = s.trialData();
        QVERIFY(!trial.open);
        QCOMPARE(trial.spec.options.trainSubset, int64_t(500));
        const auto split = trial.split();
        QCOMPARE(split->train.size(), int64_t(500));
        QCOMPARE(split->test.size(), int64_t(10000));
    }

    void expandTrainsAQuickNamedDescendant()
    {
        const QString learngene = m_dir.filePath("tiny-learngene.safetensors");
        testing::writeTinyLearngene(learngene);
        gui::ExpandPage page(m_state, *m_runner);
        page.resize(930, 600);
        page.show();
        QSignalSpy loaded(&page, &gui::ExpandPage::loadFinished);
        page.loadLearngene(learngene);
        QVERIFY(loaded.wait(60000));
        QCOMPARE(loaded.front().at(1).toString(), QString());
        page.setDepth(2);
        gui::RunSetup* s = page.runSetup();
        QCOMPARE(page.bottomTabs()->widget(2), static_cast<QWidget*>(s));
        QTest::mouseClick(s->quickButton(), Qt::LeftButton);
        QCOMPARE(page.epochsBox()->value(), 1);
        s->nameEdit()->setText("des-2-quick");
        s->tagsEdit()->setText("quick");
        // The estimate is measured for the Des-Net of depth 2 and shown on the button too.
        QTRY_VERIFY_WITH_TIMEOUT(s->estimateLabel()->text().contains("images/s measured"), 120000);
        QVERIFY2(page.fineTuneButton()->toolTip().contains(
                     QString("%1 of %2 images").arg(QLocale().toString(3000),
                                                    QLocale().toString(60000))),
                 qPrintable(page.fineTuneButton()->toolTip()));
        QSignalSpy finished(m_runner.get(), &gui::JobRunner::finished);
        QVERIFY(page.expandAndFineTune());
        QVERIFY(finished.wait(300000));
        const QString run = m_dir.filePath("runs/des-2-quick");
        QCOMPARE(readJson(run + "/config.json")["train_images"].get<int64_t>(), int64_t(2700));
        const auto info = workflow::listRun(run.toStdString());
        QCOMPARE(info.state, workflow::RunState::Finished);
        QCOMPARE(info.depth, int64_t(2));
        QCOMPARE(info.tags, (std::vector<std::string>{"quick"}));
        QCOMPARE(page.lastRunFolder(), run);
    }

    void cleanupTestCase()
    {
        m_page.reset();
        m_runner.reset();
    }
};

QTEST_MAIN(TestRunSetup)
#include "test_run_setup.moc"
