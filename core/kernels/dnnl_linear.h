#pragma once
// A bfloat16 linear layer y = x Wᵀ + b on oneDNN's matmul directly, one autograd node. fp32
// weights are rounded to bf16 once per forward (bf16 ones, such as the Aux-Net's expanded
// weights, are taken as they are); the GEMMs accumulate in fp32; the bias is added in fp32
// before y's one rounding; the weight and bias gradients come out in their inputs' dtypes (an
// fp32 weight's gradient is not rounded to bf16 on the way). Each GEMM shape's oneDNN primitive is created once and
// kept, so a call costs one primitive execution instead of LibTorch's addmm route (casts,
// transpose view, dispatch, and a primitive lookup per GEMM).
// Usage:
//   if (kernels::dnnlLinearApplies(x, w, b)) y = kernels::dnnlLinearBf16(x, w, b);  // x [B, N, K]
#include <torch/torch.h>

#include <string>

namespace tleg::kernels {

/// Built with oneDNN; x a bf16 CPU tensor of 2 or more dimensions; w 2-D of x's width and b
/// (when defined) of w's rows, each fp32 or bf16 on the CPU.
bool dnnlLinearApplies(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b);

/// x [..., K] bf16, w [N, K], b [N] or undefined: y [..., N] bf16 (the leading dimensions are
/// the GEMM's rows; no reshape nodes). Differentiable in all three, each gradient in its
/// input's dtype.
torch::Tensor dnnlLinearBf16(const torch::Tensor& x, const torch::Tensor& w,
                             const torch::Tensor& b);

/// gelu(x) Wᵀ + b, as dnnlLinearBf16 of fusedGelu(x) (kernels/fused_gelu.h) but one node: the
/// backward multiplies by the GELU's derivative inside the input-gradient GEMM.
torch::Tensor dnnlGeluLinearBf16(const torch::Tensor& x, const torch::Tensor& w,
                                 const torch::Tensor& b);

/// The oneDNN implementation each of the layer's three GEMMs ran with (forward, input gradient,
/// weight gradient; then the input gradient through a GELU) for one shape, e.g.
/// "brg:avx512_core_bf16"; empty without oneDNN.
std::string dnnlLinearImplementation(int64_t m, int64_t n, int64_t k);

} // namespace tleg::kernels
