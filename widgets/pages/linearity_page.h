#pragma once
// Linearity page (paper Fig. 1): open one or more checkpoints, and see for every parameter kind
// how the per-layer weights move with depth: PC1 against layer index with its fitted line, the
// PC1–PC2 trajectory, an R² heat map of kinds × models, the explained variance, and a table.
// Files are loaded and analysed one after another in the background (runInBackground on the
// page's own pool of one thread, not the shared JobRunner: analysing must not wait for a
// training run); each result comes back by value on the GUI thread.
// Usage:
//   LinearityPage page(state);  page.addModel("runs/des-8/model.safetensors");
//   connect(&page, &LinearityPage::modelAnalysed, ...);  page.setCurrentKind("attn.qkv.weight");
#include "analysis/linearity.h"
#include "widgets/app_state.h"
#include "widgets/pages/linearity_models.h"
#include "widgets/pages/linearity_plot_tabs.h"
#include "widgets/pages/linearity_table.h"
#include "widgets/translated_texts.h"

#include <QColor>
#include <QStringList>
#include <QThreadPool>
#include <QWidget>

#include <memory>
#include <string>
#include <vector>

class QCPColorMap;
class QCheckBox;
class QLayout;
class QComboBox;
class QCustomPlot;
class QLabel;
class QListWidget;
class QPushButton;

namespace tleg::gui {

class LinearityPage : public QWidget {
    Q_OBJECT
public:
    using Plot = LinearityPlotTabs::Plot;
    explicit LinearityPage(AppState& state, QWidget* parent = nullptr);
    /// Waits for the file being analysed (the core's analysis cannot be interrupted).
    ~LinearityPage() override;

    /// Queues a checkpoint for loading and analysis in the background; returns at once.
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
    QCustomPlot* plot(Plot plot) const { return m_tabs->plot(plot); }
    QCPColorMap* heatmap() const { return m_tabs->heatmap(); }
    /// Rows of the heat map (core kind names, top to bottom); its columns are the models.
    QStringList heatmapKinds() const;
    /// The number printed in a heat map cell ("0.9993", "n/a"); empty outside the grid.
    QString heatmapCellText(int kindRow, int modelColumn) const
    {
        return m_tabs->heatmapCellText(kindRow, modelColumn);
    }
    QComboBox* kindCombo() const { return m_kind; }
    QListWidget* modelList() const { return m_list; }
    LinearityTable* table() const { return m_table; }
    QPushButton* openButton() const { return m_open; }
    QPushButton* removeButton() const { return m_remove; }
    QPushButton* exportButton() const { return m_export; }
    QLabel* errorLabel() const { return m_error; }
    LinearityPlotTabs* plotTabs() const { return m_tabs; }

Q_SIGNALS:
    /// A model was analysed, failed, or was removed.
    void modelsChanged();
    /// One file is done: error is empty on success (then the model is in the list).
    void modelAnalysed(const QString& path, const QString& error);
    /// A line for the log dock.
    void logged(const QString& line);

protected:
    void changeEvent(QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    QLayout* buildActions();
    void browse();
    void exportChosen();
    void onAnalysed(quint64 id, const QString& path,
                    std::shared_ptr<const analysis::ModelLinearity> model, const QString& error);
    void showError(const QString& message);
    void refreshAll();
    void refreshList();
    void refreshStatus();
    void refreshKinds();
    void refreshPlots();
    void refreshTable();
    void updateEnabled();
    void selectFromTable(int row);
    /// The kinds in the combo box, in its order.
    std::vector<std::string> shownKinds() const;
    R2Grid grid() const;
    std::string kindKey() const;
    const LinearitySeries* selectedSeries(const std::vector<LinearitySeries>& series) const;

    AppState& m_state;
    LinearityModels m_models;
    /// One thread: files are analysed one after another, in the order they were opened.
    QThreadPool m_pool;
    QStringList m_errors;

    QPushButton* m_open;
    QPushButton* m_remove;
    QPushButton* m_export;
    QComboBox* m_kind;
    QLabel* m_status;
    QLabel* m_error;
    QListWidget* m_list;
    LinearityTable* m_table;
    LinearityPlotTabs* m_tabs;
    TranslatedTexts m_texts;
};

} // namespace tleg::gui
