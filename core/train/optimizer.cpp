#include "train/optimizer.h"

#include "util/error.h"

#include <cmath>

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
                           && n.find("cls_token") == std::string::npos;
        m_slots.push_back({n, item.value(), torch::zeros_like(item.value()),
                           torch::zeros_like(item.value()), decay});
    }
}

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
        if (s.decay && m_options.weightDecay > 0.0)
            s.param.mul_(1.0 - lr * m_options.weightDecay);
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
    std::vector<torch::Tensor> norms;
    for (auto& s : m_slots)
        if (s.param.grad().defined())
            norms.push_back(s.param.grad().norm().unsqueeze(0));
    if (norms.empty())
        return 0.0;
    const double total = torch::cat(norms).norm().item<double>();
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
    for (auto& s : m_slots) {
        s.expAvg.copy_(file.tensor("optim.exp_avg." + s.name));
        s.expAvgSq.copy_(file.tensor("optim.exp_avg_sq." + s.name));
    }
    m_step = file.tensor("optim.step").item<int64_t>();
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
