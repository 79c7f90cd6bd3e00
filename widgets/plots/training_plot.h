#pragma once
// Live training curves: loss per step (raw faint, smoothed bold) on the left axis and
// validation top-1 per epoch on the right. Appends with addData and replots queued, so a
// stream of updates costs one repaint per frame.
#include <QWidget>

class QCustomPlot;
class QCPGraph;

namespace tleg::gui {

class TrainingPlot : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPlot(QWidget* parent = nullptr);
    void clear();
    void addLoss(double step, double loss);
    void addAccuracy(double step, double top1);
    int lossPoints() const;
    int accuracyPoints() const;
    QCustomPlot* plot() const { return m_plot; }

private:
    QCustomPlot* m_plot;
    QCPGraph* m_raw;
    QCPGraph* m_smooth;
    QCPGraph* m_top1;
    double m_ema = 0;
    bool m_haveEma = false;
};

} // namespace tleg::gui
