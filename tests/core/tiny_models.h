#pragma once
// Small models with non-trivial weights for tests (every parameter random, LayerNorm γ too, so
// a copy or a coefficient that is off shows up).
#include "model/aux_net.h"
#include "model/vit.h"
#include "train/trainer.h"

#include <string>

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

/// fmnist-ti narrowed to width 32: trains on a few hundred Fashion-MNIST images in seconds.
inline model::ViTConfig fmnistTinyConfig(int64_t depth = 4)
{
    auto c = model::ViTConfig::preset("fmnist-ti");
    c.dim = 32;
    c.heads = 2;
    c.depth = depth;
    return c;
}

/// Short, fast training into runDir with provenance role (ancestry, des-net, ...).
inline train::TrainOptions fastRunOptions(const std::string& runDir, int64_t epochs,
                                          const char* role)
{
    train::TrainOptions o;
    o.epochs = epochs;
    o.batchSize = 50;
    o.lr = 2e-3;
    o.warmupEpochs = 0.2;
    o.threads = 2;
    o.runDir = runDir;
    o.provenance = {{"role", role}, {"data", "fashion-mnist"}};
    return o;
}

inline void randomize(torch::nn::Module& m, uint64_t seed)
{
    torch::manual_seed(seed);
    torch::NoGradGuard guard;
    for (auto& p : m.parameters())
        p.normal_(0.0, 0.3);
}

} // namespace tleg::testing
