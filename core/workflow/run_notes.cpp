#include "workflow/run_notes.h"

#include "util/error.h"
#include "util/files.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tleg::workflow {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxTagLength = 64;
constexpr size_t kMaxTags = 32;

std::string trimmed(const std::string& s)
{
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

/// The same checks for tags typed in a form and tags read from a file.
std::vector<std::string> checkedTags(const std::vector<std::string>& raw)
{
    std::vector<std::string> tags;
    for (const std::string& t : raw) {
        const std::string tag = trimmed(t);
        if (tag.empty() || std::find(tags.begin(), tags.end(), tag) != tags.end())
            continue;
        if (tag.size() > kMaxTagLength)
            throw Error("tag '" + tag.substr(0, 20) + "…' is longer than "
                        + std::to_string(kMaxTagLength) + " characters");
        if (tag.find_first_of(",\n") != std::string::npos)
            throw Error("tag '" + tag + "' holds a comma or a line break");
        tags.push_back(tag);
    }
    if (tags.size() > kMaxTags)
        throw Error("more than " + std::to_string(kMaxTags) + " tags ("
                    + std::to_string(tags.size()) + ")");
    return tags;
}

} // namespace

std::vector<std::string> parseTags(const std::string& text)
{
    std::vector<std::string> raw;
    std::stringstream in(text);
    for (std::string part; std::getline(in, part, ',');)
        raw.push_back(part);
    return checkedTags(raw);
}

std::string joinTags(const std::vector<std::string>& tags)
{
    std::string out;
    for (const auto& t : tags)
        out += (out.empty() ? "" : ", ") + t;
    return out;
}

RunNotes readRunNotes(const std::string& folder)
{
    const std::string path = joinPath(folder, kRunNotesFile);
    std::error_code ec;
    if (!fs::exists(path, ec))
        return {};
    requireRegularFile(path);
    if (fs::file_size(path, ec) > kMaxRunNotesBytes + 4096 || ec)
        throw fileError(path, ec ? "cannot be read: " + ec.message()
                                 : "is larger than notes ever are (64 KiB of text)");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof())
        throw fileError(path, "cannot be read");
    const auto j = nlohmann::json::parse(text.str(), nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw fileError(path, "is not a JSON object");
    RunNotes n;
    if (j.contains("tags")) {
        if (!j["tags"].is_array())
            throw fileError(path, "field 'tags' is not a list");
        std::vector<std::string> raw;
        for (const auto& t : j["tags"]) {
            if (!t.is_string())
                throw fileError(path, "field 'tags' holds something other than text");
            raw.push_back(t.get<std::string>());
        }
        try {
            n.tags = checkedTags(raw);
        } catch (const Error& e) {
            throw fileError(path, std::string("field 'tags': ") + e.what());
        }
    }
    if (j.contains("notes")) {
        if (!j["notes"].is_string())
            throw fileError(path, "field 'notes' is not text");
        n.notes = j["notes"].get<std::string>();
    }
    return n;
}

void writeRunNotes(const std::string& folder, const RunNotes& notes)
{
    const std::string path = joinPath(folder, kRunNotesFile);
    if (notes.notes.size() > kMaxRunNotesBytes)
        throw fileError(path, "notes longer than 64 KiB are not kept; shorten them");
    const auto tags = checkedTags(notes.tags);
    if (tags.empty() && notes.notes.empty()) {
        std::error_code ec;
        fs::remove(path, ec);
        if (ec)
            throw fileError(path, "cannot be removed: " + ec.message());
        return;
    }
    makeDirs(folder);
    // dump() throws for text that is not UTF-8; replace such bytes instead of failing.
    const nlohmann::json j = {{"tags", tags}, {"notes", notes.notes}};
    writeTextAtomic(path, j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

} // namespace tleg::workflow
