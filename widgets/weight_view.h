#pragma once
// A weight view of a model file, in the spirit of Netron: the tensors grouped by block with
// shape, dtype, parameter count, mean and standard deviation; the selected tensor's (or
// block's) histogram; for a learngene, θ_A and θ_B sizes per layer kind. The file is read and
// summarised on a background thread; a file that cannot be read is one red line naming it.
// Usage:
//   auto* view = new WeightView(this);  view->open(path);  view->show();
//   connect(view, &WeightView::loaded, ...);   // error empty when it was read
#include "widgets/translated_texts.h"
#include "widgets/weight_summary.h"

#include <QDialog>

class QCustomPlot;
class QLabel;
class QTableWidget;
class QTreeWidget;

namespace tleg::gui {

class WeightView : public QDialog {
    Q_OBJECT
public:
    explicit WeightView(QWidget* parent = nullptr);
    /// Reads path in the background; loaded() when done. A newer open supersedes an older one.
    void open(const QString& path);
    bool isLoading() const { return m_loading != 0; }
    const WeightSummary& summary() const { return m_summary; }
    QString errorText() const;

    // For tests.
    QTreeWidget* tree() const { return m_tree; }
    QCustomPlot* histogram() const { return m_histogram; }
    QTableWidget* learngeneTable() const { return m_learngene; }
    QString headerText() const;

Q_SIGNALS:
    void loaded(const QString& path, const QString& error);

protected:
    void changeEvent(QEvent* event) override;

private:
    void display(const WeightSummary& summary);
    void showHeader();
    void fillTree();
    void fillLearngene();
    void showHistogram();

    WeightSummary m_summary;
    quint64 m_loading = 0, m_loads = 0;
    QLabel* m_header;
    QLabel* m_error;
    QTreeWidget* m_tree;
    QCustomPlot* m_histogram;
    QTableWidget* m_learngene;
    TranslatedTexts m_texts;
};

} // namespace tleg::gui
