// SPDX-License-Identifier: GPL-3.0-or-later
#include "sync.h"

#include "applocale.h"
#include "autosender.h"
#include "backend.h"
#include "retrypolicy.h"
#include "store.h"
#include "syncclient.h"

#include <QPointer>
#include <QUrl>

namespace survey::app {

Sync::Sync(Backend *backend)
    : QObject(backend)
    , m_backend(backend)
{}

Sync::~Sync()
{
    shutdown();
}

Sync *Sync::create(QQmlEngine *, QJSEngine *)
{
    Sync *sync = Backend::instance()->sending();
    QJSEngine::setObjectOwnership(sync, QJSEngine::CppOwnership);
    return sync;
}

void Sync::shutdown()
{
    // The sync objects belong to the worker thread: deleted there, before it stops.
    stop();
    if (auto *network = std::exchange(m_network, nullptr))
        m_backend->worker().post([network](store::Store *) { delete network; });
}

void Sync::setStatus(const QString &text)
{
    m_status = text;
    Q_EMIT statusChanged();
}

void Sync::setAutoSendMode(const QString &name)
{
    auto *sender = m_autoSender;
    m_backend->worker().post([sender, name](store::Store *s) {
        if (sender)
            sender->setMode(sync::AutoSender::modeFromName(name));
        else if (s)
            s->setSetting(Preferences::kAutoSendKey, name, nullptr);
    });
}

void Sync::prepare(std::function<void()> then)
{
    if (m_backend->account()->serverUrl().isEmpty()) {
        then();
        return;
    }
    const sync::ServerAccount account{QUrl(m_backend->account()->serverUrl()),
                                      m_backend->account()->userName(),
                                      m_backend->account()->password()};
    stop(); // the old client goes first (the worker runs jobs in order)
    QPointer<Sync> self(this);
    QObject *context = m_backend->worker().context();
    m_backend->worker().post([self, this, account, context,
                              then = std::move(then)](store::Store *s) {
        if (!s)
            return;
        auto *client = new sync::SyncClient(*s, account, context);
        if (!m_network)
            m_network = new sync::SystemNetworkState(context);
        auto *sender = new sync::AutoSender(*client, *s, *m_network, context);
        // Signals cross to the GUI thread queued.
        connect(client, &sync::SyncClient::progress, this,
                [self, this](int done, int total, qint64 bytes, qint64 bytesTotal) {
                    if (!self)
                        return;
                    m_progress = bytesTotal > 0 ? qreal(bytes) / qreal(bytesTotal)
                                                : (total > 0 ? qreal(done) / total : 0);
                    Q_EMIT progressChanged();
                    setStatus(tr("Sending %1 of %2…").arg(std::min(done + 1, total)).arg(total));
                });
        connect(
            client, &sync::SyncClient::pullProgress, this,
            [self, this](int done, int total, qint64 bytes, qint64 bytesTotal) {
                if (!self)
                    return;
                m_progress = total > 0 ? qreal(done) / total : 0;
                Q_EMIT progressChanged();
                const QLocale locale = appLocale(m_backend->preferences()->language());
                setStatus(
                    bytesTotal > 0
                        ? tr("Downloading submissions to review: %1 of %2 (%3 of %4)")
                              .arg(done)
                              .arg(total)
                              .arg(locale.formattedDataSize(bytes),
                                   locale.formattedDataSize(bytesTotal))
                        : tr("Downloading submissions to review: %1 of %2").arg(done).arg(total));
            });
        connect(client, &sync::SyncClient::finished, this,
                [self, this](const sync::SyncSummary &summary) {
                    if (!self)
                        return;
                    m_syncing = false;
                    Q_EMIT syncingChanged();
                    //: Between the parts of the sending summary ("1 sent, 2 not sent")
                    const QString comma = tr(", ");
                    QString text = tr("%n sent", nullptr, summary.sent);
                    if (summary.failed > 0)
                        text += comma + tr("%n not sent", nullptr, summary.failed);
                    if (summary.returned > 0)
                        text += comma + tr("%n returned for correction", nullptr, summary.returned);
                    if (summary.pulled > 0)
                        text += comma + tr("%n to review", nullptr, summary.pulled);
                    if (summary.pullFailed > 0)
                        text += comma + tr("%n not downloaded (tried again next time)", nullptr,
                                           summary.pullFailed);
                    if (summary.conflicts > 0)
                        text += comma + tr("%n decision(s) refused: the submission changed",
                                           nullptr, summary.conflicts);
                    if (!summary.pullProblem.isEmpty())
                        text += QLatin1Char('\n') + summary.pullProblem;
                    if (summary.signInFailed)
                        text = tr("The server refused the user name or password.");
                    setStatus(text);
                    m_backend->refresh();
                    if (summary.signInFailed)
                        m_backend->account()->refusedByServer();
                });
        connect(sender, &sync::AutoSender::started, this, [self, this] {
            if (!self)
                return;
            m_syncing = true;
            Q_EMIT syncingChanged();
        });
        connect(m_backend, &Backend::recordQueued, sender, &sync::AutoSender::recordQueued);
        onThreadOf(this, [self, this, client, sender, then] {
            if (!self)
                return;
            m_client = client;
            m_autoSender = sender;
            then();
        });
    });
}

void Sync::sync()
{
    if (m_backend->account()->serverUrl().isEmpty()) {
        Q_EMIT m_backend->notice(
            tr("No server is set up: sign in to a server in Settings to send."));
        return;
    }
    if (m_backend->account()->password().isEmpty()) {
        // Nothing to sign in with (the keystore could not give it): ask, then send.
        m_backend->account()->askBeforeSending();
        return;
    }
    if (!m_client) {
        prepare([this] { sync(); });
        return;
    }
    m_syncing = true;
    m_progress = 0;
    Q_EMIT syncingChanged();
    Q_EMIT progressChanged();
    setStatus(tr("Connecting…"));
    auto *client = m_client;
    // A reviewer's Send / receive also brings the team's submissions.
    const bool reviewing = m_backend->account()->reviewer();
    m_backend->worker().post([client, reviewing](store::Store *) {
        client->setReviewing(reviewing);
        client->syncAll();
    });
}

void Sync::cancel()
{
    auto *client = m_client;
    m_backend->worker().post([client](store::Store *) {
        if (client)
            client->cancel();
    });
}

void Sync::stop()
{
    auto *client = std::exchange(m_client, nullptr);
    auto *sender = std::exchange(m_autoSender, nullptr);
    if (client || sender)
        m_backend->worker().post([client, sender](store::Store *) {
            delete sender;
            delete client;
        });
}

void Sync::loadLog()
{
    QPointer<Sync> self(this);
    m_backend->worker().post([self, this](store::Store *s) {
        if (!s)
            return;
        const auto entries = s->syncLog(500, QString(), nullptr);
        onThreadOf(this, [self, this, entries] {
            if (!self)
                return;
            // Put into words here, in the language of the moment.
            QVariantList out;
            for (const auto &entry : entries)
                out.append(QVariantMap{{QStringLiteral("at"), entry.at.toLocalTime()},
                                       {QStringLiteral("instanceId"), entry.instanceId},
                                       {QStringLiteral("outcome"), entry.outcome},
                                       {QStringLiteral("text"), sync::logText(entry)},
                                       {QStringLiteral("name"), entry.instanceName},
                                       {QStringLiteral("formTitle"), entry.formTitle},
                                       {QStringLiteral("correction"), entry.correction}});
            m_log = out;
            Q_EMIT logChanged();
        });
    });
}

} // namespace survey::app
