// Image files to uint8 planes with OpenCV, one file per call, many files on worker threads.
#include "data/image_decode.h"

#include "data/image_header.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <system_error>
#include <thread>

namespace tleg::data {
namespace {

/// A longer side beyond this many times the shorter is trimmed (around the centre) before
/// resizing: the centre square never reaches it, and a 1×100000 strip must not become a
/// 224×22400000 image on the way.
constexpr int kMaxAspect = 16;

std::string readAll(const std::string& path, std::vector<uchar>& bytes)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        return std::string("cannot open the file (") + std::strerror(errno) + ")";
    const std::streamoff size = in.tellg();
    if (size <= 0)
        return "empty file";
    bytes.resize(size_t(size));
    in.seekg(0);
    if (!in.read(reinterpret_cast<char*>(bytes.data()), size))
        return "cannot read the file";
    return {};
}

/// A JPEG whose last scan is not followed by an end-of-image marker was cut short; libjpeg
/// would fill the missing rows with grey and only warn. Inside entropy-coded data 0xFF is
/// always followed by 0x00 or a restart marker, so 0xFFDA / 0xFFD9 appear only as markers
/// (a thumbnail's come before the main image's last scan).
bool truncatedJpeg(const std::vector<uchar>& b)
{
    if (b.size() < 4 || b[0] != 0xFF || b[1] != 0xD8)
        return false; // not a JPEG
    size_t lastScan = 0;
    for (size_t i = b.size() - 1; i-- > 2;) {
        if (b[i] == 0xFF && b[i + 1] == 0xDA) {
            lastScan = i;
            break;
        }
    }
    if (lastScan == 0)
        return true;
    for (size_t i = lastScan + 2; i + 1 < b.size(); ++i)
        if (b[i] == 0xFF && b[i + 1] == 0xD9)
            return false;
    return true;
}

/// The centre of the longer side, at most kMaxAspect times the shorter one.
cv::Mat trimExtremeAspect(const cv::Mat& img)
{
    const int shorter = std::min(img.cols, img.rows);
    const int limit = shorter * kMaxAspect;
    if (img.cols > limit)
        return img(cv::Rect((img.cols - limit) / 2, 0, limit, img.rows));
    if (img.rows > limit)
        return img(cv::Rect(0, (img.rows - limit) / 2, img.cols, limit));
    return img;
}

/// Shorter side to round(size / cropFraction), the longer one in proportion (rounded down, as
/// torchvision), then the centre size×size.
cv::Mat centreSquare(const cv::Mat& source, const ImageGeometry& g)
{
    const cv::Mat img = trimExtremeAspect(source);
    const int size = int(g.size);
    const int shorter = std::max(size, int(std::lround(double(size) / g.cropFraction)));
    const int w = img.cols;
    const int h = img.rows;
    int newW = shorter;
    int newH = shorter;
    if (w <= h)
        newH = std::max(shorter, int(int64_t(h) * shorter / w));
    else
        newW = std::max(shorter, int(int64_t(w) * shorter / h));
    cv::Mat resized = img;
    if (newW != w || newH != h) {
        const int interpolation = shorter < std::min(w, h) ? cv::INTER_AREA : cv::INTER_LINEAR;
        cv::resize(img, resized, cv::Size(newW, newH), 0, 0, interpolation);
    }
    return resized(cv::Rect((newW - size) / 2, (newH - size) / 2, size, size));
}

std::string decodeUnguarded(std::vector<uchar>& bytes, const ImageGeometry& g, uint8_t* dst)
{
    if (bytes.empty())
        return "empty file";
    // Never ask the decoder to allocate what the header merely claims (image_header.h).
    if (const auto claimed = claimedSize(bytes.data(), bytes.size());
        claimed && claimed->pixels() > maxImagePixels())
        return "the header claims " + claimed->text() + " pixels, more than the limit of "
               + std::to_string(maxImagePixels()) + " (OPENCV_IO_MAX_IMAGE_PIXELS)";
    if (truncatedJpeg(bytes))
        return "truncated JPEG (no end-of-image marker after the last scan)";
    const cv::Mat img = cv::imdecode(cv::Mat(1, int(bytes.size()), CV_8UC1, bytes.data()),
                                     g.grey ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
    if (img.empty())
        return "cannot read or decode image";
    if (img.type() != (g.grey ? CV_8UC1 : CV_8UC3))
        return "unexpected pixel type after decoding";
    const cv::Mat square = centreSquare(img, g);
    const int size = int(g.size);
    const size_t plane = size_t(size) * size_t(size);
    if (g.grey) {
        cv::Mat out(size, size, CV_8UC1, dst);
        square.copyTo(out);
        return out.data == dst ? "" : "internal error: OpenCV reallocated the output";
    }
    // Headers over the tensor's planes: OpenCV's BGR goes straight into R, G, B planes.
    cv::Mat planes[] = {cv::Mat(size, size, CV_8UC1, dst),
                        cv::Mat(size, size, CV_8UC1, dst + plane),
                        cv::Mat(size, size, CV_8UC1, dst + 2 * plane)};
    const int fromTo[] = {2, 0, 1, 1, 0, 2};
    cv::mixChannels(&square, 1, planes, 3, fromTo, 3);
    return {};
}

} // namespace

std::string decodeImageBytes(std::vector<uint8_t>& bytes, const ImageGeometry& g, uint8_t* dst)
{
    try {
        return decodeUnguarded(bytes, g, dst);
    } catch (const std::exception& e) {
        return std::string("cannot decode image (") + e.what() + ")";
    } catch (...) {
        return "cannot decode image";
    }
}

std::string decodeImageFile(const std::string& path, const ImageGeometry& g, uint8_t* dst)
{
    try {
        std::vector<uchar> bytes;
        if (std::string why = readAll(path, bytes); !why.empty())
            return why;
        return decodeUnguarded(bytes, g, dst);
    } catch (const std::exception& e) {
        return std::string("cannot decode image (") + e.what() + ")";
    } catch (...) {
        return "cannot decode image";
    }
}

std::vector<std::string> decodeImages(const std::vector<std::string>& files, const ImageGeometry& g,
                                      uint8_t* dst, int threads,
                                      const std::function<bool(int64_t, int64_t)>& progress,
                                      bool* stopped)
{
    const auto n = int64_t(files.size());
    std::vector<std::string> why(files.size());
    std::atomic<int64_t> next{0}, done{0};
    // Asked once before any work, so that a stop is honoured however fast the decoding is.
    std::atomic<bool> stop{progress && !progress(0, n)};
    std::mutex mutex;
    std::condition_variable finished;
    int running = 0;
    // Small chunks claimed from a counter: JPEG sizes vary, so static ranges would leave
    // threads idle at the end.
    constexpr int64_t kChunk = 4;
    auto work = [&] {
        for (int64_t begin; !stop && (begin = next.fetch_add(kChunk)) < n;) {
            const int64_t end = std::min(n, begin + kChunk);
            for (int64_t i = begin; i < end; ++i)
                why[size_t(i)] = decodeImageFile(files[size_t(i)], g, dst + i * g.imageBytes());
            done += end - begin;
        }
        const std::lock_guard<std::mutex> lock(mutex);
        --running;
        finished.notify_all();
    };
    std::vector<std::thread> pool;
    const int wanted = int(std::clamp<int64_t>(threads, 1, std::max<int64_t>(1, n)));
    for (int t = 0; t < wanted; ++t) {
        try {
            {
                const std::lock_guard<std::mutex> lock(mutex);
                ++running;
            }
            pool.emplace_back(work);
        } catch (const std::system_error&) {
            const std::lock_guard<std::mutex> lock(mutex);
            --running; // fewer threads than asked for; at worst the loop below does it all
            break;
        }
    }
    if (pool.empty()) {
        ++running;
        work();
    }
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mutex);
            if (finished.wait_for(lock, std::chrono::milliseconds(100),
                                  [&] { return running == 0; }))
                break;
        }
        if (progress && !stop && !progress(done.load(), n))
            stop = true;
    }
    for (auto& t : pool)
        t.join();
    if (stopped)
        *stopped = stop.load();
    if (progress && !stop)
        progress(n, n);
    return why;
}

} // namespace tleg::data
