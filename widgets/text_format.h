#pragma once
// Texts that several pages show the same way.
// Usage:
//   label->setText(tr("ETA %1").arg(formatDuration(eta)));   // "12 s", "3 min 05 s", "1 h 02 min"
//   label->setText(tr("%1 parameters").arg(formatCount(cfg.totalParams())));   // "5.361 M"
//   label->setText(datasetName(split.train.name));                  // "pets", not "pets/train"
//   catch (const std::exception& e) { showError(errorText(e)); }    // one line, no backtrace
#include <QString>

#include <cstdint>
#include <exception>
#include <string>

namespace tleg::gui {

/// A duration for people, translated: "12 s", "3 min 05 s", "1 h 02 min".
QString formatDuration(double seconds);

/// A parameter or MAC count: "0.123 M" below a billion, "1.23 G" from there.
QString formatCount(int64_t n);

/// A dataset's name without the split the core appends to folders ("pets/train" -> "pets").
QString datasetName(const std::string& name);

/// What a failed job says, in one line: the message of a tleg::Error as it is; LibTorch's
/// (which carry a C++ backtrace of 20+ frames) and OpenCV's reduced to their first line, and
/// without LibTorch's "(Could this error message be improved? …)".
QString errorText(const std::exception& e);

/// message without a leading "path: " (the core's errors start with the file they name), for a
/// line that names the file itself first.
QString withoutPathPrefix(const QString& message, const QString& path);

} // namespace tleg::gui
