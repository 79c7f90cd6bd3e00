#pragma once
// The paper's comparisons as named experiments, reproduced at small scale on one machine.
// Each experiment trains what it needs (ancestry, learngenes, baselines, fine-tunes), averages
// over seeds and writes a folder with per-seed and summary CSV, a Markdown table in the paper's
// layout and PNG plots. Trained models live in a cache under the root folder shared by all
// experiments, keyed by everything that determines them, so experiments reuse each other's
// ancestry and learngenes, and a stopped experiment resumes where it left off.
// Usage:
//   ExperimentOptions o; o.name = "depth-sweep"; o.preset = "quick"; o.seeds = 3;
//   ExperimentResult r = runExperiment(o, onStage, onProgress, &stop);   // r.markdown, r.folder
#include "train/trainer.h"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace tleg::experiments {

struct ExperimentInfo {
    std::string name;        // "depth-sweep", "transfer", ...
    std::string title;       // one line for menus and headings
    std::string paperRef;    // "Table 1", "Fig. 1", ...
    std::string description; // what is compared, in two or three sentences
};

/// Every experiment, in the paper's order.
const std::vector<ExperimentInfo>& experimentList();
/// Throws tleg::Error listing the known names when name is unknown.
const ExperimentInfo& experimentInfo(const std::string& name);
/// "smoke" (seconds, for tests), "quick" (each under 30 min on a 2-core machine), "paper" (a
/// well-trained ancestry on all of Fashion-MNIST, the rest on 20,000 images: about 75 min on 2
/// cores with --bf16), "full".
std::vector<std::string> presetNames();

struct ExperimentOptions {
    std::string name;
    std::string preset = "quick";
    int seeds = 3;                         // 0 = the preset's default
    std::string root = "runs/experiments"; // root/<name>-<preset>/ and root/cache/
    std::string data = "fashion-mnist";    // anything data::openDataset accepts
    int threads = 0;                       // intra-op threads, 0 = the idle cores
    bool bf16 = false;
    std::string recipe = "tleg";           // train::applyRecipe, for every model trained
};

/// root/<this> is where an experiment writes: "<name>-<preset>", plus "-released" under the
/// released recipe.
std::string experimentFolderName(const ExperimentOptions& o);

struct ExperimentResult {
    std::string folder;             // root/<name>-<preset>
    std::string markdown;           // the tables, also written to folder/results.md
    std::vector<std::string> files; // everything written to folder (CSV, Markdown, PNG, JSON)
    int64_t trainedRuns = 0;        // models trained by this call
    int64_t cachedRuns = 0;         // models taken from the cache
    double seconds = 0;             // wall time of this call
    double standaloneSeconds = 0;   // training time of every model used, cached ones included
    bool stopped = false;           // stopped by the flag or the callback; the cache keeps
                                    // every finished model and the last checkpoint
};

/// Called when a stage starts: "seed 2/3: distil learngene (MSA+MLP+LN)", ...
using StageFn = std::function<void(const std::string& stage)>;

ExperimentResult runExperiment(const ExperimentOptions& options, const StageFn& stage = {},
                               const train::ProgressFn& progress = {},
                               const std::atomic<bool>* stop = nullptr);

} // namespace tleg::experiments
