#pragma once
// What differs between runs: the settings in each run's config.json ("job" and every field of
// its spec, flattened to "train.lr", "init.expand.depth"), keeping only the fields whose values
// are not all the same. A run whose config.json cannot be read shows why in every row.
// Usage:
//   runInBackground(this, [folders] { return diffRunSettings(folders); }, show);
#include <QString>
#include <QStringList>

#include <string>
#include <vector>

namespace tleg::gui {

struct SettingDiff {
    QString key;        ///< "train.lr"
    QStringList values; ///< one per run, in the order given ("" where a run lacks the field)
};

/// Reads each folder's config.json (workflow::readRunRecord) and returns the differing fields,
/// sorted by key. Never throws for a run that cannot be read: its values say why.
std::vector<SettingDiff> diffRunSettings(const std::vector<std::string>& folders);

} // namespace tleg::gui
