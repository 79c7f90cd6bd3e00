// The TLEG loss (Eq. 5-6) against a computation by hand.
#include "train/loss.h"
#include "util/error.h"

#include "test_support.h"

#include <cmath>
#include <vector>

using namespace tleg::train;

namespace {

using Rows = std::vector<std::vector<double>>;

std::vector<double> softmax(const std::vector<double>& z, double tau)
{
    double m = -1e300, s = 0;
    for (double v : z)
        m = std::max(m, v / tau);
    std::vector<double> p;
    for (double v : z)
        s += std::exp(v / tau - m);
    for (double v : z)
        p.push_back(std::exp(v / tau - m) / s);
    return p;
}

torch::Tensor tensor(const Rows& rows)
{
    std::vector<float> flat;
    for (const auto& r : rows)
        flat.insert(flat.end(), r.begin(), r.end());
    return torch::tensor(flat).reshape({static_cast<int64_t>(rows.size()), -1});
}

const Rows kStudent = {{1.0, -0.5, 2.0}, {0.1, 0.3, -1.2}};
const Rows kTeacher = {{0.5, 0.5, 3.0}, {-1.0, 2.0, 0.0}};
const std::vector<int64_t> kLabels = {2, 0};

double handCe(double smoothing)
{
    double total = 0;
    for (size_t b = 0; b < kStudent.size(); ++b) {
        auto p = softmax(kStudent[b], 1.0);
        double uniform = 0;
        for (double v : p)
            uniform -= std::log(v) / static_cast<double>(p.size());
        total += (1 - smoothing) * -std::log(p[kLabels[b]]) + smoothing * uniform;
    }
    return total / kStudent.size();
}

double handKl(double tau)
{
    double total = 0;
    for (size_t b = 0; b < kStudent.size(); ++b) {
        auto ps = softmax(kStudent[b], tau), pt = softmax(kTeacher[b], tau);
        for (size_t k = 0; k < ps.size(); ++k)
            total += pt[k] * (std::log(pt[k]) - std::log(ps[k]));
    }
    return total; // summed over classes and batch
}

} // namespace

TEST(Loss, matchesHandComputation)
{
    const double lambda = 0.3, tau = 2.0;
    LossOptions o{lambda, tau, 0.0, false};
    const double got =
        tlegLoss(tensor(kStudent), tensor(kTeacher), torch::tensor(kLabels), o).item<double>();
    const double expected = (1 - lambda) * handCe(0.0) + lambda * tau * tau * handKl(tau) / 2.0;
    ASSERT_TRUE(std::abs(got - expected) < 1e-5) << got << " vs " << expected;
}

TEST(Loss, lambdaZeroIsCrossEntropy)
{
    LossOptions o{0.0, 4.0, 0.0, false};
    // The teacher is ignored: a wildly different one must not change anything.
    const double got = tlegLoss(tensor(kStudent), tensor(kTeacher) * 100, torch::tensor(kLabels), o)
                           .item<double>();
    ASSERT_TRUE(std::abs(got - handCe(0.0)) < 1e-6);
    // And no teacher is needed at all.
    ASSERT_TRUE(
        std::abs(
            tlegLoss(tensor(kStudent), torch::Tensor(), torch::tensor(kLabels), o).item<double>()
            - handCe(0.0))
        < 1e-6);
}

TEST(Loss, lambdaOneIsPureDistillation)
{
    LossOptions o{1.0, 3.0, 0.0, false};
    // Labels are ignored: different labels give the same loss.
    const double a =
        tlegLoss(tensor(kStudent), tensor(kTeacher), torch::tensor(kLabels), o).item<double>();
    const double b =
        tlegLoss(tensor(kStudent), tensor(kTeacher), torch::tensor(std::vector<int64_t>{1, 1}), o)
            .item<double>();
    ASSERT_FUZZY_EQ(a, b);
    ASSERT_TRUE(std::abs(a - 9.0 * handKl(3.0) / 2.0) < 1e-5);
    // Identical logits: zero.
    ASSERT_TRUE(
        std::abs(
            tlegLoss(tensor(kTeacher), tensor(kTeacher), torch::tensor(kLabels), o).item<double>())
        < 1e-7);
}

TEST(Loss, deitNormalisationDividesByBatchTimesClasses)
{
    const double perBatch =
        distillationLoss(tensor(kStudent), tensor(kTeacher), 2.0, false).item<double>();
    const double deit =
        distillationLoss(tensor(kStudent), tensor(kTeacher), 2.0, true).item<double>();
    ASSERT_TRUE(std::abs(deit - perBatch / 3.0) < 1e-6);
    ASSERT_TRUE(std::abs(deit - 4.0 * handKl(2.0) / 6.0) < 1e-6);
}

TEST(Loss, labelSmoothingMatchesHandComputation)
{
    const double got = crossEntropy(tensor(kStudent), torch::tensor(kLabels), 0.1).item<double>();
    ASSERT_TRUE(std::abs(got - handCe(0.1)) < 1e-6);
}

TEST(Loss, gradientFlowsOnlyIntoTheStudent)
{
    auto s = tensor(kStudent).requires_grad_(true);
    auto t = tensor(kTeacher).requires_grad_(true);
    tlegLoss(s, t, torch::tensor(kLabels), LossOptions{0.5, 1.0, 0.0, false}).backward();
    ASSERT_TRUE(s.grad().defined() && s.grad().abs().sum().item<double>() > 0);
    ASSERT_TRUE(!t.grad().defined());
}

TEST(Loss, rejectsBadSettings)
{
    auto s = tensor(kStudent), t = tensor(kTeacher), y = torch::tensor(kLabels);
    ASSERT_THROW(tlegLoss(s, t, y, LossOptions{1.5, 1.0, 0.0, false}), tleg::Error);
    ASSERT_THROW(tlegLoss(s, t, y, LossOptions{0.5, 0.0, 0.0, false}), tleg::Error);
    ASSERT_THROW(tlegLoss(s, torch::Tensor(), y, LossOptions{0.5, 1.0, 0.0, false}), tleg::Error);
}
