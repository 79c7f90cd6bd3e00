#pragma once
// What a weights file holds, for the weight view: every tensor with its shape, dtype, parameter
// count, statistics and a histogram, grouped by block ("blocks.3", "vit.encoder.layer.3",
// "learngene.A") in file order; for a learngene, θ_A and θ_B sizes per layer kind. Any
// safetensors file (TLEG model, learngene, Aux-Net, timm / Hugging Face / torchvision).
// Usage:
//   runInBackground(this, [path] { return summarizeWeights(path); }, show);   // never the GUI
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tleg::gui {

struct TensorSummary {
    std::string name, dtype;
    std::vector<int64_t> shape;
    int64_t params = 0;
    double mean = 0, std = 0, min = 0, max = 0;
    std::vector<int64_t> histogram; ///< counts in kHistogramBins equal bins over [min, max]
};

struct WeightGroup {
    std::string name; ///< "blocks.3", "learngene.A", "other"
    int64_t params = 0;
    std::vector<TensorSummary> tensors;
};

struct LearngeneRow {
    std::string kind; ///< the block parameter, "attn.qkv.weight"
    int64_t thetaA = 0, thetaB = 0;
};

struct WeightSummary {
    std::string path, kind; ///< kind: the file's tleg_kind ("" for a foreign file)
    int64_t params = 0, tensors = 0;
    std::vector<WeightGroup> groups;
    std::vector<LearngeneRow> learngene; ///< empty unless the file holds learngene.A/B tensors
};

constexpr int kHistogramBins = 40;

/// The group a tensor name belongs to: the name up to its first numeric part ("blocks.3.attn"
/// -> "blocks.3", "encoder.layers.encoder_layer_3.mlp" -> "encoder.layers.encoder_layer_3"),
/// "learngene.A" / "learngene.B" for θ_A / θ_B, else "other".
std::string weightGroupOf(const std::string& tensorName);

/// Reads path (io::readSafetensors: validated, bounded) and summarises it. Throws tleg::Error
/// naming the file.
WeightSummary summarizeWeights(const std::string& path);

} // namespace tleg::gui
