#pragma once
// Internal to the experiments: a preset's numbers and data, and every model an experiment needs,
// trained once and kept in root/cache/<label>-<hash>/ where the hash covers everything that
// determines the model (data, architecture, expansion, training options, seed, parents).
// Usage:
//   Workbench wb(options, stage, progress, stop);
//   Outcome lg = wb.learngene(Domain::Source, {}, seed);
//   Outcome des = wb.finetune(Domain::Target, {"tleg", 6, &lg}, seed);   // des.top1
#include "experiments/experiment.h"
#include "model/aux_net.h"
#include "model/vit.h"
#include "workflow/jobs.h"

#include <map>
#include <memory>

namespace tleg::experiments {

/// The numbers behind "smoke", "quick", "paper" and "full".
struct Preset {
    std::string name;
    int defaultSeeds = 3;
    int64_t trainSubset = 0, testSubset = 0; // 0 = all
    int64_t ancestrySubset = -1; // the ancestries' training images: -1 = trainSubset, 0 = all
    std::vector<int64_t> sourceClasses{0, 1, 2, 3, 4}, targetClasses{5, 6, 7, 8, 9};
    int64_t labelBudget = 200; // target training images per class
    model::ViTConfig ancestry, aux; // the Aux-Net's width is every Des-Net's width
    std::vector<int64_t> depths;    // depth-sweep and storage
    int64_t desDepth = 6;           // Des-Net depth of transfer and the ablations
    int64_t partialFrom = 2;        // partial expansion: blocks 0..k-1 independent
    train::TrainOptions ancestryTrain; // cross-entropy on the training data
    train::TrainOptions distillTrain;  // learngenes and Pre-Fin(U) pretraining (distillation)
    train::TrainOptions finetuneTrain; // Des-Nets and scratch on the same 10 classes
    train::TrainOptions targetTrain;   // Des-Nets and baselines on the target classes

    int64_t ancestryImages() const { return ancestrySubset < 0 ? trainSubset : ancestrySubset; }
    static Preset get(const std::string& name);
    nlohmann::json toJson() const;
};

/// All ten classes; the source classes (pretraining); the target classes with the label budget.
enum class Domain { All, Source, Target };

/// One trained model (or learngene) and what training it cost.
struct Outcome {
    std::string key;       // cache key: children include it in theirs
    std::string folder;    // its run folder in the cache
    std::string model;     // folder/model.safetensors
    std::string learngene; // folder/learngene.safetensors (learngenes only)
    double top1 = 0, top5 = 0;
    double seconds = 0;    // training wall time (of the run that trained it)
    int64_t images = 0;    // training images processed
    int64_t params = 0;    // parameters of the trained model
    bool cached = false;
};

/// How a Des-Net (or baseline) starts before fine-tuning.
struct DesSpec {
    std::string method;           // "scratch", "tleg", "share-init", "pre-fin", "he-lg"
    int64_t depth = 6;
    const Outcome* from = nullptr; // learngene (tleg, share-init) or pretrained model
    int64_t initFrom = 0, initTo = -1; // partial initialisation (tleg only)
};

/// Thrown inside an experiment when the stop flag or the progress callback ends a run.
struct Stopped {};

class Workbench {
public:
    Workbench(const ExperimentOptions& options, StageFn stage, train::ProgressFn progress,
              const std::atomic<bool>* stop);

    const Preset& preset() const { return m_preset; }
    int seeds() const { return m_seeds; }
    const ExperimentOptions& options() const { return m_options; }
    const data::DataSplit& data(Domain d);
    int64_t classes(Domain d);
    std::string describe(Domain d);

    /// The teacher of a domain, trained with cross-entropy from seed 0 (shared by all seeds).
    Outcome ancestry(Domain d);
    /// An Aux-Net distilled from ancestry(d); .learngene is the learngene file.
    Outcome learngene(Domain d, const model::AuxOptions& aux, uint64_t seed);
    /// Pre-Fin(U)'s pretraining: an ordinary ViT of the Aux-Net's width and this depth, trained
    /// with the learngene's recipe (same teacher, data, epochs) but without the constraint.
    Outcome pretrain(Domain d, int64_t depth, uint64_t seed);
    /// Builds the Des-Net of spec and trains it on d (finetuneTrain, or targetTrain for Target),
    /// for `epochs` epochs when given.
    Outcome finetune(Domain d, const DesSpec& spec, uint64_t seed, int64_t epochs = 0);

    void announce(const std::string& stage) const;
    int64_t trainedRuns() const { return m_trained; }
    int64_t cachedRuns() const { return m_cached; }
    /// Training time of every distinct model this experiment used, trained now or cached: what
    /// the experiment costs on its own, with an empty cache.
    double standaloneSeconds() const;

private:
    /// What a job gets from run(): its cache folder, the experiment's training options and
    /// provenance to use, and the domain's data.
    struct JobContext {
        std::string folder;
        train::TrainOptions train; // the preset's, with threads, precision, seed, provenance
        const workflow::Hooks& hooks;
        const data::DataSplit& data;
    };
    using Job = std::function<workflow::Outcome(const JobContext&)>;
    /// The cached outcome of key, or job's, trained now into the cache under label with the
    /// preset's options t.
    Outcome run(const std::string& label, const nlohmann::json& key,
                const data::DataSplit& data, train::TrainOptions t, const Job& job);
    /// The data of a domain as a cache key and as a job spec names it (the same images data(d)
    /// holds, or for an ancestry ancestryData(d)).
    nlohmann::json dataKey(Domain d, bool ancestry = false) const;
    workflow::DataSpec dataSpec(Domain d, bool ancestry = false) const;
    /// The training data of d's ancestry: data(d) unless the preset trains its ancestries on
    /// more images than the rest (ancestrySubset).
    const data::DataSplit& ancestryData(Domain d);

    ExperimentOptions m_options;
    Preset m_preset;
    int m_seeds = 3;
    StageFn m_stage;
    train::ProgressFn m_progress;
    const std::atomic<bool>* m_stop;
    std::map<Domain, data::DataSplit> m_data, m_ancestryData;
    int64_t m_trained = 0, m_cached = 0;
    std::map<std::string, double> m_used; // cache key -> training seconds
};

/// Parameters stored in a safetensors file, optionally only those whose name passes keep
/// (read from the header: the S-Params of a transferred file).
int64_t storedParameters(const std::string& path,
                         const std::function<bool(const std::string&)>& keep = {});

} // namespace tleg::experiments
