// The fast path is the same computation (fused attention, cached teacher logits), and
// `tleg bench --smoke` runs and prints its table and targets.
#include "data/dataset.h"
#include "kernels/expand_weights.h"
#include "kernels/fused_attention.h"
#include "kernels/fused_gelu.h"
#include "kernels/fused_layer_norm.h"
#include "kernels/fused_softmax.h"
#include "kernels/parallel_threads.h"
#include "model/aux_net.h"
#include "model/bf16_scope.h"
#include "model/block.h"
#include "model/des_net.h"
#include "train/trainer.h"
#include "util/cpu_block_cache.h"
#include "util/files.h"
#include "util/machine.h"

#include "test_support.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

using namespace tleg;

namespace {

/// The unfused attention: two batched matmuls and a softmax.
torch::Tensor referenceAttention(const torch::Tensor& qkv, int64_t heads)
{
    const int64_t b = qkv.size(0), n = qkv.size(1), d = qkv.size(2) / 3;
    auto p = qkv.reshape({b, n, 3, heads, d / heads}).permute({2, 0, 3, 1, 4});
    auto attn =
        torch::matmul(p[0] / std::sqrt(double(d / heads)), p[1].transpose(-2, -1)).softmax(-1);
    return torch::matmul(attn, p[2]).transpose(1, 2).reshape({b, n, d});
}

/// Counts the images the teacher is asked about.
class CountingTeacher : public train::Teacher {
public:
    explicit CountingTeacher(std::shared_ptr<model::ClassifierImpl> m) : m_inner(std::move(m), "t")
    {
    }
    torch::Tensor logits(const torch::Tensor& images) override
    {
        seen += images.size(0);
        return m_inner.logits(images);
    }
    std::string description() const override { return "counting"; }
    int64_t seen = 0;

private:
    train::ModelTeacher m_inner;
};

model::ViTConfig small(int64_t dim, int64_t heads)
{
    auto c = model::ViTConfig::preset("fmnist-ti");
    c.dim = dim;
    c.heads = heads;
    c.depth = 2;
    return c;
}

} // namespace

TEST(Bench, fusedAttentionEqualsMatmulSoftmaxMatmul)
{
    // Every instruction set this CPU has (the generic loops everywhere), float and bfloat16 in
    // and out, head widths that are and are not multiples of the vector width, token counts
    // on both sides of it.
    const std::array<std::array<int64_t, 4>, 11> shapes = {{{2, 40, 192, 3},
                                                            {2, 12, 48, 3},
                                                            {1, 64, 96, 2},
                                                            {3, 5, 24, 2},
                                                           {4, 17, 64, 2},
                                                           {2, 50, 96, 3},
                                                           {1, 1, 8, 1},
                                                           {2, 9, 30, 3},
                                                           {1, 70, 128, 2},
                                                           {1, 20, 160, 2},
                                                           {2, 33, 144, 2}}};
    int isas = 0;
    for (const char* isa : {"generic", "avx2", "avx512"}) {
        if (!kernels::setFusedAttentionIsa(isa))
            continue;
        ++isas;
        ASSERT_STREQ(kernels::fusedAttentionIsa(), isa);
        for (auto [b, n, d, h] : shapes) {
            torch::manual_seed(b * 100 + n);
            auto x = torch::randn({b, n, 3 * d}, torch::kFloat).requires_grad_(true);
            auto y = x.detach().clone().requires_grad_(true);
            ASSERT_TRUE(kernels::fusedAttentionApplies(x));
            auto fused = kernels::fusedAttention(x, h);
            auto ref = referenceAttention(y, h);
            ASSERT_EQ(fused.sizes(), ref.sizes());
            ASSERT_TRUE((fused - ref).abs().max().item<double>() < 1e-5)
                << isa << ": forward differs at " << n << " tokens, head " << d / h;
            auto g = torch::randn_like(fused);
            fused.backward(g);
            ref.backward(g);
            const double err = (x.grad() - y.grad()).abs().max().item<double>();
            ASSERT_TRUE(err < 1e-5) << isa << ": backward differs by " << err;

            // bf16 in, bf16 out and bf16 gradients: within bf16's rounding of the float result
            // for the same (rounded) input.
            auto x16 = x.detach().to(torch::kBFloat16).requires_grad_(true);
            auto y32 = x16.detach().to(torch::kFloat).requires_grad_(true);
            auto f16 = kernels::fusedAttention(x16, h);
            ASSERT_EQ(f16.scalar_type(), torch::kBFloat16);
            auto r32 = referenceAttention(y32, h);
            const double rel = ((f16.to(torch::kFloat) - r32).norm() / r32.norm()).item<double>();
            ASSERT_TRUE(rel < 8e-3) << isa << ": bf16 forward differs by " << rel;
            f16.backward(g.to(torch::kBFloat16));
            r32.backward(g.to(torch::kBFloat16).to(torch::kFloat));
            ASSERT_EQ(x16.grad().scalar_type(), torch::kBFloat16);
            const double relGrad =
                ((x16.grad().to(torch::kFloat) - y32.grad()).norm() / y32.grad().norm())
                    .item<double>();
            ASSERT_TRUE(relGrad < 8e-3) << isa << ": bf16 backward differs by " << relGrad;

            // And bit for bit: the float kernels on the same values, each result rounded once
            // (the bf16 kernels run them on widened columns and round as they store).
            auto z = x16.detach().to(torch::kFloat).requires_grad_(true);
            auto f32 = kernels::fusedAttention(z, h);
            ASSERT_TRUE(torch::equal(f16, f32.detach().to(torch::kBFloat16)))
                << isa << ": bf16 forward is not the float one rounded at " << n << " tokens";
            f32.backward(g.to(torch::kBFloat16).to(torch::kFloat));
            ASSERT_TRUE(torch::equal(x16.grad(), z.grad().to(torch::kBFloat16)))
                << isa << ": bf16 backward is not the float one rounded at " << n << " tokens";
        }
    }
    ASSERT_TRUE(kernels::setFusedAttentionIsa("best"));
    ASSERT_GE(isas, 1);
    ASSERT_FALSE(kernels::setFusedAttentionIsa("neon"));
    ASSERT_TRUE(!kernels::fusedAttentionApplies(torch::zeros({2, 3, 9}, torch::kDouble)));
}

TEST(Bench, fusedAttentionForTheFirstQueriesIsTheWholeCut)
{
    // A last block's attention for its kept tokens alone: the first rows of the whole result,
    // and the gradient the whole kernel gives when the other rows' gradients are zero (the
    // tokens that asked nothing still pass their keys and values a gradient), on every
    // instruction set, float and bfloat16, at shapes the blocked AVX-512 loops take (17 tokens)
    // and others.
    const std::array<std::array<int64_t, 5>, 4> shapes = {
        {{4, 17, 64, 2, 1}, {2, 17, 64, 2, 2}, {2, 9, 30, 3, 4}, {1, 40, 96, 3, 1}}};
    int isas = 0;
    for (const char* isa : {"generic", "avx2", "avx512"}) {
        if (!kernels::setFusedAttentionIsa(isa))
            continue;
        ++isas;
        for (auto [b, n, d, h, kept] : shapes)
            for (const auto type : {torch::kFloat, torch::kBFloat16}) {
                torch::manual_seed(b * 10 + n + kept);
                const auto qkv = torch::randn({b, n, 3 * d}).to(type);
                const auto g = torch::randn({b, kept, d}).to(type);
                auto x = qkv.clone().requires_grad_(true);
                auto y = qkv.clone().requires_grad_(true);
                const auto part = kernels::fusedAttention(x, h, kept);
                const auto whole = kernels::fusedAttention(y, h);
                ASSERT_EQ(part.sizes(), (std::vector<int64_t>{b, kept, d}));
                // Equal up to the order of the sums: at 17 tokens the whole kernel takes the
                // blocked AVX-512 loops, the cut the row loops.
                const double tol = type == torch::kFloat ? 1e-5 : 2e-2;
                const double diff = (part.to(torch::kFloat)
                                     - whole.narrow(1, 0, kept).to(torch::kFloat))
                                        .abs()
                                        .max()
                                        .item<double>();
                ASSERT_LT(diff, tol) << isa << ": forward at " << n << " tokens, " << kept
                                     << " kept";
                part.backward(g);
                auto gWhole = torch::zeros({b, n, d}).to(type);
                gWhole.narrow(1, 0, kept).copy_(g);
                whole.backward(gWhole);
                const double err = (x.grad().to(torch::kFloat) - y.grad().to(torch::kFloat))
                                       .abs()
                                       .max()
                                       .item<double>();
                ASSERT_LT(err, tol) << isa << ": backward at " << n << " tokens, " << kept
                                    << " kept";
                ASSERT_GT(x.grad().narrow(2, d, 2 * d).abs().sum().item<double>(), 0.0);
            }
    }
    ASSERT_TRUE(kernels::setFusedAttentionIsa("best"));
    ASSERT_GE(isas, 1);
}

TEST(Bench, fusedGeluEqualsTorchGelu)
{
    torch::manual_seed(7);
    auto x = (torch::randn({1000, 37}) * 3.0).requires_grad_(true); // odd size: tails too
    auto y = x.detach().clone().requires_grad_(true);
    ASSERT_TRUE(kernels::fusedGeluApplies(x));
    auto a = kernels::fusedGelu(x);
    auto b = torch::gelu(y);
    ASSERT_TRUE((a - b).abs().max().item<double>() < 1e-6) << "forward differs";
    auto g = torch::randn_like(a);
    a.backward(g);
    b.backward(g);
    ASSERT_TRUE((x.grad() - y.grad()).abs().max().item<double>() < 1e-5) << "backward differs";

    // bfloat16 in and out: as close as bf16's own rounding.
    auto h = x.detach().to(torch::kBFloat16);
    auto hb = kernels::fusedGelu(h);
    ASSERT_EQ(hb.scalar_type(), torch::kBFloat16);
    const double rel = ((hb.to(torch::kFloat) - torch::gelu(h.to(torch::kFloat))).norm()
                        / torch::gelu(h.to(torch::kFloat)).norm())
                           .item<double>();
    ASSERT_TRUE(rel < 5e-3) << rel;
    ASSERT_TRUE(!kernels::fusedGeluApplies(torch::zeros({3}, torch::kDouble)));
}

TEST(Bench, fusedSoftmaxEqualsScaledSoftmax)
{
    // Every instruction set this CPU has, float and bfloat16 in and out, row lengths below, at
    // and above the vector width (197: a 224-px block's tokens), against softmax(scale · s) in
    // float on the same (rounded) input, forward and backward.
    const std::array<int64_t, 7> lengths = {1, 7, 16, 17, 64, 197, 300};
    int isas = 0;
    for (const char* isa : {"generic", "avx512"}) {
        if (!kernels::setFusedSoftmaxIsa(isa))
            continue;
        ++isas;
        for (int64_t n : lengths) {
            for (auto dtype : {torch::kFloat, torch::kBFloat16}) {
                torch::manual_seed(n);
                const double scale = 0.125;
                auto s = (torch::randn({3, 2, 5, n}) * 8.0).to(dtype).requires_grad_(true);
                auto s32 = s.detach().to(torch::kFloat).requires_grad_(true);
                ASSERT_TRUE(kernels::fusedSoftmaxApplies(s));
                auto p = kernels::fusedSoftmax(s, scale);
                auto ref = (s32 * scale).softmax(-1);
                ASSERT_EQ(p.scalar_type(), dtype);
                ASSERT_EQ(p.sizes(), s.sizes());
                const bool bf16 = dtype == torch::kBFloat16;
                // bf16: one rounding of a value below 1 (2^-9 relative, at most 2^-9).
                const double fwdErr = (p.to(torch::kFloat) - ref).abs().max().item<double>();
                ASSERT_TRUE(fwdErr < (bf16 ? 2.0e-3 : 1e-6))
                    << isa << ", " << n << ": forward differs by " << fwdErr;
                auto g = torch::randn_like(ref).to(dtype);
                p.backward(g);
                ref.backward(g.to(torch::kFloat));
                ASSERT_EQ(s.grad().scalar_type(), dtype);
                // Relative to the gradient's size (all zero for rows of one element).
                const double gradErr =
                    (s.grad().to(torch::kFloat) - s32.grad()).norm().item<double>()
                    / std::max(1e-6, s32.grad().norm().item<double>());
                ASSERT_TRUE(gradErr < (bf16 ? 1e-2 : 1e-5))
                    << isa << ", " << n << ": backward differs by " << gradErr;
            }
        }
        // A row with a NaN or an infinity comes out NaN; the rows beside it are untouched.
        auto s = torch::randn({4, 37});
        s.index_put_({1, 5}, std::numeric_limits<float>::quiet_NaN());
        s.index_put_({2, 36}, std::numeric_limits<float>::infinity());
        auto p = kernels::fusedSoftmax(s, 1.0);
        ASSERT_TRUE(p[1].isnan().all().item<bool>() && p[2].isnan().all().item<bool>()) << isa;
        ASSERT_TRUE(torch::allclose(p.index({torch::tensor({0, 3})}),
                                    s.index({torch::tensor({0, 3})}).softmax(-1), 1e-5, 1e-6))
            << isa;
    }
    ASSERT_GE(isas, 1);
    ASSERT_FALSE(kernels::setFusedSoftmaxIsa("neon"));
    ASSERT_TRUE(kernels::setFusedSoftmaxIsa("best"));
    ASSERT_FALSE(kernels::fusedSoftmaxApplies(torch::zeros({2, 3}, torch::kDouble)));
    ASSERT_FALSE(kernels::fusedSoftmaxApplies(torch::zeros({2, 0})));
}

TEST(Bench, fusedKernelsRunOnEveryThreadAsked)
{
    // at::parallel_for is inline: compiled without OpenMP it runs everything on the calling
    // thread. Core is built with GCC's OpenMP (LibTorch's runtime), so two threads asked are two
    // threads used; a Clang build (no OpenMP beside LibTorch's) is serial by design.
    const int before = at::get_num_threads();
    at::set_num_threads(2);
    const int used = kernels::parallelForThreads();
    at::set_num_threads(1);
    const int usedOne = kernels::parallelForThreads();
    at::set_num_threads(before);
#if defined(__GNUC__) && !defined(__clang__)
    ASSERT_EQ(used, 2);
#else
    ASSERT_GE(used, 1);
#endif
    ASSERT_EQ(usedOne, 1);
}

TEST(Bench, bf16BlockWithManyTokensMatchesFp32)
{
    // 197 tokens (224 px, patch 16): attention runs as batched bf16 GEMMs, not the fused kernel.
    torch::manual_seed(3);
    model::Block blk(96, 3, 4.0);
    auto x = torch::randn({2, 197, 96}).requires_grad_(true);
    auto x16 = x.detach().clone().requires_grad_(true);
    auto ref = blk->forward(x);
    torch::Tensor got;
    {
        model::Bf16Scope bf16(true);
        got = blk->forward(x16);
    }
    ASSERT_EQ(got.scalar_type(), torch::kFloat);
    ASSERT_EQ(got.sizes(), ref.sizes());
    const double rel = ((got - ref).norm() / (ref - x).norm()).item<double>();
    ASSERT_TRUE(rel < 2e-2) << "forward differs by " << rel << " of the block's update";
    auto g = torch::randn_like(ref);
    ref.backward(g);
    {
        model::Bf16Scope bf16(true);
        got.backward(g);
    }
    const double relGrad = ((x16.grad() - x.grad()).norm() / (x.grad() - g).norm()).item<double>();
    ASSERT_TRUE(relGrad < 5e-2) << "input gradient differs by " << relGrad;
    for (const auto& p : blk->parameters())
        ASSERT_TRUE(p.grad().defined() && torch::isfinite(p.grad()).all().item<bool>());
}

TEST(Bench, bf16BlockWithManyTokensGivesEveryWeightItsGradient)
{
    // The bf16 path cuts q, k and v out of the packed projection by hand (and back in the
    // backward): each weight's gradient must match the fp32 block's, not merely be finite.
    torch::manual_seed(4);
    model::Block blk(96, 3, 4.0);
    {
        torch::NoGradGuard guard; // biases away from zero, so their gradients are tested too
        for (auto& p : blk->parameters())
            p.add_(torch::randn_like(p) * 0.1);
    }
    const auto x = torch::randn({2, 197, 96});
    const auto g = torch::randn({2, 197, 96});
    std::vector<torch::Tensor> grads[2];
    for (int bf16 = 0; bf16 < 2; ++bf16) {
        blk->zero_grad();
        model::Bf16Scope scope(bf16 == 1);
        blk->forward(x).backward(g);
        for (const auto& p : blk->parameters())
            grads[bf16].push_back(p.grad().clone());
    }
    const auto names = blk->named_parameters().keys();
    for (size_t i = 0; i < grads[0].size(); ++i) {
        const double rel =
            ((grads[1][i] - grads[0][i]).norm() / grads[0][i].norm()).item<double>();
        ASSERT_TRUE(rel < 5e-2) << names[i] << ": gradient differs by " << rel;
    }
}

TEST(Bench, bf16PatchEmbeddingIsTheConvolution)
{
    // Under bf16 the patch embedding runs as one GEMM of the cut-out patches; it must give the
    // convolution's tokens and weight gradients, also for an image whose size leaves a remainder.
    torch::manual_seed(5);
    model::PatchEmbed embed(3, 16, 64);
    for (const int64_t size : {int64_t(224), int64_t(50)}) {
        const auto images = torch::randn({2, 3, size, size});
        embed->zero_grad();
        const auto ref = embed->proj->forward(images).flatten(2).transpose(1, 2);
        const auto g = torch::randn_like(ref);
        ref.backward(g);
        const auto refW = embed->proj->weight.grad().clone(), refB = embed->proj->bias.grad().clone();
        embed->zero_grad();
        torch::Tensor got;
        {
            model::Bf16Scope bf16(true);
            got = embed->forward(images);
            got.backward(g);
        }
        ASSERT_EQ(got.sizes(), ref.sizes());
        ASSERT_EQ(got.scalar_type(), torch::kFloat);
        const double rel = ((got - ref).norm() / ref.norm()).item<double>();
        ASSERT_TRUE(rel < 2e-2) << size << " px: tokens differ by " << rel;
        const double relW = ((embed->proj->weight.grad() - refW).norm() / refW.norm()).item<double>();
        ASSERT_TRUE(relW < 2e-2) << size << " px: weight gradient differs by " << relW;
        const double relB = ((embed->proj->bias.grad() - refB).norm() / refB.norm()).item<double>();
        ASSERT_TRUE(relB < 2e-2) << size << " px: bias gradient differs by " << relB;
    }
    // Images whose own gradient is wanted take the convolution under bf16 too, and get it.
    auto wanted = torch::randn({1, 3, 32, 32}).requires_grad_(true);
    {
        model::Bf16Scope bf16(true);
        embed->forward(wanted).sum().backward();
    }
    ASSERT_TRUE(wanted.grad().defined());
    ASSERT_GT(wanted.grad().abs().sum().item<double>(), 0.0);
    // Images that do not fit get the convolution's own error under bf16 as in fp32: a wrong
    // channel count named as such, an image smaller than a patch refused (not 0 tokens).
    for (const auto& shape : {std::vector<int64_t>{2, 1, 64, 64}, std::vector<int64_t>{2, 3, 8, 8}})
        for (const bool bf16 : {false, true}) {
            model::Bf16Scope scope(bf16);
            try {
                embed->forward(torch::randn(shape));
                FAIL() << "an image of " << shape[1] << " channels, " << shape[2]
                       << " px was accepted (bf16 " << bf16 << ")";
            } catch (const c10::Error& e) {
                const std::string what = e.what();
                ASSERT_TRUE(what.find(shape[1] == 1 ? "channels" : "Kernel size")
                            != std::string::npos)
                    << what;
            }
        }
}

TEST(Machine, clockIsMeasuredByTwoChainsOrNominalNeverWild)
{
    const util::CpuInfo cpu = util::detectCpu();
    std::printf("%s\n", cpu.describe().c_str());
    ASSERT_GT(cpu.clockGhz(), 0.0);
    if (cpu.measuredGhz > 0) {
        // Believed only when both chains agree and it is near the sold clock.
        ASSERT_NEAR(cpu.addChainGhz / cpu.imulChainGhz, 1.0, 0.1);
        ASSERT_EQ(cpu.measuredGhz, cpu.imulChainGhz);
        if (cpu.nominalGhz > 0) {
            ASSERT_GE(cpu.measuredGhz, util::kClockBand[0] * cpu.nominalGhz);
            ASSERT_LE(cpu.measuredGhz, util::kClockBand[1] * cpu.nominalGhz);
        }
    } else {
        ASSERT_FALSE(cpu.clockNote.empty()); // says why the nominal clock is used
        ASSERT_EQ(cpu.clockGhz(), cpu.nominalGhz);
    }
    // Peaks follow the clock used: cores × clock × FLOP per cycle.
    ASSERT_NEAR(cpu.peakGflops(false, 1), cpu.clockGhz() * cpu.fp32FlopsPerCycle(), 1e-9);
    ASSERT_NEAR(cpu.peakGflops(true, 1), cpu.clockGhz() * cpu.bf16FlopsPerCycle(), 1e-9);
    ASSERT_NE(cpu.describe().find(cpu.measuredGhz > 0 ? "measured" : "nominal ("),
              std::string::npos);
}

TEST(Machine, cpuBlockCacheReusesLargeBlocksAndGivesThemBack)
{
    if (!util::CpuBlockCache::install()) {
        // Sanitizer builds and TLEG_CPU_BLOCK_CACHE=0 keep LibTorch's own allocator.
        ASSERT_FALSE(util::CpuBlockCache::stats().installed);
        return;
    }
    {
        // Outside a scope nothing is kept.
        auto big = torch::ones({40 << 20}, torch::kUInt8);
    }
    ASSERT_EQ(util::CpuBlockCache::stats().cachedBytes, size_t(0));
    auto scope = std::make_unique<util::CpuBlockCache::Scope>();
    const auto before = util::CpuBlockCache::stats();
    ASSERT_TRUE(before.installed);
    ASSERT_EQ(before.cachedBytes, size_t(0));
    void* first = nullptr;
    {
        auto big = torch::ones({40 << 20}, torch::kUInt8); // 40 MiB: above glibc's mmap limit
        first = big.data_ptr();
        ASSERT_EQ(big.min().item<uint8_t>(), 1);
    }
    const auto freed = util::CpuBlockCache::stats();
    ASSERT_GE(freed.cachedBytes, size_t(40) << 20);
    {
        auto again = torch::zeros({40 << 20}, torch::kUInt8);
        ASSERT_EQ(again.data_ptr(), first); // the cached block, not a new mapping
        ASSERT_EQ(again.max().item<uint8_t>(), 0); // zeroed as asked, though reused
        const auto reused = util::CpuBlockCache::stats();
        ASSERT_EQ(reused.hits, freed.hits + 1);
        ASSERT_EQ(reused.cachedBytes, freed.cachedBytes - (size_t(40) << 20));
        auto small = torch::ones({1000}); // below 1 MiB: not cached
        ASSERT_EQ(util::CpuBlockCache::stats().misses, reused.misses);
    }
    {
        const util::CpuBlockCache::Scope nested; // an inner scope's end keeps the outer's blocks
    }
    ASSERT_GE(util::CpuBlockCache::stats().cachedBytes, size_t(40) << 20);
    ASSERT_LE(util::CpuBlockCache::stats().cachedBytes, util::CpuBlockCache::stats().capBytes);
    scope.reset(); // the last scope ends: everything cached is given back
    ASSERT_EQ(util::CpuBlockCache::stats().cachedBytes, size_t(0));
}

TEST(Bench, fusedLayerNormEqualsTorchLayerNorm)
{
    for (auto [rows, d] : {std::array<int64_t, 2>{2176, 64}, {37, 13}, {5, 96}, {1, 7}, {6, 32},
                          {9, 384}, {3, 128}, {7, 192}, {5, 48}}) {
        torch::manual_seed(rows + d);
        auto x = (torch::randn({rows, d}) * 2.0 + 0.5).requires_grad_(true);
        auto w = (torch::randn({d}) + 1.0).requires_grad_(true);
        auto b = torch::randn({d}).requires_grad_(true);
        auto x2 = x.detach().clone().requires_grad_(true);
        auto w2 = w.detach().clone().requires_grad_(true);
        auto b2 = b.detach().clone().requires_grad_(true);
        ASSERT_TRUE(kernels::fusedLayerNormApplies(x, w, b));
        auto y = kernels::fusedLayerNorm(x, w, b, 1e-6, false);
        auto ref = torch::layer_norm(x2, {d}, w2, b2, 1e-6);
        ASSERT_EQ(y.scalar_type(), torch::kFloat);
        ASSERT_TRUE((y - ref).abs().max().item<double>() < 1e-4) << "forward differs";
        auto g = torch::randn_like(ref);
        y.backward(g);
        ref.backward(g);
        const auto close = [](const torch::Tensor& a, const torch::Tensor& r) {
            const double e = ((a - r).abs().max() / (r.abs().max() + 1e-6)).item<double>();
            if (e >= 1e-4)
                std::fprintf(stderr, "relative error %g\n", e);
            return e < 1e-4;
        };
        ASSERT_TRUE(close(x.grad(), x2.grad())) << "dx differs";
        ASSERT_TRUE(close(w.grad(), w2.grad())) << "dw differs";
        ASSERT_TRUE(close(b.grad(), b2.grad())) << "db differs";

        // bf16 out (and a bf16 gradient in): the float result rounded once.
        auto x3 = x.detach().clone().requires_grad_(true);
        auto yb = kernels::fusedLayerNorm(x3, w.detach(), b.detach(), 1e-6, true);
        ASSERT_EQ(yb.scalar_type(), torch::kBFloat16);
        const auto refB = ref.detach().to(torch::kBFloat16).to(torch::kFloat);
        ASSERT_TRUE((yb.to(torch::kFloat) - refB)
                        .abs()
                        .le(refB.abs() * (1.0 / 128) + 1e-5)
                        .all()
                        .item<bool>());
        yb.backward(g.to(torch::kBFloat16));
        auto x4 = x.detach().clone().requires_grad_(true);
        torch::layer_norm(x4, {d}, w.detach(), b.detach(), 1e-6)
            .backward(g.to(torch::kBFloat16).to(torch::kFloat));
        ASSERT_EQ(x3.grad().scalar_type(), torch::kFloat);
        ASSERT_TRUE(close(x3.grad(), x4.grad())) << "dx from a bf16 gradient differs";
    }
    ASSERT_TRUE(!kernels::fusedLayerNormApplies(torch::zeros({3, 4}, torch::kDouble),
                                                torch::ones({4}), torch::zeros({4})));
}

TEST(Bench, fusedAddLayerNormEqualsAddThenLayerNorm)
{
    const auto close = [](const torch::Tensor& a, const torch::Tensor& r, double tol) {
        const double e = ((a.to(torch::kFloat) - r).abs().max() / (r.abs().max() + 1e-6))
                             .item<double>();
        if (e >= tol)
            std::fprintf(stderr, "relative error %g\n", e);
        return e < tol;
    };
    for (auto [rows, d] : {std::array<int64_t, 2>{2176, 64}, {37, 13}, {5, 96}, {3, 7}, {9, 384},
                          {7, 192}, {3, 32}, {5, 40}}) {
        for (bool bf16 : {false, true}) {
            for (bool sumUsed : {true, false}) {
                torch::manual_seed(rows + d);
                auto x = (torch::randn({rows, d}) * 2.0).requires_grad_(true);
                auto y0 = torch::randn({rows, d});
                auto y = (bf16 ? y0.to(torch::kBFloat16) : y0).requires_grad_(true);
                auto w = (torch::randn({d}) + 1.0).requires_grad_(true);
                auto b = torch::randn({d}).requires_grad_(true);
                // The reference: the unfused ops on the same (rounded) values, in float.
                auto x2 = x.detach().clone().requires_grad_(true);
                auto y2 = y.detach().to(torch::kFloat).requires_grad_(true);
                auto w2 = w.detach().clone().requires_grad_(true);
                auto b2 = b.detach().clone().requires_grad_(true);
                ASSERT_TRUE(kernels::fusedAddLayerNormApplies(x, y, w, b));
                auto [s, n] = kernels::fusedAddLayerNorm(x, y, w, b, 1e-6, bf16);
                auto s2 = x2 + y2;
                auto n2 = torch::layer_norm(s2, {d}, w2, b2, 1e-6);
                ASSERT_EQ(s.scalar_type(), torch::kFloat);
                ASSERT_EQ(n.scalar_type(), bf16 ? torch::kBFloat16 : torch::kFloat);
                ASSERT_TRUE(close(s, s2, 1e-6)) << "sum differs";
                ASSERT_TRUE(close(n, n2, bf16 ? 1.0 / 128 : 1e-5)) << "norm differs";
                // s goes on to the next residual too (or not): both gradients meet in s.
                auto gs = torch::randn_like(s2), gn = torch::randn_like(n2);
                auto loss = (n.to(torch::kFloat) * gn).sum();
                auto loss2 = (n2 * gn).sum();
                if (sumUsed) {
                    loss = loss + (s * gs).sum();
                    loss2 = loss2 + (s2 * gs).sum();
                }
                loss.backward();
                loss2.backward();
                ASSERT_TRUE(close(x.grad(), x2.grad(), bf16 ? 1e-2 : 1e-4)) << "dx differs";
                ASSERT_EQ(y.grad().scalar_type(), y.scalar_type());
                ASSERT_TRUE(close(y.grad(), y2.grad(), bf16 ? 1e-2 : 1e-4)) << "dy differs";
                ASSERT_TRUE(close(w.grad(), w2.grad(), bf16 ? 1e-2 : 1e-4)) << "dw differs";
                ASSERT_TRUE(close(b.grad(), b2.grad(), bf16 ? 1e-2 : 1e-4)) << "db differs";
            }
        }
    }
    ASSERT_FALSE(kernels::fusedAddLayerNormApplies(torch::zeros({3, 4}), torch::zeros({3, 5}),
                                                   torch::ones({4}), torch::zeros({4})));
}

TEST(Bench, expandedWeightsInOneNodeEqualAddcmul)
{
    torch::manual_seed(11);
    const std::vector<double> c = {0.0, 1.0 / 3, 2.0 / 3, 1.0};
    std::vector<torch::Tensor> a, b, a2, b2;
    for (auto shape : {std::vector<int64_t>{48, 16}, {48}, {7, 5, 3}}) {
        a.push_back(torch::randn(shape).requires_grad_(true));
        b.push_back(torch::randn(shape).requires_grad_(true));
        a2.push_back(a.back().detach().clone().requires_grad_(true));
        b2.push_back(b.back().detach().clone().requires_grad_(true));
    }
    ASSERT_TRUE(kernels::expandWeightsApplies(a, b));
    const std::vector<bool> bf16 = {true, false, true};
    const auto out = kernels::expandWeights(a, b, c, bf16);
    ASSERT_EQ(out.size(), 3u);
    torch::Tensor loss = torch::zeros({}), loss2 = torch::zeros({});
    for (size_t p = 0; p < a.size(); ++p) {
        ASSERT_EQ(out[p].size(), c.size());
        for (size_t k = 0; k < c.size(); ++k) {
            auto ref = b2[p] + c[k] * a2[p];
            const auto& got = out[p][k];
            ASSERT_EQ(got.scalar_type(), bf16[p] ? torch::kBFloat16 : torch::kFloat);
            ASSERT_EQ(got.sizes(), ref.sizes());
            // bf16: the float value rounded once (to nearest), so within half a unit.
            const auto r = bf16[p] ? ref.detach().to(torch::kBFloat16).to(torch::kFloat)
                                   : ref.detach();
            ASSERT_TRUE(torch::equal(got.detach().to(torch::kFloat), r)) << p << ", " << k;
            if (k == 2)
                continue; // a copy that gets no gradient (undefined in the backward)
            auto g = torch::randn(ref.sizes());
            if (bf16[p])
                g = g.to(torch::kBFloat16).to(torch::kFloat); // what a bf16 gradient can say
            loss = loss + (got.to(torch::kFloat) * g).sum();
            loss2 = loss2 + (ref * g).sum();
        }
    }
    loss.backward();
    loss2.backward();
    for (size_t p = 0; p < a.size(); ++p) {
        const double tol = bf16[p] ? 2e-2 : 1e-5; // bf16: the gradient reaches a copy in bf16
        const auto rel = [](const torch::Tensor& x, const torch::Tensor& r) {
            return ((x - r).abs().max() / r.abs().max()).item<double>();
        };
        ASSERT_LT(rel(a[p].grad(), a2[p].grad()), tol) << "dθ_A of weight " << p;
        ASSERT_LT(rel(b[p].grad(), b2[p].grad()), tol) << "dθ_B of weight " << p;
    }
    ASSERT_FALSE(kernels::expandWeightsApplies({torch::zeros({2})}, {torch::zeros({3})}));
    ASSERT_FALSE(kernels::expandWeightsApplies({torch::zeros({2}, torch::kDouble)},
                                               {torch::zeros({2}, torch::kDouble)}));
}

TEST(Bench, bf16GeluTableIsExactForEveryValue)
{
    // Every finite bfloat16 value, against GELU and its derivative computed in double and
    // rounded to bfloat16. (float32 GELU is no reference here: below x = -4 its 1 + erf(x)
    // cancels and it is off by up to 30 %.)
    auto bits = torch::arange(0, 65536, torch::kInt32).to(torch::kInt16);
    auto all = bits.view(torch::kBFloat16);
    auto x = all.index({all.to(torch::kFloat).isfinite()}).clone().requires_grad_(true);
    ASSERT_TRUE(x.numel() > 65000);
    auto ref = x.detach().to(torch::kDouble).requires_grad_(true);
    auto y = kernels::fusedGelu(x);
    auto yRef = torch::gelu(ref);
    auto asBf16 = [](const torch::Tensor& t) {
        return t.detach().to(torch::kFloat).to(torch::kBFloat16).to(torch::kDouble);
    };
    const auto diff = (y.detach().to(torch::kDouble) - asBf16(yRef)).abs();
    ASSERT_TRUE(diff.eq(0).all().item<bool>())
        << diff.ne(0).sum().item<int64_t>() << " values differ";

    y.backward(torch::ones_like(x));
    yRef.backward(torch::ones_like(ref));
    const auto dDiff = (x.grad().to(torch::kDouble) - asBf16(ref.grad())).abs();
    ASSERT_TRUE(dDiff.eq(0).all().item<bool>())
        << dDiff.ne(0).sum().item<int64_t>() << " derivatives differ";
}

TEST(Bench, cachedTeacherLogitsRunTheTeacherOnceAndTrainTheSame)
{
    auto split = data::loadFashionMnist();
    auto trainSet = data::subset(split.train, 320, 3);
    train::TrainOptions o;
    o.epochs = 3;
    o.batchSize = 64;
    o.threads = 1; // two threads on a busy two-core machine slow down by 10×
    o.augment = false;
    o.loss.lambda = 1.0;
    o.valFraction = 0.0; // all 320 images, 5 whole batches, every epoch
    auto teacherNet = model::scratch(small(48, 3), 5).ptr();
    std::vector<torch::Tensor> finals;
    std::vector<int64_t> seen;
    for (bool cache : {false, true}) {
        o.cacheTeacherLogits = cache;
        CountingTeacher teacher(teacherNet);
        torch::manual_seed(0);
        model::AuxNet aux(small(32, 2), model::AuxOptions{});
        auto r = train::train(*aux, trainSet, data::Dataset{}, o, &teacher);
        ASSERT_EQ(r.history.size(), size_t(3));
        seen.push_back(teacher.seen);
        std::vector<torch::Tensor> flat;
        for (const auto& p : aux->parameters())
            flat.push_back(p.detach().flatten());
        finals.push_back(torch::cat(flat));
    }
    ASSERT_EQ(seen[0], int64_t(3 * 320));
    ASSERT_EQ(seen[1], int64_t(320)); // once per image
    const double rel = ((finals[0] - finals[1]).norm() / finals[0].norm()).item<double>();
    ASSERT_TRUE(rel < 1e-4) << rel;

    // With augmentation every epoch shows the teacher new images: no cache.
    o.augment = true;
    o.epochs = 2;
    CountingTeacher live(teacherNet);
    model::AuxNet aux(small(32, 2), model::AuxOptions{});
    train::train(*aux, trainSet, data::Dataset{}, o, &live);
    ASSERT_EQ(live.seen, int64_t(2 * 320));
}

TEST(Bench, benchSmokePrintsTheTableAndTargets)
{
    tleg::testing::TempDir dir;
    const std::string out = dir.filePath("bench.md");
    const std::string cmd = tleg::testing::cliPath() + " bench --smoke --out " + out + " > "
                            + dir.filePath("log.txt") + " 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    std::ifstream in(out);
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (const char* part :
         {"| distill | fp32 | live | on | 1 |", "| distill | bf16 | cached", "| finetune |",
          "| infer |", "Targets:", "fast path", "Fashion-MNIST load", "resident memory",
          "Peak per core", "busy machine (fast-path distillation step",
          "beside a busy process, the default threads", "data-parallel (fast-path distillation",
          "2 processes × 1 thread",
          // bf16 against torch.autocast, the large row, its GEMMs and the new targets:
          "under torch.autocast", "-px row:", "GEMMs alone GFLOP/s", "oneDNN ISA:",
          "≥ 1.5× PyTorch autocast", "≥ 3.0× PyTorch autocast", "bf16 distillation step ≥ 1.2×",
          "its GEMMs ≥ 60 % of the bf16 peak",
          // python3-torch (scripts/setup.sh) ran the reference step:
          "PyTorch reference: torch 1."})
        ASSERT_TRUE(s.find(part) != std::string::npos) << part;
    // The reference's allocator: tcmalloc where installed (scripts/setup.sh installs it), else
    // glibc with the trainer's thresholds; either way the reference itself reports it in use.
    const bool tcmalloc =
        std::ifstream("/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4").good();
    const std::string allocator =
        tcmalloc ? "allocator tcmalloc (LD_PRELOAD=" : "allocator glibc with the C++ trainer's";
    ASSERT_NE(s.find(allocator), std::string::npos) << allocator;
    const auto line = s.substr(s.find(allocator), s.find('\n', s.find(allocator)) - s.find(allocator));
    ASSERT_NE(line.find(", in use"), std::string::npos) << line;
    // Every C++ row has a PyTorch figure and a ratio beside it.
    std::istringstream rows(s);
    int compared = 0;
    for (std::string line; std::getline(rows, line);)
        if (line.rfind("| distill |", 0) == 0 || line.rfind("| finetune |", 0) == 0
            || line.rfind("| infer |", 0) == 0) {
            ASSERT_TRUE(line.find("× |") != std::string::npos) << line.c_str();
            ++compared;
        }
    ASSERT_EQ(compared, 8);
    // The large row compares with autocast too.
    const auto large = s.find("-px row:");
    ASSERT_NE(s.find("\n| 1 | ", large), std::string::npos);
    const std::string row = s.substr(s.find("\n| 1 | ", large) + 1, 200);
    ASSERT_NE(row.substr(0, row.find('\n')).find("× |"), std::string::npos) << row;
}

TEST(Bench, anUnknownReferenceAllocatorIsRefusedByName)
{
    tleg::testing::TempDir dir;
    const std::string log = dir.filePath("log.txt");
    const std::string cmd = tleg::testing::cliPath()
                            + " bench --smoke --reference-allocator mimalloc > " + log + " 2>&1";
    const int status = std::system(cmd.c_str());
    ASSERT_NE(status, 0);
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("unknown --reference-allocator 'mimalloc'"), std::string::npos)
        << text.str();
    EXPECT_EQ(text.str().find("Targets:"), std::string::npos) << "it ran anyway";
}
