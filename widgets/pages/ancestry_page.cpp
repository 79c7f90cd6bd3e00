#include "widgets/pages/ancestry_page.h"

#include "util/error.h"
#include "widgets/icons.h"
#include "widgets/plots/training_plot.h"
#include "widgets/text_format.h"
#include "workflow/jobs.h"
#include "workflow/run_index.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QScrollArea>
#include <QTabBar>
#include <QTabWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <utility>

namespace tleg::gui {

/// What a job leaves for the GUI thread: written by the worker, read after the job has ended.
struct AncestryPage::Outcome {
    AncestrySummary summary;
    int64_t epochs = 0;            // finished epochs of a training run
    train::TeacherOptions options; // what the import settings said, parsed (a load)
    RunHistory history;            // a loaded model's own run, when it lies in one
};

namespace {

/// The curves of the run a model file lies in (model.safetensors beside metrics.csv), as the
/// trainer wrote them; nothing for a file outside a run or a run without epochs.
AncestryPage::RunHistory runHistoryOf(const QString& modelPath)
{
    AncestryPage::RunHistory h;
    const QFileInfo info(modelPath);
    const std::string folder = info.absolutePath().toStdString();
    if (info.isDir() || !workflow::isRunFolder(folder))
        return h;
    try {
        const auto run = workflow::listRun(folder);
        h.curves = run.curves;
        h.folder = QString::fromStdString(folder);
        // Steps per epoch from config.json, so that the epochs sit where live training puts them.
        QFile f(QDir(h.folder).filePath("config.json"));
        if (f.open(QIODevice::ReadOnly) && f.size() < (1 << 20)) {
            const auto j = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
            if (j.is_object() && j.value("train_images", nlohmann::json()).is_number_integer()
                && j.contains("train_options") && j["train_options"].is_object()
                && j["train_options"].value("batch_size", nlohmann::json()).is_number_integer()) {
                const int64_t images = j["train_images"].get<int64_t>();
                const int64_t batch = j["train_options"]["batch_size"].get<int64_t>();
                if (images > 0 && batch > 0)
                    h.stepsPerEpoch = (images + batch - 1) / batch;
            }
        }
    } catch (const std::exception&) {
        h = {}; // a damaged run: the model itself is what was asked for
    }
    return h;
}

/// Opens path (ours, a foreign checkpoint or TorchScript) with what the import settings say and
/// scores it on data's test split. Runs on the worker.
AncestrySummary loadAndEvaluate(const QString& path, const train::TeacherOptions& options,
                                const std::shared_ptr<const data::DataSplit>& data, JobContext& ctx)
{
    workflow::OpenModel m = workflow::openModel(path.toStdString(), options.modelHints());
    if (!options.mean.empty()) // the settings' mean/std over what the file says, as a teacher
        m.summary.extra["normalization"] = {{"mean", options.mean}, {"std", options.std}};
    AncestrySummary s;
    s.path = path;
    s.kind = QString::fromStdString(m.summary.kind);
    s.params = m.summary.params;
    s.macs = m.summary.macs;
    if (m.summary.config)
        s.config = *m.summary.config;
    if (const auto it = m.summary.extra.find("imported"); it != m.summary.extra.end()) {
        s.imported = QString::fromStdString(it->value("format", ""));
        for (const QString& line :
             QString::fromStdString(model::importSummary(m.summary.extra)).split('\n'))
            if (!line.isEmpty())
                ctx.log(line);
    }
    if (!data) {
        s.note = AncestryPage::tr("no top-1: no dataset is open");
        return s;
    }
    s.dataName = datasetName(data->train.name);
    if (const std::string why = workflow::inputMismatch(m.summary, data->test); !why.empty()) {
        s.note = AncestryPage::tr("no top-1: %1").arg(QString::fromStdString(why));
        return s;
    }
    ctx.log(AncestryPage::tr("evaluating %1 on %2 test images")
                .arg(QFileInfo(path).fileName())
                .arg(data->test.size()));
    try {
        const auto r = workflow::evaluateModel(m, data->test, data->train, 500, ctx.stopFlag());
        if (ctx.stopRequested()) {
            s.note = AncestryPage::tr("no top-1: the evaluation was stopped");
        } else {
            s.haveTop1 = true;
            s.top1 = r.top1;
            s.top5 = r.top5;
        }
    } catch (const c10::Error& e) { // a TorchScript module made for other inputs
        s.note = AncestryPage::tr("no top-1 on %1: %2")
                     .arg(s.dataName,
                          QString::fromStdString(e.what_without_backtrace()).section('\n', 0, 0));
    }
    return s;
}

/// The model a chosen path stands for: a Hugging Face folder's config.json or
/// preprocessor_config.json stands for the folder.
QString modelPathFor(const QString& chosen)
{
    const QFileInfo info(chosen);
    const QString name = info.fileName();
    if (info.isFile()
        && (name == QLatin1String("config.json")
            || name == QLatin1String("preprocessor_config.json")))
        return info.absolutePath();
    return chosen;
}

/// The summary of a finished training run, from what the workflow returned.
AncestrySummary trainedSummary(const workflow::Outcome& o, const model::ViTConfig& cfg,
                               const data::Dataset& train)
{
    AncestrySummary s;
    s.path = QString::fromStdString(o.model);
    s.kind = QStringLiteral("vit");
    s.config = cfg;
    s.params = o.params;
    s.macs = cfg.forwardMacs();
    s.haveTop1 = !o.result.history.empty();
    s.top1 = o.result.testTop1;
    s.top5 = o.result.testTop5;
    s.dataName = datasetName(train.name);
    return s;
}

} // namespace

AncestryPage::AncestryPage(AppState& state, JobRunner& runner, QWidget* parent)
    : QWidget(parent), m_state(state), m_runner(runner)
{
    // Left: the training form. Right: the current model, errors, and the live curves.
    auto* layout = new QHBoxLayout(this);
    auto* left = new QVBoxLayout;
    auto* right = new QVBoxLayout;
    layout->addLayout(left);
    layout->addLayout(right, 1);
    m_form = new AncestryForm(state, runner, this);
    left->addWidget(m_form);
    left->addStretch(1);
    right->addWidget(buildCurrentModel());
    m_error = new QLabel(this);
    m_error->setObjectName("ancestryError");
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->setVisible(false);
    right->addWidget(m_error);
    m_panel = new TrainingPanel(runner, this);
    m_panel->plot()->setObjectName("ancestryPlot");
    m_import = new ImportSettings(this);
    // In a scroll area: however much was inferred, the summary above keeps its lines.
    m_importTab = new QScrollArea(this);
    m_importTab->setWidget(m_import);
    m_importTab->setWidgetResizable(true);
    m_importTab->setFrameShape(QFrame::NoFrame);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName("ancestryTabs");
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_panel, QString());
    m_tabs->addTab(m_importTab, QString());
    m_texts.set([this] {
        m_tabs->setTabText(m_tabs->indexOf(m_panel), tr("Training"));
        m_tabs->setTabText(m_tabs->indexOf(m_importTab), tr("Import settings"));
    });
    showImportTab(false);
    right->addWidget(m_tabs, 1);

    connect(m_load, &QPushButton::clicked, this, &AncestryPage::browse);
    connect(m_loadFolder, &QPushButton::clicked, this, &AncestryPage::browseFolder);
    connect(m_import, &ImportSettings::applyRequested, this,
            [this] { loadModel(m_import->path()); });
    setAcceptDrops(true);
    connect(m_form->trainButton(), &QPushButton::clicked, this, [this] { trainAncestry(); });
    connect(m_form, &AncestryForm::architectureChanged, this, &AncestryPage::updateEnabled);
    connect(m_panel, &TrainingPanel::jobFinished, this, &AncestryPage::onFinished);
    connect(&m_runner, &JobRunner::started, this, &AncestryPage::updateEnabled);
    connect(&m_runner, &JobRunner::finished, this, &AncestryPage::updateEnabled);
    updateEnabled();
    updateSummary();
}

QWidget* AncestryPage::buildCurrentModel()
{
    auto* current = new QGroupBox(this);
    auto* currentLayout = new QVBoxLayout(current);
    m_load = new QPushButton(current);
    m_load->setObjectName("ancestryLoad");
    m_load->setIcon(icon(Icon::Open));
    m_loadFolder = new QPushButton(current);
    m_loadFolder->setObjectName("ancestryLoadFolder");
    m_loadFolder->setIcon(icon(Icon::Open));
    m_texts.set([this, current] {
        current->setTitle(tr("Ancestry model (the teacher)"));
        m_load->setText(tr("Load…"));
        m_load->setToolTip(tr("A TLEG model, a timm, DeiT or torchvision ViT (.safetensors) or "
                              "any TorchScript classifier (.pt); or drop the file on the page"));
        m_loadFolder->setText(tr("Load folder…"));
        m_loadFolder->setToolTip(tr("A Hugging Face model folder (config.json, model.safetensors "
                                    "and preprocessor_config.json); or drop the folder on the "
                                    "page"));
    });
    m_summaryLabel = new QLabel(current);
    m_summaryLabel->setObjectName("ancestrySummary");
    m_summaryLabel->setTextFormat(Qt::PlainText);
    m_summaryLabel->setWordWrap(true);
    m_summaryLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A long path is cut at the edge rather than widening the window.
    m_summaryLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Minimum); // all its lines
    auto* loadRow = new QHBoxLayout;
    loadRow->addWidget(m_load);
    loadRow->addWidget(m_loadFolder);
    loadRow->addStretch(1);
    currentLayout->addLayout(loadRow);
    currentLayout->addWidget(m_summaryLabel);
    return current;
}

void AncestryPage::showImportTab(bool show)
{
    // Both tabs are always there (their texts follow the language); without a chosen model the
    // import tab and the tab bar are hidden.
    m_tabs->setTabVisible(m_tabs->indexOf(m_importTab), show);
    m_tabs->tabBar()->setVisible(show);
    m_tabs->setCurrentWidget(show ? static_cast<QWidget*>(m_importTab) : m_panel);
}

void AncestryPage::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) {
        m_texts.retranslate();
        if (m_job != Job::Load) // "Loading …" stays until the load has ended
            updateSummary();
    }
    QWidget::changeEvent(event);
}

void AncestryPage::browse()
{
    const QString path =
        m_chooser ? m_chooser()
                  : QFileDialog::getOpenFileName(
                      this, tr("Load an ancestry model"), m_state.runFolder,
                      tr("Models (*.safetensors *.pt *.pth);;"
                         "TLEG, timm, DeiT, torchvision or Hugging Face (*.safetensors);;"
                         "TorchScript (*.pt *.pth);;"
                         "Hugging Face config (config.json preprocessor_config.json);;"
                         "All files (*)"));
    if (!path.isEmpty())
        loadModel(path);
}

void AncestryPage::browseFolder()
{
    const QString dir = m_folderChooser
                            ? m_folderChooser()
                            : QFileDialog::getExistingDirectory(
                                this, tr("Load a Hugging Face model folder"), m_state.runFolder);
    if (!dir.isEmpty())
        loadModel(dir);
}

namespace {

/// The one local file or folder a drag carries; empty for anything else.
QString droppedPath(const QMimeData* mime)
{
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1
        || !mime->urls().front().isLocalFile())
        return {};
    return mime->urls().front().toLocalFile();
}

} // namespace

void AncestryPage::dragEnterEvent(QDragEnterEvent* event)
{
    if (!droppedPath(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void AncestryPage::dropEvent(QDropEvent* event)
{
    const QString path = droppedPath(event->mimeData());
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    loadModel(path);
}

void AncestryPage::onDataChanged()
{
    m_form->refresh();
    updateEnabled();
}

QString AncestryPage::presetText() const
{
    return m_form->presetText();
}

QString AncestryPage::runStatusText() const
{
    return m_form->runStatus();
}

QString AncestryPage::summaryText() const
{
    return m_summaryLabel->text();
}

QString AncestryPage::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text(); // also on a page not shown
}

void AncestryPage::showError(const QString& message, bool log)
{
    m_error->setText(message);
    m_error->setVisible(true);
    if (log)
        Q_EMIT logged(message);
}

void AncestryPage::clearError()
{
    m_error->clear();
    m_error->setVisible(false);
}

void AncestryPage::updateSummary()
{
    const AncestrySummary& s = m_summary;
    if (s.path.isEmpty()) {
        m_summaryLabel->setText(tr("No ancestry model yet: load a model file, or train one "
                                   "below."));
        return;
    }
    const QString macs = s.macs > 0 ? formatCount(s.macs) : tr("unknown");
    const QString architecture = s.config ? architectureLine(*s.config)
                                          : tr("TorchScript module (architecture not recorded)");
    const QString top1 = s.haveTop1 ? tr("%1% (top-5 %2%) on the %3 test split")
                                          .arg(formatNumber(s.top1, 2))
                                          .arg(formatNumber(s.top5, 2))
                                          .arg(s.dataName)
                                    : s.note;
    const QString kind =
        s.imported.isEmpty() ? s.kind : tr("%1, imported from %2").arg(s.kind, s.imported);
    m_summaryLabel->setText(tr("File: %1\nKind: %2\nArchitecture: %3\nParameters: %4\n"
                               "MACs per image: %5\nTop-1: %6")
                                .arg(QDir::toNativeSeparators(s.path), kind, architecture,
                                     formatCount(s.params), macs, top1));
    // Every line shows, whatever the tabs below would like (one more for a wrapped line).
    const int lines = static_cast<int>(m_summaryLabel->text().count(QLatin1Char('\n'))) + 2;
    m_summaryLabel->setMinimumHeight(lines * m_summaryLabel->fontMetrics().lineSpacing());
}

void AncestryPage::updateEnabled()
{
    const bool busy = m_runner.isRunning();
    bool fits = true;
    try {
        m_form->config();
    } catch (const std::exception&) {
        fits = false;
    }
    m_load->setEnabled(!busy);
    m_loadFolder->setEnabled(!busy);
    m_import->setBusy(busy);
    m_form->trainButton()->setEnabled(!busy && fits);
    m_form->setEditable(m_job != Job::Train);
}

bool AncestryPage::loadModel(const QString& chosen)
{
    if (m_runner.isRunning()) {
        showError(tr("%1 is running: wait for it or stop it, then load the model again.")
                      .arg(m_runner.currentJob()));
        return false;
    }
    const QString path = modelPathFor(chosen);
    auto outcome = std::make_shared<Outcome>();
    auto data = m_state.data;
    const int threads = m_state.threads;
    const ImportInputs inputs = path == m_import->path() ? m_import->inputs() : ImportInputs{};
    const bool started = m_panel->start(
        tr("load ancestry %1").arg(QFileInfo(path).fileName()),
        [outcome, path, inputs, data, threads](JobContext& ctx) {
            train::applyThreads(threads);
            outcome->options = parseImportInputs(inputs);
            outcome->summary = loadAndEvaluate(path, outcome->options, data, ctx);
            outcome->history = runHistoryOf(path);
        },
        TrainingPanel::Curves::Keep);
    if (!started)
        return false;
    clearError();
    m_job = Job::Load;
    m_outcome = outcome;
    m_import->setPath(path); // the same path keeps its settings; shows what is inferred
    showImportTab(true);
    m_summaryLabel->setText(tr("Loading %1…").arg(QDir::toNativeSeparators(path)));
    updateEnabled();
    return true;
}

QString AncestryPage::nextRunFolder() const
{
    return QString::fromStdString(workflow::newRunFolder(
        m_state.runFolder.toStdString(), workflow::runFolderBase(workflow::Role::Ancestry)));
}

bool AncestryPage::trainAncestry()
{
    if (m_runner.isRunning()) {
        showError(tr("%1 is running: wait for it or stop it, then train again.")
                      .arg(m_runner.currentJob()));
        return false;
    }
    model::ViTConfig cfg;
    try {
        cfg = m_form->config();
    } catch (const std::exception& e) {
        showError(gui::errorText(e));
        return false;
    }
    RunSetup* setup = m_form->runSetup();
    const TrialData trial = setup->trialData();
    auto spec = workflow::TrainSpec::ancestry(trial.spec, cfg, m_form->options());
    QString run;
    try {
        spec.out = setup->runFolder();
        setup->notes(); // a bad tag is refused before anything is written
        run = QString::fromStdString(spec.out);
    } catch (const std::exception& e) {
        showError(gui::errorText(e));
        return false;
    }
    auto outcome = std::make_shared<Outcome>();
    const QString name = tr("train %1").arg(QFileInfo(run).fileName());
    const bool started = m_panel->start(name, [outcome, trial, cfg, spec](JobContext& ctx) {
        const auto data = trial.split();
        const workflow::Outcome o = workflow::runTrain(spec, ctx.hooks(), data.get());
        outcome->epochs = static_cast<int64_t>(o.result.history.size());
        if (o.stopped())
            return;
        outcome->summary = trainedSummary(o, cfg, data->train);
        ctx.log(tr("ancestry: test top-1 %1%, top-5 %2% -> %3")
                    .arg(formatNumber(o.result.testTop1, 2))
                    .arg(formatNumber(o.result.testTop5, 2))
                    .arg(QDir::toNativeSeparators(outcome->summary.path)));
    });
    if (!started)
        return false;
    clearError();
    try {
        setup->writeNotes(spec.out);
        setup->clearNames();
    } catch (const std::exception& e) {
        showError(tr("The run goes on, but its tags and notes were not kept: %1")
                      .arg(gui::errorText(e)));
    }
    m_tabs->setCurrentWidget(m_panel);
    m_job = Job::Train;
    m_outcome = outcome;
    m_pendingRun = run;
    m_form->setRunStatus(tr("Training into %1…").arg(QDir::toNativeSeparators(run)));
    updateEnabled();
    return true;
}

void AncestryPage::onFinished(const QString&, bool, const QString& error)
{
    const Job job = std::exchange(m_job, Job::None);
    if (job == Job::Load)
        onLoaded(error);
    else if (job == Job::Train)
        onTrained(error);
    updateEnabled();
}

void AncestryPage::onLoaded(const QString& error)
{
    const auto outcome = std::move(m_outcome);
    if (!error.isEmpty()) {
        showError(tr("Cannot use this model: %1").arg(error), false); // the runner logs it
        m_import->showLoadError(error); // the field that fixes it, highlighted
        updateSummary();                // the previous model stays
        m_panel->setStatusText([] { return tr("Failed."); });
        return;
    }
    m_summary = outcome->summary;
    m_state.ancestryPath = m_summary.path;
    m_state.ancestryOptions = outcome->options;
    updateSummary();
    showHistory(outcome->history);
    Q_EMIT ancestryReady(m_summary.path);
}

void AncestryPage::showHistory(const RunHistory& history)
{
    m_history = history;
    const QString file = QFileInfo(m_summary.path).fileName();
    if (history.curves.empty()) {
        m_panel->setStatusText([file] { return tr("Loaded %1.").arg(file); });
        return;
    }
    // The run the model came from, as it trained: loss and validation top-1 per epoch (the
    // import settings of our own file have nothing to set, the curves have something to say).
    m_tabs->setCurrentWidget(m_panel);
    TrainingPlot* plot = m_panel->plot();
    plot->clear();
    const double steps = double(std::max<int64_t>(1, history.stepsPerEpoch));
    for (const auto& e : history.curves) {
        plot->addLoss(double(e.epoch) * steps, e.trainLoss, /*averaged*/ true);
        plot->addAccuracy(double(e.epoch) * steps, e.valTop1);
    }
    const int epochs = static_cast<int>(history.curves.size());
    m_panel->setStatusText([file, epochs, folder = history.folder] {
        return withPlural(tr("Loaded %1 with its run's %n epoch(s) (%2).", nullptr, epochs),
                          epochs)
            .arg(file, QDir(folder).dirName());
    });
}

void AncestryPage::onTrained(const QString& error)
{
    const auto outcome = std::move(m_outcome);
    const QString run = std::exchange(m_pendingRun, QString());
    // A stop that comes after the last epoch is too late to matter: the model is saved.
    const bool trained = error.isEmpty() && !outcome->summary.path.isEmpty();
    if (!error.isEmpty()) {
        showError(tr("Training failed: %1").arg(error), false);
        m_form->setRunStatus(tr("Failed; see %1.").arg(QDir::toNativeSeparators(run)));
    } else if (!trained) {
        const int epochs = static_cast<int>(outcome->epochs);
        m_form->setRunStatus(withPlural(tr("Stopped after %n finished epoch(s); the last "
                                           "checkpoint is in %1.",
                                           nullptr, epochs),
                                        epochs)
                                 .arg(QDir::toNativeSeparators(run)));
    } else {
        const QString previous = m_state.ancestryPath;
        m_summary = outcome->summary;
        m_state.ancestryPath = m_summary.path;
        m_state.ancestryOptions = {}; // ours: the file says everything
        m_import->clear();
        showImportTab(false);
        updateSummary();
        m_history = {};
        // Never a silent swap: the teacher it replaces is named (Load… brings it back).
        m_form->setRunStatus(
            previous.isEmpty() || previous == m_summary.path
                ? tr("Finished: %1").arg(QDir::toNativeSeparators(run))
                : tr("Finished: %1. It is the teacher now, in place of %2.")
                      .arg(QDir::toNativeSeparators(run), QDir::toNativeSeparators(previous)));
    }
    if (QFileInfo::exists(run)) {
        m_lastRun = run;
        Q_EMIT runFinished(run);
    }
    if (trained)
        Q_EMIT ancestryReady(m_summary.path);
}

} // namespace tleg::gui
