#pragma once
// Shared by the parts of `tleg bench` (not a public API).
// Usage (bench.cpp and bench_extras.cpp):
//   BenchContext cx(options);  auto seconds = cppTrainTrial(trial, cx);
#include "bench/bench.h"
#include "data/dataset.h"
#include "model/vit.h"
#include "train/teacher.h"

#include <memory>

namespace tleg::bench {

/// Data and models loaded once for all trials.
struct BenchContext {
    explicit BenchContext(BenchOptions& options); // fits the configs to the data
    BenchOptions& options;
    data::DataSplit split;
    data::Dataset trainSubset; // (warmup + steps) batches: one epoch of a trial
    data::Dataset evalSubset;  // one evaluation batch
    data::Normalization norm;
    std::unique_ptr<train::Teacher> teacher;
    std::shared_ptr<model::ViTImpl> inferModel;
    std::string pythonDataDir; // Fashion-MNIST's folder, or empty (random images)
};

/// Seconds of each timed step of a training trial (distill or finetune), run through
/// train::train() as the CLI runs it.
std::vector<double> cppTrainTrial(const Trial& t, BenchContext& cx);

BenchExtras measureExtras(BenchContext& cx, const BenchReport& report, const LogFn& say);

/// Measures the clock again into report.clockReadings; a higher believed reading than the
/// one report.cpu holds replaces it (util::detectCpu's chains).
void readClockAgain(BenchReport& report);

/// The 224-px row (BenchOptions::large): report.large and report.gemm.
void measureLarge(BenchReport& report, const LogFn& say, const std::atomic<bool>* stop);

/// The busy-machine figures of BenchExtras (BenchOptions::busy).
void measureBusy(BenchContext& cx, BenchExtras& e, const LogFn& say);

/// The data-parallel figures of BenchExtras (BenchOptions::parallel).
void measureDataParallel(BenchContext& cx, BenchExtras& e, const LogFn& say);

} // namespace tleg::bench
