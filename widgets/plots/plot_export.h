#pragma once
// Every plot exports PNG, PDF and CSV: installPlotExport adds the three actions to the plot's
// context menu; exportPlot writes one file, the format chosen by the file's extension.
// Usage:
//   installPlotExport(m_plot);                       // CSV = every graph's (x, y) points
//   installPlotExport(m_heatmap, [this] { return heatmapCsv(); });
#include <QString>

#include <functional>

class QCustomPlot;
class QWidget;

namespace tleg::gui {

using CsvWriter = std::function<QString()>;

/// The plot's data as CSV: one row per point, columns graph,x,y (graph names quoted).
QString graphsCsv(const QCustomPlot* plot);

/// Writes path as .png, .pdf or .csv (by extension, case-insensitive). csv may be empty, then
/// graphsCsv is used. Throws tleg::Error with the path on an unknown extension or a failed write.
void exportPlot(QCustomPlot* plot, const QString& path, const CsvWriter& csv = {});

/// Right-click menu "Export PNG… / PDF… / CSV…" on plot (asks for a file name). Only the first
/// call for a plot counts.
void installPlotExport(QCustomPlot* plot, CsvWriter csv = {});

} // namespace tleg::gui
