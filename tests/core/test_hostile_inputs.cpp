// Files and options that claim more than they hold, or are not files at all: each gives one
// clear error naming the file (or option) without building, allocating or looping in
// proportion to the claim, and without waiting on a FIFO.
#include "io/safetensors.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "model/script_classifier.h"
#include "test_support.h"
#include "tiny_models.h"
#include "train/optimizer.h"
#include "train/trainer.h"
#include "workflow/run_index.h"
#include "workflow/specs.h"
#include "workflow/jobs.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <filesystem>

using namespace tleg;
using namespace tleg::testing;
namespace fs = std::filesystem;

namespace {

/// A safetensors file from a header object and a data section.
std::string safetensors(const nlohmann::json& header, const std::string& data)
{
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    std::string out(8, '\0');
    uint64_t n = text.size();
    for (int i = 0; i < 8; ++i)
        out[size_t(i)] = char(n >> (8 * i));
    return out + text + data;
}

/// A tleg ViT file whose metadata claims arch but which holds one small tensor.
std::string claiming(nlohmann::json arch)
{
    nlohmann::json header = {
        {"__metadata__", {{"format", "pt"}, {"tleg_kind", "vit"}, {"architecture", arch.dump()}}},
        {"cls_token", {{"dtype", "F32"}, {"shape", {1, 1, 16}}, {"data_offsets", {0, 64}}}}};
    return safetensors(header, std::string(64, '\0'));
}

nlohmann::json smallArch()
{
    return fmnistTinyConfig(2).toJson();
}

} // namespace

TEST(Hostile, AFifoIsRefusedNotWaitedOn)
{
    TempDir dir;
    const std::string fifo = dir.filePath("x.safetensors");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"info", fifo},
             {"eval", "--model", fifo},
             {"expand", "--learngene", fifo},
             {"distill", "--teacher", fifo, "--epochs", "1", "--train-subset", "100"}}) {
        SCOPED_TRACE(args.front());
        const auto r = runCli(args, 120000);
        ASSERT_TRUE(r.finished) << "tleg " << args.front() << " waited on the FIFO";
        EXPECT_EQ(r.exitCode, 1) << r.out;
        EXPECT_TRUE(contains(r.out, fifo) && contains(r.out, "FIFO")) << r.out;
    }
    EXPECT_EQ(expectError([&] { model::loadAnyClassifier(fifo); }, {fifo, "FIFO"}), "");
    EXPECT_EQ(expectError([&] { io::readSafetensors(dir.path()); }, {"directory"}), "");
}

TEST(Hostile, TwoHundredThousandTensorsParse)
{
    TempDir dir;
    nlohmann::json header = nlohmann::json::object();
    for (int i = 0; i < 200000; ++i)
        header["t" + std::to_string(i)] = {
            {"dtype", "F32"}, {"shape", {0}}, {"data_offsets", {0, 0}}};
    const std::string path = dir.filePath("many.safetensors");
    writeFile(path, safetensors(header, ""));
    // Linear: this took minutes with the old parser. No clock here; tleg info prints the time
    // in the CI log, and this test's own time shows in CTest's output.
    const auto h = io::readSafetensorsHeader(path);
    EXPECT_EQ(h.tensors.size(), 200000u);
}

TEST(Hostile, ClaimedArchitectureIsCheckedBeforeBuilding)
{
    TempDir dir;
    auto deep = smallArch();
    deep["depth"] = 1000000;
    auto wide = smallArch();
    wide["dim"] = 1536;
    wide["heads"] = 12;
    wide["depth"] = 12;
    auto classes = smallArch();
    classes["num_classes"] = int64_t(1) << 31;
    const std::vector<std::pair<nlohmann::json, std::string>> claims = {
        {deep, "depth 1000000"}, {wide, "but the file holds 16"}, {classes, "classes"}};
    for (const auto& [arch, needle] : claims) {
        SCOPED_TRACE(needle);
        const std::string path = dir.filePath("claim.safetensors");
        writeFile(path, claiming(arch));
        EXPECT_EQ(expectError([&] { model::loadClassifier(path); }, {path, needle}), "");
    }
    // A learngene whose Aux-Net claims depth 10⁴ (its blocks are not stored, so only the
    // limit catches it).
    auto lgArch = smallArch();
    lgArch["depth"] = 10000;
    nlohmann::json header = {{"__metadata__",
                              {{"format", "pt"},
                               {"tleg_kind", "learngene"},
                               {"architecture", lgArch.dump()},
                               {"expansion", model::AuxOptions().toJson().dump()}}}};
    writeFile(dir.filePath("lg.safetensors"), safetensors(header, ""));
    EXPECT_EQ(expectError([&] { model::Learngene::load(dir.filePath("lg.safetensors")); },
                          {"depth 10000", "limit"}),
              "");
}

TEST(Hostile, ASafetensorsHeaderStartingWithPKIsNotTorchScript)
{
    TempDir dir;
    // Pad the metadata so that the header length is 0x4B50 + k: its first two bytes are "PK".
    auto cfg = fmnistTinyConfig(1);
    model::ViT net(cfg);
    const std::string path = dir.filePath("pk.safetensors");
    for (int pad = 0; pad < 20000; pad += 8) {
        model::saveClassifier(path, *net, {{"pad", std::string(size_t(pad), 'x')}});
        const std::string head = readFile(path).substr(0, 2);
        if (head == "PK")
            break;
    }
    ASSERT_EQ(readFile(path).substr(0, 2), "PK");
    EXPECT_FALSE(model::isTorchScriptFile(path));
    EXPECT_NO_THROW(model::loadAnyClassifier(path));
    const auto r = runCli({"info", path}, 60000);
    EXPECT_EQ(r.exitCode, 0) << r.out;
}

TEST(Hostile, OptimizerStateMustHaveItsParametersShape)
{
    TempDir dir;
    auto cfg = fmnistTinyConfig(1);
    model::ViT net(cfg);
    train::AdamW opt(net->named_parameters(true), {});
    io::NamedTensors tensors = model::namedTensors(*net);
    for (auto& t : opt.state())
        tensors.push_back(t.first.rfind("optim.exp_avg.head.weight", 0) == 0
                              ? std::make_pair(t.first, torch::zeros({1}))
                              : t);
    const std::string path = dir.filePath("checkpoint.safetensors");
    io::writeSafetensors(path, tensors);
    const auto file = io::readSafetensors(path);
    train::AdamW fresh(net->named_parameters(true), {});
    EXPECT_EQ(expectError([&] { fresh.loadState(file); }, {path, "optim.exp_avg.head.weight"}), "");
}

TEST(Hostile, BadNormalisationMetadataIsNamed)
{
    TempDir dir;
    const std::string path = dir.filePath("norm.safetensors");
    auto cfg = fmnistTinyConfig(1);
    model::saveClassifier(path, *model::ViT(cfg), {{"normalization", {{"mean", "zero"}}}});
    workflow::EvalSpec spec;
    spec.model = path;
    spec.data.options.testSubset = 50;
    spec.threads = 1;
    EXPECT_EQ(expectError([&] { workflow::runEval(spec); }, {path, "normalization"}), "");
}

TEST(Hostile, AModelOfAnotherInputSaysWhich)
{
    TempDir dir;
    auto cfg = fmnistTinyConfig(1);
    cfg.numClasses = 7;
    const std::string path = dir.filePath("seven.safetensors");
    model::saveClassifier(path, *model::ViT(cfg));
    workflow::EvalSpec spec;
    spec.model = path;
    spec.data.options.testSubset = 50;
    spec.threads = 1;
    EXPECT_EQ(expectError([&] { workflow::runEval(spec); }, {path, "7 classes", "10 classes"}), "");
}

TEST(Hostile, OptionAbuseIsOneLineNamingTheOption)
{
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"train-ancestry", "--threads", "100000"}, "--threads"},
        {{"train-ancestry", "--out", ""}, "--out"},
        {{"train-ancestry", "--smoothing", "2"}, "--smoothing"},
        {{"train-ancestry", "--train-subset", "-5"}, "--train-subset"},
        {{"train-ancestry", "--wd", "nan"}, "--wd"},
        {{"distill", "--lambda", "nan", "--teacher", "x"}, "--lambda"},
        {{"expand", "--learngene", "x.safetensors", "--classes", "100000000"}, "--classes"},
        {{"train-ancestry", "--depth", "100000"}, "depth"},
        // dim × mlp ratio overflowed before the limit was checked (UBSan, fuzz_cli_options)
        {{"train-ancestry", "--dim", "2408464084606000600"}, "dim"},
    };
    for (const auto& [args, needle] : cases) {
        SCOPED_TRACE(args.front() + " " + needle);
        const auto r = runCli(args, 120000);
        ASSERT_TRUE(r.finished);
        EXPECT_EQ(r.exitCode, 1) << r.out;
        EXPECT_TRUE(contains(r.out, needle)) << r.out;
        EXPECT_EQ(nonEmptyLines(r.out).size(), 1u) << r.out;
    }
}

// A JSON float where an integer belongs, beyond the integer's range (found by fuzz_run_folder:
// "depth": 8e+106 in a run's config.json), is one error naming the field, not undefined
// behaviour in the conversion.
TEST(Hostile, NumbersBeyondTheirIntegerAreErrors)
{
    auto config = model::ViTConfig::preset("fmnist-s").toJson();
    config["depth"] = 8e106;
    EXPECT_EQ(expectError([&] { model::ViTConfig::fromJson(config); }, {"8e+106"}), "");
    config["depth"] = std::nan("");
    EXPECT_THROW(model::ViTConfig::fromJson(config), tleg::Error);
    config["depth"] = 6.0; // an integral float is read as the integer it stands for
    EXPECT_EQ(model::ViTConfig::fromJson(config).depth, 6);

    EXPECT_EQ(expectError([] { train::TrainOptions::fromJson({{"epochs", -1e300}}); },
                          {"epochs"}),
              "");
    EXPECT_EQ(expectError([] { workflow::DataSpec::fromJson({{"seed", 1e40}}); },
                          {"data.seed"}),
              "");

    TempDir dir;
    const std::string run = dir.filePath("run");
    std::filesystem::create_directories(run);
    ASSERT_TRUE(writeFile(run + "/config.json",
                          R"({"kind": "vit", "architecture": {"depth": 8e+106}})"));
    ASSERT_TRUE(writeFile(run + "/metrics.csv", "epoch\n"));
    const auto listed = workflow::listRun(run);
    EXPECT_EQ(listed.state, workflow::RunState::Broken);
    EXPECT_NE(listed.problem.find("8e+106"), std::string::npos) << listed.problem;
}
