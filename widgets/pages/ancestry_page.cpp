#include "widgets/pages/ancestry_page.h"

#include "model/des_net.h"
#include "model/model_io.h"
#include "train/trainer.h"
#include "util/error.h"
#include "util/files.h"
#include "widgets/plots/training_plot.h"
#include "workflow/jobs.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace tleg::gui {

/// Written by the worker, read on the GUI thread after JobRunner::finished.
struct AncestryPage::LoadOutcome {
    AncestrySummary summary;
};

struct AncestryPage::TrainOutcome {
    AncestrySummary summary;
    int64_t epochs = 0; // finished epochs
};

namespace {

QString count(int64_t n)
{
    const auto x = static_cast<double>(n);
    return x >= 1e9 ? QString::number(x / 1e9, 'f', 2) + QStringLiteral(" G")
                    : QString::number(x / 1e6, 'f', 3) + QStringLiteral(" M");
}

QString architectureLine(const model::ViTConfig& c)
{
    return AncestryPage::tr("depth %1, width %2, %3 heads, patch %4, %5×%5×%6 input, %7 classes, "
                            "%8 pooling")
        .arg(c.depth)
        .arg(c.dim)
        .arg(c.heads)
        .arg(c.patchSize)
        .arg(c.imageSize)
        .arg(c.channels)
        .arg(c.numClasses)
        .arg(QString::fromStdString(model::poolingName(c.pooling)));
}

QString dataName(const data::Dataset& d)
{
    QString name = QString::fromStdString(d.name);
    if (name.endsWith(QLatin1String("/train")))
        name.chop(6);
    return name;
}

/// Opens path (ours or TorchScript) and scores it on data's test split. Runs on the worker.
AncestrySummary loadAndEvaluate(const QString& path,
                                const std::shared_ptr<const data::DataSplit>& data, JobContext& ctx)
{
    workflow::OpenModel m = workflow::openModel(path.toStdString());
    AncestrySummary s;
    s.path = path;
    s.kind = QString::fromStdString(m.summary.kind);
    s.params = m.summary.params;
    s.macs = m.summary.macs;
    s.architecture = m.summary.config
                         ? architectureLine(*m.summary.config)
                         : AncestryPage::tr("TorchScript module (architecture not recorded)");
    if (!data) {
        s.note = AncestryPage::tr("no top-1: no dataset is open");
        return s;
    }
    s.dataName = dataName(data->train);
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

    auto* current = new QGroupBox(tr("Ancestry model (the teacher)"), this);
    auto* currentLayout = new QVBoxLayout(current);
    m_load = new QPushButton(tr("Load…"), current);
    m_load->setObjectName("ancestryLoad");
    m_load->setToolTip(tr("A TLEG model (.safetensors) or any TorchScript classifier (.pt)"));
    m_summaryLabel = new QLabel(current);
    m_summaryLabel->setObjectName("ancestrySummary");
    m_summaryLabel->setTextFormat(Qt::PlainText);
    m_summaryLabel->setWordWrap(true);
    m_summaryLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A long path is cut at the edge rather than widening the window.
    m_summaryLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto* loadRow = new QHBoxLayout;
    loadRow->addWidget(m_load);
    loadRow->addStretch(1);
    currentLayout->addLayout(loadRow);
    currentLayout->addWidget(m_summaryLabel);
    right->addWidget(current);

    m_error = new QLabel(this);
    m_error->setObjectName("ancestryError");
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->setVisible(false);
    right->addWidget(m_error);

    auto* form = new QGroupBox(tr("Train an ancestry"), this);
    auto* formLayout = new QFormLayout(form);
    m_preset = new QComboBox(form);
    m_preset->setObjectName("ancestryPreset");
    for (const auto& name : model::ViTConfig::presetNames())
        m_preset->addItem(QString::fromStdString(name));
    m_preset->setCurrentText(QStringLiteral("fmnist-s")); // as 'tleg train-ancestry'
    m_depth = new QSpinBox(form);
    m_depth->setObjectName("ancestryDepth");
    m_depth->setRange(1, 24);
    m_epochs = new QSpinBox(form);
    m_epochs->setObjectName("ancestryEpochs");
    m_epochs->setRange(1, 1000);
    m_epochs->setValue(6);
    m_lr = new QDoubleSpinBox(form);
    m_lr->setObjectName("ancestryLr");
    m_lr->setDecimals(5);
    m_lr->setRange(0.00001, 1.0);
    m_lr->setSingleStep(0.0001);
    m_lr->setValue(0.001);
    m_batch = new QSpinBox(form);
    m_batch->setObjectName("ancestryBatch");
    m_batch->setRange(1, 4096);
    m_batch->setValue(128);
    m_warmup = new QDoubleSpinBox(form);
    m_warmup->setObjectName("ancestryWarmup");
    m_warmup->setDecimals(1);
    m_warmup->setRange(0.0, 100.0);
    m_warmup->setSingleStep(0.5);
    m_warmup->setValue(1.0);
    m_warmup->setSuffix(tr(" epochs"));
    m_seed = new QSpinBox(form);
    m_seed->setObjectName("ancestrySeed");
    m_seed->setRange(0, 1000000);
    m_augment = new QCheckBox(tr("random crop and flip"), form);
    m_augment->setObjectName("ancestryAugment");
    m_augment->setChecked(true);
    m_bf16 = new QCheckBox(tr("bfloat16 matmuls (Settings)"), form);
    m_bf16->setObjectName("ancestryBf16");
    m_bf16->setEnabled(false);
    formLayout->addRow(tr("Architecture"), m_preset);
    formLayout->addRow(tr("Depth"), m_depth);
    formLayout->addRow(tr("Epochs"), m_epochs);
    formLayout->addRow(tr("Learning rate"), m_lr);
    formLayout->addRow(tr("Batch size"), m_batch);
    formLayout->addRow(tr("Warm-up"), m_warmup);
    formLayout->addRow(tr("Seed"), m_seed);
    formLayout->addRow(tr("Augmentation"), m_augment);
    formLayout->addRow(tr("bf16"), m_bf16);
    m_presetLabel = new QLabel(form);
    m_presetLabel->setObjectName("ancestryPresetInfo");
    m_presetLabel->setWordWrap(true);
    formLayout->addRow(m_presetLabel);
    auto* actions = new QHBoxLayout;
    m_train = new QPushButton(tr("Train"), form);
    m_train->setObjectName("ancestryTrain");
    m_stop = new QPushButton(tr("Stop"), form);
    m_stop->setObjectName("ancestryStop");
    actions->addWidget(m_train);
    actions->addWidget(m_stop);
    actions->addStretch(1);
    formLayout->addRow(actions);
    m_runStatus = new QLabel(form);
    m_runStatus->setObjectName("ancestryRunStatus");
    m_runStatus->setWordWrap(true);
    m_runStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    formLayout->addRow(m_runStatus);
    left->addWidget(form);
    left->addStretch(1);
    // 340 px fits English and Chinese; in German the longest label and check box text need more.
    int labels = 0, checks = 0;
    for (int row = 0; row < formLayout->rowCount(); ++row) {
        if (QLayoutItem* label = formLayout->itemAt(row, QFormLayout::LabelRole))
            labels = std::max(labels, label->sizeHint().width());
        if (QLayoutItem* field = formLayout->itemAt(row, QFormLayout::FieldRole))
            if (qobject_cast<QCheckBox*>(field->widget()))
                checks = std::max(checks, field->sizeHint().width());
    }
    const QMargins inner = formLayout->contentsMargins(), frame = form->contentsMargins();
    const int needed = labels + std::max(6, formLayout->horizontalSpacing()) + checks + inner.left()
                       + inner.right() + frame.left() + frame.right();
    form->setFixedWidth(std::max(340, needed));

    m_plot = new TrainingPlot(this);
    m_plot->setObjectName("ancestryPlot");
    right->addWidget(m_plot, 1);

    connect(m_load, &QPushButton::clicked, this, &AncestryPage::browse);
    connect(m_train, &QPushButton::clicked, this, [this] { trainAncestry(); });
    connect(m_stop, &QPushButton::clicked, this, [this] {
        if (m_job != Job::None)
            m_runner.requestStop();
    });
    connect(m_preset, &QComboBox::currentTextChanged, this, [this] { onPresetChanged(); });
    connect(m_depth, &QSpinBox::valueChanged, this, [this] {
        updatePresetText();
        updateEnabled();
    });
    connect(&m_runner, &JobRunner::progressed, this, &AncestryPage::onProgress);
    connect(&m_runner, &JobRunner::finished, this, &AncestryPage::onFinished);
    connect(&m_runner, &JobRunner::started, this, [this] { updateEnabled(); });
    onPresetChanged();
    updateSummary();
}

void AncestryPage::browse()
{
    const QString path =
        m_chooser
            ? m_chooser()
            : QFileDialog::getOpenFileName(this, tr("Load an ancestry model"), m_state.runFolder,
                                           tr("Models (*.safetensors *.pt *.pth);;All files (*)"));
    if (!path.isEmpty())
        loadModel(path);
}

void AncestryPage::onDataChanged()
{
    updatePresetText();
    updateEnabled();
}

void AncestryPage::onPresetChanged()
{
    try {
        const QSignalBlocker block(m_depth);
        m_depth->setValue(static_cast<int>(
            model::ViTConfig::preset(m_preset->currentText().toStdString()).depth));
    } catch (const Error&) {
    }
    updatePresetText();
    updateEnabled();
}

model::ViTConfig AncestryPage::formConfig() const
{
    if (!m_state.data)
        throw Error(tr("Open a dataset on the Data page first.").toStdString());
    const auto& train = m_state.data->train;
    auto cfg = model::ViTConfig::preset(m_preset->currentText().toStdString());
    cfg.depth = m_depth->value();
    // As 'tleg train-ancestry': the data decides the input and the head.
    cfg.channels = train.channels();
    cfg.imageSize = train.height();
    cfg.numClasses = train.numClasses;
    if (train.height() != train.width())
        throw Error(tr("The images must be square, these are %1×%2.")
                        .arg(train.width())
                        .arg(train.height())
                        .toStdString());
    cfg.validate();
    return cfg;
}

void AncestryPage::updatePresetText()
{
    try {
        const auto cfg = formConfig();
        m_presetLabel->setStyleSheet(QString());
        m_presetLabel->setText(tr("%1 on %2: %3; %4 parameters, %5 MACs per image")
                                   .arg(m_preset->currentText(), dataName(m_state.data->train),
                                        architectureLine(cfg), count(cfg.totalParams()),
                                        count(cfg.forwardMacs())));
    } catch (const std::exception& e) {
        m_presetLabel->setStyleSheet(QStringLiteral("color: #c62828;"));
        m_presetLabel->setText(QString::fromStdString(e.what()));
    }
}

QString AncestryPage::presetText() const
{
    return m_presetLabel->text();
}

QString AncestryPage::runStatusText() const
{
    return m_runStatus->text();
}

QString AncestryPage::summaryText() const
{
    return m_summaryLabel->text();
}

QString AncestryPage::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
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
    const QString macs = s.macs > 0 ? count(s.macs) : tr("unknown");
    const QString top1 = s.haveTop1 ? tr("%1% (top-5 %2%) on the %3 test split")
                                          .arg(s.top1, 0, 'f', 2)
                                          .arg(s.top5, 0, 'f', 2)
                                          .arg(s.dataName)
                                    : s.note;
    m_summaryLabel->setText(tr("File: %1\nKind: %2\nArchitecture: %3\nParameters: %4\n"
                               "MACs per image: %5\nTop-1: %6")
                                .arg(QDir::toNativeSeparators(s.path), s.kind, s.architecture,
                                     count(s.params), macs, top1));
}

void AncestryPage::updateEnabled()
{
    const bool busy = m_runner.isRunning();
    bool fits = true;
    try {
        formConfig();
    } catch (const std::exception&) {
        fits = false;
    }
    m_load->setEnabled(!busy);
    m_train->setEnabled(!busy && fits);
    m_stop->setEnabled(busy && m_job != Job::None);
    const bool editable = m_job != Job::Train;
    for (QWidget* w : std::initializer_list<QWidget*>{m_preset, m_depth, m_epochs, m_lr, m_batch,
                                                      m_warmup, m_seed, m_augment})
        w->setEnabled(editable);
    m_bf16->setChecked(m_state.bf16);
}

bool AncestryPage::loadModel(const QString& path)
{
    if (m_runner.isRunning()) {
        showError(tr("%1 is running: wait for it or stop it, then load the model again.")
                      .arg(m_runner.currentJob()));
        return false;
    }
    auto outcome = std::make_shared<LoadOutcome>();
    auto data = m_state.data;
    const int threads = m_state.threads;
    const bool started = m_runner.start(tr("load ancestry %1").arg(QFileInfo(path).fileName()),
                                        [outcome, path, data, threads](JobContext& ctx) {
                                            train::applyThreads(threads);
                                            outcome->summary = loadAndEvaluate(path, data, ctx);
                                        });
    if (!started)
        return false;
    clearError();
    m_job = Job::Load;
    m_loadOutcome = outcome;
    m_summaryLabel->setText(tr("Loading %1…").arg(QDir::toNativeSeparators(path)));
    updateEnabled();
    return true;
}

QString AncestryPage::nextRunFolder() const
{
    const QDir runs(m_state.runFolder);
    for (int n = 1;; ++n) {
        const QString run =
            runs.filePath(QStringLiteral("ancestry-%1-%2").arg(m_preset->currentText()).arg(n));
        if (!QFileInfo::exists(run))
            return run;
    }
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
        cfg = formConfig();
    } catch (const std::exception& e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
    auto data = m_state.data;
    train::TrainOptions o;
    o.epochs = m_epochs->value();
    o.batchSize = m_batch->value();
    o.lr = m_lr->value();
    o.warmupEpochs = m_warmup->value();
    o.seed = static_cast<uint64_t>(m_seed->value());
    o.augment = m_augment->isChecked();
    o.threads = JobRunner::intraOpThreads(m_state.threads);
    o.bf16 = m_state.bf16;
    const QString run = nextRunFolder();
    o.runDir = run.toStdString();
    o.provenance = {{"role", "ancestry"},
                    {"data", data->train.name},
                    {"preset", m_preset->currentText().toStdString()}};
    auto outcome = std::make_shared<TrainOutcome>();
    const QString runName = QFileInfo(run).fileName();
    const bool started =
        m_runner.start(tr("train %1").arg(runName), [outcome, data, cfg, o, run](JobContext& ctx) {
            model::ViT net = model::scratch(cfg, o.seed);
            ctx.log(tr("ancestry: %1, %2 parameters, %3 epochs into %4")
                        .arg(architectureLine(cfg), count(cfg.totalParams()))
                        .arg(o.epochs)
                        .arg(QDir::toNativeSeparators(run)));
            const auto r = train::train(*net, data->train, data->test, o, nullptr, ctx.progressFn(),
                                        ctx.stopFlag());
            outcome->epochs = static_cast<int64_t>(r.history.size());
            if (r.stopped)
                return;
            AncestrySummary& s = outcome->summary;
            s.path = QString::fromStdString(joinPath(o.runDir, "model.safetensors"));
            s.kind = QStringLiteral("vit");
            s.architecture = architectureLine(cfg);
            s.params = cfg.totalParams();
            s.macs = cfg.forwardMacs();
            s.haveTop1 = !r.history.empty();
            s.top1 = r.finalTop1;
            s.top5 = r.finalTop5;
            s.dataName = dataName(data->train);
            ctx.log(tr("ancestry: top-1 %1%, top-5 %2% -> %3")
                        .arg(r.finalTop1, 0, 'f', 2)
                        .arg(r.finalTop5, 0, 'f', 2)
                        .arg(QDir::toNativeSeparators(s.path)));
        });
    if (!started)
        return false;
    clearError();
    m_job = Job::Train;
    m_trainOutcome = outcome;
    m_pendingRun = run;
    m_plot->clear();
    m_runStatus->setText(tr("Training into %1…").arg(QDir::toNativeSeparators(run)));
    updateEnabled();
    return true;
}

void AncestryPage::onProgress(const ProgressUpdate& u)
{
    if (m_job != Job::Train)
        return;
    if (u.epochDone)
        m_plot->addAccuracy(static_cast<double>(u.step), u.valTop1);
    else
        m_plot->addLoss(static_cast<double>(u.step), u.loss);
}

void AncestryPage::onFinished(const QString&, bool, const QString& error)
{
    const Job job = m_job;
    m_job = Job::None;
    if (job == Job::Load) {
        const auto outcome = std::move(m_loadOutcome);
        if (!error.isEmpty()) {
            showError(tr("Cannot use this model: %1").arg(error), false); // the runner logs it
            updateSummary(); // the previous model stays
        } else {
            m_summary = outcome->summary;
            updateSummary();
            Q_EMIT ancestryReady(m_summary.path);
        }
    } else if (job == Job::Train) {
        const auto outcome = std::move(m_trainOutcome);
        const QString run = std::exchange(m_pendingRun, QString());
        // A stop that comes after the last epoch is too late to matter: the model is saved.
        const bool trained = error.isEmpty() && !outcome->summary.path.isEmpty();
        if (!error.isEmpty()) {
            showError(tr("Training failed: %1").arg(error), false);
            m_runStatus->setText(tr("Failed; see %1.").arg(QDir::toNativeSeparators(run)));
        } else if (!trained) {
            m_runStatus->setText(tr("Stopped after %1 finished epoch(s); the last checkpoint is "
                                    "in %2.")
                                     .arg(outcome->epochs)
                                     .arg(QDir::toNativeSeparators(run)));
        } else {
            m_summary = outcome->summary;
            updateSummary();
            m_runStatus->setText(tr("Finished: %1").arg(QDir::toNativeSeparators(run)));
        }
        if (QFileInfo::exists(run)) {
            m_lastRun = run;
            Q_EMIT runFinished(run);
        }
        if (trained)
            Q_EMIT ancestryReady(m_summary.path);
    }
    updateEnabled();
}

} // namespace tleg::gui
