#include "widgets/text_format.h"

#include <c10/util/Exception.h>

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>

namespace tleg::gui {

QString formatDuration(double seconds)
{
    const auto s = static_cast<qint64>(std::max(0.0, seconds) + 0.5);
    if (s >= 3600)
        return QCoreApplication::translate("tleg::gui::Format", "%1 h %2 min")
            .arg(s / 3600)
            .arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (s >= 60)
        return QCoreApplication::translate("tleg::gui::Format", "%1 min %2 s")
            .arg(s / 60)
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QCoreApplication::translate("tleg::gui::Format", "%1 s").arg(s);
}

QString formatCount(int64_t n)
{
    const auto x = static_cast<double>(n);
    return x >= 1e9 ? QCoreApplication::translate("tleg::gui::Format", "%1 G")
                          .arg(formatNumber(x / 1e9, 2))
                    : QCoreApplication::translate("tleg::gui::Format", "%1 M")
                          .arg(formatNumber(x / 1e6, 3));
}

QString formatNumber(double x, int decimals)
{
    return QLocale().toString(x, 'f', decimals);
}

QString withPlural(QString text, int64_t n)
{
    // No translation of ours is installed when this one comes back as written: English.
    const bool english =
        QCoreApplication::translate("tleg::gui::Format", "%n epoch(s)", nullptr, 2)
        == QLatin1String("2 epoch(s)");
    if (english)
        text.replace(QStringLiteral("(s)"), n == 1 ? QString() : QStringLiteral("s"));
    return text;
}

QString epochCount(int n)
{
    return withPlural(QCoreApplication::translate("tleg::gui::Format", "%n epoch(s)", nullptr, n),
                      n);
}

QString epochSuffix(int n)
{
    const QString count = epochCount(n);
    const QString number = QString::number(n);
    const auto at = count.indexOf(number);
    return at < 0 ? count : count.mid(at + number.size());
}

QString datasetName(const std::string& name)
{
    QString shown = QString::fromStdString(name);
    if (shown.endsWith(QLatin1String("/train")))
        shown.chop(6);
    return shown;
}

QString errorText(const std::exception& e)
{
    std::string text;
    if (const auto* torchError = dynamic_cast<const c10::Error*>(&e))
        text = torchError->what_without_backtrace();
    else
        text = e.what();
    if (const auto nl = text.find('\n'); nl != std::string::npos)
        text.resize(nl);
    // LibTorch's checks end with a plea to report the message upstream: not for our users.
    if (const auto plea = text.find("  (Could this error message be improved?");
        plea != std::string::npos)
        text.resize(plea);
    return QString::fromStdString(text);
}

QString withoutPathPrefix(const QString& message, const QString& path)
{
    const QString prefix = path + QStringLiteral(": ");
    return message.startsWith(prefix) ? message.mid(prefix.size()) : message;
}

} // namespace tleg::gui
