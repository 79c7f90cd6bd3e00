#include "model/vit.h"

#include "kernels/bf16_bits.h"

#include <ATen/Parallel.h>

namespace tleg::model {

namespace {

/// Images [B, C, H, W] (float) cut into patches [B, gh·gw, C·ph·pw] rounded to bf16, each row
/// one patch in the convolution weight's (C, ph, pw) order; rows and columns the patch size
/// leaves over are dropped, as a convolution with stride = kernel drops them. One pass over
/// the images, rounding on the way (LibTorch's copy through a six-axis permutation is slower).
torch::Tensor cutPatchesBf16(const torch::Tensor& images, int64_t ph, int64_t pw)
{
    const auto x = images.contiguous();
    const int64_t batch = x.size(0), channels = x.size(1), height = x.size(2), width = x.size(3);
    const int64_t gh = height / ph, gw = width / pw, row = channels * ph * pw;
    auto out = torch::empty({batch, gh * gw, row}, x.options().dtype(torch::kBFloat16));
    const float* src = x.data_ptr<float>();
    auto* dst = reinterpret_cast<uint16_t*>(out.data_ptr<at::BFloat16>());
    at::parallel_for(0, batch * gh, 1, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
            const int64_t b = r / gh, i = r % gh;
            for (int64_t j = 0; j < gw; ++j) {
                uint16_t* o = dst + (r * gw + j) * row;
                for (int64_t c = 0; c < channels; ++c)
                    for (int64_t y = 0; y < ph; ++y) {
                        const float* in = src + ((b * channels + c) * height + i * ph + y) * width
                                          + j * pw;
                        for (int64_t k = 0; k < pw; ++k)
                            *o++ = kernels::floatToBf16(in[k]);
                    }
            }
        }
    });
    return out;
}

} // namespace

PatchEmbedImpl::PatchEmbedImpl(int64_t channels, int64_t patch, int64_t dim)
{
    proj = register_module(
        "proj", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, dim, patch).stride(patch)));
}

torch::Tensor PatchEmbedImpl::forward(const torch::Tensor& x)
{
    // The cut below is a CPU loop outside autograd: images on another device, or whose own
    // gradient is wanted, take the convolution; so do images it does not fit (a wrong channel
    // count, smaller than a patch), for the convolution's error naming what is wrong.
    const auto& w = proj->weight; // [D, C, ph, pw]
    if (!bf16Matmul() || x.dim() != 4 || x.scalar_type() != torch::kFloat
        || !x.device().is_cpu() || x.requires_grad() || x.size(1) != w.size(1)
        || x.size(2) < w.size(2) || x.size(3) < w.size(3))
        return proj->forward(x).flatten(2).transpose(1, 2); // [B, D, g, g] -> [B, g*g, D]
    // Under bf16 matmuls the convolution (stride = kernel: disjoint patches) runs as what it
    // is, one bf16 GEMM of the flattened patches, as torch.autocast runs it: forward + backward
    // in half the time of LibTorch's float convolution at 224 px (tests/bench/bench_kernels).
    return linear(cutPatchesBf16(x, w.size(2), w.size(3)),
                  w.reshape({w.size(0), -1}), proj->bias);
}

ViTBase::ViTBase(const ViTConfig& config) : m_config(config)
{
    m_config.validate();
    const int64_t dim = m_config.dim;
    m_patchEmbed = register_module("patch_embed",
                                   PatchEmbed(m_config.channels, m_config.patchSize, dim));
    if (m_config.hasClassToken())
        m_clsToken = register_parameter("cls_token", torch::zeros({1, 1, dim}));
    if (m_config.distillationToken)
        m_distToken = register_parameter("dist_token", torch::zeros({1, 1, dim}));
    m_posEmbed = register_parameter("pos_embed", torch::zeros({1, m_config.numTokens(), dim}));
    const auto ln = torch::nn::LayerNormOptions({dim}).eps(m_config.layerNormEps);
    m_norm = register_module(m_config.pooling == Pooling::ClassToken ? "norm" : "fc_norm",
                             torch::nn::LayerNorm(ln));
    m_head = register_module("head", torch::nn::Linear(dim, m_config.numClasses));
    if (m_config.distillationToken)
        m_headDist = register_module("head_dist", torch::nn::Linear(dim, m_config.numClasses));

    torch::NoGradGuard guard;
    truncNormal_(m_posEmbed, 0.02);
    for (auto* token : {&m_clsToken, &m_distToken})
        if (token->defined())
            truncNormal_(*token, 0.02);
    for (auto* head : {&m_head, &m_headDist})
        if (*head) {
            truncNormal_((*head)->weight, 0.02);
            (*head)->bias.zero_();
        }
}

torch::Tensor ViTBase::embed(const torch::Tensor& images)
{
    auto x = m_patchEmbed->forward(images); // [B, N, D]
    if (m_distToken.defined())
        x = torch::cat({m_distToken.expand({x.size(0), -1, -1}), x}, 1);
    if (m_clsToken.defined())
        x = torch::cat({m_clsToken.expand({x.size(0), -1, -1}), x}, 1);
    return x + m_posEmbed;
}

int64_t ViTBase::pooledTokens() const
{
    return m_config.pooledTokens();
}

torch::Tensor ViTBase::pool(const torch::Tensor& tokens)
{
    if (m_config.pooling == Pooling::Average) { // the mean leaves any class token out
        const int64_t prefix = m_config.prefixTokens();
        const auto patches =
            prefix > 0 ? tokens.narrow(1, prefix, tokens.size(1) - prefix) : tokens;
        return linear(m_norm->forward(patches.mean(1)), m_head->weight, m_head->bias);
    }
    if (!m_headDist)
        return linear(m_norm->forward(tokens).select(1, 0), m_head->weight, m_head->bias);
    // DeiT distilled at inference: the mean of the class head and the distillation head.
    const auto n = m_norm->forward(tokens.narrow(1, 0, 2)); // [B, 2, D]
    return (linear(n.select(1, 0), m_head->weight, m_head->bias)
            + linear(n.select(1, 1), m_headDist->weight, m_headDist->bias))
           * 0.5;
}

ViTImpl::ViTImpl(const ViTConfig& config) : ViTBase(config)
{
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int64_t i = 0; i < m_config.depth; ++i)
        blocks->push_back(Block(m_config.dim, m_config.heads, m_config.mlpRatio, kAllGroups,
                                m_config.qkvBias, m_config.layerNormEps));
}

torch::Tensor ViTImpl::forward(const torch::Tensor& images)
{
    Residual r{embed(images), {}};
    const int64_t depth = static_cast<int64_t>(blocks->size());
    for (int64_t i = 0; i < depth; ++i) {
        const BlockImpl& blk = block(i);
        r = blockForward(r, blk.weights(), blk.heads, blk.eps,
                         i + 1 == depth ? pooledTokens() : 0);
    }
    return pool(r.value());
}

nlohmann::json ViTImpl::architecture() const
{
    return m_config.toJson();
}

} // namespace tleg::model
