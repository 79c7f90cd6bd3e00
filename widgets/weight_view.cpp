#include "widgets/weight_view.h"

#include "widgets/background_task.h"
#include "widgets/error_label.h"
#include "widgets/plots/plot_export.h"
#include "widgets/text_format.h"

#include "widgets/plots/qcustomplot_include.h"
#include <QDir>
#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace tleg::gui {

namespace {

QString shapeText(const std::vector<int64_t>& shape)
{
    QStringList dims;
    for (const int64_t d : shape)
        dims << QString::number(d);
    return QStringLiteral("[%1]").arg(dims.join(QStringLiteral(", ")));
}

enum Column { Name, Shape, Dtype, Params, Mean, Std, Columns };

} // namespace

WeightView::WeightView(QWidget* parent) : QDialog(parent)
{
    setObjectName("weightView");
    resize(980, 640);
    auto* layout = new QVBoxLayout(this);
    m_header = new QLabel(this);
    m_header->setObjectName("weightHeader");
    m_header->setWordWrap(true);
    m_header->setTextFormat(Qt::PlainText);
    m_error = newErrorLabel(this, "weightError");
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    m_tree = new QTreeWidget(splitter);
    m_tree->setObjectName("weightTree");
    m_tree->setColumnCount(Columns);
    m_tree->header()->setSectionResizeMode(Name, QHeaderView::Stretch);
    auto* right = new QSplitter(Qt::Vertical, splitter);
    m_histogram = new QCustomPlot(right);
    m_histogram->setObjectName("weightHistogram");
    auto* bars = new QCPBars(m_histogram->xAxis, m_histogram->yAxis);
    bars->setPen(QPen(QColor(31, 119, 180)));
    bars->setBrush(QColor(31, 119, 180, 160));
    installPlotExport(m_histogram);
    m_learngene = new QTableWidget(0, 3, right);
    m_learngene->setObjectName("weightLearngene");
    m_learngene->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_learngene->verticalHeader()->setVisible(false);
    m_learngene->horizontalHeader()->setStretchLastSection(true);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(m_header);
    layout->addWidget(m_error);
    layout->addWidget(splitter, 1);
    m_texts.set([this] {
        setWindowTitle(tr("Weights"));
        m_tree->setHeaderLabels({tr("Tensor"), tr("Shape"), tr("Type"), tr("Parameters"),
                                 tr("Mean"), tr("Std")});
        m_learngene->setHorizontalHeaderLabels(
            {tr("Layer kind"), tr("θ_A parameters"), tr("θ_B parameters")});
        m_histogram->xAxis->setLabel(tr("value"));
        m_histogram->yAxis->setLabel(tr("count"));
        showHeader();
        showHistogram();
    });
    connect(m_tree, &QTreeWidget::currentItemChanged, this, &WeightView::showHistogram);
}

void WeightView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        m_texts.retranslate();
    QDialog::changeEvent(event);
}

QString WeightView::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

QString WeightView::headerText() const
{
    return m_header->text();
}

void WeightView::open(const QString& path)
{
    const quint64 id = ++m_loads;
    m_loading = id;
    m_error->setVisible(false);
    m_header->setText(tr("Reading %1…").arg(QDir::toNativeSeparators(path)));
    runInBackground(this, [file = path.toStdString()] { return summarizeWeights(file); },
                    [this, id, path](TaskResult<WeightSummary> r) {
                        if (id != m_loading)
                            return; // a newer open superseded this one
                        m_loading = 0;
                        if (r.ok()) {
                            display(*r.value);
                        } else {
                            m_error->setText(
                                tr("Cannot read %1: %2")
                                    .arg(QDir::toNativeSeparators(path),
                                         withoutPathPrefix(r.error, path)));
                            m_error->setVisible(true);
                            showHeader();
                        }
                        Q_EMIT loaded(path, r.ok() ? QString() : r.error);
                    });
}

void WeightView::display(const WeightSummary& summary)
{
    m_summary = summary;
    showHeader();
    fillTree();
    fillLearngene();
    showHistogram();
}

void WeightView::showHeader()
{
    if (m_summary.path.empty()) {
        if (!isLoading())
            m_header->setText(tr("No file open."));
        return;
    }
    m_header->setText(tr("%1\nKind: %2 · %3 tensors in %4 groups · %5 parameters")
                          .arg(QDir::toNativeSeparators(QString::fromStdString(m_summary.path)))
                          .arg(m_summary.kind.empty() ? tr("foreign (no TLEG metadata)")
                                                      : QString::fromStdString(m_summary.kind))
                          .arg(m_summary.tensors)
                          .arg(m_summary.groups.size())
                          .arg(formatCount(m_summary.params)));
}

void WeightView::fillTree()
{
    m_tree->clear();
    for (const WeightGroup& g : m_summary.groups) {
        auto* group = new QTreeWidgetItem(m_tree);
        group->setText(Name, QString::fromStdString(g.name));
        group->setText(Params, QString::number(g.params));
        for (const TensorSummary& t : g.tensors) {
            auto* item = new QTreeWidgetItem(group);
            item->setText(Name, QString::fromStdString(t.name));
            item->setText(Shape, shapeText(t.shape));
            item->setText(Dtype, QString::fromStdString(t.dtype));
            item->setText(Params, QString::number(t.params));
            item->setText(Mean, formatNumber(t.mean, 4));
            item->setText(Std, formatNumber(t.std, 4));
        }
    }
    for (int c = Shape; c < Columns; ++c)
        m_tree->resizeColumnToContents(c);
    if (m_tree->topLevelItemCount() > 0) {
        m_tree->topLevelItem(0)->setExpanded(true);
        if (m_tree->topLevelItem(0)->childCount() > 0)
            m_tree->setCurrentItem(m_tree->topLevelItem(0)->child(0));
    }
}

void WeightView::fillLearngene()
{
    m_learngene->setVisible(!m_summary.learngene.empty());
    m_learngene->setRowCount(static_cast<int>(m_summary.learngene.size()));
    for (int r = 0; r < m_learngene->rowCount(); ++r) {
        const LearngeneRow& row = m_summary.learngene[size_t(r)];
        const QString cells[] = {QString::fromStdString(row.kind), QString::number(row.thetaA),
                                 QString::number(row.thetaB)};
        for (int c = 0; c < 3; ++c)
            m_learngene->setItem(r, c, new QTableWidgetItem(cells[c]));
    }
    m_learngene->resizeColumnsToContents();
}

void WeightView::showHistogram()
{
    auto* bars = static_cast<QCPBars*>(m_histogram->plottable(0));
    const QTreeWidgetItem* item = m_tree->currentItem();
    const TensorSummary* shown = nullptr;
    for (const WeightGroup& g : m_summary.groups)
        for (const TensorSummary& t : g.tensors)
            if (item && item->text(Name) == QString::fromStdString(t.name))
                shown = &t;
    if (!shown || shown->histogram.empty()) {
        bars->data()->clear();
        m_histogram->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const double width = (shown->max > shown->min ? shown->max - shown->min : 1.0) / kHistogramBins;
    QVector<double> keys, counts;
    for (int b = 0; b < kHistogramBins; ++b) {
        keys << shown->min + (b + 0.5) * width;
        counts << static_cast<double>(shown->histogram[size_t(b)]);
    }
    bars->setWidth(width);
    bars->setData(keys, counts, true);
    bars->setName(QString::fromStdString(shown->name));
    m_histogram->rescaleAxes();
    m_histogram->yAxis->setRangeLower(0);
    m_histogram->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace tleg::gui
