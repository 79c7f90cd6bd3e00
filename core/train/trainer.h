#pragma once
// One trainer for ancestry training (cross-entropy), Aux-Net distillation (Eq. 6) and Des-Net
// fine-tuning. Long work reports through a callback that returns false to stop, and checks an
// atomic stop flag every batch. Checkpoints every epoch (atomic write) and resumes exactly.
// Front ends do not call train() directly: the workflow layer (workflow/jobs.h) builds the
// network and the teacher from a job spec and calls it.
// Usage:
//   TrainOptions o; o.epochs = 5; o.runDir = "runs/des-6"; o.loss.lambda = 0.0;
//   TrainResult r = train(*net, data.train, data.test, o, /*teacher*/ nullptr, onProgress, &stop);
//   r.testTop1;  // the epoch chosen on the held-out validation images, scored once on data.test
// Model selection: o.valFraction of the training images (the same ones in every run on the same
// data: a fixed seed) are held out; every epoch is scored on them, the best epoch's weights are
// what train() leaves in the model and saves, and the test set is scored once, at the end.
#include "data/dataset.h"
#include "dist/world.h"
#include "model/vit.h"
#include "train/loss.h"
#include "train/teacher.h"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace tleg::train {

struct TrainOptions {
    int64_t epochs = 10;
    int64_t batchSize = 128;
    double lr = 1e-3;
    double minLr = 1e-5;
    double warmupEpochs = 1.0;
    double weightDecay = 0.05;
    double clipGrad = 1.0; // max global gradient norm; 0 = off
    LossOptions loss{0.0, 1.0, 0.0, false};
    bool augment = true;
    uint64_t seed = 0;
    int threads = 0;      // intra-op threads; 0 = the idle cores (util::defaultThreads)
    bool bf16 = false;    // matmuls in bfloat16, residual stream and LayerNorm in fp32
    /// Without augmentation the teacher sees the same image every epoch: run it once per image
    /// (first epoch) and reuse its logits. Exact; off only to measure the difference.
    bool cacheTeacherLogits = true;
    std::string runDir;   // empty: no files written
    bool resume = false;  // continue from runDir/checkpoint.safetensors if present
    int64_t evalBatchSize = 500;
    /// Share of the training images held out to choose the epoch (seeded, kValSplitSeed). 0: no
    /// hold-out: every epoch is scored on the test set and the last one is kept.
    double valFraction = 0.1;
    nlohmann::json provenance = nlohmann::json::object(); // copied into saved models
    /// Written into runDir/config.json beside the trainer's own facts (model kind,
    /// architecture, options, data sizes): the workflow's job spec, what `tleg rerun` reads.
    nlohmann::json runConfig = nlohmann::json::object();

    /// The options that determine the result (not runDir, resume, provenance, runConfig).
    nlohmann::json toJson() const;
    /// Reads toJson(); keys that are absent keep their defaults, except "val_fraction": 0 when
    /// absent (what runs from before the hold-out did). Throws tleg::Error naming a field of the
    /// wrong type.
    static TrainOptions fromJson(const nlohmann::json& j);
    /// Throws tleg::Error naming the first option out of range (NaN, negative, too large), with
    /// its command-line spelling: checked before any data is read or network built.
    void validate() const;
};

/// Training recipes by name (`--recipe`): "tleg", this tool's default (KL divided by the batch,
/// global gradient norm clipped at 1.0), and "released", the recipe of the paper's released code
/// (DeiT's --kd-deit-norm: KL divided by batch × classes; no gradient clipping). applyRecipe
/// sets exactly those two fields; throws tleg::Error naming the known recipes for another name.
void applyRecipe(TrainOptions& o, const std::string& recipe);
const std::vector<std::string>& recipeNames();
/// "tleg" or "released" when o's two fields match one of them, else "custom".
std::string recipeOf(const TrainOptions& o);

/// The seed of the validation hold-out (independent of TrainOptions::seed, so that every method
/// and seed is chosen on the same images).
constexpr uint64_t kValSplitSeed = 0x5eed;

/// One epoch. val*: the held-out validation images (the test set when valFraction is 0).
struct EpochRecord {
    int64_t epoch = 0; // 1-based
    double trainLoss = 0, trainTop1 = 0, valLoss = 0, valTop1 = 0, valTop5 = 0;
    double lr = 0, seconds = 0, imagesPerSecond = 0;
};

struct Progress {
    int64_t epoch = 0, epochs = 0;   // 1-based epoch
    int64_t batch = 0, batches = 0;  // 1-based batch within the epoch
    int64_t step = 0, totalSteps = 0;
    double loss = 0, lr = 0;
    double elapsedSeconds = 0, etaSeconds = 0;
    const EpochRecord* epochDone = nullptr; // set once per epoch, after evaluation
    double imagesPerSecond = 0; // training images of all workers per second, in this call
};
using ProgressFn = std::function<bool(const Progress&)>;

struct TrainResult {
    std::vector<EpochRecord> history;
    bool stopped = false;     // stopped by the callback or the flag before the last epoch
    double seconds = 0;       // wall time of this call
    int64_t imagesSeen = 0;   // training images processed (all epochs, incl. resumed ones)
    /// The chosen epoch (1-based; the last one without a hold-out) and its validation top-1:
    /// the weights train() leaves in the model and saves.
    int64_t selectedEpoch = 0;
    double valTop1 = 0;
    /// The chosen weights on the test set, scored once after the last epoch (0 when stopped).
    double testTop1 = 0, testTop5 = 0, testLoss = 0;
    int64_t trainImages = 0, valImages = 0, testImages = 0; // trained on, held out, test
    /// Slices of the batch each step ran as, one per thread (1: the step ran whole, its
    /// operations split across the threads instead; train/step_threads.h).
    int stepSlices = 1;
};

struct EvalResult {
    double loss = 0, top1 = 0, top5 = 0; // accuracies in percent
    int64_t count = 0;
};

/// Top-1 / top-5 (percent) and cross-entropy over a dataset, in eval mode, without gradients.
/// With a world, every rank scores its part of each batch and all get the sums of all.
EvalResult evaluate(model::ClassifierImpl& model, const data::Dataset& d,
                    const data::Normalization& norm, int64_t batchSize = 500,
                    const std::atomic<bool>* stop = nullptr, dist::World* world = nullptr);

/// The same for a teacher fed from batches normalised with norm (TeacherFeed: converted for it,
/// its logits through its class map): how well it knows d's classes.
EvalResult evaluateTeacher(Teacher& teacher, const data::Dataset& d,
                           const data::Normalization& norm, int64_t batchSize = 500,
                           const std::atomic<bool>* stop = nullptr);

/// Data-parallel when this process belongs to a dist::World (dist::current()): each rank
/// trains on its slice of every global batch (options.batchSize stays the global batch), and
/// only rank 0 writes runDir (the other ranks keep model.safetensors in dist::privateFolder).
/// trainSet: the training data, of which options.valFraction is held out for selection;
/// testSet: scored once at the end (every epoch without a hold-out).
TrainResult train(model::ClassifierImpl& model, const data::Dataset& trainSet,
                  const data::Dataset& testSet, const TrainOptions& options,
                  Teacher* teacher = nullptr, const ProgressFn& progress = {},
                  const std::atomic<bool>* stop = nullptr);

/// Normalisation stored in a model's metadata ("normalization": {"mean": [...], "std": [...]}),
/// or the dataset's own when absent.
data::Normalization normalizationFrom(const nlohmann::json& extra, const data::Dataset& fallback);
nlohmann::json normalizationToJson(const data::Normalization& n);

/// Applies intra-op threads (0 = the idle cores now) for the calling thread's Torch work.
void applyThreads(int threads);

} // namespace tleg::train
