#include "train/step_threads.h"

#include <ATen/Parallel.h>

#include <algorithm>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace tleg::train {

namespace {

constexpr int64_t kMinImagesPerPart = 8;

/// LibTorch gives each thread its global thread count the first time the thread asks for it
/// (at::internal::lazy_init_num_threads, inline, so in its copy and in ours): ask now, so that
/// a count set afterwards is not overwritten later.
void initLibTorchThreads()
{
    at::internal::lazy_init_num_threads();
    (void)at::get_num_threads();
}

/// This thread's OpenMP team size for the scope: LibTorch, oneDNN and our kernels all ask
/// omp_get_max_threads(), a per-thread setting.
class OneOpenMpThread {
public:
    OneOpenMpThread()
    {
#ifdef _OPENMP
        initLibTorchThreads();
        m_before = omp_get_max_threads();
        omp_set_num_threads(1);
#endif
    }
    ~OneOpenMpThread()
    {
#ifdef _OPENMP
        omp_set_num_threads(m_before);
#endif
    }
    OneOpenMpThread(const OneOpenMpThread&) = delete;
    OneOpenMpThread& operator=(const OneOpenMpThread&) = delete;

private:
    int m_before = 1;
};

} // namespace

int stepParts(int threads, int64_t batch)
{
#ifdef _OPENMP
    const int64_t parts = std::min<int64_t>(threads, batch / kMinImagesPerPart);
    return static_cast<int>(std::max<int64_t>(1, parts));
#else
    // Without OpenMP in our build the workers' thread count cannot be set apart from the
    // caller's: every part would start LibTorch's full team.
    (void)threads;
    (void)batch;
    return 1;
#endif
}

SliceRows sliceRows(int64_t n, int parts, int part)
{
    const int64_t from = n * part / parts;
    return {from, n * (part + 1) / parts - from};
}

void sumSliceGradients(const std::vector<torch::Tensor>& params,
                       const std::vector<std::vector<torch::Tensor>>& grads)
{
    torch::NoGradGuard noGrad;
    for (size_t j = 0; j < params.size(); ++j) {
        torch::Tensor& grad = params[j].mutable_grad();
        bool first = true;
        for (const auto& slice : grads) {
            if (slice.empty() || !slice[j].defined())
                continue;
            if (!first)
                grad.add_(slice[j]);
            else if (grad.defined())
                grad.copy_(slice[j]);
            else
                grad = slice[j].clone();
            first = false;
        }
    }
}

StepThreads::StepThreads(int parts) : m_parts(std::max(1, parts))
{
    m_errors.resize(size_t(m_parts));
    for (int p = 1; p < m_parts; ++p)
        m_threads.emplace_back([this, p] { work(p); });
}

StepThreads::~StepThreads()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_quit = true;
    }
    m_start.notify_all();
    for (auto& t : m_threads)
        t.join();
}

void StepThreads::run(const std::function<void(int)>& fn)
{
    std::fill(m_errors.begin(), m_errors.end(), nullptr);
    if (m_parts > 1) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_fn = &fn;
        m_pending = m_parts - 1;
        ++m_generation;
    }
    m_start.notify_all();
    try {
        OneOpenMpThread one;
        fn(0);
    } catch (...) {
        m_errors[0] = std::current_exception();
    }
    if (m_parts > 1) {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_done.wait(lock, [this] { return m_pending == 0; });
        m_fn = nullptr;
    }
    for (auto& e : m_errors)
        if (e)
            std::rethrow_exception(e);
}

void StepThreads::work(int part)
{
    initLibTorchThreads(); // then this thread's team is one thread for good
#ifdef _OPENMP
    omp_set_num_threads(1);
#endif
    uint64_t seen = 0;
    for (;;) {
        const std::function<void(int)>* fn = nullptr;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_start.wait(lock, [&] { return m_quit || m_generation != seen; });
            if (m_quit)
                return;
            seen = m_generation;
            fn = m_fn;
        }
        try {
            (*fn)(part);
        } catch (...) {
            m_errors[size_t(part)] = std::current_exception();
        }
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            --m_pending;
        }
        m_done.notify_one();
    }
}

} // namespace tleg::train
