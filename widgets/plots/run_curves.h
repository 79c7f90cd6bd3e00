#pragma once
// The Runs page's two plots: validation top-1 and training loss per epoch of every selected run,
// one colour per run (matplotlib's tab10, in table order, so colours stay put), a legend naming
// the runs, axes that fit a one-epoch run as well as three hundred epochs.
// Usage:
//   setupRunPlot(top1, tr("Validation top-1"), tr("top-1 (%)"));   // once per plot
//   drawRunCurves(top1, loss, {{"des-6", &run}, {"scratch-6", &other}});
#include "workflow/run_index.h"

#include <QString>

#include <vector>

class QCustomPlot;

namespace tleg::gui {

struct RunCurve {
    QString label;
    const workflow::RunInfo* run = nullptr;
};

void setupRunPlot(QCustomPlot* plot, const QString& title, const QString& yLabel);
/// The title and axis labels again (in the UI language, after it changed).
void labelRunPlot(QCustomPlot* plot, const QString& title, const QString& yLabel);
/// Replaces both plots' graphs with the runs' curves (top-1 on top1, loss on loss).
void drawRunCurves(QCustomPlot* top1, QCustomPlot* loss, const std::vector<RunCurve>& runs);

} // namespace tleg::gui
