#pragma once
// What is in a runs folder: every training run (a folder with config.json, metrics.csv, log.txt,
// checkpoint.safetensors and, once finished, model.safetensors), summarised from its small files
// and the model's safetensors header, never its tensors. One damaged run never spoils a listing.
// Usage:
//   for (const RunInfo& r : listRuns("runs")) std::cout << r.name << ' ' << r.testTop1 << '\n';
//   RunInfo one = listRun("runs/des-6");          // throws only if it is not a run folder
//   std::string moved = renameRun("runs/des-6", "des-6-lr3e-4");  deleteRun(moved);
#include "train/trainer.h"
#include "workflow/role.h"

#include <string>
#include <vector>

namespace tleg::workflow {

using train::EpochRecord;

enum class RunState {
    Finished,   // model.safetensors is there
    Running,    // no model yet, and the log was written to recently by a run in progress
    Stopped,    // the log says it was stopped (by the user, or a loss that was not finite)
    Incomplete, // no model, no "stopped" in the log: interrupted; resumable from the checkpoint
    Broken,     // a file could not be read; RunInfo::problem says which and why
};

/// "finished", "running", "stopped", "incomplete", "broken".
std::string runStateName(RunState state);

struct RunInfo {
    std::string folder; // the run folder, as found
    std::string name;   // folder relative to the listed root ("pipeline/des-4"), '/'-separated
    /// What was trained, in the paper's words: roleName() of the run's role ("ancestry",
    /// "aux-net", "des-net", "scratch", "fine-tune", "pretrain"; older spellings are read as
    /// these), else the role or model kind written by whoever made the run ("" if unknown).
    std::string kind;
    std::string data;       // provenance "data" (dataset name), if recorded
    std::string teacher;    // description of the distillation teacher, if any
    int64_t depth = 0;      // blocks; 0 when unknown
    int64_t parameters = 0; // from the model's (else checkpoint's) header; 0 when unknown
    int64_t epochsDone = 0, epochsPlanned = 0;
    /// Top-1 in percent. valTop1: the chosen epoch's score on the validation images held out of
    /// the training data (while running: the best epoch so far); 0 before the first epoch.
    /// testTop1: the chosen model on the test set, scored once at the end; -1 until then.
    /// valIsTest: nothing was held out (--val-fraction 0, or a run from before the hold-out):
    /// every epoch was scored on the test set, the last one kept, and valTop1 is its score.
    double valTop1 = 0, testTop1 = -1;
    int64_t selectedEpoch = 0; // 1-based; 0 before the first epoch
    bool valIsTest = false;
    double seconds = 0;                // sum of the epochs' seconds
    RunState state = RunState::Incomplete;
    /// Broken: what is wrong ("config.json: not valid JSON ..."). Stopped: the log's reason.
    std::string problem;
    bool hasModel = false, hasCheckpoint = false, hasLearngene = false;
    std::vector<EpochRecord> curves; // one per finished epoch, from metrics.csv
    std::vector<std::string> tags; // notes.json (run_notes.h); a damaged one makes the run Broken
    std::string notes;
};

/// A folder holds a run when it has config.json, metrics.csv or checkpoint.safetensors.
bool isRunFolder(const std::string& folder);

/// Reads one run. A damaged file makes the run Broken (with problem set), never an exception;
/// throws tleg::Error only when folder is not a run folder at all.
RunInfo listRun(const std::string& folder);

/// A folder holding a file of this name is skipped with everything below it: the experiments'
/// model cache (hundreds of runs that the Experiments tab summarises) marks itself so.
constexpr const char* kHiddenRunsMarker = ".tleg-hidden";

/// Every run under root (root itself included), sorted by name. Does not descend into run
/// folders, folders marked with kHiddenRunsMarker (below root) nor symbolic links; a missing
/// root lists nothing. When folders is given it
/// receives every folder looked at (root, the folders between, the runs): what to watch for
/// changes.
std::vector<RunInfo> listRuns(const std::string& root, std::vector<std::string>* folders = nullptr);

/// Renames a run folder within its parent; returns the new folder. Throws tleg::Error if folder
/// is not a run, newName is not a plain folder name, or something already has that name.
std::string renameRun(const std::string& folder, const std::string& newName);

/// Deletes a run folder and everything in it. Refuses (tleg::Error, nothing deleted) anything
/// that does not look like a run: no run files, subfolders, links, or files a run never writes.
void deleteRun(const std::string& folder);

} // namespace tleg::workflow
