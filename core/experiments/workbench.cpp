#include "experiments/workbench.h"

#include "data/open_dataset.h"
#include "io/safetensors.h"
#include "model/model_io.h"
#include "util/error.h"
#include "util/files.h"
#include "workflow/pipeline.h"
#include "workflow/run_index.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace tleg::experiments {

using model::ViTConfig;
using train::TrainOptions;

namespace {

void setAll(std::initializer_list<TrainOptions*> ts, int64_t batch, double lr, double warmup)
{
    for (auto* t : ts) {
        t->batchSize = batch;
        t->lr = lr;
        t->warmupEpochs = warmup;
    }
}

/// FNV-1a, 64 bit: stable across builds and platforms, unlike std::hash.
std::string hashOf(const std::string& s)
{
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return std::string(buf, 10);
}

/// The training path's version in cache keys. Change it with any change that makes a run with
/// the same options train to other weights (initialisation, loss, optimiser, numerics), so that
/// experiments do not reuse models trained by the older code.
constexpr const char* kTrainingCode =
    "2026-12-01 timm init (N(0, 0.02²) cut at ±2); epoch chosen on held-out validation images";

/// What determines a training run's result (threads and file locations do not).
nlohmann::json trainKey(const TrainOptions& t)
{
    nlohmann::json j = t.toJson();
    j.erase("threads");
    return j;
}

std::string readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

std::string classList(const std::vector<int64_t>& classes)
{
    std::string s;
    for (size_t i = 0; i < classes.size(); ++i)
        s += (i ? "," : "") + std::to_string(classes[i]);
    return s;
}

} // namespace

Preset Preset::get(const std::string& name)
{
    Preset p;
    p.name = name;
    for (auto* t : {&p.ancestryTrain, &p.distillTrain, &p.finetuneTrain, &p.targetTrain})
        t->augment = true;
    p.ancestryTrain.loss.lambda = 0.0;
    p.distillTrain.loss.lambda = 1.0; // pure distillation, as the released code
    p.distillTrain.loss.tau = 1.0;
    p.finetuneTrain.loss.lambda = 0.0;
    p.targetTrain.loss.lambda = 0.0;
    if (name == "smoke") {
        p.defaultSeeds = 2;
        p.trainSubset = 3000;
        p.ancestrySubset = 6000; // as the paper preset, the teachers see more than the rest
        p.testSubset = 1000;
        p.labelBudget = 60;
        const auto pipeline = workflow::PipelineOptions::preset("smoke"); // the same small models
        p.ancestry = pipeline.ancestry;
        p.aux = pipeline.aux;
        p.depths = {2, 4};
        p.desDepth = 4;
        p.partialFrom = 1;
        p.ancestryTrain.epochs = 3;
        p.distillTrain.epochs = 3;
        p.finetuneTrain.epochs = 2;
        p.targetTrain.epochs = 4;
        setAll({&p.ancestryTrain, &p.distillTrain, &p.finetuneTrain, &p.targetTrain}, 64, 2e-3,
               0.3);
    } else if (name == "quick") {
        p.defaultSeeds = 3;
        p.trainSubset = 10000;
        p.testSubset = 3000;
        p.labelBudget = 200;
        p.ancestry = ViTConfig::preset("fmnist-s");
        p.aux = ViTConfig::preset("fmnist-ti");
        p.depths = {2, 4, 6, 8};
        p.desDepth = 6;
        p.partialFrom = 2;
        p.ancestryTrain.epochs = 6;
        p.distillTrain.epochs = 5;
        p.finetuneTrain.epochs = 2;
        p.finetuneTrain.warmupEpochs = 0.2;
        p.targetTrain.epochs = 10;
        p.targetTrain.batchSize = 64;
    } else if (name == "paper") {
        // The quick preset's comparisons from a well-trained ancestry: the ancestries see all
        // 60,000 training images for 40 epochs with label smoothing (>= 90 % on Fashion-MNIST),
        // everything else a 20,000-image subset (the descendants' cost is what dominates), and
        // every model is scored on all 10,000 test images. The learngenes are distilled on the
        // fast path (no augmentation: the teacher's logits are computed once per image; with
        // --bf16, bf16 matmuls). 74 min on 2 cores with --bf16 (docs/RESULTS.md);
        // finished models are cached and a stopped run resumes.
        p = get("quick");
        p.name = name;
        p.trainSubset = 20000;
        p.ancestrySubset = 0;
        p.testSubset = 0;
        p.ancestryTrain.epochs = 40;
        p.ancestryTrain.loss.labelSmoothing = 0.1;
        p.distillTrain.epochs = 10;
        p.distillTrain.augment = false;
    } else if (name == "full") {
        p.defaultSeeds = 3;
        p.labelBudget = 1000;
        p.ancestry = ViTConfig::preset("fmnist-s");
        p.aux = ViTConfig::preset("fmnist-ti");
        p.depths = {2, 4, 6, 8, 10, 12};
        p.desDepth = 6;
        p.partialFrom = 2;
        p.ancestryTrain.epochs = 20;
        p.distillTrain.epochs = 20;
        p.finetuneTrain.epochs = 5;
        p.finetuneTrain.warmupEpochs = 0.5;
        p.targetTrain.epochs = 20;
    } else {
        throw Error("unknown experiment preset '" + name + "' (smoke, quick, paper or full)");
    }
    return p;
}

nlohmann::json Preset::toJson() const
{
    return {{"preset", name},
            {"train_subset", trainSubset},
            {"test_subset", testSubset},
            {"ancestry_subset", ancestryImages()},
            {"source_classes", sourceClasses},
            {"target_classes", targetClasses},
            {"label_budget", labelBudget},
            {"ancestry", ancestry.toJson()},
            {"aux", aux.toJson()},
            {"depths", depths},
            {"des_depth", desDepth},
            {"partial_from", partialFrom},
            {"ancestry_train", trainKey(ancestryTrain)},
            {"distill_train", trainKey(distillTrain)},
            {"finetune_train", trainKey(finetuneTrain)},
            {"target_train", trainKey(targetTrain)}};
}

Workbench::Workbench(const ExperimentOptions& options, StageFn stage,
                     train::ProgressFn progress, const std::atomic<bool>* stop)
    : m_options(options), m_preset(Preset::get(options.preset)), m_stage(std::move(stage)),
      m_progress(std::move(progress)), m_stop(stop)
{
    if (options.seeds < 0)
        throw Error("experiment: seeds must be at least 1, got " + std::to_string(options.seeds));
    m_seeds = options.seeds > 0 ? options.seeds : m_preset.defaultSeeds;
    // The recipe changes the preset's options, so it is part of every cache key through them.
    for (auto* t : {&m_preset.ancestryTrain, &m_preset.distillTrain, &m_preset.finetuneTrain,
                    &m_preset.targetTrain})
        train::applyRecipe(*t, options.recipe);
}

void Workbench::announce(const std::string& stage) const
{
    if (m_stage)
        m_stage(stage);
}

nlohmann::json Workbench::dataKey(Domain d, bool ancestry) const
{
    nlohmann::json j = {{"data", m_options.data},
                        {"train_subset", ancestry ? m_preset.ancestryImages() : m_preset.trainSubset},
                        {"test_subset", m_preset.testSubset}};
    if (d == Domain::Source)
        j["classes"] = m_preset.sourceClasses;
    if (d == Domain::Target) {
        j["classes"] = m_preset.targetClasses;
        j["per_class"] = m_preset.labelBudget;
    }
    return j;
}

const data::DataSplit& Workbench::data(Domain d)
{
    if (auto it = m_data.find(d); it != m_data.end())
        return it->second;
    if (d == Domain::All) {
        announce("load data " + m_options.data);
        data::DataSplit split = workflow::openData(dataSpec(d));
        if (split.train.numClasses < 2)
            throw Error("experiment: the data has fewer than two classes");
        return m_data[d] = std::move(split);
    }
    const data::DataSplit& all = data(Domain::All);
    const auto& classes = d == Domain::Source ? m_preset.sourceClasses : m_preset.targetClasses;
    for (int64_t c : classes)
        if (c >= all.train.numClasses)
            throw Error("experiment: the transfer split needs class " + std::to_string(c) +
                        ", but " + all.train.name + " has " +
                        std::to_string(all.train.numClasses) + " classes");
    // The job specs name this data by dataSpec(d), so a cached run can be made again from its
    // config.json alone.
    data::DataSplit split = workflow::openData(dataSpec(d));
    split.train.name = describe(d);
    split.test.name = describe(d) + " (test)";
    return m_data[d] = std::move(split);
}

const data::DataSplit& Workbench::ancestryData(Domain d)
{
    if (m_preset.ancestryImages() == m_preset.trainSubset)
        return data(d);
    if (auto it = m_ancestryData.find(d); it != m_ancestryData.end())
        return it->second;
    const data::DataSplit& same = data(d); // checks the classes
    data::DataSplit split = workflow::openData(dataSpec(d, true));
    split.train.name = same.train.name;
    split.test.name = same.test.name;
    return m_ancestryData[d] = std::move(split);
}

int64_t Workbench::classes(Domain d)
{
    return data(d).train.numClasses;
}

std::string Workbench::describe(Domain d)
{
    if (d == Domain::All)
        return m_options.data;
    if (d == Domain::Source)
        return m_options.data + " classes " + classList(m_preset.sourceClasses);
    return m_options.data + " classes " + classList(m_preset.targetClasses) + ", " +
           std::to_string(m_preset.labelBudget) + " per class";
}

workflow::DataSpec Workbench::dataSpec(Domain d, bool ancestry) const
{
    workflow::DataSpec spec;
    spec.source = m_options.data;
    spec.options.trainSubset = ancestry ? m_preset.ancestryImages() : m_preset.trainSubset;
    spec.options.testSubset = m_preset.testSubset;
    spec.options.subsetFirst = true; // as data(d): the subsets are drawn from all ten classes
    if (d == Domain::Source)
        spec.options.classes = m_preset.sourceClasses;
    if (d == Domain::Target) {
        spec.options.classes = m_preset.targetClasses;
        spec.options.perClass = m_preset.labelBudget;
    }
    return spec;
}

Outcome Workbench::run(const std::string& label, const nlohmann::json& key,
                       const data::DataSplit& data, TrainOptions t, const Job& job)
{
    Outcome out;
    // Everything else that changes the weights: the precision (applied to t below, so not in
    // the callers' keys) and the training code's version.
    nlohmann::json fullKey = key;
    fullKey["precision"] = m_options.bf16 ? "bf16" : "fp32";
    fullKey["training_code"] = kTrainingCode;
    out.key = hashOf(fullKey.dump());
    out.folder = joinPath(joinPath(m_options.root, "cache"), label + "-" + out.key);
    out.model = joinPath(out.folder, "model.safetensors");
    const std::string outcomePath = joinPath(out.folder, "outcome.json");
    const std::string cache = joinPath(m_options.root, "cache");
    const std::string hidden = joinPath(cache, workflow::kHiddenRunsMarker);
    if (!fileExists(hidden)) { // hundreds of runs: the Runs table leaves them to the Experiments tab
        makeDirs(cache);
        writeTextAtomic(hidden, "Models trained by tleg experiment, reused by key; not listed as "
                                "runs. Delete a folder to train it again.\n");
    }
    if (fileExists(outcomePath)) {
        try {
            const auto j = nlohmann::json::parse(readText(outcomePath));
            out.top1 = j.at("top1");
            out.top5 = j.at("top5");
            out.seconds = j.at("seconds");
            out.images = j.at("images");
            out.params = j.at("params");
            if (j.contains("learngene"))
                out.learngene = joinPath(out.folder, j.at("learngene").get<std::string>());
            out.cached = true;
            ++m_cached;
            m_used[out.key] = out.seconds;
            return out;
        } catch (const nlohmann::json::exception& e) {
            throw fileError(outcomePath, std::string("unreadable cache entry (") + e.what() +
                                             "); delete its folder to train it again");
        }
    }
    if (m_stop && m_stop->load())
        throw Stopped{};

    announce(label);
    makeDirs(out.folder);
    writeTextAtomic(joinPath(out.folder, "key.json"), fullKey.dump(2) + "\n");
    t.threads = m_options.threads;
    t.bf16 = m_options.bf16;
    t.provenance = {{"experiment_run", label}, {"experiment_key", out.key}};
    const workflow::Hooks hooks{m_progress, {}, m_stop};
    const workflow::Outcome r = job({out.folder, t, hooks, data});
    if (r.stopped() || (m_stop && m_stop->load()))
        throw Stopped{};

    double seconds = 0;
    for (const auto& e : r.result.history)
        seconds += e.seconds;
    out.top1 = r.result.testTop1;
    out.top5 = r.result.testTop5;
    out.seconds = seconds > 0 ? seconds : r.result.seconds;
    out.images = r.result.imagesSeen;
    out.params = r.params;
    nlohmann::json j = {{"top1", out.top1},     {"top5", out.top5},    {"seconds", out.seconds},
                        {"images", out.images}, {"params", out.params}, {"label", label},
                        {"val_top1", r.result.valTop1},   {"selected_epoch", r.result.selectedEpoch},
                        {"val_images", r.result.valImages}};
    if (!r.learngene.empty()) {
        out.learngene = r.learngene;
        j["learngene"] = "learngene.safetensors";
    }
    writeTextAtomic(outcomePath, j.dump(2) + "\n");
    ++m_trained;
    m_used[out.key] = out.seconds;
    return out;
}

double Workbench::standaloneSeconds() const
{
    double s = 0;
    for (const auto& [key, seconds] : m_used)
        s += seconds;
    return s;
}

Outcome Workbench::ancestry(Domain d)
{
    ViTConfig cfg = m_preset.ancestry;
    cfg.numClasses = classes(d);
    cfg.channels = data(d).train.channels();
    const nlohmann::json key = {{"what", "ancestry"}, {"data", dataKey(d, true)},
                                {"arch", cfg.toJson()}, {"train", trainKey(m_preset.ancestryTrain)},
                                {"seed", 0}};
    TrainOptions t = m_preset.ancestryTrain;
    t.seed = 0;
    const std::string label = d == Domain::All ? "ancestry" : "ancestry-source";
    return run(label, key, ancestryData(d), t, [this, d, cfg](const JobContext& c) {
        workflow::TrainSpec spec = workflow::TrainSpec::ancestry(dataSpec(d, true), cfg, c.train);
        spec.out = c.folder;
        spec.resume = true; // a stopped experiment continues from the last finished epoch
        return workflow::runTrain(spec, c.hooks, &c.data);
    });
}

Outcome Workbench::learngene(Domain d, const model::AuxOptions& aux, uint64_t seed)
{
    const Outcome teacher = ancestry(d);
    ViTConfig cfg = m_preset.aux;
    cfg.numClasses = classes(d);
    cfg.channels = data(d).train.channels();
    const nlohmann::json key = {{"what", "learngene"}, {"data", dataKey(d)},
                                {"arch", cfg.toJson()}, {"aux", aux.toJson()},
                                {"train", trainKey(m_preset.distillTrain)}, {"teacher", teacher.key},
                                {"seed", seed}};
    TrainOptions t = m_preset.distillTrain;
    t.seed = seed;
    std::string label = aux.shareOnly ? "share" : "learngene-" + model::groupsToString(aux.groups);
    if (aux.expandFrom > 0)
        label += "-from" + std::to_string(aux.expandFrom);
    for (char& c : label)
        if (c == ',' || c == '+')
            c = '_';
    label += (d == Domain::Source ? "-source" : "") + std::string("-s") + std::to_string(seed);
    return run(label, key, data(d), t, [this, d, cfg, aux, teacher](const JobContext& c) {
        workflow::DistillSpec spec;
        spec.data = dataSpec(d);
        spec.aux = cfg;
        spec.auxOptions = aux;
        spec.teacher = teacher.model;
        spec.train = c.train;
        spec.out = c.folder;
        spec.resume = true;
        return workflow::runDistill(spec, c.hooks, &c.data);
    });
}

Outcome Workbench::pretrain(Domain d, int64_t depth, uint64_t seed)
{
    const Outcome teacher = ancestry(d);
    ViTConfig cfg = m_preset.aux;
    cfg.depth = depth;
    cfg.numClasses = classes(d);
    cfg.channels = data(d).train.channels();
    const nlohmann::json key = {{"what", "pretrain"}, {"data", dataKey(d)},
                                {"arch", cfg.toJson()}, {"train", trainKey(m_preset.distillTrain)},
                                {"teacher", teacher.key}, {"seed", seed}};
    TrainOptions t = m_preset.distillTrain;
    t.seed = seed;
    const std::string label = "prefin-" + std::to_string(depth) +
                              (d == Domain::Source ? "-source" : "") + "-s" + std::to_string(seed);
    return run(label, key, data(d), t, [this, d, cfg, seed, teacher](const JobContext& c) {
        workflow::TrainSpec spec;
        spec.role = workflow::Role::Pretrain;
        spec.data = dataSpec(d);
        spec.init.config = cfg;
        spec.init.seed = seed;
        spec.teacher = teacher.model;
        spec.train = c.train;
        spec.out = c.folder;
        spec.resume = true;
        return workflow::runTrain(spec, c.hooks, &c.data);
    });
}

Outcome Workbench::finetune(Domain d, const DesSpec& spec, uint64_t seed, int64_t epochs)
{
    using workflow::InitMethod;
    const int64_t numClasses = classes(d);
    ViTConfig cfg = m_preset.aux;
    cfg.depth = spec.depth;
    cfg.numClasses = numClasses;
    cfg.channels = data(d).train.channels();
    const uint64_t initSeed = seed * 1000 + static_cast<uint64_t>(spec.depth);
    nlohmann::json init = {{"method", spec.method}, {"depth", spec.depth}, {"seed", initSeed}};
    workflow::InitSpec how;
    how.seed = initSeed;
    how.newHead = d == Domain::Target; // pretrained on the source classes: a new class set
    how.expand.depth = spec.depth;
    how.expand.seed = initSeed;
    workflow::Role role = workflow::Role::DesNet;
    const Outcome* from = spec.from;
    auto needFrom = [&] {
        if (!from)
            throw Error("experiment: " + spec.method + " needs a learngene or pretrained model");
        init["from"] = from->key;
    };
    if (spec.method == "scratch") {
        role = workflow::Role::Scratch;
        how.config = cfg;
    } else if (spec.method == "tleg" || spec.method == "share-init") {
        needFrom();
        init["init_from"] = spec.initFrom;
        init["init_to"] = spec.initTo;
        how.method = InitMethod::Learngene;
        how.path = from->learngene;
        how.expand.initFrom = spec.initFrom;
        how.expand.initTo = spec.initTo;
    } else if (spec.method == "pre-fin" || spec.method == "he-lg") {
        needFrom();
        role = workflow::Role::FineTune;
        how.method = spec.method == "pre-fin" ? InitMethod::Model : InitMethod::HeLg;
        how.path = from->model;
    } else {
        throw Error("experiment: unknown initialisation '" + spec.method + "'");
    }
    TrainOptions base = d == Domain::Target ? m_preset.targetTrain : m_preset.finetuneTrain;
    if (epochs > 0)
        base.epochs = epochs;
    const nlohmann::json key = {{"what", "finetune"}, {"data", dataKey(d)}, {"arch", cfg.toJson()},
                                {"init", init}, {"train", trainKey(base)}, {"seed", seed}};
    TrainOptions t = base;
    t.seed = seed;
    std::string label = spec.method + "-" + std::to_string(spec.depth);
    if (spec.initFrom != 0 || spec.initTo >= 0)
        label += "-part" + std::to_string(spec.initFrom + 1) + "to" +
                 std::to_string(spec.initTo < 0 ? spec.depth : spec.initTo);
    if (epochs > 0)
        label += "-e" + std::to_string(epochs);
    label += (d == Domain::Target ? "-target" : "") + std::string("-s") + std::to_string(seed);
    return run(label, key, data(d), t, [this, d, role, how](const JobContext& c) {
        workflow::TrainSpec s;
        s.role = role;
        s.data = dataSpec(d);
        s.init = how;
        s.train = c.train;
        s.out = c.folder;
        s.resume = true;
        return workflow::runTrain(s, c.hooks, &c.data);
    });
}

int64_t storedParameters(const std::string& path,
                         const std::function<bool(const std::string&)>& keep)
{
    return model::headerParameterCount(io::readSafetensorsHeader(path), keep);
}

} // namespace tleg::experiments
