// The image folders' decode cache: a safetensors file whose metadata says exactly which folder
// state and geometry its images were decoded from.
#include "data/image_cache.h"

#include "io/safetensors.h"
#include "util/error.h"
#include "util/files.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sys/stat.h>
#include <unordered_map>

namespace tleg::data {
namespace {

namespace fs = std::filesystem;

const char* const kFormat = "tleg-image-cache";
// Bump when the decoding changes (interpolation, crop, colour order): old caches then miss.
const char* const kVersion = "1";

/// FNV-1a, 64 bit: stable across runs and machines, unlike std::hash.
class Fnv {
public:
    void bytes(const void* data, size_t n)
    {
        const auto* p = static_cast<const unsigned char*>(data);
        for (size_t i = 0; i < n; ++i) {
            m_hash ^= p[i];
            m_hash *= 1099511628211ull;
        }
    }
    void number(uint64_t v) { bytes(&v, sizeof v); }
    void text(const std::string& s)
    {
        number(s.size()); // length first: ("ab", "c") and ("a", "bc") differ
        bytes(s.data(), s.size());
    }
    uint64_t value() const { return m_hash; }

private:
    uint64_t m_hash = 14695981039346656037ull;
};

std::string hex(uint64_t v)
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string cropText(double cropFraction)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", cropFraction);
    return buf;
}

std::string relativeTo(const std::string& root, const std::string& file)
{
    return fs::path(file).lexically_relative(fs::path(root)).generic_string();
}

/// The skipped list of the metadata as listing indices (strictly increasing); false when it
/// names a file the listing does not hold.
bool skippedIndices(const std::string& text, const ImageListing& l, std::vector<size_t>& out,
                    std::vector<std::pair<std::string, std::string>>& skipped)
{
    std::unordered_map<std::string, size_t> index;
    for (size_t i = 0; i < l.files.size(); ++i)
        index.emplace(relativeTo(l.root, l.files[i]), i);
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_array())
        return false;
    for (const auto& item : j) {
        if (!item.is_array() || item.size() != 2 || !item[0].is_string() || !item[1].is_string())
            return false;
        const auto it = index.find(item[0].get<std::string>());
        if (it == index.end() || (!out.empty() && it->second <= out.back()))
            return false;
        out.push_back(it->second);
        skipped.emplace_back(l.files[it->second], item[1].get<std::string>());
    }
    return true;
}

/// Why the tensors do not hold the listing minus the skipped files; "" when they do.
std::string checkTensors(const io::SafetensorsFile& f, const ImageListing& l,
                         const ImageGeometry& g, const std::vector<size_t>& skipped)
{
    if (f.tensors.size() != 2 || !f.has("images") || !f.has("labels"))
        return "it does not hold exactly the tensors images and labels";
    std::vector<int64_t> expected;
    size_t s = 0;
    for (size_t i = 0; i < l.labels.size(); ++i) {
        if (s < skipped.size() && skipped[s] == i)
            ++s;
        else
            expected.push_back(l.labels[i]);
    }
    const auto count = int64_t(expected.size());
    const torch::Tensor& images = f.tensor("images");
    const torch::Tensor& labels = f.tensor("labels");
    if (images.scalar_type() != torch::kUInt8
        || images.sizes() != torch::IntArrayRef({count, g.channels(), g.size, g.size}))
        return "its images are not " + std::to_string(count) + " uint8 images of "
               + std::to_string(g.channels()) + "x" + std::to_string(g.size) + "x"
               + std::to_string(g.size);
    if (labels.scalar_type() != torch::kLong || labels.dim() != 1 || labels.size(0) != count
        || !torch::equal(labels, torch::tensor(expected, torch::kLong)))
        return "its labels do not match the class folders";
    return {};
}

/// Temporaries of this cache file whose writer (the pid in the name) is gone.
void removeOrphanedTemporaries(const std::string& path)
{
    const fs::path p(path);
    const std::string prefix = p.filename().string() + ".tmp-";
    std::error_code ec;
    for (fs::directory_iterator it(p.parent_path(), ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(prefix, 0) != 0)
            continue;
        const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
        if (pid > 0 && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH) {
            std::error_code ignored;
            fs::remove(it->path(), ignored);
        }
    }
}

} // namespace

uint64_t listingFingerprint(const ImageListing& l, const ImageGeometry& g)
{
    Fnv h;
    h.text(kFormat);
    h.text(kVersion);
    h.number(uint64_t(g.size));
    h.number(g.grey ? 1 : 3);
    h.text(cropText(g.cropFraction));
    h.number(l.classNames.size());
    for (const auto& c : l.classNames)
        h.text(c);
    h.number(l.files.size());
    for (size_t i = 0; i < l.files.size(); ++i) {
        h.text(relativeTo(l.root, l.files[i]));
        h.number(uint64_t(l.labels[i]));
        struct stat st {};
        if (::stat(l.files[i].c_str(), &st) == 0) {
            h.number(uint64_t(st.st_size));
            h.number(uint64_t(st.st_mtim.tv_sec) * 1000000000ull + uint64_t(st.st_mtim.tv_nsec));
            h.number(uint64_t(st.st_ino));
        } else {
            h.number(~0ull);
        }
    }
    return h.value();
}

std::optional<DecodedImages> readImageCache(const std::string& path, const ImageListing& l,
                                            const ImageGeometry& g, std::string* why)
{
    auto miss = [&](std::string text) {
        if (why)
            *why = std::move(text);
        return std::nullopt;
    };
    if (!fileExists(path))
        return miss("");
    io::SafetensorsFile f;
    try {
        f = io::readSafetensors(path);
    } catch (const std::exception& e) {
        return miss(std::string("unreadable: ") + e.what());
    }
    const auto meta = [&](const char* key) {
        const auto it = f.metadata.find(key);
        return it == f.metadata.end() ? std::string() : it->second;
    };
    if (meta("format") != kFormat || meta("version") != kVersion)
        return miss("not a decode cache of this version");
    if (meta("fingerprint") != hex(l.fingerprint))
        return miss("the folder or the image size changed since it was written");
    DecodedImages d;
    std::vector<size_t> skipped;
    if (!skippedIndices(meta("skipped"), l, skipped, d.skipped))
        return miss("its list of unreadable images does not fit the folder");
    if (std::string bad = checkTensors(f, l, g, skipped); !bad.empty())
        return miss(bad);
    d.images = f.tensor("images");
    d.labels = f.tensor("labels");
    return d;
}

void writeImageCache(const std::string& path, const ImageListing& l, const ImageGeometry& g,
                     const DecodedImages& d)
{
    nlohmann::json skipped = nlohmann::json::array();
    for (const auto& [file, why] : d.skipped)
        skipped.push_back({relativeTo(l.root, file), why});
    std::error_code ec;
    const fs::path root = fs::absolute(l.root, ec);
    const std::map<std::string, std::string> metadata = {
        {"format", kFormat},
        {"version", kVersion},
        {"fingerprint", hex(l.fingerprint)},
        {"root", (ec ? fs::path(l.root) : root).lexically_normal().string()},
        {"files", std::to_string(l.files.size())},
        {"size", std::to_string(g.size)},
        {"channels", std::to_string(g.channels())},
        {"crop_fraction", cropText(g.cropFraction)},
        {"classes", nlohmann::json(l.classNames).dump()},
        {"skipped", skipped.dump()},
        {"written", timestamp()},
    };
    removeOrphanedTemporaries(path);
    io::writeSafetensors(path, {{"images", d.images}, {"labels", d.labels}}, metadata);
}

std::string imageCacheFileName(const ImageListing& l, const ImageGeometry& g, bool withRoot)
{
    std::string name = std::to_string(g.size) + "px-" + (g.grey ? "grey" : "rgb");
    if (g.cropFraction != 1.0)
        name += "-crop" + std::to_string(std::lround(g.cropFraction * 1000));
    name += ".safetensors";
    if (!withRoot)
        return name;
    std::error_code ec;
    fs::path root = fs::absolute(l.root, ec).lexically_normal();
    if (!root.has_filename())
        root = root.parent_path();
    std::string folder;
    for (char c : root.filename().string().substr(0, 40))
        folder += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
    Fnv h;
    h.text(root.string());
    return folder + "-" + hex(h.value()).substr(0, 12) + "-" + name;
}

} // namespace tleg::data
