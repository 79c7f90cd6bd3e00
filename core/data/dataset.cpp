// Seeded views of a dataset (splits, class selection, label budgets, subsets) and its
// per-channel statistics. Every selection is an index_select of the uint8 tensors.
#include "data/dataset.h"
#include "util/error.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>
#include <sstream>

namespace tleg::data {
namespace {

void checkDataset(const Dataset& d, const char* operation)
{
    if (!d.images.defined() || d.images.dim() != 4 || d.images.scalar_type() != torch::kUInt8 ||
        !d.labels.defined() || d.labels.dim() != 1 || d.labels.size(0) != d.images.size(0)) {
        throw Error(std::string(operation) + ": dataset '" + d.name +
                    "' is not a [N, C, H, W] uint8 image tensor with [N] labels");
    }
    if (d.labels.numel() > 0 && (d.labels.min().item<int64_t>() < 0 ||
                                 d.labels.max().item<int64_t>() >= d.numClasses)) {
        throw Error(std::string(operation) + ": dataset '" + d.name + "' has labels outside [0, " +
                    std::to_string(d.numClasses) + ")");
    }
}

torch::Tensor seededPermutation(int64_t n, uint64_t seed)
{
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    return torch::randperm(n, gen, torch::kLong);
}

torch::Tensor sorted(const torch::Tensor& indices)
{
    // Keeping the file order inside a selection makes it independent of the permutation's
    // internals beyond the choice of members, and keeps index_select cache friendly.
    return std::get<0>(indices.sort());
}

} // namespace

Dataset take(const Dataset& d, const torch::Tensor& indices)
{
    Dataset out;
    out.name = d.name;
    out.images = d.images.index_select(0, indices);
    out.labels = d.labels.index_select(0, indices);
    out.numClasses = d.numClasses;
    out.classNames = d.classNames;
    out.augmentation = d.augmentation;
    out.note = d.note;
    return out;
}

namespace {

std::string formatDouble(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

} // namespace

torch::Tensor Dataset::classCounts() const
{
    if (!labels.defined() || labels.numel() == 0) {
        return torch::zeros({numClasses}, torch::kLong);
    }
    return torch::bincount(labels, {}, numClasses).to(torch::kLong);
}

std::pair<Dataset, Dataset> splitTrainVal(const Dataset& d, double valFraction, uint64_t seed)
{
    const SplitPositions p = splitPositions(d, valFraction, seed);
    Dataset val = take(d, p.val);
    Dataset train = take(d, p.fit);
    return {std::move(train), std::move(val)};
}

SplitPositions splitPositions(const Dataset& d, double valFraction, uint64_t seed)
{
    checkDataset(d, "splitTrainVal");
    if (!(valFraction > 0.0 && valFraction < 1.0)) {
        throw Error("validation fraction must be in (0, 1), got " + formatDouble(valFraction));
    }
    const int64_t n = d.size();
    if (n < 2) {
        throw Error("cannot split dataset '" + d.name + "' of " + std::to_string(n) +
                    " samples into train and validation");
    }
    const int64_t nVal = std::clamp<int64_t>(std::llround(double(n) * valFraction), 1, n - 1);
    const torch::Tensor perm = seededPermutation(n, seed);
    return {sorted(perm.narrow(0, nVal, n - nVal)), sorted(perm.narrow(0, 0, nVal))};
}

Dataset selectClasses(const Dataset& d, const std::vector<int64_t>& classes, bool relabel)
{
    checkDataset(d, "selectClasses");
    if (classes.empty()) {
        throw Error("selectClasses: no classes given");
    }
    // lookup[c] is the new label of class c, or -1 when c is dropped.
    std::vector<int64_t> lookup(size_t(d.numClasses), -1);
    for (size_t i = 0; i < classes.size(); ++i) {
        const int64_t c = classes[i];
        if (c < 0 || c >= d.numClasses) {
            throw Error("selectClasses: unknown class " + std::to_string(c) + " (dataset '" +
                        d.name + "' has classes 0.." + std::to_string(d.numClasses - 1) + ")");
        }
        if (lookup[size_t(c)] >= 0) {
            throw Error("selectClasses: class " + std::to_string(c) + " is listed twice");
        }
        lookup[size_t(c)] = relabel ? int64_t(i) : c;
    }
    const torch::Tensor mapped = torch::tensor(lookup, torch::kLong).index_select(0, d.labels);
    const torch::Tensor keep = (mapped >= 0).nonzero().squeeze(1);
    Dataset out = take(d, keep);
    if (relabel) {
        out.labels = mapped.index_select(0, keep);
        out.numClasses = int64_t(classes.size());
        out.classNames.clear();
        for (const int64_t c : classes) {
            out.classNames.push_back(size_t(c) < d.classNames.size() ? d.classNames[size_t(c)]
                                                                     : std::to_string(c));
        }
    }
    return out;
}

Dataset labelBudget(const Dataset& d, int64_t perClass, uint64_t seed)
{
    checkDataset(d, "labelBudget");
    if (perClass <= 0) {
        throw Error("labelBudget: samples per class must be positive, got " +
                    std::to_string(perClass));
    }
    const torch::Tensor perm = seededPermutation(d.size(), seed);
    const torch::Tensor permLabels = d.labels.index_select(0, perm);
    const auto* order = perm.data_ptr<int64_t>();
    const auto* labels = permLabels.data_ptr<int64_t>();
    std::vector<int64_t> taken(size_t(d.numClasses), 0);
    std::vector<int64_t> keep;
    for (int64_t i = 0; i < d.size(); ++i) {
        auto& count = taken[size_t(labels[i])];
        if (count < perClass) {
            ++count;
            keep.push_back(order[i]);
        }
    }
    return take(d, sorted(torch::tensor(keep, torch::kLong)));
}

Dataset subset(const Dataset& d, int64_t n, uint64_t seed)
{
    checkDataset(d, "subset");
    if (n <= 0) {
        throw Error("subset: sample count must be positive, got " + std::to_string(n));
    }
    const int64_t m = std::min(n, d.size());
    return take(d, sorted(seededPermutation(d.size(), seed).narrow(0, 0, m)));
}

Normalization computeNormalization(const Dataset& d)
{
    checkDataset(d, "computeNormalization");
    if (d.size() == 0) {
        throw Error("computeNormalization: dataset '" + d.name + "' is empty");
    }
    // Exact statistics from per-channel histograms of the uint8 values: one pass over the
    // bytes and no float copy of the whole dataset.
    const torch::Tensor images = d.images.contiguous();
    const int64_t n = d.size();
    const int64_t channels = d.channels();
    const int64_t plane = d.height() * d.width();
    const uint8_t* data = images.data_ptr<uint8_t>();
    using Histogram = std::array<uint64_t, 256>;
    std::vector<Histogram> total(size_t(channels), Histogram{});
    std::mutex mergeMutex;
    at::parallel_for(0, n, 256, [&](int64_t begin, int64_t end) {
        // Four interleaved histograms so runs of equal pixels (black borders) do not
        // serialise on one counter.
        std::vector<std::array<Histogram, 4>> local(static_cast<size_t>(channels));
        for (auto& lanes : local) {
            for (auto& h : lanes) {
                h.fill(0);
            }
        }
        for (int64_t i = begin; i < end; ++i) {
            for (int64_t c = 0; c < channels; ++c) {
                const uint8_t* p = data + (i * channels + c) * plane;
                auto& lanes = local[size_t(c)];
                int64_t k = 0;
                for (; k + 4 <= plane; k += 4) {
                    ++lanes[0][p[k]];
                    ++lanes[1][p[k + 1]];
                    ++lanes[2][p[k + 2]];
                    ++lanes[3][p[k + 3]];
                }
                for (; k < plane; ++k) {
                    ++lanes[0][p[k]];
                }
            }
        }
        const std::lock_guard<std::mutex> lock(mergeMutex);
        for (int64_t c = 0; c < channels; ++c) {
            for (int v = 0; v < 256; ++v) {
                for (const auto& h : local[size_t(c)]) {
                    total[size_t(c)][size_t(v)] += h[size_t(v)];
                }
            }
        }
    });

    Normalization norm;
    const double count = double(n) * double(plane);
    for (int64_t c = 0; c < channels; ++c) {
        double sum = 0.0;
        double sumSq = 0.0;
        for (int v = 0; v < 256; ++v) {
            const double x = v / 255.0;
            const double k = double(total[size_t(c)][size_t(v)]);
            sum += k * x;
            sumSq += k * x * x;
        }
        const double mean = sum / count;
        const double stdev = std::sqrt(std::max(0.0, sumSq / count - mean * mean));
        norm.mean.push_back(float(mean));
        // A constant channel would divide by zero; leaving it unscaled is the useful answer.
        norm.std.push_back(stdev > 1e-6 ? float(stdev) : 1.0f);
    }
    return norm;
}

} // namespace tleg::data
