#pragma once
// Live training curves: loss per step (raw faint, smoothed bold) on the left axis, validation
// top-1 per epoch on the right, and optionally the learning rate in a strip below on the same
// step axis. A stream of updates is cheap: points append with addData, repaints are coalesced
// to at most 20 per second (none while hidden), and long runs are thinned so that no graph
// holds more than maxPoints() points.
// Usage:
//   auto* plot = new TrainingPlot(this);  plot->setLearningRateVisible(true);
//   plot->addLoss(step, loss);  plot->addLearningRate(step, lr);  plot->addAccuracy(step, top1);
#include "widgets/translated_texts.h"

#include <QPointF>
#include <QVector>
#include <QWidget>

#include <algorithm>

class QCustomPlot;
class QCPAxisRect;
class QCPGraph;
class QTimer;

namespace tleg::gui {

class TrainingPlot : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPlot(QWidget* parent = nullptr);
    void clear();
    /// averaged: loss is a mean over many steps (an epoch's, from metrics.csv), drawn unsmoothed.
    void addLoss(double step, double loss, bool averaged = false);
    void addAccuracy(double step, double top1);
    /// Removes every point after step: a resumed run trains the steps after its checkpoint
    /// again, and its curves go on from there.
    void dropAfter(double step);
    /// Needs setLearningRateVisible(true); ignored otherwise.
    void addLearningRate(double step, double lr);
    /// Shows or hides the learning-rate strip (hidden by default; hiding drops its points).
    void setLearningRateVisible(bool visible);
    bool learningRateVisible() const { return m_lrRect != nullptr; }

    int lossPoints() const;
    int accuracyPoints() const;
    int learningRatePoints() const;
    /// The learning-rate curve's points (step, rate), oldest first.
    QVector<QPointF> learningRateCurve() const;
    /// Mean time of the recent replots in milliseconds (what a frame costs the GUI thread).
    double replotMilliseconds() const;
    /// Step of the newest loss point (-1 when empty).
    double lastLossStep() const;
    /// The latest smoothed loss (exponential moving average, 0.95 per update).
    double smoothedLoss() const { return m_ema; }
    /// Upper bound for the points of one curve; older points are thinned by half beyond it.
    void setMaxPoints(int points) { m_maxPoints = std::max(16, points); }
    int maxPoints() const { return m_maxPoints; }
    QCustomPlot* plot() const { return m_plot; }

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void scheduleReplot();
    void thin(QCPGraph* graph) const;

    QCustomPlot* m_plot;
    QCPGraph* m_raw;
    QCPGraph* m_smooth;
    QCPGraph* m_top1;
    QCPAxisRect* m_lrRect = nullptr;
    QCPGraph* m_lr = nullptr;
    QTimer* m_replot;
    TranslatedTexts m_texts;
    double m_ema = 0;
    bool m_haveEma = false;
    double m_lossMax = 0, m_lrMax = 0, m_lastStep = 0;
    int m_maxPoints = 4000;
    // Every m_lossStride-th loss update (and m_lrStride-th rate) becomes a point.
    qint64 m_lossCalls = 0, m_lossStride = 1, m_lrCalls = 0, m_lrStride = 1;
};

} // namespace tleg::gui
