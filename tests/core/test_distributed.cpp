// Data-parallel training over c10d / Gloo on 127.0.0.1: the collectives and the gradient
// buckets with two ranks in one process (threads), then real worker processes through the tleg
// CLI (--nproc 2, torchrun's environment set by hand, torchrun itself when it is installed):
// the result equals one process's to fp32 round-off, rank 0 alone writes, Ctrl-C stops every
// rank with the checkpoint kept and a different world size resumes it, and a worker that dies
// or hangs ends the others with an error.
//
// The tolerance for "equals one process" (kWeightTolerance, 2e-5 absolute per weight): two
// workers compute the mean loss of 16 images each and sum half of each gradient, where one
// process takes the mean over 32, and their forward passes run on 16 images instead of 32. Both
// change only how fp32 sums are rounded (relative ~1e-7 per gradient element); AdamW divides an
// element's first moment by the root of its second, so an element whose gradient is itself at
// round-off level (cancelling terms) can take a step of another size. After the 96 steps here
// the largest difference measured was 2.7e-7 (AVX-512 machine); 2e-5 leaves room for other
// CPUs' kernels and is still 100× below one step's move (lr 2e-3): a shard's gradient missing,
// batches in another order or ranks out of step move weights by ~lr per step. metrics.csv is
// compared the same way (compareMetrics): losses to 1e-4 relative plus 1e-6 absolute (the
// distillation loss falls to ~6e-5 here, a difference of terms near 2.3), accuracies within
// one image.
#include "dist/local_launcher.h"
#include "dist/world.h"
#include "io/safetensors.h"
#include "model/des_net.h"
#include "model/model_io.h"
#include "test_support.h"
#include "tiny_models.h"
#include "train/data_parallel.h"
#include "train/loss.h"
#include "util/files.h"

#include <gtest/gtest.h>

#include <fcntl.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

using namespace tleg;
using namespace tleg::testing;
namespace fs = std::filesystem;

namespace {

constexpr double kWeightTolerance = 2e-5;

/// Runs fn(world) on `ranks` threads, each joined to one World over 127.0.0.1.
void inThreads(int ranks, int timeoutSeconds, const std::function<void(dist::World&)>& fn)
{
    const int port = dist::freeLocalPort();
    std::vector<std::future<void>> done;
    for (int r = 0; r < ranks; ++r)
        done.push_back(std::async(std::launch::async, [=] {
            dist::LaunchEnvironment e;
            e.rank = r;
            e.worldSize = ranks;
            e.localRank = r;
            e.localWorldSize = ranks;
            e.masterAddr = "127.0.0.1";
            e.masterPort = port;
            e.timeout = std::chrono::seconds(timeoutSeconds);
            auto world = dist::World::join(e);
            fn(*world);
        }));
    for (auto& d : done)
        d.get(); // rethrows a rank's failure
}

} // namespace

TEST(World, SumsBroadcastsAndAgreesAcrossRanks)
{
    inThreads(2, 60, [](dist::World& w) {
        std::vector<torch::Tensor> t{torch::full({3}, float(w.rank() + 1)),
                                     torch::full({2}, double(10 * (w.rank() + 1)))};
        w.allReduceSum(t, "a test sum");
        EXPECT_TRUE(t[0].equal(torch::full({3}, 3.0f)));
        EXPECT_TRUE(t[1].equal(torch::full({2}, 30.0, torch::kDouble)));
        std::vector<torch::Tensor> b{torch::full({4}, int64_t(w.rank() + 7))};
        w.broadcast(b, 1, "a test broadcast");
        EXPECT_TRUE(b[0].equal(torch::full({4}, int64_t(8))));
        EXPECT_TRUE(w.anyRank(w.rank() == 1, "a test vote"));
        EXPECT_FALSE(w.anyRank(false, "a test vote"));
        w.barrier("a test barrier");
    });
}

// A rank that stops answering: the other's collective ends with a tleg::Error naming what it
// waited for, after the timeout (2 s here), instead of waiting for ever.
TEST(World, AHungRankEndsTheOtherWithAnError)
{
    std::promise<void> released;
    std::shared_future<void> release = released.get_future().share();
    std::string error;
    inThreads(2, 2, [&](dist::World& w) {
        if (w.rank() == 1) {
            release.wait(); // hangs until rank 0 has given up
            return;
        }
        error = expectError(
            [&] {
                std::vector<torch::Tensor> t{torch::ones({8})};
                w.allReduceSum(t, "the test's all-reduce");
            },
            {"the test's all-reduce failed", "stopped answering", "TLEG_DIST_TIMEOUT"});
        released.set_value();
    });
    EXPECT_EQ(error, "");
}

// The buckets: two ranks' shares of a batch, summed, give the gradient of the whole batch, and
// rank 0's weights and optimizer state reach rank 1.
TEST(DataParallel, ShardGradientsSumToTheWholeBatch)
{
    torch::manual_seed(3);
    const torch::Tensor images = torch::randn({8, 1, 8, 8});
    const torch::Tensor labels = torch::randint(0, 5, {8}, torch::kLong);
    model::ViT whole = model::scratch(tinyConfig(2), 1);
    randomize(*whole, 4);
    train::crossEntropy(whole->forward(images), labels).backward();
    // Built here: Torch's generator is shared by the threads. Rank 1 starts elsewhere, and the
    // broadcast of rank 0's state must fix that.
    std::vector<model::ViT> nets{model::scratch(tinyConfig(2), 1),
                                 model::scratch(tinyConfig(2), 1)};
    randomize(*nets[0], 4);
    randomize(*nets[1], 5);

    std::vector<std::vector<torch::Tensor>> grads(2);
    inThreads(2, 60, [&](dist::World& w) {
        auto& net = nets[size_t(w.rank())];
        train::AdamW opt(net->named_parameters(true), {});
        train::DataParallel dp(w, *net, opt, 8);
        EXPECT_EQ(dp.broadcastState(w.rank() == 0 ? 3 : 0), 3);
        const auto shard = torch::arange(4 * w.rank(), 4 * w.rank() + 4);
        auto loss = train::crossEntropy(net->forward(images.index_select(0, shard)),
                                        labels.index_select(0, shard));
        (loss * dp.share(4)).backward();
        train::StepFigures local;
        local.images = 4;
        local.stop = w.rank() == 1;
        const auto all = dp.reduceStep(local);
        EXPECT_EQ(all.images, 8.0);
        EXPECT_TRUE(all.stop);
        EXPECT_TRUE(all.finite);
        for (const auto& p : net->parameters())
            grads[size_t(w.rank())].push_back(p.grad().clone());
    });
    const auto params = whole->parameters();
    ASSERT_EQ(grads[0].size(), params.size());
    for (size_t i = 0; i < params.size(); ++i) {
        EXPECT_TRUE(grads[0][i].equal(grads[1][i])) << "ranks disagree on gradient " << i;
        EXPECT_TRUE(torch::allclose(grads[0][i], params[i].grad(), 1e-5, 1e-7))
            << "gradient " << i << " differs from the whole batch's by "
            << (grads[0][i] - params[i].grad()).abs().max().item<double>();
    }
}

// ---- worker processes through the CLI --------------------------------------------------------

namespace {

/// A tleg process started in the background, its output in a file.
struct Worker {
    pid_t pid = -1;
    std::string log;
};

Worker spawnCli(const std::vector<std::string>& args, const std::vector<std::string>& env,
                const std::string& log, const std::string& program = cliPath())
{
    std::vector<std::string> argv{program};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> a;
    for (auto& s : argv)
        a.push_back(s.data());
    a.push_back(nullptr);
    Worker w;
    w.log = log;
    w.pid = ::fork();
    if (w.pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, STDOUT_FILENO);
        ::dup2(fd, STDERR_FILENO);
        for (const auto& kv : env)
            ::putenv(const_cast<char*>(kv.c_str()));
        ::execvp(a[0], a.data());
        ::_exit(127);
    }
    return w;
}

/// The exit code (128 + signal when killed), or -1 when still running after timeoutMs.
int waitExit(pid_t pid, int timeoutMs)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

/// Waits until path holds a line containing text (true) or timeoutMs passed (false).
bool waitForText(const std::string& path, const std::string& text, int timeoutMs)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
        if (contains(readFile(path), text))
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

/// A teacher for the distillations: a random small ViT for Fashion-MNIST's 28×28 images.
std::string teacherFile(const std::string& dir)
{
    auto cfg = fmnistTinyConfig(2);
    cfg.dim = 48;
    cfg.heads = 3;
    model::ViT net = model::scratch(cfg, 11);
    const std::string path = joinPath(dir, "teacher.safetensors");
    model::saveClassifier(path, *net, nlohmann::json::object());
    return path;
}

/// A distillation of a few hundred Fashion-MNIST images: fp32, one thread, no augmentation.
std::vector<std::string> distillArgs(const std::string& teacher, const std::string& out, int epochs,
                                     int trainImages = 512)
{
    return {"distill",
            "--teacher",
            teacher,
            "--data",
            "fashion-mnist",
            "--train-subset",
            std::to_string(trainImages),
            "--test-subset",
            "256",
            "--model",
            "fmnist-ti",
            "--dim",
            "32",
            "--heads",
            "2",
            "--depth",
            "2",
            "--epochs",
            std::to_string(epochs),
            "--batch",
            "32",
            "--lr",
            "2e-3",
            "--warmup",
            "0.5",
            "--fp32",
            "--threads",
            "1",
            "--out",
            out};
}

constexpr int kEpochs = 6;

/// The single-process run everything is compared with (made once).
struct Reference {
    TempDir dir;
    std::string teacher, run;
};

const Reference& reference()
{
    static Reference ref;
    static const bool made = [] {
        ref.teacher = teacherFile(ref.dir.path());
        ref.run = ref.dir.filePath("one");
        const auto p = runCli(distillArgs(ref.teacher, ref.run, kEpochs), 600000);
        EXPECT_EQ(p.exitCode, 0) << p.out;
        return true;
    }();
    (void)made;
    return ref;
}

/// Every tensor of two model files within tolerance (0: equal bits); empty when they agree.
std::string compareModels(const std::string& a, const std::string& b, double tolerance)
{
    const auto fa = io::readSafetensors(a);
    const auto fb = io::readSafetensors(b);
    if (fa.tensors.size() != fb.tensors.size())
        return "different tensor counts";
    std::ostringstream os;
    double worst = 0.0, moved = 0.0;
    for (size_t i = 0; i < fa.tensors.size(); ++i) {
        const auto& [name, ta] = fa.tensors[i];
        const auto& tb = fb.tensor(name);
        const double d = (ta.to(torch::kDouble) - tb.to(torch::kDouble)).abs().max().item<double>();
        worst = std::max(worst, d);
        moved = std::max(moved, ta.abs().max().item<double>());
        if (tolerance == 0.0 ? !ta.equal(tb) : d > tolerance)
            os << name << " differs by " << d << "; ";
    }
    std::printf("largest difference of %s and %s: %.3g\n", a.c_str(), b.c_str(), worst);
    return os.str();
}

std::vector<std::vector<double>> metricsRows(const std::string& runDir)
{
    std::vector<std::vector<double>> rows;
    const auto lines = nonEmptyLines(readFile(runDir + "/metrics.csv"));
    for (size_t i = 1; i < lines.size(); ++i) {
        std::vector<double> cells;
        std::stringstream ss(lines[i]);
        for (std::string c; std::getline(ss, c, ',');)
            cells.push_back(std::stod(c));
        rows.push_back(cells);
    }
    return rows;
}

/// metrics.csv of two runs: the same epochs and learning rates; losses to 1e-4 relative (plus
/// 1e-6: a loss near zero is a difference of larger terms);
/// accuracies within one image of 256 (weights agree to round-off, a prediction on a near tie
/// may still flip). Empty when they agree.
std::string compareMetrics(const std::string& a, const std::string& b)
{
    const auto ra = metricsRows(a), rb = metricsRows(b);
    if (ra.size() != rb.size() || ra.empty())
        return "metrics.csv has " + std::to_string(ra.size()) + " and " + std::to_string(rb.size())
               + " epochs";
    std::ostringstream os;
    for (size_t e = 0; e < ra.size(); ++e) {
        // epoch, train_loss, train_top1, val_loss, val_top1, val_top5, lr, seconds, img/s
        auto off = [&](size_t c, double tol, bool relative) {
            const double d = std::abs(ra[e][c] - rb[e][c]);
            return d > (relative ? tol * std::abs(ra[e][c]) + 1e-6 : tol);
        };
        if (ra[e][0] != rb[e][0] || ra[e][6] != rb[e][6] || off(1, 1e-4, true) || off(3, 1e-4, true)
            || off(2, 100.0 / 512, false) || off(4, 100.0 / 256, false)
            || off(5, 100.0 / 256, false)) {
            os << "epoch " << e + 1 << " differs:";
            for (size_t c = 0; c < 7; ++c)
                os << " " << ra[e][c] << "/" << rb[e][c];
            os << "; ";
        }
    }
    return os.str();
}

std::vector<std::string> listing(const std::string& dir)
{
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

size_t count(const std::string& text, const std::string& part)
{
    size_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++n;
    return n;
}

} // namespace

TEST(DataParallelCli, TwoWorkersEqualOneProcessAndOnlyRankZeroWrites)
{
    const Reference& ref = reference();
    TempDir dir;
    const std::string tmp = dir.filePath("tmp");
    fs::create_directories(tmp);
    const std::string two = dir.filePath("two");
    auto args = distillArgs(ref.teacher, two, kEpochs);
    args.insert(args.end(), {"--nproc", "2"});
    const Worker w = spawnCli(args, {"TMPDIR=" + tmp}, dir.filePath("two.log"));
    ASSERT_EQ(waitExit(w.pid, 600000), 0) << readFile(w.log);

    EXPECT_EQ(compareModels(joinPath(ref.run, "model.safetensors"),
                            joinPath(two, "model.safetensors"), kWeightTolerance),
              "");
    EXPECT_EQ(compareModels(joinPath(ref.run, "learngene.safetensors"),
                            joinPath(two, "learngene.safetensors"), kWeightTolerance),
              "");
    EXPECT_EQ(compareMetrics(ref.run, two), "");
    // One writer: the same files as one process, each epoch logged once, nothing left behind
    // by rank 1 (its private copies are gone), and the job says how it ran.
    EXPECT_EQ(listing(two), listing(ref.run));
    const std::string log = readFile(joinPath(two, "log.txt"));
    EXPECT_EQ(count(log, "started auxnet"), 1u) << log;
    EXPECT_EQ(count(log, "epoch 1/"), 1u) << log;
    EXPECT_TRUE(listing(tmp).empty());
    const auto config = nlohmann::json::parse(readFile(joinPath(two, "config.json")));
    EXPECT_EQ(config["data_parallel"]["workers"], 2);
    EXPECT_EQ(config["data_parallel"]["backend"], "gloo");
    EXPECT_FALSE(nlohmann::json::parse(readFile(joinPath(ref.run, "config.json")))
                     .contains("data_parallel"));
    const std::string out = readFile(w.log);
    EXPECT_TRUE(contains(out, "data-parallel in 2 worker processes")) << out;
    EXPECT_EQ(count(out, "Aux-Net: test top-1"), 1u) << "rank 0 alone prints:\n" << out;
}

// Ctrl-C (SIGINT to the launcher) stops both workers at the next batch with the last epoch's
// checkpoint kept; one process then resumes it (another world size) and ends where the
// uninterrupted run did.
TEST(DataParallelCli, CtrlCStopsEveryRankAndAnotherWorldSizeResumes)
{
    const Reference& ref = reference();
    TempDir dir;
    const std::string run = dir.filePath("run");
    auto args = distillArgs(ref.teacher, run, kEpochs);
    args.insert(args.end(), {"--nproc", "2"});
    const Worker w = spawnCli(args, {}, dir.filePath("run.log"));
    ASSERT_TRUE(waitForText(joinPath(run, "metrics.csv"), "\n1,", 600000)) << readFile(w.log);
    ::kill(w.pid, SIGINT);
    ASSERT_EQ(waitExit(w.pid, 600000), 130) << readFile(w.log);
    const auto rows = metricsRows(run);
    ASSERT_GE(rows.size(), 1u);
    ASSERT_LT(rows.size(), size_t(kEpochs)) << "the run ended before Ctrl-C reached it";
    EXPECT_TRUE(contains(readFile(joinPath(run, "log.txt")), "stopped by the user"));
    EXPECT_TRUE(fs::exists(joinPath(run, "checkpoint.safetensors")));
    EXPECT_FALSE(fs::exists(joinPath(run, "model.safetensors")));

    auto resume = distillArgs(ref.teacher, run, kEpochs);
    resume.push_back("--resume");
    const auto p = runCli(resume, 600000);
    ASSERT_EQ(p.exitCode, 0) << p.out;
    EXPECT_TRUE(contains(p.out, "resumed")
                || contains(readFile(joinPath(run, "log.txt")), "resumed after epoch"));
    EXPECT_EQ(compareModels(joinPath(ref.run, "model.safetensors"),
                            joinPath(run, "model.safetensors"), kWeightTolerance),
              "");
    EXPECT_EQ(compareMetrics(ref.run, run), "");
}

namespace {

/// Ranks 0 and 1 started by hand with the variables torchrun sets, on a long distillation.
std::vector<Worker> startByHand(const std::string& dir, int timeoutSeconds)
{
    const Reference& ref = reference();
    const std::string port = std::to_string(dist::freeLocalPort());
    std::vector<Worker> workers;
    for (int r = 0; r < 2; ++r) {
        const std::string rank = std::to_string(r);
        workers.push_back(
            spawnCli(distillArgs(ref.teacher, joinPath(dir, "run"), 1000, 256),
                     {"RANK=" + rank, "LOCAL_RANK=" + rank, "WORLD_SIZE=2", "LOCAL_WORLD_SIZE=2",
                      "MASTER_ADDR=127.0.0.1", "MASTER_PORT=" + port,
                      "TLEG_DIST_TIMEOUT=" + std::to_string(timeoutSeconds)},
                     joinPath(dir, "rank" + rank + ".log")));
    }
    return workers;
}

} // namespace

// A worker killed outright: the other's next collective fails at once (its peer's connection
// closed) and it ends with an error naming what happened, well within the timeout.
TEST(DataParallelCli, AWorkerThatDiesEndsTheOther)
{
    TempDir dir;
    auto workers = startByHand(dir.path(), 300);
    ASSERT_TRUE(waitForText(dir.filePath("run/metrics.csv"), "\n1,", 600000))
        << readFile(workers[0].log) << readFile(workers[1].log);
    ::kill(workers[1].pid, SIGKILL);
    const int code = waitExit(workers[0].pid, 240000);
    waitExit(workers[1].pid, 10000);
    EXPECT_NE(code, 0);
    EXPECT_NE(code, -1) << "rank 0 still runs after its peer died";
    if (code == -1)
        ::kill(workers[0].pid, SIGKILL), waitExit(workers[0].pid, 10000);
    const std::string out = readFile(workers[0].log);
    EXPECT_TRUE(contains(out, "(rank 0 of 2): error")) << out;
    EXPECT_TRUE(contains(out, "another worker has ended or stopped answering")) << out;
}

// A worker that stops (SIGSTOP: alive, connections open, silent): the other gives up after
// TLEG_DIST_TIMEOUT (5 s here) with the same error instead of waiting for ever.
TEST(DataParallelCli, AWorkerThatHangsEndsTheOtherAfterTheTimeout)
{
    TempDir dir;
    auto workers = startByHand(dir.path(), 5);
    ASSERT_TRUE(waitForText(dir.filePath("run/metrics.csv"), "\n1,", 600000))
        << readFile(workers[0].log) << readFile(workers[1].log);
    ::kill(workers[1].pid, SIGSTOP);
    const int code = waitExit(workers[0].pid, 240000);
    ::kill(workers[1].pid, SIGKILL);
    waitExit(workers[1].pid, 10000);
    EXPECT_NE(code, 0);
    EXPECT_NE(code, -1) << "rank 0 still runs while its peer hangs";
    if (code == -1)
        ::kill(workers[0].pid, SIGKILL), waitExit(workers[0].pid, 10000);
    const std::string out = readFile(workers[0].log);
    EXPECT_TRUE(contains(out, "stopped answering (waited at most 5 s")) << out;
}

// --nproc's launcher: when one of its workers is killed it reports it, the other ends, and the
// launcher exits non-zero with no worker left behind.
TEST(DataParallelCli, TheLauncherEndsWhenAWorkerDies)
{
    const Reference& ref = reference();
    TempDir dir;
    auto args = distillArgs(ref.teacher, dir.filePath("run"), 1000, 256);
    args.insert(args.end(), {"--nproc", "2"});
    const Worker launcher = spawnCli(args, {}, dir.filePath("launcher.log"));
    ASSERT_TRUE(waitForText(dir.filePath("run/metrics.csv"), "\n1,", 600000))
        << readFile(launcher.log);
    std::vector<pid_t> children;
    std::istringstream in(readFile("/proc/" + std::to_string(launcher.pid) + "/task/"
                                   + std::to_string(launcher.pid) + "/children"));
    for (pid_t p; in >> p;)
        children.push_back(p);
    ASSERT_EQ(children.size(), 2u);
    ::kill(children[1], SIGKILL);
    const int code = waitExit(launcher.pid, 240000);
    EXPECT_NE(code, 0);
    EXPECT_NE(code, -1) << readFile(launcher.log);
    if (code == -1)
        ::kill(launcher.pid, SIGKILL), waitExit(launcher.pid, 10000);
    for (pid_t p : children)
        EXPECT_NE(::kill(p, 0), 0) << "worker " << p << " is still there";
    EXPECT_TRUE(contains(readFile(launcher.log), "worker 1 was killed by signal 9"))
        << readFile(launcher.log);
}

// torchrun (python3-torch) starting the workers: the same result as --nproc 2, bit for bit.
TEST(DataParallelCli, TorchrunStartsTheWorkers)
{
    const std::string torchrun = "/usr/bin/torchrun";
    if (!fs::exists(torchrun)
        || runProcess({"/usr/bin/python3", "-c", "import torch"}, 120000, true).exitCode != 0)
        GTEST_SKIP() << "torchrun of python3-torch is not installed";
    const Reference& ref = reference();
    TempDir dir;
    const std::string viaNproc = dir.filePath("nproc"), viaTorchrun = dir.filePath("torchrun");
    auto args = distillArgs(ref.teacher, viaNproc, 2);
    args.insert(args.end(), {"--nproc", "2"});
    const auto a = runCli(args, 600000);
    ASSERT_EQ(a.exitCode, 0) << a.out;
    // --redirects/--tee given as a mapping: Debian 12's torchrun (1.13 on Python 3.11) fails
    // on its own defaults (docs/SCALING.md).
    std::vector<std::string> run{"--nproc_per_node",
                                 "2",
                                 "--master_port",
                                 std::to_string(dist::freeLocalPort()),
                                 "--log_dir",
                                 dir.filePath("torchrun-logs"),
                                 "--redirects",
                                 "0:1",
                                 "--tee",
                                 "0:1",
                                 "--no_python",
                                 cliPath()};
    const auto more = distillArgs(ref.teacher, viaTorchrun, 2);
    run.insert(run.end(), more.begin(), more.end());
    const Worker w = spawnCli(run, {}, dir.filePath("torchrun.log"), torchrun);
    ASSERT_EQ(waitExit(w.pid, 600000), 0) << readFile(w.log);
    EXPECT_EQ(compareModels(joinPath(viaNproc, "model.safetensors"),
                            joinPath(viaTorchrun, "model.safetensors"), 0.0),
              "");
    EXPECT_TRUE(contains(readFile(w.log), "rank 0 of 2 workers")) << readFile(w.log);
}
