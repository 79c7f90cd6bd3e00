#pragma once
// Texts that several pages show the same way.
// Usage:
//   label->setText(tr("ETA %1").arg(formatDuration(eta)));   // "12 s", "3 min 05 s", "1 h 02 min"
//   label->setText(tr("%1 parameters").arg(formatCount(cfg.totalParams())));   // "5.361 M"
//   label->setText(tr("top-1 %1%").arg(formatNumber(top1, 2)));      // "81.25", German "81,25"
//   box->setSuffix(epochSuffix(box->value()));                      // "1 epoch", "2 epochs"
//   label->setText(withPlural(tr("%n model(s)", nullptr, n), n));   // "1 model", "2 models"
//   label->setText(datasetName(split.train.name));                  // "pets", not "pets/train"
//   catch (const std::exception& e) { showError(errorText(e)); }    // one line, no backtrace
#include <QString>

#include <cstdint>
#include <exception>
#include <string>

namespace tleg::gui {

/// A duration for people, translated: "12 s", "3 min 05 s", "1 h 02 min".
QString formatDuration(double seconds);

/// A parameter or MAC count: "0.123 M" below a billion, "1.23 G" from there, in the UI
/// language ("0,123 Mio.", "1,23 Mrd.").
QString formatCount(int64_t n);

/// x with this many decimals as the UI language writes numbers ("0.5", German "0,5"; no group
/// separators): QLocale(), which Translations sets with the language.
QString formatNumber(double x, int decimals);

/// text, a tr() with %n, as the UI language says it for n: the translation has its plural
/// forms; English, the source language, has no translation file, so there "(s)" becomes "" for
/// 1 and "s" otherwise ("1 model(s)" -> "1 model").
QString withPlural(QString text, int64_t n);

/// "1 epoch", "3 epochs" in the UI language (its plural forms: tr with %n).
QString epochCount(int n);
/// What follows the number in epochCount(n) (" epoch", " epochs"): a spin box's suffix.
QString epochSuffix(int n);

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
