#include "widgets/plots/run_curves.h"

#include "widgets/appearance.h"
#include "widgets/plots/plot_export.h"
#include "widgets/plots/qcustomplot_include.h"

#include <QApplication>

#include <algorithm>

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
    QSharedPointer<QCPAxisTickerFixed> epochTicks(new QCPAxisTickerFixed);
    epochTicks->setTickStep(1.0);
    epochTicks->setScaleStrategy(QCPAxisTickerFixed::ssMultiples); // readable at 300 epochs
    plot->xAxis->setTicker(epochTicks);
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
    plot->xAxis->setLabel(QCoreApplication::translate("tleg::gui::RunCurves", "epoch"));
    plot->yAxis->setLabel(yLabel);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

void drawRunCurves(QCustomPlot* top1Plot, QCustomPlot* lossPlot, const std::vector<RunCurve>& runs)
{
    for (auto* plot : {top1Plot, lossPlot})
        plot->clearGraphs();
    int64_t maxEpoch = 0;
    int i = 0;
    for (const RunCurve& c : runs) {
        QVector<double> epochs, top1, loss;
        for (const auto& e : c.run->curves) {
            epochs << static_cast<double>(e.epoch);
            top1 << e.valTop1;
            loss << e.trainLoss;
            maxEpoch = std::max(maxEpoch, e.epoch);
        }
        const QPen pen(runColour(i++), 2);
        const QCPScatterStyle dots(QCPScatterStyle::ssDisc, pen.color(), 5);
        for (auto [plot, values] : {std::pair{top1Plot, &top1}, std::pair{lossPlot, &loss}}) {
            QCPGraph* g = plot->addGraph();
            g->setName(c.label);
            g->setPen(pen);
            g->setScatterStyle(dots); // a one-epoch run is a single point
            g->setData(epochs, *values, true);
        }
    }
    for (auto* plot : {top1Plot, lossPlot}) {
        plot->legend->setVisible(plot->graphCount() > 0);
        if (plot->graphCount() > 0) {
            plot->rescaleAxes();
            const QCPRange y = plot->yAxis->range();
            const double pad = std::max(1e-3, 0.08 * y.size());
            plot->yAxis->setRange(y.lower - pad, y.upper + pad);
        }
        plot->xAxis->setRange(0.5, static_cast<double>(std::max<int64_t>(2, maxEpoch)) + 0.5);
        themePlot(plot, QApplication::palette()); // the new curves in the palette's colours
    }
}

} // namespace tleg::gui
