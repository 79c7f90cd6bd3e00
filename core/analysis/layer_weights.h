#pragma once
// The per-layer weights of any ViT checkpoint, grouped by block and parameter kind, for the
// weight-linearity analysis. timm, torchvision and Hugging Face names map onto timm's kinds.
// Usage:
//   LayerWeights w = loadLayerWeights("des-8.safetensors");   // or a TorchScript .pt
//   for (const auto& kind : w.kinds) { const auto& rows = w.tensors.at(kind); ... }  // L rows
//   rows[l] is a flat float32 tensor: a view of the memory-mapped file whenever possible.
#include "io/safetensors.h"

#include <map>
#include <string>
#include <vector>

namespace tleg::analysis {

/// Whose parameter names a file uses.
enum class Naming { Timm, Torchvision, HuggingFace };
const char* namingName(Naming n); // "timm", "torchvision", "Hugging Face"

struct LayerWeights {
    std::string path;
    /// What the file is, for a report header: "safetensors, timm names, TLEG vit (desnet)", ...
    std::string description;
    Naming naming = Naming::Timm;
    /// Block indices as found in the file, sorted numerically; layer l is blockIndices[l].
    std::vector<int64_t> blockIndices;
    /// Kinds present in every block, in timm's block order ("norm1.weight", "attn.qkv.weight"...).
    std::vector<std::string> kinds;
    /// kind -> one flat, contiguous float32 tensor per layer (all of the same length).
    std::map<std::string, std::vector<torch::Tensor>> tensors;
    /// Every parameter in the file (optimizer state excluded), blocks and shared parts.
    int64_t totalParameters = 0;
    /// Block tensors whose names matched no kind (layer scale, q/k norms, ...): not analysed.
    std::vector<std::string> ignored;

    int64_t layers() const { return static_cast<int64_t>(blockIndices.size()); }
    /// Parameters of one layer of one kind, or of a whole block (the sum over kinds).
    int64_t kindParameters(const std::string& kind) const;
    int64_t blockParameters() const;
};

/// Loads a safetensors checkpoint (timm, torchvision or Hugging Face names, or a Hugging Face
/// model folder; a TLEG Aux-Net gives its effective blocks θ_B + c_i·θ_A) or a TorchScript
/// module. Throws tleg::Error naming the
/// file for anything it cannot analyse (learngene files, no blocks, inconsistent shapes, ...).
LayerWeights loadLayerWeights(const std::string& path);

/// Most blocks a model may have for the analysis: far above any ViT (ViT-G has 48), and the
/// Gram matrices and PCA cost grows with its square and cube.
constexpr int64_t kMaxLayers = 512;

/// Groups already loaded tensors; used by loadLayerWeights. `path` only names errors.
LayerWeights layerWeightsFromTensors(const io::NamedTensors& tensors, const std::string& path);

/// Splits a block tensor name into block index and timm kind, for any of the three namings.
/// Returns false for names outside the blocks. `kind` may be a Hugging Face q/k/v part
/// ("attn.q.weight", "attn.k.bias", ...), which the loader concatenates into attn.qkv.*.
bool parseBlockName(const std::string& name, int64_t* block, std::string* kind, Naming* naming);

} // namespace tleg::analysis
