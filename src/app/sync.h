// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QVariantList>

#include <functional>

namespace survey::sync {
class SyncClient;
class AutoSender;
class SystemNetworkState;
} // namespace survey::sync

namespace survey::app {

class Backend;

/// Sending and receiving (QML's Sync singleton): the sync client and the automatic sender
/// on the worker thread, what a run is doing now, and the sync log in the current
/// language. Nothing here waits: the worker's answers update it.
class Sync : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(bool syncing READ syncing NOTIFY syncingChanged)
    Q_PROPERTY(qreal progress READ progress NOTIFY progressChanged)
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    /// The log, newest first: [{at, instanceId, outcome, text, name, formTitle,
    /// correction}]; `name` is the record's as it is called now (a correction's entries and
    /// its original's alike). loadLog() reads it again.
    Q_PROPERTY(QVariantList logEntries READ logEntries NOTIFY logChanged)

public:
    explicit Sync(Backend *backend);
    ~Sync() override;
    /// The backend's (QML's singleton).
    static Sync *create(QQmlEngine *, QJSEngine *);

    bool syncing() const { return m_syncing; }
    qreal progress() const { return m_progress; }
    QString status() const { return m_status; }
    QVariantList logEntries() const { return m_log; }

    /// Pull forms, send what is ready, pull returned records (asks for the password first
    /// when there is none).
    Q_INVOKABLE void sync();
    Q_INVOKABLE void cancel();
    /// Reads the log again, in the current language.
    Q_INVOKABLE void loadLog();

    /// Makes the sync client and automatic sender for the account as it is now, then
    /// `then` (on the GUI thread).
    void prepare(std::function<void()> then);
    /// The client and sender go (signed out: nothing is sent any more).
    void stop();
    /// The automatic sending mode ("off", "wifi", "any"), kept in the store.
    void setAutoSendMode(const QString &name);
    /// Before the worker stops: its objects are deleted there.
    void shutdown();

Q_SIGNALS:
    void syncingChanged();
    void progressChanged();
    void statusChanged();
    void logChanged();

private:
    void setStatus(const QString &text);

    Backend *m_backend;
    bool m_syncing = false;
    qreal m_progress = 0;
    QString m_status;
    QVariantList m_log;
    // Worker-thread objects (created, used and deleted there).
    sync::SyncClient *m_client = nullptr;
    sync::AutoSender *m_autoSender = nullptr;
    sync::SystemNetworkState *m_network = nullptr;
};

} // namespace survey::app
