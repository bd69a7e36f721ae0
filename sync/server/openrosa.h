// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "database.h"

#include <QCoreApplication>
#include <QString>

#include <memory>

namespace survey::server {

/// The HTTP side of survey-sync: OpenRosa form list, form and media download, and
/// submission intake, on ODK Central's paths. Connections are held by a front (HttpFront)
/// that hands complete requests to a few workers, each with its own database connection;
/// nothing about a user is kept in memory between requests except a short-lived cache of
/// verified passwords.
class OpenRosaServer
{
    Q_DECLARE_TR_FUNCTIONS(OpenRosaServer)
public:
    struct Options
    {
        DatabaseUrl database;
        QString host = QStringLiteral("127.0.0.1");
        int port = 8080; ///< 0: any free port
        qint64 maxBodyBytes = 100'000'000;
        /// Where the server's working files go (export temporaries, form media being
        /// loaded); empty: the system's temporary folder.
        QString dataDir;
        int timeoutSeconds = 30;   ///< a client silent this long while sending or reading is cut
        int maxPerAddress = 64;    ///< connections from one client address (0: no limit)
        bool insecureHttp = false; ///< HTTP Basic over plain HTTP (loopback, tests)
        QString tlsCert;           ///< PEM certificate (chain) file: serve HTTPS when set
        QString tlsKey;            ///< PEM private key file for tlsCert
        int workers = 8;           ///< requests served at once
    };

    explicit OpenRosaServer(Options options);
    ~OpenRosaServer();

    /// Loads the TLS certificate when one is given, then binds; returns the port (or -1
    /// with `error`).
    int bind(QString *error);
    /// Serves until stop() (blocking).
    bool listen();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace survey::server
