// SPDX-License-Identifier: GPL-3.0-or-later
// A TCP proxy for tests and the campaign simulation: between a client and survey-sync,
// it passes, drops, stalls or cuts connections, or answers for the server, as told.
#pragma once

#include <QByteArrayList>
#include <QRegularExpression>
#include <QStringList>
#include <QTcpServer>
#include <QTcpSocket>

#include <functional>
#include <memory>

/// A TCP proxy between the client and the server that misbehaves on purpose: each new
/// connection gets a fault chosen by `choose`.
class FaultProxy : public QObject
{
    Q_OBJECT
public:
    enum class Fault {
        Pass,
        Drop,
        Stall,
        Cut,
        Error500,
        Error502,
        LoginPage,
        Unauthorized,
        Forbidden
    };

    explicit FaultProxy(quint16 upstream)
        : m_upstream(upstream)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &FaultProxy::accept);
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    void setUpstream(quint16 port) { m_upstream = port; }

    std::function<Fault()> choose = [] { return Fault::Pass; };
    /// Relayed requests per connection: the next one finds the connection closed, as when
    /// a server or proxy ends a kept connection (0: no limit). Keeps connections coming, so
    /// that `choose` has connections to spoil.
    int requestsPerConnection = 0;
    QStringList requests; ///< "GET /v1/…" of every request that went through
    QByteArrayList heads; ///< the first bytes (request line and headers) of each
    int faults = 0;

private:
    void accept()
    {
        while (QTcpSocket *client = m_server.nextPendingConnection()) {
            client->setParent(this);
            const Fault fault = choose();
            if (fault != Fault::Pass)
                ++faults;
            switch (fault) {
            case Fault::Drop:
                client->abort();
                client->deleteLater();
                break;
            case Fault::Stall: // read everything, answer nothing: the client's timeout ends it
                connect(client, &QTcpSocket::readyRead, client, [client] { client->readAll(); });
                break;
            case Fault::Error500:
            case Fault::Error502:
            case Fault::LoginPage:
            case Fault::Unauthorized:
            case Fault::Forbidden: {
                // A server's refusal in its own words, as ODK Central gives them.
                const auto refusal = [](const char *status, const QByteArray &words) {
                    const QByteArray body = "<OpenRosaResponse xmlns=\"http://openrosa.org/http/"
                                            "response\"><message nature=\"error\">" +
                                            words + "</message></OpenRosaResponse>";
                    return QByteArray("HTTP/1.1 ") + status +
                           "\r\nContent-Type: text/xml\r\nContent-Length: " +
                           QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
                };
                const QByteArray answer =
                    fault == Fault::LoginPage
                        ? QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                     "Content-Length: 48\r\nConnection: close\r\n\r\n"
                                     "<html><body>Wi-Fi login: accept</body></html>\n\n\n")
                    : fault == Fault::Unauthorized
                        ? refusal("401 Unauthorized",
                                  "This authentication method is only available over HTTPS")
                    : fault == Fault::Forbidden
                        ? refusal("403 Forbidden", "The authenticated actor does not have rights")
                        : QByteArray("HTTP/1.1 ") +
                              (fault == Fault::Error500 ? "500 Internal Server Error"
                                                        : "502 Bad Gateway") +
                              "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                auto buffer = std::make_shared<QByteArray>();
                connect(client, &QTcpSocket::readyRead, client, [this, client, buffer, answer] {
                    *buffer += client->readAll();
                    if (buffer->contains("\r\n\r\n") && !buffer->isEmpty()) {
                        static const QRegularExpression line(
                            QStringLiteral("^(GET|HEAD|POST|PUT|PATCH|DELETE) (\\S+) HTTP"));
                        const auto m = line.match(QString::fromLatin1(buffer->left(2048)));
                        if (m.hasMatch())
                            requests << m.captured(1) + QLatin1Char(' ') + m.captured(2);
                        buffer->clear();
                        client->write(answer);
                        client->disconnectFromHost();
                    }
                });
                break;
            }
            case Fault::Pass:
            case Fault::Cut:
                relay(client, fault == Fault::Cut);
                break;
            }
        }
    }

    void relay(QTcpSocket *client, bool cut)
    {
        auto *server = new QTcpSocket(client);
        server->connectToHost(QHostAddress::LocalHost, m_upstream);
        auto pending = std::make_shared<QByteArray>();
        connect(server, &QTcpSocket::connected, client, [server, pending] {
            server->write(*pending);
            pending->clear();
        });
        auto relayedRequests = std::make_shared<int>(0);
        connect(client, &QTcpSocket::readyRead, server,
                [this, client, server, pending, relayedRequests] {
                    const QByteArray data = client->readAll();
                    static const QRegularExpression line(QStringLiteral(
                        "^(GET|HEAD|POST|PUT|PATCH|DELETE) (\\S+) HTTP/1\\.1\\r\\n"));
                    const auto m = line.match(QString::fromLatin1(data.left(2048)));
                    if (m.hasMatch() && requestsPerConnection > 0 &&
                        ++*relayedRequests > requestsPerConnection) {
                        server->abort();
                        client->abort();
                        return;
                    }
                    if (m.hasMatch()) {
                        requests << m.captured(1) + QLatin1Char(' ') + m.captured(2);
                        heads << data.left(data.indexOf("\r\n\r\n"));
                    }
                    if (server->state() == QAbstractSocket::ConnectedState)
                        server->write(data);
                    else
                        *pending += data;
                });
        // Cut: the server gets the whole request and answers, but the answer is lost
        // after a few bytes: the client cannot know whether its record arrived.
        auto relayed = std::make_shared<qint64>(0);
        connect(server, &QTcpSocket::readyRead, client, [client, server, cut, relayed] {
            const QByteArray data = server->readAll();
            if (cut && *relayed + data.size() > 12) {
                client->write(data.left(std::max<qint64>(0, 12 - *relayed)));
                client->flush();
                client->abort();
                return;
            }
            *relayed += data.size();
            client->write(data);
        });
        connect(server, &QTcpSocket::disconnected, client,
                [client] { client->disconnectFromHost(); });
        connect(server, &QTcpSocket::errorOccurred, client, [client] { client->abort(); });
        connect(client, &QTcpSocket::disconnected, server,
                [server] { server->disconnectFromHost(); });
    }

    QTcpServer m_server;
    quint16 m_upstream;
};
