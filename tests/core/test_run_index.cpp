// The run index over real run folders written by the trainer on Fashion-MNIST: a finished
// ancestry, an Aux-Net with its learngene, a Des-Net inside a pipeline-like tree, a run stopped
// after 1 of 2 epochs, and a broken folder. Fields, states, curves, rename and the refusals of
// delete are checked against what the trainer returned.
#include "data/dataset.h"
#include "expect_error.h"
#include "model/aux_net.h"
#include "model/des_net.h"
#include "model/learngene.h"
#include "train/run_index.h"
#include "train/trainer.h"
#include "util/files.h"

#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>

#include "tiny_models.h"

using namespace tleg;
namespace fs = std::filesystem;

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

const train::RunInfo* byName(const std::vector<train::RunInfo>& runs, const std::string& name)
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

class TestRunIndex : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::string m_root;
    train::TrainResult m_ancestry, m_aux, m_des, m_stopped;
    int64_t m_ancestryParams = 0, m_auxParams = 0;

    std::string path(const std::string& name) const { return joinPath(m_root, name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_root = m_dir.filePath("runs").toStdString();
        auto split = data::loadFashionMnist();
        const data::Dataset trainSet = data::subset(split.train, 300, 1);
        const data::Dataset testSet = data::subset(split.test, 100, 2);

        model::ViT ancestry = model::scratch(testing::fmnistTinyConfig(2), 0);
        m_ancestryParams = numel(*ancestry);
        m_ancestry = train::train(*ancestry, trainSet, testSet,
                                  testing::fastRunOptions(path("ancestry"), 2, "ancestry"));
        QVERIFY(!m_ancestry.stopped);

        torch::manual_seed(0);
        model::AuxNet aux(testing::fmnistTinyConfig(3), model::AuxOptions{});
        m_auxParams = numel(*aux);
        m_aux = train::train(*aux, trainSet, testSet,
                             testing::fastRunOptions(path("aux"), 1, "auxnet"));
        model::Learngene::fromAuxNet(*aux).save(joinPath(path("aux"), "learngene.safetensors"));

        // A tree like the pipeline's: a folder that is no run, holding runs.
        makeDirs(path("pipe"));
        writeFile(path("pipe/pipeline.json"), "{}\n");
        model::ViT des = model::scratch(testing::fmnistTinyConfig(1), 1);
        m_des = train::train(*des, trainSet, testSet,
                             testing::fastRunOptions(path("pipe/des-1"), 1, "desnet"));

        // Stopped with the flag during epoch 2 of 2.
        std::atomic<bool> stop{false};
        model::ViT stopped = model::scratch(testing::fmnistTinyConfig(2), 2);
        m_stopped = train::train(
            *stopped, trainSet, testSet, testing::fastRunOptions(path("stopped"), 2, "scratch"),
            nullptr,
            [&](const train::Progress& p) {
                if (p.epochDone)
                    stop = true;
                return true;
            },
            &stop);
        QVERIFY(m_stopped.stopped);
        QCOMPARE(m_stopped.history.size(), size_t(1));

        makeDirs(path("broken"));
        writeFile(path("broken/config.json"), "{ this is not json");
        makeDirs(path("notes"));
        writeFile(path("notes/readme.txt"), "not a run\n");

        // A marked folder (the experiments' model cache) is not listed, runs inside included.
        makeDirs(path("experiments/cache/m"));
        writeFile(path("experiments/cache/.tleg-hidden"), "cache\n");
        writeFile(path("experiments/cache/m/config.json"), "{}\n");
    }

    void listsEveryRunAndSkipsOtherFolders()
    {
        std::vector<std::string> folders;
        const auto runs = train::listRuns(m_root, &folders);
        std::vector<std::string> names;
        for (const auto& r : runs)
            names.push_back(r.name);
        QCOMPARE(names,
                 (std::vector<std::string>{"ancestry", "aux", "broken", "pipe/des-1", "stopped"}));
        // Watch list: the root, the folders between, the runs; not the runs' insides nor the
        // hidden cache.
        QCOMPARE(folders.size(), size_t(1 + 5 + 3)); // root, 5 runs, pipe, notes, experiments
        QVERIFY(std::find(folders.begin(), folders.end(), path("experiments/cache")) ==
                folders.end());
        // Listing the hidden folder itself (root) still works.
        QCOMPARE(train::listRuns(path("experiments/cache")).size(), size_t(1));
        QVERIFY(std::find(folders.begin(), folders.end(), path("pipe")) != folders.end());
        QVERIFY(train::listRuns(path("does-not-exist")).empty());
    }

    void finishedRunHasItsNumbers()
    {
        const auto r = train::listRun(path("ancestry"));
        QCOMPARE(r.name, std::string("ancestry"));
        QCOMPARE(r.kind, std::string("ancestry"));
        QCOMPARE(r.data, std::string("fashion-mnist"));
        QCOMPARE(r.depth, int64_t(2));
        QCOMPARE(r.parameters, m_ancestryParams);
        QCOMPARE(r.parameters, testing::fmnistTinyConfig(2).totalParams());
        QCOMPARE(r.epochsDone, int64_t(2));
        QCOMPARE(r.epochsPlanned, int64_t(2));
        QCOMPARE(r.state, train::RunState::Finished);
        QCOMPARE(train::runStateName(r.state), std::string("finished"));
        QVERIFY(r.problem.empty());
        QVERIFY(r.hasModel && r.hasCheckpoint && !r.hasLearngene);
        QCOMPARE(r.curves.size(), size_t(2));
        double seconds = 0;
        for (size_t i = 0; i < 2; ++i) {
            const auto& want = m_ancestry.history[i];
            const auto& got = r.curves[i];
            QCOMPARE(got.epoch, int64_t(i + 1));
            QVERIFY(close(got.trainLoss, want.trainLoss));
            QVERIFY(close(got.valLoss, want.valLoss));
            QVERIFY(close(got.valTop1, want.valTop1));
            QVERIFY(close(got.lr, want.lr));
            seconds += want.seconds;
        }
        QVERIFY(close(r.bestTop1, m_ancestry.bestTop1));
        QVERIFY(close(r.lastTop1, m_ancestry.finalTop1));
        QVERIFY(std::abs(r.seconds - seconds) < 1e-3 * std::max(1.0, seconds));
        QVERIFY(r.seconds > 0);
    }

    void kindsComeFromTheProvenance()
    {
        const auto runs = train::listRuns(m_root);
        const auto* aux = byName(runs, "aux");
        QVERIFY(aux);
        QCOMPARE(aux->kind, std::string("aux-net"));
        QCOMPARE(aux->depth, int64_t(3));
        QCOMPARE(aux->parameters, m_auxParams); // the Aux-Net's own, fewer than a 3-block ViT
        QVERIFY(aux->parameters < testing::fmnistTinyConfig(3).totalParams());
        QVERIFY(aux->hasLearngene);
        QCOMPARE(aux->state, train::RunState::Finished);

        const auto* des = byName(runs, "pipe/des-1");
        QVERIFY(des);
        QCOMPARE(des->kind, std::string("des-net"));
        QCOMPARE(des->depth, int64_t(1));
        QCOMPARE(des->epochsDone, int64_t(1));
        QVERIFY(close(des->bestTop1, m_des.bestTop1));
        QCOMPARE(des->folder, path("pipe/des-1"));
    }

    void stoppedRunKeepsItsFinishedEpochs()
    {
        const auto r = train::listRun(path("stopped"));
        QCOMPARE(r.kind, std::string("scratch"));
        QCOMPARE(r.state, train::RunState::Stopped);
        QVERIFY2(r.problem.find("stopped by the user") != std::string::npos, r.problem.c_str());
        QCOMPARE(r.epochsDone, int64_t(1));
        QCOMPARE(r.epochsPlanned, int64_t(2));
        QVERIFY(!r.hasModel);
        QVERIFY(r.hasCheckpoint);
        QCOMPARE(r.parameters,
                 testing::fmnistTinyConfig(2).totalParams()); // from the checkpoint's header
        QVERIFY(close(r.lastTop1, m_stopped.history[0].valTop1));
    }

    void runningOrInterruptedFromTheLog()
    {
        // A copy of the stopped run whose log ends after an epoch: a run still writing, or,
        // once the log is old, one that was killed.
        const fs::path copy = path("copy");
        fs::copy(path("stopped"), copy);
        writeFile(copy / "log.txt", "[2026-01-01 10:00:00] started vit\n"
                                    "[2026-01-01 10:00:01] epoch 1/2 loss 2\n");
        QCOMPARE(train::listRun(copy.string()).state, train::RunState::Running);
        fs::last_write_time(copy / "log.txt",
                            fs::file_time_type::clock::now() - std::chrono::hours(2));
        QCOMPARE(train::listRun(copy.string()).state, train::RunState::Incomplete);
        train::deleteRun(copy.string());
        QVERIFY(!fs::exists(copy));
    }

    void brokenRunsAreListedNotThrown()
    {
        const auto runs = train::listRuns(m_root);
        const auto* broken = byName(runs, "broken");
        QVERIFY(broken);
        QCOMPARE(broken->state, train::RunState::Broken);
        QVERIFY2(broken->problem.find("config.json") != std::string::npos, broken->problem.c_str());

        // Garbage numbers in metrics.csv, a truncated model: broken, each with its reason.
        const fs::path bad = path("bad-metrics");
        fs::copy(path("ancestry"), bad);
        writeFile(bad / "metrics.csv", "epoch,train_loss,val_top1\n1,0.5,abc\n");
        auto r = train::listRun(bad.string());
        QCOMPARE(r.state, train::RunState::Broken);
        QVERIFY2(r.problem.find("metrics.csv") != std::string::npos
                     && r.problem.find("line 2") != std::string::npos,
                 r.problem.c_str());
        fs::copy_file(path("ancestry/metrics.csv"), bad / "metrics.csv",
                      fs::copy_options::overwrite_existing);
        fs::resize_file(bad / "model.safetensors", 20);
        r = train::listRun(bad.string());
        QCOMPARE(r.state, train::RunState::Broken);
        QVERIFY2(r.problem.find("model.safetensors") != std::string::npos, r.problem.c_str());
        QCOMPARE(r.epochsDone, int64_t(2)); // what could be read still is
        train::deleteRun(bad.string());

        QVERIFY(testing::expectError([&] { train::listRun(path("notes")); },
                                     {"notes", "not a run folder"})
                    .isEmpty());
    }

    void renameMovesTheFolder()
    {
        const std::string moved = train::renameRun(path("stopped"), "stopped-2");
        QCOMPARE(moved, path("stopped-2"));
        QVERIFY(!fs::exists(path("stopped")));
        QCOMPARE(train::listRun(moved).epochsDone, int64_t(1));
        QVERIFY(testing::expectError([&] { train::renameRun(moved, "ancestry"); },
                                     {"ancestry", "already exists"})
                    .isEmpty());
        QVERIFY(testing::expectError([&] { train::renameRun(moved, "a/b"); }, {"a/b"}).isEmpty());
        QVERIFY(
            testing::expectError([&] { train::renameRun(moved, ""); }, {"not a valid"}).isEmpty());
        QVERIFY(testing::expectError([&] { train::renameRun(path("notes"), "x"); },
                                     {"not a run folder"})
                    .isEmpty());
        QCOMPARE(train::renameRun(moved, "stopped"), path("stopped"));
    }

    void deleteRefusesWhatIsNoRun()
    {
        // The pipeline folder, a plain folder, a run holding a subfolder or a foreign file.
        QVERIFY(testing::expectError([&] { train::deleteRun(path("pipe")); },
                                     {"pipe", "does not look like a run"})
                    .isEmpty());
        QVERIFY(testing::expectError([&] { train::deleteRun(path("notes")); }, {"nothing deleted"})
                    .isEmpty());
        QVERIFY(
            testing::expectError([&] { train::deleteRun(m_root); }, {"nothing deleted"}).isEmpty());
        makeDirs(path("ancestry/sub"));
        QVERIFY(testing::expectError([&] { train::deleteRun(path("ancestry")); },
                                     {"'sub'", "nothing deleted"})
                    .isEmpty());
        fs::remove(path("ancestry/sub"));
        writeFile(path("ancestry/thesis.docx"), "mine");
        QVERIFY(testing::expectError([&] { train::deleteRun(path("ancestry")); },
                                     {"thesis.docx", "nothing deleted"})
                    .isEmpty());
        fs::remove(path("ancestry/thesis.docx"));
        QVERIFY(fs::exists(path("ancestry/model.safetensors")));

        // A real run, with an interrupted write's temporary file, goes.
        writeFile(path("broken/log.txt.tmp-1-0"), "x");
        train::deleteRun(path("broken"));
        QVERIFY(!fs::exists(path("broken")));
        QVERIFY(!byName(train::listRuns(m_root), "broken"));
        QCOMPARE(train::listRuns(m_root).size(), size_t(4));
    }
};

QTEST_MAIN(TestRunIndex)
#include "test_run_index.moc"
