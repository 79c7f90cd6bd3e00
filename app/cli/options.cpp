#include "cli/options.h"

#include "dist/local_launcher.h"
#include "dist/world.h"
#include "util/error.h"
#include "util/machine.h"

#include <csignal>
#include <ctime>
#include <cstdio>
#include <sstream>

namespace tleg::cli {

std::vector<OptionSpec> dataOptions()
{
    return {
        {"data", "SPEC", "fashion-mnist, or a folder: IDX files, CIFAR binary, or train/ + test/ "
                         "image folders", "fashion-mnist"},
        {"train-subset", "N", "use a random subset of N training images (0 = all)", "0"},
        {"test-subset", "N", "use a random subset of N test images (0 = all)", "0"},
        {"classes", "LIST", "keep only these classes, relabelled in order (e.g. 5,6,7,8,9)", ""},
        {"per-class", "N", "at most N training images per class (label budget; 0 = all)", "0"},
        {"image-size", "PX", "resize image folders to PX×PX", "32"},
        {"grey", "", "load image folders as grey", ""},
        {"no-image-cache", "", "image folders: decode every time, write no decode cache", ""},
    };
}

std::vector<OptionSpec> modelOptions(const std::string& defaultPreset)
{
    return {
        {"model", "PRESET", "architecture preset: fmnist-ti, fmnist-s, fmnist-s4, vit-ti, vit-s, vit-b",
         defaultPreset},
        {"depth", "N", "number of blocks (overrides the preset)", ""},
        {"dim", "D", "embedding width (overrides the preset)", ""},
        {"heads", "H", "attention heads (overrides the preset)", ""},
        {"patch", "P", "patch size (overrides the preset)", ""},
        {"mlp-ratio", "R", "MLP hidden width / dim (overrides the preset)", ""},
        {"pool", "token|avg", "class token (DeiT) or average pooling with fc_norm", ""},
    };
}

std::vector<OptionSpec> modelHintOptions(const std::string& prefix, const std::string& file)
{
    const std::string of = " of a foreign " + file
                           + " (timm, HF, torchvision) when no config "
                             "beside it says";
    return {
        {prefix + "heads", "H", "attention heads" + of, ""},
        {prefix + "image-size", "PX", "input size" + of + " (checked against its shapes)", ""},
        {prefix + "mean", "M,M,M",
         "per-channel input mean" + of + " (default: ImageNet's; TorchScript: the data's)", ""},
        {prefix + "std", "S,S,S",
         "per-channel input std" + of + " (default: ImageNet's; TorchScript: the data's)", ""},
    };
}

model::ModelHints modelHints(const CommandLine& cl, const std::string& prefix)
{
    auto h = model::ModelHints::withPrefix("--" + prefix);
    if (cl.has(prefix + "heads"))
        h.heads = cl.getInt(prefix + "heads");
    if (cl.has(prefix + "image-size"))
        h.imageSize = cl.getInt(prefix + "image-size");
    for (double v :
         cl.has(prefix + "mean") ? cl.getDoubleList(prefix + "mean") : std::vector<double>())
        h.mean.push_back(static_cast<float>(v));
    for (double v :
         cl.has(prefix + "std") ? cl.getDoubleList(prefix + "std") : std::vector<double>())
        h.std.push_back(static_cast<float>(v));
    if (cl.has(prefix + "heads") && h.heads <= 0)
        throw Error("--" + prefix + "heads must be a positive number of attention heads");
    if (cl.has(prefix + "image-size") && h.imageSize <= 0)
        throw Error("--" + prefix + "image-size must be a positive number of pixels");
    h.validate();
    return h;
}

std::vector<OptionSpec> trainOptions(const std::string& defaultEpochs)
{
    return {
        {"epochs", "N", "training epochs", defaultEpochs},
        {"batch", "N", "batch size", "128"},
        {"lr", "LR", "peak learning rate (AdamW, cosine schedule)", "1e-3"},
        {"min-lr", "LR", "final learning rate", "1e-5"},
        {"warmup", "EPOCHS", "linear warmup length in epochs", "1"},
        {"wd", "W", "AdamW weight decay", "0.05"},
        {"recipe", "NAME",
         "tleg (KL ÷ batch, clip 1.0) or released (KL ÷ batch×classes, no clipping, as the "
         "paper's released code); --clip and --kd-deit-norm override it",
         "tleg"},
        {"clip", "NORM", "clip the global gradient norm (0 = off); default: the recipe's", ""},
        {"smoothing", "S", "label smoothing", "0"},
        {"val-fraction", "F",
         "share of the training images held out (the same ones every run) to choose the epoch "
         "kept; the test set is scored once, at the end (0: none, every epoch is scored on the "
         "test set and the last is kept)",
         "0.1"},
        {"no-augment", "", "no random crop and flip", ""},
        {"seed", "N", "random seed", "0"},
        {"threads", "N", "intra-op threads (0 = the idle cores)", "0"},
        {"resume", "", "continue from the run folder's checkpoint", ""},
        precisionOptions()[0],
        precisionOptions()[1],
        nprocOption(),
    };
}

std::vector<OptionSpec> teacherOptions()
{
    return {
        {"teacher-image-size", "N",
         "the teacher's image size (H = W); default: its file's, else (TorchScript) the "
         "student's; batches are resized for it (bilinear)", ""},
        {"teacher-mean", "a,b,c",
         "the teacher's per-channel mean (of pixels in [0, 1]); default: its file's, else the "
         "student's; its length sets the teacher's channels (grey <-> RGB converted)", ""},
        {"teacher-std", "a,b,c", "the teacher's per-channel std, with --teacher-mean", ""},
        {"teacher-heads", "H",
         "a foreign teacher's attention heads (timm, Hugging Face, torchvision .safetensors) "
         "when no config beside the file says", ""},
        {"teacher-class-map", "FILE|LIST",
         "the teacher's logit for each data class, in order (e.g. 0,217,482 or a file with one "
         "index a line or a JSON array): a 1000-class teacher for a 10-class subset", ""},
    };
}

train::TeacherOptions teacherConfig(const CommandLine& cl)
{
    train::TeacherOptions o;
    if (cl.has("teacher-image-size"))
        o.imageSize = cl.getInt("teacher-image-size");
    if (cl.has("teacher-image-size") && o.imageSize < 1)
        throw Error("--teacher-image-size must be at least 1, got " + cl.get("teacher-image-size"));
    if (cl.has("teacher-mean"))
        o.mean = train::parseChannelValues("--teacher-mean", cl.get("teacher-mean"));
    if (cl.has("teacher-std"))
        o.std = train::parseChannelValues("--teacher-std", cl.get("teacher-std"));
    if (cl.has("teacher-class-map"))
        o.classMap = train::parseClassMap(cl.get("teacher-class-map"));
    if (cl.has("teacher-heads"))
        o.heads = cl.getInt("teacher-heads");
    if (cl.has("teacher-heads") && o.heads < 1)
        throw Error("--teacher-heads must be at least 1, got " + cl.get("teacher-heads"));
    o.validate();
    return o;
}

OptionSpec nprocOption()
{
    return {"nproc", "N",
            "data-parallel: train in N worker processes on this machine (under torchrun, leave "
            "it out: torchrun starts the workers; see docs/SCALING.md)",
            "1"};
}

std::vector<OptionSpec> precisionOptions()
{
    return {
        {"bf16", "", "matmuls in bfloat16 (the default on CPUs with AVX-512 BF16 or AMX)", ""},
        {"fp32", "", "matmuls in float32 (the default elsewhere)", ""},
    };
}

bool bf16Choice(const CommandLine& cl)
{
    if (cl.flag("bf16") && cl.flag("fp32"))
        throw Error("--bf16 and --fp32 exclude each other");
    return cl.flag("bf16") || (!cl.flag("fp32") && util::nativeBf16());
}

std::vector<std::string> splitList(const std::string& s)
{
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

std::vector<OptionSpec> concat(std::initializer_list<std::vector<OptionSpec>> groups)
{
    std::vector<OptionSpec> out;
    for (const auto& g : groups)
        out.insert(out.end(), g.begin(), g.end());
    return out;
}

workflow::DataSpec dataSpec(const CommandLine& cl)
{
    workflow::DataSpec d;
    d.source = cl.get("data");
    auto& o = d.options;
    o.imageSize = cl.getInt("image-size");
    o.grey = cl.flag("grey");
    o.trainSubset = cl.getInt("train-subset");
    o.testSubset = cl.getInt("test-subset");
    o.seed = static_cast<uint64_t>(cl.getInt("seed"));
    if (cl.has("classes"))
        o.classes = cl.getIntList("classes");
    o.perClass = cl.getInt("per-class");
    o.imageCache = !cl.flag("no-image-cache");
    o.progress = imageDecodeProgress();
    o.log = [](const std::string& line) {
        std::printf("%s\n", line.c_str());
        std::fflush(stdout);
    };
    return d;
}

model::ViTConfig modelConfig(const CommandLine& cl)
{
    auto cfg = model::ViTConfig::preset(cl.get("model"));
    if (cl.has("depth"))
        cfg.depth = cl.getInt("depth");
    if (cl.has("dim"))
        cfg.dim = cl.getInt("dim");
    if (cl.has("heads"))
        cfg.heads = cl.getInt("heads");
    if (cl.has("patch"))
        cfg.patchSize = cl.getInt("patch");
    if (cl.has("mlp-ratio"))
        cfg.mlpRatio = cl.getDouble("mlp-ratio");
    if (cl.has("pool"))
        cfg.pooling = model::poolingFromName(cl.get("pool"));
    return cfg;
}

std::string runFolder(const CommandLine& cl, const std::string& base)
{
    if (cl.has("out"))
        return cl.get("out");
    if (cl.flag("resume"))
        throw Error("--resume needs --out: the run folder to continue");
    return workflow::newRunFolder("runs", base);
}

workflow::Hooks hooksFor(ProgressPrinter& printer)
{
    return {std::ref(printer), [&printer](const std::string& s) { printer.line(s); },
            &stopFlag()};
}

std::string scoreText(const train::TrainResult& r)
{
    char text[256];
    std::snprintf(text, sizeof text, "test top-1 %.2f%%  top-5 %.2f%%", r.testTop1, r.testTop5);
    std::string s = text;
    if (r.valImages > 0) {
        std::snprintf(text, sizeof text,
                      " (epoch %lld, chosen on %lld held-out validation images: top-1 %.2f%%)",
                      static_cast<long long>(r.selectedEpoch),
                      static_cast<long long>(r.valImages), r.valTop1);
        s += text;
    }
    return s;
}

int reportStopped(const workflow::Outcome& o)
{
    if (!o.stopped())
        return 0;
    std::printf("\nstopped after %zu epochs; continue with the same command, --out %s and "
                "--resume\n",
                o.result.history.size(), o.runDir.c_str());
    return 130;
}

train::TrainOptions trainConfig(const CommandLine& cl)
{
    train::TrainOptions o;
    o.epochs = cl.getInt("epochs");
    o.batchSize = cl.getInt("batch");
    o.lr = cl.getDouble("lr");
    o.minLr = cl.getDouble("min-lr");
    o.warmupEpochs = cl.getDouble("warmup");
    o.weightDecay = cl.getDouble("wd");
    train::applyRecipe(o, cl.get("recipe"));
    if (cl.has("clip"))
        o.clipGrad = cl.getDouble("clip");
    o.loss.labelSmoothing = cl.getDouble("smoothing");
    o.valFraction = cl.getDouble("val-fraction");
    o.augment = !cl.flag("no-augment");
    o.seed = static_cast<uint64_t>(cl.getInt("seed"));
    o.threads = static_cast<int>(cl.getInt("threads"));
    o.bf16 = bf16Choice(cl);
    o.resume = cl.flag("resume");
    return o;
}

std::atomic<bool>& stopFlag()
{
    static std::atomic<bool> flag{false};
    return flag;
}

namespace {

std::atomic<int64_t> g_lastProgress{0}; // CLOCK_MONOTONIC nanoseconds of the last batch
std::atomic<int64_t> g_firstSignal{0};  // CLOCK_MONOTONIC nanoseconds of the first SIGINT/TERM
/// A data-parallel worker gets Ctrl-C twice: from the terminal and passed on by torchrun. Within
/// this window a second signal is the same request (0 for one process: as before).
std::atomic<int64_t> g_sameSignalWindow{0};

int64_t monotonicNanoseconds()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts); // async-signal-safe, unlike std::chrono's clocks
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

extern "C" void onInterrupt(int)
{
    // A training loop that reported a batch in the last seconds will see the flag at its next
    // batch and keep its checkpoint; anything else (loading, parsing, a second Ctrl-C) would
    // not look at the flag soon, so the process leaves at once.
    const int64_t now = monotonicNanoseconds();
    const int64_t first = g_firstSignal.load();
    if (first != 0 && now - first < g_sameSignalWindow.load())
        return;
    if (first == 0)
        g_firstSignal.store(now);
    const bool training = now - g_lastProgress.load() < 10'000'000'000LL;
    if (!training || stopFlag().exchange(true))
        std::_Exit(130);
}

/// args without --nproc (and its value), with --out added when it was not given.
std::vector<std::string> workerArgs(const std::string& command,
                                    const std::vector<std::string>& args, const std::string& out)
{
    std::vector<std::string> w{"tleg", command};
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--nproc") {
            ++i;
            continue;
        }
        if (args[i].rfind("--nproc=", 0) != 0)
            w.push_back(args[i]);
    }
    if (!out.empty()) {
        w.push_back("--out");
        w.push_back(out);
    }
    return w;
}

} // namespace

std::optional<int> dataParallel(const CommandLine& cl, const std::string& command,
                                const std::vector<std::string>& args, const std::string& runBase)
{
    const int64_t nproc = cl.getInt("nproc");
    const auto env = dist::LaunchEnvironment::fromEnvironment();
    if (nproc < 1 || nproc > 1024)
        throw Error("--nproc must be between 1 and 1024, got " + std::to_string(nproc));
    if (nproc > 1) {
        if (env)
            throw Error("--nproc starts workers itself; under torchrun (WORLD_SIZE is set) leave "
                        "it out");
        dist::LocalLaunch launch;
        launch.processes = static_cast<int>(nproc);
        // The run folder is chosen once, here: each worker choosing "the next free" one could
        // pick another.
        launch.args = workerArgs(command, args,
                                 runBase.empty() || cl.has("out") ? "" : runFolder(cl, runBase));
        std::printf("%s: data-parallel in %lld worker processes on this machine\n", command.c_str(),
                    static_cast<long long>(nproc));
        std::fflush(stdout);
        return dist::runLocalWorkers(launch, [&](const std::string& s) {
            std::fprintf(stderr, "tleg %s: %s\n", command.c_str(), s.c_str());
        });
    }
    if (!env)
        return std::nullopt;
    g_sameSignalWindow.store(2'000'000'000LL);
    dist::setCurrent(dist::World::join(*env));
    if (!dist::isWriter() && !std::freopen("/dev/null", "w", stdout))
        throw Error("cannot silence the output of rank " + std::to_string(env->rank));
    std::printf("%s: rank 0 of %d workers (%s), %d on this machine\n", command.c_str(),
                env->worldSize, dist::current()->backend().c_str(), env->localWorldSize);
    return std::nullopt;
}

void noteProgress()
{
    g_lastProgress.store(monotonicNanoseconds());
}

void installInterruptHandler()
{
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

void printEval(const std::string& what, const train::EvalResult& r)
{
    std::printf("%s: top-1 %.2f%%  top-5 %.2f%%  loss %.4f  (%lld images)\n", what.c_str(),
                r.top1, r.top5, r.loss, static_cast<long long>(r.count));
}

} // namespace tleg::cli
