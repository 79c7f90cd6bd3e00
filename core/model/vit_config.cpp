#include "model/vit_config.h"
#include "util/json_number.h"

#include "util/error.h"

namespace tleg::model {

int64_t ViTConfig::numTokens() const
{
    return numPatches() + (pooling == Pooling::ClassToken ? 1 : 0);
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
    if (dim % heads != 0)
        fail("dim " + std::to_string(dim) + " is not a multiple of heads " + std::to_string(heads));
    atMost("tokens (patches per image)", numTokens(), kMaxTokens);
}

int64_t ViTConfig::blockParams() const
{
    const int64_t h = hiddenDim();
    const int64_t norms = 2 * 2 * dim;
    const int64_t attn = dim * 3 * dim + 3 * dim + dim * dim + dim;
    const int64_t mlp = dim * h + h + h * dim + dim;
    return norms + attn + mlp;
}

int64_t ViTConfig::sharedParams() const
{
    const int64_t patch = channels * patchSize * patchSize * dim + dim;
    const int64_t cls = pooling == Pooling::ClassToken ? dim : 0;
    const int64_t pos = numTokens() * dim;
    const int64_t finalNorm = 2 * dim;
    return patch + cls + pos + finalNorm + headParams();
}

int64_t ViTConfig::forwardMacs() const
{
    const int64_t n = numTokens();
    const int64_t h = hiddenDim();
    const int64_t patch = numPatches() * channels * patchSize * patchSize * dim;
    const int64_t perBlock = n * (dim * 3 * dim + dim * dim + 2 * dim * h) // linear layers
                             + 2 * n * n * dim;                            // QK^T and AV
    return patch + depth * perBlock + dim * numClasses;
}

nlohmann::json ViTConfig::toJson() const
{
    return {{"image_size", imageSize},
            {"channels", channels},
            {"patch_size", patchSize},
            {"dim", dim},
            {"depth", depth},
            {"heads", heads},
            {"mlp_ratio", mlpRatio},
            {"num_classes", numClasses},
            {"pooling", poolingName(pooling)}};
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
