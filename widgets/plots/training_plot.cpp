#include "widgets/plots/training_plot.h"

#include "widgets/appearance.h"
#include "widgets/plots/plot_export.h"

#include "widgets/plots/qcustomplot_include.h"
#include <QApplication>
#include <QEvent>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>
#include <limits>

namespace tleg::gui {

namespace {
/// 20 frames per second at most: enough to look live, and a replot of a few thousand points
/// (a few milliseconds) then costs the GUI thread a small fraction of its time.
constexpr int kReplotIntervalMs = 50;
} // namespace

TrainingPlot::TrainingPlot(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_replot(new QTimer(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setMinimumHeight(180); // the Expand page fits a 1024 × 700 window

    m_raw = m_plot->addGraph();
    m_raw->setPen(QPen(QColor(31, 119, 180, 70), 1));
    m_smooth = m_plot->addGraph();
    m_smooth->setPen(QPen(QColor(31, 119, 180), 2.5));
    m_top1 = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2);
    m_top1->setPen(QPen(QColor(214, 39, 40), 2));
    m_top1->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));
    m_texts.set([this] {
        m_raw->setName(tr("loss"));
        m_smooth->setName(tr("loss (smoothed)"));
        m_top1->setName(tr("val top-1 %"));
        m_plot->yAxis->setLabel(tr("loss"));
        m_plot->yAxis2->setLabel(tr("top-1 (%)"));
    });
    m_plot->xAxis->setLabel(tr("step"));
    m_plot->yAxis2->setVisible(true);
    m_plot->yAxis2->setRange(0, 100);
    m_plot->legend->setVisible(true);
    // Bottom left stays empty in training curves: the loss starts high, top-1 ends high.
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
    installPlotExport(m_plot);

    m_replot->setSingleShot(true);
    m_replot->setInterval(kReplotIntervalMs);
    connect(m_replot, &QTimer::timeout, this, [this] {
        if (isVisible()) // a hidden page replots when it is shown
            m_plot->replot();
    });
}

void TrainingPlot::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void TrainingPlot::retranslateUi()
{
    m_texts.retranslate();
    // The step axis is labelled under the learning-rate strip when there is one.
    m_plot->xAxis->setLabel(m_lrRect ? QString() : tr("step"));
    if (m_lrRect) {
        m_lrRect->axis(QCPAxis::atBottom)->setLabel(tr("step"));
        m_lrRect->axis(QCPAxis::atLeft)->setLabel(tr("learning rate"));
        m_lr->setName(tr("learning rate"));
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingPlot::scheduleReplot()
{
    if (!m_replot->isActive())
        m_replot->start();
}

void TrainingPlot::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    scheduleReplot();
}

void TrainingPlot::thin(QCPGraph* graph) const
{
    QVector<QCPGraphData> kept;
    kept.reserve(graph->data()->size() / 2 + 1);
    int i = 0;
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it, ++i)
        if (i % 2 == 0)
            kept.push_back(*it);
    graph->data()->set(kept, true);
}

void TrainingPlot::clear()
{
    for (auto* g : {m_raw, m_smooth, m_top1, m_lr})
        if (g)
            g->data()->clear();
    m_haveEma = false;
    m_ema = 0;
    m_lossMax = m_lrMax = m_lastStep = 0;
    m_lossCalls = m_lrCalls = 0;
    m_lossStride = m_lrStride = 1;
    m_plot->xAxis->setRange(0, 5);
    m_plot->yAxis->setRange(0, 5);
    scheduleReplot();
}

void TrainingPlot::dropAfter(double step)
{
    const double after = std::nextafter(step, std::numeric_limits<double>::infinity());
    for (auto* g : {m_raw, m_smooth, m_top1, m_lr})
        if (g)
            g->data()->removeAfter(after);
    m_haveEma = !m_smooth->data()->isEmpty();
    m_ema = m_haveEma ? (m_smooth->data()->constEnd() - 1)->value : 0.0;
    m_lastStep = m_raw->data()->isEmpty() ? 0.0 : (m_raw->data()->constEnd() - 1)->key;
    scheduleReplot();
}

void TrainingPlot::addLoss(double step, double loss, bool averaged)
{
    // An exponential moving average shows the trend through batch noise; an epoch's mean loss
    // (a run's history) is an average already and is drawn as it is.
    m_ema = averaged || !m_haveEma ? loss : 0.95 * m_ema + 0.05 * loss;
    m_haveEma = true;
    m_plot->xAxis->setRange(0, std::max(1.0, step * 1.02)); // the last epoch's marker stays visible
    if (m_lossCalls++ % m_lossStride == 0) {
        m_raw->addData(step, loss);
        m_smooth->addData(step, m_ema);
        m_lastStep = step;
        if (std::isfinite(loss))
            m_lossMax = std::max(m_lossMax, loss);
        if (m_raw->data()->size() > m_maxPoints) {
            thin(m_raw);
            thin(m_smooth);
            m_lossStride *= 2;
        }
        // A running maximum: scanning every point for the range would make each update O(n).
        m_plot->yAxis->setRange(0, std::max(1e-6, m_lossMax * 1.05));
    }
    scheduleReplot();
}

void TrainingPlot::addAccuracy(double step, double top1)
{
    m_top1->addData(step, top1);
    scheduleReplot();
}

void TrainingPlot::addLearningRate(double step, double lr)
{
    if (!m_lr)
        return;
    if (m_lrCalls++ % m_lrStride == 0) {
        m_lr->addData(step, lr);
        if (std::isfinite(lr))
            m_lrMax = std::max(m_lrMax, lr);
        if (m_lr->data()->size() > m_maxPoints) {
            thin(m_lr);
            m_lrStride *= 2;
        }
        m_lr->valueAxis()->setRange(0, std::max(1e-12, m_lrMax * 1.1));
    }
    scheduleReplot();
}

void TrainingPlot::setLearningRateVisible(bool visible)
{
    if (visible == learningRateVisible())
        return;
    if (!visible) {
        m_plot->removeGraph(m_lr);
        m_plot->plotLayout()->remove(m_lrRect); // deletes the rect and its axes
        m_plot->plotLayout()->simplify();
        m_lr = nullptr;
        m_lrRect = nullptr;
        m_lrCalls = 0;
        m_lrStride = 1;
        m_lrMax = 0;
        m_plot->xAxis->setLabel(tr("step"));
        scheduleReplot();
        return;
    }
    // A strip below the loss on the same step axis, its margins aligned with the loss plot's.
    m_lrRect = new QCPAxisRect(m_plot);
    m_plot->plotLayout()->addElement(1, 0, m_lrRect);
    m_plot->plotLayout()->setRowStretchFactor(0, 3.0);
    m_plot->plotLayout()->setRowStretchFactor(1, 1.0);
    m_plot->plotLayout()->setRowSpacing(0);
    auto* group = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msLeft | QCP::msRight, group);
    m_lrRect->setMarginGroup(QCP::msLeft | QCP::msRight, group);
    QCPAxis* x = m_lrRect->axis(QCPAxis::atBottom);
    QCPAxis* y = m_lrRect->axis(QCPAxis::atLeft);
    m_lrRect->axis(QCPAxis::atRight)->setVisible(true);
    m_lrRect->axis(QCPAxis::atRight)->setTickLabels(false);
    m_plot->xAxis->setLabel(QString());
    x->setLabel(tr("step"));
    x->setRange(m_plot->xAxis->range());
    connect(m_plot->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), x,
            qOverload<const QCPRange&>(&QCPAxis::setRange));
    y->setLabel(tr("learning rate"));
    y->setNumberFormat("g");
    y->setNumberPrecision(2);
    y->ticker()->setTickCount(2); // a strip ~60 px high: two or three labels stay legible
    y->setRange(0, 1e-3);
    m_lr = m_plot->addGraph(x, y);
    m_lr->setName(tr("learning rate"));
    m_lr->setPen(QPen(QColor(44, 160, 44), 1.5));
    m_lr->removeFromLegend();
    themePlot(m_plot, QApplication::palette()); // the new strip in the palette's colours
    scheduleReplot();
}

int TrainingPlot::lossPoints() const
{
    return m_raw->data()->size();
}

int TrainingPlot::accuracyPoints() const
{
    return m_top1->data()->size();
}

int TrainingPlot::learningRatePoints() const
{
    return m_lr ? m_lr->data()->size() : 0;
}

QVector<QPointF> TrainingPlot::learningRateCurve() const
{
    QVector<QPointF> points;
    if (!m_lr)
        return points;
    points.reserve(m_lr->data()->size());
    for (auto it = m_lr->data()->constBegin(); it != m_lr->data()->constEnd(); ++it)
        points.push_back({it->key, it->value});
    return points;
}

double TrainingPlot::replotMilliseconds() const
{
    return m_plot->replotTime(true);
}

double TrainingPlot::lastLossStep() const
{
    return m_raw->data()->isEmpty() ? -1.0 : m_lastStep;
}

} // namespace tleg::gui
