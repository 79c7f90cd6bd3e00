#include "widgets/workspace.h"

#include "util/error.h"
#include "util/files.h"
#include "util/json_number.h"
#include "widgets/main_window.h"
#include "widgets/pages/ancestry_page.h"
#include "widgets/pages/data_page.h"
#include "widgets/pages/depth_queue.h"
#include "widgets/pages/expand_page.h"
#include "widgets/pages/learngene_page.h"
#include "widgets/pages/linearity_page.h"
#include "widgets/pages/runs_page.h"

#include <QCheckBox>
#include <QDir>
#include <QFileInfo>
#include <QLineEdit>
#include <QListWidget>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>

#include <fstream>
#include <sstream>

namespace tleg::gui {

namespace {

constexpr int kVersion = 1;

/// An integer field in [lo, hi]; tleg::Error naming the field otherwise.
int intField(const nlohmann::json& v, const char* name, int64_t lo, int64_t hi)
{
    int64_t x = 0;
    try {
        x = util::jsonInteger<int64_t>(v);
    } catch (const nlohmann::json::exception&) {
        throw Error(std::string("field '") + name + "' must be a whole number, got " + v.dump());
    }
    if (x < lo || x > hi)
        throw Error(std::string("field '") + name + "' must be from " + std::to_string(lo)
                    + " to " + std::to_string(hi) + ", got " + std::to_string(x));
    return static_cast<int>(x);
}

nlohmann::json strings(const QStringList& list)
{
    nlohmann::json out = nlohmann::json::array();
    for (const QString& s : list)
        out.push_back(s.toStdString());
    return out;
}

QString text(const nlohmann::json& j, const char* key)
{
    return j.contains(key) && j[key].is_string() ? QString::fromStdString(j[key].get<std::string>())
                                                 : QString();
}

QStringList textList(const nlohmann::json& j, const char* key)
{
    QStringList out;
    if (j.contains(key) && j[key].is_array())
        for (const auto& v : j[key])
            if (v.is_string())
                out << QString::fromStdString(v.get<std::string>());
    return out;
}

/// Files that are still there (empty names: nothing was open); one line in skipped for each
/// that is gone.
QStringList existing(const QStringList& paths, QStringList& skipped)
{
    QStringList out;
    for (const QString& p : paths) {
        if (p.isEmpty())
            continue; // nothing was open there
        if (QFileInfo::exists(p))
            out << p;
        else
            skipped << QObject::tr("%1 is gone; not opened.").arg(QDir::toNativeSeparators(p));
    }
    return out;
}

/// The ancestry (which becomes the teacher when it has been read), then a teacher chosen apart
/// from it, once the ancestry is ready (or at once when there is none).
void restoreTeacher(MainWindow& window, const nlohmann::json& j, QStringList& skipped)
{
    QString ancestry = text(j, "ancestry"), teacher = text(j, "teacher");
    if (!ancestry.isEmpty() && existing({ancestry}, skipped).isEmpty())
        ancestry.clear();
    if (!teacher.isEmpty() && existing({teacher}, skipped).isEmpty())
        teacher.clear();
    const bool apart = !teacher.isEmpty() && teacher != ancestry;
    if (!ancestry.isEmpty() && window.ancestryPage()->loadModel(ancestry) && apart) {
        auto* once = new QObject(&window);
        QObject::connect(window.ancestryPage(), &AncestryPage::ancestryReady, once,
                         [w = &window, teacher, once] {
                             w->learngenePage()->setTeacherPath(teacher);
                             once->deleteLater();
                         });
    } else if (apart) {
        window.learngenePage()->setTeacherPath(teacher);
    }
}

void restoreExpand(MainWindow& window, const nlohmann::json& e, QStringList& skipped)
{
    ExpandPage* expand = window.expandPage();
    for (const QString& learngene : existing({text(e, "learngene")}, skipped))
        if (!learngene.isEmpty())
            expand->loadLearngene(learngene);
    if (e.contains("depth"))
        expand->setDepth(intField(e["depth"], "expand.depth", 1, DepthQueue::maxDepth));
    if (e.contains("epochs"))
        expand->epochsBox()->setValue(intField(e["epochs"], "expand.epochs", 1, 1000));
    if (e.contains("depths") && e["depths"].is_string())
        expand->depthQueue()->depthsEdit()->setText(text(e, "depths"));
    if (e.contains("scratchTwins") && e["scratchTwins"].is_boolean())
        expand->depthQueue()->scratchBox()->setChecked(e["scratchTwins"].get<bool>());
}

} // namespace

nlohmann::json captureWorkspace(const MainWindow& window)
{
    nlohmann::json j = {{"tleg_workspace", kVersion}, {"page", window.navigation()->currentRow()}};
    if (window.state().data)
        j["data"] = window.state().dataSpec.toJson();
    j["ancestry"] = window.ancestryPage()->modelPath().toStdString();
    j["teacher"] = window.learngenePage()->teacherPath().toStdString();
    const ExpandPage* expand = window.expandPage();
    j["expand"] = {{"learngene", expand->learngenePath().toStdString()},
                   {"depth", expand->depthSlider()->value()},
                   {"epochs", expand->epochsBox()->value()},
                   {"depths", expand->depthQueue()->depthsEdit()->text().toStdString()},
                   {"scratchTwins", expand->depthQueue()->scratchBox()->isChecked()}};
    j["linearity"] = strings(window.linearityPage()->modelPaths());
    j["runs"] = strings(window.runsPage()->selectedFolders());
    return j;
}

QStringList restoreWorkspace(MainWindow& window, const nlohmann::json& j)
{
    if (!j.is_object() || !j.contains("tleg_workspace"))
        throw Error("not a TLEG Studio workspace (no 'tleg_workspace' field)");
    if (intField(j["tleg_workspace"], "tleg_workspace", 1, 1000) > kVersion)
        throw Error("field 'tleg_workspace': written by a newer TLEG Studio (version "
                    + j["tleg_workspace"].dump() + ")");
    QStringList skipped;
    if (j.contains("data")) {
        workflow::DataSpec spec;
        try {
            spec = workflow::DataSpec::fromJson(j["data"]);
        } catch (const std::exception& e) {
            throw Error(std::string("field 'data': ") + e.what());
        }
        window.dataPage()->openDataset(spec);
    }
    restoreTeacher(window, j, skipped);
    if (j.contains("expand") && j["expand"].is_object())
        restoreExpand(window, j["expand"], skipped);
    for (const QString& model : existing(textList(j, "linearity"), skipped))
        window.linearityPage()->addModel(model);
    const QStringList runs = existing(textList(j, "runs"), skipped);
    if (!runs.isEmpty())
        window.compareRuns(runs);
    if (j.contains("page"))
        window.showPage(intField(j["page"], "page", 0, 5));
    return skipped;
}

void saveWorkspace(const MainWindow& window, const QString& path)
{
    const QFileInfo info(path);
    if (!info.absoluteDir().exists())
        makeDirs(info.absolutePath().toStdString());
    writeTextAtomic(path.toStdString(), captureWorkspace(window).dump(2) + "\n");
}

QStringList openWorkspace(MainWindow& window, const QString& path)
{
    const std::string file = path.toStdString();
    requireRegularFile(file);
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw fileError(file, "cannot be read");
    std::ostringstream content;
    content << in.rdbuf();
    if (content.str().size() > (1u << 20))
        throw fileError(file, "is over 1 MB: not a workspace");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(content.str());
    } catch (const nlohmann::json::exception& e) {
        throw fileError(file, std::string("not valid JSON: ") + e.what());
    }
    try {
        return restoreWorkspace(window, j);
    } catch (const Error& e) {
        throw fileError(file, e.what());
    }
}

QString lastWorkspacePath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("last.tleg-workspace"));
}

} // namespace tleg::gui
