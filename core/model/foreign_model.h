#pragma once
// Foreign ViT checkpoints as models: timm / DeiT (also distilled, also fc_norm pooling),
// Hugging Face ViTForImageClassification (a folder, or its model.safetensors) and torchvision
// VisionTransformer state dicts, all as safetensors. The architecture comes from the tensor
// shapes; what shapes cannot tell (heads, mean/std) from a sidecar config beside the file, else
// from ModelHints, else an error naming the missing option. The result is an ordinary ViTImpl
// whose metadata (kind "vit", architecture, extra["normalization"], extra["imported"]) reads like
// a TLEG file's: saved again by TLEG Studio it is one, with timm names.
// Usage:
//   if (isForeignModel(path)) { ModelMetadata md; auto vit = loadForeignModel(path, hints, &md); }
//   ForeignImport what = inspectForeignModel(path, hints);  // header and configs only, no weights
//   std::cout << importDescription(md.extra);               // format, fields and sources
#include "model/model_hints.h"
#include "model/model_io.h"

#include <string>
#include <vector>

namespace tleg::model {

/// What was inferred about a foreign checkpoint and from where.
struct ForeignImport {
    std::string format;  ///< "timm", "deit-distilled", "huggingface" or "torchvision"
    std::string path;    ///< as given (a file or a Hugging Face folder)
    std::string weights; ///< the safetensors file read
    ViTConfig config;
    std::vector<float> mean, std;
    struct Field {
        std::string name, value, from; ///< "heads", "6", "config.json (num_attention_heads)"
    };
    std::vector<Field> fields;
    std::vector<std::string> notes; ///< assumptions and ignored tensors, one line each

    /// What goes into ModelMetadata::extra["imported"].
    nlohmann::json toJson() const;
};

/// True for a folder (Hugging Face layout) and for a safetensors file without TLEG metadata;
/// false for TLEG files and TorchScript. Reads at most the header; throws only for a folder
/// that cannot be stat'ed.
bool isForeignModel(const std::string& path);

/// The safetensors file a path names: itself, or a folder's model.safetensors (an error naming
/// the folder when it has none).
std::string foreignWeightsPath(const std::string& path);

/// Infers everything from the header and the sidecar configs, without reading tensor data, and
/// checks every tensor's shape against the result. Throws tleg::Error naming the file and the
/// tensor, config key or option (hints.option(...)) at fault.
ForeignImport inspectForeignModel(const std::string& path, const ModelHints& hints = {});

/// inspectForeignModel, then the weights into a ViTImpl (any float dtype becomes float32).
/// metadata: kind "vit", the architecture, extra {"normalization", "imported"}.
std::shared_ptr<ViTImpl> loadForeignModel(const std::string& path, const ModelHints& hints = {},
                                          ModelMetadata* metadata = nullptr);

/// Lines saying what an imported model is and where each inferred field came from; empty for a
/// model that was not imported (extra without "imported").
std::string importDescription(const nlohmann::json& extra);
/// The same as one line of fields (a log line), then a "note: ..." line per note; empty when
/// not imported.
std::string importSummary(const nlohmann::json& extra);

} // namespace tleg::model
