#include "perf/fused_gelu.h"
#include "perf/simd_math.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <cstring>

#ifdef TLEG_HAVE_AVX2_MATH
#define TLEG_HAVE_AVX2_GELU 1
#endif

namespace tleg::perf {

namespace {

constexpr float kInvSqrt2 = 0.70710678118654752f;
constexpr float kInvSqrt2Pi = 0.39894228040143268f;

float bf16ToFloat(uint16_t h)
{
    const uint32_t bits = uint32_t(h) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

uint16_t floatToBf16(float f)
{
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    if (std::isnan(f))
        return uint16_t((bits >> 16) | 0x40); // stays a NaN
    bits += 0x7FFF + ((bits >> 16) & 1);      // round to nearest even
    return uint16_t(bits >> 16);
}

/// Scalar reference: value x·Φ(x) and derivative Φ(x) + x·φ(x).
void geluScalar(float x, float& value, float& deriv)
{
    const float cdf = 0.5f * (1.0f + std::erf(x * kInvSqrt2));
    value = x * cdf;
    deriv = cdf + x * kInvSqrt2Pi * std::exp(-0.5f * x * x);
}

#ifdef TLEG_HAVE_AVX2_GELU

bool useAvx2()
{
    static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return yes;
}

/// Value and derivative of GELU for 8 floats. erf by Abramowitz & Stegun 7.1.26 (|error| <
/// 1.5e-7), sharing its exp(-x²/2) with the density φ(x) of the derivative.
__attribute__((target("avx2,fma"))) inline void gelu8(__m256 x, __m256& value, __m256& deriv)
{
    const __m256 signMask = _mm256_set1_ps(-0.0f);
    const __m256 z = _mm256_mul_ps(_mm256_andnot_ps(signMask, x), _mm256_set1_ps(kInvSqrt2));
    // t = 1 / (1 + p·z): hardware reciprocal plus one Newton step (23 bits) beats a division.
    const __m256 den = _mm256_fmadd_ps(z, _mm256_set1_ps(0.3275911f), _mm256_set1_ps(1.0f));
    __m256 t = _mm256_rcp_ps(den);
    t = _mm256_mul_ps(t, _mm256_fnmadd_ps(den, t, _mm256_set1_ps(2.0f)));
    __m256 poly = _mm256_set1_ps(1.061405429f);
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(-1.453152027f));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(1.421413741f));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(-0.284496736f));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(0.254829592f));
    poly = _mm256_mul_ps(poly, t);
    const __m256 e = expNonPositive(_mm256_mul_ps(_mm256_mul_ps(z, z), _mm256_set1_ps(-1.0f)));
    const __m256 erfAbs = _mm256_fnmadd_ps(poly, e, _mm256_set1_ps(1.0f));
    const __m256 erf = _mm256_or_ps(erfAbs, _mm256_and_ps(x, signMask)); // sign of x
    const __m256 cdf =
        _mm256_mul_ps(_mm256_set1_ps(0.5f), _mm256_add_ps(_mm256_set1_ps(1.0f), erf));
    value = _mm256_mul_ps(x, cdf);
    deriv = _mm256_fmadd_ps(_mm256_mul_ps(x, _mm256_set1_ps(kInvSqrt2Pi)), e, cdf);
}

__attribute__((target("avx2,fma"))) inline __m256 loadBf16(const uint16_t* p)
{
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

/// Round to nearest even (inputs here are finite).
__attribute__((target("avx2,fma"))) inline void storeBf16(uint16_t* p, __m256 v)
{
    __m256i bits = _mm256_castps_si256(v);
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(1));
    bits = _mm256_add_epi32(bits, _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7FFF)));
    bits = _mm256_srli_epi32(bits, 16);
    const __m128i packed =
        _mm_packus_epi32(_mm256_castsi256_si128(bits), _mm256_extracti128_si256(bits, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), packed);
}

// d may be null (no gradient wanted). Two vectors per iteration keep two dependency chains of
// the polynomials in flight.
__attribute__((target("avx2,fma"))) void geluFloatAvx2(const float* x, float* y, float* d,
                                                       int64_t n)
{
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 v0, g0, v1, g1;
        gelu8(_mm256_loadu_ps(x + i), v0, g0);
        gelu8(_mm256_loadu_ps(x + i + 8), v1, g1);
        _mm256_storeu_ps(y + i, v0);
        _mm256_storeu_ps(y + i + 8, v1);
        if (d) {
            _mm256_storeu_ps(d + i, g0);
            _mm256_storeu_ps(d + i + 8, g1);
        }
    }
    for (; i < n; ++i) {
        float g;
        geluScalar(x[i], y[i], g);
        if (d)
            d[i] = g;
    }
}

__attribute__((target("avx2,fma"))) void geluBf16Avx2(const uint16_t* x, uint16_t* y, uint16_t* d,
                                                      int64_t n)
{
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 v0, g0, v1, g1;
        gelu8(loadBf16(x + i), v0, g0);
        gelu8(loadBf16(x + i + 8), v1, g1);
        storeBf16(y + i, v0);
        storeBf16(y + i + 8, v1);
        if (d) {
            storeBf16(d + i, g0);
            storeBf16(d + i + 8, g1);
        }
    }
    for (; i < n; ++i) {
        float v, g;
        geluScalar(bf16ToFloat(x[i]), v, g);
        y[i] = floatToBf16(v);
        if (d)
            d[i] = floatToBf16(g);
    }
}

#endif

void geluFloat(const float* x, float* y, float* d, int64_t n)
{
#ifdef TLEG_HAVE_AVX2_GELU
    if (useAvx2())
        return geluFloatAvx2(x, y, d, n);
#endif
    for (int64_t i = 0; i < n; ++i) {
        float g;
        geluScalar(x[i], y[i], g);
        if (d)
            d[i] = g;
    }
}

void geluBf16(const uint16_t* x, uint16_t* y, uint16_t* d, int64_t n)
{
#ifdef TLEG_HAVE_AVX2_GELU
    if (useAvx2())
        return geluBf16Avx2(x, y, d, n);
#endif
    for (int64_t i = 0; i < n; ++i) {
        float v, g;
        geluScalar(bf16ToFloat(x[i]), v, g);
        y[i] = floatToBf16(v);
        if (d)
            d[i] = floatToBf16(g);
    }
}

/// y = gelu(x); d (when defined) its derivative. Same dtype, contiguous.
void geluInto(const torch::Tensor& x, torch::Tensor& y, torch::Tensor* d)
{
    const int64_t n = x.numel();
    const bool bf16 = x.scalar_type() == torch::kBFloat16;
    at::parallel_for(0, n, 16384, [&](int64_t from, int64_t to) {
        if (bf16) {
            auto* xs = reinterpret_cast<const uint16_t*>(x.data_ptr<at::BFloat16>());
            auto* ys = reinterpret_cast<uint16_t*>(y.data_ptr<at::BFloat16>());
            auto* ds = d ? reinterpret_cast<uint16_t*>(d->data_ptr<at::BFloat16>()) : nullptr;
            geluBf16(xs + from, ys + from, ds ? ds + from : nullptr, to - from);
        } else {
            float* ds = d ? d->data_ptr<float>() : nullptr;
            geluFloat(x.data_ptr<float>() + from, y.data_ptr<float>() + from,
                      ds ? ds + from : nullptr, to - from);
        }
    });
}

class FusedGeluFn : public torch::autograd::Function<FusedGeluFn> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& in)
    {
        const torch::Tensor x = in.contiguous();
        auto y = torch::empty_like(x);
        auto d = torch::empty_like(x);
        geluInto(x, y, &d);
        ctx->save_for_backward({d});
        return y;
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list grads)
    {
        return {grads[0] * ctx->get_saved_variables()[0]};
    }
};

} // namespace

bool fusedGeluApplies(const torch::Tensor& x)
{
    return x.device().is_cpu() && x.layout() == torch::kStrided
           && (x.scalar_type() == torch::kFloat || x.scalar_type() == torch::kBFloat16);
}

torch::Tensor fusedGelu(const torch::Tensor& x)
{
    if (torch::GradMode::is_enabled() && x.requires_grad())
        return FusedGeluFn::apply(x);
    // Inference (a teacher, evaluation): no derivative to keep.
    const torch::Tensor c = x.contiguous();
    auto y = torch::empty_like(c);
    geluInto(c, y, nullptr);
    return y;
}

} // namespace tleg::perf
