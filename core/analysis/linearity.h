#pragma once
// Weight linearity (paper Fig. 1): PCA of the L per-layer weight vectors of each kind through the
// L×L Gram matrix, a line fit of PC1 against depth, and how far the weights are from the best
// θ_l ≈ B + c_l·A a learngene could express. Everything derives from two L×L Gram matrices.
// Usage:
//   ModelLinearity m = analyseLinearity(loadLayerWeights(path));
//   for (const auto& k : m.kinds) std::printf("%s R²=%.4f\n", k.kind.c_str(), k.r2);
//   KindLinearity k = analyseGram(gramOf(X), "mine");   // X: row-major L×P, one row per layer
#include "analysis/layer_weights.h"

#include <Eigen/Dense>

#include <string>
#include <vector>

namespace tleg::analysis {

/// One row per layer, row-major, as the analysis reads weights.
using RowMatrixXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// The kind name of the whole-block analysis (every kind of a layer concatenated).
constexpr const char* kWholeBlock = "block";

/// Second moments of L rows x_l, accumulated in double. Grams of column blocks add up, which is
/// how the whole block is obtained from its kinds without concatenating anything.
struct GramMatrices {
    Eigen::MatrixXd centred; // (x_i − m)·(x_j − m), m the mean row: L×L
    Eigen::MatrixXd raw;     // x_i·x_j: L×L
    int64_t params = 0;      // P, the row length

    GramMatrices& operator+=(const GramMatrices& other);
};

/// Grams of L rows of `length` floats each (rows may live anywhere, e.g. in a mapped file).
/// Uses the intra-op threads; the result does not depend on their number.
GramMatrices gramOf(const std::vector<const float*>& rows, int64_t length);
GramMatrices gramOf(const Eigen::Ref<const RowMatrixXf>& x);

/// PCA from a centred Gram matrix G = Xc Xcᵀ: eigenvalues λ_k descending (negative rounding
/// noise clamped to 0), and scores(l, k) = sqrt(λ_k)·u_k[l] = (Xc v_k)[l].
/// Sign convention: each component's scores correlate non-negatively with the layer index
/// (so PC1's slope is ≥ 0); without any correlation, the largest |score| is positive.
struct GramPca {
    Eigen::VectorXd eigenvalues;
    Eigen::MatrixXd scores; // L × L, column k = component k
};
GramPca gramPca(const Eigen::MatrixXd& centredGram);

struct KindLinearity {
    std::string kind; // timm kind ("attn.qkv.weight") or kWholeBlock
    int64_t layers = 0;
    int64_t params = 0;                    // per layer
    std::vector<double> pc1, pc2;          // per-layer scores (pc2 zero when L < 2)
    double explained1 = 0, explained2 = 0; // λ_1/Σλ, λ_2/Σλ
    /// Least-squares line PC1 ≈ intercept + slope·l over l = 0..L-1; R² = 1 − SS_res/SS_tot.
    /// NaN when undefined (fewer than 3 layers, or all layers identical): see note.
    double slope = 0, intercept = 0, r2 = 0;
    /// The chance level of r2: the mean R² of PC1 against depth when the layer order is
    /// shuffled (PCA does not depend on the order, so this is PC1's scores in shuffled order
    /// against l). For any weights without a trend it is 1/(L−1), 0.2 for 6 blocks, so an R²
    /// of 0.22 there is chance, not weak linearity. r2PValue: the share of orders (all of them
    /// up to 8 layers, 20,000 seeded shuffles beyond) whose R² is at least r2. NaN with r2.
    double r2Chance = 0, r2PValue = 0;
    /// Best fit θ_l ≈ B + c_l·A (c_l = l/L, least squares over B and A per coordinate):
    /// residual = ‖X − fit‖_F / ‖X − mean‖_F (0: a learngene expresses it exactly; 1: no
    /// linear trend at all); residualOfNorm = ‖X − fit‖_F / ‖X‖_F. NaN below 3 layers.
    double residual = 0, residualOfNorm = 0;
    std::vector<double> norms;   // ‖θ_l‖_2
    std::vector<double> cosNext; // cos(θ_l, θ_{l+1}), L−1 entries
    double meanAdjacentCosine = 0;
    std::string note; // why a figure is NaN, empty otherwise
};

/// Every figure above from the Grams of one kind (or one whole block).
KindLinearity analyseGram(const GramMatrices& gram, const std::string& kind);

struct ModelLinearity {
    std::string path;
    std::string description;
    std::vector<int64_t> blockIndices;
    int64_t totalParameters = 0;
    int64_t blockParameters = 0; // of one layer
    std::vector<std::string> ignored;
    std::vector<KindLinearity> kinds; // requested kinds in timm order, then kWholeBlock
};

/// Analyses the listed kinds (empty: all kinds and the whole block). Unknown kinds throw
/// tleg::Error listing the available ones.
ModelLinearity analyseLinearity(const LayerWeights& weights,
                                const std::vector<std::string>& kinds = {});

} // namespace tleg::analysis
