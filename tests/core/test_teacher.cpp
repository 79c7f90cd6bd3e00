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

#include <QtTest/QtTest>

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

class TestTeacher : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void torchScriptTeacherGivesTheModulesLogits()
    {
        for (bool tuple : {false, true}) {
            const std::string path = m_dir.filePath(tuple ? "t2.pt" : "t1.pt").toStdString();
            auto w = saveLinearTeacher(path, tuple);
            auto teacher = train::loadTeacher(path);
            QVERIFY(teacher->description().find("TorchScript") != std::string::npos);
            auto x = torch::randn({4, 1, 28, 28});
            auto z = teacher->logits(x);
            QVERIFY((z - torch::matmul(x.flatten(1), w.t())).abs().max().item<double>() < 1e-5);
            QVERIFY(!z.requires_grad());
        }
    }

    void ourCheckpointIsATeacherToo()
    {
        const std::string path = m_dir.filePath("vit.safetensors").toStdString();
        auto cfg = model::ViTConfig::preset("fmnist-ti");
        cfg.depth = 1;
        model::ViT net = model::scratch(cfg, 3);
        model::saveClassifier(path, *net);
        auto teacher = train::loadTeacher(path);
        net->eval();
        auto x = torch::randn({2, 1, 28, 28});
        torch::NoGradGuard g;
        QCOMPARE((teacher->logits(x) - net->forward(x)).abs().max().item<double>(), 0.0);
    }

    void brokenTeacherFilesAreRejected()
    {
        const std::string fake = m_dir.filePath("fake.pt").toStdString();
        std::ofstream(fake) << "PK this is not a zip archive";
        try {
            train::loadTeacher(fake);
            QFAIL("a broken TorchScript file must be rejected");
        } catch (const tleg::Error& e) {
            QVERIFY2(std::string(e.what()).find(fake) != std::string::npos, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(tleg::Error, train::loadTeacher(m_dir.filePath("missing.pt").toStdString()));
    }

    void distillationPullsTheAuxNetTowardsATorchScriptTeacher()
    {
        const std::string path = m_dir.filePath("teacher.pt").toStdString();
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
        QVERIFY(loader.next(b));
        auto klNow = [&] {
            torch::NoGradGuard g;
            aux->eval();
            return train::distillationLoss(aux->forward(b.images), teacher->logits(b.images), 1.0).item<double>();
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
        QVERIFY(!r.stopped);
        const double after = klNow();
        QVERIFY2(after < 0.5 * before, qPrintable(QString("KL %1 -> %2").arg(before).arg(after)));
    }
};

QTEST_APPLESS_MAIN(TestTeacher)
#include "test_teacher.moc"
