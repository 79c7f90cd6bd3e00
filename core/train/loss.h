#pragma once
// The TLEG training loss (paper Eq. 5-6):
//   L = (1-λ)·CE(z_s, y) + λ·τ²·KL(softmax(z_t/τ) ‖ softmax(z_s/τ))
// KL summed over classes and averaged over the batch; with deitNormalisation it is divided by
// batch × classes instead, as the released code (after DeiT) does.
// Usage:
//   LossOptions o{1.0, 2.0, 0.0, false};   // λ = 1, τ = 2
//   torch::Tensor loss = tlegLoss(studentLogits, teacherLogits, labels, o);
#include <torch/torch.h>

namespace tleg::train {

struct LossOptions {
    double lambda = 1.0;  // weight of distillation; 0 = plain cross-entropy
    double tau = 1.0;     // temperature
    double labelSmoothing = 0.0;
    bool deitNormalisation = false;
};

/// Cross-entropy with optional label smoothing, averaged over the batch.
torch::Tensor crossEntropy(const torch::Tensor& logits, const torch::Tensor& labels,
                           double labelSmoothing = 0.0);

/// τ²·KL(softmax(t/τ) ‖ softmax(s/τ)), reduced as described above.
torch::Tensor distillationLoss(const torch::Tensor& student, const torch::Tensor& teacher,
                               double tau, bool deitNormalisation = false);

/// The full loss; teacher may be undefined only when lambda == 0.
torch::Tensor tlegLoss(const torch::Tensor& student, const torch::Tensor& teacher,
                       const torch::Tensor& labels, const LossOptions& options);

} // namespace tleg::train
