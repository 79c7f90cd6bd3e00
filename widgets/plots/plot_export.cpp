#include "widgets/plots/plot_export.h"

#include "util/error.h"
#include "widgets/plots/plot_legend.h"
#include "widgets/text_format.h"

#include "widgets/plots/qcustomplot_include.h"
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QToolTip>

namespace tleg::gui {

namespace {
QString quoted(QString s)
{
    s.replace('"', "\"\"");
    return '"' + s + '"';
}

void writeText(const QString& path, const QString& text)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        throw fileError(path.toStdString(), file.errorString().toStdString());
    file.write(text.toUtf8());
    if (!file.commit())
        throw fileError(path.toStdString(), file.errorString().toStdString());
}
} // namespace

QString graphsCsv(const QCustomPlot* plot)
{
    QString out = QStringLiteral("graph,x,y\n");
    for (int g = 0; g < plot->graphCount(); ++g) {
        const QCPGraph* graph = plot->graph(g);
        const QString name = quoted(graph->name());
        for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
            out += QStringLiteral("%1,%2,%3\n")
                       .arg(name)
                       .arg(it->key, 0, 'g', 10)
                       .arg(it->value, 0, 'g', 10);
    }
    return out;
}

void exportPlot(QCustomPlot* plot, const QString& path, const CsvWriter& csv)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    bool ok = false;
    if (suffix == "png") {
        ok = plot->savePng(path, 0, 0, 2.0);
    } else if (suffix == "pdf") {
        ok = plot->savePdf(path);
    } else if (suffix == "csv") {
        writeText(path, csv ? csv() : graphsCsv(plot));
        return;
    } else {
        throw fileError(path.toStdString(), "unknown plot format (use .png, .pdf or .csv)");
    }
    if (!ok)
        throw fileError(path.toStdString(), "could not write the plot");
}

void installPlotExport(QCustomPlot* plot, CsvWriter csv)
{
    if (plot->property("tlegExport").toBool())
        return; // once per plot: a second call would open two menus
    plot->setProperty("tlegExport", true);
    plot->setContextMenuPolicy(Qt::CustomContextMenu);
    installLegendPlacement(plot);
    QObject::connect(plot, &QWidget::customContextMenuRequested, plot, [plot, csv](QPoint pos) {
        QMenu menu(plot);
        const struct {
            QString label, filter, suffix;
        } formats[] = {
            {QObject::tr("Export PNG…"), QObject::tr("PNG image (*.png)"), "png"},
            {QObject::tr("Export PDF…"), QObject::tr("PDF document (*.pdf)"), "pdf"},
            {QObject::tr("Export CSV…"), QObject::tr("CSV table (*.csv)"), "csv"},
        };
        for (const auto& f : formats) {
            menu.addAction(f.label, plot, [plot, csv, f] {
                // The dialog opens where the last export went (at first: the home folder).
                static QString lastDir = QDir::homePath();
                QString path = QFileDialog::getSaveFileName(
                    plot, f.label, QDir(lastDir).filePath("plot." + f.suffix), f.filter);
                if (path.isEmpty())
                    return;
                lastDir = QFileInfo(path).absolutePath();
                if (QFileInfo(path).suffix().isEmpty())
                    path += "." + f.suffix;
                try {
                    exportPlot(plot, path, csv);
                    // Said where it went, beside the plot, without a box to click away.
                    plot->setProperty("tlegLastExport", path);
                    QToolTip::showText(plot->mapToGlobal(plot->rect().center()),
                                       QObject::tr("Saved %1").arg(QDir::toNativeSeparators(path)),
                                       plot, {}, 4000);
                } catch (const std::exception& e) {
                    QMessageBox::warning(plot, QObject::tr("Export failed"), gui::errorText(e));
                }
            });
        }
        menu.addSeparator();
        addLegendMenu(plot, &menu);
        menu.exec(plot->mapToGlobal(pos));
    });
}

} // namespace tleg::gui
