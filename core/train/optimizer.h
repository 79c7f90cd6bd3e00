#pragma once
// AdamW with decoupled weight decay, and the cosine learning-rate schedule with linear warmup.
// Written out (rather than torch::optim::AdamW) so that its state is plain named tensors that
// go into a safetensors checkpoint and come back exactly on resume.
// Usage:
//   AdamW opt(model.named_parameters(), {.weightDecay = 0.05});
//   loss.backward(); opt.step(lr); opt.zeroGrad();
#include "io/safetensors.h"

#include <torch/torch.h>

namespace tleg::train {

struct AdamWOptions {
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weightDecay = 0.05;
};

class AdamW {
public:
    AdamW(const torch::OrderedDict<std::string, torch::Tensor>& params, AdamWOptions options);
    void step(double lr);
    void zeroGrad();
    /// Scales gradients so that their global L2 norm is at most maxNorm; returns the norm.
    double clipGradNorm(double maxNorm);
    int64_t steps() const { return m_step; }

    /// "optim.exp_avg.<param>", "optim.exp_avg_sq.<param>" and "optim.step".
    io::NamedTensors state() const;
    /// Restores state(); throws tleg::Error naming path when something is missing.
    void loadState(const io::SafetensorsFile& file);

private:
    struct Slot {
        std::string name;
        torch::Tensor param, expAvg, expAvgSq;
        bool decay;
    };
    std::vector<Slot> m_slots;
    AdamWOptions m_options;
    int64_t m_step = 0;
};

/// Learning rate at step (0-based) of total, with warmup steps of linear ramp, then cosine to
/// minLr.
double cosineLr(int64_t step, int64_t total, int64_t warmup, double baseLr, double minLr);

} // namespace tleg::train
