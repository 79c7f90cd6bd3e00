// tleg-studio: the desktop application. Thin: reads the settings, opens the default data and
// shows the window. `tleg-studio --screenshots DIR` writes a PNG of every page (README).
#include "studio_shots/studio_shots.h"
#include "util/openmp_defaults.h"
#include "util/version.h"
#include "widgets/appearance.h"
#include "widgets/icons.h"
#include "widgets/main_window.h"
#include "widgets/pages/expand_page.h"
#include "widgets/plots/qcustomplot_include.h"
#include "widgets/workspace.h"
#include "widgets/text_format.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>

#include <cstdio>

// Passive OpenMP waiting unless the user chose otherwise (see util/openmp_defaults.h).
TLEG_OPENMP_DEFAULTS();

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("TLEG Studio");
    QApplication::setOrganizationName("TLEG Studio");
    QApplication::setApplicationVersion(QString::fromLatin1(tleg::version()));
    // Desktops match the window to tleg-studio.desktop (its name and icon) by this name.
    QApplication::setDesktopFileName(QStringLiteral("tleg-studio"));
    QApplication::setWindowIcon(tleg::gui::icon(tleg::gui::Icon::App));
    tleg::gui::setupStyle(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        "TLEG Studio: learngenes, linear expansion and descendant ViTs.");
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption shots("screenshots", "Write a PNG of every page into <dir> and quit.",
                                   "dir");
    const QCommandLineOption lang("lang", "Language: en, zh_CN or de (default: the saved one).",
                                  "code");
    const QCommandLineOption dark("dark", "Use the dark theme.");
    const QCommandLineOption open("open", "Open a model or learngene file (repeatable).", "file");
    const QCommandLineOption runs("runs", "Run folder (default: the saved one).", "dir");
    const QCommandLineOption compare(
        "compare", "Select a run on the Runs page to overlay its curves (repeatable).", "run");
    parser.addOptions({shots, lang, dark, open, runs, compare});
    parser.addPositionalArgument("files", "Model or learngene files to open.", "[files...]");
    parser.process(app);

    // Screenshots use the defaults, not this user's saved settings.
    tleg::gui::Settings settings =
        parser.isSet(shots) ? tleg::gui::Settings{} : tleg::gui::Settings::load();
    if (parser.isSet(lang))
        settings.language = parser.value(lang);
    if (parser.isSet(dark))
        settings.dark = true;
    if (parser.isSet(runs))
        settings.runFolder = parser.value(runs);

    tleg::gui::AppState state; // state.dataSpec: Fashion-MNIST, as the CLI's default
    QString dataError;
    try {
        state.data =
            std::make_shared<const tleg::data::DataSplit>(tleg::workflow::openData(state.dataSpec));
    } catch (const std::exception& e) {
        dataError = tleg::gui::errorText(e);
    }
    tleg::gui::MainWindow window(std::move(state), settings);
    if (!dataError.isEmpty())
        window.appendLog(
            QObject::tr("Fashion-MNIST could not be loaded (%1). Install Debian's "
                        "dataset-fashion-mnist package or open a dataset on the Data page.")
                .arg(dataError));
    window.show();
    const QStringList files = parser.values(open) + parser.positionalArguments();
    // The last session's workspace, when the user asked for it and nothing else was named.
    if (settings.restoreWorkspace && files.isEmpty() && !parser.isSet(shots)
        && QFileInfo::exists(tleg::gui::lastWorkspacePath()))
        window.openWorkspaceFile(tleg::gui::lastWorkspacePath());
    for (const QString& path : files)
        window.openFile(path);
    if (parser.isSet(compare))
        window.compareRuns(parser.values(compare));

    if (parser.isSet(shots)) {
        const QDir dir(parser.value(shots));
        if (!QDir().mkpath(dir.path())) {
            std::fprintf(stderr, "cannot create %s\n", qPrintable(dir.path()));
            return 1;
        }
        // Opened models are evaluated on the worker first; runs are listed in the background.
        if (!tleg::studio::settle(window, 300000))
            std::fprintf(stderr, "still busy after 5 minutes; the pictures may show it\n");
        for (const auto& shot : tleg::studio::grabPages(window)) {
            const QString path = dir.filePath(shot.key + ".png");
            if (!shot.image.save(path)) {
                std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
                return 1;
            }
            std::printf("%s\n", qPrintable(path));
        }
        // The Expand page's Several depths tab: the depth × top-1 table of the open learngene.
        window.showPage(4);
        window.expandPage()->bottomTabs()->setCurrentIndex(1);
        tleg::studio::settle(window, 2000);
        for (QCustomPlot* plot : window.expandPage()->findChildren<QCustomPlot*>())
            if (plot->isVisible())
                plot->replot(QCustomPlot::rpImmediateRefresh);
        const QString depths = dir.filePath("expand-depths.png");
        if (!window.grab().save(depths)) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(depths));
            return 1;
        }
        std::printf("%s\n", qPrintable(depths));
        return 0;
    }
    return app.exec();
}
