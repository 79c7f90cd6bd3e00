// The Linearity page in a real window (offscreen) with its real worker thread and real
// safetensors files written by the core: a Des-Net expanded from a learngene is exactly linear in
// depth (R² = 1 in the heat map, the table and the legend), a randomly initialised ViT is not; the
// kind combo switches what is plotted, a corrupt file shows an error and keeps the others, and
// every plot exports PNG, PDF and the CSV of what it shows.
#include <torch/torch.h>

#include "analysis/linearity.h"
#include "bad_files.h"
#include "gui_fixture.h"
#include "io/safetensors.h"
#include "model/aux_net.h"
#include "model/des_net.h"
#include "model/learngene.h"
#include "model/model_io.h"
#include "widgets/pages/linearity_page.h"
#include "widgets/plots/linearity_plots.h"

#include "widgets/plots/qcustomplot_include.h"
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QToolTip>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "../core/tiny_models.h"

using namespace tleg;
using Plot = gui::LinearityPage::Plot;

namespace {

/// Every parameter random (biases and LayerNorm too), so every kind varies across layers.
void randomize(torch::nn::Module& m, uint64_t seed)
{
    torch::manual_seed(seed);
    torch::NoGradGuard guard;
    for (auto& p : m.parameters())
        p.normal_(0.0, 0.3);
}

QStringList csvLines(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    return QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
}

const analysis::KindLinearity& kindOf(const analysis::ModelLinearity& m, const std::string& kind)
{
    for (const auto& k : m.kinds)
        if (k.kind == kind)
            return k;
    throw std::runtime_error("no kind " + kind);
}

} // namespace

class TestLinearityPage : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_des, m_vit, m_aux, m_truncated, m_garbage;
    gui::AppState m_state;
    std::unique_ptr<gui::LinearityPage> m_page;

    gui::LinearityPage* page() { return m_page.get(); }

    /// Pictures to look at by hand: TLEG_SCREENSHOT_DIR=/tmp/shots ./test_linearity_page
    void shoot(const QString& name, int tab = -1)
    {
        if (!qEnvironmentVariableIsSet("TLEG_SCREENSHOT_DIR"))
            return;
        if (tab >= 0)
            page()->plotTabs()->setCurrentIndex(tab);
        QTest::qWait(50); // the plots replot queued; a picture only, nothing is checked
        page()->grab().save(qEnvironmentVariable("TLEG_SCREENSHOT_DIR")
                            + QString("/linearity-%1.png").arg(name));
    }

    int modelIndex(const QString& label)
    {
        for (int i = 0; i < page()->modelCount(); ++i)
            if (page()->modelLabel(i) == label)
                return i;
        return -1;
    }

    int tableRow(const QString& kind, const QString& label)
    {
        QTableWidget* t = page()->table();
        for (int r = 0; r < t->rowCount(); ++r)
            if (t->item(r, gui::LinearityTable::KindColumn)->data(Qt::UserRole).toString() == kind
                && t->item(r, gui::LinearityTable::ModelColumn)->text() == label)
                return r;
        return -1;
    }

    /// The scatter graph of a model in the PC1 plot (its fit is the graph after it).
    QCPGraph* pointsOf(const QString& label)
    {
        QCustomPlot* p = page()->plot(Plot::Pc1);
        for (int g = 0; g < p->graphCount(); ++g)
            if (p->graph(g)->name() == label)
                return p->graph(g);
        return nullptr;
    }

    /// The fitted line drawn right after a model's points.
    QCPGraph* fitOf(const QString& label)
    {
        QCustomPlot* p = page()->plot(Plot::Pc1);
        for (int g = 0; g + 1 < p->graphCount(); ++g)
            if (p->graph(g)->name() == label)
                return p->graph(g + 1);
        return nullptr;
    }

    QVector<double> values(const QCPGraph* g)
    {
        QVector<double> out;
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
            out << it->value;
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setStyle(QStyleFactory::create("Fusion"));
        QVERIFY(m_dir.isValid());
        // A Des-Net of depth 8 expanded from the learngene of a random Aux-Net: θ_l = θ_B +
        // (l/8)·θ_A exactly, for every kind.
        model::AuxNet aux(testing::tinyConfig(4), model::AuxOptions{});
        randomize(*aux, 1);
        m_aux = m_dir.filePath("aux-4.safetensors");
        model::saveClassifier(m_aux.toStdString(), *aux, {{"role", "auxnet"}});
        model::ExpandOptions eo;
        eo.depth = 8;
        model::ViT des = model::expand(model::Learngene::fromAuxNet(*aux), eo);
        m_des = m_dir.filePath("des-8.safetensors");
        model::saveClassifier(m_des.toStdString(), *des, {{"role", "desnet"}});
        // A randomly initialised ViT of depth 6: no trend with depth.
        model::ViT vit = model::scratch(testing::tinyConfig(6), 2);
        randomize(*vit, 2);
        m_vit = m_dir.filePath("vit-6.safetensors");
        model::saveClassifier(m_vit.toStdString(), *vit);
        // Corrupt files: a real checkpoint cut in half, and bytes that are no safetensors.
        QFile whole(m_des);
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QByteArray bytes = whole.readAll();
        m_truncated = m_dir.filePath("truncated.safetensors");
        QFile cut(m_truncated);
        QVERIFY(cut.open(QIODevice::WriteOnly));
        cut.write(bytes.left(bytes.size() / 2));
        cut.close();
        m_garbage = m_dir.filePath("garbage.safetensors");
        QFile garbage(m_garbage);
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("this is not a checkpoint at all");
        garbage.close();

        m_state.runFolder = m_dir.path();
        m_state.threads = 1;
        m_page = std::make_unique<gui::LinearityPage>(m_state);
        m_page->resize(900, 560); // the main window at 1100×760 minus navigation and log dock
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    }

    void startsEmptyAndDeterministic()
    {
        QCOMPARE(page()->modelCount(), 0);
        QVERIFY(!page()->isBusy());
        QCOMPARE(page()->kindCombo()->count(), 0);
        QVERIFY(!page()->kindCombo()->isEnabled());
        QVERIFY(!page()->exportButton()->isEnabled());
        QVERIFY(!page()->removeButton()->isEnabled());
        QVERIFY(page()->openButton()->isEnabled());
        QVERIFY(page()->errorLabel()->isHidden());
        QCOMPARE(page()->plot(Plot::Pc1)->graphCount(), 0);
        QVERIFY(page()->heatmap()->data()->isEmpty());
        QCOMPARE(page()->table()->rowCount(), 0);
        QCOMPARE(page()->plotCsv(Plot::Heatmap), QString("kind,model,r2\n"));
        shoot("empty");
    }

    void openDialogLoadsBothOnTheWorker()
    {
        QSignalSpy analysed(page(), &gui::LinearityPage::modelAnalysed);
        bool dialogSeen = false;
        const auto chooser = testing::onModal<QFileDialog>([&](QFileDialog* dialog) {
            dialogSeen = true;
            dialog->setDirectory(m_dir.path());
            auto* name = dialog->findChild<QLineEdit*>("fileNameEdit");
            name->setText("\"des-8.safetensors\" \"vit-6.safetensors\"");
            static_cast<QDialog*>(dialog)->accept(); // QFileDialog's is protected
        });
        QTest::mouseClick(page()->openButton(), Qt::LeftButton);
        QVERIFY(chooser.opened());
        QVERIFY(dialogSeen);
        // The click returned before any analysis finished: the GUI thread did not do it.
        QCOMPARE(page()->modelList()->count(), 2);
        QVERIFY(page()->modelList()->item(0)->text().contains("des-8"));
        QTRY_COMPARE_WITH_TIMEOUT(analysed.count(), 2, 30000);
        QVERIFY(!page()->isBusy());
        QCOMPARE(page()->modelCount(), 2);
        QCOMPARE(page()->modelLabel(0), QString("des-8"));
        QCOMPARE(page()->modelLabel(1), QString("vit-6"));
        QCOMPARE(page()->modelList()->item(1)->text(), QString("vit-6"));
        for (const auto& call : analysed)
            QCOMPARE(call.at(1).toString(), QString());
        QVERIFY(page()->exportButton()->isEnabled());
        QVERIFY(page()->kindCombo()->isEnabled());
        // Twelve block kinds plus the whole block; the whole block is shown first.
        QCOMPARE(page()->kindCombo()->count(), model::kBlockParamCount + 1);
        QCOMPARE(page()->currentKind(), QString(analysis::kWholeBlock));
        QCOMPARE(page()->kindCombo()->currentText(), QString("whole block"));
        QCOMPARE(page()->model(0).blockIndices.size(), size_t(8));
        QCOMPARE(page()->model(1).blockIndices.size(), size_t(6));
        // Opening a file that is already open shows it instead of adding it twice.
        page()->addModel(m_vit);
        QCOMPARE(page()->modelList()->count(), 2);
        QCOMPARE(page()->modelList()->currentRow(), 1);
        page()->modelList()->setCurrentRow(0);
    }

    void heatmapAndTableShowR2()
    {
        const QStringList kinds = page()->heatmapKinds();
        QCOMPARE(kinds.size(), model::kBlockParamCount + 1);
        QCOMPARE(kinds.front(), QString("norm1.weight"));
        QCOMPARE(kinds.back(), QString(analysis::kWholeBlock));
        QCPColorMap* map = page()->heatmap();
        QVERIFY(map->colorScale());
        QCOMPARE(map->dataRange().lower, 0.0);
        QCOMPARE(map->dataRange().upper, 1.0);
        const auto& des = page()->model(0);
        const auto& vit = page()->model(1);
        double vitMax = 0;
        for (int k = 0; k < kinds.size(); ++k) {
            const std::string kind = kinds[k].toStdString();
            const double desCell = map->data()->data(0, k), vitCell = map->data()->data(1, k);
            QVERIFY2(std::abs(desCell - 1.0) < 1e-6, qPrintable(kinds[k]));
            QCOMPARE(page()->heatmapCellText(k, 0), QString("1.0000"));
            QCOMPARE(vitCell, kindOf(vit, kind).r2);
            QCOMPARE(page()->heatmapCellText(k, 1), QString::number(vitCell, 'f', 4));
            vitMax = std::max(vitMax, vitCell);

            const int desRow = tableRow(kinds[k], "des-8"), vitRow = tableRow(kinds[k], "vit-6");
            QVERIFY(desRow >= 0 && vitRow >= 0);
            QTableWidget* t = page()->table();
            QCOMPARE(t->item(desRow, gui::LinearityTable::R2Column)->text(), QString("1.0000"));
            QVERIFY(
                t->item(desRow, gui::LinearityTable::ResidualColumn)->data(Qt::UserRole).toDouble()
                < 1e-6);
            QCOMPARE(t->item(desRow, gui::LinearityTable::Explained1Column)->text(),
                     QString("100.00"));
            // Chance level of 8 shuffled layers, 1/7; the expanded model's p is 2 of 8! orders.
            QCOMPARE(t->item(desRow, gui::LinearityTable::ChanceColumn)->text(),
                     QString("0.14 (p < 0.001)"));
            QCOMPARE(
                t->item(vitRow, gui::LinearityTable::ChanceColumn)->data(Qt::UserRole).toDouble(),
                kindOf(vit, kind).r2Chance);
            QCOMPARE(
                t->item(desRow, gui::LinearityTable::SlopeColumn)->data(Qt::UserRole).toDouble(),
                kindOf(des, kind).slope);
            QCOMPARE(t->item(vitRow, gui::LinearityTable::R2Column)->data(Qt::UserRole).toDouble(),
                     vitCell);
            QVERIFY(
                t->item(vitRow, gui::LinearityTable::ResidualColumn)->data(Qt::UserRole).toDouble()
                > 0.5);
        }
        qInfo("largest R² of the random ViT over all kinds: %.3f", vitMax);
        QVERIFY(vitMax < 0.8);
        QVERIFY(map->data()->data(1, kinds.size() - 1) < 0.3); // whole block
        QCOMPARE(page()->table()->rowCount(), 2 * kinds.size());

        // Hovering a cell names its model and kind.
        QCustomPlot* heat = page()->plot(Plot::Heatmap);
        page()->plotTabs()->setCurrentWidget(heat);
        heat->replot();
        const QPoint cell(int(heat->xAxis->coordToPixel(1)),
                          int(heat->yAxis->coordToPixel(kinds.size() - 1)));
        QTest::mouseMove(heat, cell);
        QTRY_VERIFY(QToolTip::isVisible());
        QCOMPARE(QToolTip::text(), QString("vit-6, whole block: R² = %1")
                                       .arg(gui::r2Text(map->data()->data(1, kinds.size() - 1))));
        page()->plotTabs()->setCurrentIndex(0);
    }

    void pc1PlotHasEveryLayerAndTheFit()
    {
        QCustomPlot* p = page()->plot(Plot::Pc1);
        QCOMPARE(p->graphCount(), 4); // points and fit for each model
        for (const auto& [label, layers] : {std::pair<QString, int>{"des-8", 8}, {"vit-6", 6}}) {
            QCPGraph* points = pointsOf(label);
            QVERIFY(points);
            QCOMPARE(points->data()->size(), layers);
            const auto& k = kindOf(page()->model(modelIndex(label)), analysis::kWholeBlock);
            int l = 0;
            for (auto it = points->data()->constBegin(); it != points->data()->constEnd();
                 ++it, ++l) {
                QCOMPARE(it->key, double(l + 1)); // layers count from 1, as on Expand
                QCOMPARE(it->value, k.pc1[size_t(l)]);
            }
            QCPGraph* fit = fitOf(label);
            QVERIFY(fit);
            QCOMPARE(fit->name(), QString("%1: fit, R² = %2").arg(label, gui::r2Text(k.r2)));
            QCOMPARE(fit->data()->size(), 2);
            QCOMPARE((fit->data()->constEnd() - 1)->key, double(layers));
            QVERIFY(std::abs((fit->data()->constEnd() - 1)->value
                             - (k.intercept + k.slope * (layers - 1)))
                    < 1e-9 * (1 + std::abs(k.intercept)));
            QVERIFY(p->legend->hasItemWithPlottable(fit));
            QVERIFY(!p->legend->hasItemWithPlottable(points)); // one legend entry per model
        }
        QCOMPARE(p->legend->itemCount(), 2);
        QVERIFY(fitOf("des-8")->name().endsWith("R² = 1.0000"));
    }

    void trajectoryJoinsLayersInOrder()
    {
        QCustomPlot* p = page()->plot(Plot::Trajectory);
        QList<QCPCurve*> curves;
        for (int i = 0; i < p->plottableCount(); ++i)
            if (auto* c = qobject_cast<QCPCurve*>(p->plottable(i)))
                curves << c;
        QCOMPARE(curves.size(), 2);
        QCOMPARE(curves[0]->data()->size(), 8);
        QCOMPARE(curves[1]->data()->size(), 6);
        const auto& k = kindOf(page()->model(0), analysis::kWholeBlock);
        int l = 0;
        for (auto it = curves[0]->data()->constBegin(); it != curves[0]->data()->constEnd();
             ++it, ++l) {
            QCOMPARE(it->t, double(l));
            QCOMPARE(it->key, k.pc1[size_t(l)]);
            QCOMPARE(it->value, k.pc2[size_t(l)]);
        }
        // First and last layer markers (one point each) and their legend entries.
        int markers = 0;
        bool first = false, last = false;
        for (int g = 0; g < p->graphCount(); ++g) {
            markers += p->graph(g)->data()->size() == 1;
            first |= p->graph(g)->name() == "first layer";
            last |= p->graph(g)->name() == "last layer";
        }
        QCOMPARE(markers, 4);
        QVERIFY(first && last);
    }

    void kindComboChangesThePlottedData()
    {
        const QVector<double> before = values(pointsOf("des-8"));
        const QString csvBefore = page()->plotCsv(Plot::Pc1);
        QComboBox* combo = page()->kindCombo();
        combo->setFocus();
        const int target = combo->findData("mlp.fc1.weight");
        QVERIFY(target >= 0);
        while (combo->currentIndex() != target) // the keyboard, as a user would
            QTest::keyClick(combo, combo->currentIndex() < target ? Qt::Key_Down : Qt::Key_Up);
        QCOMPARE(page()->currentKind(), QString("mlp.fc1.weight"));
        const QVector<double> after = values(pointsOf("des-8"));
        QCOMPARE(after.size(), 8);
        QVERIFY(after != before);
        const auto& fc1 = kindOf(page()->model(0), "mlp.fc1.weight");
        for (int l = 0; l < 8; ++l)
            QCOMPARE(after[l], fc1.pc1[size_t(l)]);
        QVERIFY(page()->plotCsv(Plot::Pc1) != csvBefore);
        QVERIFY(page()->plotCsv(Plot::Pc1).contains(",mlp.fc1.weight,8,7,")); // layer 8 = block 7
        // The explained variance shows the selected model's (des-8) bars for this kind.
        auto* bars = static_cast<QCPBars*>(page()->plot(Plot::Variance)->plottable(0));
        QCOMPARE(bars->data()->size(), 3);
        QCOMPARE(bars->data()->at(0)->value, 100.0 * fc1.explained1);
        // The table's rows of this kind stand out.
        const int row = tableRow("mlp.fc1.weight", "des-8");
        QVERIFY(page()->table()->item(row, 0)->font().bold());
        QVERIFY(!page()->table()->item(tableRow("attn.qkv.weight", "des-8"), 0)->font().bold());

        // Clicking a table row shows that kind and model.
        QTableWidget* t = page()->table();
        const int vitRow = tableRow("attn.proj.weight", "vit-6");
        t->scrollToItem(t->item(vitRow, 0));
        QTest::mouseClick(t->viewport(), Qt::LeftButton, {},
                          t->visualItemRect(t->item(vitRow, 0)).center());
        QTRY_COMPARE(page()->currentKind(), QString("attn.proj.weight"));
        QCOMPARE(page()->currentModel(), 1);
        const auto& proj = kindOf(page()->model(1), "attn.proj.weight");
        QCOMPARE(bars->data()->at(0)->value, 100.0 * proj.explained1);
        QVERIFY(
            page()->plotCsv(Plot::Variance).contains("vit-6.safetensors,attn.proj.weight,PC1,"));
        QVERIFY(page()->setCurrentKind(analysis::kWholeBlock));
    }

    void corruptFilesShowAnErrorAndKeepTheOthers()
    {
        QSignalSpy analysed(page(), &gui::LinearityPage::modelAnalysed);
        page()->addModel(m_truncated);
        page()->addModel(m_garbage);
        QVERIFY(page()->isBusy());
        QTRY_COMPARE_WITH_TIMEOUT(analysed.count(), 2, 30000);
        QVERIFY(!analysed.at(0).at(1).toString().isEmpty());
        QVERIFY(!analysed.at(1).at(1).toString().isEmpty());
        QVERIFY(page()->errorLabel()->isVisible());
        QVERIFY(page()->errorText().contains("truncated.safetensors"));
        QVERIFY(page()->errorText().contains("garbage.safetensors"));
        QCOMPARE(page()->errorLabel()->text(), page()->errorText());
        QVERIFY(page()->errorText().startsWith("Cannot analyse truncated.safetensors: "));
        QVERIFY(!page()->errorText().contains(m_dir.path())); // the file is named once
        QCOMPARE(page()->modelCount(), 2);
        QCOMPARE(page()->modelList()->count(), 2);
        QCOMPARE(page()->heatmapCellText(0, 0), QString("1.0000"));
        QCOMPARE(page()->heatmapCellText(0, 2), QString());
        QCOMPARE(pointsOf("des-8")->data()->size(), 8);
    }

    void exportsPngPdfAndCsv()
    {
        QTemporaryDir out;
        const int kinds = model::kBlockParamCount + 1;
        const struct {
            Plot plot;
            QString name;
            QString header;
            int rows;
        } plots[] = {
            {Plot::Pc1, "pc1", "model,kind,layer,block,pc1,fit", 8 + 6},
            {Plot::Trajectory, "trajectory", "model,kind,layer,block,pc1,pc2", 8 + 6},
            {Plot::Heatmap, "heatmap", "kind,model,r2", kinds * 2},
            {Plot::Variance, "variance", "model,kind,component,explained", 3},
        };
        for (const auto& p : plots) {
            page()->plotTabs()->setCurrentWidget(page()->plot(p.plot));
            for (const QString suffix : {"png", "pdf", "csv"}) {
                const QString path = out.filePath(p.name + "." + suffix);
                page()->exportPlot(p.plot, path);
                QVERIFY2(QFileInfo(path).size() > 0, qPrintable(path));
            }
            const QStringList lines = csvLines(out.filePath(p.name + ".csv"));
            QCOMPARE(lines.front(), p.header);
            QCOMPARE(lines.size(), 1 + p.rows);
        }
        const QStringList heat = csvLines(out.filePath("heatmap.csv"));
        QCOMPARE(heat[1], QString("norm1.weight,%1,1").arg(m_des));
        QVERIFY(heat.last().startsWith(QString("block,%1,").arg(m_vit)));
        const QStringList pc1 = csvLines(out.filePath("pc1.csv"));
        QVERIFY(pc1[1].startsWith(QString("%1,block,1,0,").arg(m_des))); // layer 1, block 0
        QVERIFY(pc1.last().startsWith(QString("%1,block,6,5,").arg(m_vit)));
        QImage png(out.filePath("heatmap.png"));
        QVERIFY(png.width() > 200 && png.height() > 100);

        // All figures of all models, as 'tleg pca' writes them.
        page()->exportResults(out.filePath("all.json"));
        const auto json =
            nlohmann::json::parse(csvLines(out.filePath("all.json")).join('\n').toStdString());
        QCOMPARE(json.size(), size_t(2));
        QCOMPARE(json[0]["kinds"].size(), size_t(kinds));
        page()->exportResults(out.filePath("all.csv"));
        QCOMPARE(csvLines(out.filePath("all.csv")).size(), 1 + (8 + 6) * kinds);
        QVERIFY_THROWS_EXCEPTION(std::exception, page()->exportResults(out.filePath("all.txt")));
        page()->plotTabs()->setCurrentIndex(0);
    }

    void removeKeepsTheOtherAndAnAuxNetIsLinear()
    {
        for (int tab = 0; tab < 4; ++tab)
            shoot(QString("two-models-%1").arg(tab), tab);
        QSignalSpy changed(page(), &gui::LinearityPage::modelsChanged);
        page()->modelList()->setCurrentRow(1);
        QTest::mouseClick(page()->removeButton(), Qt::LeftButton);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(page()->modelCount(), 1);
        QCOMPARE(page()->modelLabel(0), QString("des-8"));
        QCOMPARE(page()->plot(Plot::Pc1)->graphCount(), 2);
        QCOMPARE(page()->heatmapCellText(0, 1), QString());
        QCOMPARE(page()->heatmap()->data()->data(0, 0), 1.0);
        QCOMPARE(page()->table()->rowCount(), model::kBlockParamCount + 1);
        shoot("one-model", 2);

        // An Aux-Net's effective blocks θ_B + c_i·θ_A are linear in depth by construction.
        QSignalSpy analysed(page(), &gui::LinearityPage::modelAnalysed);
        page()->addModel(m_aux);
        QTRY_COMPARE_WITH_TIMEOUT(analysed.count(), 1, 30000);
        QCOMPARE(analysed.first().at(1).toString(), QString());
        const int aux = modelIndex("aux-4");
        QVERIFY(aux >= 0);
        for (const auto& k : page()->model(aux).kinds)
            QVERIFY2(std::abs(k.r2 - 1.0) < 1e-6, k.kind.c_str());
        QCOMPARE(pointsOf("aux-4")->data()->size(), 4);
        shoot("aux-and-des", 2);
    }

    /// The hostile model files of issue 13 opened together (the multi-file dialog, and a folder
    /// dropped): one line per file naming it, nothing hangs, and a good file opens afterwards.
    void everyKindOfBadFileIsOneLinePerFileAndThePageStaysUsable()
    {
        const QString dir = m_dir.filePath("bad");
        auto bad = testing::badModels(dir, m_vit);
        bad.erase(
            std::remove_if(bad.begin(), bad.end(), [](const auto& b) { return b.analysable; }),
            bad.end()); // a transposed matrix is still weights to analyse
        const int before = page()->modelCount();
        QSignalSpy analysed(page(), &gui::LinearityPage::modelAnalysed);
        const auto chooser = testing::onModal<QFileDialog>([&](QFileDialog* dialog) {
            dialog->setDirectory(dir);
            auto* name = dialog->findChild<QLineEdit*>("fileNameEdit");
            QStringList files;
            for (const auto& b : bad)
                if (!QFileInfo(b.path).isDir()) // a folder is entered, not chosen, in the dialog
                    files << '"' + QFileInfo(b.path).fileName() + '"';
            name->setText(files.join(' '));
            static_cast<QDialog*>(dialog)->accept();
        });
        QTest::mouseClick(page()->openButton(), Qt::LeftButton);
        QVERIFY(chooser.opened());
        for (const auto& b : bad)
            if (QFileInfo(b.path).isDir())
                page()->addModel(b.path); // the folder, as a drop would add it
        QTRY_COMPARE_WITH_TIMEOUT(analysed.count(), int(bad.size()), 60000);
        const QStringList lines = page()->errorText().split('\n');
        qInfo("%s", qPrintable(page()->errorText()));
        QCOMPARE(lines.size(), int(bad.size()));
        for (const auto& b : bad) {
            const QString name = QFileInfo(b.path).fileName();
            const QStringList mine = lines.filter(QRegularExpression(
                QStringLiteral("^Cannot analyse %1: ").arg(QRegularExpression::escape(name))));
            QVERIFY2(mine.size() == 1, qPrintable(b.what + ": " + page()->errorText()));
            QVERIFY2(testing::isOneLineNaming(mine.front(), name), qPrintable(b.what));
        }
        QCOMPARE(page()->modelCount(), before);
        QVERIFY(!page()->isBusy());

        page()->addModel(m_vit);
        QTRY_COMPARE_WITH_TIMEOUT(analysed.count(), int(bad.size()) + 1, 30000);
        QCOMPARE(analysed.last().at(1).toString(), QString());
        QCOMPARE(page()->modelCount(), before + 1);
        QVERIFY(modelIndex("vit-6") >= 0);
    }

    void cleanupTestCase()
    {
        m_page.reset(); // joins the worker thread
    }
};

QTEST_MAIN(TestLinearityPage)
#include "test_linearity_page.moc"
