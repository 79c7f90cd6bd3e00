#pragma once
// A run's name tags and free-text notes, kept beside its other files in notes.json: set before a
// run starts (the training forms) and edited after (the Runs page), as W&B or MLflow keep them.
// They never change what was trained, so they live outside config.json (what `tleg rerun` reads).
// Usage:
//   writeRunNotes("runs/des-6", {{"lr-sweep", "baseline"}, "tried 3e-4; loss jumps at epoch 2"});
//   RunNotes n = readRunNotes("runs/des-6");   // empty when there is no notes.json
//   std::vector<std::string> tags = parseTags("lr sweep, baseline,,");  // {"lr sweep","baseline"}
#include <string>
#include <vector>

namespace tleg::workflow {

struct RunNotes {
    std::vector<std::string> tags;
    std::string notes;

    bool empty() const { return tags.empty() && notes.empty(); }
};

constexpr const char* kRunNotesFile = "notes.json";
/// Longer notes are refused (they are a few lines, not a document): 64 KiB.
constexpr size_t kMaxRunNotesBytes = 64 * 1024;

/// Comma-separated tags, each trimmed; empty ones and repeats dropped, order kept. Throws
/// tleg::Error for a tag over 64 characters or more than 32 tags.
std::vector<std::string> parseTags(const std::string& text);
/// "a, b, c".
std::string joinTags(const std::vector<std::string>& tags);

/// folder/notes.json; RunNotes{} when there is none. Throws tleg::Error naming the file and the
/// field when it is not such a file (not JSON, "tags" not a list of strings, too large).
RunNotes readRunNotes(const std::string& folder);
/// Writes folder/notes.json atomically (the folder is made if missing); removes it when notes
/// are empty. Throws tleg::Error naming the file.
void writeRunNotes(const std::string& folder, const RunNotes& notes);

} // namespace tleg::workflow
