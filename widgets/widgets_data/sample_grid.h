#pragma once
// A grid of sample images, one labelled row per class. Images are drawn scaled to one cell size
// (nearest neighbour when enlarging, so 28×28 digits stay crisp).
// Usage:
//   grid->setRows({{tr("0 T-shirt/top"), {img0, img1, ...}}, ...}, 8);
//   scrollArea->setWidget(grid);   // it grows with the number of classes
#include <QImage>
#include <QString>
#include <QWidget>

#include <vector>

namespace tleg::gui {

class SampleGrid : public QWidget {
    Q_OBJECT
public:
    struct Row {
        QString label;
        std::vector<QImage> images;
    };

    explicit SampleGrid(QWidget* parent = nullptr);

    /// Replaces the grid; columns is the most images a row shows.
    void setRows(std::vector<Row> rows, int columns);
    int rowCount() const { return static_cast<int>(m_rows.size()); }
    int columnCount() const { return m_columns; }
    const Row& row(int i) const { return m_rows.at(static_cast<size_t>(i)); }
    /// Edge of one image cell in pixels.
    int cellSize() const { return m_cell; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    int labelWidth() const;

    std::vector<Row> m_rows;
    int m_columns = 8;
    int m_cell = 40;
};

} // namespace tleg::gui
