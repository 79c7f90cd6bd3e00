#include "widgets/pages/data_page.h"

#include "util/error.h"
#include "widgets/background_task.h"
#include "widgets/plots/plot_export.h"
#include "widgets/plots/qcustomplot_include.h"
#include "widgets/text_format.h"
#include "widgets/widgets_data/class_histogram.h"
#include "widgets/widgets_data/sample_grid.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <atomic>
#include <cstring>

namespace tleg::gui {

/// An image folder's decode as the reading thread reports it; done < 0 until it starts.
struct DataPage::Decode {
    std::atomic<int64_t> done{-1}, total{0};
    std::atomic<bool> stop{false}; // the page is going: the decode ends at its next report
};

/// A dataset read in the background, and how long that took.
struct DataPage::Loaded {
    std::shared_ptr<const data::DataSplit> split;
    double seconds = 0;
};

namespace {

/// One uint8 image [C, H, W] as a QImage (grey for one channel, RGB from the first three).
QImage toImage(const torch::Tensor& chw)
{
    const int h = static_cast<int>(chw.size(1));
    const int w = static_cast<int>(chw.size(2));
    const bool rgb = chw.size(0) >= 3;
    const torch::Tensor hwc =
        rgb ? chw.narrow(0, 0, 3).permute({1, 2, 0}).contiguous() : chw.select(0, 0).contiguous();
    QImage img(w, h, rgb ? QImage::Format_RGB888 : QImage::Format_Grayscale8);
    const auto* src = hwc.data_ptr<uint8_t>();
    const int rowBytes = w * (rgb ? 3 : 1);
    for (int y = 0; y < h; ++y)
        std::memcpy(img.scanLine(y), src + static_cast<ptrdiff_t>(y) * rowBytes,
                    static_cast<size_t>(rowBytes));
    return img;
}

} // namespace

DataPage::DataPage(AppState& state, QWidget* parent) : QWidget(parent), m_state(state)
{
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buildButtons());
    m_status = new QLabel(this);
    m_status->setObjectName("dataStatus");
    m_status->setWordWrap(true);
    m_status->setVisible(false);
    layout->addWidget(m_status);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName("dataProgress");
    m_progress->setVisible(false);
    layout->addWidget(m_progress);
    m_decodeTimer.setInterval(100);
    connect(&m_decodeTimer, &QTimer::timeout, this, &DataPage::showDecodeProgress);
    m_error = new QLabel(this);
    m_error->setObjectName("dataError");
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->setVisible(false);
    layout->addWidget(m_error);
    layout->addWidget(buildBody(), 1);

    connect(m_fashion, &QPushButton::clicked, this, &DataPage::openFashionMnist);
    const std::pair<QPushButton*, data::Format> folders[] = {
        {m_idx, data::Format::Idx},
        {m_cifar, data::Format::Cifar10},
        {m_cifar100, data::Format::Cifar100},
        {m_imageFolder, data::Format::ImageFolder}};
    for (const auto& [button, format] : folders)
        connect(button, &QPushButton::clicked, this, [this, f = format] { chooseAndOpen(f); });
    refresh();
}

QLayout* DataPage::buildButtons()
{
    auto* buttons = new QHBoxLayout;
    m_fashion = new QPushButton(this);
    m_fashion->setObjectName("dataFashionMnist");
    m_idx = new QPushButton(this);
    m_idx->setObjectName("dataOpenIdx");
    m_cifar = new QPushButton(this);
    m_cifar->setObjectName("dataOpenCifar");
    m_cifar100 = new QPushButton(this);
    m_cifar100->setObjectName("dataOpenCifar100");
    m_imageFolder = new QPushButton(this);
    m_imageFolder->setObjectName("dataOpenImageFolder");
    m_imageSize = new QSpinBox(this);
    m_imageSize->setObjectName("dataImageSize");
    m_imageSize->setRange(8, 512);
    m_imageSize->setValue(32);
    m_grey = new QCheckBox(this);
    m_grey->setObjectName("dataGrey");
    m_texts.set([this] {
        m_fashion->setText(tr("Fashion-MNIST"));
        m_fashion->setToolTip(tr("The built-in Fashion-MNIST (60000 train / 10000 test images)"));
        m_idx->setText(tr("Open IDX folder…"));
        m_idx->setToolTip(tr("A folder with {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] "
                             "(MNIST family)"));
        m_cifar->setText(tr("Open CIFAR-10 folder…"));
        m_cifar->setToolTip(
            tr("A folder with data_batch_1.bin … data_batch_5.bin and test_batch.bin"));
        m_cifar100->setText(tr("Open CIFAR-100 folder…"));
        m_cifar100->setToolTip(
            tr("A folder with train.bin and test.bin (the fine labels are used)"));
        m_imageFolder->setText(tr("Open image folder…"));
        m_imageFolder->setToolTip(tr("train/<class>/<image> and test/<class>/<image>, or one "
                                     "<class>/<image> tree"));
        m_imageSize->setSuffix(tr(" px"));
        m_imageSize->setToolTip(tr("Image folders are resized to this size"));
        m_grey->setText(tr("Grey"));
        m_grey->setToolTip(tr("Read image folders as one grey channel"));
    });
    for (QWidget* w : std::initializer_list<QWidget*>{m_fashion, m_idx, m_cifar, m_cifar100,
                                                      m_imageFolder, m_imageSize, m_grey})
        buttons->addWidget(w);
    buttons->addStretch(1);
    return buttons;
}

void DataPage::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) {
        m_texts.retranslate();
        translateClassHistogram(m_histogram);
        updateSummary();
        if (!m_loading && !m_note.empty()) // a core sentence in the context "Data"
            m_status->setText(QCoreApplication::translate("Data", m_note.c_str()));
    }
    QWidget::changeEvent(event);
}

QWidget* DataPage::buildBody()
{
    auto* split = new QSplitter(Qt::Horizontal, this);
    auto* left = new QWidget(split);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    m_summary = new QLabel(left);
    m_summary->setObjectName("dataSummary");
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_table = new QTableWidget(left);
    m_table->setObjectName("dataClassTable");
    m_table->setColumnCount(4);
    m_texts.set([this] {
        m_table->setHorizontalHeaderLabels({tr("#"), tr("Class"), tr("Train"), tr("Test")});
    });
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    leftLayout->addWidget(m_summary);
    leftLayout->addWidget(m_table, 1);

    auto* right = new QSplitter(Qt::Vertical, split);
    m_gridArea = new QScrollArea(right);
    m_gridArea->setObjectName("dataSamplesArea");
    m_grid = new SampleGrid;
    m_grid->setObjectName("dataSamples");
    m_gridArea->setWidget(m_grid);
    m_gridArea->setWidgetResizable(false);
    m_gridArea->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_histogram = new QCustomPlot(right);
    m_histogram->setObjectName("dataHistogram");
    setupClassHistogram(m_histogram);
    installPlotExport(m_histogram, [this] { return histogramCsv(); });
    right->addWidget(m_gridArea);
    right->addWidget(m_histogram);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    return split;
}

DataPage::~DataPage()
{
    // One not started yet is dropped; a running decode stops at its next report, another read
    // ends soon.
    if (m_decode)
        m_decode->stop = true;
    m_read.cancel();
    m_read.waitForFinished();
}

void DataPage::chooseAndOpen(data::Format format)
{
    QString dir;
    if (m_chooser) {
        dir = m_chooser(format);
    } else {
        const QString title =
            format == data::Format::Idx        ? tr("Open an IDX dataset folder")
            : format == data::Format::Cifar10  ? tr("Open a CIFAR-10 binary folder")
            : format == data::Format::Cifar100 ? tr("Open a CIFAR-100 binary folder")
                                               : tr("Open an image folder");
        dir = QFileDialog::getExistingDirectory(this, title);
    }
    if (!dir.isEmpty())
        openFolder(format, dir);
}

bool DataPage::openFolder(data::Format format, const QString& dir)
{
    workflow::DataSpec spec;
    spec.source = QDir::cleanPath(dir).toStdString();
    spec.options.format = format;
    if (format == data::Format::ImageFolder) {
        spec.options.imageSize = m_imageSize->value();
        spec.options.grey = m_grey->isChecked();
    }
    return openDataset(spec);
}

bool DataPage::openFashionMnist()
{
    return openDataset(workflow::DataSpec{}); // "fashion-mnist", as the CLI's default
}

bool DataPage::openDataset(const workflow::DataSpec& spec)
{
    if (m_loading)
        return false;
    const QString shown =
        spec.source == "fashion-mnist" ? tr("Fashion-MNIST") : QString::fromStdString(spec.source);
    auto decode = std::make_shared<Decode>();
    workflow::DataSpec reading = spec; // the spec kept for the jobs has no callback
    reading.options.progress = [decode](int64_t done, int64_t total) {
        decode->total = total;
        decode->done = done;
        return !decode->stop.load();
    };
    auto read = [reading] {
        QElapsedTimer timer;
        timer.start();
        auto split = std::make_shared<const data::DataSplit>(workflow::openData(reading));
        if (split->train.size() == 0 || split->test.size() == 0)
            throw fileError(reading.source,
                            tr("the train or the test split has no images").toStdString());
        if (split->train.numClasses < 2) // nothing to tell apart: no classifier can learn
            throw fileError(
                reading.source,
                tr("holds one class only; a classifier needs at least two").toStdString());
        return Loaded{std::move(split), static_cast<double>(timer.elapsed()) / 1000.0};
    };
    m_loading = true;
    m_decode = decode;
    m_shownDone = m_shownTotal = -1;
    m_decodeTimer.start();
    m_read = runInBackground(this, read, [this, spec, shown](TaskResult<Loaded> r) {
        showDecodeProgress(); // the last report, N of N
        m_decodeTimer.stop();
        m_progress->setVisible(false);
        m_loading = false;
        m_status->setVisible(false);
        updateEnabled();
        if (r.ok())
            onLoaded(spec, shown, *r.value);
        else
            showError(
                tr("Cannot open %1: %2")
                    .arg(shown, withoutPathPrefix(r.error, QString::fromStdString(spec.source))));
        Q_EMIT loadingChanged(false);
    });
    m_error->setVisible(false);
    m_error->clear();
    m_status->setText(tr("Reading %1…").arg(shown));
    m_status->setVisible(true);
    updateEnabled();
    Q_EMIT loadingChanged(true);
    return true;
}

void DataPage::showDecodeProgress()
{
    if (!m_decode)
        return;
    const qint64 done = m_decode->done.load();
    const qint64 total = m_decode->total.load();
    if (done < 0 || (done == m_shownDone && total == m_shownTotal))
        return;
    m_shownDone = done;
    m_shownTotal = total;
    m_progress->setRange(0, static_cast<int>(std::max<qint64>(total, 1)));
    m_progress->setValue(static_cast<int>(done));
    m_progress->setFormat(tr("Decoding images: %1 of %2").arg(done).arg(total));
    m_progress->setVisible(true);
    Q_EMIT decodeProgress(done, total);
}

void DataPage::onLoaded(const workflow::DataSpec& spec, const QString& shown, const Loaded& loaded)
{
    m_state.data = loaded.split;
    m_state.dataSpec = spec;
    refresh();
    const auto& d = *m_state.data;
    m_note = d.note;
    if (!d.note.empty()) { // a core sentence marked with TLEG_TRANSLATABLE("Data", ...)
        m_status->setText(QCoreApplication::translate("Data", d.note.c_str()));
        m_status->setVisible(true);
    }
    Q_EMIT logged(tr("data: %1, %2 train / %3 test images, %4 classes (read in %5 s)")
                      .arg(datasetName(d.train.name))
                      .arg(d.train.size())
                      .arg(d.test.size())
                      .arg(d.train.numClasses)
                      .arg(formatNumber(loaded.seconds, 1)));
    Q_EMIT dataChanged();
}

void DataPage::showError(const QString& message)
{
    m_error->setText(message);
    m_error->setVisible(true);
    Q_EMIT logged(message);
}

QString DataPage::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text(); // also on a page not shown
}

QString DataPage::summaryText() const
{
    return m_summary->text();
}

QString DataPage::noteText() const
{
    return m_status->isVisible() && !m_loading ? m_status->text() : QString();
}

void DataPage::updateEnabled()
{
    for (QWidget* w : std::initializer_list<QWidget*>{m_fashion, m_idx, m_cifar, m_cifar100,
                                                      m_imageFolder, m_imageSize, m_grey})
        w->setEnabled(!m_loading);
}

void DataPage::refresh()
{
    updateSummary();
    updateTable();
    updateSamples();
    showClassCounts(m_histogram, m_state.data.get());
}

void DataPage::updateSummary()
{
    if (!m_state.data) {
        m_summary->setText(tr("No dataset is open."));
        return;
    }
    const auto& train = m_state.data->train;
    const auto& test = m_state.data->test;
    QStringList names;
    for (int64_t c = 0; c < train.numClasses; ++c)
        names << className(train, c);
    const auto channels = static_cast<int>(train.channels());
    m_summary->setText(withPlural(tr("%1\nImages: %2×%3 pixels, %n channel(s)\nClasses: %4\n"
                                     "Split: %5 train images, %6 test images\n%7",
                                     nullptr, channels),
                                  channels)
                           .arg(datasetName(train.name))
                           .arg(train.width())
                           .arg(train.height())
                           .arg(train.numClasses)
                           .arg(train.size())
                           .arg(test.size())
                           .arg(names.join(QStringLiteral(", "))));
}

void DataPage::updateTable()
{
    if (!m_state.data) {
        m_table->setRowCount(0);
        return;
    }
    const auto& train = m_state.data->train;
    const torch::Tensor trainCounts = train.classCounts();
    const torch::Tensor testCounts = m_state.data->test.classCounts();
    const int64_t k = train.numClasses;
    m_table->setRowCount(static_cast<int>(k));
    for (int64_t c = 0; c < k; ++c) {
        const int row = static_cast<int>(c);
        const int64_t test = c < testCounts.size(0) ? testCounts[c].item<int64_t>() : 0;
        const QStringList cells = {QString::number(c), className(train, c),
                                   QString::number(trainCounts[c].item<int64_t>()),
                                   QString::number(test)};
        for (int col = 0; col < cells.size(); ++col) {
            auto* item = new QTableWidgetItem(cells[col]);
            if (col != 1)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(row, col, item);
        }
    }
}

void DataPage::updateSamples()
{
    m_sampleIndices.clear();
    std::vector<SampleGrid::Row> rows;
    if (m_state.data) {
        const auto& train = m_state.data->train;
        const int64_t k = train.numClasses;
        m_sampleIndices.assign(static_cast<size_t>(k), {});
        // The first images of every class, in file order: the same grid every time.
        const auto labels = train.labels.accessor<int64_t, 1>();
        int64_t full = 0;
        for (int64_t i = 0; i < labels.size(0) && full < k; ++i) {
            const int64_t c = labels[i];
            if (c < 0 || c >= k)
                continue;
            auto& row = m_sampleIndices[static_cast<size_t>(c)];
            if (static_cast<int>(row.size()) < kSamplesPerClass) {
                row.push_back(i);
                if (static_cast<int>(row.size()) == kSamplesPerClass)
                    ++full;
            }
        }
        for (int64_t c = 0; c < k; ++c) {
            SampleGrid::Row row;
            row.label = QStringLiteral("%1 %2").arg(c).arg(className(train, c));
            for (int64_t i : m_sampleIndices[static_cast<size_t>(c)])
                row.images.push_back(toImage(train.images[i]));
            rows.push_back(std::move(row));
        }
    }
    m_grid->setRows(std::move(rows), kSamplesPerClass);
}

QString DataPage::histogramCsv() const
{
    return classHistogramCsv(m_histogram, m_state.data.get());
}

} // namespace tleg::gui
