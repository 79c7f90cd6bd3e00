#pragma once
// The four plots of the Linearity page, drawn from the core's results (analysis::KindLinearity),
// and the CSV of exactly what each one shows. The page owns the results; these functions only
// draw them, so a plot and its CSV can never disagree.
// Usage:
//   setupPc1Plot(plot);  installPlotExport(plot, [&] { return pc1Csv(series); });
//   std::vector<LinearitySeries> series = ...;   // one per model, all of the selected kind
//   drawPc1(plot, series);  drawTrajectory(traj, series);  drawVariance(bars, &series[0]);
//   drawHeatmap(heat, map, grid);                  // R² of every kind × model
#include "analysis/linearity.h"

#include <QColor>
#include <QString>
#include <QStringList>

#include <string>
#include <vector>

class QCustomPlot;
class QCPColorMap;

namespace tleg::gui {

/// One model's figures for one parameter kind, as the plots show them.
struct LinearitySeries {
    QString label; // short name for legends and axes
    QString path;  // the CSV's model column (as the core's linearityCsv)
    QColor colour;
    const analysis::ModelLinearity* model = nullptr;
    const analysis::KindLinearity* kind = nullptr; // null: this model lacks the kind
};

/// R² of every kind (rows) of every model (columns).
struct R2Grid {
    std::vector<std::string> kinds; // core names, analysis::kWholeBlock last
    QStringList labels, paths;      // per model
    std::vector<double> r2;         // kinds.size() × labels.size(), row-major; NaN: undefined

    double at(int kind, int model) const
    {
        return r2[size_t(kind) * size_t(labels.size()) + size_t(model)];
    }
};

/// "attn.qkv.weight" as it stands; the whole block as a translated "whole block".
QString kindDisplayName(const std::string& kind);
/// R² as the table and the heat map print it: 4 decimals, "n/a" when undefined.
QString r2Text(double r2);

/// PC1 score against layer index, one scatter per model and its fitted line (R² in the legend).
void setupPc1Plot(QCustomPlot* plot);
/// The fixed texts of each plot (axis labels, names, tick labels) in the UI language: the setup
/// functions call them, and again when the language changes (a redraw does the rest).
void labelPc1Plot(QCustomPlot* plot);
void labelTrajectoryPlot(QCustomPlot* plot);
void labelHeatmap(QCPColorMap* map);
void labelVariancePlot(QCustomPlot* plot);
void drawPc1(QCustomPlot* plot, const std::vector<LinearitySeries>& series);
/// model,kind,layer,block,pc1,fit: one row per model and layer.
QString pc1Csv(const std::vector<LinearitySeries>& series);

/// PC2 against PC1, the layers joined in order; the first and last layer marked.
void setupTrajectoryPlot(QCustomPlot* plot);
void drawTrajectory(QCustomPlot* plot, const std::vector<LinearitySeries>& series);
/// model,kind,layer,block,pc1,pc2: one row per model and layer.
QString trajectoryCsv(const std::vector<LinearitySeries>& series);

/// The R² grid as a colour map (kinds top to bottom, models left to right) with a colour scale
/// and the value printed in every cell. Returns the colour map.
QCPColorMap* setupHeatmap(QCustomPlot* plot);
void drawHeatmap(QCustomPlot* plot, QCPColorMap* map, const R2Grid& grid);
/// kind,model,r2: one row per cell, kinds in grid order.
QString heatmapCsv(const R2Grid& grid);

/// Share of the variance across layers explained by PC1, PC2 and all later components together,
/// of one model and kind (null: nothing to show).
void setupVariancePlot(QCustomPlot* plot);
void drawVariance(QCustomPlot* plot, const LinearitySeries* series);
/// model,kind,component,explained: PC1, PC2 and "PC3+" as fractions of 1.
QString varianceCsv(const LinearitySeries* series);

} // namespace tleg::gui
