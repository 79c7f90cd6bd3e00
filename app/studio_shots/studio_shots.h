#pragma once
// Pictures of every page, made the same way for the README (tleg-studio --screenshots DIR), the
// screenshot tests and the GUI benchmark: a fixed window size, Fusion style, DejaVu Sans, no
// clock times. Not part of the product library: tleg-studio, tests/widgets and the benchmark
// link this target.
// Usage:
//   MainWindow window(state, settings);  window.show();
//   settle(window);                                   // until nothing works in the background
//   for (const PageShot& s : grabPages(window)) s.image.save(dir.filePath(s.key + ".png"));
#include <QImage>
#include <QList>
#include <QSize>
#include <QString>

namespace tleg::gui {
class MainWindow;
} // namespace tleg::gui

namespace tleg::studio {

struct PageShot {
    QString key; // "data", "ancestry", …
    QImage image;
};

/// The window size every screenshot uses.
constexpr int kShotWidth = 1280, kShotHeight = 800;

/// Waits, running the event loop, until the window's pages report nothing busy (no job on the
/// runner, no dataset being read, no checkpoint being analysed, no runs being listed), at most
/// timeoutMs; then delivers what that work posted (layouts, queued replots). False on timeout.
bool settle(gui::MainWindow& window, int timeoutMs = 20000);
/// Shows each page in turn at size (kShotWidth × kShotHeight unless given: 1024 × 700 is the
/// small desktop the pages must also fit), draws its plots now and grabs the whole window. The
/// log is cleared first so no clock time is captured.
QList<PageShot> grabPages(gui::MainWindow& window, QSize size = QSize(kShotWidth, kShotHeight));

} // namespace tleg::studio
