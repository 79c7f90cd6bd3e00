#pragma once
// A CPU allocator for LibTorch that keeps freed large blocks for the next allocation of the same
// size, while a job that wants it runs (a Scope: training, evaluation). A training step allocates the same big tensors every time; glibc serves blocks over
// 32 MiB (its largest mmap threshold) with a fresh mmap, and every page of those is faulted in
// again on each step: at 224 px (ViT-S teacher, batch 64) that was 13 % of a step on a 2-core
// VM. Blocks of 1 MiB and more are cached (sizes rounded up to 256 KiB), up to a cap, while at
// least one Scope is alive; when the last one ends the cache is emptied and blocks freed later
// go straight back, so an idle studio holds nothing. Smaller blocks go straight to LibTorch's
// own allocation functions. Not used under AddressSanitizer (it would hide use-after-free of
// cached blocks) or with TLEG_CPU_BLOCK_CACHE=0.
// Usage:
//   { util::CpuBlockCache::Scope cache;  ...train...  }   // cached blocks given back at the end
//   auto s = util::CpuBlockCache::stats();                 // hits, misses, bytes held
#include <cstddef>
#include <cstdint>

namespace tleg::util {

class CpuBlockCache {
public:
    struct Stats {
        int64_t hits = 0, misses = 0;
        size_t cachedBytes = 0; // freed blocks held for reuse
        size_t capBytes = 0;
        bool installed = false;
    };
    /// Makes the cache LibTorch's CPU allocator (idempotent, thread-safe). False when it is off
    /// (sanitizer build, TLEG_CPU_BLOCK_CACHE=0).
    static bool install();
    /// Frees every cached block (blocks in use are untouched).
    static void release();
    static Stats stats();

    /// Installs the cache and keeps freed blocks while alive; the last Scope to end releases
    /// them. Nests, and may live on any thread.
    class Scope {
    public:
        Scope();
        ~Scope();
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;
    };
};

} // namespace tleg::util
