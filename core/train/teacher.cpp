#include "train/teacher.h"

#include "model/script_classifier.h"
#include "util/error.h"

namespace tleg::train {

ModelTeacher::ModelTeacher(std::shared_ptr<model::ClassifierImpl> model, std::string name)
    : m_model(std::move(model)), m_name(std::move(name))
{
    m_model->eval();
    for (auto& p : m_model->parameters())
        p.set_requires_grad(false);
}

torch::Tensor ModelTeacher::logits(const torch::Tensor& images)
{
    torch::NoGradGuard guard;
    return m_model->forward(images);
}

std::unique_ptr<Teacher> loadTeacher(const std::string& path)
{
    model::ModelMetadata md;
    auto net = model::loadAnyClassifier(path, &md);
    return std::make_unique<ModelTeacher>(
        std::move(net), md.kind == "torchscript" ? "TorchScript " + path : path);
}

void checkTeacher(Teacher& teacher, const data::Dataset& d, const std::string& path)
{
    const std::string images = std::to_string(d.height()) + "×" + std::to_string(d.width()) +
                               " images with " + std::to_string(d.channels()) + " channel(s)";
    torch::Tensor logits;
    try {
        logits = teacher.logits(torch::zeros({2, d.channels(), d.height(), d.width()}));
    } catch (const std::exception& e) {
        std::string why = e.what();
        if (const auto nl = why.find('\n'); nl != std::string::npos)
            why.resize(nl);
        throw fileError(path, "the teacher cannot classify " + images + " (" + why + ")");
    }
    if (logits.dim() != 2 || logits.size(0) != 2)
        throw fileError(path, "the teacher's output for " + images + " is not [batch, classes]");
    if (logits.size(1) != d.numClasses)
        throw fileError(path, "the teacher predicts " + std::to_string(logits.size(1)) +
                                  " classes, the data has " + std::to_string(d.numClasses));
}

} // namespace tleg::train
