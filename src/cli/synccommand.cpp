// SPDX-License-Identifier: GPL-3.0-or-later
// survey-cli sync: pull forms, push finalized records, pull returned ones.
#include "commands.h"

#include "credentials.h"
#include "store.h"
#include "syncclient.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>
#include <iostream>
#include <string>

namespace survey::cli {

namespace {

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(SyncCommand)
};

} // namespace

std::optional<QString> readPassword(const QUrl &base, const QString &user, bool passwordStdin,
                                    int *exitCode)
{
    // The password: the first line of standard input, else SURVEY_PASSWORD (for scripts
    // that keep it in their environment), else the keystore (saved there by the app).
    QString password;
    if (passwordStdin) {
        std::string line;
        std::getline(std::cin, line);
        password = QString::fromStdString(line);
        if (password.endsWith(QLatin1Char('\r')))
            password.chop(1);
    } else {
        password = qEnvironmentVariable("SURVEY_PASSWORD");
    }
    const bool keyAddress = base.path().startsWith(QLatin1String("/v1/key/"));
    if (password.isEmpty() && !keyAddress && !passwordStdin) {
        sync::Credentials keystore;
        sync::Credentials::Result found;
        bool answered = false;
        keystore.read(base.toString(QUrl::RemoveUserInfo), user,
                      [&](const sync::Credentials::Result &r) {
                          found = r;
                          answered = true;
                          QCoreApplication::exit(0);
                      });
        if (!answered)
            QCoreApplication::exec();
        if (!found.ok) {
            writeErr(found.unavailable ? Tr::tr("error: no password: %1 Give it each time with "
                                                "--password-stdin, or in SURVEY_PASSWORD.\n")
                                             .arg(found.error)
                                       : Tr::tr("error: no password: %1\n").arg(found.error));
            *exitCode = 1;
            return std::nullopt;
        }
        password = found.password;
    }
    if (password.isEmpty() && !keyAddress) {
        writeErr(Tr::tr("error: no password: give it on standard input with --password-stdin, "
                        "or in SURVEY_PASSWORD\n"));
        *exitCode = 64;
        return std::nullopt;
    }
    return password;
}

int syncCommand(const QStringList &args)
{
    const QString usageText =
        QStringLiteral("survey-cli sync --data DIR --server URL --user NAME [--password-stdin]");
    QString dataDir;
    QString server;
    QString user;
    bool passwordStdin = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("--data") && i + 1 < args.size())
            dataDir = args[++i];
        else if (a == QLatin1String("--server") && i + 1 < args.size())
            server = args[++i];
        else if (a == QLatin1String("--user") && i + 1 < args.size())
            user = args[++i];
        else if (a == QLatin1String("--password-stdin"))
            passwordStdin = true;
        else {
            writeErr(Tr::tr("usage: %1\n").arg(usageText));
            return 64;
        }
    }
    const QUrl base(server, QUrl::StrictMode);
    if (dataDir.isEmpty() || user.isEmpty() || !base.isValid() ||
        (base.scheme() != QLatin1String("http") && base.scheme() != QLatin1String("https"))) {
        writeErr(Tr::tr("usage: %1\n").arg(usageText));
        return 64;
    }
    int failure = 0;
    const auto password = readPassword(base, user, passwordStdin, &failure);
    if (!password)
        return failure;
    store::StoreError e;
    auto store = store::Store::open(dataDir, &e);
    if (!store) {
        writeErr(Tr::tr("error: %1\n").arg(e.message));
        return 1;
    }
    sync::SyncClient client(*store, {base, user, *password});
    QObject::connect(&client, &sync::SyncClient::recordFailed,
                     [](const QString &id, const QString &message) {
                         writeErr(QStringLiteral("%1: %2\n").arg(id, message));
                     });
    int exitCode = 1;
    QObject::connect(&client, &sync::SyncClient::finished, [&exitCode](const sync::SyncSummary &s) {
        for (const QString &problem : s.problems)
            writeErr(problem + QLatin1Char('\n'));
        // The last line is for scripts: fixed words in every language.
        writeOut(QStringLiteral("sent %1, failed %2, returned %3\n")
                     .arg(s.sent)
                     .arg(s.failed)
                     .arg(s.returned)
                     .toUtf8());
        exitCode = s.failed == 0 && s.problems.isEmpty() && !s.signInFailed && !s.cancelled ? 0 : 1;
        QCoreApplication::exit(exitCode);
    });
    client.syncAll();
    if (client.isRunning())
        QCoreApplication::exec();
    std::fflush(stdout);
    return exitCode;
}

} // namespace survey::cli
