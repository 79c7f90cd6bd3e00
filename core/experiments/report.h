#pragma once
// Internal to the experiments: mean ± std over seeds, tables written as Markdown and CSV.
// Usage:
//   Table t({"Depth", "Scratch top-1", "TLEG top-1"});
//   t.add({"2", pm(stats(scratch)), pm(stats(tleg))});
//   os << t.markdown();  writeTextAtomic(dir + "/summary.csv", t.csv());
#include <string>
#include <vector>

namespace tleg::experiments {

struct Stats {
    double mean = 0, std = 0; // sample standard deviation (n − 1); 0 for one value
    int n = 0;
};
Stats stats(const std::vector<double>& values);

/// "84.12 ± 0.31" (just "84.12" for one value).
std::string pm(const Stats& s, int decimals = 2);
/// Fixed decimals; "+1.25" with sign.
std::string num(double v, int decimals = 2);
std::string signedNum(double v, int decimals = 2);
/// Millions with three decimals: "0.105".
std::string millions(double v);

/// One fine-tuned (or analysed) model of one seed.
struct Record {
    std::string method; // "TLEG", "Scratch", "Pre-Fin(U)", "MSA+MLP", "1-3", ...
    int64_t depth = 0;
    uint64_t seed = 0;
    double top1 = 0, top5 = 0;
    int64_t params = 0, sParams = 0; // model parameters; parameters stored to initialise it
    double seconds = 0;              // fine-tuning wall time
    int64_t images = 0;              // fine-tuning images processed
    std::string model;               // the trained file
};

class Records {
public:
    void add(Record r) { m_records.push_back(std::move(r)); }
    const std::vector<Record>& all() const { return m_records; }
    /// Records of one method (and depth, when depth > 0), in seed order.
    std::vector<Record> of(const std::string& method, int64_t depth = 0) const;
    Stats top1(const std::string& method, int64_t depth = 0) const;
    Stats top5(const std::string& method, int64_t depth = 0) const;
    /// One line per record.
    std::string perSeedCsv() const;
    /// Per (method, depth) in first-seen order: n, mean and std of top-1, top-5, seconds.
    std::string summaryCsv() const;

private:
    std::vector<Record> m_records;
};

class Table {
public:
    explicit Table(std::vector<std::string> header);
    void add(std::vector<std::string> row); // throws unless it has the header's width
    std::string markdown() const;           // the first column left-aligned, the rest right
    std::string csv() const;                // RFC 4180 quoting where needed
    size_t rows() const { return m_rows.size(); }
    const std::vector<std::string>& row(size_t i) const { return m_rows.at(i); }

private:
    std::vector<std::string> m_header;
    std::vector<std::vector<std::string>> m_rows;
};

} // namespace tleg::experiments
