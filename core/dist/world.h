#pragma once
// Data-parallel training over PyTorch's c10d: the processes of one job (a World), joined from
// the environment that torchrun (or `tleg … --nproc N`, dist/local_launcher.h) sets: RANK,
// WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT. The rendezvous is a
// c10d::TCPStore, the collectives c10d::ProcessGroupGloo (CPU tensors). Every collective waits
// at most the timeout (TLEG_DIST_TIMEOUT seconds, default 300): a worker that died or hangs
// ends the job on every rank with a tleg::Error, never a silent hang.
// Usage:
//   if (auto env = LaunchEnvironment::fromEnvironment()) setCurrent(World::join(*env));
//   if (World* w = current()) { w->allReduceSum(tensors, "the gradients"); w->barrier("x"); }
// Only world.cpp includes the c10d headers, so the rest of core compiles as before.
#include <torch/torch.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tleg::dist {

/// What a launcher told this process, read from the environment.
struct LaunchEnvironment {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;
    int localWorldSize = 1;
    std::string masterAddr = "127.0.0.1";
    int masterPort = 29500;
    /// torchrun's agent hosts the TCPStore itself (TORCHELASTIC_USE_AGENT_STORE=True): every
    /// rank is a client, under the prefix "/worker/attempt_<restart count>", as PyTorch's own
    /// env:// rendezvous does.
    bool agentStore = false;
    std::string restartCount = "0";
    std::chrono::seconds timeout{300};
    /// GLOO_SOCKET_IFNAME: the network interface for Gloo's connections (empty: by address).
    std::string interfaceName;

    /// Null when WORLD_SIZE is unset or 1 (one process: the single-process path). Throws
    /// tleg::Error naming the variable when the environment is partial or out of range.
    static std::optional<LaunchEnvironment> fromEnvironment();
};

/// A pending collective started by World::allReduceSumAsync.
class Pending {
public:
    Pending() = default;
    explicit Pending(std::function<void()> wait) : m_wait(std::move(wait)) {}
    /// Waits for completion; throws tleg::Error as the blocking calls do.
    void wait();

private:
    std::function<void()> m_wait;
};

class World {
public:
    /// Connects to the other ranks (TCPStore, then Gloo's full mesh); throws tleg::Error when
    /// they do not all arrive within the timeout.
    static std::shared_ptr<World> join(const LaunchEnvironment& env);
    ~World();
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    int rank() const { return m_env.rank; }
    int size() const { return m_env.worldSize; }
    int localRank() const { return m_env.localRank; }
    int localSize() const { return m_env.localWorldSize; }
    /// Rank 0: the one process that writes run files and prints progress.
    bool isWriter() const { return m_env.rank == 0; }
    const LaunchEnvironment& environment() const { return m_env; }
    /// "gloo": CPU tensors (the trainer is CPU-only; NCCL would need a CUDA training path).
    std::string backend() const { return "gloo"; }

    /// Sums each tensor (contiguous CPU, float/double/int64) over all ranks, in place. what
    /// names it in an error ("the gradients"). Every rank gets the same bits.
    void allReduceSum(std::vector<torch::Tensor>& tensors, const std::string& what);
    /// The same, returning at once; wait() on the result before reading the tensors.
    Pending allReduceSumAsync(std::vector<torch::Tensor> tensors, const std::string& what);
    /// Copies root's tensors into every rank's (same shapes and dtypes everywhere), in place.
    void broadcast(std::vector<torch::Tensor>& tensors, int root, const std::string& what);
    void barrier(const std::string& what);
    /// True on every rank when it is true on any (a stop request, a failure).
    bool anyRank(bool local, const std::string& what);

private:
    struct Impl;
    World(const LaunchEnvironment& env, std::unique_ptr<Impl> impl);
    [[noreturn]] void fail(const std::string& what, const std::string& cause) const;
    LaunchEnvironment m_env;
    std::unique_ptr<Impl> m_impl;
};

/// The world of this process: set once by the front end that joined it (the tleg CLI); null
/// for a single process, which trains exactly as before.
World* current();
void setCurrent(std::shared_ptr<World> world);

/// True for rank 0 and for a single process: the one that writes run files and prints.
bool isWriter();

/// Where this process keeps what it needs of folder (a run folder or a learngene's folder)
/// that rank 0 writes: folder itself on rank 0 and for a single process; on the other ranks a
/// private folder under $TMPDIR (tleg-rank<R>-<pid>/...), made on demand, so that a pipeline's
/// next stage reads this rank's own copy of a model and nothing depends on a shared filesystem.
std::string privateFolder(const std::string& folder);
/// joinPath(privateFolder(parent of file), file name).
std::string privatePath(const std::string& file);
/// Removes this process's private folders (the tleg CLI does at the end).
void removePrivateFolders();

/// Intra-op threads for one worker when the user leaves it to us: the idle cores shared by the
/// workers of this machine (at least 1).
int threadsPerWorker(int idleCores, const World* world);

} // namespace tleg::dist
