#include "widgets/text_format.h"

#include <QCoreApplication>

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

} // namespace tleg::gui
