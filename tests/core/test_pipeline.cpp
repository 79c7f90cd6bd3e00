// The whole method through the real CLI: `tleg pipeline --preset smoke` finishes, every Des-Net
// is far above chance, and its files reload with timm names.
#include "model/block.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "util/machine.h"
#include "train/trainer.h"
#include "data/dataset.h"
#include "util/files.h"

#include <QtTest/QtTest>

using namespace tleg;

namespace {

struct Run {
    int exitCode;
    QString out;
};

Run runTleg(const QStringList& args, int timeoutMs)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(TLEG_CLI_PATH, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-1, QString::fromUtf8(p.readAll())};
    }
    return {p.exitCode(), QString::fromUtf8(p.readAll())};
}

} // namespace

class TestPipeline : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void smokePipelineProducesTheDepthTable()
    {
        const QString out = m_dir.filePath("smoke");
        QElapsedTimer timer;
        timer.start();
        Run r = runTleg({"pipeline", "--preset", "smoke", "--out", out, "--threads", "2"}, 600000);
        qInfo("pipeline --preset smoke took %.1f s", timer.elapsed() / 1000.0);
        QVERIFY2(r.exitCode == 0, qPrintable(r.out));
        QVERIFY(r.out.contains("| Depth |"));

        QFile csv(out + "/results.csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(csv.readAll()).trimmed().split('\n');
        QCOMPARE(lines.size(), 3); // header + depths 2 and 4
        // The smoke preset evaluates on a seeded 2,000-image subset of the test split.
        const auto split = data::loadFashionMnist();
        const auto testSubset = data::subset(split.test, 2000, 1);
        for (int i = 1; i < lines.size(); ++i) {
            const QStringList f = lines[i].split(',');
            const double scratchTop1 = f[3].toDouble(), tlegTop1 = f[6].toDouble();
            QVERIFY2(tlegTop1 > 40.0, qPrintable(lines[i]));   // chance is 10 %
            QVERIFY2(scratchTop1 > 25.0, qPrintable(lines[i]));
            // The Des-Net file reloads, has the expected depth, and reproduces its accuracy
            // on the same test subset.
            model::ModelMetadata md;
            auto des = model::loadViT(f[10].toStdString(), &md);
            QCOMPARE(des->config().depth, f[0].toLongLong());
            QVERIFY(des->named_parameters().contains("blocks.0.attn.qkv.weight"));
            // The CLI ran with its default precision: bf16 matmuls where the CPU has them.
            model::setBf16Matmul(util::nativeBf16());
            const auto ev = train::evaluate(*des, testSubset,
                                            train::normalizationFrom(md.extra, split.train));
            model::setBf16Matmul(false);
            QVERIFY2(std::abs(ev.top1 - tlegTop1) < 0.01,
                     qPrintable(QString("reloaded %1 vs reported %2").arg(ev.top1).arg(tlegTop1)));
        }
        auto lg = model::Learngene::load((out + "/learngene.safetensors").toStdString());
        QVERIFY(lg.storedParams() > 0);
        QVERIFY(lg.thetaA(model::QkvWeight).defined());
    }

    void expandAndInfoShowTimmNames()
    {
        const QString out = m_dir.filePath("smoke");
        const QString des = m_dir.filePath("des-3.safetensors");
        Run e = runTleg({"expand", "--learngene", out + "/learngene.safetensors", "--depth", "3",
                         "--out", des}, 60000);
        QVERIFY2(e.exitCode == 0, qPrintable(e.out));
        QVERIFY(e.out.contains("0.000 0.333 0.667"));
        Run info = runTleg({"info", des}, 60000);
        QVERIFY2(info.exitCode == 0, qPrintable(info.out));
        QVERIFY(info.out.contains("blocks.2.attn.qkv.weight"));
        QVERIFY(info.out.contains("[96, 32]")); // qkv of the smoke Aux-Net's width 32
        QVERIFY(info.out.contains("tleg_kind: vit"));
        QVERIFY(!info.out.contains("blocks.3."));
    }

    void finetuneOnATransferSplitGetsAFreshHead()
    {
        const QString des = m_dir.filePath("des-3.safetensors"); // from the test above
        const QString run = m_dir.filePath("transfer");
        Run r = runTleg({"finetune", "--model", des, "--classes", "5,6,7", "--per-class", "100",
                         "--test-subset", "300", "--epochs", "1", "--threads", "2", "--out", run},
                        120000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.out));
        QVERIFY(r.out.contains("starting with a fresh head"));
        QVERIFY(r.out.contains("300 train"));
        auto net = model::loadViT((run + "/model.safetensors").toStdString());
        QCOMPARE(net->config().numClasses, int64_t(3));
        QCOMPARE(net->config().depth, int64_t(3));
    }

    void badInputGivesOneClearError()
    {
        Run r = runTleg({"info", m_dir.filePath("nope.safetensors")}, 60000);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains("nope.safetensors"), qPrintable(r.out));
        Run u = runTleg({"expand", "--depth", "x"}, 60000);
        QCOMPARE(u.exitCode, 1);
        Run h = runTleg({"distill", "--help"}, 60000);
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("--lambda"));
    }
};

QTEST_GUILESS_MAIN(TestPipeline)
#include "test_pipeline.moc"
