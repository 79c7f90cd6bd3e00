#pragma once
// Architecture of a Vision Transformer, as one JSON-serialisable struct.
// Usage:
//   auto cfg = tleg::model::ViTConfig::preset("fmnist-s");  cfg.depth = 8;
//   std::string j = cfg.toJson().dump();  auto back = ViTConfig::fromJson(nlohmann::json::parse(j));
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tleg::model {

enum class Pooling { ClassToken, Average };

struct ViTConfig {
    int64_t imageSize = 28;
    int64_t channels = 1;
    int64_t patchSize = 7;
    int64_t dim = 64;
    int64_t depth = 6;
    int64_t heads = 4;
    double mlpRatio = 4.0;
    int64_t numClasses = 10;
    Pooling pooling = Pooling::ClassToken;
    // What imported checkpoints need (foreign_model.h); TLEG's own models keep the defaults, and
    // toJson() writes these keys only when they differ, so older files and readers are unchanged.
    double layerNormEps = 1e-6;     ///< "layer_norm_eps": Hugging Face's ViT uses 1e-12
    bool qkvBias = true;            ///< "qkv_bias": false for timm's qkv_bias=False models
    bool distillationToken = false; ///< "dist_token": DeiT distilled (a second head, averaged)
    bool avgWithClassToken = false; ///< "class_token": average pooling beside a class token
                                    ///< that the mean leaves out (timm's global_pool="avg")

    int64_t gridSize() const { return imageSize / patchSize; }
    int64_t numPatches() const { return gridSize() * gridSize(); }
    /// Tokens entering the blocks (patches plus the class and distillation tokens, if any).
    int64_t numTokens() const;
    bool hasClassToken() const { return pooling == Pooling::ClassToken || avgWithClassToken; }
    /// Class and distillation tokens before the patch tokens.
    int64_t prefixTokens() const { return (hasClassToken() ? 1 : 0) + (distillationToken ? 1 : 0); }
    /// The first tokens the head reads (the class token; the distillation token too, whose
    /// head is averaged in), or 0 for all of them (average pooling). The last block computes
    /// just these (model::blockForward's keepTokens).
    int64_t pooledTokens() const
    {
        return pooling == Pooling::Average ? 0 : (distillationToken ? 2 : 1);
    }
    /// TLEG's own block layout (the defaults of the four fields above), which Aux-Nets and
    /// learngenes require.
    bool standardLayout() const;
    int64_t hiddenDim() const { return static_cast<int64_t>(dim * mlpRatio); }

    /// Throws tleg::Error when the numbers cannot make a ViT (dim % heads, image % patch, ...)
    /// or exceed the limits below.
    void validate() const;
    static constexpr int64_t kMaxImageSize = 4096, kMaxChannels = 64, kMaxDim = 16384,
                             kMaxDepth = 1024, kMaxClasses = 1'000'000, kMaxTokens = 65536;
    static constexpr double kMaxMlpRatio = 64.0;

    /// Parameters of one block, of everything outside the blocks, and of the whole model.
    int64_t blockParams() const;
    int64_t sharedParams() const;
    int64_t headParams() const { return dim * numClasses + numClasses; }
    int64_t totalParams() const { return sharedParams() + depth * blockParams(); }
    /// Multiply-accumulates of one forward pass of one image (matmuls and attention). This is
    /// what the paper and DeiT report as "FLOPs" (ViT-B: 17.5 G).
    int64_t forwardMacs() const;
    /// Those TLEG's forward runs: the last block's projection and MLP, and its attention's
    /// queries, for the pooled tokens alone (pooledTokens()). What `tleg bench` divides by time
    /// (a slight undercount at a few dozen tokens, where the fused attention answers every
    /// query).
    int64_t computedForwardMacs() const;

    nlohmann::json toJson() const;
    static ViTConfig fromJson(const nlohmann::json& j);

    /// Ti / S / B (224 px, patch 16, 1000 classes) and small ones for 28×28 inputs.
    static ViTConfig preset(const std::string& name);
    static std::vector<std::string> presetNames();
};

std::string poolingName(Pooling p);
Pooling poolingFromName(const std::string& s);

} // namespace tleg::model
