#include "data/open_dataset.h"

#include "util/error.h"
#include "util/files.h"

#include <filesystem>

namespace tleg::data {

namespace {
bool hasAny(const std::string& dir, std::initializer_list<const char*> names)
{
    for (const char* n : names)
        if (fileExists(joinPath(dir, n)))
            return true;
    return false;
}
} // namespace

DataSplit openDataset(const std::string& spec, const OpenOptions& o)
{
    DataSplit split;
    if (spec.empty() || spec == "fashion-mnist") {
        split = loadFashionMnist();
    } else {
        namespace fs = std::filesystem;
        std::error_code ec;
        if (!fs::is_directory(spec, ec))
            throw fileError(spec, "not a directory (give a dataset folder or 'fashion-mnist')");
        if (hasAny(spec, {"train-images-idx3-ubyte.gz", "train-images-idx3-ubyte"}))
            split = loadFashionMnist(spec);
        else if (hasAny(spec, {"data_batch_1.bin"}))
            split = loadCifar(spec, 10);
        else if (hasAny(spec, {"train.bin"}))
            split = loadCifar(spec, 100);
        else if (fs::is_directory(joinPath(spec, "train"), ec)) {
            split.train = loadImageFolder(joinPath(spec, "train"), o.imageSize, o.grey);
            const std::string test = fs::is_directory(joinPath(spec, "test"), ec)
                                         ? joinPath(spec, "test")
                                         : joinPath(spec, "val");
            split.test = loadImageFolder(test, o.imageSize, o.grey);
            if (split.test.classNames != split.train.classNames)
                throw fileError(test, "class folders differ from those of the train folder");
        } else
            throw fileError(spec, "no IDX, CIFAR binary or train/ + test/ image folders found");
    }
    if (!o.classes.empty()) {
        split.train = selectClasses(split.train, o.classes, true);
        split.test = selectClasses(split.test, o.classes, true);
    }
    if (o.perClass > 0)
        split.train = labelBudget(split.train, o.perClass, o.seed);
    if (o.trainSubset > 0 && o.trainSubset < split.train.size())
        split.train = subset(split.train, o.trainSubset, o.seed);
    if (o.testSubset > 0 && o.testSubset < split.test.size())
        split.test = subset(split.test, o.testSubset, o.seed + 1);
    return split;
}

} // namespace tleg::data
