// Random-resized-crop: boxes from one generator per epoch, resizing with OpenCV per plane.
#include "data/resized_crop.h"

#include <ATen/Parallel.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace tleg::data {
namespace {

constexpr int kTries = 10; // torchvision's

/// torchvision's fallback after ten misses: the largest centred box within the ratio range.
void centreBox(int64_t height, int64_t width, const ResizedCropRanges& r, int64_t* box)
{
    const double inRatio = double(width) / double(height);
    int64_t w = width;
    int64_t h = height;
    if (inRatio < r.ratioMin) {
        h = std::llround(double(w) / r.ratioMin);
    } else if (inRatio > r.ratioMax) {
        w = std::llround(double(h) * r.ratioMax);
    }
    box[0] = (height - h) / 2;
    box[1] = (width - w) / 2;
    box[2] = h;
    box[3] = w;
}

} // namespace

torch::Tensor sampleResizedCropBoxes(int64_t n, int64_t height, int64_t width,
                                     const ResizedCropRanges& r, at::Generator& gen)
{
    // All draws up front, a fixed number per image, so that box k depends only on the
    // generator's state and k.
    auto uniform = [&](std::vector<int64_t> shape, double from, double to) {
        torch::Tensor t = torch::empty(shape, torch::kDouble);
        return from < to ? t.uniform_(from, to, gen) : t.uniform_(0, 1, gen).fill_(from);
    };
    const torch::Tensor scales = uniform({n, kTries}, r.scaleMin, r.scaleMax);
    const torch::Tensor logRatios =
        uniform({n, kTries}, std::log(r.ratioMin), std::log(r.ratioMax));
    const torch::Tensor positions = uniform({n, 2}, 0.0, 1.0);
    const double* scale = scales.data_ptr<double>();
    const double* logRatio = logRatios.data_ptr<double>();
    const double* position = positions.data_ptr<double>();
    torch::Tensor boxes = torch::empty({n, 4}, torch::kLong);
    int64_t* box = boxes.data_ptr<int64_t>();
    const double area = double(height) * double(width);
    for (int64_t i = 0; i < n; ++i, box += 4) {
        int tryIndex = 0;
        for (; tryIndex < kTries; ++tryIndex) {
            const double target = area * scale[i * kTries + tryIndex];
            const double ratio = std::exp(logRatio[i * kTries + tryIndex]);
            const int64_t w = std::llround(std::sqrt(target * ratio));
            const int64_t h = std::llround(std::sqrt(target / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                box[0] = std::min(height - h, int64_t(position[2 * i] * double(height - h + 1)));
                box[1] = std::min(width - w, int64_t(position[2 * i + 1] * double(width - w + 1)));
                box[2] = h;
                box[3] = w;
                break;
            }
        }
        if (tryIndex == kTries) {
            centreBox(height, width, r, box);
        }
    }
    return boxes;
}

torch::Tensor resizedCropAndFlip(const torch::Tensor& raw, const torch::Tensor& boxes,
                                 const torch::Tensor& flips)
{
    const int64_t batch = raw.size(0);
    const int64_t channels = raw.size(1);
    const int height = int(raw.size(2));
    const int width = int(raw.size(3));
    const int64_t plane = int64_t(height) * width;
    torch::Tensor out = torch::empty_like(raw);
    uint8_t* src = raw.data_ptr<uint8_t>();
    uint8_t* dst = out.data_ptr<uint8_t>();
    const int64_t* box = boxes.data_ptr<int64_t>();
    const uint8_t* flip = flips.data_ptr<uint8_t>();
    at::parallel_for(0, batch, 1, [&](int64_t begin, int64_t end) {
        cv::Mat resized;
        for (int64_t b = begin; b < end; ++b) {
            const int64_t* bx = box + 4 * b;
            const cv::Rect roi{int(bx[1]), int(bx[0]), int(bx[3]), int(bx[2])};
            for (int64_t c = 0; c < channels; ++c) {
                const cv::Mat from(height, width, CV_8UC1, src + (b * channels + c) * plane);
                cv::Mat to(height, width, CV_8UC1, dst + (b * channels + c) * plane);
                cv::Mat& target = flip[b] ? resized : to;
                if (roi.width == width && roi.height == height) {
                    from.copyTo(target);
                } else {
                    cv::resize(from(roi), target, cv::Size(width, height), 0, 0,
                               cv::INTER_LINEAR_EXACT);
                }
                if (flip[b]) {
                    cv::flip(resized, to, 1);
                }
            }
        }
    });
    return out;
}

} // namespace tleg::data
