// IDX image and label files (MNIST family), raw or gzip-compressed.
#include "data/dataset.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto files = fuzz::parts(fuzz::bytes(data, size), 2);
    fuzz::TempDir dir;
    const std::string images = dir.write("images-idx3-ubyte", files[0]);
    const std::string labels = dir.write("labels-idx1-ubyte", files[1]);
    fuzz::expectOnlyError([&] { tleg::data::loadIdx(images, labels); });
    return 0;
}
