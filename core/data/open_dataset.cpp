#include "data/open_dataset.h"

#include "data/image_folder.h"
#include "util/error.h"
#include "util/files.h"
#include "util/translatable.h"

#include <array>
#include <filesystem>
#include <utility>

namespace tleg::data {

namespace {

namespace fs = std::filesystem;

const std::array<std::pair<Format, const char*>, 5> kFormats = {
    {{Format::Auto, "auto"},
     {Format::Idx, "idx"},
     {Format::Cifar10, "cifar10"},
     {Format::Cifar100, "cifar100"},
     {Format::ImageFolder, "image-folder"}}};

bool hasAny(const std::string& dir, std::initializer_list<const char*> names)
{
    for (const char* n : names)
        if (fileExists(joinPath(dir, n)))
            return true;
    return false;
}

bool isDir(const std::string& path)
{
    std::error_code ec;
    return fs::is_directory(path, ec);
}

Format detect(const std::string& dir)
{
    if (hasAny(dir, {"train-images-idx3-ubyte.gz", "train-images-idx3-ubyte"}))
        return Format::Idx;
    if (hasAny(dir, {"data_batch_1.bin"}))
        return Format::Cifar10;
    if (hasAny(dir, {"train.bin"}))
        return Format::Cifar100;
    std::error_code ec;
    for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::directory_iterator(); it.increment(ec))
        if (isDir(it->path().string()))
            return Format::ImageFolder;
    throw fileError(dir, "no IDX, CIFAR binary or image class folders found");
}

/// train/<class>/<image> with test/ (or val/), or one <class>/<image> tree of which a seeded
/// 20 % becomes the test split.
DataSplit readImageFolder(const std::string& dir, const OpenOptions& o)
{
    const std::string name = fs::path(dir).filename().string();
    ImageFolderOptions io;
    io.size = o.imageSize;
    io.grey = o.grey;
    io.cache = o.imageCache;
    io.progress = o.progress;
    io.log = o.log;
    DataSplit split;
    if (isDir(joinPath(dir, "train"))) {
        split.train = loadImageFolder(joinPath(dir, "train"), io);
        const std::string test =
            isDir(joinPath(dir, "test")) ? joinPath(dir, "test") : joinPath(dir, "val");
        split.test = loadImageFolder(test, io);
        if (split.test.classNames != split.train.classNames)
            throw fileError(test, "class folders differ from those of the train folder");
    } else {
        std::tie(split.train, split.test) = splitTrainVal(loadImageFolder(dir, io), 0.2, o.seed);
        // The GUI shows it translated (context "Data").
        split.note = TLEG_TRANSLATABLE(
            "Data", "there is no train/ folder: a seeded 20% of the images is the test split");
    }
    split.train.name = name + "/train";
    split.test.name = name + "/test";
    return split;
}

DataSplit read(const std::string& spec, const OpenOptions& o)
{
    if (spec.empty() || spec == "fashion-mnist") {
        if (o.format != Format::Auto && o.format != Format::Idx)
            throw Error("fashion-mnist is IDX data, not " + formatName(o.format));
        return loadFashionMnist();
    }
    if (!isDir(spec))
        throw fileError(spec, "not a directory (give a dataset folder or 'fashion-mnist')");
    const Format found = detect(spec);
    if (o.format != Format::Auto && found != o.format)
        throw fileError(spec, "holds " + formatName(found) + " data, not " + formatName(o.format));
    switch (found) {
    case Format::Idx:
        return loadFashionMnist(spec);
    case Format::Cifar10:
        return loadCifar(spec, 10);
    case Format::Cifar100:
        return loadCifar(spec, 100);
    default:
        return readImageFolder(spec, o);
    }
}

void takeSubsets(DataSplit& split, const OpenOptions& o)
{
    if (o.trainSubset > 0 && o.trainSubset < split.train.size())
        split.train = subset(split.train, o.trainSubset, o.seed);
    if (o.testSubset > 0 && o.testSubset < split.test.size())
        split.test = subset(split.test, o.testSubset, o.seed + 1);
}

} // namespace

std::string formatName(Format f)
{
    for (const auto& [format, name] : kFormats)
        if (format == f)
            return name;
    return "auto";
}

Format formatFromName(const std::string& name)
{
    for (const auto& [format, n] : kFormats)
        if (name == n)
            return format;
    throw Error("unknown data format '" + name
                + "' (auto, idx, cifar10, cifar100 or image-folder)");
}

void OpenOptions::validate() const
{
    if (trainSubset < 0 || testSubset < 0 || perClass < 0)
        throw Error("data subsets (--train-subset, --test-subset) and the per-class budget "
                    "(--per-class) must not be negative");
    if (imageSize < 1 || imageSize > 4096)
        throw Error("the image size (--image-size) must be between 1 and 4096 pixels, got "
                    + std::to_string(imageSize));
    for (int64_t c : classes)
        if (c < 0)
            throw Error("class numbers (--classes) must not be negative, got " + std::to_string(c));
}

DataSplit openDataset(const std::string& spec, const OpenOptions& o)
{
    o.validate();
    DataSplit split = read(spec, o);
    if (o.subsetFirst)
        takeSubsets(split, o);
    if (!o.classes.empty()) {
        split.train = selectClasses(split.train, o.classes, true);
        split.test = selectClasses(split.test, o.classes, true);
    }
    if (o.perClass > 0)
        split.train = labelBudget(split.train, o.perClass, o.seed);
    if (!o.subsetFirst)
        takeSubsets(split, o);
    return split;
}

} // namespace tleg::data
