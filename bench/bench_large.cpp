// The 224-px row of `tleg bench`: a ViT-Ti student distilled from a ViT-S teacher at the size
// these models are made for, bf16 with the teacher live, C++ against torch.autocast at 1 and all
// threads; and the GEMMs of that step timed alone, against the bf16 peak, with the instructions
// oneDNN chose for them.
#include "bench/bench_internal.h"
#include "train/step_threads.h"
#include "train/trainer.h"
#include "util/cpu_block_cache.h"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>

namespace tleg::bench {

namespace {

/// oneDNN's CPU ISA (dnnl_get_effective_cpu_isa of the libdnnl LibTorch loaded) as
/// {name, what bf16 products run on}; {"", ""} when it cannot be asked.
std::pair<std::string, std::string> onednnIsa()
{
    void* lib = dlopen("libdnnl.so.2", RTLD_LAZY | RTLD_NOLOAD);
    if (!lib)
        lib = dlopen("libdnnl.so.2", RTLD_LAZY);
    if (!lib)
        return {"", ""};
    using IsaFn = int (*)();
    const auto fn = reinterpret_cast<IsaFn>(dlsym(lib, "dnnl_get_effective_cpu_isa"));
    const int isa = fn ? fn() : -1;
    dlclose(lib);
    // dnnl_cpu_isa_t of oneDNN 2.x (dnnl_types.h).
    switch (isa) {
    case 0x3e7:
        return {"avx512_core_amx", "AMX tiles (TDPBF16PS)"};
    case 0xe7:
        return {"avx512_core_bf16", "AVX512_BF16 dot products (VDPBF16PS), no AMX"};
    case 0x67:
        return {"avx512_core_vnni", "no bf16 instructions: bf16 converted to fp32 for AVX-512 FMAs"};
    case 0x27:
        return {"avx512_core", "no bf16 instructions: bf16 converted to fp32 for AVX-512 FMAs"};
    case 0x7:
    case 0x407:
        return {"avx2", "no bf16 instructions: reference / AVX2 code"};
    default:
        return {isa < 0 ? "" : "isa 0x" + std::to_string(isa), ""};
    }
}

/// One GEMM shape of the step: rows × inner · inner × cols, occurring `count` times.
struct Gemm {
    int64_t rows, inner, cols;
    int count;
    bool transposedA = false; // the weight gradient: xᵀ · dY, x stored rows-major as [M, K]
};

/// The blocks' linear layers of one training step: for the trained student, forward (x·Wᵀ),
/// input gradient (dY·W) and weight gradient (xᵀ·dY); for a live teacher, forward only.
std::vector<Gemm> stepGemms(const model::ViTConfig& student, const model::ViTConfig& teacher,
                            int64_t batch, bool teacherLive)
{
    std::vector<Gemm> out;
    auto add = [&](const model::ViTConfig& c, bool trained) {
        const int64_t m = batch * c.numTokens(), d = c.dim, h = c.hiddenDim();
        const int n = static_cast<int>(c.depth);
        // The last block's projection and MLP see only the pooled tokens (model::blockForward).
        const int64_t pooled = c.pooledTokens() > 0 ? batch * c.pooledTokens() : m;
        auto layer = [&](int64_t rows, int64_t k, int64_t o, int count) {
            if (count <= 0)
                return;
            out.push_back({rows, k, o, count});
            if (trained) {
                out.push_back({rows, o, k, count});       // dX = dY · W
                out.push_back({k, rows, o, count, true}); // dW = xᵀ · dY
            }
        };
        layer(m, d, 3 * d, n);
        for (auto [k, o] : {std::pair{d, d}, {d, h}, {h, d}}) {
            layer(m, k, o, pooled == m ? n : n - 1);
            if (pooled != m)
                layer(pooled, k, o, 1);
        }
    };
    add(student, true);
    if (teacherLive)
        add(teacher, false);
    return out;
}

/// One bf16 GEMM's operands, as LibTorch gets them in the step.
struct GemmOperands {
    torch::Tensor a, b;
    int count;
};

std::vector<GemmOperands> operandsFor(const std::vector<Gemm>& gemms)
{
    const auto bf16 = torch::TensorOptions().dtype(torch::kBFloat16);
    std::vector<GemmOperands> out;
    for (const Gemm& g : gemms)
        out.push_back({g.transposedA ? torch::randn({g.inner, g.rows}, bf16).t()
                                     : torch::randn({g.rows, g.inner}, bf16),
                       torch::randn({g.inner, g.cols}, bf16), g.count});
    return out;
}

/// Seconds of one step's GEMMs run as the trainer runs them with `threads` threads: the batch
/// in train::stepParts slices, each slice's GEMMs on its own thread (one OpenMP thread each)
/// at the same time, or, unsplit, each GEMM on all the threads. Per GEMM shape the median of
/// five timed runs after two untimed ones, times its count.
double stepGemmSeconds(const model::ViTConfig& student, const model::ViTConfig& teacher,
                       int64_t batch, int threads)
{
    const int parts = train::stepParts(threads, batch);
    std::vector<std::vector<GemmOperands>> slices;
    for (int p = 0; p < parts; ++p) {
        slices.push_back(
            operandsFor(stepGemms(student, teacher, train::sliceRows(batch, parts, p).count, true)));
    }
    train::StepThreads pool(parts);
    double total = 0;
    for (size_t shape = 0; shape < slices[0].size(); ++shape) {
        std::vector<double> s;
        for (int i = 0; i < 7; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            pool.run([&](int p) {
                const GemmOperands& g = slices[size_t(p)][shape];
                auto c = g.a.mm(g.b);
            });
            if (i >= 2)
                s.push_back(
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        }
        total += median(s) * slices[0][shape].count;
    }
    return total;
}

} // namespace

void measureLarge(BenchReport& report, const LogFn& say, const std::atomic<bool>* stop)
{
    const BenchOptions& o = report.options;
    BenchOptions l = o;
    l.student = o.largeStudent;
    l.teacher = o.largeTeacher;
    l.data = "random:" + std::to_string(o.largeImageSize);
    l.batchSize = l.evalBatchSize = o.largeBatchSize;
    l.steps = o.largeSteps;
    l.warmup = o.largeWarmup;
    l.rounds = o.largeRounds;
    l.workloads = {"distill"};
    l.only = "distill bf16 aug";
    l.large = l.extras = l.handCast = false;
    const LogFn sayLarge = [&](const std::string& s) { say(std::to_string(o.largeImageSize) + " px: " + s); };
    report.large = std::make_shared<BenchReport>(runBench(l, sayLarge, stop));

    GemmReport& g = report.gemm;
    readClockAgain(report); // the GEMMs' share of the peak: the clock as near them as it gets
    std::tie(g.isa, g.instructions) = onednnIsa();
    const BenchOptions& fitted = report.large->options; // image size, channels, classes as run
    const auto gemms = stepGemms(fitted.student, fitted.teacher, l.batchSize, true);
    for (const Gemm& x : gemms)
        g.flopsPerStep += 2.0 * double(x.rows * x.inner * x.cols) * x.count;
    for (int n : report.large->options.threads) {
        if (stop && stop->load())
            return;
        say(std::to_string(o.largeImageSize) + " px: the step's GEMMs alone, " + std::to_string(n)
            + " thread" + (n == 1 ? "" : "s"));
        g.fmaGflops[n] = util::vectorFmaGflops(n);
        train::applyThreads(n);
        const util::CpuBlockCache::Scope blockCache; // outputs reused, as in a training step
        const double seconds =
            stepGemmSeconds(fitted.student, fitted.teacher, l.batchSize, n);
        g.slices[n] = train::stepParts(n, l.batchSize);
        g.seconds[n] = seconds;
        g.gflops[n] = seconds > 0 ? g.flopsPerStep / seconds / 1e9 : 0.0;
    }
}

} // namespace tleg::bench
