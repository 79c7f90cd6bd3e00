#pragma once
// Pictures of every page, made the same way for the README (tleg-studio --screenshots DIR) and
// for the screenshot tests: a fixed window size, Fusion style, DejaVu Sans, no clock times.
#include <QImage>
#include <QList>
#include <QString>

namespace tleg::gui {

class MainWindow;

struct PageShot {
    QString key; // "data", "ancestry", …
    QImage image;
};

/// The window size every screenshot uses.
constexpr int kShotWidth = 1280, kShotHeight = 800;

/// Waits (processing events) until the window's job runner is idle and background loads had
/// time to deliver, at most timeoutMs.
void settle(MainWindow& window, int timeoutMs = 20000);
/// Shows each page in turn at kShotWidth × kShotHeight and grabs the whole window. The log is
/// cleared first so no clock time is captured.
QList<PageShot> grabPages(MainWindow& window);

} // namespace tleg::gui
