#include "widgets/pages/linearity_table.h"

#include "widgets/plots/linearity_plots.h"
#include "widgets/text_format.h"

#include <QEvent>
#include <QHeaderView>
#include <QPainter>

#include <cmath>

namespace tleg::gui {

namespace {

QString fixedOrNa(double v, int decimals)
{
    return std::isnan(v) ? LinearityTable::tr("n/a") : formatNumber(v, decimals);
}

QTableWidgetItem* numberItem(const QString& text, double value, const std::string& note)
{
    auto* item = new QTableWidgetItem(text);
    item->setData(Qt::UserRole, value);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    if (std::isnan(value) && !note.empty())
        item->setToolTip(QString::fromStdString(note));
    return item;
}

} // namespace

QIcon colourSwatch(const QColor& colour)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setPen(colour.darker(130));
    painter.setBrush(colour);
    painter.drawRect(0, 0, 11, 11);
    return QIcon(pixmap);
}

LinearityTable::LinearityTable(QWidget* parent) : QTableWidget(0, ColumnCount, parent)
{
    retranslateUi();
    verticalHeader()->setVisible(false);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    horizontalHeader()->setSectionResizeMode(KindColumn, QHeaderView::ResizeToContents);
}

void LinearityTable::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi(); // the rows are the page's: it shows them again
    QTableWidget::changeEvent(event);
}

void LinearityTable::retranslateUi()
{
    setHorizontalHeaderLabels({tr("Kind"), tr("Model"), tr("R²"), tr("Chance R² (p)"),
                               tr("Slope"), tr("PC1 var. %"), tr("PC2 var. %"),
                               tr("Residual")});
    horizontalHeaderItem(ChanceColumn)
        ->setToolTip(tr("The R² a shuffled layer order gives on average: about 1/(L − 1) for "
                        "weights without any trend (0.2 for 6 blocks). p: the share of "
                        "shuffled orders whose R² is at least this model's; a small p means "
                        "the trend with depth is not chance."));
    horizontalHeaderItem(ResidualColumn)
        ->setToolTip(tr("How far the weights are from the best θ_l = θ_B + (l/L)·θ_A a "
                        "learngene could express: ‖X − fit‖ / ‖X − mean‖ (0 = exactly linear)"));
    horizontalHeaderItem(R2Column)->setToolTip(
        tr("R² of a straight line through PC1 against layer index"));
}

void LinearityTable::showModels(const std::vector<const LinearityModels::Entry*>& models,
                                const std::vector<std::string>& kinds, const std::string& chosen)
{
    const QSignalBlocker blocker(this);
    setRowCount(0);
    for (const std::string& kind : kinds)
        for (const auto* e : models)
            for (const auto& k : e->result->kinds)
                if (k.kind == kind)
                    addRow(*e, k, kind == chosen); // the rows the plots show stand out
}

void LinearityTable::addRow(const LinearityModels::Entry& e, const analysis::KindLinearity& k,
                            bool bold)
{
    const int row = rowCount();
    insertRow(row);
    auto* kindItem = new QTableWidgetItem(kindDisplayName(k.kind));
    kindItem->setData(Qt::UserRole, QString::fromStdString(k.kind));
    auto* modelItem = new QTableWidgetItem(colourSwatch(e.colour), e.label);
    modelItem->setData(Qt::UserRole, e.path);
    modelItem->setToolTip(e.path);
    setItem(row, KindColumn, kindItem);
    setItem(row, ModelColumn, modelItem);
    setItem(row, R2Column, numberItem(r2Text(k.r2), k.r2, k.note));
    const QString chance =
        std::isnan(k.r2Chance)
            ? tr("n/a")
            : tr("%1 (p %2)").arg(formatNumber(k.r2Chance, 2),
                                  k.r2PValue < 0.001 ? QStringLiteral("< 0.001")
                                                     : formatNumber(k.r2PValue, 3));
    setItem(row, ChanceColumn, numberItem(chance, k.r2Chance, k.note));
    setItem(row, SlopeColumn,
            numberItem(std::isnan(k.slope) ? tr("n/a") : QString::number(k.slope, 'e', 3), k.slope,
                       k.note));
    setItem(row, Explained1Column,
            numberItem(fixedOrNa(100 * k.explained1, 2), k.explained1, k.note));
    setItem(row, Explained2Column,
            numberItem(fixedOrNa(100 * k.explained2, 2), k.explained2, k.note));
    setItem(row, ResidualColumn, numberItem(fixedOrNa(k.residual, 4), k.residual, k.note));
    if (!bold)
        return;
    for (int c = 0; c < ColumnCount; ++c) {
        QFont f = item(row, c)->font();
        f.setBold(true);
        item(row, c)->setFont(f);
    }
}

QString LinearityTable::kindAt(int row) const
{
    const QTableWidgetItem* it = item(row, KindColumn);
    return it ? it->data(Qt::UserRole).toString() : QString();
}

QString LinearityTable::pathAt(int row) const
{
    const QTableWidgetItem* it = item(row, ModelColumn);
    return it ? it->data(Qt::UserRole).toString() : QString();
}

} // namespace tleg::gui
