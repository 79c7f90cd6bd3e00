#pragma once
// One pre-norm Transformer block (DeiT / timm layout) as named parameter slots, plus a
// functional forward that takes the weights explicitly. The ViT passes its own weights; the
// Aux-Net passes θ_B + c_i·θ_A computed on the fly, so both share one forward.
// Usage:
//   Block blk(dim, heads, mlpRatio, kAllGroups);
//   BlockWeights w = blk->weights();   x = blockForward(x, w, heads);   // x: [B, N, D]
#include <torch/torch.h>

#include <array>
#include <string>

namespace tleg::model {

/// The twelve tensors of one block, in timm's names relative to "blocks.{i}.".
enum BlockParam : int {
    Norm1Weight, Norm1Bias, QkvWeight, QkvBias, ProjWeight, ProjBias,
    Norm2Weight, Norm2Bias, Fc1Weight, Fc1Bias, Fc2Weight, Fc2Bias,
    kBlockParamCount
};
using BlockWeights = std::array<torch::Tensor, kBlockParamCount>;

/// Module groups that can be linearly expanded (paper Table 4). Bit flags.
enum Group : unsigned { kGroupMsa = 1u, kGroupMlp = 2u, kGroupLn = 4u };
constexpr unsigned kAllGroups = kGroupMsa | kGroupMlp | kGroupLn;

const char* blockParamName(int p); // "attn.qkv.weight", ...
Group blockParamGroup(int p);
bool isLayerNormWeight(int p);     // γ of norm1 / norm2 (initialised to 1 in θ_B, 0 in θ_A)
/// "msa,mlp,ln" <-> flags; throws tleg::Error for an unknown name or an empty set.
unsigned groupsFromString(const std::string& s);
std::string groupsToString(unsigned groups);

/// N(0, std²) truncated to [lower, upper] in absolute value, as timm's trunc_normal_(std=.02)
/// for ViT weights: its bounds are ±2 (not ±2 std), so with std 0.02 the draw is, in practice,
/// an untruncated normal of std 0.02 (a ±2 std cut would give std 0.0176).
void truncNormal_(torch::Tensor t, double std, double lower = -2.0, double upper = 2.0);

struct AttentionImpl : torch::nn::Module {
    /// qkvBias false: no "qkv.bias" (timm's qkv_bias=False); its BlockWeights slot stays undefined.
    explicit AttentionImpl(int64_t dim, bool qkvBias = true);
    torch::nn::Linear qkv{nullptr}, proj{nullptr};
};
TORCH_MODULE(Attention);

struct MlpImpl : torch::nn::Module {
    MlpImpl(int64_t dim, int64_t hidden);
    torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Mlp);

/// A block holding only the parameter groups in `groups` (the others stay unregistered, so
/// named_parameters() yields exactly the tensors this block owns).
struct BlockImpl : torch::nn::Module {
    BlockImpl(int64_t dim, int64_t heads, double mlpRatio, unsigned groups = kAllGroups,
              bool qkvBias = true, double eps = 1e-6);
    /// Standard init: weights truncated normal 0.02, biases 0, LayerNorm γ=1 β=0.
    void resetParameters();
    /// Undefined tensors for groups this block does not hold.
    BlockWeights weights() const;
    torch::Tensor forward(const torch::Tensor& x); // requires all groups

    int64_t heads;
    unsigned groups;
    double eps; ///< of both LayerNorms
    torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
    Attention attn{nullptr};
    Mlp mlp{nullptr};
};
TORCH_MODULE(Block);

/// x: [B, N, D] -> [B, N, D]. x + MSA(LN1(x)); x + MLP(LN2(x)). eps: of both LayerNorms; an
/// undefined qkv bias is none.
torch::Tensor blockForward(const torch::Tensor& x, const BlockWeights& w, int64_t heads,
                           double eps = 1e-6);

/// The residual stream between blocks as x + pending, the last block's MLP output not yet
/// added: the next block adds it in one pass with its first LayerNorm (see
/// kernels::fusedAddLayerNorm). value() adds it.
struct Residual {
    torch::Tensor x;
    torch::Tensor pending; // undefined: none
    torch::Tensor value() const { return pending.defined() ? x + pending : x; }
};

/// blockForward on a Residual, returning one; chaining these over a stack of blocks gives the
/// same result as chaining blockForward, with one pass fewer over the stream per block.
/// keepTokens > 0 (a network's last block, when only its first tokens reach the head): the
/// result holds just the first keepTokens tokens, [B, keepTokens, D], the same values as the
/// full block's. Their attention still reads every token; the projection, the second LayerNorm
/// and the MLP run on those tokens alone.
Residual blockForward(const Residual& in, const BlockWeights& w, int64_t heads,
                      double eps = 1e-6, int64_t keepTokens = 0);

/// Matmul precision for the linear layers of the current thread: bf16 keeps the residual
/// stream and LayerNorm in fp32 and runs the matmuls in bfloat16 (AVX-512 BF16 / AMX).
void setBf16Matmul(bool enabled);
bool bf16Matmul();
/// y = x Wᵀ + b honouring setBf16Matmul; the result is fp32.
torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b);

} // namespace tleg::model
