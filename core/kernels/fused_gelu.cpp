#include "util/simd_support.h" // first: GCC's AVX-512 warnings are off from here
#include "kernels/fused_gelu.h"
#include "kernels/bf16_bits.h"
#include "kernels/simd_math.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <cstring>
#include <vector>

#ifdef TLEG_HAVE_AVX2_MATH
#define TLEG_HAVE_AVX2_GELU 1
#endif

namespace tleg::kernels {

namespace {

constexpr float kInvSqrt2 = 0.70710678118654752f;
constexpr float kInvSqrt2Pi = 0.39894228040143268f;

/// Scalar reference: value x·Φ(x) and derivative Φ(x) + x·φ(x).
void geluScalar(float x, float& value, float& deriv)
{
    const float cdf = 0.5f * (1.0f + std::erf(x * kInvSqrt2));
    value = x * cdf;
    deriv = cdf + x * kInvSqrt2Pi * std::exp(-0.5f * x * x);
}

#ifdef TLEG_HAVE_AVX2_GELU

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
    if (i < n) {
        // The tail through the same polynomial (padded to 16): an element's value must not
        // depend on where a thread's chunk happens to end.
        alignas(32) float in[16] = {}, out[16], der[16];
        const int64_t rest = n - i;
        std::memcpy(in, x + i, size_t(rest) * sizeof(float));
        __m256 v0, g0, v1, g1;
        gelu8(_mm256_load_ps(in), v0, g0);
        gelu8(_mm256_load_ps(in + 8), v1, g1);
        _mm256_store_ps(out, v0);
        _mm256_store_ps(out + 8, v1);
        _mm256_store_ps(der, g0);
        _mm256_store_ps(der + 8, g1);
        std::memcpy(y + i, out, size_t(rest) * sizeof(float));
        if (d)
            std::memcpy(d + i, der, size_t(rest) * sizeof(float));
    }
}

/// The vectorised part of mulBf16; returns how many elements it did.
__attribute__((target("avx2,fma"))) int64_t mulBf16Avx2(const uint16_t* grad, const uint16_t* d,
                                                        uint16_t* g, int64_t n)
{
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        storeBf16x8(g + i, _mm256_mul_ps(loadBf16x8(grad + i), loadBf16x8(d + i)));
    return i;
}

#endif

void geluFloat(const float* x, float* y, float* d, int64_t n)
{
#ifdef TLEG_HAVE_AVX2_GELU
    if (util::cpuHasAvx2())
        return geluFloatAvx2(x, y, d, n);
#endif
    for (int64_t i = 0; i < n; ++i) {
        float g;
        geluScalar(x[i], y[i], g);
        if (d)
            d[i] = g;
    }
}

/// GELU of every bfloat16 value: the low half of entry h is gelu(h), the high half its
/// derivative, both computed in double and rounded once. A bf16 input has only 65,536 values, so
/// a lookup (256 KiB, cache-resident) is exact to the last bit and three times faster than the
/// polynomial.
const uint32_t* bf16GeluTable()
{
    static const std::vector<uint32_t> table = [] {
        std::vector<uint32_t> t(size_t(1) << 16);
        for (uint32_t h = 0; h < t.size(); ++h) {
            const double x = bf16ToFloat(uint16_t(h));
            const double cdf = 0.5 * (1.0 + std::erf(x * double(kInvSqrt2)));
            const double value = x * cdf;
            const double deriv = std::isinf(x)
                                     ? (x > 0 ? 1.0 : 0.0)
                                     : cdf + x * double(kInvSqrt2Pi) * std::exp(-0.5 * x * x);
            t[h] =
                uint32_t(floatToBf16(float(value))) | (uint32_t(floatToBf16(float(deriv))) << 16);
        }
        return t;
    }();
    return table.data();
}

void geluBf16(const uint16_t* x, uint16_t* y, uint16_t* d, int64_t n)
{
    const uint32_t* table = bf16GeluTable();
    if (d) {
        for (int64_t i = 0; i < n; ++i) {
            const uint32_t e = table[x[i]];
            y[i] = uint16_t(e);
            d[i] = uint16_t(e >> 16);
        }
    } else {
        for (int64_t i = 0; i < n; ++i)
            y[i] = uint16_t(table[x[i]]);
    }
}

/// g = grad · d in bfloat16 (each product rounded once, as LibTorch's bf16 multiply does).
void mulBf16(const uint16_t* grad, const uint16_t* d, uint16_t* g, int64_t n)
{
    int64_t i = 0;
#ifdef TLEG_HAVE_AVX2_GELU
    if (util::cpuHasAvx2()) {
        i = mulBf16Avx2(grad, d, g, n);
    }
#endif
    for (; i < n; ++i)
        g[i] = floatToBf16(bf16ToFloat(grad[i]) * bf16ToFloat(d[i]));
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

} // namespace

std::pair<torch::Tensor, torch::Tensor> geluAndDerivative(const torch::Tensor& x)
{
    const torch::Tensor c = x.detach().contiguous();
    auto y = torch::empty_like(c);
    auto d = torch::empty_like(c);
    geluInto(c, y, &d);
    return {y, d};
}

namespace {

class FusedGeluFn : public torch::autograd::Function<FusedGeluFn> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& in)
    {
        auto [y, d] = geluAndDerivative(in);
        ctx->save_for_backward({d});
        return y;
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list grads)
    {
        const torch::Tensor d = ctx->get_saved_variables()[0];
        if (d.scalar_type() != torch::kBFloat16)
            return {grads[0] * d};
        const torch::Tensor grad = grads[0].contiguous();
        auto g = torch::empty_like(d);
        const auto* gs = reinterpret_cast<const uint16_t*>(grad.data_ptr<at::BFloat16>());
        const auto* ds = reinterpret_cast<const uint16_t*>(d.data_ptr<at::BFloat16>());
        auto* out = reinterpret_cast<uint16_t*>(g.data_ptr<at::BFloat16>());
        at::parallel_for(0, d.numel(), 32768, [&](int64_t from, int64_t to) {
            mulBf16(gs + from, ds + from, out + from, to - from);
        });
        return {g};
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

} // namespace tleg::kernels
