#include "widgets/pages/runs_table.h"

#include "workflow/run_notes.h"

#include "widgets/text_format.h"

#include <QCollator>
#include <QDir>
#include <QEvent>
#include <QHeaderView>
#include <QItemSelectionModel>

namespace tleg::gui {

namespace {

constexpr int kFolderRole = Qt::UserRole;   // on the Name item: the run's folder key
constexpr int kSortRole = Qt::UserRole + 1; // numeric sort key of number columns

/// Numbers sort as numbers, names in natural order ("des-2" before "des-10").
class RunItem : public QTableWidgetItem {
public:
    using QTableWidgetItem::QTableWidgetItem;
    bool operator<(const QTableWidgetItem& other) const override
    {
        const QVariant a = data(kSortRole), b = other.data(kSortRole);
        if (a.isValid() && b.isValid())
            return a.toDouble() < b.toDouble();
        static const QCollator collator = [] {
            QCollator c;
            c.setNumericMode(true);
            c.setCaseSensitivity(Qt::CaseInsensitive);
            return c;
        }();
        return collator.compare(text(), other.text()) < 0;
    }
};

QString csvField(const QString& s)
{
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"'))
        && !s.contains(QLatin1Char('\n')))
        return s;
    QString quoted = s;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString number(double v)
{
    return QString::number(v, 'g', 10);
}

QString stateText(workflow::RunState state)
{
    switch (state) {
    case workflow::RunState::Finished:
        return RunsTable::tr("finished");
    case workflow::RunState::Running:
        return RunsTable::tr("running");
    case workflow::RunState::Stopped:
        return RunsTable::tr("stopped");
    case workflow::RunState::Incomplete:
        return RunsTable::tr("incomplete");
    case workflow::RunState::Broken:
        return RunsTable::tr("broken");
    }
    return {};
}

QString roleText(workflow::Role role)
{
    switch (role) {
    case workflow::Role::Ancestry:
        return RunsTable::tr("ancestry");
    case workflow::Role::AuxNet:
        return RunsTable::tr("aux-net");
    case workflow::Role::DesNet:
        return RunsTable::tr("des-net");
    case workflow::Role::Scratch:
        return RunsTable::tr("scratch");
    case workflow::Role::FineTune:
        return RunsTable::tr("fine-tune");
    case workflow::Role::Pretrain:
        return RunsTable::tr("pretrain");
    }
    return {};
}

} // namespace

QString runKindText(const std::string& kind)
{
    if (kind.empty())
        return QStringLiteral("–");
    if (const auto role = workflow::roleFromName(kind))
        return roleText(*role);
    return QString::fromStdString(kind);
}

RunsTable::RunsTable(QWidget* parent) : QTableWidget(0, Columns, parent)
{
    retranslateUi();
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setAlternatingRowColors(true);
    verticalHeader()->setVisible(false);
    setWordWrap(false);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setSectionResizeMode(Name, QHeaderView::Stretch);
    setSortingEnabled(true);
    sortByColumn(Name, Qt::AscendingOrder);
}

void RunsTable::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi(); // the rows are the page's: it shows them again
    QTableWidget::changeEvent(event);
}

void RunsTable::retranslateUi()
{
    setHorizontalHeaderLabels({tr("Name"), tr("Kind"), tr("Depth"), tr("Parameters"), tr("Epochs"),
                               tr("Val top-1 (%)"), tr("Test top-1 (%)"), tr("Duration"),
                               tr("State"), tr("Tags")});
}

void RunsTable::showRuns(const QHash<QString, workflow::RunInfo>& runs, const QString& root)
{
    const QStringList selected = selectedFolders();
    setSortingEnabled(false);
    clearContents();
    setRowCount(static_cast<int>(runs.size()));
    int row = 0;
    for (auto it = runs.cbegin(); it != runs.cend(); ++it, ++row)
        setRow(row, it.value(), it.key(), root);
    setSortingEnabled(true); // sorts by the header's current column and order
    {
        const QSignalBlocker block(selectionModel());
        selectFolders(selected);
    }
    viewport()->update();
}

void RunsTable::setRow(int row, const workflow::RunInfo& run, const QString& folder,
                       const QString& root)
{
    const QString dash = QStringLiteral("–");
    auto text = [&](int column, const QString& s) {
        auto* item = new RunItem(s);
        setItem(row, column, item);
        return item;
    };
    auto numberItem = [&](int column, double sortKey, const QString& s) {
        auto* item = text(column, s);
        item->setData(kSortRole, sortKey);
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        return item;
    };

    // Names relative to the run folder, also for runs another page wrote there.
    QString name = QDir(root).relativeFilePath(folder);
    if (name.startsWith(QLatin1String("..")) || QDir::isAbsolutePath(name))
        name = QString::fromStdString(run.name);
    auto* nameItem = text(Name, name);
    nameItem->setData(kFolderRole, folder);
    QString tip = QDir::toNativeSeparators(folder);
    if (!run.data.empty())
        tip += QLatin1Char('\n') + tr("data: %1").arg(QString::fromStdString(run.data));
    if (!run.teacher.empty())
        tip += QLatin1Char('\n') + tr("teacher: %1").arg(QString::fromStdString(run.teacher));
    if (!run.notes.empty())
        tip += QLatin1Char('\n') + tr("notes: %1").arg(QString::fromStdString(run.notes));
    nameItem->setToolTip(tip);
    text(Kind, runKindText(run.kind));

    numberItem(Depth, run.depth ? static_cast<double>(run.depth) : -1.0,
               run.depth ? QString::number(run.depth) : dash);
    numberItem(Parameters, run.parameters ? static_cast<double>(run.parameters) : -1.0,
               run.parameters ? formatCount(run.parameters) : dash);
    numberItem(Epochs, static_cast<double>(run.epochsDone),
               run.epochsPlanned ? tr("%1 / %2").arg(run.epochsDone).arg(run.epochsPlanned)
                                 : QString::number(run.epochsDone));
    const bool scored = run.epochsDone > 0;
    const bool hasVal = scored && !run.valIsTest;
    auto* valItem = numberItem(ValTop1, hasVal ? run.valTop1 : -1.0,
                               hasVal ? formatNumber(run.valTop1, 2) : dash);
    if (hasVal)
        valItem->setToolTip(tr("Epoch %1: the best on the validation images held out of the "
                               "training data").arg(run.selectedEpoch));
    else if (scored)
        valItem->setToolTip(tr("No validation images were held out: every epoch was scored on "
                               "the test set and the last one kept"));
    const bool tested = run.testTop1 >= 0;
    auto* testItem = numberItem(TestTop1, tested ? run.testTop1 : -1.0,
                                tested ? formatNumber(run.testTop1, 2) : dash);
    testItem->setToolTip(tested ? tr("The model of epoch %1 on the test set").arg(run.selectedEpoch)
                                : tr("Scored on the test set once, when the run has finished"));
    numberItem(Duration, run.seconds, scored ? formatDuration(run.seconds) : dash);

    auto* stateItem = text(State, stateText(run.state));
    if (!run.problem.empty())
        stateItem->setToolTip(QString::fromStdString(run.problem));
    if (run.state == workflow::RunState::Broken)
        stateItem->setForeground(QColor(198, 40, 40));
    auto* tagsItem = text(Tags, QString::fromStdString(workflow::joinTags(run.tags)));
    if (!run.notes.empty())
        tagsItem->setToolTip(QString::fromStdString(run.notes));
}

QString RunsTable::folderAt(int row) const
{
    const QTableWidgetItem* it = item(row, Name);
    return it ? it->data(kFolderRole).toString() : QString();
}

QStringList RunsTable::folders() const
{
    QStringList out;
    for (int row = 0; row < rowCount(); ++row)
        if (const QString f = folderAt(row); !f.isEmpty())
            out << f;
    return out;
}

QStringList RunsTable::selectedFolders() const
{
    QStringList out;
    for (int row = 0; row < rowCount(); ++row) // table order, not click order
        if (const QTableWidgetItem* it = item(row, Name); it && it->isSelected())
            out << it->data(kFolderRole).toString();
    return out;
}

void RunsTable::selectFolders(const QStringList& keys)
{
    QItemSelection selection;
    for (int row = 0; row < rowCount(); ++row)
        if (keys.contains(folderAt(row)))
            selection.select(model()->index(row, 0), model()->index(row, Columns - 1));
    selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

QString RunsTable::csv(const QHash<QString, workflow::RunInfo>& runs) const
{
    QString out = QStringLiteral("name,kind,depth,parameters,epochs_done,epochs_planned,"
                                 "val_top1,test_top1,selected_epoch,val_is_test,seconds,state,problem,folder,tags,"
                                 "notes\n");
    for (int row = 0; row < rowCount(); ++row) {
        const QString folder = folderAt(row);
        const auto it = runs.constFind(folder);
        if (it == runs.constEnd())
            continue;
        const workflow::RunInfo& r = it.value();
        const QStringList fields = {csvField(item(row, Name)->text()),
                                    csvField(QString::fromStdString(r.kind)),
                                    QString::number(r.depth),
                                    QString::number(r.parameters),
                                    QString::number(r.epochsDone),
                                    QString::number(r.epochsPlanned),
                                    number(r.valTop1),
                                    r.testTop1 >= 0 ? number(r.testTop1) : QString(),
                                    QString::number(r.selectedEpoch),
                                    r.valIsTest ? QStringLiteral("1") : QStringLiteral("0"),
                                    number(r.seconds),
                                    QString::fromStdString(workflow::runStateName(r.state)),
                                    csvField(QString::fromStdString(r.problem)),
                                    csvField(folder),
                                    csvField(QString::fromStdString(workflow::joinTags(r.tags))),
                                    csvField(QString::fromStdString(r.notes))};
        out += fields.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    return out;
}

} // namespace tleg::gui
