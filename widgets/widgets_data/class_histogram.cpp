#include "widgets/widgets_data/class_histogram.h"

#include "widgets/plots/qcustomplot_include.h"

#include <QFontMetrics>
#include <QtMath>

#include <algorithm>
#include <cmath>

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
    trainBars->setPen(QPen(QColor(31, 119, 180)));
    trainBars->setBrush(QColor(31, 119, 180, 160));
    auto* testBars = new QCPBars(plot->xAxis, plot->yAxis);
    testBars->setPen(QPen(QColor(255, 127, 14)));
    testBars->setBrush(QColor(255, 127, 14, 160));
    for (auto* bars : {trainBars, testBars}) {
        bars->setWidth(0.4);
        bars->setBarsGroup(group);
    }
    translateClassHistogram(plot);
}

void translateClassHistogram(QCustomPlot* plot)
{
    plot->yAxis->setLabel(QCoreApplication::translate("tleg::gui::DataPage", "images"));
    plot->plottable(0)->setName(QCoreApplication::translate("tleg::gui::DataPage", "train"));
    plot->plottable(1)->setName(QCoreApplication::translate("tleg::gui::DataPage", "test"));
    plot->replot(QCustomPlot::rpQueuedReplot);
}

namespace {

constexpr double kRotation = 35; // degrees, clockwise: labels hang down to the right of the tick

/// Room right of the axis rect for the last class name: QCustomPlot drops a tick label that
/// would cross the widget's edge rather than cutting it ("Ankle boot" at 1024 px wide).
int lastLabelRoom(const QCustomPlot* plot, const QString& label, double degrees)
{
    const QRect bounds = QFontMetrics(plot->xAxis->tickLabelFont())
                             .boundingRect(0, 0, 0, 0, Qt::TextDontClip | Qt::AlignHCenter, label);
    const double radians = qDegreesToRadians(degrees);
    // How far a label reaches right of its tick, as QCustomPlot places a rotated one; a few
    // pixels more for rounding and antialiasing.
    const double reach =
        degrees > 0 ? bounds.width() * std::cos(radians) + bounds.height() * std::sin(radians) / 2.0
                    : bounds.width() / 2.0;
    return static_cast<int>(std::ceil(reach)) + 6;
}

void setClassTicks(QCustomPlot* plot, const data::Dataset& train)
{
    if (train.numClasses <= 20) {
        QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
        for (int64_t c = 0; c < train.numClasses; ++c)
            ticker->addTick(static_cast<double>(c), className(train, c));
        plot->xAxis->setTicker(ticker);
        const double rotation = train.numClasses > 5 ? kRotation : 0;
        plot->xAxis->setTickLabelRotation(rotation);
        const QString last = className(train, train.numClasses - 1);
        plot->axisRect()->setMinimumMargins(QMargins(0, 0, lastLabelRoom(plot, last, rotation), 0));
    } else {
        QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        plot->xAxis->setTicker(ticker);
        plot->xAxis->setTickLabelRotation(0);
        plot->axisRect()->setMinimumMargins(QMargins());
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
