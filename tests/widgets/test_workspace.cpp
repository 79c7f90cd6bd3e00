// Workspaces (issue 19): what is open — the data, the ancestry (the teacher), the learngene on
// Expand with depth, epochs and the several-depths list, the models on Linearity, the runs
// selected and the page shown — saved by one window and opened by a fresh one, as a real user
// would (real files, the pages' own background reads). A file that is gone is skipped and
// named; a file that is no workspace is one line naming the file and the field.
#include <torch/torch.h>

#include "bad_files.h"
#include "gui_fixture.h"
#include "model/des_net.h"
#include "model/model_io.h"
#include "util/files.h"
#include "widgets/main_window.h"
#include "widgets/pages/ancestry_page.h"
#include "widgets/pages/depth_queue.h"
#include "widgets/pages/expand_page.h"
#include "widgets/pages/learngene_page.h"
#include "widgets/pages/linearity_page.h"
#include "widgets/pages/runs_page.h"
#include "widgets/workspace.h"

#include <QCheckBox>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace tleg;

class TestWorkspace : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_model, m_other, m_learngene, m_run;
    gui::Settings m_settings;

    std::unique_ptr<gui::MainWindow> newWindow()
    {
        gui::AppState state;
        testing::useFashionMnistSubset(state, 600, 200);
        auto w = std::make_unique<gui::MainWindow>(state, m_settings);
        w->show();
        return w;
    }

    /// Waits until the window's background work and jobs are over.
    static bool idle(gui::MainWindow& w)
    {
        return QTest::qWaitFor([&w] { return !w.isBusy(); }, 60000);
    }

    void writeFile(const QString& path, const std::string& text)
    {
        std::ofstream(path.toStdString()) << text;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_model = m_dir.filePath("ancestry.safetensors");
        model::saveClassifier(m_model.toStdString(), *model::scratch(testing::fmnistTinyConfig(2), 1));
        m_other = m_dir.filePath("other.safetensors");
        model::saveClassifier(m_other.toStdString(), *model::scratch(testing::fmnistTinyConfig(3), 2));
        m_learngene = m_dir.filePath("learngene.safetensors");
        testing::writeTinyLearngene(m_learngene);
        m_settings.runFolder = m_dir.filePath("runs");
        m_run = QDir(m_settings.runFolder).filePath("des-2");
        makeDirs(m_run.toStdString());
        writeFile(m_run + "/config.json", R"({"job": "train", "spec": {"role": "des-net"}})");
    }

    void aFreshWindowOpensWhatWasOpen()
    {
        auto first = newWindow();
        QSignalSpy ready(first->ancestryPage(), &gui::AncestryPage::ancestryReady);
        QVERIFY(first->ancestryPage()->loadModel(m_model));
        QVERIFY(ready.wait(60000));
        QVERIFY(idle(*first));
        first->learngenePage()->setTeacherPath(m_other); // a teacher chosen apart
        first->expandPage()->loadLearngene(m_learngene);
        first->expandPage()->setDepth(3);
        first->expandPage()->epochsBox()->setValue(4);
        first->expandPage()->depthQueue()->depthsEdit()->setText("1, 3-4");
        first->expandPage()->depthQueue()->scratchBox()->setChecked(false);
        first->linearityPage()->addModel(m_model);
        first->linearityPage()->addModel(m_other);
        first->compareRuns({m_run});
        QVERIFY(idle(*first));
        QTRY_COMPARE_WITH_TIMEOUT(first->runsPage()->selectedFolders(), QStringList{m_run}, 30000);
        first->showPage(4);
        const QString path = m_dir.filePath("study.tleg-workspace");
        gui::saveWorkspace(*first, path);
        first.reset();

        auto second = newWindow();
        QVERIFY(idle(*second));
        QCOMPARE(second->openWorkspaceFile(path), QStringList());
        QVERIFY(idle(*second));
        QCOMPARE(second->ancestryPage()->modelPath(), m_model);
        QTRY_COMPARE_WITH_TIMEOUT(second->learngenePage()->teacherPath(), m_other, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(second->expandPage()->learngenePath(), m_learngene, 30000);
        QCOMPARE(second->expandPage()->depthSlider()->value(), 3);
        QCOMPARE(second->expandPage()->epochsBox()->value(), 4);
        QCOMPARE(second->expandPage()->depthQueue()->depthsEdit()->text(), QString("1, 3-4"));
        QVERIFY(!second->expandPage()->depthQueue()->scratchBox()->isChecked());
        QTRY_COMPARE_WITH_TIMEOUT(second->linearityPage()->modelPaths(),
                                  (QStringList{m_model, m_other}), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(second->runsPage()->selectedFolders(), QStringList{m_run}, 30000);
        QCOMPARE(second->navigation()->currentRow(), 4);
        // What it holds, read back, is what was saved.
        QCOMPARE(QString::fromStdString(
                     gui::captureWorkspace(*second)["expand"]["depths"].get<std::string>()),
                 QString("1, 3-4"));
    }

    void aFileThatIsGoneIsSkippedAndNamed()
    {
        const QString gone = m_dir.filePath("gone.safetensors");
        const QString path = m_dir.filePath("gone.tleg-workspace");
        writeFile(path, nlohmann::json{{"tleg_workspace", 1},
                                       {"linearity", {m_model.toStdString(), gone.toStdString()}},
                                       {"page", 3}}
                            .dump());
        auto w = newWindow();
        const QStringList skipped = w->openWorkspaceFile(path);
        QCOMPARE(skipped.size(), 1);
        QVERIFY2(skipped.first().contains(gone), qPrintable(skipped.first()));
        QTRY_COMPARE_WITH_TIMEOUT(w->linearityPage()->modelPaths(), QStringList{m_model}, 60000);
        QCOMPARE(w->navigation()->currentRow(), 3);
        QVERIFY(idle(*w));
    }

    void aFileThatIsNoWorkspaceIsOneLine()
    {
        const struct {
            const char* name;
            std::string text;
            const char* says;
        } bad[] = {
            {"not-json", "{ nope", "not valid JSON"},
            {"no-marker", R"({"page": 1})", "tleg_workspace"},
            {"newer", R"({"tleg_workspace": 7})", "newer"},
            {"page", R"({"tleg_workspace": 1, "page": 99})", "'page'"},
            {"depth", R"({"tleg_workspace": 1, "expand": {"depth": 1e300}})", "'expand.depth'"},
            {"data", R"({"tleg_workspace": 1, "data": 5})", "'data'"},
        };
        for (const auto& b : bad) {
            const QString path = m_dir.filePath(QString(b.name) + ".tleg-workspace");
            writeFile(path, b.text);
            auto w = newWindow();
            QString shown;
            const auto box = testing::onModal<QMessageBox>([&](QMessageBox* m) {
                shown = m->text();
                m->accept();
            });
            const QStringList said = w->openWorkspaceFile(path);
            QVERIFY(box.opened());
            QVERIFY2(testing::isOneLineNaming(shown, path), qPrintable(shown));
            QVERIFY2(shown.contains(b.says), qPrintable(b.name + (": " + shown)));
            QCOMPARE(said, QStringList{shown});
            QVERIFY(idle(*w));
        }
        QFile::remove(m_dir.filePath("missing.tleg-workspace"));
        auto w = newWindow();
        const auto box = testing::onModal<QMessageBox>([](QMessageBox* m) { m->accept(); });
        QCOMPARE(w->openWorkspaceFile(m_dir.filePath("missing.tleg-workspace")).size(), 1);
        QVERIFY(box.opened());
    }

    void closingKeepsTheWorkspaceForTheNextStart()
    {
        QFile::remove(gui::lastWorkspacePath());
        auto w = newWindow();
        w->expandPage()->setDepth(5);
        QVERIFY(w->close());
        const QString last = gui::lastWorkspacePath();
        QVERIFY2(QFileInfo::exists(last), qPrintable(last));
        auto next = newWindow();
        QCOMPARE(next->openWorkspaceFile(last), QStringList());
        QCOMPARE(next->expandPage()->depthSlider()->value(), 5);
        QVERIFY(idle(*next));
    }
};

QTEST_MAIN(TestWorkspace)
#include "test_workspace.moc"
