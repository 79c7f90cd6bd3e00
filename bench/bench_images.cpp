// `tleg bench --images`: opening a 224-px image folder the first time (decode + resize on
// several threads, writing the decode cache) and again (the cache, memory-mapped), and batch
// assembly with random-resized-crop + flip.
#include "bench/bench_images.h"
#include "data/image_folder.h"
#include "util/error.h"
#include "util/files.h"
#include "util/machine.h"

#include <ATen/Parallel.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <malloc.h>
#include <unistd.h>

namespace tleg::bench {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// CPU seconds of this process so far, all threads: on a busy machine the wall time says how
/// long the others let us run, this says what the work costs.
double cpuSeconds()
{
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

std::string format(const char* f, ...)
{
    char buf[512];
    va_list args;
    va_start(args, f);
    std::vsnprintf(buf, sizeof buf, f, args);
    va_end(args);
    return buf;
}

/// RssAnon or RssFile of /proc/self/status in MiB (-1 when unknown): the decoded images
/// should be file-backed pages of the cache once it is written, not a private copy.
double residentMiB(const char* kind)
{
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    double kib = -1;
    const size_t n = std::strlen(kind);
    while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, kind, n) == 0 && line[n] == ':')
            kib = std::atof(line + n + 1);
    std::fclose(f);
    return kib < 0 ? -1 : kib / 1024.0;
}

/// Photo-like content: a coarse random colour field enlarged smoothly plus fine grain, so the
/// JPEGs have the size and decode cost of real photographs, not of flat colour or pure noise.
cv::Mat photoLike(int w, int h, uint64_t seed)
{
    cv::RNG rng(seed);
    cv::Mat coarse(std::max(2, h / 16), std::max(2, w / 16), CV_8UC3);
    rng.fill(coarse, cv::RNG::UNIFORM, 0, 256);
    cv::Mat img;
    cv::resize(coarse, img, cv::Size(w, h), 0, 0, cv::INTER_CUBIC);
    cv::Mat grain(h, w, CV_8UC3);
    rng.fill(grain, cv::RNG::NORMAL, 0, 12);
    cv::add(img, grain, img);
    return img;
}

/// count JPEGs in root/c0..c9, written on torch's threads.
void generate(const std::string& root, const ImageBenchOptions& o)
{
    for (int c = 0; c < 10; ++c)
        makeDirs(joinPath(root, "c" + std::to_string(c)));
    at::parallel_for(0, o.count, 8, [&](int64_t begin, int64_t end) {
        std::vector<uchar> bytes;
        for (int64_t i = begin; i < end; ++i) {
            const std::string path =
                joinPath(root, "c" + std::to_string(i % 10) + "/" + std::to_string(i) + ".jpg");
            cv::imencode(".jpg", photoLike(o.width, o.height, uint64_t(i)), bytes,
                         {cv::IMWRITE_JPEG_QUALITY, 90});
            std::FILE* f = std::fopen(path.c_str(), "wb");
            if (f) {
                std::fwrite(bytes.data(), 1, bytes.size(), f);
                std::fclose(f);
            }
        }
    });
}

/// Median milliseconds of one batch over 10 (after 2 untimed).
double batchMilliseconds(const data::Dataset& d, int64_t batch, bool augment)
{
    data::LoaderOptions lo;
    lo.batchSize = std::min(batch, d.size());
    lo.augment = augment;
    data::BatchLoader loader(d, lo);
    std::vector<double> ms;
    data::Batch b;
    for (int i = 0; i < 12; ++i) {
        const auto t0 = Clock::now();
        if (!loader.next(b)) {
            loader.startEpoch(i);
            loader.next(b);
        }
        if (i >= 2)
            ms.push_back(1e3 * since(t0));
    }
    return median(ms);
}

} // namespace

ImageBenchReport runImageBench(const ImageBenchOptions& o, const LogFn& log)
{
    auto say = [&](const std::string& s) {
        if (log)
            log(s);
    };
    if (o.dir.empty() && (o.count < 10 || o.width < 1 || o.height < 1))
        throw Error("bench --images: generate at least 10 images of at least 1×1 pixels");
    ImageBenchReport r;
    const std::string scratch =
        joinPath(o.scratchDir.empty() ? fs::temp_directory_path().string() : o.scratchDir,
                 "tleg-bench-images-" + std::to_string(::getpid()));
    makeDirs(scratch);
    std::string root = o.dir;
    if (root.empty()) {
        root = joinPath(scratch, "images");
        say(format("writing %lld random-content %dx%d JPEGs", static_cast<long long>(o.count),
                   o.width, o.height));
        const auto t0 = Clock::now();
        generate(root, o);
        r.generateSeconds = since(t0);
        r.generated = true;
    }
    data::ImageFolderOptions io;
    io.size = o.size;
    io.threads = o.threads > 0 ? o.threads : util::defaultThreads();
    io.cacheDir = joinPath(scratch, "cache"); // never a cache the folder already has
    r.threads = io.threads;
    auto open = [&](bool cache, data::ImageFolderReport* report, double* cpu) {
        io.cache = cache;
        const auto t0 = Clock::now();
        const double c0 = cpuSeconds();
        data::Dataset d = data::loadImageFolder(root, io, report);
        *cpu = cpuSeconds() - c0;
        return std::make_pair(since(t0), std::move(d));
    };
    data::ImageFolderReport rep;
    say("decoding and resizing (no cache)");
    r.decodeSeconds = open(false, &rep, &r.decodeCpuSeconds).first;
    say("first open: decoding, resizing, writing the cache");
    {
        auto first = open(true, &rep, &r.firstCpuSeconds);
        r.firstSeconds = first.first;
        // Touch every image, as training does, before reading what is resident.
        const torch::Tensor& images = first.second.images;
        const uint8_t* bytes = images.data_ptr<uint8_t>();
        for (int64_t i = 0; i < images.numel(); i += 64)
            r.imageChecksum += bytes[i];
        r.anonymousMiB = residentMiB("RssAnon");
        r.fileBackedMiB = residentMiB("RssFile");
    }
    r.images = rep.decoded;
    r.cacheBytes = static_cast<int64_t>(fs::file_size(rep.cacheFile));
    say("second open: the cache");
    auto [cachedSeconds, d] = open(true, &rep, &r.cachedCpuSeconds);
    r.cachedSeconds = cachedSeconds;
    if (!rep.fromCache)
        throw Error("bench --images: the second open did not use the cache " + rep.cacheFile);
    say("batch assembly");
    torch::set_num_threads(r.threads); // as training would run it
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024); // as train::train sets it
#endif
    r.batchMsResizedCrop = batchMilliseconds(d, o.batchSize, true);
    r.batchMsPlain = batchMilliseconds(d, o.batchSize, false);
    r.peakResidentMiB = util::peakResidentMiB();
    d = data::Dataset{}; // unmaps the cache before it is removed
    std::error_code ignored;
    fs::remove_all(scratch, ignored);
    return r;
}

std::string formatImageBench(const ImageBenchOptions& o, const ImageBenchReport& r)
{
    auto rate = [&](double seconds) { return seconds > 0 ? double(r.images) / seconds : 0.0; };
    const int64_t batch = std::min(o.batchSize, r.images);
    std::string s = format(
        "Image folder: %lld images (%s) -> %lldx%lld RGB, %d decoding threads\n",
        static_cast<long long>(r.images),
        r.generated ? format("generated %dx%d JPEGs", o.width, o.height).c_str() : o.dir.c_str(),
        static_cast<long long>(o.size), static_cast<long long>(o.size), r.threads);
    s += "                                          wall      images/s    CPU s\n";
    s += format("  decode + resize (no cache)          %8.2f s  %9.0f  %8.2f\n", r.decodeSeconds,
                rate(r.decodeSeconds), r.decodeCpuSeconds);
    s +=
        format("  first pass (decode + cache write)   %8.2f s  %9.0f  %8.2f   cache %.0f MB\n",
               r.firstSeconds, rate(r.firstSeconds), r.firstCpuSeconds, double(r.cacheBytes) / 1e6);
    s += format("  cached pass (second open, mmap)     %8.3f s  %9.0f  %8.3f\n", r.cachedSeconds,
                rate(r.cachedSeconds), r.cachedCpuSeconds);
    s += format("  one decode thread: %.0f images per CPU second\n",
                r.decodeCpuSeconds > 0 ? double(r.images) / r.decodeCpuSeconds : 0.0);
    s += format("  batch of %lld, random-resized-crop + flip  %7.1f ms  %9.0f images/s\n",
                static_cast<long long>(batch), r.batchMsResizedCrop,
                r.batchMsResizedCrop > 0 ? 1e3 * double(batch) / r.batchMsResizedCrop : 0.0);
    s += format("  batch of %lld, plain (eval)                %7.1f ms  %9.0f images/s\n",
                static_cast<long long>(batch), r.batchMsPlain,
                r.batchMsPlain > 0 ? 1e3 * double(batch) / r.batchMsPlain : 0.0);
    s += format("  after the first open, all images touched: %.0f MiB private, %.0f MiB file-backed"
                " (the images: %.0f MiB); peak resident %.0f MiB\n",
                r.anonymousMiB, r.fileBackedMiB, double(r.cacheBytes) / (1024.0 * 1024.0),
                r.peakResidentMiB);
    if (r.generated)
        s += format("  (writing the JPEGs took %.1f s; they were read from the page cache)\n",
                    r.generateSeconds);
    return s;
}

} // namespace tleg::bench
