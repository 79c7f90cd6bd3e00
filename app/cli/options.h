#pragma once
// Option groups shared by several subcommands, and turning parsed options into core structs.
// Usage:
//   CommandLine cl("distill", "...", concat({dataOptions(), modelOptions("fmnist-ti"), trainOptions("6")}));
//   workflow::DistillSpec s; s.data = dataSpec(cl); s.aux = modelConfig(cl); s.train = trainConfig(cl);
//   ProgressPrinter printer("distill");  workflow::runDistill(s, hooksFor(printer));
#include "cli/command_line.h"
#include "cli/progress_printer.h"
#include "model/aux_net.h"
#include "train/trainer.h"
#include "workflow/jobs.h"

#include <atomic>
#include <optional>

namespace tleg::cli {

std::vector<OptionSpec> dataOptions();
std::vector<OptionSpec> modelOptions(const std::string& defaultPreset);
std::vector<OptionSpec> trainOptions(const std::string& defaultEpochs);
/// --PREFIXheads, --PREFIXimage-size, --PREFIXmean, --PREFIXstd: what a foreign checkpoint's
/// shapes cannot tell (prefix "" for tleg info, "model-" for eval and finetune; a teacher's are
/// teacherOptions()).
std::vector<OptionSpec> modelHintOptions(const std::string& prefix, const std::string& file);
/// --teacher-image-size, --teacher-mean, --teacher-std, --teacher-heads, --teacher-class-map.
std::vector<OptionSpec> teacherOptions();
std::vector<OptionSpec> concat(std::initializer_list<std::vector<OptionSpec>> groups);
/// "a,b,,c" -> {"a", "b", "c"}: the non-empty items of a comma-separated list.
std::vector<std::string> splitList(const std::string& s);

/// The --data, --train-subset, ... options as a job's data spec.
workflow::DataSpec dataSpec(const CommandLine& cl);
/// Preset plus any --dim/--depth/... overrides (the job takes channels, image size and classes
/// from the data).
model::ViTConfig modelConfig(const CommandLine& cl);
train::TrainOptions trainConfig(const CommandLine& cl);
/// The modelHintOptions(prefix) given, validated (errors name the option).
model::ModelHints modelHints(const CommandLine& cl, const std::string& prefix);
/// What teacherOptions() say; errors name the option and the offending entry.
train::TeacherOptions teacherConfig(const CommandLine& cl);
/// --out when given, else the next free runs/<base> (the one naming scheme); --resume needs --out.
std::string runFolder(const CommandLine& cl, const std::string& base);
/// Progress to printer, log lines printed, Ctrl-C as the stop flag.
workflow::Hooks hooksFor(ProgressPrinter& printer);
/// "test top-1 …% top-5 …% (epoch k, chosen on N held-out validation images: top-1 …%)".
std::string scoreText(const train::TrainResult& r);
/// "stopped after N epochs; continue with ... --resume" and exit code 130 when stopped, else 0.
int reportStopped(const workflow::Outcome& o);

/// --nproc N: data-parallel training in N worker processes on this machine.
OptionSpec nprocOption();
/// Data-parallel training (docs/SCALING.md). With --nproc N > 1, runs this command in N local
/// workers (dist::runLocalWorkers; without --out, the run folder is chosen once, here, as
/// runFolder(cl, runBase); empty runBase: the command's default is fixed) and returns their
/// exit code. Started by a launcher (torchrun's
/// environment, or --nproc): joins the other workers (dist::current()), silences stdout on every
/// rank but 0 and returns nullopt: the command then runs as one rank. Neither: nullopt, nothing
/// changes.
std::optional<int> dataParallel(const CommandLine& cl, const std::string& command,
                                const std::vector<std::string>& args, const std::string& runBase);

/// The --bf16 / --fp32 pair: bf16 matmuls by default where the CPU has bf16 hardware.
std::vector<OptionSpec> precisionOptions();
/// Throws tleg::Error when both are given.
bool bf16Choice(const CommandLine& cl);

/// Set by SIGINT / SIGTERM while a training loop runs: it stops at the next batch and keeps the
/// last checkpoint. Outside training (or at the second signal) the process exits at once.
std::atomic<bool>& stopFlag();
void installInterruptHandler();
/// Called for every training batch (ProgressPrinter does): a signal now stops gracefully.
void noteProgress();

void printEval(const std::string& what, const train::EvalResult& r);

} // namespace tleg::cli
