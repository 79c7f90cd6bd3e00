#pragma once
// Weight-linearity results as JSON (everything) and CSV (per-layer points for plotting), shared
// by the CLI and the GUI's export buttons.
// Usage:
//   std::vector<ModelLinearity> models = {analyseLinearity(loadLayerWeights(path))};
//   writeTextAtomic("points.csv", linearityCsv(models));
//   writeTextAtomic("pca.json", linearityJson(models).dump(2));   // NaN becomes null
#include "analysis/linearity.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tleg::analysis {

/// One object per model with its per-kind figures and per-layer series.
nlohmann::json linearityJson(const std::vector<ModelLinearity>& models);

/// Header "model,kind,layer,block,pc1,pc2,norm,cos_next" and one row per model, kind and
/// layer; cos_next is empty for the last layer. model is the path, quoted when needed.
std::string linearityCsv(const std::vector<ModelLinearity>& models);

} // namespace tleg::analysis
