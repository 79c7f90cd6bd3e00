// Bring your own ancestry, in real windows (offscreen) with the real worker: timm and Hugging
// Face checkpoints written by Debian's python3-torch (foreign_fixtures.h) open on the Ancestry
// page by Load…, Load folder… and by dropping them on the page; the page shows what was inferred
// and from where, and scores them as Python's logits do. A timm file without its heads is one
// line naming the file and the heads, with the field highlighted; setting it loads the model. A
// teacher with 1000 classes on 10-class data is refused on the Learngene page before Start, and
// a class map set in the import settings lets the distillation run.
#include <torch/torch.h>

#include "bad_files.h"
#include "foreign_fixtures.h"
#include "io/safetensors.h"
#include "model/model_io.h"
#include "widgets/job_runner.h"
#include "widgets/main_window.h"
#include "widgets/pages/ancestry_page.h"
#include "widgets/pages/import_settings.h"
#include "widgets/pages/learngene_page.h"
#include "widgets/pages/linearity_page.h"
#include "workflow/jobs.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>

using namespace tleg;

class TestForeignAncestry : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_skip; // why the Python-made fixtures are missing
    gui::AppState m_state;
    std::unique_ptr<gui::JobRunner> m_runner;
    std::unique_ptr<gui::AncestryPage> m_ancestry;
    std::unique_ptr<gui::LearngenePage> m_learngene;
    QString m_chosen; // what the file and folder choosers answer

    QString fixture(const QString& name) const { return m_dir.filePath("fx/" + name); }
    gui::ImportSettings* settings() const { return m_ancestry->importSettings(); }

    /// Top-1 (percent) of Python's logits for model on the fixture's test images.
    double pythonTop1(const std::string& model) const
    {
        const auto ref = io::readSafetensors(fixture("reference.safetensors").toStdString());
        const auto predicted = ref.tensor("logits." + model).argmax(1);
        return predicted.eq(ref.tensor("labels")).to(torch::kDouble).mean().item<double>() * 100.0;
    }

    /// Runs action (which starts a job) and waits for the job; returns its error.
    QString runAndWait(const std::function<void()>& action)
    {
        QSignalSpy finished(m_runner.get(), &gui::JobRunner::finished);
        action();
        if (!finished.wait(120000))
            return "the job never ended";
        if (!QTest::qWaitFor([this] { return !settings()->isInspecting(); }, 30000))
            return "the inspection never ended";
        return finished.first().at(2).toString();
    }

    /// The import settings' row for field: {value, from}; empty when it is not there.
    QStringList field(const QString& name) const
    {
        const QTableWidget* t = settings()->fieldsTable();
        for (int row = 0; row < t->rowCount(); ++row)
            if (t->item(row, 0)->text() == name)
                return {t->item(row, 1)->text(), t->item(row, 2)->text()};
        return {};
    }

    /// Whether the page takes a drag of these files or folders.
    bool takesDrag(const QStringList& paths)
    {
        QMimeData mime;
        QList<QUrl> urls;
        for (const QString& p : paths)
            urls << QUrl::fromLocalFile(p);
        mime.setUrls(urls);
        QDragEnterEvent enter(QPoint(20, 20), Qt::CopyAction, &mime, Qt::LeftButton,
                              Qt::NoModifier);
        enter.ignore();
        QApplication::sendEvent(m_ancestry.get(), &enter);
        return enter.isAccepted();
    }

    void sendDrop(const QString& path)
    {
        QVERIFY(takesDrag({path}));
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path)});
        QDropEvent drop(QPointF(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        drop.ignore();
        QApplication::sendEvent(m_ancestry.get(), &drop);
        QVERIFY(drop.isAccepted());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setStyle("Fusion");
        QVERIFY(QDir().mkpath(m_dir.filePath("fx")));
        m_skip = testing::writeForeignFixtures(m_dir.filePath("fx"));
        if (!m_skip.isEmpty())
            return;
        m_state.dataSpec.source = fixture("cifar").toStdString(); // 32 px, 3 channels, 10 classes
        m_state.data = std::make_shared<data::DataSplit>(workflow::openData(m_state.dataSpec));
        m_state.runFolder = m_dir.filePath("runs");
        m_state.threads = 1;
        m_runner = std::make_unique<gui::JobRunner>();
        m_ancestry = std::make_unique<gui::AncestryPage>(m_state, *m_runner);
        m_ancestry->setFileChooser([this] { return m_chosen; });
        m_ancestry->setFolderChooser([this] { return m_chosen; });
        m_learngene = std::make_unique<gui::LearngenePage>(m_state, *m_runner);
        connect(m_ancestry.get(), &gui::AncestryPage::ancestryReady, m_learngene.get(),
                &gui::LearngenePage::setTeacherPath);
        m_ancestry->resize(930, 700);
        m_ancestry->show();
        m_learngene->resize(920, 500);
        m_learngene->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_ancestry.get()));
        QVERIFY(!settings()->isVisible()); // nothing chosen yet
    }

    void cleanupTestCase()
    {
        if (m_runner) {
            m_runner->requestStop();
            m_runner->wait(-1);
        }
        m_learngene.reset();
        m_ancestry.reset();
        m_runner.reset();
    }

    void aHuggingFaceFolderDroppedOnThePageShowsWhatWasInferred()
    {
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(m_skip));
        const QString hf = fixture("hf");
        QVERIFY(!takesDrag({hf, fixture("timm/vit.safetensors")})); // one model at a time
        QCOMPARE(runAndWait([&] { sendDrop(hf); }), QString());
        QCOMPARE(m_ancestry->errorText(), QString());
        QCOMPARE(m_ancestry->modelPath(), hf);
        QVERIFY(settings()->isVisible()); // its tab, beside the training curves
        QCOMPARE(m_ancestry->findChild<QTabWidget*>("ancestryTabs")->currentIndex(), 1);
        QVERIFY2(settings()->formatText().contains("Hugging Face"),
                 qPrintable(settings()->formatText()));
        // Each field with its value and where it came from.
        QCOMPARE(field("heads").value(0), QString("2"));
        QVERIFY2(field("heads").value(1).contains("config.json"),
                 qPrintable(field("heads").join(" | ")));
        QCOMPARE(field("mean").value(0), QString("(0.5, 0.5, 0.5)"));
        QVERIFY2(field("mean").value(1).contains("preprocessor_config.json"),
                 qPrintable(field("mean").join(" | ")));
        QCOMPARE(field("image size").value(0), QString("32"));
        QCOMPARE(settings()->errorText(), QString());
        // Scored as Python's ViTForImageClassification scores the same images.
        QVERIFY2(m_ancestry->summaryText().contains("imported from huggingface"),
                 qPrintable(m_ancestry->summaryText()));
        QVERIFY(m_ancestry->summary().haveTop1);
        QCOMPARE(m_ancestry->summary().top1, pythonTop1("hf"));
        QCOMPARE(m_state.ancestryPath, hf);
        QCOMPARE(m_learngene->teacherPath(), hf);
    }

    void aFolderChosenByItsConfigOrByLoadFolderOpensTheFolder()
    {
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(m_skip));
        m_state.ancestryPath.clear();
        m_chosen = fixture("hf/config.json");
        QCOMPARE(runAndWait([&] { QTest::mouseClick(m_ancestry->loadButton(), Qt::LeftButton); }),
                 QString());
        QCOMPARE(m_ancestry->modelPath(), fixture("hf"));
        QCOMPARE(m_state.ancestryPath, fixture("hf"));
        m_chosen = fixture("timm-gap"); // timm's config.json beside model.safetensors
        QCOMPARE(
            runAndWait([&] { QTest::mouseClick(m_ancestry->loadFolderButton(), Qt::LeftButton); }),
            QString());
        QCOMPARE(m_ancestry->modelPath(), fixture("timm-gap"));
        QVERIFY(settings()->formatText().contains("timm"));
        QVERIFY2(field("heads").value(1).contains("config.json"),
                 qPrintable(field("heads").join(" | ")));
        QCOMPARE(m_ancestry->summary().top1, pythonTop1("timm-gap"));
    }

    /// File ▸ Open (and files named at start) takes a Hugging Face folder as a model: the
    /// Ancestry page loads it (the teacher), Linearity reads its model.safetensors.
    void fileOpenTakesAHuggingFaceFolder()
    {
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(m_skip));
        gui::Settings settings;
        settings.runFolder = m_dir.filePath("runs-window");
        settings.threads = 1;
        gui::MainWindow window(m_state, settings);
        window.show();
        QSignalSpy ready(window.ancestryPage(), &gui::AncestryPage::ancestryReady);
        const QString hf = fixture("hf");
        QVERIFY(window.openFile(hf));
        QVERIFY(ready.wait(120000));
        QCOMPARE(window.ancestryPage()->modelPath(), hf);
        QCOMPARE(window.learngenePage()->teacherPath(), hf);
        QCOMPARE(window.navigation()->currentRow(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.linearityPage()->modelPaths().contains(QDir(hf).filePath("model.safetensors")),
            60000);
        QVERIFY(QTest::qWaitFor([&window] { return !window.isBusy(); }, 60000));
    }

    void aTimmFileWithoutHeadsNamesTheFieldAndLoadsOnceItIsSet()
    {
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(m_skip));
        const QString timm = fixture("timm/vit.safetensors");
        m_chosen = timm;
        const QString error =
            runAndWait([&] { QTest::mouseClick(m_ancestry->loadButton(), Qt::LeftButton); });
        QVERIFY(error.contains("heads"));
        const QString shown = m_ancestry->errorText();
        QVERIFY2(testing::isOneLineNaming(shown, timm), qPrintable(shown));
        QVERIFY2(shown.contains("--teacher-heads"), qPrintable(shown));
        QCOMPARE(settings()->highlightedField(), QString("heads"));
        QVERIFY(settings()->headsBox()->isEnabled());
        QVERIFY(!settings()->headsBox()->styleSheet().isEmpty());
        QVERIFY(settings()->errorText().contains("heads"));   // the inspection says it too
        QCOMPARE(m_state.ancestryPath, fixture("timm-gap"));  // the last good model stays
        if (qEnvironmentVariableIsSet("TLEG_SCREENSHOT_DIR")) // for looking at it by hand
            m_ancestry->grab().save(qEnvironmentVariable("TLEG_SCREENSHOT_DIR")
                                    + "/ancestry-import-error.png");

        settings()->headsBox()->setValue(2);
        QVERIFY(settings()->isInspecting());
        QTRY_VERIFY_WITH_TIMEOUT(!settings()->isInspecting(), 30000);
        QCOMPARE(settings()->errorText(), QString());
        QCOMPARE(settings()->highlightedField(), QString());
        QCOMPARE(field("heads").value(0), QString("2"));
        QVERIFY2(field("heads").value(1).contains("import settings"),
                 qPrintable(field("heads").join(" | ")));
        QVERIFY2(field("mean").value(1).contains("assumed"), qPrintable(field("mean").join(" | ")));
        QVERIFY2(settings()->notesText().contains("ImageNet"), qPrintable(settings()->notesText()));

        QCOMPARE(runAndWait([&] { QTest::mouseClick(settings()->applyButton(), Qt::LeftButton); }),
                 QString());
        QCOMPARE(m_ancestry->errorText(), QString());
        QCOMPARE(m_ancestry->modelPath(), timm);
        QVERIFY(m_ancestry->summary().haveTop1);
        QCOMPARE(m_ancestry->summary().top1, pythonTop1("timm"));
        QCOMPARE(m_state.ancestryPath, timm);
        QCOMPARE(m_state.ancestryOptions.heads, int64_t(2));
        QCOMPARE(m_learngene->teacherPath(), timm);
        QCOMPARE(m_learngene->teacherOptions().heads, int64_t(2)); // the teacher is the same
        if (qEnvironmentVariableIsSet("TLEG_SCREENSHOT_DIR")) {
            QCoreApplication::sendPostedEvents(); // the layout of the new summary
            m_ancestry->grab().save(qEnvironmentVariable("TLEG_SCREENSHOT_DIR")
                                    + "/ancestry-imported.png");
        }
    }

    void aThousandClassTeacherNeedsAClassMapBeforeDistillation()
    {
        if (!m_skip.isEmpty())
            QSKIP(qPrintable(m_skip));
        model::ViTConfig cfg;
        cfg.imageSize = 32;
        cfg.channels = 3;
        cfg.patchSize = 8;
        cfg.dim = 32;
        cfg.heads = 2;
        cfg.depth = 1;
        cfg.numClasses = 1000;
        const QString teacher = m_dir.filePath("imagenet-like.safetensors");
        model::saveClassifier(teacher.toStdString(), *model::scratch(cfg, 0), {});
        m_chosen = teacher;
        QCOMPARE(runAndWait([&] { QTest::mouseClick(m_ancestry->loadButton(), Qt::LeftButton); }),
                 QString());
        QCOMPARE(m_learngene->teacherPath(), teacher);

        auto* page = m_learngene.get();
        page->presetBox()->setCurrentText("custom");
        page->widthBox()->setValue(32);
        page->headsBox()->setValue(2);
        page->depthBox()->setValue(2);
        page->patchBox()->setValue(8);
        page->expandFromBox()->setValue(1);
        page->epochsBox()->setValue(1);
        page->batchBox()->setValue(16);
        page->lambdaBox()->setValue(1.0);
        QTRY_VERIFY_WITH_TIMEOUT(!page->isCheckingTeacher(), 60000);
        const QString reason = page->startBlockedReason();
        QVERIFY2(testing::isOneLineNaming(reason, teacher), qPrintable(reason));
        QVERIFY2(reason.contains("predicts 1000 classes"), qPrintable(reason));
        QVERIFY2(reason.contains("--teacher-class-map"), qPrintable(reason));
        QVERIFY(!page->startButton()->isEnabled());
        QCOMPARE(page->findChild<QLabel*>("startBlockedReason")->text(), reason);

        // Ten of its classes stand for the data's, set where the ancestry is imported.
        settings()->classMapEdit()->setText("0,1,2,3,4,5,6,7,8,999");
        QTRY_VERIFY_WITH_TIMEOUT(!settings()->isInspecting(), 30000);
        QCOMPARE(settings()->errorText(), QString());
        QCOMPARE(runAndWait([&] { QTest::mouseClick(settings()->applyButton(), Qt::LeftButton); }),
                 QString());
        QCOMPARE(m_state.ancestryOptions.classMap.size(), size_t(10));
        QTRY_VERIFY_WITH_TIMEOUT(!page->isCheckingTeacher(), 60000);
        QCOMPARE(page->startBlockedReason(), QString());
        QVERIFY(page->startButton()->isEnabled());
        QVERIFY2(page->teacherCheckLabel()->text().contains("1000 → 10"),
                 qPrintable(page->teacherCheckLabel()->text()));

        QSignalSpy saved(page, &gui::LearngenePage::learngeneSaved);
        QSignalSpy finished(m_runner.get(), &gui::JobRunner::finished);
        QTest::mouseClick(page->startButton(), Qt::LeftButton);
        QVERIFY(finished.wait(300000));
        QCOMPARE(finished.first().at(2).toString(), QString());
        QCOMPARE(saved.count(), 1);
    }
};

QTEST_MAIN(TestForeignAncestry)
#include "test_foreign_ancestry.moc"
