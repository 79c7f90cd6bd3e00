#pragma once
// The Linearity page's four figures in tabs: PC1 against depth, the PC1–PC2 trajectory, the R²
// heat map of kinds × models, and the explained variance of one model; each exports PNG, PDF and
// the CSV its owner gives (drawn and written from the same data, so they never disagree).
// Usage:
//   auto* tabs = new LinearityPlotTabs([=](LinearityPlotTabs::Plot p) { return csvOf(p); }, this);
//   tabs->draw(models.seriesOf(kind), models.grid(kinds), &series[0]);
//   QString cell = tabs->heatmapCellText(0, 1);     // "0.9993"
#include "widgets/plots/linearity_plots.h"

#include <QTabWidget>

#include <functional>

class QCPColorMap;
class QCustomPlot;

namespace tleg::gui {

class LinearityPlotTabs : public QTabWidget {
    Q_OBJECT
public:
    enum class Plot { Pc1, Trajectory, Heatmap, Variance };
    using CsvOf = std::function<QString(Plot)>;

    explicit LinearityPlotTabs(CsvOf csv, QWidget* parent = nullptr);
    /// Draws every figure: series of the chosen kind, grid of all kinds, selected for the
    /// explained variance (null: none).
    void draw(const std::vector<LinearitySeries>& series, const R2Grid& grid,
              const LinearitySeries* selected);
    QCustomPlot* plot(Plot plot) const;
    QCPColorMap* heatmap() const { return m_heatmap; }
    /// The number printed in a heat map cell ("0.9993", "n/a"); empty outside the grid.
    QString heatmapCellText(int kindRow, int modelColumn) const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    QCustomPlot* m_pc1;
    QCustomPlot* m_trajectory;
    QCustomPlot* m_heat;
    QCPColorMap* m_heatmap;
    QCustomPlot* m_variance;
};

} // namespace tleg::gui
