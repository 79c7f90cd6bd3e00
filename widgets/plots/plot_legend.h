#pragma once
// Legends that do not cover data: a plot's legend (in its first axis rect's inset layout) goes
// to the corner where it hides the fewest data points, again at every replot, until the user
// places it: dragged with the mouse anywhere inside the axis rect, or put in a corner or hidden
// from the plot's right-click menu (addLegendMenu, which installPlotExport calls).
// Usage:
//   installLegendPlacement(plot);          // once; every plot with installPlotExport has it
//   addLegendMenu(plot, &menu);            // "Legend ▸ Top left … / Hidden / Automatic"
#include <QRect>

class QCustomPlot;
class QMenu;

namespace tleg::gui {

/// Once per plot: automatic corner at every replot, and the legend follows a mouse drag.
void installLegendPlacement(QCustomPlot* plot);
/// The corner the automatic placement chooses now: the one whose legend rectangle covers the
/// fewest graph points (ties: top right, top left, bottom right, bottom left).
Qt::Alignment leastCoveredCorner(const QCustomPlot* plot);
/// The legend's place in pixels (empty when there is none or it is hidden).
QRect legendRect(const QCustomPlot* plot);
/// Shows or hides the legend for good (a page showing it again does not bring it back);
/// userPlaced false returns it to automatic placement.
void showLegend(QCustomPlot* plot, bool shown, bool userPlaced);
/// Adds "Legend ▸ …" to a plot's context menu (nothing when the plot has no legend items).
void addLegendMenu(QCustomPlot* plot, QMenu* menu);

} // namespace tleg::gui
