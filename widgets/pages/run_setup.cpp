#include "widgets/pages/run_setup.h"

#include "util/error.h"
#include "widgets/job_runner.h"
#include "widgets/text_format.h"
#include "workflow/jobs.h"

#include <QCoreApplication>
#include <QDir>
#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QThreadPool>
#include <QTimer>

#include <array>
#include <cstdlib>

namespace tleg::gui {
namespace {

/// A quick trial: a few thousand images for one epoch, evaluated on a thousand.
constexpr int kQuickTrainImages = 3000;
constexpr int kQuickTestImages = 1000;

/// TLEG_SPEED_PROBE=0 turns the measurement off (screenshots need the same text everywhere).
bool probeEnabled()
{
    const char* v = std::getenv("TLEG_SPEED_PROBE");
    return !v || std::string(v) != "0";
}

/// One probe at a time, on its own thread: never two networks measured against each other.
QThreadPool& probePool()
{
    static QThreadPool* pool = [] {
        auto* p = new QThreadPool;
        p->setMaxThreadCount(1);
        return p;
    }();
    return *pool;
}

} // namespace

std::shared_ptr<const data::DataSplit> TrialData::split() const
{
    if (!open)
        return std::make_shared<const data::DataSplit>(workflow::openData(spec));
    if (trainImages <= 0 && testImages <= 0)
        return open;
    auto cut = std::make_shared<data::DataSplit>(*open);
    // As openData's subsets (data/open_dataset.cpp): train with the seed, test with seed + 1.
    if (trainImages > 0 && trainImages < cut->train.size())
        cut->train = data::subset(cut->train, trainImages, seed);
    if (testImages > 0 && testImages < cut->test.size())
        cut->test = data::subset(cut->test, testImages, seed + 1);
    return cut;
}

QString presetFitWarning(const QString& preset, int64_t presetSize, int64_t patch,
                         const data::Dataset& d)
{
    if (presetSize <= 0 || presetSize == d.height() || patch <= 0)
        return {};
    const int64_t side = d.height() / patch;
    return QCoreApplication::translate(
               "tleg::gui::RunSetup",
               "%1 is made for %2-px images; these are %3 px, so each image is %4 patches of "
               "%5 px%6.")
        .arg(preset)
        .arg(presetSize)
        .arg(d.height())
        .arg(QLocale().toString(qlonglong(side * side)))
        .arg(patch)
        .arg(side * side > 256 ? QCoreApplication::translate("tleg::gui::RunSetup",
                                                             " (slow: consider a smaller preset)")
             : side * side < 4 ? QCoreApplication::translate(
                                     "tleg::gui::RunSetup", " (too few to learn much)")
                               : QString());
}

RunSetup::RunSetup(const AppState& state, JobRunner& runner, workflow::Role role, int columns,
                   QWidget* parent)
    : QWidget(parent), m_state(state), m_runner(runner), m_role(role)
{
    m_images = new QSpinBox(this);
    m_images->setObjectName("trialImages");
    m_images->setRange(0, 1);
    m_images->setSingleStep(1000);
    m_images->setGroupSeparatorShown(true);
    m_quick = new QPushButton(this);
    m_quick->setObjectName("quickTrial");
    m_name = new QLineEdit(this);
    m_name->setObjectName("runName");
    m_tags = new QLineEdit(this);
    m_tags->setObjectName("runTags");
    m_notes = new QLineEdit(this);
    m_notes->setObjectName("runNotes");
    m_estimate = new QLabel(this);
    m_estimate->setObjectName("runEstimate");
    m_estimate->setWordWrap(true);
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(400);

    auto* imagesRow = new QHBoxLayout;
    imagesRow->setContentsMargins(0, 0, 0, 0);
    imagesRow->addWidget(m_images, 1);
    imagesRow->addWidget(m_quick);
    const std::array<QLabel*, 4> labels = {new QLabel(this), new QLabel(this),
                                           new QLabel(this), new QLabel(this)};
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    QWidget* fields[] = {nullptr, m_name, m_tags, m_notes};
    for (int i = 0; i < 4; ++i) {
        const int row = columns == 2 ? i / 2 : i;
        const int column = columns == 2 ? (i % 2) * 2 : 0;
        grid->addWidget(labels[size_t(i)], row, column);
        if (i == 0)
            grid->addLayout(imagesRow, row, column + 1);
        else
            grid->addWidget(fields[i], row, column + 1);
    }
    for (int i = 1; i < 4; ++i)
        labels[size_t(i)]->setBuddy(fields[i]);
    grid->addWidget(m_estimate, columns == 2 ? 2 : 4, 0, 1, columns == 2 ? 4 : 2);
    if (columns == 2)
        grid->setColumnStretch(3, 1);
    grid->setColumnStretch(1, 1);

    m_texts.set([this, labels] {
        labels[0]->setText(tr("Train on"));
        labels[1]->setText(tr("Run name"));
        labels[2]->setText(tr("Tags"));
        labels[3]->setText(tr("Notes"));
        m_images->setSpecialValueText(tr("all images"));
        m_images->setSuffix(tr(" images"));
        m_images->setToolTip(tr("Train on a seeded random subset of this many of the open "
                                "training images (the run records it, so Run again draws the "
                                "same ones)."));
        m_quick->setText(tr("Quick trial"));
        m_quick->setToolTip(tr("%1 training images, %2 test images, 1 epoch: to see that "
                               "everything works before a long run.")
                                .arg(QLocale().toString(kQuickTrainImages))
                                .arg(QLocale().toString(kQuickTestImages)));
        m_name->setPlaceholderText(
            QString::fromStdString(workflow::runFolderBase(m_role)) + tr(" (the default)"));
        m_name->setToolTip(tr("The run's folder name in the run folder (-2, -3, … is added when "
                              "it exists). Rename it later on the Runs page."));
        m_tags->setPlaceholderText(tr("comma-separated, e.g. baseline, lr sweep"));
        m_notes->setPlaceholderText(tr("what this run tries"));
        m_notes->setToolTip(tr("Kept in notes.json beside the run; edit it on the Runs page."));
    });

    connect(m_quick, &QPushButton::clicked, this, [this] {
        m_images->setValue(std::min<int>(kQuickTrainImages, m_images->maximum()));
        m_quickTest = true;
        Q_EMIT quickTrialChosen();
        showEstimate();
    });
    connect(m_images, &QSpinBox::valueChanged, this, [this](int value) {
        if (value != kQuickTrainImages)
            m_quickTest = false;
        showEstimate();
    });
    connect(m_debounce, &QTimer::timeout, this, &RunSetup::startProbe);
    connect(&m_runner, &JobRunner::finished, this, [this] { settingsChanged(); });
    refresh();
}

RunSetup::~RunSetup()
{
    if (m_stopProbe)
        *m_stopProbe = true;
    m_future.cancel();
    m_future.waitForFinished();
}

void RunSetup::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) {
        m_texts.retranslate();
        showEstimate();
    } else if (event->type() == QEvent::LocaleChange) {
        showEstimate();
    }
    QWidget::changeEvent(event);
}

void RunSetup::refresh()
{
    const int64_t n = m_state.data ? m_state.data->train.size() : 0;
    const int keep = m_images->value();
    m_images->setRange(0, int(std::min<int64_t>(n, 1 << 30)));
    m_images->setValue(keep <= m_images->maximum() ? keep : 0);
    showEstimate();
}

void RunSetup::setProbe(std::function<ProbeWork()> probe)
{
    m_makeProbe = std::move(probe);
    settingsChanged();
}

void RunSetup::setEpochs(std::function<int()> epochs)
{
    m_epochs = std::move(epochs);
    showEstimate();
}

void RunSetup::settingsChanged()
{
    showEstimate();
    if (m_makeProbe && probeEnabled())
        m_debounce->start();
}

void RunSetup::setEditable(bool editable)
{
    for (QWidget* w : std::initializer_list<QWidget*>{m_images, m_quick, m_name, m_tags, m_notes})
        w->setEnabled(editable);
}

int64_t RunSetup::trainImages() const
{
    return m_images->value();
}

TrialData RunSetup::trialData() const
{
    TrialData d;
    d.spec = m_state.dataSpec;
    d.open = m_state.data;
    d.trainImages = trainImages();
    d.testImages = m_quickTest && d.open ? std::min<int64_t>(kQuickTestImages, d.open->test.size())
                                         : 0;
    if (d.trainImages == 0 && d.testImages == 0)
        return d;
    auto& o = d.spec.options;
    d.seed = o.seed;
    if (d.trainImages > 0)
        o.trainSubset = d.trainImages;
    if (d.testImages > 0)
        o.testSubset = d.testImages;
    // The open split already is a subset (or drawn in the experiments' order): cutting it again
    // would not be what the spec says, so the job opens the data itself.
    if (m_state.dataSpec.options.trainSubset > 0 || m_state.dataSpec.options.testSubset > 0
        || m_state.dataSpec.options.subsetFirst)
        d.open = nullptr;
    return d;
}

std::string RunSetup::runFolder(int64_t depth) const
{
    const std::string name = m_name->text().trimmed().toStdString();
    if (!name.empty()
        && (name == "." || name == ".." || name.find_first_of("/\\") != std::string::npos))
        throw tleg::Error(tr("Run name '%1' is not a plain folder name (no '/').")
                        .arg(m_name->text())
                        .toStdString());
    return workflow::newRunFolder(m_state.runFolder.toStdString(),
                                  name.empty() ? workflow::runFolderBase(m_role, depth) : name);
}

workflow::RunNotes RunSetup::notes() const
{
    workflow::RunNotes n;
    try {
        n.tags = workflow::parseTags(m_tags->text().toStdString());
    } catch (const tleg::Error& e) {
        throw tleg::Error(tr("Tags: %1").arg(QString::fromUtf8(e.what())).toStdString());
    }
    n.notes = m_notes->text().trimmed().toStdString();
    return n;
}

void RunSetup::writeNotes(const std::string& folder) const
{
    const auto n = notes();
    if (!n.empty())
        workflow::writeRunNotes(folder, n);
}

void RunSetup::clearNames()
{
    m_name->clear();
    m_tags->clear();
    m_notes->clear();
}

void RunSetup::startProbe()
{
    if (!m_makeProbe || !probeEnabled())
        return;
    if (m_runner.isRunning() || m_future.isRunning()) {
        showEstimate(); // measured again when the job or the running probe has finished
        return;
    }
    ProbeWork work;
    try {
        work = m_makeProbe();
    } catch (const std::exception&) {
        m_key.clear(); // the form shows why it cannot be built
        showEstimate();
        return;
    }
    m_key = work.key;
    m_teacherOnce = work.teacherOnce;
    if (m_measured.contains(m_key)) {
        m_probe = m_measured.value(m_key);
        showEstimate();
        return;
    }
    m_measuring = m_key;
    m_stopProbe = std::make_shared<std::atomic<bool>>(false);
    auto stop = m_stopProbe;
    const QString key = m_key;
    m_future = runInBackground(
        this, [measure = work.measure, stop] { return measure(stop.get()); },
        [this, key](TaskResult<train::SpeedProbe> r) {
            m_measuring.clear();
            if (r.ok() && r.value->trainImagesPerSecond > 0)
                m_measured.insert(key, *r.value);
            if (key != m_key) { // the settings changed meanwhile
                settingsChanged();
                return;
            }
            m_probe = r.ok() ? *r.value : train::SpeedProbe{};
            showEstimate();
        },
        &probePool());
    showEstimate();
}

void RunSetup::showEstimate()
{
    const QString text = estimateText();
    if (text == m_estimate->text())
        return;
    m_estimate->setText(text);
    Q_EMIT estimateChanged();
}

QString RunSetup::estimateText() const
{
    const QLocale locale;
    const int64_t all = m_state.data ? m_state.data->train.size() : 0;
    const int64_t n = trainImages() > 0 ? std::min(trainImages(), all) : all;
    const int epochs = m_epochs ? m_epochs() : 1;
    if (!m_state.data)
        return {};
    QString text = n == all ? tr("%1 images × %2").arg(locale.toString(qlonglong(n)),
                                                       epochCount(epochs))
                            : tr("%1 of %2 images × %3")
                                  .arg(locale.toString(qlonglong(n)),
                                       locale.toString(qlonglong(all)), epochCount(epochs));
    if (!m_makeProbe || !probeEnabled() || m_key.isEmpty())
        return text;
    if (m_measured.contains(m_key)) {
        const auto p = m_measured.value(m_key);
        const int64_t test = m_quickTest ? std::min<int64_t>(kQuickTestImages,
                                                             m_state.data->test.size())
                                         : m_state.data->test.size();
        const double seconds = p.estimateSeconds(epochs, n, test, m_teacherOnce);
        text += tr(": about %1 on this machine (%2 images/s measured)")
                    .arg(seconds < 1.0 ? tr("a second") : formatDuration(seconds))
                    .arg(locale.toString(qlonglong(p.trainImagesPerSecond)));
    } else if (m_measuring == m_key) {
        text += tr(": measuring this machine's speed…");
    } else if (m_runner.isRunning()) {
        text += tr(": the time is estimated when no job runs");
    }
    return text;
}

} // namespace tleg::gui
