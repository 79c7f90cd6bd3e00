#pragma once
// What the core tests share (GoogleTest, no Qt): a temporary folder, whole-file reads and writes,
// running the tleg CLI, checking a tleg::Error's message, and Qt Test's rule for comparing floats.
//   tleg::testing::TempDir dir;                          // removed, with its contents, at the end
//   const std::string path = dir.filePath("model.safetensors");
//   const auto r = tleg::testing::runCli({"info", path}, 60000); // exit code and output
//   ASSERT_EQ(tleg::testing::expectError([&] { load(path); }, {path, "truncated"}), "");
//   ASSERT_FUZZY_EQ(top1, 12.5);                         // what QCOMPARE did for float and double
#include "util/error.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <system_error>
#include <type_traits>
#include <vector>

namespace tleg::testing {

/// A fresh folder under $TMPDIR (or /tmp), removed with everything in it when this goes.
class TempDir {
public:
    TempDir()
    {
        const char* base = std::getenv("TMPDIR");
        std::string name = std::string(base && *base ? base : "/tmp") + "/tleg-test-XXXXXX";
        if (::mkdtemp(name.data()))
            m_path = name;
    }
    ~TempDir()
    {
        std::error_code ignored;
        if (!m_path.empty())
            std::filesystem::remove_all(m_path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    /// False when the folder could not be made (path() is then empty).
    bool isValid() const { return !m_path.empty(); }
    const std::string& path() const { return m_path; }
    std::string filePath(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

/// The whole file as bytes; empty when it cannot be read.
inline std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Writes bytes to a new file in place of any old one; false on any error.
inline bool writeFile(const std::string& path, const std::string& bytes)
{
    // A fresh file rather than a truncated one: ext4 flushes truncated files on close, which
    // makes tests that rewrite one file many times slow.
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    return static_cast<bool>(out);
}

/// The lines of text, without the empty ones (Qt's split('\n', Qt::SkipEmptyParts)).
inline std::vector<std::string> nonEmptyLines(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            lines.push_back(line);
    return lines;
}

inline bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

inline bool endsWith(const std::string& text, const std::string& suffix)
{
    return text.size() >= suffix.size()
           && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct ProcessResult {
    bool finished = false; // false: still running at the timeout, and killed
    int exitCode = -1;     // -1 unless it exited normally
    std::string out;       // stdout, or stdout and stderr interleaved when merged
    std::string err;       // stderr when not merged
};

/// Runs argv[0] (a path, no shell) with argv, waits up to timeoutMs and collects its output.
inline ProcessResult runProcess(const std::vector<std::string>& argv, int timeoutMs,
                                bool mergeChannels)
{
    ProcessResult result;
    int outPipe[2], errPipe[2];
    if (argv.empty() || ::pipe2(outPipe, O_CLOEXEC) != 0)
        return result;
    if (::pipe2(errPipe, O_CLOEXEC) != 0) {
        ::close(outPipe[0]);
        ::close(outPipe[1]);
        return result;
    }
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(outPipe[1], STDOUT_FILENO);
        ::dup2(mergeChannels ? outPipe[1] : errPipe[1], STDERR_FILENO);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ::close(outPipe[1]);
    ::close(errPipe[1]);
    if (pid < 0) {
        ::close(outPipe[0]);
        ::close(errPipe[0]);
        return result;
    }

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open = 2;
    bool timedOut = false;
    while (open > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timedOut = true;
            break;
        }
        const int ready = ::poll(fds, 2, static_cast<int>(left.count()));
        if (ready < 0 && errno != EINTR)
            break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char buffer[65536];
            const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                sinks[i]->append(buffer, static_cast<size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open;
            }
        }
    }
    if (timedOut)
        ::kill(pid, SIGKILL);
    for (const auto& f : fds)
        if (f.fd >= 0)
            ::close(f.fd);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.finished = !timedOut;
    if (result.finished && WIFEXITED(status))
        result.exitCode = WEXITSTATUS(status);
    return result;
}

/// The tleg CLI of this build: $TLEG_CLI_PATH, which CTest sets; run by hand, app/tleg of the
/// build folder this test sits in (<build>/tests/test_x). Not a compile definition: the path
/// differs between build folders, and so would the object, which ccache could then not share.
inline std::string cliPath()
{
    if (const char* path = std::getenv("TLEG_CLI_PATH"); path && *path)
        return path;
    std::error_code ignored;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ignored);
    return (self.parent_path().parent_path() / "app" / "tleg").string();
}

/// The tleg CLI of this build with args; stdout and stderr merged unless asked.
inline ProcessResult runCli(const std::vector<std::string>& args, int timeoutMs,
                            bool mergeChannels = true)
{
    std::vector<std::string> argv{cliPath()};
    argv.insert(argv.end(), args.begin(), args.end());
    return runProcess(argv, timeoutMs, mergeChannels);
}

/// Empty when f threw tleg::Error containing every needle; otherwise what went wrong.
template <typename F> std::string expectError(F f, const std::vector<std::string>& needles)
{
    try {
        f();
    } catch (const tleg::Error& e) {
        const std::string what = e.what();
        for (const auto& needle : needles) {
            if (what.find(needle) == std::string::npos)
                return "message '" + what + "' lacks '" + needle + "'";
        }
        return {};
    } catch (const std::exception& e) {
        return std::string("wrong exception type: ") + e.what();
    }
    return "no exception thrown";
}

/// Qt Test's QCOMPARE for float and double, kept so that no tolerance changed with the move to
/// GoogleTest: relative 1e-12 (double) or 1e-5 (float); an expected zero (or subnormal) needs
/// |actual| <= 1e-12 (1e-5); infinities and NaN must match in kind.
template <typename T> bool qtFuzzyEqual(T actual, T expected)
{
    static_assert(std::is_floating_point_v<T>);
    constexpr bool single = std::is_same_v<T, float>;
    const T null = single ? T(0.00001f) : T(0.000000000001);  // qFuzzyIsNull
    const T scale = single ? T(100000.f) : T(1000000000000.); // qFuzzyCompare
    switch (std::fpclassify(expected)) {
    case FP_INFINITE:
        return (expected < 0) == (actual < 0) && std::isinf(actual);
    case FP_NAN:
        return std::isnan(actual);
    case FP_ZERO:
    case FP_SUBNORMAL:
        return std::abs(actual) <= null;
    default:
        if (std::abs(expected) <= null)
            return std::abs(actual) <= null;
        return std::abs(actual - expected) * scale
               <= std::min(std::abs(actual), std::abs(expected));
    }
}

template <typename T>
::testing::AssertionResult fuzzyEqual(const char* actualText, const char* expectedText, T actual,
                                      T expected)
{
    if (qtFuzzyEqual(actual, expected))
        return ::testing::AssertionSuccess();
    std::ostringstream message;
    message.precision(std::is_same_v<T, float> ? 9 : 17);
    message << actualText << " is " << actual << ", expected " << expectedText << " = " << expected
            << " (Qt's fuzzy compare)";
    return ::testing::AssertionFailure() << message.str();
}

} // namespace tleg::testing

/// QCOMPARE(actual, expected) for two floats or two doubles.
#define ASSERT_FUZZY_EQ(actual, expected)                                                          \
    ASSERT_PRED_FORMAT2(::tleg::testing::fuzzyEqual, actual, expected)
