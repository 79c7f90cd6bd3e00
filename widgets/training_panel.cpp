#include "widgets/training_panel.h"

#include "widgets/icons.h"
#include "widgets/plots/training_plot.h"
#include "widgets/text_format.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace tleg::gui {

TrainingPanel::TrainingPanel(JobRunner& runner, QWidget* parent) : QWidget(parent), m_runner(runner)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_plot = new TrainingPlot(this);
    m_plot->setObjectName("trainingPlot");
    layout->addWidget(m_plot, 1);

    auto* row = new QHBoxLayout;
    m_progress = new QProgressBar(this);
    m_progress->setObjectName("trainingProgress");
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_eta = new QLabel(this);
    m_eta->setObjectName("trainingEta");
    // A long line (a run folder's path) is cut, never widens the window; the tooltip has it all.
    m_eta->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    setStatusText([] { return tr("Not started."); });
    m_pause = new QPushButton(this);
    m_pause->setObjectName("trainingPause");
    m_pause->setIcon(icon(Icon::Pause));
    m_resume = new QPushButton(this);
    m_resume->setObjectName("trainingResume");
    m_resume->setIcon(icon(Icon::Start));
    m_stop = new QPushButton(this);
    m_stop->setObjectName("trainingStop");
    m_stop->setIcon(icon(Icon::Stop));
    m_texts.set([this] {
        m_pause->setText(tr("Pause"));
        m_resume->setText(tr("Resume"));
        m_stop->setText(tr("Stop"));
    });
    row->addWidget(m_progress, 1);
    row->addWidget(m_eta, 2);
    for (auto* b : {m_pause, m_resume, m_stop})
        row->addWidget(b);
    layout->addLayout(row);

    connect(m_pause, &QPushButton::clicked, this, [this] {
        m_runner.pause();
        setStatusText([] { return tr("Pausing after the current batch…"); });
        updateButtons();
        // Focus on Resume, not on the next button in line (Stop): a stray Space resumes.
        if (m_resume->isEnabled())
            m_resume->setFocus(Qt::OtherFocusReason);
    });
    connect(m_resume, &QPushButton::clicked, this, [this] {
        if (!isRunning() && m_offer) {
            const auto resume = m_offer; // it starts a job, which takes the offer back
            resume();
            return;
        }
        m_runner.resume();
        updateButtons();
    });
    connect(m_stop, &QPushButton::clicked, this, [this] {
        if (m_runner.currentJobId() != m_job || !isRunning())
            return;
        m_runner.requestStop();
        setStatusText([] { return tr("Stopping…"); });
        updateButtons();
    });
    connect(&m_runner, &JobRunner::progressed, this, &TrainingPanel::onProgress);
    connect(&m_runner, &JobRunner::finished, this, &TrainingPanel::onFinished);
    connect(&m_runner, &JobRunner::started, this, &TrainingPanel::updateButtons);
    connect(&m_runner, &JobRunner::paused, this, [this] {
        if (!isRunning() || m_runner.currentJobId() != m_job)
            return;
        setStatusText([step = m_last.step, total = m_last.totalSteps] {
            return tr("Paused at step %1 of %2; the ETA leaves the pause out.")
                .arg(step)
                .arg(total);
        });
        updateButtons();
    });
    connect(&m_runner, &JobRunner::resumed, this, [this] {
        if (!isRunning() || m_runner.currentJobId() != m_job)
            return;
        showProgressText(m_last);
        updateButtons();
    });
    updateButtons();
}

bool TrainingPanel::start(const QString& name, JobRunner::Job job, Curves curves)
{
    if (m_runner.isRunning())
        return false;
    if (curves == Curves::Clear)
        m_plot->clear();
    m_last = {};
    m_job = m_runner.start(name, std::move(job));
    if (m_job == 0)
        return false;
    m_offer = {};
    m_progress->setRange(0, 0); // busy until the first batch reports
    setStatusText([] { return tr("Starting…"); });
    updateButtons();
    return true;
}

void TrainingPanel::offerResume(std::function<void()> resume)
{
    m_offer = std::move(resume);
    updateButtons();
}

void TrainingPanel::setStatusText(const QString& text)
{
    setStatusText([text] { return text; });
}

void TrainingPanel::setStatusText(std::function<QString()> text)
{
    m_status = std::move(text);
    m_eta->setText(m_status());
    m_eta->setToolTip(m_eta->text());
}

void TrainingPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) {
        m_texts.retranslate();
        if (m_status) {
            m_eta->setText(m_status());
            m_eta->setToolTip(m_eta->text());
        }
    }
    QWidget::changeEvent(event);
}

QString TrainingPanel::statusText() const
{
    return m_eta->text();
}

void TrainingPanel::showProgressText(const ProgressUpdate& u)
{
    if (u.totalSteps <= 0)
        return;
    setStatusText([u] {
        return tr("Epoch %1 of %2, step %3 of %4, ETA %5")
            .arg(u.epoch)
            .arg(u.epochs)
            .arg(u.step)
            .arg(u.totalSteps)
            .arg(formatDuration(u.etaSeconds));
    });
}

void TrainingPanel::onProgress(const ProgressUpdate& u)
{
    if (u.job == 0 || u.job != m_job)
        return;
    m_last = u;
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
    m_plot->addLearningRate(step, u.lr); // ignored unless the page shows the rate
}

void TrainingPanel::onFinished(const QString& name, bool stopped, const QString& error, quint64 job)
{
    if (job == 0 || job != m_job) {
        updateButtons();
        return;
    }
    m_job = 0;
    if (m_progress->maximum() == 0)
        m_progress->setRange(0, 1);
    if (!error.isEmpty()) {
        setStatusText([] { return tr("Failed."); });
    } else if (stopped) {
        setStatusText([] { return tr("Stopped."); });
    } else {
        m_progress->setValue(m_progress->maximum());
        setStatusText([seconds = m_last.elapsedSeconds] {
            return tr("Finished in %1.").arg(formatDuration(seconds));
        });
    }
    updateButtons();
    Q_EMIT jobFinished(name, stopped, error);
}

void TrainingPanel::updateButtons()
{
    const bool ours = isRunning() && m_runner.currentJobId() == m_job;
    const bool paused = m_runner.isPaused();
    m_pause->setEnabled(ours && !paused);
    m_resume->setEnabled((ours && paused) || (!isRunning() && m_offer && !m_runner.isRunning()));
    m_stop->setEnabled(ours);
}

} // namespace tleg::gui
