#include "bench/reference_process.h"

#include "util/error.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tleg::bench {

ReferenceProcess::ReferenceProcess(const std::string& python, const std::string& script,
                                   const std::vector<std::string>& extraEnv)
    : m_script(script)
{
    if (access(script.c_str(), R_OK) != 0)
        throw fileError(script, "the PyTorch reference script is not readable");
    int toChild[2], fromChild[2];
    if (pipe2(toChild, O_CLOEXEC) != 0)
        throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));
    if (pipe2(fromChild, O_CLOEXEC) != 0) {
        close(toChild[0]);
        close(toChild[1]);
        throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));
    }
    // The child's environment, built before fork (the child may only make async-signal-safe
    // calls): ours, less the names extraEnv sets, then extraEnv.
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
        const std::string entry(*e);
        const auto name = entry.substr(0, entry.find('=') + 1);
        bool replaced = false;
        for (const auto& x : extraEnv)
            replaced = replaced || x.compare(0, name.size(), name) == 0;
        if (!replaced)
            env.push_back(entry);
    }
    env.insert(env.end(), extraEnv.begin(), extraEnv.end());
    std::vector<char*> envp;
    for (auto& e : env)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    const char* argv[] = {python.c_str(), script.c_str(), nullptr};
    m_pid = fork();
    if (m_pid < 0)
        throw Error(std::string("cannot start the PyTorch reference: ") + std::strerror(errno));
    if (m_pid == 0) { // child: only async-signal-safe calls until exec
        dup2(toChild[0], STDIN_FILENO);
        dup2(fromChild[1], STDOUT_FILENO);
        execvpe(argv[0], const_cast<char* const*>(argv), envp.data());
        _exit(127);
    }
    close(toChild[0]);
    close(fromChild[1]);
    m_to = fdopen(toChild[1], "w");
    m_from = fdopen(fromChild[0], "r");
}

ReferenceProcess::~ReferenceProcess()
{
    if (m_to) {
        std::fputs("{\"cmd\": \"quit\"}\n", m_to);
        std::fclose(m_to);
    }
    if (m_from)
        std::fclose(m_from);
    if (m_pid > 0) {
        int status = 0;
        waitpid(m_pid, &status, 0);
    }
}

nlohmann::json ReferenceProcess::request(const nlohmann::json& message)
{
    if (!m_to || !m_from)
        throw Error("the PyTorch reference is not running");
    // The child may have died (no python3-torch): do not let SIGPIPE end this process.
    struct sigaction ignore {
    }, previous{};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &previous);
    const std::string line = message.dump() + "\n";
    const bool sent = std::fputs(line.c_str(), m_to) >= 0 && std::fflush(m_to) == 0;
    sigaction(SIGPIPE, &previous, nullptr);
    std::string reply;
    if (sent) {
        char buf[4096];
        while (std::fgets(buf, sizeof buf, m_from)) {
            reply += buf;
            if (!reply.empty() && reply.back() == '\n')
                break;
        }
    }
    if (reply.empty())
        throw fileError(m_script, "the PyTorch reference ended without answering (is "
                                  "python3-torch installed? its error is printed above)");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(reply);
    } catch (const nlohmann::json::exception&) {
        throw fileError(m_script, "the PyTorch reference answered something else than JSON: "
                                      + reply.substr(0, 200));
    }
    if (!j.value("ok", false))
        throw fileError(m_script, "the PyTorch reference failed: " + j.value("error", "?"));
    return j;
}

} // namespace tleg::bench
