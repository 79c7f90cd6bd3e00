#pragma once
// The look: Fusion style, one font (DejaVu Sans; CJK glyphs fall back to WenQuanYi), and a light
// or dark palette that plots follow too: background, axes, tick labels, titles, grid and legend
// take the palette's colours, and the series (lines, points, bars) the colours their owners
// gave them, lightened on a dark background so that they stand out as they do on white.
// Usage:
//   QApplication app(argc, argv);  setupStyle(app);     // once, before any window
//   applyTheme(settings.dark, &window);                 // palette + every QCustomPlot in window
//   themePlot(plot, QApplication::palette());           // a plot made, or redrawn, after it
#include <QColor>
#include <QPalette>

class QApplication;
class QCustomPlot;
class QWidget;

namespace tleg::gui {

/// Fusion style and the application font; call once after creating the QApplication.
void setupStyle(QApplication& app);
QPalette lightPalette();
QPalette darkPalette();
/// Sets the application palette and re-colours every QCustomPlot under root.
void applyTheme(bool dark, QWidget* root = nullptr);
/// Colours one plot's background, axes, grid, titles and legend from palette, and its series
/// with seriesColour() of the colours their owner set.
void themePlot(QCustomPlot* plot, const QPalette& palette);
/// colour as a series shows it on palette: itself on a light background; on a dark one at least
/// 62 % light (HSL), and a translucent (faint) colour twice as opaque.
QColor seriesColour(const QColor& colour, const QPalette& palette);
/// True for a palette whose plots draw on a dark background.
bool isDark(const QPalette& palette);

} // namespace tleg::gui
