#include "experiments/experiment.h"

#include "experiments/studies.h"
#include "util/error.h"
#include "util/files.h"
#include "util/translatable.h"

#include <chrono>
#include <sstream>

namespace tleg::experiments {

const std::vector<ExperimentInfo>& experimentList()
{
    // Titles and descriptions are translated in the GUI (TLEG_TRANSLATABLE, context
    // "Experiments"); results.md keeps them in English.
    static const std::vector<ExperimentInfo> list{
        {"depth-sweep",
         TLEG_TRANSLATABLE("Experiments", "Des-Nets of many depths from one learngene vs scratch"),
         TLEG_TRANSLATABLE("Experiments", "Table 1"),
         TLEG_TRANSLATABLE(
             "Experiments",
             "One learngene is expanded into Des-Nets of several depths and each is fine-tuned "
             "briefly; each depth is also trained from scratch with the same budget and with a "
             "longer one. Accuracy against depth and the total training cost of both routes.")},
        {"transfer",
         TLEG_TRANSLATABLE("Experiments", "Transfer to new classes against the baselines"),
         TLEG_TRANSLATABLE("Experiments", "Table 2"),
         TLEG_TRANSLATABLE(
             "Experiments",
             "Learngene, Share-Init and Pre-Fin(U) are trained on the source classes; Des-Nets "
             "initialised by Scratch, Pre-Fin(U), He-LG, Share-Init and TLEG are trained on the "
             "target classes with a limited label budget. Top-1 and S-Params for each.")},
        {"storage", TLEG_TRANSLATABLE("Experiments", "Parameters stored to initialise many depths"),
         TLEG_TRANSLATABLE("Experiments", "Table 3"),
         TLEG_TRANSLATABLE(
             "Experiments",
             "Des-Nets of several depths on the target classes, initialised either from one "
             "pretrained model per depth (Pre-Fin(U)) or from one learngene: stored parameters, "
             "pretraining cost and accuracy.")},
        {"modules", TLEG_TRANSLATABLE("Experiments", "Which modules to expand"),
         TLEG_TRANSLATABLE("Experiments", "Table 4"),
         TLEG_TRANSLATABLE(
             "Experiments",
             "Learngenes that expand MSA, MLP, MSA+MLP or MSA+MLP+LN (the rest per-layer in the "
             "Aux-Net and random in the Des-Net), against Pre-Fin(U), on the target classes.")},
        {"partial-init", TLEG_TRANSLATABLE("Experiments", "Initialising part of a Des-Net"),
         TLEG_TRANSLATABLE("Experiments", "Table 5"),
         TLEG_TRANSLATABLE(
             "Experiments",
             "Only the first half, only the second half, or all blocks of the Des-Net come from "
             "the learngene; the rest starts random.")},
        {"partial-expansion", TLEG_TRANSLATABLE("Experiments", "Expanding part of the Aux-Net"),
         TLEG_TRANSLATABLE("Experiments", "Table 6"),
         TLEG_TRANSLATABLE("Experiments",
                           "The Aux-Net's lowest blocks are independent and only the upper "
                           "ones are linearly expanded, against expanding all blocks.")},
        {"linearity", TLEG_TRANSLATABLE("Experiments", "Do weights change linearly with depth?"),
         TLEG_TRANSLATABLE("Experiments", "Fig. 1"),
         TLEG_TRANSLATABLE(
             "Experiments",
             "PCA of per-layer weights for an ancestry trained from scratch, the Aux-Net, "
             "fine-tuned Des-Nets and models trained from scratch: R² of PC1 against depth per "
             "parameter kind.")}};
    return list;
}

const ExperimentInfo& experimentInfo(const std::string& name)
{
    std::string known;
    for (const auto& e : experimentList()) {
        if (e.name == name)
            return e;
        known += (known.empty() ? "" : ", ") + e.name;
    }
    throw Error("unknown experiment '" + name + "' (known: " + known + ")");
}

std::vector<std::string> presetNames()
{
    return {"smoke", "quick", "paper", "full"};
}

int64_t sParamsWithoutHead(const std::string& path)
{
    return storedParameters(path, [](const std::string& n) { return n.rfind("head.", 0) != 0; });
}

std::string compareLine(const Records& r, const std::string& a, const std::string& b, int64_t depth)
{
    const auto ra = r.of(a, depth), rb = r.of(b, depth);
    std::vector<double> diffs;
    int ahead = 0, pairs = 0;
    for (const auto& x : ra)
        for (const auto& y : rb)
            if (x.seed == y.seed) {
                diffs.push_back(x.top1 - y.top1);
                ahead += x.top1 > y.top1;
                ++pairs;
            }
    if (pairs == 0)
        return a + " − " + b + ": no common seeds.";
    const Stats s = stats(diffs);
    std::string verdict = s.n > 1 && std::abs(s.mean) <= s.std ? " (within one std of zero)" : "";
    return a + " − " + b + ": " + signedNum(s.mean) + " points"
           + (s.n > 1 ? " ± " + num(s.std) : std::string()) + verdict + "; " + a + " ahead in "
           + std::to_string(ahead) + " of " + std::to_string(pairs) + " seeds.";
}

std::string seedStage(const Workbench& wb, int seed)
{
    return "seed " + std::to_string(seed + 1) + "/" + std::to_string(wb.seeds());
}

Series top1Series(const Records& r, const std::string& method, const std::vector<int64_t>& depths)
{
    Series s{method, {}, {}, {}};
    for (int64_t d : depths) {
        const Stats st = r.top1(method, d);
        if (st.n == 0)
            continue;
        s.x.push_back(double(d));
        s.y.push_back(st.mean);
        s.err.push_back(st.std);
    }
    return s;
}

namespace {

Report runStudy(const std::string& name, Workbench& wb)
{
    if (name == "depth-sweep")
        return depthSweep(wb);
    if (name == "transfer")
        return transfer(wb);
    if (name == "storage")
        return storage(wb);
    if (name == "modules")
        return modules(wb);
    if (name == "partial-init")
        return partialInit(wb);
    if (name == "partial-expansion")
        return partialExpansion(wb);
    if (name == "linearity")
        return linearity(wb);
    throw Error("unknown experiment '" + name + "'");
}

std::string header(const ExperimentInfo& info, Workbench& wb, const ExperimentResult& r)
{
    const Preset& p = wb.preset();
    std::string ancestryImages; // where the ancestries see more images than the rest
    if (p.ancestryImages() != p.trainSubset)
        ancestryImages = p.ancestryImages() == 0
                             ? " on all the training images"
                             : " on " + std::to_string(p.ancestryImages()) + " training images";
    std::ostringstream os;
    os << "# " << info.title << " (paper " << info.paperRef << ")\n\n"
       << info.description << "\n\n"
       << "Preset `" << p.name << "`: " << wb.describe(Domain::All) << ", "
       << wb.data(Domain::All).train.size() << " training / " << wb.data(Domain::All).test.size()
       << " test images; ancestry " << p.ancestry.depth << " blocks × width " << p.ancestry.dim
       << " (" << p.ancestryTrain.epochs << " epochs" << ancestryImages << "); Aux-Net "
       << p.aux.depth
       << " blocks × width " << p.aux.dim << ". " << wb.seeds()
       << " seeds; mean ± sample std over seeds. The ancestry (teacher) is trained once with "
          "seed 0 and shared by all seeds; data subsets are fixed. "
       << (wb.options().bf16 ? "bf16 matmuls" : "fp32") << ", recipe `" << wb.options().recipe
       << "` ("
       << (wb.options().recipe == "released" ? "KL ÷ batch × classes, no gradient clipping"
                                             : "KL ÷ batch, gradient norm clipped at 1.0")
       << "), "
       << (wb.options().threads > 0 ? std::to_string(wb.options().threads) : std::string("all"))
       << " intra-op thread(s). Top-1 and top-5 are on the test set, scored once per model, "
       << "of the epoch chosen on "
       << (p.finetuneTrain.valFraction > 0.0
               ? num(100.0 * p.finetuneTrain.valFraction, 0) +
                     " % of its training images held out (the same images for every method and "
                     "seed)"
               : std::string("the test set itself (no hold-out)"))
       << ". " << r.trainedRuns << " models trained in this call, "
       << r.cachedRuns << " uses of cached models (`" << joinPath(wb.options().root, "cache")
       << "`); training time of every model this experiment uses: "
       << num(r.standaloneSeconds / 60.0, 1) << " min (its cost with an empty cache).\n\n"
       << "Command: `tleg experiment " << info.name << " --preset " << p.name << " --seeds "
       << wb.seeds() << (wb.options().bf16 ? " --bf16" : "")
       << (wb.options().recipe != "tleg" ? " --recipe " + wb.options().recipe : std::string())
       << "`\n\n";
    return os.str();
}

} // namespace

std::string experimentFolderName(const ExperimentOptions& o)
{
    return o.name + "-" + o.preset + (o.recipe == "tleg" ? "" : "-" + o.recipe);
}

ExperimentResult runExperiment(const ExperimentOptions& options, const StageFn& stage,
                               const train::ProgressFn& progress, const std::atomic<bool>* stop)
{
    const ExperimentInfo& info = experimentInfo(options.name);
    const auto start = std::chrono::steady_clock::now();
    Workbench wb(options, stage, progress, stop);
    ExperimentResult r;
    r.folder = joinPath(options.root, experimentFolderName(options));
    Report rep;
    try {
        rep = runStudy(info.name, wb);
    } catch (const Stopped&) {
        r.stopped = true;
    }
    r.trainedRuns = wb.trainedRuns();
    r.cachedRuns = wb.cachedRuns();
    r.standaloneSeconds = wb.standaloneSeconds();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (r.stopped)
        return r; // the finished models are in the cache; a rerun continues from there

    wb.announce("write " + r.folder);
    makeDirs(r.folder);
    auto write = [&](const std::string& name, const std::string& text) {
        const std::string path = joinPath(r.folder, name);
        writeTextAtomic(path, text);
        r.files.push_back(path);
    };
    r.markdown = header(info, wb, r) + rep.markdown;
    std::string figures;
    for (const auto& [name, chart] : rep.charts) {
        const std::string path = joinPath(r.folder, name);
        savePng(chart, path);
        r.files.push_back(path);
        figures += "![" + chart.title + "](" + name + ")\n";
    }
    if (!figures.empty())
        r.markdown += "\n" + figures;
    write("results.md", r.markdown);
    if (!rep.charts.empty())
        write(kChartsFile, chartsJson(rep.charts)); // the plots as data, for the GUI
    write("per_seed.csv", rep.records.perSeedCsv());
    write("summary.csv", rep.records.summaryCsv());
    for (const auto& [name, text] : rep.files)
        write(name, text);
    const nlohmann::json about = {{"experiment", info.name},
                                  {"paper", info.paperRef},
                                  {"preset", wb.preset().toJson()},
                                  {"seeds", wb.seeds()},
                                  {"data", options.data},
                                  {"bf16", options.bf16},
                                  {"recipe", options.recipe},
                                  {"threads", options.threads},
                                  {"trained_runs", r.trainedRuns},
                                  {"cached_runs", r.cachedRuns},
                                  {"seconds", r.seconds},
                                  {"standalone_training_seconds", r.standaloneSeconds},
                                  {"finished", timestamp()}};
    write("experiment.json", about.dump(2) + "\n");
    return r;
}

} // namespace tleg::experiments
