// Seeded dataset views: splitTrainVal, selectClasses, labelBudget, subset, and statistics.
#include <torch/torch.h>

#include "data/dataset.h"
#include "util/error.h"

#include <QtTest>

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

template <typename F>
bool throwsError(F f)
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

class TestDatasetOps : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void splitIsDisjointCoveringAndSeeded();
    void splitRejectsBadFractions();
    void selectClassesRelabels();
    void selectClassesRejectsUnknown();
    void labelBudgetTakesMinPerClass();
    void subsetIsSeeded();
    void normalizationPerChannel();
    void fashionTransferSplit();
};

void TestDatasetOps::splitIsDisjointCoveringAndSeeded()
{
    const data::Dataset d = identified(1000, 4);
    const auto [train, val] = data::splitTrainVal(d, 0.1, 42);
    QCOMPARE(train.size(), int64_t(900));
    QCOMPARE(val.size(), int64_t(100));
    std::set<int64_t> all;
    for (const int64_t i : ids(train)) {
        QVERIFY(all.insert(i).second);
    }
    for (const int64_t i : ids(val)) {
        QVERIFY2(all.insert(i).second, "validation sample also in train");
    }
    QCOMPARE(all.size(), size_t(1000));
    QCOMPARE(*all.rbegin(), int64_t(999));
    QVERIFY(labelsFollow(train, d));
    QVERIFY(labelsFollow(val, d));
    QCOMPARE(train.numClasses, int64_t(4));
    QCOMPARE(val.classNames, d.classNames);

    const auto again = data::splitTrainVal(d, 0.1, 42);
    QCOMPARE(ids(again.second), ids(val));
    const auto other = data::splitTrainVal(d, 0.1, 43);
    QVERIFY(ids(other.second) != ids(val));
    // Not just the first or last 100 samples.
    QVERIFY(ids(val).front() < 900 && ids(val).back() >= 100);
}

void TestDatasetOps::splitRejectsBadFractions()
{
    const data::Dataset d = identified(10, 2);
    for (const double f : {0.0, 1.0, -0.1, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
        QVERIFY2(throwsError([&] { data::splitTrainVal(d, f, 0); }),
                 qPrintable(QString::number(f)));
    }
    // Tiny fractions still leave one validation sample.
    QCOMPARE(data::splitTrainVal(d, 0.001, 0).second.size(), int64_t(1));
}

void TestDatasetOps::selectClassesRelabels()
{
    const data::Dataset d = identified(500, 5);
    const torch::Tensor counts = d.classCounts();
    const data::Dataset s = data::selectClasses(d, {3, 1});
    QCOMPARE(s.numClasses, int64_t(2));
    QCOMPARE(s.classNames, (std::vector<std::string>{"c3", "c1"}));
    QCOMPARE(s.size(), counts[3].item<int64_t>() + counts[1].item<int64_t>());
    QVERIFY(torch::equal(s.classCounts(), torch::stack({counts[3], counts[1]})));
    const std::vector<int64_t> id = ids(s);
    const torch::Tensor original = d.labels.index_select(0, torch::tensor(id));
    QVERIFY(torch::equal(s.labels, (original == 1).to(torch::kLong)));

    const data::Dataset kept = data::selectClasses(d, {3, 1}, false);
    QCOMPARE(kept.numClasses, int64_t(5));
    QCOMPARE(kept.classNames, d.classNames);
    QVERIFY(labelsFollow(kept, d));
    QCOMPARE(ids(kept), id);
}

void TestDatasetOps::selectClassesRejectsUnknown()
{
    const data::Dataset d = identified(50, 3);
    QVERIFY(throwsError([&] { data::selectClasses(d, {0, 3}); }));
    QVERIFY(throwsError([&] { data::selectClasses(d, {-1}); }));
    QVERIFY(throwsError([&] { data::selectClasses(d, {}); }));
    QVERIFY(throwsError([&] { data::selectClasses(d, {1, 1}); }));
}

void TestDatasetOps::labelBudgetTakesMinPerClass()
{
    const data::Dataset d = identified(60, 4); // class sizes 6, 12, 18, 24
    QVERIFY(torch::equal(d.classCounts(), torch::tensor({6, 12, 18, 24}, torch::kLong)));
    const data::Dataset b = data::labelBudget(d, 10, 7);
    QVERIFY(torch::equal(b.classCounts(), torch::tensor({6, 10, 10, 10}, torch::kLong)));
    QVERIFY(labelsFollow(b, d));
    const std::vector<int64_t> chosen = ids(b);
    QCOMPARE(std::set<int64_t>(chosen.begin(), chosen.end()).size(), size_t(36));
    QCOMPARE(ids(data::labelBudget(d, 10, 7)), ids(b));
    QVERIFY(ids(data::labelBudget(d, 10, 8)) != ids(b));
    QCOMPARE(data::labelBudget(d, 100, 7).size(), int64_t(60));
    QVERIFY(throwsError([&] { data::labelBudget(d, 0, 7); }));
    QVERIFY(throwsError([&] { data::labelBudget(d, -3, 7); }));
}

void TestDatasetOps::subsetIsSeeded()
{
    const data::Dataset d = identified(300, 3);
    const data::Dataset s = data::subset(d, 50, 1);
    QCOMPARE(s.size(), int64_t(50));
    const std::vector<int64_t> chosen = ids(s);
    QCOMPARE(std::set<int64_t>(chosen.begin(), chosen.end()).size(), size_t(50));
    QVERIFY(labelsFollow(s, d));
    QCOMPARE(ids(data::subset(d, 50, 1)), ids(s));
    QVERIFY(ids(data::subset(d, 50, 2)) != ids(s));
    QCOMPARE(data::subset(d, 1000, 1).size(), int64_t(300));
    QVERIFY(throwsError([&] { data::subset(d, 0, 1); }));
}

void TestDatasetOps::normalizationPerChannel()
{
    data::Dataset d;
    d.images = torch::randint(0, 256, {37, 3, 5, 7}, torch::kUInt8);
    d.images[0][1].fill_(255);
    d.labels = torch::zeros({37}, torch::kLong);
    d.numClasses = 1;
    d.classNames = {"only"};
    const data::Normalization n = data::computeNormalization(d);
    QCOMPARE(n.mean.size(), size_t(3));
    const torch::Tensor x = d.images.to(torch::kDouble) / 255.0;
    for (int c = 0; c < 3; ++c) {
        const torch::Tensor xc = x.select(1, c);
        QVERIFY(std::abs(n.mean[size_t(c)] - xc.mean().item<double>()) < 1e-6);
        QVERIFY(std::abs(n.std[size_t(c)] - xc.std(false).item<double>()) < 1e-6);
    }
    // A constant channel is left unscaled rather than divided by zero.
    d.images.select(1, 2).fill_(17);
    QCOMPARE(data::computeNormalization(d).std[2], 1.0f);
}

void TestDatasetOps::fashionTransferSplit()
{
    const std::string dir = data::defaultFashionMnistDir();
    if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz")) {
        QSKIP("dataset-fashion-mnist is not installed");
    }
    const data::DataSplit fm = data::loadFashionMnist(dir);
    const data::Dataset target = data::selectClasses(fm.train, {5, 6, 7, 8, 9});
    QCOMPARE(target.size(), int64_t(30000));
    QCOMPARE(target.classNames.front(), std::string("Sandal"));
    const data::Dataset budget = data::labelBudget(target, 20, 3);
    QVERIFY(torch::equal(budget.classCounts(), torch::full({5}, 20, torch::kLong)));
    const auto [train, val] = data::splitTrainVal(fm.train, 0.1, 0);
    QCOMPARE(train.size() + val.size(), int64_t(60000));
    QCOMPARE(val.size(), int64_t(6000));
    // Together the two parts hold exactly the training images: compare pixel sums.
    const auto sum = [](const torch::Tensor& t) { return t.sum(torch::kLong).item<int64_t>(); };
    QCOMPARE(sum(train.images) + sum(val.images), sum(fm.train.images));
}

QTEST_APPLESS_MAIN(TestDatasetOps)
#include "test_dataset_ops.moc"
