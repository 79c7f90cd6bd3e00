#include "widgets/pages/import_settings.h"

#include "io/safetensors.h"
#include "model/script_classifier.h"
#include "util/error.h"
#include "util/files.h"
#include "widgets/background_task.h"

#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <filesystem>

namespace tleg::gui {

namespace {

const char* const kHighlight = "border: 2px solid #c62828;";

/// The format as people call it.
QString formatName(const std::string& format)
{
    if (format == "timm")
        return QStringLiteral("timm");
    if (format == "deit-distilled")
        return ImportSettings::tr("DeiT (distilled)");
    if (format == "huggingface")
        return QStringLiteral("Hugging Face");
    if (format == "torchvision")
        return QStringLiteral("torchvision");
    if (format == "torchscript")
        return ImportSettings::tr("TorchScript");
    if (format.rfind("tleg:", 0) == 0)
        return ImportSettings::tr("TLEG Studio model (%1)")
            .arg(QString::fromStdString(format.substr(5)));
    return QString::fromStdString(format);
}

/// "option --teacher-heads" (a value from these settings) reads as the settings.
QString sourceText(const std::string& from)
{
    if (from.rfind("option --", 0) == 0)
        return ImportSettings::tr("import settings (%1)")
            .arg(QString::fromStdString(from.substr(7)));
    return QString::fromStdString(from);
}

} // namespace

train::TeacherOptions parseImportInputs(const ImportInputs& in)
{
    train::TeacherOptions o;
    o.heads = in.heads;
    o.imageSize = in.imageSize;
    if (!in.mean.trimmed().isEmpty())
        o.mean = train::parseChannelValues("--teacher-mean", in.mean.trimmed().toStdString());
    if (!in.std.trimmed().isEmpty())
        o.std = train::parseChannelValues("--teacher-std", in.std.trimmed().toStdString());
    if (!in.classMap.trimmed().isEmpty())
        o.classMap = train::parseClassMap(in.classMap.trimmed().toStdString());
    o.validate();
    return o;
}

ImportInspection inspectImport(const std::string& path, const ImportInputs& inputs)
{
    ImportInspection r;
    r.options = parseImportInputs(inputs);
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec))
        requireRegularFile(path); // a FIFO would block the reads below
    if (model::isForeignModel(path)) {
        const model::ForeignImport found = model::inspectForeignModel(path, r.options.modelHints());
        r.foreign = true;
        r.format = found.format;
        r.fields = found.fields;
        r.notes = found.notes;
    } else if (model::isTorchScriptFile(path)) {
        r.format = "torchscript";
    } else {
        const auto header = io::readSafetensorsHeader(path);
        const auto kind = header.metadata.find("tleg_kind");
        r.format = "tleg:" + (kind == header.metadata.end() ? std::string("?") : kind->second);
    }
    return r;
}

QString importFieldAtFault(const QString& error)
{
    static const QRegularExpression option(
        QStringLiteral("--(?:teacher-|model-)?(heads|image-size|mean|std|class-map)\\b"));
    const QRegularExpressionMatch m = option.match(error);
    return m.hasMatch() ? m.captured(1) : QString();
}

ImportSettings::ImportSettings(QWidget* parent) : QWidget(parent)
{
    setObjectName("importSettings");
    auto* layout = new QVBoxLayout(this);
    m_formatLabel = new QLabel(this);
    m_formatLabel->setObjectName("importFormat");
    m_formatLabel->setWordWrap(true);
    m_fields = new QTableWidget(0, 3, this);
    m_fields->setObjectName("importFields");
    m_fields->verticalHeader()->setVisible(false);
    m_fields->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_fields->setSelectionMode(QAbstractItemView::NoSelection);
    m_fields->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_fields->horizontalHeader()->setStretchLastSection(true);
    m_fields->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_notesLabel = new QLabel(this);
    m_notesLabel->setObjectName("importNotes");
    m_notesLabel->setWordWrap(true);
    m_notesLabel->setTextFormat(Qt::PlainText);
    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName("importError");
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorLabel->setStyleSheet(QStringLiteral("color: #c62828;"));
    layout->addWidget(m_formatLabel);
    layout->addWidget(m_fields, 1);
    layout->addWidget(m_notesLabel);
    layout->addWidget(m_errorLabel);
    layout->addWidget(buildInputs());
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(300);
    connect(&m_debounce, &QTimer::timeout, this, &ImportSettings::inspect);
    connect(m_apply, &QPushButton::clicked, this, &ImportSettings::applyRequested);
    m_texts.set([this] { retranslateUi(); });
    clear();
}

QWidget* ImportSettings::buildInputs()
{
    auto* box = new QWidget(this);
    auto* form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    m_heads = new QSpinBox(box);
    m_heads->setObjectName("importHeads");
    m_heads->setRange(0, 4096);
    m_imageSize = new QSpinBox(box);
    m_imageSize->setObjectName("importImageSize");
    m_imageSize->setRange(0, 4096);
    m_mean = new QLineEdit(box);
    m_mean->setObjectName("importMean");
    m_std = new QLineEdit(box);
    m_std->setObjectName("importStd");
    m_classMap = new QLineEdit(box);
    m_classMap->setObjectName("importClassMap");
    m_apply = new QPushButton(box);
    m_apply->setObjectName("importApply");
    const std::pair<const char*, QWidget*> rows[] = {{"heads", m_heads},
                                                     {"image-size", m_imageSize},
                                                     {"mean", m_mean},
                                                     {"std", m_std},
                                                     {"class-map", m_classMap}};
    for (const auto& [name, w] : rows) {
        auto* label = new QLabel(box);
        label->setObjectName(QStringLiteral("importLabel-%1").arg(QLatin1String(name)));
        form->addRow(label, w);
    }
    auto* applyRow = new QHBoxLayout;
    applyRow->addStretch(1);
    applyRow->addWidget(m_apply);
    form->addRow(applyRow);
    for (QSpinBox* s : {m_heads, m_imageSize})
        connect(s, &QSpinBox::valueChanged, this, &ImportSettings::scheduleInspect);
    for (QLineEdit* e : {m_mean, m_std, m_classMap})
        connect(e, &QLineEdit::textChanged, this, &ImportSettings::scheduleInspect);
    return box;
}

void ImportSettings::retranslateUi()
{
    const auto label = [this](const char* name) {
        return findChild<QLabel*>(QStringLiteral("importLabel-%1").arg(QLatin1String(name)));
    };
    label("heads")->setText(tr("Attention heads:"));
    label("image-size")->setText(tr("Image size:"));
    label("mean")->setText(tr("Mean:"));
    label("std")->setText(tr("Std:"));
    label("class-map")->setText(tr("Teacher class map:"));
    m_heads->setSpecialValueText(tr("from the file"));
    m_heads->setToolTip(tr("Attention heads of a timm, DeiT or torchvision checkpoint without a "
                           "config beside it (--teacher-heads on the command line)"));
    m_imageSize->setSpecialValueText(tr("from the file"));
    m_imageSize->setSuffix(tr(" px"));
    m_imageSize->setToolTip(tr("The image size the model takes; a ViT's must match its position "
                               "embedding (--teacher-image-size)"));
    m_mean->setPlaceholderText(tr("from the file, e.g. 0.485, 0.456, 0.406"));
    m_mean->setToolTip(tr("Per-channel mean of the images the model was trained on, of pixels "
                          "in [0, 1] (--teacher-mean)"));
    m_std->setPlaceholderText(tr("from the file, e.g. 0.229, 0.224, 0.225"));
    m_std->setToolTip(tr("Per-channel standard deviation, with the mean (--teacher-std)"));
    m_classMap->setPlaceholderText(tr("none: its classes are the data's"));
    m_classMap->setToolTip(tr("The teacher class of each data class, in the data's order: "
                              "\"0,217,482\" or a file with one index a line "
                              "(--teacher-class-map)"));
    m_apply->setText(tr("Apply"));
    m_apply->setToolTip(tr("Load the model again with these settings"));
    m_fields->setHorizontalHeaderLabels({tr("Field"), tr("Value"), tr("From")});
    if (!m_format.empty())
        m_formatLabel->setText(formatText());
}

void ImportSettings::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        m_texts.retranslate();
    QWidget::changeEvent(event);
}

void ImportSettings::clear()
{
    const QSignalBlocker blockers[] = {QSignalBlocker(m_heads), QSignalBlocker(m_imageSize),
                                       QSignalBlocker(m_mean), QSignalBlocker(m_std),
                                       QSignalBlocker(m_classMap)};
    m_path.clear();
    m_heads->setValue(0);
    m_imageSize->setValue(0);
    m_mean->clear();
    m_std->clear();
    m_classMap->clear();
    m_debounce.stop();
    ++m_generation; // a result still coming is dropped
    m_pending = 0;
    m_format.clear();
    m_notes.clear();
    m_foreign = true;
    m_fields->setRowCount(0);
    m_formatLabel->clear();
    m_notesLabel->clear();
    showInspectionError({});
    highlight({});
}

void ImportSettings::setPath(const QString& path)
{
    if (path != m_path) {
        clear();
        m_path = path;
    }
    setBusy(m_busy);
    m_debounce.stop();
    inspect();
}

ImportInputs ImportSettings::inputs() const
{
    return {m_heads->value(), m_imageSize->value(), m_mean->text(), m_std->text(),
            m_classMap->text()};
}

void ImportSettings::setBusy(bool busy)
{
    m_busy = busy;
    m_apply->setEnabled(!busy && !m_path.isEmpty());
}

void ImportSettings::scheduleInspect()
{
    if (!m_path.isEmpty())
        m_debounce.start();
}

void ImportSettings::inspect()
{
    if (m_path.isEmpty())
        return;
    const quint64 generation = ++m_generation;
    m_pending = generation;
    runInBackground(
        this, [path = m_path.toStdString(), in = inputs()] { return inspectImport(path, in); },
        [this, generation](TaskResult<ImportInspection> r) {
            if (generation != m_generation)
                return; // the inputs changed meanwhile: a newer inspection is on its way
            m_pending = 0;
            if (r.ok())
                showInspection(*r.value);
            else
                showInspectionError(r.error);
            Q_EMIT inspected();
        });
}

void ImportSettings::showInspection(const ImportInspection& found)
{
    m_format = found.format;
    m_notes = found.notes;
    m_foreign = found.foreign;
    m_formatLabel->setText(formatText());
    m_fields->setRowCount(static_cast<int>(found.fields.size()));
    for (size_t i = 0; i < found.fields.size(); ++i) {
        const auto& f = found.fields[i];
        const QString cells[] = {QString::fromStdString(f.name), QString::fromStdString(f.value),
                                 sourceText(f.from)};
        for (int col = 0; col < 3; ++col)
            m_fields->setItem(static_cast<int>(i), col, new QTableWidgetItem(cells[col]));
    }
    m_fields->setVisible(!found.fields.empty());
    m_notesLabel->setText(notesText());
    m_notesLabel->setVisible(!m_notes.empty());
    showInspectionError({});
    highlight({});
}

void ImportSettings::showInspectionError(const QString& error)
{
    m_error = error;
    m_errorLabel->setText(error);
    m_errorLabel->setVisible(!error.isEmpty());
    if (error.isEmpty())
        return;
    // What a failed inspection left is not this file's: only the error stays.
    m_fields->setRowCount(0);
    m_fields->setVisible(false);
    m_notes.clear();
    m_notesLabel->clear();
    m_notesLabel->setVisible(false);
    highlight(importFieldAtFault(error));
}

void ImportSettings::showLoadError(const QString& error)
{
    highlight(importFieldAtFault(error));
}

void ImportSettings::highlight(const QString& field)
{
    if (QWidget* old = fieldWidget(m_highlighted))
        old->setStyleSheet({});
    m_highlighted = field;
    m_heads->setEnabled(m_foreign || field == QLatin1String("heads"));
    if (QWidget* w = fieldWidget(field)) {
        w->setEnabled(true);
        w->setStyleSheet(QString::fromLatin1(kHighlight));
    }
}

QWidget* ImportSettings::fieldWidget(const QString& field) const
{
    if (field == QLatin1String("heads"))
        return m_heads;
    if (field == QLatin1String("image-size"))
        return m_imageSize;
    if (field == QLatin1String("mean"))
        return m_mean;
    if (field == QLatin1String("std"))
        return m_std;
    if (field == QLatin1String("class-map"))
        return m_classMap;
    return nullptr;
}

QString ImportSettings::formatText() const
{
    if (m_format.empty())
        return {};
    const QString name = formatName(m_format);
    if (m_format == "torchscript")
        return tr("Format: %1. The file does not say what it takes: the image size and mean/std "
                  "given here are used, else the data's.")
            .arg(name);
    if (m_format.rfind("tleg:", 0) == 0)
        return tr("Format: %1. Its architecture and normalisation are in the file; mean/std "
                  "given here replace its own.")
            .arg(name);
    return tr("Format: %1, inferred from its tensor shapes and the configs beside it:").arg(name);
}

QString ImportSettings::notesText() const
{
    QStringList lines;
    for (const auto& n : m_notes)
        lines << tr("Note: %1").arg(QString::fromStdString(n));
    return lines.join(QLatin1Char('\n'));
}

QString ImportSettings::errorText() const
{
    return m_error;
}

} // namespace tleg::gui
