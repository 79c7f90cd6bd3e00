#pragma once
// The trainer's side of data-parallel training over a dist::World. Every rank computes the
// loss of its slice of the global batch; the gradients are summed over ranks in flat buckets
// (copied in and out: a parameter without a gradient keeps none, and AdamW skips it exactly as
// in one process), together with the batch's figures and any stop request, so that every rank
// takes the same optimizer step on the same bits and all stop at the same batch. Rank 0's weights
// and optimizer state go to every rank when training starts (a fresh run or a resumed one, of any
// earlier world size). Usage (train/trainer.cpp):
//   DataParallel dp(world, model, opt, globalBatch);
//   epochsDone = dp.broadcastState(epochsDone);
//   (loss * dp.share(n)).backward();  StepFigures all = dp.reduceStep(local);
#include "dist/world.h"
#include "model/vit.h"
#include "train/optimizer.h"

#include <memory>
#include <vector>

namespace tleg::train {

/// One batch's figures, of this rank (local) or summed over all ranks.
struct StepFigures {
    double lossSum = 0; ///< Σ over images of the loss (batch mean × images)
    double correct = 0; ///< top-1 hits
    double images = 0;
    bool stop = false;  ///< a stop was asked for (Ctrl-C, the stop flag, the progress callback)
    bool finite = true; ///< the loss was finite
};

class DataParallel {
public:
    /// Buckets of at most bucketBytes each, in reverse parameter order (the order backward
    /// produces gradients in).
    DataParallel(dist::World& world, model::ClassifierImpl& model, AdamW& optimizer,
                 int64_t globalBatch, int64_t bucketBytes = 25LL << 20);
    dist::World& world() { return m_world; }
    /// Rank 0's parameters, buffers and optimizer state, and its epochs done, on every rank.
    int64_t broadcastState(int64_t epochsDone);
    /// The factor of this rank's mean loss in the global batch's mean: images / global batch.
    double share(int64_t images) const;
    /// Sums the gradients and the figures over all ranks (one all-reduce per bucket, one for
    /// the figures, all in flight together).
    StepFigures reduceStep(const StepFigures& local);
    /// Seconds spent in reduceStep so far (the communication the step waits for).
    double reduceSeconds() const { return m_reduceSeconds; }

private:
    dist::World& m_world;
    model::ClassifierImpl& m_model;
    AdamW& m_optimizer;
    int64_t m_globalBatch;
    struct Bucket {
        std::vector<torch::Tensor> params;
        torch::Tensor flat; // [Σ numel], the parameters' dtype
    };
    std::vector<Bucket> m_buckets;
    double m_reduceSeconds = 0;
};

} // namespace tleg::train
