#include "util/simd_support.h" // first: GCC's AVX-512 warnings are off from here
#include "kernels/expand_weights.h"
#include "kernels/bf16_bits.h"
#include "kernels/simd_math.h"

#include <ATen/Parallel.h>


namespace tleg::kernels {

namespace {

constexpr int64_t kGrain = 16384; // elements per task

// The loops of the node below, element by element and 16 at a time. Each product and sum is
// rounded on its own (no fused multiply-add, TLEG_SEPARATE_ROUNDING) in both, so the two give
// the same bits.

#ifdef TLEG_HAVE_AVX2_MATH
#define TLEG_EXPAND_AVX512 TLEG_SEPARATE_ROUNDING __attribute__((target("avx512f,avx512bw,avx512vl")))

TLEG_EXPAND_AVX512 void expandAvx512(const float* a, const float* b, float c, float* out,
                                     uint16_t* outBf16, int64_t n)
{
    const __m512 cv = _mm512_set1_ps(c);
    for (int64_t i = 0; i < n; i += 16) {
        const __mmask16 m = laneMask(i, n);
        const __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(m, b + i),
                                       _mm512_mul_ps(cv, _mm512_maskz_loadu_ps(m, a + i)));
        if (outBf16)
            storeBf16x16(outBf16 + i, v, m);
        else
            _mm512_mask_storeu_ps(out + i, m, v);
    }
}

TLEG_EXPAND_AVX512 void accumulateAvx512(const float* g, const uint16_t* gBf16, float c,
                                         float* ga, float* gb, int64_t n)
{
    const __m512 cv = _mm512_set1_ps(c);
    for (int64_t i = 0; i < n; i += 16) {
        const __mmask16 m = laneMask(i, n);
        const __m512 v = gBf16 ? loadBf16x16(gBf16 + i, m) : _mm512_maskz_loadu_ps(m, g + i);
        _mm512_mask_storeu_ps(ga + i, m,
                              _mm512_add_ps(_mm512_maskz_loadu_ps(m, ga + i), _mm512_mul_ps(cv, v)));
        _mm512_mask_storeu_ps(gb + i, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, gb + i), v));
    }
}
#undef TLEG_EXPAND_AVX512
#endif

/// out (float) or outBf16 = b + c·a over n elements.
void expand(const float* a, const float* b, float c, float* out, uint16_t* outBf16, int64_t n)
{
#ifdef TLEG_HAVE_AVX2_MATH
    if (util::cpuHasAvx512())
        return expandAvx512(a, b, c, out, outBf16, n);
#endif
    for (int64_t i = 0; i < n; ++i) {
        const float v = b[i] + c * a[i];
        if (outBf16)
            outBf16[i] = floatToBf16(v);
        else
            out[i] = v;
    }
}

/// ga += c·g and gb += g over n elements, g float or bf16 (gBf16).
void accumulate(const float* g, const uint16_t* gBf16, float c, float* ga, float* gb, int64_t n)
{
#ifdef TLEG_HAVE_AVX2_MATH
    if (util::cpuHasAvx512())
        return accumulateAvx512(g, gBf16, c, ga, gb, n);
#endif
    for (int64_t i = 0; i < n; ++i) {
        const float v = gBf16 ? bf16ToFloat(gBf16[i]) : g[i];
        ga[i] += c * v;
        gb[i] += v;
    }
}

class ExpandWeightsFn : public torch::autograd::Function<ExpandWeightsFn> {
public:
    // Inputs: a[0..P), b[0..P); outputs: P·n tensors, weight-major (p·n + k).
    static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx,
                                                  at::TensorList aIn, at::TensorList bIn,
                                                  std::vector<double> c, std::vector<int64_t> bf16)
    {
        const auto n = static_cast<int64_t>(c.size());
        torch::autograd::variable_list out;
        for (size_t p = 0; p < aIn.size(); ++p) {
            const torch::Tensor a = aIn[p].contiguous(), b = bIn[p].contiguous();
            const float* as = a.data_ptr<float>();
            const float* bs = b.data_ptr<float>();
            const int64_t m = a.numel();
            for (int64_t k = 0; k < n; ++k) {
                const float ck = static_cast<float>(c[size_t(k)]);
                auto o = bf16[p] ? torch::empty(a.sizes(), a.options().dtype(torch::kBFloat16))
                                 : torch::empty_like(a);
                auto* os = bf16[p] ? nullptr : o.data_ptr<float>();
                auto* ob =
                    bf16[p] ? reinterpret_cast<uint16_t*>(o.data_ptr<at::BFloat16>()) : nullptr;
                at::parallel_for(0, m, kGrain, [&](int64_t from, int64_t to) {
                    expand(as + from, bs + from, ck, os ? os + from : nullptr,
                           ob ? ob + from : nullptr, to - from);
                });
                out.push_back(o);
            }
        }
        ctx->saved_data["c"] = c;
        ctx->saved_data["p"] = static_cast<int64_t>(aIn.size());
        ctx->save_for_backward(aIn.vec()); // for the shapes (no copy: the parameters)
        return out;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads)
    {
        const auto c = ctx->saved_data["c"].toDoubleVector();
        const int64_t weights = ctx->saved_data["p"].toInt();
        const auto shapes = ctx->get_saved_variables();
        const auto n = static_cast<int64_t>(c.size());
        torch::autograd::variable_list gradA(static_cast<size_t>(weights));
        torch::autograd::variable_list gradB(static_cast<size_t>(weights));
        for (int64_t p = 0; p < weights; ++p) {
            const auto& shape = shapes[size_t(p)];
            auto ga = torch::zeros(shape.sizes(), shape.options());
            auto gb = torch::zeros(shape.sizes(), shape.options());
            float* gas = ga.data_ptr<float>();
            float* gbs = gb.data_ptr<float>();
            const int64_t m = ga.numel();
            for (int64_t k = 0; k < n; ++k) {
                const torch::Tensor& g0 = grads[size_t(p * n + k)];
                if (!g0.defined())
                    continue;
                const float ck = static_cast<float>(c[size_t(k)]);
                const torch::Tensor g = g0.contiguous();
                const bool half = g.scalar_type() == torch::kBFloat16;
                const torch::Tensor gf = half ? g : g.to(torch::kFloat);
                const float* gs = half ? nullptr : gf.data_ptr<float>();
                const auto* gh =
                    half ? reinterpret_cast<const uint16_t*>(gf.data_ptr<at::BFloat16>()) : nullptr;
                at::parallel_for(0, m, kGrain, [&](int64_t from, int64_t to) {
                    accumulate(gs ? gs + from : nullptr, gh ? gh + from : nullptr, ck, gas + from,
                               gbs + from, to - from);
                });
            }
            gradA[size_t(p)] = ga;
            gradB[size_t(p)] = gb;
        }
        torch::autograd::variable_list all = gradA;
        all.insert(all.end(), gradB.begin(), gradB.end());
        all.emplace_back(); // c
        all.emplace_back(); // bf16
        return all;
    }
};

} // namespace

bool expandWeightsApplies(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b)
{
    if (a.size() != b.size() || a.empty())
        return false;
    for (size_t p = 0; p < a.size(); ++p)
        if (!a[p].defined() || !b[p].defined() || !a[p].device().is_cpu()
            || !b[p].device().is_cpu() || a[p].scalar_type() != torch::kFloat
            || b[p].scalar_type() != torch::kFloat || a[p].sizes() != b[p].sizes())
            return false;
    return true;
}

std::vector<std::vector<torch::Tensor>> expandWeights(const std::vector<torch::Tensor>& a,
                                                      const std::vector<torch::Tensor>& b,
                                                      const std::vector<double>& c,
                                                      const std::vector<bool>& toBf16)
{
    const std::vector<int64_t> bf16(toBf16.begin(), toBf16.end());
    const auto flat = ExpandWeightsFn::apply(at::TensorList(a), at::TensorList(b), c, bf16);
    std::vector<std::vector<torch::Tensor>> out(a.size());
    for (size_t p = 0; p < a.size(); ++p)
        out[p].assign(flat.begin() + static_cast<std::ptrdiff_t>(p * c.size()),
                      flat.begin() + static_cast<std::ptrdiff_t>((p + 1) * c.size()));
    return out;
}

} // namespace tleg::kernels
