#pragma once
// The size an image file claims, read from its header alone (PNG, JPEG, BMP, PGM/PPM, TIFF,
// WebP), so that a decoder is never asked to allocate what a tiny file merely claims: OpenCV
// allocates the whole image before it reads a pixel (its own limit, 2^30 pixels, is fixed when
// the library loads), and a 600-byte JPEG claiming 30000 × 30000 pixels cost 2.7 GB.
// Usage:
//   if (auto d = claimedSize(bytes.data(), bytes.size()); d && d->pixels() > kMaxImagePixels)
//       return "claims " + d->text() + " pixels";
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace tleg::data {

struct ClaimedSize {
    int64_t width = 0, height = 0;
    /// width × height, saturated at INT64_MAX (a header may claim 2^40 × 2^40).
    int64_t pixels() const
    {
        if (width <= 0 || height <= 0)
            return 0;
        return height > std::numeric_limits<int64_t>::max() / width
                   ? std::numeric_limits<int64_t>::max()
                   : width * height;
    }
    std::string text() const { return std::to_string(width) + " × " + std::to_string(height); }
};

/// Larger than any photo a ViT is fed (8192 × 8192); OPENCV_IO_MAX_IMAGE_PIXELS lowers or
/// raises it (read once, at the first call of maxImagePixels()).
int64_t maxImagePixels();

/// The width and height in the header of a PNG, JPEG (any SOF marker), BMP, PGM/PPM, TIFF
/// (first image) or WebP (VP8, VP8L, VP8X); nothing for other or unreadable headers. Reads
/// only bytes inside [data, data + size).
std::optional<ClaimedSize> claimedSize(const uint8_t* data, size_t size);

} // namespace tleg::data
