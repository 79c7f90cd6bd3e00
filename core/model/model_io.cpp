#include "model/model_io.h"

#include "model/foreign_model.h"
#include "util/error.h"

#include <set>

namespace tleg::model {

std::map<std::string, std::string> ModelMetadata::toStrings() const
{
    std::map<std::string, std::string> m{{"format", "pt"}, {"tleg_kind", kind}};
    if (!architecture.is_null())
        m["architecture"] = architecture.dump();
    if (!expansion.is_null())
        m["expansion"] = expansion.dump();
    if (!extra.is_null() && !extra.empty())
        m["tleg"] = extra.dump();
    return m;
}

ModelMetadata ModelMetadata::fromStrings(const std::map<std::string, std::string>& m,
                                         const std::string& path)
{
    ModelMetadata md;
    auto it = m.find("tleg_kind");
    if (it == m.end())
        throw fileError(path, "not a TLEG Studio model (no 'tleg_kind' in __metadata__); "
                              "'tleg info' can still list its tensors");
    md.kind = it->second;
    auto parse = [&](const char* key) {
        auto f = m.find(key);
        if (f == m.end())
            return nlohmann::json();
        try {
            return nlohmann::json::parse(f->second);
        } catch (const nlohmann::json::exception& e) {
            throw fileError(path,
                            std::string("metadata '") + key + "' is not valid JSON: " + e.what());
        }
    };
    md.architecture = parse("architecture");
    md.expansion = parse("expansion");
    md.extra = parse("tleg");
    if (md.extra.is_null())
        md.extra = nlohmann::json::object();
    return md;
}

io::NamedTensors namedTensors(const torch::nn::Module& module)
{
    io::NamedTensors out;
    for (const auto& item : module.named_parameters(true))
        out.emplace_back(item.key(), item.value().detach());
    return out;
}

bool isOptimizerState(const std::string& name)
{
    return name.rfind("optim.", 0) == 0;
}

int64_t headerParameterCount(const io::SafetensorsHeader& header,
                             const std::function<bool(const std::string&)>& keep)
{
    int64_t n = 0;
    for (const auto& t : header.tensors) {
        if (isOptimizerState(t.name) || (keep && !keep(t.name)))
            continue;
        int64_t numel = 1;
        for (int64_t d : t.shape)
            numel *= d;
        n += numel;
    }
    return n;
}

io::NamedTensors parameterTensors(const io::SafetensorsFile& file)
{
    io::NamedTensors out;
    for (const auto& [name, t] : file.tensors)
        if (!isOptimizerState(name))
            out.emplace_back(name, t);
    return out;
}

void loadTensorsInto(torch::nn::Module& module, const io::NamedTensors& tensors,
                     const std::string& path, bool strict)
{
    std::map<std::string, const torch::Tensor*> byName;
    for (const auto& [name, t] : tensors)
        byName[name] = &t;
    std::set<std::string> used;
    torch::NoGradGuard guard;
    for (auto& item : module.named_parameters(true)) {
        auto it = byName.find(item.key());
        if (it == byName.end())
            throw fileError(path, "missing tensor '" + item.key() + "'");
        const torch::Tensor& src = *it->second;
        if (src.sizes() != item.value().sizes()) {
            std::ostringstream os;
            os << "tensor '" << item.key() << "' has shape " << src.sizes() << ", expected "
               << item.value().sizes();
            throw fileError(path, os.str());
        }
        item.value().copy_(src);
        used.insert(item.key());
    }
    if (strict)
        for (const auto& [name, t] : tensors)
            if (!used.count(name))
                throw fileError(path, "unexpected tensor '" + name + "' for this architecture");
}

ModelMetadata metadataFor(ClassifierImpl& model, const nlohmann::json& extra)
{
    ModelMetadata md;
    md.kind = model.kind();
    md.architecture = model.architecture();
    if (auto* aux = dynamic_cast<AuxNetImpl*>(&model))
        md.expansion = aux->options().toJson();
    md.extra = extra;
    return md;
}

void saveClassifier(const std::string& path, ClassifierImpl& model, const nlohmann::json& extra)
{
    io::writeSafetensors(path, namedTensors(model), metadataFor(model, extra).toStrings());
}

void checkParameterCount(const std::string& path, const io::NamedTensors& tensors, int64_t expected,
                         const std::string& what)
{
    int64_t held = 0;
    for (const auto& [name, t] : tensors)
        if (!isOptimizerState(name))
            held += t.numel();
    // Only a claim far beyond the file is refused here, before anything is built; a near miss
    // (a missing or misshapen tensor) is left to the tensor-by-tensor check, which names it.
    constexpr int64_t kSlack = int64_t(1) << 20;
    if (expected > 2 * held + kSlack)
        throw fileError(path, "its metadata describes " + what + " of " + std::to_string(expected)
                                  + " parameters, but the file holds " + std::to_string(held));
}

std::shared_ptr<ClassifierImpl> loadClassifier(const std::string& path, ModelMetadata* metadata,
                                               const ModelHints& hints)
{
    if (isForeignModel(path))
        return loadForeignModel(path, hints, metadata);
    auto file = io::readSafetensors(path);
    auto md = ModelMetadata::fromStrings(file.metadata, path);
    ViTConfig cfg;
    AuxOptions aux;
    const bool isAux = md.kind == "auxnet";
    if (!isAux && md.kind != "vit" && md.kind != "checkpoint")
        throw fileError(path, "holds a " + md.kind
                                  + ", not a model (use 'tleg expand' for a "
                                    "learngene)");
    try {
        cfg = ViTConfig::fromJson(md.architecture);
        if (isAux) {
            aux = AuxOptions::fromJson(md.expansion);
            aux.validate(cfg.depth);
            if (!cfg.standardLayout())
                throw Error("an Aux-Net must have TLEG's own block layout (qkv bias, LayerNorm "
                            "eps 1e-6, no distillation token)");
        }
    } catch (const Error& e) {
        throw fileError(path, e.what());
    }
    // What the metadata claims is checked against what the file holds before anything of that
    // size is built.
    checkParameterCount(path, file.tensors,
                        isAux ? auxNetSize(cfg, aux).trainable : cfg.totalParams(),
                        "a " + std::string(isAux ? "Aux-Net" : "ViT") + " of depth "
                            + std::to_string(cfg.depth) + " and width " + std::to_string(cfg.dim));
    std::shared_ptr<ClassifierImpl> net;
    if (isAux)
        net = std::make_shared<AuxNetImpl>(cfg, aux);
    else
        net = std::make_shared<ViTImpl>(cfg);
    loadTensorsInto(*net, parameterTensors(file), path);
    if (metadata)
        *metadata = md;
    return net;
}

std::shared_ptr<ViTImpl> loadViT(const std::string& path, ModelMetadata* metadata,
                                 const ModelHints& hints)
{
    auto net = std::dynamic_pointer_cast<ViTImpl>(loadClassifier(path, metadata, hints));
    if (!net)
        throw fileError(path, "is an Aux-Net, not a plain ViT");
    return net;
}

} // namespace tleg::model
