#include "widgets/pages/expand_page.h"

#include "model/des_net.h"
#include "util/error.h"
#include "widgets/background_task.h"
#include "widgets/error_label.h"
#include "widgets/icons.h"
#include "widgets/plots/plot_export.h"
#include "widgets/plots/training_plot.h"
#include "widgets/text_format.h"
#include "workflow/jobs.h"

#include "widgets/plots/qcustomplot_include.h"
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace tleg::gui {

ExpandPage::ExpandPage(AppState& state, JobRunner& runner, QWidget* parent)
    : QWidget(parent), m_state(state), m_runner(runner)
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildSource());
    m_error = newErrorLabel(this, "expandError");
    layout->addWidget(m_error);
    layout->addWidget(buildDepth());
    layout->addLayout(buildPreview());
    // The live curves of the run in progress, and the queue of several depths with its
    // results: two tabs, so that the page still fits a 1024 × 700 window.
    m_bottom = new QTabWidget(this);
    m_bottom->setObjectName("expandTabs");
    m_panel = new TrainingPanel(runner, m_bottom);
    m_queue = new DepthQueue(state, m_panel, m_bottom);
    m_queue->setEpochs([this] { return m_epochs->value(); });
    m_setup = new RunSetup(state, runner, workflow::Role::DesNet, 2, m_bottom);
    m_setup->setEpochs([this] { return m_epochs->value(); });
    m_queue->setRunSetup(m_setup);
    m_bottom->addTab(m_panel, QString());
    m_bottom->addTab(m_queue, QString());
    m_bottom->addTab(m_setup, QString());
    m_texts.set([this] {
        m_bottom->setTabText(0, tr("Live curves"));
        m_bottom->setTabText(1, tr("Several depths"));
        m_bottom->setTabText(2, tr("Run settings"));
        m_bottom->setTabToolTip(2, tr("Train on fewer images (Quick trial), name the run, tag "
                                      "it, note what it tries; the time it will take."));
        m_bottom->setTabToolTip(1, tr("Fine-tune several depths from this learngene, each "
                                      "beside a scratch twin: the paper's Table 1."));
    });
    layout->addWidget(m_bottom, 1);

    connect(m_slider, &QSlider::valueChanged, m_depth, &QSpinBox::setValue);
    connect(m_depth, &QSpinBox::valueChanged, m_slider, &QSlider::setValue);
    connect(m_depth, &QSpinBox::valueChanged, this, [this] { updatePreview(); });
    connect(m_expand, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save Des-Net"),
            QDir(m_state.runFolder).filePath(QString("des-%1.safetensors").arg(m_depth->value())),
            tr("safetensors (*.safetensors)"));
        if (!path.isEmpty())
            expandTo(path);
    });
    connect(m_fineTune, &QPushButton::clicked, this, &ExpandPage::expandAndFineTune);
    m_setup->setProbe([this] { return probeWork(); });
    connect(m_setup, &RunSetup::quickTrialChosen, this, [this] { m_epochs->setValue(1); });
    connect(m_setup, &RunSetup::estimateChanged, this, &ExpandPage::updateEnabled);
    connect(m_depth, &QSpinBox::valueChanged, m_setup, &RunSetup::settingsChanged);
    connect(m_epochs, &QSpinBox::valueChanged, m_setup, &RunSetup::settingsChanged);
    connect(m_panel, &TrainingPanel::jobFinished, this, &ExpandPage::onFinished);
    connect(m_queue, &DepthQueue::runFinished, this, &ExpandPage::runFinished);
    connect(&m_runner, &JobRunner::started, this, &ExpandPage::updateEnabled);
    connect(&m_runner, &JobRunner::finished, this, &ExpandPage::updateEnabled);
    showSummary();
    updatePreview();
    updateEnabled();
}

void ExpandPage::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) {
        m_texts.retranslate();
        if (!isLoading()) // "Reading …" stays until the read has ended
            showSummary();
        updatePreview();
    }
    QWidget::changeEvent(event);
}

QWidget* ExpandPage::buildSource()
{
    auto* source = new QGroupBox(this);
    auto* outer = new QVBoxLayout(source);
    auto* sourceLayout = new QHBoxLayout;
    outer->addLayout(sourceLayout);
    m_summary = new QLabel(source); // what the learngene is, under its path
    m_summary->setObjectName("expandSummary");
    m_summary->setWordWrap(true);
    outer->addWidget(m_summary);
    m_path = new QLineEdit(source);
    auto* browseButton = new QPushButton(source);
    browseButton->setObjectName("expandOpen");
    browseButton->setIcon(icon(Icon::Open));
    m_texts.set([this, source, browseButton] {
        source->setTitle(tr("Learngene"));
        m_path->setPlaceholderText(
            tr("learngene.safetensors from the Learngene page or 'tleg distill'"));
        browseButton->setText(tr("Open…"));
    });
    sourceLayout->addWidget(m_path, 1);
    sourceLayout->addWidget(browseButton);
    connect(browseButton, &QPushButton::clicked, this, &ExpandPage::browse);
    connect(m_path, &QLineEdit::editingFinished, this, [this] {
        if (!m_path->text().isEmpty())
            loadLearngene(m_path->text());
    });
    return source;
}

QWidget* ExpandPage::buildDepth()
{
    auto* depthBox = new QGroupBox(this);
    m_texts.set([depthBox] { depthBox->setTitle(tr("Descendant depth")); });
    auto* depthLayout = new QHBoxLayout(depthBox);
    m_slider = new QSlider(Qt::Horizontal, depthBox);
    m_slider->setRange(1, 24);
    m_slider->setValue(6);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(1);
    m_depth = new QSpinBox(depthBox);
    m_depth->setRange(1, 24);
    m_depth->setValue(6);
    depthLayout->addWidget(m_slider, 1);
    depthLayout->addWidget(m_depth);
    depthLayout->addSpacing(12);
    depthLayout->addLayout(buildActions()); // what to do with this depth, on the same line
    return depthBox;
}

QLayout* ExpandPage::buildPreview()
{
    auto* previewRow = new QHBoxLayout;
    m_previewLabel = new QLabel(this);
    m_previewLabel->setObjectName("expandPreview");
    m_previewLabel->setTextFormat(Qt::PlainText);
    m_previewLabel->setMinimumWidth(300);
    m_previewLabel->setWordWrap(true);
    m_coefficients = new QCustomPlot(this);
    m_coefficients->setObjectName("coefficientPlot");
    m_coefficients->setMinimumHeight(110);
    m_texts.set([this] {
        m_coefficients->xAxis->setLabel(tr("layer l"));
        m_coefficients->yAxis->setLabel(tr("c_l = (l-1)/L"));
    });
    m_coefficients->yAxis->setRange(0, 1);
    auto* bars = new QCPBars(m_coefficients->xAxis, m_coefficients->yAxis);
    bars->setPen(QPen(QColor(31, 119, 180))); // QCPBars' own blue outline is lost on dark grey
    bars->setBrush(QColor(31, 119, 180, 160));
    QSharedPointer<QCPAxisTickerFixed> layerTicks(new QCPAxisTickerFixed);
    layerTicks->setTickStep(1.0);
    layerTicks->setScaleStrategy(QCPAxisTickerFixed::ssMultiples); // stays readable at depth 24
    m_coefficients->xAxis->setTicker(layerTicks);
    installPlotExport(m_coefficients);
    previewRow->addWidget(m_previewLabel);
    previewRow->addWidget(m_coefficients, 1);
    return previewRow;
}

QLayout* ExpandPage::buildActions()
{
    auto* actions = new QHBoxLayout;
    m_expand = new QPushButton(this);
    m_expand->setObjectName("expandButton");
    m_fineTune = new QPushButton(this);
    m_fineTune->setObjectName("expandFineTune");
    m_expand->setIcon(icon(Icon::Expand));
    m_fineTune->setIcon(icon(Icon::ExpandFineTune));
    m_epochs = new QSpinBox(this);
    m_epochs->setObjectName("expandEpochs");
    m_epochs->setRange(1, 1000);
    m_epochs->setValue(2);
    m_texts.set([this] {
        m_expand->setText(tr("Expand…"));
        m_fineTune->setText(tr("Expand && fine-tune"));
        m_epochs->setSuffix(epochSuffix(m_epochs->value()));
    });
    connect(m_epochs, &QSpinBox::valueChanged, this,
            [this](int epochs) { m_epochs->setSuffix(epochSuffix(epochs)); }); // "1 epoch"
    actions->addWidget(m_expand);
    actions->addWidget(m_fineTune);
    actions->addWidget(m_epochs);
    return actions;
}

void ExpandPage::browse()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open learngene"), m_state.runFolder,
                                                      tr("safetensors (*.safetensors)"));
    if (!path.isEmpty())
        loadLearngene(path);
}

QString ExpandPage::learngenePath() const
{
    return m_learngene ? m_learngenePath : QString();
}

QString ExpandPage::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text(); // also on a page not shown
}

void ExpandPage::loadLearngene(const QString& path)
{
    const quint64 id = ++m_loads;
    m_loading = id;
    // A learngene is a few small tensors, but the file may be anything (a FIFO, a huge or lying
    // header): never on the GUI thread.
    auto read = [file = path.toStdString()] {
        return std::make_shared<const model::Learngene>(model::Learngene::load(file));
    };
    runInBackground(this, read,
                    [this, id, path](TaskResult<std::shared_ptr<const model::Learngene>> r) {
                        if (id != m_loading)
                            return; // a newer read superseded this one
                        m_loading = 0;
                        onLoaded(path, r.ok() ? *r.value : nullptr, r.error);
                    });
    m_error->setVisible(false);
    m_summary->setText(tr("Reading %1…").arg(QDir::toNativeSeparators(path)));
    updateEnabled();
}

void ExpandPage::onLoaded(const QString& path, std::shared_ptr<const model::Learngene> learngene,
                          const QString& error)
{
    if (!learngene) {
        // The learngene open before stays open; the line names the file that failed.
        m_error->setText(tr("Cannot use %1: %2")
                             .arg(QDir::toNativeSeparators(path), withoutPathPrefix(error, path)));
        m_error->setVisible(true);
        m_path->setText(m_learngenePath);
        showSummary();
        updateEnabled();
        Q_EMIT loadFinished(path, error);
        return;
    }
    m_learngene = std::move(learngene);
    m_learngenePath = path;
    m_queue->setLearngene(path, m_learngene);
    m_setup->settingsChanged();
    m_path->setText(path);
    showSummary();
    updatePreview();
    updateEnabled();
    Q_EMIT learngeneLoaded(path);
    Q_EMIT loadFinished(path, QString());
}

void ExpandPage::showSummary()
{
    if (!m_learngene) {
        m_summary->setText(tr("No learngene loaded."));
        return;
    }
    const auto& c = m_learngene->config;
    m_summary->setText(
        tr("Learngene from a %1-block Aux-Net: width %2, %3 heads, %4 classes; "
           "expands %5 from block %6; %7 stored.")
            .arg(c.depth)
            .arg(c.dim)
            .arg(c.heads)
            .arg(c.numClasses)
            .arg(QString::fromStdString(model::groupsToString(m_learngene->options.groups)))
            .arg(m_learngene->options.expandFrom + 1) // 1-based, as on the Learngene page
            .arg(formatCount(m_learngene->storedParams())));
}

void ExpandPage::setDepth(int depth)
{
    m_depth->setValue(depth);
}

QString ExpandPage::previewText() const
{
    return m_previewLabel->text();
}

void ExpandPage::updatePreview()
{
    auto* bars = static_cast<QCPBars*>(m_coefficients->plottable(0));
    if (!m_learngene) {
        m_preview = {};
        m_previewLabel->setText(tr("Open a learngene to preview its descendants."));
        bars->data()->clear();
        m_coefficients->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    m_preview =
        model::previewExpansion(m_learngene->config, m_learngene->storedParams(), m_depth->value());
    QVector<double> keys, values;
    for (size_t i = 0; i < m_preview.coefficients.size(); ++i) {
        keys << static_cast<double>(i + 1);
        values << m_preview.coefficients[i];
    }
    bars->setData(keys, values, true);
    m_coefficients->xAxis->setRange(0.3, m_preview.depth + 0.7);
    m_coefficients->replot(QCustomPlot::rpQueuedReplot);
    const double ratio = static_cast<double>(m_preview.storedPerDepthModels)
                         / std::max<int64_t>(1, m_preview.learngeneStored);
    m_previewLabel->setText(
        tr("Des-Net of depth %1: %2 parameters, %3 MACs per image\n"
           "S-Params to initialise depths 1–%1: learngene %4, one model per depth %5 (%6×)")
            .arg(m_preview.depth)
            .arg(formatCount(m_preview.params))
            .arg(formatCount(m_preview.macs))
            .arg(formatCount(m_preview.learngeneStored))
            .arg(formatCount(m_preview.storedPerDepthModels))
            .arg(formatNumber(ratio, 1)));
}

void ExpandPage::updateEnabled()
{
    const bool busy = m_runner.isRunning() || isLoading();
    m_expand->setEnabled(m_learngene && !busy);
    m_fineTune->setEnabled(m_learngene && m_state.data && !busy);
    m_fineTune->setToolTip(m_setup->estimateLabel()->text()); // images × epochs: about …
    m_queue->setBusy(busy);
}

bool ExpandPage::expandTo(const QString& path)
{
    if (!m_learngene)
        return false;
    workflow::ExpandSpec spec;
    spec.learngene = learngenePath().toStdString();
    spec.expand.depth = m_depth->value();
    spec.out = path.toStdString();
    // A file, not a training run: on the runner (never the GUI thread), without the panel.
    return m_runner.start(tr("expand"), [spec](JobContext& ctx) {
        workflow::runExpand(spec, ctx.hooks());
    }) != 0;
}

ProbeWork ExpandPage::probeWork() const
{
    if (!m_learngene || !m_state.data)
        throw Error("no learngene or no data");
    const auto& d = m_state.data->train;
    auto cfg = m_learngene->config;
    cfg.depth = m_depth->value();
    cfg.imageSize = d.height();
    cfg.channels = d.channels();
    cfg.numClasses = d.numClasses;
    train::ProbeOptions o;
    o.threads = JobRunner::intraOpThreads(m_state.threads);
    o.bf16 = m_state.bf16;
    const int64_t batch = train::TrainOptions{}.batchSize; // what desNetSpec trains with
    ProbeWork w;
    w.key = QString::fromStdString(cfg.toJson().dump())
            + QString(" batch %1 threads %2 bf16 %3").arg(batch).arg(o.threads).arg(o.bf16);
    const std::vector<int64_t> shape{d.channels(), d.height(), d.width()};
    w.measure = [cfg, o, batch, shape](const std::atomic<bool>* stop) {
        auto net = model::scratch(cfg, 0); // a Des-Net costs what a ViT of its size costs
        return train::probeSpeed(*net, shape, batch, o, nullptr, stop);
    };
    return w;
}

void ExpandPage::refreshData()
{
    m_setup->refresh();
    m_setup->settingsChanged();
    updateEnabled();
}

bool ExpandPage::expandAndFineTune()
{
    if (!m_learngene || !m_state.data)
        return false;
    const int depth = m_depth->value();
    workflow::TrainSpec spec = desNetSpec(m_state, learngenePath(), depth, m_epochs->value());
    const TrialData trial = m_setup->trialData();
    spec.data = trial.spec;
    try {
        spec.out = m_setup->runFolder(depth);
        m_setup->notes(); // a bad tag is refused before anything starts
    } catch (const std::exception& e) {
        m_error->setText(gui::errorText(e));
        m_error->setVisible(true);
        m_bottom->setCurrentWidget(m_setup);
        return false;
    }
    const QString run = QString::fromStdString(spec.out);
    auto top1 = std::make_shared<double>(-1);
    const bool started =
        m_panel->start(tr("fine-tune depth %1").arg(depth), [spec, trial, depth, top1](
                                                                JobContext& ctx) {
            const auto o = workflow::runTrain(spec, ctx.hooks(), trial.split().get());
            if (!o.stopped())
                *top1 = o.result.testTop1; // read on the GUI thread once the worker has ended
            ctx.log(tr("fine-tuned depth %1: test top-1 %2%")
                        .arg(depth)
                        .arg(formatNumber(o.result.testTop1, 2)));
        });
    if (started) {
        m_pendingRun = run;
        m_pendingTop1 = top1;
        m_pendingDepth = depth;
        m_error->setVisible(false);
        try {
            m_setup->writeNotes(spec.out);
            m_setup->clearNames();
        } catch (const std::exception& e) {
            m_error->setText(tr("The run goes on, but its tags and notes were not kept: %1")
                                 .arg(gui::errorText(e)));
            m_error->setVisible(true);
        }
        m_bottom->setCurrentWidget(m_panel);
    }
    return started;
}

void ExpandPage::onFinished(const QString&, bool stopped, const QString& error)
{
    const QString run = std::exchange(m_pendingRun, QString());
    const auto top1 = std::exchange(m_pendingTop1, nullptr);
    if (!run.isEmpty() && error.isEmpty() && !stopped && top1 && *top1 >= 0) {
        m_lastRun = run;
        // Where the run went and how it did, beside the progress bar (it stays until the next).
        m_panel->setStatusText([run, depth = m_pendingDepth, value = *top1] {
            return tr("Depth %1: top-1 %2% (%3).")
                .arg(depth)
                .arg(formatNumber(value, 2), QDir::toNativeSeparators(run));
        });
        Q_EMIT runFinished(m_lastRun);
    } else if (!run.isEmpty() && stopped) {
        m_panel->setStatusText([run] {
            return tr("Stopped; the checkpoint is in %1 (Runs ▸ Run again resumes it).")
                .arg(QDir::toNativeSeparators(run));
        });
    }
    updateEnabled();
}

} // namespace tleg::gui
