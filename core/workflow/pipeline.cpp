#include "workflow/pipeline.h"

#include "dist/world.h"
#include "util/error.h"
#include "util/files.h"
#include "workflow/jobs.h"

#include <cstdio>
#include <sstream>

namespace tleg::workflow {

PipelineOptions PipelineOptions::preset(const std::string& name)
{
    using model::ViTConfig;
    PipelineOptions o;
    o.presetName = name;
    if (name == "smoke") {
        o.trainSubset = 6000;
        o.testSubset = 2000;
        o.ancestry = ViTConfig::preset("fmnist-ti");
        o.ancestry.dim = 48;
        o.ancestry.heads = 3;
        o.ancestry.depth = 4;
        o.aux = o.ancestry;
        o.aux.dim = 32;
        o.aux.heads = 2;
        o.depths = {2, 4};
        o.ancestryTrain.epochs = 3;
        o.distillTrain.epochs = 3;
        o.finetuneTrain.epochs = 2;
        for (auto* t : {&o.ancestryTrain, &o.distillTrain, &o.finetuneTrain}) {
            t->batchSize = 64;
            t->lr = 2e-3;
            t->warmupEpochs = 0.3;
        }
    } else if (name == "quick") {
        o.ancestry = ViTConfig::preset("fmnist-s");
        o.aux = ViTConfig::preset("fmnist-ti");
        o.depths = {2, 4, 6, 8};
        o.ancestryTrain.epochs = 6;
        o.distillTrain.epochs = 6;
        o.finetuneTrain.epochs = 2;
        o.finetuneTrain.warmupEpochs = 0.2;
    } else {
        throw Error("unknown pipeline preset '" + name + "' (smoke or quick)");
    }
    o.ancestryTrain.loss.lambda = 0.0;
    o.distillTrain.loss.lambda = 1.0; // pure distillation, as the released code
    // The fast path (docs/PERFORMANCE.md): without augmentation the teacher's logits are computed
    // once and reused, 1.7× faster; at the quick preset it was not less accurate (+2.1 points
    // Aux-Net, +0.7 Des-Net).
    o.distillTrain.augment = false;
    o.distillTrain.loss.tau = 1.0;
    o.finetuneTrain.loss.lambda = 0.0;
    return o;
}

void PipelineOptions::setThreads(int threads)
{
    for (auto* t : {&ancestryTrain, &distillTrain, &finetuneTrain})
        t->threads = threads;
}

void PipelineOptions::setBf16(bool enabled)
{
    for (auto* t : {&ancestryTrain, &distillTrain, &finetuneTrain})
        t->bf16 = enabled;
}

nlohmann::json PipelineOptions::toJson() const
{
    nlohmann::json depthList = depths;
    return {{"preset", presetName},
            {"data", data},
            {"train_subset", trainSubset},
            {"test_subset", testSubset},
            {"ancestry", ancestry.toJson()},
            {"ancestry_path", ancestryPath},
            {"teacher_options", teacher.toJson()},
            {"aux", aux.toJson()},
            {"aux_options", auxOptions.toJson()},
            {"depths", depthList},
            {"ancestry_train", ancestryTrain.toJson()},
            {"distill_train", distillTrain.toJson()},
            {"finetune_train", finetuneTrain.toJson()},
            {"seed", seed}};
}

namespace {

std::string fmt(const char* f, double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

std::string markdownTable(const PipelineOptions& o, const PipelineResult& r)
{
    std::ostringstream os;
    os << "Ancestry top-1 " << fmt("%.2f", r.ancestryTop1) << " %, Aux-Net (depth "
       << o.aux.depth << ") top-1 " << fmt("%.2f", r.auxTop1) << " %, learngene "
       << fmt("%.3f", r.storedParams / 1e6) << " M stored parameters.\n"
       << "Each Des-Net and each scratch model was fine-tuned for " << o.finetuneTrain.epochs
       << " epochs on the same data.\n\n"
       << "| Depth | Params (M) | MACs (M) | Scratch top-1 | TLEG top-1 | Δ | Scratch top-5 | "
          "TLEG top-5 |\n"
       << "|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& row : r.rows)
        os << "| " << row.depth << " | " << fmt("%.3f", row.params / 1e6) << " | "
           << fmt("%.2f", row.macs / 1e6) << " | " << fmt("%.2f", row.scratchTop1) << " | "
           << fmt("%.2f", row.tlegTop1) << " | " << fmt("%+.2f", row.tlegTop1 - row.scratchTop1)
           << " | " << fmt("%.2f", row.scratchTop5) << " | " << fmt("%.2f", row.tlegTop5)
           << " |\n";
    return os.str();
}

std::string csvTable(const PipelineResult& r)
{
    std::ostringstream os;
    os << "depth,params,macs,scratch_top1,scratch_top5,scratch_seconds,tleg_top1,tleg_top5,"
          "tleg_seconds,scratch_model,tleg_model\n";
    for (const auto& row : r.rows)
        os << row.depth << ',' << row.params << ',' << row.macs
           << ',' << row.scratchTop1 << ',' << row.scratchTop5 << ',' << row.scratchSeconds << ','
           << row.tlegTop1 << ',' << row.tlegTop5 << ',' << row.tlegSeconds << ','
           << row.scratchPath << ',' << row.tlegPath << '\n';
    return os.str();
}

} // namespace

namespace {

/// The pipeline's parts after one another, each a workflow job on the data opened once.
class Pipeline {
public:
    Pipeline(const PipelineOptions& o, const StageFn& stage, const train::ProgressFn& progress,
             const std::atomic<bool>* stop)
        : m_o(o), m_stage(stage), m_hooks{progress, {}, stop}
    {
        m_data.options.trainSubset = o.trainSubset;
        m_data.options.testSubset = o.testSubset;
        m_data.options.seed = o.seed;
        m_data.source = o.data;
    }

    PipelineResult run()
    {
        // Every stage's options are checked before anything is loaded or written.
        for (const auto* t : {&m_o.ancestryTrain, &m_o.distillTrain, &m_o.finetuneTrain})
            t->validate();
        announce("load data");
        m_split = openData(m_data);
        // A given ancestry is checked (and scored) before anything is written.
        const std::string given = m_o.ancestryPath.empty() ? std::string() : givenAncestry();
        if (dist::isWriter()) { // data-parallel: rank 0 writes, every rank runs every stage
            makeDirs(m_o.outDir);
            writeTextAtomic(joinPath(m_o.outDir, "pipeline.json"), m_o.toJson().dump(2) + "\n");
        }
        const std::string teacher = given.empty() ? trainAncestry() : given;
        if (m_r.stopped || !distill(teacher))
            return m_r;
        for (int64_t depth : m_o.depths) {
            DepthRow row;
            if (!depthRow(depth, row))
                return m_r;
            m_r.rows.push_back(row);
        }
        m_r.tableMarkdown = markdownTable(m_o, m_r);
        if (dist::isWriter()) {
            writeTextAtomic(joinPath(m_o.outDir, "results.md"), m_r.tableMarkdown);
            writeTextAtomic(joinPath(m_o.outDir, "results.csv"), csvTable(m_r));
        }
        return m_r;
    }

private:
    void announce(const std::string& s) const
    {
        if (m_stage)
            m_stage(s);
    }

    train::TrainOptions withSeed(train::TrainOptions t) const
    {
        t.seed = m_o.seed;
        return t;
    }

    /// Records a stop; true when the pipeline must end here.
    bool stopped(const Outcome& o)
    {
        bool asked = m_hooks.stopRequested();
        if (dist::World* w = dist::current()) // data-parallel: all ranks end at the same stage
            asked = w->anyRank(asked, "agreeing to stop the pipeline");
        m_r.stopped = m_r.stopped || o.stopped() || asked;
        return m_r.stopped;
    }

    /// The given ancestry, opened as the distillation will see it (its input converted, its
    /// classes mapped) and scored on the test split.
    std::string givenAncestry()
    {
        announce("load ancestry " + m_o.ancestryPath);
        auto teacher = openTeacher(m_o.ancestryPath, m_o.teacher, m_split.train, m_hooks);
        m_r.ancestryTop1 = train::evaluateTeacher(*teacher, m_split.test,
                                                  data::computeNormalization(m_split.train))
                               .top1;
        return m_o.ancestryPath;
    }

    /// The teacher file: an ancestry trained now.
    std::string trainAncestry()
    {
        announce("train ancestry");
        TrainSpec spec = TrainSpec::ancestry(m_data, m_o.ancestry, withSeed(m_o.ancestryTrain));
        spec.out = joinPath(m_o.outDir, runFolderBase(Role::Ancestry));
        const Outcome t = runTrain(spec, m_hooks, &m_split);
        m_r.ancestryTop1 = t.result.testTop1;
        m_r.ancestrySeconds = t.result.seconds;
        stopped(t);
        return t.model;
    }

    /// Distils the learngene; false when stopped.
    bool distill(const std::string& teacher)
    {
        announce("distill learngene");
        DistillSpec spec;
        spec.data = m_data;
        spec.aux = m_o.aux;
        spec.auxOptions = m_o.auxOptions;
        spec.teacher = teacher;
        if (!m_o.ancestryPath.empty())
            spec.teacherOptions = m_o.teacher;
        spec.train = withSeed(m_o.distillTrain);
        spec.out = joinPath(m_o.outDir, runFolderBase(Role::AuxNet));
        spec.learngene = joinPath(m_o.outDir, "learngene.safetensors");
        const Outcome d = runDistill(spec, m_hooks, &m_split);
        m_r.auxTop1 = d.result.testTop1;
        m_r.distillSeconds = d.result.seconds;
        m_r.learngenePath = d.learngene;
        m_r.storedParams = d.storedParams;
        m_aux = fitAux();
        return !stopped(d);
    }

    model::ViTConfig fitAux() const
    {
        model::ViTConfig c = m_o.aux;
        c.numClasses = m_split.train.numClasses;
        c.channels = m_split.train.channels();
        c.imageSize = m_split.train.height();
        return c;
    }

    /// A Des-Net of this depth and its scratch twin; false when stopped.
    bool depthRow(int64_t depth, DepthRow& row)
    {
        row.depth = depth;
        model::ViTConfig cfg = m_aux;
        cfg.depth = depth;
        row.params = cfg.totalParams();
        row.macs = cfg.forwardMacs();
        const uint64_t initSeed = m_o.seed + static_cast<uint64_t>(depth);

        announce("expand and fine-tune depth " + std::to_string(depth));
        TrainSpec des;
        des.role = Role::DesNet;
        des.data = m_data;
        des.init.method = InitMethod::Learngene;
        des.init.path = m_r.learngenePath;
        des.init.expand.depth = depth;
        des.init.expand.seed = initSeed;
        des.init.seed = initSeed;
        des.train = withSeed(m_o.finetuneTrain);
        des.out = joinPath(m_o.outDir, runFolderBase(Role::DesNet, depth));
        const Outcome ft = runTrain(des, m_hooks, &m_split);
        row.tlegTop1 = ft.result.testTop1;
        row.tlegTop5 = ft.result.testTop5;
        row.tlegSeconds = ft.result.seconds;
        row.tlegPath = joinPath(des.out, "model.safetensors");
        if (stopped(ft))
            return false;

        announce("scratch depth " + std::to_string(depth));
        TrainSpec sc;
        sc.role = Role::Scratch;
        sc.data = m_data;
        sc.init.config = cfg;
        sc.init.seed = initSeed;
        sc.train = withSeed(m_o.finetuneTrain);
        sc.out = joinPath(m_o.outDir, runFolderBase(Role::Scratch, depth));
        const Outcome st = runTrain(sc, m_hooks, &m_split);
        row.scratchTop1 = st.result.testTop1;
        row.scratchTop5 = st.result.testTop5;
        row.scratchSeconds = st.result.seconds;
        row.scratchPath = joinPath(sc.out, "model.safetensors");
        return !stopped(st);
    }

    const PipelineOptions& m_o;
    const StageFn& m_stage;
    Hooks m_hooks;
    DataSpec m_data;
    data::DataSplit m_split;
    model::ViTConfig m_aux;
    PipelineResult m_r;
};

} // namespace

PipelineResult runPipeline(const PipelineOptions& o, const StageFn& stage,
                           const train::ProgressFn& progress, const std::atomic<bool>* stop)
{
    if (o.depths.empty())
        throw Error("pipeline: no Des-Net depths given");
    return Pipeline(o, stage, progress, stop).run();
}

} // namespace tleg::workflow
