#include "widgets/plots/linearity_plots.h"

#include "widgets/text_format.h"

#include "widgets/plots/qcustomplot_include.h"
#include <QCoreApplication>
#include <QMouseEvent>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace tleg::gui {

/// The translation context of the strings below (lupdate reads LinearityPlots::tr).
class LinearityPlots {
    Q_DECLARE_TR_FUNCTIONS(LinearityPlots)
};

namespace {

QString csvField(QString s)
{
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"'))
        && !s.contains(QLatin1Char('\n')) && !s.contains(QLatin1Char('\r')))
        return s;
    s.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + s + QLatin1Char('"');
}

/// As the core's CSV writes numbers: 9 significant digits, "nan" when undefined.
QString number(double v)
{
    return std::isnan(v) ? QStringLiteral("nan") : QString::number(v, 'g', 9);
}

QFont smallFont(const QCustomPlot* plot)
{
    QFont f = plot->font();
    f.setPointSizeF(std::max(6.0, f.pointSizeF() - 1.5));
    return f;
}

void integerTicks(QCPAxis* axis)
{
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples); // readable at depth 24 and more
    axis->setTicker(ticker);
}

/// A range around [lo, hi] with a margin; a zero-width range gets some width.
QCPRange padded(double lo, double hi, double minSpan)
{
    double span = hi - lo;
    if (!(span >= minSpan)) {
        const double mid = 0.5 * (lo + hi);
        lo = mid - 0.5 * minSpan;
        hi = mid + 0.5 * minSpan;
        span = minSpan;
    }
    return QCPRange(lo - 0.06 * span, hi + 0.06 * span);
}

/// A colour map needs two cells to have a width: a single row or column is drawn as two
/// identical half cells around its centre.
struct Cells {
    int count;
    QCPRange range;
};
Cells cellsFor(int n)
{
    return n == 1 ? Cells{2, QCPRange(-0.25, 0.25)} : Cells{n, QCPRange(0, n - 1)};
}

QCPColorGradient r2Gradient()
{
    QCPColorGradient g;
    g.clearColorStops(); // viridis: ordered in lightness, readable for colour-blind viewers
    g.setColorStopAt(0.0, QColor(68, 1, 84));
    g.setColorStopAt(0.25, QColor(59, 82, 139));
    g.setColorStopAt(0.5, QColor(33, 145, 140));
    g.setColorStopAt(0.75, QColor(94, 201, 98));
    g.setColorStopAt(1.0, QColor(253, 231, 37));
    g.setNanHandling(QCPColorGradient::nhNanColor);
    g.setNanColor(QColor(215, 215, 215));
    return g;
}

void setRowsAndColumns(QCustomPlot* plot, const R2Grid& grid)
{
    QSharedPointer<QCPAxisTickerText> models(new QCPAxisTickerText);
    for (int m = 0; m < grid.labels.size(); ++m)
        models->addTick(m, grid.labels[m]);
    QSharedPointer<QCPAxisTickerText> kinds(new QCPAxisTickerText);
    for (size_t k = 0; k < grid.kinds.size(); ++k)
        kinds->addTick(double(k), kindDisplayName(grid.kinds[k]));
    plot->xAxis->setTicker(models);
    plot->yAxis->setTicker(kinds);
    plot->xAxis->setRange(-0.5, std::max<double>(0.5, grid.labels.size() - 0.5));
    plot->yAxis->setRange(-0.5, std::max<double>(0.5, double(grid.kinds.size()) - 0.5));
}

QString tickLabel(const QCPAxis* axis, int index)
{
    const auto ticker = qSharedPointerDynamicCast<QCPAxisTickerText>(axis->ticker());
    return ticker ? ticker->ticks().value(index) : QString();
}

} // namespace

QString kindDisplayName(const std::string& kind)
{
    return kind == analysis::kWholeBlock ? LinearityPlots::tr("whole block")
                                         : QString::fromStdString(kind);
}

QString r2Text(double r2)
{
    return std::isnan(r2) ? LinearityPlots::tr("n/a") : formatNumber(r2, 4);
}

// ---- PC1 against depth ----------------------------------------------------------------------

void labelPc1Plot(QCustomPlot* plot)
{
    plot->xAxis->setLabel(LinearityPlots::tr("layer l"));
    plot->yAxis->setLabel(LinearityPlots::tr("PC1 score"));
}

void setupPc1Plot(QCustomPlot* plot)
{
    labelPc1Plot(plot);
    integerTicks(plot->xAxis);
    plot->legend->setVisible(true);
    plot->legend->setFont(smallFont(plot));
    plot->legend->setBrush(QColor(255, 255, 255, 210));
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    plot->xAxis->setRange(0, 1);
    plot->yAxis->setRange(-1, 1);
}

void drawPc1(QCustomPlot* plot, const std::vector<LinearitySeries>& series)
{
    plot->clearGraphs();
    double lastLayer = 0, lo = 0, hi = 0;
    bool any = false;
    for (const auto& s : series) {
        if (!s.kind || s.kind->layers == 0)
            continue;
        const auto& k = *s.kind;
        QVector<double> keys, values;
        for (int64_t l = 0; l < k.layers; ++l) {
            keys << double(l + 1); // layer l counts from 1, as c_l on the Expand page
            values << k.pc1[size_t(l)];
            lo = any ? std::min(lo, values.back()) : values.back();
            hi = any ? std::max(hi, values.back()) : values.back();
            any = true;
        }
        lastLayer = std::max(lastLayer, double(k.layers));
        QCPGraph* points = plot->addGraph();
        points->setName(s.label);
        points->setPen(QPen(s.colour, 1.0));
        points->setLineStyle(QCPGraph::lsNone);
        points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, s.colour, s.colour, 7));
        points->setData(keys, values, true);
        if (std::isfinite(k.slope) && std::isfinite(k.intercept)) {
            QCPGraph* fit = plot->addGraph();
            fit->setName(LinearityPlots::tr("%1: fit, R² = %2").arg(s.label, r2Text(k.r2)));
            fit->setPen(QPen(s.colour, 1.5, Qt::DashLine));
            const double last = double(k.layers - 1); // the fit is over 0-based indices
            fit->setData(QVector<double>{1.0, last + 1},
                         QVector<double>{k.intercept, k.intercept + k.slope * last}, true);
            points->removeFromLegend(); // one entry per model: its colour, label and R²
        }
    }
    plot->xAxis->setRange(0.5, std::max(2.0, lastLayer) + 0.5);
    if (any)
        plot->yAxis->setRange(
            padded(lo, hi, std::max(1e-12, 1e-3 * std::max(std::abs(lo), std::abs(hi)))));
    else
        plot->yAxis->setRange(-1, 1);
    plot->legend->setVisible(any);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

namespace {
/// One row per layer of every series: model,kind,layer,block,pc1,<last> (last from value).
template <typename Value>
QString perLayerCsv(const std::vector<LinearitySeries>& series, const char* last, Value value)
{
    QString out = QStringLiteral("model,kind,layer,block,pc1,%1\n").arg(QLatin1String(last));
    for (const auto& s : series) {
        if (!s.kind)
            continue;
        const auto& k = *s.kind;
        for (int64_t l = 0; l < k.layers; ++l) {
            const size_t i = size_t(l);
            const int64_t block =
                s.model && i < s.model->blockIndices.size() ? s.model->blockIndices[i] : l;
            out += QStringLiteral("%1,%2,%3,%4,%5,%6\n")
                       .arg(csvField(s.path), QString::fromStdString(k.kind))
                       .arg(l + 1) // layer l from 1, as the plot and the Expand page count
                       .arg(block)
                       .arg(number(k.pc1[i]), number(value(k, l)));
        }
    }
    return out;
}
} // namespace

QString pc1Csv(const std::vector<LinearitySeries>& series)
{
    return perLayerCsv(series, "fit",
                       [](const auto& k, int64_t l) { return k.intercept + k.slope * double(l); });
}

// ---- PC1–PC2 trajectory ---------------------------------------------------------------------

void labelTrajectoryPlot(QCustomPlot* plot)
{
    plot->xAxis->setLabel(LinearityPlots::tr("PC1 score"));
    plot->yAxis->setLabel(LinearityPlots::tr("PC2 score"));
}

void setupTrajectoryPlot(QCustomPlot* plot)
{
    labelTrajectoryPlot(plot);
    plot->legend->setVisible(false);
    plot->legend->setFont(smallFont(plot));
    plot->legend->setBrush(QColor(255, 255, 255, 210));
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    plot->xAxis->setRange(-1, 1);
    plot->yAxis->setRange(-1, 1);
}

void drawTrajectory(QCustomPlot* plot, const std::vector<LinearitySeries>& series)
{
    plot->clearPlottables();
    double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
    bool any = false;
    const auto marker = [plot](const QString& name, QCPScatterStyle::ScatterShape shape,
                               const QColor& colour, double x, double y, bool inLegend) {
        QCPGraph* g = plot->addGraph();
        g->setName(name);
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(shape, colour.darker(130), colour, 11));
        if (!std::isnan(x))
            g->addData(x, y);
        if (!inLegend)
            g->removeFromLegend();
    };
    for (const auto& s : series) {
        if (!s.kind || s.kind->layers == 0)
            continue;
        const auto& k = *s.kind;
        auto* curve = new QCPCurve(plot->xAxis, plot->yAxis);
        curve->setName(s.label);
        curve->setPen(QPen(s.colour, 1.5));
        curve->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, s.colour, Qt::white, 6));
        for (int64_t l = 0; l < k.layers; ++l) {
            const double x = k.pc1[size_t(l)], y = k.pc2[size_t(l)];
            curve->addData(double(l), x, y);
            x0 = any ? std::min(x0, x) : x;
            x1 = any ? std::max(x1, x) : x;
            y0 = any ? std::min(y0, y) : y;
            y1 = any ? std::max(y1, y) : y;
            any = true;
        }
        const size_t last = size_t(k.layers - 1);
        marker(QString(), QCPScatterStyle::ssSquare, s.colour, k.pc1[0], k.pc2[0], false);
        marker(QString(), QCPScatterStyle::ssTriangle, s.colour, k.pc1[last], k.pc2[last], false);
    }
    if (any) { // legend entries that explain the two markers
        marker(LinearityPlots::tr("first layer"), QCPScatterStyle::ssSquare, Qt::gray, NAN, NAN,
               true);
        marker(LinearityPlots::tr("last layer"), QCPScatterStyle::ssTriangle, Qt::gray, NAN, NAN,
               true);
        // PC2 of an exactly linear model is rounding noise: keep it flat, not magnified.
        const double xSpan = std::max(x1 - x0, 1e-12);
        plot->xAxis->setRange(padded(x0, x1, xSpan));
        plot->yAxis->setRange(padded(y0, y1, 0.25 * xSpan));
    } else {
        plot->xAxis->setRange(-1, 1);
        plot->yAxis->setRange(-1, 1);
    }
    plot->legend->setVisible(any);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

QString trajectoryCsv(const std::vector<LinearitySeries>& series)
{
    return perLayerCsv(series, "pc2", [](const auto& k, int64_t l) { return k.pc2[size_t(l)]; });
}

// ---- R² heat map ----------------------------------------------------------------------------

void labelHeatmap(QCPColorMap* map)
{
    map->setName(LinearityPlots::tr("R²"));
    if (map->colorScale())
        map->colorScale()->axis()->setLabel(LinearityPlots::tr("R² of PC1 against depth"));
}

QCPColorMap* setupHeatmap(QCustomPlot* plot)
{
    auto* map = new QCPColorMap(plot->xAxis, plot->yAxis);
    map->setInterpolate(false);
    map->setTightBoundary(false);
    map->setGradient(r2Gradient());
    auto* scale = new QCPColorScale(plot);
    plot->plotLayout()->addElement(0, 1, scale);
    scale->setType(QCPAxis::atRight);
    scale->setBarWidth(12);
    map->setColorScale(scale);
    labelHeatmap(map);
    scale->setGradient(r2Gradient());
    scale->setDataRange(QCPRange(0, 1));
    map->setDataRange(QCPRange(0, 1));
    auto* margins = new QCPMarginGroup(plot);
    plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);

    plot->yAxis->setRangeReversed(true); // first kind on top, as in the table
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
        axis->grid()->setVisible(false);
        axis->setTickLength(0, 0);
        axis->setSubTicks(false);
    }
    plot->yAxis->setTickLabelFont(smallFont(plot));
    plot->xAxis->setTickLabelFont(smallFont(plot));
    setRowsAndColumns(plot, R2Grid{});

    // Hovering a cell names it: the printed value alone does not say which model it is.
    plot->setMouseTracking(true);
    QObject::connect(plot, &QCustomPlot::mouseMove, plot, [plot, map](QMouseEvent* event) {
        const double key = plot->xAxis->pixelToCoord(event->pos().x());
        const double value = plot->yAxis->pixelToCoord(event->pos().y());
        const int model = int(std::lround(key)), kind = int(std::lround(value));
        const QString modelName = tickLabel(plot->xAxis, model);
        const QString kindName = tickLabel(plot->yAxis, kind);
        if (modelName.isEmpty() || kindName.isEmpty() || map->data()->isEmpty()) {
            QToolTip::hideText();
            return;
        }
        const double r2 = map->data()->data(key, value);
        QToolTip::showText(
            event->globalPosition().toPoint(),
            LinearityPlots::tr("%1, %2: R² = %3").arg(modelName, kindName, r2Text(r2)), plot);
    });
    return map;
}

void drawHeatmap(QCustomPlot* plot, QCPColorMap* map, const R2Grid& grid)
{
    plot->clearItems();
    const int models = int(grid.labels.size()), kinds = int(grid.kinds.size());
    setRowsAndColumns(plot, grid);
    if (models == 0 || kinds == 0) {
        map->data()->clear();
        plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const Cells columns = cellsFor(models), rows = cellsFor(kinds);
    map->data()->setSize(columns.count, rows.count);
    map->data()->setRange(columns.range, rows.range);
    for (int c = 0; c < columns.count; ++c)
        for (int r = 0; r < rows.count; ++r)
            map->data()->setCell(c, r, grid.at(std::min(r, kinds - 1), std::min(c, models - 1)));
    map->setDataRange(QCPRange(0, 1));

    const QFont font = smallFont(plot);
    for (int k = 0; k < kinds; ++k) {
        for (int m = 0; m < models; ++m) {
            const double r2 = grid.at(k, m);
            auto* text = new QCPItemText(plot);
            text->setClipToAxisRect(true);
            text->position->setCoords(m, k);
            text->setPositionAlignment(Qt::AlignCenter);
            text->setFont(font);
            text->setText(r2Text(r2));
            // Light cells (high R²) get dark text and vice versa.
            text->setColor(std::isnan(r2) || r2 > 0.55 ? QColor(20, 20, 20) : Qt::white);
        }
    }
    plot->replot(QCustomPlot::rpQueuedReplot);
}

QString heatmapCsv(const R2Grid& grid)
{
    QString out = QStringLiteral("kind,model,r2\n");
    for (size_t k = 0; k < grid.kinds.size(); ++k)
        for (int m = 0; m < grid.paths.size(); ++m)
            out += QStringLiteral("%1,%2,%3\n")
                       .arg(QString::fromStdString(grid.kinds[k]), csvField(grid.paths[m]),
                            number(grid.at(int(k), m)));
    return out;
}

// ---- explained variance ---------------------------------------------------------------------

void labelVariancePlot(QCustomPlot* plot)
{
    plot->plottable(0)->setName(LinearityPlots::tr("explained variance"));
    QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
    ticks->addTick(1, LinearityPlots::tr("PC1"));
    ticks->addTick(2, LinearityPlots::tr("PC2"));
    ticks->addTick(3, LinearityPlots::tr("PC3 and later"));
    plot->xAxis->setTicker(ticks);
    plot->yAxis->setLabel(LinearityPlots::tr("explained variance (%)"));
}

void setupVariancePlot(QCustomPlot* plot)
{
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setWidth(0.6);
    bars->setPen(QPen(QColor(31, 119, 180).darker(130)));
    bars->setBrush(QColor(31, 119, 180));
    labelVariancePlot(plot);
    plot->xAxis->setRange(0.4, 3.6);
    plot->xAxis->grid()->setVisible(false);
    plot->xAxis->setLabel(LinearityPlots::tr("principal component"));
    plot->yAxis->setRange(0, 110);
}

void drawVariance(QCustomPlot* plot, const LinearitySeries* series)
{
    plot->clearItems();
    auto* bars = static_cast<QCPBars*>(plot->plottable(0));
    bars->data()->clear();
    const analysis::KindLinearity* k = series ? series->kind : nullptr;
    if (!k || std::isnan(k->explained1)) {
        plot->xAxis->setLabel(LinearityPlots::tr("principal component"));
        plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const double e2 = std::isnan(k->explained2) ? 0.0 : k->explained2;
    const double shares[3] = {k->explained1, e2, std::max(0.0, 1.0 - k->explained1 - e2)};
    bars->setBrush(series->colour);
    bars->setPen(QPen(series->colour.darker(130)));
    for (int i = 0; i < 3; ++i) {
        bars->addData(i + 1, 100.0 * shares[i]);
        auto* text = new QCPItemText(plot);
        text->position->setCoords(i + 1, 100.0 * shares[i]);
        text->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
        text->setFont(smallFont(plot));
        text->setText(formatNumber(100.0 * shares[i], 1));
    }
    plot->xAxis->setLabel(LinearityPlots::tr("principal components of %1 in %2")
                              .arg(kindDisplayName(k->kind), series->label));
    plot->replot(QCustomPlot::rpQueuedReplot);
}

QString varianceCsv(const LinearitySeries* series)
{
    QString out = QStringLiteral("model,kind,component,explained\n");
    if (!series || !series->kind)
        return out;
    const auto& k = *series->kind;
    const double e2 = std::isnan(k.explained2) ? 0.0 : k.explained2;
    const double rest = std::isnan(k.explained1) ? NAN : std::max(0.0, 1.0 - k.explained1 - e2);
    const QString prefix =
        csvField(series->path) + QLatin1Char(',') + QString::fromStdString(k.kind);
    out += prefix + QStringLiteral(",PC1,") + number(k.explained1) + QLatin1Char('\n');
    out += prefix + QStringLiteral(",PC2,") + number(k.explained2) + QLatin1Char('\n');
    out += prefix + QStringLiteral(",PC3+,") + number(rest) + QLatin1Char('\n');
    return out;
}

} // namespace tleg::gui
