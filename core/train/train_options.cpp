// TrainOptions as JSON (config.json, job specs, cache keys) and its range checks.
#include "train/trainer.h"
#include "util/error.h"
#include "util/json_number.h"

#include <cmath>
#include <limits>
#include <sstream>

namespace tleg::train {

nlohmann::json TrainOptions::toJson() const
{
    return {{"epochs", epochs},           {"batch_size", batchSize},   {"lr", lr},
            {"min_lr", minLr},            {"warmup_epochs", warmupEpochs},
            {"weight_decay", weightDecay}, {"clip_grad", clipGrad},
            {"lambda", loss.lambda},      {"tau", loss.tau},           {"label_smoothing", loss.labelSmoothing},
            {"kd_deit_normalisation", loss.deitNormalisation},
            {"augment", augment},         {"seed", seed},              {"threads", threads},
            {"bf16", bf16},               {"cache_teacher_logits", cacheTeacherLogits},
            {"val_fraction", valFraction}};
}

void TrainOptions::validate() const
{
    auto fail = [](const char* option, const char* what, const std::string& got) {
        throw Error(std::string(option) + " must be " + what + ", got " + got);
    };
    auto count = [&](const char* option, int64_t v, int64_t lo, int64_t hi) {
        if (v < lo || v > hi)
            fail(option,
                 ("between " + std::to_string(lo) + " and " + std::to_string(hi)).c_str(),
                 std::to_string(v));
    };
    auto real = [&](const char* option, double v, double lo, double hi, bool openLow,
                    bool openHigh) {
        const bool ok = std::isfinite(v) && (openLow ? v > lo : v >= lo) &&
                        (openHigh ? v < hi : v <= hi);
        if (!ok) {
            std::ostringstream range;
            range << "a number in " << (openLow ? "(" : "[") << lo << ", " << hi
                  << (openHigh ? ")" : "]");
            std::ostringstream got;
            got << v;
            fail(option, range.str().c_str(), got.str());
        }
    };
    const double inf = std::numeric_limits<double>::max();
    count("epochs (--epochs)", epochs, 1, 100000);
    count("batch size (--batch)", batchSize, 1, 65536);
    count("evaluation batch size", evalBatchSize, 1, 65536);
    count("threads (--threads; 0 = the idle cores)", threads, 0, 1024);
    real("learning rate (--lr)", lr, 0.0, 10.0, true, false);
    real("final learning rate (--min-lr)", minLr, 0.0, 10.0, false, false);
    real("warm-up epochs (--warmup)", warmupEpochs, 0.0, inf, false, false);
    real("weight decay (--wd)", weightDecay, 0.0, inf, false, false);
    real("gradient clipping norm (--clip; 0 = off)", clipGrad, 0.0, inf, false, false);
    real("label smoothing (--smoothing)", loss.labelSmoothing, 0.0, 1.0, false, true);
    real("distillation weight λ (--lambda)", loss.lambda, 0.0, 1.0, false, false);
    real("temperature τ (--tau)", loss.tau, 0.0, 1000.0, true, false);
    real("validation share (--val-fraction; 0 = none)", valFraction, 0.0, 0.5, false, false);
}

TrainOptions TrainOptions::fromJson(const nlohmann::json& j)
{
    TrainOptions o;
    if (!j.is_object())
        throw Error("train options: not a JSON object");
    auto read = [&j](const char* key, auto& field) {
        util::readJsonField(j, key, field, "train options: '");
    };
    read("epochs", o.epochs);
    read("batch_size", o.batchSize);
    read("lr", o.lr);
    read("min_lr", o.minLr);
    read("warmup_epochs", o.warmupEpochs);
    read("weight_decay", o.weightDecay);
    read("clip_grad", o.clipGrad);
    read("lambda", o.loss.lambda);
    read("tau", o.loss.tau);
    read("label_smoothing", o.loss.labelSmoothing);
    read("kd_deit_normalisation", o.loss.deitNormalisation);
    read("augment", o.augment);
    read("seed", o.seed);
    read("threads", o.threads);
    read("bf16", o.bf16);
    read("cache_teacher_logits", o.cacheTeacherLogits);
    o.valFraction = 0.0; // runs from before the hold-out scored every epoch on the test set
    read("val_fraction", o.valFraction);
    return o;
}

} // namespace tleg::train
