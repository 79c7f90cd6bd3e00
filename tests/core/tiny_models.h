#pragma once
// Small models with non-trivial weights for tests (every parameter random, LayerNorm γ too, so
// a copy or a coefficient that is off shows up).
#include "model/aux_net.h"
#include "model/vit.h"

namespace tleg::testing {

inline model::ViTConfig tinyConfig(int64_t depth = 4)
{
    model::ViTConfig c;
    c.imageSize = 8;
    c.channels = 1;
    c.patchSize = 4;
    c.dim = 16;
    c.heads = 2;
    c.depth = depth;
    c.mlpRatio = 2.0;
    c.numClasses = 5;
    return c;
}

inline void randomize(torch::nn::Module& m, uint64_t seed)
{
    torch::manual_seed(seed);
    torch::NoGradGuard guard;
    for (auto& p : m.parameters())
        p.normal_(0.0, 0.3);
}

} // namespace tleg::testing
