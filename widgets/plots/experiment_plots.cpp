#include "widgets/plots/experiment_plots.h"

#include "widgets/appearance.h"
#include "widgets/plots/plot_export.h"
#include "widgets/plots/qcustomplot_include.h"
#include "widgets/text_format.h"

#include <QApplication>
#include <QMouseEvent>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tleg::gui {

namespace {

using experiments::Chart;
using experiments::Series;

/// matplotlib's tab10, as the Runs page's curves and the PNGs (the dark theme lightens them).
QColor chartColour(size_t i)
{
    static const QColor colours[] = {
        {31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
        {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
    return colours[i % 10];
}

double errorOf(const Series& s, size_t i)
{
    return i < s.err.size() && std::isfinite(s.err[i]) ? s.err[i] : 0.0;
}

/// Where series s of n draws its bar in category c (1-based categories, bars side by side).
double barKey(size_t c, size_t s, size_t n)
{
    const double width = 0.8 / static_cast<double>(n);
    return static_cast<double>(c + 1) + (static_cast<double>(s) - (n - 1) / 2.0) * width;
}

/// ± std under a graph or bars, in their colour (not in the legend).
void addErrorBars(QCustomPlot* plot, QCPAbstractPlottable* on, const Series& s, const QColor& c)
{
    QVector<double> err;
    bool any = false;
    for (size_t i = 0; i < s.y.size(); ++i) {
        err << errorOf(s, i);
        any = any || err.back() > 0;
    }
    if (!any)
        return;
    auto* bars = new QCPErrorBars(plot->xAxis, plot->yAxis);
    bars->removeFromLegend();
    bars->setDataPlottable(on);
    bars->setData(err);
    bars->setPen(QPen(c, 1.5));
    bars->setWhiskerWidth(8);
}

void addTitle(QCustomPlot* plot, const QString& title)
{
    plot->plotLayout()->insertRow(0);
    QFont bold = plot->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.1);
    auto* element = new QCPTextElement(plot, title, bold);
    element->setObjectName("experimentChartTitle");
    plot->plotLayout()->addElement(0, 0, element);
}

void drawLines(QCustomPlot* plot, const Chart& chart)
{
    for (size_t s = 0; s < chart.series.size(); ++s) {
        const Series& series = chart.series[s];
        const QColor colour = chartColour(s);
        QCPGraph* g = plot->addGraph();
        g->setName(QString::fromStdString(series.name));
        g->setPen(QPen(colour, 2));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, 7));
        const size_t n = std::min(series.x.size(), series.y.size());
        g->setData(QVector<double>(series.x.begin(), series.x.begin() + n),
                   QVector<double>(series.y.begin(), series.y.begin() + n));
        addErrorBars(plot, g, series, colour);
    }
    if (chart.wholeX) {
        QSharedPointer<QCPAxisTickerFixed> ticks(new QCPAxisTickerFixed);
        ticks->setTickStep(1.0); // depths and layers are whole numbers: no tick at 1.5
        ticks->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        plot->xAxis->setTicker(ticks);
        plot->xAxis->setSubTicks(false);
    }
}

void drawBars(QCustomPlot* plot, const Chart& chart)
{
    const size_t n = chart.series.size();
    for (size_t s = 0; s < n; ++s) {
        const Series& series = chart.series[s];
        const QColor colour = chartColour(s);
        auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
        bars->setName(QString::fromStdString(series.name));
        bars->setWidth(0.8 / static_cast<double>(n) * 0.9);
        bars->setPen(QPen(colour.darker(130)));
        bars->setBrush(colour);
        QVector<double> keys, values;
        for (size_t c = 0; c < chart.categories.size() && c < series.y.size(); ++c) {
            keys << barKey(c, s, n);
            values << series.y[c];
        }
        bars->setData(keys, values, true);
        addErrorBars(plot, bars, series, colour);
    }
    QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
    for (size_t c = 0; c < chart.categories.size(); ++c)
        ticks->addTick(static_cast<double>(c + 1), QString::fromStdString(chart.categories[c]));
    plot->xAxis->setTicker(ticks);
    plot->xAxis->setTickLabelRotation(chart.categories.size() > 4 ? 30 : 0);
    plot->xAxis->grid()->setVisible(false);
}

/// Axes around every value and its error bar; bars start at zero.
void fitAxes(QCustomPlot* plot, const Chart& chart)
{
    const bool bars = !chart.categories.empty();
    double ylo = std::numeric_limits<double>::infinity(), yhi = -ylo, xlo = ylo, xhi = -ylo;
    for (const Series& s : chart.series)
        for (size_t i = 0; i < s.y.size(); ++i) {
            if (!std::isfinite(s.y[i]))
                continue;
            ylo = std::min(ylo, s.y[i] - errorOf(s, i));
            yhi = std::max(yhi, s.y[i] + errorOf(s, i));
            if (!bars && i < s.x.size()) {
                xlo = std::min(xlo, s.x[i]);
                xhi = std::max(xhi, s.x[i]);
            }
        }
    if (ylo > yhi)
        ylo = 0, yhi = 1;
    if (bars && ylo >= 0)
        ylo = 0;
    const double pad = std::max(1e-9, 0.08 * (yhi - ylo));
    // Room above the bars for the legend of several series.
    const double top = bars && chart.series.size() > 1 ? 3 * pad : pad;
    plot->yAxis->setRange(bars && ylo == 0 ? 0.0 : ylo - pad, yhi + top);
    if (bars) {
        plot->xAxis->setRange(0.4, static_cast<double>(chart.categories.size()) + 0.6);
    } else if (xlo <= xhi) {
        const double xpad = chart.wholeX || xhi == xlo ? 0.5 : 0.05 * (xhi - xlo);
        plot->xAxis->setRange(xlo - xpad, xhi + xpad);
    }
}

} // namespace

void drawExperimentChart(QCustomPlot* plot, const experiments::Chart& chart)
{
    plot->setMinimumHeight(220);
    addTitle(plot, QString::fromStdString(chart.title));
    plot->xAxis->setLabel(QString::fromStdString(chart.xLabel));
    plot->yAxis->setLabel(QString::fromStdString(chart.yLabel));
    if (chart.categories.empty())
        drawLines(plot, chart);
    else
        drawBars(plot, chart);
    fitAxes(plot, chart);
    plot->legend->setVisible(chart.series.size() > 1);
    installPlotExport(plot, [chart] { return experimentChartCsv(chart); });
    plot->setMouseTracking(true);
    QObject::connect(plot, &QCustomPlot::mouseMove, plot, [plot, chart](QMouseEvent* e) {
        const QString text =
            experimentHoverText(plot, chart, plot->xAxis->pixelToCoord(e->pos().x()));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(e->globalPosition().toPoint(), text, plot);
    });
    themePlot(plot, QApplication::palette()); // the series in the palette's colours
}

QString experimentHoverText(const QCustomPlot* plot, const experiments::Chart& chart, double x)
{
    const bool bars = !chart.categories.empty();
    // The category, or the x value of a point, nearest to x (within 5 % of the axis for points).
    double best = std::numeric_limits<double>::infinity(), at = 0;
    if (bars) {
        at = std::round(x);
        if (at < 1 || at > static_cast<double>(chart.categories.size()))
            return {};
    } else {
        for (const Series& s : chart.series)
            for (const double v : s.x)
                if (std::abs(v - x) < best) {
                    best = std::abs(v - x);
                    at = v;
                }
        if (!(best <= 0.05 * plot->xAxis->range().size()))
            return {};
    }
    QStringList lines;
    lines << (bars ? QString::fromStdString(chart.categories[static_cast<size_t>(at) - 1])
                   : QStringLiteral("%1 %2").arg(QString::fromStdString(chart.xLabel),
                                                 chart.wholeX ? QString::number(at, 'f', 0)
                                                              : formatNumber(at, 2)));
    for (const Series& s : chart.series)
        for (size_t i = 0; i < s.y.size(); ++i) {
            const bool here = bars ? i + 1 == static_cast<size_t>(at) : i < s.x.size() && s.x[i] == at;
            if (!here)
                continue;
            const int decimals = std::abs(s.y[i]) < 10 ? 3 : 2;
            QString line = QStringLiteral("%1: %2").arg(QString::fromStdString(s.name),
                                                        formatNumber(s.y[i], decimals));
            if (errorOf(s, i) > 0)
                line += QStringLiteral(" ± %1").arg(formatNumber(errorOf(s, i), decimals));
            lines << line;
        }
    return lines.size() > 1 ? lines.join(QLatin1Char('\n')) : QString();
}

QString experimentChartCsv(const experiments::Chart& chart)
{
    const bool bars = !chart.categories.empty();
    auto quoted = [](const std::string& s) {
        return QStringLiteral("\"%1\"").arg(QString::fromStdString(s).replace('"', "\"\""));
    };
    QString csv = QStringLiteral("series,%1,y,std\n").arg(bars ? "category" : "x");
    for (const Series& s : chart.series)
        for (size_t i = 0; i < s.y.size(); ++i) {
            const QString key = bars ? (i < chart.categories.size() ? quoted(chart.categories[i])
                                                                    : QString())
                                     : (i < s.x.size() ? QString::number(s.x[i], 'g', 10)
                                                       : QString());
            csv += QStringLiteral("%1,%2,%3,%4\n")
                       .arg(quoted(s.name), key, QString::number(s.y[i], 'g', 10),
                            QString::number(errorOf(s, i), 'g', 10));
        }
    return csv;
}

} // namespace tleg::gui
