// The bf16 linear layer on oneDNN's matmul (kernels/dnnl_linear.h): its value and all three
// gradients against fp32 arithmetic on the same bf16 operands, for fp32 and bf16 weights and
// biases, at the sizes a block uses and at odd ones; the gradients' dtypes; what it declines; and
// several threads calling it at once (its primitives are shared, its scratchpads not). And the
// vector bf16 stores it and the fused kernels round with (kernels/simd_math.h), against the
// scalar rounding bit for bit.
#include "util/simd_support.h" // first: GCC's AVX-512 warnings are off from here
#include "kernels/bf16_bits.h"
#include "kernels/dnnl_linear.h"
#include "kernels/fused_gelu.h"
#include "kernels/simd_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <optional>
#include <random>
#include <thread>

using namespace tleg;

namespace {

bool builtWithDnnl() { return !kernels::dnnlLinearImplementation(4, 4, 4).empty(); }

/// Largest |a - b| over the tensors, relative to b's largest magnitude (at least 1).
double relativeError(const torch::Tensor& a, const torch::Tensor& b)
{
    const double scale = std::max(1.0, b.abs().max().item<double>());
    return (a.to(torch::kFloat) - b.to(torch::kFloat)).abs().max().item<double>() / scale;
}

struct Result {
    torch::Tensor y, dx, dw, db;
};

Result runLayer(const torch::Tensor& x0, const torch::Tensor& w0,
                const std::optional<torch::Tensor>& b0, const torch::Tensor& dy)
{
    auto x = x0.detach().clone().requires_grad_(true);
    auto w = w0.detach().clone().requires_grad_(true);
    torch::Tensor b;
    if (b0)
        b = b0->detach().clone().requires_grad_(true);
    auto y = kernels::dnnlLinearBf16(x, w, b);
    y.backward(dy);
    return {y.detach(), x.grad(), w.grad(), b.defined() ? b.grad() : torch::Tensor()};
}

/// The same output and gradients, to the bit.
void expectIdentical(const Result& a, const Result& b)
{
    EXPECT_TRUE(torch::equal(a.y, b.y));
    EXPECT_TRUE(torch::equal(a.dx, b.dx));
    EXPECT_TRUE(torch::equal(a.dw, b.dw));
    EXPECT_TRUE(torch::equal(a.db, b.db));
}

} // namespace

TEST(DnnlLinear, valuesAndGradientsAreFp32ArithmeticOnTheBf16Operands)
{
    if (!builtWithDnnl())
        GTEST_SKIP() << "built without oneDNN's headers (libdnnl-dev)";
    torch::manual_seed(7);
    struct Shape {
        int64_t m, k, n;
    };
    for (const Shape s : {Shape{2176, 64, 192}, Shape{2176, 256, 64}, Shape{7, 5, 3},
                          Shape{1, 33, 17}, Shape{5, 7, 150}, Shape{3, 4, 300}}) {
        for (const auto wType : {torch::kFloat, torch::kBFloat16}) {
            for (const int biasKind : {0, 1, 2}) { // none, fp32, bf16
                SCOPED_TRACE("m " + std::to_string(s.m) + " k " + std::to_string(s.k) + " n "
                             + std::to_string(s.n) + (wType == torch::kFloat ? " fp32" : " bf16")
                             + " weights, bias kind " + std::to_string(biasKind));
                const auto x = torch::randn({s.m, s.k}).to(torch::kBFloat16);
                const auto w = (torch::randn({s.n, s.k}) * 0.2).to(wType);
                std::optional<torch::Tensor> b;
                if (biasKind > 0)
                    b = torch::randn({s.n}).to(biasKind == 1 ? torch::kFloat : torch::kBFloat16);
                const auto dy = torch::randn({s.m, s.n}).to(torch::kBFloat16);
                const Result r = runLayer(x, w, b, dy);

                // The reference: fp32 products of the operands as the layer sees them.
                const auto xf = x.to(torch::kFloat), dyf = dy.to(torch::kFloat);
                const auto wf = w.to(torch::kBFloat16).to(torch::kFloat);
                auto y = xf.mm(wf.t());
                if (b)
                    y = y + b->to(torch::kFloat);
                ASSERT_EQ(r.y.scalar_type(), torch::kBFloat16);
                ASSERT_EQ(r.y.sizes(), y.sizes());
                // One bf16 rounding of the result (8 bits), plus summation order.
                EXPECT_LT(relativeError(r.y, y), 1.0 / 128);
                ASSERT_EQ(r.dx.scalar_type(), torch::kBFloat16);
                EXPECT_LT(relativeError(r.dx, dyf.mm(wf)), 1.0 / 128);
                ASSERT_EQ(r.dw.scalar_type(), wType);
                // fp32 weights get an fp32 gradient, not rounded to bf16.
                EXPECT_LT(relativeError(r.dw, dyf.t().mm(xf)),
                          wType == torch::kFloat ? 1e-5 : 1.0 / 128);
                if (b) {
                    ASSERT_EQ(r.db.scalar_type(), b->scalar_type());
                    EXPECT_LT(relativeError(r.db, dyf.sum(0)),
                              b->scalar_type() == torch::kFloat ? 1e-5 : 1.0 / 128);
                }
            }
        }
    }
}

TEST(DnnlLinear, onlyTheGradientsAskedForAreComputed)
{
    if (!builtWithDnnl())
        GTEST_SKIP() << "built without oneDNN's headers (libdnnl-dev)";
    torch::manual_seed(3);
    const auto x = torch::randn({40, 16}).to(torch::kBFloat16); // no gradient wanted
    auto w = torch::randn({8, 16}).requires_grad_(true);
    const auto b = torch::randn({8}); // none wanted either
    kernels::dnnlLinearBf16(x, w, b).sum().backward();
    ASSERT_TRUE(w.grad().defined());
    EXPECT_LT(relativeError(w.grad(), torch::ones({40, 8}).t().mm(x.to(torch::kFloat))), 1e-5);
}

TEST(DnnlLinear, declinesWhatItCannotTake)
{
    const auto x = torch::randn({4, 8}).to(torch::kBFloat16);
    const auto w = torch::randn({3, 8});
    const auto b = torch::randn({3});
    EXPECT_EQ(kernels::dnnlLinearApplies(x, w, b), builtWithDnnl());
    EXPECT_FALSE(kernels::dnnlLinearApplies(x.to(torch::kFloat), w, b)); // fp32 input
    EXPECT_FALSE(kernels::dnnlLinearApplies(x.view({32}), w, b));        // 1-D
    EXPECT_FALSE(kernels::dnnlLinearApplies(x, torch::randn({3, 7}), b)); // widths differ
    EXPECT_FALSE(kernels::dnnlLinearApplies(x, w, torch::randn({4})));    // bias of 4 rows
    EXPECT_FALSE(kernels::dnnlLinearApplies(x, w.to(torch::kDouble), b)); // double weights
    EXPECT_FALSE(kernels::dnnlLinearApplies(x.narrow(0, 0, 0), w, b));   // no rows
}

TEST(DnnlLinear, leadingDimensionsAreRows)
{
    if (!builtWithDnnl())
        GTEST_SKIP() << "built without oneDNN's headers (libdnnl-dev)";
    torch::manual_seed(9);
    const auto x = torch::randn({4, 17, 24}).to(torch::kBFloat16);
    const auto w = torch::randn({40, 24}) * 0.2, b = torch::randn({40});
    const auto dy = torch::randn({4, 17, 40}).to(torch::kBFloat16);
    const Result flat = runLayer(x.view({68, 24}), w, b, dy.view({68, 40}));
    const Result batched = runLayer(x, w, b, dy);
    ASSERT_EQ(batched.y.sizes(), (std::vector<int64_t>{4, 17, 40}));
    ASSERT_EQ(batched.dx.sizes(), x.sizes());
    expectIdentical({batched.y.view({68, 40}), batched.dx.view({68, 24}), batched.dw, batched.db},
                    flat);
}

TEST(DnnlLinear, threadsCallingAtOnceGetTheirOwnResults)
{
    if (!builtWithDnnl())
        GTEST_SKIP() << "built without oneDNN's headers (libdnnl-dev)";
    torch::manual_seed(11);
    // Two shapes, each run by two threads: shared primitives, separate scratchpads and outputs.
    struct Case {
        torch::Tensor x, w, b, dy;
        Result expected;
    };
    std::vector<Case> cases;
    for (const auto& [m, k, n] : {std::tuple<int64_t, int64_t, int64_t>{1088, 64, 256},
                                 std::tuple<int64_t, int64_t, int64_t>{1088, 256, 64}}) {
        Case c{torch::randn({m, k}).to(torch::kBFloat16), torch::randn({n, k}) * 0.1,
               torch::randn({n}), torch::randn({m, n}).to(torch::kBFloat16), {}};
        c.expected = runLayer(c.x, c.w, c.b, c.dy);
        cases.push_back(c);
    }
    std::vector<std::vector<Result>> got(4);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            const Case& c = cases[t % 2];
            for (int i = 0; i < 20; ++i)
                got[t].push_back(runLayer(c.x, c.w, c.b, c.dy));
        });
    for (auto& th : threads)
        th.join();
    for (size_t t = 0; t < 4; ++t) {
        const Result& e = cases[t % 2].expected;
        for (const Result& r : got[t])
            expectIdentical(r, e);
    }
}

TEST(DnnlLinear, throughAGeluIsTheGeluThenTheLayer)
{
    if (!builtWithDnnl())
        GTEST_SKIP() << "built without oneDNN's headers (libdnnl-dev)";
    torch::manual_seed(5);
    for (const auto wType : {torch::kFloat, torch::kBFloat16}) {
        const auto h0 = torch::randn({2176, 256}).to(torch::kBFloat16);
        const auto w0 = (torch::randn({64, 256}) * 0.1).to(wType);
        const auto b0 = torch::randn({64}).to(wType);
        const auto dy = torch::randn({2176, 64}).to(torch::kBFloat16);
        auto run = [&](bool fused) {
            auto h = h0.clone().requires_grad_(true);
            auto w = w0.clone().requires_grad_(true), b = b0.clone().requires_grad_(true);
            auto y = fused ? kernels::dnnlGeluLinearBf16(h, w, b)
                           : kernels::dnnlLinearBf16(kernels::fusedGelu(h), w, b);
            y.backward(dy);
            return Result{y.detach(), h.grad(), w.grad(), b.grad()};
        };
        const Result fused = run(true), apart = run(false);
        // The same GELU values into the same GEMMs: the output and the weight and bias
        // gradients match to the bit.
        EXPECT_TRUE(torch::equal(fused.y, apart.y));
        EXPECT_TRUE(torch::equal(fused.dw, apart.dw));
        EXPECT_TRUE(torch::equal(fused.db, apart.db));
        // h's gradient: (dy W) ⊙ gelu'(h), rounded once instead of twice.
        const auto hf = h0.to(torch::kFloat);
        const auto cdf = 0.5 * (1.0 + torch::erf(hf * M_SQRT1_2));
        const auto derivative = cdf + hf * torch::exp(-0.5 * hf * hf) * (0.5 * M_2_SQRTPI * M_SQRT1_2);
        const auto expected =
            dy.to(torch::kFloat).mm(w0.to(torch::kBFloat16).to(torch::kFloat)) * derivative;
        ASSERT_EQ(fused.dx.scalar_type(), torch::kBFloat16);
        EXPECT_LT(relativeError(fused.dx, expected), 1.0 / 128);
        EXPECT_LT(relativeError(fused.dx, apart.dx), 1.0 / 64);
    }
}

#ifdef TLEG_HAVE_AVX2_MATH
namespace {

__attribute__((target("avx2,fma"))) void storeEach8(const float* in, uint16_t* out, size_t n)
{
    for (size_t i = 0; i + 8 <= n; i += 8)
        kernels::storeBf16x8(out + i, _mm256_loadu_ps(in + i));
}

__attribute__((target("avx512f,avx512bw,avx512vl"))) void storeEach16(const float* in,
                                                                      uint16_t* out, size_t n)
{
    for (size_t i = 0; i + 16 <= n; i += 16)
        kernels::storeBf16x16(out + i, _mm512_loadu_ps(in + i));
}

} // namespace

TEST(VectorBf16, storesRoundAsFloatToBf16)
{
    // Ties to even both ways, infinities, zeros, denormals, the largest finite values, and NaNs
    // whose payload would carry into the sign if rounded as numbers; then random bit patterns.
    std::vector<uint32_t> bits = {0x3F808000u, 0x3F818000u, 0x3F807FFFu, 0x7F800000u,
                                  0xFF800000u, 0x00000000u, 0x80000000u, 0x00000001u,
                                  0x807FFFFFu, 0x7F7FFFFFu, 0xFF7FFFFFu, 0x7F7F8000u,
                                  0x7FFFFFFFu, 0xFFFFFFFFu, 0x7FC00000u, 0x7F800001u,
                                  0x7FFF8000u, 0xFFBFFFFFu};
    std::mt19937 random(1);
    while (bits.size() % 16 != 0 || bits.size() < 4096)
        bits.push_back(random());
    std::vector<float> in(bits.size());
    std::memcpy(in.data(), bits.data(), bits.size() * sizeof(float));
    std::vector<uint16_t> expected(in.size()), got8(in.size()), got16(in.size());
    for (size_t i = 0; i < in.size(); ++i)
        expected[i] = kernels::floatToBf16(in[i]);
    if (util::cpuHasAvx2()) {
        storeEach8(in.data(), got8.data(), in.size());
        for (size_t i = 0; i < in.size(); ++i)
            ASSERT_EQ(got8[i], expected[i]) << "8 lanes, input bits 0x" << std::hex << bits[i];
    }
    if (util::cpuHasAvx512()) {
        storeEach16(in.data(), got16.data(), in.size());
        for (size_t i = 0; i < in.size(); ++i)
            ASSERT_EQ(got16[i], expected[i]) << "16 lanes, input bits 0x" << std::hex << bits[i];
    }
    if (!util::cpuHasAvx2())
        GTEST_SKIP() << "no AVX2 on this CPU";
}
#endif
