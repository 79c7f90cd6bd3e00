#pragma once
// The whole method in one call: ancestry → distil a learngene into an Aux-Net → expand to
// several depths → fine-tune each Des-Net, and train each depth from scratch with the same
// budget for comparison. Writes every run to outDir and a results table.
// Usage:
//   auto o = PipelineOptions::preset("smoke");  o.outDir = "runs/pipeline";
//   PipelineResult r = runPipeline(o, onStage, onProgress, &stop);
#include "model/aux_net.h"
#include "train/trainer.h"

namespace tleg::workflow {

struct PipelineOptions {
    std::string presetName;
    std::string outDir = "runs/pipeline";
    std::string data = "fashion-mnist";
    int64_t trainSubset = 0; // 0 = all
    int64_t testSubset = 0;
    model::ViTConfig ancestry;
    std::string ancestryPath; // use this trained model instead of training one
    /// What the ancestryPath teacher takes and its class map, where its file does not say.
    train::TeacherOptions teacher;
    model::ViTConfig aux;
    model::AuxOptions auxOptions;
    std::vector<int64_t> depths;
    train::TrainOptions ancestryTrain, distillTrain, finetuneTrain;
    uint64_t seed = 0;

    /// "smoke" (under a minute here) or "quick" (all of Fashion-MNIST).
    static PipelineOptions preset(const std::string& name);
    void setThreads(int threads);
    void setBf16(bool enabled);
    nlohmann::json toJson() const;
};

struct DepthRow {
    int64_t depth = 0;
    int64_t params = 0;
    int64_t macs = 0; // per image, the paper's "FLOPs"
    double tlegTop1 = 0, tlegTop5 = 0, tlegSeconds = 0;
    double scratchTop1 = 0, scratchTop5 = 0, scratchSeconds = 0;
    std::string tlegPath, scratchPath;
};

struct PipelineResult {
    double ancestryTop1 = 0, auxTop1 = 0;
    double ancestrySeconds = 0, distillSeconds = 0;
    std::string learngenePath;
    int64_t storedParams = 0;
    std::vector<DepthRow> rows;
    bool stopped = false;
    std::string tableMarkdown;
};

/// Called when a stage starts ("ancestry", "distill", "expand", "finetune depth 4", ...).
using StageFn = std::function<void(const std::string& stage)>;

/// Every stage is a workflow job (runTrain, runDistill) into outDir/<run>: "ancestry",
/// "aux-net", "des-<depth>", "scratch-<depth>"; the learngene is outDir/learngene.safetensors.
PipelineResult runPipeline(const PipelineOptions& options, const StageFn& stage = {},
                           const train::ProgressFn& progress = {},
                           const std::atomic<bool>* stop = nullptr);

} // namespace tleg::workflow
