// Weight linearity: the Gram-matrix PCA agrees with a direct SVD, an expanded model is exactly
// linear (R² = 1, residual 0), a shuffled one is not, and the results do not depend on threads.
#include "analysis/layer_weights.h"
#include "analysis/linearity.h"
#include "model/des_net.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "tiny_models.h"

#include <ATen/Parallel.h>

#include <Eigen/SVD>

#include "test_support.h"

#include <cmath>

using namespace tleg;
using namespace tleg::analysis;

namespace {

using RowMatrixXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// A Des-Net of `depth` blocks expanded from a learngene whose every tensor is random.
model::ViT expandedModel(int64_t depth, uint64_t seed)
{
    model::AuxNet aux(tleg::testing::tinyConfig(4), model::AuxOptions{});
    tleg::testing::randomize(*aux, seed);
    model::ExpandOptions o;
    o.depth = depth;
    return model::expand(model::Learngene::fromAuxNet(*aux), o);
}

RowMatrixXf randomRows(int64_t layers, int64_t params, uint64_t seed, float offset = 0.0f)
{
    torch::manual_seed(seed);
    torch::Tensor t = torch::randn({layers, params}) + offset;
    return Eigen::Map<const RowMatrixXf>(t.data_ptr<float>(), layers, params);
}

const KindLinearity& find(const ModelLinearity& m, const std::string& kind)
{
    for (const auto& k : m.kinds)
        if (k.kind == kind)
            return k;
    throw std::runtime_error("no kind " + kind);
}

} // namespace

TEST(Linearity, gramPcaMatchesDirectSvd)
{
    for (const auto& [layers, params] : {std::pair<int64_t, int64_t>{5, 7},
                                         {8, 300},
                                         {12, 2500},
                                         {6, 70000}}) { // crosses tile and segment bounds
        const RowMatrixXf x = randomRows(layers, params, uint64_t(layers * params));
        const GramMatrices g = gramOf(x);
        const RowMatrixXd xd = x.cast<double>();
        const RowMatrixXd xc = xd.rowwise() - xd.colwise().mean();
        const double scale = (xd * xd.transpose()).norm();
        ASSERT_TRUE(((xd * xd.transpose()) - g.raw).norm() < 1e-12 * scale);
        ASSERT_TRUE(((xc * xc.transpose()) - g.centred).norm() < 1e-12 * scale);
        ASSERT_EQ(g.params, params);

        const GramPca pca = gramPca(g.centred);
        Eigen::JacobiSVD<Eigen::MatrixXd> svd(Eigen::MatrixXd(xc), Eigen::ComputeThinU);
        const Eigen::VectorXd sigma = svd.singularValues();
        const double total = sigma.squaredNorm();
        // Centring removes one dimension: with P ≥ L, L−1 components carry the variance.
        const Eigen::VectorXd t = Eigen::VectorXd::LinSpaced(layers, 0, double(layers - 1));
        const Eigen::VectorXd tc = t.array() - t.mean();
        for (Eigen::Index k = 0; k < std::min<Eigen::Index>(layers - 1, params); ++k) {
            ASSERT_TRUE(std::abs(pca.eigenvalues(k) - sigma(k) * sigma(k)) < 1e-9 * total);
            Eigen::VectorXd direct = svd.matrixU().col(k) * sigma(k);
            if (direct.dot(pca.scores.col(k)) < 0)
                direct = -direct;
            ASSERT_TRUE((direct - pca.scores.col(k)).norm() < 1e-7 * std::sqrt(total))
                << "component " << k << " of " << layers << "x" << params;
            // The documented sign convention: scores rise with depth.
            ASSERT_TRUE(pca.scores.col(k).dot(tc) >= -1e-9 * std::sqrt(total) * layers);
        }
        const KindLinearity r = analyseGram(g, "random");
        ASSERT_TRUE(std::abs(r.explained1 - sigma(0) * sigma(0) / total) < 1e-9);
        ASSERT_TRUE(std::abs(r.explained2 - sigma(1) * sigma(1) / total) < 1e-9);
    }
}

TEST(Linearity, centringSurvivesALargeMean)
{
    // LayerNorm γ ≈ 1 with small changes across layers: the centred Gram must keep them.
    const RowMatrixXf x = randomRows(6, 3000, 7, 1000.0f);
    const GramMatrices g = gramOf(x);
    const RowMatrixXd xd = x.cast<double>();
    const RowMatrixXd xc = xd.rowwise() - xd.colwise().mean();
    const Eigen::MatrixXd direct = xc * xc.transpose();
    ASSERT_TRUE((direct - g.centred).norm() < 1e-10 * direct.norm());
}

TEST(Linearity, residualNormsAndCosinesMatchDirectFormulas)
{
    const int64_t layers = 7, params = 500;
    const RowMatrixXf x = randomRows(layers, params, 11);
    const KindLinearity r = analyseGram(gramOf(x), "random");
    const RowMatrixXd xd = x.cast<double>();
    // Least squares of every column on [1, c_l], c_l = l/L.
    Eigen::MatrixXd design(layers, 2);
    for (int64_t l = 0; l < layers; ++l)
        design.row(l) << 1.0, double(l) / double(layers);
    const Eigen::MatrixXd coef = design.colPivHouseholderQr().solve(Eigen::MatrixXd(xd));
    const double residual = (xd - design * coef).norm();
    const RowMatrixXd xc = xd.rowwise() - xd.colwise().mean();
    ASSERT_TRUE(std::abs(r.residual - residual / xc.norm()) < 1e-9);
    ASSERT_TRUE(std::abs(r.residualOfNorm - residual / xd.norm()) < 1e-9);
    ASSERT_TRUE(r.residual > 0.5); // random rows have no linear trend to speak of
    ASSERT_EQ(int64_t(r.norms.size()), layers);
    ASSERT_EQ(int64_t(r.cosNext.size()), layers - 1);
    double cosSum = 0;
    for (int64_t l = 0; l < layers; ++l) {
        ASSERT_TRUE(std::abs(r.norms[l] - xd.row(l).norm()) < 1e-9 * xd.row(l).norm());
        if (l + 1 < layers) {
            const double c =
                xd.row(l).dot(xd.row(l + 1)) / (xd.row(l).norm() * xd.row(l + 1).norm());
            ASSERT_TRUE(std::abs(r.cosNext[l] - c) < 1e-9);
            cosSum += c;
        }
    }
    ASSERT_TRUE(std::abs(r.meanAdjacentCosine - cosSum / double(layers - 1)) < 1e-9);
    // R² from the direct line fit of PC1 scores.
    Eigen::VectorXd s(layers);
    for (int64_t l = 0; l < layers; ++l)
        s(l) = r.pc1[l];
    const Eigen::VectorXd fit = (design * design.colPivHouseholderQr().solve(s)).eval();
    const double r2 = 1.0 - (s - fit).squaredNorm() / (s.array() - s.mean()).square().sum();
    ASSERT_TRUE(std::abs(r.r2 - r2) < 1e-9);
}

TEST(Linearity, expandedModelIsExactlyLinear)
{
    tleg::testing::TempDir dir;
    const std::string path = dir.filePath("des-8.safetensors");
    model::ViT des = expandedModel(8, 1);
    model::saveClassifier(path, *des);
    const ModelLinearity m = analyseLinearity(loadLayerWeights(path));
    ASSERT_EQ(int(m.kinds.size()), model::kBlockParamCount + 1);
    ASSERT_EQ(m.kinds.back().kind, std::string(kWholeBlock));
    ASSERT_EQ(m.blockIndices.size(), size_t(8));
    ASSERT_EQ(m.blockParameters, des->config().blockParams());
    ASSERT_EQ(m.totalParameters, des->config().totalParams());
    for (const auto& k : m.kinds) {
        ASSERT_TRUE(std::abs(k.r2 - 1.0) < 1e-6) << k.kind;
        ASSERT_TRUE(k.residual < 1e-6) << k.kind;
        ASSERT_TRUE(k.explained1 > 1.0 - 1e-6);
        ASSERT_TRUE(k.slope > 0);
        ASSERT_TRUE(k.note.empty());
        ASSERT_EQ(k.layers, int64_t(8));
        // Far above chance: only the order itself and its reverse fit a line (2 of 8! orders).
        ASSERT_NEAR(k.r2Chance, 1.0 / 7.0, 1e-9) << k.kind;
        ASSERT_NEAR(k.r2PValue, 2.0 / 40320.0, 1e-12) << k.kind;
    }
}

TEST(Linearity, chanceLevelOfUnstructuredWeightsIsOneOverLMinusOne)
{
    // Every order of 6 layers: the mean R² of shuffled layers is exactly 1/(L−1) = 0.2, for any
    // weights; an unstructured model's own R² is typically near it and far from significant.
    int typical = 0;
    for (uint64_t seed = 1; seed <= 20; ++seed) {
        const KindLinearity r = analyseGram(gramOf(randomRows(6, 500, seed)), "random");
        ASSERT_NEAR(r.r2Chance, 0.2, 1e-9) << seed;
        ASSERT_GE(r.r2PValue, 1.0 / 720.0);
        ASSERT_LE(r.r2PValue, 1.0);
        typical += r.r2PValue > 0.05;
    }
    ASSERT_GE(typical, 15); // p ≤ 0.05 about once in 20 for weights without a trend
    // 12 layers: 20,000 seeded shuffles, within sampling error of 1/11, and reproducible.
    const KindLinearity a = analyseGram(gramOf(randomRows(12, 300, 7)), "random");
    const KindLinearity b = analyseGram(gramOf(randomRows(12, 300, 7)), "random");
    ASSERT_NEAR(a.r2Chance, 1.0 / 11.0, 0.005);
    ASSERT_EQ(a.r2Chance, b.r2Chance);
    ASSERT_EQ(a.r2PValue, b.r2PValue);
    // Below 3 layers there is no R² and so no chance level either.
    const KindLinearity two = analyseGram(gramOf(randomRows(2, 10, 3)), "two");
    ASSERT_TRUE(std::isnan(two.r2Chance) && std::isnan(two.r2PValue));
}

TEST(Linearity, shuffledLayersLoseLinearity)
{
    tleg::testing::TempDir dir;
    const std::string path = dir.filePath("shuffled.safetensors");
    model::ViT des = expandedModel(8, 2);
    const int perm[8] = {3, 7, 0, 5, 1, 6, 2, 4}; // correlation with the index ≈ −0.05
    io::NamedTensors shuffled;
    for (const auto& [name, t] : model::namedTensors(*des)) {
        int64_t block = 0;
        std::string kind;
        Naming naming;
        if (parseBlockName(name, &block, &kind, &naming))
            shuffled.emplace_back("blocks." + std::to_string(perm[block]) + "." + kind, t);
        else
            shuffled.emplace_back(name, t);
    }
    io::writeSafetensors(path, shuffled);
    const ModelLinearity m = analyseLinearity(loadLayerWeights(path));
    for (const auto& k : m.kinds) {
        ASSERT_TRUE(k.r2 < 0.9) << k.kind;
        ASSERT_TRUE(k.residual > 0.5);
        ASSERT_TRUE(k.explained1 > 1.0 - 1e-6); // still one direction, just out of order
        // The shuffled model's R² is an ordinary draw from the shuffle distribution.
        ASSERT_NEAR(k.r2Chance, 1.0 / 7.0, 1e-9);
        ASSERT_GT(k.r2PValue, 0.05) << k.kind;
    }
}

TEST(Linearity, wholeBlockIsTheConcatenation)
{
    tleg::testing::TempDir dir;
    const std::string path = dir.filePath("vit.safetensors");
    model::ViT net(tleg::testing::tinyConfig(5));
    tleg::testing::randomize(*net, 3);
    model::saveClassifier(path, *net);
    const LayerWeights w = loadLayerWeights(path);
    RowMatrixXf x(w.layers(), w.blockParameters());
    for (int64_t l = 0; l < w.layers(); ++l) {
        int64_t at = 0;
        for (const auto& kind : w.kinds) {
            const torch::Tensor& t = w.tensors.at(kind)[l];
            x.row(l).segment(at, t.numel()) =
                Eigen::Map<const Eigen::RowVectorXf>(t.data_ptr<float>(), t.numel());
            at += t.numel();
        }
    }
    const KindLinearity direct = analyseGram(gramOf(x), kWholeBlock);
    const KindLinearity block = find(analyseLinearity(w, {kWholeBlock}), kWholeBlock);
    ASSERT_TRUE(std::abs(direct.r2 - block.r2) < 1e-9);
    ASSERT_TRUE(std::abs(direct.explained1 - block.explained1) < 1e-9);
    ASSERT_TRUE(std::abs(direct.residual - block.residual) < 1e-9);
    for (int64_t l = 0; l < w.layers(); ++l)
        ASSERT_TRUE(std::abs(direct.pc1[l] - block.pc1[l]) < 1e-6 * std::abs(direct.pc1[0]));
    ASSERT_EQ(analyseLinearity(w, {"mlp.fc1.weight"}).kinds.size(), size_t(1));
}

TEST(Linearity, degenerateModelsReportNotAvailable)
{
    for (int64_t layers : {1, 2}) {
        const KindLinearity r = analyseGram(gramOf(randomRows(layers, 40, 5)), "few");
        ASSERT_TRUE(std::isnan(r.r2));
        ASSERT_TRUE(std::isnan(r.residual));
        ASSERT_TRUE(!r.note.empty());
    }
    RowMatrixXf same(4, 30);
    same.rowwise() = randomRows(1, 30, 6).row(0);
    const KindLinearity r = analyseGram(gramOf(same), "same");
    ASSERT_TRUE(std::isnan(r.r2));
    ASSERT_TRUE(tleg::testing::contains(r.note, "identical"));
    ASSERT_FUZZY_EQ(r.residualOfNorm, 0.0);
    ASSERT_TRUE(std::abs(r.meanAdjacentCosine - 1.0) < 1e-9);
}

TEST(Linearity, resultsDoNotDependOnThreadCount)
{
    const RowMatrixXf x = randomRows(9, 200000, 9);
    const int before = at::get_num_threads();
    at::set_num_threads(1);
    const GramMatrices one = gramOf(x);
    at::set_num_threads(2);
    const GramMatrices two = gramOf(x);
    at::set_num_threads(before);
    ASSERT_TRUE(one.centred == two.centred); // bit for bit: fixed summation order
    ASSERT_TRUE(one.raw == two.raw);
}
