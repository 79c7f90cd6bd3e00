#include "model/aux_net.h"

#include "util/error.h"

namespace tleg::model {

nlohmann::json AuxOptions::toJson() const
{
    return {{"groups", groupsToString(groups)},
            {"expand_from", expandFrom},
            {"share_only", shareOnly}};
}

AuxOptions AuxOptions::fromJson(const nlohmann::json& j)
{
    AuxOptions o;
    try {
        o.groups = groupsFromString(j.at("groups").get<std::string>());
        o.expandFrom = j.value("expand_from", int64_t{0});
        o.shareOnly = j.value("share_only", false);
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("invalid expansion options JSON: ") + e.what());
    }
    return o;
}

double expansionCoefficient(int64_t i, int64_t depth)
{
    return static_cast<double>(i) / static_cast<double>(depth);
}

AuxNetImpl::AuxNetImpl(const ViTConfig& config, const AuxOptions& options)
    : ViTBase(config), m_options(options)
{
    if (m_options.groups == 0 || (m_options.groups & ~kAllGroups))
        throw Error("Aux-Net: the expanded module groups must be a non-empty subset of msa,mlp,ln");
    if (m_options.expandFrom < 0 || m_options.expandFrom >= m_config.depth)
        throw Error("Aux-Net: expansion must start at a block in [0, " +
                    std::to_string(m_config.depth) + "), got " +
                    std::to_string(m_options.expandFrom));

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
    const double c = expansionCoefficient(i, m_config.depth);
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

torch::Tensor AuxNetImpl::forward(const torch::Tensor& images)
{
    auto x = embed(images);
    for (int64_t i = 0; i < m_config.depth; ++i)
        x = blockForward(x, blockWeights(i), m_config.heads);
    return pool(x);
}

nlohmann::json AuxNetImpl::architecture() const
{
    return m_config.toJson();
}

} // namespace tleg::model
