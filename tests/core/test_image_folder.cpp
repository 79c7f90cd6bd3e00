// ImageFolder reader. The images are PNG/PPM/PGM files written here by hand (PNG through zlib),
// so the decoder is checked against an encoder that is not OpenCV's own.
#include <torch/torch.h>

#include "data/dataset.h"
#include "test_support.h"
#include "util/error.h"

#include <zlib.h>

#include <filesystem>
#include <fstream>

using namespace tleg;
namespace fs = std::filesystem;

namespace {

void putBigEndian(std::string& out, uint32_t v)
{
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(char((v >> shift) & 0xFF));
    }
}

void putChunk(std::string& out, const char* type, const std::string& data)
{
    putBigEndian(out, uint32_t(data.size()));
    const std::string body = std::string(type, 4) + data;
    out += body;
    putBigEndian(
        out, uint32_t(crc32(0, reinterpret_cast<const Bytef*>(body.data()), uInt(body.size()))));
}

/// 8-bit PNG, grey (channels 1) or RGB (channels 3); pixels row-major, interleaved.
void writePng(const std::string& path, int w, int h, int channels,
              const std::vector<uint8_t>& pixels)
{
    std::string rows;
    for (int y = 0; y < h; ++y) {
        rows.push_back(0); // filter: none
        rows.append(reinterpret_cast<const char*>(pixels.data()) + size_t(y) * w * channels,
                    size_t(w) * channels);
    }
    uLongf packedSize = compressBound(uLong(rows.size()));
    std::string packed(packedSize, '\0');
    compress(reinterpret_cast<Bytef*>(packed.data()), &packedSize,
             reinterpret_cast<const Bytef*>(rows.data()), uLong(rows.size()));
    packed.resize(packedSize);

    std::string ihdr;
    putBigEndian(ihdr, uint32_t(w));
    putBigEndian(ihdr, uint32_t(h));
    ihdr += std::string{8, char(channels == 1 ? 0 : 2), 0, 0, 0};
    std::string png = "\x89PNG\r\n\x1a\n";
    putChunk(png, "IHDR", ihdr);
    putChunk(png, "IDAT", packed);
    putChunk(png, "IEND", "");
    std::ofstream(path, std::ios::binary) << png;
}

/// Binary PPM (channels 3) or PGM (channels 1).
void writePnm(const std::string& path, int w, int h, int channels,
              const std::vector<uint8_t>& pixels)
{
    std::ofstream out(path, std::ios::binary);
    out << (channels == 1 ? "P5" : "P6") << "\n" << w << " " << h << "\n255\n";
    out.write(reinterpret_cast<const char*>(pixels.data()), std::streamsize(pixels.size()));
}

std::vector<uint8_t> solid(int w, int h, std::vector<uint8_t> rgb)
{
    std::vector<uint8_t> out;
    for (int i = 0; i < w * h; ++i) {
        out.insert(out.end(), rgb.begin(), rgb.end());
    }
    return out;
}

} // namespace

using tleg::testing::expectError;
using tleg::testing::TempDir;

/// One folder tree, written once, that every test reads.
class ImageFolder : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_tmp = new TempDir;
        ASSERT_TRUE(s_tmp->isValid());
        s_root = path("flowers");
        for (const char* d : {"bird/sub", "cat", ".cache"}) {
            fs::create_directories(s_root + "/" + d);
        }
        for (int i = 0; i < 64; ++i) {
            s_gradient.push_back(uint8_t(i * 4));
        }
        writePng(s_root + "/bird/red.png", 8, 8, 3, solid(8, 8, {255, 0, 0}));
        writePng(s_root + "/bird/grey.PNG", 8, 8, 1, s_gradient);
        writePnm(s_root + "/bird/sub/nested.ppm", 4, 4, 3, solid(4, 4, {0, 255, 0}));
        writePng(s_root + "/cat/blue.png", 16, 12, 3, solid(16, 12, {0, 0, 255}));
        writePnm(s_root + "/cat/x.pgm", 4, 4, 1, solid(4, 4, {9}));
        // Hidden entries and other extensions are skipped; garbage proves they are never decoded.
        std::ofstream(s_root + "/bird/.hidden.png") << "not a png";
        std::ofstream(s_root + "/bird/notes.txt") << "not an image";
        std::ofstream(s_root + "/.cache/junk.png") << "not a png";
        std::ofstream(s_root + "/README.txt") << "a file at the root is not a class";
    }
    static void TearDownTestSuite()
    {
        delete s_tmp;
        s_tmp = nullptr;
    }
    static std::string path(const std::string& name) { return s_tmp->path() + "/" + name; }

    static TempDir* s_tmp;
    static std::string s_root;
    static std::vector<uint8_t> s_gradient; // 8x8 grey
};

TempDir* ImageFolder::s_tmp = nullptr;
std::string ImageFolder::s_root;
std::vector<uint8_t> ImageFolder::s_gradient;

TEST_F(ImageFolder, classesAndOrder)
{
    const data::Dataset d = data::loadImageFolder(s_root + "/", 4, false);
    ASSERT_EQ(d.name, std::string("flowers"));
    ASSERT_EQ(d.numClasses, int64_t(2));
    ASSERT_EQ(d.classNames, (std::vector<std::string>{"bird", "cat"}));
    ASSERT_EQ(d.images.sizes().vec(), (std::vector<int64_t>{5, 3, 4, 4}));
    ASSERT_EQ(d.images.scalar_type(), torch::kUInt8);
    ASSERT_TRUE(d.images.is_contiguous());
    // Sorted by path within a class: grey.PNG, red.png, sub/nested.ppm; blue.png, x.pgm.
    ASSERT_TRUE(torch::equal(d.labels, torch::tensor({0, 0, 0, 1, 1}, torch::kLong)));
    ASSERT_EQ(d.images[1][0].min().item<int64_t>(), int64_t(255)); // red
    ASSERT_EQ(d.images[2][1].min().item<int64_t>(), int64_t(255)); // green, nested
    ASSERT_EQ(d.images[4][0].max().item<int64_t>(), int64_t(9));   // grey 9 read as RGB
    ASSERT_EQ(d.images[4][2].min().item<int64_t>(), int64_t(9));
}

TEST_F(ImageFolder, rgbChannelOrder)
{
    const data::Dataset d = data::loadImageFolder(s_root, 4, false);
    const torch::Tensor red = d.images[1];  // [3, 4, 4]
    const torch::Tensor blue = d.images[3]; // from 16x12, resized
    ASSERT_TRUE(torch::equal(red[0], torch::full({4, 4}, 255, torch::kUInt8)));
    ASSERT_TRUE(torch::equal(red[1], torch::zeros({4, 4}, torch::kUInt8)));
    ASSERT_TRUE(torch::equal(red[2], torch::zeros({4, 4}, torch::kUInt8)));
    ASSERT_TRUE(torch::equal(blue[0], torch::zeros({4, 4}, torch::kUInt8)));
    ASSERT_TRUE(torch::equal(blue[2], torch::full({4, 4}, 255, torch::kUInt8)));
}

TEST_F(ImageFolder, greyConversion)
{
    const data::Dataset d = data::loadImageFolder(s_root, 4, true);
    ASSERT_EQ(d.images.sizes().vec(), (std::vector<int64_t>{5, 1, 4, 4}));
    // ITU-R 601 luma of pure red and pure blue.
    const int64_t red = d.images[1][0][0][0].item<int64_t>();
    const int64_t blue = d.images[3][0][2][2].item<int64_t>();
    ASSERT_TRUE(std::abs(red - 76) <= 1) << red;
    ASSERT_TRUE(std::abs(blue - 29) <= 1) << blue;
    ASSERT_TRUE(torch::equal(d.images[4][0], torch::full({4, 4}, 9, torch::kUInt8)));
}

TEST_F(ImageFolder, resizeAveragesAreas)
{
    const data::Dataset d = data::loadImageFolder(s_root, 4, true);
    const torch::Tensor small = d.images[0][0]; // the 8x8 gradient at 4x4
    for (int y = 0; y < 4; ++y) {
        for (int x = 0; x < 4; ++x) {
            double sum = 0;
            for (int k = 0; k < 4; ++k) {
                sum += s_gradient[size_t((2 * y + k / 2) * 8 + 2 * x + k % 2)];
            }
            const int64_t got = small[y][x].item<int64_t>();
            ASSERT_TRUE(std::abs(double(got) - sum / 4) <= 1.0)
                << "(" << y << "," << x << "): " << got << " vs " << sum / 4;
        }
    }
    // Same size: copied untouched.
    const data::Dataset full = data::loadImageFolder(s_root, 8, true);
    const torch::Tensor expected =
        torch::tensor(std::vector<int64_t>(s_gradient.begin(), s_gradient.end()))
            .to(torch::kUInt8)
            .view({8, 8});
    ASSERT_TRUE(torch::equal(full.images[0][0], expected));
}

TEST_F(ImageFolder, badTreesRejected)
{
    const std::string empty = path("empty");
    fs::create_directories(empty + "/.hidden");
    std::string err =
        expectError([&] { data::loadImageFolder(empty, 8, false); }, {empty, "no class folders"});
    ASSERT_TRUE(err.empty()) << err;

    const std::string noImages = path("no-images");
    fs::create_directories(noImages + "/a");
    fs::create_directories(noImages + "/b");
    writePnm(noImages + "/a/ok.pgm", 2, 2, 1, solid(2, 2, {1}));
    std::ofstream(noImages + "/b/readme.md") << "x";
    err = expectError([&] { data::loadImageFolder(noImages, 8, false); },
                      {noImages + "/b", "holds no images"});
    ASSERT_TRUE(err.empty()) << err;

    const std::string corrupt = path("corrupt");
    fs::create_directories(corrupt + "/a");
    writePnm(corrupt + "/a/0.pgm", 2, 2, 1, solid(2, 2, {1}));
    std::ofstream(corrupt + "/a/1.png") << "this is not a png";
    // An unreadable image is skipped and named; a class left with none is an error naming it.
    const data::Dataset skipped = data::loadImageFolder(corrupt, 8, false);
    ASSERT_EQ(skipped.size(), int64_t(1));
    ASSERT_NE(skipped.note.find(corrupt + "/a/1.png: cannot read or decode"), std::string::npos)
        << skipped.note;
    fs::create_directories(corrupt + "/b");
    std::ofstream(corrupt + "/b/2.jpg") << "this is not a jpeg";
    err = expectError([&] { data::loadImageFolder(corrupt, 8, false); },
                      {corrupt + "/b", "no readable image", "2.jpg"});
    ASSERT_TRUE(err.empty()) << err;

    err = expectError([&] { data::loadImageFolder(path("missing"), 8, false); },
                      {path("missing"), "not found"});
    ASSERT_TRUE(err.empty()) << err;

    err = expectError([&] { data::loadImageFolder(s_root, 0, false); }, {"image size"});
    ASSERT_TRUE(err.empty()) << err;
}
