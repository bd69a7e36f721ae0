// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker.h"

#include "store.h"

#include <QSemaphore>

namespace survey::app {

Worker::Worker()
    : m_context(std::make_unique<QObject>())
{
    m_thread.setObjectName(QStringLiteral("survey-store"));
    m_context->moveToThread(&m_thread);
    m_thread.start();
}

Worker::~Worker()
{
    // The store is closed on its own thread, then the thread ends.
    QSemaphore closed;
    QMetaObject::invokeMethod(
        m_context.get(),
        [this, &closed] {
            m_store.reset();
            closed.release();
        },
        Qt::QueuedConnection);
    closed.acquire();
    m_thread.quit();
    m_thread.wait();
    m_context.reset();
}

void Worker::post(std::function<void(store::Store *)> job)
{
    QMetaObject::invokeMethod(
        m_context.get(), [this, job = std::move(job)] { job(m_store.get()); },
        Qt::QueuedConnection);
}

void Worker::open(const QString &dataDir, std::function<void(bool, QString)> done)
{
    QMetaObject::invokeMethod(
        m_context.get(),
        [this, dataDir, done = std::move(done)] {
            store::StoreError e;
            m_store = store::Store::open(dataDir, &e);
            done(m_store != nullptr, e.message);
        },
        Qt::QueuedConnection);
}

void Worker::drain()
{
    QSemaphore done;
    post([&done](store::Store *) { done.release(); });
    done.acquire();
}

} // namespace survey::app
