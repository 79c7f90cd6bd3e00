#pragma once
// One error type for everything the core rejects: bad files, bad options, bad shapes.
// The message is meant for the user as it stands ("<file>: <what is wrong>").
// Usage:
//   throw fileError(path, "header length runs past the end of the file");
//   catch (const tleg::Error& e) { std::fprintf(stderr, "error: %s\n", e.what()); }
#include <stdexcept>
#include <string>

namespace tleg {

/// Thrown for any user-facing failure; what() is a complete, printable sentence.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// Error about a file: the message starts with the path.
inline Error fileError(const std::string& path, const std::string& what)
{
    return Error(path + ": " + what);
}

} // namespace tleg
