// CIFAR-10 / CIFAR-100 binary reader on tiny files written here.
#include <torch/torch.h>

#include "data/dataset.h"
#include "test_support.h"
#include "util/error.h"

#include <filesystem>
#include <fstream>

using namespace tleg;
namespace fs = std::filesystem;

namespace {

constexpr int kPixels = 3072;

/// Pixel byte k of record i: distinct enough to catch shifted or swapped planes.
uint8_t pixel(int64_t i, int64_t k)
{
    return uint8_t((i * 31 + k * 7 + k / 1024) % 251);
}

/// Writes records first..first+count-1; labels[i] holds the label byte(s) of record i.
void writeBatch(const std::string& path, int64_t first, int64_t count,
                const std::vector<std::vector<uint8_t>>& labels)
{
    std::ofstream out(path, std::ios::binary);
    for (int64_t i = first; i < first + count; ++i) {
        for (const uint8_t l : labels[size_t(i)]) {
            out.put(char(l));
        }
        for (int64_t k = 0; k < kPixels; ++k) {
            out.put(char(pixel(i, k)));
        }
    }
}

void checkImages(const data::Dataset& d, int64_t first)
{
    ASSERT_EQ(d.images.sizes().vec(), (std::vector<int64_t>{d.size(), 3, 32, 32}));
    ASSERT_EQ(d.images.scalar_type(), torch::kUInt8);
    ASSERT_TRUE(d.images.is_contiguous());
    for (int64_t i = 0; i < d.size(); ++i) {
        const auto* p = d.images[i].data_ptr<uint8_t>();
        for (int64_t k = 0; k < kPixels; ++k) {
            if (p[k] != pixel(first + i, k)) {
                FAIL() << "image " << i << " byte " << k << " differs";
            }
        }
    }
    // Planar layout: channel 1 (green), row 2, column 3 is byte 1024 + 2 * 32 + 3.
    ASSERT_EQ(d.images[0][1][2][3].item<int64_t>(), int64_t(pixel(first, 1024 + 67)));
}

} // namespace

using tleg::testing::expectError;
using tleg::testing::TempDir;

class Cifar : public ::testing::Test {
protected:
    TempDir m_tmp;
    std::string dir(const std::string& name) const
    {
        const std::string d = m_tmp.path() + "/" + name;
        fs::create_directories(d);
        return d;
    }
    static void writeCifar10(const std::string& d)
    {
        std::vector<std::vector<uint8_t>> labels;
        for (int i = 0; i < 14; ++i) {
            labels.push_back({uint8_t((i * 3) % 10)});
        }
        const int64_t counts[] = {3, 2, 2, 2, 1};
        int64_t first = 0;
        for (int b = 0; b < 5; ++b) {
            writeBatch(d + "/data_batch_" + std::to_string(b + 1) + ".bin", first, counts[b],
                       labels);
            first += counts[b];
        }
        writeBatch(d + "/test_batch.bin", 10, 4, labels);
    }
};

TEST_F(Cifar, cifar10RoundTrip)
{
    const std::string d = dir("c10");
    writeCifar10(d);
    std::ofstream(d + "/batches.meta.txt")
        << "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n";
    const data::DataSplit split = data::loadCifar(d, 10);
    ASSERT_EQ(split.train.size(), int64_t(10));
    ASSERT_EQ(split.test.size(), int64_t(4));
    ASSERT_NO_FATAL_FAILURE(checkImages(split.train, 0));
    ASSERT_NO_FATAL_FAILURE(checkImages(split.test, 10));
    ASSERT_TRUE(torch::equal(split.train.labels,
                             torch::tensor({0, 3, 6, 9, 2, 5, 8, 1, 4, 7}, torch::kLong)));
    ASSERT_TRUE(torch::equal(split.test.labels, torch::tensor({0, 3, 6, 9}, torch::kLong)));
    ASSERT_EQ(split.train.numClasses, int64_t(10));
    ASSERT_EQ(split.train.classNames.size(), size_t(10));
    ASSERT_EQ(split.train.classNames[1], std::string("automobile"));
    ASSERT_EQ(split.test.classNames[9], std::string("truck"));
}

TEST_F(Cifar, cifar100UsesFineLabels)
{
    const std::string d = dir("c100");
    std::vector<std::vector<uint8_t>> labels;
    for (int i = 0; i < 7; ++i) {
        labels.push_back({uint8_t(19 - i), uint8_t(99 - i * 13)}); // coarse, fine
    }
    writeBatch(d + "/train.bin", 0, 5, labels);
    writeBatch(d + "/test.bin", 5, 2, labels);
    const data::DataSplit split = data::loadCifar(d, 100);
    ASSERT_EQ(split.train.numClasses, int64_t(100));
    ASSERT_EQ(split.train.classNames.size(), size_t(100));
    ASSERT_NO_FATAL_FAILURE(checkImages(split.train, 0));
    ASSERT_NO_FATAL_FAILURE(checkImages(split.test, 5));
    ASSERT_TRUE(
        torch::equal(split.train.labels, torch::tensor({99, 86, 73, 60, 47}, torch::kLong)));
    ASSERT_TRUE(torch::equal(split.test.labels, torch::tensor({34, 21}, torch::kLong)));
}

TEST_F(Cifar, archiveSubfolderAccepted)
{
    const std::string parent = dir("c10-parent");
    const std::string d = dir("c10-parent/cifar-10-batches-bin");
    writeCifar10(d);
    const data::DataSplit split = data::loadCifar(parent, 10);
    ASSERT_EQ(split.train.size(), int64_t(10));
    // No batches.meta.txt: the standard CIFAR-10 names are used.
    ASSERT_EQ(split.train.classNames[0], std::string("airplane"));
}

TEST_F(Cifar, badFilesRejected)
{
    std::string err = expectError([&] { data::loadCifar(dir("any"), 7); }, {"10 or 100"});
    ASSERT_TRUE(err.empty()) << err;

    const std::string missing = dir("c10-missing");
    writeCifar10(missing);
    fs::remove(missing + "/data_batch_4.bin");
    err = expectError([&] { data::loadCifar(missing, 10); }, {"data_batch_4.bin", "not found"});
    ASSERT_TRUE(err.empty()) << err;

    const std::string ragged = dir("c10-ragged");
    writeCifar10(ragged);
    std::ofstream(ragged + "/data_batch_2.bin", std::ios::app | std::ios::binary) << "xyz";
    err = expectError([&] { data::loadCifar(ragged, 10); },
                      {ragged + "/data_batch_2.bin", "3073-byte records"});
    ASSERT_TRUE(err.empty()) << err;

    const std::string range = dir("c100-range");
    std::vector<std::vector<uint8_t>> labels = {{0, 5}, {0, 100}, {0, 7}};
    writeBatch(range + "/train.bin", 0, 3, labels);
    writeBatch(range + "/test.bin", 0, 1, labels);
    err = expectError([&] { data::loadCifar(range, 100); },
                      {range + "/train.bin", "record 1 has label 100", "[0, 100)"});
    ASSERT_TRUE(err.empty()) << err;

    const std::string names = dir("c10-names");
    writeCifar10(names);
    std::ofstream(names + "/batches.meta.txt") << "cat\ndog\n";
    err = expectError([&] { data::loadCifar(names, 10); },
                      {names + "/batches.meta.txt", "holds 2 class names, expected 10"});
    ASSERT_TRUE(err.empty()) << err;
}
