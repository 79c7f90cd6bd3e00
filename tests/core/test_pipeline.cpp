// The whole method through the real CLI: `tleg pipeline --preset smoke` finishes, every Des-Net
// is far above chance, and its files reload with timm names.
#include "data/dataset.h"
#include "model/block.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "train/trainer.h"
#include "util/files.h"
#include "util/machine.h"

#include "test_support.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

using namespace tleg;
using tleg::testing::contains;
using tleg::testing::runCli;
using tleg::testing::TempDir;

namespace {

/// The comma-separated fields of a line.
std::vector<std::string> fields(const std::string& line)
{
    std::vector<std::string> out;
    size_t begin = 0;
    for (size_t comma; (comma = line.find(',', begin)) != std::string::npos; begin = comma + 1)
        out.push_back(line.substr(begin, comma - begin));
    out.push_back(line.substr(begin));
    return out;
}

/// The text without leading and trailing whitespace (QString::trimmed).
std::string trimmed(const std::string& s)
{
    const char* space = " \t\n\v\f\r";
    const size_t begin = s.find_first_not_of(space);
    return begin == std::string::npos ? std::string()
                                      : s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

} // namespace

/// The tests share one folder and run in order: the later ones use the first one's pipeline.
class Pipeline : public ::testing::Test {
protected:
    static void SetUpTestSuite() { s_dir = new TempDir; }
    static void TearDownTestSuite()
    {
        delete s_dir;
        s_dir = nullptr;
    }
    static std::string path(const std::string& name) { return s_dir->filePath(name); }

    static TempDir* s_dir;
};

TempDir* Pipeline::s_dir = nullptr;

TEST_F(Pipeline, smokePipelineProducesTheDepthTable)
{
    const std::string out = path("smoke");
    const auto start = std::chrono::steady_clock::now();
    const auto r =
        runCli({"pipeline", "--preset", "smoke", "--out", out, "--threads", "2", "--val-fraction",
                "0.2"},
               600000);
    std::printf("pipeline --preset smoke took %.1f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    ASSERT_TRUE(r.exitCode == 0) << r.out;
    ASSERT_TRUE(contains(r.out, "| Depth |"));

    std::ifstream csv(out + "/results.csv");
    ASSERT_TRUE(csv.is_open());
    std::vector<std::string> lines;
    std::istringstream text(trimmed(tleg::testing::readFile(out + "/results.csv")));
    for (std::string line; std::getline(text, line);)
        lines.push_back(line);
    ASSERT_EQ(lines.size(), size_t(3)); // header + depths 2 and 4
    // The smoke preset evaluates on a seeded 2,000-image subset of the test split.
    const auto split = data::loadFashionMnist();
    const auto testSubset = data::subset(split.test, 2000, 1);
    for (size_t i = 1; i < lines.size(); ++i) {
        const std::vector<std::string> f = fields(lines[i]);
        const double scratchTop1 = std::strtod(f[3].c_str(), nullptr);
        const double tlegTop1 = std::strtod(f[6].c_str(), nullptr);
        ASSERT_TRUE(tlegTop1 > 40.0) << lines[i]; // chance is 10 %
        ASSERT_TRUE(scratchTop1 > 25.0) << lines[i];
        // The Des-Net file reloads, has the expected depth, and reproduces its accuracy
        // on the same test subset.
        model::ModelMetadata md;
        auto des = model::loadViT(f[10], &md);
        ASSERT_EQ(des->config().depth, std::strtoll(f[0].c_str(), nullptr, 10));
        ASSERT_TRUE(des->named_parameters().contains("blocks.0.attn.qkv.weight"));
        // The CLI ran with its default precision: bf16 matmuls where the CPU has them.
        model::setBf16Matmul(util::nativeBf16());
        const auto ev =
            train::evaluate(*des, testSubset, train::normalizationFrom(md.extra, split.train));
        model::setBf16Matmul(false);
        ASSERT_TRUE(std::abs(ev.top1 - tlegTop1) < 0.01)
            << "reloaded " << ev.top1 << " vs reported " << tlegTop1;
    }
    // --val-fraction 0.2: every stage chose its epoch on a fifth of the 6,000 training images.
    for (const char* stage : {"ancestry", "aux-net", "des-2", "scratch-4"}) {
        const auto cfg = nlohmann::json::parse(
            tleg::testing::readFile(out + "/" + stage + "/config.json"));
        ASSERT_EQ(cfg.at("val_images").get<int64_t>(), int64_t(1200)) << stage;
        ASSERT_EQ(cfg.at("train_images").get<int64_t>(), int64_t(4800)) << stage;
    }
    auto lg = model::Learngene::load(out + "/learngene.safetensors");
    ASSERT_TRUE(lg.storedParams() > 0);
    ASSERT_TRUE(lg.thetaA(model::QkvWeight).defined());
}

TEST_F(Pipeline, expandAndInfoShowTimmNames)
{
    const std::string out = path("smoke");
    const std::string des = path("des-3.safetensors");
    const auto e = runCli(
        {"expand", "--learngene", out + "/learngene.safetensors", "--depth", "3", "--out", des},
        60000);
    ASSERT_TRUE(e.exitCode == 0) << e.out;
    ASSERT_TRUE(contains(e.out, "0.000 0.333 0.667"));
    const auto info = runCli({"info", des}, 60000);
    ASSERT_TRUE(info.exitCode == 0) << info.out;
    ASSERT_TRUE(contains(info.out, "blocks.2.attn.qkv.weight"));
    ASSERT_TRUE(contains(info.out, "[96, 32]")); // qkv of the smoke Aux-Net's width 32
    ASSERT_TRUE(contains(info.out, "tleg_kind: vit"));
    ASSERT_TRUE(!contains(info.out, "blocks.3."));
}

TEST_F(Pipeline, finetuneOnATransferSplitGetsAFreshHead)
{
    const std::string des = path("des-3.safetensors"); // from the test above
    const std::string run = path("transfer");
    const auto r = runCli({"finetune", "--model", des, "--classes", "5,6,7", "--per-class", "100",
                           "--test-subset", "300", "--epochs", "1", "--threads", "2", "--out", run},
                          120000);
    ASSERT_TRUE(r.exitCode == 0) << r.out;
    ASSERT_TRUE(contains(r.out, "starting with a fresh head"));
    ASSERT_TRUE(contains(r.out, "300 train"));
    auto net = model::loadViT(run + "/model.safetensors");
    ASSERT_EQ(net->config().numClasses, int64_t(3));
    ASSERT_EQ(net->config().depth, int64_t(3));
}

TEST_F(Pipeline, badInputGivesOneClearError)
{
    const auto r = runCli({"info", path("nope.safetensors")}, 60000);
    ASSERT_EQ(r.exitCode, 1);
    ASSERT_TRUE(contains(r.out, "nope.safetensors")) << r.out;
    const auto u = runCli({"expand", "--depth", "x"}, 60000);
    ASSERT_EQ(u.exitCode, 1);
    const auto h = runCli({"distill", "--help"}, 60000);
    ASSERT_EQ(h.exitCode, 0);
    ASSERT_TRUE(contains(h.out, "--lambda"));
    // A stage option out of range: one line naming it, and no output folder begun.
    const std::string out = path("bad-val");
    const auto v =
        runCli({"pipeline", "--preset", "smoke", "--val-fraction", "0.7", "--out", out}, 60000);
    ASSERT_EQ(v.exitCode, 1);
    ASSERT_TRUE(contains(v.out, "--val-fraction")) << v.out;
    ASSERT_TRUE(!fileExists(out)) << out;
}
