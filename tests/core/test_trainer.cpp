// The trainer on real Fashion-MNIST: it learns, it stops when asked (from another thread), it
// resumes exactly, and a diverging run fails with a clear message.
#include "data/dataset.h"
#include "model/des_net.h"
#include "model/model_io.h"
#include "train/trainer.h"
#include "util/error.h"
#include "util/files.h"

#include <QtTest/QtTest>

#include <chrono>
#include <thread>

using namespace tleg;

namespace {

model::ViTConfig smallConfig()
{
    auto c = model::ViTConfig::preset("fmnist-ti");
    c.dim = 32;
    c.heads = 2;
    c.depth = 2;
    return c;
}

train::TrainOptions fastOptions()
{
    train::TrainOptions o;
    o.epochs = 2;
    o.batchSize = 64;
    o.lr = 2e-3;
    o.warmupEpochs = 0.2;
    o.threads = 2;
    return o;
}

} // namespace

class TestTrainer : public QObject {
    Q_OBJECT
private:
    data::Dataset m_train, m_test;

private Q_SLOTS:
    void initTestCase()
    {
        auto split = data::loadFashionMnist();
        m_train = data::subset(split.train, 6000, 1);
        m_test = data::subset(split.test, 1000, 2);
    }

    void learnsFashionMnist()
    {
        QTemporaryDir dir;
        auto o = fastOptions();
        o.epochs = 3;
        o.runDir = dir.filePath("run").toStdString();
        model::ViT net = model::scratch(smallConfig(), 0);
        int calls = 0;
        auto r = train::train(*net, m_train, m_test, o, nullptr, [&](const train::Progress& p) {
            ++calls;
            return p.loss == p.loss;
        });
        QVERIFY(!r.stopped);
        QCOMPARE(r.history.size(), size_t(3));
        QVERIFY2(r.finalTop1 > 45.0, qPrintable(QString::number(r.finalTop1)));
        QVERIFY(r.finalTop5 >= r.finalTop1);
        QVERIFY(r.history[2].trainLoss < r.history[0].trainLoss);
        QVERIFY(calls >= 3 * (6000 / 64));
        for (const char* f : {"model.safetensors", "checkpoint.safetensors", "metrics.csv", "log.txt", "config.json"})
            QVERIFY2(fileExists(joinPath(o.runDir, f)), f);
        // The saved model reproduces the reported accuracy.
        model::ModelMetadata md;
        auto back = model::loadViT(joinPath(o.runDir, "model.safetensors"), &md);
        auto ev = train::evaluate(*back, m_test, train::normalizationFrom(md.extra, m_train));
        QCOMPARE(ev.top1, r.finalTop1);
        QFile csv(QString::fromStdString(joinPath(o.runDir, "metrics.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), 4);
    }

    void stopFlagFromAnotherThreadStopsWithinABatch()
    {
        QTemporaryDir dir;
        auto o = fastOptions();
        o.epochs = 50;
        o.runDir = dir.filePath("run").toStdString();
        model::ViT net = model::scratch(smallConfig(), 0);
        std::atomic<bool> stop{false};
        std::atomic<bool> started{false};
        std::chrono::steady_clock::time_point stoppedAt;
        std::thread stopper([&] {
            while (!started.load())
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            stoppedAt = std::chrono::steady_clock::now();
            stop.store(true);
        });
        auto r = train::train(*net, m_train, m_test, o, nullptr, [&](const train::Progress&) {
            started.store(true);
            return true;
        }, &stop);
        const double latency = std::chrono::duration<double>(std::chrono::steady_clock::now() - stoppedAt).count();
        stopper.join();
        QVERIFY(r.stopped);
        QVERIFY(r.history.size() < 50);
        QVERIFY2(latency < 1.0, qPrintable(QString("stop took %1 s").arg(latency)));
        QVERIFY(!fileExists(joinPath(o.runDir, "model.safetensors")));
    }

    void callbackReturningFalseStops()
    {
        auto o = fastOptions();
        model::ViT net = model::scratch(smallConfig(), 0);
        int calls = 0;
        auto r = train::train(*net, m_train, m_test, o, nullptr, [&](const train::Progress&) {
            return ++calls < 5;
        });
        QVERIFY(r.stopped);
        QCOMPARE(calls, 5);
    }

    void resumeIsExact()
    {
        QTemporaryDir dir;
        auto o = fastOptions();
        o.threads = 1; // one thread: bitwise reproducible reductions
        o.epochs = 2;
        o.runDir = dir.filePath("full").toStdString();
        model::ViT full = model::scratch(smallConfig(), 5);
        train::train(*full, m_train, m_test, o);

        o.runDir = dir.filePath("resumed").toStdString();
        model::ViT part = model::scratch(smallConfig(), 5);
        int epochsSeen = 0;
        train::train(*part, m_train, m_test, o, nullptr, [&](const train::Progress& p) {
            if (p.epochDone)
                ++epochsSeen;
            return epochsSeen < 1; // stop once the first epoch is checkpointed
        });
        QCOMPARE(epochsSeen, 1);
        QVERIFY(!fileExists(joinPath(o.runDir, "model.safetensors")));
        model::ViT resumed = model::scratch(smallConfig(), 99); // different init: must be overwritten
        o.resume = true;
        auto r = train::train(*resumed, m_train, m_test, o);
        QCOMPARE(r.history.size(), size_t(2));
        auto a = full->named_parameters(), b = resumed->named_parameters();
        for (const auto& item : a)
            QVERIFY2((item.value() - b[item.key()]).abs().max().item<double>() < 1e-6, item.key().c_str());
    }

    void divergenceStopsWithAClearError()
    {
        QTemporaryDir dir;
        auto o = fastOptions();
        o.lr = 1e12;
        o.clipGrad = 0.0;
        o.warmupEpochs = 0;
        o.runDir = dir.filePath("run").toStdString();
        model::ViT net = model::scratch(smallConfig(), 0);
        try {
            train::train(*net, m_train, m_test, o);
            QFAIL("a diverging run must fail");
        } catch (const tleg::Error& e) {
            QVERIFY2(std::string(e.what()).find("diverged") != std::string::npos, e.what());
        }
        QVERIFY(!fileExists(joinPath(o.runDir, "model.safetensors")));
    }

    void bf16MatmulsStayCloseToFp32AndLearn()
    {
        model::ViT net = model::scratch(smallConfig(), 0);
        net->eval();
        torch::manual_seed(1);
        auto x = torch::randn({8, 1, 28, 28});
        torch::Tensor fp32, bf16;
        {
            torch::NoGradGuard g;
            fp32 = net->forward(x);
            model::setBf16Matmul(true);
            bf16 = net->forward(x);
            model::setBf16Matmul(false);
        }
        QCOMPARE(bf16.scalar_type(), torch::kFloat);
        const double rel = ((bf16 - fp32).norm() / fp32.norm()).item<double>();
        QVERIFY2(rel > 0.0 && rel < 0.05, qPrintable(QString::number(rel)));

        auto o = fastOptions();
        o.epochs = 3;
        o.bf16 = true;
        auto r = train::train(*net, m_train, m_test, o);
        QVERIFY2(r.finalTop1 > 45.0, qPrintable(QString::number(r.finalTop1)));
        QVERIFY(!model::bf16Matmul()); // the trainer restores the thread's setting
    }

    void distillationNeedsATeacher()
    {
        auto o = fastOptions();
        o.loss.lambda = 1.0;
        model::ViT net = model::scratch(smallConfig(), 0);
        QVERIFY_THROWS_EXCEPTION(tleg::Error, train::train(*net, m_train, m_test, o));
    }
};

QTEST_APPLESS_MAIN(TestTrainer)
#include "test_trainer.moc"
