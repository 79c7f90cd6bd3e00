// ImageFolder trees: root/<class>/<image>, decoded and resized with OpenCV.
#include "data/dataset.h"
#include "util/error.h"

#include <ATen/Parallel.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <limits>
#include <mutex>
#include <system_error>

namespace tleg::data {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxImageSize = 4096;

bool isHidden(const fs::path& p)
{
    const std::string name = p.filename().string();
    return !name.empty() && name.front() == '.';
}

bool isSupportedImage(const fs::path& p)
{
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    static const char* const kExtensions[] = {".png", ".jpg",  ".jpeg", ".bmp", ".pgm",
                                              ".ppm", ".tif", ".tiff", ".webp"};
    return std::any_of(std::begin(kExtensions), std::end(kExtensions),
                       [&](const char* e) { return ext == e; });
}

std::vector<fs::path> sortedClassDirs(const fs::path& root)
{
    std::vector<fs::path> dirs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
        if (!isHidden(entry.path()) && entry.is_directory(ec)) {
            dirs.push_back(entry.path());
        }
    }
    if (ec) {
        throw fileError(root.string(), "cannot list folder (" + ec.message() + ")");
    }
    std::sort(dirs.begin(), dirs.end());
    return dirs;
}

/// Images anywhere below dir (as torchvision's ImageFolder), hidden entries skipped, sorted so
/// the sample order does not depend on the file system.
std::vector<fs::path> sortedImages(const fs::path& dir)
{
    std::vector<fs::path> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (isHidden(it->path())) {
            if (it->is_directory(ec)) {
                it.disable_recursion_pending();
            }
            continue;
        }
        if (it->is_regular_file(ec) && isSupportedImage(it->path())) {
            files.push_back(it->path());
        }
    }
    if (ec) {
        throw fileError(dir.string(), "cannot list folder (" + ec.message() + ")");
    }
    std::sort(files.begin(), files.end());
    return files;
}

/// Decodes one image into dst ([size, size, C] uint8, RGB order); returns an error or "".
std::string decodeInto(const fs::path& path, int size, bool grey, uint8_t* dst)
{
    const cv::Mat img = cv::imread(path.string(), grey ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
    if (img.empty()) {
        return "cannot read or decode image";
    }
    const int type = grey ? CV_8UC1 : CV_8UC3;
    if (img.type() != type) {
        return "unexpected pixel type after decoding";
    }
    // A header over the tensor's memory: resize and colour conversion write straight into it.
    cv::Mat out(size, size, type, dst);
    if (img.rows == size && img.cols == size) {
        img.copyTo(out);
    } else {
        cv::resize(img, out, cv::Size(size, size), 0, 0, cv::INTER_AREA);
    }
    if (!grey) {
        cv::cvtColor(out, out, cv::COLOR_BGR2RGB);
    }
    if (out.data != dst) {
        return "internal error: OpenCV reallocated the output";
    }
    return {};
}

} // namespace

Dataset loadImageFolder(const std::string& root, int64_t size, bool grey)
{
    if (size < 1 || size > kMaxImageSize) {
        throw Error("image size must be in [1, " + std::to_string(kMaxImageSize) + "], got " +
                    std::to_string(size));
    }
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        throw fileError(root, "image folder not found");
    }
    const std::vector<fs::path> classDirs = sortedClassDirs(root);
    if (classDirs.empty()) {
        throw fileError(root, "no class folders found (expected <root>/<class>/<image>)");
    }

    Dataset d;
    fs::path rootPath = fs::path(root).lexically_normal();
    if (!rootPath.has_filename()) { // "root/" names the same folder as "root"
        rootPath = rootPath.parent_path();
    }
    d.name = rootPath.filename().string();
    std::vector<fs::path> files;
    std::vector<int64_t> labels;
    for (size_t c = 0; c < classDirs.size(); ++c) {
        const std::vector<fs::path> images = sortedImages(classDirs[c]);
        if (images.empty()) {
            throw fileError(classDirs[c].string(),
                            "class folder holds no images (png, jpg, jpeg, bmp, pgm, ppm, tif, "
                            "tiff or webp)");
        }
        files.insert(files.end(), images.begin(), images.end());
        labels.insert(labels.end(), images.size(), int64_t(c));
        d.classNames.push_back(classDirs[c].filename().string());
    }
    d.numClasses = int64_t(classDirs.size());

    const int64_t n = int64_t(files.size());
    const int64_t channels = grey ? 1 : 3;
    const int64_t imageBytes = size * size * channels;
    torch::Tensor hwc = torch::empty({n, size, size, channels}, torch::kUInt8);
    uint8_t* base = hwc.data_ptr<uint8_t>();

    // Decoding dominates, so it runs on torch's intra-op threads; errors are collected rather
    // than thrown across threads, and the first failing file (in order) is reported.
    std::mutex errorMutex;
    int64_t errorIndex = std::numeric_limits<int64_t>::max();
    std::string errorText;
    at::parallel_for(0, n, 16, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
            std::string err;
            try {
                err = decodeInto(files[size_t(i)], int(size), grey, base + i * imageBytes);
            } catch (const std::exception& e) {
                err = std::string("cannot decode image (") + e.what() + ")";
            }
            if (!err.empty()) {
                const std::lock_guard<std::mutex> lock(errorMutex);
                if (i < errorIndex) {
                    errorIndex = i;
                    errorText = err;
                }
                return;
            }
        }
    });
    if (!errorText.empty()) {
        throw fileError(files[size_t(errorIndex)].string(), errorText);
    }

    d.images = hwc.permute({0, 3, 1, 2}).contiguous(); // [N, C, H, W]
    d.labels = torch::tensor(labels, torch::kLong);
    return d;
}

} // namespace tleg::data
