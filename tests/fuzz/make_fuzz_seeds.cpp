// Writes the seed corpus of every fuzz harness from valid files the project itself writes: a
// tiny ViT, Aux-Net, learngene and checkpoint, a real run folder, IDX (raw and gzip), CIFAR
// batches, PNG and JPEG images, and command lines.
//   make_fuzz_seeds OUT_DIR      -> OUT_DIR/<harness>/<seed>
#include "model/des_net.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "workflow/jobs.h"
#include "workflow/run_notes.h"

#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace tleg;
namespace fs = std::filesystem;

namespace {

const std::string kSep = "\n--8<--\n"; // as fuzz::parts splits

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

void write(const fs::path& path, const std::string& bytes)
{
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string be32(uint32_t v)
{
    return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

std::string gzip(const std::string& raw)
{
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, raw.size()) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
    z.avail_in = static_cast<uInt>(raw.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

model::ViTConfig tiny()
{
    model::ViTConfig c;
    c.imageSize = 8;
    c.patchSize = 4;
    c.dim = 8;
    c.heads = 2;
    c.depth = 2;
    c.mlpRatio = 2.0;
    c.numClasses = 3;
    return c;
}

/// Model files: a ViT, an Aux-Net, a learngene, an average-pooled ViT.
std::vector<std::string> modelSeeds(const fs::path& dir)
{
    fs::create_directories(dir);
    std::vector<std::string> files;
    auto cfg = tiny();
    model::saveClassifier((dir / "vit.safetensors").string(), *model::scratch(cfg, 1));
    files.push_back((dir / "vit.safetensors").string());
    model::AuxNet aux(cfg, model::AuxOptions{});
    model::saveClassifier((dir / "auxnet.safetensors").string(), *aux);
    files.push_back((dir / "auxnet.safetensors").string());
    model::Learngene::fromAuxNet(*aux).save((dir / "learngene.safetensors").string());
    files.push_back((dir / "learngene.safetensors").string());
    cfg.pooling = model::Pooling::Average;
    model::saveClassifier((dir / "avg.safetensors").string(), *model::scratch(cfg, 2));
    files.push_back((dir / "avg.safetensors").string());
    return files;
}

/// A real run folder, written by the workflow on a few synthetic images.
fs::path runSeed(const fs::path& dir)
{
    data::DataSplit split;
    split.train.name = "synthetic/train";
    split.train.images = torch::randint(0, 255, {12, 1, 8, 8}).to(torch::kUInt8);
    split.train.labels = torch::arange(12) % 3;
    split.train.numClasses = 3;
    split.train.classNames = {"a", "b", "c"};
    split.test = split.train;
    workflow::TrainSpec spec = workflow::TrainSpec::ancestry({}, tiny(), {});
    spec.train.epochs = 2;
    spec.train.batchSize = 4;
    spec.train.threads = 1;
    spec.out = (dir / "run").string();
    workflow::runTrain(spec, {}, &split);
    return spec.out;
}

void idxSeeds(const fs::path& dir)
{
    std::string images = be32(0x00000803) + be32(3) + be32(4) + be32(4);
    for (int i = 0; i < 48; ++i)
        images += char(i * 5);
    const std::string labels = be32(0x00000801) + be32(3) + std::string("\x00\x01\x02", 3);
    write(dir / "raw", images + kSep + labels);
    write(dir / "gzip", gzip(images) + kSep + gzip(labels));
}

void cifarSeeds(const fs::path& dir)
{
    std::string batch10, batch100;
    for (int r = 0; r < 2; ++r) {
        batch10 += char(r);
        batch100 += std::string{char(r), char(r + 1)};
        const std::string pixels(3072, char(17 * r));
        batch10 += pixels;
        batch100 += pixels;
    }
    write(dir / "cifar10", batch10 + kSep + batch10 + kSep + "cat\ndog\n");
    write(dir / "cifar100", batch100 + kSep + batch100 + kSep + "apple\npear\n");
}

void imageSeeds(const fs::path& dir)
{
    cv::Mat img(6, 5, CV_8UC3);
    cv::randu(img, 0, 255);
    std::vector<uchar> png, jpg;
    cv::imencode(".png", img, png);
    cv::imencode(".jpg", img, jpg);
    write(dir / "png_jpg", std::string(png.begin(), png.end()) + kSep +
                               std::string(jpg.begin(), jpg.end()));
}

void cliSeeds(const fs::path& dir)
{
    const std::vector<std::vector<std::string>> lines = {
        {"--epochs", "3", "--lr", "1e-3", "--batch", "64", "--out", "runs/x"},
        {"--data", "fashion-mnist", "--train-subset", "500", "--classes", "5,6,7", "--per-class",
         "20"},
        {"--model", "fmnist-s", "--depth", "4", "--dim", "48", "--heads", "3", "--pool", "avg",
         "--mlp-ratio", "2.5"},
        {"--lambda=0.5", "--tau=2", "--smoothing", "0.1", "--warmup", "0.5", "--wd", "0.01",
         "--clip", "0", "--threads", "1", "--fp32", "--no-augment", "--depths", "2,4,6"},
    };
    int n = 0;
    for (const auto& line : lines) {
        std::string joined;
        for (const auto& a : line)
            joined += a + '\0';
        write(dir / ("args" + std::to_string(n++)), joined);
    }
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_fuzz_seeds OUT_DIR\n");
        return 2;
    }
    torch::set_num_threads(1);
    const fs::path out(argv[1]);
    const fs::path scratch = out / ".scratch";
    const auto models = modelSeeds(scratch / "models");
    const fs::path run = runSeed(scratch);
    for (const auto& f : models) {
        write(out / "safetensors" / fs::path(f).filename(), readFile(f));
        write(out / "model_file" / fs::path(f).filename(), readFile(f));
    }
    const std::string checkpoint = readFile((run / "checkpoint.safetensors").string());
    write(out / "safetensors" / "checkpoint", checkpoint);
    write(out / "run_folder" / "finished",
          readFile((run / "config.json").string()) + kSep +
              readFile((run / "metrics.csv").string()) + kSep +
              readFile((run / "log.txt").string()) + kSep + checkpoint);
    write(out / "run_folder" / "no_checkpoint",
          readFile((run / "config.json").string()) + kSep +
              readFile((run / "metrics.csv").string()) + kSep +
              readFile((run / "log.txt").string()));
    tleg::workflow::writeRunNotes(run.string(), {{"baseline", "lr sweep"}, "first try\nλ = 0.5"});
    write(out / "run_folder" / "with_notes",
          readFile((run / "config.json").string()) + kSep +
              readFile((run / "metrics.csv").string()) + kSep +
              readFile((run / "log.txt").string()) + kSep + kSep +
              readFile((run / tleg::workflow::kRunNotesFile).string()));
    idxSeeds(out / "idx");
    cifarSeeds(out / "cifar");
    imageSeeds(out / "image_folder");
    cliSeeds(out / "cli_options");
    fs::remove_all(scratch);
    std::printf("seed corpora written to %s\n", out.string().c_str());
    return 0;
}
