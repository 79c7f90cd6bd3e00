#pragma once
// Vectorised elementary functions shared by the fused kernels. Each function carries its own
// target attribute, so callers pick them at run time after checking the CPU.
// Usage (inside a kernel compiled for AVX2 + FMA, after checking the CPU):
//   __m256 e = expNonPositive(_mm256_sub_ps(x, rowMax));
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#include <cstdint>
#define TLEG_HAVE_AVX2_MATH 1

namespace tleg::kernels {

/// Cephes expf's constants: exp(v) = 2^n · p(r), n = round(v / ln 2), r = v − n·ln 2 (ln 2 split
/// in two for precision), p of degree 5 in r. Shared by every vector width below.
namespace expPoly {
constexpr float kLowest = -87.0f, kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
constexpr float kP[6] = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f,
                         4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f};
} // namespace expPoly

/// exp(v) for v in [-88, 0] (Cephes expf: range reduction by ln 2, degree-5 polynomial).
__attribute__((target("avx2,fma"))) inline __m256 expNonPositive(__m256 v)
{
    v = _mm256_max_ps(v, _mm256_set1_ps(expPoly::kLowest));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(v, _mm256_set1_ps(expPoly::kLog2e)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(expPoly::kLn2Hi), v);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(expPoly::kLn2Lo), r);
    __m256 p = _mm256_set1_ps(expPoly::kP[0]);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(expPoly::kP[1]));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(expPoly::kP[2]));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(expPoly::kP[3]));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(expPoly::kP[4]));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(expPoly::kP[5]));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i e =
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

/// expNonPositive for 16 lanes (the same polynomial).
__attribute__((target("avx512f"))) inline __m512 expNonPositive512(__m512 v)
{
    v = _mm512_max_ps(v, _mm512_set1_ps(expPoly::kLowest));
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(v, _mm512_set1_ps(expPoly::kLog2e)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(expPoly::kLn2Hi), v);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(expPoly::kLn2Lo), r);
    __m512 p = _mm512_set1_ps(expPoly::kP[0]);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(expPoly::kP[1]));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(expPoly::kP[2]));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(expPoly::kP[3]));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(expPoly::kP[4]));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(expPoly::kP[5]));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    const __m512i e =
        _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(p, _mm512_castsi512_ps(e));
}

/// 8 bfloat16 values (raw bits) as floats.
__attribute__((target("avx2,fma"))) inline __m256 loadBf16x8(const uint16_t* p)
{
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

/// 8 floats as bfloat16, rounded to nearest even; a NaN stays a quiet NaN (its upper bits and
/// 0x40), as floatToBf16 in kernels/bf16_bits.h, bit for bit.
__attribute__((target("avx2,fma"))) inline void storeBf16x8(uint16_t* p, __m256 v)
{
    const __m256i in = _mm256_castps_si256(v);
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(in, 16), _mm256_set1_epi32(1));
    __m256i bits = _mm256_srli_epi32(
        _mm256_add_epi32(in, _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7FFF))), 16);
    // A NaN whose payload is near full would carry into the sign: take its bits unrounded.
    const __m256i nan = _mm256_cmpgt_epi32(_mm256_and_si256(in, _mm256_set1_epi32(0x7FFFFFFF)),
                                           _mm256_set1_epi32(0x7F800000));
    const __m256i quiet = _mm256_or_si256(_mm256_srli_epi32(in, 16), _mm256_set1_epi32(0x40));
    bits = _mm256_blendv_epi8(bits, quiet, nan);
    const __m128i packed =
        _mm_packus_epi32(_mm256_castsi256_si128(bits), _mm256_extracti128_si256(bits, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), packed);
}

/// Lanes j .. j+15 of a row of n that lie below n: all 16, or the first n - j.
inline __mmask16 laneMask(int64_t j, int64_t n)
{
    const int64_t left = n - j;
    return left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1u);
}

/// The 512-bit pair: 16 lanes, or only the lanes in m (the others read as 0, left unwritten).
__attribute__((target("avx512f,avx512bw,avx512vl"))) inline __m512 loadBf16x16(
    const uint16_t* p, __mmask16 m = 0xFFFF)
{
    const __m256i h = _mm256_maskz_loadu_epi16(m, p);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

__attribute__((target("avx512f,avx512bw,avx512vl"))) inline void storeBf16x16(
    uint16_t* p, __m512 v, __mmask16 m = 0xFFFF)
{
    const __m512i in = _mm512_castps_si512(v);
    const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(in, 16), _mm512_set1_epi32(1));
    __m512i bits = _mm512_srli_epi32(
        _mm512_add_epi32(in, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7FFF))), 16);
    const __mmask16 nan = _mm512_cmpgt_epu32_mask(
        _mm512_and_si512(in, _mm512_set1_epi32(0x7FFFFFFF)), _mm512_set1_epi32(0x7F800000));
    bits = _mm512_mask_or_epi32(bits, nan, _mm512_srli_epi32(in, 16), _mm512_set1_epi32(0x40));
    _mm256_mask_storeu_epi16(p, m, _mm512_cvtepi32_epi16(bits));
}

} // namespace tleg::kernels

#endif
