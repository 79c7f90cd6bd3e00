#pragma once
// Ancestry page: the ancestry model is the teacher the learngene is distilled from. Either
// Load… one (a TLEG safetensors model, a timm / DeiT / torchvision safetensors checkpoint, a
// Hugging Face model folder, or any TorchScript classifier; also by dropping the file or folder
// on the page; it is evaluated on the open test split on the worker), or Train one from scratch
// with cross-entropy like `tleg train-ancestry` (workflow::runTrain of TrainSpec::ancestry) into
// a new run folder, with live curves, Pause and Stop in the shared training panel. A loaded model
// shows what was inferred about it in its import settings (ImportSettings), where heads, image
// size, mean/std and a teacher class map can be set; they go to AppState::ancestryOptions with
// AppState::ancestryPath. Both end with a summary (file, architecture, parameters, MACs, top-1)
// and ancestryReady(path).
// Usage:
//   auto* page = new AncestryPage(state, runner);
//   connect(page, &AncestryPage::ancestryReady, learngenePage, &LearngenePage::setTeacherPath);
//   page->loadModel("runs/ancestry/model.safetensors");   // or the Train button
#include "widgets/app_state.h"
#include "widgets/job_runner.h"
#include "widgets/pages/ancestry_form.h"
#include "widgets/pages/import_settings.h"
#include "widgets/training_panel.h"
#include "widgets/translated_texts.h"

#include <QString>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QDragEnterEvent;
class QDropEvent;
class QLabel;
class QPushButton;
class QScrollArea;
class QSpinBox;
class QTabWidget;

namespace tleg::gui {

class TrainingPlot;

/// What the page knows about the current ancestry model.
struct AncestrySummary {
    QString path; ///< the model file (safetensors or TorchScript)
    QString kind; ///< "vit", "auxnet" or "torchscript"
    /// The architecture, when the file records it (not for TorchScript).
    std::optional<model::ViTConfig> config;
    int64_t params = 0; ///< parameters stored in the file
    int64_t macs = 0;   ///< multiply-accumulates per image; 0 = unknown (TorchScript)
    bool haveTop1 = false;
    double top1 = 0, top5 = 0; ///< percent, on dataName's test split
    QString dataName;
    QString note;     ///< why there is no top-1 (different input size, stopped, ...)
    QString imported; ///< a foreign checkpoint's format ("timm", ...); empty for ours
};

class AncestryPage : public QWidget {
    Q_OBJECT
public:
    /// A loaded model's own run: its epochs (metrics.csv) and steps per epoch (config.json).
    struct RunHistory {
        std::vector<train::EpochRecord> curves;
        int64_t stepsPerEpoch = 0;
        QString folder;
    };
    /// The run the loaded model came from (no curves: it did not come from a run).
    const RunHistory& loadedHistory() const { return m_history; }
    /// Asks for a model file; an empty string means cancelled. Replaceable for tests.
    using FileChooser = std::function<QString()>;
    /// Asks for a Hugging Face model folder; an empty string means cancelled.
    using FolderChooser = std::function<QString()>;

    AncestryPage(AppState& state, JobRunner& runner, QWidget* parent = nullptr);

    /// Loads path (a file, or a Hugging Face folder; its config.json names the folder) with the
    /// import settings and evaluates it on the open test split, on the runner. Another path than
    /// the last one starts with empty import settings. False (with the reason shown) when the
    /// runner is busy.
    bool loadModel(const QString& path);
    /// Trains an ancestry with the form's settings into a new run folder, on the runner. False
    /// (with the reason shown) when the runner is busy or the form does not fit the data.
    bool trainAncestry();
    /// The folder the next training run writes to: runFolder/ancestry, else ancestry-2, -3, ...
    /// (workflow::newRunFolder).
    QString nextRunFolder() const;
    void setFileChooser(FileChooser chooser) { m_chooser = std::move(chooser); }
    void setFolderChooser(FolderChooser chooser) { m_folderChooser = std::move(chooser); }

    // For tests and the status bar.
    QString modelPath() const { return m_summary.path; }
    const AncestrySummary& summary() const { return m_summary; }
    QString summaryText() const;
    /// The red error line; empty when the last action worked.
    QString errorText() const;
    /// The architecture line under the form (parameters and MACs of the chosen preset).
    QString presetText() const;
    /// The line under Train/Stop: where the run writes, how it ended.
    QString runStatusText() const;
    QString lastRunFolder() const { return m_lastRun; }
    QPushButton* loadButton() const { return m_load; }
    QPushButton* loadFolderButton() const { return m_loadFolder; }
    ImportSettings* importSettings() const { return m_import; }
    QPushButton* trainButton() const { return m_form->trainButton(); }
    QPushButton* stopButton() const { return m_panel->stopButton(); }
    TrainingPlot* trainingPlot() const { return m_panel->plot(); }
    TrainingPanel* trainingPanel() const { return m_panel; }
    AncestryForm* form() const { return m_form; }
    QComboBox* presetBox() const { return m_form->presetBox(); }
    QSpinBox* depthBox() const { return m_form->depthBox(); }
    QSpinBox* epochsBox() const { return m_form->epochsBox(); }
    QDoubleSpinBox* lrBox() const { return m_form->lrBox(); }
    QSpinBox* batchBox() const { return m_form->batchBox(); }
    QDoubleSpinBox* warmupBox() const { return m_form->warmupBox(); }
    QSpinBox* seedBox() const { return m_form->seedBox(); }
    QCheckBox* augmentBox() const { return m_form->augmentBox(); }

public Q_SLOTS:
    /// AppState::data was replaced: the form follows its image size and classes.
    void onDataChanged();

Q_SIGNALS:
    /// A model file was loaded or trained: path is the safetensors or TorchScript file.
    void ancestryReady(const QString& path);
    /// A training run folder was written (finished, stopped or failed after it was made).
    void runFinished(const QString& runFolder);
    /// A line for the log dock: what the page refused on the GUI thread (a busy runner, a form
    /// that does not fit the data). The jobs log through the runner.
    void logged(const QString& line);

protected:
    void changeEvent(QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    enum class Job { None, Load, Train };
    struct Outcome;
    void showHistory(const RunHistory& history);

    QWidget* buildCurrentModel();
    void showImportTab(bool show);
    void browse();
    void browseFolder();
    void updateSummary();
    void updateEnabled();
    void showError(const QString& message, bool log = true);
    void clearError();
    void onFinished(const QString& name, bool stopped, const QString& error);
    void onLoaded(const QString& error);
    void onTrained(const QString& error);

    AppState& m_state;
    JobRunner& m_runner;
    FileChooser m_chooser;
    FolderChooser m_folderChooser;
    Job m_job = Job::None;
    /// Written by the worker, read on the GUI thread after the job has ended.
    std::shared_ptr<Outcome> m_outcome;
    AncestrySummary m_summary;
    QString m_pendingRun, m_lastRun;
    RunHistory m_history;

    TranslatedTexts m_texts;
    QPushButton* m_load;
    QPushButton* m_loadFolder;
    ImportSettings* m_import;
    QScrollArea* m_importTab; ///< m_import, scrolled
    QTabWidget* m_tabs; ///< the training panel, and the import settings once a model is chosen
    QLabel* m_summaryLabel;
    QLabel* m_error;
    AncestryForm* m_form;
    TrainingPanel* m_panel;
};

} // namespace tleg::gui
