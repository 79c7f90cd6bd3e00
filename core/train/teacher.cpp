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
    auto teacher = std::make_unique<ModelTeacher>(
        std::move(net), md.kind == "torchscript" ? "TorchScript " + path : path);
    teacher->setInput(inputFromMetadata(md.architecture, md.extra, path));
    return teacher;
}

namespace {

std::string imagesText(int64_t size, int64_t channels)
{
    return std::to_string(size) + "×" + std::to_string(size) + " images with "
           + std::to_string(channels) + " channel(s)";
}

/// The teacher's output for two blank images as it takes them; errors say which options set
/// what it takes.
torch::Tensor probe(Teacher& teacher, const InputSpec& in, const std::string& path)
{
    const std::string images = imagesText(in.imageSize, in.channels);
    torch::Tensor logits;
    try {
        logits = teacher.logits(torch::zeros({2, in.channels, in.imageSize, in.imageSize}));
    } catch (const std::exception& e) {
        std::string why = e.what();
        if (const auto nl = why.find('\n'); nl != std::string::npos)
            why.resize(nl);
        const bool said = teacher.input().imageSize > 0 && teacher.input().channels > 0;
        throw fileError(path, "the teacher cannot classify " + images + " (" + why + "); "
                                  + (said ? "" : "its file does not say what it takes: ")
                                  + "--teacher-image-size, --teacher-mean and --teacher-std "
                                    "set it");
    }
    if (logits.dim() != 2 || logits.size(0) != 2)
        throw fileError(path, "the teacher's output for " + images + " is not [batch, classes]");
    return logits;
}

} // namespace

void checkTeacher(Teacher& teacher, const data::Dataset& d, const std::string& path)
{
    // Only the shapes matter here: the student's mean/std stand in as 0 / 1.
    const InputSpec student{d.height(), d.channels(),
                            std::vector<float>(static_cast<size_t>(d.channels()), 0.0f),
                            std::vector<float>(static_cast<size_t>(d.channels()), 1.0f)};
    InputSpec in;
    try {
        in = resolveTeacherInput(teacher.input(), student);
    } catch (const Error& e) {
        throw fileError(path, e.what());
    }
    const int64_t k = probe(teacher, in, path).size(1);
    teacher.setClasses(k);
    const auto& map = teacher.classMap();
    const int64_t n = d.numClasses;
    if (map.empty()) {
        if (k != n)
            throw fileError(path, "the teacher predicts " + std::to_string(k)
                                      + " classes, the data has " + std::to_string(n)
                                      + "; --teacher-class-map says which teacher class each "
                                        "data class is");
        return;
    }
    if (static_cast<int64_t>(map.size()) != n)
        throw fileError(path, "--teacher-class-map has " + std::to_string(map.size())
                                  + " entries, the data has " + std::to_string(n)
                                  + " classes: give one teacher class per data class");
    for (size_t i = 0; i < map.size(); ++i)
        if (map[i] >= k)
            throw fileError(path, "--teacher-class-map: data class " + std::to_string(i)
                                      + " maps to " + std::to_string(map[i])
                                      + ", outside the teacher's " + std::to_string(k)
                                      + " classes (0 to " + std::to_string(k - 1) + ")");
}

} // namespace tleg::train
