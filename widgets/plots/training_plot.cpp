#include "widgets/plots/training_plot.h"

#include <QVBoxLayout>
#include <qcustomplot.h>

namespace tleg::gui {

TrainingPlot::TrainingPlot(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setMinimumHeight(220);

    m_raw = m_plot->addGraph();
    m_raw->setName(tr("loss"));
    m_raw->setPen(QPen(QColor(31, 119, 180, 70), 1));
    m_smooth = m_plot->addGraph();
    m_smooth->setName(tr("loss (smoothed)"));
    m_smooth->setPen(QPen(QColor(31, 119, 180), 2.5));
    m_top1 = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2);
    m_top1->setName(tr("val top-1 %"));
    m_top1->setPen(QPen(QColor(214, 39, 40), 2));
    m_top1->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));

    m_plot->xAxis->setLabel(tr("step"));
    m_plot->yAxis->setLabel(tr("loss"));
    m_plot->yAxis2->setLabel(tr("top-1 (%)"));
    m_plot->yAxis2->setVisible(true);
    m_plot->yAxis2->setRange(0, 100);
    m_plot->legend->setVisible(true);
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
}

void TrainingPlot::clear()
{
    for (auto* g : {m_raw, m_smooth, m_top1})
        g->data()->clear();
    m_haveEma = false;
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingPlot::addLoss(double step, double loss)
{
    // An exponential moving average shows the trend through batch noise.
    m_ema = m_haveEma ? 0.95 * m_ema + 0.05 * loss : loss;
    m_haveEma = true;
    m_raw->addData(step, loss);
    m_smooth->addData(step, m_ema);
    m_plot->xAxis->setRange(0, std::max(1.0, step));
    bool found = false;
    const QCPRange range = m_raw->data()->valueRange(found);
    if (found)
        m_plot->yAxis->setRange(0, range.upper * 1.05);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingPlot::addAccuracy(double step, double top1)
{
    m_top1->addData(step, top1);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int TrainingPlot::lossPoints() const
{
    return m_raw->data()->size();
}

int TrainingPlot::accuracyPoints() const
{
    return m_top1->data()->size();
}

} // namespace tleg::gui
