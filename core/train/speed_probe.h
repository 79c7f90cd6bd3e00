#pragma once
// How fast this machine trains a given network, measured in a second or two on random images,
// so that a form can say "about 4 min" before a run starts (the same threads and precision as
// the run). Nothing is read or written; the network passed in is a throwaway copy.
// Usage:
//   auto net = std::make_shared<model::ViTImpl>(config);
//   ProbeOptions o;  o.threads = 1;
//   SpeedProbe p = probeSpeed(*net, {3, 32, 32}, 128, o);
//   double seconds = p.estimateSeconds(6, 60000, 10000);
#include "model/vit.h"
#include "train/teacher.h"

#include <atomic>
#include <cstdint>

namespace tleg::train {

struct SpeedProbe {
    double trainImagesPerSecond = 0;   // forward, backward and AdamW step
    double evalImagesPerSecond = 0;    // forward only, no gradients
    double teacherImagesPerSecond = 0; // the teacher's forward; 0 without a teacher

    /// Seconds for epochs over trainImages with one evaluation of testImages per epoch; the
    /// teacher runs every epoch, or only in the first when teacherOnce (cached logits).
    double estimateSeconds(int64_t epochs, int64_t trainImages, int64_t testImages,
                           bool teacherOnce = false) const;
};

struct ProbeOptions {
    int threads = 1;
    bool bf16 = false;
    /// Time at least this long (after one warm-up step), at most maxSteps steps.
    double minSeconds = 0.5;
    int maxSteps = 8;
};

/// Measures net on random images of shape {channels, height, width} in batches of batch
/// (the teacher, if given, on the same batches, in its own input shape). Returns zeros when
/// stop becomes true. Throws tleg::Error when the shape does not fit the network.
SpeedProbe probeSpeed(model::ClassifierImpl& net, const std::vector<int64_t>& imageShape,
                      int64_t batch, const ProbeOptions& options, Teacher* teacher = nullptr,
                      const std::atomic<bool>* stop = nullptr);

} // namespace tleg::train
