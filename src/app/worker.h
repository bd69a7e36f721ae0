// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QThread>

#include <functional>
#include <memory>

namespace survey::store {
class Store;
}

namespace survey::app {

/// The thread where the store and the sync client live, so that SQLite writes and network
/// work never block the GUI. Work is posted as functions; results come back the same way.
class Worker : public QObject
{
    Q_OBJECT
public:
    Worker();
    ~Worker() override;

    /// Runs `job` on the worker thread (in order); it gets the store (null if it failed to
    /// open, with the reason in openError()).
    void post(std::function<void(store::Store *)> job);
    /// Opens the store in `dataDir` on the worker thread.
    void open(const QString &dataDir, std::function<void(bool ok, QString error)> done);
    /// The context object living on the worker thread (for objects created there).
    QObject *context() const { return m_context.get(); }
    /// Waits until every job posted so far has run (for shutdown and tests).
    void drain();

private:
    QThread m_thread;
    std::unique_ptr<QObject> m_context;    ///< lives on m_thread
    std::unique_ptr<store::Store> m_store; ///< used on m_thread only
};

/// Runs `f` on the thread of `context` (queued), e.g. to bring a worker result to the GUI.
template<typename F> void onThreadOf(QObject *context, F &&f)
{
    QMetaObject::invokeMethod(context, std::forward<F>(f), Qt::QueuedConnection);
}

} // namespace survey::app
