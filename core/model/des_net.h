#pragma once
// Building descendant models (Des-Nets) and the baselines they are compared with.
// Usage:
//   ExpandOptions o; o.depth = 8;  ViT des = expand(learngene, o);     // TLEG
//   ViT s = scratch(cfg, seed);  ViT h = heLg(*ancestry, 8, 10, seed);  // baselines
// Share-Init is expand() of a learngene distilled with AuxOptions::shareOnly.
#include "model/learngene.h"

namespace tleg::model {

struct ExpandOptions {
    int64_t depth = 6;
    /// Partial initialisation (paper Table 5): only blocks in [initFrom, initTo) come from the
    /// learngene, the others are random. initTo < 0 means "to the last block".
    int64_t initFrom = 0;
    int64_t initTo = -1;
    /// Classes of the Des-Net's head; <= 0 keeps the learngene's. A different class count
    /// gets a fresh head.
    int64_t numClasses = 0;
    uint64_t seed = 0; // for the randomly initialised parts
};

/// θ_i = θ_B + (i / depth)·θ_A for every expanded tensor; shared parts copied.
ViT expand(const Learngene& learngene, const ExpandOptions& options);

/// expand() and saveClassifier() in one: the same file, byte for byte. When the learngene
/// determines every tensor (all blocks initialised, every module group expanded, the same
/// classes) the tensors are computed and written directly, without building and randomly
/// initialising a network first (for a ViT-B that is most of the time); otherwise it is
/// expand() followed by saveClassifier().
void saveExpanded(const std::string& path, const Learngene& learngene,
                  const ExpandOptions& options, const nlohmann::json& extra);

/// A randomly initialised ViT (Scratch baseline).
ViT scratch(const ViTConfig& config, uint64_t seed);

/// The same network with a freshly initialised head for numClasses classes (a new class set);
/// everything else is copied.
ViT withNewHead(const ViTImpl& net, int64_t numClasses, uint64_t seed);

/// He-LG: the last min(3, depth) blocks of the ancestry on top of random lower blocks.
ViT heLg(const ViTImpl& ancestry, int64_t depth, int64_t numClasses, uint64_t seed);

} // namespace tleg::model
