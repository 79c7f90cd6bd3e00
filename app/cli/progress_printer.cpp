#include "cli/progress_printer.h"

#include "cli/options.h"

#include <cstdio>
#include <memory>
#include <unistd.h>

namespace tleg::cli {

std::string formatDuration(double seconds)
{
    const auto s = static_cast<long long>(seconds + 0.5);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, (s / 60) % 60);
    else if (s >= 60)
        std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%llds", s);
    return buf;
}

ProgressPrinter::ProgressPrinter(std::string label)
    : m_label(std::move(label)), m_tty(::isatty(STDOUT_FILENO) != 0)
{
}

void ProgressPrinter::line(const std::string& text) const
{
    std::printf("%s%s\n", m_tty ? "\r\033[K" : "", text.c_str());
    std::fflush(stdout);
}

bool ProgressPrinter::operator()(const train::Progress& p)
{
    noteProgress();
    if (p.epochDone) {
        const auto& r = *p.epochDone;
        std::printf("%s[%s] epoch %lld/%lld  loss %.4f  train top-1 %.2f%%  val top-1 %.2f%%  "
                    "top-5 %.2f%%  %.0f img/s  %s\n",
                    m_tty ? "\r\033[K" : "", m_label.c_str(), static_cast<long long>(r.epoch),
                    static_cast<long long>(p.epochs), r.trainLoss, r.trainTop1, r.valTop1,
                    r.valTop5, r.imagesPerSecond, formatDuration(r.seconds).c_str());
        std::fflush(stdout);
        m_lastQuarter = -1;
        return true;
    }
    const double frac = p.batches ? static_cast<double>(p.batch) / static_cast<double>(p.batches) : 0.0;
    if (m_tty) {
        const auto now = std::chrono::steady_clock::now();
        if (p.batch != 1 && now - m_lastDraw < std::chrono::milliseconds(100))
            return true;
        m_lastDraw = now;
        constexpr int kWidth = 24;
        const int filled = static_cast<int>(frac * kWidth);
        std::string bar(static_cast<size_t>(filled), '#');
        bar.resize(kWidth, '.');
        std::printf("\r\033[K[%s] epoch %lld/%lld [%s] %3.0f%%  loss %.4f  lr %.2e  ETA %s",
                    m_label.c_str(), static_cast<long long>(p.epoch),
                    static_cast<long long>(p.epochs), bar.c_str(), frac * 100.0, p.loss, p.lr,
                    formatDuration(p.etaSeconds).c_str());
        std::fflush(stdout);
    } else {
        const auto quarter = static_cast<int64_t>(frac * 4.0);
        if (quarter > m_lastQuarter && quarter > 0 && quarter < 4) {
            m_lastQuarter = quarter;
            std::printf("[%s] epoch %lld/%lld %3.0f%%  loss %.4f  lr %.2e  ETA %s\n",
                        m_label.c_str(), static_cast<long long>(p.epoch),
                        static_cast<long long>(p.epochs), frac * 100.0, p.loss, p.lr,
                        formatDuration(p.etaSeconds).c_str());
            std::fflush(stdout);
        }
    }
    return true;
}

std::function<bool(int64_t, int64_t)> imageDecodeProgress()
{
    struct State {
        bool tty = ::isatty(STDOUT_FILENO) != 0;
        std::chrono::steady_clock::time_point lastDraw;
        int64_t lastQuarter = -1;
    };
    auto s = std::make_shared<State>();
    return [s](int64_t done, int64_t total) {
        const bool last = done >= total;
        const double frac = total > 0 ? double(done) / double(total) : 1.0;
        const auto n = static_cast<long long>(done);
        const auto of = static_cast<long long>(total);
        if (s->tty) {
            const auto now = std::chrono::steady_clock::now();
            if (done > 0 && !last && now - s->lastDraw < std::chrono::milliseconds(100))
                return true;
            s->lastDraw = now;
            constexpr int kWidth = 24;
            std::string bar(static_cast<size_t>(frac * kWidth), '#');
            bar.resize(kWidth, '.');
            std::printf("\r\033[Kdecoding images [%s] %3.0f%%  %lld/%lld%s", bar.c_str(),
                        frac * 100.0, n, of, last ? "\n" : "");
        } else {
            const int64_t quarter = last ? 4 : static_cast<int64_t>(frac * 4.0);
            if (quarter <= s->lastQuarter)
                return true;
            s->lastQuarter = last ? -1 : quarter; // the next folder starts again at 0 %
            std::printf("decoding images: %3.0f%% (%lld/%lld)\n", frac * 100.0, n, of);
        }
        std::fflush(stdout);
        return true;
    };
}

} // namespace tleg::cli
