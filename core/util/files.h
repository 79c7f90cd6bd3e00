#pragma once
// Small file helpers: atomic text writes (temp file + rename) and appends.
// Usage:
//   writeTextAtomic(joinPath(runDir, "metrics.csv"), csv);   // readers never see half a file
//   appendLine(joinPath(runDir, "log.txt"), "[" + timestamp() + "] epoch 1/6 ...");
#include <string>

namespace tleg {

/// A temporary name beside path, unique within this process too ("<path>.tmp-<pid>-<n>"), so
/// two threads saving the same file never write into one temporary.
std::string temporaryPathFor(const std::string& path);
/// Writes text to temporaryPathFor(path) and renames it over path; throws tleg::Error on failure.
void writeTextAtomic(const std::string& path, const std::string& text);
/// Appends one line (a newline is added); throws tleg::Error on failure.
void appendLine(const std::string& path, const std::string& line);
/// Creates the directory and its parents; throws tleg::Error on failure.
void makeDirs(const std::string& path);
bool fileExists(const std::string& path);
/// Throws tleg::Error naming path unless it is a regular file (or a link to one): reading a
/// FIFO, a device or a directory would block or never end. Only stats it, never opens it.
void requireRegularFile(const std::string& path);
std::string joinPath(const std::string& dir, const std::string& name);
/// Local time as "2026-11-27 10:15:00".
std::string timestamp();

} // namespace tleg
