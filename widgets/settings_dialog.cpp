#include "widgets/settings_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

namespace tleg::gui {

SettingsDialog::SettingsDialog(const Settings& settings, QWidget* parent)
    : QDialog(parent), m_settings(settings)
{
    setWindowTitle(tr("Settings"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;

    m_threads = new QSpinBox(this);
    m_threads->setObjectName("threadsBox");
    m_threads->setRange(0, 1024);
    m_threads->setSpecialValueText(tr("all cores (%1)").arg(QThread::idealThreadCount()));
    m_threads->setValue(settings.threads);
    form->addRow(tr("Threads for training:"), m_threads);

    m_bf16 = new QCheckBox(tr("bfloat16 matrix products (faster on CPUs with AVX-512 BF16 or AMX)"),
                           this);
    m_bf16->setObjectName("bf16Box");
    m_bf16->setChecked(settings.bf16);
    form->addRow(tr("Precision:"), m_bf16);

    auto* folderRow = new QHBoxLayout;
    m_runFolder = new QLineEdit(settings.runFolder, this);
    m_runFolder->setObjectName("runFolderEdit");
    auto* browse = new QPushButton(tr("Browse…"), this);
    folderRow->addWidget(m_runFolder, 1);
    folderRow->addWidget(browse);
    form->addRow(tr("Run folder:"), folderRow);
    m_restore = new QCheckBox(tr("Reopen what was open when the studio last closed"), this);
    m_restore->setObjectName("restoreWorkspaceBox");
    m_restore->setChecked(settings.restoreWorkspace);
    form->addRow(tr("At start:"), m_restore);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Run folder"), m_runFolder->text());
        if (!dir.isEmpty())
            m_runFolder->setText(dir);
    });
    layout->addLayout(form);

    auto* note =
        new QLabel(tr("New settings apply to the next job; a running job keeps its own."), this);
    note->setWordWrap(true);
    layout->addWidget(note);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_runFolder, &QLineEdit::textChanged, this, [this, buttons](const QString& text) {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!text.trimmed().isEmpty());
    });
    layout->addWidget(buttons);
}

Settings SettingsDialog::settings() const
{
    Settings s = m_settings;
    s.threads = m_threads->value();
    s.bf16 = m_bf16->isChecked();
    s.restoreWorkspace = m_restore->isChecked();
    s.runFolder = m_runFolder->text().trimmed();
    return s;
}

} // namespace tleg::gui
