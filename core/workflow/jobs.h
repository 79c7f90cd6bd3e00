#pragma once
// The jobs every front end runs: the CLI commands, the GUI pages, `tleg pipeline` and
// `tleg experiment` call these and nothing below them. Each builds what its spec describes
// (data, network, teacher), trains through train::train, writes the run folder (config.json
// holds "job" and "spec") and reports through Hooks.
// Usage:
//   DistillSpec s; s.teacher = "runs/ancestry/model.safetensors"; s.out = "runs/aux-net";
//   Outcome o = runDistill(s, {onProgress, onLog, &stop});      // o.learngene, o.result
//   Outcome again = rerun("runs/aux-net", "", {});              // the same metrics for fp32
#include "model/script_classifier.h"
#include "workflow/specs.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace tleg::workflow {

/// How a job talks back: training progress (return false to stop), one line for the user at a
/// time (what was built, where files went), and the stop flag checked every batch.
struct Hooks {
    train::ProgressFn progress;
    std::function<void(const std::string&)> log;
    const std::atomic<bool>* stop = nullptr;

    void say(const std::string& line) const;
    bool stopRequested() const { return stop && stop->load(); }
};

/// What a training job left behind.
struct Outcome {
    std::string runDir;
    std::string model;     ///< runDir/model.safetensors; empty when stopped
    std::string learngene; ///< DistillSpec only; empty when stopped
    train::TrainResult result;
    int64_t params = 0;       ///< parameters of the trained network
    int64_t storedParams = 0; ///< DistillSpec: the learngene's S-Params
    bool stopped() const { return result.stopped; }
};

/// Trains a ViT as spec describes. data: an open split that matches spec.data (the GUI's open
/// dataset, a pipeline's or an experiment's shared split); nullptr opens spec.data.
Outcome runTrain(TrainSpec spec, const Hooks& hooks = {}, const data::DataSplit* data = nullptr);
/// Distils a learngene into an Aux-Net and writes it (spec.learngene, else out/learngene...).
Outcome runDistill(DistillSpec spec, const Hooks& hooks = {},
                   const data::DataSplit* data = nullptr);
/// Writes a Des-Net file from a learngene (model::saveExpanded).
void runExpand(ExpandSpec spec, const Hooks& hooks = {});

/// A distillation teacher as every job opens it: the file (train::loadTeacher), options over
/// what it says (train::applyTeacherOptions), checked against d's images and classes (one line
/// naming the file and the option that fixes a mismatch) and described in one log line
/// ("teacher: FILE: 224 px, 3 channels, ImageNet mean/std, 1000 → 10 classes via ...").
std::unique_ptr<train::Teacher> openTeacher(const std::string& path,
                                            const train::TeacherOptions& options,
                                            const data::Dataset& d, const Hooks& hooks = {});

/// A model file of any kind we read, opened: what it is and its size.
struct ModelSummary {
    std::string path;
    std::string kind;                      ///< "vit", "auxnet" or "torchscript"
    std::optional<model::ViTConfig> config; ///< absent for TorchScript
    int64_t params = 0;
    int64_t macs = 0;                      ///< per image; 0 when unknown (TorchScript)
    nlohmann::json extra = nlohmann::json::object(); ///< provenance, metrics, normalization
};
struct OpenModel {
    std::shared_ptr<model::ClassifierImpl> net;
    ModelSummary summary;
};
/// Loads a model of ours or a TorchScript classifier (by content); errors name the file.
OpenModel openModel(const std::string& path);
/// Why the model cannot take d's images or predict its classes, as one sentence; empty when it
/// can (TorchScript: always empty, it is tried on a batch).
std::string inputMismatch(const ModelSummary& model, const data::Dataset& d);
/// Top-1 / top-5 of an open model on d, normalised as the model was trained (else as d).
train::EvalResult evaluateModel(OpenModel& model, const data::Dataset& d,
                                const data::Dataset& normalisationFallback,
                                int64_t batchSize = 500, const std::atomic<bool>* stop = nullptr);
/// The evaluate job: opens spec.model and scores it on the test split; a model that does not
/// fit the data is an error naming the file.
train::EvalResult runEval(const EvalSpec& spec, const Hooks& hooks = {},
                          const data::DataSplit* data = nullptr);

/// The job a run folder's config.json records.
struct RunRecord {
    std::string job; ///< "train" or "distill"
    nlohmann::json spec;
};
/// Throws tleg::Error naming config.json when it holds no job (made before the workflow layer,
/// or not by TLEG Studio).
RunRecord readRunRecord(const std::string& runDir);
/// The folder a rerun of runDir writes to by default: "<runDir>-rerun" (then -rerun-2, ...).
std::string rerunFolder(const std::string& runDir);
/// Runs runDir's job again, from scratch, into out (empty: rerunFolder(runDir)). The same spec
/// gives the same seed, threads and precision, so in fp32 the same metrics to the last digit.
Outcome rerun(const std::string& runDir, const std::string& out, const Hooks& hooks = {});

} // namespace tleg::workflow
