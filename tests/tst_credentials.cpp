// SPDX-License-Identifier: GPL-3.0-or-later
// Passwords in the keystore (QtKeychain), run by tests/with-keyring.sh inside a private
// D-Bus session with a throwaway GNOME keyring; and the headless case without one.
#include "credentials.h"
#include "testutil.h"

#include <QSignalSpy>
#include <QTemporaryDir>

using survey::sync::Credentials;

class TestCredentials : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip();
    void cliUsesTheKeystore();
    void withoutKeystore();

private:
    Credentials::Result wait(const std::function<void(Credentials::Done)> &start)
    {
        Credentials::Result out;
        bool done = false;
        QEventLoop loop;
        start([&](const Credentials::Result &r) {
            out = r;
            done = true;
            loop.quit();
        });
        if (!done)
            loop.exec();
        return out;
    }
    const QString m_server = QStringLiteral("http://127.0.0.1:9/v1/projects/1");
};

void TestCredentials::roundTrip()
{
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        QFAIL("run through tests/with-keyring.sh (a session with a keyring)");
    Credentials keystore(QStringLiteral("survey-collector-test"));
    auto r = wait([&](auto done) { keystore.read(m_server, QStringLiteral("enu"), done); });
    QVERIFY(!r.ok);
    QVERIFY(r.notFound);
    r = wait([&](auto done) {
        keystore.write(m_server, QStringLiteral("enu"), QStringLiteral("秘密-password-1"), done);
    });
    QVERIFY2(r.ok, qPrintable(r.error));
    r = wait([&](auto done) { keystore.read(m_server, QStringLiteral("enu"), done); });
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.password, QStringLiteral("秘密-password-1"));
    // Another account, or another server, has its own entry.
    r = wait([&](auto done) { keystore.read(m_server, QStringLiteral("sup"), done); });
    QVERIFY(r.notFound);
    r = wait([&](auto done) {
        keystore.read(QStringLiteral("https://other.example/v1/projects/1"), QStringLiteral("enu"),
                      done);
    });
    QVERIFY(r.notFound);
    r = wait([&](auto done) { keystore.remove(m_server, QStringLiteral("enu"), done); });
    QVERIFY2(r.ok, qPrintable(r.error));
    r = wait([&](auto done) { keystore.read(m_server, QStringLiteral("enu"), done); });
    QVERIFY(r.notFound);
}

void TestCredentials::cliUsesTheKeystore()
{
    // With a saved password, survey-cli sync needs none on its command line: it goes on to
    // the (closed) server and fails there, not for want of a password.
    Credentials keystore;
    auto r = wait([&](auto done) {
        keystore.write(m_server, QStringLiteral("enu"), QStringLiteral("enum-password"), done);
    });
    QVERIFY2(r.ok, qPrintable(r.error));
    QTemporaryDir dir;
    const QStringList args{QStringLiteral("sync"),
                           QStringLiteral("--data"),
                           dir.path(),
                           QStringLiteral("--server"),
                           m_server,
                           QStringLiteral("--user"),
                           QStringLiteral("enu")};
    auto run = testutil::runCli(args);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.out.contains("sent 0, failed 0, returned 0"), run.out.constData());
    QVERIFY2(!run.err.contains("no password"), run.err.constData());
    // Without it: a message saying so.
    wait([&](auto done) { keystore.remove(m_server, QStringLiteral("enu"), done); });
    run = testutil::runCli(args);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("no password"), run.err.constData());
}

void TestCredentials::withoutKeystore()
{
    // A headless machine without a session bus: the message names the other ways.
    QTemporaryDir dir;
    const auto run = testutil::runCli(
        {QStringLiteral("sync"), QStringLiteral("--data"), dir.path(), QStringLiteral("--server"),
         m_server, QStringLiteral("--user"), QStringLiteral("enu")},
        {}, {QStringLiteral("DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("--password-stdin"), run.err.constData());
    QVERIFY2(run.err.contains("SURVEY_PASSWORD"), run.err.constData());
}

QTEST_GUILESS_MAIN(TestCredentials)
#include "tst_credentials.moc"
