#pragma once
// Training progress on the terminal: a redrawn bar with ETA on a TTY (at most 10 Hz), plain
// lines otherwise (one per quarter epoch and one per finished epoch), so logs stay readable.
// Usage:
//   ProgressPrinter printer("distill");  train(..., std::ref(printer), ...);
//   printer.line("learngene -> runs/aux-net/learngene.safetensors");
#include "train/trainer.h"

#include <chrono>
#include <functional>
#include <string>

namespace tleg::cli {

class ProgressPrinter {
public:
    explicit ProgressPrinter(std::string label);
    void setLabel(std::string label) { m_label = std::move(label); }
    bool operator()(const train::Progress& p);
    /// One line of its own (a job's log line), clearing a bar drawn on a TTY first.
    void line(const std::string& text) const;

private:
    std::string m_label;
    bool m_tty;
    std::chrono::steady_clock::time_point m_lastDraw;
    int64_t m_lastQuarter = -1;
};

/// Image decoding progress for data::OpenOptions::progress: a redrawn bar on a TTY (at most
/// 10 Hz), otherwise a line at 0, 25, 50, 75 and 100 %; one state per returned function.
std::function<bool(int64_t done, int64_t total)> imageDecodeProgress();

/// "1h02m", "3m05s", "12s".
std::string formatDuration(double seconds);

} // namespace tleg::cli
