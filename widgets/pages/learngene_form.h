#pragma once
// The Learngene page's settings: the Aux-Net (preset, width, heads, depth, patch, which of
// MSA / MLP / LN are expanded, from which block, or weight sharing), the distillation (τ, λ,
// epochs, batch, learning rate, seed, bf16, DeiT's KL normalisation) and the parameter counts
// they give, as model::auxNetSize counts them, before anything is built.
// Usage:
//   auto* form = new LearngeneForm(state, runner, this);
//   form->setTeacherSource([this] { return std::make_pair(path, options); });  // for the estimate
//   connect(form, &LearngeneForm::changed, this, &Page::updateEnabled);
//   DistillSpec s;  s.aux = form->auxConfig();  s.auxOptions = form->auxOptions();
//   s.train = form->trainOptions();           // if (!form->problem().isEmpty()) refuse
#include "model/aux_net.h"
#include "train/trainer.h"
#include "widgets/app_state.h"
#include "widgets/pages/run_setup.h"
#include "widgets/translated_texts.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QGroupBox;
class QLabel;
class QSpinBox;

namespace tleg::gui {

class LearngeneForm : public QWidget {
    Q_OBJECT
public:
    LearngeneForm(const AppState& state, JobRunner& runner, QWidget* parent = nullptr);

    /// The teacher a distillation would use (path, import options), for the time estimate.
    using TeacherSource = std::function<std::pair<QString, train::TeacherOptions>()>;
    void setTeacherSource(TeacherSource source);
    /// Images, quick trial, run name, tags, notes and the time estimate.
    RunSetup* runSetup() const { return m_setup; }

    /// The Aux-Net the form describes; image size, channels and classes come from the open
    /// dataset (28×28, 1 channel, 10 classes while none is open).
    model::ViTConfig auxConfig() const;
    model::AuxOptions auxOptions() const;
    /// Distillation settings (no run folder or provenance: the workflow adds them).
    train::TrainOptions trainOptions() const;
    /// Why the settings make no Aux-Net; empty when they do.
    QString problem() const;
    /// The open dataset changed: the preview takes its image size, channels and classes.
    void refresh();

    const model::AuxNetSize& preview() const { return m_preview; }
    QString previewText() const;
    QComboBox* presetBox() const { return m_preset; }
    QSpinBox* widthBox() const { return m_dim; }
    QSpinBox* headsBox() const { return m_heads; }
    QSpinBox* depthBox() const { return m_depth; }
    QSpinBox* patchBox() const { return m_patch; }
    QCheckBox* msaBox() const { return m_msa; }
    QCheckBox* mlpBox() const { return m_mlp; }
    QCheckBox* lnBox() const { return m_ln; }
    /// "Expand from block", counted from 1 (AuxOptions::expandFrom + 1).
    QSpinBox* expandFromBox() const { return m_expandFrom; }
    QCheckBox* shareOnlyBox() const { return m_shareOnly; }
    QDoubleSpinBox* tauBox() const { return m_tau; }
    QDoubleSpinBox* lambdaBox() const { return m_lambda; }
    QSpinBox* epochsBox() const { return m_epochs; }
    QDoubleSpinBox* lrBox() const { return m_lr; }
    QSpinBox* batchBox() const { return m_batch; }
    QSpinBox* seedBox() const { return m_seed; }
    QCheckBox* bf16Box() const { return m_bf16; }

Q_SIGNALS:
    /// A setting changed that may decide whether a distillation can start.
    void changed();

protected:
    void changeEvent(QEvent* event) override;

private:
    /// A label in the grid that follows the language (source: marked with QT_TR_NOOP).
    void addLabel(QGridLayout* grid, const char* source, int row, int column,
                  QWidget* buddy = nullptr);
    QGroupBox* buildAuxNet();
    QGroupBox* buildDistillation();
    void applyPreset(int index);
    void syncPresetBox();
    void updatePreview();
    QGroupBox* buildRun(JobRunner& runner);
    ProbeWork probeWork() const;
    QString presetWarning() const;

    const AppState& m_state;
    RunSetup* m_setup = nullptr;
    TeacherSource m_teacherSource;
    model::AuxNetSize m_preview;
    double m_mlpRatio = 4.0; // from the preset; not on the form

    QComboBox* m_preset;
    QSpinBox* m_dim;
    QSpinBox* m_heads;
    QSpinBox* m_depth;
    QSpinBox* m_patch;
    QCheckBox* m_msa;
    QCheckBox* m_mlp;
    QCheckBox* m_ln;
    QSpinBox* m_expandFrom;
    QCheckBox* m_shareOnly;
    QDoubleSpinBox* m_tau;
    QDoubleSpinBox* m_lambda;
    QSpinBox* m_epochs;
    QDoubleSpinBox* m_lr;
    QSpinBox* m_batch;
    QSpinBox* m_seed;
    QCheckBox* m_bf16;
    QCheckBox* m_deitNorm;
    QLabel* m_previewLabel;
    TranslatedTexts m_texts;
};

} // namespace tleg::gui
