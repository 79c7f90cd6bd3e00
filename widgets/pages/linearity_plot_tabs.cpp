#include "widgets/pages/linearity_plot_tabs.h"

#include "widgets/appearance.h"
#include "widgets/plots/plot_export.h"
#include "widgets/plots/qcustomplot_include.h"

#include <QApplication>
#include <QEvent>

#include <cmath>

namespace tleg::gui {

LinearityPlotTabs::LinearityPlotTabs(CsvOf csv, QWidget* parent) : QTabWidget(parent)
{
    m_pc1 = new QCustomPlot(this);
    m_pc1->setObjectName("linearityPc1Plot");
    m_trajectory = new QCustomPlot(this);
    m_trajectory->setObjectName("linearityTrajectoryPlot");
    m_heat = new QCustomPlot(this);
    m_heat->setObjectName("linearityHeatmapPlot");
    m_variance = new QCustomPlot(this);
    m_variance->setObjectName("linearityVariancePlot");
    setupPc1Plot(m_pc1);
    setupTrajectoryPlot(m_trajectory);
    m_heatmap = setupHeatmap(m_heat);
    setupVariancePlot(m_variance);
    for (QCustomPlot* p : {m_pc1, m_trajectory, m_heat, m_variance})
        addTab(p, QString());
    retranslateUi();
    for (const Plot p : {Plot::Pc1, Plot::Trajectory, Plot::Heatmap, Plot::Variance})
        installPlotExport(plot(p), [csv, p] { return csv(p); });
}

void LinearityPlotTabs::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QTabWidget::changeEvent(event);
}

void LinearityPlotTabs::retranslateUi()
{
    setTabText(0, tr("PC1 against depth"));
    setTabText(1, tr("PC1–PC2 trajectory"));
    setTabText(2, tr("R² heat map"));
    setTabText(3, tr("Explained variance"));
    labelPc1Plot(m_pc1);
    labelTrajectoryPlot(m_trajectory);
    labelHeatmap(m_heatmap);
    labelVariancePlot(m_variance);
}

void LinearityPlotTabs::draw(const std::vector<LinearitySeries>& series, const R2Grid& grid,
                             const LinearitySeries* selected)
{
    drawPc1(m_pc1, series);
    drawTrajectory(m_trajectory, series);
    drawHeatmap(m_heat, m_heatmap, grid);
    drawVariance(m_variance, selected);
    for (QCustomPlot* p : {m_pc1, m_trajectory, m_heat, m_variance})
        themePlot(p, QApplication::palette()); // the new series in the palette's colours
}

QCustomPlot* LinearityPlotTabs::plot(Plot which) const
{
    switch (which) {
    case Plot::Pc1:
        return m_pc1;
    case Plot::Trajectory:
        return m_trajectory;
    case Plot::Heatmap:
        return m_heat;
    case Plot::Variance:
        return m_variance;
    }
    return nullptr;
}

QString LinearityPlotTabs::heatmapCellText(int kindRow, int modelColumn) const
{
    for (int i = 0; i < m_heat->itemCount(); ++i) {
        const auto* text = qobject_cast<QCPItemText*>(m_heat->item(i));
        if (text && std::lround(text->position->key()) == modelColumn
            && std::lround(text->position->value()) == kindRow)
            return text->text();
    }
    return {};
}

} // namespace tleg::gui
