#pragma once
// Internal to the experiments: line and grouped-bar charts with error bars, drawn with OpenCV
// and written as PNG (atomically), so a headless run on a cluster produces its plots too.
// Usage:
//   Chart c{"Top-1 against depth", "Des-Net depth", "top-1 (%)"};
//   c.series.push_back({"TLEG", {2, 4, 6}, {81.2, 83.0, 84.1}, {0.3, 0.2, 0.4}});
//   savePng(c, "runs/experiments/depth-sweep-quick/top1.png");
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
};

/// 900×540 PNG. Throws tleg::Error if the chart is empty or the file cannot be written.
void savePng(const Chart& chart, const std::string& path);

} // namespace tleg::experiments
