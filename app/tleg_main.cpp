// tleg: TLEG Studio's command-line front end. Thin: parsing and printing live in cli/, the
// work in tleg_core.
#include "cli/commands.h"
#include "cli/options.h"
#include "dist/world.h"
#include "util/error.h"
#include "util/openmp_defaults.h"
#include "util/version.h"

#include <c10/util/Exception.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>

// Passive OpenMP waiting unless the user chose otherwise (see util/openmp_defaults.h).
TLEG_OPENMP_DEFAULTS();

namespace {

const char* kUsage =
    "Usage: tleg COMMAND [options]   (tleg COMMAND --help for each)\n\n"
    "TLEG Studio: produce and initialise Vision Transformers of many depths from one learngene\n"
    "(Transformer as Linear Expansion of Learngene, AAAI 2024).\n\n"
    "Commands:\n"
    "  train-ancestry   train an ancestry ViT from scratch\n"
    "  distill          distil a learngene into an Aux-Net from a teacher\n"
    "  expand           initialise a Des-Net of any depth from a learngene\n"
    "  finetune         fine-tune a Des-Net (or any ViT)\n"
    "  rerun RUN_DIR    run a finished run again from its config.json (same seed, same result)\n"
    "  eval             top-1 / top-5 of a model\n"
    "  info FILE        what a checkpoint holds\n"
    "  pca FILE...      weight linearity: PCA of per-layer weights, R² against depth\n"
    "  pipeline         ancestry -> learngene -> Des-Nets of several depths vs scratch\n"
    "  experiment NAME  the paper's comparisons (depth-sweep, transfer, storage, modules,\n"
    "                   partial-init, partial-expansion, linearity; all; list)\n"
    "  bench            speed against PyTorch and the CPU's peak; --accuracy for the fast path\n";

/// " (rank R of W)" for a data-parallel worker, else empty.
std::string rankTag()
{
    const tleg::dist::World* w = tleg::dist::current();
    return w ? " (rank " + std::to_string(w->rank()) + " of " + std::to_string(w->size()) + ")"
             : std::string();
}

} // namespace

int main(int argc, char** argv)
{
    using namespace tleg::cli;
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // progress lines reach a pipe or log as they happen
    const std::map<std::string, std::function<int(const Args&)>> commands = {
        {"train-ancestry", trainAncestryCommand},
        {"distill", distillCommand},
        {"expand", expandCommand},
        {"finetune", finetuneCommand},
        {"rerun", rerunCommand},
        {"eval", evalCommand},
        {"info", infoCommand},
        {"pipeline", pipelineCommand},
        {"pca", pcaCommand},
        {"experiment", experimentCommand},
        {"bench", benchCommand}};
    if (argc >= 2 && std::string(argv[1]) == "--version") {
        std::printf("tleg %s\n", tleg::version());
        return 0;
    }
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
        std::fputs(kUsage, stdout);
        return argc < 2 ? 2 : 0;
    }
    auto it = commands.find(argv[1]);
    if (it == commands.end()) {
        std::fprintf(stderr, "tleg: unknown command '%s'\n\n%s", argv[1], kUsage);
        return 2;
    }
    installInterruptHandler();
    int rc = 1;
    try {
        rc = it->second(Args(argv + 2, argv + argc));
    } catch (const tleg::Error& e) {
        std::fprintf(stderr, "\ntleg %s%s: error: %s\n", argv[1], rankTag().c_str(), e.what());
    } catch (const c10::Error& e) {
        std::fprintf(stderr, "\ntleg %s%s: error in LibTorch: %s\n", argv[1], rankTag().c_str(),
                     e.what_without_backtrace());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "\ntleg %s%s: error: %s\n", argv[1], rankTag().c_str(), e.what());
    }
    if (tleg::dist::current()) {
        // A data-parallel worker leaves without tearing down Gloo, whose threads may still wait
        // on a worker that is gone: nothing is left to hang on.
        tleg::dist::removePrivateFolders();
        std::fflush(nullptr);
        std::_Exit(rc);
    }
    return rc;
}
