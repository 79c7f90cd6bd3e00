// CIFAR-10 and CIFAR-100 binary batches and their class-name files.
#include "data/dataset.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto files = fuzz::parts(fuzz::bytes(data, size), 3); // train batch, test batch, names
    {
        fuzz::TempDir dir;
        for (int i = 1; i <= 5; ++i)
            dir.write("data_batch_" + std::to_string(i) + ".bin", files[0]);
        dir.write("test_batch.bin", files[1]);
        dir.write("batches.meta.txt", files[2]);
        fuzz::expectOnlyError([&] { tleg::data::loadCifar(dir.path(), 10); });
    }
    {
        fuzz::TempDir dir;
        dir.write("train.bin", files[0]);
        dir.write("test.bin", files[1]);
        dir.write("fine_label_names.txt", files[2]);
        fuzz::expectOnlyError([&] { tleg::data::loadCifar(dir.path(), 100); });
    }
    return 0;
}
