#pragma once
// Data page: what the open dataset is (name, image size, classes, train/test split), a grid of
// the first images of every class and a class histogram; buttons open another dataset (IDX,
// CIFAR-10, CIFAR-100, image folder) through data::openDataset in the background. On success
// AppState::data and AppState::dataSpec are replaced and dataChanged() is emitted; how the split
// was made, when the data did not say, shows under the buttons; on failure a red message says
// why and the old dataset stays. While an image folder is decoded for the first time (the
// decode cache makes later opens fast), a progress bar says how many of its images are done.
// Usage:
//   auto* page = new DataPage(state);
//   connect(page, &DataPage::dataChanged, ancestryPage, &AncestryPage::onDataChanged);
//   page->openFolder(data::Format::Cifar10, "/data/cifar-10-batches-bin");
#include "data/open_dataset.h"
#include "widgets/app_state.h"
#include "widgets/translated_texts.h"

#include <QFuture>
#include <QTimer>
#include <QWidget>

#include <functional>
#include <vector>

class QCheckBox;
class QCustomPlot;
class QLabel;
class QLayout;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QSpinBox;
class QTableWidget;

namespace tleg::gui {

class SampleGrid;

class DataPage : public QWidget {
    Q_OBJECT
public:
    /// Asks for a folder of this format; an empty string means cancelled. Replaceable for tests.
    using FolderChooser = std::function<QString(data::Format)>;

    /// Most images per class in the sample grid.
    static constexpr int kSamplesPerClass = 8;

    explicit DataPage(AppState& state, QWidget* parent = nullptr);
    /// Waits for a read in progress: nothing outlives the page.
    ~DataPage() override;

    /// Starts reading what spec names in the background; false while another read is running.
    bool openDataset(const workflow::DataSpec& spec);
    /// A folder of this format (image folders at the page's size and colour); see openDataset.
    bool openFolder(data::Format format, const QString& dir);
    /// The built-in Fashion-MNIST; see openDataset.
    bool openFashionMnist();
    bool isLoading() const { return m_loading; }
    void setFolderChooser(FolderChooser chooser) { m_chooser = std::move(chooser); }

    // For tests and screenshots.
    QPushButton* fashionMnistButton() const { return m_fashion; }
    QPushButton* idxButton() const { return m_idx; }
    QPushButton* cifarButton() const { return m_cifar; }
    QPushButton* cifar100Button() const { return m_cifar100; }
    QPushButton* imageFolderButton() const { return m_imageFolder; }
    QSpinBox* imageSizeBox() const { return m_imageSize; }
    /// Images decoded of the folder being decoded; hidden when nothing is decoded.
    QProgressBar* progressBar() const { return m_progress; }
    QCheckBox* greyBox() const { return m_grey; }
    QString summaryText() const;
    /// The red error line; empty when the last action worked.
    QString errorText() const;
    /// The note under the buttons (how the split was made); empty when there is none.
    QString noteText() const;
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
    /// A read has started (true) or ended (false), whatever its outcome.
    void loadingChanged(bool loading);
    /// done of total images of an image folder are decoded (at most 10 a second; the last
    /// values of a decode always come). Not emitted when the decode cache answers.
    void decodeProgress(qint64 done, qint64 total);

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Loaded;
    struct Decode;
    QLayout* buildButtons();
    QWidget* buildBody();
    void chooseAndOpen(data::Format format);
    void onLoaded(const workflow::DataSpec& spec, const QString& shown, const Loaded& loaded);
    void updateEnabled();
    void showDecodeProgress();
    void showError(const QString& message);
    void updateSummary();
    void updateTable();
    void updateSamples();

    AppState& m_state;
    FolderChooser m_chooser;
    bool m_loading = false;
    QFuture<void> m_read;
    /// What the reading thread last reported of its decode; shared with it.
    std::shared_ptr<Decode> m_decode;
    QTimer m_decodeTimer; ///< shows m_decode while reading
    qint64 m_shownDone = -1, m_shownTotal = -1;
    std::vector<std::vector<int64_t>> m_sampleIndices;

    QPushButton* m_fashion;
    QPushButton* m_idx;
    QPushButton* m_cifar;
    QPushButton* m_cifar100;
    QPushButton* m_imageFolder;
    QSpinBox* m_imageSize;
    QCheckBox* m_grey;
    QLabel* m_status;
    QProgressBar* m_progress;
    QLabel* m_error;
    QLabel* m_summary;
    QTableWidget* m_table;
    QScrollArea* m_gridArea;
    SampleGrid* m_grid;
    QCustomPlot* m_histogram;
    std::string m_note; // the open data's note (untranslated), shown under the buttons
    TranslatedTexts m_texts;
};

} // namespace tleg::gui
