// The timed trials of `tleg bench`. Every C++ trial goes through train::train() or
// train::evaluate() exactly as the CLI and GUI call them, timed between progress callbacks, so
// what is measured is what users run.
#include "bench/bench.h"

#include "bench/bench_internal.h"
#include "bench/reference_process.h"
#include "data/open_dataset.h"
#include "kernels/parallel_threads.h"
#include "model/aux_net.h"
#include "model/bf16_scope.h"
#include "model/des_net.h"
#include "train/trainer.h"
#include "util/error.h"

#include <algorithm>
#include <unistd.h>
#include <chrono>
#include <thread>

namespace tleg::bench {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::vector<double> cppInferTrial(const Trial& t, BenchContext& cx)
{
    const BenchOptions& o = cx.options;
    train::applyThreads(t.threads);
    model::Bf16Scope bf16(t.bf16);
    std::vector<double> seconds;
    for (int i = 0; i < o.warmup + o.steps; ++i) {
        const auto t0 = Clock::now();
        train::evaluate(*cx.inferModel, cx.evalSubset, cx.norm, o.evalBatchSize);
        if (i >= o.warmup)
            seconds.push_back(since(t0));
    }
    return seconds;
}

std::vector<Trial> trialsFor(const std::string& workload, int threads)
{
    std::vector<Trial> out;
    auto add = [&](bool bf16, bool cached, bool augment) {
        Trial t;
        t.workload = workload;
        t.bf16 = bf16;
        t.cached = cached;
        t.augment = augment;
        t.threads = threads;
        out.push_back(t);
    };
    if (workload == "distill") {
        add(false, false, true); // the PyTorch way: fp32, teacher live
        add(true, false, true);  // bf16, teacher live, augmentation on
        add(false, true, false); // fp32, cached teacher logits (augmentation off)
        add(true, true, false);  // the fast path
    } else if (workload == "finetune" || workload == "infer") {
        add(false, false, workload == "finetune");
        add(true, false, workload == "finetune");
    } else {
        throw Error("bench: unknown workload '" + workload + "' (distill, finetune, infer)");
    }
    return out;
}

double flopsPerImage(const Trial& t, const BenchOptions& o)
{
    const double student = 2.0 * double(o.student.computedForwardMacs());
    const double teacher = 2.0 * double(o.teacher.computedForwardMacs());
    if (t.workload == "infer")
        return student;
    // A training step is about three forward passes (forward, and backward's two matmuls per
    // forward one); the live teacher adds one forward of its own.
    return 3.0 * student + (t.workload == "distill" && !t.cached ? teacher : 0.0);
}

nlohmann::json pythonRun(const Trial& t, const BenchOptions& o)
{
    return {{"cmd", "run"},        {"workload", t.workload}, {"threads", t.threads},
            {"steps", o.steps},    {"warmup", o.warmup},     {"bf16", t.bf16},
            {"augment", t.augment}, {"autocast", !t.handCast}};
}

} // namespace

std::vector<double> cppTrainTrial(const Trial& t, BenchContext& cx)
{
    const BenchOptions& o = cx.options;
    train::TrainOptions to;
    to.batchSize = o.batchSize;
    to.threads = t.threads;
    to.bf16 = t.bf16;
    to.augment = t.augment;
    to.cacheTeacherLogits = t.cached;
    to.valFraction = 0.0; // every image a timed step: no model is chosen here
    to.loss.lambda = t.workload == "distill" ? 1.0 : 0.0;
    // Cached logits are reused from the second epoch on: the first one fills the cache.
    to.epochs = t.cached ? 2 : 1;
    const int64_t perEpoch = o.warmup + o.steps;
    std::vector<double> seconds;
    Clock::time_point last = Clock::now();
    auto progress = [&](const train::Progress& p) {
        const auto now = Clock::now();
        if (p.epochDone)
            return true;
        if (p.epoch == to.epochs && p.batch > o.warmup)
            seconds.push_back(std::chrono::duration<double>(now - last).count());
        last = Clock::now();
        return true;
    };
    const data::Dataset none;
    if (t.workload == "distill") {
        torch::manual_seed(0);
        model::AuxNet aux(o.student, model::AuxOptions{});
        train::train(*aux, cx.trainSubset, none, to, cx.teacher.get(), progress);
    } else {
        model::ViT des = model::scratch(o.student, 0);
        train::train(*des, cx.trainSubset, none, to, nullptr, progress);
    }
    if (static_cast<int64_t>(seconds.size()) != o.steps)
        throw Error("bench: expected " + std::to_string(o.steps) + " timed steps, got "
                    + std::to_string(seconds.size()) + " (perEpoch " + std::to_string(perEpoch)
                    + ")");
    return seconds;
}

std::string Trial::key() const
{
    return workload + (bf16 ? " bf16" : " fp32") + (cached ? " cached" : "")
           + (augment ? " aug" : "") + " t" + std::to_string(threads);
}

std::string Trial::pythonKey() const
{
    return workload + (!bf16 ? " fp32" : handCast ? " bf16 hand-cast" : " bf16 autocast")
           + (augment ? " aug" : "") + " t" + std::to_string(threads);
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0.0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

BenchOptions BenchOptions::smoke()
{
    BenchOptions o;
    o.student.dim = 32;
    o.student.heads = 2;
    o.student.depth = 2;
    o.teacher = o.student;
    o.teacher.dim = 48;
    o.teacher.heads = 3;
    o.batchSize = 32;
    o.evalBatchSize = 64;
    o.rounds = 1;
    o.steps = 2;
    o.warmup = 1;
    o.threads = {1};
    o.memoryEpochs = 2;
    o.vitPreset = "vit-ti";
    // The large row with the same tiny models on 32-px images, 4 patches a side.
    o.largeStudent = o.student;
    o.largeTeacher = o.teacher;
    o.largeStudent.patchSize = o.largeTeacher.patchSize = 8;
    o.largeImageSize = 32;
    o.largeBatchSize = 8;
    o.largeSteps = 2;
    o.largeWarmup = o.largeRounds = 1;
    return o;
}

std::vector<std::string> referenceAllocatorEnv(const std::string& allocator, std::string& words,
                                               const std::vector<std::string>& libraryDirs)
{
    // glibc's own thresholds as the C++ trainer sets them with mallopt (train::train): blocks
    // up to 32 MiB come from the heap, and the heap's top is not given back below 128 MiB.
    // With Python's defaults (a 128 KiB trim threshold, a dynamic mmap threshold) the
    // reference's autocast step was measured 1.9x slower, depending on what ran before it.
    static const std::vector<std::string> tuned = {"MALLOC_MMAP_THRESHOLD_=33554432",
                                                   "MALLOC_TRIM_THRESHOLD_=134217728"};
    static const std::string tunedWords = "glibc with the C++ trainer's thresholds "
                                          "(MALLOC_MMAP_THRESHOLD_=32 MiB, "
                                          "MALLOC_TRIM_THRESHOLD_=128 MiB";
    if (allocator == "glibc") {
        words = "glibc, as Python starts";
        return {};
    }
    if (allocator == "glibc-tuned") {
        words = tunedWords + ")";
        return tuned;
    }
    if (allocator != "auto" && allocator != "tcmalloc")
        throw Error("unknown --reference-allocator '" + allocator
                    + "' (use auto, tcmalloc, glibc-tuned or glibc)");
    std::vector<std::string> dirs = libraryDirs;
    if (dirs.empty())
        dirs = {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64",
                "/usr/lib", "/usr/local/lib"};
    for (const auto& dir : dirs)
        for (const char* name : {"libtcmalloc_minimal.so.4", "libtcmalloc.so.4"}) {
            const std::string path = dir + "/" + name;
            if (access(path.c_str(), R_OK) == 0) {
                words = "tcmalloc (LD_PRELOAD=" + path + ")";
                return {"LD_PRELOAD=" + path};
            }
        }
    if (allocator == "tcmalloc")
        throw Error("--reference-allocator tcmalloc: no libtcmalloc_minimal.so.4 in the library "
                    "folders (Debian: apt install libtcmalloc-minimal4)");
    words = tunedWords + "; tcmalloc, faster, is not installed)";
    return tuned;
}

namespace {

/// The PyTorch reference process, set up for the bench's models; null (with the reason in
/// report.referenceProblem) when there is none.
std::unique_ptr<ReferenceProcess> startReference(const BenchOptions& options, BenchContext& cx,
                                                 BenchReport& report, const LogFn& say)
{
    if (options.referenceScript.empty()) {
        report.referenceProblem = "no reference script given";
        return nullptr;
    }
    try {
        const auto env = referenceAllocatorEnv(options.referenceAllocator, report.referenceAllocator);
        say("starting the PyTorch reference " + options.referenceScript + ", allocator "
            + report.referenceAllocator);
        auto python =
            std::make_unique<ReferenceProcess>(options.python, options.referenceScript, env);
        nlohmann::json setup = {{"cmd", "setup"},
                                {"student", cx.options.student.toJson()},
                                {"teacher", cx.options.teacher.toJson()},
                                {"batch", options.batchSize},
                                {"eval_batch", options.evalBatchSize},
                                {"data_dir", cx.pythonDataDir},
                                {"random_images", cx.trainSubset.size()}};
        const auto reply = python->request(setup);
        report.torchVersion = reply.value("torch", "?");
        // Did the choice take? (An LD_PRELOAD that fails only prints a warning.)
        const auto in = reply.value("allocator", nlohmann::json::object());
        bool took = true;
        for (const auto& e : env) {
            const auto eq = e.find('=');
            const auto name = e.substr(0, eq), value = e.substr(eq + 1);
            if (name == "LD_PRELOAD")
                took = took && in.value("tcmalloc", false);
            else
                took = took && in.value("malloc_env", nlohmann::json::object()).value(name, "") == value;
        }
        if (!env.empty())
            report.referenceAllocator += took ? ", in use" : ", NOT in use (the reference did not take it)";
        return python;
    } catch (const Error& e) {
        report.referenceProblem = e.what();
        say("no PyTorch reference: " + report.referenceProblem);
        return nullptr;
    }
}

/// One C++ trial's steps into its row (made on first use).
void runCppTrial(const Trial& t, BenchContext& cx, BenchReport& report,
                 std::map<std::string, size_t>& rowOf)
{
    const BenchOptions& options = report.options;
    const bool infer = t.workload == "infer";
    auto s = infer ? cppInferTrial(t, cx) : cppTrainTrial(t, cx);
    if (!rowOf.count(t.key())) {
        rowOf[t.key()] = report.cpp.size();
        BenchRow row;
        row.trial = t;
        row.imagesPerStep = infer ? options.evalBatchSize : options.batchSize;
        row.flopsPerImage = flopsPerImage(t, cx.options);
        report.cpp.push_back(row);
    }
    auto& dst = report.cpp[rowOf[t.key()]].seconds;
    dst.insert(dst.end(), s.begin(), s.end());
}

/// The same step in PyTorch right after C++, once per Python configuration and round.
void runPythonTrial(const Trial& t, int round, std::unique_ptr<ReferenceProcess>& python,
                    BenchReport& report, const LogFn& say)
{
    const BenchOptions& options = report.options;
    const std::string pk = t.pythonKey();
    auto& py = report.python[pk];
    if (py.size() >= static_cast<size_t>((round + 1) * options.steps))
        return;
    say("round " + std::to_string(round + 1) + "/" + std::to_string(options.rounds) + ": PyTorch "
        + pk);
    try {
        auto r = python->request(pythonRun(t, options));
        for (const auto& v : r.at("seconds"))
            py.push_back(v.get<double>());
    } catch (const Error& e) {
        report.referenceProblem = e.what();
        python.reset();
    }
}

} // namespace

BenchReport runBench(const BenchOptions& options, const LogFn& log, const std::atomic<bool>* stop)
{
    const LogFn say = [&](const std::string& s) {
        if (log)
            log(s);
    };
    if (options.rounds < 1 || options.steps < 1 || options.warmup < 1)
        throw Error("bench: rounds, steps and warmup must be at least 1");
    BenchReport report;
    report.options = options;
    if (report.options.threads.empty())
        report.options.threads = {
            1, static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))};
    auto& threads = report.options.threads;
    threads.erase(std::unique(threads.begin(), threads.end()), threads.end());
    report.loadBefore = util::loadAverage();
    say("measuring the CPU");
    report.cpu = util::detectCpu();
    report.clockReadings.push_back(report.cpu.measuredGhz);
    for (int n : threads) {
        train::applyThreads(n);
        report.parallelForThreads[n] = kernels::parallelForThreads();
    }

    say("loading " + options.data);
    BenchContext cx(report.options);
    std::unique_ptr<ReferenceProcess> python = startReference(options, cx, report, say);
    std::map<std::string, size_t> rowOf;
    for (int round = 0; round < options.rounds; ++round)
        for (int n : threads)
            for (const auto& w : options.workloads)
                for (const Trial& t : trialsFor(w, n)) {
                    if (stop && stop->load())
                        return report;
                    if (!options.only.empty() && t.key().find(options.only) == std::string::npos)
                        continue;
                    say("round " + std::to_string(round + 1) + "/" + std::to_string(options.rounds)
                        + ": C++ " + t.key());
                    runCppTrial(t, cx, report, rowOf);
                    if (python)
                        runPythonTrial(t, round, python, report, say);
                    if (python && t.bf16 && options.handCast) {
                        Trial hand = t;
                        hand.handCast = true;
                        runPythonTrial(hand, round, python, report, say);
                    }
                }
    python.reset();
    if (options.large && !(stop && stop->load()))
        measureLarge(report, say, stop);
    if (options.extras && !(stop && stop->load()))
        report.extras = measureExtras(cx, report, say);
    readClockAgain(report);
    report.loadAfter = util::loadAverage();
    return report;
}

void readClockAgain(BenchReport& report)
{
    const util::CpuInfo again = util::detectCpu();
    report.clockReadings.push_back(again.measuredGhz);
    if (report.cpu.measuredGhz > 0 && again.measuredGhz > report.cpu.measuredGhz) {
        report.cpu.measuredGhz = again.measuredGhz;
        report.cpu.imulChainGhz = again.imulChainGhz;
        report.cpu.addChainGhz = again.addChainGhz;
    }
}

} // namespace tleg::bench
