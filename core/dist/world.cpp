// The one file that includes c10d: the TCPStore rendezvous and Gloo's process group, and the
// translation of their failures into one sentence for the user.
#include "dist/world.h"

#include "util/error.h"
#include "util/files.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <mutex>

namespace tleg::dist {

namespace {

/// The variable's value, or empty when unset.
std::string env(const char* name)
{
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

int envInt(const char* name, int lo, int hi, int fallback)
{
    const std::string s = env(name);
    if (s.empty())
        return fallback;
    char* end = nullptr;
    errno = 0;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (errno != 0 || end == s.c_str() || *end != '\0' || v < lo || v > hi)
        throw Error("the environment variable " + std::string(name) + "='" + s
                    + "' must be a whole number between " + std::to_string(lo) + " and "
                    + std::to_string(hi) + " (set by torchrun or tleg --nproc)");
    return static_cast<int>(v);
}

/// The first line of a c10d / Gloo message (their backtraces follow on later lines).
std::string firstLine(const std::string& s)
{
    const auto nl = s.find('\n');
    return nl == std::string::npos ? s : s.substr(0, nl);
}

bool isLoopback(const std::string& addr)
{
    return addr == "localhost" || addr.rfind("127.", 0) == 0 || addr == "::1";
}

std::shared_ptr<::gloo::transport::Device> glooDevice(const LaunchEnvironment& e)
{
    if (!e.interfaceName.empty())
        return c10d::ProcessGroupGloo::createDeviceForInterface(e.interfaceName);
    if (isLoopback(e.masterAddr))
        return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
    return c10d::ProcessGroupGloo::createDefaultDevice(); // this host's name, else loopback
}

std::mutex g_currentMutex;
std::shared_ptr<World> g_current;

} // namespace

struct World::Impl {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

std::optional<LaunchEnvironment> LaunchEnvironment::fromEnvironment()
{
    if (env("WORLD_SIZE").empty())
        return std::nullopt;
    LaunchEnvironment e;
    e.worldSize = envInt("WORLD_SIZE", 1, 65536, 1);
    if (e.worldSize == 1)
        return std::nullopt;
    if (env("RANK").empty())
        throw Error("WORLD_SIZE is set but RANK is not: start the workers with torchrun or "
                    "tleg … --nproc N");
    e.rank = envInt("RANK", 0, e.worldSize - 1, 0);
    e.localWorldSize = envInt("LOCAL_WORLD_SIZE", 1, e.worldSize, 1);
    e.localRank = envInt("LOCAL_RANK", 0, e.localWorldSize - 1, 0);
    e.masterAddr = env("MASTER_ADDR");
    if (e.masterAddr.empty())
        throw Error("WORLD_SIZE is set but MASTER_ADDR is not: the address of rank 0's machine");
    e.masterPort = envInt("MASTER_PORT", 1, 65535, 29500);
    e.agentStore = env("TORCHELASTIC_USE_AGENT_STORE") == "True";
    e.restartCount =
        env("TORCHELASTIC_RESTART_COUNT").empty() ? "0" : env("TORCHELASTIC_RESTART_COUNT");
    e.timeout = std::chrono::seconds(envInt("TLEG_DIST_TIMEOUT", 1, 86400, 300));
    e.interfaceName = env("GLOO_SOCKET_IFNAME");
    return e;
}

void Pending::wait()
{
    if (m_wait)
        m_wait();
    m_wait = nullptr;
}

World::World(const LaunchEnvironment& env, std::unique_ptr<Impl> impl)
    : m_env(env), m_impl(std::move(impl))
{
}

World::~World() = default;

std::shared_ptr<World> World::join(const LaunchEnvironment& e)
{
    auto impl = std::make_unique<Impl>();
    const std::string where = e.masterAddr + ":" + std::to_string(e.masterPort);
    try {
        c10d::TCPStoreOptions so;
        so.port = static_cast<std::uint16_t>(e.masterPort);
        so.isServer = !e.agentStore && e.rank == 0;
        so.numWorkers = static_cast<std::size_t>(e.worldSize);
        so.timeout = e.timeout;
        so.multiTenant = true;
        auto tcp = c10::make_intrusive<c10d::TCPStore>(e.masterAddr, so);
        impl->store =
            e.agentStore ? c10::intrusive_ptr<c10d::Store>(
                c10::make_intrusive<c10d::PrefixStore>("/worker/attempt_" + e.restartCount, tcp))
                         : c10::intrusive_ptr<c10d::Store>(tcp);
        impl->store->setTimeout(e.timeout);
        auto options = c10d::ProcessGroupGloo::Options::create(e.timeout);
        options->devices.push_back(glooDevice(e));
        options->threads = 2;
        impl->group =
            c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, e.rank, e.worldSize, options);
    } catch (const std::exception& ex) {
        throw Error("could not join the other " + std::to_string(e.worldSize - 1) + " worker(s) at "
                    + where + " within " + std::to_string(e.timeout.count())
                    + " s: " + firstLine(ex.what()));
    }
    return std::shared_ptr<World>(new World(e, std::move(impl)));
}

void World::fail(const std::string& what, const std::string& cause) const
{
    throw Error(what + " failed: another worker has ended or stopped answering (waited at "
                + "most " + std::to_string(m_env.timeout.count())
                + " s; TLEG_DIST_TIMEOUT sets it). Gloo: " + firstLine(cause));
}

Pending World::allReduceSumAsync(std::vector<torch::Tensor> tensors, const std::string& what)
{
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    try {
        for (auto& t : tensors) {
            std::vector<at::Tensor> one{t};
            works.push_back(m_impl->group->allreduce(one));
        }
    } catch (const std::exception& ex) {
        fail(what, ex.what());
    }
    return Pending([this, works, what, keep = std::move(tensors)]() {
        try {
            for (const auto& w : works)
                w->wait();
        } catch (const std::exception& ex) {
            fail(what, ex.what());
        }
    });
}

void World::allReduceSum(std::vector<torch::Tensor>& tensors, const std::string& what)
{
    allReduceSumAsync(tensors, what).wait();
}

void World::broadcast(std::vector<torch::Tensor>& tensors, int root, const std::string& what)
{
    try {
        std::vector<c10::intrusive_ptr<c10d::Work>> works;
        c10d::BroadcastOptions o;
        o.rootRank = root;
        for (auto& t : tensors) {
            std::vector<at::Tensor> one{t};
            works.push_back(m_impl->group->broadcast(one, o));
        }
        for (const auto& w : works)
            w->wait();
    } catch (const std::exception& ex) {
        fail(what, ex.what());
    }
}

void World::barrier(const std::string& what)
{
    try {
        m_impl->group->barrier()->wait();
    } catch (const std::exception& ex) {
        fail(what, ex.what());
    }
}

bool World::anyRank(bool local, const std::string& what)
{
    std::vector<torch::Tensor> flag{torch::tensor({local ? int64_t(1) : int64_t(0)})};
    allReduceSum(flag, what);
    return flag[0].item<int64_t>() > 0;
}

World* current()
{
    std::lock_guard<std::mutex> lock(g_currentMutex);
    return g_current.get();
}

void setCurrent(std::shared_ptr<World> world)
{
    std::lock_guard<std::mutex> lock(g_currentMutex);
    g_current = std::move(world);
}

bool isWriter()
{
    const World* w = current();
    return !w || w->isWriter();
}

namespace {

std::string privateRoot()
{
    const World* w = current();
    const char* tmp = std::getenv("TMPDIR");
    return joinPath(tmp && *tmp ? tmp : "/tmp", "tleg-rank" + std::to_string(w ? w->rank() : 0)
                                                    + "-" + std::to_string(::getpid()));
}

} // namespace

std::string privateFolder(const std::string& folder)
{
    if (isWriter() || folder.empty())
        return folder;
    std::string flat = std::filesystem::absolute(folder).lexically_normal().string();
    std::replace(flat.begin(), flat.end(), '/', '_');
    const std::string dir = joinPath(privateRoot(), flat);
    makeDirs(dir);
    return dir;
}

std::string privatePath(const std::string& file)
{
    if (isWriter())
        return file;
    const std::filesystem::path p(file);
    return joinPath(privateFolder(p.parent_path().string()), p.filename().string());
}

void removePrivateFolders()
{
    if (isWriter())
        return;
    std::error_code ignored;
    std::filesystem::remove_all(privateRoot(), ignored);
}

int threadsPerWorker(int idleCores, const World* world)
{
    const int share = world ? idleCores / std::max(1, world->localSize()) : idleCores;
    return std::max(1, share);
}

} // namespace tleg::dist
