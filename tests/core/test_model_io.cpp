// Models, Aux-Nets and learngenes survive a trip through safetensors with timm's names.
#include "model/des_net.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "test_support.h"
#include "tiny_models.h"
#include "util/error.h"

#include <functional>

using namespace tleg;
using namespace tleg::model;

namespace {
using tleg::testing::TempDir;

std::string tmpPath(const TempDir& dir, const char* name)
{
    return dir.filePath(name);
}

void expectError(const std::function<void()>& f, const std::string& fragment1,
                 const std::string& fragment2)
{
    const std::string problem = tleg::testing::expectError(f, {fragment1, fragment2});
    ASSERT_TRUE(problem.empty()) << problem;
}
} // namespace

TEST(ModelIo, vitHasTimmNamesAndShapes)
{
    ViTConfig c = tleg::testing::tinyConfig(2);
    ViT net(c);
    std::vector<std::pair<std::string, std::vector<int64_t>>> expected = {
        {"patch_embed.proj.weight", {16, 1, 4, 4}},
        {"patch_embed.proj.bias", {16}},
        {"cls_token", {1, 1, 16}},
        {"pos_embed", {1, 5, 16}},
        {"norm.weight", {16}},
        {"norm.bias", {16}},
        {"head.weight", {5, 16}},
        {"head.bias", {5}}};
    for (int i = 0; i < 2; ++i) {
        const std::string b = "blocks." + std::to_string(i) + ".";
        expected.push_back({b + "norm1.weight", {16}});
        expected.push_back({b + "norm1.bias", {16}});
        expected.push_back({b + "attn.qkv.weight", {48, 16}});
        expected.push_back({b + "attn.qkv.bias", {48}});
        expected.push_back({b + "attn.proj.weight", {16, 16}});
        expected.push_back({b + "attn.proj.bias", {16}});
        expected.push_back({b + "norm2.weight", {16}});
        expected.push_back({b + "norm2.bias", {16}});
        expected.push_back({b + "mlp.fc1.weight", {32, 16}});
        expected.push_back({b + "mlp.fc1.bias", {32}});
        expected.push_back({b + "mlp.fc2.weight", {16, 32}});
        expected.push_back({b + "mlp.fc2.bias", {16}});
    }
    auto params = net->named_parameters();
    ASSERT_EQ(params.size(), expected.size());
    for (const auto& [name, shape] : expected) {
        ASSERT_TRUE(params.contains(name)) << name;
        ASSERT_EQ(params[name].sizes().vec(), shape);
    }
    int64_t total = 0;
    for (const auto& p : net->parameters())
        total += p.numel();
    ASSERT_EQ(total, c.totalParams());
}

TEST(ModelIo, presetsMatchTheKnownModelSizes)
{
    // timm's deit_{tiny,small,base}_patch16_224 parameter counts, and DeiT's "FLOPs"
    // (multiply-accumulates) of 1.3 / 4.6 / 17.6 G.
    ASSERT_EQ(ViTConfig::preset("vit-ti").totalParams(), int64_t(5717416));
    ASSERT_EQ(ViTConfig::preset("vit-s").totalParams(), int64_t(22050664));
    ASSERT_EQ(ViTConfig::preset("vit-b").totalParams(), int64_t(86567656));
    ASSERT_TRUE(std::abs(ViTConfig::preset("vit-ti").forwardMacs() / 1e9 - 1.26) < 0.05);
    ASSERT_TRUE(std::abs(ViTConfig::preset("vit-s").forwardMacs() / 1e9 - 4.6) < 0.1);
    ASSERT_TRUE(std::abs(ViTConfig::preset("vit-b").forwardMacs() / 1e9 - 17.56) < 0.1);
    for (const auto& name : ViTConfig::presetNames()) {
        const ViTConfig c = ViTConfig::preset(name);
        ASSERT_EQ(ViTConfig::fromJson(nlohmann::json::parse(c.toJson().dump())).toJson(),
                  c.toJson());
    }
    ViTConfig bad = ViTConfig::preset("fmnist-s");
    bad.heads = 5;
    ASSERT_THROW(bad.validate(), tleg::Error);
}

TEST(ModelIo, averagePoolingUsesFcNormAndNoClassToken)
{
    ViTConfig c = tleg::testing::tinyConfig(1);
    c.pooling = Pooling::Average;
    ViT net(c);
    auto params = net->named_parameters();
    ASSERT_TRUE(params.contains("fc_norm.weight"));
    ASSERT_TRUE(!params.contains("cls_token"));
    ASSERT_TRUE(!params.contains("norm.weight"));
    ASSERT_EQ(params["pos_embed"].size(1), int64_t(4));
    ASSERT_EQ(net->forward(torch::randn({2, 1, 8, 8})).sizes().vec(), (std::vector<int64_t>{2, 5}));
}

TEST(ModelIo, vitRoundTrip)
{
    TempDir dir;
    ViT net(tleg::testing::tinyConfig(3));
    tleg::testing::randomize(*net, 1);
    const auto path = tmpPath(dir, "vit.safetensors");
    saveClassifier(path, *net, {{"metrics", {{"val_top1", 12.5}}}});
    ModelMetadata md;
    auto back = loadViT(path, &md);
    ASSERT_EQ(md.kind, std::string("vit"));
    ASSERT_FUZZY_EQ(md.extra["metrics"]["val_top1"].get<double>(), 12.5);
    ASSERT_EQ(back->config().toJson(), net->config().toJson());
    net->eval();
    back->eval();
    auto x = torch::randn({3, 1, 8, 8});
    ASSERT_FUZZY_EQ((net->forward(x) - back->forward(x)).abs().max().item<double>(), 0.0);
}

TEST(ModelIo, auxNetAndLearngeneRoundTrip)
{
    TempDir dir;
    AuxOptions ao;
    ao.groups = kGroupMsa | kGroupLn;
    ao.expandFrom = 1;
    AuxNet aux(tleg::testing::tinyConfig(4), ao);
    tleg::testing::randomize(*aux, 2);
    saveClassifier(tmpPath(dir, "aux.safetensors"), *aux);
    auto back =
        std::dynamic_pointer_cast<AuxNetImpl>(loadClassifier(tmpPath(dir, "aux.safetensors")));
    ASSERT_TRUE(back);
    ASSERT_EQ(back->options().groups, ao.groups);
    ASSERT_EQ(back->options().expandFrom, int64_t(1));
    auto x = torch::randn({2, 1, 8, 8});
    ASSERT_FUZZY_EQ((aux->forward(x) - back->forward(x)).abs().max().item<double>(), 0.0);

    const Learngene lg = Learngene::fromAuxNet(*aux);
    lg.save(tmpPath(dir, "lg.safetensors"));
    const Learngene lg2 = Learngene::load(tmpPath(dir, "lg.safetensors"));
    ASSERT_EQ(lg2.tensors.size(), lg.tensors.size());
    ASSERT_EQ(lg2.storedParams(), lg.storedParams());
    ExpandOptions eo;
    eo.depth = 6;
    eo.seed = 3;
    ViT a = expand(lg, eo), b = expand(lg2, eo);
    ASSERT_FUZZY_EQ((a->forward(x) - b->forward(x)).abs().max().item<double>(), 0.0);
}

TEST(ModelIo, rejectsWrongFilesWithClearMessages)
{
    TempDir dir;
    AuxNet aux(tleg::testing::tinyConfig(2), AuxOptions{});
    const auto lgPath = tmpPath(dir, "lg.safetensors");
    Learngene::fromAuxNet(*aux).save(lgPath);
    expectError([&] { loadClassifier(lgPath); }, lgPath, "learngene");

    const auto vitPath = tmpPath(dir, "vit.safetensors");
    ViT net(tleg::testing::tinyConfig(2));
    saveClassifier(vitPath, *net);
    expectError([&] { Learngene::load(vitPath); }, vitPath, "not a learngene");

    // A tensor with the wrong shape, and a missing one.
    auto tensors = namedTensors(*net);
    for (auto& [n, t] : tensors)
        if (n == "blocks.1.mlp.fc1.weight")
            t = torch::zeros({3, 3});
    ModelMetadata md;
    md.kind = "vit";
    md.architecture = net->config().toJson();
    const auto badShape = tmpPath(dir, "bad-shape.safetensors");
    io::writeSafetensors(badShape, tensors, md.toStrings());
    expectError([&] { loadViT(badShape); }, badShape, "blocks.1.mlp.fc1.weight");

    tensors = namedTensors(*net);
    tensors.pop_back();
    const auto missing = tmpPath(dir, "missing.safetensors");
    io::writeSafetensors(missing, tensors, md.toStrings());
    expectError([&] { loadViT(missing); }, missing, "missing tensor");

    // A foreign safetensors file without our metadata.
    const auto foreign = tmpPath(dir, "foreign.safetensors");
    io::writeSafetensors(foreign, {{"w", torch::ones({2})}});
    expectError([&] { loadClassifier(foreign); }, foreign, "not a TLEG Studio model");
}
