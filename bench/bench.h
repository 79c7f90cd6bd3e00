#pragma once
// `tleg bench`: images per second of the Aux-Net distillation step, Des-Net fine-tuning and
// inference (fp32 / bf16, 1 and all threads, teacher logits live / cached), each C++ trial
// alternated with the same step of the PyTorch reference script, plus the side costs the
// performance targets name (expansion, batch assembly, data load, ViT-B expansion, memory).
// Usage:
//   BenchOptions o;  o.referenceScript = "tests/bench/reference_step.py";
//   BenchReport r = runBench(o, [](const std::string& s) { std::puts(s.c_str()); });
//   std::fputs(formatReport(r).c_str(), stdout);
#include "model/vit_config.h"
#include "util/machine.h"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tleg::bench {

struct BenchOptions {
    std::string data = "fashion-mnist";
    model::ViTConfig student = model::ViTConfig::preset("fmnist-ti"); // Aux-Net / Des-Net
    model::ViTConfig teacher = model::ViTConfig::preset("fmnist-s");  // ancestry
    int64_t batchSize = 128;
    int64_t evalBatchSize = 500;
    int rounds = 3;           // C++ and Python alternate within every round
    int steps = 20;           // timed steps per trial
    int warmup = 3;           // untimed steps before them
    std::vector<int> threads; // empty: 1 and all cores
    std::vector<std::string> workloads{"distill", "finetune", "infer"};
    std::string python = "/usr/bin/python3";
    std::string referenceScript; // empty: C++ only
    /// The memory allocator the PyTorch reference runs with: "auto" (tcmalloc when installed,
    /// else "glibc-tuned"), "tcmalloc" (LD_PRELOAD), "glibc-tuned" (glibc with the trainer's
    /// mmap and trim thresholds) or "glibc" (as Python starts). See referenceAllocatorEnv().
    std::string referenceAllocator = "auto";
    bool extras = true;          // the side costs below the table
    bool busy = true;            // with the extras: quiet vs beside a busy neighbour
    bool parallel = true;        // with the extras: 2 processes × 1 thread vs 1 × 2 vs 1 × 1
    std::string tlegPath = "/proc/self/exe"; // the CLI the data-parallel line runs
    int memoryEpochs = 4;
    std::string scratchDir; // where the ViT-B file is written; empty: the temp folder
    std::string vitPreset = "vit-b";
    /// Also time bf16 with each linear layer's inputs cast by hand in PyTorch (the reference's
    /// older bf16), beside torch.autocast.
    bool handCast = false;
    /// Only the trials whose Trial::key() contains this (e.g. "bf16 aug"); empty: all.
    std::string only;
    /// The 224-px row: a ViT-Ti student distilled from a ViT-S teacher, bf16, teacher live,
    /// on random 224-px RGB images, at 1 and all threads against torch.autocast, plus the
    /// GEMMs of that step timed alone against the bf16 peak.
    bool large = true;
    model::ViTConfig largeStudent = model::ViTConfig::preset("vit-ti");
    model::ViTConfig largeTeacher = model::ViTConfig::preset("vit-s");
    int64_t largeImageSize = 224;
    int64_t largeBatchSize = 64;
    int largeSteps = 4, largeWarmup = 2, largeRounds = 3;

    /// A run of a few seconds for tests: tiny models, one round, one thread count.
    static BenchOptions smoke();
};

/// The environment entries ("NAME=value") that give the PyTorch reference the allocator named
/// by BenchOptions::referenceAllocator, and that choice in words; throws tleg::Error for an
/// unknown name or a tcmalloc that is not installed. `libraryDirs` are searched for tcmalloc
/// (empty: the system's library folders).
std::vector<std::string> referenceAllocatorEnv(const std::string& allocator, std::string& words,
                                               const std::vector<std::string>& libraryDirs = {});

/// One configuration of a step. Python always runs the teacher live.
struct Trial {
    std::string workload; // "distill", "finetune", "infer"
    bool bf16 = false;
    bool cached = false; // teacher logits cached (distill, implies augment off)
    bool augment = true;
    int threads = 1;
    bool handCast = false;         // Python only: bf16 by hand-cast linear inputs, not autocast
    std::string key() const;       // C++ row identity
    std::string pythonKey() const; // the Python trial it is compared with
};

struct BenchRow {
    Trial trial;
    std::vector<double> seconds; // per step, all rounds
    int64_t imagesPerStep = 0;
    double flopsPerImage = 0;
};

struct BenchExtras {
    double expansionMs = -1, expansionShare = -1; // Aux-Net expanded weights, fwd + bwd
    double batchMsAugment = -1, batchMsPlain = -1, batchShare = -1;
    double datasetLoadSeconds = -1;
    double expandWriteSeconds = -1;
    double expandSeconds = -1; // of which the expansion (mean), the rest is writing
    int64_t expandWriteBytes = 0;
    std::vector<double> residentPerEpochMiB; // fast-path distillation, after each epoch
    double peakResidentMiB = 0;              // of the process, after the distillation epochs
    int sharesAtThreads = 0;                 // the thread count the shares refer to
    /// The distillation fast path's step (median seconds) with the default thread count
    /// (threads = 0: the idle cores, chosen when the run starts) on the machine as it is, then
    /// beside a CPU-bound process that the bench starts: with the default (busyThreads chosen),
    /// with 1 thread and with every core. -1: not measured.
    double quietStep = -1, busyDefaultStep = -1, busyOneStep = -1, busyAllStep = -1;
    int quietThreads = 0, busyThreads = 0, allThreads = 0;
    /// Data-parallel: images per second of the fast-path distillation (`tleg distill`, epochs
    /// after the first, medians) in 1 process × 1 thread, 1 process × 2 threads and 2 worker
    /// processes × 1 thread (--nproc 2: c10d / Gloo over 127.0.0.1). -1: not measured.
    double parallelOneByOne = -1, parallelOneByTwo = -1, parallelTwoByOne = -1;
    /// The same two workers' share of a step spent waiting for the gradient all-reduce.
    double parallelReduceShare = -1;
};

/// The GEMMs (linear layers: forward, input gradient, weight gradient; student trained, teacher
/// forward) of one training step, each timed alone in bf16 as LibTorch runs them (oneDNN).
struct GemmReport {
    std::string isa;         // oneDNN's CPU ISA ("avx512_core_bf16", "avx512_core_amx", ...)
    std::string instructions; // what that means for bf16 products, in words
    std::map<int, double> gflops;  // threads -> achieved GFLOP/s over the step's GEMMs
    std::map<int, double> seconds; // threads -> their summed time for one step
    /// threads -> the slices of the batch they ran as, one per thread, as the trainer splits
    /// its step (train::stepParts; 1: each GEMM on all the threads).
    std::map<int, int> slices;
    /// threads -> GFLOP/s of that many threads each running its own vector FMA loop: what the
    /// machine gives extra threads at all (util::vectorFmaGflops).
    std::map<int, double> fmaGflops;
    double flopsPerStep = 0;
};

struct BenchReport {
    util::CpuInfo cpu;
    /// The clock measured at the start, before the 224-px GEMMs alone and at the end (GHz; 0
    /// for a reading that was not believed). cpu's clock, and so every peak, is the highest:
    /// a slow moment of the host would otherwise inflate every "% of peak".
    std::vector<double> clockReadings;
    /// threads -> how many of them at::parallel_for in our kernels really used.
    std::map<int, int> parallelForThreads;
    double loadBefore = -1, loadAfter = -1;
    std::string torchVersion;     // of the Python reference
    std::string referenceAllocator; // what it ran with, in words
    std::string referenceProblem; // why there is no Python column, if there is none
    std::vector<BenchRow> cpp;
    std::map<std::string, std::vector<double>> python; // Trial::pythonKey() -> seconds
    BenchExtras extras;
    BenchOptions options;
    /// The 224-px row (BenchOptions::large) as a report of its own, and its GEMMs.
    std::shared_ptr<BenchReport> large;
    GemmReport gemm;
};

using LogFn = std::function<void(const std::string&)>;

/// Runs everything; throws tleg::Error for bad options or data. stop (optional) ends early.
BenchReport runBench(const BenchOptions& options, const LogFn& log = {},
                     const std::atomic<bool>* stop = nullptr);

double median(std::vector<double> v);

/// The table, the side costs and the targets as Markdown-friendly text.
std::string formatReport(const BenchReport& report);

/// The accuracy side of the fast path: distil (and fine-tune a depth-L Des-Net) once as the
/// CLI does by default (fp32, augmentation, live teacher) and once on the fast path (bf16,
/// no augmentation, cached teacher logits), from the same teacher and initialisation.
struct AccuracyOptions {
    std::string data = "fashion-mnist";
    std::string teacherPath;    // empty: train an ancestry first (fp32)
    int64_t ancestryEpochs = 6; // quick preset
    int64_t distillEpochs = 6;  // quick preset
    int64_t finetuneEpochs = 2; // quick preset
    int64_t desDepth = 6;
    int64_t trainSubset = 0; // 0 = all
    int threads = 0;
    std::string outDir; // run folders; empty: nothing written
};

struct AccuracyReport {
    double teacherTop1 = 0;
    double auxFp32 = 0, auxFast = 0, desFp32 = 0, desFast = 0;
    double distillSecondsFp32 = 0, distillSecondsFast = 0;
    double finetuneSecondsFp32 = 0, finetuneSecondsFast = 0;
};

AccuracyReport runAccuracyCheck(const AccuracyOptions& options, const LogFn& log = {},
                                const std::atomic<bool>* stop = nullptr);
std::string formatAccuracy(const AccuracyOptions& options, const AccuracyReport& report);

} // namespace tleg::bench
