#include "util/simd_support.h" // first: GCC's AVX-512 warnings are off from here
#include "train/optimizer.h"

#include "util/error.h"

#include <cmath>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TLEG_HAVE_AVX512_ADAMW 1
#endif

namespace tleg::train {

AdamW::AdamW(const torch::OrderedDict<std::string, torch::Tensor>& params, AdamWOptions options)
    : m_options(options)
{
    for (const auto& item : params) {
        if (!item.value().requires_grad())
            continue;
        const std::string& n = item.key();
        // As in timm/DeiT: no decay for biases, norms, tokens and position embeddings.
        const bool decay = item.value().dim() >= 2 && n.find("pos_embed") == std::string::npos
                           && n.find("cls_token") == std::string::npos
                           && n.find("dist_token") == std::string::npos;
        m_slots.push_back({n, item.value(), torch::zeros_like(item.value()),
                           torch::zeros_like(item.value()), decay});
    }
}

namespace {

/// One float32 CPU tensor's update as a single pass over its elements: the same arithmetic as
/// the tensor ops below, without the nine dispatches per parameter (a third of a millisecond
/// per step for a small ViT's thirty-odd tensors).
bool rawFloat(const torch::Tensor& t)
{
    return t.device().is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous();
}

#ifdef TLEG_HAVE_AVX512_ADAMW
/// adamWRaw's loop 16 elements at a time; returns how many it did. The same operations in the
/// same order, each rounded once (no fused multiply-adds; vector square root and division are
/// correctly rounded, as the scalar ones), so every element comes out bit for bit as in the
/// scalar loop, whichever path a machine takes.
TLEG_SEPARATE_ROUNDING __attribute__((target("avx512f"))) int64_t
adamWAvx512(float* p, const float* g, float* m, float* v, int64_t n, float decay, float b1,
            float b2, float bc2, float eps, float stepSize)
{
    const __m512 vb1 = _mm512_set1_ps(b1), va1 = _mm512_set1_ps(1.0f - b1);
    const __m512 vb2 = _mm512_set1_ps(b2), va2 = _mm512_set1_ps(1.0f - b2);
    const __m512 vbc2 = _mm512_set1_ps(bc2), veps = _mm512_set1_ps(eps);
    const __m512 vdecay = _mm512_set1_ps(decay), vstep = _mm512_set1_ps(stepSize);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 gi = _mm512_loadu_ps(g + i);
        const __m512 mi = _mm512_add_ps(_mm512_mul_ps(_mm512_loadu_ps(m + i), vb1),
                                        _mm512_mul_ps(gi, va1));
        const __m512 vi = _mm512_add_ps(_mm512_mul_ps(_mm512_loadu_ps(v + i), vb2),
                                        _mm512_mul_ps(_mm512_mul_ps(gi, gi), va2));
        _mm512_storeu_ps(m + i, mi);
        _mm512_storeu_ps(v + i, vi);
        const __m512 denom = _mm512_add_ps(_mm512_sqrt_ps(_mm512_div_ps(vi, vbc2)), veps);
        _mm512_storeu_ps(p + i, _mm512_sub_ps(_mm512_mul_ps(_mm512_loadu_ps(p + i), vdecay),
                                              _mm512_div_ps(_mm512_mul_ps(vstep, mi), denom)));
    }
    return i;
}
#endif

void adamWRaw(float* p, const float* g, float* m, float* v, int64_t n, float decay, float b1,
              float b2, float bc2, float eps, float stepSize)
{
    int64_t i = 0;
#ifdef TLEG_HAVE_AVX512_ADAMW
    if (util::cpuHasAvx512())
        i = adamWAvx512(p, g, m, v, n, decay, b1, b2, bc2, eps, stepSize);
#endif
    for (; i < n; ++i) {
        const float gi = g[i];
        const float mi = m[i] * b1 + gi * (1.0f - b1);
        const float vi = v[i] * b2 + gi * gi * (1.0f - b2);
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] * decay - stepSize * mi / (std::sqrt(vi / bc2) + eps);
    }
}

} // namespace

void AdamW::step(double lr)
{
    torch::NoGradGuard guard;
    ++m_step;
    const double b1 = m_options.beta1, b2 = m_options.beta2;
    const double bc1 = 1.0 - std::pow(b1, static_cast<double>(m_step));
    const double bc2 = 1.0 - std::pow(b2, static_cast<double>(m_step));
    for (auto& s : m_slots) {
        const auto& g = s.param.grad();
        if (!g.defined())
            continue;
        const double decay =
            s.decay && m_options.weightDecay > 0.0 ? 1.0 - lr * m_options.weightDecay : 1.0;
        if (rawFloat(s.param) && rawFloat(g) && rawFloat(s.expAvg) && rawFloat(s.expAvgSq)) {
            adamWRaw(s.param.data_ptr<float>(), g.data_ptr<float>(), s.expAvg.data_ptr<float>(),
                     s.expAvgSq.data_ptr<float>(), s.param.numel(), float(decay), float(b1),
                     float(b2), float(bc2), float(m_options.eps), float(lr / bc1));
            continue;
        }
        if (decay != 1.0)
            s.param.mul_(decay);
        s.expAvg.mul_(b1).add_(g, 1.0 - b1);
        s.expAvgSq.mul_(b2).addcmul_(g, g, 1.0 - b2);
        auto denom = (s.expAvgSq / bc2).sqrt_().add_(m_options.eps);
        s.param.addcdiv_(s.expAvg, denom, -lr / bc1);
    }
}

void AdamW::zeroGrad()
{
    for (auto& s : m_slots)
        if (s.param.grad().defined())
            s.param.mutable_grad().zero_();
}

double AdamW::clipGradNorm(double maxNorm)
{
    torch::NoGradGuard guard;
    double sumSq = 0.0;
    bool any = false;
    for (auto& s : m_slots) {
        const auto& g = s.param.grad();
        if (!g.defined())
            continue;
        any = true;
        if (rawFloat(g)) {
            const float* d = g.data_ptr<float>();
            float lanes[8] = {}; // eight sums: vectorisable without reassociation
            const int64_t n = g.numel();
            int64_t i = 0;
            for (; i + 8 <= n; i += 8)
                for (int k = 0; k < 8; ++k)
                    lanes[k] += d[i + k] * d[i + k];
            double part = 0.0;
            for (; i < n; ++i)
                part += double(d[i]) * d[i];
            for (float l : lanes)
                part += l;
            sumSq += part;
        } else {
            sumSq += std::pow(g.norm().item<double>(), 2);
        }
    }
    if (!any)
        return 0.0;
    const double total = std::sqrt(sumSq);
    if (maxNorm > 0.0 && total > maxNorm) {
        const double scale = maxNorm / (total + 1e-6);
        for (auto& s : m_slots)
            if (s.param.grad().defined())
                s.param.mutable_grad().mul_(scale);
    }
    return total;
}

io::NamedTensors AdamW::state() const
{
    io::NamedTensors out;
    for (const auto& s : m_slots) {
        out.emplace_back("optim.exp_avg." + s.name, s.expAvg);
        out.emplace_back("optim.exp_avg_sq." + s.name, s.expAvgSq);
    }
    out.emplace_back("optim.step", torch::tensor({m_step}, torch::kLong));
    return out;
}

void AdamW::loadState(const io::SafetensorsFile& file)
{
    torch::NoGradGuard guard;
    // Exact shapes: copy_ would broadcast a forged [1] into a whole moment tensor.
    auto exactly = [&file](const std::string& name, const torch::Tensor& like) {
        const torch::Tensor& t = file.tensor(name);
        if (t.sizes() != like.sizes())
            throw fileError(file.path, "optimizer state '" + name + "' has " +
                                           std::to_string(t.numel()) +
                                           " elements in another shape than its parameter");
        if (!t.is_floating_point())
            throw fileError(file.path, "optimizer state '" + name + "' is not floating point");
        return t;
    };
    for (auto& s : m_slots) {
        s.expAvg.copy_(exactly("optim.exp_avg." + s.name, s.expAvg));
        s.expAvgSq.copy_(exactly("optim.exp_avg_sq." + s.name, s.expAvgSq));
    }
    const torch::Tensor& step = file.tensor("optim.step");
    if (step.numel() != 1 || step.is_floating_point())
        throw fileError(file.path, "optimizer state 'optim.step' is not one integer");
    m_step = step.item<int64_t>();
    if (m_step < 0)
        throw fileError(file.path, "optimizer state 'optim.step' is negative");
}

double cosineLr(int64_t step, int64_t total, int64_t warmup, double baseLr, double minLr)
{
    if (warmup > 0 && step < warmup)
        return baseLr * static_cast<double>(step + 1) / static_cast<double>(warmup);
    const double span = std::max<int64_t>(1, total - warmup);
    const double t = std::min(1.0, static_cast<double>(step - warmup) / span);
    return minLr + 0.5 * (baseLr - minLr) * (1.0 + std::cos(M_PI * t));
}

} // namespace tleg::train
