// The 224-px row of `tleg bench`: a ViT-Ti student distilled from a ViT-S teacher at the size
// these models are made for, bf16 with the teacher live, C++ against torch.autocast at 1 and all
// threads; and the GEMMs of that step timed alone, against the bf16 peak, with the instructions
// oneDNN chose for them.
#include "bench/bench_internal.h"
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
        for (auto [k, o] : {std::pair{d, 3 * d}, {d, d}, {d, h}, {h, d}}) {
            out.push_back({m, k, o, n});
            if (trained) {
                out.push_back({m, o, k, n});       // dX = dY · W
                out.push_back({k, m, o, n, true}); // dW = xᵀ · dY
            }
        }
    };
    add(student, true);
    if (teacherLive)
        add(teacher, false);
    return out;
}

/// Median seconds of one bf16 GEMM of this shape as LibTorch runs it.
double gemmSeconds(const Gemm& g)
{
    const auto bf16 = torch::TensorOptions().dtype(torch::kBFloat16);
    torch::Tensor a = g.transposedA ? torch::randn({g.inner, g.rows}, bf16).t()
                                    : torch::randn({g.rows, g.inner}, bf16);
    torch::Tensor b = torch::randn({g.inner, g.cols}, bf16);
    std::vector<double> s;
    for (int i = 0; i < 7; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        auto c = a.mm(b);
        if (i >= 2)
            s.push_back(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return median(s);
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
        double seconds = 0;
        for (const Gemm& x : gemms)
            seconds += gemmSeconds(x) * x.count;
        g.seconds[n] = seconds;
        g.gflops[n] = seconds > 0 ? g.flopsPerStep / seconds / 1e9 : 0.0;
    }
}

} // namespace tleg::bench
