// Model files: metadata -> architecture -> network (ViT, Aux-Net), learngenes, and the
// linearity analysis's reading of blocks, all from one safetensors file.
#include "analysis/layer_weights.h"
#include "fuzz_support.h"
#include "model/learngene.h"
#include "model/script_classifier.h"

#include <torch/torch.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    torch::set_num_threads(1);
    fuzz::TempDir dir;
    const std::string path = dir.write("m.safetensors", fuzz::bytes(data, size));
    fuzz::expectOnlyError([&] {
        auto net = tleg::model::loadAnyClassifier(path);
        if (auto* vit = dynamic_cast<tleg::model::ViTBase*>(net.get())) {
            const auto& c = vit->config();
            torch::NoGradGuard guard;
            (void)net->forward(torch::zeros({1, c.channels, c.imageSize, c.imageSize}));
        }
    });
    fuzz::expectOnlyError([&] { tleg::model::Learngene::load(path); });
    fuzz::expectOnlyError([&] { tleg::analysis::loadLayerWeights(path); });
    return 0;
}
