#include "util/cpu_block_cache.h"

#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define TLEG_NO_BLOCK_CACHE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TLEG_NO_BLOCK_CACHE 1
#endif
#endif

namespace tleg::util {

namespace {

/// A quarter of the memory, at most 4 GiB: what may sit cached while not in use.
size_t defaultCap()
{
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    const size_t total = pages > 0 && page > 0 ? size_t(pages) * size_t(page) : size_t(8) << 30;
    return std::min(total / 4, size_t(4) << 30);
}

class Cache {
public:
    void* take(size_t size)
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            auto it = m_free.find(size);
            if (it != m_free.end() && !it->second.empty()) {
                void* p = it->second.back();
                it->second.pop_back();
                m_cached -= size;
                m_live[p] = size;
                ++m_hits;
                return p;
            }
            ++m_misses;
        }
        void* p = c10::alloc_cpu(size);
        std::lock_guard<std::mutex> lock(m_mutex);
        m_live[p] = size;
        return p;
    }

    /// Back into the cache (or freed when the cap is reached); false for a block not from take().
    bool give(void* p)
    {
        size_t size = 0;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            auto it = m_live.find(p);
            if (it == m_live.end())
                return false;
            size = it->second;
            m_live.erase(it);
            if (m_scopes > 0 && m_cached + size <= m_cap) {
                m_free[size].push_back(p);
                m_cached += size;
                return true;
            }
        }
        c10::free_cpu(p);
        return true;
    }

    void enter()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        ++m_scopes;
    }

    /// The last scope to leave empties the cache.
    void leave()
    {
        bool last = false;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            last = --m_scopes == 0;
        }
        if (last)
            release();
    }

    void release()
    {
        std::map<size_t, std::vector<void*>> blocks;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            blocks.swap(m_free);
            m_cached = 0;
        }
        for (auto& [size, list] : blocks)
            for (void* p : list)
                c10::free_cpu(p);
    }

    CpuBlockCache::Stats stats()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        CpuBlockCache::Stats s;
        s.hits = m_hits;
        s.misses = m_misses;
        s.cachedBytes = m_cached;
        s.capBytes = m_cap;
        return s;
    }

private:
    std::mutex m_mutex;
    std::map<size_t, std::vector<void*>> m_free;
    std::unordered_map<void*, size_t> m_live;
    size_t m_cached = 0;
    size_t m_cap = defaultCap();
    int m_scopes = 0;
    int64_t m_hits = 0, m_misses = 0;
};

Cache& cache()
{
    static Cache* c = new Cache; // never destroyed: tensors may be freed during exit
    return *c;
}

#ifndef TLEG_NO_BLOCK_CACHE
constexpr size_t kMinCached = size_t(1) << 20; // 1 MiB
constexpr size_t kGranule = size_t(256) << 10; // 256 KiB

size_t roundUp(size_t n)
{
    return (n + kGranule - 1) / kGranule * kGranule;
}

void freeBlock(void* p)
{
    if (!cache().give(p))
        c10::free_cpu(p);
}

class BlockCacheAllocator final : public c10::Allocator {
public:
    c10::DataPtr allocate(size_t n) const override
    {
        if (n < kMinCached) {
            void* p = c10::alloc_cpu(n);
            return {p, p, &c10::free_cpu, c10::Device(c10::DeviceType::CPU)};
        }
        void* p = cache().take(roundUp(n));
        return {p, p, &freeBlock, c10::Device(c10::DeviceType::CPU)};
    }
    c10::DeleterFnPtr raw_deleter() const override { return &freeBlock; }
};

std::once_flag g_installOnce;
#endif
bool g_installed = false;

} // namespace

bool CpuBlockCache::install()
{
#ifdef TLEG_NO_BLOCK_CACHE
    return false;
#else
    std::call_once(g_installOnce, [] {
        const char* env = std::getenv("TLEG_CPU_BLOCK_CACHE");
        if (env && std::strcmp(env, "0") == 0)
            return;
        static BlockCacheAllocator allocator;
        // Above the default allocator's priority 0, so that it stays in place.
        c10::SetCPUAllocator(&allocator, /*priority=*/1);
        g_installed = true;
    });
    return g_installed;
#endif
}

void CpuBlockCache::release()
{
    cache().release();
}

CpuBlockCache::Scope::Scope()
{
    install();
    cache().enter();
}

CpuBlockCache::Scope::~Scope()
{
    cache().leave();
}

CpuBlockCache::Stats CpuBlockCache::stats()
{
    auto s = cache().stats();
    s.installed = g_installed;
    return s;
}

} // namespace tleg::util
