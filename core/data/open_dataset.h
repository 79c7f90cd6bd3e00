#pragma once
// Opening a dataset from one user-given string, as the CLI and GUI accept it.
//   "fashion-mnist" (or empty)   Debian's Fashion-MNIST
//   DIR with {train,t10k}-images-idx3-ubyte[.gz]   MNIST family (IDX)
//   DIR with data_batch_1.bin / train.bin           CIFAR-10 / CIFAR-100 binary
//   DIR with train/ and test/ (or val/) class trees  ImageFolder, resized to imageSize
//   DIR with <class>/<image> trees only              ImageFolder, a seeded 20 % is the test split
// Image folders are decoded once and cached on disk (data/image_folder.h).
// Usage:
//   OpenOptions o; o.trainSubset = 6000;  DataSplit s = openDataset("fashion-mnist", o);
//   OpenOptions img; img.format = Format::ImageFolder; img.imageSize = 64;  openDataset(dir, img);
#include "data/dataset.h"

#include <functional>

namespace tleg::data {

/// What a folder holds; Auto decides by the files in it.
enum class Format { Auto, Idx, Cifar10, Cifar100, ImageFolder };
/// "auto", "idx", "cifar10", "cifar100", "image-folder".
std::string formatName(Format f);
/// Throws tleg::Error naming the known formats.
Format formatFromName(const std::string& name);

struct OpenOptions {
    Format format = Format::Auto; // a folder of another format is an error naming it
    int64_t imageSize = 32;       // ImageFolder only
    bool grey = false;            // ImageFolder only
    int64_t trainSubset = 0;      // keep a seeded random subset of this many (0 = all)
    int64_t testSubset = 0;
    /// Keep only these classes, relabelled 0..k-1 in this order (e.g. the transfer target
    /// classes 5-9); empty = all.
    std::vector<int64_t> classes;
    /// At most this many training images per class (a label budget); 0 = no limit.
    int64_t perClass = 0;
    uint64_t seed = 0;
    /// Draw the subsets from all classes before selecting classes and the label budget (the
    /// experiments' order); by default the subsets come last, from the selected classes.
    bool subsetFirst = false;

    // Image folders only; none of these changes the images, so job specs do not record them.
    /// Read and write the decode cache (data/image_folder.h).
    bool imageCache = true;
    /// (done, total) while images are decoded, on the opening thread; false stops the open.
    std::function<bool(int64_t done, int64_t total)> progress;
    /// One line at a time for the user: the decode cache used or written, skipped images.
    std::function<void(const std::string&)> log;

    /// Throws tleg::Error naming the option (--train-subset, --image-size, ...) that is out of
    /// range; openDataset calls it first, job specs before anything is read.
    void validate() const;
};

/// Throws tleg::Error naming spec when nothing recognisable is there. A flat image folder
/// (no train/) is split 80/20 (seeded by options.seed) and says so in DataSplit::note.
DataSplit openDataset(const std::string& spec, const OpenOptions& options = {});

} // namespace tleg::data
