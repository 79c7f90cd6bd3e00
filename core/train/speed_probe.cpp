#include "train/speed_probe.h"

#include "model/bf16_scope.h"
#include "train/loss.h"
#include "train/optimizer.h"
#include "train/step_threads.h"
#include "train/trainer.h"
#include "util/error.h"

#include <chrono>
#include <memory>

namespace tleg::train {
namespace {

using Clock = std::chrono::steady_clock;

bool stopped(const std::atomic<bool>* stop)
{
    return stop && stop->load();
}

/// Images per second of f(batch), after one untimed call (allocations, kernels chosen).
template <class F>
double imagesPerSecond(F&& f, int64_t batch, const ProbeOptions& o, const std::atomic<bool>* stop)
{
    f();
    int steps = 0;
    const auto start = Clock::now();
    double seconds = 0;
    while (!stopped(stop) && steps < o.maxSteps && (steps == 0 || seconds < o.minSeconds)) {
        f();
        ++steps;
        seconds = std::chrono::duration<double>(Clock::now() - start).count();
    }
    return stopped(stop) || seconds <= 0 ? 0.0 : double(steps * batch) / seconds;
}

} // namespace

double SpeedProbe::estimateSeconds(int64_t epochs, int64_t trainImages, int64_t testImages,
                                   bool teacherOnce) const
{
    if (trainImagesPerSecond <= 0 || evalImagesPerSecond <= 0)
        return 0;
    double perEpoch = double(trainImages) / trainImagesPerSecond
                      + double(testImages) / evalImagesPerSecond;
    double seconds = double(epochs) * perEpoch;
    if (teacherImagesPerSecond > 0)
        seconds += double(teacherOnce ? 1 : epochs) * double(trainImages) / teacherImagesPerSecond;
    return seconds;
}

SpeedProbe probeSpeed(model::ClassifierImpl& net, const std::vector<int64_t>& imageShape,
                      int64_t batch, const ProbeOptions& o, Teacher* teacher,
                      const std::atomic<bool>* stop)
{
    if (imageShape.size() != 3 || batch <= 0)
        throw Error("speed probe: an image shape {channels, height, width} and a batch are "
                    "needed");
    applyThreads(o.threads);
    torch::manual_seed(0);
    std::vector<int64_t> shape{batch};
    shape.insert(shape.end(), imageShape.begin(), imageShape.end());
    const torch::Tensor images = torch::randn(shape);
    model::Bf16Scope bf16(o.bf16);
    SpeedProbe p;
    torch::Tensor labels;
    {
        torch::NoGradGuard noGrad;
        net.eval();
        const torch::Tensor logits = net.forward(images);
        labels = torch::randint(logits.size(1), {batch}, torch::kLong);
        p.evalImagesPerSecond = imagesPerSecond([&] { net.forward(images); }, batch, o, stop);
    }
    net.train();
    AdamW optimizer(net.named_parameters(), {});
    // As the trainer runs a step: split by images across the threads when it would be.
    const int parts = stepParts(at::get_num_threads(), batch);
    std::unique_ptr<StepThreads> pool;
    std::vector<torch::Tensor> trainable;
    if (parts > 1) {
        pool = std::make_unique<StepThreads>(parts);
        for (const auto& t : net.parameters())
            if (t.requires_grad())
                trainable.push_back(t);
    }
    auto slice = [&](const torch::Tensor& all, int part) {
        const auto [from, rows] = sliceRows(batch, parts, part);
        return all.narrow(0, from, rows);
    };
    p.trainImagesPerSecond = imagesPerSecond(
        [&] {
            if (!pool) {
                const torch::Tensor loss = crossEntropy(net.forward(images), labels);
                loss.backward();
            } else {
                std::vector<std::vector<torch::Tensor>> grads(static_cast<size_t>(parts));
                pool->run([&](int part) {
                    model::Bf16Scope precision(o.bf16);
                    const torch::Tensor loss =
                        crossEntropy(net.forward(slice(images, part)), slice(labels, part));
                    grads[size_t(part)] =
                        torch::autograd::grad({loss}, trainable, {}, false, false, true);
                });
                sumSliceGradients(trainable, grads);
            }
            optimizer.step(1e-4);
            optimizer.zeroGrad();
        },
        batch, o, stop);
    if (teacher) {
        const auto& in = teacher->input();
        std::vector<int64_t> teacherShape{batch, in.channels > 0 ? in.channels : imageShape[0],
                                          in.imageSize > 0 ? in.imageSize : imageShape[1],
                                          in.imageSize > 0 ? in.imageSize : imageShape[2]};
        const torch::Tensor teacherImages = torch::randn(teacherShape);
        torch::NoGradGuard noGrad;
        p.teacherImagesPerSecond = imagesPerSecond(
            [&] {
                if (!pool)
                    teacher->logits(teacherImages);
                else
                    pool->run([&](int part) {
                        torch::NoGradGuard sliceNoGrad; // grad mode and precision: per thread
                        model::Bf16Scope precision(o.bf16);
                        teacher->logits(slice(teacherImages, part));
                    });
            },
            batch, o, stop);
    }
    if (stopped(stop))
        return {};
    return p;
}

} // namespace tleg::train
