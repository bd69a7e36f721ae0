// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QTimer>

#include <chrono>
#include <memory>

namespace survey::store {
class Store;
}

namespace survey::sync {

class SyncClient;

/// What the device knows about its connection. The real one follows QNetworkInformation;
/// tests give their own.
class NetworkState : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual bool online() const = 0;
    /// Wi-Fi or a wire: not a metered mobile connection.
    virtual bool unmetered() const = 0;

Q_SIGNALS:
    void changed();
};

/// NetworkState from QNetworkInformation (NetworkManager on Linux, the OS elsewhere). Where
/// no backend is available it says "online, unmetered" and sending is driven by the timer
/// alone; a failed attempt then costs one request.
class SystemNetworkState : public NetworkState
{
    Q_OBJECT
public:
    explicit SystemNetworkState(QObject *parent = nullptr);
    bool online() const override;
    bool unmetered() const override;
    bool hasBackend() const { return m_backend; }

private:
    bool m_backend = false;
};

/// Sends finalized records without being asked: when the connection returns, when a record
/// is finalized, and on a timer while records wait. The setting (stored as "autoSend":
/// "off", "wifi", "any") says when; records whose retry time has not come wait for it.
class AutoSender : public QObject
{
    Q_OBJECT
public:
    enum class Mode { Off, WifiOnly, AnyNetwork };
    Q_ENUM(Mode)

    AutoSender(SyncClient &client, store::Store &store, NetworkState &network,
               QObject *parent = nullptr);

    Mode mode() const { return m_mode; }
    void setMode(Mode mode); ///< also saved in the store's settings
    static QString modeName(Mode mode);
    static Mode modeFromName(const QString &name);
    /// How often to look again while records wait (default 5 minutes).
    void setInterval(std::chrono::milliseconds interval);
    /// A record was just finalized: send soon if allowed.
    void recordQueued();
    /// Whether sending is allowed now (mode and connection).
    bool allowed() const;

Q_SIGNALS:
    /// An automatic send started (for the UI's "sending…" and for tests).
    void started();

private:
    void consider();

    SyncClient &m_client;
    store::Store &m_store;
    NetworkState &m_network;
    Mode m_mode = Mode::Off;
    QTimer m_timer;
};

} // namespace survey::sync
