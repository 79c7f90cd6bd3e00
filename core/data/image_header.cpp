#include "data/image_header.h"

#include <cctype>
#include <cstdlib>
#include <cstring>

namespace tleg::data {

namespace {

uint32_t be16(const uint8_t* p) { return uint32_t(p[0]) << 8 | p[1]; }
uint32_t be32(const uint8_t* p) { return be16(p) << 16 | be16(p + 2); }
uint32_t le16(const uint8_t* p) { return uint32_t(p[1]) << 8 | p[0]; }
uint32_t le32(const uint8_t* p) { return le16(p + 2) << 16 | le16(p); }

std::optional<ClaimedSize> png(const uint8_t* d, size_t n)
{
    if (n < 24 || std::memcmp(d, "\x89PNG\r\n\x1a\n", 8) != 0 || std::memcmp(d + 12, "IHDR", 4))
        return std::nullopt;
    return ClaimedSize{be32(d + 16), be32(d + 20)};
}

/// The first start-of-frame marker (C0–CF but C4 DHT, C8 JPG, CC DAC) after SOI.
std::optional<ClaimedSize> jpeg(const uint8_t* d, size_t n)
{
    if (n < 4 || d[0] != 0xFF || d[1] != 0xD8)
        return std::nullopt;
    size_t i = 2;
    while (i + 9 < n) {
        if (d[i] != 0xFF) {
            ++i; // not at a marker: resynchronise, as decoders do
            continue;
        }
        const uint8_t m = d[i + 1];
        if (m == 0xFF || m == 0x01 || (m >= 0xD0 && m <= 0xD9)) { // fill, TEM, RSTn, SOI/EOI
            i += (m == 0xFF) ? 1 : 2;
            continue;
        }
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC)
            return ClaimedSize{be16(d + i + 7), be16(d + i + 5)};
        i += 2 + be16(d + i + 2); // skip the segment
    }
    return std::nullopt;
}

std::optional<ClaimedSize> bmp(const uint8_t* d, size_t n)
{
    if (n < 26 || d[0] != 'B' || d[1] != 'M')
        return std::nullopt;
    const auto w = int32_t(le32(d + 18)), h = int32_t(le32(d + 22)); // h < 0: top-down
    return ClaimedSize{std::abs(int64_t(w)), std::abs(int64_t(h))};
}

/// P1–P6: "P5 <w> <h> ..." with comments (#) between the numbers.
std::optional<ClaimedSize> pnm(const uint8_t* d, size_t n)
{
    if (n < 3 || d[0] != 'P' || d[1] < '1' || d[1] > '6')
        return std::nullopt;
    int64_t v[2] = {0, 0};
    size_t i = 2;
    for (int64_t& x : v) {
        while (i < n && (std::isspace(d[i]) || d[i] == '#'))
            if (d[i++] == '#')
                while (i < n && d[i] != '\n')
                    ++i;
        if (i >= n || !std::isdigit(d[i]))
            return std::nullopt;
        while (i < n && std::isdigit(d[i]) && x < (int64_t(1) << 40))
            x = x * 10 + (d[i++] - '0');
        if (i >= n)
            return std::nullopt; // the number may go on past what was read
    }
    return ClaimedSize{v[0], v[1]};
}

/// The first IFD's ImageWidth (256) and ImageLength (257), SHORT or LONG.
std::optional<ClaimedSize> tiff(const uint8_t* d, size_t n)
{
    if (n < 8 || !(std::memcmp(d, "II*\0", 4) == 0 || std::memcmp(d, "MM\0*", 4) == 0))
        return std::nullopt;
    const bool le = d[0] == 'I';
    auto u16 = [&](size_t at) { return le ? le16(d + at) : be16(d + at); };
    auto u32 = [&](size_t at) { return le ? le32(d + at) : be32(d + at); };
    const size_t ifd = u32(4);
    if (ifd + 2 > n)
        return std::nullopt;
    ClaimedSize s;
    for (size_t e = 0, count = u16(ifd); e < count && ifd + 2 + 12 * (e + 1) <= n; ++e) {
        const size_t at = ifd + 2 + 12 * e;
        const uint32_t value = u16(at + 2) == 3 ? u16(at + 8) : u32(at + 8);
        if (u16(at) == 256)
            s.width = value;
        else if (u16(at) == 257)
            s.height = value;
    }
    return s.width > 0 && s.height > 0 ? std::optional<ClaimedSize>(s) : std::nullopt;
}

std::optional<ClaimedSize> webp(const uint8_t* d, size_t n)
{
    if (n < 32 || std::memcmp(d, "RIFF", 4) || std::memcmp(d + 8, "WEBP", 4))
        return std::nullopt;
    const uint8_t* c = d + 12;
    if (!std::memcmp(c, "VP8 ", 4))
        return ClaimedSize{le16(c + 14) & 0x3FFF, le16(c + 16) & 0x3FFF};
    if (!std::memcmp(c, "VP8L", 4)) {
        const uint32_t b = le32(c + 9);
        return ClaimedSize{(b & 0x3FFF) + 1, ((b >> 14) & 0x3FFF) + 1};
    }
    if (!std::memcmp(c, "VP8X", 4))
        return ClaimedSize{(le32(c + 12) & 0xFFFFFF) + 1, (le32(c + 15) & 0xFFFFFF) + 1};
    return std::nullopt;
}

} // namespace

int64_t maxImagePixels()
{
    static const int64_t limit = [] {
        const char* v = std::getenv("OPENCV_IO_MAX_IMAGE_PIXELS");
        const long long x = v ? std::atoll(v) : 0;
        return x > 0 ? int64_t(x) : int64_t(1) << 26;
    }();
    return limit;
}

std::optional<ClaimedSize> claimedSize(const uint8_t* data, size_t size)
{
    for (auto parse : {png, jpeg, bmp, pnm, tiff, webp})
        if (auto s = parse(data, size))
            return s;
    return std::nullopt;
}

} // namespace tleg::data
