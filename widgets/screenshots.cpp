#include <torch/torch.h> // before Qt

#include "widgets/screenshots.h"

#include "widgets/main_window.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QListWidget>
#include <QThread>
#include <QThreadPool>

namespace tleg::gui {

void settle(MainWindow& window, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    int quiet = 0; // consecutive idle checks
    while (timer.elapsed() < timeoutMs && quiet < 10) {
        QApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(20);
        const bool busy =
            window.runner().isRunning() || QThreadPool::globalInstance()->activeThreadCount() > 0;
        quiet = busy ? 0 : quiet + 1;
    }
    QApplication::processEvents();
}

QList<PageShot> grabPages(MainWindow& window)
{
    window.resize(kShotWidth, kShotHeight);
    if (!window.isVisible())
        window.show();
    settle(window);
    window.clearLog();
    const int current = window.navigation()->currentRow();
    QList<PageShot> shots;
    for (int i = 0; i < window.pageCount(); ++i) {
        window.showPage(i);
        settle(window, 2000);
        shots.push_back({window.pageKey(i), window.grab().toImage()});
    }
    window.showPage(current);
    return shots;
}

} // namespace tleg::gui
