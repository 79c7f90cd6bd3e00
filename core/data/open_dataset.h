#pragma once
// Opening a dataset from one user-given string, as the CLI and GUI accept it.
//   "fashion-mnist" (or empty)   Debian's Fashion-MNIST
//   DIR with {train,t10k}-images-idx3-ubyte[.gz]   MNIST family (IDX)
//   DIR with data_batch_1.bin / train.bin           CIFAR-10 / CIFAR-100 binary
//   DIR with train/ and test/ (or val/) class trees  ImageFolder, resized to imageSize
#include "data/dataset.h"

namespace tleg::data {

struct OpenOptions {
    int64_t imageSize = 32; // ImageFolder only
    bool grey = false;      // ImageFolder only
    int64_t trainSubset = 0; // keep a seeded random subset of this many (0 = all)
    int64_t testSubset = 0;
    /// Keep only these classes, relabelled 0..k-1 in this order (e.g. the transfer target
    /// classes 5-9); empty = all.
    std::vector<int64_t> classes;
    /// At most this many training images per class (a label budget); 0 = no limit.
    int64_t perClass = 0;
    uint64_t seed = 0;
};

/// Throws tleg::Error naming spec when nothing recognisable is there.
DataSplit openDataset(const std::string& spec, const OpenOptions& options = {});

} // namespace tleg::data
