#pragma once
// The Runs page's two plots: validation top-1 and training loss of every selected run, one
// colour per run (matplotlib's tab10, in table order, so colours stay put), a legend naming the
// runs, axes that fit a one-epoch run as well as three hundred epochs. As in TensorBoard: an
// exponential moving average with debiasing (the raw curve faint behind it), a log-scale loss
// axis, x by epoch, images seen or wall time, and a hover readout of every run at that x.
// Usage:
//   setupRunPlot(top1, tr("Validation top-1"), tr("top-1 (%)"));   // once per plot
//   drawRunCurves(top1, loss, {{"des-6", &run}, {"scratch-6", &other}}, {0.6, true});
//   installHoverReadout(top1);          // a tooltip with every run's value at the mouse's x
#include "workflow/run_index.h"

#include <QString>
#include <QVector>

#include <vector>

class QCustomPlot;

namespace tleg::gui {

struct RunCurve {
    QString label;
    const workflow::RunInfo* run = nullptr;
};

/// How the curves are drawn.
struct RunCurveOptions {
    double smoothing = 0;  ///< TensorBoard's weight in [0, 1): 0 is the raw curve
    bool logLoss = false;  ///< the loss axis logarithmic
    enum class X { Epoch, Images, WallTime } x = X::Epoch;
};

/// values smoothed as TensorBoard does: an exponential moving average with weight w, debiased
/// (divided by 1 - w^n) so that the first points are not pulled towards zero.
QVector<double> smoothCurve(const QVector<double>& values, double w);

void setupRunPlot(QCustomPlot* plot, const QString& title, const QString& yLabel);
/// The title and axis labels again (in the UI language, after it changed).
void labelRunPlot(QCustomPlot* plot, const QString& title, const QString& yLabel);
/// Replaces both plots' graphs with the runs' curves (top-1 on top1, loss on loss).
void drawRunCurves(QCustomPlot* top1, QCustomPlot* loss, const std::vector<RunCurve>& runs,
                   const RunCurveOptions& options = {});
/// The x label for the option (in the UI language): "epoch", "images seen", "wall time (min)".
QString runCurveXLabel(RunCurveOptions::X x);

/// Every run's value at the x nearest to key, one line per run ("des-6: 81.25"), headed by
/// that x; empty when no run has a point there. The smoothed value where a curve is smoothed.
QString hoverText(const QCustomPlot* plot, double key);
/// Shows hoverText at the mouse as a tooltip while it moves over the plot.
void installHoverReadout(QCustomPlot* plot);

} // namespace tleg::gui
