#pragma once
// Texts that several pages show the same way.
// Usage:
//   label->setText(tr("ETA %1").arg(formatDuration(eta)));   // "12 s", "3 min 05 s", "1 h 02 min"
#include <QString>

namespace tleg::gui {

/// A duration for people, translated: "12 s", "3 min 05 s", "1 h 02 min".
QString formatDuration(double seconds);

} // namespace tleg::gui
