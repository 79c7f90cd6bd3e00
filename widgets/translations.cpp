#include "widgets/translations.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace tleg::gui {

QString Translations::translationsDir()
{
    // bin/tleg-studio and share/tleg-studio/translations below one prefix; the build tree has
    // the same layout (build/app, build/tests beside build/share).
    return QDir(QCoreApplication::applicationDirPath())
        .absoluteFilePath(QStringLiteral("../share/tleg-studio/translations"));
}

namespace {

/// Numbers as the language writes them (German "0,5"), without group separators (as before).
void setNumberLocale(const QString& code)
{
    QLocale locale(code);
    locale.setNumberOptions(QLocale::OmitGroupSeparator);
    QLocale::setDefault(locale);
}

} // namespace

Translations::Translations()
{
    setNumberLocale(m_language); // English numbers also on a system set to another language
}

Translations::~Translations()
{
    setLanguage(QStringLiteral("en"));
}

bool Translations::setLanguage(const QString& code)
{
    for (auto* t : {m_app.get(), m_qt.get()})
        if (t)
            QCoreApplication::removeTranslator(t);
    m_app.reset();
    m_qt.reset();
    m_language = QStringLiteral("en");
    setNumberLocale(m_language);
    if (code == QLatin1String("en"))
        return true;

    auto app = std::make_unique<QTranslator>();
    if (!app->load(QStringLiteral("tleg_%1").arg(code), translationsDir()))
        return false;
    QCoreApplication::installTranslator(app.get());
    m_app = std::move(app);
    auto qt = std::make_unique<QTranslator>();
    if (qt->load(QStringLiteral("qtbase_%1").arg(code),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt.get());
        m_qt = std::move(qt);
    }
    m_language = code;
    setNumberLocale(m_language);
    return true;
}

} // namespace tleg::gui
