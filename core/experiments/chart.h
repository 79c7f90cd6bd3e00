#pragma once
// The experiments' line and grouped-bar charts with error bars: drawn with OpenCV and written as
// PNG (atomically), so a headless run on a cluster produces its plots too, and kept as data in
// the experiment's charts.json, from which the GUI draws them as interactive plots.
// Usage:
//   Chart c{"Top-1 against depth", "Des-Net depth", "top-1 (%)"};  c.wholeX = true;
//   c.series.push_back({"TLEG", {2, 4, 6}, {81.2, 83.0, 84.1}, {0.3, 0.2, 0.4}});
//   savePng(c, "runs/experiments/depth-sweep-quick/top1.png");
//   for (const auto& [png, chart] : readCharts("runs/experiments/depth-sweep-quick")) draw(chart);
#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace tleg::experiments {

struct Series {
    std::string name;
    std::vector<double> x, y, err; // err empty or one per point (± err drawn as a bar)
};

struct Chart {
    Chart() = default;
    Chart(std::string t, std::string x, std::string y)
        : title(std::move(t)), xLabel(std::move(x)), yLabel(std::move(y))
    {
    }
    std::string title, xLabel, yLabel;
    std::vector<Series> series;
    /// Non-empty: a bar chart, series[s].y[c] is the bar of series s in category c (x unused).
    std::vector<std::string> categories;
    /// The x values are whole numbers (depths, layers): ticks belong on them only.
    bool wholeX = false;
};

/// 900×540 PNG. Throws tleg::Error if the chart is empty or the file cannot be written.
void savePng(const Chart& chart, const std::string& path);

/// {"title", "x_label", "y_label", "whole_x", "categories", "series": [{"name", "x", "y", "err"}]}
nlohmann::json toJson(const Chart& chart);
/// Reads toJson; throws tleg::Error naming the field that is missing or malformed.
Chart chartFromJson(const nlohmann::json& j);
/// The name of the file of an experiment folder that holds its charts as data.
inline constexpr const char* kChartsFile = "charts.json";
/// folder/charts.json as runExperiment writes it: (PNG file name, chart) in the results' order.
/// Empty when the folder has none (results written before it existed); a damaged file throws
/// tleg::Error naming it.
std::vector<std::pair<std::string, Chart>> readCharts(const std::string& folder);
/// The text of charts.json for charts.
std::string chartsJson(const std::vector<std::pair<std::string, Chart>>& charts);

} // namespace tleg::experiments
