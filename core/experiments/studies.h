#pragma once
// Internal to the experiments: each study trains through the Workbench and returns its tables,
// per-seed records and charts; runExperiment (experiment.cpp) writes them to the folder.
// Usage (experiment.cpp):
//   Workbench wb(options, stage, progress, stop);  Report r = depthSweep(wb);  // r.markdown
#include "experiments/chart.h"
#include "experiments/report.h"
#include "experiments/workbench.h"

#include <utility>

namespace tleg::experiments {

struct Report {
    std::string markdown; // tables and findings, in the paper's layout
    Records records;
    std::vector<std::pair<std::string, Chart>> charts;               // file name, chart
    std::vector<std::pair<std::string, std::string>> files;          // file name, text
};

Report depthSweep(Workbench& wb);       // Table 1
Report transfer(Workbench& wb);         // Table 2
Report storage(Workbench& wb);          // Table 3
Report modules(Workbench& wb);          // Table 4
Report partialInit(Workbench& wb);      // Table 5
Report partialExpansion(Workbench& wb); // Table 6
Report linearity(Workbench& wb);        // Fig. 1

/// S-Params of a file: every stored parameter except the task-specific head.
int64_t sParamsWithoutHead(const std::string& path);
/// "TLEG − Scratch: +1.23 points on average; TLEG ahead in 3 of 3 seeds."
std::string compareLine(const Records& r, const std::string& a, const std::string& b,
                        int64_t depth = 0);
/// "seed 2/3"
std::string seedStage(const Workbench& wb, int seed);
/// Mean and std of a method's top-1 per category, as a chart series.
Series top1Series(const Records& r, const std::string& method, const std::vector<int64_t>& depths);

} // namespace tleg::experiments
