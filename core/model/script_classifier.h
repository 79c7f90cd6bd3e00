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

/// True when path is a zip archive (how TorchScript is saved): "PK\3\4" at the start, an
/// end-of-central-directory record at the end, and not a safetensors header (whose 8-byte length
/// may begin with "PK" too, and even "PK\3\4").
bool isTorchScriptFile(const std::string& path);

/// A safetensors model of ours, a foreign ViT checkpoint (a file or a Hugging Face folder; see
/// loadClassifier and foreign_model.h) or a TorchScript classifier, by content. For
/// TorchScript, metadata->kind is "torchscript" and the architecture is empty.
std::shared_ptr<ClassifierImpl> loadAnyClassifier(const std::string& path,
                                                  ModelMetadata* metadata = nullptr,
                                                  const ModelHints& hints = {});

/// What a TorchScript classifier does with one probe batch of one input shape.
struct ScriptProbe {
    int64_t channels = 0, imageSize = 0;
    std::vector<int64_t> outputShape; ///< empty when forward() failed
    std::string error;                ///< its first line, when it failed
};
/// Runs forward() on batches of two blank images of each shape (channels, size) given, without
/// gradients: which inputs the module takes and what it returns.
std::vector<ScriptProbe>
probeScriptClassifier(ScriptClassifierImpl& net,
                      const std::vector<std::pair<int64_t, int64_t>>& shapes);

} // namespace tleg::model
