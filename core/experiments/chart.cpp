#include "experiments/chart.h"

#include "util/error.h"
#include "util/files.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tleg::experiments {

namespace {

constexpr int kWidth = 900, kHeight = 540;
constexpr int kLeft = 80, kTop = 50, kBottom = 80;
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;

const cv::Scalar kInk(40, 40, 40), kGrid(225, 225, 225), kWhite(255, 255, 255);
// Tableau-like colours, BGR.
const cv::Scalar kColours[] = {{180, 119, 31}, {14, 127, 255}, {44, 160, 44}, {40, 39, 214},
                               {189, 103, 148}, {75, 86, 140}, {194, 119, 227}, {127, 127, 127}};

cv::Scalar colour(size_t i)
{
    return kColours[i % (sizeof kColours / sizeof kColours[0])];
}

void text(cv::Mat& img, const std::string& s, cv::Point at, double scale, int align = 0,
          const cv::Scalar& c = kInk)
{
    int base = 0;
    const cv::Size size = cv::getTextSize(s, kFont, scale, 1, &base);
    if (align == 1)
        at.x -= size.width / 2;
    else if (align == 2)
        at.x -= size.width;
    cv::putText(img, s, at, kFont, scale, c, 1, cv::LINE_AA);
}

std::string label(double v, double step)
{
    char buf[32];
    const int decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3;
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

/// A tick step of 1, 2 or 5 × 10^k giving about `count` intervals.
double niceStep(double span, int count)
{
    const double raw = span / std::max(1, count);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (raw <= m * mag)
            return m * mag;
    return 10 * mag;
}

struct Axis {
    double lo = 0, hi = 1, step = 0.2;
    void fit(double a, double b, int count)
    {
        if (!(b > a)) {
            a -= 1;
            b += 1;
        }
        const double pad = (b - a) * 0.06;
        step = niceStep(b - a + 2 * pad, count);
        lo = std::floor((a - pad) / step) * step;
        hi = std::ceil((b + pad) / step) * step;
    }
};

} // namespace

void savePng(const Chart& chart, const std::string& path)
{
    if (chart.series.empty())
        throw Error("chart '" + chart.title + "': no data");
    const bool bars = !chart.categories.empty();
    double ylo = 1e300, yhi = -1e300, xlo = 1e300, xhi = -1e300;
    for (const auto& s : chart.series) {
        for (size_t i = 0; i < s.y.size(); ++i) {
            const double e = i < s.err.size() ? s.err[i] : 0.0;
            if (!std::isfinite(s.y[i]))
                continue;
            ylo = std::min(ylo, s.y[i] - e);
            yhi = std::max(yhi, s.y[i] + e);
            if (!bars) {
                xlo = std::min(xlo, s.x.at(i));
                xhi = std::max(xhi, s.x.at(i));
            }
        }
    }
    if (ylo > yhi)
        throw Error("chart '" + chart.title + "': no finite values");
    Axis ya, xa;
    if (bars)
        ylo = std::min(ylo, 0.0); // bars start at zero...
    ya.fit(ylo, yhi, 6);
    if (bars && ylo >= 0)
        ya.lo = 0; // ...without padding below it
    if (!bars)
        xa.fit(xlo, xhi, 8);

    int legend = 0; // the right margin holds the legend: as wide as its longest name
    for (const auto& s : chart.series) {
        int base = 0;
        legend = std::max(legend, cv::getTextSize(s.name, kFont, 0.45, 1, &base).width);
    }
    const int right = std::min(kWidth / 2, std::max(120, legend + 60));
    cv::Mat img(kHeight, kWidth, CV_8UC3, kWhite);
    const int x0 = kLeft, x1 = kWidth - right, y0 = kHeight - kBottom, y1 = kTop;
    auto py = [&](double v) {
        return static_cast<int>(std::lround(y0 - (v - ya.lo) / (ya.hi - ya.lo) * (y0 - y1)));
    };
    auto px = [&](double v) {
        return static_cast<int>(std::lround(x0 + (v - xa.lo) / (xa.hi - xa.lo) * (x1 - x0)));
    };

    for (double v = ya.lo; v <= ya.hi + ya.step * 0.5; v += ya.step) {
        cv::line(img, {x0, py(v)}, {x1, py(v)}, kGrid, 1);
        text(img, label(v, ya.step), {x0 - 8, py(v) + 5}, 0.45, 2);
    }
    const size_t categories = chart.categories.size();
    if (bars) {
        const double slot = double(x1 - x0) / categories;
        const double barWidth = slot * 0.8 / chart.series.size();
        for (size_t c = 0; c < categories; ++c) {
            const int centre = static_cast<int>(x0 + slot * (c + 0.5));
            text(img, chart.categories[c], {centre, y0 + 22}, 0.45, 1);
            for (size_t s = 0; s < chart.series.size(); ++s) {
                const auto& ser = chart.series[s];
                if (c >= ser.y.size() || !std::isfinite(ser.y[c]))
                    continue;
                const int left = static_cast<int>(x0 + slot * c + slot * 0.1 + barWidth * s);
                const int right = static_cast<int>(left + barWidth) - 2;
                const int base = py(std::max(ya.lo, 0.0));
                cv::rectangle(img, {left, std::min(base, py(ser.y[c]))},
                              {right, std::max(base, py(ser.y[c]))}, colour(s), cv::FILLED);
                if (c < ser.err.size() && ser.err[c] > 0) {
                    const int mid = (left + right) / 2;
                    cv::line(img, {mid, py(ser.y[c] - ser.err[c])},
                             {mid, py(ser.y[c] + ser.err[c])}, kInk, 1, cv::LINE_AA);
                    cv::line(img, {mid - 4, py(ser.y[c] + ser.err[c])},
                             {mid + 4, py(ser.y[c] + ser.err[c])}, kInk, 1, cv::LINE_AA);
                    cv::line(img, {mid - 4, py(ser.y[c] - ser.err[c])},
                             {mid + 4, py(ser.y[c] - ser.err[c])}, kInk, 1, cv::LINE_AA);
                }
            }
        }
    } else {
        for (double v = xa.lo; v <= xa.hi + xa.step * 0.5; v += xa.step) {
            cv::line(img, {px(v), y0}, {px(v), y0 + 5}, kInk, 1);
            text(img, label(v, xa.step), {px(v), y0 + 22}, 0.45, 1);
        }
        for (size_t s = 0; s < chart.series.size(); ++s) {
            const auto& ser = chart.series[s];
            cv::Point prev(-1, -1);
            for (size_t i = 0; i < ser.y.size(); ++i) {
                if (!std::isfinite(ser.y[i]))
                    continue;
                const cv::Point p(px(ser.x.at(i)), py(ser.y[i]));
                if (prev.x >= 0)
                    cv::line(img, prev, p, colour(s), 2, cv::LINE_AA);
                cv::circle(img, p, 4, colour(s), cv::FILLED, cv::LINE_AA);
                if (i < ser.err.size() && ser.err[i] > 0) {
                    const int a = py(ser.y[i] - ser.err[i]), b = py(ser.y[i] + ser.err[i]);
                    cv::line(img, {p.x, a}, {p.x, b}, colour(s), 1, cv::LINE_AA);
                    cv::line(img, {p.x - 4, a}, {p.x + 4, a}, colour(s), 1, cv::LINE_AA);
                    cv::line(img, {p.x - 4, b}, {p.x + 4, b}, colour(s), 1, cv::LINE_AA);
                }
                prev = p;
            }
        }
    }
    cv::rectangle(img, {x0, y1}, {x1, y0}, kInk, 1);
    text(img, chart.title, {kWidth / 2, 30}, 0.6, 1);
    text(img, chart.xLabel, {(x0 + x1) / 2, kHeight - 25}, 0.5, 1);
    cv::Mat yl(30, y0 - y1, CV_8UC3, kWhite); // the y label, drawn flat and turned
    text(yl, chart.yLabel, {(y0 - y1) / 2, 20}, 0.5, 1);
    cv::rotate(yl, yl, cv::ROTATE_90_COUNTERCLOCKWISE);
    yl.copyTo(img(cv::Rect(8, y1, yl.cols, yl.rows)));
    for (size_t s = 0; s < chart.series.size(); ++s) {
        const int y = y1 + 12 + static_cast<int>(s) * 22;
        cv::rectangle(img, {x1 + 15, y - 8}, {x1 + 31, y + 4}, colour(s), cv::FILLED);
        text(img, chart.series[s].name, {x1 + 38, y + 3}, 0.45, 0);
    }

    std::vector<uchar> png;
    if (!cv::imencode(".png", img, png))
        throw fileError(path, "cannot encode the PNG");
    writeTextAtomic(path, std::string(png.begin(), png.end()));
}

} // namespace tleg::experiments
