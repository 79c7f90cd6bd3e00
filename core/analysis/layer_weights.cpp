#include "analysis/layer_weights.h"

#include "model/block.h"
#include "model/foreign_model.h"
#include "model/model_io.h"
#include "model/script_classifier.h"
#include "util/error.h"

#include <torch/script.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>

namespace tleg::analysis {

namespace {

struct Alias {
    const char* from;
    const char* to;
};

// torchvision's VisionTransformer: packed in_proj is laid out q, k, v like timm's qkv.
constexpr Alias kTorchvision[] = {
    {"ln_1.weight", "norm1.weight"},
    {"ln_1.bias", "norm1.bias"},
    {"self_attention.in_proj_weight", "attn.qkv.weight"},
    {"self_attention.in_proj_bias", "attn.qkv.bias"},
    {"self_attention.out_proj.weight", "attn.proj.weight"},
    {"self_attention.out_proj.bias", "attn.proj.bias"},
    {"ln_2.weight", "norm2.weight"},
    {"ln_2.bias", "norm2.bias"},
    {"mlp.0.weight", "mlp.fc1.weight"}, // older torchvision: Sequential indices
    {"mlp.0.bias", "mlp.fc1.bias"},
    {"mlp.3.weight", "mlp.fc2.weight"},
    {"mlp.3.bias", "mlp.fc2.bias"},
    {"mlp.linear_1.weight", "mlp.fc1.weight"},
    {"mlp.linear_1.bias", "mlp.fc1.bias"},
    {"mlp.linear_2.weight", "mlp.fc2.weight"},
    {"mlp.linear_2.bias", "mlp.fc2.bias"},
};

// Hugging Face ViTModel: q, k, v are separate and get concatenated in that order.
constexpr Alias kHuggingFace[] = {
    {"layernorm_before.weight", "norm1.weight"},
    {"layernorm_before.bias", "norm1.bias"},
    {"attention.attention.query.weight", "attn.q.weight"},
    {"attention.attention.query.bias", "attn.q.bias"},
    {"attention.attention.key.weight", "attn.k.weight"},
    {"attention.attention.key.bias", "attn.k.bias"},
    {"attention.attention.value.weight", "attn.v.weight"},
    {"attention.attention.value.bias", "attn.v.bias"},
    {"attention.output.dense.weight", "attn.proj.weight"},
    {"attention.output.dense.bias", "attn.proj.bias"},
    {"layernorm_after.weight", "norm2.weight"},
    {"layernorm_after.bias", "norm2.bias"},
    {"intermediate.dense.weight", "mlp.fc1.weight"},
    {"intermediate.dense.bias", "mlp.fc1.bias"},
    {"output.dense.weight", "mlp.fc2.weight"},
    {"output.dense.bias", "mlp.fc2.bias"},
};

struct Marker {
    const char* text;
    Naming naming;
};
// torchvision's marker comes first: Hugging Face's "encoder.layer." is not a prefix of it, but
// checking the longer one first keeps the intent obvious.
constexpr Marker kMarkers[] = {
    {"encoder.layers.encoder_layer_", Naming::Torchvision},
    {"encoder.layer.", Naming::HuggingFace},
    {"blocks.", Naming::Timm},
};

int canonicalOrder(const std::string& kind)
{
    for (int p = 0; p < model::kBlockParamCount; ++p)
        if (kind == model::blockParamName(p))
            return p;
    return model::kBlockParamCount;
}

std::string mapKind(const std::string& rest, Naming naming)
{
    if (naming == Naming::Timm)
        return canonicalOrder(rest) < model::kBlockParamCount ? rest : std::string();
    auto find = [&](const auto& table) {
        for (const Alias& a : table)
            if (rest == a.from)
                return std::string(a.to);
        return std::string();
    };
    return naming == Naming::Torchvision ? find(kTorchvision) : find(kHuggingFace);
}

/// A flat float32 view of t (no copy when it already is contiguous float32).
torch::Tensor floatRow(const torch::Tensor& t, const std::string& name, const std::string& path)
{
    if (!torch::isFloatingType(t.scalar_type()))
        throw fileError(path, "tensor '" + name + "' has dtype "
                                  + std::string(c10::toString(t.scalar_type()))
                                  + "; only floating-point weights can be analysed");
    return t.to(torch::kFloat).contiguous().reshape({-1});
}

/// Hugging Face's separate q, k, v of each block become one qkv tensor, as timm stores it.
void joinQkv(std::map<std::string, torch::Tensor>& kinds, int64_t block, const std::string& path)
{
    for (const std::string suffix : {"weight", "bias"}) {
        const std::string q = "attn.q." + suffix, k = "attn.k." + suffix, v = "attn.v." + suffix;
        const int present = int(kinds.count(q)) + int(kinds.count(k)) + int(kinds.count(v));
        if (present == 0)
            continue;
        if (present != 3)
            throw fileError(path, "block " + std::to_string(block)
                                      + " has only some of the "
                                        "attention query/key/value "
                                      + suffix + "s");
        kinds["attn.qkv." + suffix] = torch::cat({kinds[q], kinds[k], kinds[v]});
        kinds.erase(q);
        kinds.erase(k);
        kinds.erase(v);
    }
}

std::string tlegDescription(const std::map<std::string, std::string>& metadata)
{
    auto kind = metadata.find("tleg_kind");
    if (kind == metadata.end())
        return {};
    std::string text = ", TLEG " + kind->second;
    auto extra = metadata.find("tleg");
    if (extra != metadata.end()) {
        try {
            const auto j = nlohmann::json::parse(extra->second);
            // Trained models keep the role at the top; 'tleg expand' nests it in provenance.
            auto role = j.value("/role"_json_pointer, std::string());
            if (role.empty())
                role = j.value("/provenance/role"_json_pointer, std::string());
            if (!role.empty())
                text += " (" + role + ")";
        } catch (const nlohmann::json::exception&) {
            // Provenance only decorates the header; a model without it is still a model.
        }
    }
    return text;
}

LayerWeights loadTorchScript(const std::string& path)
{
    torch::jit::Module module;
    try {
        module = torch::jit::load(path);
    } catch (const c10::Error& e) {
        throw fileError(path,
                        std::string("cannot load as TorchScript: ") + e.what_without_backtrace());
    }
    io::NamedTensors tensors;
    for (const auto& p : module.named_parameters(true))
        tensors.emplace_back(p.name, p.value.detach());
    LayerWeights w = layerWeightsFromTensors(tensors, path);
    w.description = std::string("TorchScript, ") + namingName(w.naming) + " names";
    return w;
}

/// An Aux-Net's blocks are θ_B + c_i·θ_A; the model itself says which tensors are expanded.
LayerWeights loadAuxNet(const std::string& path, const io::SafetensorsFile& file)
{
    auto net = std::dynamic_pointer_cast<model::AuxNetImpl>(model::loadClassifier(path));
    if (!net)
        throw fileError(path, "is marked as an Aux-Net but does not load as one");
    if (net->config().depth > kMaxLayers)
        throw fileError(path, "is an Aux-Net of depth " + std::to_string(net->config().depth) +
                                  "; the linearity analysis takes at most " +
                                  std::to_string(kMaxLayers) + " blocks");
    torch::NoGradGuard guard;
    io::NamedTensors tensors;
    for (int64_t i = 0; i < net->config().depth; ++i) {
        const model::BlockWeights w = net->blockWeights(i);
        for (int p = 0; p < model::kBlockParamCount; ++p)
            if (w[p].defined())
                tensors.emplace_back("blocks." + std::to_string(i) + "." + model::blockParamName(p),
                                     w[p].detach());
    }
    LayerWeights w = layerWeightsFromTensors(tensors, path);
    w.totalParameters = 0;
    for (const auto& [name, t] : model::parameterTensors(file))
        w.totalParameters += t.numel();
    w.description = "safetensors, TLEG auxnet: effective blocks θ_B + c_i·θ_A";
    return w;
}

} // namespace

const char* namingName(Naming n)
{
    switch (n) {
    case Naming::Timm:
        return "timm";
    case Naming::Torchvision:
        return "torchvision";
    case Naming::HuggingFace:
        return "Hugging Face";
    }
    return "?";
}

int64_t LayerWeights::kindParameters(const std::string& kind) const
{
    auto it = tensors.find(kind);
    return it == tensors.end() || it->second.empty() ? 0 : it->second.front().numel();
}

int64_t LayerWeights::blockParameters() const
{
    int64_t n = 0;
    for (const auto& kind : kinds)
        n += kindParameters(kind);
    return n;
}

bool parseBlockName(const std::string& name, int64_t* block, std::string* kind, Naming* naming)
{
    for (const Marker& m : kMarkers) {
        const std::string marker = m.text;
        size_t at = name.find(marker);
        // The marker must start a name component: "vit.encoder.layer.3" yes, "xblocks.3" no.
        while (at != std::string::npos && at != 0 && name[at - 1] != '.')
            at = name.find(marker, at + 1);
        if (at == std::string::npos)
            continue;
        size_t pos = at + marker.size(), digits = pos;
        while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits])))
            ++digits;
        if (digits == pos || digits - pos > 9 || digits >= name.size() || name[digits] != '.')
            continue;
        *block = std::stoll(name.substr(pos, digits - pos));
        *naming = m.naming;
        *kind = mapKind(name.substr(digits + 1), m.naming);
        return true;
    }
    return false;
}

LayerWeights layerWeightsFromTensors(const io::NamedTensors& tensors, const std::string& path)
{
    LayerWeights w;
    w.path = path;
    std::map<int64_t, std::map<std::string, torch::Tensor>> blocks; // sorted numerically
    std::set<Naming> namings;
    for (const auto& [name, t] : tensors) {
        if (model::isOptimizerState(name))
            continue;
        w.totalParameters += t.numel();
        int64_t block = 0;
        std::string kind;
        Naming naming = Naming::Timm;
        if (!parseBlockName(name, &block, &kind, &naming))
            continue;
        namings.insert(naming);
        if (kind.empty()) {
            w.ignored.push_back(name);
            continue;
        }
        if (blocks[block].count(kind))
            throw fileError(path, "two tensors of block " + std::to_string(block) + " map onto "
                                      + kind + " (one is '" + name + "')");
        blocks[block][kind] = floatRow(t, name, path);
    }
    if (blocks.empty())
        throw fileError(path, "no Transformer blocks found: expected timm 'blocks.{i}.*', "
                              "torchvision 'encoder.layers.encoder_layer_{i}.*' or Hugging Face "
                              "'encoder.layer.{i}.*' parameter names");
    if (namings.size() > 1)
        throw fileError(path, "mixes block names of different libraries (timm, torchvision, "
                              "Hugging Face); cannot tell which tensors form a layer");
    if (blocks.size() > static_cast<size_t>(kMaxLayers))
        throw fileError(path, "has " + std::to_string(blocks.size()) +
                                  " blocks; the linearity analysis takes at most " +
                                  std::to_string(kMaxLayers) +
                                  " (its work grows with the square of the layer count)");
    w.naming = *namings.begin();

    std::set<std::string> allKinds;
    for (auto& [index, kinds] : blocks) {
        joinQkv(kinds, index, path);
        for (const auto& entry : kinds)
            allKinds.insert(entry.first);
    }
    w.kinds.assign(allKinds.begin(), allKinds.end());
    std::stable_sort(w.kinds.begin(), w.kinds.end(), [](const auto& a, const auto& b) {
        return canonicalOrder(a) < canonicalOrder(b);
    });
    for (const auto& [index, kinds] : blocks) {
        w.blockIndices.push_back(index);
        for (const auto& kind : w.kinds) {
            auto it = kinds.find(kind);
            if (it == kinds.end())
                throw fileError(path, "block " + std::to_string(index) + " lacks " + kind
                                          + ", which other blocks have");
            auto& rows = w.tensors[kind];
            if (!rows.empty() && rows.front().numel() != it->second.numel())
                throw fileError(path, kind + " of block " + std::to_string(index) + " has "
                                          + std::to_string(it->second.numel())
                                          + " elements, that of block "
                                          + std::to_string(w.blockIndices.front()) + " has "
                                          + std::to_string(rows.front().numel()));
            rows.push_back(it->second);
        }
    }
    return w;
}

LayerWeights loadLayerWeights(const std::string& given)
{
    std::error_code ec;
    // A Hugging Face model folder: its model.safetensors (the model loader's rule).
    const std::string path =
        std::filesystem::is_directory(given, ec) ? model::foreignWeightsPath(given) : given;
    if (!std::filesystem::exists(path, ec))
        throw fileError(path, "no such file");
    if (!std::filesystem::is_regular_file(path, ec))
        throw fileError(path, "is not a regular file");
    char magic[2] = {0, 0};
    {
        std::ifstream in(path, std::ios::binary);
        if (!in)
            throw fileError(path, "cannot open for reading");
        in.read(magic, 2);
    }
    if (magic[0] == 'P' && magic[1] == 'K') { // TorchScript archives are zip files, but a
        bool safetensors = false;               // safetensors header length may start so too
        try {
            io::readSafetensorsHeader(path);
            safetensors = !model::isTorchScriptFile(path);
        } catch (const Error&) {
        }
        if (!safetensors)
            return loadTorchScript(path);
    }

    io::SafetensorsFile file = io::readSafetensors(path);
    auto kind = file.metadata.find("tleg_kind");
    if (kind != file.metadata.end() && kind->second == "learngene")
        throw fileError(path, "is a learngene (θ_A, θ_B), not a model; expand it into a Des-Net "
                              "first ('tleg expand --learngene FILE --depth N') and analyse that");
    if (kind != file.metadata.end() && kind->second == "auxnet")
        return loadAuxNet(path, file);
    LayerWeights w = layerWeightsFromTensors(file.tensors, path);
    w.description = std::string("safetensors, ") + namingName(w.naming) + " names"
                    + tlegDescription(file.metadata);
    return w;
}

} // namespace tleg::analysis
