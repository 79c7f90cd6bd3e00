#include "kernels/parallel_threads.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>

namespace tleg::kernels {

int parallelForThreads()
{
    std::mutex mutex;
    std::set<std::thread::id> ids;
    const int64_t chunks = 64 * std::max(1, at::get_num_threads());
    at::parallel_for(0, chunks, 1, [&](int64_t, int64_t) {
        const std::lock_guard<std::mutex> lock(mutex);
        ids.insert(std::this_thread::get_id());
    });
    return static_cast<int>(ids.size());
}

} // namespace tleg::kernels
