#include "model/learngene.h"

#include "model/model_io.h"
#include "util/error.h"

namespace tleg::model {

namespace {
bool startsWith(const std::string& s, const std::string& prefix)
{
    return s.rfind(prefix, 0) == 0;
}

/// Block index of "blocks.{i}.*", or -1.
int64_t blockIndex(const std::string& name)
{
    if (!startsWith(name, "blocks."))
        return -1;
    return std::stoll(name.substr(7, name.find('.', 7) - 7));
}
} // namespace

Learngene Learngene::fromAuxNet(const AuxNetImpl& aux)
{
    Learngene lg;
    lg.config = aux.config();
    lg.options = aux.options();
    for (const auto& [name, t] : namedTensors(aux)) {
        const int64_t block = blockIndex(name);
        // Per-layer modules that are not expanded are randomly initialised in a Des-Net, so
        // they are not part of the learngene; independent lower blocks (partial expansion) are.
        if (block >= 0 && block >= lg.options.expandFrom)
            continue;
        lg.tensors[name] = t.clone();
    }
    return lg;
}

Learngene Learngene::load(const std::string& path)
{
    auto file = io::readSafetensors(path);
    auto md = ModelMetadata::fromStrings(file.metadata, path);
    if (md.kind != "learngene")
        throw fileError(path, "holds a " + md.kind + ", not a learngene");
    Learngene lg;
    try {
        lg.config = ViTConfig::fromJson(md.architecture);
        lg.options = AuxOptions::fromJson(md.expansion);
        lg.options.validate(lg.config.depth);
    } catch (const Error& e) {
        throw fileError(path, e.what());
    }
    checkParameterCount(path, file.tensors,
                        auxNetSize(lg.config, lg.options).stored + lg.config.headParams(),
                        "a learngene of an Aux-Net of depth " + std::to_string(lg.config.depth) +
                            " and width " + std::to_string(lg.config.dim));
    for (const auto& [name, t] : file.tensors)
        lg.tensors[name] = t.to(torch::kFloat);

    // Check completeness now, so a broken file fails here and not halfway through expand().
    AuxNetImpl reference(lg.config, lg.options);
    const Learngene expected = fromAuxNet(reference);
    for (const auto& [name, t] : expected.tensors) {
        auto it = lg.tensors.find(name);
        if (it == lg.tensors.end())
            throw fileError(path, "learngene lacks tensor '" + name + "'");
        if (it->second.sizes() != t.sizes())
            throw fileError(path, "learngene tensor '" + name + "' has the wrong shape");
    }
    if (lg.tensors.size() != expected.tensors.size())
        throw fileError(path, "learngene holds tensors its expansion options do not use");
    return lg;
}

void Learngene::save(const std::string& path, const nlohmann::json& extra) const
{
    ModelMetadata md;
    md.kind = "learngene";
    md.architecture = config.toJson();
    md.expansion = options.toJson();
    md.extra = extra;
    md.extra["stored_params"] = storedParams();
    io::NamedTensors named(tensors.begin(), tensors.end());
    io::writeSafetensors(path, named, md.toStrings());
}

torch::Tensor Learngene::find(const std::string& name) const
{
    auto it = tensors.find(name);
    return it == tensors.end() ? torch::Tensor() : it->second;
}

torch::Tensor Learngene::thetaA(int param) const
{
    return find(std::string("learngene.A.") + blockParamName(param));
}

torch::Tensor Learngene::thetaB(int param) const
{
    return find(std::string("learngene.B.") + blockParamName(param));
}

torch::Tensor Learngene::lowerBlock(int64_t block, int param) const
{
    return find("blocks." + std::to_string(block) + "." + blockParamName(param));
}

torch::Tensor Learngene::shared(const std::string& name) const
{
    return find(name);
}

int64_t Learngene::storedParams() const
{
    int64_t n = 0;
    for (const auto& [name, t] : tensors)
        if (!startsWith(name, "head."))
            n += t.numel();
    return n;
}

} // namespace tleg::model
