#pragma once
// The decode cache of an image folder: one safetensors file per (folder, size, colour, crop)
// holding the decoded uint8 images [N, C, S, S] and their labels [N], memory-mapped when it is
// read (io::readSafetensors), written atomically (temporary file + rename). Its metadata holds
// a fingerprint of the listing (every file's relative path, byte size and modification time,
// the classes and the geometry); a file that cannot be read, or that does not match the folder
// as it is now in fingerprint, shapes or labels, is never used.
// Usage:
//   ImageListing l = ...;  l.fingerprint = listingFingerprint(l, geometry);
//   std::string why;  auto hit = readImageCache(path, l, geometry, &why);
//   if (!hit) { ...decode...; writeImageCache(path, l, geometry, decoded); }
#include "data/image_decode.h"

#include <torch/torch.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tleg::data {

/// What an image folder holds now, in sample order.
struct ImageListing {
    std::string root;                    // as given
    std::vector<std::string> classNames; // sorted
    std::vector<std::string> files;      // paths below root, sorted within each class
    std::vector<int64_t> labels;         // class of each file
    uint64_t fingerprint = 0;
};

/// Decoded images of a listing: files that could not be read are left out and named.
struct DecodedImages {
    torch::Tensor images; // [N - skipped, C, S, S] uint8, contiguous
    torch::Tensor labels; // [N - skipped] int64
    std::vector<std::pair<std::string, std::string>> skipped; // (file as listed, why)
};

/// FNV-1a over the cache format version, the geometry, the classes and, for every file, its
/// path relative to root, size, modification time (ns) and label. Stats every file.
uint64_t listingFingerprint(const ImageListing& listing, const ImageGeometry& g);

/// The cache if path holds one for exactly this listing and geometry (listing.fingerprint
/// set); std::nullopt otherwise, with why it was not used ("" when there is no such file).
std::optional<DecodedImages> readImageCache(const std::string& path, const ImageListing& listing,
                                            const ImageGeometry& g, std::string* why);

/// Writes the cache atomically, first removing temporaries that killed runs left beside it.
/// Throws tleg::Error naming path on failure.
void writeImageCache(const std::string& path, const ImageListing& listing, const ImageGeometry& g,
                     const DecodedImages& decoded);

/// "224px-rgb.safetensors" (crop fraction other than 1: "224px-rgb-crop875.safetensors");
/// with withRoot, prefixed by the folder's name and a hash of its absolute path, for caches
/// that do not live inside the folder.
std::string imageCacheFileName(const ImageListing& listing, const ImageGeometry& g, bool withRoot);

} // namespace tleg::data
