#include "widgets/pages/depth_queue.h"

#include "widgets/background_task.h"
#include "widgets/error_label.h"
#include "widgets/pages/run_setup.h"
#include "widgets/plots/plot_export.h"
#include "widgets/text_format.h"
#include "widgets/training_panel.h"
#include "workflow/jobs.h"
#include "workflow/role.h"
#include "workflow/run_index.h"

#include <nlohmann/json.hpp>

#include "widgets/plots/qcustomplot_include.h"

#include <QCheckBox>
#include <QDir>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace tleg::gui {

namespace {

workflow::TrainSpec fineTuneSpec(const AppState& state, workflow::Role role, int depth,
                                 int epochs)
{
    workflow::TrainSpec spec;
    spec.role = role;
    spec.data = state.dataSpec;
    spec.train.epochs = epochs;
    spec.train.threads = JobRunner::intraOpThreads(state.threads);
    spec.train.bf16 = state.bf16;
    spec.train.warmupEpochs = std::min(1.0, 0.2 * spec.train.epochs);
    spec.init.seed = spec.train.seed;
    spec.out = workflow::newRunFolder(state.runFolder.toStdString(),
                                      workflow::runFolderBase(role, depth));
    return spec;
}

} // namespace

workflow::TrainSpec desNetSpec(const AppState& state, const QString& learngene, int depth,
                               int epochs)
{
    workflow::TrainSpec spec = fineTuneSpec(state, workflow::Role::DesNet, depth, epochs);
    spec.init.method = workflow::InitMethod::Learngene;
    spec.init.path = learngene.toStdString();
    spec.init.expand.depth = depth;
    return spec;
}

workflow::TrainSpec scratchSpec(const AppState& state, const model::ViTConfig& aux, int depth,
                                int epochs)
{
    workflow::TrainSpec spec = fineTuneSpec(state, workflow::Role::Scratch, depth, epochs);
    spec.init.method = workflow::InitMethod::Scratch;
    spec.init.config = aux;
    spec.init.config.depth = depth;
    return spec;
}

std::vector<int> parseDepths(const QString& text, int maxDepth, QString* error)
{
    std::set<int> depths;
    const QRegularExpression range(QStringLiteral("^(\\d{1,6})(?:[-–](\\d{1,6}))?$"));
    QString joined = text;
    joined.replace(QRegularExpression(QStringLiteral("\\s*([-–])\\s*")), QStringLiteral("\\1"));
    for (const QString& part :
         joined.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts)) {
        const auto m = range.match(part);
        const int from = m.hasMatch() ? m.captured(1).toInt() : 0;
        const int to = m.hasMatch() && m.hasCaptured(2) ? m.captured(2).toInt() : from;
        if (from < 1 || to < from || to > maxDepth) {
            *error = DepthQueue::tr("'%1' is not a depth from 1 to %2 (write e.g. 2, 4, 6-8).")
                         .arg(part)
                         .arg(maxDepth);
            return {};
        }
        for (int d = from; d <= to; ++d)
            depths.insert(d);
    }
    if (depths.empty())
        *error = DepthQueue::tr("Write the depths to fine-tune, e.g. 2, 4, 6-8.");
    return {depths.begin(), depths.end()};
}

DepthQueue::DepthQueue(AppState& state, TrainingPanel* panel, QWidget* parent)
    : QWidget(parent), m_state(state), m_panel(panel)
{
    setObjectName("depthQueue");
    auto* layout = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    auto* label = new QLabel(this);
    m_depths = new QLineEdit(QStringLiteral("2, 4, 6"), this);
    m_depths->setObjectName("queueDepths");
    label->setBuddy(m_depths);
    m_scratch = new QCheckBox(this);
    m_scratch->setObjectName("queueScratch");
    m_scratch->setChecked(true);
    m_start = new QPushButton(this);
    m_start->setObjectName("queueStart");
    row->addWidget(label);
    row->addWidget(m_depths, 1);
    row->addWidget(m_scratch);
    row->addWidget(m_start);
    layout->addLayout(row);
    m_error = newErrorLabel(this, "queueError");
    layout->addWidget(m_error);
    buildTable();
    buildPlot();
    auto* results = new QHBoxLayout;
    results->addWidget(m_table, 1);
    results->addWidget(m_plot, 1);
    layout->addLayout(results, 1);
    m_texts.set([this, label] {
        label->setText(tr("Depths"));
        m_depths->setToolTip(tr("Descendant depths to expand and fine-tune one after another, "
                                "e.g. 2, 4, 6-8 (the paper's Table 1 compares depths 1 to 12)."));
        m_scratch->setText(tr("with scratch twins"));
        m_scratch->setToolTip(tr("Also train each depth from random weights with the same "
                                 "architecture, seed and epochs: the baseline TLEG is "
                                 "compared with."));
        m_start->setText(tr("Fine-tune all"));
    });
    connect(m_start, &QPushButton::clicked, this, &DepthQueue::start);
    connect(m_panel, &TrainingPanel::jobFinished, this,
            [this](const QString&, bool stopped, const QString& error) {
                if (std::exchange(m_waiting, false))
                    onFinished(stopped, error);
            });
    updateEnabled();
}

void DepthQueue::buildTable()
{
    m_table = new QTableWidget(0, 5, this);
    m_table->setObjectName("queueTable");
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_texts.set([this] {
        m_table->setHorizontalHeaderLabels({tr("Depth"), tr("TLEG top-1"), tr("Scratch top-1"),
                                            tr("TLEG − scratch"), tr("Runs")});
        for (size_t r = 0; r < m_rows.size(); ++r)
            showRow(r);
    });
}

void DepthQueue::buildPlot()
{
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName("queuePlot");
    m_plot->setMinimumHeight(120);
    const QColor colours[] = {QColor(31, 119, 180), QColor(255, 127, 14)}; // TLEG, scratch
    for (const QColor& colour : colours) {
        QCPGraph* g = m_plot->addGraph();
        g->setPen(QPen(colour, 2));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, 7));
    }
    QSharedPointer<QCPAxisTickerFixed> depthTicks(new QCPAxisTickerFixed);
    depthTicks->setTickStep(1.0); // depths are whole numbers: no tick at 1.5
    depthTicks->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_plot->xAxis->setTicker(depthTicks);
    m_plot->legend->setVisible(true);
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    m_texts.set([this] {
        m_plot->graph(0)->setName(tr("TLEG (from the learngene)"));
        m_plot->graph(1)->setName(tr("scratch"));
        m_plot->xAxis->setLabel(tr("depth"));
        m_plot->yAxis->setLabel(tr("top-1 (%)"));
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    });
    installPlotExport(m_plot);
}

void DepthQueue::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        m_texts.retranslate();
    QWidget::changeEvent(event);
}

void DepthQueue::setLearngene(const QString& path,
                              std::shared_ptr<const model::Learngene> learngene)
{
    m_learngenePath = path;
    m_learngene = std::move(learngene);
    updateEnabled();
    showFinishedRuns();
}

namespace {

/// config.json's job spec and architecture, or nulls when it cannot be read.
std::pair<nlohmann::json, nlohmann::json> specAndArchitecture(const std::string& folder)
{
    std::ifstream in(folder + "/config.json", std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const auto j = nlohmann::json::parse(text.str(), nullptr, false);
    if (!j.is_object())
        return {};
    return {j.value("spec", nlohmann::json()), j.value("architecture", nlohmann::json())};
}

bool sameFile(const std::string& a, const std::string& b)
{
    std::error_code ec;
    return !a.empty() && !b.empty() && std::filesystem::equivalent(a, b, ec) && !ec;
}

} // namespace

std::vector<DepthQueue::Row> DepthQueue::finishedRows(const std::string& root,
                                                      const std::string& learngene,
                                                      const model::ViTConfig& config)
{
    std::map<int, Row> byDepth;
    std::vector<workflow::RunInfo> scratch;
    for (const auto& run : workflow::listRuns(root)) { // sorted by name: later ones win
        if (run.state != workflow::RunState::Finished || run.depth <= 0 || run.depth > maxDepth)
            continue;
        if (run.kind == "scratch") {
            scratch.push_back(run);
            continue;
        }
        if (run.kind != "des-net")
            continue;
        const auto [spec, architecture] = specAndArchitecture(run.folder);
        if (!spec.is_object() || !spec.contains("init") || !spec["init"].is_object()
            || !spec["init"].value("path", nlohmann::json()).is_string()
            || !sameFile(spec["init"]["path"].get<std::string>(), learngene))
            continue;
        Row& row = byDepth[int(run.depth)];
        row.depth = int(run.depth);
        row.tleg = run.testTop1;
        row.tlegRun = QString::fromStdString(run.folder);
    }
    for (const auto& run : scratch) {
        const auto it = byDepth.find(int(run.depth));
        if (it == byDepth.end())
            continue;
        const auto architecture = specAndArchitecture(run.folder).second;
        if (!architecture.is_object()
            || architecture.value("dim", int64_t(0)) != config.dim
            || architecture.value("patch_size", int64_t(0)) != config.patchSize)
            continue;
        it->second.scratch = run.testTop1;
        it->second.scratchRun = QString::fromStdString(run.folder);
    }
    std::vector<Row> rows;
    for (const auto& [depth, row] : byDepth)
        rows.push_back(row);
    return rows;
}

void DepthQueue::showFinishedRuns()
{
    if (m_running || !m_learngene)
        return;
    const quint64 read = ++m_reads;
    m_reading = read;
    runInBackground(
        this,
        [root = m_state.runFolder.toStdString(), learngene = m_learngenePath.toStdString(),
         config = m_learngene->config] { return finishedRows(root, learngene, config); },
        [this, read](TaskResult<std::vector<Row>> r) {
            if (read != m_reading)
                return; // a newer read (another learngene) is under way
            m_reading = 0;
            // The queue's own rows stay; an unreadable folder shows nothing.
            if (!m_running && r.ok()) {
                m_rows = *r.value;
                m_table->setRowCount(static_cast<int>(m_rows.size()));
                for (size_t row = 0; row < m_rows.size(); ++row)
                    showRow(row);
                showPlot();
            }
            Q_EMIT finishedRunsRead();
        });
}

QString DepthQueue::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void DepthQueue::setError(const QString& text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

bool DepthQueue::start()
{
    if (m_running)
        return false;
    QString error;
    const auto depths = parseDepths(m_depths->text(), maxDepth, &error);
    if (!m_learngene)
        error = tr("Open a learngene first.");
    else if (!m_state.data)
        error = tr("Open a dataset on the Data page first.");
    if (!error.isEmpty() || depths.empty()) {
        setError(error);
        return false;
    }
    setError({});
    m_rows.clear();
    m_tasks.clear();
    for (const int depth : depths) {
        m_tasks.push_back({m_rows.size(), false});
        if (m_scratch->isChecked())
            m_tasks.push_back({m_rows.size(), true});
        Row row;
        row.depth = depth;
        m_rows.push_back(row);
    }
    m_table->setRowCount(static_cast<int>(m_rows.size()));
    for (size_t r = 0; r < m_rows.size(); ++r)
        showRow(r);
    m_running = startNext();
    if (!m_running) {
        m_rows.clear();
        m_table->setRowCount(0);
    }
    showPlot();
    updateEnabled();
    return m_running;
}

bool DepthQueue::startNext()
{
    if (m_tasks.empty())
        return false;
    m_current = m_tasks.front();
    m_tasks.erase(m_tasks.begin());
    const int depth = m_rows[m_current.row].depth;
    const int epochs = m_epochs();
    workflow::TrainSpec spec =
        m_current.scratch ? scratchSpec(m_state, m_learngene->config, depth, epochs)
                          : desNetSpec(m_state, m_learngenePath, depth, epochs);
    TrialData trial;
    trial.spec = m_state.dataSpec;
    trial.open = m_state.data;
    workflow::RunNotes notes;
    if (m_setup) {
        trial = m_setup->trialData();
        try {
            notes = m_setup->notes();
        } catch (const std::exception& e) {
            setError(gui::errorText(e));
            return false;
        }
    }
    spec.data = trial.spec;
    m_run = QString::fromStdString(spec.out);
    m_top1 = std::make_shared<double>(-1);
    const QString name = m_current.scratch ? tr("scratch depth %1").arg(depth)
                                           : tr("fine-tune depth %1").arg(depth);
    auto top1 = m_top1;
    m_waiting = m_panel->start(name, [spec, trial, top1, name](JobContext& ctx) {
        const auto o = workflow::runTrain(spec, ctx.hooks(), trial.split().get());
        if (o.stopped())
            return;
        *top1 = o.result.testTop1; // read on the GUI thread after the worker has ended
        ctx.log(tr("%1: test top-1 %2%").arg(name, formatNumber(o.result.testTop1, 2)));
    });
    if (!m_waiting) {
        setError(tr("Another job is running: the queue stopped before depth %1.").arg(depth));
    } else {
        showRow(m_current.row);
        if (!notes.empty()) {
            try {
                workflow::writeRunNotes(spec.out, notes);
            } catch (const std::exception& e) {
                setError(gui::errorText(e));
            }
        }
    }
    return m_waiting;
}

void DepthQueue::onFinished(bool stopped, const QString& error)
{
    Row& row = m_rows[m_current.row];
    (m_current.scratch ? row.scratchRun : row.tlegRun) = m_run;
    if (!stopped && error.isEmpty() && *m_top1 >= 0) {
        (m_current.scratch ? row.scratch : row.tleg) = *m_top1;
        Q_EMIT runFinished(m_run);
    }
    if (!error.isEmpty())
        setError(tr("Depth %1 failed: %2").arg(row.depth).arg(error));
    const bool goOn = !stopped && error.isEmpty() && !m_tasks.empty();
    if (!goOn) {
        m_tasks.clear();
        m_running = false;
    }
    showRow(m_current.row);
    showPlot();
    updateEnabled();
    if (!goOn) {
        Q_EMIT finished(stopped || !error.isEmpty(), error);
        return;
    }
    // The next run starts once every listener has seen this one end (the main window's status
    // line, the page's buttons), not from inside the runner's finished().
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (startNext())
                return;
            m_running = false;
            updateEnabled();
            Q_EMIT finished(true, QString());
        },
        Qt::QueuedConnection);
}

void DepthQueue::showRow(size_t r)
{
    const Row& row = m_rows[r];
    const bool current = m_running && m_current.row == r;
    auto top1 = [&](double value, bool scratch) {
        if (value >= 0)
            return formatNumber(value, 2);
        if (current && m_current.scratch == scratch)
            return tr("running…");
        return scratch && !m_scratch->isChecked() ? QStringLiteral("–") : QString();
    };
    QStringList runs;
    for (const QString& run : {row.tlegRun, row.scratchRun})
        if (!run.isEmpty())
            runs << QDir(run).dirName();
    const QString cells[] = {
        QString::number(row.depth), top1(row.tleg, false), top1(row.scratch, true),
        row.tleg >= 0 && row.scratch >= 0 ? formatNumber(row.tleg - row.scratch, 2) : QString(),
        runs.join(QStringLiteral(", "))};
    for (int c = 0; c < 5; ++c) {
        auto* item = new QTableWidgetItem(cells[c]);
        item->setTextAlignment(c < 4 ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft);
        m_table->setItem(static_cast<int>(r), c, item);
    }
}

void DepthQueue::showPlot()
{
    QVector<double> depths[2], top1[2];
    for (const Row& row : m_rows)
        for (int s = 0; s < 2; ++s)
            if (const double v = s ? row.scratch : row.tleg; v >= 0) {
                depths[s] << row.depth;
                top1[s] << v;
            }
    for (int s = 0; s < 2; ++s)
        m_plot->graph(s)->setData(depths[s], top1[s], true);
    const int first = m_rows.empty() ? 1 : m_rows.front().depth;
    const int last = m_rows.empty() ? 6 : m_rows.back().depth;
    m_plot->xAxis->setRange(first - 0.5, last + 0.5);
    bool found = false;
    const QCPRange y = m_plot->graph(0)->getValueRange(found);
    bool foundScratch = false;
    const QCPRange ys = m_plot->graph(1)->getValueRange(foundScratch);
    if (found || foundScratch) {
        QCPRange all = found ? y : ys;
        if (found && foundScratch)
            all.expand(ys);
        m_plot->yAxis->setRange(std::max(0.0, all.lower - 5), std::min(100.0, all.upper + 5));
    } else {
        m_plot->yAxis->setRange(0, 100);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void DepthQueue::setBusy(bool busy)
{
    m_busy = busy;
    updateEnabled();
}

void DepthQueue::updateEnabled()
{
    m_start->setEnabled(!m_running && !m_busy && m_learngene && m_state.data);
    m_depths->setEnabled(!m_running);
    m_scratch->setEnabled(!m_running);
}

} // namespace tleg::gui
