#pragma once
// Workspaces: what is open in the studio, as a JSON file the user can keep beside a project —
// the dataset (its DataSpec), the ancestry model and the teacher, the learngene on the Expand
// page with its depth, epochs and several-depths list, the models compared on Linearity, the
// runs selected on the Runs page and the page shown. Restoring opens each again as the user
// would (in the background); a file that is gone is skipped and named, never fatal.
// Usage:
//   saveWorkspace(window, "study.tleg-workspace");              // File ▸ Save workspace…
//   const QStringList skipped = openWorkspace(window, path);    // File ▸ Open workspace…
//   saveWorkspace(window, lastWorkspacePath());                 // on close; at start when
//   if (settings.restoreWorkspace) openWorkspace(window, lastWorkspacePath());   // wanted
#include <nlohmann/json.hpp>

#include <QString>
#include <QStringList>

namespace tleg::gui {

class MainWindow;

/// The window's open things as JSON ({"tleg_workspace": 1, "data": {...}, "ancestry": ...}).
nlohmann::json captureWorkspace(const MainWindow& window);
/// Opens what json names in window; returns one line per thing that could not be opened (a
/// file that is gone). Throws tleg::Error naming the field when json is not a workspace.
QStringList restoreWorkspace(MainWindow& window, const nlohmann::json& json);

/// Writes captureWorkspace(window) to path (atomically); throws tleg::Error naming the file.
void saveWorkspace(const MainWindow& window, const QString& path);
/// Reads path and restores it; throws tleg::Error naming the file (and the field).
QStringList openWorkspace(MainWindow& window, const QString& path);

/// Where the workspace of the last session is kept (the per-user data folder).
QString lastWorkspacePath();

} // namespace tleg::gui
