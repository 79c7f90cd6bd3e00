#include "workflow/checkpoint_learngene.h"

#include "model/learngene.h"
#include "model/model_io.h"
#include "util/error.h"
#include "util/files.h"

namespace tleg::workflow {

EpochLearngene saveCheckpointLearngene(const std::string& runDir)
{
    EpochLearngene out;
    const std::string checkpoint = joinPath(runDir, "checkpoint.safetensors");
    if (!fileExists(checkpoint))
        return out;
    model::ModelMetadata md;
    const auto net = model::loadClassifier(checkpoint, &md);
    const auto* aux = dynamic_cast<const model::AuxNetImpl*>(net.get());
    if (!aux)
        throw fileError(checkpoint, "holds a " + md.kind + " checkpoint, not an Aux-Net's: only "
                                                           "a distillation has a learngene");
    const nlohmann::json extra = md.extra.is_object() ? md.extra : nlohmann::json::object();
    try {
        const auto history = extra.value("history", nlohmann::json::array());
        if (!history.is_array() || history.empty() || !history.back().is_object())
            throw fileError(checkpoint, "records no finished epoch (history)");
        out.epochs = static_cast<int64_t>(history.size());
        out.top1 = history.back().value("val_top1", 0.0);
        const auto options = extra.value("train_options", nlohmann::json::object());
        out.plannedEpochs = options.is_object() ? options.value("epochs", out.epochs) : out.epochs;
    } catch (const nlohmann::json::exception& e) {
        throw fileError(checkpoint, std::string("checkpoint history is damaged: ") + e.what());
    }

    nlohmann::json about = {{"aux_top1", out.top1},
                            {"epochs", out.epochs},
                            {"planned_epochs", out.plannedEpochs},
                            {"checkpoint", checkpoint}};
    for (const char* key : {"teacher", "data"})
        if (extra.contains(key))
            about[key] = extra[key];
    const auto lg = model::Learngene::fromAuxNet(*aux);
    out.path = joinPath(runDir, "learngene-epoch-" + std::to_string(out.epochs) + ".safetensors");
    lg.save(out.path, about);
    out.storedParams = lg.storedParams();
    return out;
}

} // namespace tleg::workflow
