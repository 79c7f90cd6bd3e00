// Teachers: a TorchScript file (made here with LibTorch's own TorchScript compiler) and our own
// checkpoints; distillation moves an Aux-Net towards the teacher on real Fashion-MNIST.
#include "data/dataset.h"
#include "model/aux_net.h"
#include "model/des_net.h"
#include "model/model_io.h"
#include "train/loss.h"
#include "train/teacher.h"
#include "train/trainer.h"
#include "util/error.h"

#include "test_support.h"

#include <fstream>

using namespace tleg;

namespace {

/// A linear classifier on raw pixels, compiled and saved as TorchScript.
torch::Tensor saveLinearTeacher(const std::string& path, bool tuple)
{
    torch::manual_seed(1);
    auto w = torch::randn({10, 784}) * 0.05;
    torch::jit::Module m("LinearTeacher");
    m.register_parameter("w", w, false);
    m.define(tuple ? R"(
def forward(self, x):
    z = torch.matmul(x.flatten(1), self.w.t())
    return (z, z * 0.0)
)"
                   : R"(
def forward(self, x):
    return torch.matmul(x.flatten(1), self.w.t())
)");
    m.save(path);
    return w;
}

} // namespace

class Teacher : public ::testing::Test {
protected:
    tleg::testing::TempDir m_dir;
};

TEST_F(Teacher, torchScriptTeacherGivesTheModulesLogits)
{
    for (bool tuple : {false, true}) {
        const std::string path = m_dir.filePath(tuple ? "t2.pt" : "t1.pt");
        auto w = saveLinearTeacher(path, tuple);
        auto teacher = train::loadTeacher(path);
        ASSERT_TRUE(teacher->description().find("TorchScript") != std::string::npos);
        auto x = torch::randn({4, 1, 28, 28});
        auto z = teacher->logits(x);
        ASSERT_TRUE((z - torch::matmul(x.flatten(1), w.t())).abs().max().item<double>() < 1e-5);
        ASSERT_TRUE(!z.requires_grad());
    }
}

TEST_F(Teacher, ourCheckpointIsATeacherToo)
{
    const std::string path = m_dir.filePath("vit.safetensors");
    auto cfg = model::ViTConfig::preset("fmnist-ti");
    cfg.depth = 1;
    model::ViT net = model::scratch(cfg, 3);
    model::saveClassifier(path, *net);
    auto teacher = train::loadTeacher(path);
    net->eval();
    auto x = torch::randn({2, 1, 28, 28});
    torch::NoGradGuard g;
    ASSERT_FUZZY_EQ((teacher->logits(x) - net->forward(x)).abs().max().item<double>(), 0.0);
}

TEST_F(Teacher, brokenTeacherFilesAreRejected)
{
    const std::string fake = m_dir.filePath("fake.pt");
    std::ofstream(fake) << "PK this is not a zip archive";
    try {
        train::loadTeacher(fake);
        FAIL() << "a broken TorchScript file must be rejected";
    } catch (const tleg::Error& e) {
        ASSERT_TRUE(std::string(e.what()).find(fake) != std::string::npos) << e.what();
    }
    ASSERT_THROW(train::loadTeacher(m_dir.filePath("missing.pt")), tleg::Error);
}

TEST_F(Teacher, distillationPullsTheAuxNetTowardsATorchScriptTeacher)
{
    const std::string path = m_dir.filePath("teacher.pt");
    saveLinearTeacher(path, false);
    auto teacher = train::loadTeacher(path);
    auto split = data::loadFashionMnist();
    auto trainSet = data::subset(split.train, 4000, 1), testSet = data::subset(split.test, 500, 2);

    auto cfg = model::ViTConfig::preset("fmnist-ti");
    cfg.dim = 32;
    cfg.depth = 3;
    torch::manual_seed(0);
    model::AuxNet aux(cfg, model::AuxOptions{});
    auto norm = data::computeNormalization(trainSet);
    data::LoaderOptions lo;
    lo.batchSize = 500;
    lo.shuffle = false;
    lo.norm = norm;
    data::BatchLoader loader(testSet, lo);
    loader.startEpoch(0);
    data::Batch b;
    ASSERT_TRUE(loader.next(b));
    auto klNow = [&] {
        torch::NoGradGuard g;
        aux->eval();
        return train::distillationLoss(aux->forward(b.images), teacher->logits(b.images), 1.0)
            .item<double>();
    };
    const double before = klNow();

    train::TrainOptions o;
    o.epochs = 3;
    o.batchSize = 64;
    o.lr = 2e-3;
    o.threads = 2;
    o.augment = false;
    o.loss.lambda = 1.0;
    auto r = train::train(*aux, trainSet, testSet, o, teacher.get());
    ASSERT_TRUE(!r.stopped);
    const double after = klNow();
    ASSERT_TRUE(after < 0.5 * before) << "KL " << before << " -> " << after;
}
