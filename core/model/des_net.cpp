#include "model/des_net.h"

#include "io/safetensors.h"
#include "model/model_io.h"

#include "util/error.h"

namespace tleg::model {

namespace {
void copyInto(const torch::Tensor& dst, const torch::Tensor& src, const std::string& what)
{
    if (!src.defined())
        return;
    if (dst.sizes() != src.sizes())
        throw Error("expand: shape of " + what + " does not match the Des-Net");
    dst.copy_(src);
}
} // namespace

ViT scratch(const ViTConfig& config, uint64_t seed)
{
    torch::manual_seed(seed);
    return ViT(config);
}

ViT expand(const Learngene& lg, const ExpandOptions& o)
{
    if (o.depth < 1)
        throw Error("expand: depth must be at least 1, got " + std::to_string(o.depth));
    ViTConfig cfg = lg.config;
    cfg.depth = o.depth;
    if (o.numClasses > 0)
        cfg.numClasses = o.numClasses;
    const int64_t initTo = o.initTo < 0 ? o.depth : std::min(o.initTo, o.depth);
    if (o.initFrom < 0 || o.initFrom >= initTo)
        throw Error("expand: empty block range [" + std::to_string(o.initFrom) + ", " +
                    std::to_string(initTo) + ") to initialise");

    ViT net = scratch(cfg, o.seed);
    torch::NoGradGuard guard;
    for (auto& item : net->named_parameters(true)) {
        const std::string& name = item.key();
        if (name.rfind("blocks.", 0) == 0)
            continue;
        if (name.rfind("head.", 0) == 0 && cfg.numClasses != lg.config.numClasses)
            continue; // a new class set gets a fresh head
        copyInto(item.value(), lg.shared(name), name);
    }

    const bool shareOnly = lg.options.shareOnly;
    for (int64_t i = o.initFrom; i < initTo; ++i) {
        BlockWeights w = net->block(i).weights();
        const double c = lg.options.coefficient(i, o.depth);
        for (int p = 0; p < kBlockParamCount; ++p) {
            const std::string what = "blocks." + std::to_string(i) + "." + blockParamName(p);
            if (i < lg.options.expandFrom) {
                copyInto(w[p], lg.lowerBlock(i, p), what);
                continue;
            }
            if (!(lg.options.groups & blockParamGroup(p)))
                continue; // not expanded: stays randomly initialised
            torch::Tensor b = lg.thetaB(p);
            if (!b.defined())
                throw Error("expand: learngene lacks θ_B for " + std::string(blockParamName(p)));
            if (shareOnly) {
                copyInto(w[p], b, what);
                continue;
            }
            torch::Tensor a = lg.thetaA(p);
            if (!a.defined())
                throw Error("expand: learngene lacks θ_A for " + std::string(blockParamName(p)));
            copyInto(w[p], b + c * a, what);
        }
    }
    return net;
}

ViT withNewHead(const ViTImpl& net, int64_t numClasses, uint64_t seed)
{
    ViTConfig cfg = net.config();
    cfg.numClasses = numClasses;
    ViT fresh = scratch(cfg, seed);
    torch::NoGradGuard guard;
    auto src = net.named_parameters(true);
    for (auto& item : fresh->named_parameters(true))
        if (item.key().rfind("head.", 0) != 0 && item.key().rfind("head_dist.", 0) != 0)
            item.value().copy_(src[item.key()]);
    return fresh;
}

ViT heLg(const ViTImpl& ancestry, int64_t depth, int64_t numClasses, uint64_t seed)
{
    ViTConfig cfg = ancestry.config();
    cfg.depth = depth;
    cfg.numClasses = numClasses;
    ViT net = scratch(cfg, seed);
    const int64_t keep = std::min<int64_t>(3, std::min(depth, ancestry.config().depth));
    torch::NoGradGuard guard;
    for (int64_t k = 0; k < keep; ++k) {
        const BlockWeights src = ancestry.block(ancestry.config().depth - keep + k).weights();
        const BlockWeights dst = net->block(depth - keep + k).weights();
        for (int p = 0; p < kBlockParamCount; ++p)
            if (dst[p].defined()) // an imported model may have no qkv bias
                dst[p].copy_(src[p]);
    }
    return net;
}

namespace {

/// The parameter names of a ViT with cfg's structure, in registration order: taken from a
/// miniature of it (width = heads), which costs nothing to build.
std::vector<std::string> parameterNames(ViTConfig cfg)
{
    cfg.dim = cfg.heads;
    std::vector<std::string> names;
    for (const auto& item : ViT(cfg)->named_parameters(true))
        names.push_back(item.key());
    return names;
}

/// "blocks.3.attn.qkv.weight" -> (3, QkvWeight); false for names outside the blocks.
bool parseBlockName(const std::string& name, int64_t& block, int& param)
{
    if (name.rfind("blocks.", 0) != 0)
        return false;
    const size_t dot = name.find('.', 7);
    block = std::stoll(name.substr(7, dot - 7));
    const std::string rest = name.substr(dot + 1);
    for (int p = 0; p < kBlockParamCount; ++p)
        if (rest == blockParamName(p)) {
            param = p;
            return true;
        }
    throw Error("expand: unknown block tensor " + name);
}

} // namespace

void saveExpanded(const std::string& path, const Learngene& lg, const ExpandOptions& o,
                  const nlohmann::json& extra)
{
    const int64_t initTo = o.initTo < 0 ? o.depth : std::min(o.initTo, o.depth);
    const bool sameHead = o.numClasses <= 0 || o.numClasses == lg.config.numClasses;
    const bool whole = o.depth >= 1 && o.initFrom == 0 && initTo == o.depth && sameHead
                       && lg.options.groups == kAllGroups;
    ViTConfig cfg = lg.config;
    cfg.depth = o.depth;
    io::NamedTensors tensors;
    if (whole) {
        torch::NoGradGuard guard;
        for (const std::string& name : parameterNames(cfg)) {
            int64_t i = 0;
            int p = 0;
            torch::Tensor t;
            if (!parseBlockName(name, i, p))
                t = lg.shared(name);
            else if (i < lg.options.expandFrom)
                t = lg.lowerBlock(i, p);
            else if (lg.options.shareOnly)
                t = lg.thetaB(p);
            else if (lg.thetaB(p).defined() && lg.thetaA(p).defined())
                t = lg.thetaB(p) + lg.options.coefficient(i, o.depth) * lg.thetaA(p);
            if (!t.defined()) { // something stays random: build the network after all
                tensors.clear();
                break;
            }
            tensors.emplace_back(name, t);
        }
    }
    if (tensors.empty()) {
        ViT des = expand(lg, o);
        saveClassifier(path, *des, extra);
        return;
    }
    ModelMetadata md;
    md.kind = "vit";
    md.architecture = cfg.toJson();
    md.extra = extra;
    io::writeSafetensors(path, tensors, md.toStrings());
}

} // namespace tleg::model
