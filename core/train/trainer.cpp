#include "train/trainer.h"
#include "util/json_number.h"

#include "model/bf16_scope.h"

#include "model/model_io.h"
#include "train/data_parallel.h"
#include "train/heap_settings.h"
#include "train/optimizer.h"
#include "train/step_threads.h"
#include "train/teacher_logit_cache.h"
#include "util/cpu_block_cache.h"
#include "util/error.h"
#include "util/files.h"
#include "util/machine.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>
#include <type_traits>
#include <thread>


namespace tleg::train {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}


nlohmann::json recordToJson(const EpochRecord& r)
{
    return {{"epoch", r.epoch},         {"train_loss", r.trainLoss}, {"train_top1", r.trainTop1},
            {"val_loss", r.valLoss},    {"val_top1", r.valTop1},     {"val_top5", r.valTop5},
            {"lr", r.lr},               {"seconds", r.seconds},      {"images_per_second", r.imagesPerSecond}};
}

EpochRecord recordFromJson(const nlohmann::json& j)
{
    EpochRecord r;
    r.epoch = util::jsonInteger<int64_t>(j.at("epoch"));
    r.trainLoss = j.at("train_loss").get<double>();
    r.trainTop1 = j.at("train_top1").get<double>();
    r.valLoss = j.at("val_loss").get<double>();
    r.valTop1 = j.at("val_top1").get<double>();
    r.valTop5 = j.at("val_top5").get<double>();
    r.lr = j.at("lr").get<double>();
    r.seconds = j.at("seconds").get<double>();
    r.imagesPerSecond = j.at("images_per_second").get<double>();
    return r;
}

std::string metricsCsv(const std::vector<EpochRecord>& history)
{
    std::ostringstream os;
    os << "epoch,train_loss,train_top1,val_loss,val_top1,val_top5,lr,seconds,images_per_second\n";
    for (const auto& r : history)
        os << r.epoch << ',' << r.trainLoss << ',' << r.trainTop1 << ',' << r.valLoss << ','
           << r.valTop1 << ',' << r.valTop5 << ',' << r.lr << ',' << r.seconds << ','
           << r.imagesPerSecond << '\n';
    return os.str();
}

void validate(const TrainOptions& o, const data::Dataset& trainSet, const data::Dataset& testSet,
              const Teacher* teacher)
{
    o.validate();
    if (testSet.size() > 0 && (testSet.channels() != trainSet.channels() ||
                               testSet.height() != trainSet.height() ||
                               testSet.width() != trainSet.width()))
        throw Error("the test images (" + std::to_string(testSet.channels()) + "×" +
                    std::to_string(testSet.height()) + "×" + std::to_string(testSet.width()) +
                    ") are not the size of the training images (" +
                    std::to_string(trainSet.channels()) + "×" + std::to_string(trainSet.height()) +
                    "×" + std::to_string(trainSet.width()) + ")");
    if (trainSet.size() == 0)
        throw Error("the training set is empty");
    if (o.valFraction > 0.0 && trainSet.size() < 2)
        throw Error("the training set '" + trainSet.name + "' has " +
                    std::to_string(trainSet.size()) +
                    " image, too few to hold out validation images: use --val-fraction 0");
    if (o.loss.lambda > 0.0 && !teacher)
        throw Error("distillation (lambda > 0) needs a teacher model");
}

/// Progress after `step` optimizer steps, `stepsThisCall` of them in this call.
Progress makeProgress(int64_t epoch, int64_t epochs, int64_t batch, int64_t batches, int64_t step,
                      int64_t totalSteps, int64_t stepsThisCall, Clock::time_point t0)
{
    Progress p;
    p.epoch = epoch;
    p.epochs = epochs;
    p.batch = batch;
    p.batches = batches;
    p.step = step;
    p.totalSteps = totalSteps;
    p.elapsedSeconds = secondsSince(t0);
    p.etaSeconds = stepsThisCall ? p.elapsedSeconds / static_cast<double>(stepsThisCall)
                                       * static_cast<double>(totalSteps - step)
                                 : 0.0;
    return p;
}

/// Model, optimizer state and history in one file: the exact resume point.
void writeCheckpoint(const std::string& path, model::ClassifierImpl& model, const AdamW& opt,
                     nlohmann::json extra, const std::vector<EpochRecord>& history)
{
    nlohmann::json hist = nlohmann::json::array();
    for (const auto& r : history)
        hist.push_back(recordToJson(r));
    extra["history"] = hist;
    io::NamedTensors tensors = model::namedTensors(model);
    for (auto& t : opt.state())
        tensors.push_back(std::move(t));
    io::writeSafetensors(path, tensors, model::metadataFor(model, extra).toStrings());
}

/// Loads a checkpoint into model and optimizer; returns the epochs it had completed.
std::vector<EpochRecord> readCheckpoint(const std::string& path, model::ClassifierImpl& model,
                                        AdamW& opt, double* valFraction = nullptr)
{
    auto file = io::readSafetensors(path);
    auto md = model::ModelMetadata::fromStrings(file.metadata, path);
    if (md.kind != model.kind() || md.architecture != model.architecture())
        throw fileError(path, "checkpoint is of another model (" + md.architecture.dump() +
                                  "); use a new run folder or drop --resume");
    model::loadTensorsInto(model, model::parameterTensors(file), path);
    opt.loadState(file);
    std::vector<EpochRecord> history;
    try {
        if (valFraction) // absent: a run from before the hold-out
            *valFraction = md.extra.value("train_options", nlohmann::json::object())
                               .value("val_fraction", 0.0);
        for (const auto& r : md.extra.at("history"))
            history.push_back(recordFromJson(r));
    } catch (const nlohmann::json::exception& e) {
        throw fileError(path, std::string("checkpoint history is damaged: ") + e.what());
    }
    return history;
}

} // namespace

void applyThreads(int threads)
{
    torch::set_num_threads(threads > 0 ? threads : util::defaultThreads());
}

nlohmann::json normalizationToJson(const data::Normalization& n)
{
    return {{"mean", n.mean}, {"std", n.std}};
}

data::Normalization normalizationFrom(const nlohmann::json& extra, const data::Dataset& fallback)
{
    if (extra.is_object() && extra.contains("normalization")) {
        data::Normalization n;
        try {
            n.mean = extra["normalization"].at("mean").get<std::vector<float>>();
            n.std = extra["normalization"].at("std").get<std::vector<float>>();
        } catch (const nlohmann::json::exception&) {
            throw Error("metadata 'normalization' is not {\"mean\": [numbers], \"std\": "
                        "[numbers]}");
        }
        for (size_t i = 0; i < n.std.size(); ++i)
            if (!std::isfinite(n.std[i]) || !(n.std[i] > 0.0f) ||
                (i < n.mean.size() && !std::isfinite(n.mean[i])))
                throw Error("metadata 'normalization' holds a mean or std that is not a finite "
                            "number (std must be positive)");
        if (n.mean.size() == n.std.size() &&
            static_cast<int64_t>(n.mean.size()) == fallback.channels())
            return n;
    }
    return data::computeNormalization(fallback);
}

namespace {

/// One call of train(): the loop is split into opening the run folder (resume or a new
/// config.json), an epoch of steps, the end of an epoch (evaluation, checkpoint, metrics, log)
/// and the end of the run (model.safetensors).
class Training {
public:
    /// fit: the positions of trainSet to train on (undefined: all); valSet: what every epoch is
    /// scored on (the held-out images, or testSet without a hold-out).
    Training(model::ClassifierImpl& model, const data::Dataset& trainSet, torch::Tensor fit,
             const data::Dataset& valSet, const data::Dataset& testSet, const TrainOptions& o,
             Teacher* teacher, const ProgressFn& progress, const std::atomic<bool>* stop)
        : m_model(model), m_fit(std::move(fit)), m_val(valSet),
          m_test(testSet), m_heldOut(m_fit.defined()),
          m_fitImages(m_fit.defined() ? m_fit.size(0) : trainSet.size()), m_o(o),
          m_teacher(teacher),
          m_progress(progress), m_stop(stop), m_t0(Clock::now()), m_world(dist::current()),
          m_loader(trainSet, loaderOptions()),
          m_opt(model.named_parameters(true), {0.9, 0.999, 1e-8, o.weightDecay}),
          m_teacherLogits(o.loss.lambda > 0.0 ? teacher : nullptr,
                          studentInput(trainSet, m_loader.normalization()), trainSet.size(),
                          o.cacheTeacherLogits && !o.augment && o.loss.lambda > 0.0),
          m_perEpoch(m_loader.batchesPerEpoch()), m_totalSteps(m_perEpoch * o.epochs),
          m_warmup(static_cast<int64_t>(o.warmupEpochs * static_cast<double>(m_perEpoch)))
    {
        m_extra = o.provenance;
        m_extra["normalization"] = normalizationToJson(m_loader.normalization());
        m_extra["train_options"] = o.toJson();
        m_writes = !o.runDir.empty() && (!m_world || m_world->isWriter());
        if (m_writes) {
            m_checkpoint = joinPath(o.runDir, "checkpoint.safetensors");
            m_logPath = joinPath(o.runDir, "log.txt");
        }
        if (m_world)
            startDataParallel();
        const int parts = stepParts(at::get_num_threads(), m_batch);
        if (parts > 1) {
            for (const auto& p : m_model.parameters())
                if (p.requires_grad())
                    m_trainable.push_back(p);
            m_stepThreads = std::make_unique<StepThreads>(parts);
        }
        m_result.stepSlices = parts;
    }

    TrainResult run()
    {
        int64_t startEpoch = openRunFolder();
        if (m_stepThreads)
            log("each step runs as " + std::to_string(m_stepThreads->parts())
                + " slices of the batch, one per thread");
        if (m_parallel)
            startEpoch = m_parallel->broadcastState(startEpoch);
        m_result.imagesSeen = startEpoch * m_perEpoch * m_batch;
        m_step = startEpoch * m_perEpoch;
        for (int64_t epoch = startEpoch; epoch < m_o.epochs && !m_result.stopped; ++epoch) {
            const auto e0 = Clock::now();
            EpochRecord rec;
            if (!trainEpoch(epoch, rec))
                break; // the previous epoch's checkpoint stays the resume point
            endEpoch(epoch, rec, e0);
        }
        finish();
        return m_result;
    }

private:
    data::LoaderOptions loaderOptions()
    {
        data::LoaderOptions lo;
        lo.batchSize = std::min(m_o.batchSize, m_fitImages);
        lo.shuffle = true;
        lo.dropLast = m_fitImages > m_o.batchSize; // no tiny last batch with a noisy gradient
        lo.positions = m_fit;
        lo.augment = m_o.augment;
        lo.seed = m_o.seed;
        if (m_world) {
            lo.shardIndex = m_world->rank();
            lo.shardCount = m_world->size();
        }
        m_batch = lo.batchSize;
        return lo;
    }

    /// Every rank must have images in every batch.
    void startDataParallel()
    {
        if (m_batch < m_world->size())
            throw Error("data-parallel training needs at least one image per worker in every "
                        "batch: the batch (--batch) holds "
                        + std::to_string(m_batch) + " images for " + std::to_string(m_world->size())
                        + " workers");
        m_parallel = std::make_unique<DataParallel>(*m_world, m_model, m_opt, m_batch);
    }

    void log(const std::string& line) const
    {
        if (!m_logPath.empty())
            appendLine(m_logPath, "[" + timestamp() + "] " + line);
    }

    /// A new run writes config.json; a resumed one loads its checkpoint. Returns the epochs
    /// already done.
    int64_t openRunFolder()
    {
        if (!m_writes)
            return 0; // rank 0 reads the checkpoint and sends it (DataParallel::broadcastState)
        makeDirs(m_o.runDir);
        if (m_o.resume && fileExists(m_checkpoint)) {
            double heldOutBefore = 0;
            m_result.history = readCheckpoint(m_checkpoint, m_model, m_opt, &heldOutBefore);
            const auto done = static_cast<int64_t>(m_result.history.size());
            restoreSelection(heldOutBefore);
            log("resumed after epoch " + std::to_string(done));
            return done;
        }
        nlohmann::json cfg = m_o.runConfig.is_object() ? m_o.runConfig : nlohmann::json::object();
        cfg["kind"] = m_model.kind();
        cfg["architecture"] = m_model.architecture();
        cfg["train_options"] = m_o.toJson();
        cfg["provenance"] = m_o.provenance;
        cfg["train_images"] = m_fitImages;
        cfg["val_images"] = m_heldOut ? m_val.size() : 0;
        cfg["test_images"] = m_test.size();
        cfg["epochs_scored_on"] = m_heldOut ? "validation" : "test";
        cfg["teacher"] = m_teacher ? m_teacher->description() : "";
        if (const TeacherFeed* feed = m_teacherLogits.feed()) {
            cfg["teacher_input"] = feed->teacherInput().toJson();
            cfg["teacher_input"]["class_map"] = m_teacher->classMap();
        }
        if (m_world)
            cfg["data_parallel"] = {{"workers", m_world->size()},
                                    {"backend", m_world->backend()},
                                    {"global_batch", m_batch}};
        writeTextAtomic(joinPath(m_o.runDir, "config.json"), cfg.dump(2) + "\n");
        log("started " + m_model.kind() + ": " + m_model.architecture().dump());
        if (const TeacherFeed* feed = m_teacherLogits.feed())
            log("teacher: " + m_teacher->description() + ": " + feed->describe());
        return 0;
    }

    /// One optimizer step; returns the batch's loss. Throws when the loss is not finite.
    /// Data-parallel: the loss and n (in: this rank's images) are those of the global batch.
    double step(const data::Batch& b, double lr, int64_t epoch, int64_t batch, int64_t& correct,
                int64_t& n)
    {
        const Pass pass = forwardBackward(b, m_parallel ? m_parallel->share(n) : 1.0);
        if (m_parallel)
            return parallelStep(pass, lr, epoch, batch, correct, n);
        if (!std::isfinite(pass.loss))
            diverged(std::to_string(pass.loss), epoch, batch);
        if (m_o.clipGrad > 0.0)
            m_opt.clipGradNorm(m_o.clipGrad);
        m_opt.step(lr);
        correct += pass.correct;
        return pass.loss;
    }

    /// A batch's mean loss and the images it classified right.
    struct Pass {
        double loss = 0.0;
        int64_t correct = 0;
    };

    /// Forward and backward of batch b: the gradients of scale × its mean loss in the
    /// parameters' .grad (none when the loss is not finite). Split across m_stepThreads when
    /// there are several.
    Pass forwardBackward(const data::Batch& b, double scale)
    {
        if (m_stepThreads)
            return splitForwardBackward(b, scale);
        auto logits = m_model.forward(b.images);
        torch::Tensor teacherZ;
        if (m_o.loss.lambda > 0.0)
            teacherZ = m_teacherLogits.logits(b);
        auto loss = tlegLoss(logits, teacherZ, b.labels, m_o.loss);
        Pass pass;
        pass.loss = loss.item<double>();
        m_opt.zeroGrad();
        if (std::isfinite(pass.loss))
            (scale == 1.0 ? loss : loss * scale).backward();
        pass.correct = logits.argmax(1).eq(b.labels).sum().item<int64_t>();
        return pass;
    }

    /// forwardBackward with each thread of m_stepThreads on its own slice of the batch (its
    /// own forward, teacher and backward, weighted by its share of the images); the slices'
    /// gradients are then summed in slice order, so the result does not depend on timing.
    Pass splitForwardBackward(const data::Batch& b, double scale)
    {
        const int64_t n = b.labels.size(0);
        const int parts = static_cast<int>(std::min<int64_t>(m_stepThreads->parts(), n));
        const bool teacher = m_o.loss.lambda > 0.0;
        torch::Tensor cachedZ; // cached logits are looked up (and filled) here, once
        if (teacher && m_teacherLogits.caching())
            cachedZ = m_teacherLogits.logits(b);
        struct Part {
            double loss = 0.0;
            int64_t correct = 0, images = 0;
        };
        std::vector<Part> out(size_t(m_stepThreads->parts()));
        std::vector<std::vector<torch::Tensor>> grads(out.size());
        const bool bf16 = model::bf16Matmul();
        m_stepThreads->run([&](int i) {
            if (i >= parts)
                return;
            const auto [from, rows] = sliceRows(n, parts, i);
            model::Bf16Scope precision(bf16); // thread-local, as the caller's
            data::Batch slice{b.images.narrow(0, from, rows), b.labels.narrow(0, from, rows),
                              b.indices.defined() ? b.indices.narrow(0, from, rows)
                                                  : torch::Tensor()};
            torch::Tensor teacherZ;
            if (teacher)
                teacherZ = cachedZ.defined() ? cachedZ.narrow(0, from, rows)
                                             : m_teacherLogits.logits(slice);
            auto logits = m_model.forward(slice.images);
            auto loss = tlegLoss(logits, teacherZ, slice.labels, m_o.loss);
            Part& p = out[size_t(i)];
            p.images = rows;
            p.loss = loss.item<double>();
            p.correct = logits.argmax(1).eq(slice.labels).sum().item<int64_t>();
            if (std::isfinite(p.loss))
                grads[size_t(i)] = torch::autograd::grad(
                    {loss * (scale * double(rows) / double(n))}, m_trainable, {}, false, false,
                    true);
        });
        Pass pass;
        for (const Part& p : out) {
            pass.loss += p.loss * double(p.images) / double(n);
            pass.correct += p.correct;
        }
        m_opt.zeroGrad();
        if (std::isfinite(pass.loss))
            sumSliceGradients(m_trainable, grads);
        return pass;
    }

    [[noreturn]] void diverged(const std::string& value, int64_t epoch, int64_t batch)
    {
        log("stopped: loss is not finite at epoch " + std::to_string(epoch + 1));
        throw Error("training diverged: the loss became " + value + " in epoch "
                    + std::to_string(epoch + 1) + ", batch " + std::to_string(batch + 1)
                    + (m_o.runDir.empty() ? std::string()
                                          : "; the last good checkpoint is kept in " + m_o.runDir)
                    + " (try a lower learning rate)");
    }

    /// The data-parallel step after this rank's forward and backward (of its share of the
    /// global mean loss): the gradients, the batch's figures and any stop request summed over
    /// all ranks. Every rank then clips and steps on the same bits, throws on the same
    /// non-finite loss, or stops at the same batch (m_stopAgreed, before the optimizer step).
    double parallelStep(const Pass& pass, double lr, int64_t epoch, int64_t batch,
                        int64_t& correct, int64_t& n)
    {
        StepFigures local;
        local.finite = std::isfinite(pass.loss);
        local.lossSum = local.finite ? pass.loss * static_cast<double>(n) : 0.0;
        local.correct = static_cast<double>(pass.correct);
        local.images = static_cast<double>(n);
        local.stop = m_localStop || (m_stop && m_stop->load());
        const StepFigures all = m_parallel->reduceStep(local);
        if (!all.finite)
            diverged("not finite on a worker", epoch, batch);
        if (all.stop) {
            m_stopAgreed = true;
            return 0.0;
        }
        if (m_o.clipGrad > 0.0)
            m_opt.clipGradNorm(m_o.clipGrad);
        m_opt.step(lr);
        correct += static_cast<int64_t>(all.correct);
        n = static_cast<int64_t>(all.images);
        return all.lossSum / all.images;
    }

    /// Calls the progress callback; false when it asks to stop.
    bool report(int64_t epoch, int64_t batch, double loss, double lr,
                const EpochRecord* done = nullptr)
    {
        if (!m_progress)
            return true;
        Progress p = makeProgress(epoch, m_o.epochs, batch, m_perEpoch, m_step, m_totalSteps,
                                  m_stepsThisCall, m_t0);
        p.loss = loss;
        p.lr = lr;
        p.epochDone = done;
        p.imagesPerSecond = p.elapsedSeconds > 0.0
                                ? static_cast<double>(m_stepsThisCall * m_batch) / p.elapsedSeconds
                                : 0.0;
        return m_progress(p);
    }

    bool stopped()
    {
        m_result.stopped = true;
        return false;
    }

    /// The steps of one epoch into rec's training figures; false when stopped.
    bool trainEpoch(int64_t epoch, EpochRecord& rec)
    {
        m_model.train();
        m_loader.startEpoch(epoch);
        double lossSum = 0;
        rec.lr = m_o.lr;
        int64_t correct = 0, seen = 0, batch = 0;
        data::Batch b;
        while (m_loader.next(b)) {
            if (!m_parallel && m_stop && m_stop->load())
                return stopped(); // data-parallel: all ranks agree in the step
            rec.lr = cosineLr(m_step, m_totalSteps, m_warmup, m_o.lr, m_o.minLr);
            int64_t n = b.labels.size(0);
            const double loss = step(b, rec.lr, epoch, batch, correct, n);
            if (m_stopAgreed)
                return stopped();
            lossSum += loss * static_cast<double>(n);
            seen += n;
            m_result.imagesSeen += n;
            ++m_step;
            ++m_stepsThisCall;
            ++batch;
            if (!report(epoch + 1, batch, loss, rec.lr)) {
                if (!m_parallel)
                    return stopped();
                m_localStop = true; // data-parallel: every rank stops at the next step
            }
        }
        rec.epoch = epoch + 1;
        rec.trainLoss = seen ? lossSum / static_cast<double>(seen) : 0.0;
        rec.trainTop1 = seen ? 100.0 * static_cast<double>(correct) / static_cast<double>(seen) : 0.0;
        return true;
    }

    /// The model on d (every rank its share), normalised as the training batches.
    EvalResult score(const data::Dataset& d, const std::atomic<bool>* stop)
    {
        return evaluate(m_model, d, m_loader.normalization(), m_o.evalBatchSize, stop, m_world);
    }

    /// Evaluation, checkpoint, metrics.csv, the log line and the epoch's progress report.
    void endEpoch(int64_t epoch, EpochRecord& rec, Clock::time_point e0)
    {
        rec.seconds = secondsSince(e0);
        const int64_t seen = m_perEpoch * m_batch;
        rec.imagesPerSecond = static_cast<double>(seen) / std::max(1e-9, rec.seconds);
        if (m_parallel && !m_logitsShared) {
            m_teacherLogits.share(*m_world);
            m_logitsShared = true;
        }
        if (m_val.size() > 0) {
            const EvalResult ev = score(m_val, m_stop);
            rec.valLoss = ev.loss;
            rec.valTop1 = ev.top1;
            rec.valTop5 = ev.top5;
        }
        rec.seconds = secondsSince(e0);
        m_result.history.push_back(rec);
        const bool better = m_heldOut && (m_selected == 0 || rec.valTop1 >= m_selectedTop1);
        if (better)
            select(rec);
        if (m_writes) {
            // The checkpoint first: a crash between the two writes leaves a history whose best
            // epoch is its last, i.e. the checkpoint's own weights (restoreSelection).
            writeCheckpoint(m_checkpoint, m_model, m_opt, m_extra, m_result.history);
            if (better)
                model::saveClassifier(selectedPath(), m_model, selectedExtra());
            writeTextAtomic(joinPath(m_o.runDir, "metrics.csv"), metricsCsv(m_result.history));
            std::ostringstream line;
            line << "epoch " << rec.epoch << "/" << m_o.epochs << " loss " << rec.trainLoss
                 << " train top-1 " << rec.trainTop1 << (m_heldOut ? " val top-1 " : " test top-1 ")
                 << rec.valTop1 << " top-5 " << rec.valTop5 << " (" << rec.seconds << " s"
                 << parallelNote() << ")" << (better ? ", best so far" : "");
            log(line.str());
        }
        if (!report(epoch + 1, m_perEpoch, rec.trainLoss, rec.lr, &m_result.history.back())
            && epoch + 1 < m_o.epochs)
            (m_parallel ? m_localStop : m_result.stopped) = true; // data-parallel: at the next step
    }

    /// ", 2 workers, all-reduce wait 0.12 s" for the epoch just done; empty for one process.
    std::string parallelNote()
    {
        if (!m_parallel)
            return {};
        const double wait = m_parallel->reduceSeconds() - m_reduceSecondsBefore;
        m_reduceSecondsBefore = m_parallel->reduceSeconds();
        std::ostringstream os;
        os << ", " << m_world->size() << " workers, all-reduce wait " << wait << " s";
        return os.str();
    }

    std::string selectedPath() const { return joinPath(m_o.runDir, "selected.safetensors"); }

    nlohmann::json selectedExtra() const
    {
        nlohmann::json extra = m_extra;
        extra["selected_epoch"] = m_selected;
        return extra;
    }

    /// rec is the best epoch on the validation images so far: keep its weights.
    void select(const EpochRecord& rec)
    {
        m_selected = rec.epoch;
        m_selectedTop1 = rec.valTop1;
        m_selectedWeights.clear();
        for (const auto& [name, t] : model::namedTensors(m_model))
            m_selectedWeights.emplace_back(name, t.detach().clone());
    }

    /// After a resume: the best epoch of the history, its weights from the checkpoint (when it
    /// is the last) or from selected.safetensors. heldOutBefore: the checkpoint's valFraction.
    void restoreSelection(double heldOutBefore)
    {
        if (!m_heldOut || m_result.history.empty())
            return;
        const EpochRecord& last = m_result.history.back();
        if (heldOutBefore != m_o.valFraction) {
            // Its epochs were scored on other images (the test set, before the hold-out): the
            // choice starts again with the epochs trained from here on.
            select(last);
            m_selectedTop1 = -1.0;
            log("the epochs before the resume were scored on other images (validation share " +
                std::to_string(heldOutBefore) + "): the epoch kept is chosen among the next ones");
            return;
        }
        const EpochRecord* best = nullptr;
        for (const auto& r : m_result.history)
            if (!best || r.valTop1 >= best->valTop1)
                best = &r;
        if (best == &last) {
            select(*best);
            return;
        }
        const std::string path = selectedPath();
        try {
            auto file = io::readSafetensors(path);
            const auto md = model::ModelMetadata::fromStrings(file.metadata, path);
            if (util::jsonIntegerOr<int64_t>(md.extra, "selected_epoch", 0) != best->epoch)
                throw fileError(path, "holds epoch " + md.extra.value("selected_epoch",
                                                                       nlohmann::json()).dump() +
                                          ", not the best one, " + std::to_string(best->epoch));
            model::loadTensorsInto(m_model, model::parameterTensors(file), path);
        } catch (const std::exception& e) {
            // Deleted or damaged: the last epoch stands in for it, and the log says so. A
            // damaged file may have been copied in part before its defect showed: the
            // checkpoint's weights again.
            readCheckpoint(m_checkpoint, m_model, m_opt);
            select(last);
            log(std::string("the weights of epoch ") + std::to_string(best->epoch) +
                ", the best on the validation images, cannot be read (" + e.what() +
                "): epoch " + std::to_string(last.epoch) + " is the best so far");
            return;
        }
        select(*best);
        readCheckpoint(m_checkpoint, m_model, m_opt); // back to the last epoch's weights
    }

    /// Leaves the chosen epoch's weights in the model, scores them on the test set, saves them.
    void finish()
    {
        m_result.trainImages = m_fitImages;
        m_result.valImages = m_heldOut ? m_val.size() : 0;
        m_result.testImages = m_test.size();
        if (m_heldOut) {
            m_result.selectedEpoch = m_selected;
            m_result.valTop1 = m_selectedTop1;
        } else if (!m_result.history.empty()) {
            const EpochRecord& last = m_result.history.back();
            m_result.selectedEpoch = last.epoch;
            m_result.valTop1 = last.valTop1;
        }
        if (m_result.stopped) {
            m_result.seconds = secondsSince(m_t0);
            log("stopped by the user after " + std::to_string(m_result.history.size()) +
                " epochs");
            return;
        }
        if (m_heldOut) {
            if (!m_selectedWeights.empty() && !m_result.history.empty()
                && m_selected != m_result.history.back().epoch)
                model::loadTensorsInto(m_model, m_selectedWeights, "the chosen epoch");
            if (m_parallel) // a resumed worker may lack the chosen weights: rank 0's for all
                m_parallel->broadcastState(0);
            if (m_test.size() > 0) {
                const EvalResult t = score(m_test, nullptr);
                m_result.testTop1 = t.top1;
                m_result.testTop5 = t.top5;
                m_result.testLoss = t.loss;
            }
        } else if (!m_result.history.empty()) {
            const EpochRecord& last = m_result.history.back();
            m_result.testTop1 = last.valTop1;
            m_result.testTop5 = last.valTop5;
            m_result.testLoss = last.valLoss;
        }
        m_result.seconds = secondsSince(m_t0);
        if (m_o.runDir.empty())
            return;
        m_extra["metrics"] = {{"test_top1", m_result.testTop1},
                              {"test_top5", m_result.testTop5},
                              {"test_loss", m_result.testLoss},
                              {"val_top1", m_result.valTop1},
                              {"selected_epoch", m_result.selectedEpoch},
                              {"val_images", m_result.valImages},
                              {"test_images", m_result.testImages},
                              {"epochs", m_o.epochs},
                              {"images_seen", m_result.imagesSeen}};
        // Rank 0 writes the run folder; the other ranks keep their (identical) model privately,
        // for a pipeline's next stage.
        model::saveClassifier(joinPath(dist::privateFolder(m_o.runDir), "model.safetensors"),
                              m_model, m_extra);
        if (m_writes) {
            std::error_code ignored; // a left-over copy of model.safetensors harms nothing
            std::filesystem::remove(selectedPath(), ignored);
        }
        std::ostringstream line;
        line << "finished: test top-1 " << m_result.testTop1 << " top-5 " << m_result.testTop5
             << " of epoch " << m_result.selectedEpoch;
        if (m_heldOut)
            line << " (chosen on " << m_result.valImages << " validation images: top-1 "
                 << m_result.valTop1 << ")";
        log(line.str());
    }

    model::ClassifierImpl& m_model;
    torch::Tensor m_fit;
    const data::Dataset& m_val;
    const data::Dataset& m_test;
    bool m_heldOut;       // m_val is held out of the training data (else it is m_test)
    int64_t m_fitImages;  // training images actually trained on
    const TrainOptions& m_o;
    Teacher* m_teacher;
    const ProgressFn& m_progress;
    const std::atomic<bool>* m_stop;
    Clock::time_point m_t0;
    dist::World* m_world; // null: one process
    int64_t m_batch = 0; // set by loaderOptions() before m_loader is built
    data::BatchLoader m_loader;
    AdamW m_opt;
    TeacherLogitCache m_teacherLogits;
    int64_t m_perEpoch, m_totalSteps, m_warmup;
    int64_t m_step = 0, m_stepsThisCall = 0;
    std::string m_checkpoint, m_logPath;
    nlohmann::json m_extra;
    TrainResult m_result;
    bool m_writes = false; // this process writes runDir (rank 0, or the only process)
    std::unique_ptr<DataParallel> m_parallel;
    std::unique_ptr<StepThreads> m_stepThreads; // null: the step runs on this thread alone
    std::vector<torch::Tensor> m_trainable;     // the parameters m_stepThreads' slices train
    bool m_localStop = false, m_stopAgreed = false, m_logitsShared = false;
    double m_reduceSecondsBefore = 0;
    int64_t m_selected = 0;          // best epoch on the validation images so far (1-based)
    double m_selectedTop1 = 0;
    io::NamedTensors m_selectedWeights; // its weights
};

} // namespace

TrainResult train(model::ClassifierImpl& model, const data::Dataset& trainSet,
                  const data::Dataset& testSet, const TrainOptions& o, Teacher* teacher,
                  const ProgressFn& progress, const std::atomic<bool>* stop)
{
    validate(o, trainSet, testSet, teacher);
    keepLargeAllocationsOnTheHeap();
    applyThreads(o.threads);
    model::Bf16Scope bf16(o.bf16);
    torch::manual_seed(o.seed);
    const util::CpuBlockCache::Scope blockCache; // emptied when the run ends, however it ends
    if (o.valFraction <= 0.0)
        return Training(model, trainSet, {}, testSet, testSet, o, teacher, progress, stop).run();
    // The training images are not copied: the loader trains on the positions of `fit`.
    const data::SplitPositions split = data::splitPositions(trainSet, o.valFraction, kValSplitSeed);
    const data::Dataset val = data::take(trainSet, split.val);
    return Training(model, trainSet, split.fit, val, testSet, o, teacher, progress, stop).run();
}

} // namespace tleg::train
