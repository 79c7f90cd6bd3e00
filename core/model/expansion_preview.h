#pragma once
// What expanding a learngene to a given depth will produce, without building the model: the
// per-layer coefficients, size and cost of the Des-Net, and the storage comparison (S-Params)
// of one learngene against one stored model per depth. Cheap enough for a slider.
// Usage:
//   ExpansionPreview p = previewExpansion(learngene.config, learngene.storedParams(), 8);
//   for (double c : p.coefficients) ...;   p.params, p.macs, p.storedPerDepthModels
#include "model/vit_config.h"

#include <vector>

namespace tleg::model {

struct ExpansionPreview {
    int64_t depth = 0;
    std::vector<double> coefficients; // c_i = i / depth, i = 0..depth-1
    int64_t params = 0;               // parameters of the Des-Net
    int64_t macs = 0;                 // multiply-accumulates per image (the paper's "FLOPs")
    int64_t learngeneStored = 0;      // S-Params of the learngene: initialises every depth
    /// S-Params of the alternative: one pre-trained model stored for each depth 1..depth
    /// (head excluded, as for the learngene).
    int64_t storedPerDepthModels = 0;
};

/// auxConfig: the learngene's architecture; learngeneStored: Learngene::storedParams().
ExpansionPreview previewExpansion(const ViTConfig& auxConfig, int64_t learngeneStored,
                                  int64_t depth);

} // namespace tleg::model
