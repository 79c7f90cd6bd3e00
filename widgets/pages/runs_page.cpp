#include "widgets/pages/runs_page.h"
#include "widgets/text_format.h"

#include "widgets/pages/experiment_panel.h"
#include "widgets/plots/plot_export.h"

#include <QAction>
#include <QCollator>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QThread>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>

namespace tleg::gui {

namespace {

constexpr int kFolderRole = Qt::UserRole;   // on the Name item: the run's folder key
constexpr int kSortRole = Qt::UserRole + 1; // numeric sort key of number columns
constexpr int kDebounceMs = 500;            // a checkpoint write touches a folder several times
constexpr int kMaxWatched = 4000;           // inotify watches are a per-user resource

/// Numbers sort as numbers, names in natural order ("des-2" before "des-10").
class RunItem : public QTableWidgetItem {
public:
    using QTableWidgetItem::QTableWidgetItem;
    bool operator<(const QTableWidgetItem& other) const override
    {
        const QVariant a = data(kSortRole), b = other.data(kSortRole);
        if (a.isValid() && b.isValid())
            return a.toDouble() < b.toDouble();
        static const QCollator collator = [] {
            QCollator c;
            c.setNumericMode(true);
            c.setCaseSensitivity(Qt::CaseInsensitive);
            return c;
        }();
        return collator.compare(text(), other.text()) < 0;
    }
};

/// Ten colours that stay apart from each other (matplotlib's tab10).
QColor runColour(int i)
{
    static const QColor colours[] = {
        {31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
        {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
    return colours[i % 10];
}

QString csvField(const QString& s)
{
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"'))
        && !s.contains(QLatin1Char('\n')))
        return s;
    QString quoted = s;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString number(double v)
{
    return QString::number(v, 'g', 10);
}

void setUpPlot(QCustomPlot* plot, const QString& title, const QString& yLabel)
{
    plot->setMinimumHeight(200);
    plot->plotLayout()->insertRow(0);
    QFont bold = plot->font();
    bold.setBold(true);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title, bold));
    plot->xAxis->setLabel(RunsPage::tr("epoch"));
    plot->yAxis->setLabel(yLabel);
    QSharedPointer<QCPAxisTickerFixed> epochTicks(new QCPAxisTickerFixed);
    epochTicks->setTickStep(1.0);
    epochTicks->setScaleStrategy(QCPAxisTickerFixed::ssMultiples); // readable at 300 epochs
    plot->xAxis->setTicker(epochTicks);
    plot->xAxis->setRange(0.5, 2.5);
    plot->legend->setVisible(false);
    QFont legendFont = plot->font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.85);
    plot->legend->setFont(legendFont);
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    installPlotExport(plot);
}

} // namespace

RunsPage::RunsPage(AppState& state, JobRunner* runner, QWidget* parent)
    : QWidget(parent), m_state(state)
{
    auto* runsTab = new QWidget(this);
    auto* layout = new QVBoxLayout(runsTab);

    auto* top = new QHBoxLayout;
    m_summary = new QLabel(this);
    m_summary->setObjectName("runsSummary");
    m_summary->setTextFormat(Qt::PlainText);
    // A long run-folder path must not widen the window: the line wraps, the buttons keep their
    // room, and the tooltip has the whole text.
    m_summary->setWordWrap(true);
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_refresh->setObjectName("runsRefresh");
    m_rename = new QPushButton(tr("Rename…"), this);
    m_rename->setObjectName("runsRename");
    m_delete = new QPushButton(tr("Delete…"), this);
    m_delete->setObjectName("runsDelete");
    m_open = new QPushButton(tr("Open folder"), this);
    m_open->setObjectName("runsOpenFolder");
    m_export = new QPushButton(tr("Export CSV…"), this);
    m_export->setObjectName("runsExportCsv");
    top->addWidget(m_summary, 1);
    for (auto* b : {m_refresh, m_rename, m_delete, m_open, m_export})
        top->addWidget(b);
    layout->addLayout(top);

    m_error = new QLabel(this);
    m_error->setObjectName("runsError");
    m_error->setStyleSheet("color: #c62828;");
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setVisible(false);
    layout->addWidget(m_error);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    m_table = new QTableWidget(0, Columns, splitter);
    m_table->setObjectName("runsTable");
    m_table->setHorizontalHeaderLabels({tr("Name"), tr("Kind"), tr("Depth"), tr("Parameters"),
                                        tr("Epochs"), tr("Best top-1 (%)"), tr("Last top-1 (%)"),
                                        tr("Duration"), tr("State")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setVisible(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    auto* header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(Name, QHeaderView::Stretch);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(Name, Qt::AscendingOrder);

    auto* plots = new QWidget(splitter);
    auto* plotsLayout = new QHBoxLayout(plots);
    plotsLayout->setContentsMargins(0, 0, 0, 0);
    m_top1Plot = new QCustomPlot(plots);
    m_top1Plot->setObjectName("runsTop1Plot");
    setUpPlot(m_top1Plot, tr("Validation top-1"), tr("top-1 (%)"));
    m_lossPlot = new QCustomPlot(plots);
    m_lossPlot->setObjectName("runsLossPlot");
    setUpPlot(m_lossPlot, tr("Training loss"), tr("loss"));
    plotsLayout->addWidget(m_top1Plot);
    plotsLayout->addWidget(m_lossPlot);
    splitter->addWidget(m_table);
    splitter->addWidget(plots);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    if (runner) {
        m_tabs = new QTabWidget(this);
        m_tabs->setObjectName("runsTabs");
        m_tabs->addTab(runsTab, tr("Runs"));
        m_experiments = new ExperimentPanel(state, *runner, m_tabs);
        m_tabs->addTab(m_experiments, tr("Experiments"));
        outer->addWidget(m_tabs);
        // The models an experiment trained are runs too (under experiments/cache).
        connect(m_experiments, &ExperimentPanel::experimentEnded, this, &RunsPage::refresh);
    } else {
        outer->addWidget(runsTab);
    }

    // Keyboard: F2 renames, Delete deletes (after asking), as in a file manager.
    auto* renameAction = new QAction(tr("Rename…"), m_table);
    renameAction->setShortcut(Qt::Key_F2);
    renameAction->setShortcutContext(Qt::WidgetShortcut);
    auto* deleteAction = new QAction(tr("Delete…"), m_table);
    deleteAction->setShortcut(QKeySequence::Delete);
    deleteAction->setShortcutContext(Qt::WidgetShortcut);
    m_table->addAction(renameAction);
    m_table->addAction(deleteAction);

    m_watcher = new QFileSystemWatcher(this);
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);

    connect(m_refresh, &QPushButton::clicked, this, &RunsPage::refresh);
    connect(m_rename, &QPushButton::clicked, this, &RunsPage::askRename);
    connect(renameAction, &QAction::triggered, this, &RunsPage::askRename);
    connect(m_delete, &QPushButton::clicked, this, &RunsPage::askDelete);
    connect(deleteAction, &QAction::triggered, this, &RunsPage::askDelete);
    connect(m_open, &QPushButton::clicked, this, &RunsPage::openFolder);
    connect(m_export, &QPushButton::clicked, this, &RunsPage::askExport);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        plotSelection();
        updateEnabled();
    });
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, m_debounce,
            qOverload<>(&QTimer::start));
    connect(m_debounce, &QTimer::timeout, this, &RunsPage::refresh);

    updateSummary();
    updateEnabled();
    refresh();
}

RunsPage::~RunsPage()
{
    if (m_lister) {
        m_lister->wait();
        delete m_lister;
    }
}

QString RunsPage::key(const QString& folder) const
{
    return QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
}

// ---- listing ----------------------------------------------------------------------------

void RunsPage::refresh()
{
    if (m_lister) { // one listing at a time; the newest request runs when it ends
        m_listAgain = true;
        return;
    }
    m_listedRoot = m_state.runFolder;
    m_listing.clear();
    m_listingFolders.clear();
    m_listingError.clear();
    m_addedWhileListing.clear();
    const std::string root = m_listedRoot.toStdString();
    // Reads only config.json, metrics.csv, log.txt and safetensors headers, but a tree of many
    // runs on a slow disk would still stall the GUI: list on a thread of its own, not on the
    // JobRunner, which may be training.
    m_lister = QThread::create([this, root] {
        try {
            m_listing = workflow::listRuns(root, &m_listingFolders);
        } catch (const std::exception& e) {
            m_listingError = QString::fromStdString(e.what());
        }
    });
    connect(m_lister, &QThread::finished, this, &RunsPage::onListed);
    m_lister->start(QThread::LowPriority);
    updateSummary();
}

void RunsPage::onListed()
{
    m_lister->wait();
    m_lister->deleteLater();
    m_lister = nullptr;

    if (m_listedRoot == m_state.runFolder) {
        QHash<QString, workflow::RunInfo> runs;
        for (auto& r : m_listing) {
            const QString k = key(QString::fromStdString(r.folder));
            if (QFileInfo::exists(k)) // deleted here while the listing ran
                runs.insert(k, std::move(r));
        }
        for (const QString& k : std::as_const(m_addedWhileListing))
            if (!runs.contains(k) && m_runs.contains(k) && QFileInfo::exists(k))
                runs.insert(k, m_runs.value(k));
        m_runs = std::move(runs);
        if (!m_listingError.isEmpty())
            showError(tr("Could not list the runs in %1: %2").arg(m_listedRoot, m_listingError));

        QStringList folders;
        for (const auto& f : m_listingFolders)
            folders << key(QString::fromStdString(f));
        if (folders.isEmpty()) // no runs folder yet: notice when it is made
            folders << key(QFileInfo(key(m_listedRoot)).absolutePath());
        watch(folders);
        showRuns();
    } else {
        m_listAgain = true; // the run folder was changed meanwhile
    }
    m_listing.clear();
    m_listingFolders.clear();
    m_addedWhileListing.clear();
    updateSummary();
    Q_EMIT listed();
    if (m_listAgain) {
        m_listAgain = false;
        refresh();
    }
}

void RunsPage::watch(const QStringList& folders)
{
    QStringList wanted = folders.mid(0, kMaxWatched);
    const QStringList current = m_watcher->directories();
    QStringList gone, added;
    for (const QString& f : current)
        if (!wanted.contains(f))
            gone << f;
    for (const QString& f : std::as_const(wanted))
        if (!current.contains(f) && QFileInfo(f).isDir())
            added << f;
    if (!gone.isEmpty())
        m_watcher->removePaths(gone);
    if (!added.isEmpty())
        m_watcher->addPaths(added);
}

QStringList RunsPage::watchedFolders() const
{
    return m_watcher->directories();
}

void RunsPage::addRun(const QString& folder)
{
    std::vector<workflow::RunInfo> runs;
    try {
        const std::string f = folder.toStdString();
        if (workflow::isRunFolder(f))
            runs.push_back(workflow::listRun(f)); // a few small files: fine on the GUI thread
        else
            runs = workflow::listRuns(f);
    } catch (const std::exception& e) {
        showError(
            tr("Could not read the run %1: %2").arg(folder, QString::fromStdString(e.what())));
        return;
    }
    if (runs.empty()) {
        showError(tr("There is no run in %1.").arg(folder));
        return;
    }
    for (auto& r : runs) {
        const QString k = key(QString::fromStdString(r.folder));
        m_runs.insert(k, std::move(r));
        if (m_lister)
            m_addedWhileListing.insert(k);
        const QString parent = QFileInfo(k).absolutePath();
        if (!m_watcher->directories().contains(k))
            m_watcher->addPath(k);
        if (!m_watcher->directories().contains(parent))
            m_watcher->addPath(parent);
    }
    showRuns();
    updateSummary();
}

// ---- table ------------------------------------------------------------------------------

void RunsPage::showRuns()
{
    const QStringList selected = selectedFolders();
    m_table->setSortingEnabled(false);
    m_table->clearContents();
    m_table->setRowCount(static_cast<int>(m_runs.size()));
    int row = 0;
    for (auto it = m_runs.cbegin(); it != m_runs.cend(); ++it, ++row)
        setRow(row, it.value());
    m_table->setSortingEnabled(true); // sorts by the header's current column and order
    {
        const QSignalBlocker block(m_table->selectionModel());
        selectRuns(selected);
    }
    m_table->viewport()->update();
    plotSelection();
    updateEnabled();
}

void RunsPage::setRow(int row, const workflow::RunInfo& run)
{
    const QString folder = key(QString::fromStdString(run.folder));
    const QString dash = QStringLiteral("–");
    auto text = [&](int column, const QString& s) {
        auto* item = new RunItem(s);
        m_table->setItem(row, column, item);
        return item;
    };
    auto numberItem = [&](int column, double sortKey, const QString& s) {
        auto* item = text(column, s);
        item->setData(kSortRole, sortKey);
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        return item;
    };

    // Names relative to the run folder, also for runs another page wrote there.
    QString name = QDir(key(m_state.runFolder)).relativeFilePath(folder);
    if (name.startsWith(QLatin1String("..")) || QDir::isAbsolutePath(name))
        name = QString::fromStdString(run.name);
    auto* nameItem = text(Name, name);
    nameItem->setData(kFolderRole, folder);
    QString tip = QDir::toNativeSeparators(folder);
    if (!run.data.empty())
        tip += QLatin1Char('\n') + tr("data: %1").arg(QString::fromStdString(run.data));
    if (!run.teacher.empty())
        tip += QLatin1Char('\n') + tr("teacher: %1").arg(QString::fromStdString(run.teacher));
    nameItem->setToolTip(tip);

    static const QHash<QString, const char*> kinds = {{"ancestry", QT_TR_NOOP("ancestry")},
                                                      {"aux-net", QT_TR_NOOP("aux-net")},
                                                      {"des-net", QT_TR_NOOP("des-net")},
                                                      {"scratch", QT_TR_NOOP("scratch")},
                                                      {"fine-tune", QT_TR_NOOP("fine-tune")}};
    const QString kind = QString::fromStdString(run.kind);
    text(Kind, kinds.contains(kind) ? tr(kinds.value(kind)) : kind.isEmpty() ? dash : kind);

    numberItem(Depth, run.depth ? static_cast<double>(run.depth) : -1.0,
               run.depth ? QString::number(run.depth) : dash);
    numberItem(Parameters, run.parameters ? static_cast<double>(run.parameters) : -1.0,
               run.parameters ? tr("%1 M").arg(static_cast<double>(run.parameters) / 1e6, 0, 'f', 3)
                              : dash);
    numberItem(Epochs, static_cast<double>(run.epochsDone),
               run.epochsPlanned ? tr("%1 / %2").arg(run.epochsDone).arg(run.epochsPlanned)
                                 : QString::number(run.epochsDone));
    const bool scored = run.epochsDone > 0;
    numberItem(BestTop1, scored ? run.bestTop1 : -1.0,
               scored ? QString::number(run.bestTop1, 'f', 2) : dash);
    numberItem(LastTop1, scored ? run.lastTop1 : -1.0,
               scored ? QString::number(run.lastTop1, 'f', 2) : dash);

    numberItem(Duration, run.seconds, scored ? formatDuration(run.seconds) : dash);

    QString state;
    switch (run.state) {
    case workflow::RunState::Finished:
        state = tr("finished");
        break;
    case workflow::RunState::Running:
        state = tr("running");
        break;
    case workflow::RunState::Stopped:
        state = tr("stopped");
        break;
    case workflow::RunState::Incomplete:
        state = tr("incomplete");
        break;
    case workflow::RunState::Broken:
        state = tr("broken");
        break;
    }
    auto* stateItem = text(State, state);
    if (!run.problem.empty())
        stateItem->setToolTip(QString::fromStdString(run.problem));
    if (run.state == workflow::RunState::Broken)
        stateItem->setForeground(QColor(198, 40, 40));
}

QStringList RunsPage::runFolders() const
{
    QStringList out;
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (auto* item = m_table->item(row, Name))
            out << item->data(kFolderRole).toString();
    return out;
}

QStringList RunsPage::selectedFolders() const
{
    QStringList out;
    for (int row = 0; row < m_table->rowCount(); ++row) // table order, not click order
        if (auto* item = m_table->item(row, Name); item && item->isSelected())
            out << item->data(kFolderRole).toString();
    return out;
}

void RunsPage::selectRuns(const QStringList& folders)
{
    QStringList keys;
    for (const QString& f : folders)
        keys << key(f);
    QItemSelection selection;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        auto* item = m_table->item(row, Name);
        if (item && keys.contains(item->data(kFolderRole).toString()))
            selection.select(m_table->model()->index(row, 0),
                             m_table->model()->index(row, Columns - 1));
    }
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

const workflow::RunInfo* RunsPage::run(const QString& folder) const
{
    auto it = m_runs.constFind(key(folder));
    return it == m_runs.constEnd() ? nullptr : &it.value();
}

QString RunsPage::errorText() const
{
    return m_error->text();
}

void RunsPage::showError(const QString& message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void RunsPage::updateSummary()
{
    const QString folder = QDir::toNativeSeparators(m_state.runFolder);
    m_summary->setToolTip(
        QDir::toNativeSeparators(QFileInfo(m_state.runFolder).absoluteFilePath()));
    if (m_lister && m_runs.isEmpty())
        m_summary->setText(tr("Looking for runs in %1…").arg(folder));
    else if (m_runs.isEmpty())
        m_summary->setText(
            tr("No runs in %1 yet. Every training run writes a folder here.").arg(folder));
    else
        m_summary->setText(tr("Runs in %1: %2. Select rows to compare their curves.")
                               .arg(folder)
                               .arg(m_runs.size()));
}

void RunsPage::updateEnabled()
{
    const int selected = static_cast<int>(selectedFolders().size());
    m_rename->setEnabled(selected == 1);
    m_open->setEnabled(selected == 1);
    m_delete->setEnabled(selected >= 1);
    m_export->setEnabled(m_table->rowCount() > 0);
}

// ---- curves -----------------------------------------------------------------------------

void RunsPage::plotSelection()
{
    for (auto* plot : {m_top1Plot, m_lossPlot})
        plot->clearGraphs();
    int64_t maxEpoch = 0;
    int i = 0;
    for (int row = 0; row < m_table->rowCount(); ++row) { // table order: stable colours
        const QTableWidgetItem* item = m_table->item(row, Name);
        if (!item || !item->isSelected())
            continue;
        const workflow::RunInfo* r = run(item->data(kFolderRole).toString());
        if (!r)
            continue;
        QVector<double> epochs, top1, loss;
        for (const auto& e : r->curves) {
            epochs << static_cast<double>(e.epoch);
            top1 << e.valTop1;
            loss << e.trainLoss;
            maxEpoch = std::max(maxEpoch, e.epoch);
        }
        const QString label = item->text();
        const QPen pen(runColour(i++), 2);
        const QCPScatterStyle dots(QCPScatterStyle::ssDisc, pen.color(), 5);
        for (auto [plot, values] : {std::pair{m_top1Plot, &top1}, std::pair{m_lossPlot, &loss}}) {
            QCPGraph* g = plot->addGraph();
            g->setName(label);
            g->setPen(pen);
            g->setScatterStyle(dots); // a one-epoch run is a single point
            g->setData(epochs, *values, true);
        }
    }
    for (auto* plot : {m_top1Plot, m_lossPlot}) {
        plot->legend->setVisible(plot->graphCount() > 0);
        if (plot->graphCount() > 0) {
            plot->rescaleAxes();
            const QCPRange y = plot->yAxis->range();
            const double pad = std::max(1e-3, 0.08 * y.size());
            plot->yAxis->setRange(y.lower - pad, y.upper + pad);
        }
        plot->xAxis->setRange(0.5, static_cast<double>(std::max<int64_t>(2, maxEpoch)) + 0.5);
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

// ---- actions ----------------------------------------------------------------------------

bool RunsPage::renameRun(const QString& folder, const QString& newName)
{
    const QString from = key(folder);
    QString to;
    try {
        to = key(QString::fromStdString(
            workflow::renameRun(from.toStdString(), newName.trimmed().toStdString())));
    } catch (const std::exception& e) {
        showError(tr("Could not rename the run: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    showError({});
    m_runs.remove(from);
    try {
        workflow::RunInfo r = workflow::listRun(to.toStdString());
        m_runs.insert(to, std::move(r));
        if (m_lister)
            m_addedWhileListing.insert(to);
    } catch (const std::exception& e) {
        showError(tr("Renamed, but the run could not be read again: %1")
                      .arg(QString::fromStdString(e.what())));
    }
    showRuns();
    selectRuns({to});
    updateSummary();
    return true;
}

bool RunsPage::deleteRuns(const QStringList& folders)
{
    QStringList errors;
    for (const QString& folder : folders) {
        const QString k = key(folder);
        try {
            workflow::deleteRun(k.toStdString());
            m_runs.remove(k);
        } catch (const std::exception& e) {
            errors << tr("Could not delete the run: %1").arg(QString::fromStdString(e.what()));
        }
    }
    showError(errors.join(QLatin1Char('\n')));
    showRuns();
    updateSummary();
    return errors.isEmpty();
}

QString RunsPage::tableCsv() const
{
    QString csv = QStringLiteral("name,kind,depth,parameters,epochs_done,epochs_planned,"
                                 "best_val_top1,last_val_top1,seconds,state,problem,folder\n");
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QString folder = m_table->item(row, Name)->data(kFolderRole).toString();
        const workflow::RunInfo* r = run(folder);
        if (!r)
            continue;
        const QStringList fields = {csvField(m_table->item(row, Name)->text()),
                                    csvField(QString::fromStdString(r->kind)),
                                    QString::number(r->depth),
                                    QString::number(r->parameters),
                                    QString::number(r->epochsDone),
                                    QString::number(r->epochsPlanned),
                                    number(r->bestTop1),
                                    number(r->lastTop1),
                                    number(r->seconds),
                                    QString::fromStdString(workflow::runStateName(r->state)),
                                    csvField(QString::fromStdString(r->problem)),
                                    csvField(folder)};
        csv += fields.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    return csv;
}

bool RunsPage::exportCsv(const QString& path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text) || file.write(tableCsv().toUtf8()) < 0
        || !file.commit()) {
        showError(tr("Could not write %1: %2").arg(path, file.errorString()));
        return false;
    }
    showError({});
    return true;
}

void RunsPage::askRename()
{
    const QStringList selected = selectedFolders();
    if (selected.size() != 1)
        return;
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("Rename run"), tr("New name of the run folder:"),
                              QLineEdit::Normal, QFileInfo(selected.front()).fileName(), &ok);
    if (ok && !name.trimmed().isEmpty() && name.trimmed() != QFileInfo(selected.front()).fileName())
        renameRun(selected.front(), name);
}

void RunsPage::askDelete()
{
    const QStringList selected = selectedFolders();
    if (selected.isEmpty())
        return;
    bool running = false;
    for (const QString& f : selected)
        if (const auto* r = run(f); r && r->state == workflow::RunState::Running)
            running = true;
    QString question =
        selected.size() == 1
            ? tr("Delete the run folder %1 and everything in it? This cannot be undone.")
                  .arg(QDir::toNativeSeparators(selected.front()))
            : tr("Delete these %1 run folders and everything in them? This cannot be undone.")
                  .arg(selected.size());
    if (running)
        question =
            tr("%1\n\nA selected run seems to be still training; its job will fail.").arg(question);
    const auto answer = QMessageBox::question(this, tr("Delete runs"), question,
                                              QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (answer == QMessageBox::Yes)
        deleteRuns(selected);
}

void RunsPage::askExport()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the runs table"),
                                                      QDir(m_state.runFolder).filePath("runs.csv"),
                                                      tr("CSV (*.csv)"));
    if (!path.isEmpty())
        exportCsv(path);
}

void RunsPage::openFolder()
{
    const QStringList selected = selectedFolders();
    if (selected.size() != 1)
        return;
    if (!QDesktopServices::openUrl(QUrl::fromLocalFile(selected.front())))
        showError(tr("Could not open %1 in the file manager.").arg(selected.front()));
}

} // namespace tleg::gui
