#pragma once
// Inside the foreign-checkpoint importer (foreign_model.h): the file's tensor names mapped onto
// timm's, and what sidecar configs claim. Not for use outside core/model/foreign_*.cpp.
// Usage:
//   Layout l = mapNames(header.tensors, path);          // l.tensors["blocks.0.attn.qkv.weight"]
//   std::vector<Claim> c = readSidecars(l.format, dir); // {"heads", 6, "config.json: ..."}
#include "io/safetensors.h"
#include "model/vit_config.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace tleg::model::foreign {

enum class Format { Timm, Torchvision, HuggingFace };
const char* formatName(Format f); // "timm", "torchvision", "huggingface"

/// One tensor of ours (a timm name) and where it comes from in the file.
struct Source {
    std::string theirs;             ///< its name in the file (HF qkv: the query's)
    std::vector<int64_t> shape;     ///< as ours (HF q, k, v concatenated along the rows)
    std::vector<std::string> parts; ///< HF qkv: the query, key and value tensors, in order
    /// "'blocks.0.attn.qkv.weight'", or the three HF names: for messages.
    std::string quoted() const;
};

struct Layout {
    Format format = Format::Timm;
    std::map<std::string, Source> tensors; ///< by our (timm) name
    int64_t depth = 0;                     ///< blocks 0..depth-1, every index present
    std::vector<std::string> ignored;      ///< file tensors that play no part (HF pooler)

    bool has(const std::string& ours) const { return tensors.count(ours) != 0; }
};

/// Maps every tensor of a file without TLEG metadata onto timm names. Throws tleg::Error naming
/// path and the tensor for names of no known ViT layout, mixed layouts, a tensor we do not
/// support (layer scale, register tokens, ...) or a dtype that is not floating point.
Layout mapNames(const std::vector<io::TensorInfo>& tensors, const std::string& path);

/// Our (timm) name as the file's format spells it, for a tensor that is missing:
/// "'conv_proj.bias'", Hugging Face's qkv as its three parts.
std::string theirName(Format format, const std::string& ours);

/// Something a sidecar config says about the model: key is one of heads, image_size,
/// patch_size, channels, dim, depth, hidden, classes, layer_norm_eps, qkv_bias, hidden_act,
/// mean, std.
struct Claim {
    std::string key;
    nlohmann::json value;
    std::string from; ///< "config.json (num_attention_heads)", ...
};

/// What the configs beside the weights say: Hugging Face's config.json and
/// preprocessor_config.json, or timm's config.json (architecture name, pretrained_cfg,
/// model_args). notes gets a line for a config that is there but was not understood.
/// Throws tleg::Error naming the config file when it is not valid JSON or not a regular file.
std::vector<Claim> readSidecars(Format format, const std::string& dir,
                                std::vector<std::string>& notes);

/// timm model names: "vit_small_patch16_224.augreg_in21k" -> heads 6, patch 16, 224 px (the
/// parts it can tell; ti / s / b / l and medium / huge).
std::vector<Claim> claimsFromTimmName(const std::string& name, const std::string& from);

/// The names and shapes of a ViTImpl's parameters for cfg, in named_parameters() order, without
/// building it.
std::vector<std::pair<std::string, std::vector<int64_t>>> vitParameterShapes(const ViTConfig& cfg);

std::string shapeText(const std::vector<int64_t>& shape); // "[1, 17, 32]"

} // namespace tleg::model::foreign
