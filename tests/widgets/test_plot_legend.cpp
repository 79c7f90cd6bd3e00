// Legends that do not cover data (issue 19): on a real plot (offscreen), the legend goes to the
// corner with the fewest points and stays there on a tie, follows a mouse drag and then stays
// where it was put, can be put in a corner or hidden from the plot's right-click menu (hidden
// for good, also when the code shows it again), and Automatic gives placement back.
#include "widgets/plots/plot_export.h"
#include "widgets/plots/plot_legend.h"
#include "widgets/plots/qcustomplot_include.h"

#include <QApplication>
#include <QMenu>
#include <QtTest>

using namespace tleg;

class TestPlotLegend : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<QCustomPlot> m_plot;

    /// Points of every graph that the legend's rectangle covers.
    int covered() const
    {
        const QRect r = gui::legendRect(m_plot.get());
        int n = 0;
        for (int g = 0; g < m_plot->graphCount(); ++g)
            for (auto it = m_plot->graph(g)->data()->constBegin();
                 it != m_plot->graph(g)->data()->constEnd(); ++it)
                n += r.contains(m_plot->graph(g)->coordsToPixels(it->key, it->value).toPoint());
        return n;
    }

    /// A dense block of points from (x0, y0), w wide and h high, in axis units ([0, 1] each).
    void fillQuarter(double x0, double y0, double w = 0.5, double h = 0.5)
    {
        QVector<double> keys, values;
        for (int i = 0; i <= 20; ++i)
            for (int j = 0; j <= 20; ++j) {
                keys << x0 + w * i / 20.0;
                values << y0 + h * j / 20.0;
            }
        m_plot->graph(0)->setData(keys, values); // unsorted: not a line, a cloud
        m_plot->replot();
    }

    QAction* menuAction(QMenu& menu, const QString& text)
    {
        for (QAction* a : menu.actions())
            if (a->menu())
                for (QAction* b : a->menu()->actions())
                    if (b->text() == text)
                        return b;
        return nullptr;
    }

private Q_SLOTS:
    void init()
    {
        m_plot = std::make_unique<QCustomPlot>();
        m_plot->resize(600, 400);
        QCPGraph* g = m_plot->addGraph();
        g->setName("a rather long run name");
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
        m_plot->addGraph()->setName("second");
        m_plot->xAxis->setRange(0, 1);
        m_plot->yAxis->setRange(0, 1);
        m_plot->legend->setVisible(true);
        m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
        gui::installPlotExport(m_plot.get()); // brings the legend placement
        m_plot->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_plot.get()));
    }

    void goesWhereItCoversTheFewestPoints()
    {
        // Top left full: it stays top right; then top right full: top left; then the whole
        // top half: a bottom corner (bottom right, the first of them on a tie).
        const Qt::Alignment expected[] = {Qt::AlignTop | Qt::AlignRight,
                                          Qt::AlignTop | Qt::AlignLeft,
                                          Qt::AlignBottom | Qt::AlignRight};
        const double blocks[][4] = {{0.0, 0.5, 0.5, 0.5}, {0.5, 0.5, 0.5, 0.5}, {0, 0.5, 1, 0.5}};
        for (int q = 0; q < 3; ++q) {
            fillQuarter(blocks[q][0], blocks[q][1], blocks[q][2], blocks[q][3]);
            m_plot->replot(); // the layout of the first replot puts the legend; check the next
            QVERIFY2(covered() == 0, qPrintable(QString::number(covered())));
            QCOMPARE(m_plot->axisRect()->insetLayout()->insetAlignment(0), expected[q]);
        }
        // On a tie it stays: no points at all leaves it where it is.
        m_plot->graph(0)->data()->clear();
        m_plot->replot();
        QCOMPARE(m_plot->axisRect()->insetLayout()->insetAlignment(0),
                 Qt::AlignBottom | Qt::AlignRight);
    }

    void followsADragAndStaysThere()
    {
        m_plot->replot();
        const QRect before = gui::legendRect(m_plot.get());
        QVERIFY(!before.isEmpty());
        const QPoint grab = before.center();
        QTest::mousePress(m_plot.get(), Qt::LeftButton, {}, grab);
        QMouseEvent move(QEvent::MouseMove, QPointF(grab - QPoint(150, -100)),
                         m_plot->mapToGlobal(QPointF(grab - QPoint(150, -100))), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_plot.get(), &move);
        QTest::mouseRelease(m_plot.get(), Qt::LeftButton, {}, grab - QPoint(150, -100));
        m_plot->replot();
        const QRect after = gui::legendRect(m_plot.get());
        QVERIFY2(std::abs(after.left() - (before.left() - 150)) <= 2,
                 qPrintable(QString("%1 -> %2").arg(before.left()).arg(after.left())));
        QVERIFY(std::abs(after.top() - (before.top() + 100)) <= 2);
        // New data under it does not move it: the user put it there.
        fillQuarter(0.0, 0.0);
        fillQuarter(0.25, 0.25);
        QCOMPARE(gui::legendRect(m_plot.get()).topLeft(), after.topLeft());
    }

    void theMenuPutsItInACornerOrHidesItForGood()
    {
        QMenu menu;
        gui::addLegendMenu(m_plot.get(), &menu);
        QAction* bottomLeft = menuAction(menu, "Bottom left");
        QAction* hidden = menuAction(menu, "Hidden");
        QAction* automatic = menuAction(menu, "Automatic (where it covers least)");
        QVERIFY(bottomLeft && hidden && automatic);
        QVERIFY(hidden->isCheckable() && !hidden->isChecked());
        fillQuarter(0.0, 0.0); // data in the bottom left: the user's choice wins anyway
        bottomLeft->trigger();
        m_plot->replot();
        QCOMPARE(m_plot->axisRect()->insetLayout()->insetAlignment(0),
                 Qt::AlignBottom | Qt::AlignLeft);
        hidden->trigger();
        QVERIFY(!m_plot->legend->visible());
        m_plot->legend->setVisible(true); // as a page does when its curves are redrawn
        m_plot->replot();
        QVERIFY(!m_plot->legend->visible());
        QVERIFY(gui::legendRect(m_plot.get()).isEmpty());
        automatic->trigger();
        m_plot->replot();
        QVERIFY(m_plot->legend->visible());
        QCOMPARE(covered(), 0);

        // A plot without legend items gets no Legend menu.
        QCustomPlot bare;
        QMenu none;
        gui::addLegendMenu(&bare, &none);
        QVERIFY(none.actions().isEmpty());
    }
};

QTEST_MAIN(TestPlotLegend)
#include "test_plot_legend.moc"
