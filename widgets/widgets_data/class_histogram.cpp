#include "widgets/widgets_data/class_histogram.h"

#include "widgets/plots/qcustomplot_include.h"

#include <algorithm>

namespace tleg::gui {

QString className(const data::Dataset& d, int64_t c)
{
    return c < static_cast<int64_t>(d.classNames.size())
               ? QString::fromStdString(d.classNames[static_cast<size_t>(c)])
               : QString::number(c);
}

void setupClassHistogram(QCustomPlot* plot)
{
    plot->setMinimumHeight(180);
    plot->yAxis->setLabel(QCoreApplication::translate("tleg::gui::DataPage", "images"));
    // The legend in a row of its own above the bars, so that it never hides one.
    plot->legend->setVisible(true);
    plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, plot->legend);
    plot->plotLayout()->setRowStretchFactor(0, 0.001);
    plot->legend->setMargins(QMargins(4, 2, 4, 2));
    plot->legend->setBorderPen(Qt::NoPen); // it spans the width: a frame would look empty
    auto* group = new QCPBarsGroup(plot);
    auto* trainBars = new QCPBars(plot->xAxis, plot->yAxis);
    trainBars->setName(QCoreApplication::translate("tleg::gui::DataPage", "train"));
    trainBars->setPen(QPen(QColor(31, 119, 180)));
    trainBars->setBrush(QColor(31, 119, 180, 160));
    auto* testBars = new QCPBars(plot->xAxis, plot->yAxis);
    testBars->setName(QCoreApplication::translate("tleg::gui::DataPage", "test"));
    testBars->setPen(QPen(QColor(255, 127, 14)));
    testBars->setBrush(QColor(255, 127, 14, 160));
    for (auto* bars : {trainBars, testBars}) {
        bars->setWidth(0.4);
        bars->setBarsGroup(group);
    }
}

namespace {

void setClassTicks(QCustomPlot* plot, const data::Dataset& train)
{
    if (train.numClasses <= 20) {
        QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
        for (int64_t c = 0; c < train.numClasses; ++c)
            ticker->addTick(static_cast<double>(c), className(train, c));
        plot->xAxis->setTicker(ticker);
        plot->xAxis->setTickLabelRotation(train.numClasses > 5 ? 35 : 0);
    } else {
        QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        plot->xAxis->setTicker(ticker);
        plot->xAxis->setTickLabelRotation(0);
    }
}

} // namespace

void showClassCounts(QCustomPlot* plot, const data::DataSplit* split)
{
    auto* trainBars = static_cast<QCPBars*>(plot->plottable(0));
    auto* testBars = static_cast<QCPBars*>(plot->plottable(1));
    if (!split) {
        trainBars->data()->clear();
        testBars->data()->clear();
        plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const auto& train = split->train;
    const torch::Tensor trainCounts = train.classCounts().to(torch::kDouble);
    const torch::Tensor testCounts = split->test.classCounts().to(torch::kDouble);
    QVector<double> keys, trainValues, testValues;
    double top = 1;
    for (int64_t c = 0; c < train.numClasses; ++c) {
        keys << static_cast<double>(c);
        trainValues << trainCounts[c].item<double>();
        testValues << (c < testCounts.size(0) ? testCounts[c].item<double>() : 0.0);
        top = std::max({top, trainValues.back(), testValues.back()});
    }
    trainBars->setData(keys, trainValues, true);
    testBars->setData(keys, testValues, true);
    setClassTicks(plot, train);
    plot->xAxis->setRange(-0.6, static_cast<double>(train.numClasses) - 0.4);
    plot->yAxis->setRange(0, top * 1.08);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

QString classHistogramCsv(QCustomPlot* plot, const data::DataSplit* split)
{
    QString csv = QStringLiteral("class,name,train,test\n");
    if (!split)
        return csv;
    const auto* trainBars = static_cast<const QCPBars*>(plot->plottable(0));
    const auto* testBars = static_cast<const QCPBars*>(plot->plottable(1));
    for (int i = 0; i < trainBars->data()->size(); ++i) {
        const auto c = static_cast<int64_t>(trainBars->data()->at(i)->key);
        QString name = className(split->train, c);
        name.replace('"', QStringLiteral("\"\""));
        csv += QStringLiteral("%1,\"%2\",%3,%4\n")
                   .arg(c)
                   .arg(name)
                   .arg(trainBars->data()->at(i)->value)
                   .arg(testBars->data()->at(i)->value);
    }
    return csv;
}

} // namespace tleg::gui
