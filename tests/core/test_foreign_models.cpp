// Foreign ViT checkpoints as models: timm, timm in float16, timm with fc_norm pooling and no qkv
// bias (timm's config.json beside it), DeiT distilled, a Hugging Face folder and its
// model.safetensors, torchvision's VisionTransformer. Each fixture is written here by Debian's
// python3-torch with its reference logits; each loads, predicts as Python does, teaches a short
// distillation, and timm → tleg → timm keeps its predictions. Mismatches and hostile files are
// one line naming the file, and nothing is written.
#include "foreign_fixtures_py.h"
#include "analysis/layer_weights.h"
#include "io/safetensors.h"
#include "model/des_net.h"
#include "model/foreign_detail.h"
#include "model/foreign_model.h"
#include "model/script_classifier.h"
#include "test_support.h"
#include "tiny_models.h"
#include "train/trainer.h"
#include "workflow/jobs.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

using namespace tleg;
using namespace tleg::testing;
namespace fs = std::filesystem;

namespace {

/// A python3 that has torch and torchvision: Debian's first (PATH may start with another).
std::string findPython()
{
    std::vector<std::string> candidates = {"/usr/bin/python3", "/usr/local/bin/python3"};
    if (const char* path = std::getenv("PATH")) {
        std::stringstream dirs(path);
        for (std::string dir; std::getline(dirs, dir, ':');)
            if (!dir.empty())
                candidates.push_back(dir + "/python3");
    }
    for (const auto& python : candidates) {
        std::error_code ec;
        if (!fs::exists(python, ec))
            continue;
        const auto r = runProcess({python, "-c", "import torch, torchvision"}, 120000, true);
        if (r.finished && r.exitCode == 0)
            return python;
    }
    return {};
}

/// The fixtures, written once for the whole test program.
struct Fixtures {
    TempDir dir;
    std::string python;
    std::string skip; ///< why the Python-made fixtures are missing
    io::SafetensorsFile reference;

    std::string path(const std::string& name) const { return dir.filePath(name); }
    torch::Tensor ref(const std::string& name) const { return reference.tensor(name); }
};

const Fixtures& fixtures()
{
    static const std::unique_ptr<Fixtures> f = [] {
        auto x = std::make_unique<Fixtures>();
        x->python = findPython();
        if (x->python.empty()) {
            x->skip = "no python3 with torch and torchvision (Debian: python3-torch, "
                      "python3-torchvision)";
            return x;
        }
        const std::string script = x->path("fixtures.py");
        writeFile(script, kForeignFixturesPy);
        const auto r = runProcess({x->python, script, "write", x->dir.path()}, 600000, true);
        if (!r.finished || r.exitCode != 0) {
            x->skip = "the fixture script failed: " + r.out;
            return x;
        }
        x->reference = io::readSafetensors(x->path("reference.safetensors"));
        return x;
    }();
    return *f;
}

#define REQUIRE_FIXTURES()                                                                         \
    do {                                                                                           \
        if (!fixtures().skip.empty())                                                              \
            GTEST_SKIP() << fixtures().skip;                                                       \
    } while (0)

model::ModelHints heads(int64_t h, const std::string& prefix = "--")
{
    auto hints = model::ModelHints::withPrefix(prefix);
    hints.heads = h;
    return hints;
}

struct Case {
    std::string name; ///< also the reference logits' key: "logits.<ref>"
    std::string path; ///< relative to the fixtures folder
    model::ModelHints hints;
    std::string format;
    std::string ref;
};

std::vector<Case> cases()
{
    return {
        {"timm", "timm/vit.safetensors", heads(2), "timm", "timm"},
        {"timm-f16", "timm/vit-f16.safetensors", heads(2), "timm", "timm-f16"},
        {"timm-gap", "timm-gap/model.safetensors", {}, "timm", "timm-gap"},
        {"deit", "deit/deit.safetensors", heads(2), "deit-distilled", "deit"},
        {"hf-folder", "hf", {}, "huggingface", "hf"},
        {"hf-file", "hf/model.safetensors", {}, "huggingface", "hf"},
        {"torchvision", "torchvision/vit_tv.safetensors", heads(2), "torchvision", "torchvision"},
    };
}

/// (images / 255 - mean) / std with the normalisation a model's metadata carries.
torch::Tensor normalised(const torch::Tensor& images, const nlohmann::json& extra)
{
    const auto mean = extra.at("normalization").at("mean").get<std::vector<float>>();
    const auto stdev = extra.at("normalization").at("std").get<std::vector<float>>();
    const auto m = torch::tensor(mean).view({1, -1, 1, 1});
    const auto s = torch::tensor(stdev).view({1, -1, 1, 1});
    return (images.to(torch::kFloat) / 255.0 - m) / s;
}

torch::Tensor logitsOf(model::ClassifierImpl& net, const torch::Tensor& x)
{
    torch::NoGradGuard guard;
    net.eval();
    return net.forward(x);
}

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a.to(torch::kFloat) - b.to(torch::kFloat)).abs().max().item<double>();
}

/// A safetensors file of the given tensors and no metadata.
void writeForeign(const std::string& path, const io::NamedTensors& tensors)
{
    io::writeSafetensors(path, tensors);
}

/// A tiny timm ViT's tensors (dim 8, 2 heads) that a test then breaks one way or another.
io::NamedTensors tinyTimm()
{
    model::ViTConfig c;
    c.imageSize = 8;
    c.channels = 1;
    c.patchSize = 4;
    c.dim = 8;
    c.heads = 2;
    c.depth = 2;
    c.mlpRatio = 2.0;
    c.numClasses = 3;
    return model::namedTensors(*model::ViT(c));
}

io::NamedTensors without(io::NamedTensors t, const std::string& prefix)
{
    io::NamedTensors out;
    for (auto& [name, value] : t)
        if (name.rfind(prefix, 0) != 0)
            out.emplace_back(name, value);
    return out;
}

} // namespace

TEST(ForeignShapes, TheTableMatchesTheViTForEveryVariant)
{
    model::ViTConfig base;
    base.imageSize = 16;
    base.patchSize = 4;
    base.dim = 12;
    base.heads = 3;
    base.depth = 3;
    base.numClasses = 7;
    std::vector<model::ViTConfig> configs(6, base);
    configs[1].qkvBias = false;
    configs[2].distillationToken = true;
    configs[3].pooling = model::Pooling::Average;
    configs[4].pooling = model::Pooling::Average;
    configs[4].avgWithClassToken = true;
    configs[5].layerNormEps = 1e-12;
    for (const auto& c : configs) {
        SCOPED_TRACE(c.toJson().dump());
        model::ViT net(c);
        std::vector<std::pair<std::string, std::vector<int64_t>>> built;
        int64_t count = 0;
        for (const auto& item : net->named_parameters(true)) {
            built.emplace_back(item.key(), item.value().sizes().vec());
            count += item.value().numel();
        }
        EXPECT_EQ(model::foreign::vitParameterShapes(c), built);
        EXPECT_EQ(c.totalParams(), count);
        EXPECT_EQ(model::ViTConfig::fromJson(c.toJson()).toJson(), c.toJson());
    }
}

TEST(ForeignShapes, OlderConfigsReadAndWriteAsBefore)
{
    // What a TLEG file of before the imported-model fields holds: read with their defaults, and
    // written back without new keys.
    const nlohmann::json old = {{"image_size", 28}, {"channels", 1},     {"patch_size", 7},
                                {"dim", 64},        {"depth", 6},        {"heads", 4},
                                {"mlp_ratio", 4.0}, {"num_classes", 10}, {"pooling", "token"}};
    const auto c = model::ViTConfig::fromJson(old);
    EXPECT_TRUE(c.standardLayout());
    EXPECT_EQ(c.layerNormEps, 1e-6);
    EXPECT_EQ(c.toJson(), old);
    // An Aux-Net (and so a learngene) keeps TLEG's own block layout.
    auto odd = c;
    odd.qkvBias = false;
    EXPECT_EQ(
        expectError([&] { model::AuxNetImpl(odd, model::AuxOptions{}); }, {"Aux-Net", "layout"}),
        "");
}

TEST(ForeignModels, EachFormatPredictsAsPython)
{
    REQUIRE_FIXTURES();
    const auto& f = fixtures();
    const torch::Tensor images = f.ref("images");
    for (const auto& c : cases()) {
        SCOPED_TRACE(c.name);
        const std::string path = f.path(c.path);
        EXPECT_TRUE(model::isForeignModel(path));
        model::ModelMetadata md;
        auto net = model::loadAnyClassifier(path, &md, c.hints);
        EXPECT_EQ(md.kind, "vit");
        EXPECT_EQ(md.extra["imported"]["format"], c.format);
        const auto cfg = model::ViTConfig::fromJson(md.architecture);
        EXPECT_EQ(cfg.imageSize, 32);
        EXPECT_EQ(cfg.heads, 2);
        EXPECT_EQ(cfg.numClasses, 10);
        const auto logits = logitsOf(*net, normalised(images, md.extra));
        const double diff = maxAbsDiff(logits, f.ref("logits." + c.ref));
        std::printf("[ foreign  ] %-12s %-15s max |logit - Python| = %.3g\n", c.name.c_str(),
                    c.format.c_str(), diff);
        RecordProperty("max_abs_logit_diff_" + c.name, std::to_string(diff));
        EXPECT_LE(diff, 1e-4);
        EXPECT_TRUE(logits.argmax(1).equal(f.ref("logits." + c.ref).argmax(1)));
        EXPECT_FALSE(model::importDescription(md.extra).empty());
    }
}

TEST(ForeignModels, WhatWasInferredSaysWhereFrom)
{
    REQUIRE_FIXTURES();
    const auto& f = fixtures();
    const auto hf = model::inspectForeignModel(f.path("hf"));
    EXPECT_EQ(hf.config.layerNormEps, 1e-12);
    EXPECT_EQ(hf.mean, (std::vector<float>{0.5f, 0.5f, 0.5f}));
    const std::string hfText = model::importDescription({{"imported", hf.toJson()}});
    for (const char* part : {"huggingface", "config.json (num_attention_heads)",
                             "preprocessor_config.json (image_mean)", "1e-12", "shape of"})
        EXPECT_TRUE(contains(hfText, part)) << hfText;

    // A mean/std given replaces the sidecar's, and the record says so.
    auto told = heads(2, "--teacher-");
    told.mean = {0.1f, 0.2f, 0.3f};
    told.std = {0.4f, 0.5f, 0.6f};
    const auto hfTold = model::inspectForeignModel(f.path("hf"), told);
    EXPECT_EQ(hfTold.mean, told.mean);
    EXPECT_EQ(hfTold.std, told.std);
    const std::string toldText = model::importDescription({{"imported", hfTold.toJson()}});
    for (const char* part : {"option --teacher-mean", "preprocessor_config.json (image_mean) and",
                             "given instead"})
        EXPECT_TRUE(contains(toldText, part)) << toldText;

    const auto gap = model::inspectForeignModel(f.path("timm-gap/model.safetensors"));
    EXPECT_EQ(gap.config.pooling, model::Pooling::Average);
    EXPECT_TRUE(gap.config.avgWithClassToken);
    EXPECT_FALSE(gap.config.qkvBias);
    EXPECT_EQ(gap.std, (std::vector<float>{0.25f, 0.25f, 0.25f}));

    const auto timm = model::inspectForeignModel(f.path("timm/vit.safetensors"), heads(2));
    const std::string timmText = model::importDescription({{"imported", timm.toJson()}});
    EXPECT_TRUE(contains(timmText, "option --heads")) << timmText;
    EXPECT_TRUE(contains(timmText, "assumed: ImageNet's")) << timmText;
    EXPECT_EQ(timm.mean, (std::vector<float>{0.485f, 0.456f, 0.406f}));
}

TEST(ForeignModels, TimmToTlegToTimmKeepsThePredictions)
{
    REQUIRE_FIXTURES();
    const auto& f = fixtures();
    const torch::Tensor images = f.ref("images");
    for (const auto& c : cases()) {
        if (c.name != "timm" && c.name != "timm-gap" && c.name != "deit")
            continue;
        SCOPED_TRACE(c.name);
        const std::string source = f.path(c.path);
        model::ModelMetadata md;
        auto net = model::loadViT(source, &md, c.hints);
        const std::string saved = f.path("roundtrip-" + c.name + ".safetensors");
        model::saveClassifier(saved, *net, md.extra);

        // A TLEG file now, with exactly the timm tensors.
        EXPECT_FALSE(model::isForeignModel(saved));
        const auto a = io::readSafetensors(source), b = io::readSafetensors(saved);
        ASSERT_EQ(a.tensors.size(), b.tensors.size());
        for (const auto& [name, t] : a.tensors)
            EXPECT_TRUE(b.tensor(name).equal(t)) << name;

        // Read back by TLEG Studio (no hints needed) and by timm's forward in Python.
        model::ModelMetadata back;
        auto again = model::loadClassifier(saved, &back);
        const auto x = normalised(images, back.extra);
        EXPECT_TRUE(logitsOf(*again, x).equal(logitsOf(*net, x)));
        if (c.name != "timm")
            continue; // the Python reference normalises with ImageNet's mean/std
        const std::string out = f.path("roundtrip-logits.safetensors");
        const auto r = runProcess({f.python, f.path("fixtures.py"), "timm-logits", saved, "2", out},
                                  600000, true);
        ASSERT_EQ(r.exitCode, 0) << r.out;
        EXPECT_LE(maxAbsDiff(io::readSafetensors(out).tensor("logits"), f.ref("logits.timm")),
                  1e-6);
    }
}

TEST(ForeignModels, EachFormatTeachesAShortDistillation)
{
    REQUIRE_FIXTURES();
    const auto& f = fixtures();
    workflow::DataSpec data;
    data.source = f.path("cifar");
    const data::DataSplit split = workflow::openData(data);
    ASSERT_EQ(split.train.size(), 40);
    const auto norm = data::computeNormalization(split.train);
    auto all = cases();
    all.push_back({"torchscript", "torchvision/vit_tv.pt", {}, "", "torchvision"});
    for (const auto& c : all) {
        if (c.name == "timm-f16" || c.name == "hf-file")
            continue; // the same models as timm and hf-folder
        SCOPED_TRACE(c.name);
        train::TeacherOptions options;
        options.heads = c.hints.heads;
        if (c.name == "torchscript") { // its file says nothing: the options say what it takes
            options.mean = {0.485f, 0.456f, 0.406f};
            options.std = {0.229f, 0.224f, 0.225f};
        }
        // The teacher as the distillation sees it, fed the student's normalised test batches,
        // scores as Python's logits do.
        {
            auto teacher = workflow::openTeacher(f.path(c.path), options, split.train, {});
            const auto seen = train::evaluateTeacher(*teacher, split.test, norm);
            const auto ref = f.ref("logits." + c.ref);
            const auto labels = f.ref("labels");
            ASSERT_TRUE(split.test.labels.equal(labels));
            EXPECT_NEAR(seen.loss,
                        torch::nn::functional::cross_entropy(ref, labels).item<double>(), 1e-4);
            EXPECT_NEAR(seen.top1,
                        100.0 * ref.argmax(1).eq(labels).to(torch::kDouble).mean().item<double>(),
                        1e-9);
        }
        workflow::DistillSpec spec;
        spec.data = data;
        spec.aux = model::ViTConfig::preset("fmnist-ti");
        spec.aux.imageSize = 32;
        spec.aux.patchSize = 8;
        spec.aux.dim = 16;
        spec.aux.depth = 2;
        spec.train.epochs = 1;
        spec.train.batchSize = 20;
        spec.train.threads = 1;
        spec.train.augment = false;
        spec.train.bf16 = false;
        spec.train.loss.lambda = 1.0;
        spec.teacher = f.path(c.path);
        spec.teacherOptions = options;
        spec.out = f.path("distill-" + c.name);
        std::string log;
        workflow::Hooks hooks;
        hooks.log = [&](const std::string& line) { log += line + "\n"; };
        const auto o = workflow::runDistill(spec, hooks, &split);
        EXPECT_FALSE(o.stopped());
        EXPECT_TRUE(fs::exists(o.learngene));
        EXPECT_TRUE(std::isfinite(o.result.history.back().trainLoss));
        if (!c.format.empty()) {
            EXPECT_TRUE(contains(log, "(" + c.format + "): dim 32")) << log;
        }
        // The run's spec keeps what was told, so that a rerun repeats it.
        const auto told = workflow::DistillSpec::fromJson(workflow::readRunRecord(spec.out).spec);
        EXPECT_EQ(told.teacherOptions.heads, options.heads);
        EXPECT_EQ(told.teacherOptions.mean, options.mean);
    }
}

TEST(ForeignModels, TheCliDescribesAndEvaluatesEveryFormat)
{
    REQUIRE_FIXTURES();
    const auto& f = fixtures();
    const auto info = runCli({"info", f.path("timm/vit.safetensors"), "--heads", "2"}, 120000);
    EXPECT_EQ(info.exitCode, 0) << info.out;
    for (const char* part :
         {"imported from timm", "option --heads", "assumed: ImageNet's", "blocks.1.mlp.fc2.weight"})
        EXPECT_TRUE(contains(info.out, part)) << info.out;
    const auto hf = runCli({"info", f.path("hf")}, 120000);
    EXPECT_EQ(hf.exitCode, 0) << hf.out;
    EXPECT_TRUE(contains(hf.out, "config.json (num_attention_heads)")) << hf.out;
    const auto ts = runCli({"info", f.path("torchvision/vit_tv.pt")}, 120000);
    EXPECT_EQ(ts.exitCode, 0) << ts.out;
    for (const char* part : {"TorchScript", "parameters", "3×32×32", "output [2, 10]", "fails"})
        EXPECT_TRUE(contains(ts.out, part)) << ts.out;

    // tleg eval's loss is the cross-entropy of Python's logits on the same images.
    const auto ref = f.ref("logits.hf");
    const double expected =
        torch::nn::functional::cross_entropy(ref, f.ref("labels")).item<double>();
    const auto eval = runCli({"eval", "--model", f.path("hf"), "--data", f.path("cifar")}, 120000);
    ASSERT_EQ(eval.exitCode, 0) << eval.out;
    const auto at = eval.out.find("loss ");
    ASSERT_NE(at, std::string::npos) << eval.out;
    EXPECT_NEAR(std::stod(eval.out.substr(at + 5)), expected, 1e-3) << eval.out;
    const auto evalTs = runCli(
        {"eval", "--model", f.path("torchvision/vit_tv.pt"), "--data", f.path("cifar")}, 120000);
    EXPECT_EQ(evalTs.exitCode, 0) << evalTs.out;
    EXPECT_TRUE(contains(evalTs.out, "(20 images)")) << evalTs.out;
    // TorchScript told its mean/std scores as the module does in Python.
    const auto tv = f.ref("logits.torchvision");
    const auto told = runCli({"eval", "--model", f.path("torchvision/vit_tv.pt"), "--data",
                              f.path("cifar"), "--model-mean", "0.485,0.456,0.406", "--model-std",
                              "0.229,0.224,0.225"},
                             120000);
    ASSERT_EQ(told.exitCode, 0) << told.out;
    const auto toldAt = told.out.find("loss ");
    ASSERT_NE(toldAt, std::string::npos) << told.out;
    EXPECT_NEAR(std::stod(told.out.substr(toldAt + 5)),
                torch::nn::functional::cross_entropy(tv, f.ref("labels")).item<double>(), 1e-3)
        << told.out;
}

TEST(ForeignModels, MismatchesAreOneLineNamingTheFileAndWriteNothing)
{
    REQUIRE_FIXTURES();
    const auto& f = fixtures();
    const std::string timm = f.path("timm/vit.safetensors"), hf = f.path("hf/model.safetensors");
    const std::string cifar = f.path("cifar"), out = f.path("refused");
    const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> cases = {
        {{"eval", "--model", timm, "--data", cifar}, {timm, "--model-heads"}},
        {{"eval", "--model", timm, "--data", cifar, "--model-heads", "3"},
         {timm, "--model-heads", "not a multiple"}},
        {{"eval", "--model", f.path("hf"), "--data", cifar, "--model-heads", "4"},
         {hf, "--model-heads 4", "config.json"}},
        {{"eval", "--model", timm, "--data", cifar, "--model-heads", "2", "--model-image-size",
          "64"},
         {timm, "--model-image-size 64", "32 px"}},
        {{"eval", "--model", timm, "--data", cifar, "--model-heads", "2", "--model-mean", "0.5"},
         {"--model-std"}},
        {{"eval", "--model", timm, "--data", cifar, "--model-heads", "2", "--classes", "0,1,2"},
         {timm, "10 classes", "3 classes"}},
        {{"distill", "--teacher", timm, "--data", cifar, "--out", out, "--threads", "1"},
         {timm, "--teacher-heads"}},
        {{"distill", "--teacher", f.path("hf"), "--data", cifar, "--classes", "0,1,2,3,4", "--out",
          out, "--threads", "1"},
         {"hf", "10 classes"}},
        {{"finetune", "--model", f.path("deit/deit.safetensors"), "--data", cifar, "--out", out,
          "--threads", "1"},
         {"deit.safetensors", "--model-heads"}},
        {{"eval", "--model", f.path("torchvision/vit_tv.pt"), "--data", cifar, "--model-mean",
          "0.5,0.5"},
         {"vit_tv.pt", "--model-mean", "--model-std"}},
        {{"eval", "--model", f.path("torchvision/vit_tv.pt"), "--data", cifar, "--model-mean",
          "0.5", "--model-std", "0.5"},
         {"vit_tv.pt", "1 value(s)", "3 channel(s)"}},
        {{"pipeline", "--ancestry", timm, "--data", cifar, "--out", out},
         {timm, "--teacher-heads"}},
        {{"distill", "--teacher", timm, "--data", cifar, "--out", out, "--threads", "1",
          "--teacher-heads", "2", "--teacher-image-size", "64"},
         {timm, "--teacher-image-size 64", "32 px"}},
        {{"distill", "--teacher", f.path("hf"), "--data", cifar, "--out", out, "--threads", "1",
          "--teacher-mean", "0.1,0.1", "--teacher-std", "0.2,0.2"},
         {hf, "--teacher-mean", "3 value(s)"}},
    };
    for (const auto& [args, needles] : cases) {
        SCOPED_TRACE(args[0] + " " + needles.back());
        const auto r = runCli(args, 120000);
        ASSERT_TRUE(r.finished);
        EXPECT_EQ(r.exitCode, 1) << r.out;
        // One line says what is wrong (a distillation says which data it opened first).
        std::vector<std::string> errors;
        for (const auto& line : nonEmptyLines(r.out))
            if (contains(line, "error"))
                errors.push_back(line);
        ASSERT_EQ(errors.size(), 1u) << r.out;
        for (const auto& needle : needles)
            EXPECT_TRUE(contains(errors.front(), needle)) << r.out;
        EXPECT_FALSE(fs::exists(out)) << r.out;
    }
}

TEST(ForeignModels, FineTunedItIsATlegModelThatRerunsWithItsHints)
{
    REQUIRE_FIXTURES();
    const auto& f = fixtures();
    workflow::TrainSpec spec;
    spec.role = workflow::Role::FineTune;
    spec.data.source = f.path("cifar");
    spec.init.method = workflow::InitMethod::Model;
    spec.init.path = f.path("deit/deit.safetensors");
    spec.init.hints = heads(2, "--model-");
    spec.train.epochs = 1;
    spec.train.batchSize = 20;
    spec.train.threads = 1;
    spec.train.bf16 = false;
    spec.train.loss.lambda = 0.0;
    spec.out = f.path("finetuned");
    const auto o = workflow::runTrain(spec);
    ASSERT_TRUE(fs::exists(o.model));
    EXPECT_FALSE(model::isForeignModel(o.model));
    model::ModelMetadata md;
    auto net = model::loadViT(o.model, &md);
    EXPECT_TRUE(net->config().distillationToken);
    EXPECT_TRUE(io::readSafetensors(o.model).has("head_dist.weight"));
    const auto record = workflow::readRunRecord(spec.out);
    EXPECT_EQ(record.spec.at("init").at("hints").at("heads"), 2);
    EXPECT_EQ(workflow::TrainSpec::fromJson(record.spec).init.hints.heads, 2);
    // A new class set: both heads are fresh, the rest is the imported model's.
    auto fresh = model::withNewHead(*net, 4, 1);
    EXPECT_EQ(fresh->config().numClasses, 4);
}

TEST(ForeignModels, HostileFilesAreRefusedBeforeBuilding)
{
    TempDir dir;
    const auto file = [&](const std::string& name, const io::NamedTensors& t) {
        const std::string path = dir.filePath(name);
        writeForeign(path, t);
        return path;
    };
    const std::string noHead = file("no-head.safetensors", without(tinyTimm(), "head."));
    EXPECT_EQ(expectError([&] { model::loadAnyClassifier(noHead, nullptr, heads(2)); },
                          {noHead, "no classifier head", "'head.weight'"}),
              "");
    auto zero = tinyTimm();
    for (auto& [name, t] : zero)
        if (name.rfind("head.", 0) == 0)
            t = name == "head.weight" ? torch::zeros({0, 8}) : torch::zeros({0});
    const std::string zeroHead = file("zero-head.safetensors", zero);
    EXPECT_EQ(expectError([&] { model::loadClassifier(zeroHead, nullptr, heads(2)); },
                          {zeroHead, "0 classes"}),
              "");
    // Block 900 alone: a depth of 901 is claimed, and refused for its missing tensors.
    auto deep = tinyTimm();
    for (auto& [name, t] : deep)
        if (name.rfind("blocks.1.", 0) == 0)
            name = "blocks.900." + name.substr(9);
    const std::string deepPath = file("deep.safetensors", deep);
    EXPECT_EQ(expectError([&] { model::loadClassifier(deepPath, nullptr, heads(2)); },
                          {deepPath, "missing tensor 'blocks.1."}),
              "");
    auto scale = tinyTimm();
    scale.emplace_back("blocks.0.ls1.gamma", torch::ones({8}));
    const std::string scalePath = file("scale.safetensors", scale);
    EXPECT_EQ(expectError([&] { model::loadClassifier(scalePath, nullptr, heads(2)); },
                          {scalePath, "'blocks.0.ls1.gamma'", "not part of a timm ViT"}),
              "");
    auto mixed = tinyTimm();
    mixed.emplace_back("encoder.layers.encoder_layer_0.ln_1.weight", torch::ones({8}));
    const std::string mixedPath = file("mixed.safetensors", mixed);
    EXPECT_EQ(expectError([&] { model::loadClassifier(mixedPath); }, {mixedPath, "mixes"}), "");
    auto ints = tinyTimm();
    ints.front().second = ints.front().second.to(torch::kInt64);
    const std::string intPath = file("ints.safetensors", ints);
    EXPECT_EQ(expectError([&] { model::loadClassifier(intPath, nullptr, heads(2)); },
                          {intPath, "I64", "floating point"}),
              "");
    auto oddPos = tinyTimm();
    for (auto& [name, t] : oddPos)
        if (name == "pos_embed")
            t = torch::zeros({1, 7, 8});
    const std::string oddPath = file("odd-pos.safetensors", oddPos);
    EXPECT_EQ(expectError([&] { model::loadClassifier(oddPath, nullptr, heads(2)); },
                          {oddPath, "'pos_embed'", "square grid"}),
              "");
    auto wide = tinyTimm();
    for (auto& [name, t] : wide)
        if (name == "blocks.1.mlp.fc1.weight")
            t = torch::zeros({16, 9});
    const std::string widePath = file("wide.safetensors", wide);
    EXPECT_EQ(expectError([&] { model::loadClassifier(widePath, nullptr, heads(2)); },
                          {widePath, "'blocks.1.mlp.fc1.weight'", "[16, 9]", "expected [16, 8]"}),
              "");
    const std::string good = file("good.safetensors", tinyTimm());
    EXPECT_EQ(expectError([&] { model::loadClassifier(good); }, {good, "--heads"}), "");
    EXPECT_EQ(expectError([&] { model::loadClassifier(good, nullptr, heads(3)); },
                          {good, "option --heads gives 3 attention heads", "not a multiple"}),
              "");
    EXPECT_EQ(expectError([&] { model::loadClassifier(good, nullptr, heads(2)); },
                          {good, "--mean", "--std", "1 value(s)"}),
              "");
    auto hints = heads(2);
    hints.mean = {0.5f};
    hints.std = {0.25f};
    EXPECT_NO_THROW(model::loadClassifier(good, nullptr, hints));
    const std::string folder = dir.filePath("empty-folder");
    fs::create_directory(folder);
    EXPECT_EQ(expectError([&] { model::loadAnyClassifier(folder); }, {folder, "model.safetensors"}),
              "");
}

TEST(ForeignModels, TorchScriptIsAZipArchiveNotJustItsFirstBytes)
{
    TempDir dir;
    model::ViT net(tinyConfig(1));
    const auto firstBytes = [](const std::string& path) { // not the whole file
        std::string head(8, '\0');
        std::ifstream(path, std::ios::binary).read(head.data(), 8);
        return head;
    };
    // A model whose safetensors header is `bytes` long, padded through its metadata.
    const auto withHeaderOf = [&](const std::string& path, uint64_t bytes) {
        model::saveClassifier(path, *net, {{"pad", std::string(1000, 'x')}});
        const std::string head = firstBytes(path);
        uint64_t n = 0;
        for (int i = 7; i >= 0; --i)
            n = (n << 8) | static_cast<unsigned char>(head[size_t(i)]);
        model::saveClassifier(path, *net, {{"pad", std::string(size_t(1000 + bytes - n), 'x')}});
        return path;
    };
    // 0x4B50 bytes: the file starts "PK". Models and the layer-weights analysis read it.
    const std::string pk = withHeaderOf(dir.filePath("pk.safetensors"), 0x4B50);
    ASSERT_EQ(firstBytes(pk), std::string("PK\0\0\0\0\0\0", 8));
    EXPECT_FALSE(model::isTorchScriptFile(pk));
    EXPECT_FALSE(model::isForeignModel(pk));
    EXPECT_NO_THROW(analysis::loadLayerWeights(pk));
    // 0x04034B50 bytes (64 MiB): the file starts "PK\3\4", as a zip archive does.
    const std::string pk34 = withHeaderOf(dir.filePath("pk34.safetensors"), 0x04034B50);
    ASSERT_EQ(firstBytes(pk34), std::string("PK\3\4\0\0\0\0", 8));
    EXPECT_FALSE(model::isTorchScriptFile(pk34));
    model::ModelMetadata md;
    EXPECT_NO_THROW(model::loadAnyClassifier(pk34, &md));
    EXPECT_EQ(md.kind, "vit");

    // "PK\3\4" and no zip structure: not TorchScript, and the error names the file.
    const std::string fake = dir.filePath("fake.pt");
    writeFile(fake, std::string("PK\3\4") + std::string(200, 'x'));
    EXPECT_FALSE(model::isTorchScriptFile(fake));
    EXPECT_EQ(expectError([&] { model::loadAnyClassifier(fake); }, {fake}), "");

    // A real archive is TorchScript, also with a comment after its end record.
    if (!fixtures().skip.empty())
        return;
    const std::string ts = fixtures().path("torchvision/vit_tv.pt");
    EXPECT_TRUE(model::isTorchScriptFile(ts));
    const std::string commented = dir.filePath("commented.pt");
    std::string bytes = readFile(ts);
    const auto end = bytes.rfind(std::string("PK\5\6"));
    ASSERT_NE(end, std::string::npos);
    const std::string comment = "a zip comment";
    bytes[end + 20] = static_cast<char>(comment.size());
    bytes += comment;
    writeFile(commented, bytes);
    EXPECT_TRUE(model::isTorchScriptFile(commented));
}
