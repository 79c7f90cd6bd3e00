// tleg bench: training and inference speed against the PyTorch reference, the machine's peak,
// the side costs of the performance targets, (--accuracy) the fast path's accuracy, and (--images)
// how fast a 224-px image folder opens.
#include "bench/bench.h"
#include "bench/bench_images.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "util/error.h"
#include "util/files.h"

#include <cstdio>
#include <sstream>
#include <thread>

namespace tleg::cli {

namespace {

/// tests/bench/reference_step.py beside the working directory, else in the source tree tleg was
/// built from. (Not found through __FILE__: with CCACHE_BASEDIR, ccache makes it relative.)
std::string defaultReferenceScript()
{
    const std::string relative = "tests/bench/reference_step.py";
    if (fileExists(relative))
        return relative;
    const std::string inTree = std::string(TLEG_SOURCE_DIR) + "/" + relative;
    return fileExists(inTree) ? inTree : relative;
}

std::vector<int> threadList(const std::string& s)
{
    std::vector<int> out;
    std::stringstream ss(s);
    std::string item;
    const int all = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    while (std::getline(ss, item, ',')) {
        if (item == "all" || item == "0")
            out.push_back(all);
        else if (!item.empty())
            out.push_back(std::max(1, std::atoi(item.c_str())));
    }
    if (out.empty())
        throw Error("tleg bench: --threads expects a list such as 1,all");
    return out;
}

void say(const std::string& s)
{
    std::fprintf(stderr, "  %s\n", s.c_str());
}

std::string accuracyCheck(const CommandLine& cl)
{
    bench::AccuracyOptions a;
    a.data = cl.get("data");
    a.teacherPath = cl.get("teacher");
    a.ancestryEpochs = cl.getInt("ancestry-epochs");
    a.distillEpochs = cl.getInt("distill-epochs");
    a.finetuneEpochs = cl.getInt("finetune-epochs");
    a.desDepth = cl.getInt("depth");
    a.trainSubset = cl.getInt("train-subset");
    a.threads = threadList(cl.get("threads")).back();
    a.outDir = cl.get("run-dir");
    return bench::formatAccuracy(a, bench::runAccuracyCheck(a, say, &stopFlag()));
}

std::string imageBench(const CommandLine& cl)
{
    bench::ImageBenchOptions o;
    o.dir = cl.get("image-dir");
    o.count = cl.getInt("image-count");
    o.size = cl.getInt("image-size");
    o.scratchDir = cl.get("image-scratch");
    if (cl.has("threads"))
        o.threads = threadList(cl.get("threads")).back();
    if (cl.has("batch"))
        o.batchSize = cl.getInt("batch");
    if (o.size < 1 || o.size > 4096 || o.batchSize < 1)
        throw Error("tleg bench --images: --image-size must be 1-4096 and --batch positive");
    return bench::formatImageBench(o, bench::runImageBench(o, say));
}

std::string speedBench(const CommandLine& cl)
{
    const bool smoke = cl.flag("smoke");
    bench::BenchOptions o = smoke ? bench::BenchOptions::smoke() : bench::BenchOptions{};
    // --smoke keeps its own small numbers unless an option is given explicitly.
    auto given = [&](const char* name) { return !smoke || cl.has(name); };
    if (given("threads"))
        o.threads = threadList(cl.get("threads"));
    if (given("rounds"))
        o.rounds = static_cast<int>(cl.getInt("rounds"));
    if (given("steps"))
        o.steps = static_cast<int>(cl.getInt("steps"));
    if (given("warmup"))
        o.warmup = static_cast<int>(cl.getInt("warmup"));
    if (given("batch"))
        o.batchSize = cl.getInt("batch");
    if (given("eval-batch"))
        o.evalBatchSize = cl.getInt("eval-batch");
    o.workloads = splitList(cl.get("workloads"));
    o.data = cl.get("data");
    if (cl.has("model"))
        o.student = model::ViTConfig::preset(cl.get("model"));
    if (cl.has("teacher-model"))
        o.teacher = model::ViTConfig::preset(cl.get("teacher-model"));
    o.only = cl.get("only");
    o.handCast = cl.flag("hand-cast");
    o.large = !cl.flag("no-large");
    o.python = cl.get("python");
    o.referenceAllocator = cl.get("reference-allocator");
    std::string allocatorWords; // an unknown name, or tcmalloc asked for but missing: stop here
    bench::referenceAllocatorEnv(o.referenceAllocator, allocatorWords);
    if (!cl.flag("no-reference"))
        o.referenceScript = cl.has("reference") ? cl.get("reference") : defaultReferenceScript();
    o.extras = !cl.flag("no-extras");
    o.busy = !cl.flag("no-busy");
    o.parallel = !cl.flag("no-parallel");
    return bench::formatReport(bench::runBench(o, say, &stopFlag()));
}

} // namespace

int benchCommand(const Args& args)
{
    CommandLine cl(
        "bench",
        "Images per second of the Aux-Net distillation step, Des-Net fine-tuning and inference "
        "(fp32 / bf16, 1 and all threads, teacher logits live / cached), each alternated with "
        "the same step in PyTorch (tests/bench/reference_step.py, Debian's python3-torch; bf16 "
        "under torch.autocast); a 224-px row (ViT-Ti distilled from ViT-S, the GEMMs alone "
        "against the bf16 peak, 2 threads against 1); "
        "achieved GFLOP/s against the CPU's peak; the side costs (expanded weights, batch "
        "assembly, data load, ViT-B expansion, memory over epochs); the default thread count on "
        "the machine as it is and beside a CPU-bound process it starts; each target met or "
        "missed. "
        "--images instead times opening an image folder at 224 px (first and cached pass). "
        "--accuracy instead distils and fine-tunes with the quick preset's models twice (fp32 "
        "vs the fast path) and compares top-1.",
        {{"rounds", "N", "rounds; C++ and PyTorch alternate within each", "3"},
         {"steps", "N", "timed steps per trial", "20"},
         {"warmup", "N", "untimed steps before them", "3"},
         {"threads", "LIST", "thread counts, e.g. 1,all", "1,all"},
         {"workloads", "LIST", "any of distill,finetune,infer", "distill,finetune,infer"},
         {"batch", "N", "training batch size", "128"},
         {"eval-batch", "N", "inference batch size", "500"},
         {"data", "SPEC",
          "fashion-mnist, a dataset folder, or random:SIZE (random RGB images of SIZE px)",
          "fashion-mnist"},
         {"model", "PRESET", "the student (Aux-Net / Des-Net): vit-ti, vit-s, vit-b, fmnist-ti, ...",
          "fmnist-ti"},
         {"teacher-model", "PRESET", "the ancestry that teaches it", "fmnist-s"},
         {"only", "TEXT", "only the trials whose name contains TEXT, e.g. \"bf16 aug\"", ""},
         {"hand-cast", "", "also time PyTorch bf16 with hand-cast linear inputs (old reference)",
          ""},
         {"no-large", "", "skip the 224-px row (ViT-Ti from ViT-S, batch 64, bf16, 1 and all "
                          "threads, and its GEMMs alone)",
          ""},
         {"python", "EXE", "Python with torch for the reference", "/usr/bin/python3"},
         {"reference-allocator", "NAME",
          "the reference's allocator: auto (tcmalloc if installed, else glibc-tuned), tcmalloc, "
          "glibc-tuned (the C++ trainer's mmap / trim thresholds) or glibc (as Python starts)",
          "auto"},
         {"reference", "FILE", "the PyTorch reference script (default: tests/bench/...)", ""},
         {"no-reference", "", "C++ only", ""},
         {"no-extras", "", "skip the side costs", ""},
         {"no-busy", "", "skip the busy-machine line (it starts a CPU-bound process)", ""},
         {"no-parallel", "", "skip the data-parallel line (2 processes × 1 thread vs 1 × 2)", ""},
         {"smoke", "", "a few seconds with tiny models (for tests)", ""},
         {"out", "FILE", "also write the report to FILE", ""},
         {"accuracy", "", "run the accuracy check of the fast path instead", ""},
         {"teacher", "FILE", "--accuracy: use this ancestry instead of training one", ""},
         {"ancestry-epochs", "N", "--accuracy: ancestry epochs when training one", "6"},
         {"distill-epochs", "N", "--accuracy: distillation epochs", "6"},
         {"finetune-epochs", "N", "--accuracy: Des-Net fine-tuning epochs", "2"},
         {"depth", "N", "--accuracy: Des-Net depth", "6"},
         {"train-subset", "N", "--accuracy: training images (0 = all)", "0"},
         {"run-dir", "DIR", "--accuracy: keep the runs here", ""},
         {"images", "", "measure opening a 224-px image folder instead (decode, cache, crop)", ""},
         {"image-dir", "DIR", "--images: read this <class>/<image> folder, not generated JPEGs",
          ""},
         {"image-count", "N", "--images: JPEGs to generate (320x240, random content)", "2000"},
         {"image-size", "PX", "--images: the size images are brought to", "224"},
         {"image-scratch", "DIR", "--images: where generated JPEGs and the cache go", ""}});
    if (!cl.parse(args))
        return 0;

    const std::string text = cl.flag("images")     ? imageBench(cl)
                             : cl.flag("accuracy") ? accuracyCheck(cl)
                                                   : speedBench(cl);
    std::fputs(text.c_str(), stdout);
    if (cl.has("out")) {
        writeTextAtomic(cl.get("out"), text);
        std::printf("\nwritten to %s\n", cl.get("out").c_str());
    }
    return 0;
}

} // namespace tleg::cli
