// A teacher sees what it expects: its own image size, channels and mean/std (from its file, or
// from --teacher-* for TorchScript), the student's batches converted for it once per image, and
// its logits mapped to the data's classes (--teacher-class-map). A teacher that takes what the
// student gets sees the batches untouched; a mismatch is one line before any file is written.
#include "data/dataset.h"
#include "model/model_io.h"
#include "train/teacher.h"
#include "train/teacher_input.h"
#include "train/trainer.h"
#include "workflow/jobs.h"

#include "test_support.h"
#include "tiny_models.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace tleg;
using namespace tleg::testing;
namespace fs = std::filesystem;
namespace F = torch::nn::functional;

namespace {

const data::DataSplit& smallData()
{
    static const data::DataSplit split = [] {
        workflow::DataSpec spec;
        spec.options.trainSubset = 300;
        spec.options.testSubset = 100;
        return workflow::openData(spec);
    }();
    return split;
}

workflow::DataSpec smallDataSpec()
{
    workflow::DataSpec spec;
    spec.options.trainSubset = 300;
    spec.options.testSubset = 100;
    return spec;
}

/// A depth-1 ViT teacher of this input and class count, saved with normalization metadata when
/// mean is not empty.
std::string saveViTTeacher(const std::string& path, int64_t size, int64_t channels, int64_t classes,
                           const std::vector<float>& mean = {}, const std::vector<float>& std = {})
{
    model::ViTConfig c;
    c.imageSize = size;
    c.channels = channels;
    c.patchSize = size % 8 == 0 ? 8 : 7;
    c.dim = 16;
    c.heads = 2;
    c.depth = 1;
    c.numClasses = classes;
    model::ViT net = model::scratch(c, 5);
    randomize(*net, 5);
    nlohmann::json extra = nlohmann::json::object();
    if (!mean.empty())
        extra["normalization"] = {{"mean", mean}, {"std", std}};
    model::saveClassifier(path, *net, extra);
    return path;
}

/// Records every input the teacher it wraps gets.
class ProbeTeacher : public train::Teacher {
public:
    explicit ProbeTeacher(std::unique_ptr<train::Teacher> inner) : m_inner(std::move(inner))
    {
        setInput(m_inner->input());
        setClassMap(m_inner->classMap());
    }
    torch::Tensor logits(const torch::Tensor& images) override
    {
        last = images.clone();
        seen += images.size(0);
        return m_inner->logits(images);
    }
    std::string description() const override { return "probe"; }
    torch::Tensor last;
    int64_t seen = 0;

private:
    std::unique_ptr<train::Teacher> m_inner;
};

/// The first batch of d (in order), normalised with norm.
data::Batch firstBatch(const data::Dataset& d, const data::Normalization& norm, int64_t n)
{
    data::LoaderOptions lo;
    lo.batchSize = n;
    lo.shuffle = false;
    lo.norm = norm;
    data::BatchLoader loader(d, lo);
    loader.startEpoch(0);
    data::Batch b;
    EXPECT_TRUE(loader.next(b));
    return b;
}

/// What the teacher must get, from the raw bytes: pixels in [0, 1], grey repeated to three
/// channels, resized bilinearly, normalised with the teacher's mean/std.
torch::Tensor expectedInput(const data::Dataset& d, const torch::Tensor& indices, int64_t size,
                            const std::vector<float>& mean, const std::vector<float>& std)
{
    torch::Tensor u = d.images.index_select(0, indices).to(torch::kFloat) / 255.0;
    u = u.repeat({1, 3, 1, 1});
    u = F::interpolate(u, F::InterpolateFuncOptions()
                              .size(std::vector<int64_t>{size, size})
                              .mode(torch::kBilinear)
                              .align_corners(false));
    return (u - torch::tensor(mean).view({1, 3, 1, 1})) / torch::tensor(std).view({1, 3, 1, 1});
}

double maxDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a - b).abs().max().item<double>();
}

/// Writes a TorchScript module with Debian's python3-torch; false when it is not installed.
bool writeWithPython(const std::string& script, const std::string& out)
{
    const std::string py = out + ".py";
    std::ofstream(py) << script;
    const auto r = runProcess({"/usr/bin/python3", py, out}, 120000, true);
    return r.finished && r.exitCode == 0 && fs::exists(out);
}

/// A TorchScript teacher of 20 classes whose logits are statistics of its input: channels,
/// height, width, then the per-channel means of each image.
const char* kStatsProbe = R"(
import sys, torch
class Probe(torch.nn.Module):
    def forward(self, x):
        out = torch.zeros([x.size(0), 20])
        out[:, 0] = float(x.size(1))
        out[:, 1] = float(x.size(2))
        out[:, 2] = float(x.size(3))
        out[:, 3:3 + x.size(1)] = x.mean(dim=[2, 3])
        out[:, 10:20] = torch.arange(10.0) + x.mean()
        return out
torch.jit.script(Probe()).save(sys.argv[1])
)";

std::string oneLine(const std::string& s)
{
    return s.find('\n') == std::string::npos ? "" : "more than one line: " + s;
}

} // namespace

TEST(TeacherInput, TheFileSaysWhatATeacherTakes)
{
    TempDir dir;
    const std::vector<float> mean{0.5f, 0.4f, 0.3f}, std{0.2f, 0.25f, 0.3f};
    auto t =
        train::loadTeacher(saveViTTeacher(dir.filePath("t.safetensors"), 32, 3, 10, mean, std));
    EXPECT_EQ(t->input().imageSize, 32);
    EXPECT_EQ(t->input().channels, 3);
    EXPECT_EQ(t->input().mean, mean);
    EXPECT_EQ(t->input().std, std);
    // Without normalization metadata the size is known and mean/std are the student's.
    auto bare = train::loadTeacher(saveViTTeacher(dir.filePath("bare.safetensors"), 28, 1, 10));
    EXPECT_EQ(bare->input().imageSize, 28);
    EXPECT_TRUE(bare->input().mean.empty());
    // Unusable normalization metadata is an error naming the file.
    const std::string bad =
        saveViTTeacher(dir.filePath("bad.safetensors"), 28, 1, 10, {0.5f, 0.5f}, {1.0f, 1.0f});
    EXPECT_EQ(expectError([&] { train::loadTeacher(bad); }, {bad, "normalization"}), "");
}

TEST(TeacherInput, ATeacherOfAnotherSizeAndNormalisationGetsTheImagesConvertedForIt)
{
    TempDir dir;
    const auto& d = smallData().train;
    const auto norm = data::computeNormalization(d);
    const std::vector<float> mean{0.5f, 0.4f, 0.3f}, std{0.2f, 0.25f, 0.3f};
    const std::string path = saveViTTeacher(dir.filePath("t32.safetensors"), 32, 3, 10, mean, std);
    ProbeTeacher probe(train::loadTeacher(path));
    train::checkTeacher(probe, d, path);
    train::TeacherFeed feed(&probe, train::studentInput(d, norm));
    ASSERT_TRUE(feed.converts());
    const auto b = firstBatch(d, norm, 16);
    const torch::Tensor z = feed.logits(b.images);
    const torch::Tensor want = expectedInput(d, b.indices, 32, mean, std);
    ASSERT_EQ(probe.last.sizes(), want.sizes());
    EXPECT_LT(maxDiff(probe.last, want), 1e-5);
    EXPECT_EQ(z.sizes(), (std::vector<int64_t>{16, 10}));
    const std::string line = feed.describe();
    for (const char* part : {"32 px", "3 channels", "repeated to 3 channels", "resized to 32 px"})
        EXPECT_NE(line.find(part), std::string::npos) << line;
}

TEST(TeacherInput, ShrinkingIsAntialiased)
{
    // 28 -> 14 px: each output pixel is the [1, 3, 3, 1] / 8 average of its 4 × 4 neighbours
    // (a bilinear kernel stretched to the scale), written out here by hand.
    TempDir dir;
    const auto& d = smallData().train;
    const auto norm = data::computeNormalization(d);
    const std::string path =
        saveViTTeacher(dir.filePath("t14.safetensors"), 14, 1, 10, {0.5f}, {0.5f});
    ProbeTeacher probe(train::loadTeacher(path));
    train::TeacherFeed feed(&probe, train::studentInput(d, norm));
    const auto b = firstBatch(d, norm, 4);
    feed.logits(b.images);
    const auto raw = d.images.index_select(0, b.indices).to(torch::kDouble) / 255.0;
    const double w[4] = {0.125, 0.375, 0.375, 0.125};
    double worst = 0;
    for (int64_t i = 1; i < 13; ++i)
        for (int64_t j = 1; j < 13; ++j) {
            double v = 0;
            for (int a = 0; a < 4; ++a)
                for (int c = 0; c < 4; ++c)
                    v += w[a] * w[c] * raw[2][0][2 * i - 1 + a][2 * j - 1 + c].item<double>();
            worst =
                std::max(worst, std::abs((v - 0.5) / 0.5 - probe.last[2][0][i][j].item<double>()));
        }
    EXPECT_LT(worst, 1e-5);
}

TEST(TeacherInput, DistillationRunsAndConvertsEachImageOnce)
{
    TempDir dir;
    const auto& split = smallData();
    const std::string path = saveViTTeacher(dir.filePath("t32.safetensors"), 32, 3, 10,
                                            {0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f});
    // Through the trainer with cached logits: the teacher sees each training image once.
    ProbeTeacher probe(train::loadTeacher(path));
    train::checkTeacher(probe, split.train, path);
    probe.seen = 0; // the check's two blank images
    model::AuxNet aux(fmnistTinyConfig(2), model::AuxOptions{});
    train::TrainOptions o;
    o.epochs = 2;
    o.batchSize = 50;
    o.threads = 1;
    o.augment = false;
    o.loss.lambda = 1.0;
    const auto r = train::train(*aux, split.train, split.test, o, &probe);
    EXPECT_FALSE(r.stopped);
    // Each image at most once: 270 are trained on (30 held out for validation never reach the
    // teacher), 250 of them in each epoch's five batches of 50 (the short last batch is dropped;
    // an image it left out goes to the teacher alone when a later batch holds it).
    const int64_t trained = split.train.size() - std::llround(0.1 * double(split.train.size()));
    EXPECT_EQ(trained, int64_t(270));
    EXPECT_GE(probe.seen, int64_t(250));
    EXPECT_LE(probe.seen, trained);
    EXPECT_EQ(probe.last.size(2), 32);

    // Through the job: the log says what the teacher takes, config.json records it.
    workflow::DistillSpec spec;
    spec.data = smallDataSpec();
    spec.aux = fmnistTinyConfig(2);
    spec.teacher = path;
    spec.train = o;
    spec.train.epochs = 1;
    spec.out = dir.filePath("aux-net");
    std::vector<std::string> said;
    workflow::Hooks hooks;
    hooks.log = [&said](const std::string& s) { said.push_back(s); };
    const auto out = workflow::runDistill(spec, hooks, &split);
    ASSERT_FALSE(out.learngene.empty());
    std::string teacherLine;
    for (const auto& s : said)
        if (s.rfind("teacher: ", 0) == 0)
            teacherLine = s;
    for (const char* part :
         {"32 px", "3 channels", "ImageNet mean/std", "10 classes", "repeated to 3 channels"})
        EXPECT_NE(teacherLine.find(part), std::string::npos) << teacherLine;
    EXPECT_NE(readFile(spec.out + "/log.txt").find("teacher: " + path), std::string::npos);
    const auto cfg = nlohmann::json::parse(readFile(spec.out + "/config.json"));
    EXPECT_EQ(cfg["teacher_input"]["image_size"], 32);
    EXPECT_EQ(cfg["teacher_input"]["channels"], 3);
}

TEST(TeacherInput, ATeacherThatTakesTheStudentsInputGetsTheBatchUntouched)
{
    TempDir dir;
    const auto& d = smallData().train;
    const auto norm = data::computeNormalization(d);
    const auto b = firstBatch(d, norm, 32);
    // Saved with the student's normalisation (an ancestry trained on this data), and without
    // any (an older file): the logits are the model's own, to the bit.
    for (bool withNorm : {true, false}) {
        const std::string path = saveViTTeacher(dir.filePath("same.safetensors"), 28, 1, 10,
                                                withNorm ? norm.mean : std::vector<float>{},
                                                withNorm ? norm.std : std::vector<float>{});
        auto teacher = train::loadTeacher(path);
        train::checkTeacher(*teacher, d, path);
        train::TeacherFeed feed(teacher.get(), train::studentInput(d, norm));
        EXPECT_FALSE(feed.converts());
        EXPECT_TRUE(feed.prepare(b.images).is_same(b.images));
        auto net = model::loadViT(path);
        net->eval();
        torch::NoGradGuard g;
        EXPECT_TRUE(torch::equal(feed.logits(b.images), net->forward(b.images)));
        EXPECT_NE(feed.describe().find("unchanged"), std::string::npos) << feed.describe();
    }
}

TEST(TeacherInput, ATorchScriptTeacherTakesTheStudentsInputUnlessTold)
{
    TempDir dir;
    const std::string path = dir.filePath("probe.pt");
    if (!writeWithPython(kStatsProbe, path))
        GTEST_SKIP() << "Debian's python3-torch (/usr/bin/python3) is needed to write the probe";
    const auto& d = smallData().train;
    const auto norm = data::computeNormalization(d);
    const auto b = firstBatch(d, norm, 8);
    std::vector<int64_t> map{10, 11, 12, 13, 14, 15, 16, 17, 18, 19};

    // Nothing said: the student's batches as they are, and the log says so.
    auto plain = train::loadTeacher(path);
    train::applyTeacherOptions(*plain, {0, {}, {}, map}, path);
    train::checkTeacher(*plain, d, path);
    train::TeacherFeed same(plain.get(), train::studentInput(d, norm));
    EXPECT_FALSE(same.converts());
    EXPECT_NE(same.describe().find("(the student's)"), std::string::npos) << same.describe();
    EXPECT_NE(same.describe().find("20 → 10 classes"), std::string::npos) << same.describe();
    // The class map picks the logits: 10..19 are arange(10) + the batch mean.
    const auto z = same.logits(b.images);
    EXPECT_TRUE(torch::allclose(z, torch::arange(10.0).unsqueeze(0) + b.images.mean()));

    // Told: 32 px, RGB, its own mean/std.
    train::TeacherOptions o;
    o.imageSize = 32;
    o.mean = {0.5f, 0.4f, 0.3f};
    o.std = {0.2f, 0.25f, 0.3f};
    auto told = train::loadTeacher(path);
    train::applyTeacherOptions(*told, o, path);
    train::TeacherFeed feed(told.get(), train::studentInput(d, norm));
    const auto stats = feed.logits(b.images);
    const auto want = expectedInput(d, b.indices, 32, o.mean, o.std).mean({2, 3}); // [B, 3]
    EXPECT_EQ(stats[0][0].item<double>(), 3.0);
    EXPECT_EQ(stats[0][1].item<double>(), 32.0);
    EXPECT_EQ(stats[0][2].item<double>(), 32.0);
    EXPECT_LT(maxDiff(stats.slice(1, 3, 6), want), 1e-5);
}

TEST(TeacherInput, AClassMapPicksTheTeachersLogitsForTheData)
{
    TempDir dir;
    const auto& d = smallData().train;
    const auto norm = data::computeNormalization(d);
    const std::string path =
        saveViTTeacher(dir.filePath("t20.safetensors"), 28, 1, 20, norm.mean, norm.std);
    const std::vector<int64_t> map{19, 0, 7, 3, 3, 12, 5, 8, 1, 17};
    auto teacher = train::loadTeacher(path);
    train::applyTeacherOptions(*teacher, {0, {}, {}, map}, path);
    train::checkTeacher(*teacher, d, path);
    EXPECT_EQ(teacher->classes(), 20);
    train::TeacherFeed feed(teacher.get(), train::studentInput(d, norm));
    const auto b = firstBatch(d, norm, 16);
    auto net = model::loadViT(path);
    net->eval();
    torch::NoGradGuard g;
    EXPECT_TRUE(torch::equal(feed.logits(b.images),
                             net->forward(b.images).index_select(1, torch::tensor(map))));
}

TEST(TeacherInput, AClassMismatchIsOneLineNamingTheOptionAndNothingIsWritten)
{
    TempDir dir;
    const auto& split = smallData();
    const std::string path = saveViTTeacher(dir.filePath("t20.safetensors"), 28, 1, 20);
    workflow::DistillSpec spec;
    spec.data = smallDataSpec();
    spec.aux = fmnistTinyConfig(2);
    spec.teacher = path;
    spec.train.epochs = 1;
    spec.train.threads = 1;
    spec.train.loss.lambda = 1.0;
    spec.out = dir.filePath("refused");
    const std::vector<std::pair<std::vector<int64_t>, std::vector<std::string>>> cases = {
        {{}, {path, "predicts 20 classes", "has 10", "--teacher-class-map"}},
        {{0, 1, 2, 3, 4, 5, 6, 7, 8}, {path, "--teacher-class-map", "9 entries", "10 classes"}},
        {{0, 1, 2, 3, 4, 5, 6, 7, 8, 20}, {path, "--teacher-class-map", "data class 9", "20"}},
    };
    for (const auto& [map, needles] : cases) {
        spec.teacherOptions.classMap = map;
        std::string message;
        EXPECT_EQ(expectError(
                      [&] {
                          try {
                              workflow::runDistill(spec, {}, &split);
                          } catch (const Error& e) {
                              message = e.what();
                              throw;
                          }
                      },
                      needles),
                  "");
        EXPECT_EQ(oneLine(message), "");
        EXPECT_FALSE(fs::exists(spec.out));
    }
    // A size the file contradicts, channels that cannot be converted: named too.
    spec.teacherOptions = {};
    spec.teacherOptions.imageSize = 32;
    EXPECT_EQ(expectError([&] { workflow::runDistill(spec, {}, &split); },
                          {path, "--teacher-image-size", "28 px"}),
              "");
    spec.teacherOptions = {};
    spec.teacherOptions.mean = {0.5f, 0.5f};
    spec.teacherOptions.std = {0.5f, 0.5f};
    EXPECT_EQ(expectError([&] { workflow::runDistill(spec, {}, &split); },
                          {path, "--teacher-mean", "1 channel"}),
              "");
    EXPECT_FALSE(fs::exists(spec.out));
}

TEST(TeacherInput, OptionsAreParsedAndCheckedBeforeWork)
{
    TempDir dir;
    EXPECT_EQ(train::parseClassMap("0,217, 482"), (std::vector<int64_t>{0, 217, 482}));
    const std::string lines = dir.filePath("map.txt"), json = dir.filePath("map.json");
    std::ofstream(lines) << "5\n\n7\r\n9\n";
    std::ofstream(json) << " [3, 1, 2]";
    EXPECT_EQ(train::parseClassMap(lines), (std::vector<int64_t>{5, 7, 9}));
    EXPECT_EQ(train::parseClassMap(json), (std::vector<int64_t>{3, 1, 2}));
    EXPECT_EQ(expectError([] { train::parseClassMap("1,nan,3"); },
                          {"--teacher-class-map", "entry 1", "'nan'"}),
              "");
    EXPECT_EQ(expectError([] { train::parseClassMap("1,-4"); }, {"--teacher-class-map", "'-4'"}),
              "");
    std::ofstream(lines) << "5\nsix\n";
    EXPECT_EQ(expectError([&] { train::parseClassMap(lines); },
                          {"--teacher-class-map", lines, "line 2", "'six'"}),
              "");
    std::ofstream(json) << "[1, 2.5]";
    EXPECT_EQ(expectError([&] { train::parseClassMap(json); }, {json, "entry 1", "2.5"}), "");
    EXPECT_EQ(train::parseChannelValues("--teacher-mean", "0.5,0.25"),
              (std::vector<float>{0.5f, 0.25f}));
    EXPECT_EQ(expectError([] { train::parseChannelValues("--teacher-mean", "0.5,nan"); },
                          {"--teacher-mean", "entry 1", "'nan'"}),
              "");
    train::TeacherOptions o;
    o.mean = {0.5f};
    EXPECT_EQ(expectError([&] { o.validate(); }, {"--teacher-std"}), "");
    o.std = {0.0f};
    EXPECT_EQ(expectError([&] { o.validate(); }, {"--teacher-std", "positive"}), "");
    o = {};
    o.imageSize = -2;
    EXPECT_EQ(expectError([&] { o.validate(); }, {"--teacher-image-size"}), "");
}

TEST(TeacherInput, TheCliNamesTheOptionAndWritesNothing)
{
    TempDir dir;
    const std::string path = saveViTTeacher(dir.filePath("t20.safetensors"), 28, 1, 20);
    const std::string out = dir.filePath("out");
    const std::vector<std::string> common = {
        "distill", "--teacher", path, "--train-subset", "200", "--test-subset", "100", "--epochs",
        "1",       "--out",     out,  "--threads",      "1"};
    const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> cases = {
        {{}, {"predicts 20 classes", "--teacher-class-map"}},
        {{"--teacher-class-map", "0,1,2,3,4,5,6,7,8,99"}, {"--teacher-class-map", "99"}},
        {{"--teacher-class-map", "0,1,nan"}, {"--teacher-class-map", "'nan'"}},
        {{"--teacher-mean", "0.5", "--teacher-std", "nan"}, {"--teacher-std", "'nan'"}},
    };
    for (const auto& [extra, needles] : cases) {
        auto args = common;
        args.insert(args.end(), extra.begin(), extra.end());
        const auto r = runCli(args, 120000);
        ASSERT_TRUE(r.finished);
        EXPECT_NE(r.exitCode, 0) << r.out;
        for (const auto& n : needles)
            EXPECT_NE(r.out.find(n), std::string::npos) << n << " in " << r.out;
        const auto errorAt = r.out.find("error: ");
        ASSERT_NE(errorAt, std::string::npos) << r.out;
        EXPECT_EQ(r.out.find('\n', errorAt), r.out.size() - 1) << r.out; // one line, the last
        EXPECT_FALSE(fs::exists(out));
    }
}

TEST(TeacherInput, TheOptionsTravelThroughConfigJsonIntoARerun)
{
    TempDir dir;
    const auto& split = smallData();
    const auto norm = data::computeNormalization(split.train);
    const std::string path = saveViTTeacher(dir.filePath("t20.safetensors"), 28, 1, 20);
    workflow::DistillSpec spec;
    spec.data = smallDataSpec();
    spec.aux = fmnistTinyConfig(2);
    spec.teacher = path;
    spec.teacherOptions.classMap = {19, 0, 7, 3, 3, 12, 5, 8, 1, 17};
    spec.teacherOptions.mean = {norm.mean[0] + 0.1f};
    spec.teacherOptions.std = {norm.std[0] * 2.0f};
    spec.train.epochs = 1;
    spec.train.batchSize = 50;
    spec.train.threads = 1;
    spec.train.bf16 = false;
    spec.train.augment = false;
    spec.train.loss.lambda = 1.0;
    spec.out = dir.filePath("aux-net");
    EXPECT_EQ(workflow::DistillSpec::fromJson(spec.toJson()).toJson(), spec.toJson());
    workflow::runDistill(spec, {}, &split);
    const auto record = workflow::readRunRecord(spec.out);
    const auto back = workflow::DistillSpec::fromJson(record.spec);
    EXPECT_EQ(back.teacherOptions.toJson(), spec.teacherOptions.toJson());
    const auto again = workflow::rerun(spec.out, dir.filePath("aux-net-rerun"));
    EXPECT_EQ(workflow::readRunRecord(again.runDir).spec["teacher_options"],
              record.spec["teacher_options"]);
    auto metrics = [](const std::string& run) { // the columns before the timings
        std::istringstream csv(readFile(run + "/metrics.csv"));
        std::string out;
        for (std::string line; std::getline(csv, line);) {
            size_t cut = 0;
            for (int i = 0; i < 7 && cut != std::string::npos; ++i)
                cut = line.find(',', cut + 1);
            out += line.substr(0, cut) + "\n";
        }
        return out;
    };
    EXPECT_EQ(metrics(again.runDir), metrics(spec.out));
    EXPECT_NE(readFile(again.runDir + "/log.txt").find("20 → 10 classes via --teacher-class-map"),
              std::string::npos);
}
