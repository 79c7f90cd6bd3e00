// IDX files (the MNIST family) and the Fashion-MNIST directory layout.
// Pixels are decompressed straight into the tensor's storage: no staging buffer, no per-pixel
// loop, so both Fashion-MNIST splits load in a fraction of a second.
#include "data/dataset.h"
#include "util/error.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace tleg::data {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kImagesMagic = 0x00000803; // unsigned byte, 3 dimensions
constexpr uint32_t kLabelsMagic = 0x00000801; // unsigned byte, 1 dimension
// Deflate never expands data by more than about 1032:1, so a gzip file whose header promises
// more than that is corrupt; rejecting it early keeps a bad header from allocating gigabytes.
constexpr int64_t kMaxDeflateRatio = 1032;
constexpr int64_t kMaxSide = 1 << 15;
constexpr int64_t kMaxCount = int64_t(1) << 31;

std::string hex32(uint32_t v)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", v);
    return buf;
}

std::string magicName(uint32_t magic)
{
    if (magic == kImagesMagic) {
        return hex32(magic) + " (an IDX image file)";
    }
    if (magic == kLabelsMagic) {
        return hex32(magic) + " (an IDX label file)";
    }
    if ((magic >> 16) == 0x1F8B) {
        return hex32(magic) + " (gzip data inside gzip: decompress the file once)";
    }
    return hex32(magic);
}

/// One IDX file opened through zlib, which reads gzip and raw files alike.
class IdxFile {
public:
    explicit IdxFile(std::string path) : m_path(std::move(path))
    {
        std::error_code ec;
        if (!fs::is_regular_file(m_path, ec)) {
            throw fileError(m_path, "file not found or not a regular file");
        }
        m_fileSize = int64_t(fs::file_size(m_path, ec));
        if (ec) {
            throw fileError(m_path, "cannot read file (" + ec.message() + ")");
        }
        m_gz = gzopen(m_path.c_str(), "rb");
        if (!m_gz) {
            throw fileError(m_path, "cannot open file");
        }
        gzbuffer(m_gz, 1 << 18);
    }
    ~IdxFile() { gzclose(m_gz); }
    IdxFile(const IdxFile&) = delete;
    IdxFile& operator=(const IdxFile&) = delete;

    const std::string& path() const { return m_path; }

    uint32_t readBigEndian32(const char* what)
    {
        unsigned char b[4];
        read(b, 4, what);
        return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | b[3];
    }

    void readMagic(uint32_t expected, const char* kind)
    {
        const uint32_t magic = readBigEndian32("the header");
        if (magic != expected) {
            throw fileError(m_path, std::string("bad magic number ") + magicName(magic) +
                                        ", expected " + hex32(expected) + " (" + kind + ")");
        }
    }

    /// Checks that the payload after a header of headerBytes can hold exactly needed bytes,
    /// before anything of that size is allocated. what describes the header's promise.
    void checkPayload(int64_t headerBytes, int64_t needed, const std::string& what)
    {
        if (gzdirect(m_gz)) {
            const int64_t have = m_fileSize - headerBytes;
            if (have != needed) {
                throw fileError(m_path, "header says " + what + " (" + std::to_string(needed) +
                                            " bytes) but the file holds " + std::to_string(have) +
                                            " bytes after the header");
            }
        } else if (needed > kMaxDeflateRatio * m_fileSize) {
            throw fileError(m_path, "header says " + what + " (" + std::to_string(needed) +
                                        " bytes), more than a " + std::to_string(m_fileSize) +
                                        "-byte gzip file can hold; the header is corrupt");
        }
    }

    /// Reads exactly n bytes into dst or throws, naming what was being read.
    void read(void* dst, int64_t n, const std::string& what)
    {
        auto* p = static_cast<char*>(dst);
        int64_t got = 0;
        while (got < n) {
            const auto chunk = unsigned(std::min<int64_t>(n - got, int64_t(1) << 30));
            const int r = gzread(m_gz, p + got, chunk);
            if (r < 0) {
                throwCorrupt();
            }
            if (r == 0) {
                break;
            }
            got += r;
        }
        if (got < n) {
            int err = Z_OK;
            gzerror(m_gz, &err);
            if (err != Z_OK && err != Z_BUF_ERROR) {
                throwCorrupt();
            }
            const std::string how = err == Z_BUF_ERROR ? " (gzip stream is truncated)" : "";
            throw fileError(m_path, "file ends early" + how + ": " + what + " needs " +
                                        std::to_string(n) + " bytes, only " +
                                        std::to_string(got) + " are there");
        }
    }

    /// Reading past the payload also makes zlib verify the gzip CRC and length trailer.
    void expectEnd(const std::string& what)
    {
        char c = 0;
        const int r = gzread(m_gz, &c, 1);
        if (r < 0) {
            throwCorrupt();
        }
        int err = Z_OK;
        gzerror(m_gz, &err);
        if (err != Z_OK) {
            throwCorrupt();
        }
        if (r > 0) {
            throw fileError(m_path, "file is longer than its header says (" + what +
                                        "); trailing data found");
        }
    }

private:
    [[noreturn]] void throwCorrupt()
    {
        int err = Z_OK;
        const char* msg = gzerror(m_gz, &err);
        throw fileError(m_path, std::string("corrupt gzip data (") + (msg ? msg : "unknown") +
                                    ")");
    }

    std::string m_path;
    int64_t m_fileSize = 0;
    gzFile m_gz = nullptr;
};

std::string plural(int64_t n, const char* word)
{
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

/// Prefers name.gz, then the plain name; names both when neither is there.
std::string findIdxFile(const fs::path& dir, const std::string& name)
{
    std::error_code ec;
    for (const auto& candidate : {dir / (name + ".gz"), dir / name}) {
        if (fs::is_regular_file(candidate, ec)) {
            return candidate.string();
        }
    }
    throw fileError((dir / (name + ".gz")).string(),
                    "file not found (also looked for " + name + " without .gz)");
}

const std::vector<std::string>& fashionClassNames()
{
    static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress",
                                                   "Coat",        "Sandal",  "Shirt",    "Sneaker",
                                                   "Bag",         "Ankle boot"};
    return names;
}

} // namespace

std::string defaultFashionMnistDir()
{
    const char* env = std::getenv("TLEG_FASHION_MNIST_DIR");
    if (env && *env) {
        return env;
    }
    return TLEG_DEFAULT_FASHION_MNIST_DIR;
}

Dataset loadIdx(const std::string& imagesPath, const std::string& labelsPath,
                const std::vector<std::string>& classNames)
{
    IdxFile imageFile(imagesPath);
    imageFile.readMagic(kImagesMagic, "IDX unsigned-byte images, 3 dimensions");
    const int64_t n = imageFile.readBigEndian32("the image count");
    const int64_t h = imageFile.readBigEndian32("the image height");
    const int64_t w = imageFile.readBigEndian32("the image width");
    if (n == 0 || n >= kMaxCount || h == 0 || h > kMaxSide || w == 0 || w > kMaxSide) {
        throw fileError(imagesPath, "implausible header: " + std::to_string(n) + " images of " +
                                        std::to_string(h) + "x" + std::to_string(w));
    }
    const std::string imagesWhat = plural(n, "image") + " of " + std::to_string(h) + "x" +
                                   std::to_string(w);
    imageFile.checkPayload(16, n * h * w, imagesWhat);

    // Both headers are checked before the pixel buffer is allocated.
    IdxFile labelFile(labelsPath);
    labelFile.readMagic(kLabelsMagic, "IDX unsigned-byte labels, 1 dimension");
    const int64_t labelCount = labelFile.readBigEndian32("the label count");
    if (labelCount != n) {
        throw fileError(labelsPath, "holds " + plural(labelCount, "label") + " but " +
                                        imagesPath + " holds " + plural(n, "image"));
    }
    labelFile.checkPayload(8, n, plural(n, "label"));

    torch::Tensor images = torch::empty({n, 1, h, w}, torch::kUInt8);
    imageFile.read(images.data_ptr<uint8_t>(), images.numel(), imagesWhat);
    imageFile.expectEnd(imagesWhat);
    torch::Tensor rawLabels = torch::empty({n}, torch::kUInt8);
    labelFile.read(rawLabels.data_ptr<uint8_t>(), n, plural(n, "label"));
    labelFile.expectEnd(plural(n, "label"));

    const int64_t maxLabel = rawLabels.max().item<int64_t>();
    Dataset d;
    d.name = fs::path(imagesPath).filename().string();
    if (classNames.empty()) {
        // Without names the labels define the classes: 0..max, named by number.
        d.numClasses = maxLabel + 1;
        for (int64_t c = 0; c < d.numClasses; ++c) {
            d.classNames.push_back(std::to_string(c));
        }
    } else {
        d.numClasses = int64_t(classNames.size());
        d.classNames = classNames;
        if (maxLabel >= d.numClasses) {
            const int64_t at = (rawLabels >= d.numClasses).nonzero()[0][0].item<int64_t>();
            throw fileError(labelsPath, "label " +
                                            std::to_string(rawLabels[at].item<int64_t>()) +
                                            " at position " + std::to_string(at) +
                                            " is outside [0, " + std::to_string(d.numClasses) +
                                            ")");
        }
    }
    d.images = images;
    d.labels = rawLabels.to(torch::kLong);
    return d;
}

DataSplit loadFashionMnist(const std::string& dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        throw fileError(dir, "Fashion-MNIST directory not found");
    }
    std::string lower = dir;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    const bool fashion = lower.find("fashion") != std::string::npos;
    std::vector<std::string> names;
    if (fashion) {
        names = fashionClassNames();
    } else {
        for (int c = 0; c < 10; ++c) {
            names.push_back(std::to_string(c));
        }
    }
    const std::string prefix = fashion ? "fashion-mnist" : "mnist";
    // Looked up one by one so a missing file is reported in a fixed order.
    const std::string trainImages = findIdxFile(dir, "train-images-idx3-ubyte");
    const std::string trainLabels = findIdxFile(dir, "train-labels-idx1-ubyte");
    const std::string testImages = findIdxFile(dir, "t10k-images-idx3-ubyte");
    const std::string testLabels = findIdxFile(dir, "t10k-labels-idx1-ubyte");
    DataSplit split;
    split.train = loadIdx(trainImages, trainLabels, names);
    split.test = loadIdx(testImages, testLabels, names);
    split.train.name = prefix + "/train";
    split.test.name = prefix + "/test";
    return split;
}

} // namespace tleg::data
