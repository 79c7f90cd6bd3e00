#pragma once
// Settings dialog: intra-op threads, bf16 matmuls and the run folder. Language and theme live in
// the View menu, where they apply at once.
// Usage:
//   SettingsDialog dialog(settings, this);
//   if (dialog.exec() == QDialog::Accepted) window.applySettings(dialog.settings());
#include "widgets/settings.h"

#include <QDialog>

class QCheckBox;
class QLineEdit;
class QSpinBox;

namespace tleg::gui {

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(const Settings& settings, QWidget* parent = nullptr);
    /// The settings as edited (the language, theme and recent files are passed through).
    Settings settings() const;

    QSpinBox* threadsBox() const { return m_threads; }
    QCheckBox* bf16Box() const { return m_bf16; }
    QLineEdit* runFolderEdit() const { return m_runFolder; }

private:
    Settings m_settings;
    QSpinBox* m_threads;
    QCheckBox* m_bf16;
    QCheckBox* m_restore;
    QLineEdit* m_runFolder;
};

} // namespace tleg::gui
