#pragma once
// GELU (exact, erf form) in one pass that also keeps its derivative, so the backward is one
// multiply. For float32 and bfloat16 tensors on CPU. float32: AVX2 with a polynomial erf / exp
// whose error (< 2e-7 absolute) is below float32's resolution of the result. bfloat16: a lookup
// in a table of all 65,536 inputs, computed in double and rounded once (exact).
// Usage:
//   auto y = kernels::fusedGeluApplies(h) ? kernels::fusedGelu(h) : torch::gelu(h);
#include <torch/torch.h>

#include <utility>

namespace tleg::kernels {

/// CPU, float32 or bfloat16.
bool fusedGeluApplies(const torch::Tensor& x);

/// x · Φ(x), same dtype and shape as x. Differentiable.
torch::Tensor fusedGelu(const torch::Tensor& x);

/// gelu(x) and its derivative at x, each of x's dtype and shape, outside autograd: for a
/// caller that does the backward's multiply itself (kernels/dnnl_linear.h, inside a GEMM).
std::pair<torch::Tensor, torch::Tensor> geluAndDerivative(const torch::Tensor& x);

} // namespace tleg::kernels
