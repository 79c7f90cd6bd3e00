#pragma once
// Decoding image files (OpenCV) into [C, S, S] uint8 planes: shorter side resized, centre
// square cut out (see ImageFolderOptions), on several threads with progress.
// Usage:
//   const ImageGeometry g{224, false, 1.0};
//   torch::Tensor block = torch::empty({n, 3, 224, 224}, torch::kUInt8);
//   std::vector<std::string> why = decodeImages(files, g, block.data_ptr<uint8_t>(), 4, progress);
//   // why[i] is empty where files[i] decoded, else the reason it could not be
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tleg::data {

struct ImageGeometry {
    int64_t size = 32;
    bool grey = false;
    double cropFraction = 1.0;

    int64_t channels() const { return grey ? 1 : 3; }
    int64_t imageBytes() const { return channels() * size * size; }
};

/// Decodes one file into dst (channels() planes of size×size, RGB order); returns why it could
/// not ("cannot read or decode image", "truncated JPEG ...") or "" on success. Never throws.
std::string decodeImageFile(const std::string& path, const ImageGeometry& g, uint8_t* dst);
/// The same for a file's bytes already in memory (what decodeImageFile does after reading it;
/// the fuzzer's entry point). Never throws.
std::string decodeImageBytes(std::vector<uint8_t>& bytes, const ImageGeometry& g, uint8_t* dst);

/// Decodes files[i] into dst + i * g.imageBytes() on `threads` threads (at least 1). progress
/// (may be empty) runs on the calling thread with (0, total) first, about ten times a second
/// with (done, total) while decoding and once with (total, total) at the end; when it returns false
/// the remaining files are left alone and *stopped is set. Returns the reason per file ("" =
/// decoded).
std::vector<std::string> decodeImages(const std::vector<std::string>& files, const ImageGeometry& g,
                                      uint8_t* dst, int threads,
                                      const std::function<bool(int64_t, int64_t)>& progress,
                                      bool* stopped);

} // namespace tleg::data
