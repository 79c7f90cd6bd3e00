#pragma once
// Shared by the window tests: a tiny learngene file and a seeded Fashion-MNIST subset.
#include <torch/torch.h>

#include "../core/tiny_models.h"
#include "data/dataset.h"
#include "model/aux_net.h"
#include "model/learngene.h"

#include <QString>

#include <memory>

namespace tleg::testing {

/// Writes the learngene of a seeded 4-block fmnistTinyConfig Aux-Net to path; returns the
/// Aux-Net's config.
inline model::ViTConfig writeTinyLearngene(const QString& path)
{
    const model::ViTConfig config = fmnistTinyConfig(4);
    torch::manual_seed(0);
    model::AuxNet aux(config, model::AuxOptions{});
    model::Learngene::fromAuxNet(*aux).save(path.toStdString());
    return config;
}

/// The first train / test images of a seeded shuffle of the real Fashion-MNIST.
inline std::shared_ptr<const data::DataSplit> fashionMnistSubset(int64_t train, int64_t test)
{
    const auto split = data::loadFashionMnist();
    auto small = std::make_shared<data::DataSplit>();
    small->train = data::subset(split.train, train, 1);
    small->test = data::subset(split.test, test, 2);
    return small;
}

} // namespace tleg::testing
