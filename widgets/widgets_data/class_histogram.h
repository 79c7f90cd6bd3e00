#pragma once
// The Data page's class histogram: train and test images per class as grouped bars on a
// QCustomPlot, class names under the bars (up to 20 classes), the legend above them, and the CSV
// of exactly the bars shown.
// Usage:
//   setupClassHistogram(plot);                      // once
//   showClassCounts(plot, state.data.get());        // after every change of dataset (null: none)
//   installPlotExport(plot, [=] { return classHistogramCsv(plot, state.data.get()); });
#include "data/dataset.h"

#include <QString>

class QCustomPlot;

namespace tleg::gui {

/// d's name for class c, or its number when the dataset has no names.
QString className(const data::Dataset& d, int64_t c);

void setupClassHistogram(QCustomPlot* plot);
/// The axis label and the legend in the UI language (setupClassHistogram calls it; again when
/// the language changes).
void translateClassHistogram(QCustomPlot* plot);
void showClassCounts(QCustomPlot* plot, const data::DataSplit* split);
/// class,name,train,test: one row per bar pair.
QString classHistogramCsv(QCustomPlot* plot, const data::DataSplit* split);

} // namespace tleg::gui
