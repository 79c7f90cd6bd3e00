#include "experiments/report.h"

#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace tleg::experiments {

Stats stats(const std::vector<double>& values)
{
    Stats s;
    s.n = static_cast<int>(values.size());
    if (s.n == 0)
        return s;
    for (double v : values)
        s.mean += v;
    s.mean /= s.n;
    if (s.n > 1) {
        double ss = 0;
        for (double v : values)
            ss += (v - s.mean) * (v - s.mean);
        s.std = std::sqrt(ss / (s.n - 1));
    }
    return s;
}

std::string num(double v, int decimals)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string signedNum(double v, int decimals)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%+.*f", decimals, v);
    return buf;
}

std::string millions(double v)
{
    return num(v / 1e6, 3);
}

std::string pm(const Stats& s, int decimals)
{
    if (s.n == 0)
        return "–";
    if (s.n == 1)
        return num(s.mean, decimals);
    return num(s.mean, decimals) + " ± " + num(s.std, decimals);
}

std::vector<Record> Records::of(const std::string& method, int64_t depth) const
{
    std::vector<Record> out;
    for (const auto& r : m_records)
        if (r.method == method && (depth <= 0 || r.depth == depth))
            out.push_back(r);
    return out;
}

Stats Records::top1(const std::string& method, int64_t depth) const
{
    std::vector<double> v;
    for (const auto& r : of(method, depth))
        v.push_back(r.top1);
    return stats(v);
}

Stats Records::top5(const std::string& method, int64_t depth) const
{
    std::vector<double> v;
    for (const auto& r : of(method, depth))
        v.push_back(r.top5);
    return stats(v);
}

std::string Records::perSeedCsv() const
{
    Table t({"method", "depth", "seed", "top1", "top5", "params", "s_params", "seconds", "images",
             "model"});
    for (const auto& r : m_records)
        t.add({r.method, std::to_string(r.depth), std::to_string(r.seed), num(r.top1, 4),
               num(r.top5, 4), std::to_string(r.params), std::to_string(r.sParams),
               num(r.seconds, 2), std::to_string(r.images), r.model});
    return t.csv();
}

std::string Records::summaryCsv() const
{
    Table t({"method", "depth", "n", "top1_mean", "top1_std", "top5_mean", "top5_std",
             "params", "s_params", "seconds_mean"});
    std::vector<std::pair<std::string, int64_t>> groups;
    for (const auto& r : m_records) {
        const std::pair<std::string, int64_t> g{r.method, r.depth};
        if (std::find(groups.begin(), groups.end(), g) == groups.end())
            groups.push_back(g);
    }
    for (const auto& [method, depth] : groups) {
        const auto rs = of(method, depth);
        std::vector<double> secs;
        for (const auto& r : rs)
            secs.push_back(r.seconds);
        const Stats a = top1(method, depth), b = top5(method, depth);
        t.add({method, std::to_string(depth), std::to_string(a.n), num(a.mean, 4), num(a.std, 4),
               num(b.mean, 4), num(b.std, 4), std::to_string(rs.front().params),
               std::to_string(rs.front().sParams), num(stats(secs).mean, 2)});
    }
    return t.csv();
}

Table::Table(std::vector<std::string> header) : m_header(std::move(header)) {}

void Table::add(std::vector<std::string> row)
{
    if (row.size() != m_header.size())
        throw Error("table: a row has " + std::to_string(row.size()) + " cells, the header " +
                    std::to_string(m_header.size()));
    m_rows.push_back(std::move(row));
}

std::string Table::markdown() const
{
    std::ostringstream os;
    auto line = [&](const std::vector<std::string>& cells) {
        os << '|';
        for (const auto& c : cells)
            os << ' ' << c << " |";
        os << '\n';
    };
    line(m_header);
    os << '|';
    for (size_t i = 0; i < m_header.size(); ++i)
        os << (i == 0 ? ":---|" : "---:|");
    os << '\n';
    for (const auto& r : m_rows)
        line(r);
    return os.str();
}

std::string Table::csv() const
{
    std::ostringstream os;
    auto line = [&](const std::vector<std::string>& cells) {
        for (size_t i = 0; i < cells.size(); ++i) {
            const std::string& c = cells[i];
            if (i)
                os << ',';
            if (c.find_first_of(",\"\n") == std::string::npos) {
                os << c;
                continue;
            }
            os << '"';
            for (char ch : c)
                os << (ch == '"' ? "\"\"" : std::string(1, ch));
            os << '"';
        }
        os << '\n';
    };
    line(m_header);
    for (const auto& r : m_rows)
        line(r);
    return os.str();
}

} // namespace tleg::experiments
