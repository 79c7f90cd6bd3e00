#pragma once
// The model distilled from: one of our checkpoints or any TorchScript module.
// Usage:
//   auto t = loadTeacher("runs/ancestry/model.safetensors");   // or "teacher.pt" (TorchScript)
//   torch::Tensor z = t->logits(images);                       // no grad, eval mode
#include "model/vit.h"

#include <torch/script.h>

#include <memory>
#include <string>

namespace tleg::train {

class Teacher {
public:
    virtual ~Teacher() = default;
    /// [B, C, H, W] normalised images -> [B, classes] logits, without gradients.
    virtual torch::Tensor logits(const torch::Tensor& images) = 0;
    virtual std::string description() const = 0;
};

class ModelTeacher : public Teacher {
public:
    explicit ModelTeacher(std::shared_ptr<model::ClassifierImpl> model, std::string name);
    torch::Tensor logits(const torch::Tensor& images) override;
    std::string description() const override { return m_name; }

private:
    std::shared_ptr<model::ClassifierImpl> m_model;
    std::string m_name;
};

class TorchScriptTeacher : public Teacher {
public:
    explicit TorchScriptTeacher(const std::string& path);
    torch::Tensor logits(const torch::Tensor& images) override;
    std::string description() const override { return "TorchScript " + m_path; }

private:
    std::string m_path;
    torch::jit::Module m_module;
};

/// A safetensors model of ours, or a TorchScript file (detected by content: a zip archive).
std::unique_ptr<Teacher> loadTeacher(const std::string& path);

} // namespace tleg::train
