#include "kernels/expand_weights.h"
#include "kernels/bf16_bits.h"

#include <ATen/Parallel.h>


namespace tleg::kernels {

namespace {

constexpr int64_t kGrain = 16384; // elements per task

class ExpandWeightsFn : public torch::autograd::Function<ExpandWeightsFn> {
public:
    // Inputs: a[0..P), b[0..P); outputs: P·n tensors, weight-major (p·n + k).
    static torch::autograd::variable_list forward(torch::autograd::AutogradContext* ctx,
                                                  at::TensorList aIn, at::TensorList bIn,
                                                  std::vector<double> c, std::vector<int64_t> bf16)
    {
        const auto n = static_cast<int64_t>(c.size());
        torch::autograd::variable_list out;
        for (size_t p = 0; p < aIn.size(); ++p) {
            const torch::Tensor a = aIn[p].contiguous(), b = bIn[p].contiguous();
            const float* as = a.data_ptr<float>();
            const float* bs = b.data_ptr<float>();
            const int64_t m = a.numel();
            for (int64_t k = 0; k < n; ++k) {
                const float ck = static_cast<float>(c[size_t(k)]);
                if (bf16[p]) {
                    auto o = torch::empty(a.sizes(), a.options().dtype(torch::kBFloat16));
                    auto* os = reinterpret_cast<uint16_t*>(o.data_ptr<at::BFloat16>());
                    at::parallel_for(0, m, kGrain, [&](int64_t from, int64_t to) {
                        for (int64_t i = from; i < to; ++i)
                            os[i] = floatToBf16(bs[i] + ck * as[i]);
                    });
                    out.push_back(o);
                } else {
                    auto o = torch::empty_like(a);
                    float* os = o.data_ptr<float>();
                    at::parallel_for(0, m, kGrain, [&](int64_t from, int64_t to) {
                        for (int64_t i = from; i < to; ++i)
                            os[i] = bs[i] + ck * as[i];
                    });
                    out.push_back(o);
                }
            }
        }
        ctx->saved_data["c"] = c;
        ctx->saved_data["p"] = static_cast<int64_t>(aIn.size());
        ctx->save_for_backward(aIn.vec()); // for the shapes (no copy: the parameters)
        return out;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads)
    {
        const auto c = ctx->saved_data["c"].toDoubleVector();
        const int64_t weights = ctx->saved_data["p"].toInt();
        const auto shapes = ctx->get_saved_variables();
        const auto n = static_cast<int64_t>(c.size());
        torch::autograd::variable_list gradA(static_cast<size_t>(weights));
        torch::autograd::variable_list gradB(static_cast<size_t>(weights));
        for (int64_t p = 0; p < weights; ++p) {
            const auto& shape = shapes[size_t(p)];
            auto ga = torch::zeros(shape.sizes(), shape.options());
            auto gb = torch::zeros(shape.sizes(), shape.options());
            float* gas = ga.data_ptr<float>();
            float* gbs = gb.data_ptr<float>();
            const int64_t m = ga.numel();
            for (int64_t k = 0; k < n; ++k) {
                const torch::Tensor& g0 = grads[size_t(p * n + k)];
                if (!g0.defined())
                    continue;
                const float ck = static_cast<float>(c[size_t(k)]);
                const torch::Tensor g = g0.contiguous();
                if (g.scalar_type() == torch::kBFloat16) {
                    const auto* gs = reinterpret_cast<const uint16_t*>(g.data_ptr<at::BFloat16>());
                    at::parallel_for(0, m, kGrain, [&](int64_t from, int64_t to) {
                        for (int64_t i = from; i < to; ++i) {
                            const float v = bf16ToFloat(gs[i]);
                            gas[i] += ck * v;
                            gbs[i] += v;
                        }
                    });
                } else {
                    const torch::Tensor gf = g.to(torch::kFloat);
                    const float* gs = gf.data_ptr<float>();
                    at::parallel_for(0, m, kGrain, [&](int64_t from, int64_t to) {
                        for (int64_t i = from; i < to; ++i) {
                            gas[i] += ck * gs[i];
                            gbs[i] += gs[i];
                        }
                    });
                }
            }
            gradA[size_t(p)] = ga;
            gradB[size_t(p)] = gb;
        }
        torch::autograd::variable_list all = gradA;
        all.insert(all.end(), gradB.begin(), gradB.end());
        all.emplace_back(); // c
        all.emplace_back(); // bf16
        return all;
    }
};

} // namespace

bool expandWeightsApplies(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b)
{
    if (a.size() != b.size() || a.empty())
        return false;
    for (size_t p = 0; p < a.size(); ++p)
        if (!a[p].defined() || !b[p].defined() || !a[p].device().is_cpu()
            || !b[p].device().is_cpu() || a[p].scalar_type() != torch::kFloat
            || b[p].scalar_type() != torch::kFloat || a[p].sizes() != b[p].sizes())
            return false;
    return true;
}

std::vector<std::vector<torch::Tensor>> expandWeights(const std::vector<torch::Tensor>& a,
                                                      const std::vector<torch::Tensor>& b,
                                                      const std::vector<double>& c,
                                                      const std::vector<bool>& toBf16)
{
    const std::vector<int64_t> bf16(toBf16.begin(), toBf16.end());
    const auto flat = ExpandWeightsFn::apply(at::TensorList(a), at::TensorList(b), c, bf16);
    std::vector<std::vector<torch::Tensor>> out(a.size());
    for (size_t p = 0; p < a.size(); ++p)
        out[p].assign(flat.begin() + static_cast<std::ptrdiff_t>(p * c.size()),
                      flat.begin() + static_cast<std::ptrdiff_t>((p + 1) * c.size()));
    return out;
}

} // namespace tleg::kernels
