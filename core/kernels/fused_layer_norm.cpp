#include "util/simd_support.h" // first: GCC's AVX-512 warnings are off from here
#include "kernels/fused_layer_norm.h"
#include "kernels/bf16_bits.h"
#include "kernels/simd_math.h"

#include <ATen/Parallel.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include <cmath>
#include <cstring>
#include <mutex>
#include <vector>

namespace tleg::kernels {

namespace generic {

inline float laneSum(const float* a)
{
    return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

/// One row: statistics into mean / rstd, the result into yF (float) or yB (bfloat16).
inline void forwardRow(const float* __restrict x, const float* __restrict w,
                       const float* __restrict b, int64_t d, float eps, float* __restrict yF,
                       uint16_t* __restrict yB, float& mean, float& rstd)
{
    float acc[8] = {};
    int64_t i = 0;
    for (; i + 8 <= d; i += 8)
        for (int k = 0; k < 8; ++k)
            acc[k] += x[i + k];
    float sum = laneSum(acc);
    for (; i < d; ++i)
        sum += x[i];
    const float m = sum / float(d);
    float sq[8] = {};
    for (i = 0; i + 8 <= d; i += 8)
        for (int k = 0; k < 8; ++k)
            sq[k] += (x[i + k] - m) * (x[i + k] - m);
    float var = laneSum(sq);
    for (; i < d; ++i)
        var += (x[i] - m) * (x[i] - m);
    const float r = 1.0f / std::sqrt(var / float(d) + eps);
    mean = m;
    rstd = r;
    if (yB) {
        for (i = 0; i < d; ++i)
            yB[i] = floatToBf16((x[i] - m) * r * w[i] + b[i]);
    } else {
        for (i = 0; i < d; ++i)
            yF[i] = (x[i] - m) * r * w[i] + b[i];
    }
}

/// One row's input gradient; dw / db (float [d]) accumulate this row's share. dy is float
/// (dyF) or bfloat16 (dyB); g is scratch of d floats.
inline void backwardRow(const float* __restrict x, const float* __restrict dyF,
                        const uint16_t* __restrict dyB, const float* __restrict w, int64_t d,
                        float mean, float rstd, float* __restrict dx, float* __restrict dw,
                        float* __restrict db, float* __restrict g)
{
    float sg[8] = {}, sgx[8] = {};
    int64_t i = 0;
    if (dyB) {
        for (i = 0; i < d; ++i)
            g[i] = bf16ToFloat(dyB[i]);
    } else {
        for (i = 0; i < d; ++i)
            g[i] = dyF[i];
    }
    for (i = 0; i < d; ++i) {
        const float xhat = (x[i] - mean) * rstd;
        dw[i] += g[i] * xhat;
        db[i] += g[i];
        g[i] *= w[i];
    }
    for (i = 0; i + 8 <= d; i += 8)
        for (int k = 0; k < 8; ++k) {
            sg[k] += g[i + k];
            sgx[k] += g[i + k] * ((x[i + k] - mean) * rstd);
        }
    float sumG = laneSum(sg), sumGx = laneSum(sgx);
    for (; i < d; ++i) {
        sumG += g[i];
        sumGx += g[i] * ((x[i] - mean) * rstd);
    }
    const float a = sumG / float(d), c = sumGx / float(d);
    for (i = 0; i < d; ++i)
        dx[i] = rstd * (g[i] - a - (x[i] - mean) * rstd * c);
}

/// s = x + y for one row (y float or bfloat16).
inline void addRow(const float* __restrict x, const float* __restrict yF,
                   const uint16_t* __restrict yB, float* __restrict s, int64_t d)
{
    for (int64_t i = 0; i < d; ++i)
        s[i] = x[i] + (yB ? bf16ToFloat(yB[i]) : yF[i]);
}

/// gx = dx + gs (gs may be null; gx may be dx); gyB, when given, receives gx rounded to bfloat16.
inline void gradRow(const float* dx, const float* gs, float* gx, uint16_t* gyB, int64_t d)
{
    for (int64_t i = 0; i < d; ++i) {
        gx[i] = gs ? dx[i] + gs[i] : dx[i];
        if (gyB)
            gyB[i] = floatToBf16(gx[i]);
    }
}

} // namespace generic

#if defined(__x86_64__) && defined(__GNUC__)
#define TLEG_HAVE_AVX2_LAYER_NORM 1
namespace avx2 {

#define TLEG_AVX2 __attribute__((target("avx2,fma")))

TLEG_AVX2 inline float sum8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}


/// generic::forwardRow for d a multiple of 8.
TLEG_AVX2 void forwardRow(const float* x, const float* w, const float* b, int64_t d, float eps,
                          float* yF, uint16_t* yB, float& mean, float& rstd)
{
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < d; i += 8)
        acc = _mm256_add_ps(acc, _mm256_loadu_ps(x + i));
    const float m = sum8(acc) / float(d);
    const __m256 mv = _mm256_set1_ps(m);
    __m256 sq = _mm256_setzero_ps();
    for (int64_t i = 0; i < d; i += 8) {
        const __m256 c = _mm256_sub_ps(_mm256_loadu_ps(x + i), mv);
        sq = _mm256_fmadd_ps(c, c, sq);
    }
    const float r = 1.0f / std::sqrt(sum8(sq) / float(d) + eps);
    mean = m;
    rstd = r;
    const __m256 rv = _mm256_set1_ps(r);
    for (int64_t i = 0; i < d; i += 8) {
        const __m256 xh = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), mv), rv);
        const __m256 y = _mm256_fmadd_ps(xh, _mm256_loadu_ps(w + i), _mm256_loadu_ps(b + i));
        if (yB)
            storeBf16x8(yB + i, y);
        else
            _mm256_storeu_ps(yF + i, y);
    }
}

/// generic::backwardRow for d a multiple of 8.
TLEG_AVX2 void backwardRow(const float* x, const float* dyF, const uint16_t* dyB, const float* w,
                           int64_t d, float mean, float rstd, float* dx, float* dw, float* db,
                           float* g)
{
    const __m256 mv = _mm256_set1_ps(mean), rv = _mm256_set1_ps(rstd);
    __m256 sg = _mm256_setzero_ps(), sgx = _mm256_setzero_ps();
    for (int64_t i = 0; i < d; i += 8) {
        const __m256 dy = dyB ? loadBf16x8(dyB + i) : _mm256_loadu_ps(dyF + i);
        const __m256 xh = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), mv), rv);
        _mm256_storeu_ps(dw + i, _mm256_fmadd_ps(dy, xh, _mm256_loadu_ps(dw + i)));
        _mm256_storeu_ps(db + i, _mm256_add_ps(dy, _mm256_loadu_ps(db + i)));
        const __m256 gw = _mm256_mul_ps(dy, _mm256_loadu_ps(w + i));
        _mm256_storeu_ps(g + i, gw);
        sg = _mm256_add_ps(sg, gw);
        sgx = _mm256_fmadd_ps(gw, xh, sgx);
    }
    const __m256 a = _mm256_set1_ps(sum8(sg) / float(d));
    const __m256 c = _mm256_set1_ps(sum8(sgx) / float(d));
    for (int64_t i = 0; i < d; i += 8) {
        const __m256 xh = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), mv), rv);
        const __m256 t =
            _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(g + i), a), _mm256_mul_ps(xh, c));
        _mm256_storeu_ps(dx + i, _mm256_mul_ps(rv, t));
    }
}

/// generic::addRow for d a multiple of 8.
TLEG_AVX2 void addRow(const float* x, const float* yF, const uint16_t* yB, float* s, int64_t d)
{
    for (int64_t i = 0; i < d; i += 8) {
        const __m256 y = yB ? loadBf16x8(yB + i) : _mm256_loadu_ps(yF + i);
        _mm256_storeu_ps(s + i, _mm256_add_ps(_mm256_loadu_ps(x + i), y));
    }
}

/// generic::gradRow for d a multiple of 8.
TLEG_AVX2 void gradRow(const float* dx, const float* gs, float* gx, uint16_t* gyB, int64_t d)
{
    for (int64_t i = 0; i < d; i += 8) {
        __m256 g = _mm256_loadu_ps(dx + i);
        if (gs)
            g = _mm256_add_ps(g, _mm256_loadu_ps(gs + i));
        _mm256_storeu_ps(gx + i, g);
        if (gyB)
            storeBf16x8(gyB + i, g);
    }
}

#undef TLEG_AVX2

} // namespace avx2

namespace avx512 {

#define TLEG_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma")))

/// Horizontal sum.
TLEG_AVX512 inline float hsum(__m512 v)
{
    const __m512 hi = _mm512_mask_shuffle_f32x4(v, 0xFFFF, v, v, 0xEE); // lanes 8..15 twice
    const __m256 s = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_castps512_ps256(hi));
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_movehdup_ps(q));
    return _mm_cvtss_f32(q);
}

/// R rows of width 16·V at once, held in registers: (x [+ y] into s) then LayerNorm, as
/// generic::addRow + generic::forwardRow do row by row. Independent rows interleave, so the
/// reductions' latency overlaps.
template <int R, int V>
TLEG_AVX512 inline void forwardBlock(const float* x, const float* yF, const uint16_t* yB, float* s,
                                     const float* w, const float* b, float eps, float* oF,
                                     uint16_t* oB, float* mean, float* rstd)
{
    constexpr int64_t d = 16 * V;
    __m512 v[R][V];
    float m[R], r[R];
    for (int i = 0; i < R; ++i) {
        __m512 acc = _mm512_setzero_ps();
        for (int j = 0; j < V; ++j) {
            v[i][j] = _mm512_loadu_ps(x + i * d + 16 * j);
            if (yF)
                v[i][j] = _mm512_add_ps(v[i][j], _mm512_loadu_ps(yF + i * d + 16 * j));
            else if (yB)
                v[i][j] = _mm512_add_ps(v[i][j], loadBf16x16(yB + i * d + 16 * j));
            if (s)
                _mm512_storeu_ps(s + i * d + 16 * j, v[i][j]);
            acc = _mm512_add_ps(acc, v[i][j]);
        }
        m[i] = hsum(acc) / float(d);
    }
    for (int i = 0; i < R; ++i) {
        const __m512 mv = _mm512_set1_ps(m[i]);
        __m512 sq = _mm512_setzero_ps();
        for (int j = 0; j < V; ++j) {
            v[i][j] = _mm512_sub_ps(v[i][j], mv);
            sq = _mm512_fmadd_ps(v[i][j], v[i][j], sq);
        }
        r[i] = 1.0f / std::sqrt(hsum(sq) / float(d) + eps);
        mean[i] = m[i];
        rstd[i] = r[i];
    }
    for (int i = 0; i < R; ++i) {
        const __m512 rv = _mm512_set1_ps(r[i]);
        for (int j = 0; j < V; ++j) {
            const __m512 y = _mm512_fmadd_ps(_mm512_mul_ps(v[i][j], rv), _mm512_loadu_ps(w + 16 * j),
                                             _mm512_loadu_ps(b + 16 * j));
            if (oB)
                storeBf16x16(oB + i * d + 16 * j, y);
            else
                _mm512_storeu_ps(oF + i * d + 16 * j, y);
        }
    }
}

template <int V>
TLEG_AVX512 void forwardRowsV(const float* x, const float* yF, const uint16_t* yB, float* s,
                              const float* w, const float* b, int64_t rows, float eps, float* oF,
                              uint16_t* oB, float* mean, float* rstd)
{
    constexpr int R = V <= 4 ? 4 : V <= 8 ? 2 : 1;
    constexpr int64_t d = 16 * V;
    int64_t r = 0;
    auto at = [&](auto* p, int64_t row) { return p ? p + row * d : nullptr; };
    for (; r + R <= rows; r += R)
        forwardBlock<R, V>(x + r * d, at(yF, r), at(yB, r), at(s, r), w, b, eps, at(oF, r),
                           at(oB, r), mean + r, rstd + r);
    for (; r < rows; ++r)
        forwardBlock<1, V>(x + r * d, at(yF, r), at(yB, r), at(s, r), w, b, eps, at(oF, r),
                           at(oB, r), mean + r, rstd + r);
}

/// forwardRowsV for the first of Vs whose width 16·V is d; false when none is.
template <int... Vs>
TLEG_AVX512 bool forwardRowsOfWidth(int64_t d, const float* x, const float* yF,
                                    const uint16_t* yB, float* s, const float* w, const float* b,
                                    int64_t rows, float eps, float* oF, uint16_t* oB, float* mean,
                                    float* rstd)
{
    return ((d == 16 * Vs
             && (forwardRowsV<Vs>(x, yF, yB, s, w, b, rows, eps, oF, oB, mean, rstd), true))
            || ...);
}

/// Rows [0, rows) of width d: s = x + y (when y is given; s may be null without y), then
/// LayerNorm of it. False (nothing done) for a width it has no kernel for: the kernels hold a
/// row in registers, for the widths of the models here (32 to 384).
TLEG_AVX512 bool forwardRows(int64_t d, const float* x, const float* yF, const uint16_t* yB,
                             float* s, const float* w, const float* b, int64_t rows, float eps,
                             float* oF, uint16_t* oB, float* mean, float* rstd)
{
    return forwardRowsOfWidth<2, 3, 4, 6, 8, 12, 24>(d, x, yF, yB, s, w, b, rows, eps, oF, oB,
                                                     mean, rstd);
}

/// Rows of width 16·V: LayerNorm's input gradient, as generic::backwardRow computes it, then
/// generic::gradRow's sum with gs (when given) and its bf16 copy into gyB (when given), without
/// writing dx in between. dw and db (this task's shares) stay in registers across the rows.
template <int V>
TLEG_AVX512 void backwardRowsV(const float* x, const float* dyF, const uint16_t* dyB,
                               const float* w, int64_t rows, const float* mean, const float* rstd,
                               const float* gs, float* gx, uint16_t* gyB, float* dw, float* db)
{
    constexpr int64_t d = 16 * V;
    __m512 dwAcc[V], dbAcc[V], wv[V];
    for (int j = 0; j < V; ++j) {
        dwAcc[j] = _mm512_loadu_ps(dw + 16 * j);
        dbAcc[j] = _mm512_loadu_ps(db + 16 * j);
        wv[j] = _mm512_loadu_ps(w + 16 * j);
    }
    for (int64_t r = 0; r < rows; ++r) {
        const __m512 mv = _mm512_set1_ps(mean[r]), rv = _mm512_set1_ps(rstd[r]);
        __m512 xh[V], gw[V];
        __m512 sg = _mm512_setzero_ps(), sgx = _mm512_setzero_ps();
        for (int j = 0; j < V; ++j) {
            const int64_t at = r * d + 16 * j;
            const __m512 dy = dyB ? loadBf16x16(dyB + at) : _mm512_loadu_ps(dyF + at);
            xh[j] = _mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(x + at), mv), rv);
            dwAcc[j] = _mm512_fmadd_ps(dy, xh[j], dwAcc[j]);
            dbAcc[j] = _mm512_add_ps(dy, dbAcc[j]);
            gw[j] = _mm512_mul_ps(dy, wv[j]);
            sg = _mm512_add_ps(sg, gw[j]);
            sgx = _mm512_fmadd_ps(gw[j], xh[j], sgx);
        }
        const __m512 a = _mm512_set1_ps(hsum(sg) / float(d));
        const __m512 c = _mm512_set1_ps(hsum(sgx) / float(d));
        for (int j = 0; j < V; ++j) {
            const int64_t at = r * d + 16 * j;
            __m512 g = _mm512_mul_ps(rv, _mm512_sub_ps(_mm512_sub_ps(gw[j], a),
                                                       _mm512_mul_ps(xh[j], c)));
            if (gs)
                g = _mm512_add_ps(g, _mm512_loadu_ps(gs + at));
            _mm512_storeu_ps(gx + at, g);
            if (gyB)
                storeBf16x16(gyB + at, g);
        }
    }
    for (int j = 0; j < V; ++j) {
        _mm512_storeu_ps(dw + 16 * j, dwAcc[j]);
        _mm512_storeu_ps(db + 16 * j, dbAcc[j]);
    }
}

/// backwardRowsV for the widths forwardRows takes; false (nothing done) for any other.
TLEG_AVX512 bool backwardRows(int64_t d, const float* x, const float* dyF, const uint16_t* dyB,
                              const float* w, int64_t rows, const float* mean, const float* rstd,
                              const float* gs, float* gx, uint16_t* gyB, float* dw, float* db)
{
    const auto run = [&](auto v) {
        backwardRowsV<decltype(v)::value>(x, dyF, dyB, w, rows, mean, rstd, gs, gx, gyB, dw, db);
        return true;
    };
    switch (d) {
    case 32: return run(std::integral_constant<int, 2>{});
    case 48: return run(std::integral_constant<int, 3>{});
    case 64: return run(std::integral_constant<int, 4>{});
    case 96: return run(std::integral_constant<int, 6>{});
    case 128: return run(std::integral_constant<int, 8>{});
    case 192: return run(std::integral_constant<int, 12>{});
    case 384: return run(std::integral_constant<int, 24>{});
    default: return false;
    }
}

#undef TLEG_AVX512

} // namespace avx512
#endif

namespace {

/// The AVX-512 rows exist for the common widths (avx512::forwardRows).
bool useAvx512()
{
#ifdef TLEG_HAVE_AVX2_LAYER_NORM
    return util::cpuHasAvx512();
#else
    return false;
#endif
}

/// The AVX2 rows need d to be a multiple of 8.
bool useAvx2(int64_t d)
{
#ifdef TLEG_HAVE_AVX2_LAYER_NORM
    return util::cpuHasAvx2() && d % 8 == 0;
#else
    return false;
#endif
}

/// Rows per task: enough work (~16k elements) that a task outweighs its scheduling.
int64_t grainFor(int64_t d)
{
    return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, d));
}

/// LayerNorm's backward over rows: gx (float) = the input gradient for dy (float or bf16),
/// plus gs when defined (a second path's gradient into the same input); dw and db summed. gy,
/// when given, receives gx rounded to bf16 as well.
void layerNormBackward(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& mean,
                       const torch::Tensor& rstd, const torch::Tensor& dyIn, torch::Tensor& gx,
                       torch::Tensor& dw, torch::Tensor& db, const torch::Tensor& gsIn = {},
                       torch::Tensor* gy = nullptr)
{
    const torch::Tensor dy = dyIn.contiguous();
    const bool dyBf16 = dy.scalar_type() == torch::kBFloat16;
    const torch::Tensor dyUse =
        dyBf16 || dy.scalar_type() == torch::kFloat ? dy : dy.to(torch::kFloat);
    const torch::Tensor gsUse = gsIn.defined() ? gsIn.to(torch::kFloat).contiguous() : gsIn;
    const int64_t d = x.size(-1), rows = x.numel() / std::max<int64_t>(1, d);
    gx = torch::empty_like(x);
    dw = torch::zeros({d}, x.options());
    db = torch::zeros({d}, x.options());
    if (gy)
        *gy = torch::empty(x.sizes(), x.options().dtype(torch::kBFloat16));
    const float* xs = x.data_ptr<float>();
    const float* ws = w.data_ptr<float>();
    const float* ms = mean.data_ptr<float>();
    const float* rs = rstd.data_ptr<float>();
    const float* dyF = dyBf16 ? nullptr : dyUse.data_ptr<float>();
    const auto* dyB =
        dyBf16 ? reinterpret_cast<const uint16_t*>(dyUse.data_ptr<at::BFloat16>()) : nullptr;
    const float* gss = gsUse.defined() ? gsUse.data_ptr<float>() : nullptr;
    float* gxs = gx.data_ptr<float>();
    auto* gyB = gy ? reinterpret_cast<uint16_t*>(gy->data_ptr<at::BFloat16>()) : nullptr;
    std::mutex sumLock;
    float* dws = dw.data_ptr<float>();
    float* dbs = db.data_ptr<float>();
    const bool avx = useAvx2(d), wide = useAvx512();
    at::parallel_for(0, rows, grainFor(d), [&](int64_t from, int64_t to) {
        // This task's share of dw and db, then one locked add (few tasks per call).
        std::vector<float> part(size_t(3 * d), 0.0f);
        float* pw = part.data();
        float* pb = pw + d;
        float* g = pb + d;
        const auto row = [&](auto* p, int64_t r) { return p ? p + r * d : nullptr; };
        bool done = false;
#ifdef TLEG_HAVE_AVX2_LAYER_NORM
        done = wide
               && avx512::backwardRows(d, xs + from * d, row(dyF, from), row(dyB, from), ws,
                                       to - from, ms + from, rs + from, row(gss, from),
                                       gxs + from * d, row(gyB, from), pw, pb);
#endif
        for (int64_t r = from; r < to && !done; ++r) {
#ifdef TLEG_HAVE_AVX2_LAYER_NORM
            if (avx) {
                avx2::backwardRow(xs + r * d, row(dyF, r), row(dyB, r), ws, d, ms[r], rs[r],
                                  gxs + r * d, pw, pb, g);
                if (gss || gyB)
                    avx2::gradRow(gxs + r * d, row(gss, r), gxs + r * d, row(gyB, r), d);
                continue;
            }
#endif
            generic::backwardRow(xs + r * d, row(dyF, r), row(dyB, r), ws, d, ms[r], rs[r],
                                 gxs + r * d, pw, pb, g);
            if (gss || gyB)
                generic::gradRow(gxs + r * d, row(gss, r), gxs + r * d, row(gyB, r), d);
        }
        const std::lock_guard<std::mutex> lock(sumLock);
        for (int64_t i = 0; i < d; ++i) {
            dws[i] += pw[i];
            dbs[i] += pb[i];
        }
    });
    (void)avx;
    (void)wide;
}

/// Rows [0, rows) of width d: s = x + y when y (yF or yB) is given, then the LayerNorm of s (of
/// x without y) into oF or oB, its statistics into mean / rstd.
void layerNormForward(const float* xs, const float* yF, const uint16_t* yB, float* ss,
                      const float* ws, const float* bs, int64_t rows, int64_t d, float eps,
                      float* oF, uint16_t* oB, float* ms, float* rs)
{
    const bool add = yF || yB;
    const bool avx = useAvx2(d), wide = useAvx512();
    at::parallel_for(0, rows, grainFor(d), [&](int64_t from, int64_t to) {
        const auto row = [&](auto* p, int64_t r) { return p ? p + r * d : nullptr; };
#ifdef TLEG_HAVE_AVX2_LAYER_NORM
        if (wide
            && avx512::forwardRows(d, xs + from * d, row(yF, from), row(yB, from), row(ss, from),
                                   ws, bs, to - from, eps, row(oF, from), row(oB, from), ms + from,
                                   rs + from))
            return;
#endif
        for (int64_t r = from; r < to; ++r) {
            const float* src = add ? ss + r * d : xs + r * d;
#ifdef TLEG_HAVE_AVX2_LAYER_NORM
            if (avx) {
                if (add)
                    avx2::addRow(xs + r * d, row(yF, r), row(yB, r), ss + r * d, d);
                avx2::forwardRow(src, ws, bs, d, eps, row(oF, r), row(oB, r), ms[r], rs[r]);
                continue;
            }
#endif
            if (add)
                generic::addRow(xs + r * d, row(yF, r), row(yB, r), ss + r * d, d);
            generic::forwardRow(src, ws, bs, d, eps, row(oF, r), row(oB, r), ms[r], rs[r]);
        }
    });
    (void)avx;
    (void)wide;
}

class FusedLayerNormFn : public torch::autograd::Function<FusedLayerNormFn> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& in,
                                 const torch::Tensor& weight, const torch::Tensor& bias, double eps,
                                 bool bf16Out)
    {
        const torch::Tensor x = in.contiguous();
        const torch::Tensor w = weight.contiguous(), b = bias.contiguous();
        const int64_t d = x.size(-1), rows = x.numel() / std::max<int64_t>(1, d);
        auto y =
            torch::empty(x.sizes(), x.options().dtype(bf16Out ? torch::kBFloat16 : torch::kFloat));
        auto mean = torch::empty({rows}, x.options());
        auto rstd = torch::empty({rows}, x.options());
        const float* xs = x.data_ptr<float>();
        const float* ws = w.data_ptr<float>();
        const float* bs = b.data_ptr<float>();
        float* ms = mean.data_ptr<float>();
        float* rs = rstd.data_ptr<float>();
        float* yF = bf16Out ? nullptr : y.data_ptr<float>();
        auto* yB = bf16Out ? reinterpret_cast<uint16_t*>(y.data_ptr<at::BFloat16>()) : nullptr;
        layerNormForward(xs, nullptr, nullptr, nullptr, ws, bs, rows, d, static_cast<float>(eps),
                         yF, yB, ms, rs);
        ctx->save_for_backward({x, w, mean, rstd});
        return y;
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &x = saved[0], &w = saved[1], &mean = saved[2], &rstd = saved[3];
        torch::Tensor dx, dw, db;
        layerNormBackward(x, w, mean, rstd, grads[0], dx, dw, db);
        return {dx, dw, db, torch::Tensor(), torch::Tensor()};
    }
};

/// s = x + y and LayerNorm(s) in one pass per row (see fusedAddLayerNorm).
class FusedAddLayerNormFn : public torch::autograd::Function<FusedAddLayerNormFn> {
public:
    static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx,
                                                  const torch::Tensor& xIn, const torch::Tensor& yIn,
                                                  const torch::Tensor& weight,
                                                  const torch::Tensor& bias, double eps,
                                                  bool bf16Out)
    {
        const torch::Tensor x = xIn.contiguous(), y = yIn.contiguous();
        const torch::Tensor w = weight.contiguous(), b = bias.contiguous();
        const bool yBf16 = y.scalar_type() == torch::kBFloat16;
        const int64_t d = x.size(-1), rows = x.numel() / std::max<int64_t>(1, d);
        auto sum = torch::empty_like(x);
        auto out =
            torch::empty(x.sizes(), x.options().dtype(bf16Out ? torch::kBFloat16 : torch::kFloat));
        auto mean = torch::empty({rows}, x.options());
        auto rstd = torch::empty({rows}, x.options());
        const float* xs = x.data_ptr<float>();
        const float* yF = yBf16 ? nullptr : y.data_ptr<float>();
        const auto* yB =
            yBf16 ? reinterpret_cast<const uint16_t*>(y.data_ptr<at::BFloat16>()) : nullptr;
        const float* ws = w.data_ptr<float>();
        const float* bs = b.data_ptr<float>();
        float* ss = sum.data_ptr<float>();
        float* ms = mean.data_ptr<float>();
        float* rs = rstd.data_ptr<float>();
        float* oF = bf16Out ? nullptr : out.data_ptr<float>();
        auto* oB = bf16Out ? reinterpret_cast<uint16_t*>(out.data_ptr<at::BFloat16>()) : nullptr;
        layerNormForward(xs, yF, yB, ss, ws, bs, rows, d, static_cast<float>(eps), oF, oB, ms, rs);
        ctx->save_for_backward({sum, w, mean, rstd});
        ctx->saved_data["y_bf16"] = yBf16;
        return {sum, out};
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &s = saved[0], &w = saved[1], &mean = saved[2], &rstd = saved[3];
        const bool yBf16 = ctx->saved_data["y_bf16"].toBool();
        torch::Tensor gx, gy, dw, db;
        if (grads[1].defined()) {
            // The two paths' gradients meet here (s feeds the LayerNorm and the next residual):
            // summed in the same pass, and written as bf16 for a bf16 y on the way.
            layerNormBackward(s, w, mean, rstd, grads[1], gx, dw, db, grads[0],
                              yBf16 ? &gy : nullptr);
            return {gx, yBf16 ? gy : gx, dw, db, torch::Tensor(), torch::Tensor()};
        }
        // Only the residual path: its gradient passes through to both inputs.
        gx = grads[0].defined() ? grads[0].to(torch::kFloat).contiguous() : torch::zeros_like(s);
        dw = torch::zeros_like(w);
        db = torch::zeros_like(w);
        gy = yBf16 ? gx.to(torch::kBFloat16) : gx;
        return {gx, gy, dw, db, torch::Tensor(), torch::Tensor()};
    }
};

} // namespace

bool fusedAddLayerNormApplies(const torch::Tensor& x, const torch::Tensor& y,
                              const torch::Tensor& weight, const torch::Tensor& bias)
{
    return fusedLayerNormApplies(x, weight, bias) && y.device().is_cpu()
           && y.layout() == torch::kStrided && y.sizes() == x.sizes()
           && (y.scalar_type() == torch::kFloat || y.scalar_type() == torch::kBFloat16);
}

std::pair<torch::Tensor, torch::Tensor> fusedAddLayerNorm(const torch::Tensor& x,
                                                          const torch::Tensor& y,
                                                          const torch::Tensor& weight,
                                                          const torch::Tensor& bias, double eps,
                                                          bool bf16Out)
{
    auto r = FusedAddLayerNormFn::apply(x, y, weight, bias, eps, bf16Out);
    return {r[0], r[1]};
}

bool fusedLayerNormApplies(const torch::Tensor& x, const torch::Tensor& weight,
                           const torch::Tensor& bias)
{
    return x.device().is_cpu() && x.layout() == torch::kStrided && x.dim() >= 1
           && x.scalar_type() == torch::kFloat && weight.defined() && bias.defined()
           && weight.scalar_type() == torch::kFloat && bias.scalar_type() == torch::kFloat
           && weight.dim() == 1 && bias.dim() == 1 && weight.size(0) == x.size(-1)
           && bias.size(0) == x.size(-1) && weight.device().is_cpu();
}

torch::Tensor fusedLayerNorm(const torch::Tensor& x, const torch::Tensor& weight,
                             const torch::Tensor& bias, double eps, bool bf16Out)
{
    return FusedLayerNormFn::apply(x, weight, bias, eps, bf16Out);
}

} // namespace tleg::kernels
