#pragma once
// The checkpoints the Linearity page compares: each with its file, a short label (its base
// name, with the folder when that alone says nothing or two files share it), a colour it keeps
// while others come and go, and, once analysed, the core's result. From them come the parameter
// kinds to choose from, the series one kind's plots draw, and the R² grid of all kinds.
// Usage:
//   LinearityModels models;
//   const quint64 id = models.add("runs/des-8/model.safetensors");     // queued: no result yet
//   models.setResult(id, result);            // false when it was removed meanwhile
//   drawPc1(plot, models.seriesOf("attn.qkv.weight"));
#include "analysis/linearity.h"
#include "widgets/plots/linearity_plots.h"

#include <QColor>
#include <QString>
#include <QStringList>

#include <memory>
#include <string>
#include <vector>

namespace tleg::gui {

class LinearityModels {
public:
    struct Entry {
        quint64 id = 0;
        QString path, label;
        QColor colour;
        std::shared_ptr<const analysis::ModelLinearity> result; // null while analysing
    };

    /// Adds path (made absolute) without a result yet; returns its id.
    quint64 add(const QString& path);
    /// The result of id's analysis; false when id was removed meanwhile.
    bool setResult(quint64 id, std::shared_ptr<const analysis::ModelLinearity> result);
    /// Drops the entry of id (a failed analysis) or of row (the list's order).
    void removeId(quint64 id);
    void removeRow(int row);

    const std::vector<Entry>& entries() const { return m_entries; }
    /// Entries that have a result, in list order.
    std::vector<const Entry*> analysed() const;
    bool isBusy() const;
    QStringList paths() const;

    /// Every kind some model has, in block order, the whole block last.
    std::vector<std::string> kinds() const;
    /// One series per analysed model for kind (a model without it has kind == nullptr).
    std::vector<LinearitySeries> seriesOf(const std::string& kind) const;
    /// R² of each of kinds (rows) for each analysed model (columns).
    R2Grid grid(const std::vector<std::string>& kinds) const;

private:
    void relabel();

    std::vector<Entry> m_entries;
    quint64 m_nextId = 1;
};

} // namespace tleg::gui
