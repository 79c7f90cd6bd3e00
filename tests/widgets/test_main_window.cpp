// The assembled main window: all pages, settings dialog, recent files, light/dark palettes,
// switching the language from the View menu, and the workflow wiring across pages (a saved
// learngene opens on the Expand page; Expand & fine-tune adds a row to the Runs page).
#include <torch/torch.h>

#include "data/dataset.h"
#include "gui_fixture.h"
#include "model/aux_net.h"
#include "model/learngene.h"
#include "widgets/appearance.h"
#include "widgets/main_window.h"
#include "widgets/pages/ancestry_page.h"
#include "widgets/pages/expand_page.h"
#include "widgets/pages/experiment_panel.h"
#include "widgets/pages/linearity_page.h"
#include "widgets/pages/runs_page.h"
#include "widgets/settings_dialog.h"

#include "widgets/plots/qcustomplot_include.h"
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <thread>

using namespace tleg;

class TestMainWindow : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_learngene;
    std::unique_ptr<gui::MainWindow> m_window;

    QAction* findAction(QMenu* menu, const QString& text)
    {
        for (QAction* a : menu->actions()) {
            if (a->text() == text)
                return a;
            if (a->menu())
                if (QAction* found = findAction(a->menu(), text))
                    return found;
        }
        return nullptr;
    }
    QMenu* menu(int index) { return m_window->menuBar()->actions().at(index)->menu(); }
    QStringList navTexts()
    {
        QStringList out;
        for (int i = 0; i < m_window->navigation()->count(); ++i)
            out << m_window->navigation()->item(i)->text();
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        gui::setupStyle(*qobject_cast<QApplication*>(QCoreApplication::instance()));

        m_learngene = m_dir.filePath("learngene.safetensors");
        testing::writeTinyLearngene(m_learngene);
        gui::AppState state;
        testing::useFashionMnistSubset(state, 1000, 300);
        gui::Settings settings;
        settings.runFolder = m_dir.filePath("runs");
        settings.threads = 2;
        m_window = std::make_unique<gui::MainWindow>(state, settings);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void showsEveryPageInWorkflowOrder()
    {
        QCOMPARE(m_window->pageCount(), 6);
        QCOMPARE(navTexts(),
                 (QStringList{"Data", "Ancestry", "Learngene", "Linearity", "Expand", "Runs"}));
        for (int i = 0; i < m_window->pageCount(); ++i) {
            m_window->showPage(i);
            QVERIFY(m_window->page(i)->isVisible());
        }
        QCOMPARE(m_window->pageKey(0), QString("data"));
        QCOMPARE(m_window->pageKey(5), QString("runs"));
        // Every plot on every page can export.
        for (QCustomPlot* plot : m_window->findChildren<QCustomPlot*>())
            QCOMPARE(plot->contextMenuPolicy(), Qt::CustomContextMenu);
    }

    void settingsDialogAppliesAndPersists()
    {
        QAction* settingsAction = findAction(menu(0), "&Settings…");
        QVERIFY(settingsAction);
        const auto dialogOpened =
            testing::onModal<gui::SettingsDialog>([](gui::SettingsDialog* dialog) {
                dialog->threadsBox()->setValue(1);
                dialog->bf16Box()->setChecked(true);
                dialog->runFolderEdit()->setText(dialog->runFolderEdit()->text() + "2");
                dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
            });
        settingsAction->trigger();
        QVERIFY(dialogOpened.opened());
        QCOMPARE(m_window->state().threads, 1);
        QVERIFY(m_window->state().bf16);
        QCOMPARE(m_window->state().runFolder, m_dir.filePath("runs2"));
        const gui::Settings stored = gui::Settings::load();
        QCOMPARE(stored.threads, 1);
        QVERIFY(stored.bf16);
        QCOMPARE(stored.runFolder, m_dir.filePath("runs2"));

        gui::Settings back = m_window->settings();
        back.threads = 2;
        back.bf16 = false;
        back.runFolder = m_dir.filePath("runs");
        m_window->applySettings(back);
        QCOMPARE(m_window->state().runFolder, m_dir.filePath("runs"));
    }

    void darkAndLightPalettes()
    {
        QAction* dark = m_window->findChild<QAction*>("darkAction");
        QVERIFY(dark);
        dark->trigger();
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 100);
        const auto plots = m_window->findChildren<QCustomPlot*>();
        QVERIFY(!plots.isEmpty());
        for (QCustomPlot* plot : plots)
            QVERIFY(plot->toPixmap(40, 40).toImage().pixelColor(2, 2).lightness() < 100);
        for (QCustomPlot* plot : plots)
            QVERIFY(plot->xAxis->tickLabelColor().lightness() > 150);
        QVERIFY(gui::Settings::load().dark);
        dark->trigger();
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 150);
        for (QCustomPlot* plot : plots)
            QVERIFY(plot->toPixmap(40, 40).toImage().pixelColor(2, 2).lightness() > 150);
    }

    void switchingLanguageChangesVisibleTexts()
    {
        QAction* german = findAction(menu(1), "Deutsch");
        QVERIFY(german);
        german->trigger();
        QCOMPARE(m_window->settings().language, QString("de"));
        QCOMPARE(navTexts().at(0), QString("Daten"));
        QCOMPARE(m_window->menuBar()->actions().at(0)->text(), QString("&Datei"));
        QCOMPARE(gui::Settings::load().language, QString("de"));
        // Texts from core are translated too: the experiments' titles and paper references.
        QComboBox* experiments = m_window->runsPage()->experimentPanel()->experimentBox();
        QCOMPARE(experiments->itemText(0),
                 QString::fromUtf8("Tabelle 1 — Des-Nets vieler Tiefen aus einem Learngene "
                                   "gegen Training von Grund auf"));
        QCOMPARE(experiments->itemText(experiments->count() - 1),
                 QString::fromUtf8("Abb. 1 — Ändern sich die Gewichte linear mit der Tiefe?"));
        // German texts are the longest: no check box or button on any page is cut off.
        for (int i = 0; i < m_window->pageCount(); ++i) {
            m_window->showPage(i);
            QApplication::processEvents();
            for (QAbstractButton* box : m_window->page(i)->findChildren<QAbstractButton*>())
                if (box->isVisible() && !box->text().isEmpty())
                    QVERIFY2(box->width() >= box->sizeHint().width(),
                             qPrintable(QString("%1 on page %2: %3 of %4 px")
                                            .arg(box->text(), m_window->pageKey(i))
                                            .arg(box->width())
                                            .arg(box->sizeHint().width())));
        }

        QAction* chinese = findAction(menu(1), QString::fromUtf8("简体中文"));
        QVERIFY(chinese);
        chinese->trigger();
        QCOMPARE(navTexts().at(0), QString::fromUtf8("数据"));
        // Every page title and the window title are translated.
        for (const QString& t : navTexts())
            QVERIFY2(t.at(0).unicode() > 0x2e80, qPrintable(t));

        QAction* english = findAction(menu(1), "English");
        QVERIFY(english);
        english->trigger();
        QCOMPARE(navTexts().at(0), QString("Data"));
        QCOMPARE(m_window->pageCount(), 6);
    }

    void openingALearngeneRemembersItAndShowsExpand()
    {
        QVERIFY(m_window->openFile(m_learngene));
        QCOMPARE(m_window->navigation()->currentRow(), 4);
        QVERIFY(m_window->expandPage()->fineTuneButton()->isEnabled());
        QVERIFY(!m_window->recentMenu()->actions().isEmpty());
        QCOMPARE(m_window->recentMenu()->actions().first()->data().toString(),
                 QFileInfo(m_learngene).absoluteFilePath());
        QCOMPARE(gui::Settings::load().recentFiles.first(),
                 QFileInfo(m_learngene).absoluteFilePath());
    }

    void expandAndFineTuneAddsARunsRow()
    {
        gui::ExpandPage* expand = m_window->expandPage();
        QVERIFY(expand->loadLearngene(m_learngene));
        expand->setDepth(2);
        expand->epochsBox()->setValue(1);
        QTRY_VERIFY(!m_window->runsPage()->isListing());
        const auto rowsBefore = m_window->runsPage()->runFolders().size();
        QSignalSpy finished(&m_window->runner(), &gui::JobRunner::finished);
        QTest::mouseClick(expand->fineTuneButton(), Qt::LeftButton);
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().at(2).toString(), QString());
        QCOMPARE(m_window->runsPage()->runFolders().size(), rowsBefore + 1);
        QVERIFY(m_window->runsPage()->runFolders().contains(expand->lastRunFolder())
                || m_window->runsPage()->runFolders().contains(
                    QFileInfo(expand->lastRunFolder()).absoluteFilePath()));
    }

    void compareRunsSelectsThemOnTheRunsPage()
    {
        const QString run = m_window->expandPage()->lastRunFolder();
        QVERIFY(!run.isEmpty());
        const QString name = QFileInfo(run).fileName(); // a name under the run folder
        const QStringList missing = m_window->compareRuns({name, "no-such-run"});
        QCOMPARE(missing, QStringList{"no-such-run"});
        QCOMPARE(m_window->navigation()->currentRow(), 5);
        QTRY_COMPARE(m_window->runsPage()->selectedFolders().size(), 1);
        QCOMPARE(QFileInfo(m_window->runsPage()->selectedFolders().first()).fileName(), name);
        QCOMPARE(m_window->runsPage()->top1Plot()->graphCount(), 1);
        QVERIFY(m_window->runsPage()->top1Plot()->graph(0)->dataCount() >= 1);
        QVERIFY(m_window->logView()->toPlainText().contains("No run no-such-run"));
    }

    void openingAModelDuringAJobComparesIt()
    {
        // `tleg-studio a b`: a's evaluation is still running when b is opened. A job that
        // waits for a flag stands in for it, so the test does not depend on timing.
        const QString model = m_window->expandPage()->lastRunFolder() + "/model.safetensors";
        const QString teacherBefore = m_window->ancestryPage()->modelPath();
        std::atomic<bool> release{false};
        QSignalSpy finished(&m_window->runner(), &gui::JobRunner::finished);
        QVERIFY(m_window->runner().start("hold", [&](gui::JobContext& ctx) {
            while (!release.load() && !ctx.stopRequested())
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }));
        QVERIFY(m_window->openFile(model)); // compared, not refused
        QCOMPARE(m_window->navigation()->currentRow(), 3);
        QVERIFY(m_window->linearityPage()->modelPaths().contains(model));
        QVERIFY(m_window->logView()->toPlainText().contains(
            "model.safetensors: opened on the Linearity page"));
        QCOMPARE(m_window->ancestryPage()->errorText(), QString());
        QCOMPARE(m_window->ancestryPage()->modelPath(), teacherBefore);
        release = true;
        QVERIFY(finished.wait(10000));

        // With no job running, a model becomes the teacher (and is compared as well).
        QVERIFY(m_window->openFile(model));
        QCOMPARE(m_window->navigation()->currentRow(), 1);
        QVERIFY(finished.wait(60000));
        QCOMPARE(m_window->ancestryPage()->errorText(), QString());
        QCOMPARE(m_window->ancestryPage()->modelPath(), model);
    }

    void theExecutableStartsAndWritesEveryPage()
    {
        // tleg-studio itself, as README command 1 builds it: it finds Fashion-MNIST, opens a
        // learngene from the command line and writes a PNG of every page.
        const QString out = m_dir.filePath("shots");
        QProcess studio;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("XDG_CONFIG_HOME", m_dir.filePath("config")); // leave real settings alone
        studio.setProcessEnvironment(env);
        studio.start(TLEG_STUDIO_PATH, {"--screenshots", out, "--runs", m_dir.filePath("runs"),
                                        "--lang", "de", "--open", m_learngene});
        QVERIFY(studio.waitForFinished(120000));
        const QString output = QString::fromLocal8Bit(studio.readAllStandardOutput());
        QVERIFY2(studio.exitCode() == 0,
                 qPrintable(output + QString::fromLocal8Bit(studio.readAllStandardError())));
        for (int i = 0; i < m_window->pageCount(); ++i) {
            const QString png = QDir(out).filePath(m_window->pageKey(i) + ".png");
            QVERIFY2(output.contains(png), qPrintable(output));
            QCOMPARE(QImage(png).size(), QSize(1280, 800));
        }

        QProcess help;
        help.start(TLEG_STUDIO_PATH, {"--help"});
        QVERIFY(help.waitForFinished(30000));
        QCOMPARE(help.exitCode(), 0);
        const QString text = QString::fromLocal8Bit(help.readAllStandardOutput());
        for (const char* option : {"--screenshots", "--runs", "--open", "--compare", "--lang"})
            QVERIFY2(text.contains(option), option);
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
