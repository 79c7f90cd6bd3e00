#pragma once
// Learngene page: set up an Aux-Net (width, heads, depth, patch, which of MSA / MLP / LN are
// expanded, from which block, or weight sharing) and the distillation (τ, λ, epochs, ...),
// see the parameter counts before starting, then Start / Pause / Resume / Stop a distillation
// against the ancestry model on the worker thread with live loss, top-1 and learning-rate
// curves. A finished run writes runFolder/distill-<n>/learngene.safetensors, as 'tleg distill'.
#include <torch/torch.h> // before Qt

#include "model/aux_net.h"
#include "train/trainer.h"
#include "widgets/app_state.h"
#include "widgets/job_runner.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace tleg::gui {

class TrainingPlot;

class LearngenePage : public QWidget {
    Q_OBJECT
public:
    LearngenePage(AppState& state, JobRunner& runner, QWidget* parent = nullptr);

    /// The Aux-Net the form describes; image size, channels and classes come from the open
    /// dataset (28×28, 1 channel, 10 classes while none is open).
    model::ViTConfig auxConfig() const;
    model::AuxOptions auxOptions() const;
    /// Distillation settings from the form (no run folder or provenance yet).
    train::TrainOptions trainOptions() const;
    /// Why Start is disabled; empty when a distillation can start.
    QString startBlockedReason() const;
    QString teacherPath() const;
    bool isDistilling() const { return !m_pendingRun.isEmpty(); }

    // For tests and screenshots.
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
    QPushButton* startButton() const { return m_start; }
    QPushButton* pauseButton() const { return m_pause; }
    QPushButton* resumeButton() const { return m_resume; }
    QPushButton* stopButton() const { return m_stop; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* etaLabel() const { return m_eta; }
    QLabel* errorLabel() const { return m_error; }
    QLabel* statusLabel() const { return m_status; }
    TrainingPlot* trainingPlot() const { return m_plot; }
    QString lastRunFolder() const { return m_lastRun; }
    QString lastLearngene() const { return m_lastLearngene; }

public Q_SLOTS:
    /// The ancestry model to distil from (the Ancestry page's ancestryReady connects here).
    void setTeacherPath(const QString& path);
    /// Starts a distillation with the form's settings (what the Start button does).
    void startDistillation();
    /// The open dataset changed: the preview takes its image size, channels and classes.
    void refreshData();

Q_SIGNALS:
    /// The learngene of a finished distillation was written to path.
    void learngeneSaved(const QString& path);
    /// A run folder was written (the Runs page lists it).
    void runFinished(const QString& runFolder);

protected:
    void showEvent(QShowEvent* event) override;

private:
    QWidget* buildSettings();
    void applyPreset(int index);
    void syncPresetBox();
    void updatePreview();
    void updateEnabled();
    void browseTeacher();
    QString nextRunFolder() const;
    void onProgress(const ProgressUpdate& u);
    void onFinished(const QString& name, bool stopped, const QString& error);
    void showProgressText(const ProgressUpdate& u);

    AppState& m_state;
    JobRunner& m_runner;
    model::AuxNetSize m_preview;
    double m_mlpRatio = 4.0; // from the preset; not on the form
    QString m_pendingRun, m_pendingLearngene, m_lastRun, m_lastLearngene;
    std::shared_ptr<std::atomic<bool>> m_saved; // set by the job once the learngene is written
    ProgressUpdate m_lastProgress;

    QLineEdit* m_teacher;
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
    QLabel* m_reason;
    QPushButton* m_start;
    QPushButton* m_pause;
    QPushButton* m_resume;
    QPushButton* m_stop;
    QProgressBar* m_progress;
    QLabel* m_eta;
    QLabel* m_status;
    QLabel* m_error;
    TrainingPlot* m_plot;
};

} // namespace tleg::gui
