#include "widgets/pages/linearity_models.h"

#include "model/block.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace tleg::gui {

namespace {

/// matplotlib's tab10: the colours people know from the paper's kind of figure.
const QColor kPalette[] = {{31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},
                           {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {127, 127, 127},
                           {188, 189, 34},  {23, 190, 207}};

int kindOrder(const std::string& kind)
{
    if (kind == analysis::kWholeBlock)
        return model::kBlockParamCount + 1;
    for (int p = 0; p < model::kBlockParamCount; ++p)
        if (kind == model::blockParamName(p))
            return p;
    return model::kBlockParamCount;
}

} // namespace

quint64 LinearityModels::add(const QString& path)
{
    Entry e;
    e.id = m_nextId++;
    e.path = QFileInfo(path).absoluteFilePath();
    // The first colour no open model uses: a model keeps its colour while others come and go.
    e.colour = kPalette[(e.id - 1) % std::size(kPalette)];
    for (const QColor& c : kPalette) {
        if (std::none_of(m_entries.begin(), m_entries.end(),
                         [&](const Entry& o) { return o.colour == c; })) {
            e.colour = c;
            break;
        }
    }
    m_entries.push_back(e);
    relabel();
    return e.id;
}

bool LinearityModels::setResult(quint64 id, std::shared_ptr<const analysis::ModelLinearity> r)
{
    auto it = std::find_if(m_entries.begin(), m_entries.end(),
                           [&](const Entry& e) { return e.id == id; });
    if (it == m_entries.end())
        return false;
    it->result = std::move(r);
    return true;
}

void LinearityModels::removeId(quint64 id)
{
    m_entries.erase(std::remove_if(m_entries.begin(), m_entries.end(),
                                   [&](const Entry& e) { return e.id == id; }),
                    m_entries.end());
    relabel();
}

void LinearityModels::removeRow(int row)
{
    if (row < 0 || row >= static_cast<int>(m_entries.size()))
        return;
    m_entries.erase(m_entries.begin() + row);
    relabel();
}

void LinearityModels::relabel()
{
    // Labels: the file's base name, with its folder when two files share one or when the name
    // says nothing by itself (runs/<run>/model.safetensors, Hugging Face's model.safetensors).
    static const QStringList generic = {QStringLiteral("model"), QStringLiteral("checkpoint"),
                                        QStringLiteral("pytorch_model")};
    for (auto& e : m_entries) {
        const QFileInfo info(e.path);
        e.label = info.completeBaseName();
        const bool shared =
            std::count_if(
                m_entries.begin(), m_entries.end(),
                [&](const Entry& o) { return QFileInfo(o.path).completeBaseName() == e.label; })
            > 1;
        if (shared || generic.contains(e.label))
            e.label = info.dir().dirName() + QLatin1Char('/') + e.label;
    }
}

std::vector<const LinearityModels::Entry*> LinearityModels::analysed() const
{
    std::vector<const Entry*> out;
    for (const auto& e : m_entries)
        if (e.result)
            out.push_back(&e);
    return out;
}

bool LinearityModels::isBusy() const
{
    return std::any_of(m_entries.begin(), m_entries.end(),
                       [](const Entry& e) { return !e.result; });
}

QStringList LinearityModels::paths() const
{
    QStringList out;
    for (const auto& e : m_entries)
        out << e.path;
    return out;
}

std::vector<std::string> LinearityModels::kinds() const
{
    std::vector<std::string> kinds;
    for (const Entry* e : analysed())
        for (const auto& k : e->result->kinds)
            if (std::find(kinds.begin(), kinds.end(), k.kind) == kinds.end())
                kinds.push_back(k.kind);
    std::stable_sort(kinds.begin(), kinds.end(),
                     [](const auto& a, const auto& b) { return kindOrder(a) < kindOrder(b); });
    return kinds;
}

std::vector<LinearitySeries> LinearityModels::seriesOf(const std::string& kind) const
{
    std::vector<LinearitySeries> out;
    for (const Entry* e : analysed()) {
        LinearitySeries s;
        s.label = e->label;
        s.path = e->path;
        s.colour = e->colour;
        s.model = e->result.get();
        for (const auto& k : e->result->kinds)
            if (k.kind == kind)
                s.kind = &k;
        out.push_back(s);
    }
    return out;
}

R2Grid LinearityModels::grid(const std::vector<std::string>& kinds) const
{
    R2Grid g;
    g.kinds = kinds;
    const auto models = analysed();
    for (const Entry* e : models) {
        g.labels << e->label;
        g.paths << e->path;
    }
    g.r2.assign(g.kinds.size() * models.size(), NAN);
    for (size_t k = 0; k < g.kinds.size(); ++k)
        for (size_t m = 0; m < models.size(); ++m)
            for (const auto& kl : models[m]->result->kinds)
                if (kl.kind == g.kinds[k])
                    g.r2[k * models.size() + m] = kl.r2;
    return g;
}

} // namespace tleg::gui
