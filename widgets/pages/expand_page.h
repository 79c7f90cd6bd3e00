#pragma once
// Expand page: pick a learngene, drag the depth slider to preview the Des-Net (coefficients
// c_l, parameters, MACs, S-Params), then Expand… (workflow::runExpand: write a Des-Net file) or
// Expand & fine-tune (one click: workflow::runTrain of a Des-Net initialised from the learngene,
// on the open dataset, into runFolder/des-<depth>[-N], curves live in the training panel), or
// several depths at once with scratch twins (DepthQueue: a depth × top-1 table and plot).
// A learngene is read in the background (runInBackground): a file that cannot be used leaves
// one red line naming it, and the learngene open before stays.
// Usage:
//   auto* page = new ExpandPage(state, runner);
//   page->loadLearngene("runs/aux-net/learngene.safetensors");   // loadFinished() when read
//   page->setDepth(6);  page->expandAndFineTune();
#include "model/expansion_preview.h"
#include "model/learngene.h"
#include "widgets/app_state.h"
#include "widgets/pages/depth_queue.h"
#include "widgets/pages/run_setup.h"
#include "widgets/job_runner.h"
#include "widgets/training_panel.h"
#include "widgets/translated_texts.h"

#include <QWidget>

#include <memory>

class QCustomPlot;
class QLabel;
class QLayout;
class QLineEdit;
class QPushButton;
class QSlider;
class QSpinBox;
class QTabWidget;

namespace tleg::gui {

class TrainingPlot;

class ExpandPage : public QWidget {
    Q_OBJECT
public:
    ExpandPage(AppState& state, JobRunner& runner, QWidget* parent = nullptr);

    /// Reads a learngene file in the background; the page shows it (or, if it cannot be used,
    /// one line saying why, keeping the learngene it had) when loadFinished() is emitted. A read
    /// still running is superseded: only the newest one is shown.
    void loadLearngene(const QString& path);
    /// True while a learngene is being read.
    bool isLoading() const { return m_loading != 0; }
    /// The red error line; empty when the last load worked.
    QString errorText() const;
    void setDepth(int depth);
    /// Expands to the current depth and writes the Des-Net to path (on the worker thread).
    /// False while another job runs.
    bool expandTo(const QString& path);
    /// Expand, then fine-tune for the chosen epochs on the open dataset. False while another
    /// job runs or nothing can be fine-tuned.
    bool expandAndFineTune();

    // For tests and the status bar.
    QSlider* depthSlider() const { return m_slider; }
    QSpinBox* epochsBox() const { return m_epochs; }
    QPushButton* fineTuneButton() const { return m_fineTune; }
    const model::ExpansionPreview& preview() const { return m_preview; }
    QString previewText() const;
    TrainingPlot* trainingPlot() const { return m_panel->plot(); }
    TrainingPanel* trainingPanel() const { return m_panel; }
    DepthQueue* depthQueue() const { return m_queue; }
    /// Images, quick trial, run name, tags, notes and the time estimate (third tab).
    RunSetup* runSetup() const { return m_setup; }
    /// The open data changed: the image count and the estimate follow.
    void refreshData();
    /// Live curves (0), Several depths (1) and Run settings (2).
    QTabWidget* bottomTabs() const { return m_bottom; }
    QString lastRunFolder() const { return m_lastRun; }
    /// The open learngene file (empty before one is loaded).
    QString learngenePath() const;

Q_SIGNALS:
    /// A learngene was loaded (the main window remembers it in the recent files).
    void learngeneLoaded(const QString& path);
    /// A read started by loadLearngene has ended; error is empty when path is now open.
    void loadFinished(const QString& path, const QString& error);
    /// A run folder was written (the Runs page lists it).
    void runFinished(const QString& runFolder);

protected:
    void changeEvent(QEvent* event) override;

private:
    QWidget* buildSource();
    QWidget* buildDepth();
    QLayout* buildPreview();
    QLayout* buildActions();
    void updatePreview();
    void updateEnabled();
    ProbeWork probeWork() const;
    void browse();
    void onLoaded(const QString& path, std::shared_ptr<const model::Learngene> learngene,
                  const QString& error);
    void showSummary();
    void onFinished(const QString& name, bool stopped, const QString& error);

    AppState& m_state;
    JobRunner& m_runner;
    std::shared_ptr<const model::Learngene> m_learngene;
    QString m_learngenePath; // the file m_learngene came from
    model::ExpansionPreview m_preview;
    QString m_lastRun, m_pendingRun;
    std::shared_ptr<double> m_pendingTop1; // the pending run's top-1, set by its worker
    int m_pendingDepth = 0;
    quint64 m_loading = 0; // the read in flight (0: none); older ones are dropped
    quint64 m_loads = 0;

    QLineEdit* m_path;
    QLabel* m_summary;
    QLabel* m_error;
    QSlider* m_slider;
    QSpinBox* m_depth;
    QSpinBox* m_epochs;
    QLabel* m_previewLabel;
    QCustomPlot* m_coefficients;
    QPushButton* m_expand;
    QPushButton* m_fineTune;
    TrainingPanel* m_panel;
    DepthQueue* m_queue;
    RunSetup* m_setup;
    QTabWidget* m_bottom;
    TranslatedTexts m_texts;
};

} // namespace tleg::gui
