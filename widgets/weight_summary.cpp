#include "widgets/weight_summary.h"

#include "io/safetensors.h"

#include <torch/torch.h>

#include <cctype>
#include <regex>

namespace tleg::gui {

std::string weightGroupOf(const std::string& tensorName)
{
    for (const char* theta : {"learngene.A.", "learngene.B."})
        if (tensorName.rfind(theta, 0) == 0)
            return std::string(theta).substr(0, 11);
    // The first dot-separated part that ends in digits: "3" or "encoder_layer_3".
    static const std::regex numbered(R"(^((?:[^.]*\.)*?[^.]*?\d+)\.)");
    std::smatch m;
    if (std::regex_search(tensorName, m, numbered))
        return m[1].str();
    return "other";
}

namespace {

TensorSummary summarizeTensor(const std::string& name, const torch::Tensor& t)
{
    TensorSummary s;
    s.name = name;
    s.dtype = io::dtypeToString(t.scalar_type());
    s.shape = t.sizes().vec();
    s.params = t.numel();
    if (s.params == 0)
        return s;
    const torch::Tensor x = t.to(torch::kDouble).flatten();
    s.mean = x.mean().item<double>();
    s.std = s.params > 1 ? x.std().item<double>() : 0.0;
    s.min = x.min().item<double>();
    s.max = x.max().item<double>();
    const double hi = s.max > s.min ? s.max : s.min + 1; // a constant tensor: one full bin
    const torch::Tensor counts = torch::histc(x, kHistogramBins, s.min, hi).to(torch::kLong);
    s.histogram.assign(counts.data_ptr<int64_t>(), counts.data_ptr<int64_t>() + kHistogramBins);
    return s;
}

} // namespace

WeightSummary summarizeWeights(const std::string& path)
{
    const io::SafetensorsFile file = io::readSafetensors(path);
    WeightSummary out;
    out.path = path;
    if (auto it = file.metadata.find("tleg_kind"); it != file.metadata.end())
        out.kind = it->second;
    std::map<std::string, size_t> groupIndex;
    std::map<std::string, LearngeneRow> thetas;
    for (const auto& [name, tensor] : file.tensors) {
        const std::string group = weightGroupOf(name);
        auto [at, fresh] = groupIndex.emplace(group, out.groups.size());
        if (fresh)
            out.groups.push_back({group, 0, {}});
        WeightGroup& g = out.groups[at->second];
        g.tensors.push_back(summarizeTensor(name, tensor));
        g.params += tensor.numel();
        out.params += tensor.numel();
        ++out.tensors;
        if (group == "learngene.A" || group == "learngene.B") {
            LearngeneRow& row = thetas[name.substr(12)];
            row.kind = name.substr(12);
            (group == "learngene.A" ? row.thetaA : row.thetaB) += tensor.numel();
        }
    }
    for (auto& [kind, row] : thetas)
        out.learngene.push_back(row);
    return out;
}

} // namespace tleg::gui
