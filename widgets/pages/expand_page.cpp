#include "widgets/pages/expand_page.h"

#include "model/des_net.h"
#include "model/model_io.h"
#include "train/trainer.h"
#include "util/files.h"
#include "widgets/plots/plot_export.h"
#include "widgets/plots/training_plot.h"

#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace tleg::gui {

namespace {
QString millions(int64_t n)
{
    return QString::number(static_cast<double>(n) / 1e6, 'f', 3) + " M";
}
} // namespace

ExpandPage::ExpandPage(AppState& state, JobRunner& runner, QWidget* parent)
    : QWidget(parent), m_state(state), m_runner(runner)
{
    auto* layout = new QVBoxLayout(this);

    auto* source = new QGroupBox(tr("Learngene"), this);
    auto* sourceLayout = new QHBoxLayout(source);
    m_path = new QLineEdit(source);
    m_path->setPlaceholderText(
        tr("learngene.safetensors from the Learngene page or 'tleg distill'"));
    auto* browseButton = new QPushButton(tr("Open…"), source);
    sourceLayout->addWidget(m_path, 1);
    sourceLayout->addWidget(browseButton);
    layout->addWidget(source);
    m_summary = new QLabel(tr("No learngene loaded."), this);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    auto* depthBox = new QGroupBox(tr("Descendant depth"), this);
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
    layout->addWidget(depthBox);

    auto* previewRow = new QHBoxLayout;
    m_previewLabel = new QLabel(this);
    m_previewLabel->setTextFormat(Qt::PlainText);
    m_previewLabel->setMinimumWidth(300);
    m_coefficients = new QCustomPlot(this);
    m_coefficients->setMinimumHeight(160);
    m_coefficients->xAxis->setLabel(tr("layer l"));
    m_coefficients->yAxis->setLabel(tr("c_l = (l-1)/L"));
    m_coefficients->yAxis->setRange(0, 1);
    new QCPBars(m_coefficients->xAxis, m_coefficients->yAxis);
    QSharedPointer<QCPAxisTickerFixed> layerTicks(new QCPAxisTickerFixed);
    layerTicks->setTickStep(1.0);
    layerTicks->setScaleStrategy(QCPAxisTickerFixed::ssMultiples); // stays readable at depth 24
    m_coefficients->xAxis->setTicker(layerTicks);
    previewRow->addWidget(m_previewLabel);
    previewRow->addWidget(m_coefficients, 1);
    m_coefficients->setObjectName("coefficientPlot");
    installPlotExport(m_coefficients);
    layout->addLayout(previewRow);

    auto* actions = new QHBoxLayout;
    m_expand = new QPushButton(tr("Expand…"), this);
    m_fineTune = new QPushButton(tr("Expand && fine-tune"), this);
    m_stop = new QPushButton(tr("Stop"), this);
    m_epochs = new QSpinBox(this);
    m_epochs->setRange(1, 1000);
    m_epochs->setValue(2);
    m_epochs->setSuffix(tr(" epochs"));
    actions->addWidget(m_expand);
    actions->addWidget(m_fineTune);
    actions->addWidget(m_epochs);
    actions->addWidget(m_stop);
    actions->addStretch(1);
    layout->addLayout(actions);
    m_plot = new TrainingPlot(this);
    layout->addWidget(m_plot, 1);

    connect(m_slider, &QSlider::valueChanged, m_depth, &QSpinBox::setValue);
    connect(m_depth, &QSpinBox::valueChanged, m_slider, &QSlider::setValue);
    connect(m_depth, &QSpinBox::valueChanged, this, [this] { updatePreview(); });
    connect(browseButton, &QPushButton::clicked, this, &ExpandPage::browse);
    connect(m_path, &QLineEdit::editingFinished, this, [this] {
        if (!m_path->text().isEmpty())
            loadLearngene(m_path->text());
    });
    connect(m_expand, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save Des-Net"),
            QDir(m_state.runFolder).filePath(QString("des-%1.safetensors").arg(m_depth->value())),
            tr("safetensors (*.safetensors)"));
        if (!path.isEmpty())
            expandTo(path);
    });
    connect(m_fineTune, &QPushButton::clicked, this, &ExpandPage::expandAndFineTune);
    connect(m_stop, &QPushButton::clicked, &m_runner, &JobRunner::requestStop);
    connect(&m_runner, &JobRunner::progressed, this, &ExpandPage::onProgress);
    connect(&m_runner, &JobRunner::finished, this, &ExpandPage::onFinished);
    connect(&m_runner, &JobRunner::started, this, [this] { updateEnabled(); });
    updatePreview();
    updateEnabled();
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
    return m_learngene ? m_path->text() : QString();
}

bool ExpandPage::loadLearngene(const QString& path)
{
    try {
        // Reading a learngene is a few small tensors: fine on the GUI thread.
        m_learngene =
            std::make_shared<model::Learngene>(model::Learngene::load(path.toStdString()));
    } catch (const std::exception& e) {
        m_learngene.reset();
        m_summary->setText(tr("Cannot use this file: %1").arg(QString::fromStdString(e.what())));
        updatePreview();
        updateEnabled();
        return false;
    }
    m_path->setText(path);
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
            .arg(millions(m_learngene->storedParams())));
    updatePreview();
    updateEnabled();
    Q_EMIT learngeneLoaded(path);
    return true;
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
        tr("Des-Net of depth %1\nparameters: %2\nMACs per image: %3\n\n"
           "S-Params to initialise depths 1–%1:\n  learngene: %4\n  one model per depth: %5 "
           "(%6×)")
            .arg(m_preview.depth)
            .arg(millions(m_preview.params))
            .arg(millions(m_preview.macs))
            .arg(millions(m_preview.learngeneStored))
            .arg(millions(m_preview.storedPerDepthModels))
            .arg(ratio, 0, 'f', 1));
}

void ExpandPage::updateEnabled()
{
    const bool busy = m_runner.isRunning();
    m_expand->setEnabled(m_learngene && !busy);
    m_fineTune->setEnabled(m_learngene && m_state.data && !busy);
    m_stop->setEnabled(busy);
}

void ExpandPage::expandTo(const QString& path)
{
    if (!m_learngene)
        return;
    auto learngene = m_learngene;
    model::ExpandOptions eo;
    eo.depth = m_depth->value();
    const std::string out = path.toStdString();
    m_pendingRun.clear();
    m_runner.start(tr("expand"), [learngene, eo, out](JobContext& ctx) {
        model::saveExpanded(out, *learngene, eo, {{"role", "desnet"}});
        ctx.log(QObject::tr("Des-Net of depth %1 written to %2")
                    .arg(eo.depth)
                    .arg(QString::fromStdString(out)));
    });
}

void ExpandPage::expandAndFineTune()
{
    if (!m_learngene || !m_state.data)
        return;
    auto learngene = m_learngene;
    auto data = m_state.data;
    model::ExpandOptions eo;
    eo.depth = m_depth->value();
    eo.numClasses = data->train.numClasses;
    train::TrainOptions o;
    o.epochs = m_epochs->value();
    o.threads = JobRunner::intraOpThreads(m_state.threads);
    o.bf16 = m_state.bf16;
    o.warmupEpochs = std::min(1.0, 0.2 * o.epochs);
    const QString run =
        QDir(m_state.runFolder)
            .filePath(QString("des-%1-%2")
                          .arg(eo.depth)
                          .arg(QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss")));
    o.runDir = run.toStdString();
    o.provenance = {{"role", "desnet"}, {"learngene", m_path->text().toStdString()}};
    m_pendingRun = run;
    m_plot->clear();
    m_runner.start(
        tr("fine-tune depth %1").arg(eo.depth), [learngene, data, eo, o](JobContext& ctx) {
            model::ViT des = model::expand(*learngene, eo);
            ctx.log(QObject::tr("expanded a Des-Net of depth %1; fine-tuning").arg(eo.depth));
            auto r = train::train(*des, data->train, data->test, o, nullptr, ctx.progressFn(),
                                  ctx.stopFlag());
            ctx.log(QObject::tr("fine-tuned depth %1: top-1 %2%")
                        .arg(eo.depth)
                        .arg(r.finalTop1, 0, 'f', 2));
        });
}

void ExpandPage::onProgress(const ProgressUpdate& u)
{
    if (m_pendingRun.isEmpty())
        return;
    if (u.epochDone)
        m_plot->addAccuracy(static_cast<double>(u.step), u.valTop1);
    else
        m_plot->addLoss(static_cast<double>(u.step), u.loss);
}

void ExpandPage::onFinished(const QString&, bool stopped, const QString& error)
{
    if (!m_pendingRun.isEmpty() && error.isEmpty() && !stopped) {
        m_lastRun = m_pendingRun;
        Q_EMIT runFinished(m_lastRun);
    }
    m_pendingRun.clear();
    updateEnabled();
}

} // namespace tleg::gui
