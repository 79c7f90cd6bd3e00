// Loading per-layer weights for the linearity analysis: timm, torchvision and Hugging Face names
// give identical results, TorchScript and Aux-Net files work, bad files fail with one clear
// error, and `tleg pca` prints the table and writes the per-layer points.
#include "analysis/layer_weights.h"
#include "analysis/linearity.h"
#include "model/des_net.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "tiny_models.h"

#include <torch/script.h>

#include "test_support.h"

#include <filesystem>
#include <fstream>

using namespace tleg;
using namespace tleg::analysis;

namespace {

using tleg::testing::contains;
using tleg::testing::TempDir;

void expectError(const std::function<void()>& f, const std::vector<std::string>& needles)
{
    const std::string problem = tleg::testing::expectError(f, needles);
    ASSERT_TRUE(problem.empty()) << problem;
}

/// The model's tensors renamed as torchvision or Hugging Face would store them.
io::NamedTensors renamed(const model::ViTImpl& net, Naming naming)
{
    const int64_t dim = net.config().dim;
    io::NamedTensors out;
    for (int64_t i = 0; i < net.config().depth; ++i) {
        const model::BlockWeights w = net.block(i).weights();
        const std::string tv = "encoder.layers.encoder_layer_" + std::to_string(i) + ".";
        const std::string hf = "vit.encoder.layer." + std::to_string(i) + ".";
        // Older torchvision uses mlp.0 / mlp.3; alternate so that both spellings are covered.
        const std::string fc1 = i % 2 ? "mlp.0." : "mlp.linear_1.";
        const std::string fc2 = i % 2 ? "mlp.3." : "mlp.linear_2.";
        const char* tvNames[] = {"ln_1.weight",
                                 "ln_1.bias",
                                 "self_attention.in_proj_weight",
                                 "self_attention.in_proj_bias",
                                 "self_attention.out_proj.weight",
                                 "self_attention.out_proj.bias",
                                 "ln_2.weight",
                                 "ln_2.bias"};
        const char* hfNames[] = {"layernorm_before.weight",
                                 "layernorm_before.bias",
                                 nullptr,
                                 nullptr,
                                 "attention.output.dense.weight",
                                 "attention.output.dense.bias",
                                 "layernorm_after.weight",
                                 "layernorm_after.bias",
                                 "intermediate.dense.weight",
                                 "intermediate.dense.bias",
                                 "output.dense.weight",
                                 "output.dense.bias"};
        for (int p = 0; p < model::kBlockParamCount; ++p) {
            const torch::Tensor t = w[p].detach();
            if (naming == Naming::Torchvision) {
                std::string name =
                    p < 8 ? tvNames[p] : (p < 10 ? fc1 : fc2) + (p % 2 ? "bias" : "weight");
                out.emplace_back(tv + name, t);
            } else if (p == model::QkvWeight || p == model::QkvBias) {
                const char* parts[] = {"query", "key", "value"};
                const std::string suffix = p == model::QkvWeight ? ".weight" : ".bias";
                for (int64_t q = 0; q < 3; ++q)
                    out.emplace_back(hf + "attention.attention." + parts[q] + suffix,
                                     t.narrow(0, q * dim, dim).clone());
            } else {
                out.emplace_back(hf + hfNames[p], t);
            }
        }
    }
    return out;
}

void expectSameResults(const ModelLinearity& a, const ModelLinearity& b)
{
    ASSERT_EQ(a.kinds.size(), b.kinds.size());
    for (size_t i = 0; i < a.kinds.size(); ++i) {
        ASSERT_EQ(a.kinds[i].kind, b.kinds[i].kind);
        ASSERT_EQ(a.kinds[i].pc1, b.kinds[i].pc1); // bit for bit: the same floats in the same order
        ASSERT_FUZZY_EQ(a.kinds[i].r2, b.kinds[i].r2);
        ASSERT_FUZZY_EQ(a.kinds[i].residual, b.kinds[i].residual);
        ASSERT_EQ(a.kinds[i].norms, b.kinds[i].norms);
    }
}

torch::jit::Module scriptModule(const std::string& type)
{
    static int counter = 0; // one class per module: names may not repeat within an archive
    return torch::jit::Module("__torch__.M" + std::to_string(counter++) + type);
}

/// A TorchScript module whose named_parameters() are the ViT's timm block names.
torch::jit::Module scriptedBlocks(const model::ViTImpl& net)
{
    torch::jit::Module root = scriptModule("Root");
    torch::jit::Module blocks = scriptModule("Blocks");
    for (int64_t i = 0; i < net.config().depth; ++i) {
        torch::jit::Module block = scriptModule("Block");
        const model::BlockWeights w = net.block(i).weights();
        std::map<std::string, torch::jit::Module> children;
        for (int p = 0; p < model::kBlockParamCount; ++p) {
            // "attn.qkv.weight": modules "attn" -> "qkv", parameter "weight".
            std::string name = model::blockParamName(p);
            const auto lastDot = name.rfind('.');
            const std::string leaf = name.substr(lastDot + 1), path = name.substr(0, lastDot);
            if (!children.count(path))
                children.emplace(path, scriptModule("Leaf"));
            children.at(path).register_parameter(leaf, w[p].detach().clone(), false);
        }
        torch::jit::Module attn = scriptModule("Attn"), mlp = scriptModule("Mlp");
        attn.register_module("qkv", children.at("attn.qkv"));
        attn.register_module("proj", children.at("attn.proj"));
        mlp.register_module("fc1", children.at("mlp.fc1"));
        mlp.register_module("fc2", children.at("mlp.fc2"));
        block.register_module("norm1", children.at("norm1"));
        block.register_module("attn", attn);
        block.register_module("norm2", children.at("norm2"));
        block.register_module("mlp", mlp);
        blocks.register_module(std::to_string(i), block);
    }
    root.register_module("blocks", blocks);
    return root;
}

std::string write(const TempDir& dir, const char* name, const io::NamedTensors& tensors,
                  const std::map<std::string, std::string>& metadata = {})
{
    const std::string path = dir.filePath(name);
    io::writeSafetensors(path, tensors, metadata);
    return path;
}

} // namespace

TEST(LayerWeights, parsesTheThreeNamings)
{
    int64_t block = -1;
    std::string kind;
    Naming naming = Naming::Timm;
    ASSERT_TRUE(parseBlockName("blocks.11.attn.qkv.weight", &block, &kind, &naming));
    ASSERT_EQ(block, int64_t(11));
    ASSERT_EQ(kind, std::string("attn.qkv.weight"));
    ASSERT_TRUE(naming == Naming::Timm);
    ASSERT_TRUE(parseBlockName("encoder.layers.encoder_layer_3.self_attention.in_proj_bias", &block,
                               &kind, &naming));
    ASSERT_EQ(block, int64_t(3));
    ASSERT_EQ(kind, std::string("attn.qkv.bias"));
    ASSERT_TRUE(naming == Naming::Torchvision);
    ASSERT_TRUE(parseBlockName("vit.encoder.layer.10.output.dense.weight", &block, &kind, &naming));
    ASSERT_EQ(block, int64_t(10));
    ASSERT_EQ(kind, std::string("mlp.fc2.weight"));
    ASSERT_TRUE(naming == Naming::HuggingFace);
    ASSERT_TRUE(parseBlockName("module.blocks.2.ls1.gamma", &block, &kind, &naming));
    ASSERT_TRUE(kind.empty()); // a block tensor, but of no known kind
    ASSERT_TRUE(!parseBlockName("head.weight", &block, &kind, &naming));
    ASSERT_TRUE(!parseBlockName("xblocks.1.norm1.weight", &block, &kind, &naming));
    ASSERT_TRUE(!parseBlockName("blocks.norm1.weight", &block, &kind, &naming));
}

TEST(LayerWeights, threeNamingsGiveIdenticalResults)
{
    TempDir dir;
    model::ViT net(tleg::testing::tinyConfig(5));
    tleg::testing::randomize(*net, 4);
    const auto timm = analyseLinearity(
        loadLayerWeights(write(dir, "timm.safetensors", model::namedTensors(*net))));
    const LayerWeights tvWeights =
        loadLayerWeights(write(dir, "tv.safetensors", renamed(*net, Naming::Torchvision)));
    const LayerWeights hfWeights =
        loadLayerWeights(write(dir, "hf.safetensors", renamed(*net, Naming::HuggingFace)));
    ASSERT_TRUE(tvWeights.naming == Naming::Torchvision);
    ASSERT_TRUE(hfWeights.naming == Naming::HuggingFace);
    ASSERT_TRUE(contains(hfWeights.description, "Hugging Face"));
    ASSERT_EQ(hfWeights.kinds.size(), size_t(model::kBlockParamCount));
    ASSERT_EQ(timm.kinds.size(), size_t(model::kBlockParamCount + 1));
    expectSameResults(timm, analyseLinearity(tvWeights));
    expectSameResults(timm, analyseLinearity(hfWeights));
}

TEST(LayerWeights, blockIndicesSortNumerically)
{
    // Twelve expanded blocks: "blocks.10" sorted as text would land after "blocks.1".
    TempDir dir;
    model::AuxNet aux(tleg::testing::tinyConfig(4), model::AuxOptions{});
    tleg::testing::randomize(*aux, 5);
    model::ExpandOptions o;
    o.depth = 12;
    model::ViT des = model::expand(model::Learngene::fromAuxNet(*aux), o);
    const LayerWeights w =
        loadLayerWeights(write(dir, "des12.safetensors", model::namedTensors(*des)));
    ASSERT_EQ(w.blockIndices, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
    for (const auto& k : analyseLinearity(w).kinds)
        ASSERT_TRUE(std::abs(k.r2 - 1.0) < 1e-6);
}

TEST(LayerWeights, torchScriptModuleIsAnalysed)
{
    TempDir dir;
    model::ViT net(tleg::testing::tinyConfig(4));
    tleg::testing::randomize(*net, 6);
    const std::string pt = dir.filePath("model.pt");
    scriptedBlocks(*net).save(pt);
    const LayerWeights w = loadLayerWeights(pt);
    ASSERT_TRUE(contains(w.description, "TorchScript"));
    ASSERT_EQ(w.layers(), int64_t(4));
    expectSameResults(analyseLinearity(loadLayerWeights(
                          write(dir, "timm.safetensors", model::namedTensors(*net)))),
                      analyseLinearity(w));
}

TEST(LayerWeights, auxNetShowsItsEffectiveBlocks)
{
    TempDir dir;
    model::AuxNet aux(tleg::testing::tinyConfig(6), model::AuxOptions{});
    tleg::testing::randomize(*aux, 7);
    const std::string path = dir.filePath("aux.safetensors");
    model::saveClassifier(path, *aux);
    const LayerWeights w = loadLayerWeights(path);
    ASSERT_TRUE(contains(w.description, "auxnet"));
    ASSERT_EQ(w.layers(), int64_t(6));
    for (const auto& k : analyseLinearity(w).kinds) {
        ASSERT_TRUE(std::abs(k.r2 - 1.0) < 1e-6) << k.kind.c_str();
        ASSERT_TRUE(k.residual < 1e-6);
    }

    // Only MSA expanded: the MLP blocks are independent, random, and not linear.
    model::AuxOptions msa;
    msa.groups = model::kGroupMsa;
    model::AuxNet partial(tleg::testing::tinyConfig(6), msa);
    tleg::testing::randomize(*partial, 8);
    model::saveClassifier(path, *partial);
    const ModelLinearity m = analyseLinearity(loadLayerWeights(path));
    for (const auto& k : m.kinds) {
        if (k.kind.rfind("attn.", 0) == 0)
            ASSERT_TRUE(k.residual < 1e-6);
        else
            ASSERT_TRUE(k.residual > 0.3) << k.kind.c_str();
    }
}

TEST(LayerWeights, badFilesFailWithOneClearError)
{
    TempDir dir;
    const std::string missing = dir.filePath("missing.safetensors");
    expectError([&] { loadLayerWeights(missing); }, {missing, "no such file"});
    const std::string folder = dir.path();
    expectError([&] { loadLayerWeights(folder); }, {folder, "not a regular file"});

    const std::string noBlocks =
        write(dir, "noblocks.safetensors", {{"head.weight", torch::randn({3, 4})}});
    expectError([&] { loadLayerWeights(noBlocks); }, {noBlocks, "no Transformer blocks"});

    model::ViT net(tleg::testing::tinyConfig(3));
    const std::string good = write(dir, "good.safetensors", model::namedTensors(*net));
    const std::string truncated = dir.filePath("truncated.safetensors");
    std::filesystem::copy_file(good, truncated);
    std::filesystem::resize_file(truncated, std::filesystem::file_size(good) / 2);
    expectError([&] { loadLayerWeights(truncated); }, {truncated});

    const std::string text = dir.filePath("notes.txt");
    std::ofstream(text) << "not a checkpoint at all, just some words in a file\n";
    expectError([&] { loadLayerWeights(text); }, {text});

    const std::string fakeZip = dir.filePath("fake.pt");
    std::ofstream(fakeZip) << "PK this is no zip archive";
    expectError([&] { loadLayerWeights(fakeZip); }, {fakeZip, "TorchScript"});

    model::AuxNet aux(tleg::testing::tinyConfig(3), model::AuxOptions{});
    const std::string lg = dir.filePath("learngene.safetensors");
    model::Learngene::fromAuxNet(*aux).save(lg);
    expectError([&] { loadLayerWeights(lg); }, {lg, "learngene", "tleg expand"});

    const std::string shapes = write(
        dir, "shapes.safetensors",
        {{"blocks.0.norm1.weight", torch::ones({4})}, {"blocks.1.norm1.weight", torch::ones({5})}});
    expectError([&] { loadLayerWeights(shapes); }, {shapes, "norm1.weight", "elements"});
    const std::string lacking = write(dir, "lacking.safetensors",
                                      {{"blocks.0.norm1.weight", torch::ones({4})},
                                       {"blocks.0.norm1.bias", torch::ones({4})},
                                       {"blocks.1.norm1.weight", torch::ones({4})}});
    expectError([&] { loadLayerWeights(lacking); }, {lacking, "block 1 lacks norm1.bias"});
    const std::string ints = write(dir, "ints.safetensors",
                                   {{"blocks.0.norm1.weight", torch::ones({4}, torch::kInt)},
                                    {"blocks.1.norm1.weight", torch::ones({4}, torch::kInt)}});
    expectError([&] { loadLayerWeights(ints); }, {ints, "floating-point"});
    const std::string hfPart =
        write(dir, "hfpart.safetensors",
              {{"encoder.layer.0.attention.attention.query.weight", torch::ones({4, 4})}});
    expectError([&] { loadLayerWeights(hfPart); }, {hfPart, "query/key/value"});

    const LayerWeights w = loadLayerWeights(good);
    expectError([&] { analyseLinearity(w, {"attn.qkv.wieght"}); },
                {good, "attn.qkv.wieght", "attn.qkv.weight"});
}

TEST(LayerWeights, halfPrecisionFilesAreConverted)
{
    TempDir dir;
    model::ViT net(tleg::testing::tinyConfig(4));
    tleg::testing::randomize(*net, 9);
    io::NamedTensors half;
    for (const auto& [name, t] : model::namedTensors(*net))
        half.emplace_back(name, t.to(torch::kBFloat16));
    const LayerWeights w = loadLayerWeights(write(dir, "bf16.safetensors", half));
    ASSERT_TRUE(w.tensors.at("mlp.fc1.weight").front().scalar_type() == torch::kFloat);
    ASSERT_EQ(analyseLinearity(w).kinds.size(), size_t(model::kBlockParamCount + 1));
}

TEST(LayerWeights, cliPrintsTheTableAndWritesPoints)
{
    TempDir dir;
    model::AuxNet aux(tleg::testing::tinyConfig(4), model::AuxOptions{});
    tleg::testing::randomize(*aux, 10);
    model::ExpandOptions o;
    o.depth = 6;
    model::ViT des = model::expand(model::Learngene::fromAuxNet(*aux), o);
    const std::string des6 = dir.filePath("des-6.safetensors");
    model::saveClassifier(des6, *des);
    model::ViT other(tleg::testing::tinyConfig(5));
    const std::string vit5 = dir.filePath("vit-5.safetensors");
    model::saveClassifier(vit5, *other);
    const std::string csv = dir.filePath("points.csv"), json = dir.filePath("all.json");

    const auto p =
        tleg::testing::runCli({"pca", des6, vit5, "--csv", csv, "--json", json}, 60000, false);
    ASSERT_TRUE(p.finished);
    const std::string& out = p.out;
    ASSERT_TRUE(p.exitCode == 0) << out + p.err;
    ASSERT_TRUE(contains(out, "attn.qkv.weight"));
    ASSERT_TRUE(contains(out, "1.000000"));
    ASSERT_TRUE(contains(out, "side by side"));

    std::ifstream f(csv);
    ASSERT_TRUE(f.is_open());
    const std::vector<std::string> lines =
        tleg::testing::nonEmptyLines(tleg::testing::readFile(csv));
    const auto count = [&](const std::string& part) {
        return std::count_if(lines.begin(), lines.end(),
                             [&](const std::string& line) { return contains(line, part); });
    };
    ASSERT_EQ(lines.front(), "model,kind,layer,block,pc1,pc2,norm,cos_next");
    ASSERT_EQ(lines.size(), size_t(1 + 13 * 6 + 13 * 5));
    ASSERT_EQ(count(des6 + ",attn.qkv.weight,"), 6);
    ASSERT_EQ(count(vit5 + ",block,"), 5);

    std::ifstream in(json);
    const auto j = nlohmann::json::parse(in);
    ASSERT_EQ(j.size(), size_t(2));
    ASSERT_EQ(j[0]["kinds"].size(), size_t(13));
    ASSERT_TRUE(std::abs(j[0]["kinds"][12]["r2"].get<double>() - 1.0) < 1e-6);

    const auto q =
        tleg::testing::runCli({"pca", des6, "--kinds", "block,mlp.fc2.bias"}, 60000, false);
    ASSERT_TRUE(q.finished);
    const std::string& filtered = q.out;
    ASSERT_EQ(q.exitCode, 0);
    ASSERT_TRUE(contains(filtered, "mlp.fc2.bias") && !contains(filtered, "attn.qkv.weight"));

    const std::string missing = dir.filePath("nope.safetensors");
    const auto bad = tleg::testing::runCli({"pca", missing}, 60000, false);
    ASSERT_TRUE(bad.finished);
    ASSERT_EQ(bad.exitCode, 1);
    ASSERT_TRUE(contains(bad.err, missing));
}
