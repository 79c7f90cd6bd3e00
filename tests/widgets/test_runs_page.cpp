// The Runs page in a real window (offscreen) over real run folders written by the trainer on
// Fashion-MNIST: the table lists exactly the runs, sorts numbers as numbers, takes a finished run
// without a listing (addRun, read in the background) and a new folder on disk by itself (file
// watcher); two selected runs plot two curves; Rename, Delete and Export CSV work through their
// buttons and dialogs; every kind of broken run folder is one line naming its file.
#include <torch/torch.h>

#include "bad_files.h"
#include "data/dataset.h"
#include "gui_fixture.h"
#include "model/des_net.h"
#include "train/trainer.h"
#include "util/files.h"
#include "widgets/pages/runs_page.h"
#include "widgets/plots/run_curves.h"
#include "widgets/text_format.h"
#include "workflow/run_index.h"

#include "widgets/plots/qcustomplot_include.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHeaderView>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

#include "../core/tiny_models.h"

using namespace tleg;
namespace fs = std::filesystem;

using testing::onModal;

class TestRunsPage : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_root;
    data::Dataset m_train, m_test;
    gui::AppState m_state;
    std::unique_ptr<gui::RunsPage> m_page;

    QString run(const QString& name) const { return QDir(m_root).filePath(name); }
    QTableWidget* table() const { return m_page->table(); }

    int rowOf(const QString& folder) const
    {
        return static_cast<int>(m_page->runFolders().indexOf(run(folder)));
    }

    void clickRow(const QString& folder, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
    {
        const int row = rowOf(folder);
        QVERIFY2(row >= 0, qPrintable(folder));
        table()->scrollToItem(table()->item(row, gui::RunsTable::Name));
        const QRect rect = table()->visualItemRect(table()->item(row, gui::RunsTable::Kind));
        QTest::mouseClick(table()->viewport(), Qt::LeftButton, modifiers, rect.center());
    }

    void makeRun(const QString& name, int64_t epochs, const char* role, uint64_t seed,
                 const std::atomic<bool>* stop = nullptr, std::atomic<bool>* raise = nullptr)
    {
        model::ViT net = model::scratch(testing::fmnistTinyConfig(2), seed);
        train::train(
            *net, m_train, m_test, testing::fastRunOptions((run(name)).toStdString(), epochs, role),
            nullptr,
            [raise](const train::Progress& p) {
                if (raise && p.epochDone)
                    *raise = true;
                return true;
            },
            stop);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_root = m_dir.filePath("runs");
        auto split = data::loadFashionMnist();
        m_train = data::subset(split.train, 300, 1);
        m_test = data::subset(split.test, 100, 2);
        makeRun("ancestry", 2, "ancestry", 0);
        makeRun("pipe/des-1", 1, "desnet", 1);
        std::atomic<bool> stop{false};
        makeRun("stopped", 2, "scratch", 2, &stop, &stop); // stops in epoch 2 of 2
        makeDirs(run("broken").toStdString());
        std::ofstream(run("broken/config.json").toStdString()) << "{ not json";

        m_state.runFolder = m_root;
        m_page = std::make_unique<gui::RunsPage>(m_state);
        QSignalSpy listed(m_page.get(), &gui::RunsPage::listed);
        m_page->resize(950, 620);
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
        QVERIFY(!listed.isEmpty() || listed.wait(10000)); // may be done while it was exposed
    }

    void tableRowsAreTheRuns()
    {
        QStringList want;
        for (const auto& r : workflow::listRuns(m_root.toStdString()))
            want << QDir::cleanPath(QString::fromStdString(r.folder));
        QCOMPARE(m_page->runFolders(), want); // sorted by name, as the core lists them
        QCOMPARE(table()->rowCount(), 4);
        auto cell = [&](const char* folder, int column) {
            return table()->item(rowOf(folder), column)->text();
        };
        QCOMPARE(cell("ancestry", gui::RunsTable::Name), QString("ancestry"));
        QCOMPARE(cell("pipe/des-1", gui::RunsTable::Name), QString("pipe/des-1"));
        QCOMPARE(cell("pipe/des-1", gui::RunsTable::Kind), QString("des-net"));
        QCOMPARE(cell("ancestry", gui::RunsTable::Depth), QString("2"));
        QCOMPARE(cell("ancestry", gui::RunsTable::Epochs), QString("2 / 2"));
        QCOMPARE(cell("stopped", gui::RunsTable::Epochs), QString("1 / 2"));
        QCOMPARE(cell("ancestry", gui::RunsTable::State), QString("finished"));
        QCOMPARE(cell("stopped", gui::RunsTable::State), QString("stopped"));
        QCOMPARE(cell("broken", gui::RunsTable::State), QString("broken"));
        QVERIFY(table()
                    ->item(rowOf("broken"), gui::RunsTable::State)
                    ->toolTip()
                    .contains("config.json"));
        const auto* info = m_page->run(run("ancestry"));
        QVERIFY(info);
        QCOMPARE(cell("ancestry", gui::RunsTable::ValTop1),
                 QString::number(info->valTop1, 'f', 2));
        QCOMPARE(cell("ancestry", gui::RunsTable::TestTop1),
                 QString::number(info->testTop1, 'f', 2));
        QCOMPARE(cell("ancestry", gui::RunsTable::Parameters),
                 QString::number(
                     static_cast<double>(testing::fmnistTinyConfig(2).totalParams()) / 1e6, 'f', 3)
                     + " M");
        QVERIFY(m_page->watchedFolders().contains(QDir::cleanPath(m_root)));
        QVERIFY(m_page->watchedFolders().contains(run("pipe")));
        QVERIFY(m_page->errorText().isEmpty());
    }

    void sortsNumbersAsNumbers()
    {
        // A click on the header sorts by validation top-1; the broken run (no score) goes first.
        auto* header = table()->horizontalHeader();
        const int x = header->sectionViewportPosition(gui::RunsTable::ValTop1) + 10;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
        QCOMPARE(header->sortIndicatorSection(), int(gui::RunsTable::ValTop1));
        QVector<double> scores;
        for (const QString& f : m_page->runFolders())
            scores << (m_page->run(f)->epochsDone ? m_page->run(f)->valTop1 : -1.0);
        const bool ascending = header->sortIndicatorOrder() == Qt::AscendingOrder;
        for (int i = 1; i < scores.size(); ++i)
            QVERIFY(ascending ? scores[i - 1] <= scores[i] : scores[i - 1] >= scores[i]);
        table()->sortByColumn(gui::RunsTable::Name, Qt::AscendingOrder);
        QCOMPARE(m_page->runFolders().first(), run("ancestry"));
    }

    void addRunShowsTheRowWithoutAListing()
    {
        QTRY_VERIFY_WITH_TIMEOUT(!m_page->isListing(), 30000); // no listing from before the run
        QSignalSpy listed(m_page.get(), &gui::RunsPage::listed);
        QSignalSpy added(m_page.get(), &gui::RunsPage::runAdded);
        makeRun("late", 1, "finetune", 3);
        m_page->addRun(run("late")); // what the main window calls on another page's runFinished
        QVERIFY(m_page->isAdding()); // read in the background
        QVERIFY(added.wait(30000));
        QCOMPARE(added.first().at(1).toString(), QString());
        QCOMPARE(table()->rowCount(), 5);
        QVERIFY(m_page->run(run("late")));
        QCOMPARE(table()->item(rowOf("late"), gui::RunsTable::Kind)->text(), QString("fine-tune"));
        // The watcher's own refresh (the folder changed) comes, and keeps it.
        QVERIFY(listed.count() > 0 || listed.wait(30000));
        QTRY_VERIFY_WITH_TIMEOUT(!m_page->isListing(), 30000);
        QCOMPARE(table()->rowCount(), 5);
        QVERIFY(m_page->run(run("late")));
    }

    void watcherNoticesARunCopiedIn()
    {
        QSignalSpy listed(m_page.get(), &gui::RunsPage::listed);
        fs::copy(run("pipe/des-1").toStdString(), run("pipe/des-1-copy").toStdString());
        QTRY_VERIFY_WITH_TIMEOUT(m_page->run(run("pipe/des-1-copy")) != nullptr, 10000);
        QCOMPARE(table()->rowCount(), 6);
        QVERIFY(listed.count() >= 1);
    }

    void selectingTwoRowsPlotsTwoCurves()
    {
        clickRow("ancestry");
        clickRow("pipe/des-1", Qt::ControlModifier);
        QCOMPARE(m_page->selectedFolders(), (QStringList{run("ancestry"), run("pipe/des-1")}));
        QCustomPlot* top1 = m_page->top1Plot();
        QCustomPlot* loss = m_page->lossPlot();
        QCOMPARE(top1->graphCount(), 2);
        QCOMPARE(loss->graphCount(), 2);
        QCOMPARE(top1->graph(0)->dataCount(), 2); // ancestry: 2 epochs
        QCOMPARE(top1->graph(1)->dataCount(), 1); // des-1: 1 epoch
        QCOMPARE(loss->graph(0)->dataCount(), 2);
        QCOMPARE(top1->graph(0)->name(), QString("ancestry"));
        QCOMPARE(top1->graph(1)->name(), QString("pipe/des-1"));
        QVERIFY(top1->graph(0)->pen().color() != top1->graph(1)->pen().color());
        QCOMPARE(top1->graph(0)->pen().color(), loss->graph(0)->pen().color());
        QVERIFY(top1->legend->visible());
        const auto* ancestry = m_page->run(run("ancestry"));
        for (int i = 0; i < 2; ++i) {
            const auto point = top1->graph(0)->data()->at(i);
            QCOMPARE(point->key, double(i + 1));
            QCOMPARE(point->value, ancestry->curves[static_cast<size_t>(i)].valTop1);
            QCOMPARE(loss->graph(0)->data()->at(i)->value,
                     ancestry->curves[static_cast<size_t>(i)].trainLoss);
        }
        QVERIFY(!m_page->renameButton()->isEnabled()); // one run at a time
        QVERIFY(m_page->deleteButton()->isEnabled());
        if (qEnvironmentVariableIsSet("TLEG_SCREENSHOT_DIR")) { // for looking at it by hand
            QTest::qWait(50); // the plots replot queued; a picture only, nothing is checked
            m_page->grab().save(qEnvironmentVariable("TLEG_SCREENSHOT_DIR") + "/runs-page-2.png");
        }
        clickRow("ancestry");
        QCOMPARE(top1->graphCount(), 1);
        QVERIFY(m_page->renameButton()->isEnabled());
        if (qEnvironmentVariableIsSet("TLEG_SCREENSHOT_DIR")) { // for looking at it by hand
            QTest::qWait(50); // the plots replot queued; a picture only, nothing is checked
            m_page->grab().save(qEnvironmentVariable("TLEG_SCREENSHOT_DIR") + "/runs-page.png");
        }
    }

    /// Issue 19, Runs like TensorBoard: smoothing with the raw curve faint behind, log-scale
    /// loss, x by images seen or wall time, and a hover readout of every run at that x.
    void curvesSmoothLogAndTimeLikeTensorBoard()
    {
        clickRow("ancestry");
        clickRow("pipe/des-1", Qt::ControlModifier);
        QCustomPlot* top1 = m_page->top1Plot();
        QCustomPlot* loss = m_page->lossPlot();
        const auto* ancestry = m_page->run(run("ancestry"));
        QVector<double> raw;
        for (const auto& e : ancestry->curves)
            raw << e.trainLoss;

        m_page->smoothingSlider()->setValue(60);
        QCOMPARE(loss->graphCount(), 4); // a faint raw and a smoothed curve per run
        QCOMPARE(loss->legend->itemCount(), 2);
        const QVector<double> smooth = gui::smoothCurve(raw, 0.6);
        QVERIFY(std::abs(smooth.front() - raw.front()) < 1e-12); // debiased: the first is raw
        QVERIFY(std::abs(smooth[1] - (0.6 * 0.4 * raw[0] + 0.4 * raw[1]) / (1 - 0.36)) < 1e-9);
        QCOMPARE(loss->graph(1)->name(), QString("ancestry"));
        QCOMPARE(loss->graph(1)->data()->at(1)->value, smooth[1]);
        QCOMPARE(loss->graph(0)->data()->at(1)->value, raw[1]);
        QVERIFY(loss->graph(0)->pen().color().alpha() < 255);

        m_page->logLossBox()->setChecked(true);
        QCOMPARE(loss->yAxis->scaleType(), QCPAxis::stLogarithmic);
        QCOMPARE(top1->yAxis->scaleType(), QCPAxis::stLinear);
        QVERIFY(loss->yAxis->range().lower > 0);

        m_page->xAxisBox()->setCurrentIndex(2); // wall time
        QCOMPARE(loss->xAxis->label(), QString("wall time (min)"));
        const double minutes = (ancestry->curves[0].seconds + ancestry->curves[1].seconds) / 60;
        QCOMPARE(top1->graph(1)->data()->at(1)->key, minutes);
        m_page->xAxisBox()->setCurrentIndex(1); // images seen
        QCOMPARE(top1->xAxis->label(), QString("images seen"));
        QVERIFY(top1->graph(1)->data()->at(0)->key > 100); // the subset's 300 images per epoch

        m_page->xAxisBox()->setCurrentIndex(0);
        m_page->smoothingSlider()->setValue(0);
        m_page->logLossBox()->setChecked(false);
        QCOMPARE(loss->graphCount(), 2);
        const QString hover = gui::hoverText(top1, 1.05);
        QVERIFY2(hover.startsWith("epoch 1\n"), qPrintable(hover));
        QVERIFY2(hover.contains("ancestry: " + gui::formatNumber(ancestry->curves[0].valTop1, 2)),
                 qPrintable(hover));
        QVERIFY(hover.contains("pipe/des-1: "));
        QVERIFY(!gui::hoverText(top1, 2.0).contains("pipe/des-1")); // one epoch only
        QCOMPARE(gui::hoverText(top1, 40.0), QString());
    }

    void renameRenamesTheFolder()
    {
        clickRow("stopped");
        const auto naming = onModal<QInputDialog>([](QInputDialog* d) {
            QCOMPARE(d->textValue(), QString("stopped")); // proposes the current name
            d->setTextValue("stopped-lr2e-3");
            d->accept();
        });
        QTest::mouseClick(m_page->renameButton(), Qt::LeftButton);
        QVERIFY(naming.opened());
        QVERIFY(!QFileInfo::exists(run("stopped")));
        QVERIFY(QFileInfo::exists(run("stopped-lr2e-3/checkpoint.safetensors")));
        QVERIFY(!m_page->runFolders().contains(run("stopped")));
        QVERIFY(m_page->runFolders().contains(run("stopped-lr2e-3")));
        QCOMPARE(m_page->selectedFolders(), QStringList{run("stopped-lr2e-3")});
        QCOMPARE(m_page->run(run("stopped-lr2e-3"))->epochsDone, int64_t(1));

        // A name that is taken is refused and said so.
        QVERIFY(!m_page->renameRun(run("stopped-lr2e-3"), "ancestry"));
        QVERIFY(m_page->errorText().contains("already exists"));
        QVERIFY(QFileInfo::exists(run("stopped-lr2e-3")));
    }

    void deleteAsksThenRemovesTheFolder()
    {
        const int rows = table()->rowCount();
        clickRow("broken");
        const auto refusing =
            onModal<QMessageBox>([](QMessageBox* box) { box->button(QMessageBox::No)->click(); });
        QTest::mouseClick(m_page->deleteButton(), Qt::LeftButton);
        QVERIFY(refusing.opened());
        QVERIFY(QFileInfo::exists(run("broken")));
        QCOMPARE(table()->rowCount(), rows);

        QString asked;
        const auto confirming = onModal<QMessageBox>([&asked](QMessageBox* box) {
            asked = box->text();
            box->button(QMessageBox::Yes)->click();
        });
        QTest::mouseClick(m_page->deleteButton(), Qt::LeftButton);
        QVERIFY(confirming.opened());
        QVERIFY(asked.contains("broken"));
        QVERIFY(!QFileInfo::exists(run("broken")));
        QCOMPARE(table()->rowCount(), rows - 1);
        QVERIFY(!m_page->runFolders().contains(run("broken")));

        // A run folder holding something a run never writes is refused, and kept.
        std::ofstream(run("late/thesis.docx").toStdString()) << "mine";
        QVERIFY(!m_page->deleteRuns({run("late")}));
        QVERIFY(QFileInfo::exists(run("late/model.safetensors")));
        QVERIFY(m_page->errorText().contains("nothing deleted"));
        QVERIFY(m_page->runFolders().contains(run("late")));
    }

    void exportCsvWritesTheTable()
    {
        const QString path = m_dir.filePath("table.csv");
        const auto saving = onModal<QFileDialog>([this, path](QFileDialog* d) {
            QCOMPARE(d->selectedFiles().value(0), run("runs.csv")); // proposed: in the run folder
            auto* name = d->findChild<QLineEdit*>("fileNameEdit");  // typed, as a user would
            QVERIFY(name);
            name->setText(path);
            static_cast<QDialog*>(d)->accept(); // QFileDialog::accept, public in QDialog
        });
        QTest::mouseClick(m_page->exportButton(), Qt::LeftButton);
        QVERIFY(saving.opened());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + table()->rowCount());
        QCOMPARE(lines[0], QString("name,kind,depth,parameters,epochs_done,epochs_planned,"
                                   "val_top1,test_top1,selected_epoch,val_is_test,seconds,state,problem,folder,"
                                   "tags,notes"));
        const QStringList ancestry = lines[1].split(',');
        const auto* info = m_page->run(run("ancestry"));
        QCOMPARE(ancestry.value(0), QString("ancestry"));
        QCOMPARE(ancestry.value(1), QString("ancestry"));
        QCOMPARE(ancestry.value(2), QString("2"));
        QCOMPARE(ancestry.value(3).toLongLong(), testing::fmnistTinyConfig(2).totalParams());
        QCOMPARE(ancestry.value(4), QString("2"));
        QCOMPARE(ancestry.value(5), QString("2"));
        // Ten significant digits in the file.
        QVERIFY(qAbs(ancestry.value(6).toDouble() - info->valTop1) < 1e-6);
        QVERIFY(qAbs(ancestry.value(7).toDouble() - info->testTop1) < 1e-6);
        QCOMPARE(ancestry.value(8).toLongLong(), info->selectedEpoch);
        QCOMPARE(ancestry.value(9), QString("0"));
        QCOMPARE(ancestry.value(11), QString("finished"));
        QCOMPARE(ancestry.value(13), run("ancestry"));
        QVERIFY(
            lines.filter(QRegularExpression("^stopped-lr2e-3,scratch,2,.*,1,2,.*,stopped,")).size()
            == 1);
    }

    void refreshFollowsAnotherRunFolder()
    {
        QSignalSpy listed(m_page.get(), &gui::RunsPage::listed);
        m_state.runFolder = m_dir.filePath("empty");
        QTest::mouseClick(m_page->refreshButton(), Qt::LeftButton);
        QVERIFY(listed.wait(10000));
        QCOMPARE(table()->rowCount(), 0);
        QVERIFY(!m_page->exportButton()->isEnabled());
        QCOMPARE(m_page->top1Plot()->graphCount(), 0);
        m_state.runFolder = m_root;
        m_page->refresh();
        QVERIFY(listed.wait(10000));
        QCOMPARE(table()->rowCount(), 5); // broken was deleted, late and the copy came
    }

    /// The hostile run folders of issue 13 under the run folder: the listing ends (a FIFO named
    /// metrics.csv is never opened), each damaged run is a "broken" row whose problem, shown
    /// when it is selected, is one line naming its file; a folder that is no run is refused in
    /// one line; a good run beside them still plots.
    void everyKindOfBrokenRunIsOneLineAndThePageStaysUsable()
    {
        const QString root = m_dir.filePath("hostile-runs");
        const auto bad = testing::badRunFolders(root);
        const QString good = QDir(root).filePath("good");
        fs::copy(run("ancestry").toStdString(), good.toStdString(), fs::copy_options::recursive);
        m_state.runFolder = root;
        m_page->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!m_page->isListing() && m_page->run(good), 30000);
        QCOMPARE(m_page->runFolders().size(), int(bad.size())); // every one but not-a-run

        QVERIFY(!m_page->run(bad[0].path));
        QSignalSpy added(m_page.get(), &gui::RunsPage::runAdded);
        m_page->addRun(bad[0].path);
        QVERIFY(added.wait(30000));
        qInfo("%s: %s", qPrintable(bad[0].what), qPrintable(m_page->errorText()));
        QVERIFY2(testing::isOneLineNaming(m_page->errorText(), bad[0].path),
                 qPrintable(m_page->errorText()));

        for (size_t i = 1; i < bad.size(); ++i) {
            const workflow::RunInfo* r = m_page->run(bad[i].path);
            QVERIFY2(r, qPrintable(bad[i].what));
            QVERIFY2(r->state == workflow::RunState::Broken, qPrintable(bad[i].what));
            const int row = static_cast<int>(m_page->runFolders().indexOf(bad[i].path));
            QCOMPARE(table()->item(row, gui::RunsTable::State)->text(), QString("broken"));
            m_page->selectRuns({bad[i].path});
            const QString problem = m_page->problemText();
            qInfo("%s: %s", qPrintable(bad[i].what), qPrintable(problem));
            QVERIFY2(testing::isOneLineNaming(problem, bad[i].path),
                     qPrintable(bad[i].what + ": " + problem));
            QVERIFY2(problem.contains(QString::fromStdString(r->problem).section(':', 0, 0)),
                     qPrintable(problem)); // and the file in it
        }
        m_page->selectRuns({good});
        QCOMPARE(m_page->problemText(), QString());
        QCOMPARE(m_page->top1Plot()->graphCount(), 1);
        QCOMPARE(m_page->top1Plot()->graph(0)->dataCount(), 2);
        m_state.runFolder = m_root;
        m_page->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!m_page->isListing(), 30000);
    }

    /// The Differences tab: the settings that differ between the selected runs, one row each.
    void differencesListWhatDiffers()
    {
        for (const auto& [name, lr] : {std::pair{"lr-a", 0.001}, std::pair{"lr-b", 0.0005}}) {
            makeDirs(run(name).toStdString());
            const nlohmann::json config = {
                {"job", "train"},
                {"spec", {{"train", {{"lr", lr}, {"epochs", 3}}}, {"role", "scratch"}}}};
            std::ofstream(run(QString(name) + "/config.json").toStdString()) << config.dump();
            QSignalSpy added(m_page.get(), &gui::RunsPage::runAdded);
            m_page->addRun(run(name));
            QVERIFY(added.wait(10000));
        }
        m_page->selectRuns({run("lr-a"), run("lr-b")});
        QTableWidget* diff = m_page->differencesTable();
        QTRY_COMPARE_WITH_TIMEOUT(diff->rowCount(), 1, 10000);
        QCOMPARE(diff->horizontalHeaderItem(1)->text(), QString("lr-a"));
        QCOMPARE(diff->item(0, 0)->text(), QString("train.lr"));
        QCOMPARE(diff->item(0, 1)->text(), QString("0.001"));
        QCOMPARE(diff->item(0, 2)->text(), QString("0.0005"));
        // A run whose config.json cannot be read says so in its column.
        makeDirs(run("lr-broken").toStdString());
        std::ofstream(run("lr-broken/config.json").toStdString()) << "{ not json";
        QSignalSpy added(m_page.get(), &gui::RunsPage::runAdded);
        m_page->addRun(run("lr-broken"));
        QVERIFY(added.wait(10000));
        m_page->selectRuns({run("lr-a"), run("lr-broken")});
        QTRY_VERIFY_WITH_TIMEOUT(diff->columnCount() == 3 && diff->rowCount() > 1, 10000);
        bool said = false;
        for (int r = 0; r < diff->rowCount(); ++r)
            said |= diff->item(r, 2) && diff->item(r, 2)->text().contains("not valid JSON");
        QVERIFY(said);
        m_page->selectRuns({run("lr-a")});
        QCOMPARE(diff->rowCount(), 0);
        QVERIFY(diff->horizontalHeaderItem(0)->text().startsWith("Select two or more runs"));
    }
};

QTEST_MAIN(TestRunsPage)
#include "test_runs_page.moc"
