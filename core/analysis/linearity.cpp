#include "analysis/linearity.h"

#include "util/error.h"

#include <ATen/Parallel.h>

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <tuple>
#include <utility>
#include <vector>

namespace tleg::analysis {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Columns converted to double and centred at a time: L rows of this stay in L1/L2 cache.
constexpr int64_t kTileColumns = 1024;
// Columns per independent partial sum. Fixed, so that the summation order (and thus every bit
// of the result) does not depend on how many threads run.
constexpr int64_t kSegmentColumns = 1 << 16;

using RowMatrixXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Moments of one column segment: centred Gram, d_i = m·(x_i − m) and m·m (m: the mean row).
/// The raw Gram follows as x_i·x_j = Gc_ij + d_i + d_j + m·m. Centring column by column
/// before multiplying avoids the cancellation of forming X Xᵀ first and centring afterwards,
/// which would lose the small layer-to-layer changes of, e.g., LayerNorm γ ≈ 1.
struct Partial {
    Eigen::MatrixXd centred;
    Eigen::VectorXd meanDot;
    double meanSquared = 0;
};

struct Job {
    size_t kind;
    int64_t begin, end;
};

Partial accumulate(const std::vector<const float*>& rows, int64_t begin, int64_t end)
{
    const auto layers = static_cast<Eigen::Index>(rows.size());
    Partial p{Eigen::MatrixXd::Zero(layers, layers), Eigen::VectorXd::Zero(layers), 0.0};
    RowMatrixXd tile(layers, kTileColumns);
    for (int64_t c0 = begin; c0 < end; c0 += kTileColumns) {
        const auto n = static_cast<Eigen::Index>(std::min(kTileColumns, end - c0));
        auto block = tile.leftCols(n);
        for (Eigen::Index l = 0; l < layers; ++l)
            block.row(l) = Eigen::Map<const Eigen::RowVectorXf>(rows[l] + c0, n).cast<double>();
        const Eigen::RowVectorXd mean = block.colwise().mean();
        block.rowwise() -= mean;
        p.meanDot.noalias() += block * mean.transpose();
        p.meanSquared += mean.squaredNorm();
        p.centred.selfadjointView<Eigen::Lower>().rankUpdate(block);
    }
    return p;
}

/// Grams of several kinds at once, so that the threads share out all the work evenly.
std::vector<GramMatrices> gramsOf(const std::vector<std::vector<const float*>>& rows,
                                  const std::vector<int64_t>& lengths)
{
    std::vector<Job> jobs;
    for (size_t k = 0; k < rows.size(); ++k)
        for (int64_t b = 0; b < lengths[k]; b += kSegmentColumns)
            jobs.push_back({k, b, std::min(lengths[k], b + kSegmentColumns)});
    std::vector<Partial> partials(jobs.size());
    at::parallel_for(0, static_cast<int64_t>(jobs.size()), 1, [&](int64_t first, int64_t last) {
        for (int64_t j = first; j < last; ++j)
            partials[j] = accumulate(rows[jobs[j].kind], jobs[j].begin, jobs[j].end);
    });

    std::vector<GramMatrices> out(rows.size());
    std::vector<Partial> sums(rows.size());
    for (size_t k = 0; k < rows.size(); ++k) {
        const auto layers = static_cast<Eigen::Index>(rows[k].size());
        sums[k] = {Eigen::MatrixXd::Zero(layers, layers), Eigen::VectorXd::Zero(layers), 0.0};
    }
    for (size_t j = 0; j < jobs.size(); ++j) { // in job order: deterministic
        Partial& s = sums[jobs[j].kind];
        s.centred += partials[j].centred;
        s.meanDot += partials[j].meanDot;
        s.meanSquared += partials[j].meanSquared;
    }
    for (size_t k = 0; k < rows.size(); ++k) {
        const Partial& s = sums[k];
        const auto layers = s.centred.rows();
        GramMatrices& g = out[k];
        g.params = lengths[k];
        g.centred = s.centred.selfadjointView<Eigen::Lower>();
        const Eigen::VectorXd ones = Eigen::VectorXd::Ones(layers);
        g.raw = g.centred + s.meanDot * ones.transpose() + ones * s.meanDot.transpose();
        g.raw.array() += s.meanSquared;
    }
    return out;
}

/// t_l = l − (L−1)/2: the layer index, centred.
Eigen::VectorXd centredIndex(Eigen::Index layers)
{
    Eigen::VectorXd t(layers);
    for (Eigen::Index l = 0; l < layers; ++l)
        t(l) = double(l) - double(layers - 1) / 2.0;
    return t;
}

} // namespace

GramMatrices& GramMatrices::operator+=(const GramMatrices& other)
{
    if (params == 0) {
        *this = other;
        return *this;
    }
    if (centred.rows() != other.centred.rows())
        throw Error("cannot add Gram matrices of different layer counts");
    centred += other.centred;
    raw += other.raw;
    params += other.params;
    return *this;
}

GramMatrices gramOf(const std::vector<const float*>& rows, int64_t length)
{
    return gramsOf({rows}, {length}).front();
}

GramMatrices gramOf(const Eigen::Ref<const RowMatrixXf>& x)
{
    std::vector<const float*> rows;
    for (Eigen::Index l = 0; l < x.rows(); ++l)
        rows.push_back(x.row(l).data());
    return gramOf(rows, x.cols());
}

GramPca gramPca(const Eigen::MatrixXd& centredGram)
{
    const auto layers = centredGram.rows();
    GramPca pca;
    pca.eigenvalues = Eigen::VectorXd::Zero(layers);
    pca.scores = Eigen::MatrixXd::Zero(layers, layers);
    if (layers == 0)
        return pca;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(centredGram);
    const Eigen::VectorXd t = centredIndex(layers);
    for (Eigen::Index k = 0; k < layers; ++k) {
        const Eigen::Index src = layers - 1 - k; // the solver sorts ascending
        const double lambda = std::max(0.0, solver.eigenvalues()(src));
        Eigen::VectorXd s = std::sqrt(lambda) * solver.eigenvectors().col(src);
        const double corr = t.dot(s);
        Eigen::Index largest = 0;
        s.cwiseAbs().maxCoeff(&largest);
        const bool flip = std::abs(corr) > 1e-12 * t.norm() * s.norm() ? corr < 0 : s(largest) < 0;
        pca.eigenvalues(k) = lambda;
        pca.scores.col(k) = flip ? Eigen::VectorXd(-s) : s;
    }
    return pca;
}

namespace {

/// R² of a least-squares line through s against its index.
double r2AgainstIndex(const Eigen::VectorXd& s, const Eigen::VectorXd& centredT, double tt)
{
    const Eigen::VectorXd c = s.array() - s.mean();
    const double ss = c.squaredNorm();
    const double st = centredT.dot(c);
    return ss > 0 ? st * st / (tt * ss) : 0.0;
}

/// {mean R², share of orders with R² ≥ observed} over shuffled orders of the scores: every
/// order up to 8 layers (8! = 40,320), else 20,000 orders from a fixed seed.
std::pair<double, double> shuffledR2(const Eigen::VectorXd& scores, double observed)
{
    const Eigen::Index n = scores.size();
    const Eigen::VectorXd t = centredIndex(n);
    const double tt = t.squaredNorm();
    std::vector<Eigen::Index> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), Eigen::Index(0));
    Eigen::VectorXd shuffled(n);
    double sum = 0;
    int64_t count = 0, atLeast = 0;
    // A tiny slack: the identity order must count as "at least" the observed R².
    const double bar = observed - 1e-12 * std::max(1.0, std::abs(observed));
    auto visit = [&] {
        for (Eigen::Index i = 0; i < n; ++i)
            shuffled(i) = scores(order[static_cast<size_t>(i)]);
        const double r2 = r2AgainstIndex(shuffled, t, tt);
        sum += r2;
        atLeast += r2 >= bar;
        ++count;
    };
    if (n <= 8) {
        do
            visit();
        while (std::next_permutation(order.begin(), order.end()));
    } else {
        std::mt19937_64 rng(20261201);
        for (int i = 0; i < 20000; ++i) {
            std::shuffle(order.begin(), order.end(), rng);
            visit();
        }
    }
    return {sum / double(count), double(atLeast) / double(count)};
}

} // namespace

KindLinearity analyseGram(const GramMatrices& gram, const std::string& kind)
{
    KindLinearity r;
    r.kind = kind;
    const Eigen::Index layers = gram.centred.rows();
    r.layers = layers;
    r.params = gram.params;
    for (Eigen::Index l = 0; l < layers; ++l)
        r.norms.push_back(std::sqrt(std::max(0.0, gram.raw(l, l))));
    double cosSum = 0;
    for (Eigen::Index l = 0; l + 1 < layers; ++l) {
        const double denom = r.norms[l] * r.norms[l + 1];
        r.cosNext.push_back(denom > 0 ? gram.raw(l, l + 1) / denom : kNaN);
        cosSum += r.cosNext.back();
    }
    r.meanAdjacentCosine = layers > 1 ? cosSum / double(layers - 1) : kNaN;

    const GramPca pca = gramPca(gram.centred);
    const double total = pca.eigenvalues.sum();
    r.pc1.assign(layers, 0.0);
    r.pc2.assign(layers, 0.0);
    for (Eigen::Index l = 0; l < layers; ++l) {
        r.pc1[l] = pca.scores(l, 0);
        if (layers > 1)
            r.pc2[l] = pca.scores(l, 1);
    }
    const bool noVariation = !(total > 1e-20 * gram.raw.trace());
    r.explained1 = noVariation || layers < 1 ? kNaN : pca.eigenvalues(0) / total;
    r.explained2 = noVariation || layers < 2 ? kNaN : pca.eigenvalues(1) / total;

    r.slope = r.intercept = r.r2 = r.residual = r.residualOfNorm = kNaN;
    r.r2Chance = r.r2PValue = kNaN;
    if (layers >= 2) {
        const Eigen::VectorXd t = centredIndex(layers);
        const Eigen::VectorXd s = pca.scores.col(0);
        const double tt = t.squaredNorm();
        r.slope = t.dot(s) / tt;
        r.intercept = s.mean() - r.slope * double(layers - 1) / 2.0;
        const Eigen::VectorXd fitted =
            Eigen::VectorXd::Constant(layers, r.intercept)
            + r.slope * Eigen::VectorXd::LinSpaced(layers, 0.0, double(layers - 1));
        const double ssRes = (s - fitted).squaredNorm();
        const double ssTot = (s.array() - s.mean()).matrix().squaredNorm();
        // With c_l = l/L affine in l, span{1, c} = span{1, t}: the residual of the best
        // B + c_l·A is what is left of the centred rows after projecting out t.
        const double traceCentred = gram.centred.trace();
        const double residualTrace = std::max(0.0, traceCentred - t.dot(gram.centred * t) / tt);
        const double traceRaw = gram.raw.trace();
        r.residualOfNorm = traceRaw > 0 ? std::sqrt(residualTrace / traceRaw) : kNaN;
        if (layers < 3) {
            r.note = "fewer than 3 blocks: a line through 2 points is always exact, so R² and "
                     "the residual are undefined";
            r.residualOfNorm = kNaN;
        } else if (noVariation || !(ssTot > 0)) {
            r.note = "all layers are identical: there is no variation to explain";
            r.residualOfNorm = 0.0;
        } else {
            r.r2 = 1.0 - ssRes / ssTot;
            r.residual = std::sqrt(residualTrace / traceCentred);
            std::tie(r.r2Chance, r.r2PValue) = shuffledR2(s, r.r2);
        }
    } else {
        r.note = "a single block: nothing to compare across depth";
    }
    return r;
}

ModelLinearity analyseLinearity(const LayerWeights& weights, const std::vector<std::string>& kinds)
{
    ModelLinearity m;
    m.path = weights.path;
    m.description = weights.description;
    m.blockIndices = weights.blockIndices;
    m.totalParameters = weights.totalParameters;
    m.blockParameters = weights.blockParameters();
    m.ignored = weights.ignored;

    bool wholeBlock = kinds.empty();
    std::vector<std::string> wanted;
    for (const auto& k : kinds) {
        if (k == kWholeBlock) {
            wholeBlock = true;
        } else if (std::find(weights.kinds.begin(), weights.kinds.end(), k)
                   == weights.kinds.end()) {
            std::string have;
            for (const auto& known : weights.kinds)
                have += known + ", ";
            throw fileError(weights.path, "has no parameter kind '" + k + "' (it has: " + have
                                              + kWholeBlock + ")");
        }
    }
    // The whole block needs every kind's Gram; a few chosen kinds need only theirs.
    std::vector<std::string> computed;
    for (const auto& k : weights.kinds)
        if (kinds.empty() || wholeBlock || std::find(kinds.begin(), kinds.end(), k) != kinds.end())
            computed.push_back(k);
    for (const auto& k : weights.kinds)
        if (kinds.empty() || std::find(kinds.begin(), kinds.end(), k) != kinds.end())
            wanted.push_back(k);

    std::vector<std::vector<const float*>> rows;
    std::vector<int64_t> lengths;
    for (const auto& k : computed) {
        std::vector<const float*> ptrs;
        for (const auto& t : weights.tensors.at(k))
            ptrs.push_back(t.data_ptr<float>());
        rows.push_back(std::move(ptrs));
        lengths.push_back(weights.kindParameters(k));
    }
    const std::vector<GramMatrices> grams = gramsOf(rows, lengths);
    GramMatrices block;
    for (size_t i = 0; i < computed.size(); ++i) {
        block += grams[i];
        if (std::find(wanted.begin(), wanted.end(), computed[i]) != wanted.end())
            m.kinds.push_back(analyseGram(grams[i], computed[i]));
    }
    if (wholeBlock && !computed.empty())
        m.kinds.push_back(analyseGram(block, kWholeBlock));
    return m;
}

} // namespace tleg::analysis
