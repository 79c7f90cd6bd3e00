#pragma once
// Linearity page (paper Fig. 1): open one or more checkpoints, and see for every parameter kind
// how the per-layer weights move with depth: PC1 against layer index with its fitted line, the
// PC1–PC2 trajectory, an R² heat map of kinds × models, the explained variance, and a table.
// Files are loaded and analysed one after another on the page's own worker thread (not the
// shared JobRunner: analysing must not wait for a training run); results come by queued signal.
// Usage:
//   LinearityPage page(state);  page.addModel("runs/des-8/model.safetensors");
//   connect(&page, &LinearityPage::modelAnalysed, ...);  page.setCurrentKind("attn.qkv.weight");
#include <torch/torch.h> // before Qt

#include "analysis/linearity.h"
#include "widgets/app_state.h"

#include <QColor>
#include <QStringList>
#include <QWidget>

#include <memory>
#include <string>
#include <vector>

class QCPColorMap;
class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QListWidget;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QThread;

namespace tleg::gui {

class LinearityWorker;
struct LinearitySeries;
struct LinearityResult;
struct R2Grid;

class LinearityPage : public QWidget {
    Q_OBJECT
public:
    enum class Plot { Pc1, Trajectory, Heatmap, Variance };
    /// Columns of the table.
    enum Column {
        KindColumn,
        ModelColumn,
        R2Column,
        SlopeColumn,
        Explained1Column,
        Explained2Column,
        ResidualColumn,
        ColumnCount
    };

    explicit LinearityPage(AppState& state, QWidget* parent = nullptr);
    /// Waits for the file being analysed (the core's analysis cannot be interrupted).
    ~LinearityPage() override;

    /// Queues a checkpoint for loading and analysis on the worker thread; returns at once.
    void addModel(const QString& path);
    /// Removes the model in row `row` of the list (also one still being analysed).
    void removeModel(int row);
    /// Writes one plot as .png, .pdf or .csv (the same CSV as its context menu); throws
    /// tleg::Error on failure.
    void exportPlot(Plot plot, const QString& path);
    /// Every figure of every model: .json (linearityJson) or .csv (linearityCsv, per-layer
    /// points of all kinds), as 'tleg pca --json/--csv' writes them. Throws tleg::Error.
    void exportResults(const QString& path) const;

    // For tests, screenshots and the main window.
    /// Analysed models in list order.
    int modelCount() const;
    const analysis::ModelLinearity& model(int index) const;
    QString modelLabel(int index) const;
    /// Paths of every model in the list, analysed or still queued (to reopen them elsewhere).
    QStringList modelPaths() const;
    bool isBusy() const;
    /// The kind the plots show: a core kind name or analysis::kWholeBlock.
    QString currentKind() const;
    bool setCurrentKind(const QString& kind);
    /// Row of the model whose explained variance is shown (-1: none).
    int currentModel() const;
    QString errorText() const;
    QString plotCsv(Plot plot) const;
    QCustomPlot* plot(Plot plot) const;
    QCPColorMap* heatmap() const { return m_heatmap; }
    /// Rows of the heat map (core kind names, top to bottom); its columns are the models.
    QStringList heatmapKinds() const;
    /// The number printed in a heat map cell ("0.9993", "n/a"); empty outside the grid.
    QString heatmapCellText(int kindRow, int modelColumn) const;
    QComboBox* kindCombo() const { return m_kind; }
    QListWidget* modelList() const { return m_list; }
    QTableWidget* table() const { return m_table; }
    QPushButton* openButton() const { return m_open; }
    QPushButton* removeButton() const { return m_remove; }
    QPushButton* exportButton() const { return m_export; }
    QLabel* errorLabel() const { return m_error; }
    QTabWidget* plotTabs() const { return m_tabs; }

Q_SIGNALS:
    /// A model was analysed, failed, or was removed.
    void modelsChanged();
    /// One file is done: error is empty on success (then the model is in the list).
    void modelAnalysed(const QString& path, const QString& error);
    /// A line for the log dock.
    void logged(const QString& line);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct Entry {
        quint64 id = 0;
        QString path, label;
        QColor colour;
        std::shared_ptr<const analysis::ModelLinearity> result; // null while analysing
    };

    void browse();
    void onResult(const LinearityResult& result);
    void showError(const QString& message);
    void refreshAll();
    void refreshList();
    void refreshKinds();
    void refreshPlots();
    void refreshTable();
    void updateEnabled();
    void selectFromTable(int row);
    std::vector<const Entry*> analysed() const;
    std::vector<LinearitySeries> seriesOf(const std::string& kind) const;
    R2Grid grid() const;
    std::string kindKey() const;

    AppState& m_state;
    QThread* m_thread;
    LinearityWorker* m_worker;
    std::vector<Entry> m_entries;
    quint64 m_nextId = 1;
    QStringList m_errors;

    QPushButton* m_open;
    QPushButton* m_remove;
    QPushButton* m_export;
    QComboBox* m_kind;
    QLabel* m_status;
    QLabel* m_error;
    QListWidget* m_list;
    QTableWidget* m_table;
    QTabWidget* m_tabs;
    QCustomPlot* m_pc1;
    QCustomPlot* m_trajectory;
    QCustomPlot* m_heat;
    QCPColorMap* m_heatmap;
    QCustomPlot* m_variance;
};

} // namespace tleg::gui
