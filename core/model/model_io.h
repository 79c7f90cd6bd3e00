#pragma once
// Saving and loading models as safetensors with timm names and a JSON __metadata__.
// Usage:
//   saveClassifier("runs/a/model.safetensors", *net, {{"provenance", {...}}});
//   auto net = loadClassifier("runs/a/model.safetensors");   // a ViTImpl or an AuxNetImpl
//   auto vit = loadViT(path);                                // throws unless it is a ViT
//   auto timm = loadClassifier("deit_s.safetensors", &md, hints); // foreign: foreign_model.h
#include "io/safetensors.h"
#include "model/aux_net.h"
#include "model/model_hints.h"
#include "model/vit.h"

#include <functional>
#include <memory>
#include <string>

namespace tleg::model {

/// Metadata keys written by TLEG Studio; each value is a JSON document as a string.
struct ModelMetadata {
    std::string kind;            // "vit", "auxnet", "learngene", "checkpoint"
    nlohmann::json architecture; // ViTConfig JSON
    nlohmann::json expansion;    // AuxOptions JSON (auxnet, learngene)
    nlohmann::json extra;        // provenance, metrics, normalization, ... (object)

    std::map<std::string, std::string> toStrings() const;
    /// Throws tleg::Error naming path if the file was not written by TLEG Studio.
    static ModelMetadata fromStrings(const std::map<std::string, std::string>& m,
                                     const std::string& path);
};

/// Kind, architecture and expansion of a model, with extra (provenance, metrics, ...).
ModelMetadata metadataFor(ClassifierImpl& model, const nlohmann::json& extra);

/// The module's parameters (and only those) as named tensors, in registration order.
io::NamedTensors namedTensors(const torch::nn::Module& module);

/// Training checkpoints carry "optim.*" tensors beside the model's own.
bool isOptimizerState(const std::string& name);
/// Parameters a file's header lists (optimizer state aside; only names keep accepts, when given),
/// without reading tensor data: a model's size, or the S-Params of a file.
int64_t headerParameterCount(const io::SafetensorsHeader& header,
                             const std::function<bool(const std::string&)>& keep = {});
/// A file's tensors without optimizer state: what loadTensorsInto expects.
io::NamedTensors parameterTensors(const io::SafetensorsFile& file);

/// Copies tensors into the module's parameters by name. Every parameter must be present with
/// the same shape; with strict, no extra tensor may be present either. Errors name the file.
void loadTensorsInto(torch::nn::Module& module, const io::NamedTensors& tensors,
                     const std::string& path, bool strict = true);

/// Called before a model is built from metadata: when expected (what the metadata describes)
/// is far more than the parameters tensors hold (optimizer state aside; more than twice, plus
/// 2^20), an error naming path says what the metadata described (what) and what the file holds,
/// so that a small file cannot make us allocate a huge model. Smaller mismatches pass: the
/// tensor-by-tensor check after building names the missing or misshapen tensor.
void checkParameterCount(const std::string& path, const io::NamedTensors& tensors, int64_t expected,
                         const std::string& what);

void saveClassifier(const std::string& path, ClassifierImpl& model,
                    const nlohmann::json& extra = nlohmann::json::object());
/// A model of ours, or a foreign checkpoint (timm / DeiT, Hugging Face folder or file,
/// torchvision; see foreign_model.h) imported with hints (what its shapes cannot tell).
std::shared_ptr<ClassifierImpl> loadClassifier(const std::string& path,
                                               ModelMetadata* metadata = nullptr,
                                               const ModelHints& hints = {});
std::shared_ptr<ViTImpl> loadViT(const std::string& path, ModelMetadata* metadata = nullptr,
                                 const ModelHints& hints = {});

} // namespace tleg::model
