// Tests for the safetensors reader and writer: exact byte layout, round trips of every dtype,
// memory mapping, atomic writes, and one clear rejection for each kind of malformed file.
#include <torch/torch.h>

#include "io/safetensors.h"
#include "util/error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <sstream>

using tleg::io::NamedTensors;

namespace {

QByteArray le64(quint64 v)
{
    QByteArray bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[i] = static_cast<char>(v >> (8 * i));
    return bytes;
}

/// A file as another writer might produce it: length prefix, header as given, data.
QByteArray craft(const QByteArray& json, const QByteArray& data = {})
{
    return le64(static_cast<quint64>(json.size())) + json + data;
}

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    // A fresh file rather than a truncated one: ext4 flushes truncated files on close, which
    // makes the many rewrites in survivesCorruption slow.
    QFile::remove(path);
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray readBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
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

class TestSafetensors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void byteExactLayout();
    void headerIsPaddedToEightBytes();
    void roundTripEveryDtype();
    void metadataRoundTrip();
    void orderPreserved();
    void readsForeignLayout();
    void headerOnlyRead();
    void tensorsAreMappedAndOutliveFile();
    void unalignedTensorsAreCopied();
    void writerAcceptsViewsAndLayouts();
    void tensorLookup();
    void dtypeNames();
    void emptyFile();
    void rejectsMalformedFile_data();
    void rejectsMalformedFile();
    void rejectsHeaderOverLimit();
    void survivesCorruption();
    void rejectsMissingOrOddPaths();
    void writeRejectsBadInput();
    void failedWriteLeavesNothing();
    void overwriteReplacesFile();
};

void TestSafetensors::byteExactLayout()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("tiny.safetensors");
    tleg::io::writeSafetensors(path.toStdString(),
                               {{"a", torch::tensor({1.0f, -2.0f})},
                                {"b", torch::tensor({1, -2, 258}).to(torch::kShort)}},
                               {{"k", "v"}});

    QByteArray json = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                      R"("b":{"dtype":"I16","shape":[3],"data_offsets":[8,14]},)"
                      R"("__metadata__":{"k":"v"}})";
    while (json.size() % 8 != 0)
        json.append(' ');
    const QByteArray data = QByteArray::fromHex("0000803f000000c0" "0100feff0201");
    const QByteArray expected = le64(static_cast<quint64>(json.size())) + json + data;
    const QByteArray actual = readBytes(path);
    QCOMPARE(actual.toHex(), expected.toHex());
    QCOMPARE(actual.left(8), le64(136)); // the header above is 133 bytes, padded to 136
    QCOMPARE((8 + json.size()) % 8, 0);
}

void TestSafetensors::headerIsPaddedToEightBytes()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (int nameLength = 1; nameLength <= 9; ++nameLength) {
        const QString path = dir.filePath(QString("pad%1.safetensors").arg(nameLength));
        const std::string name(static_cast<size_t>(nameLength), 'n');
        tleg::io::writeSafetensors(path.toStdString(), {{name, torch::ones({3}, torch::kDouble)}});
        const QByteArray bytes = readBytes(path);
        QVERIFY(bytes.size() >= 8);
        quint64 n = 0;
        for (int i = 7; i >= 0; --i)
            n = (n << 8) | static_cast<unsigned char>(bytes[i]);
        QCOMPARE((8 + n) % 8, quint64(0));
        QCOMPARE(static_cast<quint64>(bytes.size()), 8 + n + 24);
        const QByteArray header = bytes.mid(8, static_cast<int>(n));
        QCOMPARE(header.trimmed().back(), '}');
        QVERIFY(header.size() - header.trimmed().size() < 8);
    }
}

void TestSafetensors::roundTripEveryDtype()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("all.safetensors").toStdString();
    const NamedTensors original = everyDtype();
    tleg::io::writeSafetensors(path, original);

    const auto file = tleg::io::readSafetensors(path);
    QCOMPARE(file.path, path);
    QCOMPARE(file.tensors.size(), original.size());
    for (size_t i = 0; i < original.size(); ++i) {
        const auto& [name, expected] = original[i];
        const torch::Tensor& got = file.tensors[i].second;
        QCOMPARE(QString::fromStdString(file.tensors[i].first), QString::fromStdString(name));
        QVERIFY2(sameBytes(got, expected), name.c_str());
        QVERIFY(got.device().is_cpu());
        QVERIFY(got.is_contiguous());
        QCOMPARE(got.dim(), expected.dim());
    }
    QCOMPARE(file.tensor("scalar").dim(), int64_t(0));
    QCOMPARE(file.tensor("scalar").item<float>(), 3.25f);
    QCOMPARE(file.tensor("empty_middle").numel(), int64_t(0));
    QVERIFY(std::signbit(file.tensor("f32")[1].item<float>()));
    QCOMPARE(file.tensor("i64")[1][1].item<int64_t>(), std::numeric_limits<int64_t>::max());
    QVERIFY(file.metadata.empty());
}

void TestSafetensors::metadataRoundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("meta.safetensors").toStdString();
    const std::map<std::string, std::string> metadata = {
        {"config", R"({"depth": 12, "dim": 384, "names": ["a", "b"]})"},
        {"empty", ""},
        {"unicode", "学习基因 Lerngen \"quoted\" \\ back\nslash"},
    };
    tleg::io::writeSafetensors(path, {{"w", torch::ones({2})}}, metadata);
    QVERIFY(readBytes(QString::fromStdString(path)).contains("__metadata__"));
    QVERIFY(tleg::io::readSafetensors(path).metadata == metadata);
    QVERIFY(tleg::io::readSafetensorsHeader(path).metadata == metadata);

    // Without metadata the key is left out entirely rather than written empty.
    tleg::io::writeSafetensors(path, {{"w", torch::ones({2})}});
    QVERIFY(!readBytes(QString::fromStdString(path)).contains("__metadata__"));
    QVERIFY(tleg::io::readSafetensors(path).metadata.empty());
}

void TestSafetensors::orderPreserved()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("order.safetensors").toStdString();
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
    QCOMPARE(file.tensors.size(), names.size());
    QCOMPARE(header.tensors.size(), names.size());
    uint64_t offset = 0;
    for (size_t i = 0; i < names.size(); ++i) {
        QCOMPARE(QString::fromStdString(file.tensors[i].first), QString::fromStdString(names[i]));
        QCOMPARE(QString::fromStdString(header.tensors[i].name), QString::fromStdString(names[i]));
        QVERIFY(sameBytes(file.tensors[i].second, tensors[i].second));
        QCOMPARE(header.tensors[i].begin, offset);
        offset = header.tensors[i].end;
    }
    QCOMPARE(offset, uint64_t(4 * 2 * 4));
}

void TestSafetensors::readsForeignLayout()
{
    // Laid out like the Python library writes: metadata first, keys in name order but data in
    // a different order, header padded with spaces.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("foreign.safetensors");
    QByteArray json = R"({"__metadata__":{"format":"pt"},)"
                      R"("a":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]},)"
                      R"("b":{"dtype":"I16","shape":[2,1],"data_offsets":[0,4],)"
                      R"("note":["from","a future writer"]}})"; // unknown fields are ignored
    while ((8 + json.size()) % 8 != 0)
        json.append(' ');
    QVERIFY(writeBytes(path, craft(json, QByteArray::fromHex("feff2c01" "803f00bf"))));

    const auto file = tleg::io::readSafetensors(path.toStdString());
    QCOMPARE(file.tensors.size(), size_t(2));
    QCOMPARE(QString::fromStdString(file.tensors[0].first), QString("b")); // offset order
    const torch::Tensor b = file.tensor("b");
    QCOMPARE(b.scalar_type(), torch::kShort);
    QCOMPARE(b.sizes().vec(), (std::vector<int64_t>{2, 1}));
    QCOMPARE(b[0][0].item<int64_t>(), int64_t(-2));
    QCOMPARE(b[1][0].item<int64_t>(), int64_t(300));
    const torch::Tensor a = file.tensor("a");
    QCOMPARE(a.scalar_type(), torch::kBFloat16);
    QCOMPARE(a[0].item<float>(), 1.0f);
    QCOMPARE(a[1].item<float>(), -0.5f);
    QCOMPARE(QString::fromStdString(file.metadata.at("format")), QString("pt"));
}

void TestSafetensors::headerOnlyRead()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("h.safetensors").toStdString();
    tleg::io::writeSafetensors(path,
                               {{"w", torch::zeros({3, 4}, torch::kHalf)},
                                {"s", torch::scalar_tensor(1, torch::kLong)}},
                               {{"kind", "vit"}});
    const auto header = tleg::io::readSafetensorsHeader(path);
    QCOMPARE(header.tensors.size(), size_t(2));
    QCOMPARE(QString::fromStdString(header.tensors[0].dtype), QString("F16"));
    QCOMPARE(header.tensors[0].shape, (std::vector<int64_t>{3, 4}));
    QCOMPARE(header.tensors[0].begin, uint64_t(0));
    QCOMPARE(header.tensors[0].end, uint64_t(24));
    QCOMPARE(QString::fromStdString(header.tensors[1].dtype), QString("I64"));
    QVERIFY(header.tensors[1].shape.empty());
    QCOMPARE(header.tensors[1].end, uint64_t(32));
    QCOMPARE(QString::fromStdString(header.metadata.at("kind")), QString("vit"));
    QCOMPARE(header.headerBytes % 8, uint64_t(0));
    QCOMPARE(header.fileBytes, 8 + header.headerBytes + 32);
    QCOMPARE(header.fileBytes, uint64_t(QFileInfo(QString::fromStdString(path)).size()));
}

void TestSafetensors::tensorsAreMappedAndOutliveFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("big.safetensors");
    const std::string canonical = QFileInfo(dir.path()).canonicalFilePath().toStdString()
                                  + "/big.safetensors";
    torch::manual_seed(3);
    const torch::Tensor original = torch::randn({256, 1024});
    tleg::io::writeSafetensors(path.toStdString(), {{"w", original}, {"b", torch::ones({5})}});

    torch::Tensor kept;
    {
        const auto file = tleg::io::readSafetensors(path.toStdString());
        kept = file.tensor("w");
    }
    // The file object is gone; the tensor still views the mapping of the file, no copy.
    QCOMPARE(QString::fromStdString(mappedFileAt(kept.data_ptr())),
             QString::fromStdString(canonical));
    QVERIFY(torch::equal(kept, original));
    const void* address = kept.data_ptr();
    kept = torch::Tensor();
    QVERIFY(mappedFileAt(address) != canonical); // the last owner unmapped it
}

void TestSafetensors::unalignedTensorsAreCopied()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("unaligned.safetensors");
    // Header lengths chosen so that F32 data sits at an odd address and F64 data is only
    // 4-aligned; the reader must hand out aligned copies with the same values.
    QByteArray json = R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
                      R"("y":{"dtype":"F64","shape":[1],"data_offsets":[12,20]}})";
    while ((8 + json.size()) % 8 != 1)
        json.append(' ');
    QVERIFY(writeBytes(path, craft(json, QByteArray::fromHex("0000803f" "000000c0" "0000c03f"
                                                             "000000000000f83f"))));
    const auto file = tleg::io::readSafetensors(path.toStdString());
    const torch::Tensor x = file.tensor("x");
    QCOMPARE(reinterpret_cast<uintptr_t>(x.data_ptr()) % 4, uintptr_t(0));
    QVERIFY(torch::equal(x, torch::tensor({1.0f, -2.0f, 1.5f})));
    const torch::Tensor y = file.tensor("y");
    QCOMPARE(reinterpret_cast<uintptr_t>(y.data_ptr()) % 8, uintptr_t(0));
    QCOMPARE(y[0].item<double>(), 1.5);
}

void TestSafetensors::writerAcceptsViewsAndLayouts()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("views.safetensors").toStdString();
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
    QVERIFY(torch::equal(file.tensor("transposed"), base.t()));
    QVERIFY(torch::equal(file.tensor("strided"), base.slice(1, 0, 4, 2)));
    QVERIFY(torch::equal(file.tensor("expanded"), torch::tensor({1.0f, 2.0f}).expand({3, 2})));
    QVERIFY(torch::equal(file.tensor("negated"), -base));
    QVERIFY(torch::equal(file.tensor("parameter"), param.detach()));
    QVERIFY(torch::equal(file.tensor("sparse"), torch::eye(3)));
    QVERIFY(!file.tensor("parameter").requires_grad());
}

void TestSafetensors::tensorLookup()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("lookup.safetensors").toStdString();
    tleg::io::writeSafetensors(path, {{"blocks.0.attn.qkv.weight", torch::ones({6, 2})}});
    const auto file = tleg::io::readSafetensors(path);
    QVERIFY(file.has("blocks.0.attn.qkv.weight"));
    QVERIFY(!file.has("blocks.1.attn.qkv.weight"));
    QCOMPARE(file.tensor("blocks.0.attn.qkv.weight").sizes().vec(),
             (std::vector<int64_t>{6, 2}));
    const std::string problem =
        rejection([&] { file.tensor("head.weight"); }, path, "no tensor named 'head.weight'");
    QVERIFY2(problem.empty(), problem.c_str());
}

void TestSafetensors::dtypeNames()
{
    const std::vector<std::pair<std::string, torch::Dtype>> pairs = {
        {"F64", torch::kDouble}, {"F32", torch::kFloat}, {"F16", torch::kHalf},
        {"BF16", torch::kBFloat16}, {"I64", torch::kLong}, {"I32", torch::kInt},
        {"I16", torch::kShort}, {"I8", torch::kChar}, {"U8", torch::kByte},
        {"BOOL", torch::kBool},
    };
    for (const auto& [name, dtype] : pairs) {
        QCOMPARE(tleg::io::dtypeFromString(name), dtype);
        QCOMPARE(QString::fromStdString(tleg::io::dtypeToString(dtype)),
                 QString::fromStdString(name));
    }
    QVERIFY_THROWS_EXCEPTION(tleg::Error, tleg::io::dtypeFromString("f32"));
    QVERIFY_THROWS_EXCEPTION(tleg::Error, tleg::io::dtypeFromString("F8_E4M3"));
    QVERIFY_THROWS_EXCEPTION(tleg::Error, tleg::io::dtypeToString(torch::kComplexFloat));
}

void TestSafetensors::emptyFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("none.safetensors");
    tleg::io::writeSafetensors(path.toStdString(), {});
    QCOMPARE(readBytes(path), le64(8) + QByteArray("{}      "));
    const auto file = tleg::io::readSafetensors(path.toStdString());
    QVERIFY(file.tensors.empty());
    QVERIFY(file.metadata.empty());
}

void TestSafetensors::rejectsMalformedFile_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("keyword");
    QTest::addColumn<bool>("headerRejects"); // false: only visible when reading the data

    auto entry = [](const char* dtype, const char* shape, const char* offsets) {
        return QByteArray("\"dtype\":\"") + dtype + "\",\"shape\":" + shape
               + ",\"data_offsets\":" + offsets;
    };
    auto one = [&](const char* dtype, const char* shape, const char* offsets) {
        return "{\"a\":{" + entry(dtype, shape, offsets) + "}}";
    };
    const QByteArray four(4, '\x11');
    const QByteArray eight(8, '\x11');
    const QByteArray twelve(12, '\x11');

    QTest::newRow("empty file") << QByteArray() << "truncated" << true;
    QTest::newRow("shorter than length") << QByteArray("\x02\x00\x00\x00\x00", 5) << "truncated"
                                         << true;
    QTest::newRow("header past end") << le64(1234567) + QByteArray("{}")
                                     << "header length 1234567 runs past the end" << true;
    QTest::newRow("header length max") << le64(~quint64(0)) + QByteArray("{}")
                                       << "runs past the end" << true;
    QTest::newRow("truncated data") << craft(one("F32", "[3]", "[0,12]"), eight)
                                    << "past the end of the data section" << true;
    QTest::newRow("offsets past end") << craft(one("F32", "[1]", "[4,8]"), four)
                                      << "past the end of the data section" << true;
    QTest::newRow("invalid json") << craft("{\"a\":") << "not valid JSON" << true;
    // The offending byte is reported escaped, so the message itself stays valid text.
    QTest::newRow("invalid utf8") << craft("{\"\xff\":1}")
                                  << "ill-formed UTF-8 byte; last read: '\"\\xFF'" << true;
    QTest::newRow("not an object") << craft("[1,2]") << "not a JSON object" << true;
    QTest::newRow("entry not object") << craft("{\"a\":5}") << "not an object" << true;
    QTest::newRow("missing dtype") << craft("{\"a\":{\"shape\":[],\"data_offsets\":[0,4]}}", four)
                                   << "no \"dtype\"" << true;
    QTest::newRow("unknown dtype") << craft(one("C64", "[1]", "[0,8]"), eight)
                                   << "unknown dtype \"C64\"" << true;
    QTest::newRow("size mismatch") << craft(one("F32", "[2]", "[0,4]"), four)
                                   << "4 bytes of data, but its dtype and shape need 8" << true;
    QTest::newRow("begin after end") << craft(one("U8", "[0]", "[4,0]"), four)
                                     << "end before they begin" << true;
    QTest::newRow("negative shape") << craft(one("F32", "[-1]", "[0,0]")) << "negative" << true;
    QTest::newRow("fractional shape") << craft(one("F32", "[2.0]", "[0,8]"), eight)
                                      << "not an integer" << true;
    QTest::newRow("product overflow")
        << craft(one("F32", "[4294967296,4294967296]", "[0,0]")) << "overflows" << true;
    QTest::newRow("bytes overflow")
        << craft(one("F32", "[4611686018427387904]", "[0,0]")) << "overflows" << true;
    QTest::newRow("extent over int64")
        << craft(one("U8", "[9223372036854775808,0]", "[0,0]")) << "overflows" << true;
    QTest::newRow("negative offset") << craft(one("U8", "[4]", "[-1,3]"), four) << "data offset"
                                     << true;
    QTest::newRow("one offset") << craft(one("U8", "[4]", "[4]"), four) << "data_offsets" << true;
    QTest::newRow("overlap") << craft("{\"a\":{" + entry("F32", "[2]", "[0,8]") + "},\"b\":{"
                                          + entry("F32", "[2]", "[4,12]") + "}}",
                                      twelve)
                             << "'a' and 'b' overlap" << true;
    QTest::newRow("gap") << craft("{\"a\":{" + entry("F32", "[1]", "[0,4]") + "},\"b\":{"
                                      + entry("F32", "[1]", "[8,12]") + "}}",
                                  twelve)
                         << "gap of 4 bytes at offset 4" << true;
    QTest::newRow("trailing bytes") << craft(one("F32", "[1]", "[0,4]"), eight)
                                    << "4 trailing bytes" << true;
    QTest::newRow("duplicate name") << craft("{\"a\":{" + entry("U8", "[4]", "[0,4]") + "},\"a\":{"
                                                 + entry("U8", "[4]", "[4,8]") + "}}",
                                             eight)
                                    << "names 'a' twice" << true;
    QTest::newRow("metadata value") << craft("{\"__metadata__\":{\"epochs\":3}}")
                                    << "metadata value for 'epochs' is not a string" << true;
    QTest::newRow("metadata not object") << craft("{\"__metadata__\":\"x\"}")
                                         << "\"__metadata__\" is not an object" << true;
    QTest::newRow("nested too deep") << craft(one("U8", "[[1]]", "[0,1]"), "\x01")
                                     << "nests deeper" << true;
    QTest::newRow("long shape")
        << craft(one("U8", ("[" + QByteArray("1,").repeated(64) + "1]").constData(), "[0,1]"),
                 "\x01")
        << "longer than 64" << true;
    QTest::newRow("long shape after ignored field")
        << craft("{\"a\":{\"extra\":[1,2]," + entry("U8", "[1]", "[0,1]") + "},\"b\":{"
                     + entry("U8", ("[" + QByteArray("1,").repeated(64) + "1]").constData(),
                             "[1,2]")
                     + "}}",
                 "\x01\x01")
        << "entry 'b' has an array longer than 64" << true;
    QTest::newRow("bool byte") << craft(one("BOOL", "[2]", "[0,2]"), QByteArray("\x01\x02", 2))
                               << "not 0 or 1" << false;
}

void TestSafetensors::rejectsMalformedFile()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, keyword);
    QFETCH(bool, headerRejects);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("bad.safetensors");
    QVERIFY(writeBytes(path, bytes));
    const std::string p = path.toStdString();

    std::string problem = rejection([&] { tleg::io::readSafetensors(p); }, p,
                                    keyword.toStdString());
    QVERIFY2(problem.empty(), problem.c_str());
    if (headerRejects) {
        problem = rejection([&] { tleg::io::readSafetensorsHeader(p); }, p,
                            keyword.toStdString());
        QVERIFY2(problem.empty(), problem.c_str());
    } else {
        QCOMPARE(tleg::io::readSafetensorsHeader(p).tensors.size(), size_t(1));
    }
}

void TestSafetensors::rejectsHeaderOverLimit()
{
    // A sparse file big enough to hold the claimed header, so only the size cap can stop it.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("huge.safetensors");
    QVERIFY(writeBytes(path, le64(100'000'001) + QByteArray("{")));
    QVERIFY(QFile::resize(path, 100'000'016));
    const std::string p = path.toStdString();
    const std::string problem =
        rejection([&] { tleg::io::readSafetensorsHeader(p); }, p, "exceeds the limit");
    QVERIFY2(problem.empty(), problem.c_str());
}

void TestSafetensors::survivesCorruption()
{
    // Every strict prefix of a valid file is rejected, and random byte damage either still
    // parses or fails with tleg::Error: never another exception, never a crash (run it under
    // TLEG_SANITIZE to also catch out-of-bounds reads).
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString good = dir.filePath("good.safetensors");
    tleg::io::writeSafetensors(good.toStdString(),
                               {{"w", torch::arange(12, torch::kFloat).reshape({3, 4})},
                                {"mask", torch::tensor({true, false})},
                                {"n", torch::empty({0, 2}, torch::kLong)}},
                               {{"k", "v"}});
    const QByteArray bytes = readBytes(good);
    const QString path = dir.filePath("damaged.safetensors");
    const std::string p = path.toStdString();

    for (int length = 0; length < bytes.size(); ++length) {
        QVERIFY(writeBytes(path, bytes.left(length)));
        const std::string problem = rejection([&] { tleg::io::readSafetensors(p); }, p, "");
        QVERIFY2(problem.empty(), (std::to_string(length) + " bytes: " + problem).c_str());
    }

    std::mt19937 random(42);
    std::uniform_int_distribution<int> position(0, static_cast<int>(bytes.size()) - 1);
    std::uniform_int_distribution<int> value(0, 255);
    int accepted = 0;
    for (int trial = 0; trial < 2000; ++trial) {
        QByteArray damaged = bytes;
        for (int k = 0; k < 1 + trial % 3; ++k)
            damaged[position(random)] = static_cast<char>(value(random));
        QVERIFY(writeBytes(path, damaged));
        try {
            const auto file = tleg::io::readSafetensors(p);
            for (const auto& [name, t] : file.tensors)
                t.to(torch::kDouble).sum(); // touches every byte the reader handed out
            ++accepted;
        } catch (const tleg::Error&) {
        } catch (const std::exception& e) {
            QFAIL((std::string("non-tleg exception: ") + e.what()).c_str());
        }
    }
    QVERIFY(accepted > 0); // damage inside the data section alone is not detectable
}

void TestSafetensors::rejectsMissingOrOddPaths()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string missing = dir.filePath("missing.safetensors").toStdString();
    std::string problem = rejection([&] { tleg::io::readSafetensors(missing); }, missing,
                                    "cannot open");
    QVERIFY2(problem.empty(), problem.c_str());
    problem = rejection([&] { tleg::io::readSafetensorsHeader(missing); }, missing,
                        "no such file");
    QVERIFY2(problem.empty(), problem.c_str());
    const std::string directory = dir.path().toStdString();
    problem = rejection([&] { tleg::io::readSafetensors(directory); }, directory,
                        "not a regular file");
    QVERIFY2(problem.empty(), problem.c_str());
}

void TestSafetensors::writeRejectsBadInput()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("out.safetensors").toStdString();
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
    for (const auto& [tensors, keyword] : cases) {
        const std::string problem =
            rejection([&] { tleg::io::writeSafetensors(path, tensors); }, path, keyword);
        QVERIFY2(problem.empty(), problem.c_str());
        QVERIFY(QDir(dir.path()).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot));
    }
    const std::string problem = rejection(
        [&] { tleg::io::writeSafetensors(path, {{"w", t}}, {{"bad", "\xff\xfe"}}); }, path,
        "UTF-8");
    QVERIFY2(problem.empty(), problem.c_str());
    QVERIFY(QDir(dir.path()).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot));
}

void TestSafetensors::failedWriteLeavesNothing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const NamedTensors tensors = {{"w", torch::ones({4})}};

    const std::string inMissingDir = dir.filePath("no/such/dir/x.safetensors").toStdString();
    std::string problem = rejection([&] { tleg::io::writeSafetensors(inMissingDir, tensors); },
                                    inMissingDir, "cannot create temporary file");
    QVERIFY2(problem.empty(), problem.c_str());
    QVERIFY(QDir(dir.path()).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot));

    // The temporary file is written completely, then the rename onto a directory fails.
    QVERIFY(QDir(dir.path()).mkdir("occupied.safetensors"));
    const std::string occupied = dir.filePath("occupied.safetensors").toStdString();
    problem = rejection([&] { tleg::io::writeSafetensors(occupied, tensors); }, occupied,
                        "rename");
    QVERIFY2(problem.empty(), problem.c_str());
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{"occupied.safetensors"});
    QVERIFY(QDir(QString::fromStdString(occupied)).isEmpty());
}

void TestSafetensors::overwriteReplacesFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("model.safetensors").toStdString();
    tleg::io::writeSafetensors(path, {{"old", torch::zeros({1000})}}, {{"v", "1"}});
    const auto before = tleg::io::readSafetensors(path); // keeps the old file mapped
    tleg::io::writeSafetensors(path, {{"new", torch::full({3}, 7.0)}}, {{"v", "2"}});

    const auto after = tleg::io::readSafetensors(path);
    QVERIFY(after.has("new") && !after.has("old"));
    QCOMPARE(QString::fromStdString(after.metadata.at("v")), QString("2"));
    QVERIFY(torch::equal(after.tensor("new"), torch::full({3}, 7.0)));
    // The rename swapped the directory entry; the old mapping still reads the old data.
    QVERIFY(torch::equal(before.tensor("old"), torch::zeros({1000})));
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{"model.safetensors"});
}

QTEST_APPLESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
