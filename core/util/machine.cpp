#include "util/simd_support.h" // first: GCC's AVX-512 warnings are off from here
#include "util/machine.h"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace tleg::util {

namespace {

bool hasFlag(const std::string& flags, const std::string& flag)
{
    std::istringstream in(flags);
    std::string f;
    while (in >> f)
        if (f == flag)
            return true;
    return false;
}

/// Cycles per second from two dependent chains: 64-bit `imul reg, reg` (3 cycles of latency on
/// every Intel core since Nehalem and every AMD Zen) and `add reg, reg` (1 cycle). Neither can be
/// folded away by the renamer, unlike `add $1, reg`, which Intel's Golden Cove and later cores
/// retire several per cycle (an add-immediate chain read 11.6 GHz on a 2.3 GHz Xeon). Best of
/// many short tries each, so that a preemption does not count. {imulGhz, addGhz}; 0 off x86.
std::pair<double, double> measureClockChains()
{
#if defined(__x86_64__) && defined(__GNUC__)
    constexpr uint64_t kIterations = 50'000; // × 8 instructions, about 0.3 ms per try
    const uint64_t three = 3;
    double bestMul = 0, bestAdd = 0;
    auto seconds = [](std::chrono::steady_clock::time_point t0) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    for (int attempt = 0; attempt < 40; ++attempt) {
        uint64_t x = 1;
        auto t0 = std::chrono::steady_clock::now();
        for (uint64_t i = 0; i < kIterations; ++i)
            asm volatile("imul %1, %0\n\timul %1, %0\n\timul %1, %0\n\timul %1, %0\n\t"
                         "imul %1, %0\n\timul %1, %0\n\timul %1, %0\n\timul %1, %0"
                         : "+r"(x)
                         : "r"(three));
        bestMul = std::max(bestMul, 3.0 * 8.0 * double(kIterations) / seconds(t0) / 1e9);
        t0 = std::chrono::steady_clock::now();
        for (uint64_t i = 0; i < kIterations; ++i)
            asm volatile("add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                         "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0"
                         : "+r"(x)
                         : "r"(three));
        bestAdd = std::max(bestAdd, 8.0 * double(kIterations) / seconds(t0) / 1e9);
    }
    return {bestMul, bestAdd};
#else
    return {0.0, 0.0};
#endif
}

/// The clock the CPU is sold at, when something says so: "@ 2.30GHz" in Intel's model names,
/// else cpufreq's base or maximum frequency, else "cpu MHz" (the current clock on bare metal,
/// the TSC's under most hypervisors). {GHz, where it came from}.
std::pair<double, std::string> nominalClock(const std::string& model, double cpuMhzGhz)
{
    const auto at = model.find('@');
    if (at != std::string::npos) {
        const double ghz = std::atof(model.c_str() + at + 1);
        if (ghz > 0.1 && ghz < 10 && model.find("GHz", at) != std::string::npos)
            return {ghz, "model name"};
    }
    for (const char* file : {"/sys/devices/system/cpu/cpu0/cpufreq/base_frequency",
                             "/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq"}) {
        std::ifstream in(file);
        double khz = 0;
        if (in >> khz && khz > 1e5)
            return {khz / 1e6, file};
    }
    return {cpuMhzGhz, cpuMhzGhz > 0 ? "/proc/cpuinfo cpu MHz" : ""};
}

/// Busy and total jiffies of the CPUs in the affinity mask, from /proc/stat's "cpuN" lines.
bool cpuTimes(uint64_t& busy, uint64_t& total)
{
    cpu_set_t mask;
    CPU_ZERO(&mask);
    const bool haveMask = ::sched_getaffinity(0, sizeof mask, &mask) == 0;
    std::ifstream in("/proc/stat");
    std::string line;
    busy = total = 0;
    bool any = false;
    while (std::getline(in, line)) {
        if (line.compare(0, 3, "cpu") != 0 || line.size() < 4 || !std::isdigit(line[3]))
            continue;
        std::istringstream fields(line.substr(3));
        int cpu = 0;
        uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                 steal = 0;
        fields >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
        if (!fields || (haveMask && (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &mask))))
            continue;
        const uint64_t b = user + nice + system + irq + softirq + steal;
        busy += b;
        total += b + idle + iowait;
        any = true;
    }
    return any;
}

/// FMAs per call of fmaBurst: 12 independent accumulators (enough to cover a 4-cycle latency on
/// two pipes) × 1000 rounds × the lanes of the widest vectors the CPU has.
constexpr int kFmaChains = 12, kFmaRounds = 1000;

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx512f"))) float fmaBurst512(float seed)
{
    __m512 acc[kFmaChains];
    for (int c = 0; c < kFmaChains; ++c)
        acc[c] = _mm512_set1_ps(seed + float(c));
    const __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(1e-3f);
    for (int r = 0; r < kFmaRounds; ++r)
        for (int c = 0; c < kFmaChains; ++c)
            acc[c] = _mm512_fmadd_ps(acc[c], a, b);
    __m512 sum = acc[0];
    for (int c = 1; c < kFmaChains; ++c)
        sum = _mm512_add_ps(sum, acc[c]);
    return _mm512_reduce_add_ps(sum);
}

__attribute__((target("avx2,fma"))) float fmaBurst256(float seed)
{
    __m256 acc[kFmaChains];
    for (int c = 0; c < kFmaChains; ++c)
        acc[c] = _mm256_set1_ps(seed + float(c));
    const __m256 a = _mm256_set1_ps(0.999f), b = _mm256_set1_ps(1e-3f);
    for (int r = 0; r < kFmaRounds; ++r)
        for (int c = 0; c < kFmaChains; ++c)
            acc[c] = _mm256_fmadd_ps(acc[c], a, b);
    __m256 sum = acc[0];
    for (int c = 1; c < kFmaChains; ++c)
        sum = _mm256_add_ps(sum, acc[c]);
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, sum);
    float total = 0;
    for (float v : lanes)
        total += v;
    return total;
}
#endif

float fmaBurstScalar(float seed)
{
    float acc[kFmaChains];
    for (int c = 0; c < kFmaChains; ++c)
        acc[c] = seed + float(c);
    for (int r = 0; r < kFmaRounds; ++r)
        for (int c = 0; c < kFmaChains; ++c)
            acc[c] = std::fma(acc[c], 0.999f, 1e-3f);
    float total = 0;
    for (float v : acc)
        total += v;
    return total;
}

/// One burst of independent FMAs on the widest vectors this CPU has; {result, lanes}.
std::pair<float, int> fmaBurst(float seed)
{
#if defined(__x86_64__) && defined(__GNUC__)
    static const int lanes = cpuHasAvx512() ? 16 : cpuHasAvx2() ? 8 : 1;
    if (lanes == 16)
        return {fmaBurst512(seed), 16};
    if (lanes == 8)
        return {fmaBurst256(seed), 8};
#endif
    return {fmaBurstScalar(seed), 1};
}

} // namespace

double vectorFmaGflops(int threads, double seconds)
{
    threads = std::max(1, threads);
    std::vector<double> flops(size_t(threads), 0.0);
    std::vector<float> sink(size_t(threads), 0.0f);
    const auto t0 = std::chrono::steady_clock::now();
    const auto until = t0 + std::chrono::duration<double>(seconds);
    auto work = [&](int t) {
        while (std::chrono::steady_clock::now() < until) {
            const auto [v, lanes] = fmaBurst(sink[size_t(t)] * 1e-9f + float(t));
            sink[size_t(t)] += v;
            flops[size_t(t)] += 2.0 * kFmaChains * kFmaRounds * lanes;
        }
    };
    std::vector<std::thread> others;
    for (int t = 1; t < threads; ++t)
        others.emplace_back(work, t);
    work(0);
    for (auto& th : others)
        th.join();
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double total = 0;
    for (double f : flops)
        total += f;
    volatile float keep = 0; // the results stay live, so no burst is optimised away
    for (float v : sink)
        keep = keep + v;
    return elapsed > 0 ? total / elapsed / 1e9 : 0.0;
}

int usableCores()
{
    cpu_set_t mask;
    CPU_ZERO(&mask);
    if (::sched_getaffinity(0, sizeof mask, &mask) == 0)
        return std::max(1, CPU_COUNT(&mask));
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

double idleCores(double seconds)
{
    const int cores = usableCores();
    uint64_t busy0 = 0, total0 = 0, busy1 = 0, total1 = 0;
    if (!cpuTimes(busy0, total0))
        return cores;
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    if (!cpuTimes(busy1, total1) || total1 <= total0)
        return cores;
    const double busyShare = double(busy1 - busy0) / double(total1 - total0);
    return std::clamp(double(cores) * (1.0 - busyShare), 0.0, double(cores));
}

int defaultThreads()
{
    const int cores = usableCores();
    const int idle = static_cast<int>(std::lround(idleCores()));
    return std::clamp(idle, 1, cores);
}

double CpuInfo::fp32FlopsPerCycle() const
{
    return fmaPipes * (datapathBits / 32.0) * (fma ? 2.0 : 1.0);
}

double CpuInfo::bf16FlopsPerCycle() const
{
    if (amx)
        return 1024.0;
    if (avx512bf16)
        return 2.0 * fp32FlopsPerCycle();
    return fp32FlopsPerCycle();
}

double CpuInfo::peakGflops(bool bf16, int threads) const
{
    const int n = std::max(1, std::min(threads, cores));
    return n * clockGhz() * (bf16 ? bf16FlopsPerCycle() : fp32FlopsPerCycle());
}

std::string CpuInfo::describe() const
{
    std::ostringstream os;
    os << (model.empty() ? "unknown CPU" : model) << ", " << cores << " cores, "
       << (amx ? "AMX, " : "")
       << (avx512 ? "AVX-512"
           : avx2 ? "AVX2"
                  : "SSE")
       << (avx512bf16 ? " + AVX512_BF16" : "") << ", " << fmaPipes << "×" << datapathBits
       << "-bit FMA datapath";
    char clocks[160];
    if (measuredGhz > 0)
        std::snprintf(clocks, sizeof clocks,
                      "; clock %.2f GHz measured (imul and add chains agree; %.2f GHz nominal",
                      measuredGhz, nominalGhz);
    else
        std::snprintf(clocks, sizeof clocks, "; clock %.2f GHz nominal (%s", nominalGhz,
                      clockNote.c_str());
    os << clocks << (nominalSource.empty() ? "" : ", from " + nominalSource) << ")";
    return os.str();
}

bool nativeBf16()
{
    static const bool yes = [] {
        std::ifstream in("/proc/cpuinfo");
        std::string line;
        while (std::getline(in, line))
            if (line.rfind("flags", 0) == 0) {
                const std::string flags = line.substr(line.find(':') + 1) + " ";
                return hasFlag(flags, "avx512_bf16")
                       || (hasFlag(flags, "amx_bf16") && hasFlag(flags, "amx_tile"));
            }
        return false;
    }();
    return yes;
}

CpuInfo detectCpu()
{
    CpuInfo c;
    c.cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::ifstream in("/proc/cpuinfo");
    std::string line, flags;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        std::string key = line.substr(0, colon);
        key.erase(key.find_last_not_of(" \t") + 1);
        const std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
        if (key == "model name" && c.model.empty())
            c.model = value;
        else if (key == "vendor_id" && c.vendor.empty())
            c.vendor = value;
        else if (key == "cpu family" && c.family == 0)
            c.family = std::atoi(value.c_str());
        else if (key == "cpu MHz" && c.nominalGhz == 0)
            c.nominalGhz = std::atof(value.c_str()) / 1000.0;
        else if (key == "flags" && flags.empty())
            flags = value;
    }
    c.fma = hasFlag(flags, "fma");
    c.avx2 = hasFlag(flags, "avx2");
    c.avx512 = hasFlag(flags, "avx512f");
    c.avx512bf16 = hasFlag(flags, "avx512_bf16");
    c.amx = hasFlag(flags, "amx_bf16") && hasFlag(flags, "amx_tile");
    const bool zen4 = c.vendor == "AuthenticAMD" && c.family == 25;
    c.datapathBits = c.avx512 && !zen4 ? 512 : (c.avx2 || c.avx512) ? 256 : 128;
    c.fmaPipes = 2;
    const auto [nominal, source] = nominalClock(c.model, c.nominalGhz);
    c.nominalGhz = nominal;
    c.nominalSource = source;
    std::tie(c.imulChainGhz, c.addChainGhz) = measureClockChains();
    c.measuredGhz = 0;
    const bool agree = c.imulChainGhz > 0 && c.addChainGhz > 0
                       && std::abs(c.addChainGhz / c.imulChainGhz - 1.0) <= 0.1;
    const bool plausible = c.nominalGhz <= 0
                           || (c.imulChainGhz >= kClockBand[0] * c.nominalGhz
                               && c.imulChainGhz <= kClockBand[1] * c.nominalGhz);
    if (agree && plausible) {
        c.measuredGhz = c.imulChainGhz;
        c.clockNote = "measured";
    } else if (c.imulChainGhz <= 0) {
        c.clockNote = "not measured (not x86-64); nominal used";
    } else {
        char why[160];
        std::snprintf(why, sizeof why,
                      "not measured reliably (imul chain %.2f GHz, add chain %.2f GHz); nominal "
                      "used",
                      c.imulChainGhz, c.addChainGhz);
        c.clockNote = why;
    }
    return c;
}

double loadAverage()
{
    double l = -1;
    std::ifstream in("/proc/loadavg");
    in >> l;
    return in ? l : -1.0;
}

double residentMiB()
{
    std::ifstream in("/proc/self/statm");
    long pagesTotal = 0, pagesResident = 0;
    in >> pagesTotal >> pagesResident;
    return double(pagesResident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

double peakResidentMiB()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // kilobytes on Linux
}

} // namespace tleg::util
