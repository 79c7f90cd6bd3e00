#include "model/vit.h"

namespace tleg::model {

PatchEmbedImpl::PatchEmbedImpl(int64_t channels, int64_t patch, int64_t dim)
{
    proj = register_module(
        "proj", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, dim, patch).stride(patch)));
}

torch::Tensor PatchEmbedImpl::forward(const torch::Tensor& x)
{
    return proj->forward(x).flatten(2).transpose(1, 2); // [B, D, g, g] -> [B, g*g, D]
}

ViTBase::ViTBase(const ViTConfig& config) : m_config(config)
{
    m_config.validate();
    const int64_t dim = m_config.dim;
    m_patchEmbed = register_module("patch_embed",
                                   PatchEmbed(m_config.channels, m_config.patchSize, dim));
    if (m_config.pooling == Pooling::ClassToken)
        m_clsToken = register_parameter("cls_token", torch::zeros({1, 1, dim}));
    m_posEmbed = register_parameter("pos_embed", torch::zeros({1, m_config.numTokens(), dim}));
    const auto ln = torch::nn::LayerNormOptions({dim}).eps(1e-6);
    m_norm = register_module(m_config.pooling == Pooling::ClassToken ? "norm" : "fc_norm",
                             torch::nn::LayerNorm(ln));
    m_head = register_module("head", torch::nn::Linear(dim, m_config.numClasses));

    torch::NoGradGuard guard;
    truncNormal_(m_posEmbed, 0.02);
    if (m_clsToken.defined())
        truncNormal_(m_clsToken, 0.02);
    truncNormal_(m_head->weight, 0.02);
    m_head->bias.zero_();
}

torch::Tensor ViTBase::embed(const torch::Tensor& images)
{
    auto x = m_patchEmbed->forward(images); // [B, N, D]
    if (m_clsToken.defined())
        x = torch::cat({m_clsToken.expand({x.size(0), -1, -1}), x}, 1);
    return x + m_posEmbed;
}

torch::Tensor ViTBase::pool(const torch::Tensor& tokens)
{
    auto f = m_config.pooling == Pooling::ClassToken ? m_norm->forward(tokens).select(1, 0)
                                                     : m_norm->forward(tokens.mean(1));
    return linear(f, m_head->weight, m_head->bias);
}

ViTImpl::ViTImpl(const ViTConfig& config) : ViTBase(config)
{
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int64_t i = 0; i < m_config.depth; ++i)
        blocks->push_back(Block(m_config.dim, m_config.heads, m_config.mlpRatio));
}

torch::Tensor ViTImpl::forward(const torch::Tensor& images)
{
    auto x = embed(images);
    for (const auto& b : *blocks)
        x = b->as<BlockImpl>()->forward(x);
    return pool(x);
}

nlohmann::json ViTImpl::architecture() const
{
    return m_config.toJson();
}

} // namespace tleg::model
