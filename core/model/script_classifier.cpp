#include "model/script_classifier.h"

#include "util/error.h"
#include "util/files.h"

#include <fstream>

namespace tleg::model {

ScriptClassifierImpl::ScriptClassifierImpl(const std::string& path) : m_path(path)
{
    requireRegularFile(path);
    try {
        m_module = torch::jit::load(path);
    } catch (const c10::Error& e) {
        throw fileError(path, std::string("cannot load as TorchScript: ") +
                                  e.what_without_backtrace());
    }
    m_module.eval();
}

torch::Tensor ScriptClassifierImpl::forward(const torch::Tensor& images)
{
    c10::IValue out;
    try {
        out = m_module.forward({images});
    } catch (const c10::Error& e) {
        std::string what = e.what_without_backtrace();
        if (const auto nl = what.find('\n'); nl != std::string::npos)
            what.resize(nl); // TorchScript tracebacks run to many lines; the first says it
        throw fileError(m_path, "TorchScript forward() failed on a batch of " +
                                    std::to_string(images.size(0)) + " images of " +
                                    std::to_string(images.size(1)) + "×" +
                                    std::to_string(images.size(2)) + "×" +
                                    std::to_string(images.size(3)) + ": " + what);
    }
    if (out.isTensor())
        return out.toTensor();
    if (out.isTuple() && !out.toTuple()->elements().empty() &&
        out.toTuple()->elements()[0].isTensor())
        return out.toTuple()->elements()[0].toTensor();
    throw fileError(m_path, "TorchScript forward() returned neither a tensor nor a tuple");
}

int64_t ScriptClassifierImpl::parameterCount()
{
    int64_t n = 0;
    for (const auto& p : m_module.parameters())
        n += p.numel();
    return n;
}

bool isTorchScriptFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    unsigned char head[9] = {};
    in.read(reinterpret_cast<char*>(head), sizeof head);
    if (in.gcount() < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4)
        return false;
    // A safetensors file whose header length happens to start with these bytes has its JSON
    // header right after the 8 length bytes.
    return !(in.gcount() == 9 && head[8] == '{');
}

std::shared_ptr<ClassifierImpl> loadAnyClassifier(const std::string& path,
                                                  ModelMetadata* metadata)
{
    requireRegularFile(path); // a FIFO would block the reads below
    if (!isTorchScriptFile(path))
        return loadClassifier(path, metadata);
    auto net = std::make_shared<ScriptClassifierImpl>(path);
    if (metadata) {
        *metadata = {};
        metadata->kind = "torchscript";
        metadata->architecture = nlohmann::json::object();
        metadata->extra = nlohmann::json::object();
    }
    return net;
}

} // namespace tleg::model
