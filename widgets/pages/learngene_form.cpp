#include "widgets/pages/learngene_form.h"

#include "util/error.h"
#include "widgets/job_runner.h"
#include "widgets/pages/form_fields.h"
#include "widgets/text_format.h"
#include "workflow/jobs.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <tuple>

namespace tleg::gui {

LearngeneForm::LearngeneForm(const AppState& state, JobRunner& runner, QWidget* parent)
    : QWidget(parent), m_state(state)
{
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 4, 0);
    column->addWidget(buildAuxNet());
    column->addWidget(buildDistillation());
    column->addWidget(buildRun(runner));
    m_previewLabel = new QLabel(this);
    m_previewLabel->setObjectName("preview");
    m_previewLabel->setTextFormat(Qt::PlainText);
    m_previewLabel->setWordWrap(true);
    column->addWidget(m_previewLabel);
    column->addStretch(1);

    connect(m_preset, &QComboBox::activated, this, &LearngeneForm::applyPreset);
    for (auto* s : {m_patch, m_dim, m_heads, m_depth, m_expandFrom})
        connect(s, &QSpinBox::valueChanged, this, [this] {
            m_expandFrom->setMaximum(m_depth->value());
            syncPresetBox();
            updatePreview();
            Q_EMIT changed();
        });
    for (auto* c : {m_msa, m_mlp, m_ln, m_shareOnly})
        connect(c, &QCheckBox::toggled, this, [this] {
            updatePreview();
            Q_EMIT changed();
        });
    connect(m_lambda, &QDoubleSpinBox::valueChanged, this, &LearngeneForm::changed);
    connect(this, &LearngeneForm::changed, m_setup, &RunSetup::settingsChanged);
    for (auto* s : {m_epochs, m_batch})
        connect(s, &QSpinBox::valueChanged, m_setup, &RunSetup::settingsChanged);
    connect(m_bf16, &QCheckBox::toggled, m_setup, &RunSetup::settingsChanged);
    connect(m_setup, &RunSetup::quickTrialChosen, this, [this] { m_epochs->setValue(1); });
    // A label explains its field as the field does (τ, λ): set last, after the fields' tooltips.
    m_texts.set([this] {
        for (QLabel* label : findChildren<QLabel*>())
            if (label->buddy())
                label->setToolTip(label->buddy()->toolTip());
    });
    updatePreview();
}

void LearngeneForm::addLabel(QGridLayout* grid, const char* source, int row, int column,
                             QWidget* buddy)
{
    auto* label = new QLabel(grid->parentWidget());
    label->setBuddy(buddy);
    grid->addWidget(label, row, column);
    m_texts.set([label, source] { label->setText(tr(source)); });
}

QGroupBox* LearngeneForm::buildAuxNet()
{
    // The CLI's 'tleg distill' defaults: fmnist-ti, all groups expanded from block 0.
    const model::ViTConfig preset = model::ViTConfig::preset("fmnist-ti");
    auto* aux = new QGroupBox(this);
    auto* grid = new QGridLayout(aux);
    grid->setVerticalSpacing(4);
    m_preset = new QComboBox(aux);
    m_preset->setObjectName("preset");
    for (const auto& name : model::ViTConfig::presetNames())
        m_preset->addItem(QString::fromStdString(name));
    m_preset->addItem(QString()); // "custom", in the UI language
    m_preset->setCurrentText("fmnist-ti");
    m_patch = intField(aux, "patch", 1, 64, static_cast<int>(preset.patchSize));
    m_dim = intField(aux, "width", 4, 4096, static_cast<int>(preset.dim));
    m_dim->setSingleStep(8);
    m_heads = intField(aux, "heads", 1, 64, static_cast<int>(preset.heads));
    m_depth = intField(aux, "depth", 1, 48, static_cast<int>(preset.depth));
    m_expandFrom = intField(aux, "expandFrom", 1, static_cast<int>(preset.depth), 1);
    const std::tuple<const char*, QWidget*, int, int> fields[] = {
        {QT_TR_NOOP("Preset"), m_preset, 0, 0}, {QT_TR_NOOP("Patch"), m_patch, 0, 2},
        {QT_TR_NOOP("Width"), m_dim, 1, 0},     {QT_TR_NOOP("Heads"), m_heads, 1, 2},
        {QT_TR_NOOP("Depth L"), m_depth, 2, 0}, {QT_TR_NOOP("Expand from"), m_expandFrom, 2, 2}};
    for (const auto& [text, field, row, column] : fields) {
        addLabel(grid, text, row, column, field);
        grid->addWidget(field, row, column + 1);
    }
    auto* groups = new QHBoxLayout;
    m_msa = new QCheckBox(aux);
    m_msa->setObjectName("expandMsa");
    m_mlp = new QCheckBox(aux);
    m_mlp->setObjectName("expandMlp");
    m_ln = new QCheckBox(aux);
    m_ln->setObjectName("expandLn");
    for (auto* c : {m_msa, m_mlp, m_ln}) {
        c->setChecked(true);
        groups->addWidget(c);
    }
    groups->addStretch(1);
    addLabel(grid, QT_TR_NOOP("Expand"), 3, 0);
    grid->addLayout(groups, 3, 1, 1, 3);
    m_shareOnly = new QCheckBox(aux);
    m_shareOnly->setObjectName("shareOnly");
    grid->addWidget(m_shareOnly, 4, 0, 1, 4);
    m_texts.set([this, aux] {
        aux->setTitle(tr("Aux-Net"));
        m_preset->setItemText(m_preset->count() - 1, tr("custom"));
        m_expandFrom->setToolTip(tr("Partial expansion (paper Table 6): blocks below this one "
                                    "are ordinary independent blocks; from it on, blocks are "
                                    "linearly expanded. 1 expands every block."));
        m_msa->setText(tr("MSA"));
        m_mlp->setText(tr("MLP"));
        m_ln->setText(tr("LN"));
        m_shareOnly->setText(tr("Share one block instead (Share-Init baseline)"));
    });
    return aux;
}

QGroupBox* LearngeneForm::buildDistillation()
{
    auto* distil = new QGroupBox(this);
    auto* grid = new QGridLayout(distil);
    grid->setVerticalSpacing(4);
    m_tau = realField(distil, "tau", 2, 0.05, 100.0, 0.5, 1.0);
    m_lambda = realField(distil, "lambda", 2, 0.0, 1.0, 0.1, 1.0);
    m_epochs = intField(distil, "epochs", 1, 1000, 6);
    m_batch = intField(distil, "batch", 1, 4096, 128);
    m_lr = realField(distil, "lr", 5, 0.00001, 1.0, 0.0001, 0.001);
    m_seed = intField(distil, "seed", 0, 999999, 0);
    m_bf16 = new QCheckBox(distil);
    m_bf16->setObjectName("bf16");
    m_bf16->setChecked(m_state.bf16);
    m_deitNorm = new QCheckBox(distil);
    m_deitNorm->setObjectName("deitNorm");
    const std::tuple<const char*, QWidget*, int, int> fields[] = {
        {QT_TR_NOOP("τ"), m_tau, 0, 0},         {QT_TR_NOOP("λ"), m_lambda, 0, 2},
        {QT_TR_NOOP("Epochs"), m_epochs, 1, 0}, {QT_TR_NOOP("Batch"), m_batch, 1, 2},
        {QT_TR_NOOP("LR"), m_lr, 2, 0},         {QT_TR_NOOP("Seed"), m_seed, 2, 2}};
    for (const auto& [text, field, row, column] : fields) {
        addLabel(grid, text, row, column, field);
        grid->addWidget(field, row, column + 1);
    }
    grid->addWidget(m_bf16, 3, 0, 1, 2);
    grid->addWidget(m_deitNorm, 3, 2, 1, 2);
    m_texts.set([this, distil] {
        distil->setTitle(tr("Distillation"));
        m_tau->setToolTip(
            tr("Temperature τ of the soft distillation (paper Eq. 6): teacher and student logits "
               "are divided by τ before the softmax, so τ > 1 softens both distributions and "
               "passes on more of how the teacher ranks the wrong classes; the KL term is "
               "multiplied by τ² to keep its gradients in scale. The released code uses τ = 1."));
        m_lambda->setToolTip(
            tr("Weight λ of the distillation term (paper Eq. 5): Loss = (1−λ)·CE(student, "
               "labels) + λ·τ²·KL(teacher ‖ student). λ = 1 is pure distillation (the released "
               "code's default), λ = 0 learns from the labels alone."));
        m_bf16->setText(tr("bf16 matmuls"));
        m_deitNorm->setText(tr("Released recipe"));
        m_deitNorm->setToolTip(
            tr("Train as the paper's released code does (after DeiT): the KL term divided by "
               "batch × classes instead of by the batch as in the paper's Eq. 6 (the "
               "distillation term becomes 1/classes as large), and no gradient clipping (this "
               "tool clips the gradient norm at 1.0). For exact reproduction of the released "
               "code."));
    });
    return distil;
}

void LearngeneForm::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) {
        m_texts.retranslate();
        updatePreview();
    }
    QWidget::changeEvent(event);
}

void LearngeneForm::applyPreset(int index)
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
    Q_EMIT changed();
}

void LearngeneForm::syncPresetBox()
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

model::ViTConfig LearngeneForm::auxConfig() const
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

model::AuxOptions LearngeneForm::auxOptions() const
{
    model::AuxOptions o;
    o.groups = (m_msa->isChecked() ? model::kGroupMsa : 0u)
               | (m_mlp->isChecked() ? model::kGroupMlp : 0u)
               | (m_ln->isChecked() ? model::kGroupLn : 0u);
    o.expandFrom = m_expandFrom->value() - 1; // the box counts blocks from 1
    o.shareOnly = m_shareOnly->isChecked();
    return o;
}

train::TrainOptions LearngeneForm::trainOptions() const
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
    train::applyRecipe(o, m_deitNorm->isChecked() ? "released" : "tleg");
    o.augment = false; // the fast path: the teacher runs once per image (docs/PERFORMANCE.md)
    return o;
}

QString LearngeneForm::problem() const
{
    try {
        auxConfig().validate();
    } catch (const std::exception& e) {
        return tr("This Aux-Net cannot be built: %1").arg(gui::errorText(e));
    }
    if (auxOptions().groups == 0)
        return tr("Choose at least one of MSA, MLP and LN to expand.");
    return {};
}

void LearngeneForm::refresh()
{
    updatePreview();
    m_setup->refresh();
    m_setup->settingsChanged();
}

void LearngeneForm::setTeacherSource(TeacherSource source)
{
    m_teacherSource = std::move(source);
    m_setup->settingsChanged();
}

QString LearngeneForm::presetWarning() const
{
    const auto names = model::ViTConfig::presetNames();
    const int index = m_preset->currentIndex();
    if (!m_state.data || index < 0 || index >= static_cast<int>(names.size()))
        return {};
    const auto p = model::ViTConfig::preset(names[size_t(index)]);
    const QString warning = presetFitWarning(QString::fromStdString(names[size_t(index)]),
                                             p.imageSize, m_patch->value(), m_state.data->train);
    return warning.isEmpty() ? QString() : QStringLiteral("\n") + warning;
}

QGroupBox* LearngeneForm::buildRun(JobRunner& runner)
{
    auto* box = new QGroupBox(this);
    box->setObjectName("runBox");
    auto* layout = new QVBoxLayout(box);
    m_setup = new RunSetup(m_state, runner, workflow::Role::AuxNet, 1, box);
    m_setup->setEpochs([this] { return m_epochs->value(); });
    m_setup->setProbe([this] { return probeWork(); });
    layout->addWidget(m_setup);
    m_texts.set([box] { box->setTitle(tr("Run")); });
    return box;
}

ProbeWork LearngeneForm::probeWork() const
{
    if (!problem().isEmpty() || !m_state.data)
        throw Error(problem().toStdString());
    const auto cfg = auxConfig();
    const auto options = auxOptions();
    const auto t = trainOptions();
    train::ProbeOptions o;
    o.threads = t.threads;
    o.bf16 = t.bf16;
    std::pair<QString, train::TeacherOptions> teacher;
    if (m_teacherSource && t.loss.lambda > 0.0)
        teacher = m_teacherSource();
    ProbeWork w;
    w.key = QString::fromStdString(cfg.toJson().dump())
            + QString(" %1 %2 batch %3 threads %4 bf16 %5 teacher %6")
                  .arg(options.shareOnly)
                  .arg(options.expandFrom)
                  .arg(t.batchSize)
                  .arg(o.threads)
                  .arg(o.bf16)
                  .arg(teacher.first);
    w.teacherOnce = !t.augment && t.cacheTeacherLogits;
    const auto data = m_state.data;
    const int64_t batch = t.batchSize;
    w.measure = [cfg, options, o, data, batch, teacher](const std::atomic<bool>* stop) {
        model::AuxNet net(cfg, options);
        std::unique_ptr<train::Teacher> t;
        if (!teacher.first.isEmpty())
            t = workflow::openTeacher(teacher.first.toStdString(), teacher.second, data->train);
        const auto& d = data->train;
        return train::probeSpeed(*net, {d.channels(), d.height(), d.width()}, batch, o, t.get(),
                                 stop);
    };
    return w;
}

QString LearngeneForm::previewText() const
{
    return m_previewLabel->text();
}

void LearngeneForm::updatePreview()
{
    const model::ViTConfig c = auxConfig();
    const model::AuxOptions o = auxOptions();
    if (!problem().isEmpty()) {
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
            .arg(formatCount(m_preview.trainable), formatCount(m_preview.stored), blocks, lower)
            .trimmed()
        + presetWarning());
}

} // namespace tleg::gui
