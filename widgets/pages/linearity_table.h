#pragma once
// The Linearity page's table: one row per parameter kind and model with R², slope, the variance
// PC1 and PC2 explain and the residual, numbers kept raw (Qt::UserRole) beside their text, the
// rows of the kind the plots show in bold.
// Usage:
//   auto* table = new LinearityTable(this);
//   table->showModels(models.analysed(), kinds, "attn.qkv.weight");
//   connect(table, &QTableWidget::cellClicked, [=](int row) { show(table->kindAt(row)); });
#include "widgets/pages/linearity_models.h"

#include <QIcon>
#include <QTableWidget>

namespace tleg::gui {

/// A 12 px square of colour: a model's mark in lists and tables.
QIcon colourSwatch(const QColor& colour);

class LinearityTable : public QTableWidget {
    Q_OBJECT
public:
    enum Column {
        KindColumn,
        ModelColumn,
        R2Column,
        ChanceColumn, ///< R² of shuffled layer orders (mean) and the p-value of R²
        SlopeColumn,
        Explained1Column,
        Explained2Column,
        ResidualColumn,
        ColumnCount
    };

    explicit LinearityTable(QWidget* parent = nullptr);
    /// A row for every kind of kinds (in that order) of every model that has it.
    void showModels(const std::vector<const LinearityModels::Entry*>& models,
                    const std::vector<std::string>& kinds, const std::string& chosen);
    /// The core kind name and the model file of a row.
    QString kindAt(int row) const;
    QString pathAt(int row) const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void addRow(const LinearityModels::Entry& model, const analysis::KindLinearity& k, bool bold);
};

} // namespace tleg::gui
