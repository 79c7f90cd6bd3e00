// BatchLoader: coverage, seeded order, normalisation, augmentation, dropLast, speed (reported).
#include <torch/torch.h>

#include "data/dataset.h"
#include "test_support.h"
#include "util/error.h"

#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cstdio>
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
        if (!torch::equal(a[i].indices, b[i].indices) || !torch::equal(a[i].images, b[i].images)
            || !torch::equal(a[i].labels, b[i].labels)) {
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

TEST(BatchLoader, everyIndexOncePerEpoch)
{
    const data::Dataset d = randomDataset(1000, 1, 6, 1);
    data::LoaderOptions opt;
    opt.batchSize = 128;
    opt.seed = 5;
    data::BatchLoader loader(d, opt);
    ASSERT_EQ(loader.batchesPerEpoch(), int64_t(8));
    for (int64_t e = 0; e < 3; ++e) {
        const auto batches = epoch(loader, e);
        ASSERT_EQ(int64_t(batches.size()), loader.batchesPerEpoch());
        ASSERT_EQ(batches.back().indices.size(0), int64_t(1000 - 7 * 128));
        const torch::Tensor all = allIndices(batches);
        ASSERT_TRUE(torch::equal(std::get<0>(all.sort()), torch::arange(1000, torch::kLong)));
        ASSERT_TRUE(!torch::equal(all, torch::arange(1000, torch::kLong))); // shuffled
        for (const auto& b : batches) {
            ASSERT_EQ(b.images.scalar_type(), torch::kFloat);
            ASSERT_EQ(b.images.sizes().vec(), (std::vector<int64_t>{b.indices.size(0), 1, 6, 6}));
            ASSERT_TRUE(torch::equal(b.labels, d.labels.index_select(0, b.indices)));
            ASSERT_TRUE(close(
                b.images, normalise(d.images.index_select(0, b.indices), loader.normalization())));
        }
    }
    // A finished epoch stays finished until the next startEpoch.
    data::Batch b;
    ASSERT_TRUE(!loader.next(b));

    opt.shuffle = false;
    data::BatchLoader ordered(d, opt);
    ASSERT_TRUE(torch::equal(allIndices(epoch(ordered, 4)), torch::arange(1000, torch::kLong)));
}

TEST(BatchLoader, positionsLimitEveryEpochToTheTrainingPartOfAHoldOut)
{
    const data::Dataset d = randomDataset(500, 1, 6, 2);
    const data::SplitPositions split = data::splitPositions(d, 0.2, 9);
    ASSERT_EQ(split.val.size(0), int64_t(100));
    ASSERT_EQ(split.fit.size(0), int64_t(400));
    ASSERT_TRUE(torch::equal(std::get<0>(torch::cat({split.fit, split.val}).sort()),
                             torch::arange(500, torch::kLong))); // disjoint, all of d
    data::LoaderOptions opt;
    opt.batchSize = 64;
    opt.seed = 3;
    opt.augment = true;
    opt.positions = split.fit;
    data::BatchLoader loader(d, opt);
    ASSERT_EQ(loader.batchesPerEpoch(), int64_t(7)); // 400 images, not 500
    for (int64_t e = 0; e < 2; ++e) {
        const auto batches = epoch(loader, e);
        const torch::Tensor all = allIndices(batches);
        // Every training position once, no held-out one, labels from those positions.
        ASSERT_TRUE(torch::equal(std::get<0>(all.sort()), split.fit));
        for (const auto& b : batches)
            ASSERT_TRUE(torch::equal(b.labels, d.labels.index_select(0, b.indices)));
    }
    // The held-out part as its own dataset: the same images and labels.
    const data::Dataset val = data::take(d, split.val);
    ASSERT_TRUE(torch::equal(val.images, d.images.index_select(0, split.val)));
    ASSERT_TRUE(torch::equal(val.labels, d.labels.index_select(0, split.val)));
    for (const torch::Tensor& bad :
         {torch::tensor({0, 500}, torch::kLong), torch::tensor({-1}, torch::kLong),
          torch::empty({0}, torch::kLong), torch::tensor({1.0f})}) {
        opt.positions = bad;
        ASSERT_THROW(data::BatchLoader(d, opt), tleg::Error);
    }
}

TEST(BatchLoader, orderDependsOnlyOnSeedAndEpoch)
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
    ASSERT_TRUE(sameBatches(e3, epoch(resumed, 3)));
    ASSERT_TRUE(sameBatches(e3, epoch(a, 3)));
    ASSERT_TRUE(!torch::equal(allIndices(e3), allIndices(epoch(a, 4))));
    opt.seed = 12;
    data::BatchLoader otherSeed(d, opt);
    ASSERT_TRUE(!torch::equal(allIndices(e3), allIndices(epoch(otherSeed, 3))));
    // Batches keep their contents after the loader moves on.
    const torch::Tensor kept = e3.front().indices.clone();
    epoch(a, 9);
    ASSERT_TRUE(torch::equal(e3.front().indices, kept));
}

TEST(BatchLoader, normalisedToZeroMeanUnitStd)
{
    if (!std::filesystem::exists(fashionDir() + "/train-images-idx3-ubyte.gz")) {
        GTEST_SKIP() << "dataset-fashion-mnist is not installed";
    }
    const data::DataSplit fm = data::loadFashionMnist(fashionDir());
    data::LoaderOptions opt;
    opt.batchSize = 1000;
    data::BatchLoader loader(fm.train, opt);
    ASSERT_TRUE(std::abs(loader.normalization().mean[0] - 0.286f) < 0.01f);
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
    ASSERT_TRUE(std::abs(mean) < 1e-4) << mean;
    ASSERT_TRUE(std::abs(stdev - 1.0) < 1e-4) << stdev;
}

TEST(BatchLoader, explicitNormalizationUsed)
{
    data::Dataset d = randomDataset(4, 2, 3, 3);
    d.images[0].fill_(255);
    d.images[1].fill_(0);
    data::LoaderOptions opt;
    opt.shuffle = false;
    opt.norm = {{0.5f, 0.25f}, {0.5f, 0.25f}};
    data::BatchLoader loader(d, opt);
    ASSERT_FUZZY_EQ(loader.normalization().mean[1], 0.25f);
    data::Batch b;
    ASSERT_TRUE(loader.next(b));
    ASSERT_TRUE(close(b.images[0][0], torch::full({3, 3}, 1.0f)));
    ASSERT_TRUE(close(b.images[0][1], torch::full({3, 3}, 3.0f)));
    ASSERT_TRUE(close(b.images[1][0], torch::full({3, 3}, -1.0f)));
    ASSERT_TRUE(close(b.images[1][1], torch::full({3, 3}, -1.0f)));
}

TEST(BatchLoader, augmentationWithoutPaddingOrFlipIsIdentity)
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
    ASSERT_TRUE(sameBatches(epoch(plain, 2), epoch(augmented, 2)));
}

TEST(BatchLoader, augmentationIsShiftedAndFlippedCopy)
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
        ASSERT_EQ(b.images.sizes().vec(), (std::vector<int64_t>{64, 3, 9, 9}));
        // Zero padding in pixel space, i.e. before normalisation.
        const torch::Tensor padded =
            torch::constant_pad_nd(d.images.index_select(0, b.indices), {pad, pad, pad, pad}, 0);
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
            ASSERT_TRUE(found) << "epoch " << e << " sample " << i;
        }
    }
    // 256 draws: all 25 offsets appear and roughly half the samples are flipped.
    ASSERT_EQ(shiftsSeen.size(), size_t(25));
    ASSERT_TRUE(flips > 80 && flips < 176) << flips;
}

TEST(BatchLoader, flipOfFlippedImageIsOriginal)
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
        ASSERT_TRUE(p.next(plain));
    }
    const torch::Tensor original = plain.images[0];
    const torch::Tensor mirrored = plain.images[1];
    ASSERT_TRUE(!torch::equal(original, mirrored));
    int restored = 0;
    for (int64_t e = 0; e < 20; ++e) {
        const data::Batch b = epoch(loader, e).front();
        // Sample 1 comes out either as stored or flipped back into the original.
        if (torch::equal(b.images[1], original)) {
            ++restored;
        } else {
            ASSERT_TRUE(torch::equal(b.images[1], mirrored));
        }
        ASSERT_TRUE(torch::equal(b.images[0], original) || torch::equal(b.images[0], mirrored));
        ASSERT_TRUE(torch::equal(torch::flip(torch::flip(b.images, {3}), {3}), b.images));
    }
    ASSERT_TRUE(restored > 0 && restored < 20) << restored;
}

TEST(BatchLoader, dropLastHonoured)
{
    const data::Dataset d = randomDataset(1000, 1, 4, 7);
    data::LoaderOptions opt;
    opt.batchSize = 128;
    opt.dropLast = true;
    data::BatchLoader loader(d, opt);
    ASSERT_EQ(loader.batchesPerEpoch(), int64_t(7));
    const auto batches = epoch(loader, 1);
    ASSERT_EQ(batches.size(), size_t(7));
    for (const auto& b : batches) {
        ASSERT_EQ(b.indices.size(0), int64_t(128));
    }
    const torch::Tensor all = allIndices(batches);
    ASSERT_EQ(std::get<0>(at::_unique(all)).size(0), int64_t(896));

    opt.batchSize = 1000; // exact multiple: nothing dropped
    data::BatchLoader exact(d, opt);
    ASSERT_EQ(exact.batchesPerEpoch(), int64_t(1));
    ASSERT_EQ(epoch(exact, 0).size(), size_t(1));
    opt.batchSize = 1001; // larger than the dataset: no batch at all
    data::BatchLoader none(d, opt);
    ASSERT_EQ(none.batchesPerEpoch(), int64_t(0));
    ASSERT_TRUE(epoch(none, 0).empty());
}

TEST(BatchLoader, badOptionsRejected)
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
    ASSERT_TRUE(rejects(opt));
    opt = {};
    opt.cropPadding = -1;
    ASSERT_TRUE(rejects(opt));
    opt = {};
    opt.norm = {{0.5f}, {0.5f}}; // one channel for a three-channel dataset
    ASSERT_TRUE(rejects(opt));
    opt.norm = {{0.5f, 0.5f, 0.5f}, {0.5f, 0.0f, 0.5f}};
    ASSERT_TRUE(rejects(opt));
    const data::Dataset empty;
    ASSERT_THROW(data::BatchLoader(empty, data::LoaderOptions{}), tleg::Error);
}

TEST(BatchLoader, fashionThroughput)
{
    if (!std::filesystem::exists(fashionDir() + "/train-images-idx3-ubyte.gz")) {
        GTEST_SKIP() << "dataset-fashion-mnist is not installed";
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
        const auto start = std::chrono::steady_clock::now();
        while (loader.next(b)) {
            ++batches;
        }
        const double us =
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                .count()
            / double(batches);
        std::printf("Fashion-MNIST batch of 128, augment %d: %g us per batch over %lld batches\n",
                    int(augment), us, static_cast<long long>(batches));
        ASSERT_EQ(batches, int64_t(469));
    }
}
