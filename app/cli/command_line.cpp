#include "cli/command_line.h"

#include "util/error.h"

#include <iostream>
#include <sstream>

namespace tleg::cli {

CommandLine::CommandLine(std::string command, std::string summary, std::vector<OptionSpec> specs,
                         std::string positionalName)
    : m_command(std::move(command)), m_summary(std::move(summary)),
      m_positionalName(std::move(positionalName)), m_specs(std::move(specs))
{
}

const OptionSpec& CommandLine::spec(const std::string& name) const
{
    for (const auto& s : m_specs)
        if (s.name == name)
            return s;
    throw Error("tleg " + m_command + ": unknown option --" + name + " (see --help)");
}

bool CommandLine::parse(const std::vector<std::string>& args)
{
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << help();
            return false;
        }
        if (a.rfind("--", 0) != 0) {
            m_positional.push_back(a);
            continue;
        }
        std::string name = a.substr(2), value;
        const auto eq = name.find('=');
        const bool inlineValue = eq != std::string::npos;
        if (inlineValue) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        const OptionSpec& s = spec(name);
        if (s.valueName.empty()) {
            if (inlineValue)
                throw Error("tleg " + m_command + ": --" + name + " takes no value");
            value = "1";
        } else if (!inlineValue) {
            if (i + 1 >= args.size())
                throw Error("tleg " + m_command + ": --" + name + " needs a value (" +
                            s.valueName + ")");
            value = args[++i];
        }
        m_values.emplace_back(name, value);
    }
    if (!m_positionalName.empty() && m_positional.empty())
        throw Error("tleg " + m_command + ": missing " + m_positionalName + " (see --help)");
    if (m_positionalName.empty() && !m_positional.empty())
        throw Error("tleg " + m_command + ": unexpected argument '" + m_positional.front() + "'");
    return true;
}

bool CommandLine::has(const std::string& name) const
{
    spec(name);
    for (const auto& [n, v] : m_values)
        if (n == name)
            return true;
    return false;
}

bool CommandLine::flag(const std::string& name) const
{
    return has(name);
}

std::string CommandLine::get(const std::string& name) const
{
    const OptionSpec& s = spec(name);
    std::string value = s.defaultValue;
    for (const auto& [n, v] : m_values) // the last occurrence wins
        if (n == name)
            value = v;
    return value;
}

std::string CommandLine::require(const std::string& name) const
{
    std::string v = get(name);
    if (v.empty())
        throw Error("tleg " + m_command + ": --" + name + " is required (see --help)");
    return v;
}

int64_t CommandLine::getInt(const std::string& name) const
{
    const std::string v = get(name);
    try {
        size_t used = 0;
        const long long n = std::stoll(v, &used);
        if (used == v.size())
            return n;
    } catch (const std::exception&) {
    }
    throw Error("tleg " + m_command + ": --" + name + " expects an integer, got '" + v + "'");
}

double CommandLine::getDouble(const std::string& name) const
{
    const std::string v = get(name);
    try {
        size_t used = 0;
        const double d = std::stod(v, &used);
        if (used == v.size())
            return d;
    } catch (const std::exception&) {
    }
    throw Error("tleg " + m_command + ": --" + name + " expects a number, got '" + v + "'");
}

std::vector<int64_t> CommandLine::getIntList(const std::string& name) const
{
    std::vector<int64_t> out;
    std::stringstream ss(get(name));
    std::string item;
    while (std::getline(ss, item, ',')) {
        try {
            size_t used = 0;
            out.push_back(std::stoll(item, &used));
            if (used != item.size())
                throw std::invalid_argument(item);
        } catch (const std::exception&) {
            throw Error("tleg " + m_command + ": --" + name +
                        " expects comma-separated integers, got '" + get(name) + "'");
        }
    }
    return out;
}

std::vector<double> CommandLine::getDoubleList(const std::string& name) const
{
    std::vector<double> out;
    std::stringstream ss(get(name));
    std::string item;
    while (std::getline(ss, item, ',')) {
        try {
            size_t used = 0;
            out.push_back(std::stod(item, &used));
            if (used != item.size())
                throw std::invalid_argument(item);
        } catch (const std::exception&) {
            throw Error("tleg " + m_command + ": --" + name
                        + " expects comma-separated numbers, got '" + get(name) + "'");
        }
    }
    return out;
}

std::string CommandLine::help() const
{
    std::ostringstream os;
    os << "Usage: tleg " << m_command << " [options]"
       << (m_positionalName.empty() ? "" : " " + m_positionalName) << "\n\n"
       << m_summary << "\n\nOptions:\n";
    for (const auto& s : m_specs) {
        std::string left = "  --" + s.name + (s.valueName.empty() ? "" : " " + s.valueName);
        if (left.size() < 28)
            left.resize(28, ' ');
        else
            left += "\n" + std::string(28, ' ');
        os << left << s.help;
        if (!s.defaultValue.empty() && !s.valueName.empty())
            os << " (default: " << s.defaultValue << ")";
        os << "\n";
    }
    os << "  --help                    show this help\n";
    return os.str();
}

} // namespace tleg::cli
