#include "analysis/linearity_export.h"

#include <cmath>
#include <cstdio>

namespace tleg::analysis {

namespace {

std::string csvField(const std::string& s)
{
    if (s.find_first_of(",\"\n\r") == std::string::npos)
        return s;
    std::string out = "\"";
    for (const char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string number(double v)
{
    if (std::isnan(v))
        return "nan";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

} // namespace

nlohmann::json linearityJson(const std::vector<ModelLinearity>& models)
{
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : models) {
        nlohmann::json kinds = nlohmann::json::array();
        for (const auto& k : m.kinds)
            kinds.push_back({{"kind", k.kind},
                             {"layers", k.layers},
                             {"params_per_layer", k.params},
                             {"r2", k.r2},
                             {"r2_chance_shuffled_layers", k.r2Chance},
                             {"r2_p_value", k.r2PValue},
                             {"slope", k.slope},
                             {"intercept", k.intercept},
                             {"explained_variance", {k.explained1, k.explained2}},
                             {"residual", k.residual},
                             {"residual_of_norm", k.residualOfNorm},
                             {"mean_adjacent_cosine", k.meanAdjacentCosine},
                             {"note", k.note},
                             {"pc1", k.pc1},
                             {"pc2", k.pc2},
                             {"norms", k.norms},
                             {"cos_next", k.cosNext}});
        out.push_back({{"path", m.path},
                       {"description", m.description},
                       {"blocks", m.blockIndices},
                       {"total_parameters", m.totalParameters},
                       {"block_parameters", m.blockParameters},
                       {"ignored_tensors", m.ignored},
                       {"residual_definition", "||X - fit||_F / ||X - mean||_F, fit = B + c_l A, "
                                               "c_l = l/L"},
                       {"kinds", kinds}});
    }
    return out;
}

std::string linearityCsv(const std::vector<ModelLinearity>& models)
{
    std::string out = "model,kind,layer,block,pc1,pc2,norm,cos_next\n";
    for (const auto& m : models) {
        const std::string model = csvField(m.path);
        for (const auto& k : m.kinds) {
            for (int64_t l = 0; l < k.layers; ++l) {
                const size_t i = static_cast<size_t>(l);
                out += model + "," + k.kind + "," + std::to_string(l) + ","
                       + std::to_string(i < m.blockIndices.size() ? m.blockIndices[i] : l) + ","
                       + number(k.pc1[i]) + "," + number(k.pc2[i]) + "," + number(k.norms[i]) + ","
                       + (i < k.cosNext.size() ? number(k.cosNext[i]) : std::string()) + "\n";
            }
        }
    }
    return out;
}

} // namespace tleg::analysis
