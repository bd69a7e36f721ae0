// SPDX-License-Identifier: GPL-3.0-or-later
// survey-sync's administration commands, run as the real binary on a temporary database.
#include "testutil.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <memory>

class TestServerAdmin : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void initOnce();
    void users();
    void publishing();
    void newerDatabaseIsRefused();
    void missingDatabase();

private:
    testutil::Run sync(const QStringList &args, const QByteArray &stdinText = {})
    {
        return testutil::runProgram(QStringLiteral(SURVEY_SYNC), args, stdinText);
    }
    QString db() const
    {
        return QStringLiteral("sqlite:") + m_dir->filePath(QStringLiteral("data/s.db"));
    }
    QVariant scalar(const QString &sql)
    {
        QSqlDatabase c =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("inspect"));
        c.setDatabaseName(m_dir->filePath(QStringLiteral("data/s.db")));
        QVariant v;
        if (c.open()) {
            QSqlQuery q(c);
            if (q.exec(sql) && q.next())
                v = q.value(0);
        }
        c.close();
        c = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("inspect"));
        return v;
    }
    /// A new database with its first admin, alice.
    bool initialized()
    {
        const auto r = sync({QStringLiteral("init"), QStringLiteral("--db"), db(),
                             QStringLiteral("--admin"), QStringLiteral("alice")},
                            "alice-password-1\n");
        if (r.exitCode != 0)
            qWarning("survey-sync init: %s", r.err.constData());
        return r.exitCode == 0;
    }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestServerAdmin::init()
{
    // A database of its own for each test function.
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestServerAdmin::initOnce()
{
    auto r = sync({QStringLiteral("init"), QStringLiteral("--db"), db(), QStringLiteral("--admin"),
                   QStringLiteral("alice")},
                  "alice-password-1\n");
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.out.contains("project 1"));
    // Stored as Argon2id, never in clear.
    const QString hash =
        scalar(QStringLiteral("SELECT password_hash FROM users WHERE name = 'alice'")).toString();
    QVERIFY2(hash.startsWith(QStringLiteral("$argon2id$")), qPrintable(hash));
    r = sync({QStringLiteral("init"), QStringLiteral("--db"), db(), QStringLiteral("--admin"),
              QStringLiteral("mallory")},
             "another-password\n");
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("already set up"));
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM users")).toInt(), 1);
}

void TestServerAdmin::users()
{
    QVERIFY(initialized());
    auto add = [&](const QStringList &extra, const QByteArray &password) {
        return sync(QStringList{QStringLiteral("user"), QStringLiteral("add"),
                                QStringLiteral("--db"), db()} +
                        extra,
                    password + '\n');
    };
    QCOMPARE(add({QStringLiteral("bob"), QStringLiteral("--role"), QStringLiteral("supervisor")},
                 "bob-password-1")
                 .exitCode,
             0);
    QCOMPARE(add({QStringLiteral("carol"), QStringLiteral("--role"), QStringLiteral("enumerator"),
                  QStringLiteral("--supervisor"), QStringLiteral("bob")},
                 "carol-password")
                 .exitCode,
             0);
    auto r = add({QStringLiteral("dan"), QStringLiteral("--role"), QStringLiteral("enumerator")},
                 "short");
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("10 characters"));
    r = add({QStringLiteral("erin"), QStringLiteral("--role"), QStringLiteral("enumerator"),
             QStringLiteral("--supervisor"), QStringLiteral("carol")},
            "erin-password");
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("no supervisor named 'carol'"));
    r = add({QStringLiteral("bob"), QStringLiteral("--role"), QStringLiteral("enumerator")},
            "bob-password-2");
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("already exists"));
    r = add({QStringLiteral("fay"), QStringLiteral("--role"), QStringLiteral("boss")},
            "fay-password-1");
    QCOMPARE(r.exitCode, 1);
    r = add({QStringLiteral("gus"), QStringLiteral("--role"), QStringLiteral("enumerator"),
             QStringLiteral("--project"), QStringLiteral("7")},
            "gus-password-1");
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("no project 7"));
    QCOMPARE(sync({QStringLiteral("user"), QStringLiteral("disable"), QStringLiteral("--db"), db(),
                   QStringLiteral("carol")})
                 .exitCode,
             0);
    QCOMPARE(sync({QStringLiteral("user"), QStringLiteral("disable"), QStringLiteral("--db"), db(),
                   QStringLiteral("nobody")})
                 .exitCode,
             1);
    r = sync({QStringLiteral("user"), QStringLiteral("list"), QStringLiteral("--db"), db()});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(QString::fromUtf8(r.out), QStringLiteral("alice\tadmin\t1\t-\tactive\n"
                                                      "bob\tsupervisor\t1\t-\tactive\n"
                                                      "carol\tenumerator\t1\tbob\tdisabled\n"));
    // Every change is in the audit log.
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM audit_log")).toInt(), 4);
}

void TestServerAdmin::publishing()
{
    QVERIFY(initialized());
    const QString form =
        QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/enterprise_lowcarbon.xml");
    auto r = sync(
        {QStringLiteral("form"), QStringLiteral("publish"), QStringLiteral("--db"), db(), form});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.out.contains("published enterprise_lowcarbon version 2026112801"));
    r = sync(
        {QStringLiteral("form"), QStringLiteral("publish"), QStringLiteral("--db"), db(), form});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("nothing changed"));
    // A changed form under the same version is refused; under a new version it becomes current.
    QByteArray xml = testutil::readFile(form);
    const QString changed = m_dir->filePath(QStringLiteral("changed.xml"));
    {
        QFile f(changed);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(xml).replace("<h:title>", "<h:title>v2 "));
    }
    r = sync(
        {QStringLiteral("form"), QStringLiteral("publish"), QStringLiteral("--db"), db(), changed});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("new version"));
    {
        QFile f(changed);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QByteArray(xml).replace("version=\"2026112801\"", "version=\"2026112802\""));
    }
    r = sync(
        {QStringLiteral("form"), QStringLiteral("publish"), QStringLiteral("--db"), db(), changed});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(
        scalar(QStringLiteral("SELECT v.version FROM forms f JOIN form_versions v ON v.id = "
                              "f.current_version_id WHERE f.xml_form_id = 'enterprise_lowcarbon'"))
            .toString(),
        QStringLiteral("2026112802"));
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM form_versions")).toInt(), 2);
    // A broken form is refused with the engine's own message.
    const QString broken = m_dir->filePath(QStringLiteral("broken.xml"));
    {
        QFile f(broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(xml).replace("count(", "countt("));
    }
    r = sync(
        {QStringLiteral("form"), QStringLiteral("publish"), QStringLiteral("--db"), db(), broken});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(broken.toUtf8() + ":") && r.err.contains("unknown function: countt()"),
             r.err.constData());
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM form_versions")).toInt(), 2);
}

void TestServerAdmin::newerDatabaseIsRefused()
{
    QVERIFY(initialized());
    QSqlDatabase c = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bump"));
    c.setDatabaseName(m_dir->filePath(QStringLiteral("data/s.db")));
    QVERIFY(c.open());
    QVERIFY(QSqlQuery(c).exec(QStringLiteral("UPDATE schema_meta SET version = 99")));
    c.close();
    c = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("bump"));
    const auto r =
        sync({QStringLiteral("user"), QStringLiteral("list"), QStringLiteral("--db"), db()});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("newer than this server"), r.err.constData());
}

void TestServerAdmin::missingDatabase()
{
    const QString path = m_dir->filePath(QStringLiteral("none/x.db"));
    const auto r = sync({QStringLiteral("user"), QStringLiteral("list"), QStringLiteral("--db"),
                         QStringLiteral("sqlite:") + path});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("survey-sync init"));
    QVERIFY(!QFile::exists(path));
}

QTEST_GUILESS_MAIN(TestServerAdmin)
#include "tst_server_admin.moc"
