#include "workflow/jobs.h"

#include "dist/world.h"
#include "model/bf16_scope.h"
#include "model/foreign_model.h"
#include "model/learngene.h"
#include "util/error.h"
#include "util/files.h"
#include "util/folder_lock.h"
#include "util/machine.h"
#include "util/version.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tleg::workflow {

namespace {

namespace fs = std::filesystem;

std::string absolute(const std::string& path)
{
    if (path.empty())
        return path;
    std::error_code ec;
    const fs::path p = fs::absolute(path, ec);
    return ec ? path : p.lexically_normal().string();
}

void makeAbsolute(DataSpec& d)
{
    if (!d.source.empty() && d.source != "fashion-mnist")
        d.source = absolute(d.source);
}

/// The caller's split, or spec's data opened now (and described in one log line).
data::DataSplit openIfNeeded(const DataSpec& spec, const data::DataSplit* given, const Hooks& hooks)
{
    if (given)
        return *given; // shallow: the tensors are shared, not copied
    data::DataSplit split = openData(spec);
    const auto& t = split.train;
    hooks.say("data: " + t.name + ", " + std::to_string(t.size()) + " train / "
              + std::to_string(split.test.size()) + " test images, " + std::to_string(t.channels())
              + "x" + std::to_string(t.height()) + "x" + std::to_string(t.width()) + ", "
              + std::to_string(t.numClasses) + " classes"
              + (split.note.empty() ? std::string() : " (" + split.note + ")"));
    // Images skipped as unreadable; a flat folder's two splits share one note.
    if (!t.note.empty())
        hooks.say(t.name + ": " + t.note);
    if (!split.test.note.empty() && split.test.note != t.note)
        hooks.say(split.test.name + ": " + split.test.note);
    return split;
}

std::string shape(const data::Dataset& d)
{
    return std::to_string(d.height()) + "×" + std::to_string(d.width()) + " images with "
           + std::to_string(d.channels()) + " channel(s) and " + std::to_string(d.numClasses)
           + " classes";
}

/// The data decides the input and the head of a network built from a configuration.
model::ViTConfig fitToData(model::ViTConfig c, const data::Dataset& d)
{
    if (d.height() != d.width())
        throw Error("images must be square, these are " + std::to_string(d.width()) + "×"
                    + std::to_string(d.height()));
    c.channels = d.channels();
    c.imageSize = d.height();
    c.numClasses = d.numClasses;
    c.validate();
    return c;
}

void checkInput(const model::ViTConfig& c, const data::Dataset& d, const std::string& path)
{
    if (c.channels != d.channels() || c.imageSize != d.height() || c.imageSize != d.width())
        throw fileError(path, "the model takes " + std::to_string(c.imageSize) + "×"
                                  + std::to_string(c.imageSize) + " images with "
                                  + std::to_string(c.channels) + " channel(s); the data has "
                                  + shape(d));
}

/// Says what was inferred about an imported model (format, each field and its source).
void sayImported(const nlohmann::json& extra, const Hooks& hooks)
{
    std::istringstream lines(model::importSummary(extra));
    for (std::string line; std::getline(lines, line);)
        hooks.say(line);
}

std::shared_ptr<model::ViTImpl> build(const InitSpec& init, const data::Dataset& d,
                                      const Hooks& hooks)
{
    const int64_t classes = d.numClasses;
    std::shared_ptr<model::ViTImpl> net;
    model::ModelMetadata md; // of a model file: what was inferred, when it was imported
    switch (init.method) {
    case InitMethod::Scratch:
        return model::scratch(fitToData(init.config, d), init.seed).ptr();
    case InitMethod::HeLg: {
        auto ancestry = model::loadViT(init.path, &md, init.hints);
        checkInput(ancestry->config(), d, init.path);
        sayImported(md.extra, hooks);
        return model::heLg(*ancestry, init.expand.depth, classes, init.seed).ptr();
    }
    case InitMethod::Model:
        net = model::loadViT(init.path, &md, init.hints);
        break;
    case InitMethod::Learngene: {
        model::ExpandOptions eo = init.expand;
        eo.numClasses = classes;
        net = model::expand(model::Learngene::load(init.path), eo).ptr();
        break;
    }
    }
    checkInput(net->config(), d, init.path);
    sayImported(md.extra, hooks);
    const int64_t had = net->config().numClasses;
    if (had != classes || init.newHead) {
        if (had != classes)
            hooks.say("the model has " + std::to_string(had) + " classes, the data "
                      + std::to_string(classes) + ": starting with a fresh head");
        net = std::static_pointer_cast<model::ViTImpl>(
            model::withNewHead(*net, classes, init.seed).ptr());
    }
    return net;
}

std::unique_ptr<train::Teacher> teacherFor(const train::TrainOptions& t, const std::string& path,
                                           const train::TeacherOptions& options,
                                           const data::Dataset& d, const Hooks& hooks)
{
    if (!(t.loss.lambda > 0.0))
        return nullptr;
    if (path.empty())
        throw Error("distillation (lambda > 0) needs a teacher model");
    return openTeacher(path, options, d, hooks);
}

std::string millions(int64_t n)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f M", static_cast<double>(n) / 1e6);
    return buf;
}

int64_t parameterCount(torch::nn::Module& net)
{
    int64_t n = 0;
    for (const auto& p : net.parameters())
        n += p.numel();
    return n;
}

nlohmann::json runConfig(const char* job, const nlohmann::json& spec)
{
    return {{"job", job}, {"spec", spec}, {"tleg_version", version()}};
}

/// Provenance the model file and the Runs table read; keys already there are kept.
nlohmann::json provenance(nlohmann::json p, Role role, const data::Dataset& d)
{
    if (!p.is_object())
        p = nlohmann::json::object();
    p["role"] = roleName(role);
    p["data"] = d.name;
    return p;
}

/// threads = 0 becomes the cores idle now, so that config.json records the count the run used
/// (the same count gives the same numbers when it is run again).
void resolveThreads(train::TrainOptions& t, const Hooks& hooks)
{
    if (t.threads > 0)
        return;
    const dist::World* world = dist::current();
    t.threads = dist::threadsPerWorker(util::defaultThreads(), world);
    hooks.say("threads: " + std::to_string(t.threads) + " (the idle cores of "
              + std::to_string(util::usableCores())
              + (world && world->localSize() > 1
                     ? ", shared by " + std::to_string(world->localSize()) + " workers"
                     : std::string())
              + "; --threads sets it)");
}

Outcome outcomeOf(const std::string& runDir, const train::TrainResult& r, int64_t params)
{
    Outcome o;
    o.runDir = runDir;
    o.result = r;
    o.params = params;
    if (!r.stopped && !runDir.empty()) // data-parallel: this rank's copy (dist::privateFolder)
        o.model = joinPath(dist::privateFolder(runDir), "model.safetensors");
    return o;
}

void checkOut(const std::string& out, const char* what)
{
    if (out.empty())
        throw Error(std::string("the ") + what + " to write (--out) must not be empty");
}

void checkExpand(const model::ExpandOptions& e)
{
    if (e.depth < 1 || e.depth > model::ViTConfig::kMaxDepth)
        throw Error("the Des-Net depth (--depth) must be between 1 and "
                    + std::to_string(model::ViTConfig::kMaxDepth) + ", got "
                    + std::to_string(e.depth));
    if (e.numClasses < 0 || e.numClasses > model::ViTConfig::kMaxClasses)
        throw Error("the class count (--classes) must be between 0 (the learngene's) and "
                    + std::to_string(model::ViTConfig::kMaxClasses) + ", got "
                    + std::to_string(e.numClasses));
    const int64_t to = e.initTo < 0 ? e.depth : e.initTo;
    if (e.initFrom < 0 || e.initFrom >= to || to > e.depth)
        throw Error("partial initialisation (--init-from " + std::to_string(e.initFrom)
                    + " --init-to " + std::to_string(e.initTo) + ") must name blocks in [0, "
                    + std::to_string(e.depth) + ")");
}

/// Everything a job spec says is checked before any data is read or network built.
void checkSpec(const TrainSpec& s)
{
    s.train.validate();
    s.data.options.validate();
    checkOut(s.out, "run folder");
    s.teacherOptions.validate();
    if (s.init.method == InitMethod::Scratch) {
        model::ViTConfig c = s.init.config; // input size and classes come from the data later
        c.validate();
    } else if (s.init.path.empty()) {
        throw Error("initialisation '" + initMethodName(s.init.method) + "' needs a file");
    }
    if (s.init.method == InitMethod::Learngene || s.init.method == InitMethod::HeLg)
        checkExpand(s.init.expand);
}

void checkSpec(const DistillSpec& s)
{
    s.train.validate();
    s.data.options.validate();
    checkOut(s.out, "run folder");
    s.aux.validate();
    s.auxOptions.validate(s.aux.depth);
    s.teacherOptions.validate();
    if (s.train.loss.lambda > 0.0 && s.teacher.empty())
        throw Error("distillation (λ > 0) needs a teacher model (--teacher)");
}

} // namespace

std::unique_ptr<train::Teacher> openTeacher(const std::string& path,
                                            const train::TeacherOptions& options,
                                            const data::Dataset& d, const Hooks& hooks)
{
    auto teacher = train::loadTeacher(path, options.modelHints());
    train::applyTeacherOptions(*teacher, options, path);
    train::checkTeacher(*teacher, d, path);
    if (model::isForeignModel(path)) // what was inferred, read again from header and configs
        sayImported({{"imported", model::inspectForeignModel(path, options.modelHints()).toJson()}},
                    hooks);
    const train::TeacherFeed feed(teacher.get(),
                                  train::studentInput(d, data::computeNormalization(d)));
    hooks.say("teacher: " + teacher->description() + ": " + feed.describe());
    return teacher;
}

void Hooks::say(const std::string& line) const
{
    if (log)
        log(line);
}

Outcome runTrain(TrainSpec spec, const Hooks& hooks, const data::DataSplit* given)
{
    checkSpec(spec);
    resolveThreads(spec.train, hooks);
    makeAbsolute(spec.data);
    spec.init.path = absolute(spec.init.path);
    spec.teacher = absolute(spec.teacher);
    spec.out = absolute(spec.out);
    const data::DataSplit split = openIfNeeded(spec.data, given, hooks);

    auto teacher = teacherFor(spec.train, spec.teacher, spec.teacherOptions, split.train, hooks);
    auto net = build(spec.init, split.train, hooks);
    const int64_t params = parameterCount(*net);
    hooks.say(roleName(spec.role) + ": depth " + std::to_string(net->config().depth) + ", width "
              + std::to_string(net->config().dim) + ", " + millions(params) + " parameters, from "
              + initMethodName(spec.init.method)
              + (spec.init.path.empty() ? std::string() : " " + spec.init.path));

    train::TrainOptions t = spec.train;
    t.runDir = spec.out;
    t.resume = spec.resume;
    t.provenance = provenance(t.provenance, spec.role, split.train);
    if (spec.init.method == InitMethod::Learngene)
        t.provenance["learngene"] = spec.init.path;
    else if (spec.init.method != InitMethod::Scratch)
        t.provenance["init"] = spec.init.path;
    if (teacher)
        t.provenance["teacher"] = spec.teacher;
    t.runConfig = runConfig("train", spec.toJson());
    std::optional<FolderLock> lock; // after every check: a refused job writes nothing
    if (dist::isWriter())
        lock.emplace(spec.out); // data-parallel: rank 0 alone writes the folder
    const auto r =
        train::train(*net, split.train, split.test, t, teacher.get(), hooks.progress, hooks.stop);
    return outcomeOf(spec.out, r, params);
}

Outcome runDistill(DistillSpec spec, const Hooks& hooks, const data::DataSplit* given)
{
    checkSpec(spec);
    resolveThreads(spec.train, hooks);
    makeAbsolute(spec.data);
    spec.teacher = absolute(spec.teacher);
    spec.out = absolute(spec.out);
    spec.learngene = absolute(spec.learngene);
    const data::DataSplit split = openIfNeeded(spec.data, given, hooks);

    auto teacher = teacherFor(spec.train, spec.teacher, spec.teacherOptions, split.train, hooks);
    const model::ViTConfig cfg = fitToData(spec.aux, split.train);
    torch::manual_seed(spec.train.seed);
    model::AuxNet aux(cfg, spec.auxOptions);
    const int64_t params = parameterCount(*aux);
    const int64_t lower = spec.auxOptions.expandFrom;
    hooks.say("Aux-Net: depth " + std::to_string(cfg.depth) + ", width " + std::to_string(cfg.dim)
              + ", " + (spec.auxOptions.shareOnly ? "shares " : "expands ")
              + model::groupsToString(spec.auxOptions.groups)
              + (lower > 0 ? " above its first " + std::to_string(lower) + " independent blocks"
                           : std::string())
              + "; " + millions(params) + " trainable parameters");

    train::TrainOptions t = spec.train;
    t.runDir = spec.out;
    t.resume = spec.resume;
    t.provenance = provenance(t.provenance, Role::AuxNet, split.train);
    t.provenance["teacher"] = spec.teacher;
    t.runConfig = runConfig("distill", spec.toJson());
    std::optional<FolderLock> lock; // held until the learngene is written too
    if (dist::isWriter())
        lock.emplace(spec.out);
    const auto r =
        train::train(*aux, split.train, split.test, t, teacher.get(), hooks.progress, hooks.stop);
    Outcome o = outcomeOf(spec.out, r, params);
    if (o.stopped())
        return o;
    const auto lg = model::Learngene::fromAuxNet(*aux);
    o.learngene = dist::privatePath(spec.learngene.empty()
                                        ? joinPath(spec.out, "learngene.safetensors")
                                        : spec.learngene); // data-parallel: this rank's copy
    lg.save(o.learngene,
            {{"aux_top1", r.testTop1}, {"teacher", spec.teacher}, {"data", split.train.name}});
    o.storedParams = lg.storedParams();
    hooks.say("learngene (" + millions(o.storedParams) + " stored parameters) -> " + o.learngene);
    return o;
}

void runExpand(ExpandSpec spec, const Hooks& hooks)
{
    checkOut(spec.out, "Des-Net file");
    checkExpand(spec.expand);
    spec.learngene = absolute(spec.learngene);
    const auto lg = model::Learngene::load(spec.learngene);
    model::saveExpanded(spec.out, lg, spec.expand,
                        {{"role", roleName(Role::DesNet)},
                         {"learngene", spec.learngene},
                         {"init_from", spec.expand.initFrom},
                         {"init_to", spec.expand.initTo}});
    hooks.say("Des-Net of depth " + std::to_string(spec.expand.depth) + " -> " + spec.out);
}

OpenModel openModel(const std::string& path, const model::ModelHints& hints)
{
    OpenModel m;
    model::ModelMetadata md;
    m.net = model::loadAnyClassifier(path, &md, hints);
    m.summary.path = path;
    m.summary.kind = md.kind;
    m.summary.extra = md.extra.is_object() ? md.extra : nlohmann::json::object();
    m.summary.params = parameterCount(*m.net);
    if (auto* script = dynamic_cast<model::ScriptClassifierImpl*>(m.net.get())) {
        m.summary.params = script->parameterCount();
        // A TorchScript file says nothing of its normalisation; the hints may.
        if (hints.mean.size() != hints.std.size())
            throw fileError(path, hints.option("mean") + " and " + hints.option("std")
                                      + " go together: one value each per channel it takes");
        if (!hints.mean.empty())
            m.summary.extra["normalization"] = {{"mean", hints.mean}, {"std", hints.std}};
    } else {
        m.summary.config = model::ViTConfig::fromJson(md.architecture);
        m.summary.macs = m.summary.config->forwardMacs();
    }
    return m;
}

std::string inputMismatch(const ModelSummary& m, const data::Dataset& d)
{
    if (!m.config)
        return {};
    const auto& c = *m.config;
    if (c.channels == d.channels() && c.imageSize == d.height() && c.imageSize == d.width()
        && c.numClasses == d.numClasses)
        return {};
    return "the model takes " + std::to_string(c.imageSize) + "×" + std::to_string(c.imageSize)
           + " images with " + std::to_string(c.channels) + " channel(s) and predicts "
           + std::to_string(c.numClasses) + " classes; the data has " + shape(d);
}

train::EvalResult evaluateModel(OpenModel& m, const data::Dataset& d, const data::Dataset& fallback,
                                int64_t batchSize, const std::atomic<bool>* stop)
{
    data::Normalization norm;
    try {
        // TorchScript told its mean/std (openModel): one value per channel of the data.
        const auto& told = m.summary.extra.value("normalization", nlohmann::json::object());
        if (!m.summary.config && told.contains("mean")
            && told["mean"].size() != static_cast<size_t>(d.channels()))
            throw Error("its mean/std have " + std::to_string(told["mean"].size())
                        + " value(s), the data has " + std::to_string(d.channels())
                        + " channel(s)");
        norm = train::normalizationFrom(m.summary.extra, fallback); // else the data's own
    } catch (const Error& e) {
        throw fileError(m.summary.path, e.what());
    }
    return train::evaluate(*m.net, d, norm, batchSize, stop);
}

train::EvalResult runEval(const EvalSpec& spec, const Hooks& hooks, const data::DataSplit* given)
{
    train::applyThreads(spec.threads);
    model::Bf16Scope bf16(spec.bf16);
    OpenModel m = openModel(spec.model, spec.modelHints);
    const data::DataSplit split = openIfNeeded(spec.data, given, hooks);
    if (const std::string why = inputMismatch(m.summary, split.test); !why.empty())
        throw fileError(spec.model, why);
    sayImported(m.summary.extra, hooks);
    return evaluateModel(m, split.test, split.train, spec.batchSize, hooks.stop);
}

RunRecord readRunRecord(const std::string& runDir)
{
    const std::string path = joinPath(runDir, "config.json");
    requireRegularFile(path);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw fileError(path, "cannot be read: is " + runDir + " a run folder?");
    std::ostringstream text;
    text << in.rdbuf();
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::exception& e) {
        throw fileError(path, std::string("not valid JSON: ") + e.what());
    }
    if (!j.is_object() || !j.contains("job") || !j["job"].is_string() || !j.contains("spec"))
        throw fileError(path, "records no job to run again (it was written before TLEG Studio "
                              "kept job specs, or by something else)");
    return {j["job"].get<std::string>(), j["spec"]};
}

std::string rerunFolder(const std::string& runDir)
{
    fs::path dir(runDir);
    if (dir.filename().empty())
        dir = dir.parent_path();
    return newRunFolder(dir.parent_path().string(), dir.filename().string() + "-rerun");
}

Outcome rerun(const std::string& runDir, const std::string& out, const Hooks& hooks)
{
    const RunRecord record = readRunRecord(runDir);
    const std::string target = out.empty() ? rerunFolder(runDir) : out;
    const std::string config = joinPath(runDir, "config.json");
    try {
        if (record.job == "train") {
            TrainSpec spec = TrainSpec::fromJson(record.spec);
            spec.out = target;
            spec.resume = false;
            return runTrain(spec, hooks);
        }
        if (record.job == "distill") {
            DistillSpec spec = DistillSpec::fromJson(record.spec);
            spec.out = target;
            spec.resume = false;
            spec.learngene.clear();
            return runDistill(spec, hooks);
        }
    } catch (const Error& e) {
        const std::string what = e.what();
        if (what.rfind("config: ", 0) == 0)
            throw fileError(config, what.substr(8));
        throw;
    }
    throw fileError(config, "unknown job '" + record.job + "' (train or distill)");
}

} // namespace tleg::workflow
