#include "widgets/pages/runs_page.h"

#include "workflow/run_notes.h"

#include "widgets/background_task.h"
#include "widgets/icons.h"
#include "widgets/job_runner.h"
#include "widgets/pages/experiment_panel.h"
#include "widgets/pages/run_diff.h"
#include "widgets/plots/run_curves.h"
#include "widgets/text_format.h"
#include "workflow/jobs.h"

#include "widgets/plots/qcustomplot_include.h"
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSlider>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace tleg::gui {

RunsPage::RunsPage(AppState& state, JobRunner* runner, QWidget* parent)
    : QWidget(parent), m_state(state), m_runner(runner), m_model(new RunsModel(state, this))
{
    auto* runsTab = new QWidget(this);
    auto* layout = new QVBoxLayout(runsTab);
    layout->addLayout(buildButtons());
    m_error = messageLabel("runsError");
    layout->addWidget(m_error);
    m_problems = messageLabel("runsProblems");
    layout->addWidget(m_problems);
    layout->addWidget(buildTableAndPlots(), 1);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    if (runner) {
        m_tabs = new QTabWidget(this);
        m_tabs->setObjectName("runsTabs");
        m_tabs->addTab(runsTab, QString());
        m_experiments = new ExperimentPanel(state, *runner, m_tabs);
        m_tabs->addTab(m_experiments, QString());
        m_texts.set([this] {
            m_tabs->setTabText(0, tr("Runs"));
            m_tabs->setTabText(1, tr("Experiments"));
        });
        outer->addWidget(m_tabs);
        // The models an experiment trained are runs too (under experiments/cache).
        connect(m_experiments, &ExperimentPanel::experimentEnded, this, &RunsPage::refresh);
        connect(runner, &JobRunner::started, this, &RunsPage::updateEnabled);
        connect(runner, &JobRunner::finished, this,
                [this](const QString&, bool stopped, const QString& error, quint64 job) {
                    onRerunFinished(stopped, error, job);
                });
    } else {
        outer->addWidget(runsTab);
    }
    buildActions();

    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        plotSelection();
        updateEnabled();
    });
    connect(m_model, &RunsModel::changed, this, [this] {
        showRuns();
        updateSummary();
    });
    connect(m_model, &RunsModel::listed, this, [this](const QString& error) {
        if (!error.isEmpty())
            showError(tr("Could not list the runs in %1: %2").arg(m_state.runFolder, error));
        Q_EMIT listed();
    });

    updateSummary();
    updateEnabled();
    refresh();
}

QLabel* RunsPage::messageLabel(const char* name)
{
    auto* label = new QLabel(this);
    label->setObjectName(name);
    label->setStyleSheet("color: #c62828;");
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setVisible(false);
    return label;
}

QWidget* RunsPage::buildTableAndPlots()
{
    auto* splitter = new QSplitter(Qt::Vertical, this);
    m_table = new RunsTable(splitter);
    m_table->setObjectName("runsTable");
    m_views = new QTabWidget(splitter);
    m_views->setObjectName("runsViews");
    auto* curves = new QWidget(m_views);
    auto* curvesLayout = new QVBoxLayout(curves);
    curvesLayout->setContentsMargins(0, 0, 0, 0);
    curvesLayout->addLayout(buildCurveControls());
    auto* plotsLayout = new QHBoxLayout;
    m_top1Plot = new QCustomPlot(curves);
    m_top1Plot->setObjectName("runsTop1Plot");
    setupRunPlot(m_top1Plot, QString(), QString());
    m_lossPlot = new QCustomPlot(curves);
    m_lossPlot->setObjectName("runsLossPlot");
    setupRunPlot(m_lossPlot, QString(), QString());
    for (QCustomPlot* plot : {m_top1Plot, m_lossPlot})
        installHoverReadout(plot);
    plotsLayout->addWidget(m_top1Plot);
    plotsLayout->addWidget(m_lossPlot);
    curvesLayout->addLayout(plotsLayout, 1);
    m_diff = new QTableWidget(m_views);
    m_diff->setObjectName("runsDiff");
    m_diff->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_diff->horizontalHeader()->setStretchLastSection(true);
    m_views->addTab(curves, QString());
    m_views->addTab(m_diff, QString());
    m_texts.set([this] {
        labelRunPlot(m_top1Plot, tr("Validation top-1"), tr("top-1 (%)"));
        labelRunPlot(m_lossPlot, tr("Training loss"), tr("loss"));
        m_views->setTabText(0, tr("Curves"));
        m_views->setTabText(1, tr("Differences"));
        m_views->setTabToolTip(1, tr("The settings (config.json) that differ between the "
                                     "selected runs."));
        showDifferences(); // its hint in the new language
    });
    splitter->addWidget(m_table);
    splitter->addWidget(m_views);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    return splitter;
}

QLayout* RunsPage::buildCurveControls()
{
    auto* row = new QHBoxLayout;
    auto* smoothingLabel = new QLabel(this);
    m_smoothing = new QSlider(Qt::Horizontal, this);
    m_smoothing->setObjectName("runsSmoothing");
    m_smoothing->setRange(0, 95); // weight in hundredths, as TensorBoard's 0 … 0.95
    m_smoothing->setMaximumWidth(160);
    smoothingLabel->setBuddy(m_smoothing);
    m_logLoss = new QCheckBox(this);
    m_logLoss->setObjectName("runsLogLoss");
    auto* xLabel = new QLabel(this);
    m_xAxis = new QComboBox(this);
    m_xAxis->setObjectName("runsXAxis");
    xLabel->setBuddy(m_xAxis);
    m_texts.set([this, smoothingLabel, xLabel] {
        smoothingLabel->setText(tr("Smoothing"));
        m_smoothing->setToolTip(tr("Exponential moving average as in TensorBoard (weight "
                                   "0 … 0.95, debiased); the raw curve stays faint behind."));
        m_logLoss->setText(tr("Log-scale loss"));
        xLabel->setText(tr("x axis"));
        const int x = std::max(0, m_xAxis->currentIndex());
        m_xAxis->clear();
        for (const auto option : {RunCurveOptions::X::Epoch, RunCurveOptions::X::Images,
                                  RunCurveOptions::X::WallTime})
            m_xAxis->addItem(runCurveXLabel(option));
        m_xAxis->setCurrentIndex(x);
    });
    row->addWidget(smoothingLabel);
    row->addWidget(m_smoothing);
    row->addWidget(m_logLoss);
    row->addWidget(xLabel);
    row->addWidget(m_xAxis);
    row->addStretch(1);
    connect(m_smoothing, &QSlider::valueChanged, this, &RunsPage::plotSelection);
    connect(m_logLoss, &QCheckBox::toggled, this, &RunsPage::plotSelection);
    connect(m_xAxis, &QComboBox::currentIndexChanged, this, &RunsPage::plotSelection);
    return row;
}

RunCurveOptions RunsPage::curveOptions() const
{
    RunCurveOptions o;
    o.smoothing = m_smoothing->value() / 100.0;
    o.logLoss = m_logLoss->isChecked();
    o.x = static_cast<RunCurveOptions::X>(std::max(0, m_xAxis->currentIndex()));
    return o;
}

void RunsPage::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) {
        m_texts.retranslate();
        showRuns(); // kinds and states in the new language; the selection stays
        updateSummary();
    }
    QWidget::changeEvent(event);
}

QLayout* RunsPage::buildButtons()
{
    auto* top = new QHBoxLayout;
    m_summary = new QLabel(this);
    m_summary->setObjectName("runsSummary");
    m_summary->setTextFormat(Qt::PlainText);
    // A long run-folder path must not widen the window: the line wraps, the buttons keep their
    // room, and the tooltip has the whole text.
    m_summary->setWordWrap(true);
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_refresh = new QPushButton(this);
    m_refresh->setObjectName("runsRefresh");
    m_runAgain = new QPushButton(this);
    m_runAgain->setObjectName("runsRunAgain");
    m_runAgain->setVisible(m_runner != nullptr);
    m_rename = new QPushButton(this);
    m_rename->setObjectName("runsRename");
    m_delete = new QPushButton(this);
    m_delete->setObjectName("runsDelete");
    m_open = new QPushButton(this);
    m_open->setObjectName("runsOpenFolder");
    m_export = new QPushButton(this);
    m_export->setObjectName("runsExportCsv");
    m_export->setIcon(icon(Icon::Export));
    m_texts.set([this] {
        m_refresh->setText(tr("Refresh"));
        m_runAgain->setText(tr("Run again"));
        m_runAgain->setToolTip(tr("Train the selected run once more from its config.json: the "
                                  "same data, model, options and seed, into a new folder"));
        m_rename->setText(tr("Rename…"));
        m_delete->setText(tr("Delete…"));
        m_open->setText(tr("Open folder"));
        m_export->setText(tr("Export CSV…"));
    });
    top->addWidget(m_summary, 1);
    for (auto* b : {m_refresh, m_runAgain, m_rename, m_delete, m_open, m_export})
        top->addWidget(b);
    connect(m_refresh, &QPushButton::clicked, this, &RunsPage::refresh);
    connect(m_runAgain, &QPushButton::clicked, this, [this] {
        if (selectedFolders().size() == 1)
            runAgain(selectedFolders().front());
    });
    connect(m_rename, &QPushButton::clicked, this, &RunsPage::askRename);
    connect(m_delete, &QPushButton::clicked, this, &RunsPage::askDelete);
    connect(m_open, &QPushButton::clicked, this, &RunsPage::openFolder);
    connect(m_export, &QPushButton::clicked, this, &RunsPage::askExport);
    return top;
}

void RunsPage::buildActions()
{
    // The table's context menu; F2 renames and Delete deletes (after asking), as in a file
    // manager.
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto action = [this](const char* name) {
        auto* a = new QAction(m_table);
        a->setObjectName(name);
        a->setShortcutContext(Qt::WidgetShortcut);
        m_table->addAction(a);
        return a;
    };
    if (m_runner)
        m_runAgainAction = action("runsRunAgainAction");
    m_openAction = action("runsOpenFolderAction");
    m_renameAction = action("runsRenameAction");
    m_renameAction->setShortcut(Qt::Key_F2);
    m_notesAction = action("runsNotesAction");
    m_deleteAction = action("runsDeleteAction");
    m_deleteAction->setShortcut(QKeySequence::Delete);
    m_texts.set([this] {
        if (m_runAgainAction)
            m_runAgainAction->setText(tr("Run again"));
        m_openAction->setText(tr("Open folder"));
        m_renameAction->setText(tr("Rename…"));
        m_notesAction->setText(tr("Tags and notes…"));
        m_deleteAction->setText(tr("Delete…"));
    });
    if (m_runAgainAction)
        connect(m_runAgainAction, &QAction::triggered, m_runAgain, &QPushButton::click);
    connect(m_openAction, &QAction::triggered, this, &RunsPage::openFolder);
    connect(m_renameAction, &QAction::triggered, this, &RunsPage::askRename);
    connect(m_notesAction, &QAction::triggered, this, &RunsPage::askNotes);
    connect(m_deleteAction, &QAction::triggered, this, &RunsPage::askDelete);
}

void RunsPage::refresh()
{
    m_model->refresh();
    updateSummary();
}

void RunsPage::addRun(const QString& folder)
{
    m_model->addRun(folder, [this, folder](const QString& why) {
        if (!why.isEmpty())
            showError(why);
        Q_EMIT runAdded(folder, why);
    });
}

void RunsPage::showRuns()
{
    m_table->showRuns(m_model->runs(), RunsModel::key(m_state.runFolder));
    plotSelection();
    updateEnabled();
}

void RunsPage::selectRuns(const QStringList& folders)
{
    QStringList keys;
    for (const QString& f : folders)
        keys << RunsModel::key(f);
    m_table->selectFolders(keys);
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
    if (m_model->isListing() && m_model->runs().isEmpty())
        m_summary->setText(tr("Looking for runs in %1…").arg(folder));
    else if (m_model->runs().isEmpty())
        m_summary->setText(
            tr("No runs in %1 yet. Every training run writes a folder here.").arg(folder));
    else
        m_summary->setText(tr("Runs in %1: %2. Select rows to compare their curves.")
                               .arg(folder)
                               .arg(m_model->runs().size()));
}

void RunsPage::updateEnabled()
{
    const QStringList selected = selectedFolders();
    const bool one = selected.size() == 1;
    const workflow::RunInfo* r = one ? run(selected.front()) : nullptr;
    const bool again =
        m_runner && !m_runner->isRunning() && r
        && (r->state == workflow::RunState::Finished || r->state == workflow::RunState::Stopped);
    m_runAgain->setEnabled(again);
    if (m_runAgainAction)
        m_runAgainAction->setEnabled(again);
    for (QWidget* w : std::initializer_list<QWidget*>{m_rename, m_open})
        w->setEnabled(one);
    m_renameAction->setEnabled(one);
    m_notesAction->setEnabled(one);
    m_openAction->setEnabled(one);
    m_delete->setEnabled(!selected.isEmpty());
    m_deleteAction->setEnabled(!selected.isEmpty());
    m_export->setEnabled(m_table->rowCount() > 0);
}

// ---- curves -----------------------------------------------------------------------------

void RunsPage::plotSelection()
{
    std::vector<RunCurve> curves;
    for (int row = 0; row < m_table->rowCount(); ++row) { // table order: stable colours
        const QTableWidgetItem* item = m_table->item(row, RunsTable::Name);
        if (!item || !item->isSelected())
            continue;
        if (const workflow::RunInfo* r = run(m_table->folderAt(row)))
            curves.push_back({item->text(), r});
    }
    drawRunCurves(m_top1Plot, m_lossPlot, curves, curveOptions());
    showProblems();
    showDifferences();
}

void RunsPage::showDifferences()
{
    const QStringList folders = selectedFolders();
    if (folders.size() < 2) {
        m_diff->clear();
        m_diff->setRowCount(0);
        m_diff->setColumnCount(1);
        m_diff->setHorizontalHeaderLabels({tr("Select two or more runs to see how their "
                                              "settings differ.")});
        return;
    }
    std::vector<std::string> paths;
    for (const QString& f : folders)
        paths.push_back(f.toStdString());
    const quint64 id = ++m_diffs; // only the newest selection is shown
    runInBackground(this, [paths] { return diffRunSettings(paths); },
                    [this, id, folders](TaskResult<std::vector<SettingDiff>> r) {
                        if (id == m_diffs && r.ok())
                            fillDifferences(folders, *r.value);
                    });
}

void RunsPage::fillDifferences(const QStringList& folders, const std::vector<SettingDiff>& diff)
{
    m_diff->clear();
    m_diff->setColumnCount(static_cast<int>(folders.size()) + 1);
    QStringList headers{tr("Setting")};
    for (const QString& f : folders)
        headers << QDir(f).dirName();
    m_diff->setHorizontalHeaderLabels(headers);
    m_diff->setRowCount(static_cast<int>(diff.size()));
    for (int r = 0; r < static_cast<int>(diff.size()); ++r) {
        m_diff->setItem(r, 0, new QTableWidgetItem(diff[size_t(r)].key));
        for (int c = 0; c < diff[size_t(r)].values.size(); ++c)
            m_diff->setItem(r, c + 1, new QTableWidgetItem(diff[size_t(r)].values[c]));
    }
    m_diff->resizeColumnsToContents();
}

namespace {

/// "Cannot read <folder>/metrics.csv: line 3: ..." from a broken run's problem
/// ("metrics.csv: line 3: ...", the reader's message after the file name).
QString problemLine(const QString& folder, const workflow::RunInfo& r)
{
    const QString problem = QString::fromStdString(r.problem).simplified();
    const auto colon = problem.indexOf(QStringLiteral(": "));
    if (colon <= 0)
        return RunsPage::tr("Cannot read the run %1: %2").arg(folder, problem);
    const QString file = QDir(folder).filePath(problem.left(colon));
    const QString why =
        withoutPathPrefix(withoutPathPrefix(problem.mid(colon + 2), file),
                          QDir(QString::fromStdString(r.folder)).filePath(problem.left(colon)));
    return RunsPage::tr("Cannot read %1: %2").arg(QDir::toNativeSeparators(file), why);
}

} // namespace

void RunsPage::showProblems()
{
    QStringList lines;
    for (const QString& folder : selectedFolders())
        if (const workflow::RunInfo* r = run(folder); r && r->state == workflow::RunState::Broken)
            lines << problemLine(folder, *r);
    m_problems->setText(lines.join(QLatin1Char('\n')));
    m_problems->setVisible(!lines.isEmpty());
}

QString RunsPage::problemText() const
{
    return m_problems->isHidden() ? QString() : m_problems->text();
}

// ---- actions ----------------------------------------------------------------------------

bool RunsPage::renameRun(const QString& folder, const QString& newName)
{
    const QString from = RunsModel::key(folder);
    QString to;
    try {
        to = RunsModel::key(QString::fromStdString(
            workflow::renameRun(from.toStdString(), newName.trimmed().toStdString())));
    } catch (const std::exception& e) {
        showError(tr("Could not rename the run: %1").arg(gui::errorText(e)));
        return false;
    }
    showError({});
    m_model->remove(from);
    try {
        m_model->insert(to, workflow::listRun(to.toStdString()));
    } catch (const std::exception& e) {
        showError(tr("Renamed, but the run could not be read again: %1").arg(gui::errorText(e)));
    }
    showRuns();
    selectRuns({to});
    updateSummary();
    return true;
}

bool RunsPage::setRunNotes(const QString& folder, const QString& tags, const QString& notes)
{
    const QString key = RunsModel::key(folder);
    try {
        workflow::writeRunNotes(key.toStdString(),
                                {workflow::parseTags(tags.toStdString()),
                                 notes.trimmed().toStdString()});
    } catch (const std::exception& e) {
        showError(tr("Could not keep the tags and notes: %1").arg(gui::errorText(e)));
        return false;
    }
    showError({});
    try {
        m_model->insert(key, workflow::listRun(key.toStdString()));
    } catch (const std::exception& e) {
        showError(tr("Saved, but the run could not be read again: %1").arg(gui::errorText(e)));
    }
    showRuns();
    selectRuns({key});
    return true;
}

bool RunsPage::deleteRuns(const QStringList& folders)
{
    QStringList errors;
    for (const QString& folder : folders) {
        const QString k = RunsModel::key(folder);
        try {
            workflow::deleteRun(k.toStdString());
            m_model->remove(k);
        } catch (const std::exception& e) {
            errors << tr("Could not delete the run: %1").arg(gui::errorText(e));
        }
    }
    showError(errors.join(QLatin1Char('\n')));
    showRuns();
    updateSummary();
    return errors.isEmpty();
}

QString RunsPage::tableCsv() const
{
    return m_table->csv(m_model->runs());
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

bool RunsPage::runAgain(const QString& folder)
{
    if (!m_runner)
        return false;
    if (m_runner->isRunning()) {
        showError(tr("%1 is running: wait for it or stop it, then run again.")
                      .arg(m_runner->currentJob()));
        return false;
    }
    const std::string from = RunsModel::key(folder).toStdString();
    std::string to;
    try {
        workflow::readRunRecord(from); // a few bytes: the clear error before anything starts
        to = workflow::rerunFolder(from);
    } catch (const std::exception& e) {
        showError(
            tr("Cannot run %1 again: %2").arg(QFileInfo(folder).fileName(), gui::errorText(e)));
        return false;
    }
    const QString name = tr("run again %1").arg(QFileInfo(QString::fromStdString(to)).fileName());
    m_rerunJob = m_runner->start(
        name, [from, to](JobContext& ctx) { workflow::rerun(from, to, ctx.hooks()); });
    if (m_rerunJob == 0)
        return false;
    showError({});
    m_rerunFrom = RunsModel::key(folder);
    m_rerunTo = QString::fromStdString(to);
    updateEnabled();
    return true;
}

void RunsPage::onRerunFinished(bool stopped, const QString& error, quint64 job)
{
    if (job == 0 || job != m_rerunJob) {
        updateEnabled();
        return;
    }
    m_rerunJob = 0;
    if (!error.isEmpty())
        showError(tr("Running %1 again failed: %2").arg(QFileInfo(m_rerunFrom).fileName(), error));
    if (QFileInfo(m_rerunTo).isDir()) { // also when stopped: its checkpoint is a run to resume
        m_lastRerun = RunsModel::key(m_rerunTo);
        const bool select = !stopped && error.isEmpty();
        const QString from = m_rerunFrom, to = m_lastRerun;
        m_model->addRun(to, [this, select, from, to](const QString& why) {
            if (!why.isEmpty())
                showError(why);
            else if (select)
                selectRuns({from, to}); // the curves overlay: they should agree
            Q_EMIT runAdded(to, why);
        });
    }
    updateEnabled();
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

void RunsPage::askNotes()
{
    const QStringList selected = selectedFolders();
    const workflow::RunInfo* r = selected.size() == 1 ? run(selected.front()) : nullptr;
    if (!r)
        return;
    QDialog dialog(this);
    dialog.setObjectName("runNotesDialog");
    dialog.setWindowTitle(tr("Tags and notes of %1").arg(QFileInfo(selected.front()).fileName()));
    auto* form = new QFormLayout(&dialog);
    auto* tags = new QLineEdit(QString::fromStdString(workflow::joinTags(r->tags)), &dialog);
    tags->setObjectName("runNotesTags");
    tags->setPlaceholderText(tr("comma-separated, e.g. baseline, lr sweep"));
    auto* notes = new QPlainTextEdit(QString::fromStdString(r->notes), &dialog);
    notes->setObjectName("runNotesText");
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    form->addRow(tr("Tags"), tags);
    form->addRow(tr("Notes"), notes);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() == QDialog::Accepted)
        setRunNotes(selected.front(), tags->text(), notes->toPlainText());
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
