#include "widgets/pages/ancestry_form.h"

#include "model/des_net.h"
#include "util/error.h"
#include "widgets/icons.h"
#include "widgets/job_runner.h"
#include "widgets/pages/form_fields.h"
#include "widgets/text_format.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

#include <algorithm>

namespace tleg::gui {

QString architectureLine(const model::ViTConfig& c)
{
    return AncestryForm::tr("depth %1, width %2, %3 heads, patch %4, %5×%5×%6 input, %7 classes, "
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

AncestryForm::AncestryForm(const AppState& state, JobRunner& runner, QWidget* parent)
    : QGroupBox(parent), m_state(state)
{
    auto* layout = new QFormLayout(this);
    m_preset = new QComboBox(this);
    m_preset->setObjectName("ancestryPreset");
    for (const auto& name : model::ViTConfig::presetNames())
        m_preset->addItem(QString::fromStdString(name));
    m_preset->setCurrentText(QStringLiteral("fmnist-s")); // as 'tleg train-ancestry'
    m_depth = intField(this, "ancestryDepth", 1, 24, 1);
    m_epochs = intField(this, "ancestryEpochs", 1, 1000, 6);
    m_lr = realField(this, "ancestryLr", 5, 0.00001, 1.0, 0.0001, 0.001);
    m_batch = intField(this, "ancestryBatch", 1, 4096, 128);
    m_warmup = realField(this, "ancestryWarmup", 1, 0.0, 100.0, 0.5, 1.0);
    m_seed = intField(this, "ancestrySeed", 0, 1000000, 0);
    m_augment = new QCheckBox(this);
    m_augment->setObjectName("ancestryAugment");
    m_augment->setChecked(true);
    m_bf16 = new QCheckBox(this);
    m_bf16->setObjectName("ancestryBf16");
    m_bf16->setEnabled(false);
    m_presetLabel = new QLabel(this);
    m_presetLabel->setObjectName("ancestryPresetInfo");
    m_presetLabel->setWordWrap(true);
    m_setup = new RunSetup(state, runner, workflow::Role::Ancestry, 1, this);
    m_setup->setEpochs([this] { return m_epochs->value(); });
    m_train = new QPushButton(this);
    m_train->setObjectName("ancestryTrain");
    m_train->setIcon(icon(Icon::Start));
    m_runStatus = new QLabel(this);
    m_runStatus->setObjectName("ancestryRunStatus");
    m_runStatus->setWordWrap(true);
    m_runStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    addRows(layout);
    m_texts.set([this] {
        setTitle(tr("Train an ancestry"));
        m_warmup->setSuffix(tr(" epochs"));
        m_augment->setText(tr("random crop and flip"));
        m_bf16->setText(tr("bfloat16 matmuls (Settings)"));
        m_train->setText(tr("Train"));
    });
    fitWidth(layout);

    m_setup->setProbe([this] { return probeWork(); });
    connect(m_setup, &RunSetup::quickTrialChosen, this, [this] { m_epochs->setValue(1); });
    connect(m_epochs, &QSpinBox::valueChanged, m_setup, &RunSetup::settingsChanged);
    connect(m_batch, &QSpinBox::valueChanged, m_setup, &RunSetup::settingsChanged);
    connect(m_preset, &QComboBox::currentTextChanged, this, &AncestryForm::onPresetChanged);
    connect(m_depth, &QSpinBox::valueChanged, this, [this] {
        refresh();
        Q_EMIT architectureChanged();
    });
    onPresetChanged();
}

void AncestryForm::addRows(QFormLayout* layout)
{
    const std::pair<const char*, QWidget*> rows[] = {{QT_TR_NOOP("Architecture"), m_preset},
                                                     {QT_TR_NOOP("Depth"), m_depth},
                                                     {QT_TR_NOOP("Epochs"), m_epochs},
                                                     {QT_TR_NOOP("Learning rate"), m_lr},
                                                     {QT_TR_NOOP("Batch size"), m_batch},
                                                     {QT_TR_NOOP("Warm-up"), m_warmup},
                                                     {QT_TR_NOOP("Seed"), m_seed},
                                                     {QT_TR_NOOP("Augmentation"), m_augment},
                                                     {QT_TR_NOOP("bf16"), m_bf16}};
    for (const auto& [text, field] : rows) {
        auto* label = new QLabel(this);
        layout->addRow(label, field);
        m_texts.set([label, text = text] { label->setText(tr(text)); });
    }
    layout->addRow(m_presetLabel);
    layout->addRow(m_setup);
    auto* actions = new QHBoxLayout;
    actions->addWidget(m_train);
    actions->addStretch(1);
    layout->addRow(actions);
    layout->addRow(m_runStatus);
}

void AncestryForm::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QGroupBox::changeEvent(event);
}

void AncestryForm::retranslateUi()
{
    m_texts.retranslate();
    fitWidth(static_cast<QFormLayout*>(layout())); // German labels need more room
    refresh();
}

void AncestryForm::fitWidth(QFormLayout* layout)
{
    // 340 px fits English and Chinese; in German the longest label and check box text need more.
    int labels = 0, checks = 0;
    for (int row = 0; row < layout->rowCount(); ++row) {
        if (QLayoutItem* label = layout->itemAt(row, QFormLayout::LabelRole))
            labels = std::max(labels, label->sizeHint().width());
        if (QLayoutItem* field = layout->itemAt(row, QFormLayout::FieldRole))
            if (qobject_cast<QCheckBox*>(field->widget()))
                checks = std::max(checks, field->sizeHint().width());
    }
    const QMargins inner = layout->contentsMargins(), frame = contentsMargins();
    const int needed = labels + std::max(6, layout->horizontalSpacing()) + checks + inner.left()
                       + inner.right() + frame.left() + frame.right();
    setFixedWidth(std::max(340, needed));
}

void AncestryForm::onPresetChanged()
{
    try {
        const QSignalBlocker block(m_depth);
        m_depth->setValue(static_cast<int>(
            model::ViTConfig::preset(m_preset->currentText().toStdString()).depth));
    } catch (const Error&) {
    }
    refresh();
    Q_EMIT architectureChanged();
}

model::ViTConfig AncestryForm::config() const
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

train::TrainOptions AncestryForm::options() const
{
    train::TrainOptions o;
    o.epochs = m_epochs->value();
    o.batchSize = m_batch->value();
    o.lr = m_lr->value();
    o.warmupEpochs = m_warmup->value();
    o.seed = static_cast<uint64_t>(m_seed->value());
    o.augment = m_augment->isChecked();
    o.threads = JobRunner::intraOpThreads(m_state.threads);
    o.bf16 = m_state.bf16;
    // The workflow adds the role, the data and the init; the preset is the form's own word.
    o.provenance = {{"preset", m_preset->currentText().toStdString()}};
    return o;
}

ProbeWork AncestryForm::probeWork() const
{
    const auto cfg = config();
    const int64_t batch = m_batch->value();
    const auto& train = m_state.data->train;
    train::ProbeOptions o;
    o.threads = JobRunner::intraOpThreads(m_state.threads);
    o.bf16 = m_state.bf16;
    ProbeWork w;
    w.key = QString::fromStdString(cfg.toJson().dump()) + QString(" batch %1 threads %2 bf16 %3")
                                                             .arg(batch)
                                                             .arg(o.threads)
                                                             .arg(o.bf16);
    const std::vector<int64_t> shape{train.channels(), train.height(), train.width()};
    w.measure = [cfg, batch, o, shape](const std::atomic<bool>* stop) {
        auto net = model::scratch(cfg, 0);
        return train::probeSpeed(*net, shape, batch, o, nullptr, stop);
    };
    return w;
}

void AncestryForm::refresh()
{
    m_bf16->setChecked(m_state.bf16);
    m_setup->refresh();
    m_setup->settingsChanged();
    QString warning;
    if (m_state.data) {
        const auto preset = model::ViTConfig::preset(m_preset->currentText().toStdString());
        warning = presetFitWarning(m_preset->currentText(), preset.imageSize, preset.patchSize,
                                   m_state.data->train);
    }
    try {
        const auto cfg = config();
        m_presetLabel->setStyleSheet(warning.isEmpty() ? QString()
                                                       : QStringLiteral("color: #b26a00;"));
        m_presetLabel->setText(tr("%1 on %2: %3; %4 parameters, %5 MACs per image")
                                   .arg(m_preset->currentText(),
                                        datasetName(m_state.data->train.name),
                                        architectureLine(cfg), formatCount(cfg.totalParams()),
                                        formatCount(cfg.forwardMacs()))
                               + (warning.isEmpty() ? QString() : QStringLiteral(" ") + warning));
    } catch (const std::exception& e) {
        m_presetLabel->setStyleSheet(QStringLiteral("color: #c62828;"));
        m_presetLabel->setText(gui::errorText(e)
                               + (warning.isEmpty() ? QString() : QStringLiteral(" ") + warning));
    }
}

void AncestryForm::setEditable(bool editable)
{
    for (QWidget* w : std::initializer_list<QWidget*>{m_preset, m_depth, m_epochs, m_lr, m_batch,
                                                      m_warmup, m_seed, m_augment})
        w->setEnabled(editable);
    m_setup->setEditable(editable);
    m_bf16->setChecked(m_state.bf16);
}

void AncestryForm::setRunStatus(const QString& text)
{
    m_runStatus->setText(text);
}

QString AncestryForm::presetText() const
{
    return m_presetLabel->text();
}

QString AncestryForm::runStatus() const
{
    return m_runStatus->text();
}

} // namespace tleg::gui
