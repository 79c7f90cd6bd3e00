#pragma once
// Vision Transformer (DeiT-style, pre-norm) with timm's parameter names, and the base class
// that the Aux-Net shares: patch embedding, class token, position embedding, final norm, head.
// Usage:
//   ViT net(ViTConfig::preset("fmnist-s"));
//   torch::Tensor logits = net->forward(images);         // [B, C, H, W] -> [B, classes]
//   for (auto& p : net->named_parameters()) ...          // "blocks.3.attn.qkv.weight", ...
#include "model/block.h"
#include "model/vit_config.h"

#include <torch/torch.h>

#include <string>

namespace tleg::model {

/// Anything that maps images to logits and can describe itself for a checkpoint.
class ClassifierImpl : public torch::nn::Module {
public:
    virtual torch::Tensor forward(const torch::Tensor& images) = 0;
    /// "vit" or "auxnet": what kind of file this model is saved as.
    virtual std::string kind() const = 0;
    /// Everything needed to rebuild the module before loading tensors (goes to __metadata__).
    virtual nlohmann::json architecture() const = 0;
};

struct PatchEmbedImpl : torch::nn::Module {
    PatchEmbedImpl(int64_t channels, int64_t patch, int64_t dim);
    torch::Tensor forward(const torch::Tensor& x); // [B, C, H, W] -> [B, N, D]
    torch::nn::Conv2d proj{nullptr};
};
TORCH_MODULE(PatchEmbed);

/// The parts of a ViT outside its blocks. Registered under timm's top-level names (and, for an
/// imported DeiT distilled model, "dist_token" and "head_dist", whose logits are averaged with
/// the head's as DeiT does at inference).
class ViTBase : public ClassifierImpl {
public:
    explicit ViTBase(const ViTConfig& config);
    const ViTConfig& config() const { return m_config; }
    /// The first tokens that pool() reads (the class token, and the distillation token with
    /// its head), or 0 when it reads them all (average pooling): the last block's keepTokens.
    int64_t pooledTokens() const;

protected:
    torch::Tensor embed(const torch::Tensor& images); // [B, C, H, W] -> [B, prefix + N, D]
    torch::Tensor pool(const torch::Tensor& tokens);  // [B, prefix + N, D] -> [B, classes]

    ViTConfig m_config;
    PatchEmbed m_patchEmbed{nullptr};
    torch::Tensor m_clsToken, m_posEmbed;         // [1, 1, D], [1, T, D]
    torch::nn::LayerNorm m_norm{nullptr};         // "norm" (token) or "fc_norm" (avg)
    torch::nn::Linear m_head{nullptr};
    torch::Tensor m_distToken;             // [1, 1, D] (DeiT distilled only)
    torch::nn::Linear m_headDist{nullptr}; // "head_dist" (DeiT distilled only)
};

/// An ordinary ViT: ancestry models, Des-Nets and baselines are all this.
class ViTImpl : public ViTBase {
public:
    explicit ViTImpl(const ViTConfig& config);
    torch::Tensor forward(const torch::Tensor& images) override;
    std::string kind() const override { return "vit"; }
    nlohmann::json architecture() const override;

    torch::nn::ModuleList blocks{nullptr};
    BlockImpl& block(int64_t i) const { return *blocks->ptr<BlockImpl>(i); }
};
TORCH_MODULE(ViT);

} // namespace tleg::model
