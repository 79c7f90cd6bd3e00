#include "experiments/chart.h"

#include "util/error.h"
#include "util/files.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

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

/// The plot area of one chart and its drawing steps.
class Canvas {
public:
    explicit Canvas(const Chart& chart) : m_chart(chart), m_bars(!chart.categories.empty())
    {
        fitAxes();
        int legend = 0; // the right margin holds the legend: as wide as its longest name
        for (const auto& s : chart.series) {
            int base = 0;
            legend = std::max(legend, cv::getTextSize(s.name, kFont, 0.45, 1, &base).width);
        }
        m_x1 = kWidth - std::min(kWidth / 2, std::max(120, legend + 60));
        m_img = cv::Mat(kHeight, kWidth, CV_8UC3, kWhite);
    }

    cv::Mat draw()
    {
        for (double v = m_ya.lo; v <= m_ya.hi + m_ya.step * 0.5; v += m_ya.step) {
            cv::line(m_img, {m_x0, py(v)}, {m_x1, py(v)}, kGrid, 1);
            text(m_img, label(v, m_ya.step), {m_x0 - 8, py(v) + 5}, 0.45, 2);
        }
        if (m_bars)
            drawBars();
        else
            drawLines();
        drawFrame();
        return m_img;
    }

private:
    void fitAxes()
    {
        double ylo = 1e300, yhi = -1e300, xlo = 1e300, xhi = -1e300;
        for (const auto& s : m_chart.series)
            for (size_t i = 0; i < s.y.size(); ++i) {
                const double e = i < s.err.size() ? s.err[i] : 0.0;
                if (!std::isfinite(s.y[i]))
                    continue;
                ylo = std::min(ylo, s.y[i] - e);
                yhi = std::max(yhi, s.y[i] + e);
                if (!m_bars) {
                    xlo = std::min(xlo, s.x.at(i));
                    xhi = std::max(xhi, s.x.at(i));
                }
            }
        if (ylo > yhi)
            throw Error("chart '" + m_chart.title + "': no finite values");
        if (m_bars)
            ylo = std::min(ylo, 0.0); // bars start at zero...
        m_ya.fit(ylo, yhi, 6);
        if (m_bars && ylo >= 0)
            m_ya.lo = 0; // ...without padding below it
        if (!m_bars)
            m_xa.fit(xlo, xhi, 8);
        if (!m_bars && m_chart.wholeX) { // depths and layers: no tick at 1.5
            m_xa.step = std::max(1.0, std::round(m_xa.step));
            m_xa.lo = std::floor(m_xa.lo / m_xa.step) * m_xa.step;
            m_xa.hi = std::ceil(m_xa.hi / m_xa.step) * m_xa.step;
        }
    }

    int py(double v) const
    {
        return static_cast<int>(
            std::lround(m_y0 - (v - m_ya.lo) / (m_ya.hi - m_ya.lo) * (m_y0 - m_y1)));
    }
    int px(double v) const
    {
        return static_cast<int>(
            std::lround(m_x0 + (v - m_xa.lo) / (m_xa.hi - m_xa.lo) * (m_x1 - m_x0)));
    }

    /// A vertical ± err bar with caps at x.
    void errorBar(int x, double y, double err, const cv::Scalar& c)
    {
        const int a = py(y - err), b = py(y + err);
        cv::line(m_img, {x, a}, {x, b}, c, 1, cv::LINE_AA);
        cv::line(m_img, {x - 4, a}, {x + 4, a}, c, 1, cv::LINE_AA);
        cv::line(m_img, {x - 4, b}, {x + 4, b}, c, 1, cv::LINE_AA);
    }

    void drawBars()
    {
        const size_t categories = m_chart.categories.size();
        const double slot = double(m_x1 - m_x0) / categories;
        const double barWidth = slot * 0.8 / m_chart.series.size();
        for (size_t c = 0; c < categories; ++c) {
            const int centre = static_cast<int>(m_x0 + slot * (c + 0.5));
            text(m_img, m_chart.categories[c], {centre, m_y0 + 22}, 0.45, 1);
            for (size_t s = 0; s < m_chart.series.size(); ++s) {
                const auto& ser = m_chart.series[s];
                if (c >= ser.y.size() || !std::isfinite(ser.y[c]))
                    continue;
                const int left = static_cast<int>(m_x0 + slot * c + slot * 0.1 + barWidth * s);
                const int right = static_cast<int>(left + barWidth) - 2;
                const int base = py(std::max(m_ya.lo, 0.0));
                cv::rectangle(m_img, {left, std::min(base, py(ser.y[c]))},
                              {right, std::max(base, py(ser.y[c]))}, colour(s), cv::FILLED);
                if (c < ser.err.size() && ser.err[c] > 0)
                    errorBar((left + right) / 2, ser.y[c], ser.err[c], kInk);
            }
        }
    }

    void drawLines()
    {
        for (double v = m_xa.lo; v <= m_xa.hi + m_xa.step * 0.5; v += m_xa.step) {
            cv::line(m_img, {px(v), m_y0}, {px(v), m_y0 + 5}, kInk, 1);
            text(m_img, label(v, m_xa.step), {px(v), m_y0 + 22}, 0.45, 1);
        }
        for (size_t s = 0; s < m_chart.series.size(); ++s) {
            const auto& ser = m_chart.series[s];
            cv::Point prev(-1, -1);
            for (size_t i = 0; i < ser.y.size(); ++i) {
                if (!std::isfinite(ser.y[i]))
                    continue;
                const cv::Point p(px(ser.x.at(i)), py(ser.y[i]));
                if (prev.x >= 0)
                    cv::line(m_img, prev, p, colour(s), 2, cv::LINE_AA);
                cv::circle(m_img, p, 4, colour(s), cv::FILLED, cv::LINE_AA);
                if (i < ser.err.size() && ser.err[i] > 0)
                    errorBar(p.x, ser.y[i], ser.err[i], colour(s));
                prev = p;
            }
        }
    }

    /// The frame, title, axis labels and the legend.
    void drawFrame()
    {
        cv::rectangle(m_img, {m_x0, m_y1}, {m_x1, m_y0}, kInk, 1);
        text(m_img, m_chart.title, {kWidth / 2, 30}, 0.6, 1);
        text(m_img, m_chart.xLabel, {(m_x0 + m_x1) / 2, kHeight - 25}, 0.5, 1);
        cv::Mat yl(30, m_y0 - m_y1, CV_8UC3, kWhite); // the y label, drawn flat and turned
        text(yl, m_chart.yLabel, {(m_y0 - m_y1) / 2, 20}, 0.5, 1);
        cv::rotate(yl, yl, cv::ROTATE_90_COUNTERCLOCKWISE);
        yl.copyTo(m_img(cv::Rect(8, m_y1, yl.cols, yl.rows)));
        for (size_t s = 0; s < m_chart.series.size(); ++s) {
            const int y = m_y1 + 12 + static_cast<int>(s) * 22;
            cv::rectangle(m_img, {m_x1 + 15, y - 8}, {m_x1 + 31, y + 4}, colour(s), cv::FILLED);
            text(m_img, m_chart.series[s].name, {m_x1 + 38, y + 3}, 0.45, 0);
        }
    }

    const Chart& m_chart;
    const bool m_bars;
    Axis m_ya, m_xa;
    int m_x0 = kLeft, m_x1 = kWidth, m_y0 = kHeight - kBottom, m_y1 = kTop;
    cv::Mat m_img;
};

} // namespace

void savePng(const Chart& chart, const std::string& path)
{
    if (chart.series.empty())
        throw Error("chart '" + chart.title + "': no data");
    const cv::Mat img = Canvas(chart).draw();
    std::vector<uchar> png;
    if (!cv::imencode(".png", img, png))
        throw fileError(path, "cannot encode the PNG");
    writeTextAtomic(path, std::string(png.begin(), png.end()));
}

nlohmann::json toJson(const Chart& chart)
{
    nlohmann::json series = nlohmann::json::array();
    for (const Series& s : chart.series)
        series.push_back({{"name", s.name}, {"x", s.x}, {"y", s.y}, {"err", s.err}});
    return {{"title", chart.title},       {"x_label", chart.xLabel},
            {"y_label", chart.yLabel},    {"whole_x", chart.wholeX},
            {"categories", chart.categories}, {"series", series}};
}

Chart chartFromJson(const nlohmann::json& j)
{
    Chart c;
    std::string field = "chart";
    try {
        if (!j.is_object())
            throw Error("not an object");
        field = "title";
        c.title = j.at("title").get<std::string>();
        field = "x_label";
        c.xLabel = j.at("x_label").get<std::string>();
        field = "y_label";
        c.yLabel = j.at("y_label").get<std::string>();
        field = "whole_x";
        c.wholeX = j.value("whole_x", false);
        field = "categories";
        c.categories = j.value("categories", std::vector<std::string>{});
        for (const auto& s : j.at("series")) {
            field = "series";
            Series one;
            one.name = s.at("name").get<std::string>();
            one.x = s.value("x", std::vector<double>{});
            one.y = s.at("y").get<std::vector<double>>();
            one.err = s.value("err", std::vector<double>{});
            const size_t n = c.categories.empty() ? one.x.size() : c.categories.size();
            if (one.y.size() != n || (!one.err.empty() && one.err.size() != n))
                throw Error("series '" + one.name + "' has " + std::to_string(one.y.size())
                            + " values for " + std::to_string(n) + " points");
            c.series.push_back(std::move(one));
        }
    } catch (const nlohmann::json::exception& e) {
        throw Error("chart field '" + field + "': " + e.what());
    } catch (const Error& e) {
        throw Error("chart field '" + field + "': " + e.what());
    }
    return c;
}

std::string chartsJson(const std::vector<std::pair<std::string, Chart>>& charts)
{
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [file, chart] : charts)
        list.push_back({{"file", file}, {"chart", toJson(chart)}});
    return list.dump(1) + "\n";
}

std::vector<std::pair<std::string, Chart>> readCharts(const std::string& folder)
{
    const std::string path = joinPath(folder, kChartsFile);
    std::vector<std::pair<std::string, Chart>> charts;
    if (!fileExists(path))
        return charts;
    requireRegularFile(path);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw fileError(path, "cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    try {
        const nlohmann::json list = nlohmann::json::parse(text.str());
        if (!list.is_array())
            throw Error("not a list of charts");
        for (const auto& item : list) {
            if (!item.is_object() || !item.contains("file") || !item["file"].is_string())
                throw Error("a chart without its 'file'");
            charts.emplace_back(item["file"].get<std::string>(),
                                chartFromJson(item.value("chart", nlohmann::json())));
        }
    } catch (const nlohmann::json::exception& e) {
        throw fileError(path, std::string("not valid JSON: ") + e.what());
    } catch (const Error& e) {
        throw fileError(path, e.what());
    }
    return charts;
}

} // namespace tleg::experiments
