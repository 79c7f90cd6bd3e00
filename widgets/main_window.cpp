#include "widgets/main_window.h"

#include "widgets/pages/expand_page.h"

#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QStackedWidget>
#include <QStatusBar>

namespace tleg::gui {

namespace {
QString duration(double seconds)
{
    const auto s = static_cast<qint64>(seconds + 0.5);
    return s >= 60 ? QString("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QChar('0'))
                   : QString("%1s").arg(s);
}
} // namespace

MainWindow::MainWindow(AppState state, QWidget* parent)
    : QMainWindow(parent), m_state(std::move(state))
{
    setWindowTitle(tr("TLEG Studio"));
    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    m_nav = new QListWidget(central);
    m_nav->setFixedWidth(150);
    m_pages = new QStackedWidget(central);
    layout->addWidget(m_nav);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    m_expand = new ExpandPage(m_state, m_runner, m_pages);
    addPage(tr("Expand"), m_expand);
    connect(m_nav, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    m_nav->setCurrentRow(0);

    auto* dock = new QDockWidget(tr("Log"), this);
    dock->setObjectName("logDock");
    m_log = new QPlainTextEdit(dock);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    dock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, dock);

    m_status = new QLabel(tr("Ready"), this);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(260);
    m_progress->setVisible(false);
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progress);

    connect(&m_runner, &JobRunner::logged, this, &MainWindow::appendLog);
    connect(&m_runner, &JobRunner::progressed, this, &MainWindow::onProgress);
    connect(&m_runner, &JobRunner::started, this, [this](const QString& name) {
        appendLog(tr("started: %1").arg(name));
        m_status->setText(name);
        m_progress->setRange(0, 0);
        m_progress->setVisible(true);
    });
    connect(&m_runner, &JobRunner::finished, this,
            [this](const QString& name, bool stopped, const QString& error) {
                m_progress->setVisible(false);
                const QString what = !error.isEmpty() ? tr("failed: %1: %2").arg(name, error)
                                     : stopped        ? tr("stopped: %1").arg(name)
                                                      : tr("finished: %1").arg(name);
                m_status->setText(what);
                appendLog(what);
            });
    if (m_state.data)
        appendLog(tr("data: %1, %2 train / %3 test images")
                      .arg(QString::fromStdString(m_state.data->train.name))
                      .arg(m_state.data->train.size())
                      .arg(m_state.data->test.size()));
    resize(1100, 760);
}

void MainWindow::addPage(const QString& title, QWidget* page)
{
    m_nav->addItem(title);
    m_pages->addWidget(page);
}

void MainWindow::showPage(int index)
{
    m_nav->setCurrentRow(index);
}

void MainWindow::appendLog(const QString& line)
{
    m_log->appendPlainText(QDateTime::currentDateTime().toString("HH:mm:ss ") + line);
}

void MainWindow::onProgress(const ProgressUpdate& u)
{
    if (u.totalSteps <= 0)
        return;
    m_progress->setRange(0, static_cast<int>(u.totalSteps));
    m_progress->setValue(static_cast<int>(u.step));
    m_status->setText(tr("%1 — epoch %2/%3, loss %4, ETA %5")
                          .arg(m_runner.currentJob())
                          .arg(u.epoch)
                          .arg(u.epochs)
                          .arg(u.loss, 0, 'f', 4)
                          .arg(duration(u.etaSeconds)));
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
    event->accept();
}

} // namespace tleg::gui
