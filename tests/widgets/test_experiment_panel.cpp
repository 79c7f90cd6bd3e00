// The Experiments tab of the Runs page in a real window (offscreen) over the real core, the real
// worker thread and the real Fashion-MNIST: the smoke preset of an experiment with 2 seeds runs
// from the Run button and shows its tables and its plots, drawn interactively from the data
// (charts.json: a graph per series, a point per value, whole-number depth ticks, hover, export,
// the dark theme); running it again takes every model from
// the cache (no model trains again); Stop ends the experiment within the batch in flight; a run
// is refused while another job runs; choosing an experiment shows what an earlier run left in its
// folder.

#include <torch/torch.h>

#include "experiments/chart.h"
#include "experiments/experiment.h"
#include "job_probe.h"
#include "util/files.h"
#include "widgets/appearance.h"
#include "widgets/plots/experiment_plots.h"
#include "widgets/plots/plot_export.h"
#include "widgets/plots/qcustomplot_include.h"
#include "widgets/main_window.h"
#include "widgets/pages/experiment_panel.h"
#include "widgets/pages/runs_page.h"

#include <QCheckBox>
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

#include <cmath>
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

    /// The plots drawn from folder/charts.json: one per chart, in its order, each with a graph
    /// (or bars) per series holding exactly its values, and ticks on whole numbers only on depth
    /// and layer axes.
    void checkShowsCharts(const QString& folder)
    {
        const auto charts = experiments::readCharts(folder.toStdString());
        QVERIFY(!charts.empty());
        const QList<QCustomPlot*> plots = panel()->chartPlots();
        QCOMPARE(plots.size(), static_cast<int>(charts.size()));
        QVERIFY(!panel()->chartTabs()->isHidden());
        for (size_t c = 0; c < charts.size(); ++c) {
            const experiments::Chart& chart = charts[c].second;
            QCustomPlot* plot = plots[static_cast<int>(c)];
            panel()->chartTabs()->setCurrentWidget(plot);
            // Shown at a size that reads: the plots share the panel with the tables.
            if (panel()->isVisible())
                QTRY_VERIFY_WITH_TIMEOUT(plot->isVisible() && plot->width() >= 400
                                             && plot->height() >= 220
                                             && panel()->chartTabs()->height() >= 250,
                                         30000);
            QCOMPARE(panel()->chartTabs()->tabText(static_cast<int>(c)).remove('&'),
                     QString::fromStdString(chart.title));
            QCOMPARE(plot->xAxis->label(), QString::fromStdString(chart.xLabel));
            QCOMPARE(plot->yAxis->label(), QString::fromStdString(chart.yLabel));
            QList<QCPAbstractPlottable*> series; // graphs or bars; the error bars aside
            for (int i = 0; i < plot->plottableCount(); ++i)
                if (!qobject_cast<QCPErrorBars*>(plot->plottable(i)))
                    series << plot->plottable(i);
            QCOMPARE(series.size(), static_cast<int>(chart.series.size()));
            for (size_t s = 0; s < chart.series.size(); ++s) {
                const experiments::Series& data = chart.series[s];
                auto* one = dynamic_cast<QCPPlottableInterface1D*>(series[static_cast<int>(s)]);
                QVERIFY(one);
                QCOMPARE(series[static_cast<int>(s)]->name(), QString::fromStdString(data.name));
                QCOMPARE(one->dataCount(), static_cast<int>(data.y.size()));
                for (int i = 0; i < one->dataCount(); ++i) {
                    QCOMPARE(one->dataMainValue(i), data.y[static_cast<size_t>(i)]);
                    if (chart.categories.empty())
                        QCOMPARE(one->dataMainKey(i), data.x[static_cast<size_t>(i)]);
                }
            }
            plot->replot();
            const QVector<double> ticks = plot->xAxis->tickVector();
            QVERIFY(!ticks.isEmpty());
            if (chart.wholeX)
                for (const double t : ticks)
                    QVERIFY2(t == std::round(t), qPrintable(QString::number(t)));
        }
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
        if (QFileInfo::exists(QDir(folder).filePath("charts.json"))) {
            // Drawn from the data, not the PNGs: no image in the text.
            QCOMPARE(imagesIn(doc), 0);
            QVERIFY(panel()->plotFiles().isEmpty());
            checkShowsCharts(folder);
            return;
        }
        QVERIFY(panel()->chartPlots().isEmpty());
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
        // The released recipe (issue 18) runs into a folder of its own.
        auto* released = panel()->findChild<QCheckBox*>("experimentReleasedRecipe");
        QVERIFY(released && !released->isChecked());
        QCOMPARE(panel()->recipe(), std::string("tleg"));
        const QString plain = panel()->folder();
        released->setChecked(true);
        QCOMPARE(panel()->recipe(), std::string("released"));
        QCOMPARE(panel()->folder(), plain + "-released");
        released->setChecked(false);
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

    /// A result folder written by hand: its charts are drawn from their data (lines with error
    /// bars and whole-number depth ticks, grouped bars by category), with a hover readout, CSV
    /// export and the dark theme's colours; a folder without charts.json shows its PNGs.
    void drawsEveryChartFromItsData()
    {
        const QString folder = QDir(m_dir.path()).filePath("by-hand");
        QVERIFY(QDir().mkpath(folder));
        experiments::Chart lines{"Top-1 against depth", "Des-Net depth (blocks)", "top-1 (%)"};
        lines.wholeX = true;
        lines.series.push_back({"TLEG", {2, 4, 6}, {81.5, 83.0, 84.25}, {0.3, 0.2, 0.4}});
        lines.series.push_back({"Scratch", {2, 4, 6}, {70.0, 74.5, 76.0}, {}});
        experiments::Chart bars{"Top-1 by module", "expanded", "top-1 (%)"};
        bars.categories = {"MSA", "MLP", "MSA+MLP+LN"};
        bars.series.push_back({"top-1", {}, {60.0, 62.5, 65.0}, {1.0, 0.5, 0.25}});
        bars.series.push_back({"Scratch", {}, {55.0, 55.0, 55.0}, {}});
        const std::vector<std::pair<std::string, experiments::Chart>> charts = {
            {"top1_vs_depth.png", lines}, {"top1_by_module.png", bars}};
        writeTextAtomic(QDir(folder).filePath("charts.json").toStdString(),
                        experiments::chartsJson(charts));
        writeTextAtomic(QDir(folder).filePath("results.md").toStdString(),
                        "# By hand\n\n| Depth | TLEG |\n|---|---:|\n| 2 | 81.50 |\n\n"
                        "![Top-1 against depth](top1_vs_depth.png)\n"
                        "![Top-1 by module](top1_by_module.png)\n");
        QVERIFY(panel()->showResults(folder));
        checkShowsResults(folder);
        QVERIFY(!panel()->resultsView()->toPlainText().contains("png"));

        QCustomPlot* depth = panel()->chartPlots().at(0);
        panel()->chartTabs()->setCurrentWidget(depth);
        depth->replot();
        if (qEnvironmentVariableIsSet("TLEG_SCREENSHOT_DIR")) // for looking at it by hand
            m_window->grab().save(qEnvironmentVariable("TLEG_SCREENSHOT_DIR")
                                  + "/experiment-charts.png");
        QCOMPARE(depth->xAxis->tickVector(), (QVector<double>{2, 3, 4, 5, 6}));
        QCOMPARE(depth->xAxis->range().lower, 1.5);
        QCOMPARE(depth->xAxis->range().upper, 6.5);
        QVERIFY(depth->legend->visible());
        const QString hover = gui::experimentHoverText(depth, lines, 4.1);
        QVERIFY2(hover.contains("Des-Net depth (blocks) 4"), qPrintable(hover));
        QVERIFY2(hover.contains("TLEG: 83.00 ± 0.20"), qPrintable(hover));
        QVERIFY2(hover.contains("Scratch: 74.50"), qPrintable(hover));
        QVERIFY(!hover.contains("Scratch: 74.50 ±"));
        QCOMPARE(gui::experimentHoverText(depth, lines, 5.0), QString()); // no point near

        QCustomPlot* modules = panel()->chartPlots().at(1);
        panel()->chartTabs()->setCurrentWidget(modules);
        modules->replot();
        const auto labels = qSharedPointerDynamicCast<QCPAxisTickerText>(modules->xAxis->ticker());
        QVERIFY(labels);
        QCOMPARE(labels->ticks().value(3), QString("MSA+MLP+LN"));
        QCOMPARE(modules->yAxis->range().lower, 0.0); // bars start at zero
        QVERIFY(gui::experimentHoverText(modules, bars, 2.2).contains("top-1: 62.50 ± 0.50"));

        // Exported as the chart's data (the right-click menu's CSV) and as a picture.
        const QStringList rows = gui::experimentChartCsv(bars).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 1 + 6);
        QCOMPARE(rows.at(0), QString("series,category,y,std"));
        QCOMPARE(rows.at(3), QString("\"top-1\",\"MSA+MLP+LN\",65,0.25"));
        const QString png = QDir(m_dir.path()).filePath("modules.png");
        gui::exportPlot(modules, png);
        QVERIFY(!QImage(png).isNull());

        // The dark theme lightens the series, and the light one brings the colours back.
        const QColor light = depth->graph(0)->pen().color();
        gui::applyTheme(true, m_window.get());
        QVERIFY(depth->graph(0)->pen().color().lightnessF() >= 0.6);
        if (qEnvironmentVariableIsSet("TLEG_SCREENSHOT_DIR")) { // for looking at it by hand
            QTRY_COMPARE_WITH_TIMEOUT(m_window->palette().color(QPalette::Window),
                                      gui::darkPalette().color(QPalette::Window), 30000);
            m_window->grab().save(qEnvironmentVariable("TLEG_SCREENSHOT_DIR")
                                  + "/experiment-charts-dark.png");
        }
        QVERIFY(depth->graph(0)->pen().color() != light);
        QCOMPARE(depth->xAxis->tickLabelColor(), gui::darkPalette().color(QPalette::WindowText));
        gui::applyTheme(false, m_window.get());
        QCOMPARE(depth->graph(0)->pen().color(), light);

        // Results from before charts.json: the PNGs, as before.
        const QString old = QDir(m_dir.path()).filePath("old");
        QVERIFY(QDir().mkpath(old));
        experiments::savePng(lines, QDir(old).filePath("top1_vs_depth.png").toStdString());
        writeTextAtomic(QDir(old).filePath("results.md").toStdString(),
                        "| Depth | TLEG |\n|---|---:|\n| 2 | 81.50 |\n\n"
                        "![Top-1 against depth](top1_vs_depth.png)\n");
        QVERIFY(panel()->showResults(old));
        QVERIFY(panel()->chartPlots().isEmpty());
        QVERIFY(panel()->chartTabs()->isHidden());
        QCOMPARE(panel()->plotFiles().size(), 1);
        QCOMPARE(imagesIn(panel()->resultsView()->document()), 1);
        panel()->reload();
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
        QVERIFY(QFileInfo::exists(QDir(folder).filePath("charts.json")));
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
