// The local launcher: fork/exec of /proc/self/exe per rank, signals passed on once, and every
// worker reaped or killed before it returns.
#include "dist/local_launcher.h"

#include "util/error.h"

#include <arpa/inet.h>
#include <csignal>
#include <cstring>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <atomic>
#include <cerrno>

extern char** environ;

namespace tleg::dist {

namespace {

constexpr int kMaxWorkers = 1024;
pid_t g_workers[kMaxWorkers]; // read by the signal handler
std::atomic<int> g_workerCount{0};

extern "C" void passOn(int sig)
{
    const int n = g_workerCount.load();
    for (int i = 0; i < n; ++i)
        if (g_workers[i] > 0)
            ::kill(g_workers[i], sig);
}

/// The launcher's variables replace any of the same name in this environment.
std::vector<std::string> workerEnvironment(int rank, int size, int port)
{
    static const char* const ours[] = {"RANK=",
                                       "LOCAL_RANK=",
                                       "WORLD_SIZE=",
                                       "LOCAL_WORLD_SIZE=",
                                       "MASTER_ADDR=",
                                       "MASTER_PORT=",
                                       "TORCHELASTIC_USE_AGENT_STORE=",
                                       "GROUP_RANK="};
    std::vector<std::string> out;
    for (char** e = environ; e && *e; ++e) {
        const std::string kv = *e;
        bool replaced = false;
        for (const char* p : ours)
            replaced = replaced || kv.rfind(p, 0) == 0;
        if (!replaced)
            out.push_back(kv);
    }
    out.push_back("RANK=" + std::to_string(rank));
    out.push_back("LOCAL_RANK=" + std::to_string(rank));
    out.push_back("GROUP_RANK=0");
    out.push_back("WORLD_SIZE=" + std::to_string(size));
    out.push_back("LOCAL_WORLD_SIZE=" + std::to_string(size));
    out.push_back("MASTER_ADDR=127.0.0.1");
    out.push_back("MASTER_PORT=" + std::to_string(port));
    return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings)
{
    std::vector<char*> out;
    for (auto& s : strings)
        out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

pid_t startWorker(const LocalLaunch& l, int rank, int port)
{
    std::vector<std::string> args = l.args;
    std::vector<std::string> env = workerEnvironment(rank, l.processes, port);
    std::vector<char*> argv = pointers(args);
    std::vector<char*> envp = pointers(env);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {      // only async-signal-safe calls until exec
        ::setpgid(0, 0); // Ctrl-C reaches the launcher, which passes it on exactly once
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(1); // the launcher died before prctl took effect
        ::signal(SIGINT, SIG_DFL);
        ::signal(SIGTERM, SIG_DFL);
        ::execve(l.executable.c_str(), argv.data(), envp.data());
        ::_exit(127);
    }
    if (pid < 0)
        throw Error("--nproc: cannot start worker " + std::to_string(rank) + ": "
                    + std::strerror(errno));
    return pid;
}

std::string describe(int rank, int status)
{
    if (WIFSIGNALED(status))
        return "worker " + std::to_string(rank) + " was killed by signal "
               + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
    return "worker " + std::to_string(rank) + " ended with exit code "
           + std::to_string(WEXITSTATUS(status));
}

/// The launcher's exit code for one worker's status.
int codeOf(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return WTERMSIG(status) == SIGINT ? 130 : 1;
}

/// Waits for every worker; after the first failure the others get grace, then SIGTERM, then
/// grace again, then SIGKILL.
int reap(const LocalLaunch& l, std::vector<pid_t>& pids,
         const std::function<void(const std::string&)>& say)
{
    using Clock = std::chrono::steady_clock;
    int result = 0, running = static_cast<int>(pids.size()), escalation = 0;
    Clock::time_point failedAt{};
    while (running > 0) {
        for (size_t r = 0; r < pids.size(); ++r) {
            int status = 0;
            if (pids[r] <= 0 || ::waitpid(pids[r], &status, WNOHANG) != pids[r])
                continue;
            pids[r] = -1;
            g_workers[r] = -1;
            --running;
            const int code = codeOf(status);
            if (code != 0 && code != 130 && say)
                say(describe(static_cast<int>(r), status));
            if (code != 0 && (result == 0 || result == 130)) {
                result = code;
                failedAt = Clock::now();
            }
        }
        if (result != 0 && running > 0 && Clock::now() - failedAt > l.grace * (escalation + 1)
            && escalation < 2) {
            ++escalation;
            for (pid_t p : pids)
                if (p > 0)
                    ::kill(p, escalation == 1 ? SIGTERM : SIGKILL);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return result;
}

} // namespace

int freeLocalPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw Error(std::string("--nproc: cannot open a socket: ") + std::strerror(errno));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0
                    && ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    ::close(fd);
    if (!ok)
        throw Error(std::string("--nproc: no free port on 127.0.0.1: ") + std::strerror(errno));
    return ntohs(a.sin_port);
}

int runLocalWorkers(const LocalLaunch& l, const std::function<void(const std::string&)>& say)
{
    if (l.processes < 1 || l.processes > kMaxWorkers)
        throw Error("--nproc must be between 1 and " + std::to_string(kMaxWorkers) + ", got "
                    + std::to_string(l.processes));
    const int port = freeLocalPort();
    struct sigaction pass {
    }, oldInt{}, oldTerm{};
    pass.sa_handler = passOn;
    sigemptyset(&pass.sa_mask);
    ::sigaction(SIGINT, &pass, &oldInt);
    ::sigaction(SIGTERM, &pass, &oldTerm);
    std::vector<pid_t> pids;
    try {
        for (int r = 0; r < l.processes; ++r) {
            pids.push_back(startWorker(l, r, port));
            g_workers[r] = pids.back();
            g_workerCount.store(r + 1);
        }
    } catch (...) {
        for (pid_t p : pids)
            ::kill(p, SIGKILL);
        for (pid_t p : pids)
            ::waitpid(p, nullptr, 0);
        g_workerCount.store(0);
        ::sigaction(SIGINT, &oldInt, nullptr);
        ::sigaction(SIGTERM, &oldTerm, nullptr);
        throw;
    }
    const int code = reap(l, pids, say);
    g_workerCount.store(0);
    ::sigaction(SIGINT, &oldInt, nullptr);
    ::sigaction(SIGTERM, &oldTerm, nullptr);
    return code;
}

} // namespace tleg::dist
