#pragma once
// Learngene page: set up an Aux-Net and the distillation (LearngeneForm), see the parameter
// counts before starting, then Start a distillation (workflow::runDistill) against the ancestry
// model, with live loss, top-1 and learning-rate curves, Pause / Resume / Stop in the shared
// training panel. A finished run writes runFolder/aux-net[-N]/learngene.safetensors, as
// 'tleg distill' does. The teacher is checked against the open data on a background thread
// (TeacherCheck) before Start: a teacher that does not fit (other classes and no class map, an
// input it cannot take) keeps Start disabled with a one-line reason. The Ancestry page's model
// is distilled from with its import settings (AppState::ancestryOptions). A run stopped (or
// failed) after some epochs keeps the learngene of its last finished epoch
// (learngene-epoch-N.safetensors, opened as the page's learngene) and offers Resume, which
// continues it from its checkpoint with the curves going on.
// Usage:
//   auto* page = new LearngenePage(state, runner);
//   page->setTeacherPath("runs/ancestry/model.safetensors");
//   connect(page, &LearngenePage::learngeneSaved, expandPage, &ExpandPage::loadLearngene);
//   page->startDistillation();            // what Start does; startBlockedReason() says why not
//   page->resumeDistillation();           // after a Stop: what Resume does
#include "widgets/app_state.h"
#include "widgets/job_runner.h"
#include "widgets/pages/learngene_form.h"
#include "widgets/pages/teacher_check.h"
#include "widgets/training_panel.h"
#include "widgets/translated_texts.h"

#include <QWidget>

#include <memory>
#include <optional>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace tleg::gui {

class TrainingPlot;

class LearngenePage : public QWidget {
    Q_OBJECT
public:
    LearngenePage(AppState& state, JobRunner& runner, QWidget* parent = nullptr);

    model::ViTConfig auxConfig() const { return m_form->auxConfig(); }
    model::AuxOptions auxOptions() const { return m_form->auxOptions(); }
    train::TrainOptions trainOptions() const { return m_form->trainOptions(); }
    /// Why Start is disabled; empty when a distillation can start.
    QString startBlockedReason() const;
    QString teacherPath() const;
    /// What the teacher takes and its class map: the Ancestry page's import settings when the
    /// teacher is its model, else nothing beyond what the file says.
    train::TeacherOptions teacherOptions() const;
    /// True while the teacher is being checked against the data (Start waits for no one: the
    /// distillation checks it again before its first batch).
    bool isCheckingTeacher() const;
    bool isDistilling() const { return m_panel->isRunning(); }

    // For tests and screenshots.
    LearngeneForm* form() const { return m_form; }
    const model::AuxNetSize& preview() const { return m_form->preview(); }
    QString previewText() const { return m_form->previewText(); }
    QComboBox* presetBox() const { return m_form->presetBox(); }
    QSpinBox* widthBox() const { return m_form->widthBox(); }
    QSpinBox* headsBox() const { return m_form->headsBox(); }
    QSpinBox* depthBox() const { return m_form->depthBox(); }
    QSpinBox* patchBox() const { return m_form->patchBox(); }
    QCheckBox* msaBox() const { return m_form->msaBox(); }
    QCheckBox* mlpBox() const { return m_form->mlpBox(); }
    QCheckBox* lnBox() const { return m_form->lnBox(); }
    QSpinBox* expandFromBox() const { return m_form->expandFromBox(); }
    QCheckBox* shareOnlyBox() const { return m_form->shareOnlyBox(); }
    QDoubleSpinBox* tauBox() const { return m_form->tauBox(); }
    QDoubleSpinBox* lambdaBox() const { return m_form->lambdaBox(); }
    QSpinBox* epochsBox() const { return m_form->epochsBox(); }
    QDoubleSpinBox* lrBox() const { return m_form->lrBox(); }
    QSpinBox* batchBox() const { return m_form->batchBox(); }
    QSpinBox* seedBox() const { return m_form->seedBox(); }
    QCheckBox* bf16Box() const { return m_form->bf16Box(); }
    QPushButton* startButton() const { return m_start; }
    QPushButton* pauseButton() const { return m_panel->pauseButton(); }
    QPushButton* resumeButton() const { return m_panel->resumeButton(); }
    QPushButton* stopButton() const { return m_panel->stopButton(); }
    QProgressBar* progressBar() const { return m_panel->progressBar(); }
    QLabel* etaLabel() const { return m_panel->etaLabel(); }
    QLabel* errorLabel() const { return m_error; }
    QLabel* statusLabel() const { return m_status; }
    /// The line under the teacher: being checked, how it sees the data, or empty.
    QLabel* teacherCheckLabel() const { return m_teacherInfo; }
    TrainingPlot* trainingPlot() const { return m_panel->plot(); }
    TrainingPanel* trainingPanel() const { return m_panel; }
    QString lastRunFolder() const { return m_lastRun; }
    QString lastLearngene() const { return m_lastLearngene; }
    /// The run that stopped after some epochs and can be resumed; empty when there is none.
    QString resumableRun() const { return m_resume ? m_resume->run : QString(); }
    /// The epochs that run had finished (its checkpoint); 0 when there is none.
    int finishedEpochs() const { return m_resume ? m_resume->epochs : 0; }

public Q_SLOTS:
    /// The ancestry model to distil from (the Ancestry page's ancestryReady connects here).
    void setTeacherPath(const QString& path);
    /// Starts a distillation with the form's settings (what the Start button does).
    void startDistillation();
    /// Continues the stopped run from its checkpoint (what Resume does after a Stop); false when
    /// there is none or another job runs.
    bool resumeDistillation();
    /// The open dataset changed: the preview takes its image size, channels and classes.
    void refreshData();

Q_SIGNALS:
    /// The learngene of a finished distillation was written to path.
    void learngeneSaved(const QString& path);
    /// A run folder was written (the Runs page lists it).
    void runFinished(const QString& runFolder);
    /// The check of the teacher against the data has an answer (startBlockedReason has it).
    void teacherChecked();

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Outcome;
    /// A stopped run that can go on: its spec and the very data it trained on.
    struct Resumable {
        QString run;
        workflow::DistillSpec spec;
        TrialData trial; // the images it trains on (a quick trial's subset, or all)
        int epochs = 0;
    };

    QLayout* buildTeacherRow();
    QLayout* buildLeftColumn();
    void updateEnabled();
    void checkTeacher();
    QString teacherFileProblem(const QString& teacher) const;
    void browseTeacher();
    bool launch(const workflow::DistillSpec& spec, const TrialData& trial);
    static void keepFinishedEpochs(const std::string& runDir, Outcome& outcome, JobContext& ctx);
    void onFinished(const QString& name, bool stopped, const QString& error);
    void offerFinishedEpochs(const Outcome& outcome, const QString& run, bool failed);

    AppState& m_state;
    JobRunner& m_runner;
    /// Written by the worker, read on the GUI thread after the job has ended.
    std::shared_ptr<Outcome> m_outcome;
    QString m_pendingRun, m_lastRun, m_lastLearngene;
    /// The spec and data of the running job, until it ends; then m_resume if it can go on.
    std::optional<Resumable> m_running, m_resume;

    QLineEdit* m_teacher;
    QLabel* m_teacherInfo;
    TeacherCheck* m_check;
    LearngeneForm* m_form;
    QLabel* m_reason;
    QPushButton* m_start;
    TrainingPanel* m_panel;
    QLabel* m_status;
    QLabel* m_error;
    TranslatedTexts m_texts;
};

} // namespace tleg::gui
