#pragma once
// Data page: what the open dataset is (name, image size, classes, train/test split), a grid of
// the first images of every class and a class histogram; buttons open another dataset (IDX,
// CIFAR-10 binary, ImageFolder) on a worker thread. On success AppState::data is replaced and
// dataChanged() is emitted; on failure a red message says why and the old dataset stays.
#include <torch/torch.h> // before Qt

#include "widgets/app_state.h"

#include <QWidget>

#include <functional>
#include <memory>
#include <vector>

class QCheckBox;
class QCustomPlot;
class QLabel;
class QPushButton;
class QScrollArea;
class QSpinBox;
class QTableWidget;
class QThread;

namespace tleg::gui {

class SampleGrid;

class DataPage : public QWidget {
    Q_OBJECT
public:
    /// How a folder is read.
    enum class Format {
        FashionMnist, ///< the built-in Fashion-MNIST (the folder is ignored)
        Idx,          ///< {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] (MNIST family)
        Cifar10,      ///< data_batch_1..5.bin + test_batch.bin
        ImageFolder,  ///< train/<class>/<image> + test/ (or val/), or one <class>/<image> tree
    };
    /// Asks for a folder; an empty string means cancelled. Replaceable for tests.
    using FolderChooser = std::function<QString(Format)>;

    /// Most images per class in the sample grid.
    static constexpr int kSamplesPerClass = 8;

    explicit DataPage(AppState& state, QWidget* parent = nullptr);
    ~DataPage() override;

    /// Starts reading dir on a worker thread; false while another read is running.
    bool openFolder(Format format, const QString& dir);
    bool isLoading() const;
    void setFolderChooser(FolderChooser chooser) { m_chooser = std::move(chooser); }

    // For tests and screenshots.
    QPushButton* fashionMnistButton() const { return m_fashion; }
    QPushButton* idxButton() const { return m_idx; }
    QPushButton* cifarButton() const { return m_cifar; }
    QPushButton* imageFolderButton() const { return m_imageFolder; }
    QSpinBox* imageSizeBox() const { return m_imageSize; }
    QCheckBox* greyBox() const { return m_grey; }
    QString summaryText() const;
    /// The red error line; empty when the last action worked.
    QString errorText() const;
    QTableWidget* classTable() const { return m_table; }
    SampleGrid* sampleGrid() const { return m_grid; }
    /// Train-split positions of the images in the grid: row c holds the first images of class c.
    const std::vector<std::vector<int64_t>>& sampleIndices() const { return m_sampleIndices; }
    QCustomPlot* histogram() const { return m_histogram; }
    /// CSV of the histogram: class,name,train,test.
    QString histogramCsv() const;

public Q_SLOTS:
    /// Shows AppState::data again (call after something else replaced it).
    void refresh();

Q_SIGNALS:
    /// AppState::data now holds a new dataset.
    void dataChanged();
    /// A line for the log dock.
    void logged(const QString& line);

private:
    struct LoadOutcome;
    void chooseAndOpen(Format format);
    void onLoaded(const QString& dir);
    void updateEnabled();
    void showError(const QString& message);
    void updateSummary();
    void updateTable();
    void updateSamples();
    void updateHistogram();

    AppState& m_state;
    FolderChooser m_chooser;
    QThread* m_thread = nullptr;
    std::shared_ptr<LoadOutcome> m_outcome;
    std::vector<std::vector<int64_t>> m_sampleIndices;

    QPushButton* m_fashion;
    QPushButton* m_idx;
    QPushButton* m_cifar;
    QPushButton* m_imageFolder;
    QSpinBox* m_imageSize;
    QCheckBox* m_grey;
    QLabel* m_status;
    QLabel* m_error;
    QLabel* m_summary;
    QTableWidget* m_table;
    QScrollArea* m_gridArea;
    SampleGrid* m_grid;
    QCustomPlot* m_histogram;
};

} // namespace tleg::gui
