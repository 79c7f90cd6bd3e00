// The paper's comparisons at smoke scale: every experiment runs on the real Fashion-MNIST files,
// writes a complete table, CSV and PNG plots, every model is above chance, S-Params agree with
// the stored files, experiments share cached models, and a stopped experiment resumes.
#include "experiments/experiment.h"
#include "experiments/report.h"
#include "experiments/workbench.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "train/run_index.h"
#include "util/error.h"
#include "util/files.h"

#include <QtTest/QtTest>

#include <fstream>
#include <map>
#include <thread>

using namespace tleg;
using namespace tleg::experiments;

namespace {

struct CsvRow {
    QString method;
    int depth = 0, seed = 0;
    double top1 = 0;
    qint64 params = 0, sParams = 0, images = 0;
    QString model;
};

QString readAll(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

std::vector<CsvRow> perSeed(const QString& folder)
{
    std::vector<CsvRow> rows;
    const QStringList lines = readAll(folder + "/per_seed.csv").split('\n', Qt::SkipEmptyParts);
    if (lines.isEmpty() ||
        lines.first() != "method,depth,seed,top1,top5,params,s_params,seconds,images,model")
        return rows;
    for (int i = 1; i < lines.size(); ++i) {
        const QStringList c = lines[i].split(',');
        if (c.size() != 10)
            return {};
        rows.push_back({c[0], c[1].toInt(), c[2].toInt(), c[3].toDouble(), c[5].toLongLong(),
                        c[6].toLongLong(), c[8].toLongLong(), c[9]});
    }
    return rows;
}

/// A PNG file's width and height from its IHDR chunk; {0, 0} if it is not a PNG.
QSize pngSize(const QString& path)
{
    const QByteArray b = [&] {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();
    if (b.size() < 24 || !b.startsWith("\x89PNG\r\n\x1a\n") || b.mid(12, 4) != "IHDR")
        return {};
    auto be32 = [&](int at) {
        return (uchar(b[at]) << 24) | (uchar(b[at + 1]) << 16) | (uchar(b[at + 2]) << 8) |
               uchar(b[at + 3]);
    };
    return {int(be32(16)), int(be32(20))};
}

/// The cache folder holding the parent (learngene or pretrained model) of a fine-tuned model.
QString parentFolder(const QString& modelPath)
{
    const QString folder = QFileInfo(modelPath).absolutePath();
    const auto key = nlohmann::json::parse(readAll(folder + "/key.json").toStdString());
    const QString parent = QString::fromStdString(key.at("init").at("from").get<std::string>());
    const QStringList hits = QDir(QFileInfo(folder).absolutePath())
                                 .entryList({"*-" + parent}, QDir::Dirs);
    return hits.size() == 1 ? QFileInfo(folder).absolutePath() + "/" + hits.first() : QString();
}

const std::map<std::string, std::vector<std::string>> kMethods = {
    {"depth-sweep", {"TLEG", "Scratch", "Scratch-long"}},
    {"transfer", {"Pre-Fin(U)", "Scratch", "He-LG", "Share-Init", "TLEG"}},
    {"storage", {"Pre-Fin(U)", "TLEG"}},
    {"modules", {"Pre-Fin(U)", "MSA", "MLP", "MSA+MLP", "MSA+MLP+LN"}},
    {"partial-init", {"1-2", "3-4", "1-4", "none (scratch)"}},
    {"partial-expansion", {"All", "Partial (from block 2)"}},
    {"linearity", {"Ancestry (scratch)", "Aux-Net", "Des-Net (fine-tuned)", "Scratch (same budget)"}}};

} // namespace

class TestExperiments : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::map<std::string, ExperimentResult> m_results;

    ExperimentOptions options(const std::string& name, const QString& root) const
    {
        ExperimentOptions o;
        o.name = name;
        o.preset = "smoke";
        o.seeds = 2;
        o.root = root.toStdString();
        return o;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // The order matters for the cache test: transfer trains the learngenes partial-init uses.
        for (const auto& info : experimentList()) {
            QElapsedTimer t;
            t.start();
            std::vector<std::string> stages;
            int64_t steps = 0;
            m_results[info.name] = runExperiment(
                options(info.name, m_dir.path()),
                [&](const std::string& s) { stages.push_back(s); },
                [&](const train::Progress&) { return ++steps > 0; });
            qInfo("%-18s %6.1f s  %lld trained, %lld cached, %zu stages, %lld progress calls",
                  info.name.c_str(), t.elapsed() / 1000.0,
                  static_cast<long long>(m_results[info.name].trainedRuns),
                  static_cast<long long>(m_results[info.name].cachedRuns), stages.size(),
                  static_cast<long long>(steps));
            QVERIFY(!m_results[info.name].stopped);
            QVERIFY(!stages.empty());
        }
    }

    void everyExperimentWritesItsFiles()
    {
        QCOMPARE(m_results.size(), size_t(7));
        for (const auto& [name, r] : m_results) {
            const QString folder = QString::fromStdString(r.folder);
            QCOMPARE(folder, m_dir.filePath(QString::fromStdString(name) + "-smoke"));
            for (const char* f : {"results.md", "per_seed.csv", "summary.csv", "experiment.json"})
                QVERIFY2(QFileInfo::exists(folder + "/" + f), qPrintable(folder + "/" + f));
            int pngs = 0;
            for (const auto& f : r.files) {
                QVERIFY(QFileInfo::exists(QString::fromStdString(f)));
                if (QString::fromStdString(f).endsWith(".png")) {
                    QCOMPARE(pngSize(QString::fromStdString(f)), QSize(900, 540));
                    ++pngs;
                    // The Markdown embeds every plot.
                    QVERIFY(r.markdown.find("(" + QFileInfo(QString::fromStdString(f))
                                                      .fileName().toStdString() + ")") !=
                            std::string::npos);
                }
            }
            QVERIFY2(pngs >= 1, name.c_str());
            QCOMPARE(readAll(folder + "/results.md").toStdString(), r.markdown);
            const auto about = nlohmann::json::parse(readAll(folder + "/experiment.json").toStdString());
            QCOMPARE(about.at("seeds").get<int>(), 2);
            QCOMPARE(about.at("experiment").get<std::string>(), name);
        }
    }

    void tablesAreCompleteAndEveryModelIsAboveChance()
    {
        for (const auto& [name, r] : m_results) {
            const auto rows = perSeed(QString::fromStdString(r.folder));
            QVERIFY2(!rows.empty(), name.c_str());
            const bool target = name != "depth-sweep" && name != "linearity";
            const double chance = target ? 20.0 : 10.0;
            std::map<QString, std::set<std::pair<int, int>>> seen; // method -> (depth, seed)
            for (const auto& row : rows) {
                QVERIFY2(row.top1 > chance + 2.0,
                         qPrintable(QString("%1 %2 depth %3 seed %4: top-1 %5")
                                        .arg(name.c_str(), row.method).arg(row.depth)
                                        .arg(row.seed).arg(row.top1)));
                QVERIFY(row.top1 <= 100.0);
                QVERIFY(QFileInfo::exists(row.model));
                QVERIFY(row.params > 0);
                QVERIFY(row.images > 0);
                QVERIFY(seen[row.method].insert({row.depth, row.seed}).second); // no duplicates
            }
            // Every method has every seed (and, for the sweeps, every depth).
            for (const auto& m : kMethods.at(name)) {
                const auto& cells = seen[QString::fromStdString(m)];
                const size_t depths = name == "depth-sweep" || name == "storage" ? 2 : 1;
                const size_t seeds = m == "Ancestry (scratch)" ? 1 : 2; // one teacher for all seeds
                QVERIFY2(cells.size() == depths * seeds, qPrintable(QString("%1: %2 has %3 rows")
                                                                    .arg(name.c_str(), m.c_str())
                                                                    .arg(cells.size())));
                // The modules table marks the expanded modules with ticks, as the paper's.
                static const std::map<std::string, std::string> ticks = {
                    {"MSA", "| ✓ |  |  |"}, {"MLP", "|  | ✓ |  |"},
                    {"MSA+MLP", "| ✓ | ✓ |  |"}, {"MSA+MLP+LN", "| ✓ | ✓ | ✓ |"}};
                // The sweeps have a column per method, the others a row.
                const bool sweep = name == "depth-sweep" || name == "storage";
                const std::string cell = name == "modules" && ticks.count(m) ? ticks.at(m)
                                         : sweep ? " " + m + " top-1 |"
                                                 : " " + m + " |";
                QVERIFY2(r.markdown.find(cell) != std::string::npos, (name + ": " + m).c_str());
            }
            QVERIFY2(r.markdown.find("| – |") == std::string::npos, name.c_str()); // no empty cell
            QVERIFY(r.markdown.find(" ± ") != std::string::npos); // mean ± std over 2 seeds
        }
    }

    void sParamsComeFromTheStoredFiles()
    {
        const auto rows = perSeed(QString::fromStdString(m_results.at("transfer").folder));
        std::map<QString, qint64> sp;
        for (const auto& row : rows) {
            if (row.method == "Scratch") {
                QCOMPARE(row.sParams, qint64(0));
                continue;
            }
            const QString parent = parentFolder(row.model);
            QVERIFY2(!parent.isEmpty(), qPrintable(row.model));
            if (row.method == "TLEG" || row.method == "Share-Init") {
                const auto lg = model::Learngene::load((parent + "/learngene.safetensors").toStdString());
                QCOMPARE(row.sParams, qint64(lg.storedParams()));
                QCOMPARE(lg.options.shareOnly, row.method == "Share-Init");
            } else {
                auto pre = model::loadViT((parent + "/model.safetensors").toStdString());
                const auto& c = pre->config();
                const qint64 head = c.numClasses * c.dim + c.numClasses;
                if (row.method == "Pre-Fin(U)")
                    QCOMPARE(row.sParams, qint64(c.totalParams()) - head);
                else
                    QCOMPARE(row.sParams, qint64(3 * c.blockParams())); // He-LG: 3 blocks
            }
            sp[row.method] = row.sParams;
        }
        // The paper's ordering of storage: Share-Init < TLEG < Pre-Fin(U).
        QVERIFY(sp["Share-Init"] < sp["TLEG"]);
        QVERIFY(sp["TLEG"] < sp["Pre-Fin(U)"]);

        // Storage: one learngene for every depth against one model per depth.
        const auto st = perSeed(QString::fromStdString(m_results.at("storage").folder));
        qint64 preTotal = 0, tleg = -1;
        for (const auto& row : st) {
            if (row.seed != 0)
                continue;
            if (row.method == "Pre-Fin(U)")
                preTotal += row.sParams;
            else
                tleg = row.sParams;
        }
        QCOMPARE(tleg, sp["TLEG"]);
        QVERIFY(preTotal > 2 * tleg);
    }

    void experimentsShareCachedModels()
    {
        // partial-init's full initialisation is transfer's TLEG row: the same trained file.
        const auto tr = perSeed(QString::fromStdString(m_results.at("transfer").folder));
        const auto pi = perSeed(QString::fromStdString(m_results.at("partial-init").folder));
        int shared = 0;
        for (const auto& a : tr)
            for (const auto& b : pi)
                if (a.method == "TLEG" && b.method == "1-4" && a.seed == b.seed) {
                    QCOMPARE(b.model, a.model);
                    QCOMPARE(b.top1, a.top1);
                    ++shared;
                }
        QCOMPARE(shared, 2);
        QVERIFY(m_results.at("partial-init").cachedRuns > 0);
        QVERIFY(m_results.at("linearity").cachedRuns > 0); // depth-sweep trained its models
        // The cache is marked so that the Runs table does not list its hundreds of runs.
        QVERIFY(train::listRuns(m_dir.path().toStdString()).empty());
        QVERIFY(QFileInfo::exists(m_dir.filePath("cache/.tleg-hidden")));

        // Running an experiment again trains nothing and gives the same table.
        const auto again = runExperiment(options("transfer", m_dir.path()));
        QCOMPARE(again.trainedRuns, int64_t(0));
        QVERIFY(again.cachedRuns > 0);
        const auto tableOf = [](const std::string& md) { return md.substr(md.find("| Model")); };
        QCOMPARE(tableOf(again.markdown), tableOf(m_results.at("transfer").markdown));
    }

    void linearityOfTheAuxNetIsExact()
    {
        const QStringList lines =
            readAll(QString::fromStdString(m_results.at("linearity").folder) + "/r2_per_seed.csv")
                .split('\n', Qt::SkipEmptyParts);
        QVERIFY(lines.size() > 10);
        int aux = 0, ancestry = 0;
        double ancestryBlock = 1;
        for (const auto& line : lines.mid(1)) {
            const QStringList c = line.split(',');
            QVERIFY(c.size() >= 4);
            const double r2 = c[3].toDouble();
            QVERIFY(r2 >= -1e-9 && r2 <= 1 + 1e-9);
            if (c[0] == "Aux-Net") {
                QVERIFY2(r2 > 0.9999, qPrintable(line)); // θ_B + c·θ_A is a line by construction
                ++aux;
            }
            if (c[0] == "Ancestry (scratch)" && c[2] == "block") {
                ancestryBlock = r2;
                ++ancestry;
            }
        }
        QVERIFY(aux > 0);
        QCOMPARE(ancestry, 1);
        QVERIFY(ancestryBlock < 0.999); // a model trained without the constraint is not a line
    }

    void depthSweepCostsAddUp()
    {
        const auto rows = perSeed(QString::fromStdString(m_results.at("depth-sweep").folder));
        qint64 tleg = 0, scratch = 0;
        for (const auto& row : rows) {
            if (row.seed != 0)
                continue;
            if (row.method == "TLEG")
                tleg += row.images;
            if (row.method == "Scratch")
                scratch += row.images;
        }
        QCOMPARE(tleg, scratch); // the same fine-tuning budget
        QVERIFY(m_results.at("depth-sweep").markdown.find("Training cost per seed") !=
                std::string::npos);
    }

    void aStoppedExperimentResumes()
    {
        QTemporaryDir root;
        std::atomic<bool> stop{false};
        int64_t calls = 0;
        auto o = options("partial-expansion", root.path());
        // Stop inside the second training run (the first learngene), mid-epoch.
        const auto r = runExperiment(
            o, {},
            [&](const train::Progress& p) {
                if (++calls == 40)
                    stop = true;
                return p.step >= 0;
            },
            &stop);
        QVERIFY(r.stopped);
        QVERIFY(r.files.empty());
        QVERIFY(!QFileInfo::exists(root.filePath("partial-expansion-smoke/results.md")));
        const int trainedBefore = int(r.trainedRuns);
        const auto resumed = runExperiment(o);
        QVERIFY(!resumed.stopped);
        QCOMPARE(int(resumed.cachedRuns) >= trainedBefore, true);
        QVERIFY(QFileInfo::exists(root.filePath("partial-expansion-smoke/results.md")));
        // The interrupted run continued from its checkpoint: its log says so.
        bool resumedFromCheckpoint = false;
        for (const auto& d : QDir(root.filePath("cache")).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            resumedFromCheckpoint |= readAll(root.filePath("cache/" + d + "/log.txt")).contains("resumed after epoch");
        QVERIFY(resumedFromCheckpoint);
    }

    void badRequestsAreClearErrors()
    {
        QVERIFY_THROWS_EXCEPTION(Error, experimentInfo("depth"));
        auto o = options("transfer", m_dir.path());
        o.preset = "huge";
        QVERIFY_THROWS_EXCEPTION(Error, runExperiment(o));
        o.preset = "smoke";
        o.seeds = -1;
        QVERIFY_THROWS_EXCEPTION(Error, runExperiment(o));
        try {
            experimentInfo("nope");
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find("depth-sweep") != std::string::npos);
        }
    }

    void statsAndTables()
    {
        const Stats s = stats({80.0, 82.0, 84.0});
        QCOMPARE(s.mean, 82.0);
        QCOMPARE(s.std, 2.0);
        QCOMPARE(pm(s), std::string("82.00 ± 2.00"));
        QCOMPARE(pm(stats({70.5})), std::string("70.50"));
        Table t({"Method", "Top-1"});
        t.add({"a,b \"x\"", "1"});
        QCOMPARE(t.csv(), std::string("Method,Top-1\n\"a,b \"\"x\"\"\",1\n"));
        QCOMPARE(t.markdown(), std::string("| Method | Top-1 |\n|:---|---:|\n| a,b \"x\" | 1 |\n"));
        QVERIFY_THROWS_EXCEPTION(Error, t.add({"only one"}));
    }

    void theCliListsAndRunsExperiments()
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(TLEG_CLI_PATH, {"experiment", "list"});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
        const QString out = QString::fromUtf8(p.readAll());
        for (const auto& e : experimentList())
            QVERIFY(out.contains(QString::fromStdString(e.name)));
        p.start(TLEG_CLI_PATH, {"experiment", "partial-init", "--preset", "smoke", "--seeds", "2",
                                "--root", m_dir.path()});
        QVERIFY(p.waitForFinished(300000));
        const QString run = QString::fromUtf8(p.readAll());
        QVERIFY2(p.exitCode() == 0, qPrintable(run.right(2000)));
        QVERIFY(run.contains("| Des-4 | 1-2 |"));
        QVERIFY(run.contains("0 models trained"));
        p.start(TLEG_CLI_PATH, {"experiment", "nonsense"});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(QString::fromUtf8(p.readAll()).contains("unknown experiment 'nonsense'"));
    }
};

QTEST_GUILESS_MAIN(TestExperiments)
#include "test_experiments.moc"
