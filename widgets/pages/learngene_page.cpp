#include "widgets/pages/learngene_page.h"
#include "widgets/text_format.h"

#include "model/learngene.h"
#include "train/teacher.h"
#include "util/error.h"
#include "widgets/plots/plot_export.h"
#include "widgets/plots/training_plot.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tleg::gui {

namespace {

QString millions(int64_t n)
{
    return QString::number(static_cast<double>(n) / 1e6, 'f', 3) + " M";
}

} // namespace

LearngenePage::LearngenePage(AppState& state, JobRunner& runner, QWidget* parent)
    : QWidget(parent), m_state(state), m_runner(runner)
{
    auto* layout = new QVBoxLayout(this);

    auto* teacherRow = new QHBoxLayout;
    auto* teacherLabel = new QLabel(tr("Teacher (ancestry model):"), this);
    m_teacher = new QLineEdit(this);
    m_teacher->setObjectName("teacherPath");
    m_teacher->setPlaceholderText(
        tr("model.safetensors from the Ancestry page, or a TorchScript .pt"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    browse->setObjectName("browseTeacher");
    teacherRow->addWidget(teacherLabel);
    teacherRow->addWidget(m_teacher, 1);
    teacherRow->addWidget(browse);
    layout->addLayout(teacherRow);

    // Left: the settings, the preview and the buttons; right: the curves and the progress.
    auto* body = new QHBoxLayout;
    auto* left = new QVBoxLayout;
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(buildSettings());
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFixedWidth(410);
    left->addWidget(scroll, 1);
    auto* buttons = new QHBoxLayout;
    m_start = new QPushButton(tr("Start"), this);
    m_start->setObjectName("startButton");
    m_pause = new QPushButton(tr("Pause"), this);
    m_pause->setObjectName("pauseButton");
    m_resume = new QPushButton(tr("Resume"), this);
    m_resume->setObjectName("resumeButton");
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName("stopButton");
    for (auto* b : {m_start, m_pause, m_resume, m_stop})
        buttons->addWidget(b);
    left->addLayout(buttons);
    m_reason = new QLabel(this);
    m_reason->setObjectName("startBlockedReason");
    m_reason->setWordWrap(true);
    m_reason->setFixedWidth(410);
    left->addWidget(m_reason);
    body->addLayout(left);

    auto* right = new QVBoxLayout;
    m_plot = new TrainingPlot(this);
    m_plot->setObjectName("trainingPlot");
    m_plot->setLearningRateVisible(true);
    installPlotExport(m_plot->plot());
    right->addWidget(m_plot, 1);
    auto* progressRow = new QHBoxLayout;
    m_progress = new QProgressBar(this);
    m_progress->setObjectName("progressBar");
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_eta = new QLabel(tr("Not started."), this);
    m_eta->setObjectName("etaLabel");
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_eta, 2);
    right->addLayout(progressRow);
    m_status = new QLabel(this);
    m_status->setObjectName("statusLabel");
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    right->addWidget(m_status);
    m_error = new QLabel(this);
    m_error->setObjectName("errorLabel");
    m_error->setWordWrap(true);
    m_error->setStyleSheet("color: #c62828;");
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    right->addWidget(m_error);
    body->addLayout(right, 1);
    layout->addLayout(body, 1);

    connect(browse, &QPushButton::clicked, this, &LearngenePage::browseTeacher);
    connect(m_teacher, &QLineEdit::textChanged, this, [this] { updateEnabled(); });
    connect(m_start, &QPushButton::clicked, this, &LearngenePage::startDistillation);
    connect(m_pause, &QPushButton::clicked, this, [this] {
        m_runner.pause();
        m_eta->setText(tr("Pausing after the current batch…"));
        updateEnabled();
    });
    connect(m_resume, &QPushButton::clicked, this, [this] {
        m_runner.resume();
        updateEnabled();
    });
    connect(m_stop, &QPushButton::clicked, this, [this] {
        m_runner.requestStop();
        m_eta->setText(tr("Stopping…"));
        updateEnabled();
    });
    connect(&m_runner, &JobRunner::progressed, this, &LearngenePage::onProgress);
    connect(&m_runner, &JobRunner::finished, this, &LearngenePage::onFinished);
    connect(&m_runner, &JobRunner::started, this, [this] { updateEnabled(); });
    connect(&m_runner, &JobRunner::paused, this, [this] {
        if (!isDistilling())
            return;
        m_eta->setText(tr("Paused at step %1 of %2; the ETA leaves the pause out.")
                           .arg(m_lastProgress.step)
                           .arg(m_lastProgress.totalSteps));
        updateEnabled();
    });
    connect(&m_runner, &JobRunner::resumed, this, [this] {
        if (!isDistilling())
            return;
        showProgressText(m_lastProgress);
        updateEnabled();
    });

    updatePreview();
    updateEnabled();
}

QWidget* LearngenePage::buildSettings()
{
    auto* settings = new QWidget(this);
    auto* column = new QVBoxLayout(settings);
    column->setContentsMargins(0, 0, 4, 0);
    auto spin = [settings](const char* name, int lo, int hi, int value) {
        auto* s = new QSpinBox(settings);
        s->setObjectName(name);
        s->setRange(lo, hi);
        s->setValue(value);
        return s;
    };
    auto real = [settings](const char* name, double lo, double hi, double step, int decimals,
                           double value) {
        auto* s = new QDoubleSpinBox(settings);
        s->setObjectName(name);
        s->setDecimals(decimals);
        s->setRange(lo, hi);
        s->setSingleStep(step);
        s->setValue(value);
        return s;
    };

    // The CLI's 'tleg distill' defaults: fmnist-ti, all groups expanded from block 0.
    const model::ViTConfig preset = model::ViTConfig::preset("fmnist-ti");
    auto* aux = new QGroupBox(tr("Aux-Net"), settings);
    auto* grid = new QGridLayout(aux);
    grid->setVerticalSpacing(4);
    m_preset = new QComboBox(aux);
    m_preset->setObjectName("preset");
    for (const auto& name : model::ViTConfig::presetNames())
        m_preset->addItem(QString::fromStdString(name));
    m_preset->addItem(tr("custom"));
    m_preset->setCurrentText("fmnist-ti");
    m_patch = spin("patch", 1, 64, static_cast<int>(preset.patchSize));
    m_dim = spin("width", 4, 4096, static_cast<int>(preset.dim));
    m_dim->setSingleStep(8);
    m_heads = spin("heads", 1, 64, static_cast<int>(preset.heads));
    m_depth = spin("depth", 1, 48, static_cast<int>(preset.depth));
    m_expandFrom = spin("expandFrom", 1, static_cast<int>(preset.depth), 1);
    m_expandFrom->setToolTip(tr("Partial expansion (paper Table 6): blocks below this one are "
                                "ordinary independent blocks; from it on, blocks are linearly "
                                "expanded. 1 expands every block."));
    grid->addWidget(new QLabel(tr("Preset"), aux), 0, 0);
    grid->addWidget(m_preset, 0, 1);
    grid->addWidget(new QLabel(tr("Patch"), aux), 0, 2);
    grid->addWidget(m_patch, 0, 3);
    grid->addWidget(new QLabel(tr("Width"), aux), 1, 0);
    grid->addWidget(m_dim, 1, 1);
    grid->addWidget(new QLabel(tr("Heads"), aux), 1, 2);
    grid->addWidget(m_heads, 1, 3);
    grid->addWidget(new QLabel(tr("Depth L"), aux), 2, 0);
    grid->addWidget(m_depth, 2, 1);
    grid->addWidget(new QLabel(tr("Expand from"), aux), 2, 2);
    grid->addWidget(m_expandFrom, 2, 3);
    auto* groups = new QHBoxLayout;
    m_msa = new QCheckBox(tr("MSA"), aux);
    m_msa->setObjectName("expandMsa");
    m_mlp = new QCheckBox(tr("MLP"), aux);
    m_mlp->setObjectName("expandMlp");
    m_ln = new QCheckBox(tr("LN"), aux);
    m_ln->setObjectName("expandLn");
    for (auto* c : {m_msa, m_mlp, m_ln}) {
        c->setChecked(true);
        groups->addWidget(c);
    }
    groups->addStretch(1);
    grid->addWidget(new QLabel(tr("Expand"), aux), 3, 0);
    grid->addLayout(groups, 3, 1, 1, 3);
    m_shareOnly = new QCheckBox(tr("Share one block instead (Share-Init baseline)"), aux);
    m_shareOnly->setObjectName("shareOnly");
    grid->addWidget(m_shareOnly, 4, 0, 1, 4);
    column->addWidget(aux);

    auto* distil = new QGroupBox(tr("Distillation"), settings);
    auto* dgrid = new QGridLayout(distil);
    dgrid->setVerticalSpacing(4);
    m_tau = real("tau", 0.05, 100.0, 0.5, 2, 1.0);
    m_lambda = real("lambda", 0.0, 1.0, 0.1, 2, 1.0);
    m_lambda->setToolTip(tr("Loss = (1−λ)·CE + λ·τ²·KL; λ = 1 is pure distillation (the "
                            "released code's default), λ = 0 learns from the labels alone."));
    m_epochs = spin("epochs", 1, 1000, 6);
    m_batch = spin("batch", 1, 4096, 128);
    m_lr = real("lr", 0.00001, 1.0, 0.0001, 5, 0.001);
    m_seed = spin("seed", 0, 999999, 0);
    m_bf16 = new QCheckBox(tr("bf16 matmuls"), distil);
    m_bf16->setObjectName("bf16");
    m_bf16->setChecked(m_state.bf16);
    m_deitNorm = new QCheckBox(tr("KL ÷ batch×classes"), distil);
    m_deitNorm->setObjectName("deitNorm");
    m_deitNorm->setToolTip(tr("Normalise the KL term as the released code (after DeiT) does, "
                              "for exact reproduction."));
    dgrid->addWidget(new QLabel(tr("τ"), distil), 0, 0);
    dgrid->addWidget(m_tau, 0, 1);
    dgrid->addWidget(new QLabel(tr("λ"), distil), 0, 2);
    dgrid->addWidget(m_lambda, 0, 3);
    dgrid->addWidget(new QLabel(tr("Epochs"), distil), 1, 0);
    dgrid->addWidget(m_epochs, 1, 1);
    dgrid->addWidget(new QLabel(tr("Batch"), distil), 1, 2);
    dgrid->addWidget(m_batch, 1, 3);
    dgrid->addWidget(new QLabel(tr("LR"), distil), 2, 0);
    dgrid->addWidget(m_lr, 2, 1);
    dgrid->addWidget(new QLabel(tr("Seed"), distil), 2, 2);
    dgrid->addWidget(m_seed, 2, 3);
    dgrid->addWidget(m_bf16, 3, 0, 1, 2);
    dgrid->addWidget(m_deitNorm, 3, 2, 1, 2);
    column->addWidget(distil);

    m_previewLabel = new QLabel(settings);
    m_previewLabel->setObjectName("preview");
    m_previewLabel->setTextFormat(Qt::PlainText);
    m_previewLabel->setWordWrap(true);
    column->addWidget(m_previewLabel);
    column->addStretch(1);

    connect(m_preset, &QComboBox::activated, this, &LearngenePage::applyPreset);
    for (auto* s : {m_patch, m_dim, m_heads, m_depth, m_expandFrom})
        connect(s, &QSpinBox::valueChanged, this, [this] {
            m_expandFrom->setMaximum(m_depth->value());
            syncPresetBox();
            updatePreview();
            updateEnabled();
        });
    for (auto* c : {m_msa, m_mlp, m_ln, m_shareOnly})
        connect(c, &QCheckBox::toggled, this, [this] {
            updatePreview();
            updateEnabled();
        });
    connect(m_lambda, &QDoubleSpinBox::valueChanged, this, [this] { updateEnabled(); });
    return settings;
}

void LearngenePage::applyPreset(int index)
{
    const auto names = model::ViTConfig::presetNames();
    if (index < 0 || index >= static_cast<int>(names.size()))
        return; // "custom": keep the numbers
    const auto p = model::ViTConfig::preset(names[static_cast<size_t>(index)]);
    m_mlpRatio = p.mlpRatio;
    for (auto* s : {m_patch, m_dim, m_heads, m_depth})
        s->blockSignals(true);
    m_patch->setValue(static_cast<int>(p.patchSize));
    m_dim->setValue(static_cast<int>(p.dim));
    m_heads->setValue(static_cast<int>(p.heads));
    m_depth->setValue(static_cast<int>(p.depth));
    for (auto* s : {m_patch, m_dim, m_heads, m_depth})
        s->blockSignals(false);
    m_expandFrom->setMaximum(m_depth->value());
    updatePreview();
    updateEnabled();
}

void LearngenePage::syncPresetBox()
{
    // The box names the preset the numbers match, or "custom".
    const auto names = model::ViTConfig::presetNames();
    int match = static_cast<int>(names.size());
    for (size_t i = 0; i < names.size(); ++i) {
        const auto p = model::ViTConfig::preset(names[i]);
        if (p.patchSize == m_patch->value() && p.dim == m_dim->value()
            && p.heads == m_heads->value() && p.depth == m_depth->value()) {
            match = static_cast<int>(i);
            break;
        }
    }
    m_preset->setCurrentIndex(match);
}

model::ViTConfig LearngenePage::auxConfig() const
{
    model::ViTConfig c; // 28×28 grey, 10 classes: Fashion-MNIST until a dataset is open
    if (m_state.data && m_state.data->train.size() > 0) {
        const auto& d = m_state.data->train;
        c.imageSize = d.height();
        c.channels = d.channels();
        c.numClasses = d.numClasses;
    }
    c.patchSize = m_patch->value();
    c.dim = m_dim->value();
    c.heads = m_heads->value();
    c.depth = m_depth->value();
    c.mlpRatio = m_mlpRatio;
    return c;
}

model::AuxOptions LearngenePage::auxOptions() const
{
    model::AuxOptions o;
    o.groups = (m_msa->isChecked() ? model::kGroupMsa : 0u)
               | (m_mlp->isChecked() ? model::kGroupMlp : 0u)
               | (m_ln->isChecked() ? model::kGroupLn : 0u);
    o.expandFrom = m_expandFrom->value() - 1; // the box counts blocks from 1
    o.shareOnly = m_shareOnly->isChecked();
    return o;
}

train::TrainOptions LearngenePage::trainOptions() const
{
    train::TrainOptions o;
    o.epochs = m_epochs->value();
    o.batchSize = m_batch->value();
    o.lr = m_lr->value();
    o.seed = static_cast<uint64_t>(m_seed->value());
    o.bf16 = m_bf16->isChecked();
    o.threads = JobRunner::intraOpThreads(m_state.threads);
    o.warmupEpochs = std::min(1.0, 0.2 * static_cast<double>(o.epochs));
    o.loss.lambda = m_lambda->value();
    o.loss.tau = m_tau->value();
    o.loss.deitNormalisation = m_deitNorm->isChecked();
    o.augment = false; // the fast path: the teacher runs once per image (docs/PERFORMANCE.md)
    return o;
}

QString LearngenePage::teacherPath() const
{
    return m_teacher->text().trimmed();
}

void LearngenePage::setTeacherPath(const QString& path)
{
    m_teacher->setText(path);
    updateEnabled();
}

QString LearngenePage::previewText() const
{
    return m_previewLabel->text();
}

void LearngenePage::refreshData()
{
    updatePreview();
    updateEnabled();
}

void LearngenePage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    refreshData(); // the Data page may have opened another dataset meanwhile
}

QString LearngenePage::startBlockedReason() const
{
    if (!m_state.data || m_state.data->train.size() == 0)
        return tr("Open a dataset on the Data page first.");
    try {
        auxConfig().validate();
    } catch (const std::exception& e) {
        return tr("This Aux-Net cannot be built: %1").arg(QString::fromStdString(e.what()));
    }
    if (auxOptions().groups == 0)
        return tr("Choose at least one of MSA, MLP and LN to expand.");
    const QString teacher = teacherPath();
    if (m_lambda->value() > 0.0 && teacher.isEmpty())
        return tr("Distillation (λ > 0) needs a teacher: choose the ancestry model above, or "
                  "set λ to 0 to train the Aux-Net from the labels alone.");
    if (m_lambda->value() > 0.0 && !QFileInfo(teacher).isFile())
        return tr("The teacher file %1 does not exist.").arg(teacher);
    if (m_runner.isRunning() && !isDistilling())
        return tr("Another job is running (%1): wait for it or stop it.")
            .arg(m_runner.currentJob());
    return {};
}

void LearngenePage::updatePreview()
{
    const model::ViTConfig c = auxConfig();
    const model::AuxOptions o = auxOptions();
    try {
        c.validate();
        if (o.groups == 0)
            throw Error(tr("no module group is expanded").toStdString());
    } catch (const std::exception&) {
        m_preview = {};
        m_previewLabel->setText(tr("No preview: the settings do not make an Aux-Net yet."));
        return;
    }
    m_preview = model::auxNetSize(c, o);
    const QString blocks =
        o.shareOnly
            ? tr("Blocks %1–%2 share one block θ_B.").arg(o.expandFrom + 1).arg(c.depth)
            : tr("Block l = %1–%2 is θ_B + (l−1)/%2·θ_A.").arg(o.expandFrom + 1).arg(c.depth);
    const QString lower =
        o.expandFrom > 0 ? tr("Blocks 1–%1 are independent.").arg(o.expandFrom) : QString();
    m_previewLabel->setText(
        tr("Aux-Net: %1 trainable parameters.\nLearngene: %2 stored "
           "parameters (S-Params, head excluded).\n%3 %4")
            .arg(millions(m_preview.trainable), millions(m_preview.stored), blocks, lower)
            .trimmed());
}

void LearngenePage::updateEnabled()
{
    const QString reason = startBlockedReason();
    const bool ours = isDistilling() && m_runner.isRunning();
    const bool paused = m_runner.isPaused();
    m_start->setEnabled(!m_runner.isRunning() && reason.isEmpty());
    m_pause->setEnabled(ours && !paused);
    m_resume->setEnabled(ours && paused);
    m_stop->setEnabled(ours);
    // Without a teacher only λ = 0 can run (the Aux-Net then learns from the labels alone):
    // Start stays disabled with this sentence rather than silently ignoring λ.
    QString note = reason;
    if (note.isEmpty() && m_lambda->value() == 0.0)
        note = tr("λ = 0: the Aux-Net learns from the labels alone; the teacher is not used.");
    m_reason->setText(isDistilling() ? QString() : note);
}

void LearngenePage::browseTeacher()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Choose the ancestry model"), m_state.runFolder,
                                     tr("Models (*.safetensors *.pt *.pth);;All files (*)"));
    if (!path.isEmpty())
        setTeacherPath(path);
}

QString LearngenePage::nextRunFolder() const
{
    const QDir root(m_state.runFolder);
    for (int n = 1;; ++n) {
        const QString name = QString("distill-%1").arg(n);
        if (!root.exists(name))
            return root.filePath(name);
    }
}

void LearngenePage::startDistillation()
{
    m_error->clear();
    const QString reason = startBlockedReason();
    if (!reason.isEmpty() || m_runner.isRunning()) {
        m_error->setText(reason.isEmpty()
                             ? tr("Another job is running (%1): wait for it or stop it.")
                                   .arg(m_runner.currentJob())
                             : reason);
        return;
    }
    const model::ViTConfig cfg = auxConfig();
    const model::AuxOptions ao = auxOptions();
    train::TrainOptions o = trainOptions();
    auto data = m_state.data;
    const QString run = nextRunFolder();
    const std::string teacher = o.loss.lambda > 0.0 ? teacherPath().toStdString() : std::string();
    o.runDir = run.toStdString();
    o.provenance = {{"role", "auxnet"}, {"teacher", teacher}, {"data", data->train.name}};
    const QString learngenePath = QDir(run).filePath("learngene.safetensors");
    const std::string out = learngenePath.toStdString();
    auto saved = std::make_shared<std::atomic<bool>>(false);

    // Set before start(): started() and the first progress arrive while start() runs.
    m_pendingRun = run;
    m_pendingLearngene = learngenePath;
    m_saved = saved;
    m_lastProgress = {};
    const bool ok = m_runner.start(tr("distill"), [cfg, ao, o, teacher, data, out,
                                                   saved](JobContext& ctx) {
        std::unique_ptr<train::Teacher> t;
        if (o.loss.lambda > 0.0) {
            t = train::loadTeacher(teacher);
            train::checkTeacher(*t, data->train, teacher);
            ctx.log(QObject::tr("teacher: %1").arg(QString::fromStdString(t->description())));
        }
        torch::manual_seed(o.seed);
        model::AuxNet aux(cfg, ao);
        ctx.log(QObject::tr("Aux-Net of depth %1, width %2: expands %3 from block %4")
                    .arg(cfg.depth)
                    .arg(cfg.dim)
                    .arg(QString::fromStdString(model::groupsToString(ao.groups)))
                    .arg(ao.expandFrom + 1)); // 1-based, as the form
        const auto r = train::train(*aux, data->train, data->test, o, t.get(), ctx.progressFn(),
                                    ctx.stopFlag());
        if (r.stopped) {
            ctx.log(QObject::tr("distillation stopped after %1 epochs; the checkpoint is in %2")
                        .arg(r.history.size())
                        .arg(QString::fromStdString(o.runDir)));
            return;
        }
        const auto lg = model::Learngene::fromAuxNet(*aux);
        lg.save(out, {{"aux_top1", r.finalTop1}, {"teacher", teacher}, {"data", data->train.name}});
        saved->store(true);
        ctx.log(QObject::tr("Aux-Net top-1 %1%; learngene (%2 stored parameters) written to %3")
                    .arg(r.finalTop1, 0, 'f', 2)
                    .arg(millions(lg.storedParams()))
                    .arg(QString::fromStdString(out)));
    });
    if (!ok) {
        m_pendingRun.clear();
        m_pendingLearngene.clear();
        m_error->setText(
            tr("Another job is running (%1): wait for it or stop it.").arg(m_runner.currentJob()));
        return;
    }
    m_plot->clear();
    m_status->clear();
    m_progress->setRange(0, 0); // busy until the first batch reports
    m_eta->setText(tr("Starting…"));
    updateEnabled();
}

void LearngenePage::showProgressText(const ProgressUpdate& u)
{
    if (u.totalSteps <= 0)
        return;
    m_eta->setText(tr("Epoch %1 of %2, step %3 of %4, ETA %5")
                       .arg(u.epoch)
                       .arg(u.epochs)
                       .arg(u.step)
                       .arg(u.totalSteps)
                       .arg(formatDuration(u.etaSeconds)));
}

void LearngenePage::onProgress(const ProgressUpdate& u)
{
    if (!isDistilling())
        return;
    m_lastProgress = u;
    if (u.totalSteps > 0) {
        m_progress->setRange(0, static_cast<int>(u.totalSteps));
        m_progress->setValue(static_cast<int>(u.step));
    }
    if (!m_runner.isPaused())
        showProgressText(u);
    const auto step = static_cast<double>(u.step);
    if (u.epochDone) {
        m_plot->addAccuracy(step, u.valTop1);
        return;
    }
    m_plot->addLoss(step, u.loss);
    m_plot->addLearningRate(step, u.lr);
}

void LearngenePage::onFinished(const QString&, bool stopped, const QString& error)
{
    if (!isDistilling()) {
        updateEnabled();
        return;
    }
    const QString run = m_pendingRun, learngene = m_pendingLearngene;
    const bool saved = m_saved && m_saved->load();
    m_pendingRun.clear();
    m_pendingLearngene.clear();
    m_saved.reset();
    if (m_progress->maximum() == 0)
        m_progress->setRange(0, 1);
    if (!error.isEmpty()) {
        m_error->setText(tr("Distillation failed: %1").arg(error));
        m_eta->setText(tr("Failed."));
    } else if (saved) {
        m_progress->setValue(m_progress->maximum());
        m_eta->setText(tr("Finished in %1.").arg(formatDuration(m_lastProgress.elapsedSeconds)));
        m_status->setText(
            tr("Learngene saved: %1").arg(QDir(m_state.runFolder).relativeFilePath(learngene)));
        m_status->setToolTip(learngene);
        m_lastRun = run;
        m_lastLearngene = learngene;
        Q_EMIT learngeneSaved(learngene);
        Q_EMIT runFinished(run);
    } else {
        m_eta->setText(stopped ? tr("Stopped.") : tr("Ended without a learngene."));
        m_status->setText(tr("Stopped: finished epochs stay in %1 (checkpoint.safetensors).")
                              .arg(QDir(m_state.runFolder).relativeFilePath(run)));
        m_status->setToolTip(run);
    }
    updateEnabled();
}

} // namespace tleg::gui
