#include "util/simd_support.h" // first: GCC's AVX-512 warnings are off from here
#include "kernels/fused_softmax.h"
#include "kernels/bf16_bits.h"
#include "kernels/simd_math.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace tleg::kernels {

namespace {

// Element access for the two dtypes: float32 as is, bfloat16 as its raw bits.
inline float toFloat(float v) { return v; }
inline float toFloat(uint16_t v) { return bf16ToFloat(v); }
inline void fromFloat(float v, float& out) { out = v; }
inline void fromFloat(float v, uint16_t& out) { out = floatToBf16(v); }

/// One row of the forward: p = softmax(scale · s), e a scratch row of n floats.
template <typename T>
void forwardRowGeneric(const T* s, T* p, float* e, int64_t n, float scale)
{
    float rowMax = -std::numeric_limits<float>::infinity();
    bool finite = true;
    for (int64_t j = 0; j < n; ++j) {
        const float v = toFloat(s[j]);
        finite = finite && std::isfinite(v);
        rowMax = std::max(rowMax, v);
    }
    if (!finite) {
        for (int64_t j = 0; j < n; ++j)
            fromFloat(std::numeric_limits<float>::quiet_NaN(), p[j]);
        return;
    }
    float sum = 0.0f;
    for (int64_t j = 0; j < n; ++j) {
        e[j] = std::exp((toFloat(s[j]) - rowMax) * scale);
        sum += e[j];
    }
    const float inv = 1.0f / sum;
    for (int64_t j = 0; j < n; ++j)
        fromFloat(e[j] * inv, p[j]);
}

/// One row of the backward: ds = scale · p ⊙ (dp − Σ dp ⊙ p).
template <typename T>
void backwardRowGeneric(const T* p, const T* dp, T* ds, int64_t n, float scale)
{
    float dot = 0.0f;
    for (int64_t j = 0; j < n; ++j)
        dot += toFloat(dp[j]) * toFloat(p[j]);
    for (int64_t j = 0; j < n; ++j)
        fromFloat(scale * toFloat(p[j]) * (toFloat(dp[j]) - dot), ds[j]);
}

#ifdef TLEG_HAVE_AVX2_MATH
#define TLEG_HAVE_AVX512_SOFTMAX 1
#define TLEG_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma")))

namespace avx512 {

TLEG_AVX512 inline __m512 load(const float* p, __mmask16 m) { return _mm512_maskz_loadu_ps(m, p); }

TLEG_AVX512 inline __m512 load(const uint16_t* p, __mmask16 m) { return loadBf16x16(p, m); }

TLEG_AVX512 inline void store(float* p, __m512 v, __mmask16 m) { _mm512_mask_storeu_ps(p, m, v); }

TLEG_AVX512 inline void store(uint16_t* p, __m512 v, __mmask16 m) { storeBf16x16(p, v, m); }

template <typename T>
TLEG_AVX512 void forwardRow(const T* s, T* p, float* e, int64_t n, float scale)
{
    __m512 vmax = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
    __mmask16 nonFinite = 0;
    for (int64_t j = 0; j < n; j += 16) {
        const __mmask16 m = laneMask(j, n);
        const __m512 v = load(s + j, m);
        vmax = _mm512_mask_max_ps(vmax, m, vmax, v);
        // v − v is NaN exactly for an infinity or a NaN.
        nonFinite |= _mm512_cmp_ps_mask(_mm512_sub_ps(v, v), _mm512_setzero_ps(), _CMP_UNORD_Q);
    }
    if (nonFinite) {
        for (int64_t j = 0; j < n; j += 16)
            store(p + j, _mm512_set1_ps(std::numeric_limits<float>::quiet_NaN()), laneMask(j, n));
        return;
    }
    const __m512 rowMax = _mm512_set1_ps(_mm512_reduce_max_ps(vmax));
    const __m512 vscale = _mm512_set1_ps(scale);
    __m512 sum = _mm512_setzero_ps();
    for (int64_t j = 0; j < n; j += 16) {
        const __mmask16 m = laneMask(j, n);
        // s − max ≤ 0 exactly (rounding keeps the sign), so the exp stays in its range.
        const __m512 x = _mm512_mul_ps(_mm512_sub_ps(load(s + j, m), rowMax), vscale);
        const __m512 ex = _mm512_maskz_mov_ps(m, expNonPositive512(x));
        _mm512_storeu_ps(e + j, ex); // e has room for whole vectors
        sum = _mm512_add_ps(sum, ex);
    }
    const __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
    for (int64_t j = 0; j < n; j += 16)
        store(p + j, _mm512_mul_ps(_mm512_loadu_ps(e + j), inv), laneMask(j, n));
}

template <typename T>
TLEG_AVX512 void backwardRow(const T* p, const T* dp, T* ds, int64_t n, float scale)
{
    __m512 dot = _mm512_setzero_ps();
    for (int64_t j = 0; j < n; j += 16) {
        const __mmask16 m = laneMask(j, n);
        dot = _mm512_fmadd_ps(load(dp + j, m), load(p + j, m), dot);
    }
    const __m512 vdot = _mm512_set1_ps(_mm512_reduce_add_ps(dot));
    const __m512 vscale = _mm512_set1_ps(scale);
    for (int64_t j = 0; j < n; j += 16) {
        const __mmask16 m = laneMask(j, n);
        const __m512 sp = _mm512_mul_ps(load(p + j, m), vscale);
        store(ds + j, _mm512_mul_ps(sp, _mm512_sub_ps(load(dp + j, m), vdot)), m);
    }
}

} // namespace avx512

#undef TLEG_AVX512
#endif

enum class Isa { Generic, Avx512 };

Isa& isaInUse()
{
    static Isa isa = util::cpuHasAvx512() ? Isa::Avx512 : Isa::Generic;
    return isa;
}

/// Rows per task: about 32k elements, enough to outweigh a task's scheduling.
int64_t grainFor(int64_t n) { return std::max<int64_t>(1, 32768 / std::max<int64_t>(1, n)); }

template <typename T>
void forwardRows(const T* s, T* p, int64_t rows, int64_t n, float scale)
{
    const Isa isa = isaInUse();
    at::parallel_for(0, rows, grainFor(n), [&](int64_t from, int64_t to) {
        std::vector<float> e(size_t((n + 15) / 16 * 16));
        for (int64_t r = from; r < to; ++r) {
#ifdef TLEG_HAVE_AVX512_SOFTMAX
            if (isa == Isa::Avx512) {
                avx512::forwardRow(s + r * n, p + r * n, e.data(), n, scale);
                continue;
            }
#endif
            forwardRowGeneric(s + r * n, p + r * n, e.data(), n, scale);
        }
    });
}

template <typename T>
void backwardRows(const T* p, const T* dp, T* ds, int64_t rows, int64_t n, float scale)
{
    const Isa isa = isaInUse();
    at::parallel_for(0, rows, grainFor(n), [&](int64_t from, int64_t to) {
        for (int64_t r = from; r < to; ++r) {
#ifdef TLEG_HAVE_AVX512_SOFTMAX
            if (isa == Isa::Avx512) {
                avx512::backwardRow(p + r * n, dp + r * n, ds + r * n, n, scale);
                continue;
            }
#endif
            backwardRowGeneric(p + r * n, dp + r * n, ds + r * n, n, scale);
        }
    });
}

/// Calls f with the tensors' data as float* or as bf16 bits (uint16_t*).
template <typename F>
void withData(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& c, F&& f)
{
    if (a.scalar_type() == torch::kBFloat16) {
        auto bits = [](const torch::Tensor& t) {
            return reinterpret_cast<uint16_t*>(t.data_ptr<at::BFloat16>());
        };
        f(bits(a), bits(b), c.defined() ? bits(c) : nullptr);
    } else {
        f(a.data_ptr<float>(), b.data_ptr<float>(), c.defined() ? c.data_ptr<float>() : nullptr);
    }
}

torch::Tensor softmaxForward(const torch::Tensor& scores, float scale)
{
    const torch::Tensor s = scores.contiguous();
    auto p = torch::empty_like(s);
    const int64_t n = s.size(-1), rows = n == 0 ? 0 : s.numel() / n;
    withData(s, p, {}, [&](auto* sd, auto* pd, auto*) { forwardRows(sd, pd, rows, n, scale); });
    return p;
}

class FusedSoftmaxFn : public torch::autograd::Function<FusedSoftmaxFn> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& s,
                                 double scale)
    {
        auto p = softmaxForward(s, float(scale));
        ctx->save_for_backward({p});
        ctx->saved_data["scale"] = scale;
        return p;
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list grads)
    {
        const torch::Tensor p = ctx->get_saved_variables()[0];
        const auto scale = float(ctx->saved_data["scale"].toDouble());
        const torch::Tensor dp = grads[0].to(p.scalar_type()).contiguous();
        auto ds = torch::empty_like(p);
        const int64_t n = p.size(-1), rows = n == 0 ? 0 : p.numel() / n;
        withData(p, dp, ds, [&](auto* pd, auto* dpd, auto* dsd) {
            backwardRows(pd, dpd, dsd, rows, n, scale);
        });
        return {ds, torch::Tensor()};
    }
};

} // namespace

bool fusedSoftmaxApplies(const torch::Tensor& scores)
{
    return scores.defined() && scores.device().is_cpu() && scores.layout() == torch::kStrided
           && (scores.scalar_type() == torch::kFloat || scores.scalar_type() == torch::kBFloat16)
           && scores.dim() >= 1 && scores.size(-1) > 0;
}

torch::Tensor fusedSoftmax(const torch::Tensor& scores, double scale)
{
    TORCH_CHECK(fusedSoftmaxApplies(scores), "fusedSoftmax: needs a CPU float32 or bfloat16 "
                                             "tensor with a non-empty last axis");
    TORCH_CHECK(scale > 0.0 && std::isfinite(scale), "fusedSoftmax: scale must be positive");
    if (torch::GradMode::is_enabled() && scores.requires_grad())
        return FusedSoftmaxFn::apply(scores, scale);
    return softmaxForward(scores, float(scale));
}

bool setFusedSoftmaxIsa(const std::string& isa)
{
    if (isa == "generic" || (isa == "best" && !util::cpuHasAvx512())) {
        isaInUse() = Isa::Generic;
        return true;
    }
    if ((isa == "avx512" || isa == "best") && util::cpuHasAvx512()) {
        isaInUse() = Isa::Avx512;
        return true;
    }
    return false;
}

} // namespace tleg::kernels
