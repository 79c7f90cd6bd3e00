#include "widgets/pages/data_page.h"

#include "data/open_dataset.h"
#include "util/error.h"
#include "util/files.h"
#include "widgets/plots/plot_export.h"
#include "widgets/widgets_data/sample_grid.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <cstring>
#include <filesystem>

namespace tleg::gui {

/// Written by the loading thread, read on the GUI thread after it has finished.
struct DataPage::LoadOutcome {
    std::shared_ptr<data::DataSplit> split;
    QString error;
    QString note;
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

/// train/<class>/<image> with test/ (or val/), or a single <class>/<image> tree of which a
/// seeded 20% becomes the test split.
data::DataSplit readImageFolder(const std::string& dir, int64_t size, bool grey, QString& note)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw fileError(dir, "folder not found");
    data::DataSplit split;
    if (fs::is_directory(joinPath(dir, "train"), ec)) {
        split.train = data::loadImageFolder(joinPath(dir, "train"), size, grey);
        const std::string test = fs::is_directory(joinPath(dir, "test"), ec) ? joinPath(dir, "test")
                                                                             : joinPath(dir, "val");
        split.test = data::loadImageFolder(test, size, grey);
        if (split.test.classNames != split.train.classNames)
            throw fileError(test, "class folders differ from those of the train folder");
    } else {
        std::tie(split.train, split.test) =
            data::splitTrainVal(data::loadImageFolder(dir, size, grey), 0.2, 0);
        note = QCoreApplication::translate("tleg::gui::DataPage",
                                           "There is no train/ folder: 20% of the images (seeded) "
                                           "are the test split.");
    }
    return split;
}

QString displayName(const data::Dataset& d)
{
    QString name = QString::fromStdString(d.name);
    if (name.endsWith(QLatin1String("/train")))
        name.chop(6);
    return name;
}

QString className(const data::Dataset& d, int64_t c)
{
    return c < static_cast<int64_t>(d.classNames.size())
               ? QString::fromStdString(d.classNames[static_cast<size_t>(c)])
               : QString::number(c);
}

} // namespace

DataPage::DataPage(AppState& state, QWidget* parent) : QWidget(parent), m_state(state)
{
    auto* layout = new QVBoxLayout(this);

    auto* buttons = new QHBoxLayout;
    m_fashion = new QPushButton(tr("Fashion-MNIST"), this);
    m_fashion->setObjectName("dataFashionMnist");
    m_fashion->setToolTip(tr("The built-in Fashion-MNIST (60000 train / 10000 test images)"));
    m_idx = new QPushButton(tr("Open IDX folder…"), this);
    m_idx->setObjectName("dataOpenIdx");
    m_idx->setToolTip(tr("A folder with {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] "
                         "(MNIST family)"));
    m_cifar = new QPushButton(tr("Open CIFAR-10 folder…"), this);
    m_cifar->setObjectName("dataOpenCifar");
    m_cifar->setToolTip(tr("A folder with data_batch_1.bin … data_batch_5.bin and test_batch.bin"));
    m_imageFolder = new QPushButton(tr("Open image folder…"), this);
    m_imageFolder->setObjectName("dataOpenImageFolder");
    m_imageFolder->setToolTip(tr("train/<class>/<image> and test/<class>/<image>, or one "
                                 "<class>/<image> tree"));
    m_imageSize = new QSpinBox(this);
    m_imageSize->setObjectName("dataImageSize");
    m_imageSize->setRange(8, 512);
    m_imageSize->setValue(32);
    m_imageSize->setSuffix(tr(" px"));
    m_imageSize->setToolTip(tr("Image folders are resized to this size"));
    m_grey = new QCheckBox(tr("Grey"), this);
    m_grey->setObjectName("dataGrey");
    m_grey->setToolTip(tr("Read image folders as one grey channel"));
    buttons->addWidget(m_fashion);
    buttons->addWidget(m_idx);
    buttons->addWidget(m_cifar);
    buttons->addWidget(m_imageFolder);
    buttons->addWidget(m_imageSize);
    buttons->addWidget(m_grey);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    m_status = new QLabel(this);
    m_status->setObjectName("dataStatus");
    m_status->setVisible(false);
    layout->addWidget(m_status);
    m_error = new QLabel(this);
    m_error->setObjectName("dataError");
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->setVisible(false);
    layout->addWidget(m_error);

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
    m_table->setHorizontalHeaderLabels({tr("#"), tr("Class"), tr("Train"), tr("Test")});
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
    m_histogram->setMinimumHeight(180);
    m_histogram->yAxis->setLabel(tr("images"));
    // The legend in a row of its own above the bars, so that it never hides one.
    m_histogram->legend->setVisible(true);
    m_histogram->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_histogram->plotLayout()->insertRow(0);
    m_histogram->plotLayout()->addElement(0, 0, m_histogram->legend);
    m_histogram->plotLayout()->setRowStretchFactor(0, 0.001);
    m_histogram->legend->setMargins(QMargins(4, 2, 4, 2));
    m_histogram->legend->setBorderPen(Qt::NoPen); // it spans the width: a frame would look empty
    auto* group = new QCPBarsGroup(m_histogram);
    auto* trainBars = new QCPBars(m_histogram->xAxis, m_histogram->yAxis);
    trainBars->setName(tr("train"));
    trainBars->setPen(QPen(QColor(31, 119, 180)));
    trainBars->setBrush(QColor(31, 119, 180, 160));
    auto* testBars = new QCPBars(m_histogram->xAxis, m_histogram->yAxis);
    testBars->setName(tr("test"));
    testBars->setPen(QPen(QColor(255, 127, 14)));
    testBars->setBrush(QColor(255, 127, 14, 160));
    for (auto* bars : {trainBars, testBars}) {
        bars->setWidth(0.4);
        bars->setBarsGroup(group);
    }
    installPlotExport(m_histogram, [this] { return histogramCsv(); });
    right->addWidget(m_gridArea);
    right->addWidget(m_histogram);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);

    using F = Format;
    connect(m_fashion, &QPushButton::clicked, this, [this] { openFolder(F::FashionMnist, {}); });
    connect(m_idx, &QPushButton::clicked, this, [this] { chooseAndOpen(F::Idx); });
    connect(m_cifar, &QPushButton::clicked, this, [this] { chooseAndOpen(F::Cifar10); });
    connect(m_imageFolder, &QPushButton::clicked, this, [this] { chooseAndOpen(F::ImageFolder); });
    refresh();
}

DataPage::~DataPage()
{
    // A read cannot be interrupted; it ends on its own (seconds at most) and must not outlive us.
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
}

bool DataPage::isLoading() const
{
    return m_thread != nullptr;
}

void DataPage::chooseAndOpen(Format format)
{
    QString dir;
    if (m_chooser) {
        dir = m_chooser(format);
    } else {
        const QString title = format == Format::Idx       ? tr("Open an IDX dataset folder")
                              : format == Format::Cifar10 ? tr("Open a CIFAR-10 binary folder")
                                                          : tr("Open an image folder");
        dir = QFileDialog::getExistingDirectory(this, title);
    }
    if (!dir.isEmpty())
        openFolder(format, dir);
}

bool DataPage::openFolder(Format format, const QString& dir)
{
    if (m_thread)
        return false;
    auto outcome = std::make_shared<LoadOutcome>();
    const std::string path = QDir::cleanPath(dir).toStdString();
    const QString name = QFileInfo(QDir::cleanPath(dir)).fileName();
    const int64_t size = m_imageSize->value();
    const bool grey = m_grey->isChecked();
    m_outcome = outcome;
    m_thread = QThread::create([outcome, format, path, name, size, grey] {
        QElapsedTimer timer;
        timer.start();
        try {
            auto split = std::make_shared<data::DataSplit>();
            switch (format) {
            case Format::FashionMnist:
                *split = data::loadFashionMnist();
                break;
            case Format::Idx:
                *split = data::loadFashionMnist(path);
                break;
            case Format::Cifar10:
                *split = data::loadCifar(path, 10);
                break;
            case Format::ImageFolder:
                *split = readImageFolder(path, size, grey, outcome->note);
                split->train.name = name.toStdString() + "/train";
                split->test.name = name.toStdString() + "/test";
                break;
            }
            if (split->train.size() == 0 || split->test.size() == 0)
                throw fileError(path, "the train or the test split has no images");
            outcome->split = std::move(split);
        } catch (const std::exception& e) { // tleg::Error, c10::Error, OpenCV's, std::bad_alloc
            outcome->error = QString::fromStdString(e.what());
        }
        outcome->seconds = static_cast<double>(timer.elapsed()) / 1000.0;
    });
    const QString shown = format == Format::FashionMnist ? tr("Fashion-MNIST") : dir;
    connect(m_thread, &QThread::finished, this, [this, shown] { onLoaded(shown); });
    m_error->setVisible(false);
    m_error->clear();
    m_status->setText(tr("Reading %1…").arg(shown));
    m_status->setVisible(true);
    m_thread->start();
    updateEnabled();
    return true;
}

void DataPage::onLoaded(const QString& dir)
{
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    const auto outcome = std::move(m_outcome);
    m_status->setVisible(false);
    updateEnabled();
    if (!outcome->error.isEmpty()) {
        showError(tr("Cannot open %1: %2").arg(dir, outcome->error));
        return;
    }
    m_state.data = outcome->split;
    refresh();
    if (!outcome->note.isEmpty()) {
        m_status->setText(outcome->note);
        m_status->setVisible(true);
    }
    const auto& d = *m_state.data;
    Q_EMIT logged(tr("data: %1, %2 train / %3 test images, %4 classes (read in %5 s)")
                      .arg(displayName(d.train))
                      .arg(d.train.size())
                      .arg(d.test.size())
                      .arg(d.train.numClasses)
                      .arg(outcome->seconds, 0, 'f', 1));
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
    return m_error->isVisible() ? m_error->text() : QString();
}

QString DataPage::summaryText() const
{
    return m_summary->text();
}

void DataPage::updateEnabled()
{
    const bool idle = m_thread == nullptr;
    for (QWidget* w : std::initializer_list<QWidget*>{m_fashion, m_idx, m_cifar, m_imageFolder,
                                                      m_imageSize, m_grey})
        w->setEnabled(idle);
}

void DataPage::refresh()
{
    updateSummary();
    updateTable();
    updateSamples();
    updateHistogram();
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
    m_summary->setText(tr("%1\nImages: %2×%3 pixels, %4 channel(s)\nClasses: %5\n"
                          "Split: %6 train images, %7 test images\n%8")
                           .arg(displayName(train))
                           .arg(train.width())
                           .arg(train.height())
                           .arg(train.channels())
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

void DataPage::updateHistogram()
{
    auto* trainBars = static_cast<QCPBars*>(m_histogram->plottable(0));
    auto* testBars = static_cast<QCPBars*>(m_histogram->plottable(1));
    if (!m_state.data) {
        trainBars->data()->clear();
        testBars->data()->clear();
        m_histogram->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const auto& train = m_state.data->train;
    const torch::Tensor trainCounts = train.classCounts().to(torch::kDouble);
    const torch::Tensor testCounts = m_state.data->test.classCounts().to(torch::kDouble);
    QVector<double> keys, trainValues, testValues;
    double top = 1;
    for (int64_t c = 0; c < train.numClasses; ++c) {
        keys << static_cast<double>(c);
        trainValues << trainCounts[c].item<double>();
        testValues << (c < testCounts.size(0) ? testCounts[c].item<double>() : 0.0);
        top = std::max({top, trainValues.back(), testValues.back()});
    }
    trainBars->setData(keys, trainValues, true);
    testBars->setData(keys, testValues, true);
    if (train.numClasses <= 20) {
        QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
        for (int64_t c = 0; c < train.numClasses; ++c)
            ticker->addTick(static_cast<double>(c), className(train, c));
        m_histogram->xAxis->setTicker(ticker);
        m_histogram->xAxis->setTickLabelRotation(train.numClasses > 5 ? 35 : 0);
    } else {
        QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        m_histogram->xAxis->setTicker(ticker);
        m_histogram->xAxis->setTickLabelRotation(0);
    }
    m_histogram->xAxis->setRange(-0.6, static_cast<double>(train.numClasses) - 0.4);
    m_histogram->yAxis->setRange(0, top * 1.08);
    m_histogram->replot(QCustomPlot::rpQueuedReplot);
}

QString DataPage::histogramCsv() const
{
    QString csv = QStringLiteral("class,name,train,test\n");
    if (!m_state.data)
        return csv;
    const auto& train = m_state.data->train;
    const auto* trainBars = static_cast<QCPBars*>(m_histogram->plottable(0));
    const auto* testBars = static_cast<QCPBars*>(m_histogram->plottable(1));
    for (int i = 0; i < trainBars->data()->size(); ++i) {
        const auto c = static_cast<int64_t>(trainBars->data()->at(i)->key);
        QString name = className(train, c);
        name.replace('"', QStringLiteral("\"\""));
        csv += QStringLiteral("%1,\"%2\",%3,%4\n")
                   .arg(c)
                   .arg(name)
                   .arg(trainBars->data()->at(i)->value)
                   .arg(testBars->data()->at(i)->value);
    }
    return csv;
}

} // namespace tleg::gui
