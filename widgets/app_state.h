#pragma once
// What every page shares: the open dataset and the spec it was opened from, the run folder and
// the compute settings. The main window owns it; pages hold a reference.
// Usage:
//   state.data = std::make_shared<const data::DataSplit>(workflow::openData(spec));
//   state.dataSpec = spec;                      // every job's spec records what data it used
//   TrainSpec s = TrainSpec::ancestry(state.dataSpec, config, options);
//   workflow::runTrain(s, ctx.hooks(), state.data.get());   // on the worker, the open split
//   spec.teacherOptions = state.ancestryOptions;   // when spec.teacher is state.ancestryPath
#include "data/dataset.h"
#include "workflow/specs.h"

#include <QString>

#include <memory>

namespace tleg::gui {

struct AppState {
    /// Immutable once set: workers hold their own shared_ptr, so replacing it is safe.
    std::shared_ptr<const data::DataSplit> data;
    /// Where data came from (source, format, subsets): what a run's config.json records, so
    /// that "Run again" opens the same images. Replaced together with data.
    workflow::DataSpec dataSpec;
    QString runFolder = QStringLiteral("runs");
    int threads = 0; // 0 = all cores
    bool bf16 = false;
    /// The Ancestry page's current model (a file or a Hugging Face folder) and what its import
    /// settings say about it: the hints for a foreign checkpoint (heads, image size, mean/std),
    /// what it takes as a teacher and its class map. Every use of this model takes both: the
    /// page's evaluation, the Learngene page's teacher (when its path is this one).
    QString ancestryPath;
    train::TeacherOptions ancestryOptions;
};

} // namespace tleg::gui
