#pragma once
// Whether a distillation teacher fits the open data, found out before Start on a background
// thread exactly as the distillation would (workflow::openTeacher: the file, its import settings,
// the data's image size, channels and classes, the class map). The Learngene page keeps Start
// disabled while the answer is a problem, with that problem as its one-line reason.
// Usage:
//   auto* check = new TeacherCheck(this);
//   connect(check, &TeacherCheck::checked, this, &Page::updateEnabled);
//   check->check(path, options, state.data);   // again with the same arguments: nothing to do
//   if (!check->problem().isEmpty()) ...       // "FILE: the teacher predicts 1000 classes, ..."
#include "data/dataset.h"
#include "train/teacher_input.h"

#include <QObject>
#include <QString>

#include <memory>
#include <string>

namespace tleg::gui {

class TeacherCheck : public QObject {
    Q_OBJECT
public:
    explicit TeacherCheck(QObject* parent = nullptr) : QObject(parent) {}

    /// Checks path with options on data's training split, unless that is what was checked last.
    void check(const QString& path, const train::TeacherOptions& options,
               std::shared_ptr<const data::DataSplit> data);
    /// Nothing to check (no teacher, no data): forgets the last answer.
    void clear();

    /// True from check() until its answer is there.
    bool isChecking() const { return m_pending != 0; }
    /// The checked teacher's problem, one line naming the file; empty when it fits or unknown.
    QString problem() const { return m_problem; }
    /// How the checked teacher sees the data ("FILE: 224 px, 3 channels, ... 1000 → 10
    /// classes via --teacher-class-map; batches: resized 32 → 224 px"); empty unless it fits.
    QString description() const { return m_description; }

Q_SIGNALS:
    /// The answer for the latest check() is there.
    void checked();

private:
    QString m_path;
    std::string m_options; ///< the options' JSON: what was checked
    std::shared_ptr<const data::DataSplit> m_data;
    quint64 m_generation = 0;
    quint64 m_pending = 0;
    QString m_problem, m_description;
};

} // namespace tleg::gui
