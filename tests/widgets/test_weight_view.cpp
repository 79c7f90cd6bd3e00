// The weight view (issue 19) on real files: a TLEG model's tensors grouped by block with the
// model's parameter count, a tensor's histogram holding all its values, a learngene's θ_A and
// θ_B sizes per layer kind, a timm-named file grouped the same way, and every kind of bad model
// file one red line naming it, the view still usable. Opened from File ▸ Inspect weights too.
#include <torch/torch.h>

#include "bad_files.h"
#include "gui_fixture.h"
#include "io/safetensors.h"
#include "model/des_net.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "widgets/main_window.h"
#include "widgets/text_format.h"
#include "widgets/weight_view.h"

#include "widgets/plots/qcustomplot_include.h"
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

using namespace tleg;

class TestWeightView : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_model, m_learngene;
    model::ViTConfig m_config;
    std::unique_ptr<gui::WeightView> m_view;

    QString open(const QString& path)
    {
        QSignalSpy loaded(m_view.get(), &gui::WeightView::loaded);
        m_view->open(path);
        if (!loaded.wait(30000)) {
            QTest::qFail("the file was not read within 30 s", __FILE__, __LINE__);
            return QStringLiteral("timeout");
        }
        return loaded.first().at(1).toString();
    }

    QTreeWidgetItem* group(const QString& name)
    {
        const auto found = m_view->tree()->findItems(name, Qt::MatchExactly, 0);
        return found.isEmpty() ? nullptr : found.first();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_config = testing::fmnistTinyConfig(3);
        m_model = m_dir.filePath("model.safetensors");
        model::saveClassifier(m_model.toStdString(), *model::scratch(m_config, 1));
        m_learngene = m_dir.filePath("learngene.safetensors");
        testing::writeTinyLearngene(m_learngene);
        m_view = std::make_unique<gui::WeightView>();
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    }

    void groupsAModelByBlock()
    {
        QCOMPARE(open(m_model), QString());
        const gui::WeightSummary& s = m_view->summary();
        QCOMPARE(s.kind, std::string("vit"));
        QCOMPARE(s.params, m_config.totalParams());
        for (int b = 0; b < 3; ++b) {
            QTreeWidgetItem* block = group(QString("blocks.%1").arg(b));
            QVERIFY2(block, qPrintable(QString::number(b)));
            QVERIFY(block->childCount() >= 8); // norms, qkv, proj, fc1, fc2: weights and biases
            int64_t sum = 0;
            for (int c = 0; c < block->childCount(); ++c)
                sum += block->child(c)->text(3).toLongLong();
            QCOMPARE(block->text(3).toLongLong(), sum);
        }
        QVERIFY(group("other")); // embeddings, class token, final norm, head
        QVERIFY2(m_view->headerText().contains("Kind: vit"), qPrintable(m_view->headerText()));
        QVERIFY(m_view->headerText().contains(gui::formatCount(m_config.totalParams())));
        QVERIFY(!m_view->learngeneTable()->isVisibleTo(m_view.get()));

        // The histogram of the tensor selected holds each of its values once.
        QTreeWidgetItem* qkv = nullptr;
        for (int c = 0; c < group("blocks.1")->childCount(); ++c)
            if (group("blocks.1")->child(c)->text(0) == "blocks.1.attn.qkv.weight")
                qkv = group("blocks.1")->child(c);
        QVERIFY(qkv);
        m_view->tree()->setCurrentItem(qkv);
        auto* bars = static_cast<QCPBars*>(m_view->histogram()->plottable(0));
        QCOMPARE(bars->dataCount(), gui::kHistogramBins);
        double total = 0;
        for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
            total += it->value;
        QCOMPARE(static_cast<int64_t>(total), 3 * m_config.dim * m_config.dim);
        QCOMPARE(qkv->text(1), QString("[%1, %2]").arg(3 * m_config.dim).arg(m_config.dim));
    }

    void showsALearngenesThetaSizes()
    {
        QCOMPARE(open(m_learngene), QString());
        const model::Learngene lg = model::Learngene::load(m_learngene.toStdString());
        QVERIFY(m_view->learngeneTable()->isVisibleTo(m_view.get()));
        QTableWidget* table = m_view->learngeneTable();
        QVERIFY(table->rowCount() >= 8);
        for (int r = 0; r < table->rowCount(); ++r) {
            const std::string kind = table->item(r, 0)->text().toStdString();
            QCOMPARE(table->item(r, 1)->text().toLongLong(),
                     lg.tensors.at("learngene.A." + kind).numel());
            QCOMPARE(table->item(r, 2)->text().toLongLong(),
                     lg.tensors.at("learngene.B." + kind).numel());
        }
        QVERIFY(group("learngene.A") && group("learngene.B"));
        QCOMPARE(m_view->summary().kind, std::string("learngene"));
    }

    void groupsForeignNamesByTheirNumberedPart()
    {
        QCOMPARE(gui::weightGroupOf("blocks.11.mlp.fc1.weight"), std::string("blocks.11"));
        QCOMPARE(gui::weightGroupOf("vit.encoder.layer.3.attention.output.dense.bias"),
                 std::string("vit.encoder.layer.3"));
        QCOMPARE(gui::weightGroupOf("encoder.layers.encoder_layer_7.ln_1.weight"),
                 std::string("encoder.layers.encoder_layer_7"));
        QCOMPARE(gui::weightGroupOf("learngene.B.attn.qkv.weight"), std::string("learngene.B"));
        QCOMPARE(gui::weightGroupOf("pos_embed"), std::string("other"));
        const QString hf = m_dir.filePath("hf.safetensors");
        io::writeSafetensors(hf.toStdString(),
                             {{"vit.encoder.layer.0.output.dense.weight", torch::ones({4, 2})},
                              {"vit.encoder.layer.1.output.dense.weight", torch::zeros({4, 2})},
                              {"classifier.weight", torch::ones({3, 2})}});
        QCOMPARE(open(hf), QString());
        QVERIFY(group("vit.encoder.layer.0") && group("vit.encoder.layer.1") && group("other"));
        QVERIFY(m_view->headerText().contains("foreign"));
    }

    void everyKindOfBadModelIsOneLine()
    {
        for (const auto& bad : testing::badModels(m_dir.filePath("bad"), m_model)) {
            const QString error = open(bad.path);
            qInfo("%s: %s", qPrintable(bad.what), qPrintable(m_view->errorText()));
            if (error.isEmpty())
                continue; // a valid safetensors file that is no model still has weights
            QVERIFY2(testing::isOneLineNaming(m_view->errorText(), bad.path),
                     qPrintable(bad.what + ": " + m_view->errorText()));
        }
        QCOMPARE(open(m_model), QString());
        QCOMPARE(m_view->errorText(), QString());
    }

    void fileMenuOpensIt()
    {
        gui::AppState state;
        gui::MainWindow window(state);
        auto* action = window.findChild<QAction*>("inspectWeightsAction");
        QVERIFY(action);
        QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_I));
        gui::WeightView* view = window.inspectWeights(m_model);
        QSignalSpy loaded(view, &gui::WeightView::loaded);
        QVERIFY(loaded.wait(30000));
        QCOMPARE(view->summary().params, m_config.totalParams());
        QVERIFY(view->isVisible());
    }
};

QTEST_MAIN(TestWeightView)
#include "test_weight_view.moc"
