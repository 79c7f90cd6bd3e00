#pragma once
// Shared by the libFuzzer harnesses: turning fuzz bytes into the files the readers take, and
// running a reader so that its only allowed failure is tleg::Error (one clear message).
// Anything else escaping (std::bad_alloc, nlohmann or LibTorch exceptions, a crash, a
// sanitizer report, a timeout) is a finding.
// Usage:
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* d, size_t n) {
//       fuzz::TempDir dir;  dir.write("model.safetensors", fuzz::bytes(d, n));
//       fuzz::expectOnlyError([&] { tleg::io::readSafetensors(dir.path("model.safetensors")); });
//       return 0; }
#include "util/error.h"

#include <c10/util/Exception.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace fuzz {

inline std::string bytes(const uint8_t* data, size_t size)
{
    return std::string(reinterpret_cast<const char*>(data), size);
}

/// Splits input at separator lines "\n--8<--\n" into at most count parts (missing parts are
/// empty), so one input can carry several files.
inline std::vector<std::string> parts(const std::string& input, size_t count)
{
    static const std::string sep = "\n--8<--\n";
    std::vector<std::string> out;
    size_t start = 0;
    while (out.size() + 1 < count) {
        const size_t at = input.find(sep, start);
        if (at == std::string::npos)
            break;
        out.push_back(input.substr(start, at - start));
        start = at + sep.size();
    }
    out.push_back(input.substr(std::min(start, input.size())));
    out.resize(count);
    return out;
}

/// A fresh folder under $TMPDIR (or /dev/shm), removed with everything in it.
class TempDir {
public:
    TempDir()
    {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base ? base : "/dev/shm") + "/tleg-fuzz-XXXXXX";
        if (!::mkdtemp(pattern.data()))
            std::abort(); // not the input's fault: the harness cannot run
        m_path = pattern;
    }
    ~TempDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string path(const std::string& name = {}) const
    {
        return name.empty() ? m_path : m_path + "/" + name;
    }
    /// Writes text to path(name), creating the folders on the way.
    std::string write(const std::string& name, const std::string& text) const
    {
        const std::filesystem::path p(path(name));
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
        return p.string();
    }

private:
    std::string m_path;
};

/// Runs f; a tleg::Error is the expected refusal of a bad input. Every other exception is a
/// finding: the reader let through something it should have named.
template <class F> void expectOnlyError(F&& f)
{
    try {
        f();
    } catch (const tleg::Error&) {
    } catch (const c10::Error& e) {
        std::fprintf(stderr, "LibTorch error escaped: %s\n", e.what_without_backtrace());
        std::abort();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "non-tleg exception escaped: %s\n", e.what());
        std::abort();
    }
}

} // namespace fuzz
