#pragma once
// What the user chooses once and keeps: compute settings, run folder, language, theme and the
// recently opened files. Stored with QSettings (per user); AppState holds the live copy.
// Usage:
//   Settings s = Settings::load();   s.addRecent(path);   s.save();
//   for (const Language& l : availableLanguages()) menu->addAction(l.name);
#include <QString>
#include <QStringList>

namespace tleg::gui {

struct Settings {
    int threads = 0;   // 0 = all cores
    bool bf16 = false; // load() defaults it to true on CPUs with bf16 hardware
    QString runFolder = QStringLiteral("runs");
    QString language = QStringLiteral("en"); // en, zh_CN, de
    bool dark = false;
    bool restoreWorkspace = false; // reopen what was open when the studio last closed
    QStringList recentFiles; // newest first

    static constexpr int kMaxRecent = 8;
    /// Reads the stored settings; defaults for what was never stored.
    static Settings load();
    void save() const;
    /// Puts path first in recentFiles (once), keeping at most kMaxRecent.
    void addRecent(const QString& path);
};

/// The languages the application ships: code and native name ("de", "Deutsch").
struct Language {
    QString code, name;
};
QList<Language> availableLanguages();

} // namespace tleg::gui
