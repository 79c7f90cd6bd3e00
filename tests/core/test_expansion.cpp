// Linear expansion: the Aux-Net's constraint, the Des-Net builder and the baselines.
#include "model/des_net.h"
#include "model/expansion_preview.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "tiny_models.h"
#include "util/error.h"

#include "test_support.h"

using namespace tleg;
using namespace tleg::model;

namespace {

double maxDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a - b).abs().max().item<double>();
}

int64_t groupParams(const ViTConfig& c, unsigned groups)
{
    const int64_t d = c.dim, h = c.hiddenDim();
    int64_t n = 0;
    if (groups & kGroupLn)
        n += 4 * d;
    if (groups & kGroupMsa)
        n += d * 3 * d + 3 * d + d * d + d;
    if (groups & kGroupMlp)
        n += d * h + h + h * d + d;
    return n;
}

int64_t countParams(torch::nn::Module& m)
{
    int64_t n = 0;
    for (const auto& p : m.parameters())
        n += p.numel();
    return n;
}

} // namespace

TEST(Expansion, coefficientsAreIOverL)
{
    ASSERT_FUZZY_EQ(expansionCoefficient(0, 6), 0.0);
    ASSERT_FUZZY_EQ(expansionCoefficient(3, 6), 0.5);
    ASSERT_FUZZY_EQ(expansionCoefficient(5, 6), 5.0 / 6.0);
}

TEST(Expansion, desNetBlocksFollowTheFormula)
{
    AuxNet aux(tleg::testing::tinyConfig(4), AuxOptions{});
    tleg::testing::randomize(*aux, 1);
    const Learngene lg = Learngene::fromAuxNet(*aux);
    for (int64_t depth : {1, 3, 4, 7}) {
        ExpandOptions o;
        o.depth = depth;
        o.seed = 9;
        ViT des = expand(lg, o);
        ASSERT_EQ(des->config().depth, depth);
        for (int64_t i = 0; i < depth; ++i) {
            const BlockWeights w = des->block(i).weights();
            for (int p = 0; p < kBlockParamCount; ++p) {
                const auto expected =
                    aux->thetaB->weights()[p]
                    + (static_cast<double>(i) / depth) * aux->thetaA->weights()[p];
                ASSERT_TRUE(maxDiff(w[p], expected) < 1e-6)
                    << "depth " << depth << " block " << i << " " << blockParamName(p);
            }
        }
        // Block 0 is exactly θ_B.
        ASSERT_FUZZY_EQ(
            maxDiff(des->block(0).weights()[QkvWeight], aux->thetaB->weights()[QkvWeight]), 0.0);
        // Shared parts are copied, including the head (same classes).
        auto desParams = des->named_parameters();
        auto auxParams = aux->named_parameters();
        for (const char* name : {"patch_embed.proj.weight", "pos_embed", "cls_token", "norm.weight",
                                 "head.weight", "head.bias"})
            ASSERT_FUZZY_EQ(maxDiff(desParams[name], auxParams[name]), 0.0);
    }
}

TEST(Expansion, desNetOfAuxDepthGivesTheAuxNetLogits)
{
    for (unsigned groups : {kAllGroups, unsigned(kGroupMsa | kGroupMlp)}) {
        AuxOptions ao;
        ao.groups = groups;
        AuxNet aux(tleg::testing::tinyConfig(5), ao);
        tleg::testing::randomize(*aux, 2);
        ExpandOptions o;
        o.depth = 5;
        ViT des = expand(Learngene::fromAuxNet(*aux), o);
        if (groups != kAllGroups) {
            // Not expanded modules are random in the Des-Net: copy them to compare logits.
            torch::NoGradGuard g;
            for (int64_t i = 0; i < 5; ++i)
                for (int p = 0; p < kBlockParamCount; ++p)
                    if (!aux->isExpanded(i, p))
                        des->block(i).weights()[p].copy_(aux->blockWeights(i)[p]);
        }
        aux->eval();
        des->eval();
        torch::manual_seed(3);
        auto x = torch::randn({6, 1, 8, 8});
        torch::NoGradGuard g;
        ASSERT_TRUE(maxDiff(aux->forward(x), des->forward(x)) < 1e-5);
    }
}

TEST(Expansion, auxTrainableParametersAreTheLearngeneAndSharedParts)
{
    const ViTConfig c = tleg::testing::tinyConfig(6);
    {
        AuxNet aux(c, AuxOptions{});
        ASSERT_EQ(countParams(*aux), 2 * c.blockParams() + c.sharedParams());
        ASSERT_EQ(2 * groupParams(c, kAllGroups), 2 * c.blockParams());
        auto names = aux->named_parameters();
        ASSERT_TRUE(names.contains("learngene.A.attn.qkv.weight"));
        ASSERT_TRUE(names.contains("learngene.B.norm1.weight"));
        ASSERT_TRUE(!names.contains("blocks.0.attn.qkv.weight"));
    }
    {
        AuxOptions o;
        o.groups = kGroupMsa;
        AuxNet aux(c, o);
        ASSERT_EQ(countParams(*aux), 2 * groupParams(c, kGroupMsa)
                                         + c.depth * groupParams(c, kGroupMlp | kGroupLn)
                                         + c.sharedParams());
        ASSERT_TRUE(aux->named_parameters().contains("blocks.5.mlp.fc1.weight"));
    }
    {
        AuxOptions o;
        o.expandFrom = 2; // partial expansion (Table 6)
        AuxNet aux(c, o);
        ASSERT_EQ(countParams(*aux), 2 * c.blockParams() + 2 * c.blockParams() + c.sharedParams());
        ASSERT_TRUE(aux->named_parameters().contains("blocks.1.attn.qkv.weight"));
        ASSERT_TRUE(!aux->named_parameters().contains("blocks.2.attn.qkv.weight"));
    }
    {
        AuxOptions o;
        o.shareOnly = true;
        AuxNet aux(c, o);
        ASSERT_EQ(countParams(*aux), c.blockParams() + c.sharedParams());
    }
}

TEST(Expansion, gradientReachingThetaACarriesTheCoefficients)
{
    // Both ways of building the blocks: one at a time, and all at once as forward() does.
    for (const bool together : {false, true}) {
        const ViTConfig c = tleg::testing::tinyConfig(4);
        AuxNet aux(c, AuxOptions{});
        tleg::testing::randomize(*aux, 4);
        const std::vector<BlockWeights> all = aux->allBlockWeights();
        // L = Σ_i <G_i, W_i>  =>  dL/dθ_A = Σ_i c_i G_i,  dL/dθ_B = Σ_i G_i.
        torch::manual_seed(5);
        torch::Tensor loss = torch::zeros({});
        std::vector<torch::Tensor> g;
        for (int64_t i = 0; i < c.depth; ++i) {
            auto w = together ? all[size_t(i)][Fc1Weight] : aux->blockWeights(i)[Fc1Weight];
            ASSERT_TRUE(maxDiff(w, aux->blockWeights(i)[Fc1Weight]) < 1e-6);
            g.push_back(torch::randn(w.sizes()));
            loss = loss + (g.back() * w).sum();
        }
        loss.backward();
        auto expectA = torch::zeros_like(g[0]), expectB = torch::zeros_like(g[0]);
        for (int64_t i = 0; i < c.depth; ++i) {
            expectA += expansionCoefficient(i, c.depth) * g[i];
            expectB += g[i];
        }
        ASSERT_TRUE(maxDiff(aux->thetaA->weights()[Fc1Weight].grad(), expectA) < 1e-5);
        ASSERT_TRUE(maxDiff(aux->thetaB->weights()[Fc1Weight].grad(), expectB) < 1e-5);
    }
}

TEST(Expansion, constraintHoldsAfterTraining)
{
    AuxNet aux(tleg::testing::tinyConfig(4), AuxOptions{});
    torch::optim::SGD opt(aux->parameters(), 0.5);
    torch::manual_seed(6);
    for (int s = 0; s < 3; ++s) {
        auto loss = aux->forward(torch::randn({4, 1, 8, 8})).pow(2).mean();
        opt.zero_grad();
        loss.backward();
        opt.step();
    }
    torch::NoGradGuard g;
    // Consecutive blocks differ by exactly θ_A / L.
    for (int p = 0; p < kBlockParamCount; ++p) {
        auto step = aux->thetaA->weights()[p] / 4.0;
        for (int64_t i = 1; i < 4; ++i)
            ASSERT_TRUE(maxDiff(aux->blockWeights(i)[p] - aux->blockWeights(i - 1)[p], step)
                        < 1e-6);
    }
}

TEST(Expansion, partialInitialisationKeepsOtherBlocksRandom)
{
    AuxNet aux(tleg::testing::tinyConfig(4), AuxOptions{});
    tleg::testing::randomize(*aux, 7);
    const Learngene lg = Learngene::fromAuxNet(*aux);
    ExpandOptions o;
    o.depth = 6;
    o.initFrom = 0;
    o.initTo = 3; // Table 5: blocks 1-3 only
    o.seed = 11;
    ViT des = expand(lg, o);
    ViT ref = scratch(des->config(), 11);
    for (int64_t i = 0; i < 6; ++i) {
        const auto w = des->block(i).weights()[QkvWeight];
        if (i < 3)
            ASSERT_TRUE(maxDiff(w, aux->thetaB->weights()[QkvWeight]
                                       + (i / 6.0) * aux->thetaA->weights()[QkvWeight])
                        < 1e-6);
        else
            ASSERT_FUZZY_EQ(maxDiff(w, ref->block(i).weights()[QkvWeight]), 0.0);
    }
    o.initFrom = 4;
    o.initTo = 2;
    bool threw = false;
    try {
        expand(lg, o);
    } catch (const tleg::Error&) {
        threw = true;
    }
    ASSERT_TRUE(threw);
}

TEST(Expansion, partialExpansionCopiesIndependentLowerBlocks)
{
    AuxOptions ao;
    ao.expandFrom = 2;
    AuxNet aux(tleg::testing::tinyConfig(5), ao);
    tleg::testing::randomize(*aux, 8);
    const Learngene lg = Learngene::fromAuxNet(*aux);
    ExpandOptions o;
    o.depth = 5;
    ViT des = expand(lg, o);
    for (int64_t i = 0; i < 5; ++i)
        for (int p = 0; p < kBlockParamCount; ++p)
            ASSERT_TRUE(maxDiff(des->block(i).weights()[p], aux->blockWeights(i)[p]) < 1e-6);
}

TEST(Expansion, relativePartialCoefficientsStartAtThetaBAndTravelInTheLearngene)
{
    // --partial-coefficient relative: from block k on, c_i = (i−k)/(L−k) (the released code's
    // RepeatedModuleList); absolute (the default) keeps c_i = i/L.
    tleg::testing::TempDir dir;
    AuxOptions ao;
    ao.expandFrom = 2;
    ao.relativeCoefficients = true;
    ASSERT_DOUBLE_EQ(ao.coefficient(2, 5), 0.0);
    ASSERT_DOUBLE_EQ(ao.coefficient(4, 5), 2.0 / 3.0);
    ASSERT_DOUBLE_EQ(ao.coefficient(5, 8), 0.5);
    AuxOptions absolute = ao;
    absolute.relativeCoefficients = false;
    ASSERT_DOUBLE_EQ(absolute.coefficient(4, 5), 0.8);
    AuxNet aux(tleg::testing::tinyConfig(5), ao);
    tleg::testing::randomize(*aux, 31);
    const BlockWeights b = aux->thetaB->weights(), a = aux->thetaA->weights();
    ASSERT_TRUE(maxDiff(aux->blockWeights(2)[QkvWeight], b[QkvWeight]) < 1e-7);
    ASSERT_TRUE(maxDiff(aux->blockWeights(4)[QkvWeight], b[QkvWeight] + (2.0 / 3.0) * a[QkvWeight])
                < 1e-6);
    // The forward uses the same weights as blockWeights (all blocks at once).
    const auto all = aux->allBlockWeights();
    for (int64_t i = 2; i < 5; ++i)
        ASSERT_TRUE(maxDiff(all[size_t(i)][Fc1Weight], aux->blockWeights(i)[Fc1Weight]) < 1e-6);
    // Saved and loaded, the learngene keeps its convention, and a deeper Des-Net follows it.
    const std::string path = dir.filePath("lg.safetensors");
    Learngene::fromAuxNet(*aux).save(path);
    const Learngene lg = Learngene::load(path);
    ASSERT_TRUE(lg.options.relativeCoefficients);
    ExpandOptions o;
    o.depth = 8;
    ViT des = expand(lg, o);
    for (int64_t i = 2; i < 8; ++i)
        ASSERT_TRUE(maxDiff(des->block(i).weights()[Fc2Weight],
                            b[Fc2Weight] + ao.coefficient(i, 8) * a[Fc2Weight])
                    < 1e-6)
            << i;
    ASSERT_EQ(AuxOptions::fromJson(ao.toJson()).relativeCoefficients, true);
    ASSERT_EQ(AuxOptions::fromJson(absolute.toJson()).relativeCoefficients, false);
    nlohmann::json bad = ao.toJson();
    bad["partial_coefficient"] = "sideways";
    ASSERT_THROW(AuxOptions::fromJson(bad), Error);
    nlohmann::json old = ao.toJson();
    old.erase("partial_coefficient"); // files from before the option: absolute
    ASSERT_FALSE(AuxOptions::fromJson(old).relativeCoefficients);
}

TEST(Expansion, shareInitCopiesOneBlockEverywhere)
{
    AuxOptions ao;
    ao.shareOnly = true;
    AuxNet aux(tleg::testing::tinyConfig(3), ao);
    tleg::testing::randomize(*aux, 9);
    ExpandOptions o;
    o.depth = 4;
    ViT des = expand(Learngene::fromAuxNet(*aux), o);
    for (int64_t i = 0; i < 4; ++i)
        ASSERT_FUZZY_EQ(
            maxDiff(des->block(i).weights()[Fc2Weight], aux->thetaB->weights()[Fc2Weight]), 0.0);
}

TEST(Expansion, saveExpandedWritesTheFileExpandAndSaveWould)
{
    // Whole learngenes (plain, partial expansion, Share-Init) take the direct path; partial
    // initialisation, a new head and unexpanded groups build the network. Every case must
    // give the same bytes as expand() + saveClassifier() with the same seed.
    tleg::testing::TempDir dir;
    ASSERT_TRUE(dir.isValid());
    auto bytes = [](const std::string& path) { return tleg::testing::readFile(path); };
    struct Case {
        AuxOptions aux;
        ExpandOptions expand;
    };
    std::vector<Case> cases(6);
    cases[0].expand.depth = 7;
    cases[1].aux.expandFrom = 2;
    cases[1].expand.depth = 5;
    cases[2].aux.shareOnly = true;
    cases[2].expand.depth = 3;
    cases[3].expand.initTo = 2;                 // partial initialisation
    cases[4].expand.numClasses = 3;             // a new class set
    cases[5].aux.groups = kGroupMsa | kGroupLn; // the MLP is not expanded
    int n = 0;
    for (auto& c : cases) {
        AuxNet aux(tleg::testing::tinyConfig(5), c.aux);
        tleg::testing::randomize(*aux, 20 + n);
        const Learngene lg = Learngene::fromAuxNet(*aux);
        c.expand.seed = 5;
        const std::string direct = dir.filePath("direct-" + std::to_string(n) + ".safetensors");
        const std::string built = dir.filePath("built-" + std::to_string(n) + ".safetensors");
        saveExpanded(direct, lg, c.expand, {{"role", "desnet"}});
        ViT des = expand(lg, c.expand);
        saveClassifier(built, *des, {{"role", "desnet"}});
        const std::string a = bytes(direct), b = bytes(built);
        ASSERT_TRUE(!a.empty() && a == b) << "case " << n << " differs";
        ++n;
    }
    // Bad input is refused as expand() refuses it.
    AuxNet aux(tleg::testing::tinyConfig(2), AuxOptions{});
    ExpandOptions bad;
    bad.depth = 0;
    ASSERT_THROW(saveExpanded(dir.filePath("x.safetensors"), Learngene::fromAuxNet(*aux), bad, {}),
                 Error);
}

TEST(Expansion, heLgStacksTheLastThreeAncestryBlocksOnRandomOnes)
{
    ViT anc = scratch(tleg::testing::tinyConfig(6), 1);
    tleg::testing::randomize(*anc, 10);
    ViT des = heLg(*anc, 5, 3, 2);
    ASSERT_EQ(des->config().numClasses, int64_t(3));
    for (int64_t k = 0; k < 3; ++k)
        ASSERT_FUZZY_EQ(
            maxDiff(des->block(2 + k).weights()[QkvWeight], anc->block(3 + k).weights()[QkvWeight]),
            0.0);
    ASSERT_TRUE(maxDiff(des->block(0).weights()[QkvWeight], anc->block(0).weights()[QkvWeight])
                > 0.1);
}

TEST(Expansion, newClassSetGetsAFreshHead)
{
    AuxNet aux(tleg::testing::tinyConfig(2), AuxOptions{});
    ExpandOptions o;
    o.depth = 2;
    o.numClasses = 7;
    ViT des = expand(Learngene::fromAuxNet(*aux), o);
    ASSERT_EQ(des->named_parameters()["head.weight"].size(0), int64_t(7));
}

TEST(Expansion, previewMatchesTheModelExpandWouldBuild)
{
    AuxNet aux(tleg::testing::tinyConfig(4), AuxOptions{});
    const Learngene lg = Learngene::fromAuxNet(*aux);
    ExpandOptions o;
    o.depth = 5;
    ViT des = expand(lg, o);
    const ExpansionPreview p = previewExpansion(lg.config, lg.storedParams(), 5);
    ASSERT_EQ(p.params, countParams(*des));
    ASSERT_EQ(p.coefficients, (std::vector<double>{0.0, 0.2, 0.4, 0.6, 0.8}));
    ASSERT_EQ(p.macs, des->config().forwardMacs());
    // One stored model per depth 1..5 (heads excluded) against one learngene.
    const ViTConfig c = lg.config;
    const int64_t head = c.dim * c.numClasses + c.numClasses;
    ASSERT_EQ(p.storedPerDepthModels, 15 * c.blockParams() + 5 * (c.sharedParams() - head));
    ASSERT_EQ(p.learngeneStored, lg.storedParams());
    bool threw = false;
    try {
        previewExpansion(lg.config, 1, 0);
    } catch (const tleg::Error&) {
        threw = true;
    }
    ASSERT_TRUE(threw);
}

TEST(Expansion, newHeadKeepsTheBodyAndReplacesTheHead)
{
    ViT net = scratch(tleg::testing::tinyConfig(2), 1);
    tleg::testing::randomize(*net, 12);
    ViT fresh = withNewHead(*net, 3, 4);
    ASSERT_EQ(fresh->config().numClasses, int64_t(3));
    auto a = net->named_parameters(), b = fresh->named_parameters();
    ASSERT_EQ(b["head.weight"].sizes().vec(), (std::vector<int64_t>{3, 16}));
    for (const auto& item : a) {
        if (item.key().rfind("head.", 0) != 0) {
            ASSERT_FUZZY_EQ(maxDiff(item.value(), b[item.key()]), 0.0);
        }
    }
    ASSERT_EQ(fresh->forward(torch::randn({2, 1, 8, 8})).size(1), int64_t(3));
}

TEST(Expansion, storedParamsAreTwoBlocksAndSharedPartsWithoutHead)
{
    const ViTConfig c = tleg::testing::tinyConfig(6);
    AuxNet aux(c, AuxOptions{});
    const Learngene lg = Learngene::fromAuxNet(*aux);
    const int64_t head = c.dim * c.numClasses + c.numClasses;
    ASSERT_EQ(lg.storedParams(), 2 * c.blockParams() + c.sharedParams() - head);
}

TEST(Init, truncatedNormalIsTimmsWithBoundsAtPlusMinusTwoAbsolute)
{
    // timm's trunc_normal_(std=.02) cuts at ±2, i.e. 100 std: the draw is N(0, 0.02²). A cut at
    // ±2 std (the old draw) would give std 0.0176 and nothing beyond 0.04.
    torch::manual_seed(11);
    auto t = torch::empty({1'000'000});
    truncNormal_(t, 0.02);
    const double std = t.std().item<double>();
    ASSERT_NEAR(std, 0.02, 0.0002);
    ASSERT_NEAR(t.mean().item<double>(), 0.0, 1e-4);
    const double beyond = (t.abs() > 0.04).to(torch::kDouble).mean().item<double>();
    ASSERT_NEAR(beyond, 0.0455, 0.003); // P(|z| > 2) of a normal
    ASSERT_TRUE(torch::isfinite(t).all().item<bool>());
    ASSERT_LT(t.abs().max().item<double>(), 0.2); // 10 std: nothing clamped to ±2
    // Explicit bounds still truncate, here at ±1 std.
    auto cut = torch::empty({100'000});
    truncNormal_(cut, 1.0, -1.0, 1.0);
    ASSERT_LE(cut.abs().max().item<double>(), 1.0);
    ASSERT_NEAR(cut.std().item<double>(), 0.5379, 0.01); // std of N(0,1) cut at ±1
    // Every ViT weight matrix, the position embedding and the head start that way (the patch
    // embedding keeps LibTorch's convolution init, as in timm).
    ViT vit = scratch(ViTConfig::preset("vit-s"), 3);
    int checked = 0;
    for (const auto& item : vit->named_parameters()) {
        const torch::Tensor& p = item.value();
        if (p.dim() >= 2 && p.numel() > 50'000
            && item.key().find("patch_embed") == std::string::npos) {
            ASSERT_NEAR(p.std().item<double>(), 0.02, 0.0006) << item.key();
            ASSERT_LT(p.abs().max().item<double>(), 0.2) << item.key(); // no ±2 outliers
            ++checked;
        }
    }
    ASSERT_GE(checked, 12 * 4 + 1);
}
