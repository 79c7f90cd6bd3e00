#include "widgets/step_guide.h"

#include <QListWidget>
#include <QPushButton>

namespace tleg::gui {

StepGuide::StepGuide(QListWidget* nav, QPushButton* next, QObject* parent)
    : QObject(parent), m_nav(nav), m_next(next), m_done(static_cast<size_t>(nav->count())),
      m_why(nav->count(), QString())
{
    for (int i = 0; i < m_nav->count(); ++i) {
        QListWidgetItem* item = m_nav->item(i);
        item->setFlags(item->flags() & ~Qt::ItemIsUserCheckable); // a mark, not a control
    }
    connect(m_nav, &QListWidget::currentRowChanged, this, &StepGuide::update);
    connect(m_next, &QPushButton::clicked, this, [this] {
        const int row = m_nav->currentRow();
        if (row + 1 < m_nav->count())
            m_nav->setCurrentRow(row + 1);
    });
    update();
}

void StepGuide::setTitles(const QStringList& titles)
{
    m_titles = titles;
    update();
}

void StepGuide::setDone(int step, bool done, const QString& why)
{
    if (step < 0 || step >= m_nav->count())
        return;
    m_done[static_cast<size_t>(step)] = done;
    m_why[step] = why;
    update();
}

bool StepGuide::isDone(int step) const
{
    return step >= 0 && step < m_nav->count() && m_done[static_cast<size_t>(step)];
}

void StepGuide::update()
{
    for (int i = 0; i < m_nav->count(); ++i) {
        QListWidgetItem* item = m_nav->item(i);
        const QString title = i < m_titles.size() ? m_titles[i] : QString();
        item->setText(QStringLiteral("%1  %2").arg(i + 1).arg(title));
        item->setCheckState(isDone(i) ? Qt::Checked : Qt::Unchecked);
        item->setToolTip(isDone(i) ? m_why[i] : QString());
    }
    const int row = m_nav->currentRow();
    const bool last = row < 0 || row + 1 >= m_nav->count() || row + 1 >= m_titles.size();
    m_next->setText(last ? QString() : tr("Next: %1 →").arg(m_titles[row + 1]));
    m_next->setVisible(!last && isDone(row));
}

} // namespace tleg::gui
