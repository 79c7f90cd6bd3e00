#include "widgets/plots/run_curves.h"

#include "widgets/appearance.h"
#include "widgets/plots/plot_export.h"
#include "widgets/plots/qcustomplot_include.h"
#include "widgets/text_format.h"

#include <QApplication>
#include <QMouseEvent>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace tleg::gui {

namespace {

/// Ten colours that stay apart from each other (matplotlib's tab10).
QColor runColour(int i)
{
    static const QColor colours[] = {
        {31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
        {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
    return colours[i % 10];
}

/// Ticks on whole epochs only, thinned to multiples when there are many (300 epochs).
QSharedPointer<QCPAxisTicker> epochTicker()
{
    QSharedPointer<QCPAxisTickerFixed> ticks(new QCPAxisTickerFixed);
    ticks->setTickStep(1.0);
    ticks->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    return ticks;
}

} // namespace

void setupRunPlot(QCustomPlot* plot, const QString& title, const QString& yLabel)
{
    plot->setMinimumHeight(200);
    plot->plotLayout()->insertRow(0);
    QFont bold = plot->font();
    bold.setBold(true);
    auto* titleElement = new QCPTextElement(plot, title, bold);
    titleElement->setObjectName("runPlotTitle");
    plot->plotLayout()->addElement(0, 0, titleElement);
    labelRunPlot(plot, title, yLabel);
    plot->xAxis->setTicker(epochTicker());
    plot->xAxis->setRange(0.5, 2.5);
    plot->legend->setVisible(false);
    QFont legendFont = plot->font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.85);
    plot->legend->setFont(legendFont);
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    installPlotExport(plot);
}

void labelRunPlot(QCustomPlot* plot, const QString& title, const QString& yLabel)
{
    if (auto* element = qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0)))
        element->setText(title);
    plot->xAxis->setLabel(
        runCurveXLabel(static_cast<RunCurveOptions::X>(plot->property("tlegRunX").toInt())));
    plot->yAxis->setLabel(yLabel);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

QVector<double> smoothCurve(const QVector<double>& values, double w)
{
    QVector<double> out;
    out.reserve(values.size());
    double last = 0, weight = 1;
    for (const double v : values) {
        last = last * w + (1 - w) * v;
        weight *= w;
        out << (w > 0 ? last / (1 - weight) : v);
    }
    return out;
}

QString runCurveXLabel(RunCurveOptions::X x)
{
    switch (x) {
    case RunCurveOptions::X::Images:
        return QCoreApplication::translate("tleg::gui::RunCurves", "images seen");
    case RunCurveOptions::X::WallTime:
        return QCoreApplication::translate("tleg::gui::RunCurves", "wall time (min)");
    default:
        return QCoreApplication::translate("tleg::gui::RunCurves", "epoch");
    }
}

namespace {

/// The run's x values: epochs, cumulative images or cumulative minutes.
QVector<double> runXs(const workflow::RunInfo& run, RunCurveOptions::X x)
{
    QVector<double> out;
    double images = 0, seconds = 0;
    for (const auto& e : run.curves) {
        images += e.imagesPerSecond * e.seconds;
        seconds += e.seconds;
        out << (x == RunCurveOptions::X::Images     ? images
                : x == RunCurveOptions::X::WallTime ? seconds / 60.0
                                                    : static_cast<double>(e.epoch));
    }
    return out;
}

/// One run's curve on a plot: the raw one faint (not in the legend) under the smoothed one.
void addCurve(QCustomPlot* plot, const QString& label, const QColor& colour,
              const QVector<double>& xs, const QVector<double>& values, double smoothing)
{
    if (smoothing > 0) {
        QCPGraph* raw = plot->addGraph();
        QColor faint = colour;
        faint.setAlpha(70);
        raw->setPen(QPen(faint, 1.5));
        raw->setData(xs, values, true);
        raw->removeFromLegend();
        raw->setProperty("tlegRaw", true);
    }
    QCPGraph* g = plot->addGraph();
    g->setName(label);
    g->setPen(QPen(colour, 2));
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, 5)); // one epoch: a dot
    g->setData(xs, smoothing > 0 ? smoothCurve(values, smoothing) : values, true);
}

/// Axes for the options: whole epochs or plain numbers on x, log or linear loss.
void fitAxes(QCustomPlot* plot, const RunCurveOptions& o, bool isLoss, double maxX)
{
    if (o.x == RunCurveOptions::X::Epoch) {
        plot->xAxis->setTicker(epochTicker());
    } else {
        plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    }
    plot->setProperty("tlegRunX", static_cast<int>(o.x)); // for labelRunPlot
    plot->xAxis->setLabel(runCurveXLabel(o.x));
    const bool log = isLoss && o.logLoss;
    plot->yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    plot->yAxis->setTicker(log ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog)
                               : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    plot->legend->setVisible(plot->graphCount() > 0);
    if (plot->graphCount() > 0) {
        plot->rescaleAxes();
        const QCPRange y = plot->yAxis->range();
        if (log) {
            plot->yAxis->setRange(y.lower / 1.25, y.upper * 1.25);
        } else {
            const double pad = std::max(1e-3, 0.08 * y.size());
            // A loss is never negative: the axis does not go below zero for the padding.
            const double lower = isLoss && y.lower >= 0 ? std::max(0.0, y.lower - pad) : y.lower - pad;
            plot->yAxis->setRange(lower, y.upper + pad);
        }
    }
    if (o.x == RunCurveOptions::X::Epoch)
        plot->xAxis->setRange(0.5, std::max(2.0, maxX) + 0.5);
    else if (plot->graphCount() > 0)
        plot->xAxis->setRange(0, maxX > 0 ? maxX * 1.04 : 1.0); // the last point off the edge
}

} // namespace

void drawRunCurves(QCustomPlot* top1Plot, QCustomPlot* lossPlot, const std::vector<RunCurve>& runs,
                   const RunCurveOptions& options)
{
    for (auto* plot : {top1Plot, lossPlot})
        plot->clearGraphs();
    double maxX = 0;
    int i = 0;
    for (const RunCurve& c : runs) {
        QVector<double> top1, loss;
        for (const auto& e : c.run->curves) {
            top1 << e.valTop1;
            loss << e.trainLoss;
        }
        const QVector<double> xs = runXs(*c.run, options.x);
        for (const double x : xs)
            maxX = std::max(maxX, x);
        const QColor colour = runColour(i++);
        addCurve(top1Plot, c.label, colour, xs, top1, options.smoothing);
        addCurve(lossPlot, c.label, colour, xs, loss, options.smoothing);
    }
    fitAxes(top1Plot, options, false, maxX);
    fitAxes(lossPlot, options, true, maxX);
    for (auto* plot : {top1Plot, lossPlot})
        themePlot(plot, QApplication::palette()); // the new curves in the palette's colours
}

QString hoverText(const QCustomPlot* plot, double key)
{
    QStringList lines;
    double shownKey = 0;
    const double reach = 0.05 * plot->xAxis->range().size();
    for (int g = 0; g < plot->graphCount(); ++g) {
        const QCPGraph* graph = plot->graph(g);
        if (graph->property("tlegRaw").toBool() || graph->data()->isEmpty())
            continue;
        auto it = graph->data()->findBegin(key, true);
        auto next = it + 1 != graph->data()->constEnd() ? it + 1 : it;
        if (std::abs(next->key - key) < std::abs(it->key - key))
            it = next;
        if (std::abs(it->key - key) > reach)
            continue;
        if (lines.isEmpty())
            shownKey = it->key;
        const int decimals = std::abs(it->value) < 10 ? 4 : 2;
        lines << QStringLiteral("%1: %2").arg(graph->name(), formatNumber(it->value, decimals));
    }
    if (lines.isEmpty())
        return {};
    const bool whole = shownKey == std::floor(shownKey) && shownKey < 1e6;
    lines.prepend(QStringLiteral("%1 %2").arg(plot->xAxis->label(),
                                             whole ? QString::number(shownKey, 'f', 0)
                                                   : formatNumber(shownKey, 2)));
    return lines.join(QLatin1Char('\n'));
}

void installHoverReadout(QCustomPlot* plot)
{
    plot->setMouseTracking(true);
    QObject::connect(plot, &QCustomPlot::mouseMove, plot, [plot](QMouseEvent* e) {
        const QString text = hoverText(plot, plot->xAxis->pixelToCoord(e->pos().x()));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(e->globalPosition().toPoint(), text, plot);
    });
}

} // namespace tleg::gui
