// Tests for the safetensors reader and writer: exact byte layout, round trips of every dtype,
// memory mapping, atomic writes, and one clear rejection for each kind of malformed file.
#include <torch/torch.h>

#include "io/safetensors.h"
#include "test_support.h"
#include "util/error.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <sstream>

using tleg::io::NamedTensors;
using tleg::testing::readFile;
using tleg::testing::TempDir;
using tleg::testing::writeFile;
namespace fs = std::filesystem;

namespace {

std::string le64(uint64_t v)
{
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[i] = static_cast<char>(v >> (8 * i));
    return bytes;
}

/// A file as another writer might produce it: length prefix, header as given, data.
std::string craft(const std::string& json, const std::string& data = {})
{
    return le64(static_cast<uint64_t>(json.size())) + json + data;
}

std::string fromHex(const std::string& hex)
{
    std::string bytes;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return bytes;
}

std::string toHex(const std::string& bytes)
{
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    for (const unsigned char c : bytes) {
        hex.push_back(digits[c >> 4]);
        hex.push_back(digits[c & 15]);
    }
    return hex;
}

std::string repeated(const std::string& s, int times)
{
    std::string out;
    for (int i = 0; i < times; ++i)
        out += s;
    return out;
}

/// Without leading and trailing whitespace (QByteArray::trimmed).
std::string trimmed(const std::string& s)
{
    const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
    const auto begin = std::find_if_not(s.begin(), s.end(), space);
    const auto end = std::find_if_not(s.rbegin(), s.rend(), space).base();
    return begin < end ? std::string(begin, end) : std::string();
}

/// Every entry of the folder, hidden ones included, sorted by name.
std::vector<std::string> entries(const std::string& folder)
{
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(folder))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// Empty when call throws a tleg::Error naming path and containing keyword; otherwise a
/// description of what happened instead, for the failure message.
std::string rejection(const std::function<void()>& call, const std::string& path,
                      const std::string& keyword)
{
    try {
        call();
    } catch (const tleg::Error& e) {
        const std::string message = e.what();
        if (message.find(path) == std::string::npos)
            return "message does not name the file: " + message;
        if (lower(message).find(lower(keyword)) == std::string::npos)
            return "message lacks '" + keyword + "': " + message;
        return {};
    } catch (const std::exception& e) {
        return std::string("threw something other than tleg::Error: ") + e.what();
    }
    return "no exception for a case that must be rejected";
}

/// Same dtype, same shape and the same bytes (so -0.0 and NaN payloads count too).
bool sameBytes(const torch::Tensor& a, const torch::Tensor& b)
{
    if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes())
        return false;
    const torch::Tensor ca = a.contiguous(), cb = b.contiguous();
    return ca.nbytes() == cb.nbytes()
           && (ca.nbytes() == 0 || std::memcmp(ca.data_ptr(), cb.data_ptr(), ca.nbytes()) == 0);
}

/// The file backing the mapping that contains address, from /proc/self/maps ("" if none).
std::string mappedFileAt(const void* address)
{
    const auto target = reinterpret_cast<uintptr_t>(address);
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        std::istringstream fields(line);
        std::string range, perms, offset, dev, inode, file;
        fields >> range >> perms >> offset >> dev >> inode;
        std::getline(fields >> std::ws, file);
        const size_t dash = range.find('-');
        const uintptr_t begin = std::stoull(range.substr(0, dash), nullptr, 16);
        const uintptr_t end = std::stoull(range.substr(dash + 1), nullptr, 16);
        if (target >= begin && target < end)
            return file;
    }
    return {};
}

NamedTensors everyDtype()
{
    torch::manual_seed(7);
    const float inf = std::numeric_limits<float>::infinity();
    const int64_t i64min = std::numeric_limits<int64_t>::min();
    const int64_t i64max = std::numeric_limits<int64_t>::max();
    return {
        {"f64", torch::arange(6, torch::kDouble).reshape({2, 3}) * 0.1 - 1e300},
        {"f32", torch::tensor({1.5f, -0.0f, inf, -3.25e-20f, 1e-40f})},
        {"f16", torch::randn({3, 2, 2}).to(torch::kHalf)},
        {"bf16", torch::randn({7}).to(torch::kBFloat16)},
        {"i64", torch::tensor({i64min, int64_t(-1), int64_t(0), i64max}).reshape({2, 2})},
        {"i32", (torch::arange(-5, 7, torch::kInt) * 1000003).reshape({3, 4})},
        {"i16", torch::tensor({-32768, 32767, 12345}).to(torch::kShort)},
        {"i8", torch::tensor({-128, 127, -1, 0}).to(torch::kChar).reshape({1, 4, 1})},
        {"u8", torch::arange(256).to(torch::kByte).reshape({16, 16})},
        {"bool", torch::tensor({true, false, true, true, false})},
        {"scalar", torch::scalar_tensor(3.25, torch::kFloat)},
        {"empty_rows", torch::empty({0, 3}, torch::kInt)},
        {"empty_middle", torch::empty({2, 0, 4}, torch::kBFloat16)},
    };
}

} // namespace

TEST(Safetensors, byteExactLayout)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string path = dir.filePath("tiny.safetensors");
    tleg::io::writeSafetensors(
        path,
        {{"a", torch::tensor({1.0f, -2.0f})}, {"b", torch::tensor({1, -2, 258}).to(torch::kShort)}},
        {{"k", "v"}});

    std::string json = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                       R"("b":{"dtype":"I16","shape":[3],"data_offsets":[8,14]},)"
                       R"("__metadata__":{"k":"v"}})";
    while (json.size() % 8 != 0)
        json.push_back(' ');
    const std::string data = fromHex("0000803f000000c0"
                                     "0100feff0201");
    const std::string expected = le64(static_cast<uint64_t>(json.size())) + json + data;
    const std::string actual = readFile(path);
    ASSERT_EQ(toHex(actual), toHex(expected));
    ASSERT_EQ(actual.substr(0, 8), le64(136)); // the header above is 133 bytes, padded to 136
    ASSERT_EQ((8 + json.size()) % 8, 0u);
}

TEST(Safetensors, headerIsPaddedToEightBytes)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    for (int nameLength = 1; nameLength <= 9; ++nameLength) {
        const std::string path = dir.filePath("pad" + std::to_string(nameLength) + ".safetensors");
        const std::string name(static_cast<size_t>(nameLength), 'n');
        tleg::io::writeSafetensors(path, {{name, torch::ones({3}, torch::kDouble)}});
        const std::string bytes = readFile(path);
        ASSERT_TRUE(bytes.size() >= 8);
        uint64_t n = 0;
        for (int i = 7; i >= 0; --i)
            n = (n << 8) | static_cast<unsigned char>(bytes[i]);
        ASSERT_EQ((8 + n) % 8, uint64_t(0));
        ASSERT_EQ(static_cast<uint64_t>(bytes.size()), 8 + n + 24);
        const std::string header = bytes.substr(8, n);
        ASSERT_EQ(trimmed(header).back(), '}');
        ASSERT_TRUE(header.size() - trimmed(header).size() < 8);
    }
}

TEST(Safetensors, roundTripEveryDtype)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string path = dir.filePath("all.safetensors");
    const NamedTensors original = everyDtype();
    tleg::io::writeSafetensors(path, original);

    const auto file = tleg::io::readSafetensors(path);
    ASSERT_EQ(file.path, path);
    ASSERT_EQ(file.tensors.size(), original.size());
    for (size_t i = 0; i < original.size(); ++i) {
        const auto& [name, expected] = original[i];
        const torch::Tensor& got = file.tensors[i].second;
        ASSERT_EQ(file.tensors[i].first, name);
        ASSERT_TRUE(sameBytes(got, expected)) << name;
        ASSERT_TRUE(got.device().is_cpu());
        ASSERT_TRUE(got.is_contiguous());
        ASSERT_EQ(got.dim(), expected.dim());
    }
    ASSERT_EQ(file.tensor("scalar").dim(), int64_t(0));
    ASSERT_FUZZY_EQ(file.tensor("scalar").item<float>(), 3.25f);
    ASSERT_EQ(file.tensor("empty_middle").numel(), int64_t(0));
    ASSERT_TRUE(std::signbit(file.tensor("f32")[1].item<float>()));
    ASSERT_EQ(file.tensor("i64")[1][1].item<int64_t>(), std::numeric_limits<int64_t>::max());
    ASSERT_TRUE(file.metadata.empty());
}

TEST(Safetensors, metadataRoundTrip)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string path = dir.filePath("meta.safetensors");
    const std::map<std::string, std::string> metadata = {
        {"config", R"({"depth": 12, "dim": 384, "names": ["a", "b"]})"},
        {"empty", ""},
        {"unicode", "学习基因 Lerngen \"quoted\" \\ back\nslash"},
    };
    tleg::io::writeSafetensors(path, {{"w", torch::ones({2})}}, metadata);
    ASSERT_TRUE(tleg::testing::contains(readFile(path), "__metadata__"));
    ASSERT_TRUE(tleg::io::readSafetensors(path).metadata == metadata);
    ASSERT_TRUE(tleg::io::readSafetensorsHeader(path).metadata == metadata);

    // Without metadata the key is left out entirely rather than written empty.
    tleg::io::writeSafetensors(path, {{"w", torch::ones({2})}});
    ASSERT_TRUE(!tleg::testing::contains(readFile(path), "__metadata__"));
    ASSERT_TRUE(tleg::io::readSafetensors(path).metadata.empty());
}

TEST(Safetensors, orderPreserved)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string path = dir.filePath("order.safetensors");
    // Not alphabetical, with zero-size tensors sharing offsets with their neighbours.
    const std::vector<std::string> names = {"zeta", "empty1", "alpha", "mid", "empty2", "beta"};
    NamedTensors tensors;
    for (size_t i = 0; i < names.size(); ++i) {
        const bool empty = names[i].rfind("empty", 0) == 0;
        tensors.emplace_back(names[i], empty ? torch::empty({0}) : torch::full({2}, float(i)));
    }
    tleg::io::writeSafetensors(path, tensors);

    const auto file = tleg::io::readSafetensors(path);
    const auto header = tleg::io::readSafetensorsHeader(path);
    ASSERT_EQ(file.tensors.size(), names.size());
    ASSERT_EQ(header.tensors.size(), names.size());
    uint64_t offset = 0;
    for (size_t i = 0; i < names.size(); ++i) {
        ASSERT_EQ(file.tensors[i].first, names[i]);
        ASSERT_EQ(header.tensors[i].name, names[i]);
        ASSERT_TRUE(sameBytes(file.tensors[i].second, tensors[i].second));
        ASSERT_EQ(header.tensors[i].begin, offset);
        offset = header.tensors[i].end;
    }
    ASSERT_EQ(offset, uint64_t(4 * 2 * 4));
}

TEST(Safetensors, readsForeignLayout)
{
    // Laid out like the Python library writes: metadata first, keys in name order but data in
    // a different order, header padded with spaces.
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string path = dir.filePath("foreign.safetensors");
    std::string json = R"({"__metadata__":{"format":"pt"},)"
                       R"("a":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]},)"
                       R"("b":{"dtype":"I16","shape":[2,1],"data_offsets":[0,4],)"
                       R"("note":["from","a future writer"]}})"; // unknown fields are ignored
    while ((8 + json.size()) % 8 != 0)
        json.push_back(' ');
    ASSERT_TRUE(writeFile(path, craft(json, fromHex("feff2c01"
                                                    "803f00bf"))));

    const auto file = tleg::io::readSafetensors(path);
    ASSERT_EQ(file.tensors.size(), size_t(2));
    ASSERT_EQ(file.tensors[0].first, "b"); // offset order
    const torch::Tensor b = file.tensor("b");
    ASSERT_EQ(b.scalar_type(), torch::kShort);
    ASSERT_EQ(b.sizes().vec(), (std::vector<int64_t>{2, 1}));
    ASSERT_EQ(b[0][0].item<int64_t>(), int64_t(-2));
    ASSERT_EQ(b[1][0].item<int64_t>(), int64_t(300));
    const torch::Tensor a = file.tensor("a");
    ASSERT_EQ(a.scalar_type(), torch::kBFloat16);
    ASSERT_FUZZY_EQ(a[0].item<float>(), 1.0f);
    ASSERT_FUZZY_EQ(a[1].item<float>(), -0.5f);
    ASSERT_EQ(file.metadata.at("format"), "pt");
}

TEST(Safetensors, headerOnlyRead)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string path = dir.filePath("h.safetensors");
    tleg::io::writeSafetensors(
        path,
        {{"w", torch::zeros({3, 4}, torch::kHalf)}, {"s", torch::scalar_tensor(1, torch::kLong)}},
        {{"kind", "vit"}});
    const auto header = tleg::io::readSafetensorsHeader(path);
    ASSERT_EQ(header.tensors.size(), size_t(2));
    ASSERT_EQ(header.tensors[0].dtype, "F16");
    ASSERT_EQ(header.tensors[0].shape, (std::vector<int64_t>{3, 4}));
    ASSERT_EQ(header.tensors[0].begin, uint64_t(0));
    ASSERT_EQ(header.tensors[0].end, uint64_t(24));
    ASSERT_EQ(header.tensors[1].dtype, "I64");
    ASSERT_TRUE(header.tensors[1].shape.empty());
    ASSERT_EQ(header.tensors[1].end, uint64_t(32));
    ASSERT_EQ(header.metadata.at("kind"), "vit");
    ASSERT_EQ(header.headerBytes % 8, uint64_t(0));
    ASSERT_EQ(header.fileBytes, 8 + header.headerBytes + 32);
    ASSERT_EQ(header.fileBytes, uint64_t(fs::file_size(path)));
}

TEST(Safetensors, tensorsAreMappedAndOutliveFile)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string path = dir.filePath("big.safetensors");
    const std::string canonical = fs::canonical(dir.path()).string() + "/big.safetensors";
    torch::manual_seed(3);
    const torch::Tensor original = torch::randn({256, 1024});
    tleg::io::writeSafetensors(path, {{"w", original}, {"b", torch::ones({5})}});

    torch::Tensor kept;
    {
        const auto file = tleg::io::readSafetensors(path);
        kept = file.tensor("w");
    }
    // The file object is gone; the tensor still views the mapping of the file, no copy.
    ASSERT_EQ(mappedFileAt(kept.data_ptr()), canonical);
    ASSERT_TRUE(torch::equal(kept, original));
    const void* address = kept.data_ptr();
    kept = torch::Tensor();
    ASSERT_TRUE(mappedFileAt(address) != canonical); // the last owner unmapped it
}

TEST(Safetensors, unalignedTensorsAreCopied)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string path = dir.filePath("unaligned.safetensors");
    // Header lengths chosen so that F32 data sits at an odd address and F64 data is only
    // 4-aligned; the reader must hand out aligned copies with the same values.
    std::string json = R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
                       R"("y":{"dtype":"F64","shape":[1],"data_offsets":[12,20]}})";
    while ((8 + json.size()) % 8 != 1)
        json.push_back(' ');
    ASSERT_TRUE(writeFile(path, craft(json, fromHex("0000803f"
                                                    "000000c0"
                                                    "0000c03f"
                                                    "000000000000f83f"))));
    const auto file = tleg::io::readSafetensors(path);
    const torch::Tensor x = file.tensor("x");
    ASSERT_EQ(reinterpret_cast<uintptr_t>(x.data_ptr()) % 4, uintptr_t(0));
    ASSERT_TRUE(torch::equal(x, torch::tensor({1.0f, -2.0f, 1.5f})));
    const torch::Tensor y = file.tensor("y");
    ASSERT_EQ(reinterpret_cast<uintptr_t>(y.data_ptr()) % 8, uintptr_t(0));
    ASSERT_FUZZY_EQ(y[0].item<double>(), 1.5);
}

TEST(Safetensors, writerAcceptsViewsAndLayouts)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string path = dir.filePath("views.safetensors");
    torch::manual_seed(11);
    const torch::Tensor base = torch::randn({3, 4});
    torch::Tensor param = torch::randn({2, 2}).requires_grad_(true);
    const NamedTensors tensors = {
        {"transposed", base.t()},
        {"strided", base.slice(1, 0, 4, 2)},
        {"expanded", torch::tensor({1.0f, 2.0f}).expand({3, 2})},
        {"negated", torch::_neg_view(base)}, // a lazily negated view sharing base's memory
        {"parameter", param},
        {"sparse", torch::eye(3).to_sparse()},
    };
    tleg::io::writeSafetensors(path, tensors);
    const auto file = tleg::io::readSafetensors(path);
    ASSERT_TRUE(torch::equal(file.tensor("transposed"), base.t()));
    ASSERT_TRUE(torch::equal(file.tensor("strided"), base.slice(1, 0, 4, 2)));
    ASSERT_TRUE(torch::equal(file.tensor("expanded"), torch::tensor({1.0f, 2.0f}).expand({3, 2})));
    ASSERT_TRUE(torch::equal(file.tensor("negated"), -base));
    ASSERT_TRUE(torch::equal(file.tensor("parameter"), param.detach()));
    ASSERT_TRUE(torch::equal(file.tensor("sparse"), torch::eye(3)));
    ASSERT_TRUE(!file.tensor("parameter").requires_grad());
}

TEST(Safetensors, tensorLookup)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string path = dir.filePath("lookup.safetensors");
    tleg::io::writeSafetensors(path, {{"blocks.0.attn.qkv.weight", torch::ones({6, 2})}});
    const auto file = tleg::io::readSafetensors(path);
    ASSERT_TRUE(file.has("blocks.0.attn.qkv.weight"));
    ASSERT_TRUE(!file.has("blocks.1.attn.qkv.weight"));
    ASSERT_EQ(file.tensor("blocks.0.attn.qkv.weight").sizes().vec(), (std::vector<int64_t>{6, 2}));
    const std::string problem =
        rejection([&] { file.tensor("head.weight"); }, path, "no tensor named 'head.weight'");
    ASSERT_TRUE(problem.empty()) << problem;
}

TEST(Safetensors, dtypeNames)
{
    const std::vector<std::pair<std::string, torch::Dtype>> pairs = {
        {"F64", torch::kDouble},    {"F32", torch::kFloat}, {"F16", torch::kHalf},
        {"BF16", torch::kBFloat16}, {"I64", torch::kLong},  {"I32", torch::kInt},
        {"I16", torch::kShort},     {"I8", torch::kChar},   {"U8", torch::kByte},
        {"BOOL", torch::kBool},
    };
    for (const auto& [name, dtype] : pairs) {
        ASSERT_EQ(tleg::io::dtypeFromString(name), dtype);
        ASSERT_EQ(tleg::io::dtypeToString(dtype), name);
    }
    ASSERT_THROW(tleg::io::dtypeFromString("f32"), tleg::Error);
    ASSERT_THROW(tleg::io::dtypeFromString("F8_E4M3"), tleg::Error);
    ASSERT_THROW(tleg::io::dtypeToString(torch::kComplexFloat), tleg::Error);
}

TEST(Safetensors, emptyFile)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string path = dir.filePath("none.safetensors");
    tleg::io::writeSafetensors(path, {});
    ASSERT_EQ(readFile(path), le64(8) + "{}      ");
    const auto file = tleg::io::readSafetensors(path);
    ASSERT_TRUE(file.tensors.empty());
    ASSERT_TRUE(file.metadata.empty());
}

namespace {

/// One malformed file: its bytes, a keyword of the expected message, and whether reading the
/// header alone already rejects it (false: only visible when reading the data).
struct MalformedFile {
    const char* name;
    std::string bytes;
    std::string keyword;
    bool headerRejects;
};

std::string entry(const char* dtype, const char* shape, const char* offsets)
{
    return std::string("\"dtype\":\"") + dtype + "\",\"shape\":" + shape
           + ",\"data_offsets\":" + offsets;
}

std::string one(const char* dtype, const char* shape, const char* offsets)
{
    return "{\"a\":{" + entry(dtype, shape, offsets) + "}}";
}

std::vector<MalformedFile> malformedFiles()
{
    const std::string four(4, '\x11');
    const std::string eight(8, '\x11');
    const std::string twelve(12, '\x11');
    const std::string longShape = "[" + repeated("1,", 64) + "1]";
    return {
        {"empty file", std::string(), "truncated", true},
        {"shorter than length", std::string("\x02\x00\x00\x00\x00", 5), "truncated", true},
        {"header past end", le64(1234567) + "{}", "header length 1234567 runs past the end", true},
        {"header length max", le64(~uint64_t(0)) + "{}", "runs past the end", true},
        {"truncated data", craft(one("F32", "[3]", "[0,12]"), eight),
         "past the end of the data section", true},
        {"offsets past end", craft(one("F32", "[1]", "[4,8]"), four),
         "past the end of the data section", true},
        {"invalid json", craft("{\"a\":"), "not valid JSON", true},
        // The offending byte is reported escaped, so the message itself stays valid text.
        {"invalid utf8", craft("{\"\xff\":1}"), "ill-formed UTF-8 byte; last read: '\"\\xFF'",
         true},
        {"not an object", craft("[1,2]"), "not a JSON object", true},
        {"entry not object", craft("{\"a\":5}"), "not an object", true},
        {"missing dtype", craft("{\"a\":{\"shape\":[],\"data_offsets\":[0,4]}}", four),
         "no \"dtype\"", true},
        {"unknown dtype", craft(one("C64", "[1]", "[0,8]"), eight), "unknown dtype \"C64\"", true},
        {"size mismatch", craft(one("F32", "[2]", "[0,4]"), four),
         "4 bytes of data, but its dtype and shape need 8", true},
        {"begin after end", craft(one("U8", "[0]", "[4,0]"), four), "end before they begin", true},
        {"negative shape", craft(one("F32", "[-1]", "[0,0]")), "negative", true},
        {"fractional shape", craft(one("F32", "[2.0]", "[0,8]"), eight), "not an integer", true},
        {"product overflow", craft(one("F32", "[4294967296,4294967296]", "[0,0]")), "overflows",
         true},
        {"bytes overflow", craft(one("F32", "[4611686018427387904]", "[0,0]")), "overflows", true},
        {"extent over int64", craft(one("U8", "[9223372036854775808,0]", "[0,0]")), "overflows",
         true},
        {"negative offset", craft(one("U8", "[4]", "[-1,3]"), four), "data offset", true},
        {"one offset", craft(one("U8", "[4]", "[4]"), four), "data_offsets", true},
        {"overlap",
         craft("{\"a\":{" + entry("F32", "[2]", "[0,8]") + "},\"b\":{"
                   + entry("F32", "[2]", "[4,12]") + "}}",
               twelve),
         "'a' and 'b' overlap", true},
        {"gap",
         craft("{\"a\":{" + entry("F32", "[1]", "[0,4]") + "},\"b\":{"
                   + entry("F32", "[1]", "[8,12]") + "}}",
               twelve),
         "gap of 4 bytes at offset 4", true},
        {"trailing bytes", craft(one("F32", "[1]", "[0,4]"), eight), "4 trailing bytes", true},
        {"duplicate name",
         craft("{\"a\":{" + entry("U8", "[4]", "[0,4]") + "},\"a\":{" + entry("U8", "[4]", "[4,8]")
                   + "}}",
               eight),
         "names 'a' twice", true},
        {"metadata value", craft("{\"__metadata__\":{\"epochs\":3}}"),
         "metadata value for 'epochs' is not a string", true},
        {"metadata not object", craft("{\"__metadata__\":\"x\"}"),
         "\"__metadata__\" is not an object", true},
        {"nested too deep", craft(one("U8", "[[1]]", "[0,1]"), "\x01"), "nests deeper", true},
        {"long shape", craft(one("U8", longShape.c_str(), "[0,1]"), "\x01"), "longer than 64",
         true},
        {"long shape after ignored field",
         craft("{\"a\":{\"extra\":[1,2]," + entry("U8", "[1]", "[0,1]") + "},\"b\":{"
                   + entry("U8", longShape.c_str(), "[1,2]") + "}}",
               "\x01\x01"),
         "entry 'b' has an array longer than 64", true},
        {"bool byte", craft(one("BOOL", "[2]", "[0,2]"), std::string("\x01\x02", 2)), "not 0 or 1",
         false},
    };
}

/// The row's name as a test name: letters and digits, spaces as underscores.
std::string rowName(const ::testing::TestParamInfo<MalformedFile>& info)
{
    std::string name = info.param.name;
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)))
            c = '_';
    return name;
}

} // namespace

class SafetensorsMalformed : public ::testing::TestWithParam<MalformedFile> {};

TEST_P(SafetensorsMalformed, rejectsMalformedFile)
{
    const MalformedFile& row = GetParam();
    SCOPED_TRACE(row.name);
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string p = dir.filePath("bad.safetensors");
    ASSERT_TRUE(writeFile(p, row.bytes));

    std::string problem = rejection([&] { tleg::io::readSafetensors(p); }, p, row.keyword);
    ASSERT_TRUE(problem.empty()) << problem;
    if (row.headerRejects) {
        problem = rejection([&] { tleg::io::readSafetensorsHeader(p); }, p, row.keyword);
        ASSERT_TRUE(problem.empty()) << problem;
    } else {
        ASSERT_EQ(tleg::io::readSafetensorsHeader(p).tensors.size(), size_t(1));
    }
}

INSTANTIATE_TEST_SUITE_P(Rows, SafetensorsMalformed, ::testing::ValuesIn(malformedFiles()),
                         rowName);

TEST(Safetensors, rejectsHeaderOverLimit)
{
    // A sparse file big enough to hold the claimed header, so only the size cap can stop it.
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string p = dir.filePath("huge.safetensors");
    ASSERT_TRUE(writeFile(p, le64(100'000'001) + "{"));
    std::error_code resizeError;
    fs::resize_file(p, 100'000'016, resizeError);
    ASSERT_TRUE(!resizeError) << resizeError.message();
    const std::string problem =
        rejection([&] { tleg::io::readSafetensorsHeader(p); }, p, "exceeds the limit");
    ASSERT_TRUE(problem.empty()) << problem;
}

TEST(Safetensors, survivesCorruption)
{
    // Every strict prefix of a valid file is rejected, and random byte damage either still
    // parses or fails with tleg::Error: never another exception, never a crash (run it under
    // TLEG_SANITIZE to also catch out-of-bounds reads).
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string good = dir.filePath("good.safetensors");
    tleg::io::writeSafetensors(good,
                               {{"w", torch::arange(12, torch::kFloat).reshape({3, 4})},
                                {"mask", torch::tensor({true, false})},
                                {"n", torch::empty({0, 2}, torch::kLong)}},
                               {{"k", "v"}});
    const std::string bytes = readFile(good);
    const std::string p = dir.filePath("damaged.safetensors");

    for (size_t length = 0; length < bytes.size(); ++length) {
        ASSERT_TRUE(writeFile(p, bytes.substr(0, length)));
        const std::string problem = rejection([&] { tleg::io::readSafetensors(p); }, p, "");
        ASSERT_TRUE(problem.empty()) << length << " bytes: " << problem;
    }

    std::mt19937 random(42);
    std::uniform_int_distribution<int> position(0, static_cast<int>(bytes.size()) - 1);
    std::uniform_int_distribution<int> value(0, 255);
    int accepted = 0;
    for (int trial = 0; trial < 2000; ++trial) {
        std::string damaged = bytes;
        for (int k = 0; k < 1 + trial % 3; ++k)
            damaged[position(random)] = static_cast<char>(value(random));
        ASSERT_TRUE(writeFile(p, damaged));
        try {
            const auto file = tleg::io::readSafetensors(p);
            for (const auto& [name, t] : file.tensors)
                t.to(torch::kDouble).sum(); // touches every byte the reader handed out
            ++accepted;
        } catch (const tleg::Error&) {
        } catch (const std::exception& e) {
            FAIL() << "non-tleg exception: " << e.what();
        }
    }
    ASSERT_TRUE(accepted > 0); // damage inside the data section alone is not detectable
}

TEST(Safetensors, rejectsMissingOrOddPaths)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string missing = dir.filePath("missing.safetensors");
    std::string problem =
        rejection([&] { tleg::io::readSafetensors(missing); }, missing, "cannot open");
    ASSERT_TRUE(problem.empty()) << problem;
    problem = rejection([&] { tleg::io::readSafetensorsHeader(missing); }, missing, "no such file");
    ASSERT_TRUE(problem.empty()) << problem;
    const std::string directory = dir.path();
    problem = rejection([&] { tleg::io::readSafetensors(directory); }, directory, "is a directory");
    ASSERT_TRUE(problem.empty()) << problem;
}

TEST(Safetensors, writeRejectsBadInput)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string path = dir.filePath("out.safetensors");
    const torch::Tensor t = torch::ones({2});
    const std::vector<std::pair<NamedTensors, std::string>> cases = {
        {{{"w", t}, {"b", t}, {"w", t}}, "two tensors named 'w'"},
        {{{"", t}}, "empty name"},
        {{{"__metadata__", t}}, "__metadata__"},
        {{{"w", torch::Tensor()}}, "undefined"},
        {{{"w", torch::ones({2}, torch::kComplexFloat)}}, "not supported"},
        // Passes the header checks, fails only when its data is fetched (after the temp file
        // exists): a meta tensor has a shape but no data.
        {{{"w", t}, {"m", torch::empty({3}, torch::TensorOptions().device(torch::kMeta))}},
         "cannot write tensor 'm'"},
    };
    for (const auto& c : cases) {
        const auto& tensors = c.first; // a lambda may not capture a structured binding (C++17)
        const std::string problem =
            rejection([&] { tleg::io::writeSafetensors(path, tensors); }, path, c.second);
        ASSERT_TRUE(problem.empty()) << problem;
        ASSERT_TRUE(fs::is_empty(dir.path()));
    }
    const std::string problem = rejection(
        [&] {
            tleg::io::writeSafetensors(path, {{"w", t}}, {{"bad", "\xff\xfe"}});
        },
        path, "UTF-8");
    ASSERT_TRUE(problem.empty()) << problem;
    ASSERT_TRUE(fs::is_empty(dir.path()));
}

TEST(Safetensors, failedWriteLeavesNothing)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const NamedTensors tensors = {{"w", torch::ones({4})}};

    const std::string inMissingDir = dir.filePath("no/such/dir/x.safetensors");
    std::string problem = rejection([&] { tleg::io::writeSafetensors(inMissingDir, tensors); },
                                    inMissingDir, "cannot create temporary file");
    ASSERT_TRUE(problem.empty()) << problem;
    ASSERT_TRUE(fs::is_empty(dir.path()));

    // The temporary file is written completely, then the rename onto a directory fails.
    ASSERT_TRUE(fs::create_directory(dir.filePath("occupied.safetensors")));
    const std::string occupied = dir.filePath("occupied.safetensors");
    problem = rejection([&] { tleg::io::writeSafetensors(occupied, tensors); }, occupied, "rename");
    ASSERT_TRUE(problem.empty()) << problem;
    ASSERT_EQ(entries(dir.path()), std::vector<std::string>{"occupied.safetensors"});
    ASSERT_TRUE(fs::is_empty(occupied));
}

TEST(Safetensors, overwriteReplacesFile)
{
    TempDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string path = dir.filePath("model.safetensors");
    tleg::io::writeSafetensors(path, {{"old", torch::zeros({1000})}}, {{"v", "1"}});
    const auto before = tleg::io::readSafetensors(path); // keeps the old file mapped
    tleg::io::writeSafetensors(path, {{"new", torch::full({3}, 7.0)}}, {{"v", "2"}});

    const auto after = tleg::io::readSafetensors(path);
    ASSERT_TRUE(after.has("new") && !after.has("old"));
    ASSERT_EQ(after.metadata.at("v"), "2");
    ASSERT_TRUE(torch::equal(after.tensor("new"), torch::full({3}, 7.0)));
    // The rename swapped the directory entry; the old mapping still reads the old data.
    ASSERT_TRUE(torch::equal(before.tensor("old"), torch::zeros({1000})));
    ASSERT_EQ(entries(dir.path()), std::vector<std::string>{"model.safetensors"});
}
