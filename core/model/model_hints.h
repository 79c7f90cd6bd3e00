#pragma once
// What the user tells about a foreign checkpoint (timm, DeiT, Hugging Face, torchvision) that its
// tensor shapes cannot: attention heads, input size, normalisation. The loaders take it; a file's
// own sidecar config (config.json, preprocessor_config.json) comes first: heads and image size
// must agree with it, a given mean/std replaces its own (the import record notes it).
// Usage:
//   ModelHints h;  h.heads = 6;  h.optionPrefix = "--teacher-";      // errors say --teacher-heads
//   auto net = model::loadAnyClassifier("deit_s.safetensors", &md, h);
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tleg::model {

struct ModelHints {
    int64_t heads = 0;            ///< 0: not given
    int64_t imageSize = 0;        ///< 0: not given
    std::vector<float> mean, std; ///< empty: not given; one value per channel
    /// How the options are spelled where the user gives them, for messages: "--" names
    /// "--heads", "--teacher-" names "--teacher-heads". Not saved with the hints.
    std::string optionPrefix = "--";

    /// No hints, with errors naming options that start with prefix ("--teacher-").
    static ModelHints withPrefix(std::string prefix)
    {
        ModelHints h;
        h.optionPrefix = std::move(prefix);
        return h;
    }
    bool empty() const { return heads == 0 && imageSize == 0 && mean.empty() && std.empty(); }
    /// The option that gives a field ("heads", "image-size", "mean", "std").
    std::string option(const std::string& field) const { return optionPrefix + field; }
    /// Throws tleg::Error naming the option for a value no model can have.
    void validate() const;
    /// The given fields only ({} when empty), as specs keep them.
    nlohmann::json toJson() const;
    /// Throws tleg::Error for a wrong type or value; prefix becomes optionPrefix.
    static ModelHints fromJson(const nlohmann::json& j, const std::string& prefix = "--");
};

} // namespace tleg::model
