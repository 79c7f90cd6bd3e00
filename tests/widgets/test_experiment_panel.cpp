// The Experiments tab of the Runs page in a real window (offscreen) over the real core, the real
// worker thread and the real Fashion-MNIST: the smoke preset of an experiment with 2 seeds runs
// from the Run button and shows its tables and plots; running it again takes every model from
// the cache (no model trains again); Stop ends the experiment within the batch in flight; a run
// is refused while another job runs; choosing an experiment shows what an earlier run left in its
// folder.

#include <torch/torch.h>

#include "experiments/experiment.h"
#include "job_probe.h"
#include "widgets/main_window.h"
#include "widgets/pages/experiment_panel.h"
#include "widgets/pages/runs_page.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextFrame>
#include <QTextTable>
#include <QtTest>

#include <thread>

using namespace tleg;

namespace {

// The experiment run twice (its smoke preset is among the fastest); the one stopped.
const QString kExperiment = QStringLiteral("storage");
const QString kStopped = QStringLiteral("modules");
constexpr int kRunTimeoutMs = 20 * 60 * 1000; // a loaded 2-core machine

/// The cells of every Markdown table in markdown, header rows included, emphasis removed.
QList<QList<QStringList>> markdownTables(const QString& markdown)
{
    QList<QList<QStringList>> tables;
    bool inTable = false;
    for (const QString& raw : markdown.split(QLatin1Char('\n'))) {
        const QString line = raw.trimmed();
        if (!line.startsWith(QLatin1Char('|'))) {
            inTable = false;
            continue;
        }
        if (line.contains(QLatin1String("---")))
            continue; // the alignment row is not rendered
        if (!inTable)
            tables.append(QList<QStringList>());
        inTable = true;
        QStringList cells = line.mid(1, line.size() - 2).split(QLatin1Char('|'));
        for (QString& cell : cells)
            cell = cell.remove(QLatin1Char('*')).remove(QLatin1Char('`')).trimmed();
        tables.last().append(cells);
    }
    return tables;
}

/// The cells of every table in doc, as the user sees them.
QList<QList<QStringList>> renderedTables(QTextDocument* doc)
{
    QList<QList<QStringList>> tables;
    for (QTextFrame* frame : doc->rootFrame()->childFrames()) {
        auto* table = qobject_cast<QTextTable*>(frame);
        if (!table)
            continue;
        QList<QStringList> rows;
        for (int r = 0; r < table->rows(); ++r) {
            QStringList cells;
            for (int c = 0; c < table->columns(); ++c) {
                const QTextTableCell cell = table->cellAt(r, c);
                QTextCursor cursor = cell.firstCursorPosition();
                cursor.setPosition(cell.lastCursorPosition().position(), QTextCursor::KeepAnchor);
                cells << cursor.selectedText().trimmed();
            }
            rows << cells;
        }
        tables << rows;
    }
    return tables;
}

int imagesIn(QTextDocument* doc)
{
    int images = 0;
    for (QTextBlock block = doc->begin(); block.isValid(); block = block.next())
        for (auto it = block.begin(); !it.atEnd(); ++it)
            if (it.fragment().charFormat().isImageFormat())
                ++images;
    return images;
}

} // namespace

class TestExperimentPanel : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<gui::MainWindow> m_window;
    qint64 m_firstRunMs = 0;      // for the log only
    int64_t m_firstRunModels = 0; // trained or cached by the first run

    gui::ExperimentPanel* panel() const { return m_window->runsPage()->experimentPanel(); }

    /// Clicks Run and waits for the experiment to end; false when it did not start or end.
    bool runToEnd()
    {
        QSignalSpy ended(panel(), &gui::ExperimentPanel::experimentEnded);
        QElapsedTimer timer; // for the log only
        timer.start();
        QTest::mouseClick(panel()->runButton(), Qt::LeftButton);
        if (!panel()->isRunning() || !ended.wait(kRunTimeoutMs))
            return false;
        qInfo("again, from the cache: %lld ms (first %lld ms; not checked)",
              static_cast<long long>(timer.elapsed()), static_cast<long long>(m_firstRunMs));
        return true;
    }

    void checkShowsResults(const QString& folder)
    {
        QCOMPARE(panel()->shownFolder(), QDir(folder).absolutePath());
        QFile file(QDir(folder).filePath("results.md"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto expected = markdownTables(QString::fromUtf8(file.readAll()));
        QVERIFY(!expected.isEmpty());
        QTextDocument* doc = panel()->resultsView()->document();
        QCOMPARE(renderedTables(doc), expected); // every row and cell, in order
        QVERIFY(!panel()->plotFiles().isEmpty());
        QCOMPARE(imagesIn(doc), panel()->plotFiles().size());
        for (const QString& plot : panel()->plotFiles()) {
            QVERIFY(QFileInfo(plot).isFile());
            QVERIFY(!doc->resource(QTextDocument::ImageResource, QUrl(QFileInfo(plot).fileName()))
                         .value<QImage>()
                         .isNull());
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        gui::Settings settings;
        settings.runFolder = m_dir.filePath("runs");
        m_window = std::make_unique<gui::MainWindow>(gui::AppState{}, settings);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->showPage(5);
        QVERIFY(panel());
        m_window->runsPage()->tabs()->setCurrentWidget(panel());
    }

    void listsEveryExperiment()
    {
        const auto& list = experiments::experimentList();
        QCOMPARE(panel()->experimentBox()->count(), static_cast<int>(list.size()));
        QCOMPARE(panel()->preset(), QString("quick"));
        QCOMPARE(panel()->seedsBox()->value(), 3);
        QCOMPARE(panel()->root(), QDir(m_dir.filePath("runs")).filePath("experiments"));
        QVERIFY(panel()->selectExperiment(kExperiment));
        QVERIFY(!panel()->selectExperiment("no-such-experiment"));
        const auto& info = experiments::experimentInfo(kExperiment.toStdString());
        const auto* description = panel()->findChild<QLabel*>("experimentDescription");
        QVERIFY(description->text().contains(QString::fromStdString(info.paperRef)));
        QVERIFY(description->text().contains(QString::fromStdString(info.title).toHtmlEscaped()));
        // Nothing has run yet: a note, no plots, no folder to open.
        QVERIFY(panel()->shownFolder().isEmpty());
        QVERIFY(panel()->plotFiles().isEmpty());
        QVERIFY(!panel()->openButton()->isEnabled());
        QVERIFY(!panel()->stopButton()->isEnabled());
    }

    void smokeRunShowsTablesAndPlots()
    {
        QVERIFY(panel()->selectExperiment(kExperiment));
        panel()->setPreset("smoke");
        panel()->seedsBox()->setValue(2);
        const QString folder = panel()->folder();
        QCOMPARE(folder, QDir(panel()->root()).filePath(kExperiment + "-smoke"));
        m_window->clearLog();

        QSignalSpy ended(panel(), &gui::ExperimentPanel::experimentEnded);
        QElapsedTimer timer; // for the log only
        timer.start();
        QTest::mouseClick(panel()->runButton(), Qt::LeftButton);
        QVERIFY(panel()->isRunning());
        QVERIFY(!panel()->runButton()->isEnabled());
        QVERIFY(panel()->stopButton()->isEnabled());
        QVERIFY(!panel()->experimentBox()->isEnabled());
        QVERIFY(ended.wait(kRunTimeoutMs));
        m_firstRunMs = timer.elapsed();
        qInfo("%s smoke, 2 seeds: %lld ms", qPrintable(kExperiment),
              static_cast<long long>(m_firstRunMs));

        QCOMPARE(ended.first().at(1).toBool(), false);
        const auto& r = panel()->lastResult();
        QCOMPARE(QDir(QString::fromStdString(r.folder)).absolutePath(),
                 QDir(folder).absolutePath());
        QVERIFY(!r.stopped);
        QVERIFY(r.trainedRuns > 0);
        m_firstRunModels = r.trainedRuns + r.cachedRuns;
        QVERIFY2(panel()->statusText().contains("Finished"), qPrintable(panel()->statusText()));
        checkShowsResults(folder);
        QVERIFY(panel()->runButton()->isEnabled());
        QVERIFY(!panel()->stopButton()->isEnabled());
        QVERIFY(panel()->openButton()->isEnabled());
        // The stages went to the log dock; the status bar says the job finished.
        const QString log = m_window->logView()->toPlainText();
        QVERIFY(log.contains("started: experiment " + kExperiment));
        QVERIFY(log.contains("finished: experiment " + kExperiment));
        QVERIFY(log.count(QLatin1Char('\n')) >= 3);
        if (qEnvironmentVariableIsSet("TLEG_SCREENSHOT_DIR")) // for looking at it by hand
            m_window->grab().save(qEnvironmentVariable("TLEG_SCREENSHOT_DIR")
                                  + "/experiment-panel.png");
    }

    void secondRunTakesEveryModelFromTheCache()
    {
        QVERIFY(m_firstRunModels > 0);
        // No model trains again: not a single training step is reported (counts, not time).
        QSignalSpy progressed(&m_window->runner(), &gui::JobRunner::progressed);
        QVERIFY(runToEnd());
        const auto& r = panel()->lastResult();
        QVERIFY(!r.stopped);
        QCOMPARE(r.trainedRuns, int64_t(0));
        QCOMPARE(r.cachedRuns, m_firstRunModels); // every model of the first run
        QCOMPARE(progressed.count(), 0);
        QVERIFY(panel()->statusText().contains("taken from the cache"));
        checkShowsResults(panel()->folder());
    }

    void runIsRefusedWhileAnotherJobRuns()
    {
        gui::JobRunner& runner = m_window->runner();
        QSignalSpy finished(&runner, &gui::JobRunner::finished);
        QVERIFY(runner.start("busy", [](gui::JobContext& ctx) {
            while (!ctx.stopRequested())
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }));
        QVERIFY(!panel()->runButton()->isEnabled());
        QVERIFY(!panel()->run());
        QVERIFY(!panel()->isRunning());
        QVERIFY(panel()->statusText().contains("Another job is running (busy)"));
        runner.requestStop();
        QVERIFY(finished.wait(30000));
        QVERIFY(panel()->runButton()->isEnabled());
        QVERIFY(panel()->lastResult().cachedRuns > 0); // the refused run left the last one alone
    }

    void stopEndsTheExperimentWithinABatch()
    {
        QVERIFY(panel()->selectExperiment(kStopped));
        panel()->setPreset("smoke");
        panel()->seedsBox()->setValue(2);
        QSignalSpy progressed(&m_window->runner(), &gui::JobRunner::progressed);
        QSignalSpy ended(panel(), &gui::ExperimentPanel::experimentEnded);
        testing::JobProbe probe(m_window->runner());
        QTest::mouseClick(panel()->runButton(), Qt::LeftButton);
        QVERIFY(panel()->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(progressed.size() > 3, 120000); // a model is training
        QVERIFY(ended.isEmpty());
        QElapsedTimer timer; // for the log only
        timer.start();
        QTest::mouseClick(panel()->stopButton(), Qt::LeftButton); // requestStop() inside
        probe.markStopped();
        QVERIFY(ended.wait(30000));
        qInfo("stop answered in %lld ms (not checked); %d report(s) after it",
              static_cast<long long>(timer.elapsed()), probe.reportsAfterStop());
        // Counted by the job as it reported: after Stop at most the batch in flight reported;
        // no further model started training.
        QVERIFY2(probe.reportsAfterStop() <= 1,
                 qPrintable(QString::number(probe.reportsAfterStop())));
        QCOMPARE(ended.first().at(1).toBool(), true);
        QVERIFY(panel()->lastResult().stopped);
        QVERIFY(panel()->statusText().contains("Stopped"));
        QVERIFY(!panel()->isRunning());
        QVERIFY(panel()->runButton()->isEnabled());
        QVERIFY(panel()->experimentBox()->isEnabled());
    }

    void choosingAnExperimentShowsItsEarlierResults()
    {
        // A new window over the same run folder: nothing is remembered but the folder.
        gui::Settings settings;
        settings.runFolder = m_dir.filePath("runs");
        m_window = std::make_unique<gui::MainWindow>(gui::AppState{}, settings);
        m_window->show();
        QCOMPARE(panel()->preset(), QString("quick"));
        QVERIFY(panel()->selectExperiment(kExperiment));
        QVERIFY(panel()->shownFolder().isEmpty()); // quick never ran
        panel()->setPreset("smoke");
        checkShowsResults(panel()->folder());
        QVERIFY(panel()->openButton()->isEnabled());
        panel()->setPreset("full"); // never ran
        QVERIFY(panel()->shownFolder().isEmpty());
        QVERIFY(panel()->plotFiles().isEmpty());
        QVERIFY(panel()->resultsView()->toPlainText().contains("No results"));
        panel()->setPreset("smoke");
        checkShowsResults(panel()->folder());
    }
};

QTEST_MAIN(TestExperimentPanel)
#include "test_experiment_panel.moc"
