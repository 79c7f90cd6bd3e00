#include "widgets/plots/plot_legend.h"

#include "widgets/plots/qcustomplot_include.h"

#include <QMenu>
#include <QMouseEvent>

#include <limits>

namespace tleg::gui {

namespace {

const char* const kUserPlaced = "tlegLegendUserPlaced";
const char* const kHidden = "tlegLegendHidden";

/// The inset layout holding the legend, and the legend's index in it.
QCPLayoutInset* legendInset(const QCustomPlot* plot, int* index)
{
    if (!plot->legend)
        return nullptr;
    for (QCPAxisRect* rect : plot->axisRects()) {
        QCPLayoutInset* inset = rect->insetLayout();
        for (int i = 0; i < inset->elementCount(); ++i)
            if (inset->elementAt(i) == plot->legend) {
                *index = i;
                return inset;
            }
    }
    return nullptr;
}

/// Graph points (as pixels) inside r, every graph of every axis rect.
int pointsInside(const QCustomPlot* plot, const QRectF& r)
{
    int n = 0;
    for (int g = 0; g < plot->graphCount(); ++g) {
        const QCPGraph* graph = plot->graph(g);
        if (!graph->visible())
            continue;
        for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
            const QPointF p = graph->coordsToPixels(it->key, it->value);
            n += r.contains(p) ? 1 : 0;
        }
    }
    return n;
}

/// Automatic placement, before every replot until the user places the legend.
class LegendPlacer : public QObject {
public:
    explicit LegendPlacer(QCustomPlot* plot) : QObject(plot), m_plot(plot)
    {
        connect(plot, &QCustomPlot::beforeReplot, this, [this] {
            int index = 0;
            QCPLayoutInset* inset = legendInset(m_plot, &index);
            if (!inset)
                return;
            if (m_plot->property(kHidden).toBool()) // also when the page shows it again
                m_plot->legend->setVisible(false);
            if (m_plot->property(kUserPlaced).toBool() || !m_plot->legend->visible())
                return;
            inset->setInsetPlacement(index, QCPLayoutInset::ipBorderAligned);
            inset->setInsetAlignment(index, leastCoveredCorner(m_plot));
        });
        plot->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject*, QEvent* event) override
    {
        switch (event->type()) {
        case QEvent::MouseButtonPress:
            return press(static_cast<QMouseEvent*>(event));
        case QEvent::MouseMove:
            return move(static_cast<QMouseEvent*>(event));
        case QEvent::MouseButtonRelease:
            return std::exchange(m_dragging, false);
        default:
            return false;
        }
    }

private:
    bool press(QMouseEvent* e)
    {
        if (e->button() != Qt::LeftButton || !legendRect(m_plot).contains(e->pos()))
            return false;
        m_dragging = true;
        m_grab = e->pos() - legendRect(m_plot).topLeft();
        return true; // the legend moves; the plot does not start a range drag
    }

    bool move(QMouseEvent* e)
    {
        int index = 0;
        QCPLayoutInset* inset = legendInset(m_plot, &index);
        if (!m_dragging || !inset)
            return false;
        const QRect area = inset->rect();
        const QSize size = legendRect(m_plot).size();
        QPoint topLeft = e->pos() - m_grab;
        topLeft.setX(std::clamp(topLeft.x(), area.left(), area.right() - size.width()));
        topLeft.setY(std::clamp(topLeft.y(), area.top(), area.bottom() - size.height()));
        inset->setInsetPlacement(index, QCPLayoutInset::ipFree);
        inset->setInsetRect(index, QRectF(double(topLeft.x() - area.left()) / area.width(),
                                          double(topLeft.y() - area.top()) / area.height(),
                                          double(size.width()) / area.width(),
                                          double(size.height()) / area.height()));
        m_plot->setProperty(kUserPlaced, true);
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return true;
    }

    QCustomPlot* m_plot;
    bool m_dragging = false;
    QPoint m_grab;
};

} // namespace

void showLegend(QCustomPlot* plot, bool shown, bool userPlaced)
{
    plot->setProperty(kHidden, !shown);
    plot->setProperty(kUserPlaced, userPlaced);
    plot->legend->setVisible(shown);
    plot->replot();
}

QRect legendRect(const QCustomPlot* plot)
{
    int index = 0;
    if (!legendInset(plot, &index) || !plot->legend->visible())
        return {};
    return plot->legend->outerRect();
}

Qt::Alignment leastCoveredCorner(const QCustomPlot* plot)
{
    int index = 0;
    QCPLayoutInset* inset = legendInset(plot, &index);
    if (!inset)
        return Qt::AlignTop | Qt::AlignRight;
    const QRect area = inset->rect();
    const QSize size = plot->legend->minimumOuterSizeHint();
    // The corner it is in now comes first: on a tie it stays (no jumping while curves grow).
    const Qt::Alignment corners[] = {inset->insetAlignment(index), Qt::AlignTop | Qt::AlignRight,
                                     Qt::AlignTop | Qt::AlignLeft,
                                     Qt::AlignBottom | Qt::AlignRight,
                                     Qt::AlignBottom | Qt::AlignLeft};
    Qt::Alignment best = corners[0];
    int fewest = std::numeric_limits<int>::max();
    for (const Qt::Alignment corner : corners) {
        const int x = corner & Qt::AlignLeft ? area.left() : area.right() - size.width();
        const int y = corner & Qt::AlignTop ? area.top() : area.bottom() - size.height();
        const int covered = pointsInside(plot, QRectF(x, y, size.width(), size.height()));
        if (covered < fewest) {
            fewest = covered;
            best = corner;
        }
    }
    return best;
}

void installLegendPlacement(QCustomPlot* plot)
{
    if (plot->property("tlegLegend").toBool())
        return;
    plot->setProperty("tlegLegend", true);
    new LegendPlacer(plot);
}

void addLegendMenu(QCustomPlot* plot, QMenu* menu)
{
    int index = 0;
    QCPLayoutInset* inset = legendInset(plot, &index);
    if (!inset || plot->legend->itemCount() == 0)
        return;
    QMenu* legend = menu->addMenu(QObject::tr("Legend"));
    const struct {
        QString label;
        Qt::Alignment corner;
    } places[] = {{QObject::tr("Top left"), Qt::AlignTop | Qt::AlignLeft},
                  {QObject::tr("Top right"), Qt::AlignTop | Qt::AlignRight},
                  {QObject::tr("Bottom left"), Qt::AlignBottom | Qt::AlignLeft},
                  {QObject::tr("Bottom right"), Qt::AlignBottom | Qt::AlignRight}};
    for (const auto& place : places)
        legend->addAction(place.label, plot, [plot, inset, index, corner = place.corner] {
            inset->setInsetPlacement(index, QCPLayoutInset::ipBorderAligned);
            inset->setInsetAlignment(index, corner);
            showLegend(plot, true, true);
        });
    legend->addSeparator();
    legend->addAction(QObject::tr("Automatic (where it covers least)"), plot,
                      [plot] { showLegend(plot, true, false); });
    QAction* hidden = legend->addAction(QObject::tr("Hidden"), plot,
                                        [plot](bool hide) { showLegend(plot, !hide, true); });
    hidden->setCheckable(true);
    hidden->setChecked(plot->property(kHidden).toBool());
}

} // namespace tleg::gui
