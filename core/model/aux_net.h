#pragma once
// The auxiliary network: a ViT of depth L whose block i is θ_B + c_i·θ_A (c_i = i/L),
// recomputed on every forward pass, so only θ_A, θ_B and the shared parts are trainable.
// Usage:
//   AuxOptions o; o.groups = kGroupMsa | kGroupMlp | kGroupLn; o.expandFrom = 0;
//   AuxNet aux(ViTConfig::preset("fmnist-ti"), o);
//   logits = aux->forward(images);   Learngene lg = Learngene::fromAuxNet(*aux);
#include "model/vit.h"

namespace tleg::model {

struct AuxOptions {
    /// Which module groups are linearly expanded; the others are ordinary per-layer modules.
    unsigned groups = kAllGroups;
    /// Partial expansion (paper Table 6): blocks 0..expandFrom-1 are independent blocks.
    int64_t expandFrom = 0;
    /// Weight sharing instead of expansion (Share-Init baseline): every block is θ_B, no θ_A.
    bool shareOnly = false;
    /// With partial expansion (expandFrom = k > 0), the coefficient of expanded block i of a
    /// depth-L model: false ("absolute", the default) c_i = i/L, so block k starts at k/L and
    /// the expanded blocks continue the whole model's line; true ("relative") c_i = (i−k)/(L−k),
    /// so block k is θ_B, as the released code's RepeatedModuleList does. Both are the same
    /// family at the Aux-Net's own depth (θ_A, θ_B reparametrised); they differ when the
    /// learngene is expanded to another depth. Stored in the learngene, so expansion follows it.
    bool relativeCoefficients = false;

    /// c_i of block i of a depth-L model made from this learngene (i ≥ expandFrom).
    double coefficient(int64_t i, int64_t depth) const;

    nlohmann::json toJson() const;
    static AuxOptions fromJson(const nlohmann::json& j);
    /// Throws tleg::Error unless the groups are a non-empty subset of msa,mlp,ln and expansion
    /// starts at a block in [0, depth).
    void validate(int64_t depth) const;
};

/// c_i = i / L for block i (0-based) of a depth-L model: block 0 is exactly θ_B.
double expansionCoefficient(int64_t i, int64_t depth);

/// Parameters of an Aux-Net, counted from its configuration without building it: what trains,
/// and what its learngene stores (S-Params, head excluded).
struct AuxNetSize {
    int64_t trainable = 0;
    int64_t stored = 0;
};
AuxNetSize auxNetSize(const ViTConfig& config, const AuxOptions& options);

class AuxNetImpl : public ViTBase {
public:
    AuxNetImpl(const ViTConfig& config, const AuxOptions& options);
    torch::Tensor forward(const torch::Tensor& images) override;
    std::string kind() const override { return "auxnet"; }
    nlohmann::json architecture() const override;
    const AuxOptions& options() const { return m_options; }

    bool isExpanded(int64_t block, int param) const;
    /// The effective weights of block i (expanded ones carry autograd to θ_A, θ_B).
    BlockWeights blockWeights(int64_t i) const;
    /// The same for every block at once, as the forward uses them: one θ_B + c·θ_A per tensor
    /// kind for all expanded blocks (a dozen ops instead of one or two per block and tensor),
    /// and under bf16 matmuls the GEMM weights converted once per kind.
    std::vector<BlockWeights> allBlockWeights() const;

    Block thetaA{nullptr}, thetaB{nullptr}; // "learngene.A.*", "learngene.B.*"
    torch::nn::ModuleList blocks{nullptr};  // per-layer parts: "blocks.{i}.*"

private:
    AuxOptions m_options;
};
TORCH_MODULE(AuxNet);

} // namespace tleg::model
