// The run index over real run folders written by the trainer on Fashion-MNIST: a finished
// ancestry, an Aux-Net with its learngene, a Des-Net inside a pipeline-like tree, a run stopped
// after 1 of 2 epochs, and a broken folder. Fields, states, curves, rename and the refusals of
// delete are checked against what the trainer returned.
#include "data/dataset.h"
#include "model/aux_net.h"
#include "model/des_net.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "train/trainer.h"
#include "util/files.h"
#include "workflow/run_index.h"
#include "workflow/run_notes.h"

#include <algorithm>
#include <atomic>
#include <chrono>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

#include "test_support.h"
#include "tiny_models.h"

using namespace tleg;
namespace fs = std::filesystem;
using tleg::testing::TempDir;

namespace {

int64_t numel(torch::nn::Module& m)
{
    int64_t n = 0;
    for (const auto& p : m.parameters())
        n += p.numel();
    return n;
}

void writeFile(const fs::path& p, const std::string& text)
{
    std::ofstream out(p, std::ios::binary);
    out << text;
}

const workflow::RunInfo* byName(const std::vector<workflow::RunInfo>& runs, const std::string& name)
{
    for (const auto& r : runs)
        if (r.name == name)
            return &r;
    return nullptr;
}

/// The trainer writes metrics.csv with 6 significant digits.
bool close(double a, double b)
{
    return std::abs(a - b) <= 1e-5 * std::max(1.0, std::abs(b));
}

} // namespace

/// Real runs, trained once on a Fashion-MNIST subset, that every test lists and changes.
class RunIndex : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_dir = new TempDir;
        ASSERT_TRUE(s_dir->isValid());
        s_root = s_dir->filePath("runs");
        auto split = data::loadFashionMnist();
        const data::Dataset trainSet = data::subset(split.train, 300, 1);
        const data::Dataset testSet = data::subset(split.test, 100, 2);

        model::ViT ancestry = model::scratch(tleg::testing::fmnistTinyConfig(2), 0);
        s_ancestryParams = numel(*ancestry);
        s_ancestry = train::train(*ancestry, trainSet, testSet,
                                  tleg::testing::fastRunOptions(path("ancestry"), 2, "ancestry"));
        ASSERT_TRUE(!s_ancestry.stopped);

        torch::manual_seed(0);
        model::AuxNet aux(tleg::testing::fmnistTinyConfig(3), model::AuxOptions{});
        s_auxParams = numel(*aux);
        s_aux = train::train(*aux, trainSet, testSet,
                             tleg::testing::fastRunOptions(path("aux"), 1, "auxnet"));
        model::Learngene::fromAuxNet(*aux).save(joinPath(path("aux"), "learngene.safetensors"));

        // A tree like the pipeline's: a folder that is no run, holding runs.
        makeDirs(path("pipe"));
        writeFile(path("pipe/pipeline.json"), "{}\n");
        model::ViT des = model::scratch(tleg::testing::fmnistTinyConfig(1), 1);
        s_des = train::train(*des, trainSet, testSet,
                             tleg::testing::fastRunOptions(path("pipe/des-1"), 1, "desnet"));

        // Stopped with the flag during epoch 2 of 2.
        std::atomic<bool> stop{false};
        model::ViT stopped = model::scratch(tleg::testing::fmnistTinyConfig(2), 2);
        s_stopped = train::train(
            *stopped, trainSet, testSet,
            tleg::testing::fastRunOptions(path("stopped"), 2, "scratch"), nullptr,
            [&](const train::Progress& p) {
                if (p.epochDone)
                    stop = true;
                return true;
            },
            &stop);
        ASSERT_TRUE(s_stopped.stopped);
        ASSERT_EQ(s_stopped.history.size(), size_t(1));

        makeDirs(path("broken"));
        writeFile(path("broken/config.json"), "{ this is not json");
        makeDirs(path("notes"));
        writeFile(path("notes/readme.txt"), "not a run\n");

        // A marked folder (the experiments' model cache) is not listed, runs inside included.
        makeDirs(path("experiments/cache/m"));
        writeFile(path("experiments/cache/.tleg-hidden"), "cache\n");
        writeFile(path("experiments/cache/m/config.json"), "{}\n");
    }
    static void TearDownTestSuite()
    {
        delete s_dir;
        s_dir = nullptr;
    }

    static std::string path(const std::string& name) { return joinPath(s_root, name); }

    static TempDir* s_dir;
    static std::string s_root;
    static train::TrainResult s_ancestry, s_aux, s_des, s_stopped;
    static int64_t s_ancestryParams, s_auxParams;
};

TempDir* RunIndex::s_dir = nullptr;
std::string RunIndex::s_root;
train::TrainResult RunIndex::s_ancestry, RunIndex::s_aux, RunIndex::s_des, RunIndex::s_stopped;
int64_t RunIndex::s_ancestryParams = 0, RunIndex::s_auxParams = 0;

TEST_F(RunIndex, listsEveryRunAndSkipsOtherFolders)
{
    std::vector<std::string> folders;
    const auto runs = workflow::listRuns(s_root, &folders);
    std::vector<std::string> names;
    for (const auto& r : runs)
        names.push_back(r.name);
    ASSERT_EQ(names,
              (std::vector<std::string>{"ancestry", "aux", "broken", "pipe/des-1", "stopped"}));
    // Watch list: the root, the folders between, the runs; not the runs' insides nor the
    // hidden cache.
    ASSERT_EQ(folders.size(), size_t(1 + 5 + 3)); // root, 5 runs, pipe, notes, experiments
    ASSERT_TRUE(std::find(folders.begin(), folders.end(), path("experiments/cache"))
                == folders.end());
    // Listing the hidden folder itself (root) still works.
    ASSERT_EQ(workflow::listRuns(path("experiments/cache")).size(), size_t(1));
    ASSERT_TRUE(std::find(folders.begin(), folders.end(), path("pipe")) != folders.end());
    ASSERT_TRUE(workflow::listRuns(path("does-not-exist")).empty());
}

TEST_F(RunIndex, finishedRunHasItsNumbers)
{
    const auto r = workflow::listRun(path("ancestry"));
    ASSERT_EQ(r.name, std::string("ancestry"));
    ASSERT_EQ(r.kind, std::string("ancestry"));
    ASSERT_EQ(r.data, std::string("fashion-mnist"));
    ASSERT_EQ(r.depth, int64_t(2));
    ASSERT_EQ(r.parameters, s_ancestryParams);
    ASSERT_EQ(r.parameters, tleg::testing::fmnistTinyConfig(2).totalParams());
    ASSERT_EQ(r.epochsDone, int64_t(2));
    ASSERT_EQ(r.epochsPlanned, int64_t(2));
    ASSERT_EQ(r.state, workflow::RunState::Finished);
    ASSERT_EQ(workflow::runStateName(r.state), std::string("finished"));
    ASSERT_TRUE(r.problem.empty());
    ASSERT_TRUE(r.hasModel && r.hasCheckpoint && !r.hasLearngene);
    ASSERT_EQ(r.curves.size(), size_t(2));
    double seconds = 0;
    for (size_t i = 0; i < 2; ++i) {
        const auto& want = s_ancestry.history[i];
        const auto& got = r.curves[i];
        ASSERT_EQ(got.epoch, int64_t(i + 1));
        ASSERT_TRUE(close(got.trainLoss, want.trainLoss));
        ASSERT_TRUE(close(got.valLoss, want.valLoss));
        ASSERT_TRUE(close(got.valTop1, want.valTop1));
        ASSERT_TRUE(close(got.lr, want.lr));
        seconds += want.seconds;
    }
    // The epoch chosen on the held-out images and its one test score, as the trainer said.
    ASSERT_TRUE(!r.valIsTest);
    ASSERT_EQ(r.selectedEpoch, s_ancestry.selectedEpoch);
    ASSERT_TRUE(close(r.valTop1, s_ancestry.valTop1));
    ASSERT_TRUE(close(r.testTop1, s_ancestry.testTop1));
    ASSERT_TRUE(std::abs(r.seconds - seconds) < 1e-3 * std::max(1.0, seconds));
    ASSERT_TRUE(r.seconds > 0);
}

TEST(RunIndexHistory, aRunFromBeforeTheHoldOutShowsItsLastTestScoreNotTheBest)
{
    // Such runs scored every epoch on the test set and kept the last: their model's metrics
    // have val_top1 (the last epoch's test score) and best_val_top1 (the maximum over epochs,
    // i.e. chosen on the test set), and their config no val_fraction.
    TempDir dir;
    const fs::path run = fs::path(dir.filePath("old"));
    fs::create_directories(run);
    model::ViT net = model::scratch(tleg::testing::fmnistTinyConfig(2), 0);
    nlohmann::json config = {{"kind", "vit"},
                             {"architecture", net->architecture()},
                             {"train_options", {{"epochs", 2}, {"batch_size", 64}}}};
    writeFile(run / "config.json", config.dump());
    writeFile(run / "metrics.csv",
              "epoch,train_loss,train_top1,val_loss,val_top1,val_top5,lr,seconds,"
              "images_per_second\n1,1.0,60,0.9,85.5,99,0.001,2,100\n"
              "2,0.8,70,1.1,80.25,98,0.0001,2,100\n");
    model::saveClassifier((run / "model.safetensors").string(), *net,
                          {{"metrics", {{"val_top1", 80.25}, {"best_val_top1", 85.5},
                                        {"epochs", 2}}}});
    const auto r = workflow::listRun(run.string());
    ASSERT_EQ(r.state, workflow::RunState::Finished) << r.problem;
    ASSERT_TRUE(r.valIsTest);
    ASSERT_EQ(r.testTop1, 80.25); // the model it kept, not the best epoch on the test set
    ASSERT_EQ(r.selectedEpoch, int64_t(2));

    // The same run still training: the last epoch's test score so far, nothing held out.
    fs::remove(run / "model.safetensors");
    const auto running = workflow::listRun(run.string());
    ASSERT_TRUE(running.valIsTest);
    ASSERT_EQ(running.testTop1, 80.25);

    // A new run, still training, with a hold-out: its best epoch so far, and no test score yet.
    config["train_options"]["val_fraction"] = 0.1;
    writeFile(run / "config.json", config.dump());
    const auto held = workflow::listRun(run.string());
    ASSERT_TRUE(!held.valIsTest);
    ASSERT_EQ(held.valTop1, 85.5);
    ASSERT_EQ(held.selectedEpoch, int64_t(1));
    ASSERT_TRUE(held.testTop1 < 0);
}

TEST_F(RunIndex, kindsComeFromTheProvenance)
{
    const auto runs = workflow::listRuns(s_root);
    const auto* aux = byName(runs, "aux");
    ASSERT_TRUE(aux);
    ASSERT_EQ(aux->kind, std::string("aux-net"));
    ASSERT_EQ(aux->depth, int64_t(3));
    ASSERT_EQ(aux->parameters, s_auxParams); // the Aux-Net's own, fewer than a 3-block ViT
    ASSERT_TRUE(aux->parameters < tleg::testing::fmnistTinyConfig(3).totalParams());
    ASSERT_TRUE(aux->hasLearngene);
    ASSERT_EQ(aux->state, workflow::RunState::Finished);

    const auto* des = byName(runs, "pipe/des-1");
    ASSERT_TRUE(des);
    ASSERT_EQ(des->kind, std::string("des-net"));
    ASSERT_EQ(des->depth, int64_t(1));
    ASSERT_EQ(des->epochsDone, int64_t(1));
    ASSERT_TRUE(close(des->valTop1, s_des.valTop1));
    ASSERT_TRUE(close(des->testTop1, s_des.testTop1));
    ASSERT_EQ(des->folder, path("pipe/des-1"));
}

TEST_F(RunIndex, stoppedRunKeepsItsFinishedEpochs)
{
    const auto r = workflow::listRun(path("stopped"));
    ASSERT_EQ(r.kind, std::string("scratch"));
    ASSERT_EQ(r.state, workflow::RunState::Stopped);
    ASSERT_TRUE(r.problem.find("stopped by the user") != std::string::npos) << r.problem.c_str();
    ASSERT_EQ(r.epochsDone, int64_t(1));
    ASSERT_EQ(r.epochsPlanned, int64_t(2));
    ASSERT_TRUE(!r.hasModel);
    ASSERT_TRUE(r.hasCheckpoint);
    ASSERT_EQ(r.parameters,
              tleg::testing::fmnistTinyConfig(2).totalParams()); // from the checkpoint's header
    ASSERT_TRUE(close(r.valTop1, s_stopped.history[0].valTop1)); // the best so far
    ASSERT_EQ(r.selectedEpoch, int64_t(1));
    ASSERT_TRUE(r.testTop1 < 0); // not scored on the test set: the run did not finish
}

TEST_F(RunIndex, runningOrInterruptedFromTheLog)
{
    // A copy of the stopped run whose log ends after an epoch: a run still writing, or,
    // once the log is old, one that was killed.
    const fs::path copy = path("copy");
    fs::copy(path("stopped"), copy);
    writeFile(copy / "log.txt", "[2026-01-01 10:00:00] started vit\n"
                                "[2026-01-01 10:00:01] epoch 1/2 loss 2\n");
    ASSERT_EQ(workflow::listRun(copy.string()).state, workflow::RunState::Running);
    fs::last_write_time(copy / "log.txt", fs::file_time_type::clock::now() - std::chrono::hours(2));
    ASSERT_EQ(workflow::listRun(copy.string()).state, workflow::RunState::Incomplete);
    workflow::deleteRun(copy.string());
    ASSERT_TRUE(!fs::exists(copy));
}

TEST_F(RunIndex, brokenRunsAreListedNotThrown)
{
    const auto runs = workflow::listRuns(s_root);
    const auto* broken = byName(runs, "broken");
    ASSERT_TRUE(broken);
    ASSERT_EQ(broken->state, workflow::RunState::Broken);
    ASSERT_TRUE(broken->problem.find("config.json") != std::string::npos)
        << broken->problem.c_str();

    // Garbage numbers in metrics.csv, a truncated model: broken, each with its reason.
    const fs::path bad = path("bad-metrics");
    fs::copy(path("ancestry"), bad);
    writeFile(bad / "metrics.csv", "epoch,train_loss,val_top1\n1,0.5,abc\n");
    auto r = workflow::listRun(bad.string());
    ASSERT_EQ(r.state, workflow::RunState::Broken);
    ASSERT_TRUE(r.problem.find("metrics.csv") != std::string::npos
                && r.problem.find("line 2") != std::string::npos)
        << r.problem.c_str();
    fs::copy_file(path("ancestry/metrics.csv"), bad / "metrics.csv",
                  fs::copy_options::overwrite_existing);
    fs::resize_file(bad / "model.safetensors", 20);
    r = workflow::listRun(bad.string());
    ASSERT_EQ(r.state, workflow::RunState::Broken);
    ASSERT_TRUE(r.problem.find("model.safetensors") != std::string::npos) << r.problem.c_str();
    ASSERT_EQ(r.epochsDone, int64_t(2)); // what could be read still is
    workflow::deleteRun(bad.string());

    ASSERT_EQ(tleg::testing::expectError([&] { workflow::listRun(path("notes")); },
                                         {"notes", "not a run folder"}),
              "");
}

TEST_F(RunIndex, aFifoOrAClaimOfEndlessEpochsMakesTheRunBroken)
{
    // A FIFO named metrics.csv is never opened (the listing would wait on it forever).
    const fs::path fifo = path("fifo-metrics");
    fs::copy(path("ancestry"), fifo);
    fs::remove(fifo / "metrics.csv");
    ASSERT_EQ(::mkfifo((fifo / "metrics.csv").c_str(), 0600), 0);
    auto r = workflow::listRun(fifo.string());
    ASSERT_EQ(r.state, workflow::RunState::Broken);
    ASSERT_TRUE(r.problem.find("metrics.csv: is not a regular file") != std::string::npos)
        << r.problem.c_str();
    fs::remove_all(fifo);

    // Epoch numbers past any run's length, in metrics.csv or config.json.
    const fs::path huge = path("huge-epochs");
    fs::copy(path("ancestry"), huge);
    writeFile(huge / "metrics.csv", "epoch,train_loss,val_top1\n1,0.5,80\n1e300,0.4,81\n");
    r = workflow::listRun(huge.string());
    ASSERT_EQ(r.state, workflow::RunState::Broken);
    ASSERT_TRUE(r.problem.find("metrics.csv: line 3") != std::string::npos) << r.problem.c_str();
    writeFile(huge / "metrics.csv", "epoch,train_loss,val_top1\n1,0.5,80\n");
    writeFile(huge / "config.json", R"({"kind": "vit", "train_options": {"epochs": 1000000000000000000}})");
    r = workflow::listRun(huge.string());
    ASSERT_EQ(r.state, workflow::RunState::Broken);
    ASSERT_TRUE(r.problem.find("config.json: claims 1000000000000000000 epochs")
                != std::string::npos)
        << r.problem.c_str();
    fs::remove_all(huge);
}

TEST_F(RunIndex, tagsAndNotesAreKeptBesideTheRun)
{
    const std::string run = path("with-notes");
    fs::copy(path("pipe/des-1"), run, fs::copy_options::recursive);
    ASSERT_TRUE(workflow::listRun(run).tags.empty());
    ASSERT_TRUE(workflow::readRunNotes(run).empty());

    const auto tags = workflow::parseTags(" lr sweep, baseline,, lr sweep ,λ 0.5");
    ASSERT_EQ(tags, (std::vector<std::string>{"lr sweep", "baseline", "λ 0.5"}));
    ASSERT_EQ(workflow::joinTags(tags), "lr sweep, baseline, λ 0.5");
    workflow::writeRunNotes(run, {tags, "first try\nloss jumps at epoch 2"});
    const auto info = workflow::listRun(run);
    ASSERT_EQ(info.state, workflow::RunState::Finished);
    ASSERT_EQ(info.tags, tags);
    ASSERT_EQ(info.notes, "first try\nloss jumps at epoch 2");
    ASSERT_EQ(workflow::readRunNotes(run).tags, tags);

    // A damaged notes.json makes the run Broken, naming the file and the field.
    writeFile(joinPath(run, "notes.json"), "{\"tags\": \"baseline\"}");
    auto broken = workflow::listRun(run);
    ASSERT_EQ(broken.state, workflow::RunState::Broken);
    ASSERT_TRUE(broken.problem.find("notes.json") != std::string::npos) << broken.problem;
    ASSERT_TRUE(broken.problem.find("'tags'") != std::string::npos) << broken.problem;
    ASSERT_EQ(tleg::testing::expectError([&] { workflow::readRunNotes(run); },
                                         {"notes.json", "'tags' is not a list"}),
              "");
    writeFile(joinPath(run, "notes.json"), "[1, 2]");
    ASSERT_EQ(tleg::testing::expectError([&] { workflow::readRunNotes(run); },
                                         {"notes.json", "not a JSON object"}),
              "");
    ASSERT_EQ(tleg::testing::expectError([&] { workflow::parseTags(std::string(65, 'x')); },
                                         {"longer than 64"}),
              "");
    ASSERT_EQ(tleg::testing::expectError(
                  [&] { workflow::writeRunNotes(run, {{}, std::string(70000, 'x')}); },
                  {"notes.json", "64 KiB"}),
              "");

    // Empty notes remove the file; the run is whole again and deletes as any run.
    workflow::writeRunNotes(run, {});
    ASSERT_TRUE(!fs::exists(joinPath(run, "notes.json")));
    ASSERT_EQ(workflow::listRun(run).state, workflow::RunState::Finished);
    workflow::writeRunNotes(run, {{"keep"}, ""});
    workflow::deleteRun(run);
    ASSERT_TRUE(!fs::exists(run));
}

TEST_F(RunIndex, renameMovesTheFolder)
{
    const std::string moved = workflow::renameRun(path("stopped"), "stopped-2");
    ASSERT_EQ(moved, path("stopped-2"));
    ASSERT_TRUE(!fs::exists(path("stopped")));
    ASSERT_EQ(workflow::listRun(moved).epochsDone, int64_t(1));
    ASSERT_EQ(tleg::testing::expectError([&] { workflow::renameRun(moved, "ancestry"); },
                                         {"ancestry", "already exists"}),
              "");
    ASSERT_EQ(tleg::testing::expectError([&] { workflow::renameRun(moved, "a/b"); }, {"a/b"}), "");
    ASSERT_EQ(tleg::testing::expectError([&] { workflow::renameRun(moved, ""); }, {"not a valid"}),
              "");
    ASSERT_EQ(tleg::testing::expectError([&] { workflow::renameRun(path("notes"), "x"); },
                                         {"not a run folder"}),
              "");
    ASSERT_EQ(workflow::renameRun(moved, "stopped"), path("stopped"));
}

TEST_F(RunIndex, deleteRefusesWhatIsNoRun)
{
    // The pipeline folder, a plain folder, a run holding a subfolder or a foreign file.
    ASSERT_EQ(tleg::testing::expectError([&] { workflow::deleteRun(path("pipe")); },
                                         {"pipe", "does not look like a run"}),
              "");
    ASSERT_EQ(tleg::testing::expectError([&] { workflow::deleteRun(path("notes")); },
                                         {"nothing deleted"}),
              "");
    ASSERT_EQ(tleg::testing::expectError([&] { workflow::deleteRun(s_root); }, {"nothing deleted"}),
              "");
    makeDirs(path("ancestry/sub"));
    ASSERT_EQ(tleg::testing::expectError([&] { workflow::deleteRun(path("ancestry")); },
                                         {"'sub'", "nothing deleted"}),
              "");
    fs::remove(path("ancestry/sub"));
    writeFile(path("ancestry/thesis.docx"), "mine");
    ASSERT_EQ(tleg::testing::expectError([&] { workflow::deleteRun(path("ancestry")); },
                                         {"thesis.docx", "nothing deleted"}),
              "");
    fs::remove(path("ancestry/thesis.docx"));
    ASSERT_TRUE(fs::exists(path("ancestry/model.safetensors")));

    // A real run, with an interrupted write's temporary file, goes.
    writeFile(path("broken/log.txt.tmp-1-0"), "x");
    workflow::deleteRun(path("broken"));
    ASSERT_TRUE(!fs::exists(path("broken")));
    ASSERT_TRUE(!byName(workflow::listRuns(s_root), "broken"));
    ASSERT_EQ(workflow::listRuns(s_root).size(), size_t(4));
}
