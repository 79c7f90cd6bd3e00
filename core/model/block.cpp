#include "model/block.h"

#include "kernels/dnnl_linear.h"
#include "kernels/fused_attention.h"
#include "kernels/fused_gelu.h"
#include "kernels/fused_layer_norm.h"
#include "kernels/fused_softmax.h"
#include "util/error.h"

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <tuple>

namespace tleg::model {

namespace {

struct ParamInfo {
    const char* name;
    Group group;
};

constexpr ParamInfo kParams[kBlockParamCount] = {
    {"norm1.weight", kGroupLn},     {"norm1.bias", kGroupLn},      {"attn.qkv.weight", kGroupMsa},
    {"attn.qkv.bias", kGroupMsa},   {"attn.proj.weight", kGroupMsa}, {"attn.proj.bias", kGroupMsa},
    {"norm2.weight", kGroupLn},     {"norm2.bias", kGroupLn},      {"mlp.fc1.weight", kGroupMlp},
    {"mlp.fc1.bias", kGroupMlp},    {"mlp.fc2.weight", kGroupMlp}, {"mlp.fc2.bias", kGroupMlp},
};

thread_local bool t_bf16Matmul = false;

/// Above this many tokens a bf16 block runs attention as batched bf16 GEMMs instead of the fused
/// fp32 kernel. At 17 tokens (Fashion-MNIST) the fused kernel is the faster; at 197 (224 px)
/// the GEMMs are, by a wide margin (`tleg bench`'s 224-px row).
constexpr int64_t kFusedAttentionMaxTokens = 64;

} // namespace

const char* blockParamName(int p) { return kParams[p].name; }
Group blockParamGroup(int p) { return kParams[p].group; }
bool isLayerNormWeight(int p) { return p == Norm1Weight || p == Norm2Weight; }

unsigned groupsFromString(const std::string& s)
{
    unsigned groups = 0;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (item == "msa" || item == "attn")
            groups |= kGroupMsa;
        else if (item == "mlp")
            groups |= kGroupMlp;
        else if (item == "ln" || item == "norm")
            groups |= kGroupLn;
        else if (item == "all")
            groups |= kAllGroups;
        else if (!item.empty())
            throw Error("unknown module group '" + item + "' (use msa, mlp, ln or all)");
    }
    if (groups == 0)
        throw Error("no module group given (use msa, mlp, ln or all)");
    return groups;
}

std::string groupsToString(unsigned groups)
{
    std::string s;
    auto add = [&](unsigned g, const char* name) {
        if (groups & g)
            s += s.empty() ? name : std::string(",") + name;
    };
    add(kGroupMsa, "msa");
    add(kGroupMlp, "mlp");
    add(kGroupLn, "ln");
    return s;
}

void truncNormal_(torch::Tensor t, double std, double lower, double upper)
{
    torch::NoGradGuard guard;
    // N(0, std²) restricted to [lower, upper] (absolute bounds, as timm's trunc_normal_):
    // inverse-CDF sampling, a uniform draw between the bounds' CDF values through erfinv.
    if (lower <= -8.0 * std && upper >= 8.0 * std) {
        // Bounds this far out (timm's ±2 at std 0.02 are 100 std) cut nothing a float normal
        // can reach. The inverse CDF would turn a uniform draw of exactly −1 (float: once in
        // 2^24 draws) into erfinv(−1) = −inf and the clamp into a weight of −2: 100 std, and
        // enough to move a ViT-S matrix's std by 3 %.
        t.normal_(0.0, std).clamp_(lower, upper);
        return;
    }
    const double cdfLower = 0.5 * (1.0 + std::erf(lower / (std * std::sqrt(2.0))));
    const double cdfUpper = 0.5 * (1.0 + std::erf(upper / (std * std::sqrt(2.0))));
    auto draw = torch::empty(t.sizes(), torch::kDouble); // double: the endpoints are 2^-53 away
    draw.uniform_(2.0 * cdfLower - 1.0, 2.0 * cdfUpper - 1.0)
        .erfinv_()
        .mul_(std * std::sqrt(2.0))
        .clamp_(lower, upper);
    t.copy_(draw);
}

AttentionImpl::AttentionImpl(int64_t dim, bool qkvBias)
{
    qkv = register_module("qkv",
                          torch::nn::Linear(torch::nn::LinearOptions(dim, 3 * dim).bias(qkvBias)));
    proj = register_module("proj", torch::nn::Linear(dim, dim));
}

MlpImpl::MlpImpl(int64_t dim, int64_t hidden)
{
    fc1 = register_module("fc1", torch::nn::Linear(dim, hidden));
    fc2 = register_module("fc2", torch::nn::Linear(hidden, dim));
}

BlockImpl::BlockImpl(int64_t dim, int64_t heads_, double mlpRatio, unsigned groups_, bool qkvBias,
                     double eps_)
    : heads(heads_), groups(groups_), eps(eps_)
{
    const auto ln = torch::nn::LayerNormOptions({dim}).eps(eps);
    if (groups & kGroupLn)
        norm1 = register_module("norm1", torch::nn::LayerNorm(ln));
    if (groups & kGroupMsa)
        attn = register_module("attn", Attention(dim, qkvBias));
    if (groups & kGroupLn)
        norm2 = register_module("norm2", torch::nn::LayerNorm(ln));
    if (groups & kGroupMlp)
        mlp = register_module("mlp", Mlp(dim, static_cast<int64_t>(dim * mlpRatio)));
    resetParameters();
}

void BlockImpl::resetParameters()
{
    torch::NoGradGuard guard;
    for (auto& t : weights()) {
        if (!t.defined())
            continue;
        if (t.dim() == 2)
            truncNormal_(t, 0.02);
        else
            t.zero_();
    }
    if (norm1) {
        norm1->weight.fill_(1.0);
        norm2->weight.fill_(1.0);
    }
}

BlockWeights BlockImpl::weights() const
{
    BlockWeights w;
    if (norm1) {
        w[Norm1Weight] = norm1->weight;
        w[Norm1Bias] = norm1->bias;
        w[Norm2Weight] = norm2->weight;
        w[Norm2Bias] = norm2->bias;
    }
    if (attn) {
        w[QkvWeight] = attn->qkv->weight;
        w[QkvBias] = attn->qkv->bias; // undefined without a qkv bias
        w[ProjWeight] = attn->proj->weight;
        w[ProjBias] = attn->proj->bias;
    }
    if (mlp) {
        w[Fc1Weight] = mlp->fc1->weight;
        w[Fc1Bias] = mlp->fc1->bias;
        w[Fc2Weight] = mlp->fc2->weight;
        w[Fc2Bias] = mlp->fc2->bias;
    }
    return w;
}

torch::Tensor BlockImpl::forward(const torch::Tensor& x)
{
    return blockForward(x, weights(), heads, eps);
}

void setBf16Matmul(bool enabled) { t_bf16Matmul = enabled; }
bool bf16Matmul() { return t_bf16Matmul; }

namespace {

/// Whether bf16 linear layers call oneDNN directly (kernels/dnnl_linear.h). TLEG_NO_DNNL=1 in
/// the environment keeps LibTorch's addmm route instead: for comparing the two, or to rule the
/// direct route out when something looks wrong.
bool directGemms()
{
    static const bool yes = [] {
        const char* off = std::getenv("TLEG_NO_DNNL");
        return !(off && *off && std::string(off) != "0");
    }();
    return yes;
}

/// x Wᵀ + b with bfloat16 operands and result: the GEMM accumulates in fp32 and adds the bias
/// before its one rounding. x may already be bf16 (then it is not converted again).
torch::Tensor linearBf16(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b)
{
    const auto bf16 = torch::kBFloat16;
    const auto xb = x.scalar_type() == bf16 ? x : x.to(bf16);
    if (directGemms() && kernels::dnnlLinearApplies(xb, w, b))
        return kernels::dnnlLinearBf16(xb, w, b);
    auto x2 = xb.reshape({-1, xb.size(-1)});
    auto y = b.defined() ? torch::addmm(b.to(bf16), x2, w.to(bf16).t()) : x2.mm(w.to(bf16).t());
    auto sizes = x.sizes().vec();
    sizes.back() = w.size(0);
    return y.view(sizes);
}

/// The packed qkv projection [B, N, 3·H·d] cut into per-head q [B·H, nq, d] (the first nq
/// tokens' queries), k and v [B·H, N, d], each contiguous for the batched GEMMs. LibTorch's own
/// route (select, permute, and matmul's copies) costs a zero-filled [3, B, H, N, d] gradient per
/// slice and two full-size sums of them in the backward; this one writes each of the three
/// gradients into its slice of one tensor.
struct SplitQkvFn : torch::autograd::Function<SplitQkvFn> {
    static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx,
                                                  const torch::Tensor& packed, int64_t heads,
                                                  int64_t queries)
    {
        const int64_t batch = packed.size(0), tokens = packed.size(1);
        const int64_t headDim = packed.size(2) / (3 * heads);
        const auto parts = packed.view({batch, tokens, 3, heads, headDim});
        torch::autograd::variable_list out;
        for (int64_t i = 0; i < 3; ++i) {
            const int64_t n = i == 0 ? queries : tokens;
            auto t = torch::empty({batch, heads, n, headDim}, packed.options());
            t.copy_(parts.select(2, i).narrow(1, 0, n).permute({0, 2, 1, 3}));
            out.push_back(t.view({batch * heads, n, headDim}));
        }
        ctx->saved_data["batch"] = batch;
        ctx->saved_data["tokens"] = tokens;
        ctx->saved_data["heads"] = heads;
        return out;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads)
    {
        const int64_t batch = ctx->saved_data["batch"].toInt();
        const int64_t tokens = ctx->saved_data["tokens"].toInt();
        const int64_t heads = ctx->saved_data["heads"].toInt();
        const auto& any = grads[1].defined() ? grads[1] : grads[0].defined() ? grads[0] : grads[2];
        const int64_t headDim = any.size(-1);
        auto g = torch::empty({batch, tokens, 3, heads, headDim}, any.options());
        for (int64_t i = 0; i < 3; ++i) {
            auto slot = g.select(2, i); // [B, N, H, d]
            if (!grads[size_t(i)].defined()) {
                slot.zero_();
                continue;
            }
            const int64_t n = grads[size_t(i)].size(1);
            slot.narrow(1, 0, n).copy_(
                grads[size_t(i)].view({batch, heads, n, headDim}).permute({0, 2, 1, 3}));
            if (n < tokens)
                slot.narrow(1, n, tokens - n).zero_();
        }
        return {g.view({batch, tokens, 3 * heads * headDim}), {}, {}};
    }
};

} // namespace

torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b)
{
    if (!t_bf16Matmul)
        return torch::nn::functional::linear(x, w, b);
    return linearBf16(x, w, b).to(torch::kFloat);
}

torch::Tensor blockForward(const torch::Tensor& x, const BlockWeights& w, int64_t heads, double eps)
{
    return blockForward(Residual{x, {}}, w, heads, eps).value();
}

Residual blockForward(const Residual& in, const BlockWeights& w, int64_t heads, double eps,
                      int64_t keepTokens)
{
    const int64_t batch = in.x.size(0), tokens = in.x.size(1), dim = in.x.size(2);
    const int64_t headDim = dim / heads;
    namespace F = torch::nn::functional;

    // LayerNorm writes bf16 straight away when the GEMM after it is bf16.
    auto norm = [&](const torch::Tensor& t, const torch::Tensor& g, const torch::Tensor& b) {
        return kernels::fusedLayerNormApplies(t, g, b)
                   ? kernels::fusedLayerNorm(t, g, b, eps, t_bf16Matmul)
                   : torch::layer_norm(t, {dim}, g, b, eps);
    };
    torch::Tensor x, h;
    if (in.pending.defined()
        && kernels::fusedAddLayerNormApplies(in.x, in.pending, w[Norm1Weight], w[Norm1Bias])) {
        std::tie(x, h) = kernels::fusedAddLayerNorm(in.x, in.pending, w[Norm1Weight],
                                                    w[Norm1Bias], eps, t_bf16Matmul);
    } else {
        x = in.value();
        h = norm(x, w[Norm1Weight], w[Norm1Bias]);
    }
    // In bf16 the qkv projection stays bf16 and so does the attention's output, the proj
    // GEMM's input. Up to a few dozen tokens the fused kernel reads and writes bf16 (computing
    // in float); with many (197 at 224 px) the two attention products are real GEMMs and run
    // batched in bf16 on oneDNN below, as the linear layers do, with a softmax that reads and
    // writes bf16 and computes in fp32 (kernels::fusedSoftmax).
    const bool manyTokens = t_bf16Matmul && tokens > kFusedAttentionMaxTokens;
    const bool narrow = keepTokens > 0 && keepTokens < tokens;
    auto packed = t_bf16Matmul ? linearBf16(h, w[QkvWeight], w[QkvBias])
                               : linear(h, w[QkvWeight], w[QkvBias]); // [B, N, 3D]
    torch::Tensor ctx; // [B, N, D]; [B, keepTokens, D] when narrow
    if (!manyTokens && kernels::fusedAttentionApplies(packed)) {
        // With keepTokens the kernel answers the kept tokens' queries alone.
        ctx = kernels::fusedAttention(packed, heads, narrow ? keepTokens : 0);
    } else {
        // With keepTokens only the kept tokens' queries go against every key.
        const int64_t queries = narrow ? keepTokens : tokens;
        const auto qkv = SplitQkvFn::apply(packed.contiguous(), heads, queries); // [B·H, n, d]
        const auto &q = qkv[0], &k = qkv[1], &v = qkv[2];
        const double scale = 1.0 / std::sqrt(static_cast<double>(headDim));
        // The 1/√d scale goes into the softmax's pass over the scores (no scaled copy of q).
        auto scores = torch::bmm(q, k.transpose(1, 2)); // [B·H, nq, N]
        auto attn = kernels::fusedSoftmaxApplies(scores) ? kernels::fusedSoftmax(scores, scale)
                                                         : (scores * scale).softmax(-1);
        ctx = torch::bmm(attn, v)
                  .view({batch, heads, queries, headDim})
                  .transpose(1, 2)
                  .reshape({batch, queries, dim});
    }
    if (narrow) {
        // Only these tokens go on (a class token to the head): each token's projection,
        // LayerNorm and MLP read that token alone. In the Fashion-MNIST models' last block
        // (17 tokens, one kept) that is most of the block's work.
        x = x.narrow(1, 0, keepTokens).contiguous();
    }
    // A bf16 GEMM result is added to the float residual stream directly, in one pass with the
    // LayerNorm after it (whose backward sums the two gradient paths of `out` and rounds the
    // GEMM's share to bf16 on the way).
    const auto proj = t_bf16Matmul ? linearBf16(ctx, w[ProjWeight], w[ProjBias])
                                   : linear(ctx, w[ProjWeight], w[ProjBias]);
    torch::Tensor out;
    if (kernels::fusedAddLayerNormApplies(x, proj, w[Norm2Weight], w[Norm2Bias])) {
        std::tie(out, h) =
            kernels::fusedAddLayerNorm(x, proj, w[Norm2Weight], w[Norm2Bias], eps, t_bf16Matmul);
    } else {
        out = x + proj;
        h = norm(out, w[Norm2Weight], w[Norm2Bias]);
    }
    auto gelu = [](const torch::Tensor& t) {
        return kernels::fusedGeluApplies(t) ? kernels::fusedGelu(t) : F::gelu(t);
    };
    if (t_bf16Matmul) {
        // The hidden layer stays bf16 between the two GEMMs (fc2 would round it to bf16
        // anyway): half the memory traffic and no conversions of the widest tensor.
        h = linearBf16(h, w[Fc1Weight], w[Fc1Bias]);
        // One node for GELU and fc2: its backward multiplies by the GELU's derivative inside
        // the input-gradient GEMM.
        if (directGemms() && kernels::dnnlLinearApplies(h, w[Fc2Weight], w[Fc2Bias]))
            return {out, kernels::dnnlGeluLinearBf16(h, w[Fc2Weight], w[Fc2Bias])};
        return {out, linearBf16(gelu(h), w[Fc2Weight], w[Fc2Bias])};
    }
    h = gelu(linear(h, w[Fc1Weight], w[Fc1Bias]));
    return {out, linear(h, w[Fc2Weight], w[Fc2Bias])};
}

} // namespace tleg::model
