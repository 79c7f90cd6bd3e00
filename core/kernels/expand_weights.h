#pragma once
// The Aux-Net's expanded weights, θ_B + c_k·θ_A for every expanded block k and every weight, as
// one autograd node: one pass writes each block's copy (bfloat16 straight away for a bf16
// GEMM's weight), and the backward reads each copy's gradient once, summing Σ_k c_k·g_k into
// θ_A and Σ_k g_k into θ_B. Replaces per weight an addcmul, a conversion, an unbind and, in
// the backward, a stack, a conversion, a product and two sums (a few hundred small LibTorch
// calls per step: 5 % of the fast path's step at 28 px).
// Usage:
//   auto w = kernels::expandWeights({a0, a1}, {b0, b1}, {0.2, 0.4, 0.6}, {true, false});
//   // w[p][k] = b[p] + c[k] * a[p], bf16 where toBf16[p]
#include <torch/torch.h>

#include <vector>

namespace tleg::kernels {

/// True when every a[p] and b[p] is a CPU float32 tensor, a[p] of b[p]'s shape.
bool expandWeightsApplies(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b);

/// out[p][k] = b[p] + c[k]·a[p] (float32, or bfloat16 rounded once where toBf16[p]);
/// differentiable with respect to every a[p] and b[p].
std::vector<std::vector<torch::Tensor>> expandWeights(const std::vector<torch::Tensor>& a,
                                                      const std::vector<torch::Tensor>& b,
                                                      const std::vector<double>& c,
                                                      const std::vector<bool>& toBf16);

} // namespace tleg::kernels
