#include "workflow/role.h"

#include "util/files.h"

#include <array>
#include <utility>

namespace tleg::workflow {

namespace {

const std::array<std::pair<Role, const char*>, 6> kNames = {{{Role::Ancestry, "ancestry"},
                                                             {Role::AuxNet, "aux-net"},
                                                             {Role::DesNet, "des-net"},
                                                             {Role::Scratch, "scratch"},
                                                             {Role::FineTune, "fine-tune"},
                                                             {Role::Pretrain, "pretrain"}}};

} // namespace

std::string roleName(Role role)
{
    for (const auto& [r, name] : kNames)
        if (r == role)
            return name;
    return "ancestry";
}

std::optional<Role> roleFromName(const std::string& name)
{
    for (const auto& [r, n] : kNames)
        if (name == n)
            return r;
    if (name == "auxnet") // written before the roles had one spelling
        return Role::AuxNet;
    if (name == "desnet")
        return Role::DesNet;
    if (name == "finetune")
        return Role::FineTune;
    return std::nullopt;
}

std::string runFolderBase(Role role, int64_t depth)
{
    const std::string d = depth > 0 ? "-" + std::to_string(depth) : std::string();
    switch (role) {
    case Role::Ancestry:
        return "ancestry";
    case Role::AuxNet:
        return "aux-net";
    case Role::DesNet:
        return "des" + d;
    case Role::Scratch:
        return "scratch" + d;
    case Role::FineTune:
        return "fine-tune";
    case Role::Pretrain:
        return "pretrain" + d;
    }
    return "run";
}

std::string newRunFolder(const std::string& root, const std::string& base)
{
    std::string candidate = joinPath(root, base);
    for (int n = 2; fileExists(candidate); ++n)
        candidate = joinPath(root, base + "-" + std::to_string(n));
    return candidate;
}

} // namespace tleg::workflow
