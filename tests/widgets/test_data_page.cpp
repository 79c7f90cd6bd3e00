// The Data page in a real window (offscreen) with real data, read in the background: it shows
// the dataset it is given at once (summary, class table, histogram, sample grid taken from the
// data), opens IDX, CIFAR-100 and image folders written here through data::openDataset with the
// button's format (and records that as the open data's spec), says how a flat image folder was
// split, and keeps the old data when a folder is bad or of another format.
#include <torch/torch.h>

#include "bad_files.h"
#include "data/dataset.h"
#include "data/open_dataset.h"
#include "widgets/pages/data_page.h"
#include "widgets/widgets_data/sample_grid.h"
#include "workflow/specs.h"

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <map>

using namespace tleg;

namespace {

void writeBigEndian(std::ofstream& out, uint32_t v)
{
    const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                       static_cast<char>(v >> 8), static_cast<char>(v)};
    out.write(b, 4);
}

/// Raw (not gzipped) IDX files: n images of size×size whose pixel (y, x) of image i is
/// (i * 31 + y * size + x) % 256, labels i % classes.
void writeIdx(const QString& dir, const QString& prefix, int n, int size, int classes)
{
    std::ofstream images(QDir(dir).filePath(prefix + "-images-idx3-ubyte").toStdString(),
                         std::ios::binary);
    writeBigEndian(images, 0x803);
    writeBigEndian(images, static_cast<uint32_t>(n));
    writeBigEndian(images, static_cast<uint32_t>(size));
    writeBigEndian(images, static_cast<uint32_t>(size));
    for (int i = 0; i < n; ++i)
        for (int p = 0; p < size * size; ++p)
            images.put(static_cast<char>((i * 31 + p) % 256));
    std::ofstream labels(QDir(dir).filePath(prefix + "-labels-idx1-ubyte").toStdString(),
                         std::ios::binary);
    writeBigEndian(labels, 0x801);
    writeBigEndian(labels, static_cast<uint32_t>(n));
    for (int i = 0; i < n; ++i)
        labels.put(static_cast<char>(i % classes));
}

int64_t countOf(const torch::Tensor& counts, int64_t c)
{
    return counts[c].item<int64_t>();
}

} // namespace

class TestDataPage : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    gui::AppState m_state;
    std::unique_ptr<gui::DataPage> m_page;
    QString m_chosen; // what the folder chooser answers

    /// Clicks button (the chooser answers dir) and waits until the read has ended.
    void clickAndWait(QPushButton* button, const QString& dir)
    {
        m_chosen = dir;
        QTest::mouseClick(button, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_page->isLoading(), 30000);
    }

    /// Every cell of the grid is the first images of its class, pixel for pixel.
    void checkSampleGrid(const gui::DataPage& page, const data::Dataset& train)
    {
        const auto& rows = page.sampleIndices();
        QCOMPARE(static_cast<int64_t>(rows.size()), train.numClasses);
        QCOMPARE(static_cast<int64_t>(page.sampleGrid()->rowCount()), train.numClasses);
        for (int64_t c = 0; c < train.numClasses; ++c) {
            const auto expected = (train.labels == c).nonzero().squeeze(1);
            const int64_t n = std::min<int64_t>(gui::DataPage::kSamplesPerClass, expected.size(0));
            const auto& row = rows[static_cast<size_t>(c)];
            QCOMPARE(static_cast<int64_t>(row.size()), n);
            const auto& gridRow = page.sampleGrid()->row(static_cast<int>(c));
            QCOMPARE(static_cast<int64_t>(gridRow.images.size()), n);
            QVERIFY(gridRow.label.contains(QString::fromStdString(train.classNames[c])));
            for (int64_t k = 0; k < n; ++k) {
                const int64_t i = row[static_cast<size_t>(k)];
                QCOMPARE(i, expected[k].item<int64_t>());
                QCOMPARE(train.labels[i].item<int64_t>(), c);
                const QImage& img = gridRow.images[static_cast<size_t>(k)];
                QCOMPARE(static_cast<int64_t>(img.height()), train.height());
                QCOMPARE(static_cast<int64_t>(img.width()), train.width());
                const auto pixels = train.images[i]; // [C, H, W]
                for (auto [y, x] : {std::pair{0, 0}, std::pair{img.height() / 2, img.width() / 3},
                                    std::pair{img.height() - 1, img.width() - 1}}) {
                    const QRgb rgb = img.pixel(x, y);
                    QCOMPARE(qRed(rgb), pixels[0][y][x].item<int>());
                    if (train.channels() == 3) {
                        QCOMPARE(qGreen(rgb), pixels[1][y][x].item<int>());
                        QCOMPARE(qBlue(rgb), pixels[2][y][x].item<int>());
                    }
                }
            }
        }
    }

    /// Table and histogram (its bars, as the CSV export writes them) hold the class counts.
    void checkCounts(const gui::DataPage& page, const data::DataSplit& d)
    {
        const auto train = d.train.classCounts();
        const auto test = d.test.classCounts();
        auto* table = page.classTable();
        QCOMPARE(static_cast<int64_t>(table->rowCount()), d.train.numClasses);
        const QStringList csv = page.histogramCsv().split('\n', Qt::SkipEmptyParts);
        QCOMPARE(csv.size() - 1, static_cast<int>(d.train.numClasses));
        for (int64_t c = 0; c < d.train.numClasses; ++c) {
            const int row = static_cast<int>(c);
            const QString name = QString::fromStdString(d.train.classNames[c]);
            QCOMPARE(table->item(row, 1)->text(), name);
            QCOMPARE(table->item(row, 2)->text().toLongLong(), countOf(train, c));
            QCOMPARE(table->item(row, 3)->text().toLongLong(), countOf(test, c));
            QCOMPARE(csv[row + 1], QString("%1,\"%2\",%3,%4")
                                       .arg(c)
                                       .arg(name)
                                       .arg(countOf(train, c))
                                       .arg(countOf(test, c)));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QApplication::setStyle("Fusion");
        m_state.data = std::make_shared<data::DataSplit>(data::loadFashionMnist());
        m_page = std::make_unique<gui::DataPage>(m_state);
        m_page->setFolderChooser([this](data::Format) { return m_chosen; });
        m_page->resize(930, 490); // the page area of the 1100×760 main window
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    }

    void showsFashionMnistAtOnce()
    {
        const auto& d = *m_state.data;
        QCOMPARE(d.train.numClasses, int64_t(10));
        const QString summary = m_page->summaryText();
        QVERIFY2(summary.startsWith("fashion-mnist\n"), qPrintable(summary));
        QVERIFY(summary.contains("28×28 pixels, 1 channel\n"));
        QVERIFY(summary.contains("Classes: 10"));
        QVERIFY(summary.contains("60000 train images, 10000 test images"));
        QVERIFY(summary.contains("T-shirt/top, Trouser, Pullover"));
        QVERIFY(summary.contains("Ankle boot"));
        QCOMPARE(m_page->errorText(), QString());
        checkCounts(*m_page, d);
        for (int row = 0; row < 10; ++row) { // Fashion-MNIST is balanced
            QCOMPARE(m_page->classTable()->item(row, 2)->text(), QString("6000"));
            QCOMPARE(m_page->classTable()->item(row, 3)->text(), QString("1000"));
        }
        checkSampleGrid(*m_page, d.train);
        QCOMPARE(m_page->sampleGrid()->columnCount(), 8);
        const QString csv = m_page->histogramCsv();
        QVERIFY(csv.startsWith("class,name,train,test\n0,\"T-shirt/top\",6000,1000\n"));
        QCOMPARE(csv.count('\n'), 11);
        if (qEnvironmentVariableIsSet("TLEG_SCREENSHOT_DIR")) // for looking at it by hand
            m_page->grab().save(qEnvironmentVariable("TLEG_SCREENSHOT_DIR") + "/data-page.png");
    }

    void showsTheCountsOfTheStateItIsGiven()
    {
        // An unbalanced subset: the page must count, not assume 6000 / 1000.
        auto small = std::make_shared<data::DataSplit>();
        small->train = data::subset(m_state.data->train, 700, 3);
        small->test = data::subset(m_state.data->test, 150, 4);
        QVERIFY(small->train.classCounts().max().item<int64_t>()
                != small->train.classCounts().min().item<int64_t>());
        gui::AppState state;
        state.data = small;
        gui::DataPage page(state);
        QVERIFY(page.summaryText().contains("700 train images, 150 test images"));
        checkCounts(page, *small);
        checkSampleGrid(page, small->train);
    }

    void opensAnIdxFolderOnAWorker()
    {
        const QString dir = m_dir.filePath("digits");
        QVERIFY(QDir().mkpath(dir));
        writeIdx(dir, "train", 40, 12, 4);
        writeIdx(dir, "t10k", 9, 12, 4);
        const auto old = m_state.data;
        QSignalSpy changed(m_page.get(), &gui::DataPage::dataChanged);
        QSignalSpy logged(m_page.get(), &gui::DataPage::logged);
        m_chosen = dir;
        QTest::mouseClick(m_page->idxButton(), Qt::LeftButton);
        QVERIFY(m_page->isLoading());
        QVERIFY(!m_page->idxButton()->isEnabled());
        QVERIFY(changed.wait(30000));
        QCOMPARE(changed.count(), 1);
        QVERIFY(!m_page->isLoading());
        QVERIFY(m_page->idxButton()->isEnabled());
        QVERIFY(m_state.data != old);
        const auto& d = *m_state.data;
        QCOMPARE(d.train.size(), int64_t(40));
        QCOMPARE(d.test.size(), int64_t(9));
        QCOMPARE(d.train.height(), int64_t(12));
        QCOMPARE(d.train.numClasses, int64_t(10)); // the MNIST family has ten digit classes
        QVERIFY(m_page->summaryText().startsWith("mnist\n"));
        QVERIFY(m_page->summaryText().contains("12×12 pixels"));
        QVERIFY(m_page->summaryText().contains("40 train images, 9 test images"));
        QCOMPARE(m_page->errorText(), QString());
        checkCounts(*m_page, d);
        QCOMPARE(m_page->classTable()->item(0, 2)->text(), QString("10"));
        QCOMPARE(m_page->classTable()->item(9, 2)->text(), QString("0"));
        checkSampleGrid(*m_page, d.train);
        // Class 1 holds images 1, 5, 9, ...: the first pixel of image i is (i * 31) % 256.
        QCOMPARE(m_page->sampleIndices()[1], (std::vector<int64_t>{1, 5, 9, 13, 17, 21, 25, 29}));
        QCOMPARE(qRed(m_page->sampleGrid()->row(1).images[2].pixel(0, 0)), (9 * 31) % 256);
        QVERIFY(m_page->sampleIndices()[5].empty());
        QCOMPARE(logged.count(), 1);
        QVERIFY(logged.first().first().toString().contains("40 train / 9 test images"));
        // What every job's spec will record: this folder, read as IDX.
        QCOMPARE(QString::fromStdString(m_state.dataSpec.source), QDir::cleanPath(dir));
        QVERIFY(m_state.dataSpec.options.format == data::Format::Idx);
        QCOMPARE(m_page->noteText(), QString()); // IDX has its own split: nothing to say
    }

    void aBadFolderKeepsTheOldData()
    {
        const auto old = m_state.data;
        QSignalSpy changed(m_page.get(), &gui::DataPage::dataChanged);

        // IDX files whose magic number is wrong.
        const QString bad = m_dir.filePath("broken");
        QVERIFY(QDir().mkpath(bad));
        writeIdx(bad, "train", 4, 8, 2);
        writeIdx(bad, "t10k", 4, 8, 2);
        {
            std::ofstream f(QDir(bad).filePath("train-images-idx3-ubyte").toStdString(),
                            std::ios::binary | std::ios::in | std::ios::out);
            f.write("\x12\x34", 2);
        }
        clickAndWait(m_page->idxButton(), bad);
        QVERIFY2(m_page->errorText().contains("train-images-idx3-ubyte"),
                 qPrintable(m_page->errorText()));
        QVERIFY(m_page->errorText().contains("magic"));
        QVERIFY(m_page->findChild<QLabel*>("dataError")->isVisible());
        QVERIFY(m_page->findChild<QLabel*>("dataError")->styleSheet().contains("color"));

        // A folder that is not there, and a folder of another format than the button's.
        const auto spec = m_state.dataSpec;
        clickAndWait(m_page->cifarButton(), m_dir.filePath("missing"));
        QVERIFY(m_page->errorText().contains(m_dir.filePath("missing")));
        clickAndWait(m_page->cifarButton(), m_dir.filePath("digits"));
        QVERIFY2(m_page->errorText().contains(m_dir.filePath("digits"))
                     && m_page->errorText().contains("not cifar10"),
                 qPrintable(m_page->errorText()));
        clickAndWait(m_page->cifar100Button(), m_dir.filePath("digits"));
        QVERIFY2(m_page->errorText().contains("not cifar100"), qPrintable(m_page->errorText()));
        QCOMPARE(m_state.dataSpec.toJson(), spec.toJson()); // the spec stays with the data

        QCOMPARE(changed.count(), 0);
        QVERIFY(m_state.data == old);
        QVERIFY(m_page->summaryText().startsWith("mnist\n"));
        QVERIFY(m_page->idxButton()->isEnabled());
    }

    void opensAnImageFolderTree()
    {
        // root/<class>/<image> without train/: a seeded fifth becomes the test split.
        const QString root = m_dir.filePath("pets");
        const QStringList classes = {"cat", "dog"};
        for (int c = 0; c < classes.size(); ++c) {
            QVERIFY(QDir().mkpath(QDir(root).filePath(classes[c])));
            for (int i = 0; i < 5; ++i) {
                QImage img(20, 20, QImage::Format_RGB888);
                img.fill(QColor(c == 0 ? 200 : 10, 40 + i, c == 0 ? 10 : 220));
                QVERIFY(img.save(QDir(root).filePath(QString("%1/%2.png").arg(classes[c]).arg(i))));
            }
        }
        QSignalSpy changed(m_page.get(), &gui::DataPage::dataChanged);
        m_page->imageSizeBox()->setValue(16);
        clickAndWait(m_page->imageFolderButton(), root);
        QCOMPARE(m_page->errorText(), QString());
        QCOMPARE(changed.count(), 1);
        const auto& d = *m_state.data;
        QCOMPARE(d.train.size() + d.test.size(), int64_t(10));
        QCOMPARE(d.test.size(), int64_t(2));
        QCOMPARE(d.train.channels(), int64_t(3));
        QCOMPARE(d.train.height(), int64_t(16));
        QCOMPARE(d.train.classNames, (std::vector<std::string>{"cat", "dog"}));
        QVERIFY(m_page->summaryText().startsWith("pets\n"));
        QVERIFY(m_page->summaryText().contains("16×16 pixels, 3 channels\n"));
        checkCounts(*m_page, d);
        checkSampleGrid(*m_page, d.train);
        // Cats are red, dogs blue, in the grid as in the files.
        QVERIFY(qRed(m_page->sampleGrid()->row(0).images[0].pixel(8, 8)) > 150);
        QVERIFY(qBlue(m_page->sampleGrid()->row(1).images[0].pixel(8, 8)) > 150);
        // The core made the split; the page says so, and the spec records size and colour.
        QVERIFY2(m_page->noteText().contains("20%"), qPrintable(m_page->noteText()));
        QVERIFY(m_state.dataSpec.options.format == data::Format::ImageFolder);
        QCOMPARE(m_state.dataSpec.options.imageSize, int64_t(16));
        QVERIFY(!m_state.dataSpec.options.grey);
    }

    void opensACifar100Folder()
    {
        // CIFAR-100 binary: 1 coarse + 1 fine label byte, then 3×32×32 pixels; fine labels count.
        const QString dir = m_dir.filePath("cifar100");
        QVERIFY(QDir().mkpath(dir));
        for (const auto& [file, n] : {std::pair{"train.bin", 30}, std::pair{"test.bin", 10}}) {
            std::ofstream out(QDir(dir).filePath(file).toStdString(), std::ios::binary);
            for (int i = 0; i < n; ++i) {
                out.put(static_cast<char>(i % 20));  // coarse
                out.put(static_cast<char>(i % 100)); // fine
                for (int p = 0; p < 3 * 32 * 32; ++p)
                    out.put(static_cast<char>((i + p) % 256));
            }
        }
        QSignalSpy changed(m_page.get(), &gui::DataPage::dataChanged);
        clickAndWait(m_page->cifar100Button(), dir);
        QCOMPARE(m_page->errorText(), QString());
        QCOMPARE(changed.count(), 1);
        const auto& d = *m_state.data;
        QCOMPARE(d.train.size(), int64_t(30));
        QCOMPARE(d.test.size(), int64_t(10));
        QCOMPARE(d.train.numClasses, int64_t(100));
        QCOMPARE(d.train.channels(), int64_t(3));
        QCOMPARE(d.train.labels[7].item<int64_t>(), int64_t(7)); // the fine label
        QVERIFY(m_state.dataSpec.options.format == data::Format::Cifar100);
        QVERIFY(m_page->summaryText().contains("30 train images, 10 test images"));
        checkCounts(*m_page, d);
    }

    /// The hostile data folders of issue 13, each through its format's button: one line naming
    /// the folder, the read ends (a FIFO named like an image is never opened), the open data
    /// stays, and a good folder opens afterwards.
    void everyKindOfBadFolderIsOneLineAndThePageStaysUsable()
    {
        const std::map<data::Format, QPushButton*> buttons = {
            {data::Format::Idx, m_page->idxButton()},
            {data::Format::Cifar10, m_page->cifarButton()},
            {data::Format::Cifar100, m_page->cifar100Button()},
            {data::Format::ImageFolder, m_page->imageFolderButton()}};
        const auto old = m_state.data;
        QSignalSpy changed(m_page.get(), &gui::DataPage::dataChanged);
        for (const auto& bad : testing::badDataFolders(m_dir.filePath("hostile"))) {
            clickAndWait(buttons.at(bad.format), bad.path);
            const QString error = m_page->errorText();
            qInfo("%s: %s", qPrintable(bad.what), qPrintable(error));
            QVERIFY2(testing::isOneLineNaming(error, bad.path),
                     qPrintable(bad.what + ": " + error));
            QCOMPARE(changed.count(), 0);
            QVERIFY(m_state.data == old);
            QVERIFY(m_page->idxButton()->isEnabled());
        }
        const QString good = m_dir.filePath("good-digits");
        QVERIFY(QDir().mkpath(good));
        writeIdx(good, "train", 20, 8, 3);
        writeIdx(good, "t10k", 6, 8, 3);
        clickAndWait(m_page->idxButton(), good);
        QCOMPARE(m_page->errorText(), QString());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(m_state.data->train.size(), int64_t(20));
    }

    void theFashionMnistButtonGoesBack()
    {
        QSignalSpy changed(m_page.get(), &gui::DataPage::dataChanged);
        QTest::mouseClick(m_page->fashionMnistButton(), Qt::LeftButton);
        QVERIFY(!m_page->fashionMnistButton()->isEnabled());
        QVERIFY(!m_page->openFolder(data::Format::Idx, m_dir.filePath("digits")));
        QVERIFY(changed.wait(30000));
        QCOMPARE(m_state.data->train.size(), int64_t(60000));
        QCOMPARE(m_state.dataSpec.toJson(), workflow::DataSpec{}.toJson());
        QVERIFY(m_page->summaryText().startsWith("fashion-mnist\n"));
        checkCounts(*m_page, *m_state.data);
    }

    /// A 224-px image folder opened for the first time is decoded with a progress bar up to N
    /// of N; the second open reads the decode cache: no decoding, the same images.
    void decodingA224PxFolderShowsProgressAndTheCacheAnswersNextTime()
    {
        const QString root = m_dir.filePath("photos");
        const int perClass = 60; // 120 images: decoded on several threads
        for (const char* name : {"apple", "pear"})
            for (int i = 0; i < perClass; ++i) {
                QImage img(256, 240, QImage::Format_RGB888);
                img.fill(QColor(name[0] == 'a' ? 200 : 30, 2 * i, 255 - 2 * i));
                QVERIFY(QDir().mkpath(QDir(root).filePath(name)));
                QVERIFY(img.save(QDir(root).filePath(QString("%1/%2.png").arg(name).arg(i))));
            }
        const qint64 n = 2 * perClass;
        QSignalSpy progress(m_page.get(), &gui::DataPage::decodeProgress);
        m_page->imageSizeBox()->setValue(224);
        clickAndWait(m_page->imageFolderButton(), root);
        QCOMPARE(m_page->errorText(), QString());
        QCOMPARE(m_state.data->train.height(), int64_t(224));
        QVERIFY(progress.count() >= 1);
        QCOMPARE(progress.last().at(0).toLongLong(), n);
        QCOMPARE(progress.last().at(1).toLongLong(), n);
        for (const auto& report : progress) // never more than there are, never backwards total
            QVERIFY(report.at(0).toLongLong() <= report.at(1).toLongLong());
        QCOMPARE(m_page->progressBar()->format(), QString("Decoding images: %1 of %1").arg(n));
        QVERIFY(m_page->progressBar()->isHidden()); // gone once the data is open
        const torch::Tensor first = m_state.data->train.images.clone();

        progress.clear();
        clickAndWait(m_page->imageFolderButton(), root);
        QCOMPARE(m_page->errorText(), QString());
        QCOMPARE(progress.count(), 0); // the cache answered
        QVERIFY(torch::equal(m_state.data->train.images, first));
        m_page->imageSizeBox()->setValue(32);
    }
};

QTEST_MAIN(TestDataPage)
#include "test_data_page.moc"
