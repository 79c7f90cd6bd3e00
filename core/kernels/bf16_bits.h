#pragma once
// bfloat16 <-> float on raw bits, for the fused kernels' scalar paths and tails. Rounding is to
// nearest even; a NaN stays a (quiet) NaN.
// Usage:
//   uint16_t h = kernels::floatToBf16(1.5f);   float f = kernels::bf16ToFloat(h);
#include <cstdint>
#include <cstring>

namespace tleg::kernels {

inline float bf16ToFloat(uint16_t h)
{
    const uint32_t bits = static_cast<uint32_t>(h) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

inline uint16_t floatToBf16(float f)
{
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    if ((bits & 0x7fffffffu) > 0x7f800000u)
        return static_cast<uint16_t>((bits >> 16) | 0x40u);
    bits += 0x7fffu + ((bits >> 16) & 1u);
    return static_cast<uint16_t>(bits >> 16);
}

} // namespace tleg::kernels
