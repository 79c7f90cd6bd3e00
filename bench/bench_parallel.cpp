// The data-parallel line of `tleg bench`: the fast-path distillation as users run it, through
// `tleg distill` itself, in one process with 1 and with 2 threads and in two worker processes
// of 1 thread each (--nproc 2: c10d / Gloo over 127.0.0.1), alternated round by round. The
// figure is metrics.csv's images per second (all workers, training only) of the epochs after
// the first (the first fills the teacher-logit cache), so process start and data loading do
// not count.
#include "bench/bench_internal.h"
#include "model/des_net.h"
#include "model/model_io.h"
#include "util/error.h"
#include "util/files.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace tleg::bench {

namespace {

namespace fs = std::filesystem;

/// Runs the CLI with args, its output into log; throws when it fails.
void runTleg(const std::string& tleg, std::vector<std::string> args, const std::string& log)
{
    args.insert(args.begin(), "tleg");
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (std::FILE* f = std::freopen(log.c_str(), "w", stdout))
            ::dup2(::fileno(f), STDERR_FILENO);
        ::execv(tleg.c_str(), argv.data());
        ::_exit(127);
    }
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)
        || WEXITSTATUS(status) != 0)
        throw Error("bench: the data-parallel run failed (" + tleg + " distill; its output: " + log
                    + ")");
}

/// metrics.csv's images per second of every epoch after the first, and log.txt's seconds of
/// all-reduce waiting of those epochs over their seconds.
void readRun(const std::string& run, std::vector<double>& imagesPerSecond,
             std::vector<double>& reduceShare)
{
    std::ifstream metrics(joinPath(run, "metrics.csv"));
    std::string line;
    std::getline(metrics, line); // header
    std::vector<double> seconds;
    while (std::getline(metrics, line)) {
        std::vector<std::string> cells;
        std::stringstream ss(line);
        for (std::string c; std::getline(ss, c, ',');)
            cells.push_back(c);
        if (cells.size() >= 9 && std::stoll(cells[0]) > 1) {
            imagesPerSecond.push_back(std::stod(cells[8]));
            seconds.push_back(std::stod(cells[7]));
        }
    }
    std::ifstream log(joinPath(run, "log.txt"));
    const std::regex wait("epoch ([0-9]+)/.*all-reduce wait ([0-9.e+-]+) s");
    std::smatch m;
    while (std::getline(log, line))
        if (std::regex_search(line, m, wait) && std::stoll(m[1]) > 1
            && size_t(std::stoll(m[1]) - 2) < seconds.size())
            reduceShare.push_back(std::stod(m[2]) / seconds[size_t(std::stoll(m[1]) - 2)]);
}

std::vector<std::string> distillArgs(const BenchContext& cx, const std::string& teacher,
                                     const std::string& out, int threads, int processes)
{
    const BenchOptions& o = cx.options;
    const model::ViTConfig& s = o.student;
    return {"distill",
            "--teacher",
            teacher,
            "--data",
            o.data,
            "--train-subset",
            std::to_string(cx.trainSubset.size()),
            "--test-subset",
            std::to_string(std::min<int64_t>(o.evalBatchSize, cx.split.test.size())),
            "--dim",
            std::to_string(s.dim),
            "--depth",
            std::to_string(s.depth),
            "--heads",
            std::to_string(s.heads),
            "--patch",
            std::to_string(s.patchSize),
            "--mlp-ratio",
            std::to_string(s.mlpRatio),
            "--epochs",
            "3",
            "--batch",
            std::to_string(o.batchSize),
            util::nativeBf16() ? "--bf16" : "--fp32",
            "--threads",
            std::to_string(threads),
            "--nproc",
            std::to_string(processes),
            "--out",
            out};
}

} // namespace

void measureDataParallel(BenchContext& cx, BenchExtras& e, const LogFn& say)
{
    const BenchOptions& o = cx.options;
    std::string base = o.scratchDir.empty() ? fs::temp_directory_path().string() : o.scratchDir;
    base = joinPath(base, "tleg-bench-parallel-" + std::to_string(::getpid()));
    makeDirs(base);
    const std::string teacher = joinPath(base, "teacher.safetensors");
    model::saveClassifier(teacher, *model::scratch(o.teacher, 1), nlohmann::json::object());
    struct Config {
        int threads, processes;
        double* figure;
    };
    const Config configs[] = {
        {1, 1, &e.parallelOneByOne}, {2, 1, &e.parallelOneByTwo}, {1, 2, &e.parallelTwoByOne}};
    std::vector<double> rates[3], reduceShare, ignored;
    try {
        for (int round = 0; round < o.rounds; ++round)
            for (int c = 0; c < 3; ++c) {
                const Config& k = configs[c];
                say("data-parallel, round " + std::to_string(round + 1) + ": "
                    + std::to_string(k.processes) + " process(es) × " + std::to_string(k.threads)
                    + " thread(s)");
                const std::string run =
                    joinPath(base, "run-" + std::to_string(c) + "-" + std::to_string(round));
                runTleg(o.tlegPath, distillArgs(cx, teacher, run, k.threads, k.processes),
                        run + ".log");
                readRun(run, rates[c], k.processes > 1 ? reduceShare : ignored);
            }
    } catch (...) {
        std::error_code ignoredError;
        fs::remove_all(base, ignoredError);
        throw;
    }
    for (int c = 0; c < 3; ++c)
        *configs[c].figure = median(rates[c]);
    e.parallelReduceShare = reduceShare.empty() ? -1 : median(reduceShare);
    std::error_code ignoredError;
    fs::remove_all(base, ignoredError);
}

} // namespace tleg::bench
