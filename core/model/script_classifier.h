#pragma once
// Any TorchScript classifier seen as one of ours, so that it can be a teacher, be evaluated
// and be described like a TLEG model; and opening a model file of either kind.
// Usage:
//   auto net = loadAnyClassifier("teacher.pt", &md);       // or a .safetensors of ours
//   torch::Tensor z = net->forward(images);                // [B, classes]; md.kind "torchscript"
#include "model/model_io.h"

#include <torch/script.h>

namespace tleg::model {

class ScriptClassifierImpl : public ClassifierImpl {
public:
    /// Loads path with torch::jit::load; throws tleg::Error naming it when that fails.
    explicit ScriptClassifierImpl(const std::string& path);
    /// The module's forward(); a tuple (DeiT's logits and distillation logits) gives its first
    /// element. Errors name the file.
    torch::Tensor forward(const torch::Tensor& images) override;
    std::string kind() const override { return "torchscript"; }
    nlohmann::json architecture() const override { return nlohmann::json::object(); }
    /// Parameters of the scripted module.
    int64_t parameterCount();
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    torch::jit::Module m_module;
};

/// True when path is a zip archive (how TorchScript is saved): "PK\3\4" at the start and not a
/// safetensors header (whose 8-byte length may begin with "PK" too).
bool isTorchScriptFile(const std::string& path);

/// A safetensors model of ours (loadClassifier) or a TorchScript classifier, by content. For
/// TorchScript, metadata->kind is "torchscript" and the architecture is empty.
std::shared_ptr<ClassifierImpl> loadAnyClassifier(const std::string& path,
                                                  ModelMetadata* metadata = nullptr);

} // namespace tleg::model
