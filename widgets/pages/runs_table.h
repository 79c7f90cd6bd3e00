#pragma once
// The Runs page's table: one row per run (name, kind, depth, parameters, epochs, validation
// top-1 of the chosen epoch, its test top-1, duration, state), numbers sorting as numbers and names in natural order, each row
// knowing its run folder; and the table as CSV. It shows what it is given and keeps the
// selection across updates; listing and watching the folder are the page's.
// Usage:
//   auto* table = new RunsTable(this);
//   table->showRuns(runs, state.runFolder);           // runs: folder key -> workflow::RunInfo
//   for (const QString& folder : table->selectedFolders()) ...
//   QString csv = table->csv(runs);
#include "workflow/run_index.h"

#include <QHash>
#include <QStringList>
#include <QTableWidget>

namespace tleg::gui {

class RunsTable : public QTableWidget {
    Q_OBJECT
public:
    /// Columns, in order.
    enum Column {
        Name,
        Kind,
        Depth,
        Parameters,
        Epochs,
        ValTop1,
        TestTop1,
        Duration,
        State,
        Tags, // notes.json's tags; its notes are the Name cell's tooltip
        Columns
    };

    explicit RunsTable(QWidget* parent = nullptr);

    /// One row per run of runs (keyed by canonical folder), named relative to root; the runs
    /// that were selected stay selected, without a selection signal.
    void showRuns(const QHash<QString, workflow::RunInfo>& runs, const QString& root);
    /// Run folders (keys) in table order, and those selected.
    QStringList folders() const;
    QStringList selectedFolders() const;
    /// Selects the rows of these folder keys (the others are deselected).
    void selectFolders(const QStringList& keys);
    /// The folder key of a row's run; empty outside the table.
    QString folderAt(int row) const;
    /// The table as CSV (raw numbers from runs, current sort order): what Export CSV writes.
    QString csv(const QHash<QString, workflow::RunInfo>& runs) const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void setRow(int row, const workflow::RunInfo& run, const QString& folder, const QString& root);
};

/// A run's role in the UI language ("des-net"); other kinds as they are, "–" for none.
QString runKindText(const std::string& kind);

} // namespace tleg::gui
