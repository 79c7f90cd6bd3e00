// The fast path is the same computation (fused attention, cached teacher logits), and
// `tleg bench --smoke` runs and prints its table and targets.
#include "data/dataset.h"
#include "kernels/fused_attention.h"
#include "kernels/fused_gelu.h"
#include "kernels/fused_layer_norm.h"
#include "model/aux_net.h"
#include "model/des_net.h"
#include "train/trainer.h"
#include "util/files.h"

#include "test_support.h"

#include <cstdio>
#include <fstream>
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
    for (auto [b, n, d, h] : {std::array<int64_t, 4>{3, 5, 24, 2},
                              {4, 17, 64, 2},
                              {2, 50, 96, 3},
                              {1, 1, 8, 1},
                              {2, 9, 30, 3}}) {
        torch::manual_seed(b * 100 + n);
        auto x = torch::randn({b, n, 3 * d}, torch::kFloat).requires_grad_(true);
        auto y = torch::randn({b, n, 3 * d}, torch::kFloat).requires_grad_(true);
        ASSERT_TRUE(kernels::fusedAttentionApplies(x));
        auto fused = kernels::fusedAttention(x, h);
        auto ref = referenceAttention(y, h);
        ASSERT_EQ(fused.sizes(), ref.sizes());
        {
            torch::NoGradGuard g;
            y.copy_(x);
        }
        ref = referenceAttention(y, h);
        ASSERT_TRUE((fused - ref).abs().max().item<double>() < 1e-5) << "forward differs";
        auto g = torch::randn_like(fused);
        fused.backward(g);
        ref.backward(g);
        const double err = (x.grad() - y.grad()).abs().max().item<double>();
        ASSERT_TRUE(err < 1e-5) << "backward differs by " << err;
    }
    ASSERT_TRUE(!kernels::fusedAttentionApplies(torch::zeros({2, 3, 9}, torch::kDouble)));
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

TEST(Bench, fusedLayerNormEqualsTorchLayerNorm)
{
    for (auto [rows, d] : {std::array<int64_t, 2>{2176, 64}, {37, 13}, {5, 96}, {1, 7}}) {
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
          // python3-torch (scripts/setup.sh) ran the reference step:
          "PyTorch reference: torch 1."})
        ASSERT_TRUE(s.find(part) != std::string::npos) << part;
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
}
