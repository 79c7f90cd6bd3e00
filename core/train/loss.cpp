#include "train/loss.h"

#include "util/error.h"

namespace tleg::train {

torch::Tensor crossEntropy(const torch::Tensor& logits, const torch::Tensor& labels,
                           double labelSmoothing)
{
    auto logp = torch::log_softmax(logits.to(torch::kFloat), 1);
    auto nll = -logp.gather(1, labels.unsqueeze(1)).squeeze(1);
    if (labelSmoothing <= 0.0)
        return nll.mean();
    auto uniform = -logp.mean(1);
    return ((1.0 - labelSmoothing) * nll + labelSmoothing * uniform).mean();
}

torch::Tensor distillationLoss(const torch::Tensor& student, const torch::Tensor& teacher,
                               double tau, bool deitNormalisation)
{
    auto logPs = torch::log_softmax(student.to(torch::kFloat) / tau, 1);
    auto logPt = torch::log_softmax(teacher.to(torch::kFloat).detach() / tau, 1);
    auto kl = (logPt.exp() * (logPt - logPs)).sum();
    const double denom = deitNormalisation ? static_cast<double>(student.numel())
                                           : static_cast<double>(student.size(0));
    return kl * (tau * tau / denom);
}

torch::Tensor tlegLoss(const torch::Tensor& student, const torch::Tensor& teacher,
                       const torch::Tensor& labels, const LossOptions& o)
{
    if (o.lambda < 0.0 || o.lambda > 1.0)
        throw Error("lambda must be in [0, 1], got " + std::to_string(o.lambda));
    if (o.tau <= 0.0)
        throw Error("tau must be positive, got " + std::to_string(o.tau));
    if (o.lambda == 0.0)
        return crossEntropy(student, labels, o.labelSmoothing);
    if (!teacher.defined())
        throw Error("distillation (lambda > 0) needs a teacher");
    auto kd = distillationLoss(student, teacher, o.tau, o.deitNormalisation);
    if (o.lambda == 1.0)
        return kd;
    return (1.0 - o.lambda) * crossEntropy(student, labels, o.labelSmoothing) + o.lambda * kd;
}

} // namespace tleg::train
