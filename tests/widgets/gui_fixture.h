#pragma once
// Shared by the window tests: a tiny learngene file, a seeded Fashion-MNIST subset opened the way
// the app opens data (so that a job's spec records it and Run again finds the same images), and
// waiting for modal dialogs and popups.
#include <torch/torch.h>

#include "../core/tiny_models.h"
#include "data/dataset.h"
#include "model/aux_net.h"
#include "model/learngene.h"
#include "widgets/app_state.h"
#include "workflow/specs.h"

#include <QApplication>
#include <QString>
#include <QTimer>
#include <QWidget>

#include <memory>

namespace tleg::testing {

/// Writes the learngene of a seeded 4-block fmnistTinyConfig Aux-Net to path; returns the
/// Aux-Net's config.
inline model::ViTConfig writeTinyLearngene(const QString& path)
{
    const model::ViTConfig config = fmnistTinyConfig(4);
    torch::manual_seed(0);
    model::AuxNet aux(config, model::AuxOptions{});
    model::Learngene::fromAuxNet(*aux).save(path.toStdString());
    return config;
}

/// The first train / test images of a seeded shuffle of the real Fashion-MNIST, as a spec
/// (data::openDataset's subsets: train seeded 1, test seeded 2).
inline workflow::DataSpec fashionMnistSubsetSpec(int64_t train, int64_t test)
{
    workflow::DataSpec spec;
    spec.options.trainSubset = train;
    spec.options.testSubset = test;
    spec.options.seed = 1;
    return spec;
}

/// That subset, opened.
inline std::shared_ptr<const data::DataSplit> fashionMnistSubset(int64_t train, int64_t test)
{
    return std::make_shared<const data::DataSplit>(
        workflow::openData(fashionMnistSubsetSpec(train, test)));
}

/// Makes that subset state's open data, with its spec.
inline void useFashionMnistSubset(gui::AppState& state, int64_t train, int64_t test)
{
    state.dataSpec = fashionMnistSubsetSpec(train, test);
    state.data = fashionMnistSubset(train, test);
}

/// Runs f on the next widget of type T that current() returns, once it is open. Polls every
/// 50 ms: modal dialogs and menus open inside a click and block it until they close.
template <typename T, typename F> void whenOpen(QWidget* (*current)(), F f)
{
    auto* timer = new QTimer;
    timer->setInterval(50);
    QObject::connect(timer, &QTimer::timeout, [timer, current, f] {
        if (auto* widget = qobject_cast<T*>(current())) {
            timer->stop();
            timer->deleteLater();
            f(widget);
        }
    });
    timer->start();
}

/// f on the next modal dialog of type T (QMessageBox, QFileDialog, QInputDialog, ...).
template <typename T, typename F> void onModal(F f)
{
    whenOpen<T>(&QApplication::activeModalWidget, f);
}

/// f on the next popup of type T (a context menu).
template <typename T, typename F> void onPopup(F f)
{
    whenOpen<T>(&QApplication::activePopupWidget, f);
}

} // namespace tleg::testing
