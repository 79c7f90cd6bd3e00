#pragma once
// The one red line a page shows when something cannot be used: plain text (a path is never
// read as markup), selectable (to copy into a bug report), word-wrapped, hidden until set.
// Usage:
//   m_error = newErrorLabel(this, "expandError");
//   m_error->setText(tr("Cannot use %1: %2").arg(path, reason));  m_error->setVisible(true);
#include <QLabel>

namespace tleg::gui {

inline QLabel* newErrorLabel(QWidget* parent, const char* objectName)
{
    auto* label = new QLabel(parent);
    label->setObjectName(QLatin1String(objectName));
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setStyleSheet(QStringLiteral("color: #c62828;"));
    label->setVisible(false);
    return label;
}

} // namespace tleg::gui
