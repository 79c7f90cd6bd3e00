// A network's last block computes only the tokens its head reads (model::blockForward's
// keepTokens): the values and every gradient are those of the full block, and a ViT's logits
// are those of the whole computation written out here with LibTorch's own operations.
#include "model/bf16_scope.h"
#include "model/block.h"
#include "model/vit.h"

#include "test_support.h"
#include "tiny_models.h"

#include <string>
#include <vector>

using namespace tleg;

namespace {

/// Largest |a − b| over the largest |b|.
double relDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    const auto fa = a.to(torch::kFloat), fb = b.to(torch::kFloat);
    return ((fa - fb).abs().max() / fb.abs().max().clamp_min(1e-12)).item<double>();
}

struct BlockRun {
    torch::Tensor out;                  // [B, keep, D]
    std::vector<torch::Tensor> grads;   // x, pending, then the block's parameters
};

/// One block on x + pending (the Residual form between blocks), either whole and then cut to
/// the first `keep` tokens, or with keepTokens = keep; backward from `upstream`.
BlockRun runBlock(model::Block& blk, const torch::Tensor& x0, const torch::Tensor& pending0,
                  int64_t keep, bool shortcut, const torch::Tensor& upstream, bool bf16)
{
    auto x = x0.detach().clone().requires_grad_(true);
    auto pending = pending0.detach().clone().requires_grad_(true);
    for (auto& p : blk->parameters())
        p.mutable_grad() = torch::Tensor();
    model::Bf16Scope scope(bf16);
    auto r = model::blockForward(model::Residual{x, pending}, blk->weights(), blk->heads, blk->eps,
                                 shortcut ? keep : 0);
    auto out = r.value();
    if (!shortcut)
        out = out.narrow(1, 0, keep);
    out.backward(upstream);
    BlockRun run{out.detach(), {x.grad(), pending.grad()}};
    for (auto& p : blk->parameters())
        run.grads.push_back(p.grad().clone());
    return run;
}

} // namespace

TEST(LastBlock, keptTokensEqualTheFullBlockWithTheirGradients)
{
    // 17 tokens: the fused attention kernel (fp32 and bf16); 197: bf16 attention as batched
    // GEMMs with only the kept queries. One kept token (class token) and two (DeiT's
    // distillation token).
    for (const bool bf16 : {false, true}) {
        for (const int64_t tokens : {int64_t(17), int64_t(197)}) {
            for (const int64_t keep : {int64_t(1), int64_t(2)}) {
                const std::string what = std::string(bf16 ? "bf16" : "fp32") + ", "
                                         + std::to_string(tokens) + " tokens, keep "
                                         + std::to_string(keep);
                torch::manual_seed(11 + tokens + keep);
                model::Block blk(48, 3, 4.0);
                tleg::testing::randomize(*blk, 5 + uint64_t(keep));
                const auto x = torch::randn({3, tokens, 48});
                const auto pending = torch::randn({3, tokens, 48}) * 0.5;
                const auto upstream = torch::randn({3, keep, 48});
                const auto full = runBlock(blk, x, pending, keep, false, upstream, bf16);
                const auto kept = runBlock(blk, x, pending, keep, true, upstream, bf16);
                ASSERT_EQ(kept.out.sizes(), full.out.sizes()) << what;
                const double tol = bf16 ? 1e-2 : 1e-5;
                EXPECT_LT(relDiff(kept.out, full.out), tol) << what;
                ASSERT_EQ(kept.grads.size(), full.grads.size());
                for (size_t i = 0; i < full.grads.size(); ++i) {
                    ASSERT_TRUE(kept.grads[i].defined() && full.grads[i].defined()) << what;
                    EXPECT_LT(relDiff(kept.grads[i], full.grads[i]), tol)
                        << what << ", gradient " << i;
                }
                // The rows left out got a zero gradient in the full block; the shortcut's
                // input gradient still reaches every token through the attention.
                EXPECT_GT(kept.grads[0].narrow(1, keep, tokens - keep).abs().sum().item<double>(),
                          0.0)
                    << what;
            }
        }
    }
}

namespace {

/// The ViT's forward written out with LibTorch's operations, every block whole.
torch::Tensor referenceLogits(model::ViTImpl& net, const model::ViTConfig& c,
                              const torch::Tensor& images)
{
    const auto p = net.named_parameters(true);
    auto x = torch::conv2d(images, p["patch_embed.proj.weight"], p["patch_embed.proj.bias"],
                           c.patchSize)
                 .flatten(2)
                 .transpose(1, 2);
    const int64_t b = images.size(0);
    if (c.distillationToken)
        x = torch::cat({p["dist_token"].expand({b, -1, -1}), x}, 1);
    if (c.hasClassToken())
        x = torch::cat({p["cls_token"].expand({b, -1, -1}), x}, 1);
    x = x + p["pos_embed"];
    for (size_t i = 0; i < net.blocks->size(); ++i)
        x = net.blocks->ptr<model::BlockImpl>(i)->forward(x);
    auto head = [&](const torch::Tensor& t, const std::string& name) {
        return torch::nn::functional::linear(t, p[name + ".weight"], p[name + ".bias"]);
    };
    auto norm = [&](const torch::Tensor& t, const std::string& name) {
        return torch::layer_norm(t, {c.dim}, p[name + ".weight"], p[name + ".bias"],
                                 c.layerNormEps);
    };
    if (c.pooling == model::Pooling::Average)
        return head(norm(x.narrow(1, c.prefixTokens(), x.size(1) - c.prefixTokens()).mean(1),
                         "fc_norm"),
                    "head");
    const auto n = norm(x, "norm");
    if (c.distillationToken)
        return (head(n.select(1, 0), "head") + head(n.select(1, 1), "head_dist")) * 0.5;
    return head(n.select(1, 0), "head");
}

} // namespace

TEST(LastBlock, vitLogitsAndGradientsEqualTheWholeComputation)
{
    struct Case {
        const char* name;
        model::Pooling pooling;
        bool distToken, avgWithClassToken;
        int64_t pooled;
    };
    const Case cases[] = {{"class token", model::Pooling::ClassToken, false, false, 1},
                          {"DeiT distilled", model::Pooling::ClassToken, true, false, 2},
                          {"average", model::Pooling::Average, false, false, 0},
                          {"average beside a class token", model::Pooling::Average, false, true, 0}};
    for (const Case& k : cases) {
        auto c = tleg::testing::tinyConfig(3);
        c.pooling = k.pooling;
        c.distillationToken = k.distToken;
        c.avgWithClassToken = k.avgWithClassToken;
        model::ViT net(c);
        tleg::testing::randomize(*net, 21);
        ASSERT_EQ(net->pooledTokens(), k.pooled) << k.name;
        torch::manual_seed(4);
        const auto images = torch::randn({5, c.channels, c.imageSize, c.imageSize});
        const auto upstream = torch::randn({5, c.numClasses});

        net->zero_grad();
        const auto got = net->forward(images);
        got.backward(upstream);
        std::vector<torch::Tensor> gotGrads;
        for (const auto& p : net->parameters())
            gotGrads.push_back(p.grad().clone());

        net->zero_grad();
        const auto want = referenceLogits(*net, c, images);
        want.backward(upstream);
        EXPECT_LT(relDiff(got, want), 1e-5) << k.name;
        const auto params = net->named_parameters(true);
        for (size_t i = 0; i < params.size(); ++i)
            EXPECT_LT(relDiff(gotGrads[i], params[i].value().grad()), 1e-5)
                << k.name << ": " << params[i].key();
    }
}
