#pragma once
// Random-resized-crop + horizontal flip on uint8 batches, as DeiT trains (torchvision's
// RandomResizedCrop: scale 0.08-1, ratio 3/4-4/3, ten tries, then the centre fallback). The
// boxes of a whole epoch are drawn at once from the epoch's generator, so a resumed run crops
// the same; each image's box is then resized back to H×W (bilinear, OpenCV's bit-exact
// fixed-point variant, so every CPU gives the same bytes).
// Usage:
//   torch::Tensor boxes = sampleResizedCropBoxes(n, 224, 224, {0.08, 1, 0.75, 4.0 / 3}, gen);
//   torch::Tensor out = resizedCropAndFlip(raw, boxes.narrow(0, k, b), flips.narrow(0, k, b));
#include <ATen/core/Generator.h>
#include <torch/torch.h>

namespace tleg::data {

struct ResizedCropRanges {
    double scaleMin = 0.08, scaleMax = 1.0;            // share of the image area
    double ratioMin = 3.0 / 4.0, ratioMax = 4.0 / 3.0; // width / height, drawn log-uniformly
};

/// [n, 4] int64 boxes (y, x, h, w) inside an h×w image, one per image.
torch::Tensor sampleResizedCropBoxes(int64_t n, int64_t height, int64_t width,
                                     const ResizedCropRanges& ranges, at::Generator& gen);

/// raw: [B, C, H, W] uint8 contiguous; boxes: [B, 4] as above; flips: [B] uint8 (1 = mirror).
/// Returns a new [B, C, H, W] uint8 tensor: each box resized to H×W, then mirrored if asked.
torch::Tensor resizedCropAndFlip(const torch::Tensor& raw, const torch::Tensor& boxes,
                                 const torch::Tensor& flips);

} // namespace tleg::data
