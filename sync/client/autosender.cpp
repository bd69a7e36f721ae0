// SPDX-License-Identifier: GPL-3.0-or-later
#include "autosender.h"

#include "store.h"
#include "syncclient.h"

#include <QNetworkInformation>

namespace survey::sync {

SystemNetworkState::SystemNetworkState(QObject *parent)
    : NetworkState(parent)
{
    m_backend = QNetworkInformation::load(QNetworkInformation::Feature::Reachability);
    if (!m_backend)
        return;
    QNetworkInformation *info = QNetworkInformation::instance();
    connect(info, &QNetworkInformation::reachabilityChanged, this, &NetworkState::changed);
    connect(info, &QNetworkInformation::transportMediumChanged, this, &NetworkState::changed);
    connect(info, &QNetworkInformation::isMeteredChanged, this, &NetworkState::changed);
}

bool SystemNetworkState::online() const
{
    if (!m_backend)
        return true;
    const auto r = QNetworkInformation::instance()->reachability();
    return r == QNetworkInformation::Reachability::Online ||
           r == QNetworkInformation::Reachability::Unknown;
}

bool SystemNetworkState::unmetered() const
{
    if (!m_backend)
        return true;
    const QNetworkInformation *info = QNetworkInformation::instance();
    if (info->isMetered())
        return false;
    const auto medium = info->transportMedium();
    return medium == QNetworkInformation::TransportMedium::WiFi ||
           medium == QNetworkInformation::TransportMedium::Ethernet ||
           medium == QNetworkInformation::TransportMedium::Unknown;
}

AutoSender::AutoSender(SyncClient &client, store::Store &store, NetworkState &network,
                       QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_store(store)
    , m_network(network)
{
    m_mode = modeFromName(m_store.setting(QStringLiteral("autoSend"), QStringLiteral("off")));
    m_timer.setInterval(std::chrono::minutes(5));
    connect(&m_timer, &QTimer::timeout, this, &AutoSender::consider);
    // Back online: records that failed for want of a connection are due again at once,
    // whatever their backoff said.
    connect(&m_network, &NetworkState::changed, this, [this] {
        if (m_network.online())
            m_store.retryNow({QStringLiteral("offline"), QStringLiteral("timeout")}, nullptr);
        consider();
    });
    // After a run, the timer goes on only while records are still waiting.
    connect(&m_client, &SyncClient::finished, this, [this] {
        if (m_mode == Mode::Off || m_store.outbox(false, nullptr).empty())
            m_timer.stop();
        else if (!m_timer.isActive())
            m_timer.start();
    });
    if (m_mode != Mode::Off && !m_store.outbox(false, nullptr).empty())
        m_timer.start();
}

QString AutoSender::modeName(Mode mode)
{
    switch (mode) {
    case Mode::Off:
        return QStringLiteral("off");
    case Mode::WifiOnly:
        return QStringLiteral("wifi");
    case Mode::AnyNetwork:
        return QStringLiteral("any");
    }
    return QStringLiteral("off");
}

AutoSender::Mode AutoSender::modeFromName(const QString &name)
{
    if (name == QLatin1String("wifi"))
        return Mode::WifiOnly;
    if (name == QLatin1String("any"))
        return Mode::AnyNetwork;
    return Mode::Off;
}

void AutoSender::setMode(Mode mode)
{
    m_mode = mode;
    m_store.setSetting(QStringLiteral("autoSend"), modeName(mode), nullptr);
    if (mode == Mode::Off) {
        m_timer.stop();
        return;
    }
    consider();
}

void AutoSender::setInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(interval);
}

void AutoSender::recordQueued()
{
    consider();
}

bool AutoSender::allowed() const
{
    switch (m_mode) {
    case Mode::Off:
        return false;
    case Mode::WifiOnly:
        return m_network.online() && m_network.unmetered();
    case Mode::AnyNetwork:
        return m_network.online();
    }
    return false;
}

void AutoSender::consider()
{
    // The timer ticks while records wait (for a connection, or for their retry time).
    if (m_mode == Mode::Off || m_store.outbox(false, nullptr).empty()) {
        m_timer.stop();
        return;
    }
    if (!m_timer.isActive())
        m_timer.start();
    if (!allowed() || m_client.isRunning())
        return;
    // Only records whose retry time has come: a server that refused a moment ago is not
    // asked again at once.
    if (m_store.outbox(true, nullptr).empty())
        return;
    Q_EMIT started();
    m_client.push(false);
}

} // namespace survey::sync
