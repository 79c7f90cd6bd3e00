// IDX reader: the real Fashion-MNIST files, gzip vs raw, and every rejection path.
#include <torch/torch.h>

#include "data/dataset.h"
#include "test_support.h"
#include "util/error.h"

#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace tleg;
namespace fs = std::filesystem;

namespace {

/// Debian's copy, or wherever TLEG_FASHION_MNIST_DIR points.
std::string fashionDir()
{
    static const std::string dir = tleg::data::defaultFashionMnistDir();
    return dir;
}

bool haveFashion()
{
    return fs::exists(fashionDir() + "/train-images-idx3-ubyte.gz");
}

std::vector<char> gunzipFile(const std::string& path)
{
    gzFile gz = gzopen(path.c_str(), "rb");
    if (!gz) {
        throw std::runtime_error("cannot open " + path);
    }
    std::vector<char> out;
    char buf[1 << 16];
    int n = 0;
    while ((n = gzread(gz, buf, sizeof buf)) > 0) {
        out.insert(out.end(), buf, buf + n);
    }
    gzclose(gz);
    return out;
}

std::vector<char> readAll(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeAll(const std::string& path, const std::vector<char>& bytes)
{
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

void writeGz(const std::string& path, const std::vector<char>& bytes)
{
    gzFile gz = gzopen(path.c_str(), "wb");
    gzwrite(gz, bytes.data(), unsigned(bytes.size()));
    gzclose(gz);
}

void putBigEndian(std::vector<char>& out, uint32_t v)
{
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(char((v >> shift) & 0xFF));
    }
}

/// A tiny IDX file: magic, dims, then payload.
std::vector<char> idx(uint32_t magic, const std::vector<uint32_t>& dims,
                      const std::vector<uint8_t>& payload)
{
    std::vector<char> out;
    putBigEndian(out, magic);
    for (const uint32_t d : dims) {
        putBigEndian(out, d);
    }
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

} // namespace

using tleg::testing::expectError;
using tleg::testing::TempDir;

class Idx : public ::testing::Test {
protected:
    TempDir m_tmp;
    std::string tmp(const std::string& name) const { return m_tmp.path() + "/" + name; }
};

TEST_F(Idx, fashionMnistShapesAndCounts)
{
    if (!haveFashion()) {
        GTEST_SKIP() << "dataset-fashion-mnist is not installed";
    }
    const auto start = std::chrono::steady_clock::now();
    const data::DataSplit split = data::loadFashionMnist(fashionDir());
    std::printf("Fashion-MNIST train + test loaded in %lld ms\n",
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - start)
                                           .count()));

    const data::Dataset& train = split.train;
    const data::Dataset& test = split.test;
    ASSERT_EQ(train.size(), int64_t(60000));
    ASSERT_EQ(test.size(), int64_t(10000));
    for (const auto* d : {&train, &test}) {
        ASSERT_EQ(d->channels(), int64_t(1));
        ASSERT_EQ(d->height(), int64_t(28));
        ASSERT_EQ(d->width(), int64_t(28));
        ASSERT_EQ(d->images.scalar_type(), torch::kUInt8);
        ASSERT_TRUE(d->images.is_contiguous());
        ASSERT_EQ(d->labels.scalar_type(), torch::kLong);
        ASSERT_EQ(d->numClasses, int64_t(10));
        ASSERT_EQ(d->classNames.size(), size_t(10));
        ASSERT_EQ(d->labels.min().item<int64_t>(), int64_t(0));
        ASSERT_EQ(d->labels.max().item<int64_t>(), int64_t(9));
    }
    ASSERT_EQ(train.classNames.front(), std::string("T-shirt/top"));
    ASSERT_EQ(train.classNames.back(), std::string("Ankle boot"));
    ASSERT_TRUE(torch::equal(train.classCounts(), torch::full({10}, 6000, torch::kLong)));
    ASSERT_TRUE(torch::equal(test.classCounts(), torch::full({10}, 1000, torch::kLong)));
}

TEST_F(Idx, fashionMnistPixelStatistic)
{
    if (!haveFashion()) {
        GTEST_SKIP() << "dataset-fashion-mnist is not installed";
    }
    const data::DataSplit split = data::loadFashionMnist(fashionDir());
    const double mean = split.train.images.to(torch::kDouble).mean().item<double>() / 255.0;
    ASSERT_TRUE(std::abs(mean - 0.286) < 0.01) << mean;
    // The first training image is an ankle boot (label 9) in every copy of the data set.
    ASSERT_EQ(split.train.labels[0].item<int64_t>(), int64_t(9));
    // computeNormalization agrees with a direct computation.
    const data::Normalization norm = data::computeNormalization(split.train);
    ASSERT_EQ(norm.mean.size(), size_t(1));
    ASSERT_TRUE(std::abs(norm.mean[0] - mean) < 1e-5);
    const double stdev = (split.train.images.to(torch::kDouble) / 255.0).std(false).item<double>();
    ASSERT_TRUE(std::abs(norm.std[0] - stdev) < 1e-5) << norm.std[0];
}

TEST_F(Idx, gzipAndRawLoadIdentically)
{
    if (!haveFashion()) {
        GTEST_SKIP() << "dataset-fashion-mnist is not installed";
    }
    const std::string gzImages = fashionDir() + "/t10k-images-idx3-ubyte.gz";
    const std::string gzLabels = fashionDir() + "/t10k-labels-idx1-ubyte.gz";
    writeAll(tmp("t10k-images-idx3-ubyte"), gunzipFile(gzImages));
    writeAll(tmp("t10k-labels-idx1-ubyte"), gunzipFile(gzLabels));
    ASSERT_EQ(fs::file_size(tmp("t10k-images-idx3-ubyte")), uintmax_t(16 + 10000 * 784));

    const data::Dataset fromGz = data::loadIdx(gzImages, gzLabels);
    const data::Dataset fromRaw =
        data::loadIdx(tmp("t10k-images-idx3-ubyte"), tmp("t10k-labels-idx1-ubyte"));
    ASSERT_TRUE(torch::equal(fromGz.images, fromRaw.images));
    ASSERT_TRUE(torch::equal(fromGz.labels, fromRaw.labels));

    // A directory of raw files without .gz loads through loadFashionMnist as well.
    const std::string dir = tmp("fashion-raw");
    fs::create_directory(dir);
    for (const char* split : {"train", "t10k"}) {
        for (const char* kind : {"images-idx3", "labels-idx1"}) {
            const std::string name = std::string(split) + "-" + kind + "-ubyte";
            writeAll(dir + "/" + name, gunzipFile(fashionDir() + "/" + name + ".gz"));
        }
    }
    const data::DataSplit split = data::loadFashionMnist(dir);
    ASSERT_EQ(split.train.size(), int64_t(60000));
    ASSERT_TRUE(torch::equal(split.test.images, fromGz.images));
    ASSERT_EQ(split.test.classNames.at(9), std::string("Ankle boot"));
}

TEST_F(Idx, truncatedFilesRejected)
{
    if (!haveFashion()) {
        GTEST_SKIP() << "dataset-fashion-mnist is not installed";
    }
    const std::string gzImages = fashionDir() + "/t10k-images-idx3-ubyte.gz";
    const std::string labels = fashionDir() + "/t10k-labels-idx1-ubyte.gz";

    std::vector<char> raw = gunzipFile(gzImages);
    raw.resize(raw.size() - 100);
    const std::string shortRaw = tmp("short-images-idx3-ubyte");
    writeAll(shortRaw, raw);
    std::string err = expectError([&] { data::loadIdx(shortRaw, labels); },
                                  {shortRaw, "header says 10000 images of 28x28"});
    ASSERT_TRUE(err.empty()) << err;

    std::vector<char> gz = readAll(gzImages);
    gz.resize(gz.size() / 2);
    const std::string shortGz = tmp("short-images-idx3-ubyte.gz");
    writeAll(shortGz, gz);
    err = expectError([&] { data::loadIdx(shortGz, labels); }, {shortGz, "truncated"});
    ASSERT_TRUE(err.empty()) << err;

    // Flipped bits in the compressed stream: zlib's checks catch it, and the file is named.
    gz = readAll(gzImages);
    for (size_t i = gz.size() / 2; i < gz.size() / 2 + 64; ++i) {
        gz[i] = char(~gz[i]);
    }
    const std::string badGz = tmp("bad-images-idx3-ubyte.gz");
    writeAll(badGz, gz);
    err = expectError([&] { data::loadIdx(badGz, labels); }, {badGz, "gzip"});
    ASSERT_TRUE(err.empty()) << err;

    // Longer than the header says is an error too.
    raw = gunzipFile(gzImages);
    raw.push_back(0);
    const std::string longRaw = tmp("long-images-idx3-ubyte");
    writeAll(longRaw, raw);
    err = expectError([&] { data::loadIdx(longRaw, labels); }, {longRaw, "holds 7840001 bytes"});
    ASSERT_TRUE(err.empty()) << err;
}

TEST_F(Idx, corruptedMagicRejected)
{
    const std::vector<uint8_t> pixels(2 * 3 * 3, 7);
    const std::string images = tmp("magic-images");
    const std::string labels = tmp("magic-labels");
    writeGz(labels, idx(0x801, {2}, {0, 1}));

    writeGz(images, idx(0x804, {2, 3, 3}, pixels));
    std::string err = expectError([&] { data::loadIdx(images, labels); },
                                  {images, "bad magic number 0x00000804", "expected 0x00000803"});
    ASSERT_TRUE(err.empty()) << err;

    // Swapped arguments: the message says what the file actually is.
    writeGz(images, idx(0x803, {2, 3, 3}, pixels));
    err = expectError([&] { data::loadIdx(labels, images); },
                      {labels, "0x00000801 (an IDX label file)"});
    ASSERT_TRUE(err.empty()) << err;
}

TEST_F(Idx, labelOutOfRangeRejected)
{
    const std::string images = tmp("range-images");
    const std::string labels = tmp("range-labels");
    writeAll(images, idx(0x803, {3, 2, 2}, std::vector<uint8_t>(12, 1)));
    writeAll(labels, idx(0x801, {3}, {0, 10, 4}));
    const std::vector<std::string> names(10, "c");
    const std::string err = expectError([&] { data::loadIdx(images, labels, names); },
                                        {labels, "label 10 at position 1", "[0, 10)"});
    ASSERT_TRUE(err.empty()) << err;
}

TEST_F(Idx, countMismatchRejected)
{
    const std::string images = tmp("count-images.gz");
    const std::string labels = tmp("count-labels.gz");
    writeGz(images, idx(0x803, {3, 2, 2}, std::vector<uint8_t>(12, 1)));
    writeGz(labels, idx(0x801, {2}, {0, 1}));
    std::string err = expectError([&] { data::loadIdx(images, labels); },
                                  {labels, "holds 2 labels", "holds 3 images"});
    ASSERT_TRUE(err.empty()) << err;

    // Header count agrees but the label data is short.
    writeGz(labels, idx(0x801, {3}, {0, 1}));
    err = expectError([&] { data::loadIdx(images, labels); }, {labels, "3 labels"});
    ASSERT_TRUE(err.empty()) << err;
}

TEST_F(Idx, absurdHeaderRejectedBeforeAllocation)
{
    const std::string labels = tmp("absurd-labels");
    writeAll(labels, idx(0x801, {1}, {0}));
    // 1M images of 30000x30000 would be 900 TB; the file is tiny.
    const std::string gz = tmp("absurd-images.gz");
    writeGz(gz, idx(0x803, {1000000, 30000, 30000}, std::vector<uint8_t>(64, 0)));
    std::string err = expectError([&] { data::loadIdx(gz, labels); }, {gz, "header is corrupt"});
    ASSERT_TRUE(err.empty()) << err;

    const std::string raw = tmp("absurd-images");
    writeAll(raw, idx(0x803, {1, 100000, 4}, std::vector<uint8_t>(64, 0)));
    err = expectError([&] { data::loadIdx(raw, labels); }, {raw, "implausible header"});
    ASSERT_TRUE(err.empty()) << err;
}

TEST_F(Idx, missingFileRejected)
{
    const std::string missing = tmp("does-not-exist.gz");
    std::string err = expectError([&] { data::loadIdx(missing, missing); }, {missing, "not found"});
    ASSERT_TRUE(err.empty()) << err;

    const std::string dir = tmp("empty-fashion");
    fs::create_directory(dir);
    err = expectError([&] { data::loadFashionMnist(dir); },
                      {dir + "/train-images-idx3-ubyte.gz", "not found"});
    ASSERT_TRUE(err.empty()) << err;
}

TEST_F(Idx, unnamedClassesInferred)
{
    const std::string images = tmp("infer-images");
    const std::string labels = tmp("infer-labels");
    std::vector<uint8_t> pixels(4 * 2 * 3);
    for (size_t i = 0; i < pixels.size(); ++i) {
        pixels[i] = uint8_t(i * 5);
    }
    writeAll(images, idx(0x803, {4, 2, 3}, pixels));
    writeGz(labels, idx(0x801, {4}, {3, 0, 2, 3}));
    const data::Dataset d = data::loadIdx(images, labels);
    ASSERT_EQ(d.numClasses, int64_t(4));
    ASSERT_EQ(d.classNames, (std::vector<std::string>{"0", "1", "2", "3"}));
    ASSERT_EQ(d.images.sizes().vec(), (std::vector<int64_t>{4, 1, 2, 3}));
    // Row-major pixel order: image 1, row 1, column 2 is byte 6 + 3 + 2.
    ASSERT_EQ(d.images[1][0][1][2].item<int64_t>(), int64_t(11 * 5));
    ASSERT_TRUE(torch::equal(d.labels, torch::tensor({3, 0, 2, 3}, torch::kLong)));
    ASSERT_TRUE(torch::equal(d.classCounts(), torch::tensor({1, 0, 1, 2}, torch::kLong)));
}

TEST_F(Idx, mnistDirectoryGetsDigitNames)
{
    const std::string dir = tmp("mnist");
    fs::create_directory(dir);
    writeGz(dir + "/train-images-idx3-ubyte.gz", idx(0x803, {3, 2, 2}, std::vector<uint8_t>(12)));
    writeGz(dir + "/train-labels-idx1-ubyte.gz", idx(0x801, {3}, {9, 0, 4}));
    writeAll(dir + "/t10k-images-idx3-ubyte", idx(0x803, {1, 2, 2}, std::vector<uint8_t>(4)));
    writeAll(dir + "/t10k-labels-idx1-ubyte", idx(0x801, {1}, {7}));
    const data::DataSplit split = data::loadFashionMnist(dir);
    ASSERT_EQ(split.train.name, std::string("mnist/train"));
    ASSERT_EQ(split.test.name, std::string("mnist/test"));
    ASSERT_EQ(split.train.numClasses, int64_t(10));
    ASSERT_EQ(split.train.classNames.at(3), std::string("3"));
    ASSERT_TRUE(torch::equal(split.train.labels, torch::tensor({9, 0, 4}, torch::kLong)));
    ASSERT_EQ(split.test.labels[0].item<int64_t>(), int64_t(7));
}

TEST_F(Idx, defaultDirHonoursEnvironment)
{
    const char* value = std::getenv("TLEG_FASHION_MNIST_DIR");
    const std::string saved = value ? value : "";
    ::unsetenv("TLEG_FASHION_MNIST_DIR");
    ASSERT_EQ(data::defaultFashionMnistDir(), std::string(TLEG_DEFAULT_FASHION_MNIST_DIR));
    ::setenv("TLEG_FASHION_MNIST_DIR", "/somewhere/else", 1);
    ASSERT_EQ(data::defaultFashionMnistDir(), std::string("/somewhere/else"));
    if (saved.empty()) {
        ::unsetenv("TLEG_FASHION_MNIST_DIR");
    } else {
        ::setenv("TLEG_FASHION_MNIST_DIR", saved.c_str(), 1);
    }
}
