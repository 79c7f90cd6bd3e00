#pragma once
// In-memory image classification datasets as uint8 tensors, and their readers.
// Usage:
//   auto split = tleg::data::loadFashionMnist();            // Debian's dataset-fashion-mnist
//   auto [train, val] = tleg::data::splitTrainVal(split.train, 0.1, seed);
//   tleg::data::BatchLoader loader(train, {.batchSize = 128, .shuffle = true, .augment = true});
//   loader.startEpoch(epoch); tleg::data::Batch b; while (loader.next(b)) { ... b.images ... }
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tleg::data {

/// The train-time augmentation BatchLoader applies when it augments.
enum class Augmentation {
    PadCrop,     ///< random crop of the zero-padded image + flip (Fashion-MNIST, CIFAR)
    ResizedCrop, ///< random-resized-crop + flip, DeiT's (natural-image folders)
};

struct Dataset {
    std::string name;
    torch::Tensor images; // [N, C, H, W] uint8, contiguous, CPU
    torch::Tensor labels; // [N] int64, values in [0, numClasses)
    int64_t numClasses = 0;
    std::vector<std::string> classNames; // numClasses entries
    Augmentation augmentation = Augmentation::PadCrop;
    std::string note; // what the reader wants the user to know (images skipped); usually empty

    int64_t size() const { return images.defined() ? images.size(0) : 0; }
    int64_t channels() const { return images.size(1); }
    int64_t height() const { return images.size(2); }
    int64_t width() const { return images.size(3); }
    /// Images per class, [numClasses] int64.
    torch::Tensor classCounts() const;
};

struct DataSplit {
    Dataset train;
    Dataset test;
    std::string note; // how the split was made, when the data did not say (empty otherwise)
};

/// Default location of Debian's Fashion-MNIST files.
std::string defaultFashionMnistDir();

/// IDX image file (magic 0x00000803, uint8, N×H×W) + IDX label file (0x00000801); gzipped
/// (".gz", detected by content) or raw. Validates magic numbers, counts against file length,
/// matching N, and label range. Throws tleg::Error naming the offending file.
Dataset loadIdx(const std::string& imagesPath, const std::string& labelsPath,
                const std::vector<std::string>& classNames = {});

/// Fashion-MNIST (or MNIST, same file names) from a directory holding
/// {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]. Class names are Fashion-MNIST's when the
/// directory name contains "fashion", digits otherwise.
DataSplit loadFashionMnist(const std::string& dir = defaultFashionMnistDir());

/// CIFAR-10 (data_batch_1..5.bin, test_batch.bin; 1 label byte + 3072) or CIFAR-100
/// (train.bin, test.bin; coarse + fine label bytes + 3072, fine labels used) binary versions.
/// variant is 10 or 100. Class names from batches.meta.txt / fine_label_names.txt if present.
DataSplit loadCifar(const std::string& dir, int variant);

/// root/<class>/<image>: classes sorted by name, images decoded with OpenCV, shorter side
/// resized to size and the centre size×size cut out; grey gives C=1, otherwise C=3 (RGB).
/// Unreadable images are skipped and named in Dataset::note. Uses the decode cache; all the
/// options, the cache and what was skipped: data/image_folder.h.
Dataset loadImageFolder(const std::string& root, int64_t size, bool grey);

/// Seeded random split into (train, val); valFraction in (0, 1).
std::pair<Dataset, Dataset> splitTrainVal(const Dataset& d, double valFraction, uint64_t seed);

/// The positions of splitTrainVal's split, without copying images: val holds
/// round(n × valFraction) positions (at least 1, at most n − 1), fit the others; both sorted.
struct SplitPositions {
    torch::Tensor fit, val; // [n − k], [k] int64
};
SplitPositions splitPositions(const Dataset& d, double valFraction, uint64_t seed);

/// The samples at positions ([k] int64), in that order (a copy).
Dataset take(const Dataset& d, const torch::Tensor& positions);

/// Keeps only the listed classes; with relabel they become 0..k-1 in the listed order.
Dataset selectClasses(const Dataset& d, const std::vector<int64_t>& classes, bool relabel = true);

/// At most perClass samples of every class, chosen with a seeded shuffle (transfer label budget).
Dataset labelBudget(const Dataset& d, int64_t perClass, uint64_t seed);

/// The first n samples of a seeded permutation (for smoke presets).
Dataset subset(const Dataset& d, int64_t n, uint64_t seed);

/// Per-channel mean and std of the images scaled to [0, 1].
struct Normalization {
    std::vector<float> mean;
    std::vector<float> std;
};
Normalization computeNormalization(const Dataset& d);

struct LoaderOptions {
    int64_t batchSize = 128;
    bool shuffle = true;
    bool dropLast = false;
    bool augment = false;   // random crop (Dataset::augmentation's kind) + flip, on tensors
    int64_t cropPadding = 2;
    bool flip = true;
    uint64_t seed = 0;
    Normalization norm;     // empty -> computed from the dataset
    /// ResizedCrop datasets: the crop's share of the image area and its aspect ratio (w / h)
    /// are drawn from these ranges (DeiT's, as torchvision's RandomResizedCrop), the crop is
    /// resized back to H×W (bilinear). cropPadding is not used for them.
    double cropScaleMin = 0.08, cropScaleMax = 1.0;
    double cropRatioMin = 3.0 / 4.0, cropRatioMax = 4.0 / 3.0;
    /// Data-parallel: this loader yields only part shardIndex of shardCount of every batch (a
    /// contiguous slice of the global batch, which stays batchSize), so the ranks together see
    /// exactly the batches of one process. 0 of 1: the whole batch.
    int64_t shardIndex = 0;
    int64_t shardCount = 1;
    /// When defined ([M] int64): only these dataset positions are used (the training part of a
    /// validation hold-out), with no copy of the images. Batch::indices stay dataset positions.
    torch::Tensor positions;
};

struct Batch {
    torch::Tensor images;  // [B, C, H, W] float32, normalised
    torch::Tensor labels;  // [B] int64
    torch::Tensor indices; // [B] int64, positions in the dataset (for cached teacher logits)
};

/// Produces batches by index-select + normalise, never a per-sample object. The order and the
/// augmentation of epoch e depend only on (seed, e), so a resumed run sees the same batches.
/// The loader keeps a reference to the Dataset, not a copy: the Dataset must outlive the loader
/// and must not be reassigned or modified while the loader is in use.
class BatchLoader {
public:
    /// Throws tleg::Error for an empty dataset, batchSize < 1, cropPadding < 0 or a
    /// normalisation whose size is not the channel count. Ready for epoch 0 on return.
    BatchLoader(const Dataset& d, LoaderOptions options);
    int64_t batchesPerEpoch() const;
    void startEpoch(int64_t epoch);
    /// Fills b with the next batch of the current epoch; false when the epoch is done.
    bool next(Batch& b);
    const Normalization& normalization() const { return m_options.norm; }

private:
    int64_t samples() const; // N: the positions used, or the whole dataset
    const Dataset& m_data;
    LoaderOptions m_options;
    torch::Tensor m_order;   // [N] dataset positions in this epoch's order
    torch::Tensor m_offsets; // [N, 2] crop offsets in [0, 2 * cropPadding], by epoch position
    torch::Tensor m_flips;   // [N] uint8, 1 = flip, by epoch position
    torch::Tensor m_boxes;   // [N, 4] ResizedCrop boxes (y, x, h, w), by epoch position
    int64_t m_cursor = 0;
    torch::Tensor m_scale, m_shift; // [1, C, 1, 1]: x * scale + shift == (x / 255 - mean) / std
};

} // namespace tleg::data
