#include "widgets/pages/teacher_check.h"

#include "widgets/background_task.h"
#include "workflow/jobs.h"

namespace tleg::gui {

void TeacherCheck::check(const QString& path, const train::TeacherOptions& options,
                         std::shared_ptr<const data::DataSplit> data)
{
    const std::string said = options.toJson().dump();
    if (!path.isEmpty() && path == m_path && said == m_options && data == m_data)
        return;
    m_path = path;
    m_options = said;
    m_data = data;
    m_problem.clear();
    m_description.clear();
    const quint64 generation = ++m_generation;
    m_pending = generation;
    auto work = [file = path.toStdString(), options, data] {
        // What openTeacher says about the teacher is its last line ("teacher: FILE: ...").
        std::string said;
        workflow::Hooks hooks;
        hooks.log = [&said](const std::string& line) { said = line; };
        workflow::openTeacher(file, options, data->train, hooks);
        const std::string prefix = "teacher: ";
        return QString::fromStdString(said.rfind(prefix, 0) == 0 ? said.substr(prefix.size())
                                                                 : said);
    };
    runInBackground(this, work, [this, generation](TaskResult<QString> r) {
        if (generation != m_generation)
            return; // asked again meanwhile
        m_pending = 0;
        if (r.ok())
            m_description = *r.value;
        else
            m_problem = r.error.section(QLatin1Char('\n'), 0, 0);
        Q_EMIT checked();
    });
}

void TeacherCheck::clear()
{
    m_path.clear();
    m_options.clear();
    m_data.reset();
    m_problem.clear();
    m_description.clear();
    ++m_generation;
    m_pending = 0;
}

} // namespace tleg::gui
