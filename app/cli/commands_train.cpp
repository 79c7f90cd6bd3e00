// The training commands: each fills a workflow job spec from its options and runs it.
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress_printer.h"
#include "util/error.h"
#include "util/files.h"
#include "workflow/jobs.h"
#include "workflow/pipeline.h"

#include <cstdio>

namespace tleg::cli {

int trainAncestryCommand(const Args& args)
{
    CommandLine cl("train-ancestry",
                   "Train an ancestry ViT from scratch with cross-entropy. Writes "
                   "OUT/model.safetensors, checkpoint.safetensors, metrics.csv, log.txt.",
                   concat({{{"out", "DIR", "run folder (default: the next free runs/ancestry)", ""}},
                           dataOptions(), modelOptions("fmnist-s"), trainOptions("6")}));
    if (!cl.parse(args))
        return 0;
    if (auto rc = dataParallel(cl, "train-ancestry", args,
                               workflow::runFolderBase(workflow::Role::Ancestry)))
        return *rc;
    auto spec = workflow::TrainSpec::ancestry(dataSpec(cl), modelConfig(cl), trainConfig(cl));
    spec.out = runFolder(cl, workflow::runFolderBase(workflow::Role::Ancestry));
    spec.resume = cl.flag("resume");
    ProgressPrinter printer("ancestry");
    const auto o = workflow::runTrain(spec, hooksFor(printer));
    if (int rc = reportStopped(o))
        return rc;
    std::printf("ancestry: %s -> %s\n", scoreText(o.result).c_str(), o.model.c_str());
    return 0;
}

int distillCommand(const Args& args)
{
    CommandLine cl(
        "distill",
        "Distil a learngene: train an Aux-Net whose block l is θ_B + (l-1)/L·θ_A against a "
        "teacher (loss (1-λ)·CE + λ·τ²·KL). Writes OUT/model.safetensors (the Aux-Net) and "
        "OUT/learngene.safetensors.",
        concat({{{"teacher", "FILE",
                  "ancestry model: a tleg .safetensors, a timm / DeiT / torchvision ViT "
                  ".safetensors, a Hugging Face ViT folder or a TorchScript .pt", ""},
                 {"out", "DIR", "run folder (default: the next free runs/aux-net)", ""},
                 {"expand", "GROUPS", "linearly expanded modules: msa,mlp,ln (any subset)", "msa,mlp,ln"},
                 {"expand-from", "K", "partial expansion: blocks 0..K-1 stay independent", "0"},
                 {"partial-coefficient", "absolute|relative",
                  "with --expand-from K: c_i = i/L (absolute, block K starts at K/L) or "
                  "(i-K)/(L-K) (relative, block K starts at θ_B, as the released code)",
                  "absolute"},
                 {"share-only", "", "weight sharing instead of expansion (Share-Init baseline)", ""},
                 {"lambda", "λ", "distillation weight (1 = pure distillation)", "1.0"},
                 {"tau", "τ", "distillation temperature", "1.0"},
                 {"kd-deit-norm", "", "divide KL by batch×classes as the released code", ""},
                 {"augment", "", "random crop and flip here too (off by default: then the teacher's "
                                 "logits are computed once and reused every epoch)", ""}},
                teacherOptions(), dataOptions(), modelOptions("fmnist-ti"), trainOptions("6")}));
    if (!cl.parse(args))
        return 0;
    if (auto rc =
            dataParallel(cl, "distill", args, workflow::runFolderBase(workflow::Role::AuxNet)))
        return *rc;
    workflow::DistillSpec spec;
    spec.data = dataSpec(cl);
    spec.aux = modelConfig(cl);
    spec.auxOptions.groups = model::groupsFromString(cl.get("expand"));
    spec.auxOptions.expandFrom = cl.getInt("expand-from");
    spec.auxOptions.shareOnly = cl.flag("share-only");
    const std::string convention = cl.get("partial-coefficient");
    if (convention != "absolute" && convention != "relative")
        throw Error("--partial-coefficient must be absolute or relative, not '" + convention
                    + "'");
    spec.auxOptions.relativeCoefficients = convention == "relative";
    spec.train = trainConfig(cl);
    spec.train.augment = cl.flag("augment"); // the fast path by default (docs/PERFORMANCE.md)
    spec.train.loss.lambda = cl.getDouble("lambda");
    spec.train.loss.tau = cl.getDouble("tau");
    spec.train.loss.deitNormalisation =
        spec.train.loss.deitNormalisation || cl.flag("kd-deit-norm"); // or --recipe released
    if (spec.train.loss.lambda > 0.0)
        spec.teacher = cl.require("teacher");
    spec.teacherOptions = teacherConfig(cl);
    spec.out = runFolder(cl, workflow::runFolderBase(workflow::Role::AuxNet));
    spec.resume = cl.flag("resume");
    ProgressPrinter printer("distill");
    const auto o = workflow::runDistill(spec, hooksFor(printer));
    if (int rc = reportStopped(o))
        return rc;
    std::printf("Aux-Net: %s; learngene (%.3f M stored parameters) -> %s\n",
                scoreText(o.result).c_str(), static_cast<double>(o.storedParams) / 1e6,
                o.learngene.c_str());
    return 0;
}

int finetuneCommand(const Args& args)
{
    CommandLine cl(
        "finetune",
        "Fine-tune a ViT (a Des-Net from 'tleg expand', or any tleg ViT) with "
        "cross-entropy. A model whose head has another class count gets a fresh head.",
        concat({{{"model", "FILE",
                  "the ViT to fine-tune: a tleg model, or a timm / DeiT / torchvision "
                  ".safetensors or Hugging Face ViT folder (saved as a tleg model)",
                  ""},
                 {"out", "DIR", "run folder (default: the next free runs/fine-tune)", ""}},
                dataOptions(),
                trainOptions("3"),
                modelHintOptions("model-", "--model")}));
    if (!cl.parse(args))
        return 0;
    if (auto rc =
            dataParallel(cl, "finetune", args, workflow::runFolderBase(workflow::Role::FineTune)))
        return *rc;
    workflow::TrainSpec spec;
    spec.role = workflow::Role::FineTune;
    spec.data = dataSpec(cl);
    spec.init.method = workflow::InitMethod::Model;
    spec.init.path = cl.require("model");
    spec.init.hints = modelHints(cl, "model-");
    spec.train = trainConfig(cl);
    spec.init.seed = spec.train.seed;
    spec.train.loss.lambda = 0.0;
    spec.out = runFolder(cl, workflow::runFolderBase(workflow::Role::FineTune));
    spec.resume = cl.flag("resume");
    ProgressPrinter printer("finetune");
    const auto o = workflow::runTrain(spec, hooksFor(printer));
    if (int rc = reportStopped(o))
        return rc;
    std::printf("fine-tuned: %s -> %s\n", scoreText(o.result).c_str(), o.model.c_str());
    return 0;
}

int rerunCommand(const Args& args)
{
    CommandLine cl("rerun",
                   "Run a finished (or stopped) run again from its config.json: the same data, "
                   "model, teacher, options and seed, into a new folder. In fp32 the new "
                   "metrics.csv equals the old one (timings aside).",
                   {{"out", "DIR", "run folder (default: RUN_DIR-rerun, then -rerun-2, ...)", ""}},
                   "RUN_DIR");
    if (!cl.parse(args))
        return 0;
    const std::string runDir = cl.positional().front();
    const auto record = workflow::readRunRecord(runDir); // a clear error before anything starts
    const std::string out = cl.has("out") ? cl.get("out") : workflow::rerunFolder(runDir);
    std::printf("rerun of %s (%s) -> %s\n", runDir.c_str(), record.job.c_str(), out.c_str());
    ProgressPrinter printer("rerun");
    const auto o = workflow::rerun(runDir, out, hooksFor(printer));
    if (int rc = reportStopped(o))
        return rc;
    std::printf("rerun: %s -> %s\n", scoreText(o.result).c_str(), o.model.c_str());
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
        concat({{{"preset", "NAME", "smoke or quick", "quick"},
                 {"out", "DIR", "output folder (default runs/pipeline-PRESET)", ""},
                 {"data", "SPEC", "fashion-mnist or a dataset folder", "fashion-mnist"},
                 {"depths", "LIST", "Des-Net depths, e.g. 2,4,6 (default: the preset's)", ""},
                 {"ancestry", "FILE",
                  "use this trained ancestry (any teacher: tleg, timm / DeiT / torchvision ViT "
                  ".safetensors, Hugging Face ViT folder, TorchScript) instead of training one; "
                  "the --teacher-* options say what it takes", ""},
                 {"seed", "N", "random seed", "0"},
                 {"threads", "N", "intra-op threads (0 = the idle cores)", "0"},
                 {"recipe", "NAME",
                  "tleg (KL ÷ batch, clip 1.0) or released (KL ÷ batch×classes, no clipping, "
                  "as the paper's released code), for every stage",
                  "tleg"},
                 {"val-fraction", "F",
                  "share of each stage's training images held out to choose the epoch kept "
                  "(0: none, the last epoch is kept)",
                  "0.1"},
                 precisionOptions()[0],
                 precisionOptions()[1],
                 nprocOption()},
                teacherOptions()}));
    if (!cl.parse(args))
        return 0;
    if (auto rc = dataParallel(cl, "pipeline", args, ""))
        return *rc;
    auto o = workflow::PipelineOptions::preset(cl.get("preset"));
    o.outDir = cl.has("out") ? cl.get("out") : "runs/pipeline-" + o.presetName;
    o.data = cl.get("data");
    o.ancestryPath = cl.get("ancestry");
    o.teacher = teacherConfig(cl);
    if (o.ancestryPath.empty() && !o.teacher.isDefault())
        throw Error("--teacher-image-size, --teacher-mean, --teacher-std, --teacher-heads and "
                    "--teacher-class-map describe the --ancestry file: give --ancestry too");
    o.seed = static_cast<uint64_t>(cl.getInt("seed"));
    if (cl.has("depths"))
        o.depths = cl.getIntList("depths");
    o.setThreads(static_cast<int>(cl.getInt("threads")));
    o.setBf16(bf16Choice(cl));
    for (auto* t : {&o.ancestryTrain, &o.distillTrain, &o.finetuneTrain}) {
        train::applyRecipe(*t, cl.get("recipe"));
        t->valFraction = cl.getDouble("val-fraction");
    }

    ProgressPrinter printer("pipeline");
    auto onStage = [&](const std::string& s) {
        printer.line("== " + s);
        printer.setLabel(s);
    };
    auto r = workflow::runPipeline(o, onStage, std::ref(printer), &stopFlag());
    if (r.stopped) {
        std::printf("\npipeline stopped; finished runs are in %s\n", o.outDir.c_str());
        return 130;
    }
    std::printf("\n%s\nTable written to %s\n", r.tableMarkdown.c_str(),
                joinPath(o.outDir, "results.md").c_str());
    return 0;
}

} // namespace tleg::cli
