#pragma once
// The sidebar as the method's steps, in order: "1  Data" … "6  Runs", a done mark (a checked,
// not clickable box) on each step that has what the next one needs, the reason as its tooltip,
// and a "Next: Ancestry →" button that appears once the step shown is done.
// Usage:
//   StepGuide guide(nav, nextButton);              // the main window's list and button
//   guide.setTitles({tr("Data"), tr("Ancestry"), …});   // again on a language change
//   guide.setDone(0, state.data != nullptr, tr("A dataset is open."));
#include <QObject>
#include <QString>
#include <QStringList>

#include <vector>

class QListWidget;
class QPushButton;

namespace tleg::gui {

class StepGuide : public QObject {
    Q_OBJECT
public:
    /// nav holds one item per step already; next goes to the following step when clicked.
    StepGuide(QListWidget* nav, QPushButton* next, QObject* parent = nullptr);

    void setTitles(const QStringList& titles);
    /// Marks step done (or not) and says why in its tooltip.
    void setDone(int step, bool done, const QString& why = QString());
    bool isDone(int step) const;

private:
    void update();

    QListWidget* m_nav;
    QPushButton* m_next;
    QStringList m_titles;
    std::vector<bool> m_done;
    QStringList m_why;
};

} // namespace tleg::gui
