#include "kernels/fused_attention.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/simd_math.h"

#ifdef TLEG_HAVE_AVX2_MATH
#define TLEG_HAVE_AVX2_KERNELS 1
#endif

namespace tleg::kernels {

// The loops first: the kernels call them. (Include order matters here.)
// clang-format off
namespace generic {
#include "kernels/attention_loops_generic.inc"
#include "kernels/attention_kernels.inc"
} // namespace generic
// clang-format on

#ifdef TLEG_HAVE_AVX2_KERNELS
// Only this namespace's own functions are built for AVX2 (all headers are included above),
// and they are chosen at run time, so the binary still runs on any x86-64.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
// clang-format off
namespace avx2 {
#include "kernels/attention_loops_avx2.inc"
#include "kernels/attention_kernels.inc"
} // namespace avx2
// clang-format on
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

namespace {

bool useAvx2()
{
#ifdef TLEG_HAVE_AVX2_KERNELS
    static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return yes;
#else
    return false;
#endif
}

/// Work items are (image, head) pairs; a grain keeps each task above a few microseconds.
int64_t grainFor(int64_t tokens, int64_t headDim)
{
    const int64_t work = std::max<int64_t>(1, tokens * tokens * headDim);
    return std::max<int64_t>(1, 32768 / work);
}

size_t scratchSize(int64_t tokens, int64_t headDim)
{
    return static_cast<size_t>(generic::scratchFloats(tokens, headDim));
}

class FusedAttentionFn : public torch::autograd::Function<FusedAttentionFn> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& qkvIn,
                                 int64_t heads)
    {
        const torch::Tensor qkv = qkvIn.contiguous();
        const int64_t batch = qkv.size(0), tokens = qkv.size(1), dim = qkv.size(2) / 3;
        const int64_t headDim = dim / heads;
        const float scale = 1.0f / std::sqrt(static_cast<float>(headDim));
        auto out = torch::empty({batch, tokens, dim}, qkv.options());
        auto probs = torch::empty({batch, heads, tokens, tokens}, qkv.options());
        const float* src = qkv.data_ptr<float>();
        float* dst = out.data_ptr<float>();
        float* p = probs.data_ptr<float>();
        const bool avx = useAvx2();
        at::parallel_for(0, batch * heads, grainFor(tokens, headDim),
                         [&](int64_t from, int64_t to) {
                             std::vector<float> scratch(scratchSize(tokens, headDim));
                             for (int64_t t = from; t < to; ++t) {
                                 const int64_t b = t / heads, h = t % heads;
                                 const float* x = src + b * tokens * 3 * dim;
                                 float* o = dst + b * tokens * dim;
                                 float* pp = p + t * tokens * tokens;
#ifdef TLEG_HAVE_AVX2_KERNELS
                                 if (avx) {
                                     avx2::attentionForwardPair(x, o, pp, scratch.data(), tokens,
                                                                dim, headDim, h, scale);
                                     continue;
                                 }
#endif
                                 generic::attentionForwardPair(x, o, pp, scratch.data(), tokens,
                                                               dim, headDim, h, scale);
                             }
                         });
        (void)avx;
        ctx->save_for_backward({qkv, probs});
        ctx->saved_data["heads"] = heads;
        return out;
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list gradOutputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor& qkv = saved[0];
        const torch::Tensor& probs = saved[1];
        const int64_t heads = ctx->saved_data["heads"].toInt();
        const torch::Tensor gradOut = gradOutputs[0].contiguous();
        const int64_t batch = qkv.size(0), tokens = qkv.size(1), dim = qkv.size(2) / 3;
        const int64_t headDim = dim / heads;
        const float scale = 1.0f / std::sqrt(static_cast<float>(headDim));
        auto gradQkv = torch::empty_like(qkv);
        const float* src = qkv.data_ptr<float>();
        const float* p = probs.data_ptr<float>();
        const float* go = gradOut.data_ptr<float>();
        float* gq = gradQkv.data_ptr<float>();
        const bool avx = useAvx2();
        at::parallel_for(0, batch * heads, grainFor(tokens, headDim),
                         [&](int64_t from, int64_t to) {
                             std::vector<float> scratch(scratchSize(tokens, headDim));
                             for (int64_t t = from; t < to; ++t) {
                                 const int64_t b = t / heads, h = t % heads;
                                 const float* x = src + b * tokens * 3 * dim;
                                 const float* pp = p + t * tokens * tokens;
                                 const float* g = go + b * tokens * dim;
                                 float* gx = gq + b * tokens * 3 * dim;
#ifdef TLEG_HAVE_AVX2_KERNELS
                                 if (avx) {
                                     avx2::attentionBackwardPair(x, pp, g, gx, scratch.data(),
                                                                 tokens, dim, headDim, h, scale);
                                     continue;
                                 }
#endif
                                 generic::attentionBackwardPair(x, pp, g, gx, scratch.data(),
                                                                tokens, dim, headDim, h, scale);
                             }
                         });
        (void)avx;
        return {gradQkv, torch::Tensor()};
    }
};

} // namespace

bool fusedAttentionApplies(const torch::Tensor& qkv)
{
    return qkv.device().is_cpu() && qkv.scalar_type() == torch::kFloat && qkv.dim() == 3
           && qkv.size(2) % 3 == 0 && qkv.layout() == torch::kStrided;
}

torch::Tensor fusedAttention(const torch::Tensor& qkv, int64_t heads)
{
    return FusedAttentionFn::apply(qkv, heads);
}

const char* fusedAttentionIsa()
{
    return useAvx2() ? "avx2" : "generic";
}

} // namespace tleg::kernels
