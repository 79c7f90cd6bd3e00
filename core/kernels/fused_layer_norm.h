#pragma once
// LayerNorm over the last axis in one pass per row, for the small widths of the models here
// (LibTorch 1.13's CPU kernel spends ~1 ns per element on 64-wide rows, the cost of a GEMM of
// the same rows). The result can be written straight as bfloat16, so a bf16 GEMM that follows
// needs no conversion of its own; statistics, the saved input and all gradients stay float32.
// Usage:
//   auto h = kernels::fusedLayerNormApplies(x) ? kernels::fusedLayerNorm(x, w, b, 1e-6, bf16)
//                                           : torch::layer_norm(x, {dim}, w, b, 1e-6);
#include <torch/torch.h>

#include <utility>

namespace tleg::kernels {

/// CPU float32 x with float32 weight and bias of x's last size.
bool fusedLayerNormApplies(const torch::Tensor& x, const torch::Tensor& weight,
                           const torch::Tensor& bias);

/// (x − mean) / √(var + eps) · weight + bias over the last axis; bfloat16 result when
/// bf16Out, else float32. Differentiable with respect to x, weight and bias.
torch::Tensor fusedLayerNorm(const torch::Tensor& x, const torch::Tensor& weight,
                             const torch::Tensor& bias, double eps, bool bf16Out);

/// fusedLayerNormApplies(x, ...), and y a CPU float32 or bfloat16 tensor of x's shape.
bool fusedAddLayerNormApplies(const torch::Tensor& x, const torch::Tensor& y,
                              const torch::Tensor& weight, const torch::Tensor& bias);

/// The residual add and the LayerNorm after it in one pass: returns s = x + y (float32) and
/// fusedLayerNorm(s, ...). Its backward adds the gradient that reaches s from elsewhere (the
/// next residual) to the LayerNorm's in the same pass, and hands y its gradient in y's dtype
/// (bf16 for a bf16 GEMM's output): no separate add, conversion or accumulation.
std::pair<torch::Tensor, torch::Tensor> fusedAddLayerNorm(const torch::Tensor& x,
                                                          const torch::Tensor& y,
                                                          const torch::Tensor& weight,
                                                          const torch::Tensor& bias, double eps,
                                                          bool bf16Out);

} // namespace tleg::kernels
