#include "train/trainer.h"

#include "train/heap_settings.h"
#include "train/loss.h"
#include "train/teacher_input.h"
#include "util/cpu_block_cache.h"

#include <functional>

namespace tleg::train {

namespace {

/// Top-1 / top-5 and cross-entropy of forward's logits over d, normalised with norm.
EvalResult evaluateWith(const std::function<torch::Tensor(const torch::Tensor&)>& forward,
                        const data::Dataset& d, const data::Normalization& norm,
                        int64_t batchSize, const std::atomic<bool>* stop,
                        dist::World* world)
{
    torch::NoGradGuard guard;
    keepLargeAllocationsOnTheHeap();
    const util::CpuBlockCache::Scope blockCache;
    data::LoaderOptions lo;
    lo.batchSize = batchSize;
    lo.shuffle = false;
    lo.augment = false;
    lo.norm = norm;
    if (world) {
        lo.shardIndex = world->rank();
        lo.shardCount = world->size();
    }
    data::BatchLoader loader(d, lo);
    loader.startEpoch(0);
    EvalResult r;
    double lossSum = 0;
    int64_t top1 = 0, top5 = 0;
    data::Batch b;
    while (loader.next(b)) {
        if (stop && stop->load())
            break;
        if (b.labels.size(0) == 0)
            continue; // this rank's part of a batch smaller than the world
        auto logits = forward(b.images).to(torch::kFloat);
        const int64_t n = b.labels.size(0);
        lossSum += crossEntropy(logits, b.labels).item<double>() * static_cast<double>(n);
        const int64_t k = std::min<int64_t>(5, logits.size(1));
        auto topk = std::get<1>(logits.topk(k, 1));                     // [B, k]
        auto hit = topk.eq(b.labels.unsqueeze(1));                       // [B, k]
        top1 += hit.select(1, 0).sum().item<int64_t>();
        top5 += hit.any(1).sum().item<int64_t>();
        r.count += n;
    }
    if (world) {
        std::vector<torch::Tensor> sums{
            torch::tensor({lossSum, double(top1), double(top5), double(r.count)}, torch::kDouble)};
        world->allReduceSum(sums, "the evaluation");
        const double* s = sums[0].data_ptr<double>();
        lossSum = s[0];
        top1 = static_cast<int64_t>(s[1]);
        top5 = static_cast<int64_t>(s[2]);
        r.count = static_cast<int64_t>(s[3]);
    }
    if (r.count > 0) {
        r.loss = lossSum / static_cast<double>(r.count);
        r.top1 = 100.0 * static_cast<double>(top1) / static_cast<double>(r.count);
        r.top5 = 100.0 * static_cast<double>(top5) / static_cast<double>(r.count);
    }
    return r;
}

} // namespace

EvalResult evaluate(model::ClassifierImpl& model, const data::Dataset& d,
                    const data::Normalization& norm, int64_t batchSize,
                    const std::atomic<bool>* stop, dist::World* world)
{
    const bool wasTraining = model.is_training();
    model.eval();
    const EvalResult r = evaluateWith([&model](const torch::Tensor& x) { return model.forward(x); },
                                      d, norm, batchSize, stop, world);
    model.train(wasTraining);
    return r;
}

EvalResult evaluateTeacher(Teacher& teacher, const data::Dataset& d,
                           const data::Normalization& norm, int64_t batchSize,
                           const std::atomic<bool>* stop)
{
    TeacherFeed feed(&teacher, studentInput(d, norm));
    return evaluateWith([&feed](const torch::Tensor& x) { return feed.logits(x); }, d, norm,
                        batchSize, stop, nullptr);
}

} // namespace tleg::train
