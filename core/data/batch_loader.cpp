// BatchLoader: index_select, optional crop + flip on the uint8 batch (padded random crop, or
// random-resized-crop for the datasets that ask for it), then one fused
// normalisation. All randomness of an epoch is drawn in startEpoch from a generator seeded by
// (seed, epoch), which is what makes a resumed run see exactly the same batches.
#include "data/dataset.h"
#include "data/resized_crop.h"
#include "util/error.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace tleg::data {
namespace {

// splitmix64's finaliser: nearby (seed, epoch) pairs give unrelated generator seeds.
uint64_t mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

uint64_t epochSeed(uint64_t seed, int64_t epoch)
{
    return mix64(mix64(seed) ^ uint64_t(epoch));
}

ResizedCropRanges cropRanges(const LoaderOptions& o)
{
    return {o.cropScaleMin, o.cropScaleMax, o.cropRatioMin, o.cropRatioMax};
}

void checkCropRanges(const LoaderOptions& o)
{
    if (!(o.cropScaleMin > 0.0 && o.cropScaleMin <= o.cropScaleMax && o.cropScaleMax <= 1.0)) {
        throw Error("BatchLoader: the crop scale range must satisfy 0 < min <= max <= 1, got " +
                    std::to_string(o.cropScaleMin) + ".." + std::to_string(o.cropScaleMax));
    }
    if (!(o.cropRatioMin > 0.0 && o.cropRatioMin <= o.cropRatioMax &&
          std::isfinite(o.cropRatioMax))) {
        throw Error("BatchLoader: the crop aspect ratio range must satisfy 0 < min <= max, got " +
                    std::to_string(o.cropRatioMin) + ".." + std::to_string(o.cropRatioMax));
    }
}

/// Random crop of the zero-padded image followed by an optional horizontal flip, done as row
/// copies on the uint8 batch so the padded image is never materialised.
/// raw: [B, C, H, W] uint8 contiguous; offsets: [B, 2] in [0, 2 * pad]; flips: [B] uint8.
torch::Tensor cropAndFlip(const torch::Tensor& raw, const torch::Tensor& offsets,
                          const torch::Tensor& flips, int64_t pad)
{
    const int64_t batch = raw.size(0);
    const int64_t channels = raw.size(1);
    const int64_t h = raw.size(2);
    const int64_t w = raw.size(3);
    torch::Tensor out = torch::empty_like(raw);
    const uint8_t* src = raw.data_ptr<uint8_t>();
    uint8_t* dst = out.data_ptr<uint8_t>();
    const int64_t* off = offsets.data_ptr<int64_t>();
    const uint8_t* flip = flips.data_ptr<uint8_t>();
    for (int64_t b = 0; b < batch; ++b) {
        // Output pixel (y, x) of the crop comes from source pixel (y + dy, x + dx).
        const int64_t dy = off[2 * b] - pad;
        const int64_t dx = off[2 * b + 1] - pad;
        const int64_t x0 = std::max<int64_t>(0, -dx); // first crop column inside the image
        const int64_t x1 = std::min<int64_t>(w, w - dx); // one past the last
        for (int64_t c = 0; c < channels; ++c) {
            const uint8_t* srcPlane = src + (b * channels + c) * h * w;
            uint8_t* dstPlane = dst + (b * channels + c) * h * w;
            for (int64_t y = 0; y < h; ++y) {
                uint8_t* dstRow = dstPlane + y * w;
                std::memset(dstRow, 0, size_t(w));
                const int64_t sy = y + dy;
                if (sy < 0 || sy >= h || x1 <= x0) {
                    continue;
                }
                const uint8_t* from = srcPlane + sy * w + x0 + dx;
                if (flip[b]) {
                    // Crop column x lands at w - 1 - x.
                    std::reverse_copy(from, from + (x1 - x0), dstRow + (w - x1));
                } else {
                    std::memcpy(dstRow + x0, from, size_t(x1 - x0));
                }
            }
        }
    }
    return out;
}

} // namespace

BatchLoader::BatchLoader(const Dataset& d, LoaderOptions options)
    : m_data(d), m_options(std::move(options))
{
    if (!d.images.defined() || d.images.dim() != 4 || d.images.scalar_type() != torch::kUInt8 ||
        !d.labels.defined() || d.labels.size(0) != d.images.size(0)) {
        throw Error("BatchLoader: dataset '" + d.name +
                    "' is not a [N, C, H, W] uint8 image tensor with [N] labels");
    }
    if (d.size() == 0) {
        throw Error("BatchLoader: dataset '" + d.name + "' is empty");
    }
    if (m_options.batchSize < 1) {
        throw Error("BatchLoader: batch size must be positive, got " +
                    std::to_string(m_options.batchSize));
    }
    if (m_options.shardCount < 1 || m_options.shardIndex < 0
        || m_options.shardIndex >= m_options.shardCount) {
        throw Error("BatchLoader: shard " + std::to_string(m_options.shardIndex) + " of "
                    + std::to_string(m_options.shardCount) + " does not exist");
    }
    if (m_options.cropPadding < 0) {
        throw Error("BatchLoader: crop padding must not be negative, got " +
                    std::to_string(m_options.cropPadding));
    }
    checkCropRanges(m_options);
    if (m_options.positions.defined()) {
        const torch::Tensor& p = m_options.positions;
        if (p.dim() != 1 || p.scalar_type() != torch::kLong || p.size(0) == 0 ||
            p.min().item<int64_t>() < 0 || p.max().item<int64_t>() >= d.size()) {
            throw Error("BatchLoader: the positions to use of dataset '" + d.name +
                        "' are not a non-empty [M] int64 list within its " +
                        std::to_string(d.size()) + " samples");
        }
        m_options.positions = p.contiguous();
    }
    if (m_options.norm.mean.empty() && m_options.norm.std.empty()) {
        m_options.norm = computeNormalization(d);
    }
    const auto channels = size_t(d.channels());
    if (m_options.norm.mean.size() != channels || m_options.norm.std.size() != channels) {
        throw Error("BatchLoader: normalisation has " +
                    std::to_string(m_options.norm.mean.size()) + " means and " +
                    std::to_string(m_options.norm.std.size()) + " stds for " +
                    std::to_string(channels) + " channels");
    }
    std::vector<float> scale;
    std::vector<float> shift;
    for (size_t c = 0; c < channels; ++c) {
        const float s = m_options.norm.std[c];
        if (!(s > 0.0f)) {
            throw Error("BatchLoader: normalisation std must be positive, got " +
                        std::to_string(s));
        }
        scale.push_back(1.0f / (255.0f * s));
        shift.push_back(-m_options.norm.mean[c] / s);
    }
    const auto shape = std::vector<int64_t>{1, int64_t(channels), 1, 1};
    m_scale = torch::tensor(scale).view(shape);
    m_shift = torch::tensor(shift).view(shape);
    startEpoch(0);
}

int64_t BatchLoader::samples() const
{
    return m_options.positions.defined() ? m_options.positions.size(0) : m_data.size();
}

int64_t BatchLoader::batchesPerEpoch() const
{
    const int64_t n = samples();
    const int64_t b = m_options.batchSize;
    return m_options.dropLast ? n / b : (n + b - 1) / b;
}

void BatchLoader::startEpoch(int64_t epoch)
{
    const int64_t n = samples();
    auto gen = at::make_generator<at::CPUGeneratorImpl>(epochSeed(m_options.seed, epoch));
    m_order = m_options.shuffle ? torch::randperm(n, gen, torch::kLong)
                                : torch::arange(n, torch::kLong);
    if (m_options.positions.defined())
        m_order = m_options.positions.index_select(0, m_order);
    m_offsets = torch::Tensor();
    m_boxes = torch::Tensor();
    m_flips = torch::Tensor();
    if (m_options.augment) {
        // Crop draws first, then flips: the PadCrop order is what earlier runs drew.
        if (m_data.augmentation == Augmentation::ResizedCrop) {
            m_boxes = sampleResizedCropBoxes(n, m_data.height(), m_data.width(),
                                             cropRanges(m_options), gen);
        } else {
            const int64_t span = 2 * m_options.cropPadding + 1;
            m_offsets = torch::randint(0, span, {n, 2}, gen, torch::kLong);
        }
        m_flips = m_options.flip ? torch::randint(0, 2, {n}, gen, torch::kUInt8)
                                 : torch::zeros({n}, torch::kUInt8);
    }
    m_cursor = 0;
}

bool BatchLoader::next(Batch& b)
{
    const int64_t remaining = samples() - m_cursor;
    if (remaining <= 0 || (m_options.dropLast && remaining < m_options.batchSize)) {
        return false;
    }
    const int64_t count = std::min(m_options.batchSize, remaining);
    // This shard's slice [from, from + n) of the global batch (all of it for one process).
    const int64_t from = m_cursor + count * m_options.shardIndex / m_options.shardCount;
    const int64_t n = m_cursor + count * (m_options.shardIndex + 1) / m_options.shardCount - from;
    // A copy, so the batch stays valid after the next startEpoch.
    torch::Tensor indices = m_order.narrow(0, from, n).clone();
    torch::Tensor raw = m_data.images.index_select(0, indices); // [B, C, H, W] uint8
    if (m_boxes.defined()) {
        raw = resizedCropAndFlip(raw, m_boxes.narrow(0, from, n), m_flips.narrow(0, from, n));
    } else if (m_options.augment && (m_options.cropPadding > 0 || m_options.flip)) {
        raw = cropAndFlip(raw, m_offsets.narrow(0, from, n), m_flips.narrow(0, from, n),
                          m_options.cropPadding);
    }
    // The previous float batch is written over when nothing else holds it: at 224 px it is
    // 77 MB, above glibc's largest mmap threshold, and a fresh one is faulted in page by page.
    const bool reusable = b.images.defined() && b.images.use_count() == 1 &&
                          b.images.storage().use_count() == 1 &&
                          b.images.scalar_type() == torch::kFloat && b.images.is_contiguous() &&
                          b.images.sizes() == raw.sizes() && !b.images.requires_grad();
    if (!reusable) {
        b.images = torch::empty(raw.sizes(), torch::kFloat);
    }
    b.images.copy_(raw).mul_(m_scale).add_(m_shift);
    b.labels = m_data.labels.index_select(0, indices);
    b.indices = indices;
    m_cursor += count;
    return true;
}

} // namespace tleg::data
