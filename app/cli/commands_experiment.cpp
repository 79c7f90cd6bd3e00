#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress_printer.h"
#include "experiments/experiment.h"
#include "util/error.h"

#include <cstdio>

namespace tleg::cli {

namespace {

std::string experimentSummary()
{
    std::string s = "Reproduce one of the paper's comparisons at small scale: trains what it needs "
                    "(models are cached under ROOT/cache and shared between experiments; a "
                    "stopped run continues where it left off) and writes ROOT/NAME-PRESET/ with "
                    "results.md, per_seed.csv, summary.csv and PNG plots. NAME is one of:\n";
    for (const auto& e : experiments::experimentList())
        s += "  " + e.name + std::string(20 - std::min<size_t>(19, e.name.size()), ' ') +
             e.paperRef + ": " + e.title + "\n";
    s += "  all                 every experiment in turn\n  list                print this list";
    return s;
}

} // namespace

int experimentCommand(const Args& args)
{
    CommandLine cl("experiment", experimentSummary(),
                   {{"preset", "NAME",
                     "smoke (seconds), quick (each under 30 min on 2 cores), paper (40-epoch "
                     "ancestry on all of Fashion-MNIST, the rest on 20,000 images; about 75 min for "
                     "all seven with --bf16 on 2 cores), full",
                     "quick"},
                    {"seeds", "N", "seeds to average over (0 = the preset's: 2 smoke, 3 otherwise)",
                     "0"},
                    {"root", "DIR", "experiment folders and the model cache", "runs/experiments"},
                    {"data", "SPEC", "fashion-mnist or a dataset folder with at least 10 classes",
                     "fashion-mnist"},
                    {"threads", "N", "intra-op threads (0 = the idle cores)", "0"},
                    {"bf16", "", "matmuls in bfloat16", ""},
                    {"recipe", "NAME",
                     "tleg (KL ÷ batch, clip 1.0) or released (KL ÷ batch×classes, no "
                     "clipping, as the paper's released code)",
                     "tleg"}},
                   "NAME");
    if (!cl.parse(args))
        return 0;
    if (cl.positional().size() != 1)
        throw Error("experiment: give one NAME (or all, or list); see tleg experiment --help");
    const std::string name = cl.positional().front();
    if (name == "list") {
        for (const auto& e : experiments::experimentList())
            std::printf("%-18s %-8s %s\n", e.name.c_str(), e.paperRef.c_str(), e.title.c_str());
        return 0;
    }
    std::vector<std::string> names;
    if (name == "all")
        for (const auto& e : experiments::experimentList())
            names.push_back(e.name);
    else
        names.push_back(experiments::experimentInfo(name).name);

    experiments::ExperimentOptions o;
    o.preset = cl.get("preset");
    o.seeds = static_cast<int>(cl.getInt("seeds"));
    o.root = cl.get("root");
    o.data = cl.get("data");
    o.threads = static_cast<int>(cl.getInt("threads"));
    o.bf16 = cl.flag("bf16");
    o.recipe = cl.get("recipe");
    for (const auto& n : names) {
        o.name = n;
        ProgressPrinter printer(n);
        auto onStage = [&](const std::string& s) {
            std::printf("== %s: %s\n", n.c_str(), s.c_str());
            std::fflush(stdout);
            printer.setLabel(n + ": " + s);
        };
        const auto r = experiments::runExperiment(o, onStage, std::ref(printer), &stopFlag());
        if (r.stopped) {
            std::printf("\nexperiment %s stopped after %s; %lld models finished this time are "
                        "cached in %s/cache: run the same command to continue\n",
                        n.c_str(), formatDuration(r.seconds).c_str(),
                        static_cast<long long>(r.trainedRuns), o.root.c_str());
            return 130;
        }
        std::printf("\n%s\n%s: %lld models trained, %lld from the cache, %s; written to %s\n\n",
                    r.markdown.c_str(), n.c_str(), static_cast<long long>(r.trainedRuns),
                    static_cast<long long>(r.cachedRuns), formatDuration(r.seconds).c_str(),
                    r.folder.c_str());
    }
    return 0;
}

} // namespace tleg::cli
