#pragma once
// The learngene of a distillation that did not finish. A stopped (or failed) run keeps
// checkpoint.safetensors, the Aux-Net after its last finished epoch; the learngene in it is as
// good as that epoch, and can be expanded at once while the run waits to be resumed
// (DistillSpec::resume) into its final learngene.safetensors.
// Usage:
//   const EpochLearngene lg = saveCheckpointLearngene("runs/aux-net");
//   if (lg.epochs > 0) open(lg.path);   // runs/aux-net/learngene-epoch-2.safetensors
#include <cstdint>
#include <string>

namespace tleg::workflow {

/// A learngene written from a run's checkpoint.
struct EpochLearngene {
    std::string path;         ///< runDir/learngene-epoch-<epochs>.safetensors; empty: none
    int64_t epochs = 0;       ///< epochs the checkpoint had finished (0: no checkpoint)
    int64_t plannedEpochs = 0; ///< the epochs the run was set up for
    int64_t storedParams = 0; ///< the learngene's S-Params
    double top1 = 0;          ///< validation top-1 (%) after the last finished epoch
};

/// Writes the learngene of the Aux-Net in runDir/checkpoint.safetensors beside it (atomically)
/// and says what it is; epochs 0 and no file when runDir has no checkpoint. Throws tleg::Error
/// naming the checkpoint when it holds no Aux-Net (a training run's) or is damaged.
EpochLearngene saveCheckpointLearngene(const std::string& runDir);

} // namespace tleg::workflow
