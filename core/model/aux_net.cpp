#include "model/aux_net.h"

#include "kernels/expand_weights.h"
#include "util/json_number.h"

#include "util/error.h"

namespace tleg::model {

nlohmann::json AuxOptions::toJson() const
{
    return {{"groups", groupsToString(groups)},
            {"expand_from", expandFrom},
            {"share_only", shareOnly},
            {"partial_coefficient", relativeCoefficients ? "relative" : "absolute"}};
}

AuxOptions AuxOptions::fromJson(const nlohmann::json& j)
{
    AuxOptions o;
    try {
        o.groups = groupsFromString(j.at("groups").get<std::string>());
        o.expandFrom = util::jsonIntegerOr<int64_t>(j, "expand_from", 0);
        o.shareOnly = j.value("share_only", false);
        const std::string convention = j.value("partial_coefficient", std::string("absolute"));
        if (convention != "absolute" && convention != "relative")
            throw Error("invalid expansion options: partial_coefficient must be absolute or "
                        "relative, not '" + convention + "'");
        o.relativeCoefficients = convention == "relative";
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("invalid expansion options JSON: ") + e.what());
    }
    return o;
}

void AuxOptions::validate(int64_t depth) const
{
    if (groups == 0 || (groups & ~kAllGroups))
        throw Error("Aux-Net: the expanded module groups must be a non-empty subset of msa,mlp,ln");
    if (expandFrom < 0 || expandFrom >= depth)
        throw Error("Aux-Net: expansion must start at a block in [0, " + std::to_string(depth) +
                    "), got " + std::to_string(expandFrom));
}

double expansionCoefficient(int64_t i, int64_t depth)
{
    return static_cast<double>(i) / static_cast<double>(depth);
}

double AuxOptions::coefficient(int64_t i, int64_t depth) const
{
    if (!relativeCoefficients || expandFrom <= 0)
        return expansionCoefficient(i, depth);
    return depth > expandFrom ? static_cast<double>(i - expandFrom)
                                    / static_cast<double>(depth - expandFrom)
                              : 0.0;
}

namespace {

/// Parameters of the modules of one block that belong to the given groups.
int64_t groupParams(const ViTConfig& c, unsigned groups)
{
    const int64_t d = c.dim, h = c.hiddenDim();
    int64_t n = 0;
    if (groups & kGroupLn)
        n += 2 * 2 * d; // norm1, norm2: γ and β
    if (groups & kGroupMsa)
        n += d * 3 * d + 3 * d + d * d + d; // qkv, proj
    if (groups & kGroupMlp)
        n += d * h + h + h * d + d; // fc1, fc2
    return n;
}

} // namespace

AuxNetSize auxNetSize(const ViTConfig& c, const AuxOptions& o)
{
    // As the constructor below: θ_B (and θ_A unless shared) hold the expanded groups; blocks
    // below expandFrom are whole blocks; the blocks above keep only their groups that are not
    // expanded. The learngene keeps everything but those per-layer leftovers (and, as
    // S-Params, the head). test_expansion checks this against a built Aux-Net.
    const int64_t expanded = groupParams(c, o.groups);
    const int64_t learngene = expanded * (o.shareOnly ? 1 : 2);
    const int64_t lower = o.expandFrom * c.blockParams();
    AuxNetSize s;
    s.trainable = c.sharedParams() + learngene + lower
                  + (c.depth - o.expandFrom) * (c.blockParams() - expanded);
    s.stored = c.sharedParams() - c.headParams() + learngene + lower;
    return s;
}

AuxNetImpl::AuxNetImpl(const ViTConfig& config, const AuxOptions& options)
    : ViTBase(config), m_options(options)
{
    m_options.validate(m_config.depth);
    if (!m_config.standardLayout())
        throw Error("an Aux-Net has TLEG's own block layout (qkv bias, LayerNorm eps 1e-6, no "
                    "distillation token, no class token beside average pooling)");

    auto learngene = register_module("learngene", std::make_shared<torch::nn::Module>());
    // θ_A starts at zero for LayerNorm γ so that every expanded LayerNorm begins as identity.
    if (!m_options.shareOnly) {
        thetaA = learngene->register_module(
            "A", Block(m_config.dim, m_config.heads, m_config.mlpRatio, m_options.groups));
        torch::NoGradGuard guard;
        for (int p = 0; p < kBlockParamCount; ++p)
            if (isLayerNormWeight(p) && thetaA->weights()[p].defined())
                thetaA->weights()[p].zero_();
    }
    thetaB = learngene->register_module(
        "B", Block(m_config.dim, m_config.heads, m_config.mlpRatio, m_options.groups));

    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int64_t i = 0; i < m_config.depth; ++i) {
        const unsigned own = i < m_options.expandFrom ? kAllGroups : (kAllGroups & ~m_options.groups);
        blocks->push_back(Block(m_config.dim, m_config.heads, m_config.mlpRatio, own));
    }
}

bool AuxNetImpl::isExpanded(int64_t block, int param) const
{
    return block >= m_options.expandFrom && (m_options.groups & blockParamGroup(param));
}

BlockWeights AuxNetImpl::blockWeights(int64_t i) const
{
    BlockWeights own = blocks->ptr<BlockImpl>(i)->weights();
    const BlockWeights b = thetaB->weights();
    const BlockWeights a = thetaA ? thetaA->weights() : BlockWeights{};
    const double c = m_options.coefficient(i, m_config.depth);
    BlockWeights w;
    for (int p = 0; p < kBlockParamCount; ++p) {
        if (!isExpanded(i, p))
            w[p] = own[p];
        else if (m_options.shareOnly || c == 0.0)
            w[p] = b[p];
        else
            w[p] = b[p] + c * a[p];
    }
    return w;
}

std::vector<BlockWeights> AuxNetImpl::allBlockWeights() const
{
    const int64_t depth = m_config.depth;
    std::vector<BlockWeights> w(static_cast<size_t>(depth));
    for (int64_t i = 0; i < depth; ++i) {
        const BlockWeights own = blocks->ptr<BlockImpl>(i)->weights();
        for (int p = 0; p < kBlockParamCount; ++p)
            if (!isExpanded(i, p))
                w[size_t(i)][p] = own[p];
    }
    const int64_t from = std::min(m_options.expandFrom, depth), n = depth - from;
    if (n <= 0)
        return w;
    const BlockWeights b = thetaB->weights();
    std::vector<int> params; // the expanded weights
    for (int p = 0; p < kBlockParamCount; ++p)
        if (isExpanded(from, p))
            params.push_back(p);
    if (m_options.shareOnly) {
        for (int p : params)
            for (int64_t i = from; i < depth; ++i)
                w[size_t(i)][p] = b[p];
        return w;
    }
    const BlockWeights a = thetaA->weights();
    std::vector<double> coefficients;
    for (int64_t i = from; i < depth; ++i)
        coefficients.push_back(m_options.coefficient(i, depth));
    const bool bf16 = bf16Matmul();
    std::vector<torch::Tensor> as, bs;
    std::vector<bool> toBf16; // as the GEMMs take them: LayerNorm weights stay float
    for (int p : params) {
        as.push_back(a[p]);
        bs.push_back(b[p]);
        toBf16.push_back(bf16 && blockParamGroup(p) != kGroupLn);
    }
    if (kernels::expandWeightsApplies(as, bs)) {
        // Every expanded weight of every block in one autograd node (kernels/expand_weights.h).
        const auto all = kernels::expandWeights(as, bs, coefficients, toBf16);
        for (size_t q = 0; q < params.size(); ++q)
            for (int64_t k = 0; k < n; ++k)
                w[size_t(from + k)][params[q]] = all[q][size_t(k)];
        return w;
    }
    // Anything else (not CPU float32): one addcmul per weight.
    const torch::Tensor c =
        torch::tensor(std::vector<float>(coefficients.begin(), coefficients.end()), torch::kFloat);
    for (size_t q = 0; q < params.size(); ++q) {
        const int p = params[q];
        std::vector<int64_t> shape(size_t(b[p].dim() + 1), 1);
        shape[0] = n;
        torch::Tensor all = torch::addcmul(b[p].unsqueeze(0), c.view(shape), a[p].unsqueeze(0));
        if (toBf16[q])
            all = all.to(torch::kBFloat16); // the GEMMs would convert each block's copy
        const std::vector<torch::Tensor> parts = all.unbind(0);
        for (int64_t k = 0; k < n; ++k)
            w[size_t(from + k)][p] = parts[size_t(k)];
    }
    return w;
}

torch::Tensor AuxNetImpl::forward(const torch::Tensor& images)
{
    Residual r{embed(images), {}};
    const std::vector<BlockWeights> w = allBlockWeights();
    for (int64_t i = 0; i < m_config.depth; ++i)
        r = blockForward(r, w[size_t(i)], m_config.heads, m_config.layerNormEps,
                         i + 1 == m_config.depth ? pooledTokens() : 0);
    return pool(r.value());
}

nlohmann::json AuxNetImpl::architecture() const
{
    return m_config.toJson();
}

} // namespace tleg::model
