#include "widgets/pages/linearity_page.h"

#include "analysis/layer_weights.h"
#include "analysis/linearity_export.h"
#include "train/trainer.h"
#include "util/error.h"
#include "util/files.h"
#include "widgets/background_task.h"
#include "widgets/icons.h"
#include "widgets/plots/linearity_plots.h"
#include "widgets/plots/plot_export.h"
#include "widgets/text_format.h"

#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace tleg::gui {

namespace {

/// Loads path's per-layer weights and analyses them; runs in the background.
std::shared_ptr<const analysis::ModelLinearity> analyse(const std::string& path, int threads)
{
    // Grad mode and intra-op threads are per thread in LibTorch: set them here.
    torch::NoGradGuard noGrad;
    train::applyThreads(threads);
    return std::make_shared<const analysis::ModelLinearity>(
        analysis::analyseLinearity(analysis::loadLayerWeights(path)));
}

} // namespace

LinearityPage::LinearityPage(AppState& state, QWidget* parent) : QWidget(parent), m_state(state)
{
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName("linearityPool");
    setAcceptDrops(true);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buildActions());
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
    auto* top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(m_list);
    m_tabs = new LinearityPlotTabs([this](Plot p) { return plotCsv(p); }, this);
    m_tabs->setObjectName("linearityPlots");
    top->addWidget(m_tabs);
    top->setStretchFactor(1, 1);
    top->setSizes({190, 700});
    auto* split = new QSplitter(Qt::Vertical, this);
    split->setObjectName("linearitySplitter");
    split->addWidget(top);
    m_table = new LinearityTable(this);
    m_table->setObjectName("linearityTable");
    split->addWidget(m_table);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setSizes({330, 160});
    layout->addWidget(split, 1);

    connect(m_open, &QPushButton::clicked, this, &LinearityPage::browse);
    connect(m_remove, &QPushButton::clicked, this, [this] { removeModel(m_list->currentRow()); });
    connect(m_export, &QPushButton::clicked, this, &LinearityPage::exportChosen);
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

QLayout* LinearityPage::buildActions()
{
    auto* actions = new QHBoxLayout;
    m_open = new QPushButton(this);
    m_open->setObjectName("linearityOpen");
    m_open->setIcon(icon(Icon::Open));
    m_remove = new QPushButton(this);
    m_remove->setObjectName("linearityRemove");
    m_export = new QPushButton(this);
    m_export->setObjectName("linearityExport");
    m_export->setIcon(icon(Icon::Export));
    m_kind = new QComboBox(this);
    m_kind->setObjectName("linearityKind");
    m_kind->setMinimumWidth(170);
    m_kind->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto* kindLabel = new QLabel(this);
    m_texts.set([this, kindLabel] {
        m_open->setText(tr("Open…"));
        m_open->setToolTip(tr("Checkpoints to analyse: safetensors (ancestry, Aux-Net, Des-Net, "
                              "timm, torchvision or Hugging Face names) or TorchScript"));
        m_remove->setText(tr("Remove"));
        m_export->setText(tr("Export results…"));
        m_export->setToolTip(tr("Every figure of every model as JSON, or the per-layer points "
                                "as CSV (as 'tleg pca' writes them)"));
        kindLabel->setText(tr("Parameter kind:"));
    });
    kindLabel->setBuddy(m_kind);
    actions->addWidget(m_open);
    actions->addWidget(m_remove);
    actions->addWidget(m_export);
    actions->addStretch(1);
    actions->addWidget(kindLabel);
    actions->addWidget(m_kind);
    return actions;
}

void LinearityPage::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) {
        m_texts.retranslate();
        refreshAll(); // the list, the kinds ("whole block"), the plots and the table
    }
    QWidget::changeEvent(event);
}

LinearityPage::~LinearityPage()
{
    // The queue is dropped; the file being analysed is finished (the core has no stop flag).
    m_pool.clear();
    m_pool.waitForDone();
}

void LinearityPage::exportChosen()
{
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
        showError(gui::errorText(e));
    }
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
    if (const auto row = m_models.paths().indexOf(absolute); row >= 0) {
        m_list->setCurrentRow(static_cast<int>(row)); // already open: show it rather than twice
        return;
    }
    const quint64 id = m_models.add(absolute);
    auto work = [file = absolute.toStdString(), threads = m_state.threads] {
        return analyse(file, threads);
    };
    using Result = TaskResult<std::shared_ptr<const analysis::ModelLinearity>>;
    runInBackground(
        this, work,
        [this, id, absolute](Result r) {
            onAnalysed(id, absolute, r.ok() ? *r.value : nullptr, r.error);
        },
        &m_pool);
    Q_EMIT logged(tr("linearity: analysing %1").arg(absolute));
    refreshList();
    updateEnabled();
}

void LinearityPage::removeModel(int row)
{
    if (row < 0 || row >= static_cast<int>(m_models.entries().size()))
        return;
    // A result still on its way for this entry finds no id and is dropped.
    m_models.removeRow(row);
    refreshAll();
    Q_EMIT modelsChanged();
}

void LinearityPage::onAnalysed(quint64 id, const QString& path,
                               std::shared_ptr<const analysis::ModelLinearity> model,
                               const QString& error)
{
    const auto& entries = m_models.entries();
    if (std::none_of(entries.begin(), entries.end(), [&](const auto& e) { return e.id == id; }))
        return; // removed while it was being analysed
    if (!model) {
        m_models.removeId(id);
        // The core's message starts with the path; the page names the file once.
        QString why = error;
        const QString prefix = path + QStringLiteral(": ");
        if (why.startsWith(prefix))
            why = why.mid(prefix.size());
        showError(tr("Cannot analyse %1: %2").arg(QFileInfo(path).fileName(), why));
        Q_EMIT logged(tr("linearity: failed: %1").arg(error));
    } else {
        m_models.setResult(id, model);
        const auto& kinds = model->kinds;
        const double blockR2 = kinds.empty() ? NAN : kinds.back().r2;
        const double chance = kinds.empty() ? NAN : kinds.back().r2Chance;
        Q_EMIT logged(tr("linearity: %1: %2 blocks, whole-block R² %3 (chance level %4)")
                          .arg(path)
                          .arg(model->blockIndices.size())
                          .arg(r2Text(blockR2), r2Text(chance)));
    }
    refreshAll();
    Q_EMIT modelAnalysed(path, error);
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
    const int current = m_list->currentRow();
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    for (const auto& e : m_models.entries()) {
        auto* item = new QListWidgetItem(colourSwatch(e.colour),
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
    refreshStatus();
}

void LinearityPage::refreshStatus()
{
    const int done = modelCount();
    const int queued = static_cast<int>(m_models.entries().size()) - done;
    if (queued > 0)
        m_status->setText(withPlural(
            tr("Analysing %n file(s) on a background thread…", nullptr, queued), queued));
    else if (done > 0)
        m_status->setText(withPlural(tr("%n model(s). A linearly expanded model scores R² = 1 "
                                        "for every kind; click a table row to show it, hover a "
                                        "heat-map cell to name it.",
                                        nullptr, done),
                                     done));
    else
        m_status->setText(tr("Open one or more checkpoints to see how their weights change "
                             "with depth (paper Fig. 1): PCA of the per-layer weights of each "
                             "kind, and how well a straight line explains PC1."));
}

void LinearityPage::refreshKinds()
{
    const QString current = currentKind();
    const QSignalBlocker blocker(m_kind);
    m_kind->clear();
    for (const auto& k : m_models.kinds())
        m_kind->addItem(kindDisplayName(k), QString::fromStdString(k));
    // The whole block is the headline figure; a kind the user chose stays chosen.
    int index = m_kind->findData(current);
    if (index < 0)
        index = m_kind->findData(QString::fromLatin1(analysis::kWholeBlock));
    m_kind->setCurrentIndex(index < 0 ? 0 : index);
}
std::string LinearityPage::kindKey() const
{
    return currentKind().toStdString();
}

std::vector<std::string> LinearityPage::shownKinds() const
{
    std::vector<std::string> kinds;
    for (int i = 0; i < m_kind->count(); ++i)
        kinds.push_back(m_kind->itemData(i).toString().toStdString());
    return kinds;
}
R2Grid LinearityPage::grid() const
{
    return m_models.grid(shownKinds());
}

const LinearitySeries*
LinearityPage::selectedSeries(const std::vector<LinearitySeries>& series) const
{
    const int row = currentModel();
    if (row < 0)
        return nullptr;
    for (const auto& s : series)
        if (s.path == m_models.entries()[static_cast<size_t>(row)].path)
            return &s;
    return nullptr;
}
void LinearityPage::refreshPlots()
{
    const auto series = m_models.seriesOf(kindKey());
    m_tabs->draw(series, grid(), selectedSeries(series));
}
void LinearityPage::refreshTable()
{
    m_table->showModels(m_models.analysed(), shownKinds(), kindKey());
}

void LinearityPage::selectFromTable(int row)
{
    if (row < 0 || row >= m_table->rowCount())
        return;
    const QString kind = m_table->kindAt(row);
    if (const auto listRow = m_models.paths().indexOf(m_table->pathAt(row)); listRow >= 0)
        m_list->setCurrentRow(static_cast<int>(listRow));
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
    for (const auto* e : m_models.analysed())
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
    return static_cast<int>(m_models.analysed().size());
}
const analysis::ModelLinearity& LinearityPage::model(int index) const
{
    return *m_models.analysed().at(static_cast<size_t>(index))->result;
}
QString LinearityPage::modelLabel(int index) const
{
    return m_models.analysed().at(static_cast<size_t>(index))->label;
}
QStringList LinearityPage::modelPaths() const
{
    return m_models.paths();
}
bool LinearityPage::isBusy() const
{
    return m_models.isBusy();
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
    const auto& entries = m_models.entries();
    const int row = m_list->currentRow();
    if (row >= 0 && row < static_cast<int>(entries.size()) && entries[size_t(row)].result)
        return row;
    for (size_t i = 0; i < entries.size(); ++i)
        if (entries[i].result)
            return static_cast<int>(i);
    return -1;
}
QString LinearityPage::errorText() const
{
    return m_errors.join(QLatin1Char('\n'));
}

QString LinearityPage::plotCsv(Plot which) const
{
    switch (which) {
    case Plot::Pc1:
        return pc1Csv(m_models.seriesOf(kindKey()));
    case Plot::Trajectory:
        return trajectoryCsv(m_models.seriesOf(kindKey()));
    case Plot::Heatmap:
        return heatmapCsv(grid());
    case Plot::Variance:
        return varianceCsv(selectedSeries(m_models.seriesOf(kindKey())));
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

} // namespace tleg::gui
