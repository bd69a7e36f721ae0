// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QTest>
#include <QUrl>

#include <vector>

namespace testutil {

inline QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

/// Runs a program and waits for it (no sleeping: QProcess signals completion).
inline Run runProgram(const QString &program, const QStringList &args, const QByteArray &input = {},
                      const QStringList &extraEnv = {})
{
    QProcess p;
    if (!extraEnv.isEmpty()) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &kv : extraEnv)
            env.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
        p.setProcessEnvironment(env);
    }
    p.start(program, args);
    if (!p.waitForStarted())
        qFatal("cannot start %s", qPrintable(program));
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(300000);
    Run r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

/// Starts a server program (survey-sync serve …) and waits for the first line it prints
/// once it listens: its address. Invalid when it does not start (its stderr is shown).
inline QUrl startAndReadUrl(QProcess &process, const QString &program, const QStringList &args)
{
    process.start(program, args);
    if (!process.waitForStarted())
        return {};
    while (!process.canReadLine()) {
        if (!process.waitForReadyRead(20000)) {
            qWarning("%s", process.readAllStandardError().constData());
            return {};
        }
    }
    return QUrl(QString::fromUtf8(process.readLine().trimmed()));
}

/// A user seedServer() adds: name, role, password, and an enumerator's supervisor.
struct ServerUser
{
    QString name;
    QString role;
    QString password;
    QString supervisor;
};

/// A new survey-sync database at `db` (admin "admin", password "admin-password") with
/// `users` added in order and `forms` published; false when a step fails (its stderr shown).
inline bool seedServer(const QString &syncProgram, const QString &db,
                       const std::vector<ServerUser> &users, const QStringList &forms = {})
{
    const auto step = [&](const QStringList &args, const QByteArray &input = {}) {
        const Run r = runProgram(syncProgram, args, input);
        if (r.exitCode != 0)
            qWarning("survey-sync %s: %s", qPrintable(args.join(QLatin1Char(' '))),
                     r.err.constData());
        return r.exitCode == 0;
    };
    if (!step({QStringLiteral("init"), QStringLiteral("--db"), db, QStringLiteral("--admin"),
               QStringLiteral("admin")},
              "admin-password\n"))
        return false;
    for (const ServerUser &u : users) {
        QStringList args{QStringLiteral("user"),
                         QStringLiteral("add"),
                         QStringLiteral("--db"),
                         db,
                         u.name,
                         QStringLiteral("--role"),
                         u.role};
        if (!u.supervisor.isEmpty())
            args << QStringLiteral("--supervisor") << u.supervisor;
        if (!step(args, u.password.toUtf8() + '\n'))
            return false;
    }
    for (const QString &form : forms) {
        if (!step({QStringLiteral("form"), QStringLiteral("publish"), QStringLiteral("--db"), db,
                   form}))
            return false;
    }
    return true;
}

/// The first column of the first row `sql` gives in the SQLite database `file` (-1 when it
/// cannot be read): for looking at what a server stored.
inline int sqliteCount(const QString &file, const QString &sql)
{
    int n = -1;
    {
        QSqlDatabase c =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("testutil-peek"));
        c.setDatabaseName(file);
        if (c.open()) {
            QSqlQuery q(c);
            if (q.exec(sql) && q.next())
                n = q.value(0).toInt();
        }
        c.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("testutil-peek"));
    return n;
}

/// Runs survey-cli.
inline Run runCli(const QStringList &args, const QByteArray &input = {},
                  const QStringList &extraEnv = {})
{
    return runProgram(QStringLiteral(SURVEY_CLI), args, input, extraEnv);
}

} // namespace testutil
