// BatchLoader: coverage, seeded order, normalisation, augmentation, dropLast, speed (reported).
#include <torch/torch.h>

#include "data/dataset.h"
#include "util/error.h"

#include <ATen/CPUGeneratorImpl.h>

#include <QElapsedTimer>
#include <QtTest>

#include <filesystem>
#include <set>

using namespace tleg;

namespace {

data::Dataset randomDataset(int64_t n, int64_t channels, int64_t side, uint64_t seed)
{
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    data::Dataset d;
    d.name = "random";
    d.images = torch::randint(0, 256, {n, channels, side, side}, gen, torch::kUInt8);
    d.labels = torch::randint(0, 10, {n}, gen, torch::kLong);
    d.numClasses = 10;
    d.classNames = std::vector<std::string>(10, "c");
    return d;
}

std::vector<data::Batch> epoch(data::BatchLoader& loader, int64_t e)
{
    loader.startEpoch(e);
    std::vector<data::Batch> out;
    data::Batch b;
    while (loader.next(b)) {
        out.push_back(b);
    }
    return out;
}

torch::Tensor allIndices(const std::vector<data::Batch>& batches)
{
    std::vector<torch::Tensor> parts;
    for (const auto& b : batches) {
        parts.push_back(b.indices);
    }
    return torch::cat(parts);
}

bool sameBatches(const std::vector<data::Batch>& a, const std::vector<data::Batch>& b)
{
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (!torch::equal(a[i].indices, b[i].indices) || !torch::equal(a[i].images, b[i].images) ||
            !torch::equal(a[i].labels, b[i].labels)) {
            return false;
        }
    }
    return true;
}

/// The reference: (x / 255 - mean) / std of uint8 images [B, C, H, W].
torch::Tensor normalise(const torch::Tensor& u8, const data::Normalization& n)
{
    const int64_t c = u8.size(1);
    const torch::Tensor mean = torch::tensor(n.mean).view({1, c, 1, 1});
    const torch::Tensor stdev = torch::tensor(n.std).view({1, c, 1, 1});
    return (u8.to(torch::kFloat) / 255.0f - mean) / stdev;
}

bool close(const torch::Tensor& a, const torch::Tensor& b)
{
    return torch::allclose(a, b, 1e-5, 1e-5);
}

/// Debian's copy, or wherever TLEG_FASHION_MNIST_DIR points.
std::string fashionDir()
{
    static const std::string dir = tleg::data::defaultFashionMnistDir();
    return dir;
}

} // namespace

class TestBatchLoader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyIndexOncePerEpoch();
    void orderDependsOnlyOnSeedAndEpoch();
    void normalisedToZeroMeanUnitStd();
    void explicitNormalizationUsed();
    void augmentationWithoutPaddingOrFlipIsIdentity();
    void augmentationIsShiftedAndFlippedCopy();
    void flipOfFlippedImageIsOriginal();
    void dropLastHonoured();
    void badOptionsRejected();
    void fashionThroughput();
};

void TestBatchLoader::everyIndexOncePerEpoch()
{
    const data::Dataset d = randomDataset(1000, 1, 6, 1);
    data::LoaderOptions opt;
    opt.batchSize = 128;
    opt.seed = 5;
    data::BatchLoader loader(d, opt);
    QCOMPARE(loader.batchesPerEpoch(), int64_t(8));
    for (int64_t e = 0; e < 3; ++e) {
        const auto batches = epoch(loader, e);
        QCOMPARE(int64_t(batches.size()), loader.batchesPerEpoch());
        QCOMPARE(batches.back().indices.size(0), int64_t(1000 - 7 * 128));
        const torch::Tensor all = allIndices(batches);
        QVERIFY(torch::equal(std::get<0>(all.sort()), torch::arange(1000, torch::kLong)));
        QVERIFY(!torch::equal(all, torch::arange(1000, torch::kLong))); // shuffled
        for (const auto& b : batches) {
            QCOMPARE(b.images.scalar_type(), torch::kFloat);
            QCOMPARE(b.images.sizes().vec(), (std::vector<int64_t>{b.indices.size(0), 1, 6, 6}));
            QVERIFY(torch::equal(b.labels, d.labels.index_select(0, b.indices)));
            QVERIFY(close(b.images, normalise(d.images.index_select(0, b.indices),
                                              loader.normalization())));
        }
    }
    // A finished epoch stays finished until the next startEpoch.
    data::Batch b;
    QVERIFY(!loader.next(b));

    opt.shuffle = false;
    data::BatchLoader ordered(d, opt);
    QVERIFY(torch::equal(allIndices(epoch(ordered, 4)), torch::arange(1000, torch::kLong)));
}

void TestBatchLoader::orderDependsOnlyOnSeedAndEpoch()
{
    const data::Dataset d = randomDataset(300, 3, 8, 2);
    data::LoaderOptions opt;
    opt.batchSize = 64;
    opt.augment = true;
    opt.seed = 11;
    data::BatchLoader a(d, opt);
    data::BatchLoader resumed(d, opt);
    for (int64_t e = 0; e < 3; ++e) {
        epoch(a, e);
    }
    const auto e3 = epoch(a, 3);
    // A run resumed at epoch 3 (nothing drawn before) sees exactly the same batches.
    QVERIFY(sameBatches(e3, epoch(resumed, 3)));
    QVERIFY(sameBatches(e3, epoch(a, 3)));
    QVERIFY(!torch::equal(allIndices(e3), allIndices(epoch(a, 4))));
    opt.seed = 12;
    data::BatchLoader otherSeed(d, opt);
    QVERIFY(!torch::equal(allIndices(e3), allIndices(epoch(otherSeed, 3))));
    // Batches keep their contents after the loader moves on.
    const torch::Tensor kept = e3.front().indices.clone();
    epoch(a, 9);
    QVERIFY(torch::equal(e3.front().indices, kept));
}

void TestBatchLoader::normalisedToZeroMeanUnitStd()
{
    if (!std::filesystem::exists(fashionDir() + "/train-images-idx3-ubyte.gz")) {
        QSKIP("dataset-fashion-mnist is not installed");
    }
    const data::DataSplit fm = data::loadFashionMnist(fashionDir());
    data::LoaderOptions opt;
    opt.batchSize = 1000;
    data::BatchLoader loader(fm.train, opt);
    QVERIFY(std::abs(loader.normalization().mean[0] - 0.286f) < 0.01f);
    double sum = 0;
    double sumSq = 0;
    double count = 0;
    for (const auto& b : epoch(loader, 0)) {
        const torch::Tensor x = b.images.to(torch::kDouble);
        sum += x.sum().item<double>();
        sumSq += (x * x).sum().item<double>();
        count += double(x.numel());
    }
    const double mean = sum / count;
    const double stdev = std::sqrt(sumSq / count - mean * mean);
    QVERIFY2(std::abs(mean) < 1e-4, qPrintable(QString::number(mean)));
    QVERIFY2(std::abs(stdev - 1.0) < 1e-4, qPrintable(QString::number(stdev)));
}

void TestBatchLoader::explicitNormalizationUsed()
{
    data::Dataset d = randomDataset(4, 2, 3, 3);
    d.images[0].fill_(255);
    d.images[1].fill_(0);
    data::LoaderOptions opt;
    opt.shuffle = false;
    opt.norm = {{0.5f, 0.25f}, {0.5f, 0.25f}};
    data::BatchLoader loader(d, opt);
    QCOMPARE(loader.normalization().mean[1], 0.25f);
    data::Batch b;
    QVERIFY(loader.next(b));
    QVERIFY(close(b.images[0][0], torch::full({3, 3}, 1.0f)));
    QVERIFY(close(b.images[0][1], torch::full({3, 3}, 3.0f)));
    QVERIFY(close(b.images[1][0], torch::full({3, 3}, -1.0f)));
    QVERIFY(close(b.images[1][1], torch::full({3, 3}, -1.0f)));
}

void TestBatchLoader::augmentationWithoutPaddingOrFlipIsIdentity()
{
    const data::Dataset d = randomDataset(200, 3, 7, 4);
    data::LoaderOptions opt;
    opt.batchSize = 32;
    opt.seed = 9;
    data::BatchLoader plain(d, opt);
    opt.augment = true;
    opt.cropPadding = 0;
    opt.flip = false;
    data::BatchLoader augmented(d, opt);
    QVERIFY(sameBatches(epoch(plain, 2), epoch(augmented, 2)));
}

void TestBatchLoader::augmentationIsShiftedAndFlippedCopy()
{
    const int64_t pad = 2;
    const data::Dataset d = randomDataset(64, 3, 9, 5);
    data::LoaderOptions opt;
    opt.batchSize = 64;
    opt.augment = true;
    opt.cropPadding = pad;
    data::BatchLoader loader(d, opt);
    std::set<std::pair<int64_t, int64_t>> shiftsSeen;
    int flips = 0;
    for (int64_t e = 0; e < 4; ++e) {
        const auto batches = epoch(loader, e);
        const data::Batch& b = batches.front();
        QCOMPARE(b.images.sizes().vec(), (std::vector<int64_t>{64, 3, 9, 9}));
        // Zero padding in pixel space, i.e. before normalisation.
        const torch::Tensor padded = torch::constant_pad_nd(
            d.images.index_select(0, b.indices), {pad, pad, pad, pad}, 0);
        for (int64_t i = 0; i < 64; ++i) {
            bool found = false;
            for (int64_t oy = 0; oy <= 2 * pad && !found; ++oy) {
                for (int64_t ox = 0; ox <= 2 * pad && !found; ++ox) {
                    const torch::Tensor crop =
                        padded.narrow(0, i, 1).narrow(2, oy, 9).narrow(3, ox, 9);
                    for (const bool flip : {false, true}) {
                        const torch::Tensor want = flip ? torch::flip(crop, {3}) : crop;
                        if (close(b.images.narrow(0, i, 1),
                                  normalise(want, loader.normalization()))) {
                            found = true;
                            shiftsSeen.insert({oy, ox});
                            flips += flip ? 1 : 0;
                            break;
                        }
                    }
                }
            }
            QVERIFY2(found, qPrintable(QString("epoch %1 sample %2").arg(e).arg(i)));
        }
    }
    // 256 draws: all 25 offsets appear and roughly half the samples are flipped.
    QCOMPARE(shiftsSeen.size(), size_t(25));
    QVERIFY2(flips > 80 && flips < 176, qPrintable(QString::number(flips)));
}

void TestBatchLoader::flipOfFlippedImageIsOriginal()
{
    // Sample 1 is the mirror image of sample 0; flipping it must give sample 0 back exactly.
    data::Dataset d = randomDataset(2, 1, 5, 6);
    d.images[1].copy_(torch::flip(d.images[0], {2}));
    data::LoaderOptions opt;
    opt.batchSize = 2;
    opt.shuffle = false;
    opt.augment = true;
    opt.cropPadding = 0;
    data::BatchLoader loader(d, opt);
    data::Batch plain;
    {
        data::LoaderOptions plainOpt = opt;
        plainOpt.augment = false;
        data::BatchLoader p(d, plainOpt);
        QVERIFY(p.next(plain));
    }
    const torch::Tensor original = plain.images[0];
    const torch::Tensor mirrored = plain.images[1];
    QVERIFY(!torch::equal(original, mirrored));
    int restored = 0;
    for (int64_t e = 0; e < 20; ++e) {
        const data::Batch b = epoch(loader, e).front();
        // Sample 1 comes out either as stored or flipped back into the original.
        if (torch::equal(b.images[1], original)) {
            ++restored;
        } else {
            QVERIFY(torch::equal(b.images[1], mirrored));
        }
        QVERIFY(torch::equal(b.images[0], original) || torch::equal(b.images[0], mirrored));
        QVERIFY(torch::equal(torch::flip(torch::flip(b.images, {3}), {3}), b.images));
    }
    QVERIFY2(restored > 0 && restored < 20, qPrintable(QString::number(restored)));
}

void TestBatchLoader::dropLastHonoured()
{
    const data::Dataset d = randomDataset(1000, 1, 4, 7);
    data::LoaderOptions opt;
    opt.batchSize = 128;
    opt.dropLast = true;
    data::BatchLoader loader(d, opt);
    QCOMPARE(loader.batchesPerEpoch(), int64_t(7));
    const auto batches = epoch(loader, 1);
    QCOMPARE(batches.size(), size_t(7));
    for (const auto& b : batches) {
        QCOMPARE(b.indices.size(0), int64_t(128));
    }
    const torch::Tensor all = allIndices(batches);
    QCOMPARE(std::get<0>(at::_unique(all)).size(0), int64_t(896));

    opt.batchSize = 1000; // exact multiple: nothing dropped
    data::BatchLoader exact(d, opt);
    QCOMPARE(exact.batchesPerEpoch(), int64_t(1));
    QCOMPARE(epoch(exact, 0).size(), size_t(1));
    opt.batchSize = 1001; // larger than the dataset: no batch at all
    data::BatchLoader none(d, opt);
    QCOMPARE(none.batchesPerEpoch(), int64_t(0));
    QVERIFY(epoch(none, 0).empty());
}

void TestBatchLoader::badOptionsRejected()
{
    const data::Dataset d = randomDataset(10, 3, 4, 8);
    const auto rejects = [&](const data::LoaderOptions& opt) {
        try {
            data::BatchLoader loader(d, opt);
        } catch (const tleg::Error&) {
            return true;
        }
        return false;
    };
    data::LoaderOptions opt;
    opt.batchSize = 0;
    QVERIFY(rejects(opt));
    opt = {};
    opt.cropPadding = -1;
    QVERIFY(rejects(opt));
    opt = {};
    opt.norm = {{0.5f}, {0.5f}}; // one channel for a three-channel dataset
    QVERIFY(rejects(opt));
    opt.norm = {{0.5f, 0.5f, 0.5f}, {0.5f, 0.0f, 0.5f}};
    QVERIFY(rejects(opt));
    const data::Dataset empty;
    QVERIFY_EXCEPTION_THROWN(data::BatchLoader(empty, data::LoaderOptions{}), tleg::Error);
}

void TestBatchLoader::fashionThroughput()
{
    if (!std::filesystem::exists(fashionDir() + "/train-images-idx3-ubyte.gz")) {
        QSKIP("dataset-fashion-mnist is not installed");
    }
    const data::DataSplit fm = data::loadFashionMnist(fashionDir());
    for (const bool augment : {false, true}) {
        data::LoaderOptions opt;
        opt.batchSize = 128;
        opt.augment = augment;
        data::BatchLoader loader(fm.train, opt);
        loader.startEpoch(1);
        data::Batch b;
        int64_t batches = 0;
        QElapsedTimer timer;
        timer.start();
        while (loader.next(b)) {
            ++batches;
        }
        const double us = double(timer.nsecsElapsed()) / 1000.0 / double(batches);
        qDebug().nospace() << "Fashion-MNIST batch of 128, augment " << augment << ": " << us
                           << " us per batch over " << batches << " batches";
        QCOMPARE(batches, int64_t(469));
    }
}

QTEST_APPLESS_MAIN(TestBatchLoader)
#include "test_batch_loader.moc"
