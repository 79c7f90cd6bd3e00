// Image folders as users bring them: JPEG and PNG files of many sizes and aspects written with
// OpenCV, brought to size×size by shorter-side resize + centre crop (checked against an area
// average computed here), the decode cache (reused, invalidated by any change, rebuilt when
// damaged, never trusted when it does not fit), unreadable images skipped and named, progress,
// and random-resized-crop + flip in the batch loader.
#include <torch/torch.h>

#include "data/image_decode.h"
#include "data/image_folder.h"
#include "data/image_header.h"
#include "data/open_dataset.h"
#include "data/resized_crop.h"
#include "io/safetensors.h"
#include "test_support.h"
#include "util/error.h"

#include <ATen/CPUGeneratorImpl.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include <sys/resource.h>

using namespace tleg;
namespace fs = std::filesystem;
using tleg::testing::contains;
using tleg::testing::expectError;
using tleg::testing::TempDir;

namespace {

/// Smooth random content (a few blurred blobs): JPEG keeps it close, and resizing it is a real
/// test, unlike a flat colour.
cv::Mat randomImage(int w, int h, uint64_t seed)
{
    cv::RNG rng(seed);
    cv::Mat m(h, w, CV_8UC3);
    rng.fill(m, cv::RNG::UNIFORM, 0, 256);
    cv::GaussianBlur(m, m, cv::Size(0, 0), 1.0 + double(std::min(w, h)) / 16.0);
    return m;
}

/// Pure noise, for lossless formats: every pixel different, so any misplaced pixel shows.
cv::Mat noiseImage(int w, int h, uint64_t seed)
{
    cv::RNG rng(seed);
    cv::Mat m(h, w, CV_8UC3);
    rng.fill(m, cv::RNG::UNIFORM, 0, 256);
    return m;
}

void writeImage(const std::string& path, const cv::Mat& m)
{
    fs::create_directories(fs::path(path).parent_path());
    ASSERT_TRUE(cv::imwrite(path, m)) << path;
}

/// The size a w×h image is resized to before the centre crop (shorter side = size).
std::pair<int, int> resizedSize(int w, int h, int size)
{
    if (w <= h)
        return {size, std::max(size, int(int64_t(h) * size / w))};
    return {std::max(size, int(int64_t(w) * size / h)), size};
}

/// Exact area average: pixel (x, y) of the w2×h2 image is the mean of the source over
/// [x·w/w2, (x+1)·w/w2) × [y·h/h2, (y+1)·h/h2), every source pixel weighted by its overlap.
double areaPixel(const cv::Mat& src, int channel, int x, int y, int w2, int h2)
{
    const double sx = double(src.cols) / w2;
    const double sy = double(src.rows) / h2;
    const double x0 = x * sx, x1 = (x + 1) * sx, y0 = y * sy, y1 = (y + 1) * sy;
    double sum = 0, weight = 0;
    for (int v = int(std::floor(y0)); v < int(std::ceil(y1)); ++v) {
        const double wy = std::min(y1, v + 1.0) - std::max(y0, double(v));
        for (int u = int(std::floor(x0)); u < int(std::ceil(x1)); ++u) {
            const double wx = std::min(x1, u + 1.0) - std::max(x0, double(u));
            sum += wx * wy * src.at<cv::Vec3b>(v, u)[channel];
            weight += wx * wy;
        }
    }
    return sum / weight;
}

/// Half-pixel-centred bilinear sample of channel at (x, y) of the w2×h2 enlargement.
double bilinearPixel(const cv::Mat& src, int channel, int x, int y, int w2, int h2)
{
    auto coordinate = [](int i, int n, int n2, int* lo, int* hi) {
        const double c = std::clamp((i + 0.5) * n / n2 - 0.5, 0.0, double(n - 1));
        *lo = int(std::floor(c));
        *hi = std::min(*lo + 1, n - 1);
        return c - *lo;
    };
    int u0, u1, v0, v1;
    const double fx = coordinate(x, src.cols, w2, &u0, &u1);
    const double fy = coordinate(y, src.rows, h2, &v0, &v1);
    auto at = [&](int v, int u) { return double(src.at<cv::Vec3b>(v, u)[channel]); };
    return (1 - fy) * ((1 - fx) * at(v0, u0) + fx * at(v0, u1))
           + fy * ((1 - fx) * at(v1, u0) + fx * at(v1, u1));
}

/// What loadImageFolder should make of src (BGR, as OpenCV decoded it): [3, size, size] RGB.
torch::Tensor expectedSquare(const cv::Mat& src, int size)
{
    const auto [w2, h2] = resizedSize(src.cols, src.rows, size);
    const bool shrink = size < std::min(src.cols, src.rows);
    const int ox = (w2 - size) / 2, oy = (h2 - size) / 2;
    torch::Tensor out = torch::empty({3, size, size}, torch::kDouble);
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < size; ++y)
            for (int x = 0; x < size; ++x)
                out[c][y][x] = shrink ? areaPixel(src, 2 - c, x + ox, y + oy, w2, h2)
                                      : bilinearPixel(src, 2 - c, x + ox, y + oy, w2, h2);
    return out;
}

double maxDifference(const torch::Tensor& got, const torch::Tensor& expected)
{
    return (got.to(torch::kDouble) - expected).abs().max().item<double>();
}

data::ImageFolderOptions options(int64_t size)
{
    data::ImageFolderOptions o;
    o.size = size;
    o.threads = 2;
    return o;
}

/// A small Imagenette-like tree: three classes of JPEGs of several sizes and aspects.
std::vector<std::string> writeTree(const std::string& root, int perClass, uint64_t seed)
{
    const int shapes[][2] = {{64, 48}, {48, 64}, {80, 80}, {100, 37}, {30, 70}, {50, 40}};
    std::vector<std::string> files;
    for (const char* cls : {"dog", "fish", "truck"}) {
        for (int i = 0; i < perClass; ++i) {
            const auto* s = shapes[(seed + files.size()) % 6];
            const std::string path =
                root + "/" + cls + "/img" + std::to_string(i) + (i % 3 == 2 ? ".png" : ".jpg");
            writeImage(path, randomImage(s[0], s[1], seed * 1000 + files.size()));
            files.push_back(path);
        }
    }
    return files;
}

/// Moves a file's modification time a minute on, so a rewrite is seen even within one tick of
/// a coarse file-system clock.
void touchLater(const std::string& path)
{
    fs::last_write_time(path, fs::last_write_time(path) + std::chrono::minutes(1));
}

} // namespace

TEST(ImageCache, shorterSideResizeAndCentreCrop)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string root = dir.filePath("shapes");
    // Landscape, portrait, square, odd ratios, and two smaller than the target (enlarged).
    const int shapes[][2] = {{60, 40}, {40, 60}, {32, 32}, {37, 23}, {23, 41}, {6, 4}, {5, 9}};
    std::vector<cv::Mat> sources;
    for (size_t i = 0; i < std::size(shapes); ++i) {
        sources.push_back(noiseImage(shapes[i][0], shapes[i][1], i));
        writeImage(root + "/c/" + std::to_string(i) + ".png", sources.back());
    }
    for (int size : {8, 16}) {
        data::ImageFolderOptions o = options(size);
        o.cache = false;
        const data::Dataset d = data::loadImageFolder(root, o);
        ASSERT_EQ(d.images.sizes().vec(), (std::vector<int64_t>{7, 3, size, size}));
        for (size_t i = 0; i < sources.size(); ++i) {
            const double diff =
                maxDifference(d.images[int64_t(i)], expectedSquare(sources[i], size));
            // Area: exact up to rounding; bilinear: OpenCV's 11-bit fixed-point weights.
            ASSERT_LE(diff, 1.5) << shapes[i][0] << "x" << shapes[i][1] << " at " << size;
        }
    }
}

TEST(ImageCache, centreCropKeepsTheMiddle)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    // Thirds of red, green and blue along the longer side: only green survives the crop.
    cv::Mat wide(32, 96, CV_8UC3, cv::Scalar(0, 0, 255));
    wide.colRange(32, 64).setTo(cv::Scalar(0, 255, 0));
    wide.colRange(64, 96).setTo(cv::Scalar(255, 0, 0));
    cv::Mat tall;
    cv::transpose(wide, tall);
    writeImage(dir.filePath("t/a/wide.png"), wide);
    writeImage(dir.filePath("t/a/tall.png"), tall);
    writeImage(dir.filePath("t/a/wide.jpg"), wide);
    data::ImageFolderOptions o = options(10);
    o.cache = false;
    const data::Dataset d = data::loadImageFolder(dir.filePath("t"), o);
    const torch::Tensor green = torch::stack(
        {torch::zeros({10, 10}), torch::full({10, 10}, 255.0), torch::zeros({10, 10})});
    // Sorted: tall.png, wide.jpg, wide.png. JPEG stores saturated colours only roughly.
    ASSERT_EQ(maxDifference(d.images[0], green.to(torch::kDouble)), 0.0);
    ASSERT_EQ(maxDifference(d.images[2], green.to(torch::kDouble)), 0.0);
    const torch::Tensor mean = d.images[1].to(torch::kDouble).mean({1, 2});
    ASSERT_TRUE(mean[0].item<double>() < 40 && mean[1].item<double>() > 215
                && mean[2].item<double>() < 40)
        << mean;
}

TEST(ImageCache, jpegDecodedAsOpenCvReadsIt)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string path = dir.filePath("j/c/photo.jpg");
    writeImage(path, randomImage(75, 50, 7));
    const cv::Mat decoded = cv::imread(path, cv::IMREAD_COLOR);
    data::ImageFolderOptions o = options(20);
    o.cache = false;
    const data::Dataset d = data::loadImageFolder(dir.filePath("j"), o);
    ASSERT_LE(maxDifference(d.images[0], expectedSquare(decoded, 20)), 1.0);
}

TEST(ImageCache, secondOpenUsesTheCache)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string root = dir.filePath("tree");
    writeTree(root, 4, 1);
    int64_t progressCalls = 0;
    std::vector<std::string> lines;
    data::ImageFolderOptions o = options(24);
    o.progress = [&](int64_t, int64_t) { return ++progressCalls, true; };
    o.log = [&](const std::string& s) { lines.push_back(s); };

    data::ImageFolderReport first;
    const data::Dataset a = data::loadImageFolder(root, o, &first);
    ASSERT_EQ(first.listed, int64_t(12));
    ASSERT_EQ(first.decoded, int64_t(12));
    ASSERT_FALSE(first.fromCache);
    ASSERT_EQ(first.cacheFile, root + "/.tleg-cache/24px-rgb.safetensors");
    ASSERT_TRUE(fs::is_regular_file(first.cacheFile));
    ASSERT_GE(progressCalls, 2);
    ASSERT_TRUE(contains(lines.back(), "decode cache written: " + first.cacheFile)) << lines.back();

    progressCalls = 0;
    data::ImageFolderReport second;
    const data::Dataset b = data::loadImageFolder(root, o, &second);
    ASSERT_EQ(second.decoded, int64_t(0));
    ASSERT_TRUE(second.fromCache);
    ASSERT_EQ(second.cacheFile, first.cacheFile);
    ASSERT_EQ(progressCalls, 0);
    ASSERT_TRUE(torch::equal(a.images, b.images));
    ASSERT_TRUE(torch::equal(a.labels, b.labels));
    ASSERT_EQ(b.classNames, (std::vector<std::string>{"dog", "fish", "truck"}));
    ASSERT_TRUE(b.images.is_contiguous());

    // The same bytes as decoding without any cache; other sizes and grey get their own file.
    data::ImageFolderOptions plain = options(24);
    plain.cache = false;
    ASSERT_TRUE(torch::equal(data::loadImageFolder(root, plain).images, b.images));
    data::ImageFolderOptions grey = options(24);
    grey.grey = true;
    data::ImageFolderReport greyReport;
    ASSERT_EQ(data::loadImageFolder(root, grey, &greyReport).channels(), int64_t(1));
    ASSERT_EQ(greyReport.decoded, int64_t(12));
    ASSERT_EQ(greyReport.cacheFile, root + "/.tleg-cache/24px-grey.safetensors");
    ASSERT_TRUE(data::loadImageFolder(root, o, &second).size() == 12 && second.fromCache);
}

TEST(ImageCache, anyChangeToTheFilesInvalidates)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string root = dir.filePath("tree");
    const std::vector<std::string> files = writeTree(root, 3, 2);
    const data::ImageFolderOptions o = options(16);
    data::ImageFolderReport r;
    const data::Dataset before = data::loadImageFolder(root, o, &r);
    ASSERT_EQ(r.decoded, int64_t(9));

    // A file rewritten with other content.
    writeImage(files[4], randomImage(40, 40, 99));
    touchLater(files[4]);
    const data::Dataset changed = data::loadImageFolder(root, o, &r);
    ASSERT_FALSE(r.fromCache);
    ASSERT_EQ(r.decoded, int64_t(9));
    ASSERT_FALSE(torch::equal(changed.images[4], before.images[4]));
    ASSERT_TRUE(torch::equal(changed.images[3], before.images[3]));
    data::loadImageFolder(root, o, &r);
    ASSERT_TRUE(r.fromCache);

    // A file added, then one removed.
    writeImage(root + "/fish/new.jpg", randomImage(50, 30, 5));
    ASSERT_EQ(data::loadImageFolder(root, o, &r).size(), int64_t(10));
    ASSERT_FALSE(r.fromCache);
    fs::remove(files[0]);
    ASSERT_EQ(data::loadImageFolder(root, o, &r).size(), int64_t(9));
    ASSERT_FALSE(r.fromCache);
    ASSERT_EQ(r.decoded, int64_t(9));
    data::loadImageFolder(root, o, &r);
    ASSERT_TRUE(r.fromCache);
}

TEST(ImageCache, damagedCacheIsRebuilt)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string root = dir.filePath("tree");
    writeTree(root, 2, 3);
    std::vector<std::string> lines;
    data::ImageFolderOptions o = options(16);
    o.log = [&](const std::string& s) { lines.push_back(s); };
    data::ImageFolderReport r;
    // A copy: the loaded images are the cache file's pages, which this test damages in place
    // (tleg itself only ever replaces the file, so a mapping never sees it change).
    const torch::Tensor good = data::loadImageFolder(root, o, &r).images.clone();
    const std::string cache = r.cacheFile;
    const auto fullSize = fs::file_size(cache);

    auto reopen = [&](const char* what) {
        lines.clear();
        const data::Dataset d = data::loadImageFolder(root, o, &r);
        EXPECT_EQ(r.decoded, int64_t(6)) << what;
        EXPECT_TRUE(torch::equal(d.images, good)) << what;
        EXPECT_TRUE(!lines.empty() && contains(lines.front(), "not used")) << what;
        EXPECT_EQ(fs::file_size(cache), fullSize) << what;
    };
    fs::resize_file(cache, fullSize / 2); // a copy cut short
    reopen("truncated");
    ASSERT_TRUE(tleg::testing::writeFile(cache, "garbage, not safetensors"));
    reopen("garbage");

    // Well-formed safetensors with the right fingerprint but labels that do not match.
    io::SafetensorsFile f = io::readSafetensors(cache);
    io::writeSafetensors(cache,
                         {{"images", f.tensor("images")}, {"labels", f.tensor("labels").flip(0)}},
                         f.metadata);
    reopen("relabelled");
    f = io::readSafetensors(cache);
    io::writeSafetensors(cache,
                         {{"images", f.tensor("images").narrow(0, 0, 5)},
                          {"labels", f.tensor("labels").narrow(0, 0, 5)}},
                         f.metadata);
    reopen("one image short");

    // Another folder's cache put in its place.
    const std::string other = dir.filePath("other");
    writeTree(other, 2, 4);
    data::loadImageFolder(other, options(16), &r);
    fs::copy_file(r.cacheFile, cache, fs::copy_options::overwrite_existing);
    reopen("another folder's");
    ASSERT_TRUE(contains(lines.front(), "changed")) << lines.front();

    data::loadImageFolder(root, o, &r);
    ASSERT_TRUE(r.fromCache);
}

TEST(ImageCache, orphanedTemporariesAreRemoved)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string root = dir.filePath("tree");
    writeTree(root, 1, 5);
    // What a run killed while writing leaves: pid_max is beyond every live process.
    std::ifstream pidMax("/proc/sys/kernel/pid_max");
    long maxPid = 4194304;
    pidMax >> maxPid;
    const std::string orphan =
        root + "/.tleg-cache/16px-rgb.safetensors.tmp-" + std::to_string(maxPid + 1) + "-0";
    const std::string live =
        root + "/.tleg-cache/16px-rgb.safetensors.tmp-" + std::to_string(::getpid()) + "-77";
    ASSERT_TRUE(fs::create_directories(root + "/.tleg-cache"));
    ASSERT_TRUE(tleg::testing::writeFile(orphan, "half a file"));
    ASSERT_TRUE(tleg::testing::writeFile(live, "someone is writing this"));
    data::ImageFolderReport r;
    data::loadImageFolder(root, options(16), &r);
    ASSERT_TRUE(fs::exists(r.cacheFile));
    ASSERT_FALSE(fs::exists(orphan));
    ASSERT_TRUE(fs::exists(live));
}

TEST(ImageCache, unwritableFolderFallsBackToXdgCache)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string root = dir.filePath("tree");
    writeTree(root, 1, 6);
    // A file where the cache folder would go: nothing can be written beside the data (works
    // as root too, unlike a read-only folder).
    ASSERT_TRUE(tleg::testing::writeFile(root + "/.tleg-cache", "in the way"));
    const char* old = std::getenv("XDG_CACHE_HOME");
    const std::string saved = old ? old : "";
    ::setenv("XDG_CACHE_HOME", dir.filePath("xdg").c_str(), 1);
    data::ImageFolderReport r;
    data::loadImageFolder(root, options(16), &r);
    data::ImageFolderReport again;
    data::loadImageFolder(root, options(16), &again);
    if (old)
        ::setenv("XDG_CACHE_HOME", saved.c_str(), 1);
    else
        ::unsetenv("XDG_CACHE_HOME");
    ASSERT_EQ(fs::path(r.cacheFile).parent_path().string(), dir.filePath("xdg/tleg-studio"));
    ASSERT_TRUE(contains(fs::path(r.cacheFile).filename().string(), "tree-"));
    ASSERT_TRUE(fs::is_regular_file(r.cacheFile));
    ASSERT_TRUE(again.fromCache);
    ASSERT_EQ(again.cacheFile, r.cacheFile);
}

TEST(ImageCache, cacheOffWritesNothing)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string root = dir.filePath("tree");
    writeTree(root, 1, 7);
    data::ImageFolderOptions o = options(16);
    o.cache = false;
    data::ImageFolderReport r;
    for (int i = 0; i < 2; ++i) {
        data::loadImageFolder(root, o, &r);
        ASSERT_EQ(r.decoded, int64_t(3));
        ASSERT_TRUE(r.cacheFile.empty());
    }
    ASSERT_FALSE(fs::exists(root + "/.tleg-cache"));
}

TEST(ImageCache, unreadableImagesAreSkippedAndNamed)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string root = dir.filePath("mixed");
    writeImage(root + "/a/good1.jpg", randomImage(40, 30, 1));
    writeImage(root + "/a/good2.png", randomImage(30, 40, 2));
    writeImage(root + "/b/good3.jpg", randomImage(40, 40, 3));
    ASSERT_TRUE(tleg::testing::writeFile(root + "/a/garbage.jpg", "this is no JPEG at all"));
    ASSERT_TRUE(tleg::testing::writeFile(root + "/a/empty.png", ""));
    const std::string jpeg = tleg::testing::readFile(root + "/b/good3.jpg");
    ASSERT_TRUE(tleg::testing::writeFile(root + "/b/cut.jpg", jpeg.substr(0, jpeg.size() / 2)));

    std::vector<std::string> lines;
    data::ImageFolderOptions o = options(16);
    o.log = [&](const std::string& s) { lines.push_back(s); };
    for (int pass = 0; pass < 2; ++pass) {
        lines.clear();
        data::ImageFolderReport r;
        const data::Dataset d = data::loadImageFolder(root, o, &r);
        ASSERT_EQ(r.fromCache, pass == 1);
        ASSERT_EQ(d.size(), int64_t(3));
        ASSERT_TRUE(torch::equal(d.labels, torch::tensor({0, 0, 1}, torch::kLong)));
        ASSERT_EQ(r.listed, int64_t(6));
        ASSERT_EQ(r.skipped.size(), size_t(3));
        ASSERT_EQ(r.skipped[0].first, root + "/a/empty.png");
        ASSERT_EQ(r.skipped[0].second, "empty file");
        ASSERT_EQ(r.skipped[1].first, root + "/a/garbage.jpg");
        ASSERT_TRUE(contains(r.skipped[1].second, "cannot read or decode"));
        ASSERT_EQ(r.skipped[2].first, root + "/b/cut.jpg");
        ASSERT_TRUE(contains(r.skipped[2].second, "truncated JPEG"));
        ASSERT_TRUE(contains(d.note, "3 of 6 images skipped")) << d.note;
        ASSERT_TRUE(contains(d.note, root + "/a/empty.png")) << d.note;
        int named = 0;
        for (const auto& line : lines)
            named += contains(line, "skipped " + root) ? 1 : 0;
        ASSERT_EQ(named, 3);
    }
}

TEST(ImageCache, classLeftWithoutImagesIsAnError)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string root = dir.filePath("bad");
    writeImage(root + "/a/ok.jpg", randomImage(20, 20, 1));
    fs::create_directories(root + "/b");
    ASSERT_TRUE(tleg::testing::writeFile(root + "/b/broken.png", "not a png"));
    const std::string err = expectError([&] { data::loadImageFolder(root, options(8)); },
                                        {root + "/b", "no readable image", "broken.png"});
    ASSERT_TRUE(err.empty()) << err;
    ASSERT_FALSE(fs::exists(root + "/.tleg-cache/8px-rgb.safetensors"));
}

TEST(ImageCache, progressAndStop)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string root = dir.filePath("tree");
    writeTree(root, 5, 8);
    std::vector<std::pair<int64_t, int64_t>> calls;
    data::ImageFolderOptions o = options(16);
    o.cache = false;
    o.progress = [&](int64_t done, int64_t total) {
        calls.emplace_back(done, total);
        return true;
    };
    data::loadImageFolder(root, o);
    ASSERT_GE(calls.size(), size_t(2));
    ASSERT_EQ(calls.front(), std::make_pair(int64_t(0), int64_t(15)));
    ASSERT_EQ(calls.back(), std::make_pair(int64_t(15), int64_t(15)));
    for (size_t i = 1; i < calls.size(); ++i)
        ASSERT_LE(calls[i - 1].first, calls[i].first);

    o.progress = [](int64_t, int64_t) { return false; };
    const std::string err = expectError([&] { data::loadImageFolder(root, o); }, {root, "stopped"});
    ASSERT_TRUE(err.empty()) << err;
}

TEST(ImageCache, threadCountDoesNotChangeTheImages)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string root = dir.filePath("tree");
    writeTree(root, 6, 9);
    data::ImageFolderOptions o = options(20);
    o.cache = false;
    o.threads = 1;
    const data::Dataset one = data::loadImageFolder(root, o);
    o.threads = 3;
    const data::Dataset three = data::loadImageFolder(root, o);
    ASSERT_TRUE(torch::equal(one.images, three.images));
}

TEST(ImageCache, openDatasetTrainValTrees)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string root = dir.filePath("imagenette");
    writeTree(root + "/train", 3, 10);
    writeTree(root + "/val", 1, 11);
    std::vector<std::string> lines;
    int64_t finalCalls = 0;
    data::OpenOptions o;
    o.imageSize = 64;
    o.log = [&](const std::string& s) { lines.push_back(s); };
    o.progress = [&](int64_t done, int64_t total) { return finalCalls += done == total, true; };
    const data::DataSplit s = data::openDataset(root, o);
    ASSERT_EQ(s.train.size(), int64_t(9));
    ASSERT_EQ(s.test.size(), int64_t(3));
    ASSERT_EQ(s.train.augmentation, data::Augmentation::ResizedCrop);
    ASSERT_EQ(finalCalls, int64_t(2));
    ASSERT_TRUE(fs::exists(root + "/train/.tleg-cache/64px-rgb.safetensors"));
    ASSERT_TRUE(fs::exists(root + "/val/.tleg-cache/64px-rgb.safetensors"));
    ASSERT_EQ(lines.size(), size_t(2));

    // Small images keep the padded crop; subsets keep the kind.
    o.imageSize = 32;
    o.trainSubset = 4;
    const data::DataSplit small = data::openDataset(root, o);
    ASSERT_EQ(small.train.augmentation, data::Augmentation::PadCrop);
    o.imageSize = 64;
    const data::DataSplit sub = data::openDataset(root, o);
    ASSERT_EQ(sub.train.size(), int64_t(4));
    ASSERT_EQ(sub.train.augmentation, data::Augmentation::ResizedCrop);
}

TEST(ImageCache, resizedCropBoxesFollowTheRanges)
{
    auto gen = at::make_generator<at::CPUGeneratorImpl>(3);
    const torch::Tensor boxes = data::sampleResizedCropBoxes(4000, 224, 160, {}, gen);
    const auto* b = boxes.data_ptr<int64_t>();
    double smallest = 1, largest = 0;
    for (int64_t i = 0; i < 4000; ++i, b += 4) {
        ASSERT_TRUE(b[0] >= 0 && b[1] >= 0 && b[2] > 0 && b[3] > 0);
        ASSERT_TRUE(b[0] + b[2] <= 224 && b[1] + b[3] <= 160);
        const double share = double(b[2] * b[3]) / (224.0 * 160.0);
        const double ratio = double(b[3]) / double(b[2]);
        smallest = std::min(smallest, share);
        largest = std::max(largest, share);
        // Rounding w and h to pixels moves the ratio and the share a little.
        ASSERT_TRUE(ratio > 0.72 && ratio < 1.38) << ratio;
        ASSERT_TRUE(share > 0.075) << share;
    }
    ASSERT_LT(smallest, 0.1);
    ASSERT_GT(largest, 0.9);
    auto same = at::make_generator<at::CPUGeneratorImpl>(3);
    ASSERT_TRUE(torch::equal(boxes, data::sampleResizedCropBoxes(4000, 224, 160, {}, same)));
}

TEST(ImageCache, batchLoaderResizedCropAndFlip)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string root = dir.filePath("tree");
    writeTree(root, 6, 12);
    data::ImageFolderOptions io = options(64);
    const data::Dataset d = data::loadImageFolder(root, io);
    ASSERT_EQ(d.augmentation, data::Augmentation::ResizedCrop);

    auto firstBatch = [&](bool augment, uint64_t seed, double scaleMin, double ratio) {
        data::LoaderOptions lo;
        lo.batchSize = 18;
        lo.shuffle = false;
        lo.augment = augment;
        lo.seed = seed;
        lo.cropScaleMin = scaleMin;
        if (ratio > 0)
            lo.cropRatioMin = lo.cropRatioMax = ratio;
        data::BatchLoader loader(d, lo);
        data::Batch b;
        EXPECT_TRUE(loader.next(b));
        return b.images;
    };
    const torch::Tensor eval = firstBatch(false, 0, 0.08, 0);
    const torch::Tensor a = firstBatch(true, 1, 0.08, 0);
    ASSERT_EQ(a.sizes().vec(), (std::vector<int64_t>{18, 3, 64, 64}));
    ASSERT_EQ(a.scalar_type(), torch::kFloat);
    ASSERT_TRUE(torch::equal(a, firstBatch(true, 1, 0.08, 0)));  // seeded
    ASSERT_FALSE(torch::equal(a, firstBatch(true, 2, 0.08, 0))); // another seed
    for (int64_t i = 0; i < 18; ++i)
        ASSERT_FALSE(torch::allclose(a[i], eval[i])) << i;

    // The whole image as the crop: each image is itself or its mirror, and both happen.
    const torch::Tensor whole = firstBatch(true, 5, 1.0, 1.0);
    int mirrored = 0;
    for (int64_t i = 0; i < 18; ++i) {
        const bool same = torch::equal(whole[i], eval[i]);
        const bool mirror = torch::equal(whole[i], eval[i].flip(2));
        ASSERT_TRUE(same || mirror) << i;
        mirrored += mirror && !same ? 1 : 0;
    }
    ASSERT_GT(mirrored, 0);
    ASSERT_LT(mirrored, 18);

    const std::string err = expectError([&] { firstBatch(true, 0, 0.0, 0); }, {"crop scale"});
    ASSERT_TRUE(err.empty()) << err;
}

TEST(ImageCache, benchPrintsImageThroughput)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const auto r = tleg::testing::runCli({"bench", "--images", "--image-count", "24",
                                          "--image-size", "32", "--image-scratch", dir.path()},
                                         300000);
    ASSERT_TRUE(r.finished);
    ASSERT_EQ(r.exitCode, 0) << r.out;
    ASSERT_TRUE(contains(r.out, "first pass")) << r.out;
    ASSERT_TRUE(contains(r.out, "cached")) << r.out;
    ASSERT_TRUE(contains(r.out, "images/s")) << r.out;
    ASSERT_TRUE(contains(r.out, "24 images")) << r.out;
}

namespace {

/// A real 8 × 8 JPEG whose frame header (SOF0) is changed to claim width × height pixels.
std::vector<uchar> jpegClaiming(int width, int height)
{
    std::vector<uchar> bytes;
    cv::imencode(".jpg", cv::Mat(8, 8, CV_8UC3, cv::Scalar(40, 90, 200)), bytes);
    for (size_t i = 2; i + 8 < bytes.size(); ++i)
        if (bytes[i] == 0xFF && bytes[i + 1] == 0xC0) { // SOF0: length, precision, H, W
            bytes[i + 5] = uchar(height >> 8), bytes[i + 6] = uchar(height & 0xFF);
            bytes[i + 7] = uchar(width >> 8), bytes[i + 8] = uchar(width & 0xFF);
            return bytes;
        }
    return {};
}

long peakRssKb()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

} // namespace

// Found by fuzz_image_folder (an input that made OpenCV allocate what a header claimed): a
// small file claiming 30000 × 30000 pixels is refused before OpenCV allocates the 2.7 GB, one
// reason naming the limit, and a large but plausible image still decodes.
TEST(ImageCache, anImageClaimingGigapixelsIsRefusedBeforeItsPixelsAreAllocated)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string bomb = dir.filePath("bomb.jpg");
    const std::vector<uchar> bytes = jpegClaiming(30000, 30000);
    ASSERT_FALSE(bytes.empty());
    std::ofstream(bomb, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                std::streamsize(bytes.size()));
    ASSERT_LT(std::filesystem::file_size(bomb), 2000u);
    const long before = peakRssKb();
    std::vector<uint8_t> out(3 * 16 * 16);
    const std::string why = tleg::data::decodeImageFile(bomb, {16, false, 1.0}, out.data());
    EXPECT_NE(why.find("claims 30000 × 30000 pixels"), std::string::npos) << why;
    EXPECT_LT(peakRssKb() - before, 200 * 1024) << "kB more at the peak";

    const std::string big = dir.filePath("big.png"); // 5000 × 3000: decodes as before
    cv::imwrite(big, cv::Mat(3000, 5000, CV_8UC3, cv::Scalar(10, 20, 30)));
    EXPECT_EQ(tleg::data::decodeImageFile(big, {16, false, 1.0}, out.data()), "");
    EXPECT_EQ(out[0], 30); // R plane (OpenCV's BGR 10, 20, 30)
}

// The header reader behind that limit: every format an image folder takes, as OpenCV writes it,
// claims the size it has; truncated headers claim nothing.
TEST(ImageCache, headersTellTheirSizeInEveryFormat)
{
    const cv::Mat image(23, 37, CV_8UC3, cv::Scalar(1, 2, 3));
    for (const char* ext : {".png", ".jpg", ".bmp", ".ppm", ".tiff", ".webp"}) {
        std::vector<uchar> bytes;
        ASSERT_TRUE(cv::imencode(ext, image, bytes)) << ext;
        const auto s = tleg::data::claimedSize(bytes.data(), bytes.size());
        ASSERT_TRUE(s.has_value()) << ext;
        EXPECT_EQ(s->width, 37) << ext;
        EXPECT_EQ(s->height, 23) << ext;
        for (size_t cut = 0; cut < std::min<size_t>(bytes.size(), 40); ++cut) {
            const auto t = tleg::data::claimedSize(bytes.data(), cut); // never reads past cut
            EXPECT_TRUE(!t || (t->width == 37 && t->height == 23)) << ext << " cut at " << cut;
        }
    }
    std::vector<uchar> grey;
    ASSERT_TRUE(cv::imencode(".pgm", cv::Mat(5, 9, CV_8UC1, cv::Scalar(7)), grey));
    EXPECT_EQ(tleg::data::claimedSize(grey.data(), grey.size())->width, 9);
    const uint8_t comment[] = "P5\n# made by hand\n640 480\n255\n";
    EXPECT_EQ(tleg::data::claimedSize(comment, sizeof comment - 1)->pixels(), 640 * 480);
    const uint8_t noise[] = "not an image at all";
    EXPECT_FALSE(tleg::data::claimedSize(noise, sizeof noise - 1).has_value());
}

// Found by fuzz_image_folder (UBSan): a PNG header claiming 3,875,536,895 × 3,372,212,229
// overflowed the pixel count (regression input png-claiming-4e9-by-3e9); the count saturates
// and the image is refused from its header, here with a PGM claiming 2^40 × 2^40.
TEST(ImageCache, aHeaderClaimingMoreThanInt64PixelsIsRefused)
{
    const uint8_t huge[] = "P5 1099511627775 1099511627775\n255\n";
    const auto s = tleg::data::claimedSize(huge, sizeof huge - 1);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->pixels(), std::numeric_limits<int64_t>::max());
    EXPECT_GT(s->pixels(), tleg::data::maxImagePixels());
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string path = dir.filePath("huge.pgm");
    std::ofstream(path, std::ios::binary) << reinterpret_cast<const char*>(huge);
    std::vector<uint8_t> out(16 * 16);
    EXPECT_NE(tleg::data::decodeImageFile(path, {16, true, 1.0}, out.data()).find("claims"),
              std::string::npos);
}
