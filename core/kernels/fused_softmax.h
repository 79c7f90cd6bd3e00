#pragma once
// softmax(scale · s) over the last axis, for the attention scores of many-token blocks (197 at
// 224 px), where q kᵀ and p v run as bf16 GEMMs. LibTorch 1.13's CPU softmax on a bfloat16
// tensor runs about five times slower than on float32; this one reads and writes the scores in
// their own dtype (bfloat16 or float32), computes in float32 and takes the 1/√d scale in the
// same pass, so q needs no scaled copy. Its backward is one pass per row as well.
// Usage:
//   auto p = kernels::fusedSoftmaxApplies(s) ? kernels::fusedSoftmax(s, scale)
//                                            : (s * scale).softmax(-1);
#include <torch/torch.h>

#include <string>

namespace tleg::kernels {

/// CPU, strided, float32 or bfloat16, at least one element in the last axis.
bool fusedSoftmaxApplies(const torch::Tensor& scores);

/// softmax(scale · scores) over the last axis, in scores' dtype; scale > 0. A row holding a NaN
/// or an infinity comes out all NaN. Differentiable with respect to scores.
torch::Tensor fusedSoftmax(const torch::Tensor& scores, double scale);

/// For tests: "avx512", "generic" (any CPU) or "best" (the default: the best this CPU has) for
/// the rows' loops; false when this CPU or build lacks the ISA.
bool setFusedSoftmaxIsa(const std::string& isa);

} // namespace tleg::kernels
