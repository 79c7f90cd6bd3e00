#include "widgets/pages/run_diff.h"

#include "widgets/text_format.h"
#include "workflow/jobs.h"

#include <map>

namespace tleg::gui {

namespace {

/// "/train/lr" -> "train.lr".
QString dotted(const std::string& pointer)
{
    QString key = QString::fromStdString(pointer);
    if (key.startsWith(QLatin1Char('/')))
        key.remove(0, 1);
    return key.replace(QLatin1Char('/'), QLatin1Char('.'));
}

QString shown(const nlohmann::json& v)
{
    return v.is_string() ? QString::fromStdString(v.get<std::string>())
                         : QString::fromStdString(v.dump());
}

} // namespace

std::vector<SettingDiff> diffRunSettings(const std::vector<std::string>& folders)
{
    std::map<QString, QStringList> table; // key -> value per run
    const auto runs = static_cast<int>(folders.size());
    QString unreadable;
    for (int r = 0; r < runs; ++r) {
        nlohmann::json flat;
        try {
            const workflow::RunRecord record = workflow::readRunRecord(folders[size_t(r)]);
            flat = nlohmann::json{{"job", record.job}, {"spec", record.spec}}.flatten();
        } catch (const std::exception& e) {
            flat = nlohmann::json{{"/config.json", errorText(e).toStdString()}};
        }
        for (auto it = flat.begin(); it != flat.end(); ++it) {
            QString key = dotted(it.key());
            if (key.startsWith(QLatin1String("spec.")))
                key.remove(0, 5); // the spec's fields by their own names
            QStringList& values = table[key];
            while (values.size() < runs)
                values << QString();
            values[r] = shown(it.value());
        }
    }
    std::vector<SettingDiff> out;
    for (auto& [key, values] : table) {
        while (values.size() < runs)
            values << QString();
        if (values.count(values.front()) != values.size())
            out.push_back({key, values});
    }
    return out;
}

} // namespace tleg::gui
