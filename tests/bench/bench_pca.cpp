// Benchmark of the weight-linearity analysis on a ViT-B-sized checkpoint (86 M parameters,
// 12 blocks): load + full analysis time (median of several runs) and peak memory.
// Usage:
//   bench_pca                 build a ViT-B (θ_B + c_l·θ_A plus noise), save it, time it
//   bench_pca --file F        time an existing checkpoint instead
// Each timed run is a fresh process (this program re-executed with --analyse), so its peak RSS
// holds only the libraries, the load and the analysis. Target: < 2 s and peak < 2× the file.
#include "analysis/layer_weights.h"
#include "analysis/linearity.h"
#include "model/des_net.h"
#include "model/model_io.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

using namespace tleg;

namespace {

double peakRssMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // kilobytes on Linux
}

/// The child: load and analyse once, print "seconds rss_before_mb peak_rss_mb block_r2".
int analyseOnce(const std::string& path)
{
    const double before = peakRssMb();
    const auto t0 = std::chrono::steady_clock::now();
    const auto weights = analysis::loadLayerWeights(path);
    const auto result = analysis::analyseLinearity(weights);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%.6f %.1f %.1f %.6f\n", seconds, before, peakRssMb(), result.kinds.back().r2);
    return 0;
}

/// A ViT-B whose blocks are θ_B + c_l·θ_A plus a little noise, so the figures mean something.
void makeVitB(const std::string& path)
{
    model::ViT net = model::scratch(model::ViTConfig::preset("vit-b"), 0);
    torch::NoGradGuard guard;
    const int64_t depth = net->config().depth;
    const model::BlockWeights b = net->block(0).weights();
    for (int p = 0; p < model::kBlockParamCount; ++p) {
        const torch::Tensor base = b[p].clone(); // block 0 is overwritten below
        const torch::Tensor a = torch::randn_like(base) * 0.02;
        for (int64_t i = 0; i < depth; ++i) {
            const double c = model::expansionCoefficient(i, depth);
            net->block(i).weights()[p].copy_(base + c * a + 0.002 * torch::randn_like(a));
        }
    }
    model::saveClassifier(path, *net);
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 2 && args[0] == "--analyse")
        return analyseOnce(args[1]);

    std::string path;
    std::filesystem::path tmpDir;
    if (args.size() == 2 && args[0] == "--file") {
        path = args[1];
    } else if (args.empty()) {
        tmpDir =
            std::filesystem::temp_directory_path() / ("bench_pca_" + std::to_string(::getpid()));
        std::filesystem::create_directories(tmpDir);
        path = (tmpDir / "vit-b.safetensors").string();
        std::printf("building a ViT-B (θ_B + c_l·θ_A + noise) -> %s\n", path.c_str());
        std::fflush(stdout);
        makeVitB(path);
    } else {
        std::fprintf(stderr, "usage: bench_pca [--file CHECKPOINT]\n");
        return 2;
    }

    const double fileMb = double(std::filesystem::file_size(path)) / (1024.0 * 1024.0);
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    constexpr int kRuns = 5;
    std::vector<double> seconds, peaks;
    double baseline = 0, r2 = 0;
    for (int run = 0; run < kRuns; ++run) {
        const std::string command = "'" + self + "' --analyse '" + path + "'";
        FILE* child = ::popen(command.c_str(), "r");
        double s = 0, before = 0, peak = 0;
        if (!child || std::fscanf(child, "%lf %lf %lf %lf", &s, &before, &peak, &r2) != 4) {
            std::fprintf(stderr, "bench_pca: run %d failed\n", run);
            return 1;
        }
        ::pclose(child);
        seconds.push_back(s);
        peaks.push_back(peak);
        baseline = before;
        std::printf("run %d: %.3f s, peak RSS %.0f MB\n", run + 1, s, peak);
    }
    std::sort(seconds.begin(), seconds.end());
    const double peak = *std::max_element(peaks.begin(), peaks.end());
    std::printf("\nfile %.1f MB (%s)\n", fileMb, path.c_str());
    std::printf("load + full analysis: median %.3f s of %d fresh processes (target < 2 s)\n",
                seconds[kRuns / 2], kRuns);
    std::printf("peak RSS %.0f MB = %.2f x file size (target < 2); of it %.0f MB before loading "
                "(libraries)\n",
                peak, peak / fileMb, baseline);
    std::printf("whole-block R² %.4f\n", r2);
    if (!tmpDir.empty())
        std::filesystem::remove_all(tmpDir);
    return 0;
}
