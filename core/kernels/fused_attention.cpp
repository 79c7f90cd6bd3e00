#include "util/simd_support.h" // first: GCC's AVX-512 warnings are off from here
#include "kernels/fused_attention.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <cmath>
#include <type_traits>
#include <vector>

#include "kernels/bf16_bits.h"
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
// Only these namespaces' own functions are built for AVX2 / AVX-512 (all headers are included
// above), and they are chosen at run time, so the binary still runs on any x86-64.
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
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma"))), apply_to = function)
#else
#pragma GCC pop_options
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")
#endif
// clang-format off
namespace avx512 {
#include "kernels/attention_loops_avx512.inc"
#include "kernels/attention_kernels.inc"
} // namespace avx512
#undef TLEG_ATTENTION_BLOCKED
#undef TLEG_ATTENTION_BLOCKED_BF16
// clang-format on
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

namespace {

enum class Isa { Generic, Avx2, Avx512 };

bool supported(Isa isa)
{
#ifdef TLEG_HAVE_AVX2_KERNELS
    return isa == Isa::Generic || (isa == Isa::Avx2 && util::cpuHasAvx2())
           || (isa == Isa::Avx512 && util::cpuHasAvx512());
#else
    return isa == Isa::Generic;
#endif
}

Isa bestIsa()
{
    return supported(Isa::Avx512) ? Isa::Avx512 : supported(Isa::Avx2) ? Isa::Avx2 : Isa::Generic;
}

std::atomic<Isa>& chosenIsa()
{
    static std::atomic<Isa> isa{bestIsa()};
    return isa;
}

/// Work items are (image, head) pairs; a grain keeps each task above a few microseconds.
int64_t grainFor(int64_t tokens, int64_t headDim)
{
    const int64_t work = std::max<int64_t>(1, tokens * tokens * headDim);
    return std::max<int64_t>(1, 32768 / work);
}

/// Floats of scratch for one pair (the generic kernels pad to 16 lanes, as many as any ISA's).
size_t scratchSize(int64_t tokens, int64_t headDim, bool bf16)
{
    return static_cast<size_t>(bf16 ? generic::scratchFloatsBf16(tokens, headDim)
                                    : generic::scratchFloats(tokens, headDim));
}

// One (image, head) pair with the chosen ISA's kernels; the argument lists are the kernels'.
#ifdef TLEG_HAVE_AVX2_KERNELS
#define TLEG_ATTENTION_DISPATCH(isa, fn, ...)                                                      \
    ((isa) == Isa::Avx512 ? avx512::fn(__VA_ARGS__)                                                \
     : (isa) == Isa::Avx2 ? avx2::fn(__VA_ARGS__)                                                  \
                          : generic::fn(__VA_ARGS__))
#else
#define TLEG_ATTENTION_DISPATCH(isa, fn, ...) generic::fn(__VA_ARGS__)
#endif

uint16_t* bits(const torch::Tensor& t)
{
    return reinterpret_cast<uint16_t*>(t.data_ptr<at::BFloat16>());
}

/// Asks for `bytes` from p into the cache ahead of use. The backward reads each image's q, k, v
/// and probabilities long after the forward wrote them (out of cache by then); fetched one image
/// ahead, they arrive while the current image's pairs compute, instead of each load waiting.
void prefetch(const void* p, size_t bytes)
{
    const char* c = static_cast<const char*>(p);
    for (size_t i = 0; i < bytes; i += 64)
        __builtin_prefetch(c + i, 0, 3);
}

/// Pair h of an image's `heads` asks for its share of `bytes` from base: all of them at once
/// stalled on the cache's miss buffers (the backward measured 5 % slower with cold caches).
void prefetchShare(const void* base, size_t bytes, int64_t h, int64_t heads)
{
    const size_t from = bytes * size_t(h) / size_t(heads) / 64 * 64;
    const size_t to = bytes * size_t(h + 1) / size_t(heads);
    prefetch(static_cast<const char*>(base) + from, to - from);
}

class FusedAttentionFn : public torch::autograd::Function<FusedAttentionFn> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& qkvIn,
                                 int64_t heads, int64_t queries)
    {
        const torch::Tensor qkv = qkvIn.contiguous();
        const bool bf16 = qkv.scalar_type() == torch::kBFloat16;
        const int64_t batch = qkv.size(0), tokens = qkv.size(1), dim = qkv.size(2) / 3;
        const int64_t headDim = dim / heads;
        const float scale = 1.0f / std::sqrt(static_cast<float>(headDim));
        const int64_t nq = queries > 0 && queries < tokens ? queries : tokens;
        auto out = torch::empty({batch, nq, dim}, qkv.options());
        auto probs = torch::empty({batch, heads, nq, tokens}, qkv.options().dtype(torch::kFloat));
        float* p = probs.data_ptr<float>();
        const Isa isa = chosenIsa().load();
        at::parallel_for(0, batch * heads, grainFor(tokens, headDim), [&](int64_t from, int64_t to) {
            std::vector<float> scratch(scratchSize(tokens, headDim, bf16));
            for (int64_t t = from; t < to; ++t) {
                const int64_t b = t / heads, h = t % heads;
                float* pp = p + t * nq * tokens;
                if (bf16)
                    TLEG_ATTENTION_DISPATCH(isa, attentionForwardPairBf16,
                                            bits(qkv) + b * tokens * 3 * dim,
                                            bits(out) + b * nq * dim, pp, scratch.data(), tokens,
                                            dim, headDim, h, scale, nq);
                else
                    TLEG_ATTENTION_DISPATCH(isa, attentionForwardPair,
                                            qkv.data_ptr<float>() + b * tokens * 3 * dim,
                                            out.data_ptr<float>() + b * nq * dim, pp,
                                            scratch.data(), tokens, dim, headDim, h, scale, nq);
            }
        });
        ctx->save_for_backward({qkv, probs});
        ctx->saved_data["heads"] = heads;
        ctx->saved_data["queries"] = nq;
        return out;
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list gradOutputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor& qkv = saved[0];
        const torch::Tensor& probs = saved[1];
        const int64_t heads = ctx->saved_data["heads"].toInt();
        const int64_t nq = ctx->saved_data["queries"].toInt();
        const bool bf16 = qkv.scalar_type() == torch::kBFloat16;
        const torch::Tensor gradOut = gradOutputs[0].to(qkv.scalar_type()).contiguous();
        const int64_t batch = qkv.size(0), tokens = qkv.size(1), dim = qkv.size(2) / 3;
        const int64_t headDim = dim / heads;
        const float scale = 1.0f / std::sqrt(static_cast<float>(headDim));
        auto gradQkv = torch::empty_like(qkv);
        const float* p = probs.data_ptr<float>();
        const Isa isa = chosenIsa().load();
        at::parallel_for(0, batch * heads, grainFor(tokens, headDim), [&](int64_t from, int64_t to) {
            std::vector<float> scratch(scratchSize(tokens, headDim, bf16));
            for (int64_t t = from; t < to; ++t) {
                const int64_t b = t / heads, h = t % heads;
                const float* pp = p + t * nq * tokens;
                if (b + 1 < batch) {
                    const size_t element = qkv.element_size();
                    prefetchShare(static_cast<const char*>(qkv.data_ptr())
                                      + size_t((b + 1) * tokens * 3 * dim) * element,
                                  size_t(tokens * 3 * dim) * element, h, heads);
                    prefetchShare(static_cast<const char*>(gradOut.data_ptr())
                                      + size_t((b + 1) * nq * dim) * element,
                                  size_t(nq * dim) * element, h, heads);
                    prefetchShare(p + (b + 1) * heads * nq * tokens,
                                  size_t(heads * nq * tokens) * sizeof(float), h, heads);
                }
                if (bf16)
                    TLEG_ATTENTION_DISPATCH(isa, attentionBackwardPairBf16,
                                            bits(qkv) + b * tokens * 3 * dim, pp,
                                            bits(gradOut) + b * nq * dim,
                                            bits(gradQkv) + b * tokens * 3 * dim, scratch.data(),
                                            tokens, dim, headDim, h, scale, nq);
                else
                    TLEG_ATTENTION_DISPATCH(isa, attentionBackwardPair,
                                            qkv.data_ptr<float>() + b * tokens * 3 * dim, pp,
                                            gradOut.data_ptr<float>() + b * nq * dim,
                                            gradQkv.data_ptr<float>() + b * tokens * 3 * dim,
                                            scratch.data(), tokens, dim, headDim, h, scale, nq);
            }
        });
        return {gradQkv, torch::Tensor(), torch::Tensor()};
    }
};

const char* isaName(Isa isa)
{
    return isa == Isa::Avx512 ? "avx512" : isa == Isa::Avx2 ? "avx2" : "generic";
}

} // namespace

bool fusedAttentionApplies(const torch::Tensor& qkv)
{
    return qkv.device().is_cpu()
           && (qkv.scalar_type() == torch::kFloat || qkv.scalar_type() == torch::kBFloat16)
           && qkv.dim() == 3 && qkv.size(2) % 3 == 0 && qkv.layout() == torch::kStrided;
}

torch::Tensor fusedAttention(const torch::Tensor& qkv, int64_t heads, int64_t queries)
{
    return FusedAttentionFn::apply(qkv, heads, queries);
}

const char* fusedAttentionIsa()
{
    return isaName(chosenIsa().load());
}

bool setFusedAttentionIsa(const std::string& isa)
{
    for (Isa i : {Isa::Generic, Isa::Avx2, Isa::Avx512})
        if (isa == isaName(i) && supported(i)) {
            chosenIsa().store(i);
            return true;
        }
    if (isa.empty() || isa == "best") {
        chosenIsa().store(bestIsa());
        return true;
    }
    return false;
}

} // namespace tleg::kernels
