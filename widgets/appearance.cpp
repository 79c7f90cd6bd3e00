#include "widgets/appearance.h"

#include "widgets/plots/qcustomplot_include.h"
#include <QApplication>
#include <QFont>
#include <QStyleFactory>

#include <algorithm>

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

bool isDark(const QPalette& palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

QColor seriesColour(const QColor& colour, const QPalette& palette)
{
    if (!isDark(palette) || !colour.isValid())
        return colour;
    float h = 0, s = 0, l = 0, a = 0;
    colour.getHslF(&h, &s, &l, &a);
    const float alpha = a < 1.0f ? std::min(1.0f, 2.0f * a) : a;
    return QColor::fromHslF(std::max(h, 0.0f), s, std::max(l, 0.62f), alpha);
}

namespace {

/// shown as palette shows it. The colour it derives from is kept on o under key, so that
/// switching themes back and forth never drifts; a colour the owner set since (shown is not
/// what was derived last time) is the new base.
QColor follow(QObject* o, const char* key, const QColor& shown, const QPalette& palette)
{
    const QByteArray baseKey = QByteArray("tlegBase_") + key;
    const QByteArray shownKey = QByteArray("tlegShown_") + key;
    const QVariant base = o->property(baseKey.constData());
    const QColor from = base.isValid() && o->property(shownKey.constData()).value<QColor>() == shown
                            ? base.value<QColor>()
                            : shown;
    const QColor out = seriesColour(from, palette);
    o->setProperty(baseKey.constData(), from);
    o->setProperty(shownKey.constData(), out);
    return out;
}

void themeSeries(QCPAbstractPlottable* p, const QPalette& palette)
{
    if (qobject_cast<QCPColorMap*>(p))
        return; // its gradient is the data
    QPen pen = p->pen();
    pen.setColor(follow(p, "pen", pen.color(), palette));
    p->setPen(pen);
    QBrush brush = p->brush();
    brush.setColor(follow(p, "brush", brush.color(), palette));
    p->setBrush(brush);
    QCPScatterStyle scatter;
    auto* graph = qobject_cast<QCPGraph*>(p);
    auto* curve = qobject_cast<QCPCurve*>(p);
    if (!graph && !curve)
        return;
    scatter = graph ? graph->scatterStyle() : curve->scatterStyle();
    QPen scatterPen = scatter.pen();
    scatterPen.setColor(follow(p, "scatterPen", scatterPen.color(), palette));
    scatter.setPen(scatterPen);
    QBrush scatterBrush = scatter.brush();
    scatterBrush.setColor(follow(p, "scatterBrush", scatterBrush.color(), palette));
    scatter.setBrush(scatterBrush);
    if (graph)
        graph->setScatterStyle(scatter);
    else
        curve->setScatterStyle(scatter);
}

void themeAxis(QCPAxis* axis, const QColor& fg, const QColor& grid)
{
    axis->setBasePen(QPen(fg));
    axis->setTickPen(QPen(fg));
    axis->setSubTickPen(QPen(fg));
    axis->setTickLabelColor(fg);
    axis->setLabelColor(fg);
    if (axis->grid())
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
}

/// Titles (QCPTextElement) anywhere in the layout.
void themeTitles(QCPLayout* layout, const QColor& fg)
{
    for (int i = 0; i < layout->elementCount(); ++i) {
        QCPLayoutElement* e = layout->elementAt(i);
        if (auto* title = qobject_cast<QCPTextElement*>(e))
            title->setTextColor(fg);
        else if (auto* inner = qobject_cast<QCPLayout*>(e))
            themeTitles(inner, fg);
    }
}

} // namespace

void themePlot(QCustomPlot* plot, const QPalette& palette)
{
    const QColor fg = palette.color(QPalette::WindowText);
    const QColor bg = palette.color(QPalette::Base);
    QColor grid = fg;
    grid.setAlpha(45);
    plot->setBackground(bg);
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes())
            themeAxis(axis, fg, grid);
    themeTitles(plot->plotLayout(), fg);
    if (plot->legend) {
        plot->legend->setBrush(bg);
        plot->legend->setTextColor(fg);
        plot->legend->setBorderPen(QPen(grid));
    }
    for (int i = 0; i < plot->plottableCount(); ++i) {
        themeSeries(plot->plottable(i), palette);
        if (auto* map = qobject_cast<QCPColorMap*>(plot->plottable(i)); map && map->colorScale())
            themeAxis(map->colorScale()->axis(), fg, grid);
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
