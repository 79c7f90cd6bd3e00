#include "widgets/widgets_data/sample_grid.h"

#include <QFontMetrics>
#include <QPaintEvent>
#include <QPainter>

#include <algorithm>

namespace tleg::gui {

namespace {
constexpr int kSpacing = 4;
constexpr int kMaxLabelWidth = 150;
} // namespace

SampleGrid::SampleGrid(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void SampleGrid::setRows(std::vector<Row> rows, int columns)
{
    m_rows = std::move(rows);
    m_columns = std::max(1, columns);
    // Small images are enlarged by a whole factor (28 px -> 56 px would be too tall for ten
    // rows, so at most 40 px); large ones are shrunk to 40 px.
    int edge = 0;
    for (const auto& r : m_rows)
        for (const auto& img : r.images)
            edge = std::max({edge, img.width(), img.height()});
    m_cell = edge <= 0 ? 40 : edge >= 40 ? 40 : edge * std::max(1, 40 / edge);
    updateGeometry();
    resize(sizeHint());
    update();
}

int SampleGrid::labelWidth() const
{
    const QFontMetrics fm(font());
    int w = 0;
    for (const auto& r : m_rows)
        w = std::max(w, fm.horizontalAdvance(r.label));
    return std::min(w, kMaxLabelWidth) + 2 * kSpacing;
}

QSize SampleGrid::sizeHint() const
{
    const int rows = std::max(1, rowCount());
    return {labelWidth() + m_columns * (m_cell + kSpacing) + kSpacing,
            rows * (m_cell + kSpacing) + kSpacing};
}

QSize SampleGrid::minimumSizeHint() const
{
    return sizeHint();
}

void SampleGrid::paintEvent(QPaintEvent* event)
{
    QPainter p(this);
    p.fillRect(event->rect(), palette().base());
    const QFontMetrics fm(font());
    const int labelW = labelWidth();
    for (int r = 0; r < rowCount(); ++r) {
        const Row& row = m_rows[static_cast<size_t>(r)];
        const int y = kSpacing + r * (m_cell + kSpacing);
        if (y > event->rect().bottom() || y + m_cell < event->rect().top())
            continue;
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRect(kSpacing, y, labelW - 2 * kSpacing, m_cell),
                   Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(row.label, Qt::ElideRight, labelW - 2 * kSpacing));
        for (size_t c = 0; c < row.images.size() && static_cast<int>(c) < m_columns; ++c) {
            const QImage& img = row.images[c];
            const QRect cell(labelW + static_cast<int>(c) * (m_cell + kSpacing), y, m_cell, m_cell);
            // Keep the aspect ratio inside the square cell.
            QSize s = img.size().scaled(cell.size(), Qt::KeepAspectRatio);
            const QRect target(cell.x() + (m_cell - s.width()) / 2,
                               cell.y() + (m_cell - s.height()) / 2, s.width(), s.height());
            p.setRenderHint(QPainter::SmoothPixmapTransform, s.width() < img.width());
            p.drawImage(target, img);
        }
    }
}

} // namespace tleg::gui
