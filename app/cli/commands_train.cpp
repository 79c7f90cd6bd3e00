#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress_printer.h"
#include "model/des_net.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "train/pipeline.h"
#include "util/error.h"
#include "util/files.h"

#include <cstdio>
#include <iostream>

namespace tleg::cli {

namespace {

int reportStopped(const train::TrainResult& r, const std::string& runDir)
{
    if (!r.stopped)
        return 0;
    std::printf("\nstopped after %zu epochs; continue with the same command and --resume "
                "(checkpoint in %s)\n",
                r.history.size(), runDir.c_str());
    return 130;
}

} // namespace

int trainAncestryCommand(const Args& args)
{
    CommandLine cl("train-ancestry",
                   "Train an ancestry ViT from scratch with cross-entropy. Writes "
                   "OUT/model.safetensors, checkpoint.safetensors, metrics.csv, log.txt.",
                   concat({{{"out", "DIR", "run folder", "runs/ancestry"}},
                           dataOptions(), modelOptions("fmnist-s"), trainOptions("6")}));
    if (!cl.parse(args))
        return 0;
    auto split = openData(cl);
    auto cfg = modelConfig(cl, split.train);
    auto o = trainConfig(cl);
    o.runDir = cl.get("out");
    o.provenance = {{"role", "ancestry"}, {"data", split.train.name}};
    model::ViT net = model::scratch(cfg, o.seed);
    std::printf("ancestry: %s, %.3f M parameters\n", cfg.toJson().dump().c_str(),
                cfg.totalParams() / 1e6);
    ProgressPrinter printer("ancestry");
    auto r = train::train(*net, split.train, split.test, o, nullptr, std::ref(printer), &stopFlag());
    if (int rc = reportStopped(r, o.runDir))
        return rc;
    std::printf("ancestry: top-1 %.2f%%  top-5 %.2f%%  -> %s\n", r.finalTop1, r.finalTop5,
                joinPath(o.runDir, "model.safetensors").c_str());
    return 0;
}

int distillCommand(const Args& args)
{
    CommandLine cl(
        "distill",
        "Distil a learngene: train an Aux-Net whose block l is θ_B + (l-1)/L·θ_A against a "
        "teacher (loss (1-λ)·CE + λ·τ²·KL). Writes OUT/model.safetensors (the Aux-Net) and "
        "OUT/learngene.safetensors.",
        concat({{{"teacher", "FILE", "ancestry model: a tleg .safetensors or a TorchScript .pt", ""},
                 {"out", "DIR", "run folder", "runs/auxnet"},
                 {"expand", "GROUPS", "linearly expanded modules: msa,mlp,ln (any subset)", "msa,mlp,ln"},
                 {"expand-from", "K", "partial expansion: blocks 0..K-1 stay independent", "0"},
                 {"share-only", "", "weight sharing instead of expansion (Share-Init baseline)", ""},
                 {"lambda", "λ", "distillation weight (1 = pure distillation)", "1.0"},
                 {"tau", "τ", "distillation temperature", "1.0"},
                 {"kd-deit-norm", "", "divide KL by batch×classes as the released code", ""},
                 {"augment", "", "random crop and flip here too (off by default: then the teacher's "
                                 "logits are computed once and reused every epoch)", ""}},
                dataOptions(), modelOptions("fmnist-ti"), trainOptions("6")}));
    if (!cl.parse(args))
        return 0;
    auto split = openData(cl);
    auto cfg = modelConfig(cl, split.train);
    model::AuxOptions ao;
    ao.groups = model::groupsFromString(cl.get("expand"));
    ao.expandFrom = cl.getInt("expand-from");
    ao.shareOnly = cl.flag("share-only");
    auto o = trainConfig(cl);
    o.augment = cl.flag("augment"); // the fast path by default (docs/PERFORMANCE.md)
    o.runDir = cl.get("out");
    o.loss.lambda = cl.getDouble("lambda");
    o.loss.tau = cl.getDouble("tau");
    o.loss.deitNormalisation = cl.flag("kd-deit-norm");
    std::unique_ptr<train::Teacher> teacher;
    if (o.loss.lambda > 0.0)
        teacher = train::loadTeacher(cl.require("teacher"));
    o.provenance = {{"role", "auxnet"}, {"teacher", cl.get("teacher")}, {"data", split.train.name}};

    torch::manual_seed(o.seed);
    model::AuxNet aux(cfg, ao);
    int64_t trainable = 0;
    for (const auto& p : aux->parameters())
        trainable += p.numel();
    std::printf("Aux-Net: %s, expands %s from block %lld; %.3f M trainable parameters\n",
                cfg.toJson().dump().c_str(), model::groupsToString(ao.groups).c_str(),
                static_cast<long long>(ao.expandFrom), static_cast<double>(trainable) / 1e6);
    ProgressPrinter printer("distill");
    auto r = train::train(*aux, split.train, split.test, o, teacher.get(), std::ref(printer),
                          &stopFlag());
    if (int rc = reportStopped(r, o.runDir))
        return rc;
    const auto lg = model::Learngene::fromAuxNet(*aux);
    const std::string path = joinPath(o.runDir, "learngene.safetensors");
    lg.save(path, {{"aux_top1", r.finalTop1}, {"teacher", cl.get("teacher")},
                   {"data", split.train.name}});
    std::printf("Aux-Net: top-1 %.2f%%; learngene (%.3f M stored parameters) -> %s\n",
                r.finalTop1, lg.storedParams() / 1e6, path.c_str());
    return 0;
}

int finetuneCommand(const Args& args)
{
    CommandLine cl("finetune",
                   "Fine-tune a ViT (a Des-Net from 'tleg expand', or any tleg ViT) with "
                   "cross-entropy. A model whose head has another class count gets a fresh head.",
                   concat({{{"model", "FILE", "the ViT to fine-tune", ""},
                            {"out", "DIR", "run folder", "runs/finetune"}},
                           dataOptions(), trainOptions("3")}));
    if (!cl.parse(args))
        return 0;
    model::ModelMetadata md;
    auto net = model::loadViT(cl.require("model"), &md);
    auto split = openData(cl);
    if (net->config().numClasses != split.train.numClasses) {
        std::printf("the model has %lld classes, the data %lld: starting with a fresh head\n",
                    static_cast<long long>(net->config().numClasses),
                    static_cast<long long>(split.train.numClasses));
        const auto seed = static_cast<uint64_t>(cl.getInt("seed"));
        net = model::withNewHead(*net, split.train.numClasses, seed).ptr();
    }
    auto o = trainConfig(cl);
    o.runDir = cl.get("out");
    o.provenance = {{"role", "finetune"}, {"init", cl.get("model")}, {"data", split.train.name}};
    ProgressPrinter printer("finetune");
    auto r = train::train(*net, split.train, split.test, o, nullptr, std::ref(printer), &stopFlag());
    if (int rc = reportStopped(r, o.runDir))
        return rc;
    std::printf("fine-tuned: top-1 %.2f%%  top-5 %.2f%% -> %s\n", r.finalTop1, r.finalTop5,
                joinPath(o.runDir, "model.safetensors").c_str());
    return 0;
}

int pipelineCommand(const Args& args)
{
    CommandLine cl(
        "pipeline",
        "The whole method: train an ancestry, distil a learngene into an Aux-Net, expand it to "
        "several depths and fine-tune each Des-Net, train each depth from scratch with the same "
        "budget, and print the table. Presets: smoke (under a minute), quick (all of "
        "Fashion-MNIST).",
        {{"preset", "NAME", "smoke or quick", "quick"},
         {"out", "DIR", "output folder (default runs/pipeline-PRESET)", ""},
         {"data", "SPEC", "fashion-mnist or a dataset folder", "fashion-mnist"},
         {"depths", "LIST", "Des-Net depths, e.g. 2,4,6 (default: the preset's)", ""},
         {"ancestry", "FILE", "use this trained ancestry instead of training one", ""},
         {"seed", "N", "random seed", "0"},
         {"threads", "N", "intra-op threads (0 = all cores)", "0"},
         precisionOptions()[0],
         precisionOptions()[1]});
    if (!cl.parse(args))
        return 0;
    auto o = train::PipelineOptions::preset(cl.get("preset"));
    o.outDir = cl.has("out") ? cl.get("out") : "runs/pipeline-" + o.presetName;
    o.data = cl.get("data");
    o.ancestryPath = cl.get("ancestry");
    o.seed = static_cast<uint64_t>(cl.getInt("seed"));
    if (cl.has("depths"))
        o.depths = cl.getIntList("depths");
    o.setThreads(static_cast<int>(cl.getInt("threads")));
    o.setBf16(bf16Choice(cl));

    ProgressPrinter printer("pipeline");
    auto onStage = [&](const std::string& s) {
        std::printf("== %s\n", s.c_str());
        std::fflush(stdout);
        printer.setLabel(s);
    };
    auto r = train::runPipeline(o, onStage, std::ref(printer), &stopFlag());
    if (r.stopped) {
        std::printf("\npipeline stopped; finished runs are in %s\n", o.outDir.c_str());
        return 130;
    }
    std::printf("\n%s\nTable written to %s\n", r.tableMarkdown.c_str(),
                joinPath(o.outDir, "results.md").c_str());
    return 0;
}

} // namespace tleg::cli
