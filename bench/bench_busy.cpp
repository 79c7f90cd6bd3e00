// The busy-machine line of `tleg bench`: a desktop always has something else running, and
// LibTorch's OpenMP threads suffer far more than their share when a core is taken (10x was
// measured with 2 threads on 2 cores). The default thread count (threads = 0) is the cores idle
// when a run starts (util::defaultThreads); this measures what that default gives on the machine
// as it is and beside a CPU-bound neighbour the bench starts itself, against 1 thread and every
// core beside the same neighbour.
#include "bench/bench_internal.h"
#include "train/trainer.h"
#include "util/error.h"
#include "util/machine.h"

#include <chrono>
#include <csignal>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace tleg::bench {

namespace {

/// A process spinning on one core until it is destroyed (or this process dies: the kernel
/// kills it then; and it ends by itself after 10 minutes in any case).
class Neighbour {
public:
    Neighbour()
    {
        m_pid = ::fork();
        if (m_pid < 0)
            throw Error("bench: cannot start the busy neighbour process");
        if (m_pid == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            ::alarm(600);
            volatile unsigned long spin = 0;
            for (;;)
                spin = spin + 1;
        }
        // Let it take its core before anyone counts the idle ones.
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    ~Neighbour()
    {
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, nullptr, 0);
    }
    Neighbour(const Neighbour&) = delete;
    Neighbour& operator=(const Neighbour&) = delete;

private:
    pid_t m_pid = -1;
};

double medianStep(BenchContext& cx, int threads)
{
    Trial t;
    t.workload = "distill";
    t.bf16 = util::nativeBf16();
    t.cached = true; // the default for distillation: no augmentation, the teacher run once
    t.augment = false;
    t.threads = threads;
    return median(cppTrainTrial(t, cx));
}

} // namespace

void measureBusy(BenchContext& cx, BenchExtras& e, const LogFn& say)
{
    e.allThreads = util::usableCores();
    e.quietThreads = util::defaultThreads();
    say("busy machine: the default (" + std::to_string(e.quietThreads)
        + " threads) as the machine is now");
    e.quietStep = medianStep(cx, e.quietThreads);
    Neighbour neighbour;
    e.busyThreads = util::defaultThreads();
    say("busy machine: beside a CPU-bound process, the default (" + std::to_string(e.busyThreads)
        + " threads), 1 thread and " + std::to_string(e.allThreads));
    e.busyDefaultStep = medianStep(cx, e.busyThreads);
    e.busyOneStep = medianStep(cx, 1);
    e.busyAllStep = medianStep(cx, e.allThreads);
    train::applyThreads(e.sharesAtThreads > 0 ? e.sharesAtThreads : 1);
}

} // namespace tleg::bench
