// Printing `tleg bench`: the table of medians, the side costs and each target met or missed.
#include "bench/bench.h"

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <sstream>

namespace tleg::bench {

namespace {

std::string format(const char* f, ...)
{
    char buf[512];
    va_list args;
    va_start(args, f);
    std::vsnprintf(buf, sizeof buf, f, args);
    va_end(args);
    return buf;
}

/// Images per second from the median step time.
double imagesPerSecond(const std::vector<double>& seconds, int64_t images)
{
    const double m = median(seconds);
    return m > 0 ? double(images) / m : 0.0;
}

const BenchRow* findRow(const BenchReport& r, const std::string& workload, bool bf16, bool cached,
                        int threads)
{
    for (const auto& row : r.cpp)
        if (row.trial.workload == workload && row.trial.bf16 == bf16 && row.trial.cached == cached
            && row.trial.threads == threads)
            return &row;
    return nullptr;
}

double pythonRate(const BenchReport& r, const Trial& t, bool bf16, int64_t images)
{
    Trial p = t;
    p.bf16 = bf16;
    const auto it = r.python.find(p.pythonKey());
    return it == r.python.end() ? 0.0 : imagesPerSecond(it->second, images);
}

std::string ratio(double a, double b)
{
    return a > 0 && b > 0 ? format("%.2f×", a / b) : "–";
}

std::string verdict(bool known, bool met)
{
    return !known ? "not measured" : met ? "met" : "MISSED";
}

/// "1.31× (met)", or "not measured" without a figure.
std::string measured(bool known, const std::string& figure, bool met)
{
    return known ? figure + " (" + verdict(true, met) + ")" : verdict(false, met);
}

void writeHeader(std::ostringstream& os, const BenchReport& r)
{
    const BenchOptions& o = r.options;
    os << "Machine: " << r.cpu.describe() << "\n";
    os << format("Peak per core at %.2f GHz: fp32 %.1f GFLOP/s (%.0f FLOP/cycle), bf16 %.1f "
                 "GFLOP/s (%.0f FLOP/cycle)\n",
                 r.cpu.clockGhz(), r.cpu.peakGflops(false, 1), r.cpu.fp32FlopsPerCycle(),
                 r.cpu.peakGflops(true, 1), r.cpu.bf16FlopsPerCycle());
    if (r.clockReadings.size() > 1) {
        os << "Clock readings over the run:";
        const char* comma = " ";
        for (double ghz : r.clockReadings) {
            os << comma << (ghz > 0 ? format("%.2f", ghz) : std::string("–"));
            comma = ", ";
        }
        os << " GHz; the peaks use the highest believed one\n";
    }
    os << "Threads the fused kernels' at::parallel_for uses:";
    const char* sep = " ";
    for (const auto& [asked, used] : r.parallelForThreads) {
        os << sep << format("%d of %d", used, asked);
        sep = ", ";
    }
    os << "\n";
    os << format("Load average (1 min): %.2f before, %.2f after\n", r.loadBefore, r.loadAfter);
    os << "Models: student (Aux-Net / Des-Net) " << o.student.toJson().dump() << "\n"
       << "        teacher " << o.teacher.toJson().dump() << "\n";
    os << format("Batch %lld (training), %lld (inference); %d rounds × %d timed steps after %d "
                 "warm-up steps; C++ and PyTorch alternate within each round; medians.\n",
                 static_cast<long long>(o.batchSize), static_cast<long long>(o.evalBatchSize),
                 o.rounds, o.steps, o.warmup);
    if (!r.referenceProblem.empty())
        os << "PyTorch reference: " << r.referenceProblem << "\n";
    else
        os << "PyTorch reference: torch " << r.torchVersion << " (Debian python3-torch), allocator "
           << r.referenceAllocator << "\n";
}

/// The C++ rows against PyTorch: fp32 rows against PyTorch fp32, bf16 rows against
/// torch.autocast (and, with --hand-cast, the older hand-cast bf16 in a column of its own).
void writeTable(std::ostringstream& os, const BenchReport& r)
{
    const bool hand = r.options.handCast;
    os << "\n| Workload | Precision | Teacher | Aug | Threads | C++ img/s | PyTorch img/s | C++ / "
          "PyTorch | C++ / PyTorch fp32 |"
       << (hand ? " PyTorch hand-cast img/s |" : "") << " GFLOP/s | % of peak |\n"
       << "|---|---|---|---|---:|---:|---:|---:|---:|" << (hand ? "---:|" : "") << "---:|---:|\n";
    for (const auto& row : r.cpp) {
        const Trial& t = row.trial;
        const double cpp = imagesPerSecond(row.seconds, row.imagesPerStep);
        const double same = pythonRate(r, t, t.bf16, row.imagesPerStep);
        const double fp32 = pythonRate(r, t, false, row.imagesPerStep);
        const double gflops = cpp * row.flopsPerImage / 1e9;
        const double peak = r.cpu.peakGflops(t.bf16, t.threads);
        os << "| " << t.workload << " | " << (t.bf16 ? "bf16" : "fp32") << " | "
           << (t.workload != "distill" ? "–"
               : t.cached              ? "cached"
                                       : "live")
           << " | "
           << (t.workload == "infer" ? "–"
               : t.augment           ? "on"
                                     : "off")
           << " | " << t.threads << " | " << format("%.0f", cpp) << " | "
           << (same > 0 ? format("%.0f", same) : "–") << " | " << ratio(cpp, same) << " | "
           << ratio(cpp, fp32) << " | ";
        if (hand) {
            Trial h = t;
            h.handCast = true;
            const double handRate = t.bf16 ? pythonRate(r, h, true, row.imagesPerStep) : 0.0;
            os << (handRate > 0 ? format("%.0f", handRate) : "–") << " | ";
        }
        os << format("%.1f", gflops) << " | " << format("%.1f", 100.0 * gflops / peak) << " |\n";
    }
    os << "\nPyTorch img/s: fp32 rows against PyTorch fp32; bf16 rows against the same model "
          "code under torch.autocast(\"cpu\", dtype=torch.bfloat16); cached rows against "
          "PyTorch's live teacher with augmentation off. GFLOP/s: the multiply-adds the C++ "
          "step runs (its models' last block computes only the class token), twice, over its "
          "time.\n";
}

/// The 224-px row and its GEMMs.
void writeLarge(std::ostringstream& os, const BenchReport& r)
{
    if (!r.large)
        return;
    const BenchReport& l = *r.large;
    const BenchOptions& o = l.options;
    os << format("\n%lld-px row: a %lld-block width-%lld student (patch %lld) distilled from a "
                 "%lld-block width-%lld teacher, bf16, teacher live, augmentation on, batch %lld, "
                 "random RGB images; %d round%s × %d timed steps after %d warm-up steps\n",
                 static_cast<long long>(o.student.imageSize),
                 static_cast<long long>(o.student.depth), static_cast<long long>(o.student.dim),
                 static_cast<long long>(o.student.patchSize),
                 static_cast<long long>(o.teacher.depth), static_cast<long long>(o.teacher.dim),
                 static_cast<long long>(o.batchSize), o.rounds, o.rounds == 1 ? "" : "s", o.steps,
                 o.warmup);
    if (!l.referenceProblem.empty())
        os << "PyTorch reference: " << l.referenceProblem << "\n";
    os << "\n| Threads | C++ img/s | PyTorch autocast img/s | C++ / autocast | GFLOP/s | % of "
          "peak | GEMMs alone GFLOP/s | GEMMs % of peak | GEMMs' share of the C++ step |\n"
       << "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& row : l.cpp) {
        const Trial& t = row.trial;
        const double cpp = imagesPerSecond(row.seconds, row.imagesPerStep);
        const double py = pythonRate(l, t, true, row.imagesPerStep);
        const double gflops = cpp * row.flopsPerImage / 1e9;
        const double peak = r.cpu.peakGflops(true, t.threads);
        const auto g = r.gemm.gflops.find(t.threads);
        const auto gs = r.gemm.seconds.find(t.threads);
        const bool gemm = g != r.gemm.gflops.end() && g->second > 0;
        const double step = median(row.seconds);
        os << "| " << t.threads << " | " << format("%.1f", cpp) << " | "
           << (py > 0 ? format("%.1f", py) : "–") << " | " << ratio(cpp, py) << " | "
           << format("%.1f", gflops) << " | " << format("%.1f", 100.0 * gflops / peak) << " | "
           << (gemm ? format("%.1f", g->second) : "–") << " | "
           << (gemm ? format("%.1f", 100.0 * g->second / peak) : "–") << " | "
           << (gemm && step > 0 ? format("%.0f %%", 100.0 * gs->second / step) : "–") << " |\n";
    }
    std::string split;
    for (const auto& [threads, slices] : r.gemm.slices)
        if (slices > 1)
            split += format(" At %d threads as the trainer runs them: the batch in %d slices, "
                            "each slice's GEMMs on its own thread at the same time.",
                            threads, slices);
    os << format("\nGEMMs: the blocks' linear layers of one step (the student's forward, input "
                 "and weight gradients; the teacher's forward; each last block's projection and "
                 "MLP on the class token alone, as the models run them), %.1f GFLOP, each timed "
                 "alone in bf16 with LibTorch's mm.%s ",
                 r.gemm.flopsPerStep / 1e9, split.c_str())
       << "oneDNN ISA: "
       << (r.gemm.isa.empty() ? std::string("unknown (libdnnl.so.2 not found)")
                              : r.gemm.isa + (r.gemm.instructions.empty()
                                                  ? ""
                                                  : " — " + r.gemm.instructions))
       << ".\n";
}

void writeSideCosts(std::ostringstream& os, const BenchReport& r)
{
    const BenchOptions& o = r.options;
    const BenchExtras& e = r.extras;
    if (e.sharesAtThreads > 0)
        os << "\nSide costs (" << e.sharesAtThreads << " thread"
           << (e.sharesAtThreads == 1 ? "" : "s") << "; shares of the fast-path step):\n";
    else
        os << "\nSide costs:\n";
    if (e.expansionMs >= 0)
        os << format("- Aux-Net expanded weights (θ_B + c·θ_A, forward + backward): %.3f ms",
                     e.expansionMs)
           << (e.expansionShare >= 0 ? format(" = %.2f %% of a step", 100.0 * e.expansionShare)
                                     : "")
           << "\n";
    if (e.batchMsPlain >= 0)
        os << format("- batch assembly: %.3f ms plain", e.batchMsPlain)
           << (e.batchShare >= 0 ? format(" = %.2f %% of a step", 100.0 * e.batchShare) : "")
           << format("; %.3f ms with crop + flip\n", e.batchMsAugment);
    if (e.datasetLoadSeconds >= 0)
        os << format("- Fashion-MNIST load (70,000 images, gzip): %.3f s\n", e.datasetLoadSeconds);
    if (e.expandWriteSeconds >= 0)
        os << format("- expand a learngene into a 12-block %s and write it (%.0f MB, fsync "
                     "included): %.3f s; building the network first instead (random "
                     "initialisation, then overwritten) takes %.3f s before any writing\n",
                     o.vitPreset.c_str(), double(e.expandWriteBytes) / 1e6, e.expandWriteSeconds,
                     e.expandSeconds);
    if (!e.residentPerEpochMiB.empty()) {
        os << "- resident memory after each distillation epoch (fast path):";
        for (double m : e.residentPerEpochMiB)
            os << format(" %.1f", m);
        os << format(" MiB; process peak so far %.1f MiB\n", e.peakResidentMiB);
    }
    if (e.busyOneStep > 0)
        os << format("- busy machine (fast-path distillation step, median): the default of %d "
                     "thread%s %.1f ms as the machine was; beside a CPU-bound process the "
                     "default of %d thread%s %.1f ms, 1 thread %.1f ms, %d threads %.1f ms\n",
                     e.quietThreads, e.quietThreads == 1 ? "" : "s", 1e3 * e.quietStep,
                     e.busyThreads, e.busyThreads == 1 ? "" : "s", 1e3 * e.busyDefaultStep,
                     1e3 * e.busyOneStep, e.allThreads, 1e3 * e.busyAllStep);
    if (e.parallelTwoByOne > 0)
        os << format("- data-parallel (fast-path distillation run by `tleg distill`, images/s of "
                     "all workers, epochs after the first, median): 1 process × 1 thread %.0f, "
                     "1 process × 2 threads %.0f, 2 processes × 1 thread %.0f (--nproc 2, Gloo "
                     "over 127.0.0.1: %.2f× of 1 × 1, %.2f× of 1 × 2",
                     e.parallelOneByOne, e.parallelOneByTwo, e.parallelTwoByOne,
                     e.parallelTwoByOne / e.parallelOneByOne,
                     e.parallelTwoByOne / e.parallelOneByTwo)
           << (e.parallelReduceShare >= 0
                   ? format("; %.1f %% of the time waiting for the gradient all-reduce",
                            100.0 * e.parallelReduceShare)
                   : "")
           << ")\n";
}

double rowRate(const BenchRow* row)
{
    return row ? imagesPerSecond(row->seconds, row->imagesPerStep) : 0.0;
}

/// C++ over the PyTorch step it is compared with (fp32 or autocast), 0 when either is missing.
double versusPython(const BenchReport& r, const BenchRow* row)
{
    if (!row)
        return 0.0;
    const double py = pythonRate(r, row->trial, row->trial.bf16, row->imagesPerStep);
    return py > 0 ? rowRate(row) / py : 0.0;
}

void writeTargets(std::ostringstream& os, const BenchReport& r)
{
    const BenchOptions& o = r.options;
    const BenchExtras& e = r.extras;
    // Targets, at every thread count measured.
    os << "\nTargets:\n";
    for (int n : o.threads) {
        const double a = versusPython(r, findRow(r, "distill", false, false, n));
        const double b = versusPython(r, findRow(r, "distill", true, false, n));
        const double c = versusPython(r, findRow(r, "distill", true, true, n));
        const char* s = n == 1 ? "" : "s";
        os << format("- [%d thread%s] fp32 distillation step ≥ 1.2× PyTorch fp32: %s\n", n, s,
                     measured(a > 0, format("%.2f×", a), a >= 1.2).c_str());
        os << format("- [%d thread%s] bf16, teacher live, augmentation on ≥ 1.5× PyTorch "
                     "autocast: %s\n",
                     n, s, measured(b > 0, format("%.2f×", b), b >= 1.5).c_str());
        os << format("- [%d thread%s] fast path (bf16, cached teacher logits, no augmentation) ≥ "
                     "3.0× PyTorch autocast (teacher live, no augmentation): %s\n",
                     n, s, measured(c > 0, format("%.2f×", c), c >= 3.0).c_str());
    }
    if (r.large) {
        const BenchReport& l = *r.large;
        const int px = static_cast<int>(l.options.student.imageSize);
        for (int n : l.options.threads) {
            const BenchRow* row = findRow(l, "distill", true, false, n);
            const double v = versusPython(l, row);
            const char* s = n == 1 ? "" : "s";
            os << format("- [%d px, %d thread%s] bf16 distillation step ≥ 1.2× PyTorch autocast: "
                         "%s\n",
                         px, n, s, measured(v > 0, format("%.2f×", v), v >= 1.2).c_str());
            const auto g = r.gemm.gflops.find(n);
            const double share = g != r.gemm.gflops.end()
                                     ? g->second / r.cpu.peakGflops(true, n)
                                     : 0.0;
            os << format("- [%d px, %d thread%s] its GEMMs ≥ 60 %% of the bf16 peak: %s\n", px,
                         n, s,
                         measured(share > 0, format("%.0f %%", 100.0 * share), share >= 0.6)
                             .c_str());
        }
        if (l.options.threads.size() >= 2) {
            const int one = l.options.threads.front(), many = l.options.threads.back();
            const double x1 = rowRate(findRow(l, "distill", true, false, one));
            const double xn = rowRate(findRow(l, "distill", true, false, many));
            const double v = x1 > 0 ? xn / x1 : 0.0;
            // What the machine and oneDNN give a second thread at all, for the verdict's sake.
            auto ratio = [](const std::map<int, double>& m, int a, int b) {
                const auto x = m.find(a), y = m.find(b);
                return x != m.end() && y != m.end() && x->second > 0 ? y->second / x->second
                                                                     : 0.0;
            };
            const double fma = ratio(r.gemm.fmaGflops, one, many);
            const double gemm = ratio(r.gemm.gflops, one, many);
            os << format("- [%d px] %d threads ≥ 1.6× %d thread%s (on a quiet machine; load "
                         "%.2f before, %.2f after; independent FMA loops scale %.2f×, the "
                         "step's GEMMs alone %.2f×): %s\n",
                         px, many, one, one == 1 ? "" : "s", l.loadBefore, l.loadAfter, fma,
                         gemm, measured(v > 0, format("%.2f×", v), v >= 1.6).c_str());
        }
    }
    os << "- expanded weights < 5 % of a step: "
       << measured(e.expansionShare >= 0, format("%.2f %%", 100.0 * e.expansionShare),
                   e.expansionShare < 0.05)
       << "\n";
    os << "- batch assembly < 5 % of a step: "
       << measured(e.batchShare >= 0, format("%.2f %%", 100.0 * e.batchShare), e.batchShare < 0.05)
       << "\n";
    os << "- Fashion-MNIST loads in < 1 s: "
       << measured(e.datasetLoadSeconds >= 0, format("%.3f s", e.datasetLoadSeconds),
                   e.datasetLoadSeconds < 1.0)
       << "\n";
    os << "- expand into a 12-block " << o.vitPreset << " and write it in < 1 s: "
       << measured(e.expandWriteSeconds >= 0, format("%.3f s", e.expandWriteSeconds),
                   e.expandWriteSeconds < 1.0)
       << "\n";
    if (e.busyOneStep > 0) {
        const double r = e.busyDefaultStep / e.busyOneStep;
        os << "- beside a busy process, the default threads ≤ 1.3× the time of --threads 1: "
           << measured(true, format("%.2f×", r), r <= 1.3) << "\n";
    }
    if (e.residentPerEpochMiB.size() >= 2) {
        const double first = e.residentPerEpochMiB[1 < e.residentPerEpochMiB.size() - 1 ? 1 : 0];
        const double last = e.residentPerEpochMiB.back();
        const double growth = last - first;
        os << format("- distillation memory flat over epochs: %+.1f MiB from epoch %d to %zu "
                     "(%s)\n",
                     growth, e.residentPerEpochMiB.size() > 2 ? 2 : 1, e.residentPerEpochMiB.size(),
                     verdict(true, growth < std::max(4.0, 0.02 * first)).c_str());
    }
}

} // namespace

std::string formatReport(const BenchReport& r)
{
    std::ostringstream os;
    writeHeader(os, r);
    writeTable(os, r);
    writeLarge(os, r);
    writeSideCosts(os, r);
    writeTargets(os, r);
    return os.str();
}

std::string formatAccuracy(const AccuracyOptions& a, const AccuracyReport& r)
{
    std::ostringstream os;
    os << format("Accuracy of the fast path (quick preset models; %lld distillation and %lld "
                 "fine-tuning epochs; teacher top-1 %.2f %%)\n\n",
                 static_cast<long long>(a.distillEpochs), static_cast<long long>(a.finetuneEpochs),
                 r.teacherTop1);
    os << "| Path | Aux-Net top-1 | Des-Net (depth " << a.desDepth
       << ") top-1 | distillation s | fine-tuning s |\n|---|---:|---:|---:|---:|\n";
    os << format("| fp32, augmentation, live teacher | %.2f | %.2f | %.0f | %.0f |\n", r.auxFp32,
                 r.desFp32, r.distillSecondsFp32, r.finetuneSecondsFp32);
    os << format("| fast: bf16, no augmentation, cached teacher | %.2f | %.2f | %.0f | %.0f |\n",
                 r.auxFast, r.desFast, r.distillSecondsFast, r.finetuneSecondsFast);
    const double d1 = r.auxFast - r.auxFp32, d2 = r.desFast - r.desFp32;
    os << format("\nΔ Aux-Net %+.2f points, Δ Des-Net %+.2f points: %s (target: the fast path "
                 "at most 0.5 points below fp32)\n",
                 d1, d2, d1 >= -0.5 && d2 >= -0.5 ? "met" : "MISSED");
    return os.str();
}

} // namespace tleg::bench
