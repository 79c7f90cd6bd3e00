// "Run again" on the Runs page of the real main window (offscreen), with the real JobRunner and
// real Fashion-MNIST: a tiny run trained through the workflow (fp32, one thread, augmentation off,
// 300 training images) is selected and run again by clicking the button. The job reports its
// progress in the status bar and its lines in the log; when it has ended the new run is in the
// table, and its metrics.csv equals the old one in every column except the timings, to the last
// digit. A run whose config.json records no job (written before the workflow layer) gets
// readRunRecord's clear error from the button and from the table's context menu alike.
#include <torch/torch.h>

#include "../core/tiny_models.h"
#include "gui_fixture.h"
#include "model/des_net.h"
#include "util/files.h"
#include "widgets/appearance.h"
#include "widgets/main_window.h"
#include "widgets/pages/runs_page.h"
#include "workflow/jobs.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace tleg;

namespace {

/// metrics.csv as rows of named fields.
QList<QMap<QString, QString>> readMetrics(const QString& runFolder)
{
    QFile f(QDir(runFolder).filePath("metrics.csv"));
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
    QList<QMap<QString, QString>> rows;
    const QStringList header = lines.value(0).split(',');
    for (int i = 1; i < lines.size(); ++i) {
        const QStringList fields = lines[i].split(',');
        QMap<QString, QString> row;
        for (int c = 0; c < header.size(); ++c)
            row.insert(header[c], fields.value(c));
        rows << row;
    }
    return rows;
}

} // namespace

class TestRunAgain : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_run, m_old;
    std::unique_ptr<gui::MainWindow> m_window;

    gui::RunsPage* page() const { return m_window->runsPage(); }

    void select(const QString& folder)
    {
        page()->selectRuns({folder});
        QCOMPARE(page()->selectedFolders().size(), 1);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        gui::setupStyle(*qobject_cast<QApplication*>(QCoreApplication::instance()));
        const QString runs = m_dir.filePath("runs");

        // A tiny ancestry through the workflow: its config.json records the job and the data.
        train::TrainOptions o = testing::fastRunOptions("", 2, "ancestry");
        o.threads = 1;
        o.augment = false;
        o.bf16 = false;
        o.provenance = nlohmann::json::object();
        auto spec = workflow::TrainSpec::ancestry(testing::fashionMnistSubsetSpec(300, 100),
                                                  testing::fmnistTinyConfig(2), o);
        m_run = QDir(runs).filePath("ancestry");
        spec.out = m_run.toStdString();
        const auto outcome = workflow::runTrain(spec);
        QVERIFY(!outcome.stopped());

        // A run made below the workflow: metrics and a model, but no job in its config.json.
        const auto data = testing::fashionMnistSubset(300, 100);
        m_old = QDir(runs).filePath("old");
        model::ViT net = model::scratch(testing::fmnistTinyConfig(1), 0);
        train::train(*net, data->train, data->test,
                     testing::fastRunOptions(m_old.toStdString(), 1, "ancestry"));

        gui::AppState state;
        testing::useFashionMnistSubset(state, 300, 100);
        gui::Settings settings;
        settings.runFolder = runs;
        settings.threads = 1;
        settings.bf16 = false;
        m_window = std::make_unique<gui::MainWindow>(state, settings);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->showPage(5);
        QTRY_VERIFY_WITH_TIMEOUT(!page()->isListing(), 30000);
        QCOMPARE(page()->runFolders().size(), 2);
    }

    void runAgainGivesTheSameMetrics()
    {
        select(m_run);
        QVERIFY(page()->runAgainButton()->isVisible());
        QVERIFY(page()->runAgainButton()->isEnabled());
        QVERIFY(page()->runAgainAction()->isEnabled());

        // What the status bar says while the job reports progress (read right after the window's
        // own handler has updated it).
        auto* status = m_window->findChild<QLabel*>("statusLabel");
        QVERIFY(status);
        QStringList statusDuringProgress;
        QSignalSpy progressed(&m_window->runner(), &gui::JobRunner::progressed);
        QSignalSpy finished(&m_window->runner(), &gui::JobRunner::finished);
        connect(&m_window->runner(), &gui::JobRunner::progressed, this,
                [&] { statusDuringProgress << status->text(); });

        QTest::mouseClick(page()->runAgainButton(), Qt::LeftButton);
        QVERIFY(m_window->runner().isRunning());
        QVERIFY(page()->isRunningAgain());
        QVERIFY(m_window->progressBar()->isVisible());
        QVERIFY(!page()->runAgainButton()->isEnabled()); // one job at a time
        QVERIFY(finished.wait(300000));
        QCOMPARE(finished.first().at(2).toString(), QString()); // no error
        QCOMPARE(finished.first().at(1).toBool(), false);       // not stopped

        const QString again = QDir(m_dir.filePath("runs")).filePath("ancestry-rerun");
        QCOMPARE(page()->lastRerunFolder(), again);
        QTRY_VERIFY_WITH_TIMEOUT(page()->runFolders().contains(again), 30000);
        QVERIFY(!page()->isRunningAgain());
        QVERIFY(page()->run(again)->state == workflow::RunState::Finished);
        // The old and the new run are selected: their curves overlay.
        QCOMPARE(page()->selectedFolders().size(), 2);

        // Progress reached the status bar and the workflow's lines the log.
        QVERIFY(!progressed.isEmpty());
        QVERIFY(!statusDuringProgress.isEmpty());
        QVERIFY2(statusDuringProgress.last().startsWith("run again ancestry-rerun — epoch"),
                 qPrintable(statusDuringProgress.last()));
        const QString log = m_window->logView()->toPlainText();
        QVERIFY2(log.contains("started: run again ancestry-rerun"), qPrintable(log));
        QVERIFY2(log.contains("ancestry: depth 2, width 32"), qPrintable(log));
        QVERIFY(status->text().startsWith("finished: run again ancestry-rerun"));

        // fp32, one thread, the same spec and seed: the same numbers, timings aside.
        const auto before = readMetrics(m_run), after = readMetrics(again);
        QCOMPARE(before.size(), 2);
        QCOMPARE(after.size(), before.size());
        for (int e = 0; e < before.size(); ++e) {
            QCOMPARE(after[e].keys(), before[e].keys());
            for (const QString& column : before[e].keys())
                if (column != "seconds" && column != "images_per_second")
                    QCOMPARE(after[e].value(column), before[e].value(column));
        }
    }

    void aRunWithoutAJobRecordSaysSo()
    {
        select(m_old);
        QVERIFY(page()->runAgainButton()->isEnabled()); // finished: worth a try
        QSignalSpy started(&m_window->runner(), &gui::JobRunner::started);
        QTest::mouseClick(page()->runAgainButton(), Qt::LeftButton);
        QVERIFY(!m_window->runner().isRunning());
        QCOMPARE(started.count(), 0);
        const QString error = page()->errorText();
        QVERIFY2(error.contains("config.json") && error.contains("records no job"),
                 qPrintable(error));

        // The table's context menu holds the same action, with the same answer.
        QVERIFY(page()->table()->actions().contains(page()->runAgainAction()));
        QCOMPARE(page()->table()->contextMenuPolicy(), Qt::ActionsContextMenu);
        select(m_old);
        page()->runAgainAction()->trigger();
        QVERIFY(!m_window->runner().isRunning());
        QCOMPARE(started.count(), 0);
        QVERIFY(page()->errorText().contains("records no job"));
        QVERIFY(!QFileInfo::exists(m_old + "-rerun"));
    }
};

QTEST_MAIN(TestRunAgain)
#include "test_run_again.moc"
