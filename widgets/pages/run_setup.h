#pragma once
// What every training form asks besides the method's settings: how many of the open images to
// train on (a "Quick trial" button picks a few thousand and one epoch), the run's name, tags and
// notes (notes.json beside the run, editable later on the Runs page), and how long the run will
// take on this machine, from a speed probe of the form's network (train/speed_probe.h) run in
// the background while no job runs.
// Usage:
//   m_setup = new RunSetup(state, runner, workflow::Role::Ancestry, 1, this);
//   m_setup->setProbe([cfg] { return ProbeWork{...}; }, [this] { return m_epochs->value(); });
//   connect(m_setup, &RunSetup::quickTrialChosen, this, [this] { m_epochs->setValue(1); });
//   TrialData d = m_setup->trialData();          // spec.data = d.spec; on the worker: d.split()
//   spec.out = m_setup->runFolder();  m_setup->writeNotes(spec.out);   // before the job starts
#include "data/dataset.h"
#include "train/speed_probe.h"
#include "widgets/app_state.h"
#include "widgets/translated_texts.h"
#include "workflow/role.h"
#include "workflow/run_notes.h"
#include "workflow/specs.h"

#include "widgets/background_task.h"

#include <QFuture>
#include <QHash>
#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTimer;

namespace tleg::gui {

class JobRunner;

/// The data a job trains on: the spec it records and, when the open split can be cut down
/// without reading the files again, that split and the sizes to keep.
struct TrialData {
    workflow::DataSpec spec;
    std::shared_ptr<const data::DataSplit> open; // null: the job opens spec itself
    int64_t trainImages = 0, testImages = 0;    // 0 = all of the open split
    uint64_t seed = 0;

    /// The split to train on (subsets drawn as openData draws them; spec opened when there is
    /// no open split to cut). Call on the worker.
    std::shared_ptr<const data::DataSplit> split() const;
};

/// What a form's network costs, measured: a throwaway network (and teacher) built from the
/// form's settings, probed on the job's batch. Built and run on a background thread.
struct ProbeWork {
    QString key; // the same key is measured once
    std::function<train::SpeedProbe(const std::atomic<bool>* stop)> measure;
    bool teacherOnce = false; // teacher logits cached after the first epoch
};

/// "…, these are 224 px: 256 patches of 14 px per image" when a preset was made for another
/// image size than the data's; empty when it fits.
QString presetFitWarning(const QString& preset, int64_t presetSize, int64_t patch,
                         const data::Dataset& d);

class RunSetup : public QWidget {
    Q_OBJECT
public:
    /// columns: 1 stacks the fields, 2 puts two in a row (narrow pages).
    RunSetup(const AppState& state, JobRunner& runner, workflow::Role role, int columns,
             QWidget* parent = nullptr);
    ~RunSetup() override;

    /// The data changed: the images field's range and text.
    void refresh();
    /// The network's settings changed: measure again (after a short pause for typing).
    void setProbe(std::function<ProbeWork()> probe);
    void settingsChanged();
    /// The number of epochs the estimate uses.
    void setEpochs(std::function<int()> epochs);
    void setEditable(bool editable);

    int64_t trainImages() const; // 0 = all
    TrialData trialData() const;
    /// runFolder/<name, else the role's name>, made unique (-2, -3, ...). Throws tleg::Error for
    /// a name that is not a plain folder name.
    std::string runFolder(int64_t depth = 0) const;
    /// Throws tleg::Error naming the field (a tag too long, too many).
    workflow::RunNotes notes() const;
    /// Writes notes.json into folder when there are tags or notes (a run folder made early).
    void writeNotes(const std::string& folder) const;
    /// Empties name, tags and notes after a run started with them.
    void clearNames();

    QSpinBox* imagesBox() const { return m_images; }
    QPushButton* quickButton() const { return m_quick; }
    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* tagsEdit() const { return m_tags; }
    QLineEdit* notesEdit() const { return m_notes; }
    QLabel* estimateLabel() const { return m_estimate; }
    /// The last measurement (trainImagesPerSecond 0 until there is one).
    train::SpeedProbe lastProbe() const { return m_probe; }

Q_SIGNALS:
    /// Quick trial pressed: the page sets its epochs to 1.
    void quickTrialChosen();
    /// The estimate's text changed (a measurement arrived, images or epochs changed).
    void estimateChanged();

protected:
    void changeEvent(QEvent* event) override;

private:
    void startProbe();
    void showEstimate();
    QString estimateText() const;

    const AppState& m_state;
    JobRunner& m_runner;
    workflow::Role m_role;
    QSpinBox* m_images;
    QPushButton* m_quick;
    QLineEdit* m_name;
    QLineEdit* m_tags;
    QLineEdit* m_notes;
    QLabel* m_estimate;
    QTimer* m_debounce;
    bool m_teacherOnce = false;
    bool m_quickTest = false; // the quick trial also evaluates on fewer test images
    std::function<ProbeWork()> m_makeProbe;
    std::function<int()> m_epochs;
    QHash<QString, train::SpeedProbe> m_measured;
    QString m_key, m_measuring;
    train::SpeedProbe m_probe;
    std::shared_ptr<std::atomic<bool>> m_stopProbe;
    QFuture<TaskResult<train::SpeedProbe>> m_future;
    TranslatedTexts m_texts;
};

} // namespace tleg::gui
