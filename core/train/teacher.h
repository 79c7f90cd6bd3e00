#pragma once
// The model distilled from: one of our checkpoints or any TorchScript module.
// It carries what it takes (image size, channels, mean/std: teacher_input.h) and which of its
// logits stand for the data's classes; the trainer converts the student's batches for it.
// Usage:
//   auto t = loadTeacher("runs/ancestry/model.safetensors");   // or "teacher.pt" (TorchScript)
//   applyTeacherOptions(*t, options, path);                    // --teacher-image-size, ...
//   checkTeacher(*t, data.train, path);                        // one clear error before training
//   torch::Tensor z = t->logits(images);                       // its own input; no grad
#include "data/dataset.h"
#include "model/vit.h"
#include "train/teacher_input.h"

#include <memory>
#include <string>

namespace tleg::train {

class Teacher {
public:
    virtual ~Teacher() = default;
    /// [B, C, H, W] images as input() says (normalised) -> [B, classes] logits, without
    /// gradients. TeacherFeed turns the student's batches into these. The trainer calls it
    /// from several threads at once when it splits a step (train/step_threads.h).
    virtual torch::Tensor logits(const torch::Tensor& images) = 0;
    virtual std::string description() const = 0;

    /// What the teacher takes; fields left 0 / empty are the student's (today's default).
    const InputSpec& input() const { return m_input; }
    void setInput(InputSpec input) { m_input = std::move(input); }
    /// Data class i -> the teacher's logit classMap()[i]; empty: its logits are the data's.
    const std::vector<int64_t>& classMap() const { return m_classMap; }
    void setClassMap(std::vector<int64_t> map) { m_classMap = std::move(map); }
    /// The teacher's own class count, once checkTeacher has seen it (0 before).
    int64_t classes() const { return m_classes; }
    void setClasses(int64_t classes) { m_classes = classes; }

private:
    InputSpec m_input;
    std::vector<int64_t> m_classMap;
    int64_t m_classes = 0;
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

/// A safetensors model of ours, a foreign ViT checkpoint (timm / DeiT, a Hugging Face folder,
/// torchvision: foreign_model.h, with hints for what its shapes cannot tell) or a TorchScript
/// file (detected by content: a zip archive); its description is the path ("TorchScript <path>"
/// for TorchScript). Its input() is what the file says (inputFromMetadata; for a foreign
/// checkpoint what was inferred); a TorchScript file says nothing.
std::unique_ptr<Teacher> loadTeacher(const std::string& path,
                                     const model::ModelHints& hints = {});

/// The teacher must take the data's images, converted as TeacherFeed does, and give one logit
/// per data class (directly or through its class map). Checked on two blank images, so that a
/// mismatch is one clear sentence naming path and the option that fixes it, not a shape error
/// in the middle of an epoch. Records the teacher's class count (setClasses). Throws
/// tleg::Error.
void checkTeacher(Teacher& teacher, const data::Dataset& data, const std::string& path);

} // namespace tleg::train
