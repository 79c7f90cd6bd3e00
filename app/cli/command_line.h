#pragma once
// A small declarative option parser for the tleg subcommands: each command lists its options,
// and --help is generated from that list.
// Usage:
//   CommandLine cl("eval", "Evaluate a model", {{"model", "FILE", "model to evaluate", ""}});
//   if (!cl.parse(args)) return 0;   // --help was printed
//   std::string m = cl.get("model");
#include <cstdint>
#include <string>
#include <vector>

namespace tleg::cli {

struct OptionSpec {
    std::string name;      // without the leading "--"
    std::string valueName; // empty: a flag without value
    std::string help;
    std::string defaultValue;
};

class CommandLine {
public:
    CommandLine(std::string command, std::string summary, std::vector<OptionSpec> specs,
                std::string positionalName = "");
    /// Parses "--name value", "--name=value" and flags. Returns false after printing help.
    /// Throws tleg::Error for unknown options, missing values or missing positionals.
    bool parse(const std::vector<std::string>& args);

    bool has(const std::string& name) const;   // given on the command line
    bool flag(const std::string& name) const;
    std::string get(const std::string& name) const; // value or default
    std::string require(const std::string& name) const;
    int64_t getInt(const std::string& name) const;
    double getDouble(const std::string& name) const;
    std::vector<int64_t> getIntList(const std::string& name) const; // "2,4,6"
    std::vector<double> getDoubleList(const std::string& name) const; // "0.5,0.5,0.5"
    const std::vector<std::string>& positional() const { return m_positional; }
    std::string help() const;

private:
    const OptionSpec& spec(const std::string& name) const;

    std::string m_command, m_summary, m_positionalName;
    std::vector<OptionSpec> m_specs;
    std::vector<std::pair<std::string, std::string>> m_values;
    std::vector<std::string> m_positional;
};

} // namespace tleg::cli
