#pragma once
// The look: Fusion style, one font (DejaVu Sans; CJK glyphs fall back to WenQuanYi), and a light
// or dark palette that plots follow too.
// Usage:
//   QApplication app(argc, argv);  setupStyle(app);     // once, before any window
//   applyTheme(settings.dark, &window);                 // palette + every QCustomPlot in window
//   themePlot(newPlot, QApplication::palette());        // a plot made after the switch
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
/// Colours one plot's background, axes, grid and legend from palette.
void themePlot(QCustomPlot* plot, const QPalette& palette);

} // namespace tleg::gui
