#pragma once
// The one way to run background work that is not a training job (training jobs go to
// JobRunner, which can pause and stop them): reading a dataset, listing runs, analysing a
// checkpoint. The callable runs on a thread pool (QtConcurrent); what it returns, or the message
// of what it threw, comes back by value on the GUI thread, to a callback that lives as long as
// the context object (a QFutureWatcher parented to it).
// Usage:
//   runInBackground(this, [dir] { return workflow::listRuns(dir); },
//                   [this](TaskResult<std::vector<workflow::RunInfo>> r) {
//                       if (r.ok()) show(*r.value); else showError(r.error);
//                   });
//   runInBackground(this, analyse, done, &m_pool); // a pool of one thread: one after another
// The callable must capture values, never the context: it may still run after the context is
// gone (its result is then dropped). A context that must not be outlived keeps the QFuture and,
// in its destructor, cancels it (a task not started yet never runs) and waits for it.
#include "widgets/text_format.h"

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace tleg::gui {

/// What a background callable gave: its value, or the message of the exception it threw.
template <typename T> struct TaskResult {
    std::optional<T> value;
    QString error;
    bool ok() const { return value.has_value(); }
};

/// Runs work() on pool and calls done(TaskResult<decltype(work())>) on context's thread when it
/// has ended, unless context is destroyed first.
template <typename Work, typename Done>
QFuture<TaskResult<std::invoke_result_t<Work>>>
runInBackground(QObject* context, Work work, Done done,
                QThreadPool* pool = QThreadPool::globalInstance())
{
    using Result = TaskResult<std::invoke_result_t<Work>>;
    QFuture<Result> future = QtConcurrent::run(pool, [work = std::move(work)] {
        Result r;
        try {
            r.value.emplace(work());
        } catch (const std::exception& e) { // tleg::Error, LibTorch's, OpenCV's, bad_alloc
            r.error = errorText(e);
        }
        return r;
    });
    auto* watcher = new QFutureWatcher<Result>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, done = std::move(done)] {
                         watcher->deleteLater();
                         if (!watcher->isCanceled())
                             done(watcher->result());
                     });
    watcher->setFuture(future);
    return future;
}

} // namespace tleg::gui
