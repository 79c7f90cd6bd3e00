#include "workflow/specs.h"
#include "util/json_number.h"

#include "util/error.h"

#include <array>
#include <utility>

namespace tleg::workflow {

namespace {

using Json = nlohmann::json;

/// Reads j[key] into out when present; a value of the wrong type is an error naming
/// "<what>.<key>".
template <class T> void read(const Json& j, const char* what, const char* key, T& out)
{
    if (!j.contains(key))
        return;
    try {
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
            out = util::jsonInteger<T>(j.at(key));
        else
            out = j.at(key).get<T>();
    } catch (const Json::exception&) {
        throw Error(std::string("config: '") + what + "." + key + "' has the wrong type");
    }
}

const Json& object(const Json& j, const char* what)
{
    if (!j.is_object())
        throw Error(std::string("config: '") + what + "' is not a JSON object");
    return j;
}

Json expandToJson(const model::ExpandOptions& e)
{
    return {{"depth", e.depth},
            {"init_from", e.initFrom},
            {"init_to", e.initTo},
            {"classes", e.numClasses},
            {"seed", e.seed}};
}

model::ExpandOptions expandFromJson(const Json& j)
{
    model::ExpandOptions e;
    object(j, "expand");
    read(j, "expand", "depth", e.depth);
    read(j, "expand", "init_from", e.initFrom);
    read(j, "expand", "init_to", e.initTo);
    read(j, "expand", "classes", e.numClasses);
    read(j, "expand", "seed", e.seed);
    return e;
}

model::ViTConfig configFromJson(const Json& j, const char* what)
{
    try {
        return model::ViTConfig::fromJson(object(j, what));
    } catch (const Error& e) {
        throw Error(std::string("config: '") + what + "': " + e.what());
    }
}

train::TrainOptions trainFromJson(const Json& j)
{
    try {
        return train::TrainOptions::fromJson(j);
    } catch (const Error& e) {
        throw Error(std::string("config: ") + e.what());
    }
}

const std::array<std::pair<InitMethod, const char*>, 4> kInitNames = {
    {{InitMethod::Scratch, "scratch"},
     {InitMethod::Model, "model"},
     {InitMethod::Learngene, "learngene"},
     {InitMethod::HeLg, "he-lg"}}};

Role roleAt(const Json& j)
{
    std::string name;
    read(j, "spec", "role", name);
    if (auto role = roleFromName(name))
        return *role;
    throw Error("config: unknown role '" + name + "'");
}

} // namespace

Json DataSpec::toJson() const
{
    return {{"source", source},
            {"format", data::formatName(options.format)},
            {"image_size", options.imageSize},
            {"grey", options.grey},
            {"train_subset", options.trainSubset},
            {"test_subset", options.testSubset},
            {"classes", options.classes},
            {"per_class", options.perClass},
            {"seed", options.seed},
            {"subset_first", options.subsetFirst}};
}

DataSpec DataSpec::fromJson(const Json& j)
{
    DataSpec d;
    object(j, "data");
    read(j, "data", "source", d.source);
    std::string format = "auto";
    read(j, "data", "format", format);
    d.options.format = data::formatFromName(format);
    read(j, "data", "image_size", d.options.imageSize);
    read(j, "data", "grey", d.options.grey);
    read(j, "data", "train_subset", d.options.trainSubset);
    read(j, "data", "test_subset", d.options.testSubset);
    read(j, "data", "classes", d.options.classes);
    read(j, "data", "per_class", d.options.perClass);
    read(j, "data", "seed", d.options.seed);
    read(j, "data", "subset_first", d.options.subsetFirst);
    return d;
}

data::DataSplit openData(const DataSpec& spec)
{
    return data::openDataset(spec.source, spec.options);
}

std::string initMethodName(InitMethod m)
{
    for (const auto& [method, name] : kInitNames)
        if (method == m)
            return name;
    return "scratch";
}

InitMethod initMethodFromName(const std::string& name)
{
    for (const auto& [method, n] : kInitNames)
        if (name == n)
            return method;
    throw Error("config: unknown initialisation '" + name + "' (scratch, model, learngene, he-lg)");
}

Json InitSpec::toJson() const
{
    Json j = {{"method", initMethodName(method)}, {"new_head", newHead}, {"seed", seed}};
    if (method == InitMethod::Scratch)
        j["config"] = config.toJson();
    else
        j["path"] = path;
    if (method == InitMethod::Learngene || method == InitMethod::HeLg)
        j["expand"] = expandToJson(expand);
    return j;
}

InitSpec InitSpec::fromJson(const Json& j)
{
    InitSpec s;
    object(j, "init");
    std::string method = "scratch";
    read(j, "init", "method", method);
    s.method = initMethodFromName(method);
    read(j, "init", "new_head", s.newHead);
    read(j, "init", "seed", s.seed);
    read(j, "init", "path", s.path);
    if (j.contains("config"))
        s.config = configFromJson(j["config"], "init.config");
    if (j.contains("expand"))
        s.expand = expandFromJson(j["expand"]);
    return s;
}

TrainSpec TrainSpec::ancestry(const DataSpec& data, const model::ViTConfig& config,
                              const train::TrainOptions& train)
{
    TrainSpec s;
    s.role = Role::Ancestry;
    s.data = data;
    s.init.method = InitMethod::Scratch;
    s.init.config = config;
    s.init.seed = train.seed;
    s.train = train;
    s.train.loss.lambda = 0.0;
    return s;
}

Json TrainSpec::toJson() const
{
    return {{"role", roleName(role)},   {"data", data.toJson()}, {"init", init.toJson()},
            {"teacher", teacher},       {"teacher_options", teacherOptions.toJson()},
            {"train", train.toJson()}};
}

TrainSpec TrainSpec::fromJson(const Json& j)
{
    TrainSpec s;
    object(j, "spec");
    s.role = roleAt(j);
    s.data = DataSpec::fromJson(j.value("data", Json::object()));
    s.init = InitSpec::fromJson(j.value("init", Json::object()));
    read(j, "spec", "teacher", s.teacher);
    s.teacherOptions = train::TeacherOptions::fromJson(j.value("teacher_options", Json::object()));
    s.train = trainFromJson(j.value("train", Json::object()));
    return s;
}

Json DistillSpec::toJson() const
{
    return {{"data", data.toJson()},         {"aux", aux.toJson()},
            {"aux_options", auxOptions.toJson()}, {"teacher", teacher},
            {"teacher_options", teacherOptions.toJson()}, {"train", train.toJson()}};
}

DistillSpec DistillSpec::fromJson(const Json& j)
{
    DistillSpec s;
    object(j, "spec");
    s.data = DataSpec::fromJson(j.value("data", Json::object()));
    s.aux = configFromJson(j.value("aux", Json::object()), "aux");
    try {
        s.auxOptions = model::AuxOptions::fromJson(object(j.value("aux_options", Json::object()),
                                                          "aux_options"));
    } catch (const Error& e) {
        throw Error(std::string("config: 'aux_options': ") + e.what());
    }
    read(j, "spec", "teacher", s.teacher);
    s.teacherOptions = train::TeacherOptions::fromJson(j.value("teacher_options", Json::object()));
    s.train = trainFromJson(j.value("train", Json::object()));
    return s;
}

Json ExpandSpec::toJson() const
{
    return {{"learngene", learngene}, {"expand", expandToJson(expand)}, {"out", out}};
}

ExpandSpec ExpandSpec::fromJson(const Json& j)
{
    ExpandSpec s;
    object(j, "spec");
    read(j, "spec", "learngene", s.learngene);
    read(j, "spec", "out", s.out);
    s.expand = expandFromJson(j.value("expand", Json::object()));
    return s;
}

Json EvalSpec::toJson() const
{
    return {{"data", data.toJson()},
            {"model", model},
            {"threads", threads},
            {"bf16", bf16},
            {"batch_size", batchSize}};
}

EvalSpec EvalSpec::fromJson(const Json& j)
{
    EvalSpec s;
    object(j, "spec");
    s.data = DataSpec::fromJson(j.value("data", Json::object()));
    read(j, "spec", "model", s.model);
    read(j, "spec", "threads", s.threads);
    read(j, "spec", "bf16", s.bf16);
    read(j, "spec", "batch_size", s.batchSize);
    return s;
}

} // namespace tleg::workflow
