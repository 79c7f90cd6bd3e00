#pragma once
// The model distilled from: one of our checkpoints or any TorchScript module.
// Usage:
//   auto t = loadTeacher("runs/ancestry/model.safetensors");   // or "teacher.pt" (TorchScript)
//   checkTeacher(*t, data.train, path);                        // one clear error before training
//   torch::Tensor z = t->logits(images);                       // no grad, eval mode
#include "data/dataset.h"
#include "model/vit.h"

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

/// Any classifier (ours, or TorchScript through model::ScriptClassifierImpl) as a fixed teacher:
/// eval mode, no gradients.
class ModelTeacher : public Teacher {
public:
    explicit ModelTeacher(std::shared_ptr<model::ClassifierImpl> model, std::string name);
    torch::Tensor logits(const torch::Tensor& images) override;
    std::string description() const override { return m_name; }

private:
    std::shared_ptr<model::ClassifierImpl> m_model;
    std::string m_name;
};

/// A safetensors model of ours, or a TorchScript file (detected by content: a zip archive);
/// its description is the path ("TorchScript <path>" for TorchScript).
std::unique_ptr<Teacher> loadTeacher(const std::string& path);

/// The teacher must map the data's images to as many logits as the data has classes. Checked
/// on two blank images, so that a mismatch is one clear sentence naming path, not a shape error
/// in the middle of an epoch. Throws tleg::Error.
void checkTeacher(Teacher& teacher, const data::Dataset& data, const std::string& path);

} // namespace tleg::train
