#include "widgets/pages/linearity_page.h"

#include "analysis/layer_weights.h"
#include "analysis/linearity_export.h"
#include "model/block.h"
#include "train/trainer.h"
#include "util/error.h"
#include "util/files.h"
#include "widgets/plots/linearity_plots.h"
#include "widgets/plots/plot_export.h"

#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QPainter>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace tleg::gui {

/// One analysed file (or why it could not be analysed), from the worker to the page.
struct LinearityResult {
    quint64 id = 0;
    QString path;
    std::shared_ptr<const analysis::ModelLinearity> model; // null on error
    QString error;
};

} // namespace tleg::gui

Q_DECLARE_METATYPE(tleg::gui::LinearityResult)

namespace tleg::gui {

/// Lives on the page's worker thread and analyses one file per queued call, in order.
class LinearityWorker : public QObject {
    Q_OBJECT
public:
    void analyse(quint64 id, const QString& path, int threads)
    {
        // Grad mode and intra-op threads are per thread in LibTorch: set them here.
        torch::NoGradGuard noGrad;
        train::applyThreads(threads);
        LinearityResult r;
        r.id = id;
        r.path = path;
        try {
            r.model = std::make_shared<const analysis::ModelLinearity>(
                analysis::analyseLinearity(analysis::loadLayerWeights(path.toStdString())));
        } catch (const std::exception& e) { // tleg::Error, LibTorch's errors, bad_alloc alike
            r.error = QString::fromStdString(e.what());
        }
        Q_EMIT done(r);
    }

Q_SIGNALS:
    void done(const tleg::gui::LinearityResult& result);
};

namespace {

/// matplotlib's tab10: the colours people know from the paper's kind of figure.
const QColor kPalette[] = {{31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},
                           {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {127, 127, 127},
                           {188, 189, 34},  {23, 190, 207}};

int kindOrder(const std::string& kind)
{
    if (kind == analysis::kWholeBlock)
        return model::kBlockParamCount + 1;
    for (int p = 0; p < model::kBlockParamCount; ++p)
        if (kind == model::blockParamName(p))
            return p;
    return model::kBlockParamCount;
}

QString fixedOrNa(double v, int decimals)
{
    return std::isnan(v) ? LinearityPage::tr("n/a") : QString::number(v, 'f', decimals);
}

QTableWidgetItem* numberItem(const QString& text, double value, const std::string& note)
{
    auto* item = new QTableWidgetItem(text);
    item->setData(Qt::UserRole, value);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    if (std::isnan(value) && !note.empty())
        item->setToolTip(QString::fromStdString(note));
    return item;
}

QIcon swatch(const QColor& colour)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setPen(colour.darker(130));
    painter.setBrush(colour);
    painter.drawRect(0, 0, 11, 11);
    return QIcon(pixmap);
}

} // namespace

LinearityPage::LinearityPage(AppState& state, QWidget* parent)
    : QWidget(parent), m_state(state), m_thread(new QThread(this)), m_worker(new LinearityWorker)
{
    qRegisterMetaType<tleg::gui::LinearityResult>();
    setAcceptDrops(true);
    auto* layout = new QVBoxLayout(this);

    auto* actions = new QHBoxLayout;
    m_open = new QPushButton(tr("Open…"), this);
    m_open->setObjectName("linearityOpen");
    m_open->setToolTip(tr("Checkpoints to analyse: safetensors (ancestry, Aux-Net, Des-Net, "
                          "timm, torchvision or Hugging Face names) or TorchScript"));
    m_remove = new QPushButton(tr("Remove"), this);
    m_remove->setObjectName("linearityRemove");
    m_export = new QPushButton(tr("Export results…"), this);
    m_export->setObjectName("linearityExport");
    m_export->setToolTip(tr("Every figure of every model as JSON, or the per-layer points as "
                            "CSV (as 'tleg pca' writes them)"));
    m_kind = new QComboBox(this);
    m_kind->setObjectName("linearityKind");
    m_kind->setMinimumWidth(170);
    m_kind->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto* kindLabel = new QLabel(tr("Parameter kind:"), this);
    kindLabel->setBuddy(m_kind);
    actions->addWidget(m_open);
    actions->addWidget(m_remove);
    actions->addWidget(m_export);
    actions->addStretch(1);
    actions->addWidget(kindLabel);
    actions->addWidget(m_kind);
    layout->addLayout(actions);

    m_status = new QLabel(this);
    m_status->setObjectName("linearityStatus");
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_error = new QLabel(this);
    m_error->setObjectName("linearityError");
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->setVisible(false);
    layout->addWidget(m_error);

    m_list = new QListWidget(this);
    m_list->setObjectName("linearityModels");
    m_list->setMinimumWidth(150);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName("linearityPlots");
    m_pc1 = new QCustomPlot(m_tabs);
    m_pc1->setObjectName("linearityPc1Plot");
    m_trajectory = new QCustomPlot(m_tabs);
    m_trajectory->setObjectName("linearityTrajectoryPlot");
    m_heat = new QCustomPlot(m_tabs);
    m_heat->setObjectName("linearityHeatmapPlot");
    m_variance = new QCustomPlot(m_tabs);
    m_variance->setObjectName("linearityVariancePlot");
    setupPc1Plot(m_pc1);
    setupTrajectoryPlot(m_trajectory);
    m_heatmap = setupHeatmap(m_heat);
    setupVariancePlot(m_variance);
    m_tabs->addTab(m_pc1, tr("PC1 against depth"));
    m_tabs->addTab(m_trajectory, tr("PC1–PC2 trajectory"));
    m_tabs->addTab(m_heat, tr("R² heat map"));
    m_tabs->addTab(m_variance, tr("Explained variance"));
    for (const Plot p : {Plot::Pc1, Plot::Trajectory, Plot::Heatmap, Plot::Variance})
        installPlotExport(plot(p), [this, p] { return plotCsv(p); });

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName("linearityTable");
    m_table->setHorizontalHeaderLabels({tr("Kind"), tr("Model"), tr("R²"), tr("Slope"),
                                        tr("PC1 var. %"), tr("PC2 var. %"), tr("Residual")});
    m_table->horizontalHeaderItem(ResidualColumn)
        ->setToolTip(tr("How far the weights are from the best θ_l = θ_B + (l/L)·θ_A a "
                        "learngene could express: ‖X − fit‖ / ‖X − mean‖ (0 = exactly linear)"));
    m_table->horizontalHeaderItem(R2Column)->setToolTip(
        tr("R² of a straight line through PC1 against layer index"));
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(KindColumn, QHeaderView::ResizeToContents);

    auto* top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(m_list);
    top->addWidget(m_tabs);
    top->setStretchFactor(1, 1);
    top->setSizes({190, 700});
    auto* split = new QSplitter(Qt::Vertical, this);
    split->setObjectName("linearitySplitter");
    split->addWidget(top);
    split->addWidget(m_table);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setSizes({330, 160});
    layout->addWidget(split, 1);

    m_worker->moveToThread(m_thread);
    m_thread->setObjectName("linearityWorker");
    connect(m_worker, &LinearityWorker::done, this, &LinearityPage::onResult);
    m_thread->start();

    connect(m_open, &QPushButton::clicked, this, &LinearityPage::browse);
    connect(m_remove, &QPushButton::clicked, this, [this] { removeModel(m_list->currentRow()); });
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export linearity results"),
            QDir(m_state.runFolder).filePath(QStringLiteral("linearity.json")),
            tr("JSON, every figure (*.json);;CSV, per-layer points (*.csv)"));
        if (path.isEmpty())
            return;
        try {
            exportResults(path);
            Q_EMIT logged(tr("linearity results written to %1").arg(path));
        } catch (const std::exception& e) {
            showError(QString::fromStdString(e.what()));
        }
    });
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        refreshPlots();
        refreshTable();
    });
    connect(m_list, &QListWidget::currentRowChanged, this, [this] {
        refreshPlots();
        updateEnabled();
    });
    connect(m_table, &QTableWidget::cellClicked, this, &LinearityPage::selectFromTable);
    refreshAll();
}

LinearityPage::~LinearityPage()
{
    // The queue is dropped; the file being analysed is finished (the core has no stop flag).
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
}

void LinearityPage::browse()
{
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Open checkpoints"), m_state.runFolder,
        tr("Checkpoints (*.safetensors *.pt *.pth *.ts);;All files (*)"));
    if (paths.isEmpty())
        return;
    m_errors.clear(); // a new choice of files: old errors no longer apply
    m_error->clear();
    m_error->setVisible(false);
    for (const QString& p : paths)
        addModel(p);
}

void LinearityPage::addModel(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    for (size_t i = 0; i < m_entries.size(); ++i) {
        if (m_entries[i].path == absolute) { // already open: show it rather than twice
            m_list->setCurrentRow(int(i));
            return;
        }
    }
    Entry e;
    e.id = m_nextId++;
    e.path = absolute;
    // The first colour no open model uses: a model keeps its colour while others come and go.
    e.colour = kPalette[(e.id - 1) % std::size(kPalette)];
    for (const QColor& c : kPalette) {
        if (std::none_of(m_entries.begin(), m_entries.end(),
                         [&](const Entry& o) { return o.colour == c; })) {
            e.colour = c;
            break;
        }
    }
    m_entries.push_back(e);
    const int threads = m_state.threads;
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker, id = e.id, absolute, threads] { w->analyse(id, absolute, threads); },
        Qt::QueuedConnection);
    Q_EMIT logged(tr("linearity: analysing %1").arg(absolute));
    refreshList();
    updateEnabled();
}

void LinearityPage::removeModel(int row)
{
    if (row < 0 || row >= int(m_entries.size()))
        return;
    // A result still on its way for this entry finds no id and is dropped.
    m_entries.erase(m_entries.begin() + row);
    refreshAll();
    Q_EMIT modelsChanged();
}

void LinearityPage::onResult(const LinearityResult& r)
{
    auto it = std::find_if(m_entries.begin(), m_entries.end(),
                           [&](const Entry& e) { return e.id == r.id; });
    if (it == m_entries.end())
        return; // removed while it was being analysed
    if (!r.model) {
        m_entries.erase(it);
        // The core's message starts with the path; the page names the file once.
        QString why = r.error;
        const QString prefix = r.path + QStringLiteral(": ");
        if (why.startsWith(prefix))
            why = why.mid(prefix.size());
        showError(tr("Cannot analyse %1: %2").arg(QFileInfo(r.path).fileName(), why));
        Q_EMIT logged(tr("linearity: failed: %1").arg(r.error));
    } else {
        it->result = r.model;
        const auto& kinds = r.model->kinds;
        const double blockR2 = kinds.empty() ? NAN : kinds.back().r2;
        Q_EMIT logged(tr("linearity: %1: %2 blocks, whole-block R² %3")
                          .arg(r.path)
                          .arg(r.model->blockIndices.size())
                          .arg(r2Text(blockR2)));
    }
    refreshAll();
    Q_EMIT modelAnalysed(r.path, r.error);
    Q_EMIT modelsChanged();
}

void LinearityPage::showError(const QString& message)
{
    m_errors << message;
    m_error->setText(m_errors.join(QLatin1Char('\n')));
    m_error->setVisible(true);
}

void LinearityPage::refreshAll()
{
    refreshList();
    refreshKinds(); // keeps the chosen kind when it still exists
    refreshPlots();
    refreshTable();
    updateEnabled();
}

void LinearityPage::refreshList()
{
    // Labels: the file's base name, with its folder when two files share one or when the name
    // says nothing by itself (runs/<run>/model.safetensors, Hugging Face's model.safetensors).
    static const QStringList generic = {QStringLiteral("model"), QStringLiteral("checkpoint"),
                                        QStringLiteral("pytorch_model")};
    for (auto& e : m_entries) {
        const QFileInfo info(e.path);
        e.label = info.completeBaseName();
        const bool shared =
            std::count_if(
                m_entries.begin(), m_entries.end(),
                [&](const Entry& o) { return QFileInfo(o.path).completeBaseName() == e.label; })
            > 1;
        if (shared || generic.contains(e.label))
            e.label = info.dir().dirName() + QLatin1Char('/') + e.label;
    }
    const int current = m_list->currentRow();
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    for (const auto& e : m_entries) {
        auto* item = new QListWidgetItem(swatch(e.colour),
                                         e.result ? e.label : tr("%1 (analysing…)").arg(e.label));
        if (e.result) {
            const auto& m = *e.result;
            item->setToolTip(tr("%1\n%2\n%3 blocks, %4 parameters")
                                 .arg(e.path, QString::fromStdString(m.description))
                                 .arg(m.blockIndices.size())
                                 .arg(m.totalParameters));
        } else {
            item->setToolTip(e.path);
            item->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
        }
        m_list->addItem(item);
    }
    const int count = m_list->count();
    m_list->setCurrentRow(count == 0 ? -1 : std::clamp(current < 0 ? 0 : current, 0, count - 1));

    const int done = modelCount(), queued = int(m_entries.size()) - done;
    if (queued > 0)
        m_status->setText(tr("Analysing %n file(s) on a background thread…", nullptr, queued));
    else if (done > 0)
        m_status->setText(tr("%n model(s). A linearly expanded model scores R² = 1 for every "
                             "kind; click a table row to show it, hover a heat-map cell to "
                             "name it.",
                             nullptr, done));
    else
        m_status->setText(tr("Open one or more checkpoints to see how their weights change "
                             "with depth (paper Fig. 1): PCA of the per-layer weights of each "
                             "kind, and how well a straight line explains PC1."));
}

void LinearityPage::refreshKinds()
{
    std::vector<std::string> kinds;
    for (const Entry* e : analysed())
        for (const auto& k : e->result->kinds)
            if (std::find(kinds.begin(), kinds.end(), k.kind) == kinds.end())
                kinds.push_back(k.kind);
    std::stable_sort(kinds.begin(), kinds.end(),
                     [](const auto& a, const auto& b) { return kindOrder(a) < kindOrder(b); });
    const QString current = currentKind();
    const QSignalBlocker blocker(m_kind);
    m_kind->clear();
    for (const auto& k : kinds)
        m_kind->addItem(kindDisplayName(k), QString::fromStdString(k));
    // The whole block is the headline figure; a kind the user chose stays chosen.
    int index = m_kind->findData(current);
    if (index < 0)
        index = m_kind->findData(QString::fromLatin1(analysis::kWholeBlock));
    m_kind->setCurrentIndex(index < 0 ? 0 : index);
}

std::vector<const LinearityPage::Entry*> LinearityPage::analysed() const
{
    std::vector<const Entry*> out;
    for (const auto& e : m_entries)
        if (e.result)
            out.push_back(&e);
    return out;
}

std::string LinearityPage::kindKey() const
{
    return currentKind().toStdString();
}

std::vector<LinearitySeries> LinearityPage::seriesOf(const std::string& kind) const
{
    std::vector<LinearitySeries> out;
    for (const Entry* e : analysed()) {
        LinearitySeries s;
        s.label = e->label;
        s.path = e->path;
        s.colour = e->colour;
        s.model = e->result.get();
        for (const auto& k : e->result->kinds)
            if (k.kind == kind)
                s.kind = &k;
        out.push_back(s);
    }
    return out;
}

R2Grid LinearityPage::grid() const
{
    R2Grid g;
    for (int i = 0; i < m_kind->count(); ++i)
        g.kinds.push_back(m_kind->itemData(i).toString().toStdString());
    const auto models = analysed();
    for (const Entry* e : models) {
        g.labels << e->label;
        g.paths << e->path;
    }
    g.r2.assign(g.kinds.size() * models.size(), NAN);
    for (size_t k = 0; k < g.kinds.size(); ++k)
        for (size_t m = 0; m < models.size(); ++m)
            for (const auto& kl : models[m]->result->kinds)
                if (kl.kind == g.kinds[k])
                    g.r2[k * models.size() + m] = kl.r2;
    return g;
}

void LinearityPage::refreshPlots()
{
    const auto series = seriesOf(kindKey());
    drawPc1(m_pc1, series);
    drawTrajectory(m_trajectory, series);
    drawHeatmap(m_heat, m_heatmap, grid());
    const int row = currentModel();
    const LinearitySeries* selected = nullptr;
    if (row >= 0)
        for (const auto& s : series)
            if (s.path == m_entries[size_t(row)].path)
                selected = &s;
    drawVariance(m_variance, selected);
}

void LinearityPage::refreshTable()
{
    const std::string chosen = kindKey();
    const QSignalBlocker blocker(m_table);
    m_table->setRowCount(0);
    const auto models = analysed();
    for (int i = 0; i < m_kind->count(); ++i) {
        const std::string kind = m_kind->itemData(i).toString().toStdString();
        for (const Entry* e : models) {
            for (const auto& k : e->result->kinds) {
                if (k.kind != kind)
                    continue;
                const int row = m_table->rowCount();
                m_table->insertRow(row);
                auto* kindItem = new QTableWidgetItem(kindDisplayName(k.kind));
                kindItem->setData(Qt::UserRole, QString::fromStdString(k.kind));
                auto* modelItem = new QTableWidgetItem(swatch(e->colour), e->label);
                modelItem->setData(Qt::UserRole, e->path);
                modelItem->setToolTip(e->path);
                m_table->setItem(row, KindColumn, kindItem);
                m_table->setItem(row, ModelColumn, modelItem);
                m_table->setItem(row, R2Column, numberItem(r2Text(k.r2), k.r2, k.note));
                m_table->setItem(
                    row, SlopeColumn,
                    numberItem(std::isnan(k.slope) ? tr("n/a") : QString::number(k.slope, 'e', 3),
                               k.slope, k.note));
                m_table->setItem(
                    row, Explained1Column,
                    numberItem(fixedOrNa(100 * k.explained1, 2), k.explained1, k.note));
                m_table->setItem(
                    row, Explained2Column,
                    numberItem(fixedOrNa(100 * k.explained2, 2), k.explained2, k.note));
                m_table->setItem(row, ResidualColumn,
                                 numberItem(fixedOrNa(k.residual, 4), k.residual, k.note));
                if (kind == chosen) { // the rows the plots show stand out
                    for (int c = 0; c < ColumnCount; ++c) {
                        QFont f = m_table->item(row, c)->font();
                        f.setBold(true);
                        m_table->item(row, c)->setFont(f);
                    }
                }
            }
        }
    }
}

void LinearityPage::selectFromTable(int row)
{
    if (row < 0 || row >= m_table->rowCount())
        return;
    const QString kind = m_table->item(row, KindColumn)->data(Qt::UserRole).toString();
    const QString path = m_table->item(row, ModelColumn)->data(Qt::UserRole).toString();
    for (size_t i = 0; i < m_entries.size(); ++i)
        if (m_entries[i].path == path)
            m_list->setCurrentRow(int(i));
    // Changing the kind rebuilds the table: not from inside its own click handler.
    QMetaObject::invokeMethod(
        this, [this, kind] { setCurrentKind(kind); }, Qt::QueuedConnection);
}

void LinearityPage::updateEnabled()
{
    const bool any = modelCount() > 0;
    m_remove->setEnabled(m_list->currentRow() >= 0);
    m_export->setEnabled(any);
    m_kind->setEnabled(any);
}

void LinearityPage::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void LinearityPage::dropEvent(QDropEvent* event)
{
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            addModel(url.toLocalFile());
    event->acceptProposedAction();
}

void LinearityPage::exportPlot(Plot which, const QString& path)
{
    gui::exportPlot(plot(which), path, [this, which] { return plotCsv(which); });
}

void LinearityPage::exportResults(const QString& path) const
{
    std::vector<analysis::ModelLinearity> models;
    for (const Entry* e : analysed())
        models.push_back(*e->result);
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("json"))
        writeTextAtomic(path.toStdString(), analysis::linearityJson(models).dump(2) + "\n");
    else if (suffix == QLatin1String("csv"))
        writeTextAtomic(path.toStdString(), analysis::linearityCsv(models));
    else
        throw fileError(path.toStdString(),
                        "unknown format for linearity results (use .json or .csv)");
}

int LinearityPage::modelCount() const
{
    return int(analysed().size());
}

const analysis::ModelLinearity& LinearityPage::model(int index) const
{
    return *analysed().at(size_t(index))->result;
}

QString LinearityPage::modelLabel(int index) const
{
    return analysed().at(size_t(index))->label;
}

QStringList LinearityPage::modelPaths() const
{
    QStringList out;
    for (const auto& e : m_entries)
        out << e.path;
    return out;
}

bool LinearityPage::isBusy() const
{
    return std::any_of(m_entries.begin(), m_entries.end(),
                       [](const Entry& e) { return !e.result; });
}

QString LinearityPage::currentKind() const
{
    return m_kind->currentData().toString();
}

bool LinearityPage::setCurrentKind(const QString& kind)
{
    const int index = m_kind->findData(kind);
    if (index < 0)
        return false;
    m_kind->setCurrentIndex(index);
    return true;
}

int LinearityPage::currentModel() const
{
    const int row = m_list->currentRow();
    if (row >= 0 && row < int(m_entries.size()) && m_entries[size_t(row)].result)
        return row;
    for (size_t i = 0; i < m_entries.size(); ++i)
        if (m_entries[i].result)
            return int(i);
    return -1;
}

QString LinearityPage::errorText() const
{
    return m_errors.join(QLatin1Char('\n'));
}

QCustomPlot* LinearityPage::plot(Plot which) const
{
    switch (which) {
    case Plot::Pc1:
        return m_pc1;
    case Plot::Trajectory:
        return m_trajectory;
    case Plot::Heatmap:
        return m_heat;
    case Plot::Variance:
        return m_variance;
    }
    return nullptr;
}

QString LinearityPage::plotCsv(Plot which) const
{
    switch (which) {
    case Plot::Pc1:
        return pc1Csv(seriesOf(kindKey()));
    case Plot::Trajectory:
        return trajectoryCsv(seriesOf(kindKey()));
    case Plot::Heatmap:
        return heatmapCsv(grid());
    case Plot::Variance: {
        const int row = currentModel();
        for (const auto& s : seriesOf(kindKey()))
            if (row >= 0 && s.path == m_entries[size_t(row)].path)
                return varianceCsv(&s);
        return varianceCsv(nullptr);
    }
    }
    return {};
}

QStringList LinearityPage::heatmapKinds() const
{
    QStringList out;
    for (const auto& k : grid().kinds)
        out << QString::fromStdString(k);
    return out;
}

QString LinearityPage::heatmapCellText(int kindRow, int modelColumn) const
{
    for (int i = 0; i < m_heat->itemCount(); ++i) {
        const auto* text = qobject_cast<QCPItemText*>(m_heat->item(i));
        if (text && std::lround(text->position->key()) == modelColumn
            && std::lround(text->position->value()) == kindRow)
            return text->text();
    }
    return {};
}

} // namespace tleg::gui

#include "linearity_page.moc"
