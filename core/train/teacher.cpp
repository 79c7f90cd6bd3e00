#include "train/teacher.h"

#include "model/model_io.h"
#include "util/error.h"

#include <fstream>

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

TorchScriptTeacher::TorchScriptTeacher(const std::string& path) : m_path(path)
{
    try {
        m_module = torch::jit::load(path);
    } catch (const c10::Error& e) {
        throw fileError(path, std::string("cannot load as TorchScript: ") + e.what_without_backtrace());
    }
    m_module.eval();
}

torch::Tensor TorchScriptTeacher::logits(const torch::Tensor& images)
{
    torch::NoGradGuard guard;
    auto out = m_module.forward({images});
    if (out.isTensor())
        return out.toTensor();
    if (out.isTuple()) // e.g. (logits, distillation logits)
        return out.toTuple()->elements().at(0).toTensor();
    throw fileError(m_path, "TorchScript forward() returned neither a tensor nor a tuple");
}

std::unique_ptr<Teacher> loadTeacher(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw fileError(path, "cannot open teacher file");
    char magic[2] = {0, 0};
    in.read(magic, 2);
    if (magic[0] == 'P' && magic[1] == 'K') // TorchScript archives are zip files
        return std::make_unique<TorchScriptTeacher>(path);
    return std::make_unique<ModelTeacher>(model::loadClassifier(path), path);
}

} // namespace tleg::train
