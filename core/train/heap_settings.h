#pragma once
// Internal to train/: glibc's malloc settings for training and evaluation (trainer.cpp,
// evaluate.cpp).
#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace tleg::train {

/// Large tensors are freed and allocated again every step. glibc serves blocks above its mmap
/// threshold with fresh mappings that the kernel must zero and fault in each time; keeping them
/// on the heap instead removes that cost (a steady state, so memory stays flat across epochs).
/// Blocks above 32 MiB, glibc's largest threshold (224-px activations), are kept by
/// util::CpuBlockCache while train() and evaluate() run (their CpuBlockCache::Scope).
inline void keepLargeAllocationsOnTheHeap()
{
#if defined(__GLIBC__)
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);  // glibc's largest allowed threshold
        mallopt(M_TRIM_THRESHOLD, 128 * 1024 * 1024); // a steady step's free space stays
    });
#endif
}

} // namespace tleg::train
