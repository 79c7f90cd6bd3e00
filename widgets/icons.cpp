#include "widgets/icons.h"

#include <QImage>
#include <QPainter>
#include <QPixmap>

#include <algorithm>
#include <utility>

namespace tleg::gui {

namespace {

struct IconFile {
    Icon icon;
    const char* name; // resources/icons/NAME.svg (the application's: resources/tleg-studio.svg)
};

constexpr IconFile kFiles[] = {
    {Icon::App, "tleg-studio"},     {Icon::Data, "data"},
    {Icon::Ancestry, "ancestry"},   {Icon::Learngene, "learngene"},
    {Icon::Linearity, "linearity"}, {Icon::Expand, "expand"},
    {Icon::Runs, "runs"},           {Icon::Open, "open"},
    {Icon::Start, "start"},         {Icon::Pause, "pause"},
    {Icon::Stop, "stop"},           {Icon::ExpandFineTune, "expand-finetune"},
    {Icon::Export, "export"},
};

// The sizes resources/CMakeLists.txt renders into :/icons.
constexpr int kSizes[] = {16, 24, 32, 48};
constexpr int kAppSizes[] = {16, 24, 32, 48, 64, 128, 256};

/// The icon as drawn on a selected item (a navigation entry): a light halo around its shapes
/// keeps its blue and grey parts apart from the highlight, which is blue in both themes.
QPixmap onSelection(const QImage& icon)
{
    const QImage source = icon.convertToFormat(QImage::Format_ARGB32);
    const int radius = std::max(1, source.width() / 16);
    QImage halo(source.size(), QImage::Format_ARGB32);
    for (int y = 0; y < source.height(); ++y)
        for (int x = 0; x < source.width(); ++x) {
            int alpha = 0;
            for (int dy = -radius; dy <= radius; ++dy)
                for (int dx = -radius; dx <= radius; ++dx)
                    if (source.valid(x + dx, y + dy))
                        alpha = std::max(alpha, qAlpha(source.pixel(x + dx, y + dy)));
            halo.setPixel(x, y, qRgba(255, 255, 255, alpha * 7 / 8));
        }
    QPainter painter(&halo);
    painter.drawImage(0, 0, source);
    painter.end();
    return QPixmap::fromImage(halo);
}

QIcon load(const char* name, bool app)
{
    QIcon result;
    const auto add = [&](int size) {
        const QString file = QStringLiteral(":/icons/%1-%2.png").arg(QLatin1String(name)).arg(size);
        result.addFile(file, QSize(size, size));
        if (!app)
            result.addPixmap(onSelection(QImage(file)), QIcon::Selected);
    };
    if (app)
        for (int size : kAppSizes)
            add(size);
    else
        for (int size : kSizes)
            add(size);
    return result;
}

} // namespace

QIcon icon(Icon which)
{
    for (const IconFile& f : kFiles)
        if (f.icon == which)
            return load(f.name, which == Icon::App);
    return {};
}

QIcon pageIcon(const QString& key)
{
    const std::pair<const char*, Icon> pages[] = {
        {"data", Icon::Data},           {"ancestry", Icon::Ancestry},
        {"learngene", Icon::Learngene}, {"linearity", Icon::Linearity},
        {"expand", Icon::Expand},       {"runs", Icon::Runs},
    };
    for (const auto& [name, which] : pages)
        if (key == QLatin1String(name))
            return icon(which);
    return {};
}

} // namespace tleg::gui
