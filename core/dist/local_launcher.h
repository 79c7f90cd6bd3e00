#pragma once
// `tleg … --nproc N`: torchrun's job for one machine without Python. Starts N copies of this
// executable (/proc/self/exe) with RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR
// (127.0.0.1) and a free MASTER_PORT set, and waits for them. Each worker runs in its own
// process group and dies with the launcher (PR_SET_PDEATHSIG). Ctrl-C (SIGINT, SIGTERM) is
// passed on to every worker once, so they all stop at the next batch and keep their checkpoint.
// When one worker fails, the others get a grace period to end by themselves (they fail at their
// next collective, with the reason), then SIGTERM, then SIGKILL: nothing is left running.
// Usage:
//   LocalLaunch l; l.processes = 2; l.args = {"tleg", "distill", "--teacher", "t.safetensors"};
//   return runLocalWorkers(l, [](const std::string& s) { std::fprintf(stderr, "%s\n", s.c_str());
//   });
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace tleg::dist {

struct LocalLaunch {
    int processes = 2;
    /// argv of every worker (argv[0] is only its name; the program is executable).
    std::vector<std::string> args;
    std::string executable = "/proc/self/exe";
    /// After the first worker fails: how long the others may take to end by themselves before
    /// SIGTERM, and again before SIGKILL.
    std::chrono::seconds grace{15};
};

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then closed).
int freeLocalPort();

/// Runs the workers and returns the launcher's exit code: 0 when every worker ended with 0,
/// 130 when they were stopped (Ctrl-C), else the first failing worker's code (1 when it was
/// killed by a signal). say gets one line per worker that failed. Throws tleg::Error when a
/// worker cannot be started.
int runLocalWorkers(const LocalLaunch& launch, const std::function<void(const std::string&)>& say);

} // namespace tleg::dist
