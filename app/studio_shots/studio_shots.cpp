#include "studio_shots/studio_shots.h"

#include "widgets/main_window.h"
#include "widgets/plots/qcustomplot_include.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QListWidget>
#include <QTimer>

namespace tleg::studio {

bool settle(gui::MainWindow& window, int timeoutMs)
{
    if (window.isBusy()) {
        QEventLoop loop;
        QObject::connect(&window, &gui::MainWindow::busyChanged, &loop, [&] {
            if (!window.isBusy())
                loop.quit();
        });
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    // What the ended work posted: layout requests, queued replots, a page's refresh.
    QCoreApplication::sendPostedEvents();
    return !window.isBusy();
}

QList<PageShot> grabPages(gui::MainWindow& window, QSize size)
{
    window.resize(size);
    if (!window.isVisible())
        window.show();
    settle(window);
    window.clearLog();
    const int current = window.navigation()->currentRow();
    QList<PageShot> shots;
    for (int i = 0; i < window.pageCount(); ++i) {
        window.showPage(i);
        settle(window, 2000);
        // Plots replot on a timer (at most 20 a second) or queued: draw what they hold now.
        for (QCustomPlot* plot : window.page(i)->findChildren<QCustomPlot*>())
            if (plot->isVisible())
                plot->replot(QCustomPlot::rpImmediateRefresh);
        shots.push_back({window.pageKey(i), window.grab().toImage()});
    }
    window.showPage(current);
    return shots;
}

} // namespace tleg::studio
