// Image folders: OpenCV decoding whatever bytes a .png or .jpg holds (unreadable ones skipped),
// resizing, class trees. Each input is two files; both are decoded in memory (the path every
// file of a folder takes after it is read) at one of three geometries, and one input in sixteen
// also goes through a whole folder on disk (listing, skipping, class checks, both front doors).
#include "data/image_decode.h"
#include "data/image_folder.h"
#include "data/open_dataset.h"
#include "fuzz_support.h"

#include <cstdlib>

// Images up to 256 × 256 pixels are decoded, larger ones refused from their header
// (data/image_header.h): the refusal is exercised on every input that claims more, and the
// fuzzer is not slowed by decoding (and ASan's zeroing of) large images: the decoders' code is
// the same at 256 × 256 as at 8192 × 8192, and a 1024 × 1024 claim cost 30 ms an input.
extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    ::setenv("OPENCV_IO_MAX_IMAGE_PIXELS", "65536", 1);
    return 0;
}

namespace {

/// One of three geometries (grey 8 px, colour 16 px, colour 24 px cut from 27), chosen by the
/// input, so that every path is fuzzed without decoding each input three times.
void decodeInMemory(const std::string& file, uint8_t choice)
{
    static const tleg::data::ImageGeometry geometries[] = {
        {8, true, 1.0}, {16, false, 1.0}, {24, false, 0.875}};
    const auto& g = geometries[choice % 3];
    std::vector<uint8_t> bytes(file.begin(), file.end());
    std::vector<uint8_t> out(size_t(g.imageBytes()));
    // Never throws; a reason or "" is all it may answer.
    const std::string why = tleg::data::decodeImageBytes(bytes, g, out.data());
    if (why.empty() && bytes.empty())
        std::abort(); // nothing decoded from no bytes
}

void decodeFolder(const std::vector<std::string>& files)
{
    fuzz::TempDir dir;
    dir.write("train/a/1.png", files[0]);
    dir.write("train/b/1.jpg", files[1]);
    dir.write("test/a/1.png", files[1]);
    dir.write("test/b/1.jpg", files[0]);
    // No decode cache: writing (and fsyncing) one per input would slow the fuzzer down.
    tleg::data::OpenOptions o;
    o.imageSize = 16;
    o.imageCache = false;
    fuzz::expectOnlyError([&] { tleg::data::openDataset(dir.path(), o); });
    tleg::data::ImageFolderOptions io;
    io.size = 8;
    io.grey = true;
    io.cache = false;
    fuzz::expectOnlyError([&] { tleg::data::loadImageFolder(dir.path("train"), io); });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto files = fuzz::parts(fuzz::bytes(data, size), 2);
    for (const auto& f : files)
        decodeInMemory(f, size > 0 ? data[0] : 0);
    // Which inputs go to disk follows from the input itself, so a crash reproduces.
    if (size > 0 && data[size - 1] % 16 == 0)
        decodeFolder(files);
    return 0;
}
