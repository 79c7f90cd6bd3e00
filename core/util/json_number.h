#pragma once
// Integers read from JSON that came from a file. nlohmann's get<int64_t>() converts a JSON
// float by a plain cast, which is undefined behaviour when the value lies outside the integer's
// range (fuzzing found "depth": 8e+106 in a run's config.json). These reject such a value with a
// nlohmann out_of_range error, which the callers' existing catch blocks turn into one line
// naming the file and the field.
// Usage:
//   c.depth = util::jsonInteger<int64_t>(j.at("depth"));
//   r.depth = util::jsonIntegerOr<int64_t>(arch, "depth", 0);
//   util::readJsonField(j, "epochs", o.epochs, "train options: '");   // when j holds it
#include "util/error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

namespace tleg::util {

template <class T> T jsonInteger(const nlohmann::json& v)
{
    static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
    if (v.is_number_float()) {
        const double d = v.get<double>();
        const double hi = std::ldexp(1.0, std::numeric_limits<T>::digits);
        const double lo = std::is_signed_v<T> ? -hi : 0.0;
        if (!(d >= lo && d < hi)) // also false for NaN
            throw nlohmann::json::out_of_range::create(
                406, "number " + v.dump() + " does not fit the integer it stands for", &v);
    }
    return v.get<T>();
}

/// j[key] as an integer when j is an object holding key, else fallback.
template <class T> T jsonIntegerOr(const nlohmann::json& j, const char* key, T fallback)
{
    if (!j.is_object() || !j.contains(key))
        return fallback;
    return jsonInteger<T>(j.at(key));
}

/// Sets field to j[key] when j holds key (integers through jsonInteger); a value of another
/// type, or out of the integer's range, throws tleg::Error "<where><key>' has the wrong type".
template <class T>
void readJsonField(const nlohmann::json& j, const char* key, T& field, const std::string& where)
{
    if (!j.contains(key))
        return;
    try {
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
            field = jsonInteger<T>(j.at(key));
        else
            field = j.at(key).template get<T>();
    } catch (const nlohmann::json::exception&) {
        throw Error(where + key + "' has the wrong type");
    }
}

} // namespace tleg::util
