// tleg pca: the weight-linearity analysis (paper Fig. 1) of one or more checkpoints.
#include "analysis/linearity_export.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "util/error.h"
#include "util/files.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace tleg::cli {

namespace {

std::string fixed(double v, int decimals)
{
    if (std::isnan(v))
        return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string general(double v)
{
    if (std::isnan(v))
        return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3e", v);
    return buf;
}

bool allDifferent(const std::vector<std::string>& labels)
{
    for (size_t i = 0; i < labels.size(); ++i)
        for (size_t j = i + 1; j < labels.size(); ++j)
            if (labels[i] == labels[j])
                return false;
    return true;
}

/// Short column labels for the side-by-side table: the fewest trailing path components that
/// tell the files apart, without a file name they all share (the pipeline writes
/// runs/<run>/model.safetensors, which becomes just <run>).
std::vector<std::string> shortLabels(const std::vector<std::string>& paths)
{
    for (int parts = 1; parts < 8; ++parts) {
        std::vector<std::string> labels;
        for (const auto& p : paths) {
            size_t at = p.size();
            for (int i = 0; i < parts && at != std::string::npos && at > 0; ++i)
                at = p.rfind('/', at - 1);
            labels.push_back(at == std::string::npos ? p : p.substr(at + 1));
        }
        if (!allDifferent(labels))
            continue;
        const size_t slash = labels.front().rfind('/');
        if (slash == std::string::npos)
            return labels;
        const std::string common = labels.front().substr(slash);
        std::vector<std::string> stripped;
        for (const auto& l : labels)
            if (l.size() > common.size()
                && l.compare(l.size() - common.size(), common.size(), common) == 0)
                stripped.push_back(l.substr(0, l.size() - common.size()));
        return stripped.size() == labels.size() && allDifferent(stripped) ? stripped : labels;
    }
    return paths;
}

void printModel(const analysis::ModelLinearity& m)
{
    std::printf("\n%s  (%s)\n  %zu blocks, %.3f M parameters, %.3f M per block analysed\n",
                m.path.c_str(), m.description.c_str(), m.blockIndices.size(),
                double(m.totalParameters) / 1e6, double(m.blockParameters) / 1e6);
    std::printf("  %-18s %10s %10s %9s %11s %9s %9s %9s %9s\n", "kind", "R²", "chance R²",
                "p", "slope", "PC1 var%", "PC2 var%", "residual", "adj. cos");
    std::vector<std::string> notes;
    for (const auto& k : m.kinds) {
        std::printf("  %-18s %9s %9s %9s %11s %9s %9s %9s %9s\n", k.kind.c_str(),
                    fixed(k.r2, 6).c_str(), fixed(k.r2Chance, 4).c_str(),
                    general(k.r2PValue).c_str(), general(k.slope).c_str(),
                    fixed(100 * k.explained1, 2).c_str(), fixed(100 * k.explained2, 2).c_str(),
                    fixed(k.residual, 4).c_str(), fixed(k.meanAdjacentCosine, 4).c_str());
        if (!k.note.empty() && std::find(notes.begin(), notes.end(), k.note) == notes.end())
            notes.push_back(k.note);
    }
    if (!m.kinds.empty() && !std::isnan(m.kinds.front().r2Chance))
        std::printf("  chance R²: the mean R² when the layer order is shuffled (1/(L-1) for "
                    "weights without a trend); p: the share of shuffled orders with an R² at "
                    "least as high\n");
    for (const auto& n : notes)
        std::printf("  n/a: %s\n", n.c_str());
    if (!m.ignored.empty())
        std::printf("  ignored %zu block tensors of no known kind (e.g. %s)\n", m.ignored.size(),
                    m.ignored.front().c_str());
}

void printSideBySide(const std::vector<analysis::ModelLinearity>& models)
{
    std::vector<std::string> paths, kinds;
    for (const auto& m : models) {
        paths.push_back(m.path);
        for (const auto& k : m.kinds)
            if (std::find(kinds.begin(), kinds.end(), k.kind) == kinds.end())
                kinds.push_back(k.kind);
    }
    const auto labels = shortLabels(paths);
    std::printf("\nR² of PC1 against depth, side by side\n  %-18s", "kind");
    std::vector<int> widths;
    for (const auto& l : labels) {
        widths.push_back(std::max<int>(10, static_cast<int>(l.size())));
        std::printf(" %*s", widths.back(), l.c_str());
    }
    std::printf("\n");
    for (const auto& kind : kinds) {
        std::printf("  %-18s", kind.c_str());
        for (size_t i = 0; i < models.size(); ++i) {
            std::string cell = "-";
            for (const auto& k : models[i].kinds)
                if (k.kind == kind)
                    cell = fixed(k.r2, 6);
            std::printf(" %*s", widths[i], cell.c_str());
        }
        std::printf("\n");
    }
}

} // namespace

int pcaCommand(const Args& args)
{
    CommandLine cl("pca",
                   "Weight linearity (paper Fig. 1): for each parameter kind and for the whole "
                   "block, PCA of the per-layer weights, R² of a line through PC1 against depth, "
                   "and the residual of the best θ_l ≈ B + (l/L)·A a learngene could express "
                   "(relative to the weights' variation across layers: 0 = exactly linear). "
                   "Reads safetensors with timm, torchvision or Hugging Face names, TLEG "
                   "Aux-Nets (effective blocks) and TorchScript modules.",
                   {{"kinds", "LIST",
                     "comma-separated kinds to report (e.g. attn.qkv.weight,mlp.fc1.weight; "
                     "'block' = whole block); default: all",
                     ""},
                    {"csv", "OUT",
                     "write per-layer points: model,kind,layer,block,pc1,pc2,norm,"
                     "cos_next",
                     ""},
                    {"json", "OUT", "write every figure and series as JSON", ""},
                    {"threads", "N", "intra-op threads (0 = the idle cores)", "0"}},
                   "FILE...");
    if (!cl.parse(args))
        return 0;
    train::applyThreads(static_cast<int>(cl.getInt("threads")));
    const std::vector<std::string> kinds = splitList(cl.get("kinds"));
    std::vector<analysis::ModelLinearity> models;
    for (const auto& path : cl.positional()) {
        models.push_back(analysis::analyseLinearity(analysis::loadLayerWeights(path), kinds));
        printModel(models.back());
    }
    if (models.size() > 1)
        printSideBySide(models);
    std::printf("\nresidual = ||X - fit||_F / ||X - mean||_F of the best fit B + (l/L)·A; "
                "adj. cos = mean cosine of adjacent layers\n");
    if (cl.has("csv")) {
        writeTextAtomic(cl.get("csv"), analysis::linearityCsv(models));
        std::printf("per-layer points -> %s\n", cl.get("csv").c_str());
    }
    if (cl.has("json")) {
        writeTextAtomic(cl.get("json"), analysis::linearityJson(models).dump(2) + "\n");
        std::printf("all figures -> %s\n", cl.get("json").c_str());
    }
    return 0;
}

} // namespace tleg::cli
