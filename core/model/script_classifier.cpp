#include "model/script_classifier.h"

#include "util/error.h"
#include "util/files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tleg::model {

namespace {

/// The line of a TorchScript error that says what went wrong: the first, unless that only says
/// "The following operation failed in the TorchScript interpreter." above a traceback whose last
/// line ("RuntimeError: ...") is the reason.
std::string sayingLine(const std::string& what)
{
    std::vector<std::string> lines;
    std::istringstream in(what);
    for (std::string line; std::getline(in, line);)
        if (line.find_first_not_of(" \t\r") != std::string::npos)
            lines.push_back(line);
    if (lines.empty())
        return what;
    if (lines.size() > 1 && lines.front().rfind("The following operation failed", 0) == 0)
        return lines.back();
    return lines.front();
}

/// A zip archive ends with its end-of-central-directory record: "PK\5\6", 18 more bytes, then a
/// comment of the length its last two bytes say. Looks for it in the last 64 KiB + 22 bytes.
bool hasZipEnd(std::ifstream& in, uint64_t size)
{
    constexpr uint64_t kRecord = 22, kMaxComment = 65535;
    if (size < kRecord + 30)
        return false;
    const uint64_t tail = std::min(size, kRecord + kMaxComment);
    std::string bytes(static_cast<size_t>(tail), '\0');
    in.clear();
    in.seekg(static_cast<std::streamoff>(size - tail));
    in.read(bytes.data(), static_cast<std::streamsize>(tail));
    if (static_cast<uint64_t>(in.gcount()) != tail)
        return false;
    for (size_t at = static_cast<size_t>(tail - kRecord) + 1; at-- > 0;) {
        if (bytes.compare(at, 4, "PK\5\6") != 0)
            continue;
        const auto lo = static_cast<unsigned char>(bytes[at + 20]);
        const auto hi = static_cast<unsigned char>(bytes[at + 21]);
        if (at + kRecord + (lo | (hi << 8)) == tail)
            return true;
    }
    return false;
}

} // namespace

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
    auto failed = [&](const std::string& what) {
        return fileError(m_path, "TorchScript forward() failed on a batch of "
                                     + std::to_string(images.size(0)) + " images of "
                                     + std::to_string(images.size(1)) + "×"
                                     + std::to_string(images.size(2)) + "×"
                                     + std::to_string(images.size(3)) + ": " + sayingLine(what));
    };
    c10::IValue out;
    try {
        out = m_module.forward({images});
    } catch (const c10::Error& e) {
        throw failed(e.what_without_backtrace());
    } catch (const std::exception& e) { // a raise in the script: torch::jit::JITException
        throw failed(e.what());
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
    in.clear();
    in.seekg(0, std::ios::end);
    const auto size = static_cast<uint64_t>(std::max<std::streamoff>(in.tellg(), 0));
    // A safetensors file whose header length happens to start with these bytes: its JSON header
    // follows the 8 length bytes and fits in the file. (In a zip, byte 8 is the compression
    // method, 0 or 8 in TorchScript's archives, never '{'.)
    uint64_t headerBytes = 0;
    for (int i = 7; i >= 0; --i)
        headerBytes = (headerBytes << 8) | head[i];
    if (head[8] == '{' && headerBytes <= size - 8)
        return false;
    return hasZipEnd(in, size);
}
std::shared_ptr<ClassifierImpl> loadAnyClassifier(const std::string& path, ModelMetadata* metadata,
                                                  const ModelHints& hints)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) // a Hugging Face model folder
        return loadClassifier(path, metadata, hints);
    requireRegularFile(path); // a FIFO would block the reads below
    if (!isTorchScriptFile(path))
        return loadClassifier(path, metadata, hints);
    auto net = std::make_shared<ScriptClassifierImpl>(path);
    if (metadata) {
        *metadata = {};
        metadata->kind = "torchscript";
        metadata->architecture = nlohmann::json::object();
        metadata->extra = nlohmann::json::object();
    }
    return net;
}

std::vector<ScriptProbe>
probeScriptClassifier(ScriptClassifierImpl& net,
                      const std::vector<std::pair<int64_t, int64_t>>& shapes)
{
    torch::NoGradGuard guard;
    std::vector<ScriptProbe> out;
    for (const auto& [channels, size] : shapes) {
        ScriptProbe p;
        p.channels = channels;
        p.imageSize = size;
        try {
            p.outputShape = net.forward(torch::zeros({2, channels, size, size})).sizes().vec();
        } catch (const std::exception& e) {
            // "<path>: TorchScript forward() failed on a batch of ... images of C×H×W: <why>"
            p.error = e.what();
            const auto batch = p.error.find("failed on a batch of");
            const auto why = batch == std::string::npos ? batch : p.error.find(": ", batch);
            if (why != std::string::npos)
                p.error = p.error.substr(why + 2);
        }
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace tleg::model
