#pragma once
// The attention core of a ViT block as one kernel: softmax(q kᵀ / √d) v for every image and
// head, read straight from the packed qkv projection and written straight into [B, N, D], with
// its own backward. Replaces two batched matmuls over tiny per-head matrices, the softmax and
// the permute / transpose copies around them (a quarter of a small ViT's step on CPU).
// Usage:
//   auto qkv = linear(h, w[QkvWeight], w[QkvBias]);          // [B, N, 3D]
//   if (kernels::fusedAttentionApplies(qkv)) ctx = kernels::fusedAttention(qkv, heads);  // [B, N, D]
#include <torch/torch.h>

#include <string>

namespace tleg::kernels {

/// True for a CPU float32 or bfloat16 [B, N, 3D] tensor. bf16 in gives bf16 out (and bf16
/// gradients); the kernel computes in float either way.
bool fusedAttentionApplies(const torch::Tensor& qkv);

/// qkv: [B, N, 3D] with q | k | v along the last axis, each D = heads × d (timm's layout).
/// Returns [B, N, D], heads concatenated. Differentiable with respect to qkv. With 0 < queries
/// < N only the first `queries` tokens' rows are computed ([B, queries, D]; every key and value
/// still attended to), as a network's last block needs for its class token.
torch::Tensor fusedAttention(const torch::Tensor& qkv, int64_t heads, int64_t queries = 0);

/// Which instruction set the kernel runs with here ("avx512", "avx2" or "generic").
const char* fusedAttentionIsa();

/// Runs the kernel with `isa` ("avx512", "avx2", "generic"; "best" or "": the fastest this CPU
/// has) from now on, in every thread; false (nothing changed) when the CPU lacks it. For tests
/// and benchmarks that compare the variants.
bool setFusedAttentionIsa(const std::string& isa);

} // namespace tleg::kernels
