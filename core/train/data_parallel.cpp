#include "train/data_parallel.h"

#include "util/error.h"

#include <algorithm>
#include <chrono>

namespace tleg::train {

DataParallel::DataParallel(dist::World& world, model::ClassifierImpl& model, AdamW& optimizer,
                           int64_t globalBatch, int64_t bucketBytes)
    : m_world(world), m_model(model), m_optimizer(optimizer), m_globalBatch(globalBatch)
{
    std::vector<torch::Tensor> params;
    for (const auto& p : model.parameters())
        if (p.requires_grad())
            params.push_back(p);
    std::reverse(params.begin(), params.end());
    std::vector<std::vector<torch::Tensor>> groups;
    int64_t bytes = 0;
    for (const auto& p : params) {
        const int64_t size = p.numel() * static_cast<int64_t>(p.element_size());
        if (groups.empty() || groups.back().front().scalar_type() != p.scalar_type()
            || bytes + size > bucketBytes) {
            groups.emplace_back();
            bytes = 0;
        }
        groups.back().push_back(p);
        bytes += size;
    }
    for (auto& group : groups) {
        int64_t total = 0;
        for (const auto& p : group)
            total += p.numel();
        torch::Tensor flat = torch::zeros({total}, group.front().options().requires_grad(false));
        m_buckets.push_back({std::move(group), flat});
    }
}

int64_t DataParallel::broadcastState(int64_t epochsDone)
{
    torch::NoGradGuard guard;
    std::vector<torch::Tensor> tensors;
    for (const auto& p : m_model.parameters())
        tensors.push_back(p.detach()); // the same storage
    for (const auto& b : m_model.buffers())
        tensors.push_back(b.detach());
    io::SafetensorsFile state;
    state.path = "rank 0's optimizer state";
    state.tensors = m_optimizer.state(); // the moments themselves, and a copy of the step count
    for (const auto& named : state.tensors)
        tensors.push_back(named.second);
    torch::Tensor done = torch::tensor({epochsDone}, torch::kLong);
    tensors.push_back(done);
    for (const auto& t : tensors)
        if (!t.is_contiguous())
            throw Error("data-parallel: a model tensor is not contiguous");
    m_world.broadcast(tensors, 0, "sending rank 0's weights and optimizer state to every worker");
    if (m_world.rank() != 0)
        m_optimizer.loadState(state); // takes the step count
    return done.item<int64_t>();
}

double DataParallel::share(int64_t images) const
{
    return static_cast<double>(images) / static_cast<double>(m_globalBatch);
}

StepFigures DataParallel::reduceStep(const StepFigures& local)
{
    const auto t0 = std::chrono::steady_clock::now();
    torch::Tensor figures = torch::tensor({local.lossSum, local.correct, local.images,
                                           local.stop ? 1.0 : 0.0, local.finite ? 0.0 : 1.0},
                                          torch::kDouble);
    torch::NoGradGuard guard;
    std::vector<torch::Tensor> tensors;
    for (auto& b : m_buckets) {
        int64_t offset = 0;
        for (const auto& p : b.params) {
            auto slot = b.flat.narrow(0, offset, p.numel());
            if (p.grad().defined())
                slot.copy_(p.grad().reshape({-1}));
            else
                slot.zero_();
            offset += p.numel();
        }
        tensors.push_back(b.flat);
    }
    tensors.push_back(figures);
    m_world.allReduceSum(tensors, "the gradient all-reduce");
    for (auto& b : m_buckets) {
        int64_t offset = 0;
        for (auto p : b.params) {
            if (p.grad().defined())
                p.mutable_grad().copy_(b.flat.narrow(0, offset, p.numel()).view(p.grad().sizes()));
            offset += p.numel();
        }
    }
    const double* f = figures.data_ptr<double>();
    StepFigures all;
    all.lossSum = f[0];
    all.correct = f[1];
    all.images = f[2];
    all.stop = f[3] > 0.0;
    all.finite = f[4] == 0.0;
    m_reduceSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return all;
}

} // namespace tleg::train
