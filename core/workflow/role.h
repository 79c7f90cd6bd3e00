#pragma once
// What a run trains, in the paper's words, with one spelling on disk (config.json, the model's
// provenance, the Runs table), and how run folders are named.
// Usage:
//   Role r = Role::AuxNet;  std::string s = roleName(r);            // "aux-net"
//   std::optional<Role> back = roleFromName("auxnet");               // older files read too
//   std::string dir = newRunFolder("runs", runFolderBase(Role::DesNet, 6));  // runs/des-6[-2]
#include <cstdint>
#include <optional>
#include <string>

namespace tleg::workflow {

enum class Role {
    Ancestry, ///< the teacher, trained from scratch with cross-entropy
    AuxNet,   ///< an Aux-Net distilled from a teacher: its learngene is the product
    DesNet,   ///< a descendant expanded from a learngene, then fine-tuned
    Scratch,  ///< a randomly initialised ViT trained with the same budget (baseline)
    FineTune, ///< an existing ViT trained further (tleg finetune)
    Pretrain, ///< an ordinary ViT distilled like an Aux-Net (Pre-Fin(U) baseline)
};

/// "ancestry", "aux-net", "des-net", "scratch", "fine-tune", "pretrain".
std::string roleName(Role role);
/// Today's names and the ones older files carry ("auxnet", "desnet", "finetune"); nullopt for
/// anything else.
std::optional<Role> roleFromName(const std::string& name);

/// The one naming scheme of run folders: "ancestry", "aux-net", "des-<depth>",
/// "scratch-<depth>", "fine-tune", "pretrain-<depth>" (depth 0: without it).
std::string runFolderBase(Role role, int64_t depth = 0);

/// root/base if nothing has that name yet, else root/base-2, root/base-3, ...
std::string newRunFolder(const std::string& root, const std::string& base);

} // namespace tleg::workflow
