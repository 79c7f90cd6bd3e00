// The assembled main window: all pages, settings dialog, recent files, light/dark palettes,
// switching the language from the View menu, and the workflow wiring across pages (a saved
// learngene opens on the Expand page; Expand & fine-tune adds a row to the Runs page).
#include <torch/torch.h>

#include "bad_files.h"
#include "data/dataset.h"
#include "gui_fixture.h"
#include "model/aux_net.h"
#include "model/learngene.h"
#include "train/trainer.h"
#include "widgets/appearance.h"
#include "widgets/main_window.h"
#include "widgets/pages/ancestry_page.h"
#include "widgets/pages/data_page.h"
#include "widgets/pages/expand_page.h"
#include "widgets/pages/experiment_panel.h"
#include "widgets/pages/learngene_page.h"
#include "widgets/pages/linearity_page.h"
#include "widgets/pages/runs_page.h"
#include "widgets/settings_dialog.h"
#include "widgets/text_format.h"
#include "widgets/training_panel.h"

#include "widgets/plots/qcustomplot_include.h"
#include "widgets/plots/training_plot.h"
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <cmath>
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

    /// Every fixed text of a window in widget order (titles, buttons and their tooltips, check
    /// boxes, unnamed labels, tabs, table headers, combo items, suffixes, placeholders, plot
    /// titles and axis labels): what a language switch must retranslate. Named labels hold
    /// state (summaries, errors) and are left out, as is the one plot whose label names the
    /// model shown.
    static QStringList fixedTexts(gui::MainWindow& w)
    {
        QStringList out{w.windowTitle(), w.findChild<QDockWidget*>("logDock")->windowTitle()};
        for (int i = 0; i < w.navigation()->count(); ++i)
            out << w.navigation()->item(i)->text();
        for (QAction* a : w.menuBar()->actions())
            out << a->text();
        for (QWidget* widget : w.centralWidget()->findChildren<QWidget*>()) {
            const QString kind = QString(widget->metaObject()->className()) + ": ";
            if (widget->objectName() == "nextStep")
                continue; // names the step after the one shown: state, not a fixed text
            if (auto* b = qobject_cast<QAbstractButton*>(widget))
                out << kind + b->text() + " | "
                           + (b->objectName() == "expandFineTune" ? QString() // the estimate:
                                                                  : b->toolTip()); // state
            else if (auto* g = qobject_cast<QGroupBox*>(widget))
                out << kind + g->title();
            else if (auto* l = qobject_cast<QLabel*>(widget); l && l->objectName().isEmpty())
                out << kind + l->text();
            else if (auto* s = qobject_cast<QSpinBox*>(widget))
                out << kind + s->suffix();
            else if (auto* d = qobject_cast<QDoubleSpinBox*>(widget))
                out << kind + d->suffix();
            else if (auto* e = qobject_cast<QLineEdit*>(widget))
                out << kind + e->placeholderText();
            else if (auto* t = qobject_cast<QTabWidget*>(widget))
                for (int i = 0; i < t->count(); ++i)
                    out << kind + t->tabText(i);
            else if (auto* c = qobject_cast<QComboBox*>(widget);
                     c && c->objectName() != "linearityKind")
                for (int i = 0; i < c->count(); ++i)
                    out << kind + c->itemText(i) + " | "
                               + c->itemData(i, Qt::ToolTipRole).toString();
            else if (auto* table = qobject_cast<QTableWidget*>(widget))
                for (int i = 0; i < table->columnCount(); ++i)
                    if (const QTableWidgetItem* h = table->horizontalHeaderItem(i))
                        out << kind + h->text() + " | " + h->toolTip();
            if (auto* plot = qobject_cast<QCustomPlot*>(widget);
                plot && plot->objectName() != "linearityVariancePlot") {
                for (QCPAxisRect* rect : plot->axisRects())
                    for (QCPAxis* axis : rect->axes())
                        out << kind + axis->label();
                for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
                    if (auto* title =
                            qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i)))
                        out << kind + title->text();
            }
        }
        return out;
    }

    /// True when shown and expected hold the same texts in any order (children made on demand
    /// come in another order); warns with each text only one of them holds.
    static bool sameTexts(QStringList shown, QStringList expected)
    {
        shown.sort();
        expected.sort();
        for (int i = 0, j = 0; i < shown.size() || j < expected.size();) {
            if (i < shown.size() && j < expected.size() && shown[i] == expected[j]) {
                ++i, ++j;
                continue;
            }
            const bool extra = j >= expected.size() || (i < shown.size() && shown[i] < expected[j]);
            qWarning("%s: %s", extra ? "shown, not in a fresh window" : "missing",
                     qPrintable(extra ? shown[i++] : expected[j++]));
        }
        return shown == expected;
    }

    /// Luminance (0 black .. 1 white) of colour drawn over background.
    static double luminance(const QColor& colour, const QColor& background = Qt::white)
    {
        const double a = colour.alphaF();
        auto channel = [a](double c, double b) {
            const double v = a * c + (1 - a) * b;
            return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(colour.redF(), background.redF())
               + 0.7152 * channel(colour.greenF(), background.greenF())
               + 0.0722 * channel(colour.blueF(), background.blueF());
    }

    /// The class names whose tick label the histogram draws: tick labels in pure red, then red
    /// pixels looked for where each label begins, just below its tick (QCustomPlot leaves out a
    /// label that would cross the plot's edge).
    static QStringList drawnClassLabels(QCustomPlot* plot)
    {
        const QColor before = plot->xAxis->tickLabelColor();
        plot->xAxis->setTickLabelColor(QColor(255, 0, 0));
        plot->replot(QCustomPlot::rpImmediateRefresh);
        const QImage image = plot->toPixmap().toImage();
        plot->xAxis->setTickLabelColor(before);
        plot->replot(QCustomPlot::rpImmediateRefresh);
        const auto ticker = qSharedPointerDynamicCast<QCPAxisTickerText>(plot->xAxis->ticker());
        QStringList drawn;
        if (!ticker)
            return drawn;
        const int top = plot->xAxis->axisRect()->bottom() + 2;
        const int height = QFontMetrics(plot->xAxis->tickLabelFont()).height() + 6;
        for (auto it = ticker->ticks().cbegin(); it != ticker->ticks().cend(); ++it) {
            const int x = static_cast<int>(plot->xAxis->coordToPixel(it.key()));
            int red = 0;
            for (int y = top; y < std::min(image.height(), top + height); ++y)
                for (int dx = -10; dx <= 14; ++dx)
                    if (image.rect().contains(x + dx, y)) {
                        const QColor c = image.pixelColor(x + dx, y);
                        red += c.red() > 180 && c.green() < 90 && c.blue() < 90 ? 1 : 0;
                    }
            if (red >= 3)
                drawn << it.value();
        }
        return drawn;
    }
    /// Opens path as File ▸ Open does and waits until the window has answered: message is a
    /// message box's text when the window refuses the file itself, else the error of the page
    /// that read it (empty when it opened).
    void openAndWait(const QString& path, QString& message)
    {
        QString boxText;
        QTimer poll; // a message box is modal: it opens, and is read, inside openFile()
        connect(&poll, &QTimer::timeout, this, [&boxText] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                boxText = box->text();
                box->accept();
            }
        });
        poll.start(20);
        QSignalSpy job(&m_window->runner(), &gui::JobRunner::finished);
        QSignalSpy learngene(m_window->expandPage(), &gui::ExpandPage::loadFinished);
        const bool opened = m_window->openFile(path);
        poll.stop();
        message = boxText;
        if (!opened)
            return;
        QVERIFY2(boxText.isEmpty(), qPrintable(boxText));
        switch (m_window->navigation()->currentRow()) {
        case 1: // the Ancestry page reads it in a job
            QTRY_VERIFY_WITH_TIMEOUT(job.count() > 0, 60000);
            message = m_window->ancestryPage()->errorText();
            break;
        case 4: // the Expand page reads a learngene in the background
            QTRY_VERIFY_WITH_TIMEOUT(learngene.count() > 0, 60000);
            message = m_window->expandPage()->errorText();
            break;
        default:
            QFAIL(qPrintable(path + " opened on page "
                             + m_window->pageKey(m_window->navigation()->currentRow())));
        }
    }

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
                 (QStringList{"1  Data", "2  Ancestry", "3  Learngene", "4  Linearity",
                              "5  Expand", "6  Runs"}));
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

    /// Issue 19: the sidebar is the method's numbered steps with done marks; a done step shows
    /// "Next: … →"; Ctrl+1…6 go to the pages; Help ▸ Workflow lists the steps and the version.
    void guidedFlowMarksStepsAndLeadsOn()
    {
        QListWidget* nav = m_window->navigation();
        QPushButton* next = m_window->nextButton();
        m_window->showPage(0);
        QCOMPARE(nav->item(0)->checkState(), Qt::Checked); // a dataset is open (the fixture's)
        QVERIFY(!(nav->item(0)->flags() & Qt::ItemIsUserCheckable));
        QCOMPARE(nav->item(0)->toolTip(), QString("A dataset is open."));
        for (int i = 1; i < m_window->pageCount(); ++i)
            QCOMPARE(nav->item(i)->checkState(), Qt::Unchecked);
        QVERIFY(next->isVisible());
        QCOMPARE(next->text(), QString("Next: Ancestry →"));
        QTest::mouseClick(next, Qt::LeftButton);
        QCOMPARE(nav->currentRow(), 1);
        QVERIFY(!next->isVisible()); // no ancestry yet

        // Ctrl+5, then the learngene opens there and marks its step done.
        QTest::keyClick(m_window.get(), Qt::Key_5, Qt::ControlModifier);
        QCOMPARE(nav->currentRow(), 4);
        QSignalSpy loaded(m_window->expandPage(), &gui::ExpandPage::loadFinished);
        m_window->expandPage()->loadLearngene(m_learngene);
        QVERIFY(loaded.wait(30000));
        QCOMPARE(nav->item(2)->checkState(), Qt::Checked);
        QTest::keyClick(m_window.get(), Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(nav->currentRow(), 2);
        QCOMPARE(next->text(), QString("Next: Linearity →"));
        QTest::keyClick(m_window.get(), Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(nav->currentRow(), 0);

        QString shown;
        const auto box = testing::onModal<QMessageBox>([&](QMessageBox* b) {
            shown = b->text();
            b->accept();
        });
        QAction* workflow = m_window->findChild<QAction*>("workflowAction");
        QVERIFY(workflow);
        QCOMPARE(workflow->shortcut(), QKeySequence(QKeySequence::HelpContents));
        workflow->trigger();
        QVERIFY(box.opened());
        for (const char* step : {"<b>Data</b> (Ctrl+1)", "<b>Runs</b> (Ctrl+6)", "learngene",
                                 "Version "})
            QVERIFY2(shown.contains(step), qPrintable(shown));
    }

    /// Issue 19: every page fits the small desktop (1024 × 700 with the log dock open): no page
    /// makes the window grow beyond it.
    void everyPageFitsASmallDesktop()
    {
        const QSize small(1024, 700);
        for (int i = 0; i < m_window->pageCount(); ++i) {
            qInfo("%s: at least %d × %d", qPrintable(m_window->pageKey(i)),
                  m_window->page(i)->minimumSizeHint().width(),
                  m_window->page(i)->minimumSizeHint().height());
            if (qEnvironmentVariableIsSet("TLEG_WIDEST")) // which widgets, by hand
                for (QWidget* w : m_window->page(i)->findChildren<QWidget*>())
                    if (w->minimumSizeHint().width() > qEnvironmentVariableIntValue("TLEG_WIDEST") || w->minimumSizeHint().height() > 250)
                        qInfo("  %s %s: %d × %d", w->metaObject()->className(),
                              qPrintable(w->objectName()), w->minimumSizeHint().width(),
                              w->minimumSizeHint().height());
        }
        const QSize least = m_window->minimumSizeHint();
        QVERIFY2(least.width() <= small.width() && least.height() <= small.height(),
                 qPrintable(QString("the window needs %1 × %2").arg(least.width()).arg(least.height())));
        m_window->resize(small);
        QApplication::processEvents();
        QCOMPARE(m_window->size(), small);
        m_window->resize(1280, 800);
    }

    /// Issue 19: the status bar shows no ETA while a job is paused, and how the last job ended
    /// does not stay on every other page; Pause puts the focus on Resume, not on Stop.
    void statusBarFollowsPauseAndPages()
    {
        QLabel* status = m_window->statusBar()->findChild<QLabel*>("statusLabel");
        QVERIFY(status);
        QSignalSpy paused(&m_window->runner(), &gui::JobRunner::paused);
        QSignalSpy finished(&m_window->runner(), &gui::JobRunner::finished);
        gui::TrainingPanel* panel = m_window->expandPage()->trainingPanel();
        m_window->showPage(4);
        QVERIFY(panel->start("probe", [](gui::JobContext& ctx) {
            auto progress = ctx.progressFn();
            train::Progress p;
            p.epochs = p.epoch = 1;
            p.batches = p.totalSteps = 1000000;
            for (int64_t s = 1; s <= p.totalSteps; ++s) { // until stopped: a batch per 2 ms
                p.batch = p.step = s;
                p.loss = 1.0;
                p.etaSeconds = 60;
                if (!progress(p))
                    return;
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        }));
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains("ETA"), 10000);
        QTest::mouseClick(panel->pauseButton(), Qt::LeftButton);
        QVERIFY(paused.wait(10000));
        QCOMPARE(status->text(), QString("probe — paused"));
        QCOMPARE(m_window->focusWidget(), panel->resumeButton()); // where keys go when active
        m_window->runner().requestStop();
        QVERIFY(finished.wait(10000));
        QCOMPARE(status->text(), QString("stopped: probe"));
        m_window->showPage(5);
        QCOMPARE(status->text(), QString("Ready"));
        m_window->showPage(0);
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
        QCOMPARE(navTexts().at(0), QString("1  Daten"));
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
        QCOMPARE(navTexts().at(0), QString::fromUtf8("1  数据"));
        // Every page title and the window title are translated.
        for (const QString& t : navTexts())
            QVERIFY2(t.back().unicode() > 0x2e80, qPrintable(t));

        QAction* english = findAction(menu(1), "English");
        QVERIFY(english);
        english->trigger();
        QCOMPARE(navTexts().at(0), QString("1  Data"));
        QCOMPARE(m_window->pageCount(), 6);
    }

    void openingALearngeneRemembersItAndShowsExpand()
    {
        QVERIFY(m_window->openFile(m_learngene));
        QCOMPARE(m_window->navigation()->currentRow(), 4);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->expandPage()->fineTuneButton()->isEnabled(), 30000);
        QVERIFY(!m_window->recentMenu()->actions().isEmpty());
        QCOMPARE(m_window->recentMenu()->actions().first()->data().toString(),
                 QFileInfo(m_learngene).absoluteFilePath());
        QCOMPARE(gui::Settings::load().recentFiles.first(),
                 QFileInfo(m_learngene).absoluteFilePath());
    }

    void expandAndFineTuneAddsARunsRow()
    {
        gui::ExpandPage* expand = m_window->expandPage();
        expand->loadLearngene(m_learngene);
        QTRY_VERIFY_WITH_TIMEOUT(!expand->isLoading(), 30000);
        expand->setDepth(2);
        expand->epochsBox()->setValue(1);
        QTRY_VERIFY(!m_window->runsPage()->isListing());
        const auto rowsBefore = m_window->runsPage()->runFolders().size();
        QSignalSpy finished(&m_window->runner(), &gui::JobRunner::finished);
        QTest::mouseClick(expand->fineTuneButton(), Qt::LeftButton);
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().at(2).toString(), QString());
        QTRY_COMPARE_WITH_TIMEOUT(m_window->runsPage()->runFolders().size(), rowsBefore + 1, 30000);
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
        // The run the Expand page finished is read in the background (addRun): its curves are
        // drawn once that read is in.
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBusy(), 30000);
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
        if (!teacherBefore.isEmpty() && teacherBefore != model) // not silently: it is named
            QVERIFY2(m_window->logView()->toPlainText().contains(
                         "becomes the teacher in place of "
                         + QDir::toNativeSeparators(teacherBefore)),
                     qPrintable(m_window->logView()->toPlainText().right(600)));
        // The model lies in its run folder: the page draws that run's own curves.
        const auto& history = m_window->ancestryPage()->loadedHistory();
        QVERIFY(!history.curves.empty());
        QCOMPARE(history.folder, QFileInfo(model).absolutePath());
        QVERIFY(history.stepsPerEpoch > 0);
        auto* plot = m_window->ancestryPage()->trainingPlot();
        QCOMPARE(plot->lossPoints(), static_cast<int>(history.curves.size()));
        QCOMPARE(plot->accuracyPoints(), static_cast<int>(history.curves.size()));
        QCOMPARE(plot->lastLossStep(),
                 double(history.curves.back().epoch * history.stepsPerEpoch));
        QCOMPARE(plot->smoothedLoss(), history.curves.back().trainLoss); // epoch means, unsmoothed

        // The status line with the run's name never widens the page.
        // (It was 1,348 px wide with the run's path in it; the Data page, the widest, is 860.)
        const int ancestryWidth = m_window->ancestryPage()->minimumSizeHint().width();
        QVERIFY2(ancestryWidth <= 860, qPrintable(QString::number(ancestryWidth)));

        // Another model replaces this teacher: the log names the one it replaced.
        const QString copy = m_dir.filePath("copied-model.safetensors");
        QFile::remove(copy);
        QVERIFY(QFile::copy(model, copy));
        QVERIFY(m_window->openFile(copy));
        QVERIFY(finished.wait(60000));
        QCOMPARE(m_window->ancestryPage()->modelPath(), copy);
        QVERIFY2(m_window->logView()->toPlainText().contains(
                     "becomes the teacher in place of " + QDir::toNativeSeparators(model)),
                 qPrintable(m_window->logView()->toPlainText().right(600)));
        // Outside a run folder there is no history to draw.
        QVERIFY(m_window->ancestryPage()->loadedHistory().curves.empty());
    }

    void addToLinearityKeepsTheTeacher()
    {
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBusy(), 60000);
        const QString teacher = m_window->ancestryPage()->modelPath();
        const QString other = m_window->expandPage()->lastRunFolder() + "/model.safetensors";
        QVERIFY(QFileInfo(other).isFile());
        QCOMPARE(m_window->addToLinearity({other, m_dir.filePath("no-such.safetensors")}), 1);
        QCOMPARE(m_window->navigation()->currentRow(), 3);
        QVERIFY(m_window->linearityPage()->modelPaths().contains(other));
        QVERIFY(!m_window->runner().isRunning());
        QCOMPARE(m_window->ancestryPage()->modelPath(), teacher);
        QVERIFY(m_window->logView()->toPlainText().contains(
            "no-such.safetensors: not a model file; not added"));
        auto* action = m_window->findChild<QAction*>("addToLinearityAction");
        QVERIFY(action);
        QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBusy(), 60000);
    }

    /// Issue 13, item 7: every class of bad model or learngene file through File ▸ Open is
    /// answered in one line that names it (by a message box, or by the page that reads it),
    /// nothing hangs, and a good model opens afterwards.
    void openingABadFileSaysWhichInOneLine()
    {
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBusy(), 60000);
        const QString model = m_window->ancestryPage()->modelPath();
        QVERIFY(!model.isEmpty());
        auto bad = testing::badModels(m_dir.filePath("bad-models"), model);
        for (const auto& b :
             testing::badLearngenes(m_dir.filePath("bad-learngenes"), m_learngene, model))
            if (!b.what.contains("not a learngene")) // File ▸ Open takes a model as the teacher
                bad.push_back(b);
        for (const auto& b : bad) {
            QString message;
            openAndWait(b.path, message);
            qInfo("%s: %s", qPrintable(b.what), qPrintable(message));
            QVERIFY2(testing::isOneLineNaming(message, b.path),
                     qPrintable(b.what + ": " + message));
            QVERIFY(!m_window->runner().isRunning());
        }
        QCOMPARE(m_window->ancestryPage()->modelPath(), model);
        const QString another = m_dir.filePath("another-model.safetensors");
        QVERIFY(QFile::copy(model, another));
        QString message;
        openAndWait(another, message);
        QCOMPARE(message, QString());
        QCOMPARE(m_window->ancestryPage()->modelPath(), another);
        openAndWait(m_learngene, message); // a good learngene as well
        QCOMPARE(message, QString());
        QCOMPARE(m_window->expandPage()->learngenePath(),
                 QFileInfo(m_learngene).absoluteFilePath());
        openAndWait(model, message); // the teacher of the tests that follow
        QCOMPARE(message, QString());
    }

    /// Issue 19: switching the language retranslates every page in place. With a teacher, a
    /// learngene, runs, changed form values and drawn curves open at 1200×820, en → de → zh_CN →
    /// en keeps all of it, the window size included, and every fixed text is what a window
    /// built in that language shows.
    void switchingLanguageKeepsEveryPagesState()
    {
        // A size of its own, above the window's least in every language.
        const QSize size(1200, 820);
        m_window->resize(size);
        QTRY_COMPARE(m_window->size(), size);
        gui::AncestryPage* ancestry = m_window->ancestryPage();
        gui::ExpandPage* expand = m_window->expandPage();
        gui::RunsPage* runs = m_window->runsPage();
        const QString teacher = ancestry->modelPath();
        QVERIFY(!teacher.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBusy(), 60000);
        ancestry->epochsBox()->setValue(3);
        expand->setDepth(2);
        m_window->learngenePage()->epochsBox()->setValue(4);
        const int lossPoints = expand->trainingPlot()->lossPoints();
        const int top1Points = expand->trainingPlot()->accuracyPoints();
        QVERIFY(lossPoints > 0 && top1Points > 0);
        const QString run = QFileInfo(expand->lastRunFolder()).absoluteFilePath();
        runs->selectRuns({run});
        QCOMPARE(runs->selectedFolders().size(), 1);
        runs->tabs()->setCurrentIndex(1);
        m_window->showPage(5);
        const int logLines = m_window->logView()->blockCount();
        const QStringList english = fixedTexts(*m_window);

        for (const QString language : {"de", "zh_CN", "en"}) {
            QAction* action =
                findAction(menu(1), language == "de"      ? QString("Deutsch")
                                    : language == "zh_CN" ? QString::fromUtf8("简体中文")
                                                          : QString("English"));
            QVERIFY2(action, qPrintable(language));
            action->trigger();
            QCOMPARE(m_window->settings().language, language);
            // The state of every page is kept.
            QCOMPARE(m_window->size(), size);
            QCOMPARE(m_window->navigation()->currentRow(), 5);
            QCOMPARE(ancestry->modelPath(), teacher);
            QVERIFY2(ancestry->summaryText().contains(QDir::toNativeSeparators(teacher)),
                     qPrintable(ancestry->summaryText()));
            QCOMPARE(m_window->learngenePage()->teacherPath(), teacher);
            QCOMPARE(ancestry->epochsBox()->value(), 3);
            QCOMPARE(m_window->learngenePage()->epochsBox()->value(), 4);
            QCOMPARE(expand->depthSlider()->value(), 2);
            QCOMPARE(expand->learngenePath(), QFileInfo(m_learngene).absoluteFilePath());
            QCOMPARE(expand->trainingPlot()->lossPoints(), lossPoints);
            QCOMPARE(expand->trainingPlot()->accuracyPoints(), top1Points);
            QCOMPARE(runs->tabs()->currentIndex(), 1);
            QCOMPARE(runs->selectedFolders(), QStringList{run});
            QCOMPARE(runs->top1Plot()->graphCount(), 1);
            QVERIFY(m_window->logView()->blockCount() >= logLines);
            m_window->appendLog(QStringLiteral("after switching to %1").arg(language));
            auto* scroll = m_window->logView()->verticalScrollBar();
            QCOMPARE(scroll->value(), scroll->maximum()); // the log follows its newest line
            // Every fixed text is in the new language: as a window built in it shows them.
            const QStringList texts = fixedTexts(*m_window);
            if (language == "en") {
                QCOMPARE(texts, english);
                continue;
            }
            QVERIFY(texts != english);
            gui::Settings settings = m_window->settings();
            settings.language = language;
            gui::AppState state;
            state.data = m_window->state().data;
            auto fresh = std::make_unique<gui::MainWindow>(state, settings);
            fresh->expandPage()->epochsBox()->setValue(expand->epochsBox()->value()); // "1 epoch"
            QVERIFY(sameTexts(texts, fixedTexts(*fresh)));
            fresh.reset(); // its translators go; the next switch installs the next language's
        }
        runs->tabs()->setCurrentIndex(0);
        m_window->resize(1280, 800);
    }

    /// Issue 19: German writes decimals with a comma and counts in "Mio.", a count of epochs
    /// takes the plural form its number needs, and τ, λ and "KL ÷ batch×classes" explain
    /// themselves (on their labels too) in the paper's terms.
    void numbersPluralsAndTooltipsFollowTheLanguage()
    {
        QSpinBox* epochs = m_window->expandPage()->epochsBox();
        const int epochsBefore = epochs->value();
        gui::LearngenePage* learngene = m_window->learngenePage();
        QDoubleSpinBox* tau = learngene->tauBox();
        auto labelOf = [&](QWidget* field) -> QLabel* {
            for (QLabel* l : learngene->findChildren<QLabel*>())
                if (l->buddy() == field)
                    return l;
            return nullptr;
        };
        QVERIFY(labelOf(tau) && labelOf(learngene->lambdaBox()));
        auto* deitNorm = learngene->findChild<QCheckBox*>("deitNorm");
        QVERIFY(deitNorm);
        const QRegularExpression english("\\d\\.\\d{3} M "), german("\\d,\\d{3} Mio\\. ");
        for (const QString language : {"en", "de", "en"}) {
            QVERIFY(m_window->setLanguage(language));
            const bool de = language == "de";
            epochs->setValue(1);
            QCOMPARE(epochs->suffix(), de ? QString(" Epoche") : QString(" epoch"));
            epochs->setValue(3);
            QCOMPARE(epochs->suffix(), de ? QString(" Epochen") : QString(" epochs"));
            QCOMPARE(gui::epochCount(1), de ? QString("1 Epoche") : QString("1 epoch"));
            QCOMPARE(gui::formatNumber(0.5, 1), de ? QString("0,5") : QString("0.5"));
            QCOMPARE(gui::formatCount(2'500'000'000),
                     de ? QString("2,50 Mrd.") : QString("2.50 G"));
            QVERIFY2(learngene->previewText().contains(de ? german : english),
                     qPrintable(learngene->previewText()));
            QVERIFY2(tau->text().contains(de ? ',' : '.'), qPrintable(tau->text()));
            for (QCustomPlot* plot : m_window->findChildren<QCustomPlot*>()) // tick labels
                QCOMPARE(plot->locale().decimalPoint(), de ? QString(",") : QString("."));
            QVERIFY(tau->toolTip().contains(de ? "Temperatur τ" : "Temperature τ"));
            QCOMPARE(labelOf(tau)->toolTip(), tau->toolTip());
            QVERIFY(learngene->lambdaBox()->toolTip().contains("(1−λ)·CE"));
            QCOMPARE(labelOf(learngene->lambdaBox())->toolTip(), learngene->lambdaBox()->toolTip());
            QVERIFY(deitNorm->toolTip().contains(de ? "Batch × Klassen" : "batch × classes"));
        }
        epochs->setValue(epochsBefore);
    }

    /// Issue 19: in the dark theme every plot's titles, axis labels, tick labels and legend
    /// stand out from its background, and so do its lines and bars (the raw loss, the c_l bars).
    void darkThemeKeepsEveryPlotReadable()
    {
        m_window->setDark(true);
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 100);
        const auto plots = m_window->findChildren<QCustomPlot*>();
        QVERIFY(plots.size() >= 10);
        for (QCustomPlot* plot : plots) {
            const QColor bg = plot->toPixmap(40, 40).toImage().pixelColor(2, 2);
            const double back = luminance(bg);
            QVERIFY2(back < 0.1, qPrintable(plot->objectName()));
            auto readable = [&](const QColor& c, double least, const QString& what) {
                const double diff = std::abs(luminance(c, bg) - back);
                QVERIFY2(diff > least, qPrintable(QString("%1 %2: luminance difference %3")
                                                      .arg(plot->objectName(), what)
                                                      .arg(diff)));
            };
            for (QCPAxisRect* rect : plot->axisRects())
                for (QCPAxis* axis : rect->axes()) {
                    readable(axis->labelColor(), 0.5, "axis label");
                    readable(axis->tickLabelColor(), 0.5, "tick label");
                }
            for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
                if (auto* title = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i)))
                    readable(title->textColor(), 0.5, "title " + title->text());
            readable(plot->legend->textColor(), 0.5, "legend");
            for (int i = 0; i < plot->plottableCount(); ++i) {
                QCPAbstractPlottable* p = plot->plottable(i);
                if (qobject_cast<QCPColorMap*>(p))
                    continue;
                readable(p->pen().color(), 0.08, "series " + p->name());
                if (qobject_cast<QCPBars*>(p))
                    readable(p->brush().color(), 0.15, "bars " + p->name());
            }
        }
        m_window->setDark(false);
    }

    /// Issue 19: a plot's title takes its colour from the palette, light or dark (the Runs
    /// page's titles were black on the dark background).
    void plotTitlesFollowThePalette()
    {
        QCustomPlot* plot = m_window->runsPage()->top1Plot();
        auto* title = plot->findChild<QCPTextElement*>("runPlotTitle");
        QVERIFY(title);
        for (const bool dark : {true, false, true, false}) {
            m_window->setDark(dark);
            const QColor text = QApplication::palette().color(QPalette::WindowText);
            QCOMPARE(title->textColor(), text);
            QCOMPARE(plot->xAxis->labelColor(), text);
            QCOMPARE(plot->xAxis->tickLabelColor(), text);
        }
    }

    /// Issue 19: the class histogram draws every class name, the tenth ("Ankle boot") too, in the
    /// narrowest window and at the default size (where the last one used to be left out).
    void classHistogramShowsEveryClassName()
    {
        const auto& train = m_window->state().data->train;
        QStringList names;
        for (int64_t c = 0; c < train.numClasses; ++c)
            names << QString::fromStdString(train.classNames[size_t(c)]);
        QVERIFY(names.contains("Ankle boot"));
        m_window->showPage(0);
        for (const QSize size : {m_window->minimumSizeHint(), QSize(1280, 800)}) {
            m_window->resize(size);
            QTRY_COMPARE(m_window->size(), size);
            QApplication::sendPostedEvents(); // the layout for the new size
            QCustomPlot* histogram = m_window->dataPage()->histogram();
            QCOMPARE(drawnClassLabels(histogram), names);
        }
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
