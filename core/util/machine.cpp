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

/// A chain of dependent adds retires one per cycle on every x86 core of the last 20 years, so
/// adds per second is the clock the core runs at now (turbo included). Best of several tries,
/// so that a preemption does not count.
double measureClockGhz()
{
#if defined(__x86_64__) && defined(__GNUC__)
    // Short tries (about 1 ms each), many of them: on a busy machine some run undisturbed.
    constexpr uint64_t kIterations = 200'000; // × 16 adds
    double best = 0;
    for (int attempt = 0; attempt < 60; ++attempt) {
        uint64_t x = 0;
        const auto t0 = std::chrono::steady_clock::now();
        for (uint64_t i = 0; i < kIterations; ++i) {
            asm volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                         "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                         "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                         "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
                         : "+r"(x));
        }
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::max(best, 16.0 * double(kIterations) / s / 1e9);
    }
    return best;
#else
    return 0.0;
#endif
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

} // namespace

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
    char clocks[96];
    std::snprintf(clocks, sizeof clocks, "; clock %.2f GHz measured (%.2f GHz nominal)",
                  measuredGhz, nominalGhz);
    os << clocks;
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
    c.measuredGhz = measureClockGhz();
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
