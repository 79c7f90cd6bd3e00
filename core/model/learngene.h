#pragma once
// The learngene θ_LG = {θ_A, θ_B} plus the shared parts a Des-Net copies (patch and position
// embedding, class token, final norm, head) and, for partial expansion, the independent lower
// blocks. Extracted from a trained Aux-Net; stored as safetensors with kind "learngene".
// Usage:
//   Learngene lg = Learngene::fromAuxNet(*aux);  lg.save("runs/x/learngene.safetensors");
//   Learngene lg = Learngene::load(path);  ViT des = expand(lg, {.depth = 8});
#include "model/aux_net.h"

#include <map>
#include <string>

namespace tleg::model {

class Learngene {
public:
    ViTConfig config;   // the Aux-Net's architecture (depth = Aux-Net depth)
    AuxOptions options; // which groups were expanded, from which block, sharing
    std::map<std::string, torch::Tensor> tensors; // timm-style names, "learngene.A.*", ...

    static Learngene fromAuxNet(const AuxNetImpl& aux);
    static Learngene load(const std::string& path);
    void save(const std::string& path, const nlohmann::json& extra = nlohmann::json::object()) const;

    /// θ_A / θ_B tensor of a block parameter; undefined if that group is not expanded
    /// (θ_A is also undefined for a weight-sharing learngene).
    torch::Tensor thetaA(int param) const;
    torch::Tensor thetaB(int param) const;
    /// Independent lower block tensor (partial expansion), undefined if absent.
    torch::Tensor lowerBlock(int64_t block, int param) const;
    torch::Tensor shared(const std::string& name) const; // undefined if absent

    /// S-Params: parameters stored to initialise Des-Nets of any depth (head excluded: it is
    /// task-specific and not transferred when the class set changes).
    int64_t storedParams() const;

private:
    torch::Tensor find(const std::string& name) const;
};

} // namespace tleg::model
