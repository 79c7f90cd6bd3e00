#pragma once
// Switches the application's language at run time: our own strings (compiled .ts files in
// translationsDir()), Qt's (the system's qtbase_*.qm, for dialog buttons) and the default
// QLocale, which writes numbers ("0,5" in German; no group separators).
// Usage:
//   Translations t;                                  // lives as long as the window
//   if (t.setLanguage("de")) rebuildTexts();         // widgets made afterwards speak German
#include <QString>

#include <memory>

class QTranslator;

namespace tleg::gui {

class Translations {
public:
    Translations();
    ~Translations();
    /// Installs the translators for code ("en", "zh_CN", "de"); false if ours is missing (the
    /// language stays English then).
    bool setLanguage(const QString& code);
    QString language() const { return m_language; }
    /// Where our .qm files are: ../share/tleg-studio/translations from the executable's folder
    /// (installed: /usr/share/tleg-studio/translations; built: build/share/...).
    static QString translationsDir();

private:
    std::unique_ptr<QTranslator> m_app, m_qt;
    QString m_language = QStringLiteral("en");
};

} // namespace tleg::gui
