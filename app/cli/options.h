#pragma once
// Option groups shared by several subcommands, and turning parsed options into core structs.
#include "cli/command_line.h"
#include "data/open_dataset.h"
#include "model/aux_net.h"
#include "train/trainer.h"

#include <atomic>

namespace tleg::cli {

std::vector<OptionSpec> dataOptions();
std::vector<OptionSpec> modelOptions(const std::string& defaultPreset);
std::vector<OptionSpec> trainOptions(const std::string& defaultEpochs);
std::vector<OptionSpec> concat(std::initializer_list<std::vector<OptionSpec>> groups);
/// "a,b,,c" -> {"a", "b", "c"}: the non-empty items of a comma-separated list.
std::vector<std::string> splitList(const std::string& s);

data::DataSplit openData(const CommandLine& cl);
/// Preset plus any --dim/--depth/... overrides, with channels and classes from the data.
model::ViTConfig modelConfig(const CommandLine& cl, const data::Dataset& train);
train::TrainOptions trainConfig(const CommandLine& cl);

/// The --bf16 / --fp32 pair: bf16 matmuls by default where the CPU has bf16 hardware.
std::vector<OptionSpec> precisionOptions();
/// Throws tleg::Error when both are given.
bool bf16Choice(const CommandLine& cl);

/// Set by SIGINT: training stops at the next batch and keeps the last checkpoint.
std::atomic<bool>& stopFlag();
void installInterruptHandler();

void printEval(const std::string& what, const train::EvalResult& r);

} // namespace tleg::cli
