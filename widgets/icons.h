#pragma once
// The app's icons, compiled in from resources/ (SVG masters rendered to PNG at build time,
// :/icons/NAME-SIZE.png). One set for light and dark themes: mid-tone colours, no black lines.
// Usage:
//   button->setIcon(icon(Icon::Start));
//   window.setWindowIcon(icon(Icon::App));
//   navigationItem->setIcon(pageIcon(window.pageKey(i)));   // "data", "ancestry", …
#include <QIcon>
#include <QString>

namespace tleg::gui {

enum class Icon {
    App,
    // the pages
    Data,
    Ancestry,
    Learngene,
    Linearity,
    Expand,
    Runs,
    // the main actions (Expand… uses Icon::Expand)
    Open,
    Start,
    Pause,
    Stop,
    ExpandFineTune,
    Export,
};

/// The icon in every size it was rendered at; never null.
QIcon icon(Icon which);
/// The icon of the page with this key (MainWindow::pageKey); a null icon for an unknown key.
QIcon pageIcon(const QString& key);

} // namespace tleg::gui
