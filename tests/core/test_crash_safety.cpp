// Crash-safe runs: kill -9 at random moments and the instant a temporary file appears never
// leaves a half-written file under its final name, and --resume reaches the same weights as a
// run that was never interrupted (bitwise: fp32, no augmentation, one thread). A second process
// given the same run folder refuses; a full disk is one clear error and keeps the checkpoint.
#include "io/safetensors.h"
#include "model/model_io.h"
#include "test_support.h"
#include "workflow/run_index.h"

#include <gtest/gtest.h>

#include <sys/inotify.h>
#include <sys/resource.h>

#include <filesystem>
#include <random>
#include <thread>

using namespace tleg;
using namespace tleg::testing;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kSmall = {
    "--train-subset", "1000", "--test-subset", "200",    "--batch", "50",
    "--threads",      "1",    "--fp32",        "--seed", "3"};

std::vector<std::string> withSmall(std::vector<std::string> args)
{
    args.insert(args.end(), kSmall.begin(), kSmall.end());
    return args;
}

/// The model's tensors (names and bytes), without the metadata (which names the run folder).
io::NamedTensors tensorsOf(const std::string& path)
{
    return model::parameterTensors(io::readSafetensors(path));
}

bool sameTensors(const std::string& a, const std::string& b)
{
    const auto x = tensorsOf(a), y = tensorsOf(b);
    if (x.size() != y.size())
        return false;
    for (size_t i = 0; i < x.size(); ++i)
        if (x[i].first != y[i].first || !torch::equal(x[i].second, y[i].second))
            return false;
    return true;
}

/// Every file a run keeps under its final name is whole.
void expectWholeFiles(const std::string& run)
{
    for (const auto& e : fs::directory_iterator(run)) {
        const std::string name = e.path().filename().string();
        if (contains(name, ".tmp-"))
            continue; // a killed write's leftover: never read, removed by the next run
        if (endsWith(name, ".safetensors")) {
            EXPECT_NO_THROW(io::readSafetensors(e.path().string())) << name;
        }
    }
    if (fs::exists(run + "/config.json") || fs::exists(run + "/metrics.csv")) {
        EXPECT_NE(workflow::listRun(run).state, workflow::RunState::Broken)
            << workflow::listRun(run).problem;
    }
}

/// Starts tleg args; kills it with SIGKILL after delayMs, or the moment a model, checkpoint or
/// learngene is being written (its temporary file appears in run) when delayMs < 0. Returns
/// true when it finished on its own (exit 0).
bool runUntilKilled(const std::vector<std::string>& args, const std::string& run, int delayMs)
{
    fs::create_directories(run);
    const int watch = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    ::inotify_add_watch(watch, run.c_str(), IN_CREATE);
    std::vector<std::string> argv{cliPath()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargs;
    for (auto& a : argv)
        cargs.push_back(a.data());
    cargs.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::dup2(null, 2);
        ::execv(cargs[0], cargs.data());
        ::_exit(127);
    }
    const auto start = std::chrono::steady_clock::now();
    int status = 0;
    bool killed = false;
    while (true) {
        if (::waitpid(pid, &status, WNOHANG) == pid)
            break;
        bool fire = false;
        if (delayMs < 0) {
            alignas(inotify_event) char buf[4096];
            const ssize_t n = ::read(watch, buf, sizeof buf);
            for (ssize_t off = 0; n > 0 && off < n;) {
                const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
                if (ev->len > 0 && contains(ev->name, ".safetensors.tmp-"))
                    fire = true;
                off += ssize_t(sizeof(inotify_event) + ev->len);
            }
        } else {
            fire = std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(delayMs);
        }
        if (fire && !killed) {
            ::kill(pid, SIGKILL);
            killed = true;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ::close(watch);
    return !killed && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/// Runs args into run, killing it again and again (alternately when a temporary file appears
/// and at a random moment) up to maxKills times, resuming each time, then lets it finish.
int killAndResume(std::vector<std::string> args, const std::string& run, int maxKills,
                  std::mt19937& rng)
{
    args.push_back("--out");
    args.push_back(run);
    int kills = 0;
    bool first = true;
    while (true) {
        auto attempt = args;
        if (!first)
            attempt.push_back("--resume");
        first = false;
        const int delay =
            kills >= maxKills
                ? 1 << 30
                : (kills % 2 == 0 ? -1 : std::uniform_int_distribution<int>(100, 1500)(rng));
        const bool done = runUntilKilled(attempt, run, delay);
        expectWholeFiles(run);
        if (done)
            return kills;
        ++kills;
    }
}

} // namespace

TEST(CrashSafety, KilledRunsResumeToTheSameWeights)
{
    TempDir dir;
    std::mt19937 rng(12345);
    const std::string anc = dir.filePath("reference-ancestry");
    auto ancestry = withSmall({"train-ancestry", "--model", "fmnist-ti", "--depth", "2", "--dim",
                               "32", "--heads", "2", "--epochs", "6", "--no-augment"});
    auto r = runCli(
        [&] {
            auto a = ancestry;
            a.insert(a.end(), {"--out", anc});
            return a;
        }(),
        600000);
    ASSERT_EQ(r.exitCode, 0) << r.out;

    struct Job {
        std::string name;
        std::vector<std::string> args;
    };
    const std::vector<Job> jobs = {
        {"ancestry", ancestry},
        {"distill", withSmall({"distill", "--teacher", anc + "/model.safetensors", "--depth", "3",
                               "--dim", "32", "--heads", "2", "--epochs", "6"})},
        {"finetune", withSmall({"finetune", "--model", anc + "/model.safetensors", "--epochs", "6",
                                "--no-augment"})},
    };
    int totalKills = 0;
    for (const auto& job : jobs) {
        SCOPED_TRACE(job.name);
        const std::string ref = dir.filePath(job.name + "-uninterrupted");
        if (job.name != "ancestry") {
            auto a = job.args;
            a.insert(a.end(), {"--out", ref});
            const auto u = runCli(a, 600000);
            ASSERT_EQ(u.exitCode, 0) << u.out;
        }
        const std::string refModel = (job.name == "ancestry" ? anc : ref) + "/model.safetensors";
        // Kill-and-resume cycles, each into a fresh folder and each checked against the
        // uninterrupted run, until this job was killed 7 times. A cycle ends when a resumed
        // attempt finishes before its random moment comes (how soon depends on the machine's
        // speed, so that is no failure); its first kill, when the first checkpoint is being
        // written, always comes.
        int jobKills = 0;
        for (int cycle = 0; jobKills < 7 && cycle < 12; ++cycle) {
            const std::string run = dir.filePath(job.name + "-killed-" + std::to_string(cycle));
            const int kills = killAndResume(job.args, run, 7 - jobKills, rng);
            jobKills += kills;
            ASSERT_TRUE(fs::exists(run + "/model.safetensors"));
            EXPECT_TRUE(sameTensors(run + "/model.safetensors", refModel))
                << "resumed after " << kills << " kills, the weights differ";
            if (job.name == "distill") {
                EXPECT_TRUE(
                    sameTensors(run + "/learngene.safetensors", ref + "/learngene.safetensors"));
            }
            EXPECT_EQ(nonEmptyLines(readFile(run + "/metrics.csv")).size(), 7u); // + header
        }
        EXPECT_GE(jobKills, 7) << "killed only " << jobKills << " times in 12 cycles";
        totalKills += jobKills;
    }
    std::printf("kill -9: %d kills, every resume reached the uninterrupted weights\n", totalKills);
    EXPECT_GE(totalKills, 20);
}

TEST(CrashSafety, ASecondProcessOnTheSameFolderRefuses)
{
    TempDir dir;
    const std::string run = dir.filePath("shared");
    auto args = withSmall({"train-ancestry", "--model", "fmnist-ti", "--depth", "2", "--dim", "32",
                           "--heads", "2", "--epochs", "200", "--out", run});
    std::vector<std::string> argv{cliPath()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargs;
    for (auto& a : argv)
        cargs.push_back(a.data());
    cargs.push_back(nullptr);
    const pid_t first = ::fork();
    if (first == 0) {
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::execv(cargs[0], cargs.data());
        ::_exit(127);
    }
    // The first run holds the folder once its log says it started.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    while (!contains(readFile(run + "/log.txt"), "started")
           && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto second = runCli(args, 120000);
    ::kill(first, SIGKILL);
    ::waitpid(first, nullptr, 0);
    EXPECT_EQ(second.exitCode, 1) << second.out;
    EXPECT_TRUE(contains(second.out, "another run is writing")) << second.out;
    EXPECT_TRUE(contains(second.out, std::to_string(first))) << second.out;
    // The first run's files are its own: one "started" line in the log.
    const auto log = readFile(run + "/log.txt");
    EXPECT_EQ(log.find("started"), log.rfind("started"));
}

TEST(CrashSafety, AFullDiskIsOneErrorAndKeepsTheCheckpoint)
{
    TempDir dir;
    const std::string run = dir.filePath("full");
    auto args = [&](const char* epochs) {
        return withSmall({"train-ancestry", "--model", "fmnist-ti", "--depth", "2", "--dim", "32",
                          "--heads", "2", "--epochs", epochs, "--no-augment", "--out", run});
    };
    ASSERT_EQ(runCli(args("1"), 600000).exitCode, 0);
    const std::string checkpoint = readFile(run + "/checkpoint.safetensors");
    // Epoch 2 cannot write its checkpoint: files may not grow past 64 KiB (the checkpoint is
    // bigger). SIGXFSZ is ignored, as a full disk gives an error, not a signal.
    auto resume = args("2");
    resume.push_back("--resume");
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit old{};
    ::getrlimit(RLIMIT_FSIZE, &old);
    rlimit small = old;
    small.rlim_cur = 64 * 1024;
    ::setrlimit(RLIMIT_FSIZE, &small);
    const auto r = runCli(resume, 600000);
    ::setrlimit(RLIMIT_FSIZE, &old);
    ::signal(SIGXFSZ, SIG_DFL);
    EXPECT_EQ(r.exitCode, 1) << r.out;
    EXPECT_TRUE(contains(r.out, "checkpoint.safetensors")) << r.out;
    EXPECT_EQ(readFile(run + "/checkpoint.safetensors"), checkpoint);
    for (const auto& e : fs::directory_iterator(run))
        EXPECT_FALSE(contains(e.path().filename().string(), ".tmp-")) << e.path();
}
