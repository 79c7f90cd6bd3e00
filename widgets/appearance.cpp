#include "widgets/appearance.h"

#include "widgets/plots/qcustomplot_include.h"
#include <QApplication>
#include <QFont>
#include <QStyleFactory>

namespace tleg::gui {

void setupStyle(QApplication& app)
{
    app.setStyle(QStyleFactory::create("Fusion"));
    QFont font("DejaVu Sans", 9);
    font.setStyleHint(QFont::SansSerif);
    app.setFont(font);
}

QPalette lightPalette()
{
    QPalette p = QStyleFactory::create("Fusion")->standardPalette();
    p.setColor(QPalette::Link, QColor(31, 119, 180));
    return p;
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(45, 45, 48), base(30, 30, 32), text(225, 225, 225), disabled(127, 127, 127);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(255, 90, 90));
    p.setColor(QPalette::Light, QColor(70, 70, 74));
    p.setColor(QPalette::Midlight, QColor(60, 60, 64));
    p.setColor(QPalette::Mid, QColor(40, 40, 42));
    p.setColor(QPalette::Dark, QColor(25, 25, 26));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, QColor(42, 130, 218));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(100, 170, 240));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

void themePlot(QCustomPlot* plot, const QPalette& palette)
{
    const QColor fg = palette.color(QPalette::WindowText);
    const QColor bg = palette.color(QPalette::Base);
    QColor grid = fg;
    grid.setAlpha(45);
    plot->setBackground(bg);
    for (QCPAxisRect* rect : plot->axisRects()) {
        for (QCPAxis* axis : rect->axes()) {
            axis->setBasePen(QPen(fg));
            axis->setTickPen(QPen(fg));
            axis->setSubTickPen(QPen(fg));
            axis->setTickLabelColor(fg);
            axis->setLabelColor(fg);
            axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        }
    }
    if (plot->legend) {
        plot->legend->setBrush(bg);
        plot->legend->setTextColor(fg);
        plot->legend->setBorderPen(QPen(grid));
    }
    for (int i = 0; i < plot->plottableCount(); ++i)
        if (auto* map = qobject_cast<QCPColorMap*>(plot->plottable(i)); map && map->colorScale()) {
            QCPAxis* axis = map->colorScale()->axis();
            axis->setTickLabelColor(fg);
            axis->setLabelColor(fg);
            axis->setBasePen(QPen(fg));
            axis->setTickPen(QPen(fg));
        }
    plot->replot(QCustomPlot::rpQueuedReplot);
}

void applyTheme(bool dark, QWidget* root)
{
    const QPalette palette = dark ? darkPalette() : lightPalette();
    QApplication::setPalette(palette);
    if (root)
        for (QCustomPlot* plot : root->findChildren<QCustomPlot*>())
            themePlot(plot, palette);
}

} // namespace tleg::gui
