#pragma once
// Several depths at once (the paper's Table 1 from one learngene in one click): a list of
// depths, each expanded from the open learngene and fine-tuned, optionally beside a scratch twin
// of the same architecture, queued one after another on the shared runner through the page's
// TrainingPanel (live curves for the run in progress). A depth × top-1 table and a plot against
// scratch fill in as runs finish; Stop ends the queue after keeping the stopped run's checkpoint.
// Usage:
//   auto* queue = new DepthQueue(state, panel, this);
//   queue->setLearngene(path, learngene);           // what the Expand page opened
//   queue->setEpochs([this] { return m_epochs->value(); });
//   queue->depthsEdit()->setText("2, 4, 6, 8");
//   if (!queue->start()) showError(queue->errorText());
//   connect(queue, &DepthQueue::finished, ...);    // every depth done, or stopped
#include "model/learngene.h"
#include "widgets/app_state.h"
#include "widgets/translated_texts.h"
#include "workflow/specs.h"

#include <QWidget>

#include <functional>
#include <memory>
#include <vector>

class QCheckBox;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace tleg::gui {

class RunSetup;
class TrainingPanel;

/// The TrainSpec of Expand & fine-tune: a Des-Net of this depth from the learngene at path,
/// fine-tuned on the open data for epochs, into a new run folder des-<depth>[-N].
workflow::TrainSpec desNetSpec(const AppState& state, const QString& learngene, int depth,
                               int epochs);
/// Its scratch twin: the same architecture (the learngene's Aux-Net at this depth), random
/// weights with the same seed and training, into scratch-<depth>[-N].
workflow::TrainSpec scratchSpec(const AppState& state, const model::ViTConfig& aux, int depth,
                                int epochs);

/// "2, 4, 6-8" -> {2, 4, 6, 7, 8} (sorted, without repeats); empty with *error naming the part
/// that is not a depth from 1 to maxDepth (or saying there is none).
std::vector<int> parseDepths(const QString& text, int maxDepth, QString* error);

class DepthQueue : public QWidget {
    Q_OBJECT
public:
    DepthQueue(AppState& state, TrainingPanel* panel, QWidget* parent = nullptr);

    /// The learngene every queued depth expands (nullptr: none open, the queue cannot start).
    /// The table then shows the finished runs the run folder already has from it: each
    /// depth's Des-Net expanded from this file and a scratch ViT of that depth and width.
    void setLearngene(const QString& path, std::shared_ptr<const model::Learngene> learngene);
    /// Reads the run folder again for finished runs of the open learngene (not while queued).
    void showFinishedRuns();
    /// True while the run folder is being read for them.
    bool isReading() const { return m_reading != 0; }
    /// How many epochs each run fine-tunes (read when a run starts).
    void setEpochs(std::function<int()> epochs) { m_epochs = std::move(epochs); }
    /// The images every queued run trains on, and the tags and notes each one gets.
    void setRunSetup(const RunSetup* setup) { m_setup = setup; }

    /// Reads the depths and starts the first run. False (errorText() says why) when the depths
    /// cannot be read, no learngene or data is open, or another job runs.
    bool start();
    /// True from start() until finished().
    bool isRunning() const { return m_running; }
    QString errorText() const;
    /// Another job runs (or a learngene is being read): Fine-tune all waits.
    void setBusy(bool busy);
    /// The deepest depth the list may name (the Expand page's slider goes as far).
    static constexpr int maxDepth = 24;

    /// One row per depth: depth, TLEG top-1, scratch top-1, difference, status.
    struct Row {
        int depth = 0;
        double tleg = -1, scratch = -1; // top-1 in %, -1 until known
        QString tlegRun, scratchRun;
    };
    /// The finished runs under root that belong to learngene (a Des-Net run whose init path is
    /// that file, a scratch run of a depth found so with the learngene's width and patch), one
    /// row per depth, the latest run (by folder name) of each kind. Reads files; any thread.
    static std::vector<Row> finishedRows(const std::string& root, const std::string& learngene,
                                         const model::ViTConfig& config);
    const std::vector<Row>& rows() const { return m_rows; }

    // For tests.
    QLineEdit* depthsEdit() const { return m_depths; }
    QCheckBox* scratchBox() const { return m_scratch; }
    QPushButton* startButton() const { return m_start; }
    QTableWidget* table() const { return m_table; }
    QCustomPlot* plot() const { return m_plot; }

Q_SIGNALS:
    /// A run of the queue wrote its folder (the Runs page lists it).
    void runFinished(const QString& runFolder);
    /// The run folder was read for finished runs of the open learngene (the table shows them).
    void finishedRunsRead();
    /// The queue has ended: every run done (stopped false) or stopped / failed on the way.
    void finished(bool stopped, const QString& error);

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Task {
        size_t row;
        bool scratch;
    };
    void buildTable();
    void buildPlot();
    bool startNext();
    void onFinished(bool stopped, const QString& error);
    void showRow(size_t row);
    void showPlot();
    void setError(const QString& text);
    void updateEnabled();

    AppState& m_state;
    TrainingPanel* m_panel;
    QString m_learngenePath;
    std::shared_ptr<const model::Learngene> m_learngene;
    const RunSetup* m_setup = nullptr;
    std::function<int()> m_epochs = [] { return 2; };
    std::vector<Row> m_rows;
    std::vector<Task> m_tasks; // still to run, the next first
    bool m_running = false;
    bool m_busy = false;
    bool m_waiting = false;                  // the panel's current job is ours
    std::shared_ptr<double> m_top1;          // written by the worker, read after its end
    QString m_run;                           // the folder of the run in progress
    quint64 m_reading = 0, m_reads = 0;      // the run-folder read in flight (0: none)
    Task m_current{0, false};

    QLineEdit* m_depths;
    QCheckBox* m_scratch;
    QPushButton* m_start;
    QLabel* m_error;
    QTableWidget* m_table;
    QCustomPlot* m_plot;
    TranslatedTexts m_texts;
};

} // namespace tleg::gui
