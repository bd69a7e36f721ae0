// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFile>
#include <QProcess>
#include <QString>
#include <QTest>
#include <QUrl>

namespace testutil {

inline QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
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

/// Runs survey-cli.
inline Run runCli(const QStringList &args, const QByteArray &input = {},
                  const QStringList &extraEnv = {})
{
    return runProgram(QStringLiteral(SURVEY_CLI), args, input, extraEnv);
}

} // namespace testutil
