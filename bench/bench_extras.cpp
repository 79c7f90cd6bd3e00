// The side costs of `tleg bench` (expanded weights, batch assembly, data load, expanding and
// writing a ViT-B, memory over epochs) and the accuracy check of the fast path.
#include "bench/bench_internal.h"
#include "data/open_dataset.h"
#include "model/des_net.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "train/trainer.h"
#include "util/error.h"
#include "util/files.h"
#include "workflow/pipeline.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace tleg::bench {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

template <class F> double medianSeconds(int warmup, int reps, F&& f)
{
    std::vector<double> s;
    for (int i = 0; i < warmup + reps; ++i) {
        const auto t0 = Clock::now();
        f();
        if (i >= warmup)
            s.push_back(since(t0));
    }
    return median(s);
}

/// Forward and backward of the Aux-Net's expanded weights θ_B + c_i·θ_A alone.
double expansionSeconds(const model::ViTConfig& cfg)
{
    torch::manual_seed(0);
    model::AuxNet aux(cfg, model::AuxOptions{});
    auto expanded = [&] {
        std::vector<torch::Tensor> out;
        for (const auto& block : aux->allBlockWeights())
            for (const auto& w : block)
                if (w.defined() && !w.is_leaf())
                    out.push_back(w);
        return out;
    };
    std::vector<torch::Tensor> grads;
    for (const auto& w : expanded())
        grads.push_back(torch::ones_like(w));
    const double s = medianSeconds(3, 30, [&] { torch::autograd::backward(expanded(), grads); });
    return s;
}

double batchSeconds(const data::Dataset& d, int64_t batch, bool augment,
                    const data::Normalization& norm)
{
    data::LoaderOptions lo;
    lo.batchSize = batch;
    lo.augment = augment;
    lo.norm = norm;
    data::BatchLoader loader(d, lo);
    data::Batch b;
    return medianSeconds(3, 50, [&] {
        if (!loader.next(b)) {
            loader.startEpoch(1);
            loader.next(b);
        }
    });
}

std::string scratchFile(const std::string& dir)
{
    const std::string base = dir.empty() ? std::filesystem::temp_directory_path().string() : dir;
    makeDirs(base);
    return joinPath(base, "tleg-bench-" + std::to_string(getpid()) + ".safetensors");
}

/// "random:SIZE": random RGB images of SIZE px with 10 classes, as many as one trial needs, the
/// same kind the PyTorch reference makes for itself (the speed of a step does not depend on
/// what the pixels show).
data::DataSplit randomImages(const BenchOptions& o, int64_t size)
{
    if (size < 8 || size > 1024)
        throw Error("bench: --data random:SIZE wants a size of 8-1024 px, not "
                    + std::to_string(size));
    torch::manual_seed(0);
    auto make = [&](int64_t n, const std::string& name) {
        data::Dataset d;
        d.name = name;
        d.images = torch::randint(0, 256, {n, 3, size, size}, torch::kUInt8);
        d.labels = torch::randint(0, 10, {n}, torch::kLong);
        d.numClasses = 10;
        for (int c = 0; c < 10; ++c)
            d.classNames.push_back("class " + std::to_string(c));
        return d;
    };
    data::DataSplit split;
    split.train = make(o.batchSize * (o.warmup + o.steps), "random train");
    split.test = make(o.evalBatchSize, "random test");
    return split;
}

double fastStepSeconds(const BenchReport& r, int threads)
{
    for (const auto& row : r.cpp)
        if (row.trial.workload == "distill" && row.trial.bf16 && row.trial.cached
            && row.trial.threads == threads)
            return median(row.seconds);
    return -1;
}

} // namespace

BenchContext::BenchContext(BenchOptions& o) : options(o)
{
    const std::string randomPrefix = "random:";
    if (o.data.rfind(randomPrefix, 0) == 0) {
        const std::string size = o.data.substr(randomPrefix.size());
        char* end = nullptr;
        const long long px = std::strtoll(size.c_str(), &end, 10);
        if (size.empty() || *end != '\0')
            throw Error("bench: --data random:SIZE wants a size in pixels, not '" + size + "'");
        split = randomImages(o, px);
    } else {
        data::OpenOptions oo;
        split = data::openDataset(o.data, oo);
    }
    for (auto* c : {&o.student, &o.teacher}) {
        c->channels = split.train.channels();
        c->imageSize = split.train.height();
        c->numClasses = split.train.numClasses;
        c->validate();
    }
    const int64_t need = o.batchSize * (o.warmup + o.steps);
    if (split.train.size() < need || split.test.size() < o.evalBatchSize)
        throw Error("bench: the data has too few images for " + std::to_string(need)
                    + " training and " + std::to_string(o.evalBatchSize) + " evaluation images");
    trainSubset = data::subset(split.train, need, 1);
    evalSubset = data::subset(split.test, o.evalBatchSize, 2);
    norm = data::computeNormalization(split.train);
    teacher =
        std::make_unique<train::ModelTeacher>(model::scratch(o.teacher, 1).ptr(), "bench teacher");
    inferModel = model::scratch(o.student, 2).ptr();
    if (o.data == "fashion-mnist" || o.data.empty())
        pythonDataDir = data::defaultFashionMnistDir();
}

BenchExtras measureExtras(BenchContext& cx, const BenchReport& report, const LogFn& say)
{
    BenchExtras e;
    const BenchOptions& o = cx.options;
    e.sharesAtThreads = o.threads.back();
    train::applyThreads(e.sharesAtThreads);
    const double fast = fastStepSeconds(report, e.sharesAtThreads);

    say("side costs: expanded weights");
    e.expansionMs = 1e3 * expansionSeconds(o.student);
    say("side costs: batch assembly");
    e.batchMsAugment = 1e3 * batchSeconds(cx.split.train, o.batchSize, true, cx.norm);
    e.batchMsPlain = 1e3 * batchSeconds(cx.split.train, o.batchSize, false, cx.norm);
    if (fast > 0) {
        e.expansionShare = e.expansionMs / (1e3 * fast);
        e.batchShare = e.batchMsPlain / (1e3 * fast);
    }
    if (!cx.pythonDataDir.empty()) {
        say("side costs: loading Fashion-MNIST");
        e.datasetLoadSeconds = medianSeconds(0, 3, [] { data::loadFashionMnist(); });
    }

    say("side costs: memory over " + std::to_string(o.memoryEpochs) + " epochs of distillation");
#if defined(__GLIBC__)
    malloc_trim(0); // what earlier parts (the 224-px row) freed goes back before measuring
#endif
    train::TrainOptions to;
    to.batchSize = o.batchSize;
    to.threads = e.sharesAtThreads;
    to.bf16 = true;
    to.augment = false;
    to.loss.lambda = 1.0;
    to.epochs = o.memoryEpochs;
    to.valFraction = 0.0; // the same images every epoch as before the hold-out
    torch::manual_seed(0);
    model::AuxNet aux(o.student, model::AuxOptions{});
    train::train(*aux, cx.trainSubset, cx.evalSubset, to, cx.teacher.get(),
                 [&](const train::Progress& p) {
                     if (p.epochDone)
                         e.residentPerEpochMiB.push_back(util::residentMiB());
                     return true;
                 });
    e.peakResidentMiB = util::peakResidentMiB(); // before the ViT-B below
    say("side costs: expanding a learngene into a 12-block " + o.vitPreset + " and writing it");
    {
        const auto cfg = model::ViTConfig::preset(o.vitPreset);
        torch::manual_seed(0);
        model::Learngene lg =
            model::Learngene::fromAuxNet(*model::AuxNet(cfg, model::AuxOptions{}));
        const std::string path = scratchFile(o.scratchDir);
        model::ExpandOptions eo;
        eo.depth = cfg.depth;
        // As `tleg expand` and the Expand page do it: tensors computed and written directly.
        // Each time from a quiet disk: the previous file removed and everything flushed first
        // (untimed), so no run waits for the writeback of the one before.
        std::vector<double> times;
        for (int r = 0; r < 3; ++r) {
            std::filesystem::remove(path);
            ::sync();
            const auto t0 = Clock::now();
            model::saveExpanded(path, lg, eo, nlohmann::json::object());
            times.push_back(since(t0));
        }
        e.expandWriteSeconds = median(times);
        // For comparison: building the network (random initialisation included) first.
        e.expandSeconds = medianSeconds(0, 3, [&] { model::ViT des = model::expand(lg, eo); });
        e.expandWriteBytes = static_cast<int64_t>(std::filesystem::file_size(path));
        std::filesystem::remove(path);
    }
    if (o.busy)
        measureBusy(cx, e, say);
    if (o.parallel)
        measureDataParallel(cx, e, say);
    return e;
}

AccuracyReport runAccuracyCheck(const AccuracyOptions& a, const LogFn& log,
                                const std::atomic<bool>* stop)
{
    auto say = [&](const std::string& s) {
        if (log)
            log(s);
    };
    AccuracyReport r;
    data::OpenOptions oo;
    oo.trainSubset = a.trainSubset;
    const data::DataSplit split = data::openDataset(a.data, oo);
    auto quick = workflow::PipelineOptions::preset("quick");
    auto fit = [&](model::ViTConfig c) {
        c.channels = split.train.channels();
        c.imageSize = split.train.height();
        c.numClasses = split.train.numClasses;
        return c;
    };
    auto run = [&](train::TrainOptions t, const std::string& name) {
        t.threads = a.threads;
        t.runDir = a.outDir.empty() ? "" : joinPath(a.outDir, name);
        return t;
    };
    auto progress = [&](const train::Progress& p) {
        if (p.epochDone)
            say("  epoch " + std::to_string(p.epoch) + "/" + std::to_string(p.epochs)
                + ": val top-1 " + std::to_string(p.epochDone->valTop1));
        return !(stop && stop->load());
    };

    std::shared_ptr<model::ClassifierImpl> ancestry;
    if (!a.teacherPath.empty()) {
        model::ModelMetadata md;
        ancestry = model::loadClassifier(a.teacherPath, &md);
        r.teacherTop1 =
            train::evaluate(*ancestry, split.test, train::normalizationFrom(md.extra, split.train))
                .top1;
    } else {
        say("training the ancestry (fp32, " + std::to_string(a.ancestryEpochs) + " epochs)");
        auto t = run(quick.ancestryTrain, "ancestry");
        t.epochs = a.ancestryEpochs;
        model::ViT net = model::scratch(fit(quick.ancestry), 0);
        r.teacherTop1 =
            train::train(*net, split.train, split.test, t, nullptr, progress, stop).testTop1;
        ancestry = net.ptr();
    }
    train::ModelTeacher teacher(ancestry, "ancestry");

    for (bool fast : {false, true}) {
        if (stop && stop->load())
            break;
        const std::string tag = fast ? "fast" : "fp32";
        say("distilling, "
            + std::string(fast ? "fast path (bf16, no augmentation, cached "
                                 "teacher logits)"
                               : "fp32 with augmentation and a live teacher"));
        auto t = run(quick.distillTrain, "auxnet-" + tag);
        t.epochs = a.distillEpochs;
        t.bf16 = fast;
        t.augment = !fast;
        torch::manual_seed(0);
        model::AuxNet aux(fit(quick.aux), quick.auxOptions);
        const auto d = train::train(*aux, split.train, split.test, t, &teacher, progress, stop);
        say("fine-tuning a depth-" + std::to_string(a.desDepth) + " Des-Net");
        model::ExpandOptions eo;
        eo.depth = a.desDepth;
        model::ViT des = model::expand(model::Learngene::fromAuxNet(*aux), eo);
        auto ft = run(quick.finetuneTrain, "des-" + tag);
        ft.epochs = a.finetuneEpochs;
        ft.bf16 = fast;
        const auto f = train::train(*des, split.train, split.test, ft, nullptr, progress, stop);
        (fast ? r.auxFast : r.auxFp32) = d.testTop1;
        (fast ? r.desFast : r.desFp32) = f.testTop1;
        (fast ? r.distillSecondsFast : r.distillSecondsFp32) = d.seconds;
        (fast ? r.finetuneSecondsFast : r.finetuneSecondsFp32) = f.seconds;
    }
    return r;
}

} // namespace tleg::bench
