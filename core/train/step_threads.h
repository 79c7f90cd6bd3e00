#pragma once
// A training step split across threads by images instead of
// inside each operation (train/trainer.cpp; the bench times its GEMMs the same way).
//
// At Fashion-MNIST's size (17 tokens, width 64) a step is a few hundred small operations, and a
// second intra-op thread gains nothing: each operation's parallel region costs about as much
// to start as it saves (`tleg bench`: the fast path 5,036 images/s on 1 thread, 4,781 on 2).
// Split instead, each thread runs the forward and backward of its own slice of the batch with
// one OpenMP thread of its own, and the slices' gradients are summed in a fixed order, so a
// step gives the same result on every run.
// Usage:
//   StepThreads threads(stepParts(at::get_num_threads(), batch, tokens));
//   threads.run([&](int part) { ...slice `part` of threads.parts()... });
#include <torch/types.h>

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tleg::train {

/// How many slices a step of `batch` images should be split into with `threads` intra-op
/// threads: 1 (no split) for one thread, for a build without OpenMP, or when a slice would
/// hold fewer than 8 images.
int stepParts(int threads, int64_t batch);

/// Slice `part` of `parts` over n rows: rows [from, from + count), as even as integers allow.
struct SliceRows {
    int64_t from, count;
};
SliceRows sliceRows(int64_t n, int parts, int part);

/// Sums the slices' gradients (grads[slice][param]; undefined, or a slice's list empty, where
/// a slice did not reach the parameter) into each parameter's .grad, replacing what it held.
/// The sum runs in slice order, so it does not depend on which thread finished first. A
/// parameter that no slice reached keeps its .grad. Without autograd recording.
void sumSliceGradients(const std::vector<torch::Tensor>& params,
                       const std::vector<std::vector<torch::Tensor>>& grads);

/// parts - 1 worker threads beside the calling one; each worker has one OpenMP thread.
class StepThreads {
public:
    explicit StepThreads(int parts);
    ~StepThreads();
    StepThreads(const StepThreads&) = delete;
    StepThreads& operator=(const StepThreads&) = delete;

    int parts() const { return m_parts; }

    /// fn(0) .. fn(parts - 1) at once, fn(0) on the calling thread (with one OpenMP thread for
    /// the time of the call). Returns when every part is done; then rethrows the exception of
    /// the lowest part that threw, if any.
    void run(const std::function<void(int)>& fn);

private:
    void work(int part);

    int m_parts;
    std::vector<std::thread> m_threads;
    std::mutex m_mutex;
    std::condition_variable m_start, m_done;
    const std::function<void(int)>* m_fn = nullptr;
    uint64_t m_generation = 0;
    int m_pending = 0;
    bool m_quit = false;
    std::vector<std::exception_ptr> m_errors;
};

} // namespace tleg::train
