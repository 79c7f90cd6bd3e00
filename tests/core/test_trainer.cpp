// The trainer on real Fashion-MNIST: it learns, it stops when asked (from another thread), it
// resumes exactly, and a diverging run fails with a clear message.
#include "data/dataset.h"
#include "model/des_net.h"
#include "io/safetensors.h"
#include "model/model_io.h"
#include "train/optimizer.h"
#include "train/speed_probe.h"
#include "train/trainer.h"
#include "util/error.h"
#include "util/files.h"

#include "test_support.h"

#include <algorithm>
#include <atomic>
#include <limits>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
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
    ASSERT_TRUE(r.testTop1 > 45.0) << r.testTop1;
    ASSERT_TRUE(r.testTop5 >= r.testTop1);
    ASSERT_TRUE(r.history[2].trainLoss < r.history[0].trainLoss);
    ASSERT_TRUE(calls >= 3 * (5400 / 64)); // 10 % of the 6,000 images are held out
    for (const char* f :
         {"model.safetensors", "checkpoint.safetensors", "metrics.csv", "log.txt", "config.json"})
        ASSERT_TRUE(fileExists(joinPath(o.runDir, f))) << f;
    // The saved model reproduces the reported accuracy.
    model::ModelMetadata md;
    auto back = model::loadViT(joinPath(o.runDir, "model.safetensors"), &md);
    auto ev = train::evaluate(*back, s_test, train::normalizationFrom(md.extra, s_train));
    ASSERT_FUZZY_EQ(ev.top1, r.testTop1);
    std::ifstream csv(joinPath(o.runDir, "metrics.csv"));
    ASSERT_TRUE(csv.is_open());
    const std::string metrics = tleg::testing::readFile(joinPath(o.runDir, "metrics.csv"));
    ASSERT_EQ(std::count(metrics.begin(), metrics.end(), '\n'), 4);
}

namespace {

/// A progress callback that wipes the network's weights after every batch of epoch `from` and
/// later: those epochs score at chance on any images, so an earlier epoch must be the one kept.
train::ProgressFn wipeFromEpoch(torch::nn::Module& net, int64_t from)
{
    return [&net, from](const train::Progress& p) {
        if (p.epoch >= from && !p.epochDone) {
            torch::NoGradGuard noGrad;
            for (auto& t : net.parameters())
                t.zero_();
        }
        return true;
    };
}

} // namespace

TEST_F(Trainer, theEpochIsChosenOnHeldOutImagesAndTheTestSetScoredOnce)
{
    tleg::testing::TempDir dir;
    auto o = fastOptions();
    o.epochs = 3;
    o.runDir = dir.filePath("run");
    model::ViT net = model::scratch(smallConfig(), 3);
    const auto r = train::train(*net, s_train, s_test, o, nullptr, wipeFromEpoch(*net, 3));
    ASSERT_TRUE(!r.stopped);
    ASSERT_EQ(r.history.size(), size_t(3));
    ASSERT_EQ(r.valImages, int64_t(600));
    ASSERT_EQ(r.trainImages, int64_t(5400));
    ASSERT_EQ(r.testImages, int64_t(1000));
    ASSERT_TRUE(r.history[2].valTop1 < 30.0) << r.history[2].valTop1; // the wiped epoch
    ASSERT_TRUE(r.selectedEpoch == 1 || r.selectedEpoch == 2) << r.selectedEpoch;
    const double best = std::max(r.history[0].valTop1, r.history[1].valTop1);
    ASSERT_EQ(r.valTop1, best);
    ASSERT_EQ(r.history[size_t(r.selectedEpoch - 1)].valTop1, best);

    // The chosen weights are back in the network: the held-out images (splitPositions with the
    // trainer's seed) give the chosen epoch's score, and the test set the one reported.
    const auto norm = data::computeNormalization(s_train);
    const auto held = data::splitPositions(s_train, o.valFraction, train::kValSplitSeed);
    ASSERT_EQ(held.val.size(0), int64_t(600));
    ASSERT_FUZZY_EQ(train::evaluate(*net, data::take(s_train, held.val), norm).top1, r.valTop1);
    ASSERT_FUZZY_EQ(train::evaluate(*net, s_test, norm).top1, r.testTop1);
    ASSERT_TRUE(r.testTop1 > 35.0) << r.testTop1;

    // The saved model is the chosen one, with its facts; the copy kept during training is gone.
    model::ModelMetadata md;
    auto back = model::loadViT(joinPath(o.runDir, "model.safetensors"), &md);
    ASSERT_FUZZY_EQ(train::evaluate(*back, s_test, norm).top1, r.testTop1);
    const auto& m = md.extra.at("metrics");
    ASSERT_EQ(m.at("selected_epoch").get<int64_t>(), r.selectedEpoch);
    ASSERT_EQ(m.at("val_images").get<int64_t>(), int64_t(600));
    ASSERT_FUZZY_EQ(m.at("test_top1").get<double>(), r.testTop1);
    ASSERT_TRUE(!fileExists(joinPath(o.runDir, "selected.safetensors")));
    const auto config =
        nlohmann::json::parse(tleg::testing::readFile(joinPath(o.runDir, "config.json")));
    ASSERT_EQ(config.at("train_images").get<int64_t>(), int64_t(5400));
    ASSERT_EQ(config.at("val_images").get<int64_t>(), int64_t(600));
    ASSERT_EQ(config.at("epochs_scored_on").get<std::string>(), std::string("validation"));
    const std::string log = tleg::testing::readFile(joinPath(o.runDir, "log.txt"));
    ASSERT_TRUE(log.find("chosen on 600 validation images") != std::string::npos) << log;
}

TEST_F(Trainer, aResumedRunRestoresTheEpochChosenBeforeTheStop)
{
    tleg::testing::TempDir dir;
    auto o = fastOptions();
    o.epochs = 3;
    o.runDir = dir.filePath("run");
    model::ViT net = model::scratch(smallConfig(), 4);
    const auto first = train::train(*net, s_train, s_test, o, nullptr,
                                    [](const train::Progress& p) {
                                        return !(p.epochDone && p.epoch == 2);
                                    });
    ASSERT_TRUE(first.stopped);
    ASSERT_TRUE(fileExists(joinPath(o.runDir, "selected.safetensors")));
    const double bestBefore = std::max(first.history[0].valTop1, first.history[1].valTop1);

    model::ViT again = model::scratch(smallConfig(), 77); // overwritten by the checkpoint
    o.resume = true;
    const auto r = train::train(*again, s_train, s_test, o, nullptr, wipeFromEpoch(*again, 3));
    ASSERT_EQ(r.history.size(), size_t(3));
    ASSERT_TRUE(r.selectedEpoch <= 2) << r.selectedEpoch;
    ASSERT_EQ(r.valTop1, bestBefore);
    const auto norm = data::computeNormalization(s_train);
    ASSERT_FUZZY_EQ(train::evaluate(*again, s_test, norm).top1, r.testTop1);
    ASSERT_TRUE(r.testTop1 > 35.0) << r.testTop1;
}

TEST_F(Trainer, aResumeWithoutTheChosenWeightsOrFromBeforeTheHoldOutStillFinishes)
{
    tleg::testing::TempDir dir;
    auto o = fastOptions();
    o.epochs = 3;
    o.runDir = dir.filePath("lost");
    // Epoch 2 wiped: epoch 1 is the best when the run stops; then its copy is deleted.
    model::ViT net = model::scratch(smallConfig(), 4);
    auto wipeThenStop = [&](const train::Progress& p) {
        wipeFromEpoch(*net, 2)(p);
        return !(p.epochDone && p.epoch == 2);
    };
    ASSERT_TRUE(train::train(*net, s_train, s_test, o, nullptr, wipeThenStop).stopped);
    const std::string damaged = dir.filePath("damaged"); // the same stopped run, for below
    std::filesystem::copy(o.runDir, damaged, std::filesystem::copy_options::recursive);
    ASSERT_TRUE(std::filesystem::remove(joinPath(o.runDir, "selected.safetensors")));
    o.resume = true;
    auto r = train::train(*net, s_train, s_test, o);
    ASSERT_TRUE(!r.stopped);
    ASSERT_TRUE(r.selectedEpoch == 2 || r.selectedEpoch == 3) << r.selectedEpoch;
    std::string log = tleg::testing::readFile(joinPath(o.runDir, "log.txt"));
    ASSERT_TRUE(log.find("weights of epoch 1") != std::string::npos) << log;
    ASSERT_TRUE(fileExists(joinPath(o.runDir, "model.safetensors")));

    // A damaged copy (the head's shape wrong, the last tensor read: everything before it is
    // copied first) must not leave epoch 1's weights in the model: the resumed run goes on from
    // the checkpoint exactly as the one whose copy was deleted.
    {
        const std::string selected = joinPath(damaged, "selected.safetensors");
        auto file = io::readSafetensors(selected);
        for (auto& [name, t] : file.tensors)
            if (name == "head.weight")
                t = torch::zeros({t.size(0) + 1, t.size(1)});
        io::writeSafetensors(selected, file.tensors, file.metadata);
    }
    o.runDir = damaged;
    const auto rd = train::train(*net, s_train, s_test, o);
    ASSERT_TRUE(!rd.stopped);
    ASSERT_EQ(rd.selectedEpoch, r.selectedEpoch);
    log = tleg::testing::readFile(joinPath(damaged, "log.txt"));
    ASSERT_TRUE(log.find("weights of epoch 1") != std::string::npos) << log;
    const auto a = io::readSafetensors(joinPath(dir.filePath("lost"), "model.safetensors"));
    const auto b = io::readSafetensors(joinPath(damaged, "model.safetensors"));
    ASSERT_EQ(a.tensors.size(), b.tensors.size());
    for (size_t i = 0; i < a.tensors.size(); ++i)
        ASSERT_LT((a.tensors[i].second - b.tensors[i].second).abs().max().item<float>(), 1e-3f)
            << a.tensors[i].first;

    // A run from before the hold-out (every epoch scored on the test set), resumed with one:
    // the epoch kept is chosen among those trained after the resume.
    o.runDir = dir.filePath("old");
    o.resume = false;
    o.valFraction = 0.0;
    model::ViT old = model::scratch(smallConfig(), 5);
    ASSERT_TRUE(train::train(*old, s_train, s_test, o, nullptr, [](const train::Progress& p) {
                    return !(p.epochDone && p.epoch == 2);
                }).stopped);
    o.resume = true;
    o.valFraction = 0.1;
    r = train::train(*old, s_train, s_test, o);
    ASSERT_EQ(r.selectedEpoch, int64_t(3));
    ASSERT_EQ(r.valImages, int64_t(600));
    log = tleg::testing::readFile(joinPath(o.runDir, "log.txt"));
    ASSERT_TRUE(log.find("scored on other images") != std::string::npos) << log;
}

TEST_F(Trainer, withoutHoldOutEveryEpochIsScoredOnTheTestSetAndTheLastKept)
{
    tleg::testing::TempDir dir;
    auto o = fastOptions();
    o.valFraction = 0.0;
    o.runDir = dir.filePath("run");
    model::ViT net = model::scratch(smallConfig(), 0);
    const auto r = train::train(*net, s_train, s_test, o);
    ASSERT_EQ(r.valImages, int64_t(0));
    ASSERT_EQ(r.trainImages, int64_t(6000));
    ASSERT_EQ(r.selectedEpoch, int64_t(2));
    ASSERT_EQ(r.testTop1, r.history.back().valTop1);
    ASSERT_FUZZY_EQ(train::evaluate(*net, s_test, data::computeNormalization(s_train)).top1,
                    r.testTop1);
    const auto config =
        nlohmann::json::parse(tleg::testing::readFile(joinPath(o.runDir, "config.json")));
    ASSERT_EQ(config.at("val_images").get<int64_t>(), int64_t(0));
    ASSERT_EQ(config.at("epochs_scored_on").get<std::string>(), std::string("test"));
}

TEST_F(Trainer, theHoldOutIsAnOptionWithClearLimits)
{
    train::TrainOptions o;
    ASSERT_EQ(o.valFraction, 0.1);
    ASSERT_EQ(train::TrainOptions::fromJson(o.toJson()).valFraction, 0.1);
    auto old = o.toJson();
    old.erase("val_fraction"); // a run from before the hold-out: nothing was held out
    ASSERT_EQ(train::TrainOptions::fromJson(old).valFraction, 0.0);
    for (double bad : {-0.1, 0.6, std::numeric_limits<double>::quiet_NaN()}) {
        o.valFraction = bad;
        try {
            o.validate();
            FAIL() << bad;
        } catch (const tleg::Error& e) {
            ASSERT_TRUE(std::string(e.what()).find("--val-fraction") != std::string::npos)
                << e.what();
        }
    }
    auto small = fastOptions();
    model::ViT net = model::scratch(smallConfig(), 0);
    try {
        train::train(*net, data::subset(s_train, 1, 0), s_test, small);
        FAIL() << "one image cannot be split";
    } catch (const tleg::Error& e) {
        ASSERT_TRUE(std::string(e.what()).find("--val-fraction 0") != std::string::npos)
            << e.what();
    }
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
    ASSERT_TRUE(r.testTop1 > 45.0) << r.testTop1;
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

TEST(AdamW, followsTheFormulaOnEveryElementWithAndWithoutDecay)
{
    // 37 and 1000 elements: the vector path's blocks of 16 and the scalar tail both run. The
    // reference is the update written out in double, step by step.
    torch::manual_seed(7);
    torch::OrderedDict<std::string, torch::Tensor> params;
    params.insert("block.weight", torch::randn({40, 25}).requires_grad_());
    params.insert("block.bias", torch::randn({37}).requires_grad_());
    const train::AdamWOptions options; // weight decay 0.05 on the matrix only (not on biases)
    train::AdamW opt(params, options);
    std::vector<std::vector<double>> p, m, v;
    for (const auto& item : params) {
        const auto c = item.value().detach().contiguous();
        p.emplace_back(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
        m.emplace_back(c.numel(), 0.0);
        v.emplace_back(c.numel(), 0.0);
    }
    const double lr = 1e-2;
    for (int step = 1; step <= 3; ++step) {
        size_t slot = 0;
        for (auto& item : params) {
            item.value().mutable_grad() = torch::randn_like(item.value());
            const auto g = item.value().grad();
            const double decay = item.value().dim() >= 2 ? 1.0 - lr * options.weightDecay : 1.0;
            const double bc1 = 1.0 - std::pow(options.beta1, step);
            const double bc2 = 1.0 - std::pow(options.beta2, step);
            for (int64_t i = 0; i < g.numel(); ++i) {
                const double gi = g.data_ptr<float>()[i];
                auto& mi = m[slot][size_t(i)];
                auto& vi = v[slot][size_t(i)];
                mi = options.beta1 * mi + (1.0 - options.beta1) * gi;
                vi = options.beta2 * vi + (1.0 - options.beta2) * gi * gi;
                p[slot][size_t(i)] = p[slot][size_t(i)] * decay
                                     - lr / bc1 * mi / (std::sqrt(vi / bc2) + options.eps);
            }
            ++slot;
        }
        opt.step(lr);
        slot = 0;
        for (const auto& item : params) {
            const float* got = item.value().data_ptr<float>();
            for (int64_t i = 0; i < item.value().numel(); ++i)
                ASSERT_NEAR(got[i], p[slot][size_t(i)], 1e-5 * (1.0 + std::abs(p[slot][size_t(i)])))
                    << item.key() << "[" << i << "] at step " << step;
            ++slot;
        }
    }
    ASSERT_EQ(opt.steps(), 3);
}
