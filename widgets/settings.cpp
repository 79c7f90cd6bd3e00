#include "widgets/settings.h"

#include "util/machine.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace tleg::gui {

Settings Settings::load()
{
    QSettings s;
    Settings out;
    out.threads = s.value("compute/threads", out.threads).toInt();
    // Until the user chooses: bf16 where the CPU computes it in hardware (the fast path).
    out.bf16 = s.value("compute/bf16", util::nativeBf16()).toBool();
    out.runFolder = s.value("runFolder", out.runFolder).toString();
    out.language = s.value("view/language", out.language).toString();
    out.dark = s.value("view/dark", out.dark).toBool();
    out.restoreWorkspace = s.value("view/restoreWorkspace", out.restoreWorkspace).toBool();
    out.recentFiles = s.value("recentFiles").toStringList();
    bool known = false;
    for (const auto& l : availableLanguages())
        known = known || l.code == out.language;
    if (!known)
        out.language = QStringLiteral("en");
    if (out.threads < 0)
        out.threads = 0;
    while (out.recentFiles.size() > kMaxRecent)
        out.recentFiles.removeLast();
    return out;
}

void Settings::save() const
{
    QSettings s;
    s.setValue("compute/threads", threads);
    s.setValue("compute/bf16", bf16);
    s.setValue("runFolder", runFolder);
    s.setValue("view/language", language);
    s.setValue("view/dark", dark);
    s.setValue("view/restoreWorkspace", restoreWorkspace);
    s.setValue("recentFiles", recentFiles);
}

void Settings::addRecent(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recentFiles.removeAll(absolute);
    recentFiles.prepend(absolute);
    while (recentFiles.size() > kMaxRecent)
        recentFiles.removeLast();
}

QList<Language> availableLanguages()
{
    // Native names are not translated: a user must find their own language in any language.
    return {{QStringLiteral("en"), QStringLiteral("English")},
            {QStringLiteral("zh_CN"), QString::fromUtf8("简体中文")},
            {QStringLiteral("de"), QStringLiteral("Deutsch")}};
}

} // namespace tleg::gui
