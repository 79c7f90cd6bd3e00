#pragma once
// Shared by the window tests: a tiny learngene file, a seeded Fashion-MNIST subset opened the way
// the app opens data (so that a job's spec records it and Run again finds the same images), and
// waiting for modal dialogs and popups (with a deadline: one that never opens fails the test).
#include <torch/torch.h>

#include "../core/tiny_models.h"
#include "data/dataset.h"
#include "model/aux_net.h"
#include "model/learngene.h"
#include "widgets/app_state.h"
#include "workflow/specs.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QString>
#include <QTimer>
#include <QWidget>
#include <QtTest>

#include <functional>
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

/// How long whenOpen waits for its dialog or popup: generous, for a loaded machine.
constexpr int kOpenTimeoutMs = 30000;

/// What whenOpen returns: watches for the widget until it opens, the deadline passes or the
/// watch goes out of scope, whichever comes first. A widget that never opened fails the running
/// test (at the deadline, or at the end of the watch's scope): a watch never polls forever, nor
/// into a later test. Keep it alive until the click that opens the widget has returned.
class [[nodiscard]] OpenWatch {
public:
    OpenWatch(QWidget* (*current)(), std::function<bool(QWidget*)> run, const char* what,
              int timeoutMs)
        : m_state(std::make_unique<State>())
    {
        State* state = m_state.get();
        state->what = what;
        state->deadline = QDeadlineTimer(timeoutMs);
        state->timer.setInterval(50);
        QObject::connect(&state->timer, &QTimer::timeout, [state, current, run] {
            if (QWidget* widget = current()) {
                state->timer.stop(); // f may run an event loop: no second call meanwhile
                state->opened = true;
                if (run(widget))
                    return;
                state->opened = false; // another kind of widget: ours may still open
                state->timer.start();
            }
            if (state->deadline.hasExpired()) {
                state->timer.stop();
                state->fail("never opened within the deadline");
            }
        });
        state->timer.start();
    }
    OpenWatch(OpenWatch&&) noexcept = default;
    OpenWatch& operator=(OpenWatch&&) = delete;
    OpenWatch(const OpenWatch&) = delete;
    OpenWatch& operator=(const OpenWatch&) = delete;
    /// Stops watching; fails the running test if the widget never opened.
    ~OpenWatch()
    {
        if (!m_state)
            return;
        m_state->timer.stop();
        if (!m_state->opened)
            m_state->fail("never opened before the end of its watch");
    }

    /// True once the widget opened and f ran on it.
    bool opened() const { return m_state && m_state->opened; }

private:
    struct State {
        QTimer timer;
        QDeadlineTimer deadline;
        const char* what = "";
        bool opened = false;
        bool failed = false;
        void fail(const char* why)
        {
            if (failed)
                return;
            failed = true;
            if (!QTest::currentTestFailed()) // one failure per test, the first one
                QTest::qFail(qPrintable(QStringLiteral("%1 %2").arg(QLatin1String(what),
                                                                    QLatin1String(why))),
                             __FILE__, __LINE__);
        }
    };
    std::unique_ptr<State> m_state;
};

/// Runs f on the next widget of type T that current() returns, once it is open (within
/// timeoutMs). Polls every 50 ms: modal dialogs and menus open inside a click and block it until
/// they close.
template <typename T, typename F>
OpenWatch whenOpen(QWidget* (*current)(), F f, int timeoutMs = kOpenTimeoutMs)
{
    return OpenWatch(
        current,
        [f](QWidget* widget) {
            auto* typed = qobject_cast<T*>(widget);
            if (!typed)
                return false;
            f(typed);
            return true;
        },
        T::staticMetaObject.className(), timeoutMs);
}

/// f on the next modal dialog of type T (QMessageBox, QFileDialog, QInputDialog, ...).
template <typename T, typename F> OpenWatch onModal(F f)
{
    return whenOpen<T>(&QApplication::activeModalWidget, f);
}

/// f on the next popup of type T (a context menu).
template <typename T, typename F> OpenWatch onPopup(F f)
{
    return whenOpen<T>(&QApplication::activePopupWidget, f);
}

} // namespace tleg::testing
