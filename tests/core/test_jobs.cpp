// The workflow layer: roles and run folders, job specs as config.json stores them, the jobs'
// checks before any work, and `rerun` reproducing a run to the last digit (fp32, fixed threads).
#include "experiments/chart.h"
#include "model/aux_net.h"
#include "model/learngene.h"
#include "test_support.h"
#include "tiny_models.h"
#include "util/folder_lock.h"
#include "util/machine.h"
#include "workflow/checkpoint_learngene.h"
#include "workflow/jobs.h"
#include "workflow/run_index.h"

#include <chrono>
#include <csignal>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <sstream>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <filesystem>

using namespace tleg;
using namespace tleg::testing;
namespace fs = std::filesystem;

namespace {

/// Fashion-MNIST's first classes, a few hundred images: trains in seconds.
const data::DataSplit& smallData()
{
    static const data::DataSplit split = [] {
        workflow::DataSpec spec;
        spec.options.trainSubset = 600;
        spec.options.testSubset = 200;
        return workflow::openData(spec);
    }();
    return split;
}

workflow::DataSpec smallDataSpec()
{
    workflow::DataSpec spec;
    spec.options.trainSubset = 600;
    spec.options.testSubset = 200;
    return spec;
}

/// fp32, one thread, no augmentation: the same spec gives the same numbers.
train::TrainOptions exactOptions(int64_t epochs)
{
    train::TrainOptions o;
    o.epochs = epochs;
    o.batchSize = 50;
    o.lr = 2e-3;
    o.warmupEpochs = 0.2;
    o.threads = 1;
    o.bf16 = false;
    o.augment = false;
    return o;
}

/// metrics.csv without the columns that time the run.
std::string metricsWithoutTimes(const std::string& runDir)
{
    std::string out;
    for (const auto& line : nonEmptyLines(readFile(runDir + "/metrics.csv"))) {
        std::vector<std::string> cells;
        std::stringstream ss(line);
        for (std::string c; std::getline(ss, c, ',');)
            cells.push_back(c);
        // epoch, train_loss, train_top1, val_loss, val_top1, val_top5, lr, seconds, img/s
        for (size_t i = 0; i < std::min<size_t>(7, cells.size()); ++i)
            out += cells[i] + (i + 1 < 7 ? "," : "\n");
    }
    return out;
}

workflow::DistillSpec smallDistill(const std::string& teacher, const std::string& out)
{
    workflow::DistillSpec spec;
    spec.data = smallDataSpec();
    spec.aux = fmnistTinyConfig(3);
    spec.teacher = teacher;
    spec.train = exactOptions(2);
    spec.train.loss.lambda = 1.0;
    spec.out = out;
    return spec;
}

} // namespace

TEST(Roles, OneSpellingOnDiskAndTheOlderOnesRead)
{
    using workflow::Role;
    for (Role r : {Role::Ancestry, Role::AuxNet, Role::DesNet, Role::Scratch, Role::FineTune,
                   Role::Pretrain}) {
        const auto back = workflow::roleFromName(workflow::roleName(r));
        ASSERT_TRUE(back.has_value());
        EXPECT_EQ(*back, r);
    }
    EXPECT_EQ(workflow::roleName(Role::AuxNet), "aux-net");
    EXPECT_EQ(*workflow::roleFromName("auxnet"), Role::AuxNet);
    EXPECT_EQ(*workflow::roleFromName("desnet"), Role::DesNet);
    EXPECT_EQ(*workflow::roleFromName("finetune"), Role::FineTune);
    EXPECT_FALSE(workflow::roleFromName("teacher").has_value());
}

TEST(Roles, RunFoldersFollowOneScheme)
{
    TempDir dir;
    using workflow::Role;
    EXPECT_EQ(workflow::runFolderBase(Role::DesNet, 6), "des-6");
    EXPECT_EQ(workflow::runFolderBase(Role::Scratch, 4), "scratch-4");
    EXPECT_EQ(workflow::runFolderBase(Role::AuxNet), "aux-net");
    const std::string first = workflow::newRunFolder(dir.path(), "aux-net");
    EXPECT_EQ(first, dir.filePath("aux-net"));
    fs::create_directories(first);
    EXPECT_EQ(workflow::newRunFolder(dir.path(), "aux-net"), dir.filePath("aux-net-2"));
    fs::create_directories(dir.filePath("aux-net-2"));
    EXPECT_EQ(workflow::newRunFolder(dir.path(), "aux-net"), dir.filePath("aux-net-3"));
}

TEST(Specs, RoundTripThroughJson)
{
    workflow::TrainSpec t;
    t.role = workflow::Role::DesNet;
    t.data.source = "/data/x";
    t.data.options.classes = {5, 6, 7};
    t.data.options.perClass = 20;
    t.data.options.subsetFirst = true;
    t.data.options.format = data::Format::Cifar100;
    t.init.method = workflow::InitMethod::Learngene;
    t.init.path = "/runs/aux-net/learngene.safetensors";
    t.init.expand.depth = 8;
    t.init.expand.initFrom = 2;
    t.init.expand.seed = 11;
    t.init.newHead = true;
    t.init.seed = 11;
    t.train = exactOptions(3);
    t.train.loss.labelSmoothing = 0.1;
    t.train.clipGrad = 0;
    const auto back = workflow::TrainSpec::fromJson(t.toJson());
    EXPECT_EQ(back.toJson(), t.toJson());
    EXPECT_EQ(back.data.options.format, data::Format::Cifar100);
    EXPECT_EQ(back.init.expand.initFrom, 2);

    workflow::DistillSpec d = smallDistill("/t.pt", "/out");
    d.auxOptions.groups = model::kGroupMsa | model::kGroupLn;
    d.auxOptions.expandFrom = 1;
    EXPECT_EQ(workflow::DistillSpec::fromJson(d.toJson()).toJson(), d.toJson());
}

TEST(Specs, AFieldOfTheWrongTypeIsNamed)
{
    auto j = workflow::TrainSpec::ancestry({}, fmnistTinyConfig(), exactOptions(1)).toJson();
    j["train"]["lr"] = "fast";
    EXPECT_EQ(expectError([&] { workflow::TrainSpec::fromJson(j); }, {"'lr'", "wrong type"}), "");
    j = workflow::TrainSpec::ancestry({}, fmnistTinyConfig(), exactOptions(1)).toJson();
    j["data"]["format"] = "tiff";
    EXPECT_EQ(expectError([&] { workflow::TrainSpec::fromJson(j); }, {"tiff", "image-folder"}), "");
    j["data"]["format"] = "auto";
    j["init"]["method"] = "magic";
    EXPECT_EQ(expectError([&] { workflow::TrainSpec::fromJson(j); }, {"magic", "learngene"}), "");
}

TEST(Options, EveryOptionIsValidatedBeforeWork)
{
    const std::vector<std::pair<std::function<void(train::TrainOptions&)>, std::string>> bad = {
        {[](auto& o) { o.lr = std::nan(""); }, "--lr"},
        {[](auto& o) { o.minLr = -1; }, "--min-lr"},
        {[](auto& o) { o.weightDecay = std::nan(""); }, "--wd"},
        {[](auto& o) { o.clipGrad = std::nan(""); }, "--clip"},
        {[](auto& o) { o.loss.labelSmoothing = 2; }, "--smoothing"},
        {[](auto& o) { o.warmupEpochs = -1; }, "--warmup"},
        {[](auto& o) { o.threads = 100000; }, "--threads"},
        {[](auto& o) { o.threads = -3; }, "--threads"},
        {[](auto& o) { o.loss.lambda = std::nan(""); }, "--lambda"},
        {[](auto& o) { o.loss.tau = 0; }, "--tau"},
        {[](auto& o) { o.epochs = 0; }, "--epochs"},
        {[](auto& o) { o.batchSize = 0; }, "--batch"},
    };
    for (const auto& [spoil, option] : bad) {
        SCOPED_TRACE(option);
        train::TrainOptions o;
        spoil(o);
        EXPECT_EQ(expectError([&] { o.validate(); }, {option}), "");
    }
    train::TrainOptions fine;
    EXPECT_NO_THROW(fine.validate());
}

TEST(Jobs, NothingIsWrittenWhenAJobIsRefused)
{
    TempDir dir;
    // A 1-class teacher for 10-class data: one sentence naming the teacher, before any file.
    auto one = fmnistTinyConfig(2);
    one.numClasses = 1;
    const std::string teacher = dir.filePath("one-class.safetensors");
    model::saveClassifier(teacher, *model::ViT(one));
    auto spec = smallDistill(teacher, dir.filePath("refused"));
    EXPECT_EQ(expectError([&] { workflow::runDistill(spec, {}, &smallData()); },
                          {teacher, "predicts 1 classes", "has 10"}),
              "");
    EXPECT_FALSE(fs::exists(dir.filePath("refused")));
    // λ = NaN: the option is named (not "needs a teacher").
    spec.train.loss.lambda = std::nan("");
    EXPECT_EQ(expectError([&] { workflow::runDistill(spec, {}, &smallData()); }, {"--lambda"}), "");
    // An empty run folder.
    spec = smallDistill(teacher, "");
    EXPECT_EQ(expectError([&] { workflow::runDistill(spec, {}, &smallData()); }, {"--out"}), "");
    EXPECT_FALSE(fs::exists(dir.filePath("refused")));
}

TEST(Jobs, RerunReproducesADistillationAndAFineTune)
{
    TempDir dir;
    const auto& data = smallData();
    // An ancestry, distilled into a learngene, expanded into a fine-tuned Des-Net.
    auto anc = workflow::TrainSpec::ancestry(smallDataSpec(), fmnistTinyConfig(2), exactOptions(2));
    anc.out = dir.filePath("ancestry");
    const auto a = workflow::runTrain(anc, {}, &data);
    ASSERT_FALSE(a.model.empty());
    const auto d = workflow::runDistill(smallDistill(a.model, dir.filePath("aux-net")), {}, &data);
    ASSERT_FALSE(d.learngene.empty());
    workflow::TrainSpec des;
    des.role = workflow::Role::DesNet;
    des.data = smallDataSpec();
    des.init.method = workflow::InitMethod::Learngene;
    des.init.path = d.learngene;
    des.init.expand.depth = 4;
    des.train = exactOptions(2);
    des.out = dir.filePath("des-4");
    const auto f = workflow::runTrain(des, {}, &data);
    ASSERT_FALSE(f.model.empty());

    // The run folders record their jobs; a rerun opens the data itself from the spec.
    for (const std::string run : {"aux-net", "des-4"}) {
        SCOPED_TRACE(run);
        const auto record = workflow::readRunRecord(dir.filePath(run));
        EXPECT_EQ(record.job, run == "aux-net" ? "distill" : "train");
        const auto again = workflow::rerun(dir.filePath(run), "", {});
        EXPECT_EQ(again.runDir, dir.filePath(run + "-rerun"));
        const std::string before = metricsWithoutTimes(dir.filePath(run));
        EXPECT_EQ(nonEmptyLines(before).size(), 3u); // header + 2 epochs
        EXPECT_EQ(metricsWithoutTimes(again.runDir), before);
        const auto listed = workflow::listRun(again.runDir);
        EXPECT_EQ(listed.kind, run == "aux-net" ? "aux-net" : "des-net");
        EXPECT_EQ(listed.state, workflow::RunState::Finished);
    }
    EXPECT_EQ(workflow::rerunFolder(dir.filePath("des-4")), dir.filePath("des-4-rerun-2"));
}

// A distillation stopped after its first epoch: the learngene of that epoch is written from the
// checkpoint and is what the checkpoint's Aux-Net holds; no checkpoint, no learngene; a training
// run's checkpoint (no Aux-Net) is refused naming the file. Resuming finishes the run.
TEST(Jobs, AStoppedDistillationKeepsTheLearngeneOfItsFinishedEpoch)
{
    TempDir dir;
    const auto& data = smallData();
    auto anc = workflow::TrainSpec::ancestry(smallDataSpec(), fmnistTinyConfig(2), exactOptions(1));
    anc.out = dir.filePath("ancestry");
    const auto a = workflow::runTrain(anc, {}, &data);
    ASSERT_FALSE(a.model.empty());

    auto spec = smallDistill(a.model, dir.filePath("aux-net"));
    workflow::Hooks hooks;
    hooks.progress = [](const train::Progress& p) { return !p.epochDone; }; // stop after epoch 1
    const auto stopped = workflow::runDistill(spec, hooks, &data);
    ASSERT_TRUE(stopped.learngene.empty());
    ASSERT_EQ(stopped.result.history.size(), 1u);

    const auto lg = workflow::saveCheckpointLearngene(spec.out);
    EXPECT_EQ(lg.epochs, 1);
    EXPECT_EQ(lg.plannedEpochs, 2);
    EXPECT_EQ(lg.path, dir.filePath("aux-net/learngene-epoch-1.safetensors"));
    EXPECT_NEAR(lg.top1, stopped.result.history.front().valTop1, 1e-3);
    const auto learngene = model::Learngene::load(lg.path);
    EXPECT_EQ(learngene.storedParams(), lg.storedParams);
    EXPECT_EQ(learngene.config.depth, 3);
    // The listing still sees a stopped run (the final learngene.safetensors is not there).
    EXPECT_EQ(workflow::listRun(spec.out).state, workflow::RunState::Stopped);

    fs::create_directories(dir.filePath("no-checkpoint"));
    EXPECT_EQ(workflow::saveCheckpointLearngene(dir.filePath("no-checkpoint")).epochs, 0);
    EXPECT_EQ(expectError([&] { workflow::saveCheckpointLearngene(dir.filePath("ancestry")); },
                          {"ancestry/checkpoint.safetensors", "not an Aux-Net"}),
              "");

    spec.resume = true;
    const auto resumed = workflow::runDistill(spec, {}, &data);
    EXPECT_FALSE(resumed.learngene.empty());
    EXPECT_EQ(nonEmptyLines(readFile(spec.out + "/metrics.csv")).size(), 3u); // header + 2
}

// charts.json: what the GUI draws the experiments from comes back as it was written; a damaged
// file names itself.
TEST(Charts, KeptAsDataAndReadBack)
{
    TempDir dir;
    experiments::Chart line{"Top-1 against depth", "depth", "top-1 (%)"};
    line.wholeX = true;
    line.series.push_back({"TLEG", {2, 4, 6}, {81.25, 83.0, 84.125}, {0.5, 0.25, 0.0}});
    line.series.push_back({"scratch", {2, 4, 6}, {70.0, 71.5, 72.0}, {}});
    experiments::Chart bars{"S-Params", "", "millions"};
    bars.categories = {"TLEG", "Pre-Fin"};
    bars.series.push_back({"stored", {}, {0.1, 1.2}, {}});
    const std::vector<std::pair<std::string, experiments::Chart>> charts = {{"top1.png", line},
                                                                             {"params.png", bars}};
    std::ofstream(dir.filePath(experiments::kChartsFile)) << experiments::chartsJson(charts);
    const auto back = experiments::readCharts(dir.path());
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back[0].first, "top1.png");
    EXPECT_EQ(experiments::toJson(back[0].second), experiments::toJson(line));
    EXPECT_EQ(experiments::toJson(back[1].second), experiments::toJson(bars));
    EXPECT_TRUE(back[0].second.wholeX);
    EXPECT_EQ(back[1].second.categories, bars.categories);

    std::ofstream(dir.filePath(experiments::kChartsFile)) << "{\"charts\": [1, 2";
    EXPECT_EQ(expectError([&] { experiments::readCharts(dir.path()); }, {"charts.json"}), "");
    TempDir empty;
    EXPECT_TRUE(experiments::readCharts(empty.path()).empty());
}

TEST(Jobs, AnOldRunWithoutAJobRecordSaysSo)
{
    TempDir dir;
    fs::create_directories(dir.filePath("old"));
    writeFile(dir.filePath("old/config.json"), R"({"kind": "vit", "train_options": {}})");
    EXPECT_EQ(expectError([&] { workflow::readRunRecord(dir.filePath("old")); },
                          {"config.json", "no job"}),
              "");
    EXPECT_EQ(expectError([&] { workflow::rerun(dir.filePath("missing"), "", {}); },
                          {"missing", "config.json"}),
              "");
}

TEST(FolderLocks, ASecondWriterIsRefusedAndLeftoversGo)
{
    TempDir dir;
    const std::string run = dir.filePath("run");
    fs::create_directories(run);
    writeFile(run + "/model.safetensors.tmp-99999-0", "half a file");
    {
        FolderLock first(run);
        EXPECT_FALSE(fs::exists(run + "/model.safetensors.tmp-99999-0"));
        EXPECT_EQ(expectError([&] { FolderLock second(run); },
                              {run, "another run", std::to_string(::getpid())}),
                  "");
    }
    FolderLock again(run); // released with the first: taken without a word
    EXPECT_TRUE(fs::exists(run + "/" + FolderLock::kFileName));
}

TEST(Model, AuxNetSizeIsCountedExactly)
{
    for (unsigned groups : {model::kAllGroups, unsigned(model::kGroupMsa),
                            unsigned(model::kGroupMlp | model::kGroupLn)})
        for (int64_t from : {0, 2})
            for (bool share : {false, true}) {
                model::AuxOptions o;
                o.groups = groups;
                o.expandFrom = from;
                o.shareOnly = share;
                const auto cfg = fmnistTinyConfig(4);
                model::AuxNet aux(cfg, o);
                int64_t n = 0;
                for (const auto& p : aux->parameters())
                    n += p.numel();
                SCOPED_TRACE(model::groupsToString(groups) + " from " + std::to_string(from));
                EXPECT_EQ(model::auxNetSize(cfg, o).trainable, n);
                const auto lg = model::Learngene::fromAuxNet(*aux);
                EXPECT_EQ(model::auxNetSize(cfg, o).stored, lg.storedParams());
            }
}

TEST(Data, AFlatImageFolderIsSplitAndAWrongFormatNamed)
{
    TempDir dir;
    for (int c = 0; c < 2; ++c)
        for (int i = 0; i < 10; ++i) {
            const auto folder = dir.filePath("flat/class" + std::to_string(c));
            fs::create_directories(folder);
            // 2×2 grey PGM images: OpenCV reads them like any image file.
            writeFile(folder + "/" + std::to_string(i) + ".pgm",
                      std::string("P5 2 2 255\n") + char(10 * i) + char(c) + char(3) + char(4));
        }
    data::OpenOptions o;
    o.imageSize = 8;
    const auto split = data::openDataset(dir.filePath("flat"), o);
    EXPECT_EQ(split.train.size() + split.test.size(), 20);
    EXPECT_EQ(split.test.size(), 4); // a seeded 20 %
    EXPECT_TRUE(contains(split.note, "20%"));
    o.format = data::Format::Idx;
    EXPECT_EQ(expectError([&] { data::openDataset(dir.filePath("flat"), o); },
                          {"image-folder", "not idx"}),
              "");
}

TEST(Machine, DefaultThreadsAreTheIdleCores)
{
    const int cores = util::usableCores();
    const int threads = util::defaultThreads();
    EXPECT_GE(threads, 1);
    EXPECT_LE(threads, cores);
    const double idle = util::idleCores(0.1);
    EXPECT_GE(idle, 0.0);
    EXPECT_LE(idle, double(cores));
}

// What keeps a busy desktop from slowing training 10x: beside one CPU-bound process, the
// default leaves that process's core alone.
TEST(Machine, DefaultThreadsLeaveABusyCoreAlone)
{
    const int cores = util::usableCores();
    if (cores < 2)
        GTEST_SKIP() << "one usable core: nothing to leave alone";
    const pid_t neighbour = ::fork();
    ASSERT_GE(neighbour, 0);
    if (neighbour == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::alarm(120);
        volatile unsigned long spin = 0;
        for (;;)
            spin = spin + 1;
    }
    // Wait until the neighbour has really run (20 clock ticks of CPU time in /proc/PID/stat),
    // not for a fixed time: on a loaded machine it may start late.
    auto cpuTicks = [&] {
        std::ifstream in("/proc/" + std::to_string(neighbour) + "/stat");
        std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::istringstream fields(stat.substr(stat.rfind(')') + 2));
        std::string f;
        long long ticks = 0;
        for (int i = 3; i <= 15 && fields >> f; ++i)
            if (i == 14 || i == 15)
                ticks += std::stoll(f); // utime, stime
        return ticks;
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (cpuTicks() < 20 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
    const int threads = util::defaultThreads();
    ::kill(neighbour, SIGKILL);
    ::waitpid(neighbour, nullptr, 0);
    EXPECT_GE(threads, 1);
    EXPECT_LE(threads, cores - 1);
}
