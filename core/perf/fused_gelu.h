#pragma once
// GELU (exact, erf form) in one pass that also keeps its derivative, so the backward is one
// multiply. For float32 and bfloat16 tensors on CPU; AVX2 with a polynomial erf / exp whose error
// (< 2e-7 absolute) is below float32's resolution of the result.
// Usage:
//   auto y = perf::fusedGeluApplies(h) ? perf::fusedGelu(h) : torch::gelu(h);
#include <torch/torch.h>

namespace tleg::perf {

/// CPU, float32 or bfloat16.
bool fusedGeluApplies(const torch::Tensor& x);

/// x · Φ(x), same dtype and shape as x. Differentiable.
torch::Tensor fusedGelu(const torch::Tensor& x);

} // namespace tleg::perf
