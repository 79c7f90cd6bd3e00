// Seeded dataset views: splitTrainVal, selectClasses, labelBudget, subset, and statistics.
#include <torch/torch.h>

#include "data/dataset.h"
#include "util/error.h"

#include "test_support.h"

#include <filesystem>
#include <limits>
#include <set>

using namespace tleg;

namespace {

/// n images [1, 1, 2] whose two bytes encode the sample's id, so any selection can be traced
/// back; labels cycle with uneven class sizes: class c gets about (c + 1) shares.
data::Dataset identified(int64_t n, int64_t numClasses)
{
    data::Dataset d;
    d.name = "identified";
    d.images = torch::empty({n, 1, 1, 2}, torch::kUInt8);
    d.labels = torch::empty({n}, torch::kLong);
    auto* px = d.images.data_ptr<uint8_t>();
    auto* lb = d.labels.data_ptr<int64_t>();
    const int64_t shares = numClasses * (numClasses + 1) / 2;
    for (int64_t i = 0; i < n; ++i) {
        px[2 * i] = uint8_t(i / 256);
        px[2 * i + 1] = uint8_t(i % 256);
        int64_t r = i % shares;
        int64_t c = 0;
        while (r >= c + 1) {
            r -= c + 1;
            ++c;
        }
        lb[i] = c;
    }
    d.numClasses = numClasses;
    for (int64_t c = 0; c < numClasses; ++c) {
        d.classNames.push_back("c" + std::to_string(c));
    }
    return d;
}

std::vector<int64_t> ids(const data::Dataset& d)
{
    const torch::Tensor flat = d.images.view({d.size(), 2}).to(torch::kLong);
    const torch::Tensor id = flat.select(1, 0) * 256 + flat.select(1, 1);
    return {id.data_ptr<int64_t>(), id.data_ptr<int64_t>() + id.numel()};
}

/// Every sample keeps the label it had in the source.
bool labelsFollow(const data::Dataset& part, const data::Dataset& source)
{
    const std::vector<int64_t> id = ids(part);
    const torch::Tensor expected = source.labels.index_select(0, torch::tensor(id));
    return torch::equal(part.labels, expected);
}

template <typename F> bool throwsError(F f)
{
    try {
        f();
    } catch (const tleg::Error&) {
        return true;
    } catch (...) {
        return false;
    }
    return false;
}

} // namespace

TEST(DatasetOps, splitIsDisjointCoveringAndSeeded)
{
    const data::Dataset d = identified(1000, 4);
    const auto [train, val] = data::splitTrainVal(d, 0.1, 42);
    ASSERT_EQ(train.size(), int64_t(900));
    ASSERT_EQ(val.size(), int64_t(100));
    std::set<int64_t> all;
    for (const int64_t i : ids(train)) {
        ASSERT_TRUE(all.insert(i).second);
    }
    for (const int64_t i : ids(val)) {
        ASSERT_TRUE(all.insert(i).second) << "validation sample also in train";
    }
    ASSERT_EQ(all.size(), size_t(1000));
    ASSERT_EQ(*all.rbegin(), int64_t(999));
    ASSERT_TRUE(labelsFollow(train, d));
    ASSERT_TRUE(labelsFollow(val, d));
    ASSERT_EQ(train.numClasses, int64_t(4));
    ASSERT_EQ(val.classNames, d.classNames);

    const auto again = data::splitTrainVal(d, 0.1, 42);
    ASSERT_EQ(ids(again.second), ids(val));
    const auto other = data::splitTrainVal(d, 0.1, 43);
    ASSERT_TRUE(ids(other.second) != ids(val));
    // Not just the first or last 100 samples.
    ASSERT_TRUE(ids(val).front() < 900 && ids(val).back() >= 100);
}

TEST(DatasetOps, splitRejectsBadFractions)
{
    const data::Dataset d = identified(10, 2);
    for (const double f : {0.0, 1.0, -0.1, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
        ASSERT_TRUE(throwsError([&] { data::splitTrainVal(d, f, 0); })) << f;
    }
    // Tiny fractions still leave one validation sample.
    ASSERT_EQ(data::splitTrainVal(d, 0.001, 0).second.size(), int64_t(1));
}

TEST(DatasetOps, selectClassesRelabels)
{
    const data::Dataset d = identified(500, 5);
    const torch::Tensor counts = d.classCounts();
    const data::Dataset s = data::selectClasses(d, {3, 1});
    ASSERT_EQ(s.numClasses, int64_t(2));
    ASSERT_EQ(s.classNames, (std::vector<std::string>{"c3", "c1"}));
    ASSERT_EQ(s.size(), counts[3].item<int64_t>() + counts[1].item<int64_t>());
    ASSERT_TRUE(torch::equal(s.classCounts(), torch::stack({counts[3], counts[1]})));
    const std::vector<int64_t> id = ids(s);
    const torch::Tensor original = d.labels.index_select(0, torch::tensor(id));
    ASSERT_TRUE(torch::equal(s.labels, (original == 1).to(torch::kLong)));

    const data::Dataset kept = data::selectClasses(d, {3, 1}, false);
    ASSERT_EQ(kept.numClasses, int64_t(5));
    ASSERT_EQ(kept.classNames, d.classNames);
    ASSERT_TRUE(labelsFollow(kept, d));
    ASSERT_EQ(ids(kept), id);
}

TEST(DatasetOps, selectClassesRejectsUnknown)
{
    const data::Dataset d = identified(50, 3);
    ASSERT_TRUE(throwsError([&] { data::selectClasses(d, {0, 3}); }));
    ASSERT_TRUE(throwsError([&] { data::selectClasses(d, {-1}); }));
    ASSERT_TRUE(throwsError([&] { data::selectClasses(d, {}); }));
    ASSERT_TRUE(throwsError([&] { data::selectClasses(d, {1, 1}); }));
}

TEST(DatasetOps, labelBudgetTakesMinPerClass)
{
    const data::Dataset d = identified(60, 4); // class sizes 6, 12, 18, 24
    ASSERT_TRUE(torch::equal(d.classCounts(), torch::tensor({6, 12, 18, 24}, torch::kLong)));
    const data::Dataset b = data::labelBudget(d, 10, 7);
    ASSERT_TRUE(torch::equal(b.classCounts(), torch::tensor({6, 10, 10, 10}, torch::kLong)));
    ASSERT_TRUE(labelsFollow(b, d));
    const std::vector<int64_t> chosen = ids(b);
    ASSERT_EQ(std::set<int64_t>(chosen.begin(), chosen.end()).size(), size_t(36));
    ASSERT_EQ(ids(data::labelBudget(d, 10, 7)), ids(b));
    ASSERT_TRUE(ids(data::labelBudget(d, 10, 8)) != ids(b));
    ASSERT_EQ(data::labelBudget(d, 100, 7).size(), int64_t(60));
    ASSERT_TRUE(throwsError([&] { data::labelBudget(d, 0, 7); }));
    ASSERT_TRUE(throwsError([&] { data::labelBudget(d, -3, 7); }));
}

TEST(DatasetOps, subsetIsSeeded)
{
    const data::Dataset d = identified(300, 3);
    const data::Dataset s = data::subset(d, 50, 1);
    ASSERT_EQ(s.size(), int64_t(50));
    const std::vector<int64_t> chosen = ids(s);
    ASSERT_EQ(std::set<int64_t>(chosen.begin(), chosen.end()).size(), size_t(50));
    ASSERT_TRUE(labelsFollow(s, d));
    ASSERT_EQ(ids(data::subset(d, 50, 1)), ids(s));
    ASSERT_TRUE(ids(data::subset(d, 50, 2)) != ids(s));
    ASSERT_EQ(data::subset(d, 1000, 1).size(), int64_t(300));
    ASSERT_TRUE(throwsError([&] { data::subset(d, 0, 1); }));
}

TEST(DatasetOps, normalizationPerChannel)
{
    data::Dataset d;
    d.images = torch::randint(0, 256, {37, 3, 5, 7}, torch::kUInt8);
    d.images[0][1].fill_(255);
    d.labels = torch::zeros({37}, torch::kLong);
    d.numClasses = 1;
    d.classNames = {"only"};
    const data::Normalization n = data::computeNormalization(d);
    ASSERT_EQ(n.mean.size(), size_t(3));
    const torch::Tensor x = d.images.to(torch::kDouble) / 255.0;
    for (int c = 0; c < 3; ++c) {
        const torch::Tensor xc = x.select(1, c);
        ASSERT_TRUE(std::abs(n.mean[size_t(c)] - xc.mean().item<double>()) < 1e-6);
        ASSERT_TRUE(std::abs(n.std[size_t(c)] - xc.std(false).item<double>()) < 1e-6);
    }
    // A constant channel is left unscaled rather than divided by zero.
    d.images.select(1, 2).fill_(17);
    ASSERT_FUZZY_EQ(data::computeNormalization(d).std[2], 1.0f);
}

TEST(DatasetOps, fashionTransferSplit)
{
    const std::string dir = data::defaultFashionMnistDir();
    if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz")) {
        GTEST_SKIP() << "dataset-fashion-mnist is not installed";
    }
    const data::DataSplit fm = data::loadFashionMnist(dir);
    const data::Dataset target = data::selectClasses(fm.train, {5, 6, 7, 8, 9});
    ASSERT_EQ(target.size(), int64_t(30000));
    ASSERT_EQ(target.classNames.front(), std::string("Sandal"));
    const data::Dataset budget = data::labelBudget(target, 20, 3);
    ASSERT_TRUE(torch::equal(budget.classCounts(), torch::full({5}, 20, torch::kLong)));
    const auto [train, val] = data::splitTrainVal(fm.train, 0.1, 0);
    ASSERT_EQ(train.size() + val.size(), int64_t(60000));
    ASSERT_EQ(val.size(), int64_t(6000));
    // Together the two parts hold exactly the training images: compare pixel sums.
    const auto sum = [](const torch::Tensor& t) { return t.sum(torch::kLong).item<int64_t>(); };
    ASSERT_EQ(sum(train.images) + sum(val.images), sum(fm.train.images));
}
