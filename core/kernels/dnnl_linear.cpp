#include "util/simd_support.h" // first: GCC's AVX-512 warnings are off from here
#include "kernels/dnnl_linear.h"
#include "kernels/bf16_bits.h"
#include "kernels/fused_gelu.h"
#include "kernels/simd_math.h"

#ifdef TLEG_HAVE_DNNL
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <mutex>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <vector>
#endif

namespace tleg::kernels {

#ifdef TLEG_HAVE_DNNL

namespace {

/// The three GEMMs of a linear layer y[M, N] = x[M, K] · W[N, K]ᵀ + b.
enum class Gemm : int {
    Forward,     // y = x Wᵀ (+ b): bf16 out
    InputGrad,   // dx = dy W: bf16 out (times the GELU derivative when scaled)
    WeightGrad,  // dW = dyᵀ x: out in the weight's dtype
};

struct Shape {
    int64_t m, n, k;
    Gemm gemm;
    bool bias;         // Forward: with a bias (of biasType)
    bool floatOut;     // WeightGrad: fp32 out
    bool floatBias;
    bool scaled = false; // InputGrad: times a bf16 [M, K] tensor, elementwise, before rounding
    bool operator==(const Shape& o) const
    {
        return m == o.m && n == o.n && k == o.k && gemm == o.gemm && bias == o.bias
               && floatOut == o.floatOut && floatBias == o.floatBias && scaled == o.scaled;
    }
};

struct ShapeHash {
    size_t operator()(const Shape& s) const
    {
        size_t h = std::hash<int64_t>()(s.m);
        for (int64_t v : {s.n, s.k, int64_t(s.gemm),
                          int64_t(s.bias) | int64_t(s.floatOut) << 1 | int64_t(s.floatBias) << 2
                              | int64_t(s.scaled) << 3})
            h = h * 1000003u ^ std::hash<int64_t>()(v);
        return h;
    }
};

struct Prepared {
    dnnl::matmul primitive;
    dnnl::memory::desc src, weights, bias, dst, scale, scratch;
    std::string implementation;
};

dnnl::engine& engine()
{
    static dnnl::engine e(dnnl::engine::kind::cpu, 0);
    return e;
}

using dt = dnnl::memory::data_type;

/// A row-major [rows, cols] matrix, or its transpose when `transposed` (stored [cols, rows]).
dnnl::memory::desc matrix(int64_t rows, int64_t cols, dt type, bool transposed = false)
{
    return dnnl::memory::desc({rows, cols}, type,
                              transposed ? dnnl::memory::dims{1, rows}
                                         : dnnl::memory::dims{cols, 1});
}

/// The primitive for one shape, created on first use and kept (a few per layer and batch size).
/// Primitives run concurrently from several threads; each call brings its own scratchpad.
const Prepared& prepared(const Shape& s)
{
    static std::mutex mutex;
    static std::unordered_map<Shape, Prepared, ShapeHash> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(s);
    if (it != cache.end())
        return it->second;
    dnnl::memory::desc src, weights, dst, bias, scale;
    dnnl::primitive_attr attr;
    switch (s.gemm) {
    case Gemm::Forward: // x [M, K] · Wᵀ (W stored [N, K])
        src = matrix(s.m, s.k, dt::bf16);
        weights = matrix(s.k, s.n, dt::bf16, true);
        dst = matrix(s.m, s.n, dt::bf16);
        if (s.bias)
            bias = dnnl::memory::desc({1, s.n}, s.floatBias ? dt::f32 : dt::bf16,
                                      dnnl::memory::dims{s.n, 1});
        break;
    case Gemm::InputGrad: // dy [M, N] · W [N, K]
        src = matrix(s.m, s.n, dt::bf16);
        weights = matrix(s.n, s.k, dt::bf16);
        dst = matrix(s.m, s.k, dt::bf16);
        if (s.scaled) {
            scale = matrix(s.m, s.k, dt::bf16);
            dnnl::post_ops ops;
            ops.append_binary(dnnl::algorithm::binary_mul, scale);
            attr.set_post_ops(ops);
        }
        break;
    case Gemm::WeightGrad: // dyᵀ (dy stored [M, N]) · x [M, K]
        src = matrix(s.n, s.m, dt::bf16, true);
        weights = matrix(s.m, s.k, dt::bf16);
        dst = matrix(s.n, s.k, s.floatOut ? dt::f32 : dt::bf16);
        break;
    }
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    const auto desc = s.bias ? dnnl::matmul::desc(src, weights, bias, dst)
                             : dnnl::matmul::desc(src, weights, dst);
    const dnnl::matmul::primitive_desc pd(desc, attr, engine());
    Prepared p{dnnl::matmul(pd), src, weights, bias, dst, scale, pd.scratchpad_desc(),
               pd.impl_info_str()};
    return cache.emplace(s, std::move(p)).first->second;
}

void run(const Shape& s, const void* src, const void* weights, const void* bias, void* dst,
         const void* scale = nullptr)
{
    const Prepared& p = prepared(s);
    thread_local dnnl::stream stream(engine());
    thread_local std::vector<char> scratch;
    if (scratch.size() < p.scratch.get_size())
        scratch.resize(p.scratch.get_size());
    auto& e = engine();
    // The memory objects only wrap the pointers (no copies).
    std::unordered_map<int, dnnl::memory> args{
        {DNNL_ARG_SRC, dnnl::memory(p.src, e, const_cast<void*>(src))},
        {DNNL_ARG_WEIGHTS, dnnl::memory(p.weights, e, const_cast<void*>(weights))},
        {DNNL_ARG_DST, dnnl::memory(p.dst, e, dst)},
        {DNNL_ARG_SCRATCHPAD, dnnl::memory(p.scratch, e, scratch.data())}};
    if (bias)
        args.emplace(DNNL_ARG_BIAS, dnnl::memory(p.bias, e, const_cast<void*>(bias)));
    if (scale)
        args.emplace(DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1,
                     dnnl::memory(p.scale, e, const_cast<void*>(scale)));
    p.primitive.execute(stream, args);
    stream.wait();
}

const uint16_t* bits(const torch::Tensor& t)
{
    return reinterpret_cast<const uint16_t*>(t.data_ptr<at::BFloat16>());
}

#ifdef TLEG_HAVE_AVX2_MATH
__attribute__((target("avx512f,avx512bw,avx512vl"))) void roundToBf16Avx512(const float* in,
                                                                            uint16_t* out,
                                                                            int64_t n)
{
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        storeBf16x16(out + i, _mm512_loadu_ps(in + i));
    if (i < n) {
        const __mmask16 mask = laneMask(i, n);
        storeBf16x16(out + i, _mm512_maskz_loadu_ps(mask, in + i), mask);
    }
}
#endif

/// out[i] = in[i] rounded to bf16 (kernels/bf16_bits.h's rules, bit for bit).
void roundToBf16(const float* in, uint16_t* out, int64_t n)
{
#ifdef TLEG_HAVE_AVX2_MATH
    if (util::cpuHasAvx512())
        return roundToBf16Avx512(in, out, n);
#endif
    for (int64_t i = 0; i < n; ++i)
        out[i] = floatToBf16(in[i]);
}

/// w rounded to bf16 (kernels/bf16_bits.h), or w itself when it is bf16 already.
torch::Tensor asBf16(const torch::Tensor& w)
{
    if (w.scalar_type() == torch::kBFloat16)
        return w.contiguous();
    const torch::Tensor src = w.contiguous();
    auto out = torch::empty(src.sizes(), src.options().dtype(torch::kBFloat16));
    roundToBf16(src.data_ptr<float>(), reinterpret_cast<uint16_t*>(out.data_ptr<at::BFloat16>()),
                src.numel());
    return out;
}

#ifdef TLEG_HAVE_AVX2_MATH
/// columnSumsAvx512 for the R·16 columns from c0 (the last register only its `last` lanes).
template <int R>
__attribute__((target("avx512f,avx512bw,avx512vl"))) void columnSumsBlock(const uint16_t* g,
                                                                          int64_t m, int64_t n,
                                                                          __mmask16 last,
                                                                          float* out)
{
    __m512 acc[R];
    for (int b = 0; b < R; ++b)
        acc[b] = _mm512_setzero_ps();
    for (int64_t r = 0; r < m; ++r)
        for (int b = 0; b < R; ++b)
            acc[b] = _mm512_add_ps(
                acc[b], loadBf16x16(g + r * n + 16 * b, b == R - 1 ? last : __mmask16(0xFFFF)));
    for (int b = 0; b < R; ++b)
        _mm512_mask_storeu_ps(out + 16 * b, b == R - 1 ? last : __mmask16(0xFFFF), acc[b]);
}

__attribute__((target("avx512f,avx512bw,avx512vl"))) void columnSumsAvx512(const uint16_t* g,
                                                                           int64_t m, int64_t n,
                                                                           float* out)
{
    // Up to 256 columns at a time (every layer here in one pass), one register each, row by
    // row: each row's bytes are read once and in order, and the independent sums keep the adder
    // busy. Only as many registers as the columns left need.
    for (int64_t c0 = 0; c0 < n; c0 += 256) {
        const int64_t left = std::min<int64_t>(256, n - c0);
        const int regs = static_cast<int>((left + 15) / 16);
        const __mmask16 last = laneMask(16 * (regs - 1), left);
        const auto block = [&](auto r) {
            columnSumsBlock<decltype(r)::value>(g + c0, m, n, last, out + c0);
        };
        switch (regs) {
        case 1: block(std::integral_constant<int, 1>{}); break;
        case 2: block(std::integral_constant<int, 2>{}); break;
        case 3: block(std::integral_constant<int, 3>{}); break;
        case 4: block(std::integral_constant<int, 4>{}); break;
        case 5: block(std::integral_constant<int, 5>{}); break;
        case 6: block(std::integral_constant<int, 6>{}); break;
        case 7: block(std::integral_constant<int, 7>{}); break;
        case 8: block(std::integral_constant<int, 8>{}); break;
        case 9: block(std::integral_constant<int, 9>{}); break;
        case 10: block(std::integral_constant<int, 10>{}); break;
        case 11: block(std::integral_constant<int, 11>{}); break;
        case 12: block(std::integral_constant<int, 12>{}); break;
        case 13: block(std::integral_constant<int, 13>{}); break;
        case 14: block(std::integral_constant<int, 14>{}); break;
        case 15: block(std::integral_constant<int, 15>{}); break;
        default: block(std::integral_constant<int, 16>{}); break;
        }
    }
}
#endif

/// out[c] = Σ_r g[r, c] in fp32 (the bias gradient), rows in order.
void columnSums(const uint16_t* g, int64_t m, int64_t n, float* out)
{
#ifdef TLEG_HAVE_AVX2_MATH
    if (util::cpuHasAvx512())
        return columnSumsAvx512(g, m, n, out);
#endif
    std::fill(out, out + n, 0.0f);
    for (int64_t r = 0; r < m; ++r)
        for (int64_t c = 0; c < n; ++c)
            out[c] += bf16ToFloat(g[r * n + c]);
}

class DnnlLinearFn : public torch::autograd::Function<DnnlLinearFn> {
public:
    /// geluInput: the layer reads gelu(x) (computed here, its derivative kept for the backward).
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                 const torch::Tensor& w, const torch::Tensor& b, bool geluInput)
    {
        torch::Tensor xc = x.contiguous(), derivative;
        if (geluInput)
            std::tie(xc, derivative) = geluAndDerivative(xc);
        const torch::Tensor wb = asBf16(w);
        const int64_t k = xc.size(-1), m = xc.numel() / k, n = w.size(0);
        auto sizes = xc.sizes().vec(); // [..., K] -> [..., N]: the leading dimensions are rows
        sizes.back() = n;
        auto y = torch::empty(sizes, xc.options());
        const bool bias = b.numel() > 0; // dnnlLinearBf16 passes no bias as an empty one
        const torch::Tensor bc = b.contiguous();
        const bool floatBias = bias && b.scalar_type() == torch::kFloat;
        run({m, n, k, Gemm::Forward, bias, false, floatBias}, bits(xc), bits(wb),
            bias ? bc.data_ptr() : nullptr, y.data_ptr());
        ctx->save_for_backward({xc}); // gelu(x) when geluInput
        ctx->saved_data["w"] = wb;
        if (geluInput)
            ctx->saved_data["derivative"] = derivative;
        ctx->saved_data["floatWeight"] = w.scalar_type() == torch::kFloat;
        ctx->saved_data["bias"] = bias ? int64_t(b.scalar_type()) : int64_t(-1);
        return y;
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list grads)
    {
        const torch::Tensor x = ctx->get_saved_variables()[0];
        const bool geluInput = ctx->saved_data.count("derivative") > 0;
        const torch::Tensor derivative =
            geluInput ? ctx->saved_data["derivative"].toTensor() : torch::Tensor();
        const torch::Tensor wb = ctx->saved_data["w"].toTensor();
        const bool floatWeight = ctx->saved_data["floatWeight"].toBool();
        const int64_t biasType = ctx->saved_data["bias"].toInt();
        const torch::Tensor dy = grads[0].to(torch::kBFloat16).contiguous();
        const int64_t k = x.size(-1), m = x.numel() / k, n = wb.size(0);
        torch::Tensor dx, dw, db;
        if (ctx->needs_input_grad(0)) {
            dx = torch::empty(x.sizes(), x.options());
            // Through the GELU: dx = (dy W) ⊙ gelu'(x), the product taken before the rounding.
            Shape s{m, n, k, Gemm::InputGrad, false, false, false};
            s.scaled = geluInput;
            run(s, bits(dy), bits(wb), nullptr, dx.data_ptr(),
                geluInput ? derivative.data_ptr() : nullptr);
        }
        if (ctx->needs_input_grad(1)) {
            dw = torch::empty({n, k}, x.options().dtype(floatWeight ? torch::kFloat
                                                                   : torch::kBFloat16));
            run({m, n, k, Gemm::WeightGrad, false, floatWeight, false}, bits(dy), bits(x),
                nullptr, dw.data_ptr());
        }
        if (biasType >= 0 && ctx->needs_input_grad(2)) {
            db = torch::empty({n}, x.options().dtype(torch::kFloat));
            columnSums(bits(dy), m, n, db.data_ptr<float>());
            if (biasType != int64_t(torch::kFloat))
                db = db.to(torch::kBFloat16);
        }
        return {dx, dw, db, torch::Tensor()};
    }
};

} // namespace

bool dnnlLinearApplies(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b)
{
    const auto cpuFloat = [](const torch::Tensor& t) {
        return t.device().is_cpu() && t.layout() == torch::kStrided
               && (t.scalar_type() == torch::kFloat || t.scalar_type() == torch::kBFloat16);
    };
    return cpuFloat(x) && x.scalar_type() == torch::kBFloat16 && x.dim() >= 2 && x.numel() > 0
           && cpuFloat(w) && w.dim() == 2 && x.size(-1) == w.size(1) && w.size(0) > 0
           && (!b.defined() || (cpuFloat(b) && b.dim() == 1 && b.size(0) == w.size(0)));
}

torch::Tensor dnnlLinearBf16(const torch::Tensor& x, const torch::Tensor& w,
                             const torch::Tensor& b)
{
    // Autograd takes no undefined input: no bias is an empty one.
    return DnnlLinearFn::apply(x, w, b.defined() ? b : torch::empty({0}, w.options()), false);
}

torch::Tensor dnnlGeluLinearBf16(const torch::Tensor& x, const torch::Tensor& w,
                                 const torch::Tensor& b)
{
    return DnnlLinearFn::apply(x, w, b.defined() ? b : torch::empty({0}, w.options()), true);
}

std::string dnnlLinearImplementation(int64_t m, int64_t n, int64_t k)
{
    return prepared({m, n, k, Gemm::Forward, true, false, false}).implementation + ", "
           + prepared({m, n, k, Gemm::InputGrad, false, false, false}).implementation + ", "
           + prepared({m, n, k, Gemm::WeightGrad, false, true, false}).implementation + "; through a GELU: "
           + prepared({m, n, k, Gemm::InputGrad, false, false, false, true}).implementation;
}

#else // built without oneDNN's headers: the callers keep LibTorch's route

bool dnnlLinearApplies(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&)
{
    return false;
}

torch::Tensor dnnlLinearBf16(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&)
{
    TORCH_CHECK(false, "dnnlLinearBf16: built without oneDNN");
}

torch::Tensor dnnlGeluLinearBf16(const torch::Tensor&, const torch::Tensor&,
                                 const torch::Tensor&)
{
    TORCH_CHECK(false, "dnnlGeluLinearBf16: built without oneDNN");
}

std::string dnnlLinearImplementation(int64_t, int64_t, int64_t) { return {}; }

#endif

} // namespace tleg::kernels
