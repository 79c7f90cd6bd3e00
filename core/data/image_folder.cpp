// ImageFolder trees: root/<class>/<image>, listed here, then read from the decode cache
// (image_cache) or decoded on worker threads (image_decode) and cached for the next open.
#include "data/image_folder.h"

#include "data/image_cache.h"
#include "data/image_decode.h"
#include "util/error.h"
#include "util/files.h"
#include "util/machine.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

namespace tleg::data {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxImageSize = 4096;
constexpr size_t kSkippedLinesShown = 20;
constexpr int64_t kSmallFolder = 100;

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
    static const char* const kExtensions[] = {".png", ".jpg", ".jpeg", ".bmp", ".pgm",
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

std::string folderName(const std::string& root)
{
    fs::path p = fs::path(root).lexically_normal();
    if (!p.has_filename()) { // "root/" names the same folder as "root"
        p = p.parent_path();
    }
    return p.filename().string();
}

ImageListing listFolder(const std::string& root)
{
    const std::vector<fs::path> classDirs = sortedClassDirs(root);
    if (classDirs.empty()) {
        throw fileError(root, "no class folders found (expected <root>/<class>/<image>)");
    }
    ImageListing l;
    l.root = root;
    for (size_t c = 0; c < classDirs.size(); ++c) {
        const std::vector<fs::path> images = sortedImages(classDirs[c]);
        if (images.empty()) {
            throw fileError(classDirs[c].string(),
                            "class folder holds no images (png, jpg, jpeg, bmp, pgm, ppm, tif, "
                            "tiff or webp)");
        }
        for (const auto& image : images) {
            l.files.push_back(image.string());
            l.labels.push_back(int64_t(c));
        }
        l.classNames.push_back(classDirs[c].filename().string());
    }
    return l;
}

void say(const ImageFolderOptions& o, const std::string& line)
{
    if (o.log) {
        o.log(line);
    }
}

/// Every listed file decoded; the unreadable ones are left out (the others move up) and named.
DecodedImages decodeListing(const ImageListing& l, const ImageGeometry& g,
                            const ImageFolderOptions& o, int64_t* decoded)
{
    const auto n = int64_t(l.files.size());
    const int64_t bytes = g.imageBytes();
    torch::Tensor block = torch::empty({n, g.channels(), g.size, g.size}, torch::kUInt8);
    uint8_t* base = block.data_ptr<uint8_t>();
    // Measuring the idle cores takes 0.2 s, longer than decoding a few dozen images.
    const int threads = o.threads > 0 ? o.threads : n < kSmallFolder ? 1 : util::defaultThreads();
    bool stopped = false;
    const std::vector<std::string> why =
        decodeImages(l.files, g, base, threads, o.progress, &stopped);
    if (stopped) {
        throw fileError(l.root, "stopped while decoding the images");
    }
    DecodedImages d;
    std::vector<int64_t> labels;
    int64_t kept = 0;
    for (int64_t i = 0; i < n; ++i) {
        if (!why[size_t(i)].empty()) {
            d.skipped.emplace_back(l.files[size_t(i)], why[size_t(i)]);
            continue;
        }
        if (kept != i) {
            std::memmove(base + kept * bytes, base + i * bytes, size_t(bytes));
        }
        labels.push_back(l.labels[size_t(i)]);
        ++kept;
    }
    // A view of the first `kept` images: the few slots of skipped files are not worth a copy.
    d.images = block.narrow(0, 0, kept);
    d.labels = torch::tensor(labels, torch::kLong);
    *decoded = kept;
    return d;
}

/// A class folder whose every image was unreadable is an error naming it.
void requireEveryClass(const ImageListing& l, const DecodedImages& d)
{
    const auto classes = int64_t(l.classNames.size());
    const torch::Tensor counts = torch::bincount(d.labels, {}, classes);
    for (int64_t c = 0; c < classes; ++c) {
        if (counts[c].item<int64_t>() > 0) {
            continue;
        }
        std::string first;
        for (const auto& [file, why] : d.skipped) {
            if (fs::path(file).lexically_relative(l.root).begin()->string()
                == l.classNames[size_t(c)]) {
                first = file + ": " + why;
                break;
            }
        }
        throw fileError(joinPath(l.root, l.classNames[size_t(c)]),
                        "class folder holds no readable image (first: " + first + ")");
    }
}

std::string cachePath(const std::string& dir, const ImageListing& l, const ImageGeometry& g,
                      const ImageFolderOptions& o)
{
    const bool beside = o.cacheDir.empty() && dir == joinPath(l.root, ".tleg-cache");
    return joinPath(dir, imageCacheFileName(l, g, !beside));
}

std::optional<DecodedImages> fromCache(const ImageListing& l, const ImageGeometry& g,
                                       const ImageFolderOptions& o, std::string* used)
{
    for (const std::string& dir : imageCacheDirs(l.root, o)) {
        const std::string path = cachePath(dir, l, g, o);
        std::string why;
        if (auto hit = readImageCache(path, l, g, &why)) {
            *used = path;
            say(o, "decode cache: " + path);
            return hit;
        }
        if (!why.empty()) {
            say(o, "decode cache " + path + " not used (" + why + "): decoding again");
        }
    }
    return std::nullopt;
}

/// Writes the cache to the first folder that takes it; from then on d's images are the
/// mapped file's pages, so the decoded copy is freed and only the page cache holds them.
void toCache(const ImageListing& l, const ImageGeometry& g, const ImageFolderOptions& o,
             DecodedImages& d, std::string* used)
{
    std::string failures;
    for (const std::string& dir : imageCacheDirs(l.root, o)) {
        const std::string path = cachePath(dir, l, g, o);
        try {
            makeDirs(dir);
            writeImageCache(path, l, g, d);
        } catch (const std::exception& e) {
            failures += std::string(failures.empty() ? "" : "; ") + e.what();
            continue;
        }
        std::string why;
        if (auto mapped = readImageCache(path, l, g, &why)) {
            d.images = mapped->images;
            d.labels = mapped->labels;
        }
        *used = path;
        const double mib = double(d.images.nbytes()) / (1024.0 * 1024.0);
        say(o,
            "decode cache written: " + path + " (" + std::to_string(int64_t(mib + 0.5)) + " MiB)");
        return;
    }
    say(o, "no decode cache written (" + failures + ")");
}

std::string skippedNote(const std::vector<std::pair<std::string, std::string>>& skipped,
                        int64_t listed)
{
    return std::to_string(skipped.size()) + " of " + std::to_string(listed)
           + " images skipped as unreadable (first: " + skipped.front().first + ": "
           + skipped.front().second + ")";
}

/// A line per unreadable file (the first few); the count is in Dataset::note, which the jobs
/// print with the data.
void reportSkipped(const ImageFolderOptions& o, const ImageFolderReport& r)
{
    for (size_t i = 0; i < r.skipped.size() && i < kSkippedLinesShown; ++i) {
        say(o, "skipped " + r.skipped[i].first + ": " + r.skipped[i].second);
    }
    if (r.skipped.size() > kSkippedLinesShown) {
        say(o, "... and " + std::to_string(r.skipped.size() - kSkippedLinesShown) +
                   " more unreadable images skipped");
    }
}

void validate(const std::string& root, const ImageFolderOptions& o)
{
    if (o.size < 1 || o.size > kMaxImageSize) {
        throw Error("image size must be in [1, " + std::to_string(kMaxImageSize) + "], got "
                    + std::to_string(o.size));
    }
    if (!(o.cropFraction > 0.0 && o.cropFraction <= 1.0)) {
        throw Error("image crop fraction must be in (0, 1], got " + std::to_string(o.cropFraction));
    }
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        throw fileError(root, "image folder not found");
    }
}

} // namespace

std::vector<std::string> imageCacheDirs(const std::string& root, const ImageFolderOptions& o)
{
    if (!o.cacheDir.empty()) {
        return {o.cacheDir};
    }
    std::vector<std::string> dirs{joinPath(root, ".tleg-cache")};
    // XDG: a relative $XDG_CACHE_HOME is invalid and ignored.
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    if (xdg && xdg[0] == '/') {
        dirs.push_back(joinPath(xdg, "tleg-studio"));
    } else if (home && home[0] != '\0') {
        dirs.push_back(joinPath(joinPath(home, ".cache"), "tleg-studio"));
    }
    return dirs;
}

Dataset loadImageFolder(const std::string& root, const ImageFolderOptions& o,
                        ImageFolderReport* report)
{
    validate(root, o);
    ImageListing listing = listFolder(root);
    const ImageGeometry g{o.size, o.grey, o.cropFraction};
    ImageFolderReport r;
    r.listed = int64_t(listing.files.size());
    std::optional<DecodedImages> d;
    if (o.cache) {
        listing.fingerprint = listingFingerprint(listing, g);
        d = fromCache(listing, g, o, &r.cacheFile);
        r.fromCache = d.has_value();
    }
    if (!d) {
        d = decodeListing(listing, g, o, &r.decoded);
        requireEveryClass(listing, *d);
        if (o.cache) {
            toCache(listing, g, o, *d, &r.cacheFile);
        }
    }
    r.skipped = d->skipped;
    reportSkipped(o, r);

    Dataset ds;
    ds.name = folderName(root);
    ds.images = d->images;
    ds.labels = d->labels;
    ds.numClasses = int64_t(listing.classNames.size());
    ds.classNames = listing.classNames;
    ds.augmentation =
        o.size >= kResizedCropMinSize ? Augmentation::ResizedCrop : Augmentation::PadCrop;
    if (!r.skipped.empty()) {
        ds.note = skippedNote(r.skipped, r.listed);
    }
    if (report) {
        *report = std::move(r);
    }
    return ds;
}

Dataset loadImageFolder(const std::string& root, int64_t size, bool grey)
{
    ImageFolderOptions o;
    o.size = size;
    o.grey = grey;
    return loadImageFolder(root, o);
}

} // namespace tleg::data
