// CIFAR-10 and CIFAR-100 binary versions. Every batch file is a run of fixed-size records
// (label byte(s) then 3072 pixel bytes, planar R, G, B), so sizes are checked from the file
// length alone before anything is read, and all batches land in one pre-sized tensor.
#include "data/dataset.h"
#include "util/error.h"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace tleg::data {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kPixelBytes = 3 * 32 * 32;

struct CifarLayout {
    int64_t labelBytes;  // 1 for CIFAR-10; coarse + fine for CIFAR-100
    int64_t labelOffset; // which label byte is used (the fine one for CIFAR-100)
    int64_t numClasses;
    std::vector<std::string> trainFiles;
    std::vector<std::string> testFiles;
    std::string namesFile;
    std::string subdir; // where the official archive unpacks to
};

CifarLayout layoutFor(int variant)
{
    if (variant == 10) {
        return {1,
                0,
                10,
                {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                 "data_batch_5.bin"},
                {"test_batch.bin"},
                "batches.meta.txt",
                "cifar-10-batches-bin"};
    }
    if (variant == 100) {
        return {2, 1, 100, {"train.bin"}, {"test.bin"}, "fine_label_names.txt",
                "cifar-100-binary"};
    }
    throw Error("CIFAR variant must be 10 or 100, got " + std::to_string(variant));
}

std::string trim(const std::string& s)
{
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::vector<std::string> classNamesFor(const fs::path& dir, const CifarLayout& layout)
{
    const fs::path path = dir / layout.namesFile;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        if (layout.numClasses == 10) {
            return {"airplane", "automobile", "bird",  "cat",  "deer",
                    "dog",      "frog",       "horse", "ship", "truck"};
        }
        std::vector<std::string> names;
        for (int64_t c = 0; c < layout.numClasses; ++c) {
            names.push_back(std::to_string(c));
        }
        return names;
    }
    std::ifstream in(path);
    if (!in) {
        throw fileError(path.string(), "cannot open file");
    }
    std::vector<std::string> names;
    for (std::string line; std::getline(in, line);) {
        line = trim(line);
        if (!line.empty()) {
            names.push_back(line);
        }
    }
    if (int64_t(names.size()) != layout.numClasses) {
        throw fileError(path.string(), "holds " + std::to_string(names.size()) +
                                           " class names, expected " +
                                           std::to_string(layout.numClasses));
    }
    return names;
}

/// Reads the given batch files (sizes already checked) into one record tensor and splits it.
Dataset readBatches(const fs::path& dir, const std::vector<std::string>& files,
                    const CifarLayout& layout, const std::string& name)
{
    const int64_t recordBytes = layout.labelBytes + kPixelBytes;
    std::vector<int64_t> counts;
    int64_t total = 0;
    for (const auto& file : files) {
        const fs::path path = dir / file;
        std::error_code ec;
        if (!fs::is_regular_file(path, ec)) {
            throw fileError(path.string(), "file not found");
        }
        const auto size = int64_t(fs::file_size(path, ec));
        if (ec) {
            throw fileError(path.string(), "cannot read file (" + ec.message() + ")");
        }
        if (size == 0 || size % recordBytes != 0) {
            throw fileError(path.string(), "size " + std::to_string(size) +
                                               " is not a whole number of " +
                                               std::to_string(recordBytes) + "-byte records");
        }
        counts.push_back(size / recordBytes);
        total += counts.back();
    }

    torch::Tensor records = torch::empty({total, recordBytes}, torch::kUInt8);
    int64_t row = 0;
    for (size_t i = 0; i < files.size(); ++i) {
        const fs::path path = dir / files[i];
        std::ifstream in(path, std::ios::binary);
        auto* dst = reinterpret_cast<char*>(records[row].data_ptr<uint8_t>());
        if (!in.read(dst, std::streamsize(counts[i] * recordBytes))) {
            throw fileError(path.string(), "read failed");
        }
        torch::Tensor labels = records.narrow(0, row, counts[i]).select(1, layout.labelOffset);
        if (labels.max().item<int64_t>() >= layout.numClasses) {
            const int64_t at = (labels >= layout.numClasses).nonzero()[0][0].item<int64_t>();
            throw fileError(path.string(), "record " + std::to_string(at) + " has label " +
                                               std::to_string(labels[at].item<int64_t>()) +
                                               ", outside [0, " +
                                               std::to_string(layout.numClasses) + ")");
        }
        row += counts[i];
    }

    Dataset d;
    d.name = name;
    d.images = records.narrow(1, layout.labelBytes, kPixelBytes)
                   .contiguous()
                   .view({total, 3, 32, 32});
    d.labels = records.select(1, layout.labelOffset).to(torch::kLong);
    d.numClasses = layout.numClasses;
    return d;
}

} // namespace

DataSplit loadCifar(const std::string& dir, int variant)
{
    const CifarLayout layout = layoutFor(variant);
    fs::path root(dir);
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        throw fileError(dir, "CIFAR directory not found");
    }
    // Accept the folder that holds the official archive's top-level folder as well.
    if (!fs::exists(root / layout.testFiles.front(), ec) &&
        fs::is_directory(root / layout.subdir, ec)) {
        root /= layout.subdir;
    }
    const std::vector<std::string> names = classNamesFor(root, layout);
    const std::string prefix = "cifar-" + std::to_string(variant);
    DataSplit split;
    split.train = readBatches(root, layout.trainFiles, layout, prefix + "/train");
    split.test = readBatches(root, layout.testFiles, layout, prefix + "/test");
    split.train.classNames = names;
    split.test.classNames = names;
    return split;
}

} // namespace tleg::data
