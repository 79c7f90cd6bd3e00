#pragma once
// OpenMP's wait policy for our executables. LibTorch's OpenMP threads (libgomp) spin while they
// wait for each other by default; beside a process that keeps a core busy, the spinning thread
// and the one it waits for share a core: a distillation step was measured 40x slower with 2
// threads on 2 cores (`tleg bench`'s busy-machine line), 1.6x with passive waiting.
//
// libgomp reads OMP_WAIT_POLICY once, in its initialiser, before main(); and libc's initialiser
// resets the environment to the one the process started with, so a setenv() in
// .preinit_array (which runs before both) is lost. Hence: when the variable is not set, the
// executable's .preinit_array re-executes it at once with OMP_WAIT_POLICY=PASSIVE added. No
// library initialiser has run yet, so this costs only the dynamic loader's relocations (about
// 0.1 s). A value the user exported is kept; if /proc/self/exe cannot be executed the process
// goes on as it is.
// Usage (once, in the translation unit with main()):
//   #include "util/openmp_defaults.h"
//   TLEG_OPENMP_DEFAULTS();
#include <cstring>
#include <unistd.h>

namespace tleg::util {

inline void reexecWithPassiveOpenMp(int, char** argv, char** envp)
{
    static const char kPolicy[] = "OMP_WAIT_POLICY=";
    static char kPassive[] = "OMP_WAIT_POLICY=PASSIVE";
    constexpr int kMaxVars = 4096;
    static char* env[kMaxVars + 2];
    if (!argv || !envp)
        return;
    int n = 0;
    for (; envp[n]; ++n) {
        if (std::strncmp(envp[n], kPolicy, sizeof kPolicy - 1) == 0 || n >= kMaxVars)
            return; // chosen by the user (or an environment too large to copy): keep it
        env[n] = envp[n];
    }
    env[n] = kPassive;
    env[n + 1] = nullptr;
    ::execve("/proc/self/exe", argv, env); // returns only on failure: go on unchanged
}

} // namespace tleg::util

#define TLEG_OPENMP_DEFAULTS()                                                                     \
    __attribute__((section(".preinit_array"), used)) static void (*const tlegOpenMpDefaults)(      \
        int, char**, char**) = &tleg::util::reexecWithPassiveOpenMp
