#include "model/expansion_preview.h"

#include "model/aux_net.h"
#include "util/error.h"

namespace tleg::model {

ExpansionPreview previewExpansion(const ViTConfig& auxConfig, int64_t learngeneStored,
                                  int64_t depth)
{
    if (depth < 1)
        throw Error("depth must be at least 1, got " + std::to_string(depth));
    ExpansionPreview p;
    p.depth = depth;
    ViTConfig cfg = auxConfig;
    cfg.depth = depth;
    for (int64_t i = 0; i < depth; ++i)
        p.coefficients.push_back(expansionCoefficient(i, depth));
    p.params = cfg.totalParams();
    p.macs = cfg.forwardMacs();
    p.learngeneStored = learngeneStored;
    for (int64_t d = 1; d <= depth; ++d) {
        cfg.depth = d;
        p.storedPerDepthModels += cfg.totalParams() - cfg.headParams();
    }
    return p;
}

} // namespace tleg::model
