#pragma once
// `tleg bench --images`: how fast an image folder at 224 px opens. Generates random-content
// JPEGs (smooth, photo-like, 320×240) unless given a folder, then times decoding + resizing
// alone, the first open (decoding and writing the decode cache), the second open (the cache,
// memory-mapped) and batch assembly with random-resized-crop + flip against plain batches.
// Usage:
//   ImageBenchOptions o;  o.count = 2000;
//   std::fputs(formatImageBench(o, runImageBench(o, say)).c_str(), stdout);
#include "bench/bench.h"

#include <cstdint>
#include <string>

namespace tleg::bench {

struct ImageBenchOptions {
    std::string dir;      // a <class>/<image> folder to read; empty: generate JPEGs
    int64_t count = 2000; // JPEGs to generate, in 10 classes
    int width = 320, height = 240;
    int64_t size = 224; // the target size
    int threads = 0;    // decoding threads; 0 = the idle cores
    int64_t batchSize = 128;
    std::string scratchDir; // generated images and the cache; empty: the temp folder
};

struct ImageBenchReport {
    int64_t images = 0; // decoded (listed minus unreadable)
    int threads = 0;
    bool generated = false;
    double generateSeconds = -1;
    double decodeSeconds = -1; // decode + resize, no cache
    double firstSeconds = -1;  // decode + resize + writing the cache
    double cachedSeconds = -1; // the second open, from the cache
    double decodeCpuSeconds = -1, firstCpuSeconds = -1, cachedCpuSeconds = -1; // all threads
    int64_t cacheBytes = 0;
    double batchMsResizedCrop = -1, batchMsPlain = -1; // per batch of batchSize
    double peakResidentMiB = 0;                        // of the process, at the end
    double anonymousMiB = -1, fileBackedMiB = -1;      // resident after the first open
    int64_t imageChecksum = 0; // a byte of every cache line of the images, summed
};

/// Throws tleg::Error for bad options or an unreadable folder.
ImageBenchReport runImageBench(const ImageBenchOptions& options, const LogFn& log = {});
std::string formatImageBench(const ImageBenchOptions& options, const ImageBenchReport& report);

} // namespace tleg::bench
