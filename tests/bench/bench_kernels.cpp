// The fused kernels against LibTorch's own ops on one 128-image batch of the quick preset's
// student (fmnist-ti: 2,176 rows of width 64, hidden width 256, 2 heads), and the softmax on a
// 224-px ViT-Ti block's bf16 attention scores (8 images, 3 heads, 197 tokens): median
// milliseconds of forward and forward + backward, one thread. Last, the patch embedding under bf16
// (the cut patches through one GEMM) against LibTorch's float convolution, at 28 px (128 images,
// patch 7, width 64) and 224 px (8 images, patch 16, width 192). And a block's four bf16 linear
// layers, oneDNN's matmul called directly against LibTorch's addmm route, at both sizes (the two
// timed in alternation, as their difference is a few per cent of a step). Run by hand:
//   ninja -C build bench_kernels && build/tests/bench_kernels
#include "kernels/dnnl_linear.h"
#include "kernels/fused_attention.h"
#include "kernels/fused_gelu.h"
#include "kernels/fused_layer_norm.h"
#include "kernels/fused_softmax.h"
#include "model/bf16_scope.h"
#include "model/vit.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace {

double medianMs(const std::function<void()>& f)
{
    for (int i = 0; i < 10; ++i)
        f();
    std::vector<double> v;
    for (int r = 0; r < 9; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < 30; ++i)
            f();
        v.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                        .count()
                    / 30.0);
    }
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

torch::Tensor referenceAttention(const torch::Tensor& qkv, int64_t heads)
{
    const int64_t b = qkv.size(0), n = qkv.size(1), d = qkv.size(2) / 3, hd = d / heads;
    auto p = qkv.reshape({b, n, 3, heads, hd}).permute({2, 0, 3, 1, 4});
    auto a = torch::matmul(p[0] * (1.0 / std::sqrt(double(hd))), p[1].transpose(-2, -1)).softmax(-1);
    return torch::matmul(a, p[2]).transpose(1, 2).reshape({b, n, d});
}

/// Medians of f and g, timed in alternating rounds (a slow spell of the machine hits both).
std::pair<double, double> pairedMedianMs(const std::function<void()>& f,
                                         const std::function<void()>& g)
{
    for (int i = 0; i < 10; ++i) {
        f();
        g();
    }
    std::vector<double> a, b;
    const auto time = [](const std::function<void()>& h) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < 10; ++i)
            h();
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                   .count()
               / 10.0;
    };
    for (int r = 0; r < 21; ++r) {
        a.push_back(time(f));
        b.push_back(time(g));
    }
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return {a[a.size() / 2], b[b.size() / 2]};
}

void row(const char* what, double libtorch, double fused)
{
    std::printf("%-34s %8.3f ms %8.3f ms %6.2fx\n", what, libtorch, fused, libtorch / fused);
}

} // namespace

int main()
{
    using namespace tleg;
    torch::set_num_threads(1);
    const int64_t B = 128, N = 17, D = 64, H = 2, hidden = 256;
    torch::manual_seed(0);
    std::printf("%-34s %11s %11s %7s\n", "kernel (one batch, 1 thread)", "LibTorch", "fused", "ratio");

    auto qkv = torch::randn({B, N, 3 * D}).requires_grad_(true);
    auto gradCtx = torch::randn({B, N, D});
    row("attention forward", medianMs([&] { torch::NoGradGuard g; referenceAttention(qkv, H); }),
        medianMs([&] { torch::NoGradGuard g; kernels::fusedAttention(qkv, H); }));
    row("attention forward + backward",
        medianMs([&] { referenceAttention(qkv, H).backward(gradCtx); }),
        medianMs([&] { kernels::fusedAttention(qkv, H).backward(gradCtx); }));

    {
        // A last block's attention in bf16 when the head reads the class token alone: the whole
        // kernel and the cut afterwards (LibTorch column) against the kernel for that query.
        auto qkv16 = torch::randn({B, N, 3 * D}).to(torch::kBFloat16).requires_grad_(true);
        auto g1 = torch::randn({B, 1, D}).to(torch::kBFloat16);
        row("attention bf16, 1 query of 17, f + b",
            medianMs([&] {
                kernels::fusedAttention(qkv16, H).narrow(1, 0, 1).contiguous().backward(g1);
            }),
            medianMs([&] { kernels::fusedAttention(qkv16, H, 1).backward(g1); }));
    }

    for (const bool bf16 : {false, true}) {
        const auto type = bf16 ? torch::kBFloat16 : torch::kFloat;
        auto h = torch::randn({B, N, hidden}).to(type).requires_grad_(true);
        auto gh = torch::randn({B, N, hidden}).to(type);
        row(bf16 ? "GELU bf16 forward" : "GELU fp32 forward",
            medianMs([&] { torch::NoGradGuard g; torch::gelu(h); }),
            medianMs([&] { torch::NoGradGuard g; kernels::fusedGelu(h); }));
        row(bf16 ? "GELU bf16 forward + backward" : "GELU fp32 forward + backward",
            medianMs([&] { torch::gelu(h).backward(gh); }),
            medianMs([&] { kernels::fusedGelu(h).backward(gh); }));
    }

    auto x = torch::randn({B, N, D}).requires_grad_(true);
    auto w = torch::ones({D}).requires_grad_(true), b = torch::zeros({D}).requires_grad_(true);
    auto gx = torch::randn({B, N, D});
    row("LayerNorm forward (fp32 out)",
        medianMs([&] { torch::NoGradGuard g; torch::layer_norm(x, {D}, w, b, 1e-6); }),
        medianMs([&] { torch::NoGradGuard g; kernels::fusedLayerNorm(x, w, b, 1e-6, false); }));
    row("LayerNorm forward + backward",
        medianMs([&] { torch::layer_norm(x, {D}, w, b, 1e-6).backward(gx); }),
        medianMs([&] { kernels::fusedLayerNorm(x, w, b, 1e-6, false).backward(gx); }));

    auto s = torch::randn({8, 3, 197, 197}).to(torch::kBFloat16).requires_grad_(true);
    auto gs = torch::randn({8, 3, 197, 197}).to(torch::kBFloat16);
    row("softmax bf16, 197 tokens, forward",
        medianMs([&] { torch::NoGradGuard g; s.softmax(-1); }), // unscaled: LibTorch's best case
        medianMs([&] { torch::NoGradGuard g; kernels::fusedSoftmax(s, 0.125); }));
    row("softmax bf16 forward + backward",
        medianMs([&] { s.softmax(-1).backward(gs); }),
        medianMs([&] { kernels::fusedSoftmax(s, 0.125).backward(gs); }));

    struct EmbedCase {
        const char* name;
        int64_t batch, channels, size, patch, dim;
    };
    for (const EmbedCase& c : {EmbedCase{"patch embedding 28 px", B, 1, 28, 7, D},
                               EmbedCase{"patch embedding 224 px", 8, 3, 224, 16, 192}}) {
        model::PatchEmbed embed(c.channels, c.patch, c.dim);
        const auto images = torch::randn({c.batch, c.channels, c.size, c.size});
        const auto g = torch::randn({c.batch, (c.size / c.patch) * (c.size / c.patch), c.dim});
        auto conv = [&] { return embed->proj->forward(images).flatten(2).transpose(1, 2); };
        auto gemm = [&] {
            model::Bf16Scope bf16(true);
            return embed->forward(images);
        };
        row((std::string(c.name) + ", forward").c_str(),
            medianMs([&] { torch::NoGradGuard ng; conv(); }),
            medianMs([&] { torch::NoGradGuard ng; gemm(); }));
        row((std::string(c.name) + " fwd + bwd").c_str(), medianMs([&] { conv().backward(g); }),
            medianMs([&] { gemm().backward(g); }));
    }

    // qkv, proj, fc1 and fc2 with bf16 input: the Aux-Net passes bf16 weights (its expanded
    // copies), a ViT fp32 masters.
    struct LinearCase {
        const char* name;
        int64_t rows, dim;
        torch::ScalarType weights;
    };
    for (const LinearCase& c :
         {LinearCase{"4 bf16 linears 28 px, bf16 w, f+b", B * N, D, torch::kBFloat16},
          LinearCase{"4 bf16 linears 28 px, fp32 w, f+b", B * N, D, torch::kFloat},
          LinearCase{"4 bf16 linears 224 px, f + b", 8 * 197, 192, torch::kFloat}}) {
        std::vector<std::array<torch::Tensor, 4>> layers; // x, w, b, gradient of y
        for (const auto& [in, out] : {std::pair{c.dim, 3 * c.dim}, std::pair{c.dim, c.dim},
                                     std::pair{c.dim, 4 * c.dim}, std::pair{4 * c.dim, c.dim}})
            layers.push_back({torch::randn({c.rows, in}).to(torch::kBFloat16).requires_grad_(true),
                              (torch::randn({out, in}) * 0.1).to(c.weights).requires_grad_(true),
                              torch::randn({out}).to(c.weights).requires_grad_(true),
                              torch::randn({c.rows, out}).to(torch::kBFloat16)});
        const auto bf16 = torch::kBFloat16;
        const auto [viaAddmm, direct] = pairedMedianMs(
            [&] {
                for (auto& [x, w, b, g] : layers)
                    torch::addmm(b.to(bf16), x, w.to(bf16).t()).backward(g);
            },
            [&] {
                for (auto& [x, w, b, g] : layers)
                    kernels::dnnlLinearBf16(x, w, b).backward(g);
            });
        row(c.name, viaAddmm, direct);
    }
    std::printf("oneDNN's matmul at 28 px, fc1 (forward, input and weight gradient): %s\n",
                kernels::dnnlLinearImplementation(B * N, hidden, D).c_str());
    return 0;
}
