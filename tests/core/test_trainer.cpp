// The trainer on real Fashion-MNIST: it learns, it stops when asked (from another thread), it
// resumes exactly, and a diverging run fails with a clear message.
#include "data/dataset.h"
#include "model/des_net.h"
#include "model/model_io.h"
#include "train/speed_probe.h"
#include "train/trainer.h"
#include "util/error.h"
#include "util/files.h"

#include "test_support.h"

#include <algorithm>
#include <atomic>
#include <limits>

#include <chrono>
#include <thread>

using namespace tleg;

namespace {

model::ViTConfig smallConfig()
{
    auto c = model::ViTConfig::preset("fmnist-ti");
    c.dim = 32;
    c.heads = 2;
    c.depth = 2;
    return c;
}

train::TrainOptions fastOptions()
{
    train::TrainOptions o;
    o.epochs = 2;
    o.batchSize = 64;
    o.lr = 2e-3;
    o.warmupEpochs = 0.2;
    o.threads = 2;
    return o;
}

} // namespace

/// Every test trains on the same Fashion-MNIST subsets, loaded once.
class Trainer : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        auto split = data::loadFashionMnist();
        s_train = data::subset(split.train, 6000, 1);
        s_test = data::subset(split.test, 1000, 2);
    }
    static void TearDownTestSuite()
    {
        s_train = {};
        s_test = {};
    }

    static data::Dataset s_train, s_test;
};

data::Dataset Trainer::s_train, Trainer::s_test;

TEST_F(Trainer, learnsFashionMnist)
{
    tleg::testing::TempDir dir;
    auto o = fastOptions();
    o.epochs = 3;
    o.runDir = dir.filePath("run");
    model::ViT net = model::scratch(smallConfig(), 0);
    int calls = 0;
    auto r = train::train(*net, s_train, s_test, o, nullptr, [&](const train::Progress& p) {
        ++calls;
        return p.loss == p.loss;
    });
    ASSERT_TRUE(!r.stopped);
    ASSERT_EQ(r.history.size(), size_t(3));
    ASSERT_TRUE(r.finalTop1 > 45.0) << r.finalTop1;
    ASSERT_TRUE(r.finalTop5 >= r.finalTop1);
    ASSERT_TRUE(r.history[2].trainLoss < r.history[0].trainLoss);
    ASSERT_TRUE(calls >= 3 * (6000 / 64));
    for (const char* f :
         {"model.safetensors", "checkpoint.safetensors", "metrics.csv", "log.txt", "config.json"})
        ASSERT_TRUE(fileExists(joinPath(o.runDir, f))) << f;
    // The saved model reproduces the reported accuracy.
    model::ModelMetadata md;
    auto back = model::loadViT(joinPath(o.runDir, "model.safetensors"), &md);
    auto ev = train::evaluate(*back, s_test, train::normalizationFrom(md.extra, s_train));
    ASSERT_FUZZY_EQ(ev.top1, r.finalTop1);
    std::ifstream csv(joinPath(o.runDir, "metrics.csv"));
    ASSERT_TRUE(csv.is_open());
    const std::string metrics = tleg::testing::readFile(joinPath(o.runDir, "metrics.csv"));
    ASSERT_EQ(std::count(metrics.begin(), metrics.end(), '\n'), 4);
}

TEST_F(Trainer, stopFlagFromAnotherThreadStopsWithinABatch)
{
    // The trainer checks the flag before every batch, so once it is raised only the batch under
    // way may still finish. Counted in batches rather than timed: a busy machine cannot fail it.
    tleg::testing::TempDir dir;
    auto o = fastOptions();
    o.epochs = 50;
    o.runDir = dir.filePath("run");
    model::ViT net = model::scratch(smallConfig(), 0);
    std::atomic<bool> stop{false};
    std::atomic<bool> finished{false};
    std::atomic<int64_t> batches{0};          // batch callbacks so far
    std::atomic<int64_t> batchesAfterStop{0}; // batch callbacks that found the flag raised
    std::thread stopper([&] {
        // A few batches into training, as a user would press Stop.
        while (batches.load() < 3 && !finished.load())
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        stop.store(true);
    });
    const auto joinStopper = [&] {
        finished.store(true);
        stopper.join();
    };
    train::TrainResult r;
    try {
        r = train::train(
            *net, s_train, s_test, o, nullptr,
            [&](const train::Progress& p) {
                if (!p.epochDone) {
                    if (stop.load())
                        ++batchesAfterStop;
                    ++batches;
                }
                return true;
            },
            &stop);
    } catch (...) {
        joinStopper();
        throw;
    }
    joinStopper();
    ASSERT_TRUE(r.stopped);
    ASSERT_TRUE(r.history.size() < 50);
    ASSERT_LE(batchesAfterStop.load(), 1) << "batches trained after the stop flag was raised";
    ASSERT_TRUE(!fileExists(joinPath(o.runDir, "model.safetensors")));
}

TEST_F(Trainer, callbackReturningFalseStops)
{
    auto o = fastOptions();
    model::ViT net = model::scratch(smallConfig(), 0);
    int calls = 0;
    auto r = train::train(*net, s_train, s_test, o, nullptr,
                          [&](const train::Progress&) { return ++calls < 5; });
    ASSERT_TRUE(r.stopped);
    ASSERT_EQ(calls, 5);
}

TEST_F(Trainer, resumeIsExact)
{
    tleg::testing::TempDir dir;
    auto o = fastOptions();
    o.threads = 1; // one thread: bitwise reproducible reductions
    o.epochs = 2;
    o.runDir = dir.filePath("full");
    model::ViT full = model::scratch(smallConfig(), 5);
    train::train(*full, s_train, s_test, o);

    o.runDir = dir.filePath("resumed");
    model::ViT part = model::scratch(smallConfig(), 5);
    int epochsSeen = 0;
    train::train(*part, s_train, s_test, o, nullptr, [&](const train::Progress& p) {
        if (p.epochDone)
            ++epochsSeen;
        return epochsSeen < 1; // stop once the first epoch is checkpointed
    });
    ASSERT_EQ(epochsSeen, 1);
    ASSERT_TRUE(!fileExists(joinPath(o.runDir, "model.safetensors")));
    model::ViT resumed = model::scratch(smallConfig(), 99); // different init: must be overwritten
    o.resume = true;
    auto r = train::train(*resumed, s_train, s_test, o);
    ASSERT_EQ(r.history.size(), size_t(2));
    auto a = full->named_parameters(), b = resumed->named_parameters();
    for (const auto& item : a)
        ASSERT_TRUE((item.value() - b[item.key()]).abs().max().item<double>() < 1e-6) << item.key();
}

TEST_F(Trainer, divergenceStopsWithAClearError)
{
    tleg::testing::TempDir dir;
    auto o = fastOptions();
    o.runDir = dir.filePath("run");
    model::ViT net = model::scratch(smallConfig(), 0);
    {
        // One weight that is not finite makes every loss NaN (the learning rate itself is
        // bounded by TrainOptions::validate, so it can no longer be made to blow up).
        torch::NoGradGuard noGrad;
        net->parameters().front().view(-1)[0] = std::numeric_limits<float>::infinity();
    }
    try {
        train::train(*net, s_train, s_test, o);
        FAIL() << "a diverging run must fail";
    } catch (const tleg::Error& e) {
        ASSERT_TRUE(std::string(e.what()).find("diverged") != std::string::npos) << e.what();
    }
    ASSERT_TRUE(!fileExists(joinPath(o.runDir, "model.safetensors")));
}

TEST_F(Trainer, bf16MatmulsStayCloseToFp32AndLearn)
{
    model::ViT net = model::scratch(smallConfig(), 0);
    net->eval();
    torch::manual_seed(1);
    auto x = torch::randn({8, 1, 28, 28});
    torch::Tensor fp32, bf16;
    {
        torch::NoGradGuard g;
        fp32 = net->forward(x);
        model::setBf16Matmul(true);
        bf16 = net->forward(x);
        model::setBf16Matmul(false);
    }
    ASSERT_EQ(bf16.scalar_type(), torch::kFloat);
    const double rel = ((bf16 - fp32).norm() / fp32.norm()).item<double>();
    ASSERT_TRUE(rel > 0.0 && rel < 0.05) << rel;

    auto o = fastOptions();
    o.epochs = 3;
    o.bf16 = true;
    auto r = train::train(*net, s_train, s_test, o);
    ASSERT_TRUE(r.finalTop1 > 45.0) << r.finalTop1;
    ASSERT_TRUE(!model::bf16Matmul()); // the trainer restores the thread's setting
}

TEST_F(Trainer, distillationNeedsATeacher)
{
    auto o = fastOptions();
    o.loss.lambda = 1.0;
    model::ViT net = model::scratch(smallConfig(), 0);
    ASSERT_THROW(train::train(*net, s_train, s_test, o), tleg::Error);
}

// The probe that gives the forms their "about 2 min": positive speeds for a real network on
// this machine, training slower than evaluation, the estimate is the sum of its parts, a stop
// answers zeros, and a shape the network cannot take is a clear error.
TEST(SpeedProbe, measuresAndEstimates)
{
    auto net = model::scratch(smallConfig(), 0);
    train::ProbeOptions o;
    o.minSeconds = 0.05;
    o.maxSteps = 3;
    const auto p = train::probeSpeed(*net, {1, 28, 28}, 32, o);
    ASSERT_GT(p.trainImagesPerSecond, 0.0);
    ASSERT_GT(p.evalImagesPerSecond, 0.0);
    ASSERT_EQ(p.teacherImagesPerSecond, 0.0);
    const double expected = 3 * (6000 / p.trainImagesPerSecond + 1000 / p.evalImagesPerSecond);
    ASSERT_NEAR(p.estimateSeconds(3, 6000, 1000), expected, 1e-9 * expected);

    train::SpeedProbe withTeacher = p;
    withTeacher.teacherImagesPerSecond = 1000;
    ASSERT_NEAR(withTeacher.estimateSeconds(3, 6000, 1000, true), expected + 6.0, 1e-6);
    ASSERT_NEAR(withTeacher.estimateSeconds(3, 6000, 1000, false), expected + 18.0, 1e-6);

    std::atomic<bool> stop{true};
    const auto none = train::probeSpeed(*net, {1, 28, 28}, 8, o, nullptr, &stop);
    ASSERT_EQ(none.trainImagesPerSecond, 0.0);
    ASSERT_EQ(none.estimateSeconds(3, 6000, 1000), 0.0);
    ASSERT_THROW(train::probeSpeed(*net, {28, 28}, 8, o), Error);
}
