#include "model/model_hints.h"

#include "util/error.h"
#include "util/json_number.h"

#include <cmath>
#include <utility>

namespace tleg::model {

namespace {

constexpr int64_t kMaxHintSize = 65536; // above ViTConfig's limits, far below an overflow

} // namespace

void ModelHints::validate() const
{
    auto fail = [&](const std::string& field, const std::string& why) {
        throw Error(option(field) + ": " + why);
    };
    if (heads < 0 || heads > kMaxHintSize)
        fail("heads", "must be a positive number of attention heads");
    if (imageSize < 0 || imageSize > kMaxHintSize)
        fail("image-size", "must be a positive number of pixels");
    for (float m : mean)
        if (!std::isfinite(m))
            fail("mean", "must be finite numbers, one per channel");
    for (float s : std)
        if (!std::isfinite(s) || !(s > 0.0f))
            fail("std", "must be positive numbers, one per channel");
    if (mean.size() != std.size() && !mean.empty() && !std.empty())
        fail("std", "has " + std::to_string(std.size()) + " values, " + option("mean") + " has "
                        + std::to_string(mean.size()));
}

nlohmann::json ModelHints::toJson() const
{
    nlohmann::json j = nlohmann::json::object();
    if (heads > 0)
        j["heads"] = heads;
    if (imageSize > 0)
        j["image_size"] = imageSize;
    if (!mean.empty())
        j["mean"] = mean;
    if (!std.empty())
        j["std"] = std;
    return j;
}

ModelHints ModelHints::fromJson(const nlohmann::json& j, const std::string& prefix)
{
    ModelHints h;
    h.optionPrefix = prefix;
    if (!j.is_object())
        throw Error("model hints are not a JSON object");
    try {
        h.heads = util::jsonIntegerOr<int64_t>(j, "heads", 0);
        h.imageSize = util::jsonIntegerOr<int64_t>(j, "image_size", 0);
        h.mean = j.value("mean", std::vector<float>());
        h.std = j.value("std", std::vector<float>());
    } catch (const nlohmann::json::exception&) {
        throw Error("model hints: 'heads', 'image_size', 'mean' or 'std' has the wrong type");
    }
    h.validate();
    return h;
}

} // namespace tleg::model
