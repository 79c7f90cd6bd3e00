#pragma once
// The Ancestry page's training form: architecture preset and depth, epochs, learning rate,
// batch, warm-up, seed, augmentation, the architecture and size it makes on the open data, the
// Train button and the line that says where the run writes and how it ended.
// Usage:
//   auto* form = new AncestryForm(state, runner, this);
//   connect(form->trainButton(), &QPushButton::clicked, this, &Page::train);
//   model::ViTConfig c = form->config();        // throws tleg::Error when it does not fit the data
//   TrainSpec s = TrainSpec::ancestry(state.dataSpec, c, form->options());
#include "model/vit_config.h"
#include "train/trainer.h"
#include "widgets/app_state.h"
#include "widgets/pages/run_setup.h"
#include "widgets/translated_texts.h"

#include <QGroupBox>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QPushButton;
class QSpinBox;

namespace tleg::gui {

/// "depth 6, width 64, 2 heads, patch 7, 28×28×1 input, 10 classes, cls pooling".
QString architectureLine(const model::ViTConfig& config);

class AncestryForm : public QGroupBox {
    Q_OBJECT
public:
    AncestryForm(const AppState& state, JobRunner& runner, QWidget* parent = nullptr);

    /// The form's architecture for the open data; throws tleg::Error when it cannot be built.
    model::ViTConfig config() const;
    /// Training options (threads and bf16 from the settings; provenance names the preset).
    train::TrainOptions options() const;
    /// Shows the architecture line again (the data, a preset or the settings changed).
    void refresh();
    /// While a run trains, its settings cannot change.
    void setEditable(bool editable);
    void setRunStatus(const QString& text);

    QString presetText() const;
    QString runStatus() const;
    QPushButton* trainButton() const { return m_train; }
    QComboBox* presetBox() const { return m_preset; }
    QSpinBox* depthBox() const { return m_depth; }
    QSpinBox* epochsBox() const { return m_epochs; }
    QDoubleSpinBox* lrBox() const { return m_lr; }
    QSpinBox* batchBox() const { return m_batch; }
    QDoubleSpinBox* warmupBox() const { return m_warmup; }
    QSpinBox* seedBox() const { return m_seed; }
    QCheckBox* augmentBox() const { return m_augment; }
    /// Images, quick trial, run name, tags, notes and the time estimate.
    RunSetup* runSetup() const { return m_setup; }

Q_SIGNALS:
    /// The architecture changed (preset or depth): whether Train can start may have too.
    void architectureChanged();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void addRows(QFormLayout* layout);
    void fitWidth(QFormLayout* layout);
    void onPresetChanged();
    ProbeWork probeWork() const;

    const AppState& m_state;
    QComboBox* m_preset;
    QSpinBox* m_depth;
    QSpinBox* m_epochs;
    QDoubleSpinBox* m_lr;
    QSpinBox* m_batch;
    QDoubleSpinBox* m_warmup;
    QSpinBox* m_seed;
    QCheckBox* m_augment;
    QCheckBox* m_bf16;
    QLabel* m_presetLabel;
    RunSetup* m_setup;
    QPushButton* m_train;
    QLabel* m_runStatus;
    TranslatedTexts m_texts;
};

} // namespace tleg::gui
