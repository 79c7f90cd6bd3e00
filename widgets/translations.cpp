#include "widgets/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

namespace tleg::gui {

Translations::Translations() = default;

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
    if (code == QLatin1String("en"))
        return true;

    auto app = std::make_unique<QTranslator>();
    if (!app->load(QStringLiteral(":/i18n/tleg_%1.qm").arg(code)))
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
    return true;
}

} // namespace tleg::gui
