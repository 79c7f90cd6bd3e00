// tleg-studio: the desktop application. Thin: opens the default data and shows the window.
#include <torch/torch.h> // before Qt

#include "data/dataset.h"
#include "widgets/main_window.h"

#include <QApplication>
#include <QMessageBox>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("TLEG Studio");
    QApplication::setOrganizationName("TLEG Studio");
    tleg::gui::AppState state;
    try {
        state.data = std::make_shared<const tleg::data::DataSplit>(tleg::data::loadFashionMnist());
    } catch (const std::exception& e) {
        QMessageBox::warning(nullptr, QObject::tr("TLEG Studio"),
                             QObject::tr("Fashion-MNIST could not be loaded (%1). Install Debian's "
                                         "dataset-fashion-mnist package.")
                                 .arg(QString::fromStdString(e.what())));
    }
    tleg::gui::MainWindow window(std::move(state));
    window.show();
    return app.exec();
}
