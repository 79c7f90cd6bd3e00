#pragma once
// LayerNorm over the last axis in one pass per row, for the small widths of the models here
// (LibTorch 1.13's CPU kernel spends ~1 ns per element on 64-wide rows, the cost of a GEMM of
// the same rows). The result can be written straight as bfloat16, so a bf16 GEMM that follows
// needs no conversion of its own; statistics, the saved input and all gradients stay float32.
// Usage:
//   auto h = kernels::fusedLayerNormApplies(x) ? kernels::fusedLayerNorm(x, w, b, 1e-6, bf16)
//                                           : torch::layer_norm(x, {dim}, w, b, 1e-6);
#include <torch/torch.h>

namespace tleg::kernels {

/// CPU float32 x with float32 weight and bias of x's last size.
bool fusedLayerNormApplies(const torch::Tensor& x, const torch::Tensor& weight,
                           const torch::Tensor& bias);

/// (x − mean) / √(var + eps) · weight + bias over the last axis; bfloat16 result when
/// bf16Out, else float32. Differentiable with respect to x, weight and bias.
torch::Tensor fusedLayerNorm(const torch::Tensor& x, const torch::Tensor& weight,
                             const torch::Tensor& bias, double eps, bool bf16Out);

} // namespace tleg::kernels
