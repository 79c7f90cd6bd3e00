#include "workflow/run_index.h"
#include "workflow/run_notes.h"
#include "util/json_number.h"

#include "io/safetensors.h"
#include "model/model_io.h"
#include "model/vit_config.h"
#include "util/error.h"
#include "util/folder_lock.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace tleg::workflow {

namespace fs = std::filesystem;

namespace {

const char* const kConfig = "config.json";
const char* const kMetrics = "metrics.csv";
const char* const kLog = "log.txt";
const char* const kCheckpoint = "checkpoint.safetensors";
const char* const kModel = "model.safetensors";
const char* const kLearngene = "learngene.safetensors";
/// More epochs than any run trains: a claim beyond it is a damaged or hostile file.
constexpr double kMaxEpochs = 1e9;

bool isFile(const fs::path& p)
{
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

/// Something of that name that is no regular file (a FIFO, a folder, a device): never read.
bool isOther(const fs::path& p)
{
    std::error_code ec;
    const auto status = fs::status(p, ec);
    return !ec && fs::exists(status) && !fs::is_regular_file(status);
}

std::string readText(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    if (!in)
        throw Error("cannot be read");
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

/// Locale-independent: the GUI runs under the user's locale, the trainer writes with '.'.
double parseNumber(std::string_view s, bool& ok)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    double v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    ok = r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
    return v;
}

std::vector<std::string_view> splitLine(std::string_view line)
{
    std::vector<std::string_view> out;
    size_t start = 0;
    while (true) {
        const size_t comma = line.find(',', start);
        out.push_back(
            line.substr(start, comma == std::string_view::npos ? line.npos : comma - start));
        if (comma == std::string_view::npos)
            return out;
        start = comma + 1;
    }
}

/// metrics.csv as the trainer writes it; columns are found by name so older or newer files with
/// other columns still read. Throws tleg::Error (without the file name) on a defect.
std::vector<EpochRecord> parseMetrics(const std::string& text)
{
    std::istringstream in(text);
    std::string line;
    if (!std::getline(in, line))
        return {};
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    std::map<std::string, size_t> column;
    {
        const auto names = splitLine(line);
        for (size_t i = 0; i < names.size(); ++i)
            column[std::string(names[i])] = i;
    }
    if (!column.count("epoch"))
        throw Error("has no 'epoch' column");
    const std::vector<std::pair<const char*, double EpochRecord::*>> fields = {
        {"train_loss", &EpochRecord::trainLoss},
        {"train_top1", &EpochRecord::trainTop1},
        {"val_loss", &EpochRecord::valLoss},
        {"val_top1", &EpochRecord::valTop1},
        {"val_top5", &EpochRecord::valTop5},
        {"lr", &EpochRecord::lr},
        {"seconds", &EpochRecord::seconds},
        {"images_per_second", &EpochRecord::imagesPerSecond}};
    std::vector<EpochRecord> out;
    int lineNumber = 1;
    while (std::getline(in, line)) {
        ++lineNumber;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty())
            continue;
        const auto cells = splitLine(line);
        auto cell = [&](const std::string& name, double& value) {
            auto it = column.find(name);
            if (it == column.end())
                return;
            bool ok = false;
            if (it->second < cells.size())
                value = parseNumber(cells[it->second], ok);
            if (!ok)
                throw Error("line " + std::to_string(lineNumber) + ": '" + name
                            + "' is not a number");
        };
        EpochRecord r;
        double epoch = 0;
        cell("epoch", epoch);
        if (!(epoch >= 0 && epoch <= kMaxEpochs) || epoch != static_cast<double>(int64_t(epoch)))
            throw Error("line " + std::to_string(lineNumber) + ": 'epoch' is not an epoch number");
        r.epoch = static_cast<int64_t>(epoch);
        for (const auto& [name, member] : fields)
            cell(name, r.*member);
        out.push_back(r);
    }
    return out;
}

std::string kindFromRole(const std::string& role)
{
    const auto r = roleFromName(role); // a model kind ("vit") when the role is unknown
    return r ? roleName(*r) : role;
}

std::string stringAt(const nlohmann::json& j, const char* key)
{
    if (j.is_object() && j.contains(key) && j[key].is_string())
        return j[key].get<std::string>();
    return {};
}

/// The last non-empty line of log.txt without its "[date time] " stamp.
std::string lastLogLine(const fs::path& p)
{
    std::string text = readText(p);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    const size_t nl = text.rfind('\n');
    std::string line = nl == std::string::npos ? text : text.substr(nl + 1);
    if (!line.empty() && line.front() == '[') {
        const size_t close = line.find("] ");
        if (close != std::string::npos)
            line = line.substr(close + 2);
    }
    return line;
}

bool startsWith(const std::string& s, const std::string& prefix)
{
    return s.compare(0, prefix.size(), prefix) == 0;
}

std::string genericRelative(const fs::path& folder, const fs::path& root)
{
    std::error_code ec;
    fs::path rel = fs::relative(folder, root, ec);
    if (ec || rel.empty() || rel == ".")
        return folder.filename().empty() ? folder.parent_path().filename().generic_string()
                                         : folder.filename().generic_string();
    return rel.generic_string();
}

} // namespace

std::string runStateName(RunState state)
{
    switch (state) {
    case RunState::Finished:
        return "finished";
    case RunState::Running:
        return "running";
    case RunState::Stopped:
        return "stopped";
    case RunState::Incomplete:
        return "incomplete";
    case RunState::Broken:
        return "broken";
    }
    return "broken";
}

bool isRunFolder(const std::string& folder)
{
    const fs::path p(folder);
    return isFile(p / kConfig) || isFile(p / kMetrics) || isFile(p / kCheckpoint);
}

namespace {

/// What listRun gathers besides the RunInfo fields.
struct RunFacts {
    std::string role, modelKind;
};

void markBroken(RunInfo& r, const std::string& file, const std::string& why)
{
    if (r.state != RunState::Broken) // the first defect is the one to fix first
        r.problem = file + ": " + why;
    r.state = RunState::Broken;
}

/// config.json: what was trained and how long it was meant to train.
void readConfig(const fs::path& dir, RunInfo& r, RunFacts& f)
{
    if (!isFile(dir / kConfig))
        return;
    try {
        const auto cfg = nlohmann::json::parse(readText(dir / kConfig));
        if (!cfg.is_object())
            throw Error("is not a JSON object");
        f.modelKind = stringAt(cfg, "kind");
        const auto provenance = cfg.value("provenance", nlohmann::json::object());
        f.role = stringAt(provenance, "role");
        r.data = stringAt(provenance, "data");
        r.teacher = stringAt(cfg, "teacher");
        if (cfg.contains("architecture"))
            r.depth = util::jsonIntegerOr<int64_t>(cfg["architecture"], "depth", 0);
        if (cfg.contains("train_options")) {
            r.epochsPlanned = util::jsonIntegerOr<int64_t>(cfg["train_options"], "epochs", 0);
            const auto& options = cfg["train_options"];
            const auto share = options.is_object() && options.contains("val_fraction")
                                   ? options["val_fraction"]
                                   : nlohmann::json(0.0);
            r.valIsTest = !(share.is_number() && share.get<double>() > 0.0);
        }
        if (r.epochsPlanned < 0 || static_cast<double>(r.epochsPlanned) > kMaxEpochs)
            throw Error("claims " + std::to_string(r.epochsPlanned) + " epochs");
        if (r.depth == 0 && cfg.contains("architecture"))
            throw Error("the architecture has no depth");
    } catch (const nlohmann::json::exception& e) {
        markBroken(r, kConfig, std::string("not valid: ") + e.what());
    } catch (const Error& e) {
        markBroken(r, kConfig, e.what());
    }
}

/// The model's (else the checkpoint's) header: size, and what the config may lack.
void readWeights(const fs::path& dir, RunInfo& r, RunFacts& f)
{
    if (!r.hasModel && !r.hasCheckpoint)
        return;
    const fs::path weights = r.hasModel ? dir / kModel : dir / kCheckpoint;
    try {
        const auto header = io::readSafetensorsHeader(weights.string());
        r.parameters = model::headerParameterCount(header);
        const auto md = model::ModelMetadata::fromStrings(header.metadata, weights.string());
        if (f.modelKind.empty())
            f.modelKind = md.kind;
        if (f.role.empty())
            f.role = stringAt(md.extra, "role");
        if (r.data.empty())
            r.data = stringAt(md.extra, "data");
        if (r.depth == 0 && md.architecture.is_object())
            r.depth = util::jsonIntegerOr<int64_t>(md.architecture, "depth", 0);
        if (r.hasModel && md.extra.contains("metrics") && md.extra["metrics"].is_object()) {
            const auto& m = md.extra["metrics"];
            r.epochsPlanned = util::jsonIntegerOr<int64_t>(m, "epochs", r.epochsPlanned);
            if (m.contains("test_top1")) { // the chosen epoch, scored on the test set
                r.testTop1 = m.value("test_top1", -1.0);
                r.valTop1 = m.value("val_top1", 0.0);
                r.selectedEpoch = util::jsonIntegerOr<int64_t>(m, "selected_epoch", 0);
                r.valIsTest = util::jsonIntegerOr<int64_t>(m, "val_images", 0) == 0;
            } else { // a run from before the hold-out: the last epoch, scored on the test set
                r.valIsTest = true;
                r.testTop1 = m.value("val_top1", -1.0);
                r.valTop1 = r.testTop1;
            }
        }
    } catch (const std::exception& e) {
        // Error messages from the reader already start with the path.
        markBroken(r, weights.filename().string(), e.what());
    }
}

/// Not finished: the log's last line tells a user stop from a run still writing or one that
/// was killed. "Running" needs a recent write: a crashed run's log ends the same way.
void readUnfinishedState(const fs::path& dir, RunInfo& r)
{
    r.state = RunState::Incomplete;
    if (!isFile(dir / kLog))
        return;
    try {
        const std::string last = lastLogLine(dir / kLog);
        if (startsWith(last, "stopped")) {
            r.state = RunState::Stopped;
            r.problem = last;
        } else if (startsWith(last, "started") || startsWith(last, "resumed")
                   || startsWith(last, "epoch")) {
            double longestEpoch = 0;
            for (const auto& e : r.curves)
                longestEpoch = std::max(longestEpoch, e.seconds);
            const auto age = fs::file_time_type::clock::now() - fs::last_write_time(dir / kLog);
            const double ageSeconds = std::chrono::duration<double>(age).count();
            if (ageSeconds < std::max(600.0, 3.0 * longestEpoch))
                r.state = RunState::Running;
        }
    } catch (const std::exception& e) {
        markBroken(r, kLog, e.what());
    }
}

} // namespace

RunInfo listRun(const std::string& folder)
{
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw fileError(folder, "is not a folder");
    if (!isRunFolder(folder))
        throw fileError(folder, "is not a run folder (no config.json, metrics.csv or "
                                "checkpoint.safetensors)");
    fs::path dir(folder);
    if (dir.filename().empty()) // "runs/a/"
        dir = dir.parent_path();
    RunInfo r;
    r.folder = folder;
    r.name = genericRelative(dir, dir.parent_path());
    r.hasModel = isFile(dir / kModel);
    r.hasCheckpoint = isFile(dir / kCheckpoint);
    r.hasLearngene = isFile(dir / kLearngene);
    RunFacts facts;
    for (const char* name : {kConfig, kMetrics, kLog, kCheckpoint, kModel, kLearngene})
        if (isOther(dir / name))
            markBroken(r, name, "is not a regular file (a FIFO, a folder or a device); not read");
    readConfig(dir, r, facts);
    if (isFile(dir / kMetrics)) {
        try {
            r.curves = parseMetrics(readText(dir / kMetrics));
        } catch (const Error& e) {
            markBroken(r, kMetrics, e.what());
        }
    }
    readWeights(dir, r, facts);
    try {
        auto notes = readRunNotes(dir.string());
        r.tags = std::move(notes.tags);
        r.notes = std::move(notes.notes);
    } catch (const Error& e) { // the message names notes.json already
        if (r.state != RunState::Broken)
            r.problem = e.what();
        r.state = RunState::Broken;
    }
    if (r.parameters == 0 && facts.modelKind == "vit") {
        try {
            const auto cfg = nlohmann::json::parse(readText(dir / kConfig));
            r.parameters = model::ViTConfig::fromJson(cfg.at("architecture")).totalParams();
        } catch (const std::exception&) {
            // unknown size is shown as such
        }
    }
    r.kind = kindFromRole(facts.role.empty() ? facts.modelKind : facts.role);
    r.epochsDone = static_cast<int64_t>(r.curves.size());
    for (const auto& e : r.curves)
        r.seconds += e.seconds;
    if (!r.curves.empty() && r.selectedEpoch == 0) { // unfinished: the best (or last) so far
        const EpochRecord* chosen = &r.curves.back();
        if (!r.valIsTest) {
            chosen = &r.curves.front();
            for (const auto& e : r.curves)
                if (e.valTop1 >= chosen->valTop1) // ties: the later epoch, as the trainer
                    chosen = &e;
        }
        r.valTop1 = chosen->valTop1;
        r.selectedEpoch = chosen->epoch;
    }
    if (r.valIsTest && r.testTop1 < 0 && !r.curves.empty())
        r.testTop1 = r.curves.back().valTop1; // every epoch was scored on the test set
    if (r.hasModel && r.epochsDone == 0 && r.epochsPlanned > 0 && !isFile(dir / kMetrics))
        r.epochsDone = r.epochsPlanned;
    if (r.state == RunState::Broken)
        return r;
    if (r.hasModel)
        r.state = RunState::Finished;
    else
        readUnfinishedState(dir, r);
    return r;
}

std::vector<RunInfo> listRuns(const std::string& root, std::vector<std::string>* folders)
{
    std::vector<RunInfo> runs;
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        return runs;
    const fs::path rootPath(root);
    std::function<void(const fs::path&, int)> visit = [&](const fs::path& dir, int level) {
        std::error_code hiddenError;
        if (level > 0 && fs::exists(dir / kHiddenRunsMarker, hiddenError))
            return;
        if (folders)
            folders->push_back(dir.string());
        if (isRunFolder(dir.string())) {
            RunInfo r;
            try {
                r = listRun(dir.string());
            } catch (const std::exception& e) { // vanished between the check and the read
                r.folder = dir.string();
                r.state = RunState::Broken;
                r.problem = e.what();
            }
            r.name = genericRelative(dir, dir == rootPath ? rootPath.parent_path() : rootPath);
            runs.push_back(std::move(r));
            return;
        }
        if (level >= 32) // deeper than any run tree: a loop or not ours
            return;
        std::vector<fs::path> children;
        std::error_code iterError;
        for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied,
                                       iterError);
             !iterError && it != fs::directory_iterator(); it.increment(iterError)) {
            std::error_code typeError;
            if (it->is_directory(typeError) && !it->is_symlink(typeError))
                children.push_back(it->path());
        }
        std::sort(children.begin(), children.end());
        for (const auto& child : children)
            visit(child, level + 1);
    };
    visit(rootPath, 0);
    std::sort(runs.begin(), runs.end(),
              [](const RunInfo& a, const RunInfo& b) { return a.name < b.name; });
    return runs;
}

std::string renameRun(const std::string& folder, const std::string& newName)
{
    if (!isRunFolder(folder))
        throw fileError(folder, "is not a run folder; only runs are renamed here");
    if (newName.empty() || newName == "." || newName == ".."
        || newName.find_first_of("/\\") != std::string::npos
        || newName.find('\0') != std::string::npos)
        throw Error("'" + newName + "' is not a valid folder name (no '/', not empty)");
    fs::path from(folder);
    if (from.filename().empty())
        from = from.parent_path();
    const fs::path to = from.parent_path() / newName;
    if (to == from)
        return from.string();
    std::error_code ec;
    if (fs::exists(to, ec))
        throw fileError(to.string(), "already exists; choose another name");
    fs::rename(from, to, ec);
    if (ec)
        throw fileError(folder, "cannot rename to '" + newName + "': " + ec.message());
    return to.string();
}

void deleteRun(const std::string& folder)
{
    std::error_code ec;
    if (fs::is_symlink(folder, ec))
        throw fileError(folder, "is a link; delete the link itself, not here");
    if (!fs::is_directory(folder, ec))
        throw fileError(folder, "is not a folder");
    if (!isRunFolder(folder))
        throw fileError(folder, "does not look like a run folder (no config.json, metrics.csv "
                                "or checkpoint.safetensors); nothing deleted");
    static const std::vector<std::string> extensions = {".json",        ".csv", ".txt", ".md",
                                                        ".safetensors", ".png", ".pdf", ".svg"};
    for (fs::directory_iterator it(folder, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        const std::string name = it->path().filename().string();
        std::error_code typeError;
        if (it->is_symlink(typeError) || it->is_directory(typeError))
            throw fileError(folder, "holds '" + name
                                        + "', which a run never writes (a folder or a link); "
                                          "nothing deleted");
        const std::string ext = it->path().extension().string();
        const bool temporary = name.find(".tmp-") != std::string::npos // an interrupted write
                               || name == FolderLock::kFileName;
        if (!temporary && std::find(extensions.begin(), extensions.end(), ext) == extensions.end())
            throw fileError(folder,
                            "holds '" + name + "', which a run never writes; nothing deleted");
    }
    if (ec)
        throw fileError(folder, "cannot be read: " + ec.message());
    fs::remove_all(folder, ec);
    if (ec)
        throw fileError(folder, "cannot be deleted completely: " + ec.message());
}

} // namespace tleg::workflow
