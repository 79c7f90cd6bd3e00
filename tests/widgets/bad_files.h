#pragma once
// The hostile inputs of issue 13 (item 7), one builder for every page test: each class of bad
// file or folder a user can pick in an open dialog (a model, a teacher, a learngene, a data
// folder, a run folder), written into a folder the test owns. A page must answer each with one
// line that names it, nothing may hang (a FIFO must never be opened for reading), and the page
// must stay usable: a good input opens afterwards.
// Usage:
//   QTemporaryDir dir;
//   for (const testing::BadInput& bad : testing::badModels(dir.filePath("models"), goodModel)) {
//       open(bad.path);  waitUntilDone();
//       QVERIFY2(testing::isOneLineNaming(page->errorText(), bad.path), qPrintable(bad.what));
//   }
#include "data/open_dataset.h"
#include "model/vit_config.h"

#include <QColor>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QString>
#include <QtTest>

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <string>
#include <vector>

namespace tleg::testing {

/// One hostile input: what it is (for failure messages), where it is, and for data folders the
/// format it is opened as.
struct BadInput {
    QString what;
    QString path;
    data::Format format = data::Format::Auto;
    /// Bad as a model, good for weight analysis (the Linearity page reads tensors of any shape).
    bool analysable = false;
};

/// True when message is one line (no backtrace, no dump) that names path.
inline bool isOneLineNaming(const QString& message, const QString& path)
{
    return !message.isEmpty() && !message.contains(QLatin1Char('\n')) && message.contains(path);
}

inline void writeBytes(const QString& path, const std::string& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        QFAIL(qPrintable("cannot write " + path));
    f.write(bytes.data(), static_cast<qint64>(bytes.size()));
}

inline std::string readBytes(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll().toStdString();
}

/// A FIFO at path (a reader that opens it waits for a writer forever).
inline void makeFifo(const QString& path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
}

/// A safetensors file of this JSON header and data section.
inline std::string safetensorsBytes(const nlohmann::json& header, const std::string& data)
{
    const std::string h = header.dump();
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i)
        out[static_cast<size_t>(i)] = static_cast<char>((uint64_t(h.size()) >> (8 * i)) & 0xff);
    return out + h + data;
}

/// A safetensors header whose metadata claims a model of kind with this architecture, over one
/// small tensor: a file that claims far more than it holds.
inline std::string claimingFile(const std::string& kind, const nlohmann::json& architecture,
                                const nlohmann::json& expansion = nullptr)
{
    nlohmann::json metadata = {
        {"format", "pt"}, {"tleg_kind", kind}, {"architecture", architecture.dump()}};
    if (!expansion.is_null())
        metadata["expansion"] = expansion.dump();
    return safetensorsBytes(
        {{"__metadata__", metadata},
         {"cls_token", {{"dtype", "F32"}, {"shape", {1, 1, 16}}, {"data_offsets", {0, 64}}}}},
        std::string(64, '\0'));
}

/// good's bytes with its JSON header passed through edit (the data section kept as it is).
template <class Edit> std::string editedHeader(const std::string& good, Edit edit)
{
    uint64_t n = 0;
    for (int i = 7; i >= 0 && good.size() >= 8; --i)
        n = (n << 8) | static_cast<unsigned char>(good[static_cast<size_t>(i)]);
    if (good.size() < 8 || n > good.size() - 8)
        return {};
    nlohmann::json header = nlohmann::json::parse(good.substr(8, n));
    edit(header);
    return safetensorsBytes(header, good.substr(8 + n));
}

/// The name of the first tensor in a safetensors header whose shape has two different sizes
/// (a weight matrix), so that swapping them keeps its bytes but not its shape.
inline std::string firstMatrix(const nlohmann::json& header)
{
    for (const auto& [name, t] : header.items())
        if (name != "__metadata__" && t["shape"].size() == 2 && t["shape"][0] != t["shape"][1])
            return name;
    return {};
}

/// A zip archive (stored, one entry) holding name: a valid zip that is no TorchScript model.
inline std::string zipArchive(const std::string& name, const std::string& content)
{
    uint32_t crc = 0xffffffffu;
    for (unsigned char c : content) {
        crc ^= c;
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    crc = ~crc;
    auto le = [](uint64_t v, int bytes) {
        std::string out;
        for (int i = 0; i < bytes; ++i)
            out += static_cast<char>((v >> (8 * i)) & 0xff);
        return out;
    };
    const uint64_t size = content.size();
    const std::string common = le(20, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(crc, 4)
                               + le(size, 4) + le(size, 4) + le(name.size(), 2) + le(0, 2);
    const std::string local = le(0x04034b50, 4) + common + name + content;
    const std::string central = le(0x02014b50, 4) + le(20, 2) + common + le(0, 2) + le(0, 2)
                                + le(0, 2) + le(0, 4) + le(0, 4) + name;
    return local + central + le(0x06054b50, 4) + le(0, 2) + le(0, 2) + le(1, 2) + le(1, 2)
           + le(central.size(), 4) + le(local.size(), 4) + le(0, 2);
}

/// The classes every safetensors file picked in a dialog is tried with, built from good (a
/// valid file of the kind the dialog expects) and written into d: an empty file, a truncated
/// file, a header length past the end, a header that is no JSON, an unknown dtype, a tensor
/// whose shape does not fit the model, a shape larger than its bytes, a FIFO, a folder, metadata
/// claiming depth 10^6 and width 10^9, a zip that is no TorchScript (a corrupt one and a valid
/// archive).
inline std::vector<BadInput> badSafetensors(const QDir& d, const std::string& kind,
                                            const std::string& good,
                                            const nlohmann::json& expansion = nullptr)
{
    nlohmann::json deep = model::ViTConfig::preset("fmnist-ti").toJson();
    deep["depth"] = 1000000;
    nlohmann::json wide = model::ViTConfig::preset("fmnist-ti").toJson();
    wide["dim"] = 1000000000;
    std::string length(8, '\0');
    length[3] = 1; // 2^24 bytes of header, in a file of 10
    std::vector<BadInput> out = {
        {"an empty file", d.filePath("empty.safetensors")},
        {"a truncated file", d.filePath("truncated.safetensors")},
        {"a header length past the end", d.filePath("length.safetensors")},
        {"a header that is no JSON", d.filePath("json.safetensors")},
        {"a tensor of an unknown dtype", d.filePath("dtype.safetensors")},
        {"a tensor of the wrong shape", d.filePath("shape.safetensors"), {}, true},
        {"a shape larger than its bytes", d.filePath("bytes.safetensors")},
        {"a FIFO", d.filePath("fifo.safetensors")},
        {"a folder", d.filePath("folder.safetensors")},
        {"metadata claiming depth 10^6", d.filePath("deep.safetensors")},
        {"metadata claiming width 10^9", d.filePath("wide.safetensors")},
        {"a corrupt zip", d.filePath("corrupt-zip.pt")},
        {"a zip archive that is no TorchScript", d.filePath("archive.pt")}};
    writeBytes(out[0].path, {});
    writeBytes(out[1].path, good.substr(0, good.size() / 2));
    writeBytes(out[2].path, length + "{}");
    const std::string json = "{\"__metadata__\": {\"format\": \"pt\"}, \"x\": {\"dtype\",,}}";
    std::string jsonLength(8, '\0');
    jsonLength[0] = static_cast<char>(json.size()); // the length is right, the JSON is not
    writeBytes(out[3].path, jsonLength + json);
    writeBytes(out[4].path, editedHeader(good, [](nlohmann::json& h) {
                   for (auto& [name, t] : h.items())
                       if (name != "__metadata__")
                           t["dtype"] = "Q7";
               }));
    writeBytes(out[5].path, editedHeader(good, [](nlohmann::json& h) {
                   auto& shape = h[firstMatrix(h)]["shape"];
                   shape = {shape[1], shape[0]};
               }));
    writeBytes(out[6].path, editedHeader(good, [](nlohmann::json& h) {
                   auto& shape = h[firstMatrix(h)]["shape"];
                   shape = {shape[0], shape[1].get<int64_t>() + 1};
               }));
    makeFifo(out[7].path);
    d.mkpath(out[8].path);
    writeBytes(out[9].path, claimingFile(kind, deep, expansion));
    writeBytes(out[10].path, claimingFile(kind, wide, expansion));
    writeBytes(out[11].path, std::string("PK\3\4") + std::string(200, 'x'));
    writeBytes(out[12].path, zipArchive("archive/data.txt", "no model in here\n"));
    return out;
}

/// The model-file classes (for Load…, the teacher, the Linearity page) in dir: every class of
/// badSafetensors() with good, a model file.
inline std::vector<BadInput> badModels(const QString& dir, const QString& good)
{
    const QDir d(dir);
    d.mkpath(".");
    return badSafetensors(d, "vit", readBytes(good));
}

/// The learngene classes (for the Expand page) in dir: every class of badSafetensors() with
/// good, a learngene, and a model that is no learngene.
inline std::vector<BadInput> badLearngenes(const QString& dir, const QString& good,
                                           const QString& notALearngene)
{
    const QDir d(dir);
    d.mkpath(".");
    std::vector<BadInput> out = badSafetensors(d, "learngene", readBytes(good),
                                               {{"groups", "msa,mlp,ln"}, {"expand_from", 0}});
    out.push_back({"a model, not a learngene", d.filePath("model.safetensors")});
    writeBytes(out.back().path, readBytes(notALearngene));
    return out;
}

/// A size×size PNG of one colour at path.
inline void writePng(const QString& path, int size, const QColor& colour)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QImage image(size, size, QImage::Format_RGB888);
    image.fill(colour);
    QVERIFY(image.save(path, "PNG"));
}

/// The data-folder classes (for the Data page), in dir, each with the format it is opened as:
/// an empty folder, a folder of corrupt images, a folder with one class, unreadable IDX files
/// (garbage, and a header claiming 10^9 images), a short CIFAR-10 batch, and a FIFO named like
/// an image (its class has no other image), class folders that hold no image.
inline std::vector<BadInput> badDataFolders(const QString& dir)
{
    const QDir d(dir);
    d.mkpath(".");
    std::vector<BadInput> out = {
        {"an empty folder", d.filePath("empty"), data::Format::ImageFolder},
        {"corrupt images", d.filePath("corrupt"), data::Format::ImageFolder},
        {"one class", d.filePath("one-class"), data::Format::ImageFolder},
        {"IDX files of garbage", d.filePath("idx-garbage"), data::Format::Idx},
        {"an IDX header claiming 10^9 images", d.filePath("idx-claims"), data::Format::Idx},
        {"a short CIFAR-10 batch", d.filePath("cifar-short"), data::Format::Cifar10},
        {"a FIFO named like an image", d.filePath("fifo-image"), data::Format::ImageFolder},
        {"class folders without images", d.filePath("no-images"), data::Format::ImageFolder}};
    d.mkpath(out[0].path);
    for (const char* cls : {"cat", "dog"})
        for (int i = 0; i < 3; ++i)
            writeBytes(QStringLiteral("%1/%2/%3.png").arg(out[1].path, cls).arg(i),
                       "\x89PNG\r\n\x1a\n this is no image");
    for (int i = 0; i < 6; ++i)
        writePng(QStringLiteral("%1/cat/%2.png").arg(out[2].path).arg(i), 8, QColor(i * 40, 0, 0));
    for (const char* name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
        writeBytes(QDir(out[3].path).filePath(name), std::string(100, '\x5a'));
        // magic 0x803 (images) or 0x801 (labels), then 10^9 items of 28×28 and no data.
        const bool images = QString(name).contains("images");
        std::string header = {0, 0, 8, images ? char(3) : char(1), 0x3b, char(0x9a), char(0xca), 0};
        if (images)
            header += std::string({0, 0, 0, 28, 0, 0, 0, 28});
        writeBytes(QDir(out[4].path).filePath(name), header);
    }
    for (int b = 1; b <= 5; ++b)
        writeBytes(QStringLiteral("%1/data_batch_%2.bin").arg(out[5].path).arg(b),
                   std::string(3073 + 17, '\1'));
    writeBytes(QDir(out[5].path).filePath("test_batch.bin"), std::string(3073, '\1'));
    makeFifo(QDir(out[6].path).filePath("cat/0.png"));
    for (int i = 0; i < 3; ++i)
        writePng(QStringLiteral("%1/dog/%2.png").arg(out[6].path).arg(i), 8, QColor(0, i * 60, 0));
    for (const char* cls : {"cat", "dog"})
        writeBytes(QStringLiteral("%1/%2/README.txt").arg(out[7].path, cls), "no images here\n");
    return out;
}

/// The run-folder classes (for the Runs page), in dir: a folder that is no run, config.json
/// garbage, metrics.csv garbage, a FIFO named metrics.csv, a run claiming 10^18 epochs (planned
/// and done), a checkpoint with a header length past the end of the file. Every one but the
/// first holds a config.json or checkpoint, so that it is a run folder.
inline std::vector<BadInput> badRunFolders(const QString& dir)
{
    const QDir d(dir);
    d.mkpath(".");
    std::vector<BadInput> out = {{"a folder that is no run", d.filePath("not-a-run")},
                                 {"config.json garbage", d.filePath("config-garbage")},
                                 {"metrics.csv garbage", d.filePath("metrics-garbage")},
                                 {"a FIFO named metrics.csv", d.filePath("metrics-fifo")},
                                 {"a huge claimed row count", d.filePath("huge-rows")},
                                 {"a checkpoint with a bad header", d.filePath("bad-checkpoint")}};
    const std::string config = nlohmann::json{
        {"kind", "vit"},
        {"architecture", model::ViTConfig::preset("fmnist-ti").toJson()},
        {"train_options",
         {{"epochs", 2}}}}.dump();
    writeBytes(QDir(out[0].path).filePath("notes.txt"), "not a run\n");
    writeBytes(QDir(out[1].path).filePath("config.json"), "{ \"kind\": \"vit\",\n garbage \x01\n");
    writeBytes(QDir(out[2].path).filePath("config.json"), config);
    writeBytes(QDir(out[2].path).filePath("metrics.csv"),
               "epoch,train_loss,val_top1\n1,0.5,80\n2,\x01\x02garbage,oops\n");
    writeBytes(QDir(out[3].path).filePath("config.json"), config);
    makeFifo(QDir(out[3].path).filePath("metrics.csv"));
    writeBytes(QDir(out[4].path).filePath("config.json"),
               nlohmann::json{{"kind", "vit"},
                              {"architecture", model::ViTConfig::preset("fmnist-ti").toJson()},
                              {"train_options", {{"epochs", int64_t(1000000000000000000)}}}}
                   .dump());
    writeBytes(QDir(out[4].path).filePath("metrics.csv"),
               "epoch,train_loss,val_top1,seconds\n1,0.5,80,1\n1e300,0.4,81,1\n");
    writeBytes(QDir(out[5].path).filePath("config.json"), config);
    writeBytes(QDir(out[5].path).filePath("checkpoint.safetensors"),
               std::string("\xff\xff\xff\xff\xff\xff\xff\x0f{}", 10));
    return out;
}

} // namespace tleg::testing
