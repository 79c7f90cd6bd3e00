#pragma once
// Expand page: pick a learngene, drag the depth slider to preview the Des-Net (coefficients
// c_l, parameters, MACs, S-Params), then Expand… (save a Des-Net) or Expand & fine-tune (one
// click: expand, fine-tune on the open dataset on a worker thread, curves drawn live).
#include <torch/torch.h> // before Qt

#include "model/expansion_preview.h"
#include "model/learngene.h"
#include "widgets/app_state.h"
#include "widgets/job_runner.h"

#include <QWidget>

#include <memory>

class QCustomPlot;
class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;
class QSpinBox;

namespace tleg::gui {

class TrainingPlot;

class ExpandPage : public QWidget {
    Q_OBJECT
public:
    ExpandPage(AppState& state, JobRunner& runner, QWidget* parent = nullptr);

    /// Loads a learngene file; false (with the error shown on the page) if it cannot be used.
    bool loadLearngene(const QString& path);
    void setDepth(int depth);
    /// Expands to the current depth and writes the Des-Net to path (on the worker thread).
    void expandTo(const QString& path);
    /// Expand, then fine-tune for the chosen epochs on the open dataset.
    void expandAndFineTune();

    // For tests and the status bar.
    QSlider* depthSlider() const { return m_slider; }
    QSpinBox* epochsBox() const { return m_epochs; }
    QPushButton* fineTuneButton() const { return m_fineTune; }
    const model::ExpansionPreview& preview() const { return m_preview; }
    QString previewText() const;
    TrainingPlot* trainingPlot() const { return m_plot; }
    QString lastRunFolder() const { return m_lastRun; }
    /// The open learngene file (empty before one is loaded).
    QString learngenePath() const;

Q_SIGNALS:
    /// A learngene was loaded (the main window remembers it in the recent files).
    void learngeneLoaded(const QString& path);
    /// A run folder was written (the Runs page lists it).
    void runFinished(const QString& runFolder);

private:
    void updatePreview();
    void updateEnabled();
    void browse();
    void onProgress(const ProgressUpdate& u);
    void onFinished(const QString& name, bool stopped, const QString& error);

    AppState& m_state;
    JobRunner& m_runner;
    std::shared_ptr<const model::Learngene> m_learngene;
    model::ExpansionPreview m_preview;
    QString m_lastRun, m_pendingRun;

    QLineEdit* m_path;
    QLabel* m_summary;
    QSlider* m_slider;
    QSpinBox* m_depth;
    QSpinBox* m_epochs;
    QLabel* m_previewLabel;
    QCustomPlot* m_coefficients;
    QPushButton* m_expand;
    QPushButton* m_fineTune;
    QPushButton* m_stop;
    TrainingPlot* m_plot;
};

} // namespace tleg::gui
