#pragma once
// What the hand-vectorised code needs, in one place: the CPU checks its run-time dispatch makes,
// and the warnings GCC 12's AVX-512 intrinsics trip (they start from _mm512_undefined_ps() and
// set off -W(maybe-)uninitialized once inlined, GCC bug 105593). The pragmas hold from here to
// the end of the translation unit, so include this first, before any header that pulls in
// <immintrin.h>.
// Usage:
//   #include "util/simd_support.h"   // first
//   if (util::cpuHasAvx512()) ...
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

/// Marks a function whose vector multiplies and adds must each round on their own, so that it
/// gives the same bits as a scalar loop built for plain x86-64: GCC fuses a·b + c into one FMA
/// across intrinsics unless told not to; clang contracts only within one source expression,
/// which intrinsic calls are not, and has no such attribute.
#if defined(__GNUC__) && !defined(__clang__)
#define TLEG_SEPARATE_ROUNDING __attribute__((optimize("fp-contract=off")))
#else
#define TLEG_SEPARATE_ROUNDING
#endif

namespace tleg::util {

/// AVX2 with FMA.
inline bool cpuHasAvx2()
{
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return yes;
#else
    return false;
#endif
}

/// AVX-512 F, VL, BW and DQ with AVX2 and FMA: what the 512-bit paths are compiled for.
inline bool cpuHasAvx512()
{
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool yes = cpuHasAvx2() && __builtin_cpu_supports("avx512f")
                            && __builtin_cpu_supports("avx512vl")
                            && __builtin_cpu_supports("avx512bw")
                            && __builtin_cpu_supports("avx512dq");
    return yes;
#else
    return false;
#endif
}

} // namespace tleg::util
