#include "cli/commands.h"
#include "cli/options.h"
#include "io/safetensors.h"
#include "model/foreign_model.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "model/script_classifier.h"
#include "util/error.h"
#include "util/files.h"
#include "workflow/jobs.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace tleg::cli {

int expandCommand(const Args& args)
{
    CommandLine cl("expand",
                   "Initialise a Des-Net of any depth from a learngene: block i (0-based) of a "
                   "depth-L model is θ_B + (i/L)·θ_A; embeddings, class token and final norm are "
                   "copied, the head too when the class count is the same.",
                   {{"learngene", "FILE", "learngene.safetensors from 'tleg distill'", ""},
                    {"depth", "N", "number of blocks of the Des-Net", "6"},
                    {"init-from", "I", "partial initialisation: first block taken from the learngene", "0"},
                    {"init-to", "J", "partial initialisation: blocks before J (default: all)", "-1"},
                    {"classes", "K", "classes of the new head (default: the learngene's)", "0"},
                    {"seed", "N", "seed for the randomly initialised parts", "0"},
                    {"out", "FILE", "output (default des-DEPTH.safetensors)", ""}});
    if (!cl.parse(args))
        return 0;
    workflow::ExpandSpec spec;
    spec.learngene = cl.require("learngene");
    spec.expand.depth = cl.getInt("depth");
    spec.expand.initFrom = cl.getInt("init-from");
    spec.expand.initTo = cl.getInt("init-to");
    spec.expand.numClasses = cl.getInt("classes");
    spec.expand.seed = static_cast<uint64_t>(cl.getInt("seed"));
    spec.out = cl.has("out") ? cl.get("out")
                             : "des-" + std::to_string(spec.expand.depth) + ".safetensors";
    workflow::runExpand(spec);
    const auto lg = model::Learngene::load(spec.learngene);
    model::ViTConfig des = lg.config;
    des.depth = spec.expand.depth;
    if (spec.expand.numClasses > 0)
        des.numClasses = spec.expand.numClasses;
    const auto depth = static_cast<long long>(spec.expand.depth);
    std::printf("Des-Net: depth %lld, %.3f M parameters, from a learngene of %.3f M stored "
                "parameters\ncoefficients c_i = %s:",
                depth, static_cast<double>(des.totalParams()) / 1e6,
                static_cast<double>(lg.storedParams()) / 1e6,
                lg.options.relativeCoefficients && lg.options.expandFrom > 0
                    ? ("(i-" + std::to_string(lg.options.expandFrom) + ")/("
                       + std::to_string(depth) + "-" + std::to_string(lg.options.expandFrom) + ")")
                          .c_str()
                    : ("i/" + std::to_string(depth)).c_str());
    for (int64_t i = lg.options.expandFrom; i < spec.expand.depth; ++i)
        std::printf(" %.3f", lg.options.coefficient(i, spec.expand.depth));
    std::printf("\n-> %s\n", spec.out.c_str());
    return 0;
}

int evalCommand(const Args& args)
{
    CommandLine cl("eval", "Top-1 / top-5 accuracy and loss of a model on the test split.",
                   concat({{{"model", "FILE",
                             "a tleg model (.safetensors), a timm / DeiT / torchvision ViT "
                             ".safetensors, a Hugging Face ViT folder or a TorchScript .pt",
                             ""},
                            {"seed", "N", "seed for --test-subset", "0"},
                            {"threads", "N", "intra-op threads (0 = the idle cores)", "0"}},
                           dataOptions(),
                           modelHintOptions("model-", "--model")}));
    if (!cl.parse(args))
        return 0;
    workflow::EvalSpec spec;
    spec.data = dataSpec(cl);
    spec.model = cl.require("model");
    spec.modelHints = modelHints(cl, "model-");
    spec.threads = static_cast<int>(cl.getInt("threads"));
    ProgressPrinter printer("eval");
    printEval(spec.model, workflow::runEval(spec, hooksFor(printer)));
    return 0;
}

namespace {

std::string shapeText(const std::vector<int64_t>& shape)
{
    std::ostringstream os;
    os << "[";
    for (size_t i = 0; i < shape.size(); ++i)
        os << (i ? ", " : "") << shape[i];
    os << "]";
    return os.str();
}

void printMetadata(const std::map<std::string, std::string>& metadata)
{
    for (const auto& [key, value] : metadata) {
        std::string shown = value;
        try {
            const auto j = nlohmann::json::parse(value);
            if (j.is_object() || j.is_array())
                shown = j.dump(2);
        } catch (const nlohmann::json::exception&) {
        }
        std::printf("%s: %s\n", key.c_str(), shown.c_str());
    }
}

/// Every tensor with dtype and shape, and the parameter count.
void printTensors(const io::SafetensorsHeader& header)
{
    std::printf("\n%-48s %-5s %s\n", "tensor", "dtype", "shape");
    for (const auto& t : header.tensors)
        std::printf("%-48s %-5s %s\n", t.name.c_str(), t.dtype.c_str(), shapeText(t.shape).c_str());
    const int64_t total = model::headerParameterCount(header);
    std::printf("\nparameters: %lld (%.3f M)\n", static_cast<long long>(total),
                static_cast<double>(total) / 1e6);
}

/// A foreign checkpoint: what TLEG Studio infers from it, or why it cannot be a model.
void printForeign(const std::string& path, const model::ModelHints& hints)
{
    try {
        const auto imported = model::inspectForeignModel(path, hints);
        std::printf("\n%s", model::importDescription({{"imported", imported.toJson()}}).c_str());
        std::printf("architecture: %s\n", imported.config.toJson().dump().c_str());
    } catch (const Error& e) {
        std::printf("\nnot usable as a model: %s\n", e.what());
    }
}

/// A TorchScript module: its parameters, and what it does with blank batches of a few shapes.
void printTorchScript(const std::string& path, const model::ModelHints& hints)
{
    model::ScriptClassifierImpl net(path);
    const int64_t params = net.parameterCount();
    std::printf("%s: TorchScript, %lld parameters (%.3f M)\n", path.c_str(),
                static_cast<long long>(params), static_cast<double>(params) / 1e6);
    std::vector<std::pair<int64_t, int64_t>> shapes = {{1, 28}, {1, 32}, {3, 32}, {3, 224}};
    if (hints.imageSize > 0)
        shapes.insert(shapes.begin(), {{3, hints.imageSize}, {1, hints.imageSize}});
    std::printf("probe: forward() on a batch of 2 blank images of each input shape\n");
    for (const auto& p : model::probeScriptClassifier(net, shapes)) {
        const std::string in = std::to_string(p.channels) + "×" + std::to_string(p.imageSize) + "×"
                               + std::to_string(p.imageSize);
        if (p.error.empty())
            std::printf("  %-14s -> output %s\n", in.c_str(), shapeText(p.outputShape).c_str());
        else
            std::printf("  %-14s fails: %s\n", in.c_str(), p.error.c_str());
    }
}

} // namespace

int infoCommand(const Args& args)
{
    CommandLine cl("info",
                   "What a model file holds: kind, architecture, expansion, provenance, and every "
                   "tensor with its dtype and shape. For a foreign ViT checkpoint (timm, DeiT, "
                   "torchvision, a Hugging Face folder) also what TLEG Studio infers from it and "
                   "from where; for TorchScript the inputs it takes, probed.",
                   modelHintOptions("", "model"), "FILE");
    if (!cl.parse(args))
        return 0;
    const std::string path = cl.positional().front();
    const model::ModelHints hints = modelHints(cl, "");
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec)) {
        requireRegularFile(path); // a FIFO would block the reads below
        if (model::isTorchScriptFile(path)) {
            printTorchScript(path, hints);
            return 0;
        }
    }
    const std::string weights = model::foreignWeightsPath(path);
    const auto header = io::readSafetensorsHeader(weights);
    std::printf("%s: %llu bytes, %zu tensors\n", weights.c_str(),
                static_cast<unsigned long long>(header.fileBytes), header.tensors.size());
    printMetadata(header.metadata);
    printTensors(header);
    if (model::isForeignModel(path))
        printForeign(path, hints);
    return 0;
}

} // namespace tleg::cli
