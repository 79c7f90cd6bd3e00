#include "model/vit_config.h"
#include "util/json_number.h"

#include "util/error.h"

namespace tleg::model {

int64_t ViTConfig::numTokens() const
{
    return numPatches() + prefixTokens();
}

bool ViTConfig::standardLayout() const
{
    return layerNormEps == 1e-6 && qkvBias && !distillationToken && !avgWithClassToken;
}

void ViTConfig::validate() const
{
    auto fail = [](const std::string& what) { throw Error("invalid ViT config: " + what); };
    if (imageSize <= 0 || channels <= 0 || patchSize <= 0 || dim <= 0 || depth <= 0 || heads <= 0
        || numClasses <= 0)
        fail("every size must be positive");
    // Far above any real ViT, low enough that no count below overflows 64 bits and that a
    // file or an option cannot make us build a network of absurd size. Checked before anything
    // is computed from these numbers (dim * mlp ratio overflowed for a dim of 2.4e18: UBSan).
    auto atMost = [&](const char* what, int64_t value, int64_t limit) {
        if (value > limit)
            fail(std::string(what) + " " + std::to_string(value) + " is above the limit of "
                 + std::to_string(limit));
    };
    atMost("image size", imageSize, kMaxImageSize);
    atMost("channels", channels, kMaxChannels);
    atMost("width (dim)", dim, kMaxDim);
    atMost("depth", depth, kMaxDepth);
    atMost("classes", numClasses, kMaxClasses);
    if (!(mlpRatio > 0.0))
        fail("mlp ratio must be positive");
    if (!(mlpRatio <= kMaxMlpRatio))
        fail("mlp ratio " + std::to_string(mlpRatio) + " is above the limit of "
             + std::to_string(kMaxMlpRatio));
    if (hiddenDim() <= 0)
        fail("mlp ratio must be positive");
    if (imageSize % patchSize != 0)
        fail("image size " + std::to_string(imageSize) + " is not a multiple of patch size "
             + std::to_string(patchSize));
    if (!(layerNormEps > 0.0 && layerNormEps < 1.0))
        fail("LayerNorm eps must be in (0, 1)");
    if (distillationToken && pooling != Pooling::ClassToken)
        fail("a distillation token needs class-token pooling");
    if (avgWithClassToken && pooling != Pooling::Average)
        fail("'class_token' is for average pooling only");
    if (dim % heads != 0)
        fail("dim " + std::to_string(dim) + " is not a multiple of heads " + std::to_string(heads));
    atMost("tokens (patches per image)", numTokens(), kMaxTokens);
}

int64_t ViTConfig::blockParams() const
{
    const int64_t h = hiddenDim();
    const int64_t norms = 2 * 2 * dim;
    const int64_t attn = dim * 3 * dim + (qkvBias ? 3 * dim : 0) + dim * dim + dim;
    const int64_t mlp = dim * h + h + h * dim + dim;
    return norms + attn + mlp;
}

int64_t ViTConfig::sharedParams() const
{
    const int64_t patch = channels * patchSize * patchSize * dim + dim;
    const int64_t tokens = prefixTokens() * dim;
    const int64_t pos = numTokens() * dim;
    const int64_t finalNorm = 2 * dim;
    const int64_t heads = (distillationToken ? 2 : 1) * headParams();
    return patch + tokens + pos + finalNorm + heads;
}

int64_t ViTConfig::forwardMacs() const
{
    const int64_t n = numTokens();
    const int64_t h = hiddenDim();
    const int64_t patch = numPatches() * channels * patchSize * patchSize * dim;
    const int64_t perBlock = n * (dim * 3 * dim + dim * dim + 2 * dim * h) // linear layers
                             + 2 * n * n * dim;                            // QK^T and AV
    return patch + depth * perBlock + (distillationToken ? 2 : 1) * dim * numClasses;
}

int64_t ViTConfig::computedForwardMacs() const
{
    const int64_t n = numTokens(), kept = pooledTokens();
    if (kept == 0 || kept >= n || depth == 0)
        return forwardMacs();
    const int64_t left = n - kept; // tokens whose last-block output nobody reads
    const int64_t perToken = dim * dim + 2 * dim * hiddenDim(); // projection and MLP
    return forwardMacs() - left * (perToken + 2 * n * dim);
}

nlohmann::json ViTConfig::toJson() const
{
    nlohmann::json j = {{"image_size", imageSize},
                        {"channels", channels},
                        {"patch_size", patchSize},
                        {"dim", dim},
                        {"depth", depth},
                        {"heads", heads},
                        {"mlp_ratio", mlpRatio},
                        {"num_classes", numClasses},
                        {"pooling", poolingName(pooling)}};
    if (layerNormEps != 1e-6)
        j["layer_norm_eps"] = layerNormEps;
    if (!qkvBias)
        j["qkv_bias"] = false;
    if (distillationToken)
        j["dist_token"] = true;
    if (avgWithClassToken)
        j["class_token"] = true;
    return j;
}

ViTConfig ViTConfig::fromJson(const nlohmann::json& j)
{
    ViTConfig c;
    try {
        c.imageSize = util::jsonInteger<int64_t>(j.at("image_size"));
        c.channels = util::jsonInteger<int64_t>(j.at("channels"));
        c.patchSize = util::jsonInteger<int64_t>(j.at("patch_size"));
        c.dim = util::jsonInteger<int64_t>(j.at("dim"));
        c.depth = util::jsonInteger<int64_t>(j.at("depth"));
        c.heads = util::jsonInteger<int64_t>(j.at("heads"));
        c.mlpRatio = j.at("mlp_ratio").get<double>();
        c.numClasses = util::jsonInteger<int64_t>(j.at("num_classes"));
        c.pooling = poolingFromName(j.value("pooling", std::string("token")));
        c.layerNormEps = j.value("layer_norm_eps", 1e-6);
        c.qkvBias = j.value("qkv_bias", true);
        c.distillationToken = j.value("dist_token", false);
        c.avgWithClassToken = c.pooling == Pooling::Average && j.value("class_token", false);
        if (c.pooling == Pooling::ClassToken && !j.value("class_token", true))
            throw Error("invalid ViT config: class-token pooling without a class token");
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("invalid ViT config JSON: ") + e.what());
    }
    c.validate();
    return c;
}

ViTConfig ViTConfig::preset(const std::string& name)
{
    ViTConfig c;
    auto imagenet = [&](int64_t dim, int64_t heads) {
        c.imageSize = 224;
        c.channels = 3;
        c.patchSize = 16;
        c.dim = dim;
        c.heads = heads;
        c.depth = 12;
        c.numClasses = 1000;
    };
    if (name == "vit-ti")
        imagenet(192, 3);
    else if (name == "vit-s")
        imagenet(384, 6);
    else if (name == "vit-b")
        imagenet(768, 12);
    else if (name == "fmnist-ti") { // 28×28 grey, 4×4 grid of 7×7 patches
        c.dim = 64;
        c.heads = 2;
        c.depth = 6;
    } else if (name == "fmnist-s") {
        c.dim = 96;
        c.heads = 3;
        c.depth = 6;
    } else if (name == "fmnist-s4") { // 7×7 grid of 4×4 patches: ~6× the compute of fmnist-s
        c.dim = 96;
        c.heads = 3;
        c.depth = 6;
        c.patchSize = 4;
    } else
        throw Error("unknown model preset '" + name
                    + "' (known: vit-ti, vit-s, vit-b, "
                      "fmnist-ti, fmnist-s, fmnist-s4)");
    return c;
}

std::vector<std::string> ViTConfig::presetNames()
{
    return {"vit-ti", "vit-s", "vit-b", "fmnist-ti", "fmnist-s", "fmnist-s4"};
}

std::string poolingName(Pooling p)
{
    return p == Pooling::ClassToken ? "token" : "avg";
}

Pooling poolingFromName(const std::string& s)
{
    if (s == "token" || s == "cls")
        return Pooling::ClassToken;
    if (s == "avg" || s == "mean")
        return Pooling::Average;
    throw Error("unknown pooling '" + s + "' (token or avg)");
}

} // namespace tleg::model
