#include "widgets/pages/learngene_page.h"

#include "model/foreign_model.h"
#include "util/files.h"
#include "widgets/icons.h"
#include "widgets/plots/training_plot.h"
#include "widgets/text_format.h"
#include "workflow/checkpoint_learngene.h"
#include "workflow/jobs.h"

#include <QDir>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace tleg::gui {

/// What the distillation left: written by the worker, read after the job has ended.
struct LearngenePage::Outcome {
    QString learngene; // empty unless it was written
    /// A stopped or failed run: the learngene of its last finished epoch (epochs 0: none).
    workflow::EpochLearngene finished;
    QString finishedError; // why that learngene could not be written
};

LearngenePage::LearngenePage(AppState& state, JobRunner& runner, QWidget* parent)
    : QWidget(parent), m_state(state), m_runner(runner)
{
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buildTeacherRow());
    m_teacherInfo = new QLabel(this);
    m_teacherInfo->setObjectName("teacherCheck");
    m_teacherInfo->setWordWrap(true);
    m_teacherInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_teacherInfo->setVisible(false);
    layout->addWidget(m_teacherInfo);
    m_check = new TeacherCheck(this);

    // Left: the settings, the preview and Start; right: the curves, the progress, the result.
    auto* body = new QHBoxLayout;
    body->addLayout(buildLeftColumn());
    auto* right = new QVBoxLayout;
    m_panel = new TrainingPanel(runner, this);
    m_panel->plot()->setLearningRateVisible(true);
    right->addWidget(m_panel, 1);
    m_status = new QLabel(this);
    m_status->setObjectName("statusLabel");
    m_status->setWordWrap(true); // a stopped run's line names its learngene and Resume
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

    connect(m_teacher, &QLineEdit::textChanged, this, &LearngenePage::updateEnabled);
    connect(m_teacher, &QLineEdit::textChanged, m_form->runSetup(), &RunSetup::settingsChanged);
    connect(m_form, &LearngeneForm::changed, this, &LearngenePage::updateEnabled);
    connect(m_start, &QPushButton::clicked, this, &LearngenePage::startDistillation);
    connect(m_panel, &TrainingPanel::jobFinished, this, &LearngenePage::onFinished);
    connect(&m_runner, &JobRunner::started, this, &LearngenePage::updateEnabled);
    connect(&m_runner, &JobRunner::finished, this, &LearngenePage::updateEnabled);
    connect(m_check, &TeacherCheck::checked, this, [this] {
        updateEnabled();
        Q_EMIT teacherChecked();
    });
    updateEnabled();
}

QLayout* LearngenePage::buildTeacherRow()
{
    auto* row = new QHBoxLayout;
    auto* label = new QLabel(this);
    m_teacher = new QLineEdit(this);
    m_teacher->setObjectName("teacherPath");
    auto* browse = new QPushButton(this);
    browse->setObjectName("browseTeacher");
    m_texts.set([this, label, browse] {
        label->setText(tr("Teacher (ancestry model):"));
        m_teacher->setPlaceholderText(
            tr("model.safetensors from the Ancestry page, or a TorchScript .pt"));
        browse->setText(tr("Browse…"));
    });
    row->addWidget(label);
    row->addWidget(m_teacher, 1);
    row->addWidget(browse);
    connect(browse, &QPushButton::clicked, this, &LearngenePage::browseTeacher);
    return row;
}

QLayout* LearngenePage::buildLeftColumn()
{
    auto* left = new QVBoxLayout;
    auto* scroll = new QScrollArea(this);
    m_form = new LearngeneForm(m_state, m_runner, scroll);
    m_form->setTeacherSource([this] { return std::make_pair(teacherPath(), teacherOptions()); });
    scroll->setWidget(m_form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFixedWidth(360); // the form (and a scroll bar): the page fits a 1024-px window
    left->addWidget(scroll, 1);
    auto* buttons = new QHBoxLayout;
    m_start = new QPushButton(this);
    m_start->setObjectName("startButton");
    m_start->setIcon(icon(Icon::Start));
    m_texts.set([this] { m_start->setText(tr("Start")); });
    buttons->addWidget(m_start);
    buttons->addStretch(1);
    left->addLayout(buttons);
    m_reason = new QLabel(this);
    m_reason->setObjectName("startBlockedReason");
    m_reason->setWordWrap(true);
    m_reason->setMaximumWidth(360); // wraps under the form
    left->addWidget(m_reason);
    return left;
}

QString LearngenePage::teacherPath() const
{
    return m_teacher->text().trimmed();
}

train::TeacherOptions LearngenePage::teacherOptions() const
{
    const QString teacher = teacherPath();
    if (!teacher.isEmpty() && !m_state.ancestryPath.isEmpty()
        && QFileInfo(teacher) == QFileInfo(m_state.ancestryPath))
        return m_state.ancestryOptions;
    return {};
}

bool LearngenePage::isCheckingTeacher() const
{
    return m_check->isChecking();
}

void LearngenePage::setTeacherPath(const QString& path)
{
    m_teacher->setText(path);
    updateEnabled();
}

void LearngenePage::refreshData()
{
    m_form->refresh();
    updateEnabled();
}

void LearngenePage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    refreshData(); // the Data page may have opened another dataset meanwhile
}

void LearngenePage::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) {
        m_texts.retranslate();
        updateEnabled(); // the line under Start
    }
    QWidget::changeEvent(event);
}

QString LearngenePage::startBlockedReason() const
{
    if (!m_state.data || m_state.data->train.size() == 0)
        return tr("Open a dataset on the Data page first.");
    if (const QString problem = m_form->problem(); !problem.isEmpty())
        return problem;
    const QString teacher = teacherPath();
    const double lambda = m_form->lambdaBox()->value();
    if (lambda > 0.0 && teacher.isEmpty())
        return tr("Distillation (λ > 0) needs a teacher: choose the ancestry model above, or "
                  "set λ to 0 to train the Aux-Net from the labels alone.");
    if (lambda > 0.0 && !QFileInfo::exists(teacher))
        return tr("The teacher file %1 does not exist.").arg(teacher);
    if (lambda > 0.0) {
        if (const QString problem = teacherFileProblem(teacher); !problem.isEmpty())
            return problem;
        if (const QString problem = m_check->problem(); !problem.isEmpty()) {
            const bool fixable = problem.contains(QLatin1String("--teacher-"));
            return fixable ? tr("Cannot use the teacher: %1 (the Ancestry page's import settings "
                                "set it)")
                                 .arg(problem)
                           : tr("Cannot use the teacher: %1").arg(problem);
        }
    }
    if (m_runner.isRunning() && !isDistilling())
        return tr("Another job is running (%1): wait for it or stop it.")
            .arg(m_runner.currentJob());
    return {};
}

QString LearngenePage::teacherFileProblem(const QString& teacher) const
{
    try {
        if (QFileInfo(teacher).isDir()) // a Hugging Face model folder, or nothing to open
            model::foreignWeightsPath(teacher.toStdString());
        else
            requireRegularFile(teacher.toStdString()); // a FIFO: never opened
    } catch (const std::exception& e) {
        return tr("Cannot use the teacher: %1").arg(gui::errorText(e));
    }
    return {};
}

void LearngenePage::checkTeacher()
{
    const QString teacher = teacherPath();
    const bool wanted = m_form->lambdaBox()->value() > 0.0 && m_state.data
                        && m_state.data->train.size() > 0 && !teacher.isEmpty()
                        && QFileInfo::exists(teacher) && teacherFileProblem(teacher).isEmpty();
    if (wanted)
        m_check->check(teacher, teacherOptions(), m_state.data);
    else
        m_check->clear();
    QString info;
    if (m_check->isChecking())
        info = tr("Checking the teacher against the data…");
    else if (!m_check->description().isEmpty())
        info = tr("Teacher: %1").arg(m_check->description());
    m_teacherInfo->setText(info);
    m_teacherInfo->setVisible(!info.isEmpty());
}

void LearngenePage::updateEnabled()
{
    checkTeacher();
    const QString reason = startBlockedReason();
    m_start->setEnabled(!m_runner.isRunning() && reason.isEmpty());
    // Without a teacher only λ = 0 can run (the Aux-Net then learns from the labels alone):
    // Start stays disabled with this sentence rather than silently ignoring λ.
    QString note = reason;
    if (note.isEmpty() && m_form->lambdaBox()->value() == 0.0)
        note = tr("λ = 0: the Aux-Net learns from the labels alone; the teacher is not used.");
    m_reason->setText(isDistilling() ? QString() : note);
}

void LearngenePage::browseTeacher()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Choose the ancestry model"), m_state.runFolder,
        tr("Models (*.safetensors *.pt *.pth);;"
           "TLEG, timm, DeiT, torchvision or Hugging Face (*.safetensors);;"
           "TorchScript (*.pt *.pth);;All files (*)"));
    if (!path.isEmpty())
        setTeacherPath(path);
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
    RunSetup* setup = m_form->runSetup();
    const TrialData trial = setup->trialData();
    workflow::DistillSpec spec;
    spec.data = trial.spec;
    spec.aux = m_form->auxConfig();
    spec.auxOptions = m_form->auxOptions();
    spec.train = m_form->trainOptions();
    if (spec.train.loss.lambda > 0.0) {
        spec.teacher = teacherPath().toStdString();
        spec.teacherOptions = teacherOptions();
    }
    try {
        spec.out = setup->runFolder();
        setup->notes(); // a bad tag is refused before anything starts
    } catch (const std::exception& e) {
        m_error->setText(gui::errorText(e));
        return;
    }
    if (!launch(spec, trial))
        return;
    try {
        setup->writeNotes(spec.out);
        setup->clearNames();
    } catch (const std::exception& e) {
        m_error->setText(tr("The run goes on, but its tags and notes were not kept: %1")
                             .arg(gui::errorText(e)));
    }
    m_resume.reset(); // a new run: the stopped one stays on disk (tleg distill --resume)
    m_panel->resumeButton()->setToolTip(QString());
    m_status->clear();
    updateEnabled();
}

bool LearngenePage::resumeDistillation()
{
    if (!m_resume || m_runner.isRunning())
        return false;
    m_error->clear();
    Resumable stopped = *m_resume;
    stopped.spec.resume = true;
    // The steps after the checkpoint are trained again: their points go, the curves go on.
    const ProgressUpdate& last = m_panel->lastProgress();
    if (last.epochs > 0 && last.totalSteps > 0)
        m_panel->plot()->dropAfter(static_cast<double>(last.totalSteps / last.epochs)
                                   * stopped.epochs);
    if (!launch(stopped.spec, stopped.trial))
        return false;
    m_resume.reset();
    m_panel->resumeButton()->setToolTip(QString());
    m_status->setText(tr("Resuming %1 after epoch %2…")
                          .arg(QDir(m_state.runFolder).relativeFilePath(stopped.run))
                          .arg(stopped.epochs));
    updateEnabled();
    return true;
}

bool LearngenePage::launch(const workflow::DistillSpec& spec, const TrialData& trial)
{
    auto outcome = std::make_shared<Outcome>();
    const auto curves = spec.resume ? TrainingPanel::Curves::Keep : TrainingPanel::Curves::Clear;
    const bool started = m_panel->start(
        tr("distill"),
        [spec, trial, outcome](JobContext& ctx) {
            workflow::Outcome o;
            try {
                o = workflow::runDistill(spec, ctx.hooks(), trial.split().get());
            } catch (...) {
                keepFinishedEpochs(spec.out, *outcome, ctx); // a failed run keeps them too
                throw;
            }
            if (o.stopped()) {
                ctx.log(tr("distillation stopped after %1; the checkpoint is in %2")
                            .arg(epochCount(static_cast<int>(o.result.history.size())),
                                 QString::fromStdString(o.runDir)));
                keepFinishedEpochs(spec.out, *outcome, ctx);
                return;
            }
            outcome->learngene = QString::fromStdString(o.learngene);
            ctx.log(tr("Aux-Net test top-1 %1%; learngene (%2 stored parameters) written to %3")
                        .arg(formatNumber(o.result.testTop1, 2))
                        .arg(formatCount(o.storedParams))
                        .arg(outcome->learngene));
        },
        curves);
    if (!started) {
        m_error->setText(
            tr("Another job is running (%1): wait for it or stop it.").arg(m_runner.currentJob()));
        return false;
    }
    m_outcome = outcome;
    m_pendingRun = QString::fromStdString(spec.out);
    m_running = Resumable{m_pendingRun, spec, trial, 0};
    m_running->spec.resume = false;
    return true;
}

void LearngenePage::keepFinishedEpochs(const std::string& runDir, Outcome& outcome,
                                       JobContext& ctx)
{
    try {
        outcome.finished = workflow::saveCheckpointLearngene(runDir);
        if (outcome.finished.epochs > 0)
            ctx.log(tr("learngene of epoch %1 of %2 written to %3")
                        .arg(outcome.finished.epochs)
                        .arg(outcome.finished.plannedEpochs)
                        .arg(QString::fromStdString(outcome.finished.path)));
    } catch (const std::exception& e) {
        outcome.finishedError = errorText(e);
        ctx.log(tr("The learngene of the finished epochs could not be written: %1")
                    .arg(outcome.finishedError));
    }
}

void LearngenePage::onFinished(const QString&, bool, const QString& error)
{
    const auto outcome = std::move(m_outcome);
    const QString run = std::exchange(m_pendingRun, QString());
    const QDir root(m_state.runFolder);
    if (!error.isEmpty())
        m_error->setText(tr("Distillation failed: %1").arg(error));
    if (outcome && !outcome->learngene.isEmpty()) {
        const QString learngene = outcome->learngene;
        m_status->setText(tr("Learngene saved: %1").arg(root.relativeFilePath(learngene)));
        m_status->setToolTip(learngene);
        m_lastRun = run;
        m_lastLearngene = learngene;
        Q_EMIT learngeneSaved(learngene);
        Q_EMIT runFinished(run);
    } else if (outcome && outcome->finished.epochs > 0) {
        offerFinishedEpochs(*outcome, run, !error.isEmpty());
    } else if (outcome && !outcome->finishedError.isEmpty()) {
        m_status->setText(tr("The finished epochs stay in %1 (checkpoint.safetensors), but their "
                             "learngene could not be written: %2")
                              .arg(root.relativeFilePath(run), outcome->finishedError));
        m_status->setToolTip(run);
    } else if (error.isEmpty()) {
        m_status->setText(tr("Stopped before the first epoch finished: nothing to keep or resume "
                             "in %1.")
                              .arg(root.relativeFilePath(run)));
        m_status->setToolTip(run);
    }
    m_running.reset();
    updateEnabled();
}

void LearngenePage::offerFinishedEpochs(const Outcome& outcome, const QString& run, bool failed)
{
    const auto& kept = outcome.finished;
    const QString learngene = QString::fromStdString(kept.path);
    const QDir root(m_state.runFolder);
    const QString text =
        failed ? tr("Failed after epoch %1 of %2. The learngene of that epoch is open: %3. "
                    "Resume continues the run from its checkpoint.")
               : tr("Stopped after epoch %1 of %2. The learngene of that epoch is open: %3. "
                    "Resume continues the run from its checkpoint.");
    m_status->setText(
        text.arg(kept.epochs).arg(kept.plannedEpochs).arg(root.relativeFilePath(learngene)));
    m_status->setToolTip(learngene);
    if (m_running) {
        m_resume = std::move(m_running);
        m_resume->epochs = static_cast<int>(kept.epochs);
        m_panel->offerResume([this] { resumeDistillation(); });
        m_panel->resumeButton()->setToolTip(
            tr("Continue %1 from its checkpoint (epoch %2 of %3)")
                .arg(root.relativeFilePath(run))
                .arg(kept.epochs)
                .arg(kept.plannedEpochs));
    }
    m_lastRun = run;
    m_lastLearngene = learngene;
    Q_EMIT learngeneSaved(learngene);
    Q_EMIT runFinished(run);
}

} // namespace tleg::gui
