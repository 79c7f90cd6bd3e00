#include "widgets/pages/experiment_panel.h"
#include "widgets/icons.h"
#include "widgets/plots/experiment_plots.h"
#include "widgets/plots/qcustomplot_include.h"
#include "widgets/text_format.h"

#include <QAbstractItemView>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDesktopServices>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHash>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QSplitter>
#include <QTabBar>
#include <QTabWidget>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextImageFormat>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <initializer_list>

namespace tleg::gui {

namespace {

/// An experiment's title, description or paper reference in the UI language (core marks them
/// with TLEG_TRANSLATABLE in the context "Experiments").
QString translated(const std::string& text)
{
    return QCoreApplication::translate("Experiments", text.c_str());
}

constexpr int kPlotWidth = 520; // two plots side by side in the page at 1280 px

/// The presets' names and what they cost, for the combo box.
const QHash<QString, std::pair<const char*, const char*>>& presetTexts()
{
    static const QHash<QString, std::pair<const char*, const char*>> texts = {
        {"smoke",
         {QT_TRANSLATE_NOOP("tleg::gui::ExperimentPanel", "smoke"),
          QT_TRANSLATE_NOOP("tleg::gui::ExperimentPanel",
                            "Seconds to a minute: tiny models on a few hundred images, to check "
                            "that everything runs. The numbers mean little.")}},
        {"quick",
         {QT_TRANSLATE_NOOP("tleg::gui::ExperimentPanel", "quick"),
          QT_TRANSLATE_NOOP("tleg::gui::ExperimentPanel",
                            "Small models on Fashion-MNIST: each experiment within about 30 "
                            "minutes on a 2-core machine.")}},
        {"paper",
         {QT_TRANSLATE_NOOP("tleg::gui::ExperimentPanel", "paper"),
          QT_TRANSLATE_NOOP("tleg::gui::ExperimentPanel",
                            "A well-trained ancestry (40 epochs on all of Fashion-MNIST, about 90 % "
                            "top-1); the rest on 20,000 images: about 75 minutes for all seven on a "
                            "2-core machine in bf16. Stopped runs continue where they stopped.")}},
        {"full",
         {QT_TRANSLATE_NOOP("tleg::gui::ExperimentPanel", "full"),
          QT_TRANSLATE_NOOP("tleg::gui::ExperimentPanel",
                            "Longer training and more data: hours on a desktop machine.")}},
    };
    return texts;
}

/// Shows every image of doc at most kPlotWidth wide, keeping its aspect ratio.
void fitImages(QTextDocument* doc, const QHash<QString, QSize>& sizes)
{
    for (QTextBlock block = doc->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            if (!fragment.charFormat().isImageFormat())
                continue;
            QTextImageFormat image = fragment.charFormat().toImageFormat();
            const QSize size = sizes.value(image.name());
            if (size.isEmpty())
                continue;
            const double scale = std::min(1.0, static_cast<double>(kPlotWidth) / size.width());
            image.setWidth(size.width() * scale);
            image.setHeight(size.height() * scale);
            QTextCursor cursor(doc);
            cursor.setPosition(fragment.position());
            cursor.setPosition(fragment.position() + fragment.length(), QTextCursor::KeepAnchor);
            cursor.setCharFormat(image);
        }
    }
}

} // namespace

ExperimentPanel::ExperimentPanel(AppState& state, JobRunner& runner, QWidget* parent)
    : QWidget(parent), m_state(state), m_runner(runner)
{
    auto* layout = new QVBoxLayout(this);

    auto* choice = new QHBoxLayout;
    m_experiment = new QComboBox(this);
    m_experiment->setObjectName("experimentChoice");
    // Long titles (German) must not widen the window: the box has a fixed text length and
    // its list opens as wide as the longest title.
    m_experiment->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_experiment->setMinimumContentsLength(18); // the Runs page fits a 1024-px window
    m_preset = new QComboBox(this);
    m_preset->setObjectName("experimentPreset");
    m_preset->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_preset->setMinimumContentsLength(10);
    fillChoices();
    m_preset->setCurrentIndex(std::max(0, m_preset->findData(QStringLiteral("quick"))));
    m_seeds = new QSpinBox(this);
    m_seeds->setObjectName("experimentSeeds");
    m_seeds->setRange(1, 20);
    m_seeds->setValue(3);
    m_released = new QCheckBox(this);
    m_released->setObjectName("experimentReleasedRecipe");
    m_run = new QPushButton(this);
    m_run->setObjectName("experimentRun");
    m_run->setIcon(icon(Icon::Start));
    m_stop = new QPushButton(this);
    m_stop->setObjectName("experimentStop");
    m_stop->setIcon(icon(Icon::Stop));
    m_open = new QPushButton(this);
    m_open->setObjectName("experimentOpenFolder");
    QLabel* labels[3];
    for (QLabel*& label : labels)
        label = new QLabel(this);
    m_texts.set([this, labels] {
        m_seeds->setToolTip(
            tr("Every model is trained once per seed; the tables give mean ± std."));
        m_released->setText(tr("Released recipe"));
        m_released->setToolTip(
            tr("Train as the paper's released code does: the KL term divided by batch × "
               "classes and no gradient clipping (this tool's recipe divides by the batch and "
               "clips the gradient norm at 1.0). Results go to a folder of their own "
               "(…-released)."));
        m_run->setText(tr("Run"));
        m_stop->setText(tr("Stop"));
        m_open->setText(tr("Open folder"));
        labels[0]->setText(tr("Experiment:"));
        labels[1]->setText(tr("Preset:"));
        labels[2]->setText(tr("Seeds:"));
    });
    for (QWidget* w : std::initializer_list<QWidget*>{labels[0], m_experiment, labels[1], m_preset,
                                                      labels[2], m_seeds, m_run, m_stop, m_open})
        choice->addWidget(w, w == m_experiment ? 1 : 0);
    layout->addLayout(choice);
    layout->addWidget(m_released); // its own line: the row above fills a 1024-px window

    m_description = new QLabel(this);
    m_description->setObjectName("experimentDescription");
    m_description->setWordWrap(true);
    m_description->setTextFormat(Qt::RichText);
    layout->addWidget(m_description);
    m_status = new QLabel(this);
    m_status->setObjectName("experimentStatus");
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    // The tables above, the plots below; the user moves the line between them.
    auto* split = new QSplitter(Qt::Vertical, this);
    m_split = split;
    split->setObjectName("experimentSplit");
    m_results = new QTextBrowser(split);
    m_results->setObjectName("experimentResults");
    m_results->setOpenLinks(false);
    m_charts = new QTabWidget(split);
    m_charts->setObjectName("experimentCharts");
    m_charts->setDocumentMode(true);
    m_charts->setUsesScrollButtons(true); // long titles never widen the window
    m_charts->setElideMode(Qt::ElideRight);
    m_charts->setVisible(false);
    split->addWidget(m_results);
    split->addWidget(m_charts);
    split->setChildrenCollapsible(false);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);

    connect(m_experiment, &QComboBox::currentIndexChanged, this, [this] { onChoiceChanged(); });
    connect(m_preset, &QComboBox::currentIndexChanged, this, [this] { onChoiceChanged(); });
    connect(m_run, &QPushButton::clicked, this, [this] { run(); });
    connect(m_stop, &QPushButton::clicked, &m_runner, &JobRunner::requestStop);
    connect(m_open, &QPushButton::clicked, this, &ExperimentPanel::openFolder);
    connect(&m_runner, &JobRunner::started, this, [this] { updateEnabled(); });
    connect(&m_runner, &JobRunner::progressed, this, &ExperimentPanel::onProgress);
    connect(&m_runner, &JobRunner::logged, this, &ExperimentPanel::onLogged);
    connect(&m_runner, &JobRunner::finished, this, &ExperimentPanel::onFinished);
    onChoiceChanged();
}

void ExperimentPanel::fillChoices()
{
    // Texts in the UI language; the choice (the items' data) stays when the language changes.
    const QSignalBlocker blockExperiments(m_experiment), blockPresets(m_preset);
    const int experiment = std::max(0, m_experiment->currentIndex());
    const int preset = m_preset->currentIndex();
    m_experiment->clear();
    for (const auto& e : experiments::experimentList())
        m_experiment->addItem(
            QStringLiteral("%1 — %2").arg(translated(e.paperRef), translated(e.title)),
            QString::fromStdString(e.name));
    m_experiment->setCurrentIndex(experiment);
    m_experiment->view()->setMinimumWidth(m_experiment->view()->sizeHintForColumn(0) + 24);
    m_preset->clear();
    for (const std::string& p : experiments::presetNames()) {
        const QString name = QString::fromStdString(p);
        const auto text = presetTexts().value(name, {nullptr, nullptr});
        m_preset->addItem(text.first ? tr(text.first) : name, name);
        if (text.second)
            m_preset->setItemData(m_preset->count() - 1, tr(text.second), Qt::ToolTipRole);
    }
    m_preset->setCurrentIndex(preset);
}

void ExperimentPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) {
        m_texts.retranslate();
        fillChoices();
        showDescription();
        if (m_shown.isEmpty()) // the "no results yet" note; shown results are the files'
            showResults(folder());
    }
    QWidget::changeEvent(event);
}

bool ExperimentPanel::selectExperiment(const QString& name)
{
    const int index = m_experiment->findData(name);
    if (index < 0)
        return false;
    m_experiment->setCurrentIndex(index);
    return true;
}

void ExperimentPanel::setPreset(const QString& preset)
{
    const int index = m_preset->findData(preset);
    if (index >= 0)
        m_preset->setCurrentIndex(index);
}

void ExperimentPanel::setSeeds(int seeds)
{
    m_seeds->setValue(seeds);
}

QString ExperimentPanel::experimentName() const
{
    return m_experiment->currentData().toString();
}

QString ExperimentPanel::preset() const
{
    return m_preset->currentData().toString();
}

QString ExperimentPanel::root() const
{
    return QDir(m_state.runFolder).filePath(QStringLiteral("experiments"));
}

std::string ExperimentPanel::recipe() const
{
    return m_released->isChecked() ? "released" : "tleg";
}

QString ExperimentPanel::folder() const
{
    experiments::ExperimentOptions o;
    o.name = experimentName().toStdString();
    o.preset = preset().toStdString();
    o.recipe = recipe();
    return QDir(root()).filePath(QString::fromStdString(experiments::experimentFolderName(o)));
}

QString ExperimentPanel::statusText() const
{
    return m_status->text();
}

void ExperimentPanel::reload()
{
    onChoiceChanged();
}

void ExperimentPanel::showDescription()
{
    const int index = m_experiment->currentIndex();
    const auto& list = experiments::experimentList();
    if (index >= 0 && index < static_cast<int>(list.size())) {
        const auto& e = list[static_cast<size_t>(index)];
        m_description->setText(
            QStringLiteral("<b>%1</b> (%2, <code>tleg experiment %3</code>)<br>%4")
                .arg(translated(e.title).toHtmlEscaped(), translated(e.paperRef).toHtmlEscaped(),
                     QString::fromStdString(e.name).toHtmlEscaped(),
                     translated(e.description).toHtmlEscaped()));
    }
}

void ExperimentPanel::onChoiceChanged()
{
    showDescription();
    if (!isRunning())
        setStatus({});
    showResults(folder());
    updateEnabled();
}

bool ExperimentPanel::showResults(const QString& folder)
{
    m_results->clear(); // also forgets the images of the last folder
    m_plots.clear();
    m_shown.clear();
    showCharts({});
    const QDir dir(folder);
    QFile file(dir.filePath(QStringLiteral("results.md")));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        m_results->setPlainText(
            tr("No results in %1 yet. Run the experiment to train its models and write its "
               "tables and plots there; models already in the cache are reused.")
                .arg(QDir::toNativeSeparators(folder)));
        return false;
    }
    QString markdown = QString::fromUtf8(file.readAll());
    std::vector<std::pair<std::string, experiments::Chart>> charts;
    try {
        charts = experiments::readCharts(dir.absolutePath().toStdString());
    } catch (const std::exception& e) { // the PNGs then, and a line saying why
        setStatus(tr("The plots' data cannot be read, showing the images instead: %1")
                      .arg(errorText(e)),
                  true);
    }
    if (charts.empty()) {
        showImages(dir.absolutePath(), markdown);
    } else {
        // The plots replace the Markdown's images of the same charts.
        for (const auto& chart : charts) {
            const QString name = QRegularExpression::escape(QString::fromStdString(chart.first));
            markdown.remove(QRegularExpression(QStringLiteral("^!\\[[^\\]]*\\]\\(%1\\)[ \t]*$")
                                                   .arg(name),
                                               QRegularExpression::MultilineOption));
        }
        m_results->setMarkdown(markdown);
        showCharts(charts);
    }
    m_shown = dir.absolutePath();
    return true;
}

void ExperimentPanel::showImages(const QString& folder, const QString& markdown)
{
    const QDir dir(folder);
    m_results->setSearchPaths({dir.absolutePath()}); // images the Markdown itself refers to
    m_results->setMarkdown(markdown);
    QTextDocument* doc = m_results->document();
    QHash<QString, QSize> sizes;
    QStringList below; // plots the Markdown does not show itself
    for (const QString& name : dir.entryList({QStringLiteral("*.png")}, QDir::Files, QDir::Name)) {
        const QImage image(dir.filePath(name));
        if (image.isNull())
            continue;
        doc->addResource(QTextDocument::ImageResource, QUrl(name), image);
        sizes.insert(name, image.size());
        m_plots << dir.filePath(name);
        if (!markdown.contains(QStringLiteral("](") + name))
            below << name;
    }
    if (!below.isEmpty()) {
        QTextCursor cursor(doc);
        cursor.movePosition(QTextCursor::End);
        cursor.insertBlock();
        cursor.insertHtml(QStringLiteral("<h2>%1</h2>").arg(tr("Plots").toHtmlEscaped()));
        cursor.insertBlock();
        for (const QString& name : below) {
            QTextImageFormat image;
            image.setName(name);
            image.setToolTip(name);
            cursor.insertImage(image);
            cursor.insertText(QStringLiteral(" "));
        }
    }
    fitImages(doc, sizes);
}

void ExperimentPanel::showCharts(
    const std::vector<std::pair<std::string, experiments::Chart>>& charts)
{
    while (m_charts->count() > 0) {
        QWidget* page = m_charts->widget(0);
        m_charts->removeTab(0);
        delete page;
    }
    for (const auto& [file, chart] : charts) {
        auto* plot = new QCustomPlot(m_charts);
        plot->setObjectName(QString::fromStdString(file));
        drawExperimentChart(plot, chart);
        const QString title = QString::fromStdString(chart.title);
        const int tab = m_charts->addTab(plot, title);
        m_charts->setTabToolTip(tab, title);
    }
    const bool appears = m_charts->isHidden() && !charts.empty();
    m_charts->setVisible(!charts.empty());
    if (appears) { // a splitter gives a child that was hidden no room of its own
        const int total = std::max(m_split->height(), 400);
        m_split->setSizes({total / 3, total - total / 3}); // the plots want the room
    }
}

QList<QCustomPlot*> ExperimentPanel::chartPlots() const
{
    QList<QCustomPlot*> plots;
    for (int i = 0; i < m_charts->count(); ++i)
        if (auto* plot = qobject_cast<QCustomPlot*>(m_charts->widget(i)))
            plots << plot;
    return plots;
}

bool ExperimentPanel::run()
{
    if (m_runner.isRunning()) {
        setStatus(
            tr("Another job is running (%1): wait for it or stop it.").arg(m_runner.currentJob()),
            true);
        return false;
    }
    experiments::ExperimentOptions o;
    o.name = experimentName().toStdString();
    o.preset = preset().toStdString();
    o.seeds = m_seeds->value();
    o.root = root().toStdString();
    o.threads = JobRunner::intraOpThreads(m_state.threads);
    o.bf16 = m_state.bf16;
    o.recipe = recipe();
    auto result = std::make_shared<experiments::ExperimentResult>();

    // The job's lines and progress arrive queued, after start() has returned m_job.
    m_pending = result;
    m_stage.clear();
    m_clock.start();
    const QString job = tr("experiment %1 (%2)").arg(experimentName(), preset());
    m_job = m_runner.start(job, [o, result](JobContext& ctx) {
        const experiments::StageFn stage = [&ctx](const std::string& s) {
            ctx.log(QString::fromStdString(s));
        };
        *result = experiments::runExperiment(o, stage, ctx.progressFn(), ctx.stopFlag());
        ctx.log(tr("%1: %2 models trained, %3 taken from the cache, %4 s")
                    .arg(QString::fromStdString(o.name))
                    .arg(result->trainedRuns)
                    .arg(result->cachedRuns)
                    .arg(formatNumber(result->seconds, 1)));
    });
    if (m_job == 0) {
        m_pending.reset();
        setStatus(
            tr("Another job is running (%1): wait for it or stop it.").arg(m_runner.currentJob()),
            true);
        return false;
    }
    setStatus(tr("Starting %1…").arg(job));
    updateEnabled();
    return true;
}

void ExperimentPanel::onLogged(const QString& line)
{
    if (!isRunning() || m_runner.currentJobId() != m_job)
        return;
    m_stage = line;
    setStatus(tr("%1 — running for %2").arg(line, formatDuration(m_clock.elapsed() / 1000.0)));
}

void ExperimentPanel::onProgress(const ProgressUpdate& u)
{
    if (!isRunning() || u.job != m_job || u.totalSteps <= 0)
        return;
    setStatus(tr("%1 — epoch %2 of %3, ETA of this stage %4; running for %5")
                  .arg(m_stage)
                  .arg(u.epoch)
                  .arg(u.epochs)
                  .arg(formatDuration(u.etaSeconds), formatDuration(m_clock.elapsed() / 1000.0)));
}

void ExperimentPanel::onFinished(const QString&, bool, const QString& error, quint64 job)
{
    if (!isRunning() || job != m_job) {
        updateEnabled();
        return;
    }
    const auto result = std::move(m_pending);
    m_pending.reset();
    m_job = 0;
    m_last = *result;
    const double seconds = m_clock.elapsed() / 1000.0;
    const QString folder = QString::fromStdString(result->folder);
    // The core says whether it stopped: a Stop that came after the last model still ends with
    // the folder written, and then the results are shown.
    if (!error.isEmpty()) {
        setStatus(tr("The experiment failed after %1: %2").arg(formatDuration(seconds), error),
                  true);
    } else if (result->stopped) {
        setStatus(tr("Stopped after %1. Every finished model stays in the cache: Run goes on "
                     "from there.")
                      .arg(formatDuration(seconds)));
    } else {
        showResults(folder);
        setStatus(tr("Finished in %1: %2 models trained, %3 taken from the cache. Results in %4.")
                      .arg(formatDuration(seconds))
                      .arg(result->trainedRuns)
                      .arg(result->cachedRuns)
                      .arg(QDir::toNativeSeparators(folder)));
    }
    updateEnabled();
    Q_EMIT experimentEnded(folder, result->stopped || !error.isEmpty());
}

void ExperimentPanel::updateEnabled()
{
    const bool busy = m_runner.isRunning();
    const bool ours = isRunning();
    m_run->setEnabled(!busy);
    m_run->setToolTip(
        busy && !ours
            ? tr("Another job is running (%1): wait for it or stop it.").arg(m_runner.currentJob())
            : QString());
    m_stop->setEnabled(ours && busy);
    for (QWidget* w :
         std::initializer_list<QWidget*>{m_experiment, m_preset, m_seeds, m_released})
        w->setEnabled(!ours);
    m_open->setEnabled(QFileInfo(folder()).isDir());
}

void ExperimentPanel::openFolder()
{
    const QString path = QFileInfo(folder()).isDir() ? folder() : root();
    if (!QDesktopServices::openUrl(QUrl::fromLocalFile(path)))
        setStatus(tr("Could not open %1 in the file manager.").arg(path), true);
}

void ExperimentPanel::setStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #c62828;") : QString());
    m_status->setVisible(!text.isEmpty());
}

} // namespace tleg::gui
