#pragma once
// What every page shares: the open dataset, the run folder and the compute settings.
#include <torch/torch.h> // before Qt

#include "data/dataset.h"

#include <QString>

#include <memory>

namespace tleg::gui {

struct AppState {
    /// Immutable once set: workers hold their own shared_ptr, so replacing it is safe.
    std::shared_ptr<const data::DataSplit> data;
    QString runFolder = QStringLiteral("runs");
    int threads = 0; // 0 = all cores
    bool bf16 = false;
};

} // namespace tleg::gui
