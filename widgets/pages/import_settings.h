#pragma once
// The Ancestry page's import settings: what was inferred about the chosen model (format, each
// field with where it came from, notes: model/foreign_model.h) and what the user tells where
// the file cannot: attention heads, image size, mean/std (model::ModelHints) and the teacher's
// class map (train::TeacherOptions). A change inspects the file again on a background thread
// (header and configs only, never the weights); an error is one line naming the file and the
// option, and the field that fixes it is highlighted. Apply loads the model with the settings.
// Usage:
//   auto* s = new ImportSettings(this);
//   s->setPath("deit_s.safetensors");     // a new file: inputs cleared, inspected
//   connect(s, &ImportSettings::applyRequested, this, [this, s] { loadModel(s->path()); });
//   ImportInputs in = s->inputs();        // on the worker: parseImportInputs(in)
#include "model/foreign_model.h"
#include "train/teacher_input.h"
#include "widgets/translated_texts.h"

#include <QString>
#include <QTimer>
#include <QWidget>

#include <string>
#include <vector>

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace tleg::gui {

/// The import settings as typed: 0 and empty mean "not given" (the file's, else the data's).
struct ImportInputs {
    int64_t heads = 0;
    int64_t imageSize = 0;
    QString mean, std; ///< "0.485, 0.456, 0.406"
    QString classMap;  ///< "0,217,482,..." or a file holding the indices
    bool operator==(const ImportInputs& o) const
    {
        return heads == o.heads && imageSize == o.imageSize && mean == o.mean && std == o.std
               && classMap == o.classMap;
    }
    bool operator!=(const ImportInputs& o) const { return !(*this == o); }
};

/// The inputs as teacher options (the errors name --teacher-mean, --teacher-class-map, ...).
/// May read a class-map file: call it on a worker. Throws tleg::Error.
train::TeacherOptions parseImportInputs(const ImportInputs& inputs);

/// What an inspection found about one model file or folder.
struct ImportInspection {
    train::TeacherOptions options;
    std::string format; ///< foreign: "timm", ...; else "tleg:<kind>" or "torchscript"
    bool foreign = false;
    std::vector<model::ForeignImport::Field> fields;
    std::vector<std::string> notes;
};

/// Parses the inputs and reads what path says about itself (a foreign checkpoint: every
/// inferred field, inspectForeignModel; ours: its kind; TorchScript: nothing). Runs on a worker;
/// throws tleg::Error naming the file and the option at fault.
ImportInspection inspectImport(const std::string& path, const ImportInputs& inputs);

/// The import setting an error names ("heads", "image-size", "mean", "std", "class-map"), from
/// the --teacher-* or --* option it mentions; empty when it names none.
QString importFieldAtFault(const QString& error);

class ImportSettings : public QWidget {
    Q_OBJECT
public:
    explicit ImportSettings(QWidget* parent = nullptr);

    /// A model chosen: another path clears the inputs; either way it is inspected again.
    void setPath(const QString& path);
    /// Back to no model: inputs and what was shown cleared.
    void clear();
    QString path() const { return m_path; }
    ImportInputs inputs() const;
    /// Loading with these settings failed: the field the error names is highlighted.
    void showLoadError(const QString& error);
    /// While a job runs, Apply waits.
    void setBusy(bool busy);

    // For tests and the page.
    bool isInspecting() const { return m_debounce.isActive() || m_pending != 0; }
    QString formatText() const;
    QString notesText() const;
    /// The inspection's error line; empty when the last inspection worked.
    QString errorText() const;
    /// The highlighted field ("heads", ...), empty when none.
    QString highlightedField() const { return m_highlighted; }
    QTableWidget* fieldsTable() const { return m_fields; }
    QSpinBox* headsBox() const { return m_heads; }
    QSpinBox* imageSizeBox() const { return m_imageSize; }
    QLineEdit* meanEdit() const { return m_mean; }
    QLineEdit* stdEdit() const { return m_std; }
    QLineEdit* classMapEdit() const { return m_classMap; }
    QPushButton* applyButton() const { return m_apply; }

Q_SIGNALS:
    /// Apply: load the model again with these settings.
    void applyRequested();
    /// An inspection of the current path and inputs has ended (shown).
    void inspected();

protected:
    void changeEvent(QEvent* event) override;

private:
    QWidget* buildInputs();
    void retranslateUi();
    void scheduleInspect();
    void inspect();
    void showInspection(const ImportInspection& found);
    void showInspectionError(const QString& error);
    void highlight(const QString& field);
    QWidget* fieldWidget(const QString& field) const;

    QString m_path;
    QString m_highlighted;
    QString m_error;
    quint64 m_generation = 0; ///< of the latest inspection started
    quint64 m_pending = 0;    ///< the generation still running; 0 when none
    bool m_busy = false;
    bool m_foreign = true; ///< heads matter (a foreign checkpoint, or not known yet)
    QTimer m_debounce;     ///< typing inspects once it pauses
    std::string m_format;
    std::vector<std::string> m_notes;

    QLabel* m_formatLabel;
    QTableWidget* m_fields;
    QLabel* m_notesLabel;
    QLabel* m_errorLabel;
    QSpinBox* m_heads;
    QSpinBox* m_imageSize;
    QLineEdit* m_mean;
    QLineEdit* m_std;
    QLineEdit* m_classMap;
    QPushButton* m_apply;
    TranslatedTexts m_texts;
};

} // namespace tleg::gui
