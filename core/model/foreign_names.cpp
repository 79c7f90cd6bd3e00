// Tensor names of timm / DeiT, torchvision and Hugging Face ViTs mapped onto timm's (ours).
#include "model/block.h"
#include "model/foreign_detail.h"
#include "util/error.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <set>
#include <sstream>

namespace tleg::model::foreign {

namespace {

struct Alias {
    const char* theirs;
    const char* ours;
    int part = -1; ///< Hugging Face q / k / v: 0 / 1 / 2 of attn.qkv.*
};

constexpr Alias kTimmTop[] = {
    {"cls_token", "cls_token"},
    {"dist_token", "dist_token"},
    {"pos_embed", "pos_embed"},
    {"patch_embed.proj.weight", "patch_embed.proj.weight"},
    {"patch_embed.proj.bias", "patch_embed.proj.bias"},
    {"norm.weight", "norm.weight"},
    {"norm.bias", "norm.bias"},
    {"fc_norm.weight", "fc_norm.weight"},
    {"fc_norm.bias", "fc_norm.bias"},
    {"head.weight", "head.weight"},
    {"head.bias", "head.bias"},
    {"head_dist.weight", "head_dist.weight"},
    {"head_dist.bias", "head_dist.bias"},
};

constexpr Alias kTorchvisionTop[] = {
    {"class_token", "cls_token"},
    {"conv_proj.weight", "patch_embed.proj.weight"},
    {"conv_proj.bias", "patch_embed.proj.bias"},
    {"encoder.pos_embedding", "pos_embed"},
    {"encoder.ln.weight", "norm.weight"},
    {"encoder.ln.bias", "norm.bias"},
    {"heads.head.weight", "head.weight"},
    {"heads.head.bias", "head.bias"},
};

// torchvision's packed in_proj is laid out q, k, v like timm's qkv.
constexpr Alias kTorchvisionBlock[] = {
    {"ln_1.weight", "norm1.weight"},
    {"ln_1.bias", "norm1.bias"},
    {"self_attention.in_proj_weight", "attn.qkv.weight"},
    {"self_attention.in_proj_bias", "attn.qkv.bias"},
    {"self_attention.out_proj.weight", "attn.proj.weight"},
    {"self_attention.out_proj.bias", "attn.proj.bias"},
    {"ln_2.weight", "norm2.weight"},
    {"ln_2.bias", "norm2.bias"},
    {"mlp.0.weight", "mlp.fc1.weight"}, // torchvision before 0.13: Sequential indices
    {"mlp.0.bias", "mlp.fc1.bias"},
    {"mlp.3.weight", "mlp.fc2.weight"},
    {"mlp.3.bias", "mlp.fc2.bias"},
    {"mlp.linear_1.weight", "mlp.fc1.weight"},
    {"mlp.linear_1.bias", "mlp.fc1.bias"},
    {"mlp.linear_2.weight", "mlp.fc2.weight"},
    {"mlp.linear_2.bias", "mlp.fc2.bias"},
};

constexpr Alias kHuggingFaceTop[] = {
    {"vit.embeddings.cls_token", "cls_token"},
    {"vit.embeddings.position_embeddings", "pos_embed"},
    {"vit.embeddings.patch_embeddings.projection.weight", "patch_embed.proj.weight"},
    {"vit.embeddings.patch_embeddings.projection.bias", "patch_embed.proj.bias"},
    {"vit.layernorm.weight", "norm.weight"},
    {"vit.layernorm.bias", "norm.bias"},
    {"classifier.weight", "head.weight"},
    {"classifier.bias", "head.bias"},
};

constexpr Alias kHuggingFaceBlock[] = {
    {"layernorm_before.weight", "norm1.weight"},
    {"layernorm_before.bias", "norm1.bias"},
    {"attention.attention.query.weight", "attn.qkv.weight", 0},
    {"attention.attention.key.weight", "attn.qkv.weight", 1},
    {"attention.attention.value.weight", "attn.qkv.weight", 2},
    {"attention.attention.query.bias", "attn.qkv.bias", 0},
    {"attention.attention.key.bias", "attn.qkv.bias", 1},
    {"attention.attention.value.bias", "attn.qkv.bias", 2},
    {"attention.output.dense.weight", "attn.proj.weight"},
    {"attention.output.dense.bias", "attn.proj.bias"},
    {"layernorm_after.weight", "norm2.weight"},
    {"layernorm_after.bias", "norm2.bias"},
    {"intermediate.dense.weight", "mlp.fc1.weight"},
    {"intermediate.dense.bias", "mlp.fc1.bias"},
    {"output.dense.weight", "mlp.fc2.weight"},
    {"output.dense.bias", "mlp.fc2.bias"},
};

// ViTForImageClassification never uses these; a ViTModel saved with them still classifies.
constexpr const char* kHuggingFaceIgnored[] = {"vit.pooler.", "vit.embeddings.mask_token"};

struct Vocabulary {
    Format format;
    const Alias* top;
    size_t topCount;
    const char* blockPrefix;
    const Alias* block; ///< nullptr: timm, whose block names are ours
    size_t blockCount;
};

const Vocabulary kVocabularies[] = {
    {Format::Timm, kTimmTop, std::size(kTimmTop), "blocks.", nullptr, 0},
    {Format::Torchvision, kTorchvisionTop, std::size(kTorchvisionTop),
     "encoder.layers.encoder_layer_", kTorchvisionBlock, std::size(kTorchvisionBlock)},
    {Format::HuggingFace, kHuggingFaceTop, std::size(kHuggingFaceTop), "vit.encoder.layer.",
     kHuggingFaceBlock, std::size(kHuggingFaceBlock)},
};

/// A file tensor seen as ours: which name, which part, which block (-1: outside the blocks).
struct Mapped {
    std::string ours;
    int part = -1;
    int64_t block = -1;
};

/// "12.attn.qkv.weight" after a block prefix -> (12, "attn.qkv.weight"); false if no index.
bool splitBlock(const std::string& rest, int64_t& index, std::string& inner)
{
    size_t digits = 0;
    while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits])))
        ++digits;
    if (digits == 0 || digits > 6 || digits >= rest.size() || rest[digits] != '.')
        return false;
    index = std::stoll(rest.substr(0, digits));
    inner = rest.substr(digits + 1);
    return true;
}

/// The tensor as ours in vocabulary v; false when v has no such name.
bool mapIn(const Vocabulary& v, const std::string& name, Mapped& out)
{
    for (size_t i = 0; i < v.topCount; ++i)
        if (name == v.top[i].theirs) {
            out = {v.top[i].ours, v.top[i].part, -1};
            return true;
        }
    const std::string prefix = v.blockPrefix;
    std::string inner;
    int64_t index = 0;
    if (name.rfind(prefix, 0) != 0 || !splitBlock(name.substr(prefix.size()), index, inner))
        return false;
    const std::string blockPrefix = "blocks." + std::to_string(index) + ".";
    if (!v.block) {
        for (int p = 0; p < kBlockParamCount; ++p)
            if (inner == blockParamName(p)) {
                out = {blockPrefix + inner, -1, index};
                return true;
            }
        out = {"", -1, index}; // a timm block tensor we do not support
        return true;
    }
    for (size_t i = 0; i < v.blockCount; ++i)
        if (inner == v.block[i].theirs) {
            out = {blockPrefix + v.block[i].ours, v.block[i].part, index};
            return true;
        }
    out = {"", -1, index};
    return true;
}

bool ignoredHuggingFace(const std::string& name)
{
    for (const char* prefix : kHuggingFaceIgnored)
        if (name.rfind(prefix, 0) == 0)
            return true;
    return false;
}

/// The vocabulary the file's names belong to; throws when none or several.
const Vocabulary& detect(const std::vector<io::TensorInfo>& tensors, const std::string& path)
{
    std::set<const Vocabulary*> found;
    for (const auto& t : tensors)
        for (const auto& v : kVocabularies) {
            Mapped m;
            if (mapIn(v, t.name, m) && (m.block >= 0 || !m.ours.empty()))
                found.insert(&v);
        }
    if (found.empty())
        throw fileError(path, "not a TLEG Studio model (no 'tleg_kind' in __metadata__) and no "
                              "ViT tensors of timm / DeiT ('blocks.0.attn.qkv.weight'), "
                              "torchvision ('encoder.layers.encoder_layer_0.…') or Hugging Face "
                              "('vit.encoder.layer.0.…'); 'tleg info' lists its tensors");
    if (found.size() > 1)
        throw fileError(path, "mixes tensor names of timm, torchvision and Hugging Face ViTs; "
                              "cannot tell which model it is");
    return **found.begin();
}

void checkDtype(const io::TensorInfo& t, const std::string& path)
{
    if (t.dtype != "F32" && t.dtype != "F16" && t.dtype != "BF16" && t.dtype != "F64")
        throw fileError(path, "tensor '" + t.name + "' is " + t.dtype
                                  + "; a model's weights must be floating point");
}

/// Hugging Face's q, k and v become one qkv tensor of three times the rows.
void joinParts(Layout& l, std::map<std::string, std::vector<const io::TensorInfo*>>& parts,
               const std::string& path)
{
    static const char* kPart[] = {"query", "key", "value"};
    for (auto& [ours, infos] : parts) {
        Source s;
        for (int p = 0; p < 3; ++p) {
            if (!infos[size_t(p)])
                throw fileError(path, "has no attention " + std::string(kPart[p]) + " tensor for "
                                          + ours + " (the other parts are there)");
            s.parts.push_back(infos[size_t(p)]->name);
            if (infos[size_t(p)]->shape != infos[0]->shape || infos[0]->shape.empty())
                throw fileError(path, "tensor '" + infos[size_t(p)]->name + "' has shape "
                                          + shapeText(infos[size_t(p)]->shape) + ", its query "
                                          + shapeText(infos[0]->shape));
        }
        s.theirs = s.parts[0];
        s.shape = infos[0]->shape;
        s.shape[0] *= 3;
        l.tensors[ours] = s;
    }
}

} // namespace

const char* formatName(Format f)
{
    switch (f) {
    case Format::Timm:
        return "timm";
    case Format::Torchvision:
        return "torchvision";
    case Format::HuggingFace:
        return "huggingface";
    }
    return "?";
}

std::string Source::quoted() const
{
    if (parts.empty())
        return "'" + theirs + "'";
    return "'" + parts[0] + "' / '" + parts[1] + "' / '" + parts[2] + "'";
}

std::string shapeText(const std::vector<int64_t>& shape)
{
    std::ostringstream os;
    os << "[";
    for (size_t i = 0; i < shape.size(); ++i)
        os << (i ? ", " : "") << shape[i];
    os << "]";
    return os.str();
}

Layout mapNames(const std::vector<io::TensorInfo>& tensors, const std::string& path)
{
    const Vocabulary& v = detect(tensors, path);
    Layout l;
    l.format = v.format;
    std::map<std::string, std::vector<const io::TensorInfo*>> parts;
    int64_t lastBlock = -1;
    for (const auto& t : tensors) {
        Mapped m;
        if (v.format == Format::HuggingFace && ignoredHuggingFace(t.name)) {
            l.ignored.push_back(t.name);
            continue;
        }
        if (!mapIn(v, t.name, m) || m.ours.empty())
            throw fileError(path, "tensor '" + t.name + "' is not part of a " + formatName(v.format)
                                      + " ViT that TLEG Studio can load (supported: patch "
                                        "embedding, class / distillation token, position "
                                        "embedding, pre-norm blocks, final norm or fc_norm, head)");
        checkDtype(t, path);
        lastBlock = std::max(lastBlock, m.block);
        if (m.part >= 0) {
            auto& slot = parts[m.ours];
            slot.resize(3, nullptr);
            if (slot[size_t(m.part)])
                throw fileError(path, "tensor '" + t.name + "' appears twice");
            slot[size_t(m.part)] = &t;
            continue;
        }
        if (l.tensors.count(m.ours))
            throw fileError(path, "tensors " + l.tensors[m.ours].quoted() + " and '" + t.name
                                      + "' are the same parameter (" + m.ours + ")");
        l.tensors[m.ours] = {t.name, t.shape, {}};
    }
    joinParts(l, parts, path);
    l.depth = lastBlock + 1;
    return l;
}

std::string theirName(Format format, const std::string& ours)
{
    const Vocabulary* v = nullptr;
    for (const auto& candidate : kVocabularies)
        if (candidate.format == format)
            v = &candidate;
    for (size_t i = 0; i < v->topCount; ++i)
        if (ours == v->top[i].ours)
            return "'" + std::string(v->top[i].theirs) + "'";
    int64_t index = 0;
    std::string inner;
    if (!v->block || ours.rfind("blocks.", 0) != 0 || !splitBlock(ours.substr(7), index, inner))
        return "'" + ours + "'";
    const std::string prefix = v->blockPrefix + std::to_string(index) + ".";
    std::string names;
    for (size_t i = 0; i < v->blockCount; ++i)
        if (inner == v->block[i].ours && (names.empty() || v->block[i].part > 0))
            names += (names.empty() ? "'" : " / '") + prefix + v->block[i].theirs + "'";
    return names.empty() ? "'" + ours + "'" : names;
}

std::vector<std::pair<std::string, std::vector<int64_t>>> vitParameterShapes(const ViTConfig& c)
{
    const int64_t d = c.dim, k = c.numClasses, h = c.hiddenDim();
    std::vector<std::pair<std::string, std::vector<int64_t>>> out; // own tensors, then modules
    if (c.hasClassToken())
        out.push_back({"cls_token", {1, 1, d}});
    if (c.distillationToken)
        out.push_back({"dist_token", {1, 1, d}});
    out.push_back({"pos_embed", {1, c.numTokens(), d}});
    out.push_back({"patch_embed.proj.weight", {d, c.channels, c.patchSize, c.patchSize}});
    out.push_back({"patch_embed.proj.bias", {d}});
    const std::string norm = c.pooling == Pooling::ClassToken ? "norm" : "fc_norm";
    out.push_back({norm + ".weight", {d}});
    out.push_back({norm + ".bias", {d}});
    out.push_back({"head.weight", {k, d}});
    out.push_back({"head.bias", {k}});
    if (c.distillationToken) {
        out.push_back({"head_dist.weight", {k, d}});
        out.push_back({"head_dist.bias", {k}});
    }
    const std::vector<int64_t> shapes[kBlockParamCount] = {
        {d}, {d}, {3 * d, d}, {3 * d}, {d, d}, {d}, {d}, {d}, {h, d}, {h}, {d, h}, {d}};
    for (int64_t i = 0; i < c.depth; ++i)
        for (int p = 0; p < kBlockParamCount; ++p)
            if (p != QkvBias || c.qkvBias)
                out.push_back({"blocks." + std::to_string(i) + "." + blockParamName(p), shapes[p]});
    return out;
}

} // namespace tleg::model::foreign
