#include "widgets/main_window.h"

#include "io/safetensors.h"
#include "util/files.h"
#include "util/version.h"
#include "widgets/appearance.h"
#include "widgets/icons.h"
#include "widgets/pages/ancestry_page.h"
#include "widgets/pages/data_page.h"
#include "widgets/pages/expand_page.h"
#include "widgets/pages/experiment_panel.h"
#include "widgets/pages/learngene_page.h"
#include "widgets/pages/linearity_page.h"
#include "widgets/pages/runs_page.h"
#include "widgets/settings_dialog.h"
#include "widgets/step_guide.h"
#include "widgets/text_format.h"
#include "widgets/weight_view.h"
#include "widgets/workspace.h"

#include "widgets/plots/qcustomplot_include.h"
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

namespace tleg::gui {

namespace {
const char* const kPageKeys[] = {"data", "ancestry", "learngene", "linearity", "expand", "runs"};
} // namespace

MainWindow::MainWindow(AppState state, Settings settings, QWidget* parent)
    : QMainWindow(parent), m_state(std::move(state)), m_settings(std::move(settings))
{
    m_state.runFolder = m_settings.runFolder;
    m_state.threads = m_settings.threads;
    m_state.bf16 = m_settings.bf16;
    if (m_settings.language != QLatin1String("en")
        && !m_translations.setLanguage(m_settings.language))
        m_settings.language = QStringLiteral("en");

    setWindowIcon(icon(Icon::App));
    m_dock = new QDockWidget(this);
    m_dock->setObjectName("logDock");
    m_log = new QPlainTextEdit(m_dock);
    m_log->setObjectName("logView");
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    followLog();
    m_dock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, m_dock);
    buildStatusBar();

    buildPages();
    retranslateUi(); // and the menus
    applyTheme(m_settings.dark, this);
    logData();
    resize(1280, 800);
}

void MainWindow::buildStatusBar()
{
    m_status = new QLabel(this);
    m_status->setObjectName("statusLabel");
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(260);
    m_progress->setVisible(false);
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progress);

    connect(&m_runner, &JobRunner::logged, this, &MainWindow::appendLog);
    connect(&m_runner, &JobRunner::progressed, this, &MainWindow::onProgress);
    // Paused: no ETA that would count down while nothing runs.
    connect(&m_runner, &JobRunner::paused, this, [this] {
        m_status->setText(tr("%1 — paused").arg(m_runner.currentJob()));
    });
    connect(&m_runner, &JobRunner::started, this, [this](const QString& name) {
        appendLog(tr("started: %1").arg(name));
        m_statusIsReady = false;
        m_status->setText(name);
        m_progress->setRange(0, 0);
        m_progress->setVisible(true);
        Q_EMIT busyChanged(true);
    });
    connect(&m_runner, &JobRunner::finished, this,
            [this](const QString& name, bool stopped, const QString& error) {
                m_progress->setVisible(false);
                const QString what = !error.isEmpty() ? tr("failed: %1: %2").arg(name, error)
                                     : stopped        ? tr("stopped: %1").arg(name)
                                                      : tr("finished: %1").arg(name);
                m_status->setText(what);
                appendLog(what);
                Q_EMIT busyChanged(isBusy());
            });
}

void MainWindow::followLog()
{
    // The log shows its newest line unless the user scrolled up, also when its height changes
    // (a resize, a language switch re-laying out the window), which moves the bottom away
    // without a scroll.
    QScrollBar* bar = m_log->verticalScrollBar();
    connect(bar, &QScrollBar::valueChanged, this,
            [this, bar](int value) { m_logFollows = value == bar->maximum(); });
    connect(bar, &QScrollBar::rangeChanged, this, [this, bar](int, int maximum) {
        if (m_logFollows)
            bar->setValue(maximum);
    });
}

void MainWindow::logData()
{
    if (m_state.data)
        appendLog(tr("data: %1, %2 train / %3 test images")
                      .arg(QString::fromStdString(m_state.data->train.name))
                      .arg(m_state.data->train.size())
                      .arg(m_state.data->test.size()));
}

bool MainWindow::isBusy() const
{
    return m_runner.isRunning() || m_dataPage->isLoading() || m_linearity->isBusy()
           || m_runs->isListing() || m_runs->isAdding() || m_expand->isLoading()
           || m_expand->depthQueue()->isReading();
}

void MainWindow::buildPages()
{
    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    // The sidebar: the steps, then the way to the next one once this one is done.
    auto* sidebar = new QWidget(central);
    sidebar->setFixedWidth(150);
    auto* sideLayout = new QVBoxLayout(sidebar);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    m_nav = new QListWidget(sidebar);
    m_nav->setObjectName("navigation");
    m_next = new QPushButton(sidebar);
    m_next->setObjectName("nextStep");
    sideLayout->addWidget(m_nav, 1);
    sideLayout->addWidget(m_next);
    m_pages = new QStackedWidget(central);
    layout->addWidget(sidebar);
    layout->addWidget(m_pages, 1);

    m_dataPage = new DataPage(m_state, m_pages);
    m_ancestry = new AncestryPage(m_state, m_runner, m_pages);
    m_learngene = new LearngenePage(m_state, m_runner, m_pages);
    m_linearity = new LinearityPage(m_state, m_pages);
    m_expand = new ExpandPage(m_state, m_runner, m_pages);
    m_runs = new RunsPage(m_state, &m_runner, m_pages);
    for (QWidget* page : std::initializer_list<QWidget*>{m_dataPage, m_ancestry, m_learngene,
                                                         m_linearity, m_expand, m_runs}) {
        m_nav->addItem(QString());
        m_pages->addWidget(page);
    }
    for (int i = 0; i < m_nav->count(); ++i)
        m_nav->item(i)->setIcon(pageIcon(pageKey(i)));
    connect(m_nav, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    connect(m_nav, &QListWidget::currentRowChanged, this, [this] {
        // How the last job ended belongs to its page: another page starts from "Ready".
        if (!m_runner.isRunning() && !m_statusIsReady) {
            m_statusIsReady = true;
            m_status->setText(tr("Ready"));
        }
    });
    m_guide = new StepGuide(m_nav, m_next, this);
    connectPages();
    setCentralWidget(central);
    m_nav->setCurrentRow(0);
}

void MainWindow::updateSteps()
{
    m_guide->setDone(0, m_state.data != nullptr, tr("A dataset is open."));
    m_guide->setDone(1, !m_learngene->teacherPath().isEmpty(),
                     tr("An ancestry model is open: it is the teacher."));
    m_guide->setDone(2, !m_expand->learngenePath().isEmpty(),
                     tr("A learngene is open on the Expand page."));
    m_guide->setDone(3, m_linearity->modelCount() > 0, tr("A model's weights were analysed."));
    m_guide->setDone(4, m_desNets > 0, tr("%n Des-Net(s) fine-tuned.", nullptr, m_desNets));
}

void MainWindow::retranslateUi()
{
    // Spin boxes and plot ticks write numbers as the new language does: every child without a
    // locale of its own inherits this one; a plot has its own (QCustomPlot sets it).
    setLocale(QLocale());
    for (QCustomPlot* plot : findChildren<QCustomPlot*>()) {
        QLocale locale;
        locale.setNumberOptions(plot->locale().numberOptions());
        plot->setLocale(locale);
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
    setWindowTitle(tr("TLEG Studio"));
    m_dock->setWindowTitle(tr("Log"));
    if (!m_runner.isRunning() && m_statusIsReady)
        m_status->setText(tr("Ready"));
    QString titles[6];
    for (int i = 0; i < 6; ++i)
        titles[i] = pageTitle(i);
    m_guide->setTitles(QStringList(std::begin(titles), std::end(titles)));
    updateSteps();
    buildMenus();
}

void MainWindow::changeEvent(QEvent* event)
{
    // The pages and their widgets retranslate themselves (each its own changeEvent): nothing is
    // rebuilt, so forms, curves, selections, the log and the window size stay as they are.
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QMainWindow::changeEvent(event);
}

void MainWindow::connectPages()
{
    connect(m_dataPage, &DataPage::logged, this, &MainWindow::appendLog);
    connect(m_linearity, &LinearityPage::logged, this, &MainWindow::appendLog);
    connect(m_ancestry, &AncestryPage::logged, this, &MainWindow::appendLog);
    connect(m_dataPage, &DataPage::dataChanged, m_ancestry, &AncestryPage::onDataChanged);
    connect(m_dataPage, &DataPage::dataChanged, m_learngene, &LearngenePage::refreshData);
    connect(m_dataPage, &DataPage::dataChanged, m_expand, &ExpandPage::refreshData);
    connect(m_dataPage, &DataPage::dataChanged, this, &MainWindow::logData);
    // What settle() and screenshots wait for: the background work of the pages.
    const auto busy = [this] { Q_EMIT busyChanged(isBusy()); };
    connect(m_dataPage, &DataPage::loadingChanged, this, busy);
    connect(m_linearity, &LinearityPage::modelsChanged, this, busy);
    connect(m_runs, &RunsPage::listed, this, busy);
    connect(m_runs, &RunsPage::runAdded, this, busy);
    connect(m_expand, &ExpandPage::loadFinished, this, busy);
    connect(m_expand->depthQueue(), &DepthQueue::finishedRunsRead, this, busy);
    connect(m_ancestry, &AncestryPage::ancestryReady, this, [this](const QString& path) {
        m_learngene->setTeacherPath(path);
        rememberFile(path);
    });
    connect(m_learngene, &LearngenePage::learngeneSaved, m_expand, &ExpandPage::loadLearngene);
    connect(m_expand, &ExpandPage::learngeneLoaded, this, &MainWindow::rememberFile);
    connect(m_ancestry, &AncestryPage::runFinished, m_runs, &RunsPage::addRun);
    connect(m_learngene, &LearngenePage::runFinished, m_runs, &RunsPage::addRun);
    connect(m_expand, &ExpandPage::runFinished, m_runs, &RunsPage::addRun);
    // The done marks of the steps (after the connections above have set what they look at).
    connect(m_dataPage, &DataPage::dataChanged, this, &MainWindow::updateSteps);
    connect(m_ancestry, &AncestryPage::ancestryReady, this, &MainWindow::updateSteps);
    connect(m_expand, &ExpandPage::loadFinished, this, &MainWindow::updateSteps);
    connect(m_linearity, &LinearityPage::modelsChanged, this, &MainWindow::updateSteps);
    connect(m_expand, &ExpandPage::runFinished, this, [this] {
        ++m_desNets;
        updateSteps();
    });
}

void MainWindow::buildMenus()
{
    // clear() leaves the old menus behind as hidden children, with their actions' shortcuts
    // (Ctrl+1 would then be ambiguous): they leave the window now and go once control returns
    // to the event loop (this may run inside one of their actions, the language switch).
    menuBar()->clear();
    for (QMenu* old : menuBar()->findChildren<QMenu*>(Qt::FindDirectChildrenOnly)) {
        old->setParent(nullptr);
        old->deleteLater();
    }

    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open model or learngene…"), QKeySequence::Open, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open model or learngene"), m_state.runFolder,
                                         tr("Models (*.safetensors *.pt *.pth);;All files (*)"));
        if (!path.isEmpty())
            openFile(path);
    });
    file->actions().constLast()->setIcon(icon(Icon::Open)); // the Open action just added
    QAction* compare = file->addAction(tr("&Add to Linearity…"), this, [this] {
        const QStringList paths = QFileDialog::getOpenFileNames(
            this, tr("Add to Linearity"), m_state.runFolder,
            tr("Models (*.safetensors);;All files (*)"));
        addToLinearity(paths);
    });
    compare->setObjectName("addToLinearityAction");
    compare->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    compare->setToolTip(tr("Compare models' weights on the Linearity page; the teacher stays."));
    QAction* weights = file->addAction(tr("&Inspect weights…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Inspect weights"), m_state.runFolder,
            tr("safetensors (*.safetensors);;All files (*)"));
        if (!path.isEmpty())
            inspectWeights(path);
    });
    weights->setObjectName("inspectWeightsAction");
    weights->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_recentMenu = file->addMenu(tr("Open &recent"));
    m_recentMenu->setObjectName("recentMenu");
    updateRecentMenu();
    file->addSeparator();
    QAction* saveWs = file->addAction(tr("Save &workspace…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save workspace"), QDir(m_state.runFolder).filePath("study.tleg-workspace"),
            tr("TLEG Studio workspace (*.tleg-workspace)"));
        if (path.isEmpty())
            return;
        try {
            saveWorkspace(*this, path);
            rememberWorkspace(path);
        } catch (const std::exception& e) {
            QMessageBox::warning(this, tr("Save workspace"), errorText(e));
        }
    });
    saveWs->setObjectName("saveWorkspaceAction");
    QAction* openWs = file->addAction(tr("Open wor&kspace…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open workspace"), m_state.runFolder,
            tr("TLEG Studio workspace (*.tleg-workspace);;All files (*)"));
        if (!path.isEmpty())
            openWorkspaceFile(path);
    });
    openWs->setObjectName("openWorkspaceAction");
    file->addSeparator();
    file->addAction(tr("&Settings…"), QKeySequence::Preferences, this, [this] {
        SettingsDialog dialog(m_settings, this);
        if (dialog.exec() == QDialog::Accepted)
            applySettings(dialog.settings());
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QMenu* language = view->addMenu(tr("&Language"));
    auto* group = new QActionGroup(language);
    for (const auto& l : availableLanguages()) {
        QAction* a = language->addAction(l.name);
        a->setCheckable(true);
        a->setChecked(l.code == m_settings.language);
        a->setData(l.code);
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, code = l.code] { setLanguage(code); });
    }
    QAction* dark = view->addAction(tr("&Dark theme"));
    dark->setObjectName("darkAction");
    dark->setCheckable(true);
    dark->setChecked(m_settings.dark);
    connect(dark, &QAction::toggled, this, &MainWindow::setDark);
    view->addAction(m_dock->toggleViewAction());
    QMenu* go = view->addMenu(tr("&Go to"));
    go->setObjectName("goMenu");
    for (int i = 0; i < m_nav->count(); ++i) {
        QAction* a = go->addAction(QStringLiteral("&%1  %2").arg(i + 1).arg(pageTitle(i)));
        a->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
        connect(a, &QAction::triggered, this, [this, i] { showPage(i); });
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* workflow = help->addAction(tr("&Workflow"), this, &MainWindow::showWorkflow);
    workflow->setObjectName("workflowAction");
    workflow->setShortcut(QKeySequence::HelpContents);
    QAction* about = help->addAction(tr("&About TLEG Studio"), this, [this] {
        // The box shows the window's icon (the application's).
        QMessageBox::about(
            this, tr("About TLEG Studio"),
            QStringLiteral("<h3>TLEG Studio</h3><p>%1</p><p>%2</p>")
                .arg(tr("Version %1").arg(QString::fromLatin1(tleg::version())),
                     tr("TLEG Studio produces and initialises Vision Transformers of many depths "
                        "from one compact learngene, as in \"Transformer as Linear Expansion of "
                        "Learngene\" (Xia et al., AAAI 2024).")
                         .toHtmlEscaped()));
    });
    about->setObjectName("aboutAction");
    about->setIcon(icon(Icon::App));
}

QString MainWindow::pageTitle(int index) const
{
    const QString titles[] = {tr("Data"),      tr("Ancestry"), tr("Learngene"),
                              tr("Linearity"), tr("Expand"),   tr("Runs")};
    return index >= 0 && index < 6 ? titles[index] : QString();
}

void MainWindow::showWorkflow()
{
    // The README's workflow, step by step, in the UI language.
    const QString steps[] = {
        tr("Open a dataset (Fashion-MNIST is there already; CIFAR, IDX files or a folder of "
           "images per class)."),
        tr("Train an ancestry model, or open one you have (TLEG Studio, timm, Hugging Face, "
           "torchvision or TorchScript): it becomes the teacher."),
        tr("Distil a learngene: an Aux-Net whose blocks are θ_B + (l−1)/L·θ_A learns from the "
           "teacher; the learngene (θ_A, θ_B) is written at the end."),
        tr("Check on the Linearity page whether the weights change linearly with depth (PCA "
           "trajectories, R² per layer kind)."),
        tr("Expand the learngene into descendants of any depth and fine-tune them, one or "
           "several depths at once, beside scratch twins."),
        tr("Compare the runs: curves, hyperparameters, and the paper's experiments.")};
    QString html = QStringLiteral("<h3>%1</h3><ol>").arg(tr("The TLEG workflow").toHtmlEscaped());
    for (int i = 0; i < 6; ++i)
        html += QStringLiteral("<li><b>%1</b> (Ctrl+%2): %3</li>")
                    .arg(pageTitle(i).toHtmlEscaped())
                    .arg(i + 1)
                    .arg(steps[i].toHtmlEscaped());
    html += QStringLiteral("</ol><p>%1</p>")
                .arg(tr("Version %1").arg(QString::fromLatin1(tleg::version())).toHtmlEscaped());
    QMessageBox box(QMessageBox::Information, tr("Workflow"), html, QMessageBox::Ok, this);
    box.setObjectName("workflowBox");
    box.setTextFormat(Qt::RichText);
    box.exec();
}

WeightView* MainWindow::inspectWeights(const QString& path)
{
    auto* view = new WeightView(this);
    view->setAttribute(Qt::WA_DeleteOnClose);
    view->open(path);
    view->show();
    return view;
}

int MainWindow::pageCount() const
{
    return m_pages->count();
}

QString MainWindow::pageKey(int index) const
{
    return index >= 0 && index < static_cast<int>(std::size(kPageKeys)) ? kPageKeys[index]
                                                                        : QString();
}

QWidget* MainWindow::page(int index) const
{
    return m_pages->widget(index);
}

void MainWindow::showPage(int index)
{
    m_nav->setCurrentRow(index);
}

void MainWindow::appendLog(const QString& line)
{
    m_log->appendPlainText(QDateTime::currentDateTime().toString("HH:mm:ss ") + line);
}

void MainWindow::clearLog()
{
    m_log->clear();
}

void MainWindow::applySettings(const Settings& settings)
{
    const bool folderChanged = settings.runFolder != m_settings.runFolder;
    const QString language = settings.language;
    const bool dark = settings.dark;
    m_settings = settings;
    m_settings.language = m_translations.language();
    m_state.threads = settings.threads;
    m_state.bf16 = settings.bf16;
    m_state.runFolder = settings.runFolder;
    m_settings.save();
    if (folderChanged) {
        appendLog(tr("run folder: %1").arg(QFileInfo(m_state.runFolder).absoluteFilePath()));
        m_runs->refresh();
        m_runs->experimentPanel()->reload();
    }
    setDark(dark);
    if (language != m_translations.language())
        setLanguage(language);
}

bool MainWindow::setLanguage(const QString& code)
{
    if (code == m_translations.language())
        return true;
    const bool available = m_translations.setLanguage(code); // English when not
    if (!available)
        appendLog(tr("No translation for %1 is available.").arg(code));
    m_settings.language = m_translations.language();
    m_settings.save();
    // Switching the translators posted QEvent::LanguageChange to every window: deliver it now,
    // so that every text speaks the new language (and the menu checks it) when this returns.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LanguageChange);
    return available;
}

void MainWindow::setDark(bool dark)
{
    m_settings.dark = dark;
    m_settings.save();
    applyTheme(dark, this);
}

bool MainWindow::openFile(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        QMessageBox::warning(this, tr("Open"), tr("%1 does not exist.").arg(path));
        return false;
    }
    // One line that names the file first, as the pages say it.
    const auto refuse = [this, &path](const std::exception& e) {
        QMessageBox::warning(
            this, tr("Open"),
            tr("Cannot open %1: %2").arg(path, withoutPathPrefix(gui::errorText(e), path)));
        return false;
    };
    // A Hugging Face folder (config.json + model.safetensors) is a model; any other folder or
    // a FIFO is never opened.
    const bool hfFolder =
        info.isDir() && QFileInfo(QDir(path).filePath("model.safetensors")).isFile();
    try {
        if (!hfFolder)
            requireRegularFile(path.toStdString());
    } catch (const std::exception& e) {
        return refuse(e);
    }
    std::string kind = hfFolder ? "foreign" : "torchscript";
    if (!hfFolder && info.suffix().compare("safetensors", Qt::CaseInsensitive) == 0) {
        try {
            const auto header = io::readSafetensorsHeader(path.toStdString());
            const auto it = header.metadata.find("tleg_kind");
            kind = it == header.metadata.end() ? "foreign" : it->second;
        } catch (const std::exception& e) {
            return refuse(e);
        }
    }
    rememberFile(path);
    // timm / torchvision / Hugging Face checkpoints are models like ours (the Ancestry page
    // shows what was inferred); Linearity reads the weights file.
    const QString weights = hfFolder ? QDir(path).filePath("model.safetensors") : path;
    if (kind == "learngene") {
        m_expand->loadLearngene(path);
        showPage(4);
    } else if (m_runner.isRunning()) {
        // Several models opened at once (or during a job): the first is the teacher, the others
        // are compared on the Linearity page.
        m_linearity->addModel(weights);
        appendLog(tr("%1: opened on the Linearity page (the Ancestry page loads a model when "
                     "no job runs).")
                      .arg(QFileInfo(path).fileName()));
        showPage(3);
    } else {
        const QString previous = m_state.ancestryPath;
        m_ancestry->loadModel(path);
        m_linearity->addModel(weights);
        showPage(1);
        if (!previous.isEmpty() && QFileInfo(previous) != info) {
            // Never a silent swap: the replaced teacher is named and stays a click away.
            rememberFile(previous);
            rememberFile(path);
            appendLog(tr("%1 becomes the teacher in place of %2 (File ▸ Open recent brings it "
                         "back; File ▸ Add to Linearity compares a model without replacing "
                         "the teacher).")
                          .arg(QDir::toNativeSeparators(path), QDir::toNativeSeparators(previous)));
        }
    }
    return true;
}

int MainWindow::addToLinearity(const QStringList& paths)
{
    int added = 0;
    for (const QString& path : paths) {
        const QFileInfo info(path);
        // A Hugging Face folder's weights are its model.safetensors.
        const QString weights =
            info.isDir() ? QDir(path).filePath(QStringLiteral("model.safetensors")) : path;
        if (!QFileInfo(weights).isFile()) {
            appendLog(tr("%1: not a model file; not added to the Linearity page.")
                          .arg(QDir::toNativeSeparators(path)));
            continue;
        }
        rememberFile(path);
        m_linearity->addModel(weights);
        ++added;
    }
    if (added > 0)
        showPage(3);
    return added;
}

QStringList MainWindow::compareRuns(const QStringList& runs)
{
    QStringList folders, missing;
    for (const QString& run : runs) {
        const QString underRoot = QDir(m_state.runFolder).filePath(run);
        if (QFileInfo(run).isDir())
            folders << run;
        else if (QFileInfo(underRoot).isDir())
            folders << underRoot;
        else
            missing << run;
    }
    for (const QString& run : missing)
        appendLog(tr("No run %1 in %2.").arg(run, m_state.runFolder));
    showPage(5);
    if (!m_runs->isListing()) {
        m_runs->selectRuns(folders);
    } else {
        auto* once = new QObject(this);
        connect(m_runs, &RunsPage::listed, once, [this, folders, once] {
            m_runs->selectRuns(folders);
            once->deleteLater();
        });
    }
    return missing;
}

void MainWindow::rememberFile(const QString& path)
{
    m_settings.addRecent(path);
    m_settings.save();
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    for (const QString& path : m_settings.recentFiles) {
        QAction* a = m_recentMenu->addAction(QFileInfo(path).fileName());
        a->setToolTip(path);
        a->setData(path);
        connect(a, &QAction::triggered, this, [this, path] { openFile(path); });
    }
    m_recentMenu->setEnabled(!m_settings.recentFiles.isEmpty());
    if (!m_settings.recentFiles.isEmpty()) {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear list"), this, [this] {
            m_settings.recentFiles.clear();
            m_settings.save();
            updateRecentMenu();
        });
    }
}

void MainWindow::onProgress(const ProgressUpdate& u)
{
    if (u.totalSteps <= 0 || m_runner.isPaused())
        return;
    m_progress->setRange(0, static_cast<int>(u.totalSteps));
    m_progress->setValue(static_cast<int>(u.step));
    m_status->setText(tr("%1 — epoch %2/%3, loss %4, ETA %5")
                          .arg(m_runner.currentJob())
                          .arg(u.epoch)
                          .arg(u.epochs)
                          .arg(formatNumber(u.loss, 4))
                          .arg(formatDuration(u.etaSeconds)));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_runner.isRunning()) {
        const auto answer = QMessageBox::question(
            this, tr("A job is running"),
            tr("%1 is still running. Stop it and quit? Finished epochs stay in the run folder.")
                .arg(m_runner.currentJob()));
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        m_runner.requestStop();
        m_runner.wait(-1);
    }
    try { // for Settings ▸ "Reopen what was open": what is open now, kept for the next start
        saveWorkspace(*this, lastWorkspacePath());
    } catch (const std::exception& e) {
        appendLog(tr("The workspace could not be kept: %1").arg(errorText(e)));
    }
    event->accept();
}

QStringList MainWindow::openWorkspaceFile(const QString& path)
{
    try {
        const QStringList skipped = openWorkspace(*this, path);
        for (const QString& line : skipped)
            appendLog(line);
        rememberWorkspace(path);
        return skipped;
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Open workspace"), errorText(e));
        return {errorText(e)};
    }
}

void MainWindow::rememberWorkspace(const QString& path)
{
    appendLog(tr("workspace: %1").arg(QDir::toNativeSeparators(path)));
}

} // namespace tleg::gui
