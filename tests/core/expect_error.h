#pragma once
// Shared by the tests: run something that must fail with a tleg::Error whose message contains
// every needle (usually the file name and the defect).
#include "util/error.h"

#include <QString>

#include <exception>
#include <string>
#include <vector>

namespace tleg::testing {

/// Empty when f threw tleg::Error containing every needle; otherwise what went wrong.
template <typename F>
QString expectError(F f, const std::vector<std::string>& needles)
{
    try {
        f();
    } catch (const tleg::Error& e) {
        const std::string what = e.what();
        for (const auto& needle : needles) {
            if (what.find(needle) == std::string::npos) {
                return QString::fromStdString("message '" + what + "' lacks '" + needle + "'");
            }
        }
        return {};
    } catch (const std::exception& e) {
        return QString("wrong exception type: ") + e.what();
    }
    return "no exception thrown";
}

} // namespace tleg::testing
