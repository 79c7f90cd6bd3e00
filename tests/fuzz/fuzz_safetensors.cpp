// The safetensors reader: header length, JSON header, offsets, dtypes, shapes, metadata.
#include "fuzz_support.h"
#include "io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    fuzz::TempDir dir;
    const std::string path = dir.write("x.safetensors", fuzz::bytes(data, size));
    fuzz::expectOnlyError([&] { tleg::io::readSafetensorsHeader(path); });
    fuzz::expectOnlyError([&] {
        const auto file = tleg::io::readSafetensors(path);
        for (const auto& [name, t] : file.tensors)
            (void)t.sum(); // every byte a tensor claims is readable
    });
    return 0;
}
