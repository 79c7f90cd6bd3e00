#pragma once
// An experiment's chart (experiments::Chart, from the folder's charts.json) as an interactive
// QCustomPlot: lines with a point per value and ± std error bars, or grouped bars per category;
// the chart's title and axis labels at the app's font size, whole-number ticks on depth and layer
// axes (Chart::wholeX), the series in tab10 colours that the dark theme lightens, a legend
// placed where it covers the fewest points, a hover readout of every series at the mouse, and
// PNG / PDF / CSV export from the right-click menu (the CSV is the chart's data).
// Usage:
//   auto* plot = new QCustomPlot(this);
//   drawExperimentChart(plot, chart);          // once per plot; the hover and export come with it
//   QString text = experimentHoverText(plot, chart, 4.0);   // what the tooltip says at x = 4
#include "experiments/chart.h"

#include <QString>

class QCustomPlot;

namespace tleg::gui {

/// Draws chart on a fresh plot and installs its hover readout and export menu.
void drawExperimentChart(QCustomPlot* plot, const experiments::Chart& chart);
/// Every series' value (± std) at the point or category nearest to x; empty when none is near.
QString experimentHoverText(const QCustomPlot* plot, const experiments::Chart& chart, double x);
/// The chart's data as CSV: series,x (or category),y,std.
QString experimentChartCsv(const experiments::Chart& chart);

} // namespace tleg::gui
