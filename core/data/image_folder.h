#pragma once
// Image-folder trees (root/<class>/<image>, JPEG, PNG, ...) decoded into uint8 tensors on
// several threads, with a decode cache on disk that is memory-mapped on the next open.
// Usage:
//   ImageFolderOptions o;  o.size = 224;  o.progress = [](int64_t, int64_t) { return true; };
//   ImageFolderReport r;  Dataset d = loadImageFolder("imagenette/train", o, &r);
//   // first open: r.decoded == r.listed - skipped; second open: r.fromCache, r.decoded == 0
#include "data/dataset.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace tleg::data {

/// How an image becomes size×size: its shorter side is resized to round(size / cropFraction)
/// with the aspect kept (area interpolation when shrinking, bilinear when enlarging, as
/// torchvision's Resize(int) with antialiasing), then the centre size×size is cut out
/// (offsets rounded down). cropFraction 1, the default, keeps the largest centred square, so
/// random-resized-crop draws from as much of each image as the stored square holds; timm's
/// evaluation transform is cropFraction 0.875 (resize to 256, crop 224).
struct ImageFolderOptions {
    int64_t size = 32;
    bool grey = false;         // C = 1 (ITU-R 601 luma), otherwise C = 3 in RGB order
    double cropFraction = 1.0; // in (0, 1]
    /// Read and write the decode cache. The images are the same bytes either way.
    bool cache = true;
    /// Where the cache goes; empty: <root>/.tleg-cache when writable, else
    /// $XDG_CACHE_HOME/tleg-studio (~/.cache/tleg-studio).
    std::string cacheDir;
    /// Decoding threads; 0 = util::defaultThreads() (the idle cores), or 1 for fewer than
    /// 100 images.
    int threads = 0;
    /// Called on the calling thread with done == 0 first, about ten times a second while
    /// images are decoded, and once with done == total at the end; false stops the open (a
    /// tleg::Error). Never called when the cache answers.
    std::function<bool(int64_t done, int64_t total)> progress;
    /// One line for the user at a time: the cache written or used, each unreadable image.
    std::function<void(const std::string&)> log;
};

/// What one open did.
struct ImageFolderReport {
    int64_t listed = 0;  // image files found (readable or not)
    int64_t decoded = 0; // images decoded by this call (0 when the cache answered)
    /// Unreadable images, skipped: (file path, why), in file order; the same list again when
    /// the cache answers.
    std::vector<std::pair<std::string, std::string>> skipped;
    bool fromCache = false;
    std::string cacheFile; // the cache read or written; empty when there is none
};

/// root/<class>/<image>: classes sorted by name, images anywhere below a class folder sorted by
/// path (hidden entries and unknown extensions ignored). Unreadable images (undecodable,
/// truncated JPEG) are skipped, reported in report->skipped, through options.log and in
/// Dataset::note; a class folder left with no image is an error naming it. The Dataset's
/// augmentation is ResizedCrop from kResizedCropMinSize px up, PadCrop below.
/// Throws tleg::Error naming the folder or file.
Dataset loadImageFolder(const std::string& root, const ImageFolderOptions& options,
                        ImageFolderReport* report = nullptr);

/// Image folders at least this large are trained with random-resized-crop; smaller ones (32 px
/// CIFAR-like trees) keep the padded random crop, as an 8 % crop of 32 px is about 9 pixels.
constexpr int64_t kResizedCropMinSize = 64;

/// The folders the cache of root is looked for in, in order (options.cacheDir alone when set).
std::vector<std::string> imageCacheDirs(const std::string& root, const ImageFolderOptions& options);

} // namespace tleg::data
