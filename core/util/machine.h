#pragma once
// What the benchmark needs to know about this machine: the CPU's vector units and clock (for
// the peak FLOP/s that achieved figures are set against), its load, and the process's memory.
// Usage:
//   CpuInfo cpu = detectCpu();
//   double peak = cpu.peakGflops(/*bf16*/ false, /*threads*/ 2);
//   std::printf("%s\n", cpu.describe().c_str());
#include <string>

namespace tleg::util {

/// How far a measured clock may lie from the nominal one and still be believed: turbo clocks run
/// up to about 1.8× the TSC rate a VM reports (3.70 GHz on a 2.10 GHz Zen 5 EPYC), power
/// saving down to half.
constexpr double kClockBand[2] = {0.5, 2.0};

struct CpuInfo {
    std::string model;      // "AMD EPYC ...", from /proc/cpuinfo
    std::string vendor;     // "AuthenticAMD", "GenuineIntel", ...
    int family = 0;         // x86 family (AMD Zen 4 = 25, Zen 5 = 26)
    int cores = 1;          // logical CPUs this process may use
    /// The sold clock: "@ x GHz" of the model name, cpufreq's base / maximum, else "cpu MHz"
    /// of /proc/cpuinfo (under a hypervisor usually the TSC's rate, below the turbo clock).
    double nominalGhz = 0;
    std::string nominalSource; // which of these it came from; empty when none
    /// Cycles per second of a dependent imul chain (3 cycles each) and of a dependent add chain
    /// (1 cycle each), best of many tries.
    double imulChainGhz = 0, addChainGhz = 0;
    /// The imul chain's figure when both chains agree within 10 % and it lies within
    /// kClockBand × nominal; 0 otherwise (then clockGhz() is the nominal clock, and clockNote
    /// says why).
    double measuredGhz = 0;
    std::string clockNote;
    bool fma = false, avx2 = false, avx512 = false, avx512bf16 = false, amx = false;
    /// Width of the FMA datapath: 512 on Intel AVX-512 cores and Zen 5, 256 on Zen 4 (which
    /// splits 512-bit instructions in two) and AVX2 machines, 128 otherwise.
    int datapathBits = 128;
    int fmaPipes = 2;

    /// fp32 FLOP per cycle and core: pipes × (datapath / 32) lanes × 2 (multiply + add).
    double fp32FlopsPerCycle() const;
    /// bf16 dot-product FLOP per cycle and core: 2× fp32 with AVX512_BF16 (pairs per lane),
    /// 1024 with AMX (one 16×32·32×16 tile product per cycle), else fp32's.
    double bf16FlopsPerCycle() const;
    /// Peak GFLOP/s for threads cores at the measured clock (nominal when not measured).
    double peakGflops(bool bf16, int threads) const;
    double clockGhz() const { return measuredGhz > 0 ? measuredGhz : nominalGhz; }
    /// One line: model, cores, ISA, datapath, clocks.
    std::string describe() const;
};

/// Reads /proc/cpuinfo and measures the clock (about 30 ms).
CpuInfo detectCpu();

/// True where bfloat16 matrix products run on hardware (AVX512_BF16 or AMX-BF16). Elsewhere
/// LibTorch emulates them, slower than float32, so the CLI and GUI default to bf16 only here.
bool nativeBf16();

/// Floating-point throughput (GFLOP/s, all threads together) of `threads` threads that each
/// run their own chains of fp32 vector FMAs (AVX-512 where the CPU has it, else AVX2, else
/// scalar) for about `seconds`, sharing nothing. Against one thread it shows what this machine
/// can give a second thread at all: about 2× with two real cores, near 1× when the two vCPUs
/// are one core's hyper-threads or a busy host's.
double vectorFmaGflops(int threads, double seconds = 0.15);

/// 1-minute load average (/proc/loadavg), -1 when unavailable.
double loadAverage();

/// Logical CPUs this process may run on (its affinity mask), at least 1.
int usableCores();
/// How many of those CPUs were idle over the last `seconds` (from /proc/stat, counting only the
/// CPUs in the affinity mask); usableCores() when /proc/stat cannot be read.
double idleCores(double seconds = 0.2);
/// The intra-op threads a job uses when the user leaves it to us (threads = 0): the idle CPUs,
/// rounded, at least 1. On a busy machine more threads than free cores make every parallel
/// region wait for a descheduled thread: with one CPU-bound neighbour on 2 cores, 2 threads
/// trained up to 10× slower than 1.
int defaultThreads();

/// Resident set of this process now, and its peak so far, in MiB.
double residentMiB();
double peakResidentMiB();

} // namespace tleg::util
