#pragma once
// The PyTorch reference (tests/bench/reference_step.py) as a child process spoken to in JSON
// lines over its stdin / stdout, so that the benchmark can alternate C++ and Python trials.
// Usage:
//   ReferenceProcess py("/usr/bin/python3", "tests/bench/reference_step.py");
//   py.request({{"cmd", "setup"}, ...});   auto r = py.request({{"cmd", "run"}, ...});
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>
#include <sys/types.h>

namespace tleg::bench {

class ReferenceProcess {
public:
    /// Starts `python script` with `extraEnv` ("NAME=value") added to this process's
    /// environment (replacing a variable of the same name); throws tleg::Error when it cannot
    /// be started.
    ReferenceProcess(const std::string& python, const std::string& script,
                     const std::vector<std::string>& extraEnv = {});
    ~ReferenceProcess();
    ReferenceProcess(const ReferenceProcess&) = delete;
    ReferenceProcess& operator=(const ReferenceProcess&) = delete;

    /// Sends one message and waits for the reply; throws tleg::Error when the child has gone
    /// or answers {"ok": false, "error": ...}.
    nlohmann::json request(const nlohmann::json& message);

private:
    pid_t m_pid = -1;
    FILE* m_to = nullptr;   // child's stdin
    FILE* m_from = nullptr; // child's stdout
    std::string m_script;
};

} // namespace tleg::bench
