// A training step split by images across threads (train/step_threads.h): the parts really run
// at once, each thread with one OpenMP thread, errors come back to the caller, and a split
// step trains the same network as the whole-batch step, the same way on every run.
#include "data/dataset.h"
#include "model/aux_net.h"
#include "model/des_net.h"
#include "train/speed_probe.h"
#include "train/step_threads.h"
#include "train/teacher.h"
#include "train/trainer.h"
#include "util/error.h"

#include "test_support.h"
#include "tiny_models.h"

#include <ATen/Parallel.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

using namespace tleg;

namespace {

/// Waits until `count` threads have arrived, or a minute has passed (then false).
class Rendezvous {
public:
    explicit Rendezvous(int count) : m_count(count) {}
    bool arriveAndWait()
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        ++m_arrived;
        m_cv.notify_all();
        return m_cv.wait_for(lock, std::chrono::seconds(60),
                             [this] { return m_arrived >= m_count; });
    }

private:
    int m_count, m_arrived = 0;
    std::mutex m_mutex;
    std::condition_variable m_cv;
};

/// The teacher of these tests: fmnist-ti at width 48, 3 heads, 2 blocks.
model::ViTConfig teacherConfig()
{
    auto c = tleg::testing::fmnistTinyConfig(2);
    c.dim = 48;
    c.heads = 3;
    return c;
}

/// No hold-out, Fashion-MNIST's batches of 64, threads as given.
train::TrainOptions sliceOptions(int64_t epochs, int threads, bool augment, double lambda)
{
    train::TrainOptions o;
    o.epochs = epochs;
    o.batchSize = 64;
    o.threads = threads;
    o.augment = augment;
    o.loss.lambda = lambda;
    o.valFraction = 0.0;
    return o;
}

torch::Tensor flatParameters(torch::nn::Module& m)
{
    std::vector<torch::Tensor> flat;
    for (const auto& p : m.parameters())
        flat.push_back(p.detach().flatten().clone());
    return torch::cat(flat);
}

} // namespace

TEST(StepThreads, everyPartRunsAtOnceOnItsOwnThreadWithOneOpenMpThread)
{
    at::set_num_threads(2);
    const int callerThreads = at::get_num_threads();
    train::StepThreads threads(3);
    ASSERT_EQ(threads.parts(), 3);
    for (int round = 0; round < 3; ++round) { // the same workers serve every step
        Rendezvous all(3);
        std::mutex mutex;
        std::vector<std::thread::id> ids(3);
        std::vector<int> openMp(3, 0);
        std::atomic<int> met{0};
        threads.run([&](int part) {
            {
                std::lock_guard<std::mutex> lock(mutex);
                ids[size_t(part)] = std::this_thread::get_id();
                openMp[size_t(part)] = at::get_num_threads();
            }
            if (all.arriveAndWait()) // only possible when all three run at the same time
                ++met;
        });
        ASSERT_EQ(met.load(), 3) << "round " << round;
        ASSERT_EQ(ids[0], std::this_thread::get_id()); // part 0 on the caller
        ASSERT_EQ(std::set<std::thread::id>(ids.begin(), ids.end()).size(), size_t(3));
#ifdef _OPENMP
        for (int part = 0; part < 3; ++part)
            ASSERT_EQ(openMp[size_t(part)], 1) << "part " << part;
#endif
        ASSERT_EQ(at::get_num_threads(), callerThreads); // the caller's count is given back
    }
}

TEST(StepThreads, theLowestFailingPartsErrorReachesTheCallerAfterEveryPartIsDone)
{
    train::StepThreads threads(3);
    std::atomic<int> finished{0};
    Rendezvous partZeroDone(2); // part 1 finishes only after part 0 has returned
    try {
        threads.run([&](int part) {
            if (part == 1)
                partZeroDone.arriveAndWait();
            ++finished;
            if (part == 0)
                partZeroDone.arriveAndWait(); // part 1 goes on only from here
            if (part > 0)
                throw std::runtime_error("part " + std::to_string(part));
        });
        FAIL() << "run() must rethrow";
    } catch (const std::runtime_error& e) {
        ASSERT_EQ(std::string(e.what()), "part 1");
    }
    ASSERT_EQ(finished.load(), 3);
    // The pool is still usable, and a clean run throws nothing.
    std::atomic<int> ran{0};
    threads.run([&](int) { ++ran; });
    ASSERT_EQ(ran.load(), 3);
}

TEST(StepThreads, theSlicesGradientsReplaceTheOldOnesAndSkipWhatASliceDidNotReach)
{
    auto a = torch::zeros({3}).requires_grad_(), b = torch::zeros({2}).requires_grad_(),
         c = torch::zeros({1}).requires_grad_();
    a.mutable_grad() = torch::full({3}, 100.0f); // last step's: replaced, not added to
    c.mutable_grad() = torch::full({1}, 7.0f);   // no slice reaches c: kept
    const std::vector<std::vector<torch::Tensor>> grads = {
        {torch::tensor({1.0f, 2.0f, 3.0f}), torch::Tensor(), torch::Tensor()},
        {}, // a slice that did not run
        {torch::tensor({10.0f, 20.0f, 30.0f}), torch::tensor({4.0f, 5.0f}), torch::Tensor()}};
    train::sumSliceGradients({a, b, c}, grads);
    ASSERT_TRUE(a.grad().equal(torch::tensor({11.0f, 22.0f, 33.0f})));
    ASSERT_TRUE(b.grad().equal(torch::tensor({4.0f, 5.0f})));
    ASSERT_TRUE(c.grad().equal(torch::full({1}, 7.0f)));
    ASSERT_NE(b.grad().data_ptr(), grads[2][1].data_ptr()); // a copy, not the slice's tensor
}

TEST(StepThreads, partsFollowTheThreadsWhileEachSliceKeepsEightImages)
{
    ASSERT_EQ(train::stepParts(1, 128), 1);
    ASSERT_EQ(train::stepParts(2, 15), 1); // a slice of 7 images: not worth a thread
#ifdef _OPENMP
    ASSERT_EQ(train::stepParts(2, 128), 2);
    ASSERT_EQ(train::stepParts(2, 16), 2);
    ASSERT_EQ(train::stepParts(8, 20), 2);
    ASSERT_EQ(train::stepParts(16, 512), 16);
#else
    ASSERT_EQ(train::stepParts(2, 128), 1); // without OpenMP the step is never split
#endif
}

#ifdef _OPENMP
TEST(StepThreads, aSplitStepTrainsAsTheWholeBatchAndTheSameOnEveryRun)
{
    // Distillation with cached teacher logits (looked up once per step, then sliced) and
    // fine-tuning with a live teacher-free loss; fp32, so that only the order of the sums
    // differs between one slice and two.
    auto split = data::loadFashionMnist();
    const auto trainSet = data::subset(split.train, 640, 4);
    train::TrainOptions o = sliceOptions(2, 1, false, 0.0);
    o.lr = 1e-3;
    auto teacherNet = model::scratch(teacherConfig(), 5).ptr();
    for (const double lambda : {1.0, 0.0}) {
        o.loss.lambda = lambda;
        o.cacheTeacherLogits = lambda > 0.0;
        std::vector<torch::Tensor> finals;
        std::vector<int> slices;
        for (const int threads : {1, 2, 2}) {
            o.threads = threads;
            train::ModelTeacher teacher(teacherNet, "teacher");
            torch::manual_seed(0);
            model::AuxNet aux(tleg::testing::fmnistTinyConfig(2), model::AuxOptions{});
            const auto r = train::train(*aux, trainSet, data::Dataset{}, o,
                                        lambda > 0.0 ? &teacher : nullptr);
            ASSERT_EQ(r.history.size(), size_t(2));
            ASSERT_TRUE(r.history.back().trainLoss > 0.0);
            slices.push_back(r.stepSlices);
            finals.push_back(flatParameters(*aux));
        }
        ASSERT_EQ(slices, (std::vector<int>{1, 2, 2})) << "lambda " << lambda;
        const double rel = ((finals[0] - finals[1]).norm() / finals[0].norm()).item<double>();
        ASSERT_TRUE(rel < 1e-4) << "lambda " << lambda << ": " << rel;
        ASSERT_TRUE(finals[1].equal(finals[2])) << "lambda " << lambda << ": not reproducible";
    }
}

TEST(StepThreads, aLiveTeacherRunsInEverySliceAndALossThatIsNotFiniteStillStops)
{
    auto split = data::loadFashionMnist();
    const auto trainSet = data::subset(split.train, 256, 6);
    // With augmentation the teacher sees each slice's own augmented images.
    train::TrainOptions o = sliceOptions(1, 2, true, 0.5);
    auto teacherNet = model::scratch(teacherConfig(), 5).ptr();
    train::ModelTeacher teacher(teacherNet, "teacher");
    model::AuxNet aux(tleg::testing::fmnistTinyConfig(2), model::AuxOptions{});
    const auto before = flatParameters(*aux);
    const auto r = train::train(*aux, trainSet, data::Dataset{}, o, &teacher);
    ASSERT_EQ(r.stepSlices, 2);
    ASSERT_TRUE(std::isfinite(r.history.back().trainLoss) && r.history.back().trainLoss > 0.0);
    ASSERT_FALSE(flatParameters(*aux).equal(before));

    model::ViT broken = model::scratch(tleg::testing::fmnistTinyConfig(2), 0);
    {
        torch::NoGradGuard noGrad;
        broken->parameters().front().view(-1)[0] = std::numeric_limits<float>::infinity();
    }
    o.loss.lambda = 0.0;
    try {
        train::train(*broken, trainSet, data::Dataset{}, o);
        FAIL() << "a diverging split step must stop the run";
    } catch (const tleg::Error& e) {
        ASSERT_TRUE(std::string(e.what()).find("diverged") != std::string::npos) << e.what();
    }
}

TEST(StepThreads, theSpeedProbeTimesTheStepAsTheTrainerSplitsIt)
{
    // The forms' "about 2 min" comes from the probe: at 2 threads it runs the split step (and
    // the teacher slice by slice), in bf16 as asked, on the slices' own threads.
    auto net = model::scratch(tleg::testing::fmnistTinyConfig(2), 0);
    train::ModelTeacher teacher(model::scratch(teacherConfig(), 5).ptr(), "teacher");
    train::ProbeOptions o;
    o.threads = 2;
    o.bf16 = true;
    o.minSeconds = 0.05;
    o.maxSteps = 3;
    ASSERT_EQ(train::stepParts(o.threads, 32), 2);
    const auto p = train::probeSpeed(*net, {1, 28, 28}, 32, o, &teacher);
    ASSERT_GT(p.trainImagesPerSecond, 0.0);
    ASSERT_GT(p.evalImagesPerSecond, 0.0);
    ASSERT_GT(p.teacherImagesPerSecond, 0.0);
    for (const auto& t : net->parameters())
        ASSERT_TRUE(t.isfinite().all().item<bool>());
}
#endif
