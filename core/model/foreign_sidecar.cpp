// What the configs beside a foreign checkpoint say: Hugging Face's config.json and
// preprocessor_config.json, timm's config.json (architecture name, pretrained_cfg, model_args).
#include "model/foreign_detail.h"
#include "util/error.h"
#include "util/files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tleg::model::foreign {

namespace {

using Json = nlohmann::json;

constexpr std::uintmax_t kMaxConfigBytes = 16u << 20; // id2label of 21k classes is ~1 MiB

/// The file's JSON, or null when there is no such file.
Json readJsonFile(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return nullptr;
    requireRegularFile(path);
    if (std::filesystem::file_size(path, ec) > kMaxConfigBytes)
        throw fileError(path, "is larger than a model config can be (16 MiB)");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return Json::parse(text.str());
    } catch (const Json::exception& e) {
        throw fileError(path, std::string("not valid JSON: ") + e.what());
    }
}

/// Adds a claim for j[key] when it is there; its type must fit the claim's.
class Claims {
public:
    Claims(std::vector<Claim>& out, std::string file) : m_out(out), m_file(std::move(file)) {}

    void number(const Json& j, const char* key, const char* claim, bool integer = true)
    {
        if (!j.is_object() || !j.contains(key) || j[key].is_null())
            return;
        const Json& v = j[key];
        if (!v.is_number() || (integer && !v.is_number_integer()))
            throw fileError(m_file, std::string("'") + key + "' is not "
                                        + (integer ? "a whole number" : "a number"));
        add(claim, v, key);
    }
    void boolean(const Json& j, const char* key, const char* claim)
    {
        if (j.is_object() && j.contains(key) && j[key].is_boolean())
            add(claim, j[key], key);
    }
    void text(const Json& j, const char* key, const char* claim)
    {
        if (j.is_object() && j.contains(key) && j[key].is_string())
            add(claim, j[key], key);
    }
    void numbers(const Json& j, const char* key, const char* claim)
    {
        if (!j.is_object() || !j.contains(key) || j[key].is_null())
            return;
        const Json& v = j[key];
        bool ok = v.is_array() && !v.empty() && v.size() <= 64;
        for (size_t i = 0; ok && i < v.size(); ++i)
            ok = v[i].is_number();
        if (!ok)
            throw fileError(m_file, std::string("'") + key + "' is not a list of numbers");
        add(claim, v, key);
    }
    void add(const std::string& claim, const Json& value, const std::string& key)
    {
        m_out.push_back({claim, value, fileName() + " (" + key + ")"});
    }
    std::string fileName() const { return std::filesystem::path(m_file).filename().string(); }

private:
    std::vector<Claim>& m_out;
    std::string m_file;
};

/// {"height": h, "width": w} or a number: a square input size; anything else tells nothing.
void squareSize(Claims& c, const Json& j, const char* key)
{
    if (!j.is_object() || !j.contains(key))
        return;
    const Json& v = j[key];
    if (v.is_number_integer())
        c.add("image_size", v, key);
    else if (v.is_object() && v.contains("height") && v.contains("width")
             && v["height"].is_number_integer() && v["height"] == v["width"])
        c.add("image_size", v["height"], std::string(key) + ".height");
}

void huggingFace(const std::string& dir, std::vector<Claim>& out, std::vector<std::string>& notes)
{
    const std::string configPath = joinPath(dir, "config.json");
    const Json config = readJsonFile(configPath);
    if (config.is_object() && (config.contains("model_type") || config.contains("hidden_size"))) {
        Claims c(out, configPath);
        c.number(config, "num_attention_heads", "heads");
        c.number(config, "image_size", "image_size");
        c.number(config, "patch_size", "patch_size");
        c.number(config, "num_channels", "channels");
        c.number(config, "hidden_size", "dim");
        c.number(config, "num_hidden_layers", "depth");
        c.number(config, "intermediate_size", "hidden");
        c.number(config, "layer_norm_eps", "layer_norm_eps", false);
        c.boolean(config, "qkv_bias", "qkv_bias");
        c.text(config, "hidden_act", "hidden_act");
        if (config.contains("id2label") && config["id2label"].is_object())
            c.add("classes", config["id2label"].size(), "id2label");
    } else if (!config.is_null()) {
        notes.push_back("config.json beside it is not a Hugging Face config: not used");
    }
    const std::string prePath = joinPath(dir, "preprocessor_config.json");
    const Json pre = readJsonFile(prePath);
    if (!pre.is_object())
        return;
    Claims c(out, prePath);
    if (pre.value("do_normalize", true)) {
        c.numbers(pre, "image_mean", "mean");
        c.numbers(pre, "image_std", "std");
    } else {
        c.add("mean", nullptr, "do_normalize"); // null: no normalisation at all
        c.add("std", nullptr, "do_normalize");
    }
    squareSize(c, pre, pre.value("do_center_crop", false) ? "crop_size" : "size");
}

void timm(const std::string& dir, std::vector<Claim>& out, std::vector<std::string>& notes)
{
    const std::string configPath = joinPath(dir, "config.json");
    const Json config = readJsonFile(configPath);
    const bool isTimm =
        config.is_object()
        && ((config.contains("architecture") && config["architecture"].is_string())
            || (config.contains("pretrained_cfg") && config["pretrained_cfg"].is_object()));
    if (!isTimm) {
        if (!config.is_null())
            notes.push_back("config.json beside it is not a timm config: not used");
        return;
    }
    Claims c(out, configPath);
    if (config.contains("architecture") && config["architecture"].is_string())
        for (auto& claim :
             claimsFromTimmName(config["architecture"].get<std::string>(), c.fileName()))
            out.push_back(claim);
    c.number(config, "num_classes", "classes");
    const Json& cfg = config.contains("pretrained_cfg") ? config["pretrained_cfg"] : config;
    c.numbers(cfg, "mean", "mean");
    c.numbers(cfg, "std", "std");
    if (cfg.is_object() && cfg.contains("input_size") && cfg["input_size"].is_array()
        && cfg["input_size"].size() == 3 && cfg["input_size"][1] == cfg["input_size"][2]) {
        c.add("channels", cfg["input_size"][0], "pretrained_cfg.input_size");
        c.add("image_size", cfg["input_size"][1], "pretrained_cfg.input_size");
    }
    if (config.contains("model_args") && config["model_args"].is_object()) {
        const Json& a = config["model_args"];
        c.number(a, "num_heads", "heads");
        c.number(a, "embed_dim", "dim");
        c.number(a, "depth", "depth");
        c.number(a, "patch_size", "patch_size");
        c.number(a, "img_size", "image_size");
        c.number(a, "in_chans", "channels");
        c.boolean(a, "qkv_bias", "qkv_bias");
    }
}

} // namespace

std::vector<Claim> claimsFromTimmName(const std::string& name, const std::string& from)
{
    std::vector<Claim> out;
    const std::string base = name.substr(0, name.find('.')); // "vit_small_patch16_224"
    if (base.rfind("vit_", 0) != 0 && base.rfind("deit_", 0) != 0)
        return out;
    static const std::pair<const char*, int> kHeads[] = {{"tiny", 3},  {"small", 6},  {"medium", 8},
                                                         {"base", 12}, {"large", 16}, {"huge", 16}};
    const std::string where = from + " (architecture '" + name + "')";
    std::stringstream parts(base);
    std::string part, last;
    while (std::getline(parts, part, '_')) {
        for (const auto& [size, heads] : kHeads)
            if (part == size)
                out.push_back({"heads", heads, where});
        if (part.size() > 5 && part.rfind("patch", 0) == 0
            && part.find_first_not_of("0123456789", 5) == std::string::npos)
            out.push_back({"patch_size", std::stoll(part.substr(5, 4)), where});
        last = part;
    }
    if (!last.empty() && last.size() <= 4
        && last.find_first_not_of("0123456789") == std::string::npos)
        out.push_back({"image_size", std::stoll(last), where});
    return out;
}

std::vector<Claim> readSidecars(Format format, const std::string& dir,
                                std::vector<std::string>& notes)
{
    std::vector<Claim> out;
    try {
        if (format == Format::HuggingFace)
            huggingFace(dir, out, notes);
        else if (format == Format::Timm)
            timm(dir, out, notes);
    } catch (const Json::exception& e) { // a key of an unexpected type
        throw fileError(joinPath(dir, "config.json"), std::string("not understood: ") + e.what());
    }
    return out;
}

} // namespace tleg::model::foreign
