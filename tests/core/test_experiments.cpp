// The paper's comparisons at smoke scale: every experiment runs on the real Fashion-MNIST files,
// writes a complete table, CSV and PNG plots, every model is above chance, S-Params agree with
// the stored files, experiments share cached models, and a stopped experiment resumes.
#include "experiments/experiment.h"
#include "experiments/report.h"
#include "experiments/workbench.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "util/error.h"
#include "util/files.h"
#include "workflow/run_index.h"

#include "test_support.h"

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

using namespace tleg;
using namespace tleg::experiments;
using tleg::testing::contains;
using tleg::testing::nonEmptyLines;
using tleg::testing::readFile;
using tleg::testing::TempDir;
namespace fs = std::filesystem;

namespace {

struct CsvRow {
    std::string method;
    int depth = 0, seed = 0;
    double top1 = 0;
    int64_t params = 0, sParams = 0, images = 0;
    std::string model;
};

/// The comma-separated fields of a line, empty ones included.
std::vector<std::string> fields(const std::string& line)
{
    std::vector<std::string> out;
    size_t begin = 0;
    for (size_t comma; (comma = line.find(',', begin)) != std::string::npos; begin = comma + 1)
        out.push_back(line.substr(begin, comma - begin));
    out.push_back(line.substr(begin));
    return out;
}

/// True when nothing but whitespace is left after a parsed number.
bool onlySpaceAfter(const char* end)
{
    while (std::isspace(static_cast<unsigned char>(*end)))
        ++end;
    return *end == '\0';
}

/// The field as a number, as QString::toLongLong / toDouble read it: 0 when it is not one.
int64_t toInt(const std::string& s)
{
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    return end != s.c_str() && onlySpaceAfter(end) ? v : 0;
}

double toDouble(const std::string& s)
{
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    return end != s.c_str() && onlySpaceAfter(end) ? v : 0.0;
}

std::vector<CsvRow> perSeed(const std::string& folder)
{
    std::vector<CsvRow> rows;
    const std::vector<std::string> lines = nonEmptyLines(readFile(folder + "/per_seed.csv"));
    if (lines.empty()
        || lines.front() != "method,depth,seed,top1,top5,params,s_params,seconds,images,model")
        return rows;
    for (size_t i = 1; i < lines.size(); ++i) {
        const std::vector<std::string> c = fields(lines[i]);
        if (c.size() != 10)
            return {};
        rows.push_back({c[0], int(toInt(c[1])), int(toInt(c[2])), toDouble(c[3]), toInt(c[5]),
                        toInt(c[6]), toInt(c[8]), c[9]});
    }
    return rows;
}

/// A PNG file's width and height from its IHDR chunk; {0, 0} if it is not a PNG.
std::pair<int, int> pngSize(const std::string& path)
{
    const std::string b = readFile(path);
    if (b.size() < 24 || b.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 || b.compare(12, 4, "IHDR") != 0)
        return {0, 0};
    auto be32 = [&](size_t at) {
        return (uint32_t(uint8_t(b[at])) << 24) | (uint32_t(uint8_t(b[at + 1])) << 16)
               | (uint32_t(uint8_t(b[at + 2])) << 8) | uint32_t(uint8_t(b[at + 3]));
    };
    return {int(be32(16)), int(be32(20))};
}

/// The cache folder holding the parent (learngene or pretrained model) of a fine-tuned model.
std::string parentFolder(const std::string& modelPath)
{
    const fs::path folder = fs::absolute(modelPath).parent_path();
    const auto key = nlohmann::json::parse(readFile((folder / "key.json").string()));
    const std::string parent = key.at("init").at("from").get<std::string>();
    std::vector<std::string> hits;
    for (const auto& e : fs::directory_iterator(folder.parent_path())) {
        const std::string name = e.path().filename().string();
        if (e.is_directory() && name[0] != '.' && tleg::testing::endsWith(name, "-" + parent))
            hits.push_back(name);
    }
    return hits.size() == 1 ? (folder.parent_path() / hits.front()).string() : std::string();
}

const std::map<std::string, std::vector<std::string>> kMethods = {
    {"depth-sweep", {"TLEG", "Scratch", "Scratch-long"}},
    {"transfer", {"Pre-Fin(U)", "Scratch", "He-LG", "Share-Init", "TLEG"}},
    {"storage", {"Pre-Fin(U)", "TLEG"}},
    {"modules", {"Pre-Fin(U)", "MSA", "MLP", "MSA+MLP", "MSA+MLP+LN"}},
    {"partial-init", {"1-2", "3-4", "1-4", "none (scratch)"}},
    {"partial-expansion",
     {"All", "Partial (from block 2)", "Partial relative (from block 2)"}},
    {"linearity",
     {"Ancestry (scratch)", "Aux-Net", "Des-Net (fine-tuned)", "Scratch (same budget)"}}};

ExperimentOptions options(const std::string& name, const std::string& root)
{
    ExperimentOptions o;
    o.name = name;
    o.preset = "smoke";
    o.seeds = 2;
    o.root = root;
    return o;
}

} // namespace

/// Every experiment runs once, at smoke scale, into one folder; the tests read what they wrote.
class Experiments : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_dir = new TempDir;
        ASSERT_TRUE(s_dir->isValid());
        // The order matters for the cache test: transfer trains the learngenes partial-init uses.
        for (const auto& info : experimentList()) {
            const auto start = std::chrono::steady_clock::now();
            std::vector<std::string> stages;
            int64_t steps = 0;
            s_results[info.name] = runExperiment(
                options(info.name, s_dir->path()),
                [&](const std::string& s) { stages.push_back(s); },
                [&](const train::Progress&) { return ++steps > 0; });
            std::printf(
                "%-18s %6.1f s  %lld trained, %lld cached, %zu stages, %lld progress calls\n",
                info.name.c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                static_cast<long long>(s_results[info.name].trainedRuns),
                static_cast<long long>(s_results[info.name].cachedRuns), stages.size(),
                static_cast<long long>(steps));
            ASSERT_TRUE(!s_results[info.name].stopped);
            ASSERT_TRUE(!stages.empty());
        }
    }
    static void TearDownTestSuite()
    {
        s_results.clear();
        delete s_dir;
        s_dir = nullptr;
    }

    static TempDir* s_dir;
    static std::map<std::string, ExperimentResult> s_results;
};

TempDir* Experiments::s_dir = nullptr;
std::map<std::string, ExperimentResult> Experiments::s_results;

TEST_F(Experiments, everyExperimentWritesItsFiles)
{
    ASSERT_EQ(s_results.size(), size_t(7));
    for (const auto& [name, r] : s_results) {
        const std::string& folder = r.folder;
        ASSERT_EQ(folder, s_dir->filePath(name + "-smoke"));
        for (const char* f : {"results.md", "per_seed.csv", "summary.csv", "experiment.json"})
            ASSERT_TRUE(fs::exists(folder + "/" + f)) << folder + "/" + f;
        int pngs = 0;
        for (const auto& f : r.files) {
            ASSERT_TRUE(fs::exists(f));
            if (tleg::testing::endsWith(f, ".png")) {
                ASSERT_EQ(pngSize(f), std::make_pair(900, 540));
                ++pngs;
                // The Markdown embeds every plot.
                ASSERT_TRUE(r.markdown.find("(" + fs::path(f).filename().string() + ")")
                            != std::string::npos);
            }
        }
        ASSERT_TRUE(pngs >= 1) << name;
        ASSERT_EQ(readFile(folder + "/results.md"), r.markdown);
        const auto about = nlohmann::json::parse(readFile(folder + "/experiment.json"));
        ASSERT_EQ(about.at("seeds").get<int>(), 2);
        ASSERT_EQ(about.at("experiment").get<std::string>(), name);
    }
}

TEST_F(Experiments, tablesAreCompleteAndEveryModelIsAboveChance)
{
    for (const auto& [name, r] : s_results) {
        const auto rows = perSeed(r.folder);
        ASSERT_TRUE(!rows.empty()) << name;
        const bool target = name != "depth-sweep" && name != "linearity";
        const double chance = target ? 20.0 : 10.0;
        std::map<std::string, std::set<std::pair<int, int>>> seen; // method -> (depth, seed)
        for (const auto& row : rows) {
            ASSERT_TRUE(row.top1 > chance + 2.0)
                << name << " " << row.method << " depth " << row.depth << " seed " << row.seed
                << ": top-1 " << row.top1;
            ASSERT_TRUE(row.top1 <= 100.0);
            ASSERT_TRUE(fs::exists(row.model));
            ASSERT_TRUE(row.params > 0);
            ASSERT_TRUE(row.images > 0);
            ASSERT_TRUE(seen[row.method].insert({row.depth, row.seed}).second); // no duplicates
        }
        // Every method has every seed (and, for the sweeps, every depth).
        for (const auto& m : kMethods.at(name)) {
            const auto& cells = seen[m];
            const size_t depths = name == "depth-sweep" || name == "storage" ? 2 : 1;
            const size_t seeds = m == "Ancestry (scratch)" ? 1 : 2; // one teacher for all seeds
            ASSERT_TRUE(cells.size() == depths * seeds)
                << name << ": " << m << " has " << cells.size() << " rows";
            // The modules table marks the expanded modules with ticks, as the paper's.
            static const std::map<std::string, std::string> ticks = {
                {"MSA", "| ✓ |  |  |"},
                {"MLP", "|  | ✓ |  |"},
                {"MSA+MLP", "| ✓ | ✓ |  |"},
                {"MSA+MLP+LN", "| ✓ | ✓ | ✓ |"}};
            // The sweeps have a column per method, the others a row.
            const bool sweep = name == "depth-sweep" || name == "storage";
            const std::string cell = name == "modules" && ticks.count(m) ? ticks.at(m)
                                     : sweep                             ? " " + m + " top-1 |"
                                                                         : " " + m + " |";
            ASSERT_TRUE(r.markdown.find(cell) != std::string::npos) << name + ": " + m;
        }
        ASSERT_TRUE(r.markdown.find("| – |") == std::string::npos) << name; // no empty cell
        ASSERT_TRUE(r.markdown.find(" ± ") != std::string::npos); // mean ± std over 2 seeds
    }
}

TEST_F(Experiments, sParamsComeFromTheStoredFiles)
{
    const auto rows = perSeed(s_results.at("transfer").folder);
    std::map<std::string, int64_t> sp;
    for (const auto& row : rows) {
        if (row.method == "Scratch") {
            ASSERT_EQ(row.sParams, int64_t(0));
            continue;
        }
        const std::string parent = parentFolder(row.model);
        ASSERT_TRUE(!parent.empty()) << row.model;
        if (row.method == "TLEG" || row.method == "Share-Init") {
            const auto lg = model::Learngene::load(parent + "/learngene.safetensors");
            ASSERT_EQ(row.sParams, int64_t(lg.storedParams()));
            ASSERT_EQ(lg.options.shareOnly, row.method == "Share-Init");
        } else {
            auto pre = model::loadViT(parent + "/model.safetensors");
            const auto& c = pre->config();
            const int64_t head = c.numClasses * c.dim + c.numClasses;
            if (row.method == "Pre-Fin(U)")
                ASSERT_EQ(row.sParams, int64_t(c.totalParams()) - head);
            else
                ASSERT_EQ(row.sParams, int64_t(3 * c.blockParams())); // He-LG: 3 blocks
        }
        sp[row.method] = row.sParams;
    }
    // The paper's ordering of storage: Share-Init < TLEG < Pre-Fin(U).
    ASSERT_TRUE(sp["Share-Init"] < sp["TLEG"]);
    ASSERT_TRUE(sp["TLEG"] < sp["Pre-Fin(U)"]);

    // Storage: one learngene for every depth against one model per depth.
    const auto st = perSeed(s_results.at("storage").folder);
    int64_t preTotal = 0, tleg = -1;
    for (const auto& row : st) {
        if (row.seed != 0)
            continue;
        if (row.method == "Pre-Fin(U)")
            preTotal += row.sParams;
        else
            tleg = row.sParams;
    }
    ASSERT_EQ(tleg, sp["TLEG"]);
    ASSERT_TRUE(preTotal > 2 * tleg);
}

TEST_F(Experiments, experimentsShareCachedModels)
{
    // partial-init's full initialisation is transfer's TLEG row: the same trained file.
    const auto tr = perSeed(s_results.at("transfer").folder);
    const auto pi = perSeed(s_results.at("partial-init").folder);
    int shared = 0;
    for (const auto& a : tr)
        for (const auto& b : pi)
            if (a.method == "TLEG" && b.method == "1-4" && a.seed == b.seed) {
                ASSERT_EQ(b.model, a.model);
                ASSERT_FUZZY_EQ(b.top1, a.top1);
                ++shared;
            }
    ASSERT_EQ(shared, 2);
    ASSERT_TRUE(s_results.at("partial-init").cachedRuns > 0);
    ASSERT_TRUE(s_results.at("linearity").cachedRuns > 0); // depth-sweep trained its models
    // The cache is marked so that the Runs table does not list its hundreds of runs.
    ASSERT_TRUE(workflow::listRuns(s_dir->path()).empty());
    ASSERT_TRUE(fs::exists(s_dir->filePath("cache/.tleg-hidden")));

    // Running an experiment again trains nothing and gives the same table.
    const auto again = runExperiment(options("transfer", s_dir->path()));
    ASSERT_EQ(again.trainedRuns, int64_t(0));
    ASSERT_TRUE(again.cachedRuns > 0);
    const auto tableOf = [](const std::string& md) { return md.substr(md.find("| Model")); };
    ASSERT_EQ(tableOf(again.markdown), tableOf(s_results.at("transfer").markdown));

    // Another precision trains other weights: nothing trained in fp32 is reused under bf16
    // (the GUI's default) from the same root, and each key says which precision it holds.
    ASSERT_EQ(runExperiment(options("storage", s_dir->path())).trainedRuns, int64_t(0));
    auto o16 = options("storage", s_dir->path());
    o16.bf16 = true;
    const auto bf16 = runExperiment(o16);
    ASSERT_GT(bf16.trainedRuns, int64_t(0)); // (its cached uses are its own models, reused)
    int keys16 = 0, keys32 = 0;
    for (const auto& entry : fs::directory_iterator(s_dir->filePath("cache"))) {
        if (!entry.is_directory())
            continue;
        const std::string key = tleg::testing::readFile((entry.path() / "key.json").string());
        keys16 += key.find("\"precision\": \"bf16\"") != std::string::npos;
        keys32 += key.find("\"precision\": \"fp32\"") != std::string::npos;
        ASSERT_NE(key.find("\"training_code\""), std::string::npos) << entry.path();
    }
    ASSERT_EQ(keys16, int(bf16.trainedRuns));
    ASSERT_GT(keys32, keys16);
}

TEST_F(Experiments, ancestriesTrainOnMoreImagesThanTheRest)
{
    // smoke: ancestries on 6,000 training images, every other model on 3,000 of them (each
    // holding out its validation share); the key names each model's own subset.
    const auto preset = experiments::Preset::get("smoke");
    ASSERT_EQ(preset.ancestryImages(), int64_t(6000));
    ASSERT_EQ(preset.trainSubset, int64_t(3000));
    int ancestries = 0, learngenes = 0;
    for (const auto& entry : fs::directory_iterator(s_dir->filePath("cache"))) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_directory() || !fs::exists(entry.path() / "config.json"))
            continue;
        const auto cfg = nlohmann::json::parse(
            tleg::testing::readFile((entry.path() / "config.json").string()));
        const auto key = nlohmann::json::parse(
            tleg::testing::readFile((entry.path() / "key.json").string()));
        const int64_t seen = cfg.at("train_images").get<int64_t>() +
                             cfg.at("val_images").get<int64_t>();
        const int64_t subset = key.at("data").at("train_subset").get<int64_t>();
        const bool source = name.find("-source") != std::string::npos;
        if (name.rfind("ancestry-", 0) == 0) {
            ASSERT_EQ(subset, int64_t(6000)) << name;
            if (source) { // classes 0-4 of the 6,000
                ASSERT_TRUE(seen > 2000 && seen < 4000) << name << ": " << seen;
            } else {
                ASSERT_EQ(seen, int64_t(6000)) << name;
            }
            ++ancestries;
        } else if (name.rfind("learngene-", 0) == 0) {
            ASSERT_EQ(subset, int64_t(3000)) << name;
            if (!source) {
                ASSERT_EQ(seen, int64_t(3000)) << name;
            }
            ++learngenes;
        }
    }
    ASSERT_GE(ancestries, 2); // all ten classes and the source classes (and in bf16)
    ASSERT_GT(learngenes, 0);
    // and results.md says so
    ASSERT_TRUE(contains(s_results.at("depth-sweep").markdown,
                         "3000 training / 1000 test images; ancestry"));
    ASSERT_TRUE(
        contains(s_results.at("depth-sweep").markdown, "(3 epochs on 6000 training images)"));
}

TEST_F(Experiments, linearityOfTheAuxNetIsExact)
{
    const std::vector<std::string> lines =
        nonEmptyLines(readFile(s_results.at("linearity").folder + "/r2_per_seed.csv"));
    ASSERT_TRUE(lines.size() > 10);
    int aux = 0, ancestry = 0;
    double ancestryBlock = 1;
    for (size_t i = 1; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        const std::vector<std::string> c = fields(line);
        ASSERT_TRUE(c.size() >= 4);
        const double r2 = toDouble(c[3]);
        ASSERT_TRUE(r2 >= -1e-9 && r2 <= 1 + 1e-9);
        if (c[0] == "Aux-Net") {
            ASSERT_TRUE(r2 > 0.9999) << line; // θ_B + c·θ_A is a line by construction
            ++aux;
        }
        if (c[0] == "Ancestry (scratch)" && c[2] == "block") {
            ancestryBlock = r2;
            ++ancestry;
        }
    }
    ASSERT_TRUE(aux > 0);
    ASSERT_EQ(ancestry, 1);
    ASSERT_TRUE(ancestryBlock < 0.999); // a model trained without the constraint is not a line
}

TEST_F(Experiments, depthSweepCostsAddUp)
{
    const auto rows = perSeed(s_results.at("depth-sweep").folder);
    int64_t tleg = 0, scratch = 0;
    for (const auto& row : rows) {
        if (row.seed != 0)
            continue;
        if (row.method == "TLEG")
            tleg += row.images;
        if (row.method == "Scratch")
            scratch += row.images;
    }
    ASSERT_EQ(tleg, scratch); // the same fine-tuning budget
    ASSERT_TRUE(s_results.at("depth-sweep").markdown.find("Training cost per seed")
                != std::string::npos);
}

TEST_F(Experiments, aStoppedExperimentResumes)
{
    TempDir root;
    std::atomic<bool> stop{false};
    auto o = options("partial-expansion", root.path());
    // Stop inside the first training run's second epoch, mid-epoch: its first epoch is
    // checkpointed, the rest of the experiment not begun.
    const auto r = runExperiment(
        o, {},
        [&](const train::Progress& p) {
            if (p.epoch >= 2 && !p.epochDone)
                stop = true;
            return p.step >= 0;
        },
        &stop);
    ASSERT_TRUE(r.stopped);
    ASSERT_TRUE(r.files.empty());
    ASSERT_TRUE(!fs::exists(root.filePath("partial-expansion-smoke/results.md")));
    const int trainedBefore = int(r.trainedRuns);
    const auto resumed = runExperiment(o);
    ASSERT_TRUE(!resumed.stopped);
    ASSERT_GE(int(resumed.cachedRuns), trainedBefore);
    ASSERT_TRUE(fs::exists(root.filePath("partial-expansion-smoke/results.md")));
    // The interrupted run continued from its checkpoint: its log says so.
    bool resumedFromCheckpoint = false;
    for (const auto& d : fs::directory_iterator(root.filePath("cache")))
        if (d.is_directory())
            resumedFromCheckpoint |=
                contains(readFile((d.path() / "log.txt").string()), "resumed after epoch");
    ASSERT_TRUE(resumedFromCheckpoint);
}

TEST_F(Experiments, badRequestsAreClearErrors)
{
    ASSERT_THROW(experimentInfo("depth"), Error);
    auto o = options("transfer", s_dir->path());
    o.preset = "huge";
    ASSERT_THROW(runExperiment(o), Error);
    o.preset = "smoke";
    o.seeds = -1;
    ASSERT_THROW(runExperiment(o), Error);
    try {
        experimentInfo("nope");
        FAIL() << "no error";
    } catch (const Error& e) {
        ASSERT_TRUE(std::string(e.what()).find("depth-sweep") != std::string::npos);
    }
}

TEST_F(Experiments, statsAndTables)
{
    const Stats s = stats({80.0, 82.0, 84.0});
    ASSERT_FUZZY_EQ(s.mean, 82.0);
    ASSERT_FUZZY_EQ(s.std, 2.0);
    ASSERT_EQ(pm(s), std::string("82.00 ± 2.00"));
    ASSERT_EQ(pm(stats({70.5})), std::string("70.50"));
    Table t({"Method", "Top-1"});
    t.add({"a,b \"x\"", "1"});
    ASSERT_EQ(t.csv(), std::string("Method,Top-1\n\"a,b \"\"x\"\"\",1\n"));
    ASSERT_EQ(t.markdown(), std::string("| Method | Top-1 |\n|:---|---:|\n| a,b \"x\" | 1 |\n"));
    ASSERT_THROW(t.add({"only one"}), Error);
}

TEST_F(Experiments, theCliListsAndRunsExperiments)
{
    using tleg::testing::runCli;
    const auto list = runCli({"experiment", "list"}, 30000);
    ASSERT_TRUE(list.finished);
    ASSERT_EQ(list.exitCode, 0);
    for (const auto& e : experimentList())
        ASSERT_TRUE(contains(list.out, e.name));
    const auto run = runCli({"experiment", "partial-init", "--preset", "smoke", "--seeds", "2",
                             "--root", s_dir->path()},
                            300000);
    ASSERT_TRUE(run.finished);
    ASSERT_TRUE(run.exitCode == 0)
        << run.out.substr(run.out.size() > 2000 ? run.out.size() - 2000 : 0);
    ASSERT_TRUE(contains(run.out, "| Des-4 | 1-2 |"));
    ASSERT_TRUE(contains(run.out, "0 models trained"));
    const auto bad = runCli({"experiment", "nonsense"}, 30000);
    ASSERT_TRUE(bad.finished);
    ASSERT_EQ(bad.exitCode, 1);
    ASSERT_TRUE(contains(bad.out, "unknown experiment 'nonsense'"));
}
