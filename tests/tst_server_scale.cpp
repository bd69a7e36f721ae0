// SPDX-License-Identifier: GPL-3.0-or-later
// Several servers, one database: three survey-sync processes on one throwaway PostgreSQL
// cluster (tests/with-postgresql.sh makes it), behind nginx on 127.0.0.1 as a round-robin
// proxy, as a team that outgrew one machine runs them. What one server settles inside itself
// must hold across them: a submission sent to two at once is stored once, two edits of one
// version never both win, nothing written at the same moment is lost, sessions work on all.
#include "probe.h"
#include "testutil.h"

#include <httplib.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <latch>
#include <thread>

using namespace probe;

class TestServerScale : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void sameSubmissionAtOnce();
    void differentXmlAtOnce();
    void twoEditsOfOneVersion();
    void simultaneousWritesAllKept();
    void sessionsAcrossServers();
    void throughTheProxy();

private:
    QString db() const { return qEnvironmentVariable("SURVEY_TEST_DB"); }
    httplib::Client client(int port, const char *user = "enuA",
                           const char *password = "enuA-password") const
    {
        httplib::Client c("127.0.0.1", port);
        c.set_connection_timeout(10);
        c.set_read_timeout(30);
        if (user)
            c.set_basic_auth(user, password);
        return c;
    }
    httplib::Result post(int port, const QByteArray &xml) const
    {
        auto c = client(port);
        return c.Post("/v1/projects/1/submission", {{"X-OpenRosa-Version", "1.0"}},
                      httplib::MultipartFormDataItems{{"xml_submission_file", xml.toStdString(),
                                                       "submission.xml", "text/xml"}});
    }
    /// Runs `work(0)` … `work(n-1)` on their own threads, released at the same moment.
    template<typename F> void atOnce(int n, F work)
    {
        std::latch ready(n + 1);
        std::vector<std::thread> threads;
        for (int i = 0; i < n; ++i)
            threads.emplace_back([&, i] {
                ready.arrive_and_wait();
                work(i);
            });
        ready.arrive_and_wait();
        for (std::thread &t : threads)
            t.join();
    }
    QVariant value(const QString &sql, const QVariantList &binds = {}) const
    {
        QVariant out;
        {
            const QUrl u(db());
            QSqlDatabase c =
                QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("peek"));
            c.setHostName(u.host());
            c.setPort(u.port());
            c.setUserName(u.userName());
            c.setPassword(u.password());
            c.setDatabaseName(u.path().mid(1));
            if (c.open()) {
                QSqlQuery q(c);
                q.prepare(sql);
                for (const QVariant &b : binds)
                    q.addBindValue(b);
                if (q.exec() && q.next())
                    out = q.value(0);
            }
            c.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("peek"));
        return out;
    }
    int count(const QString &sql, const QVariantList &binds = {}) const
    {
        return value(sql, binds).toInt();
    }

    QTemporaryDir m_dir;
    std::array<QProcess, 3> m_servers;
    std::array<int, 3> m_ports{};
    QProcess m_nginx;
    int m_proxy = 0;
};

namespace {

/// A port free at the moment (nginx cannot be told to pick one itself).
int freePort()
{
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    const bool ok = ::bind(s, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0 &&
                    ::getsockname(s, reinterpret_cast<sockaddr *>(&a), &len) == 0;
    ::close(s);
    return ok ? ntohs(a.sin_port) : 0;
}

bool listening(int port)
{
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<quint16>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(s, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0;
    ::close(s);
    return ok;
}

} // namespace

void TestServerScale::initTestCase()
{
    QVERIFY2(db().startsWith(QLatin1String("postgresql://")),
             "run through tests/with-postgresql.sh, which makes the database");
    const QString nginx =
        QStandardPaths::findExecutable(QStringLiteral("nginx"), {QStringLiteral("/usr/sbin")});
    QVERIFY2(!nginx.isEmpty(), "nginx is needed (scripts/deps.sh installs it)");
    QVERIFY(testutil::seedServer(QStringLiteral(SURVEY_SYNC), db(),
                                 {{QStringLiteral("supA"),
                                   QStringLiteral("supervisor"),
                                   QStringLiteral("supA-password"),
                                   {}},
                                  {QStringLiteral("enuA"), QStringLiteral("enumerator"),
                                   QStringLiteral("enuA-password"), QStringLiteral("supA")}},
                                 {QStringLiteral(SURVEY_TEST_DATA "/probe.xml")}));
    for (std::size_t i = 0; i < m_servers.size(); ++i) {
        // Behind the proxy every client is 127.0.0.1: no cap per address here.
        const QUrl base = testutil::startAndReadUrl(
            m_servers[i], QStringLiteral(SURVEY_SYNC),
            {QStringLiteral("serve"), QStringLiteral("--db"), db(), QStringLiteral("--listen"),
             QStringLiteral("127.0.0.1:0"), QStringLiteral("--insecure-http"),
             QStringLiteral("--max-connections-per-address"), QStringLiteral("0")});
        QVERIFY(base.isValid());
        m_ports[i] = base.port();
    }
    // nginx as a round-robin proxy in front of the three, run by the test in its own folder.
    m_proxy = freePort();
    QVERIFY(m_proxy > 0);
    QFile conf(m_dir.filePath(QStringLiteral("nginx.conf")));
    QVERIFY(conf.open(QIODevice::WriteOnly));
    QByteArray servers;
    for (const int port : m_ports)
        servers += "    server 127.0.0.1:" + QByteArray::number(port) + ";\n";
    const QByteArray dir = m_dir.path().toUtf8();
    conf.write(
        (QStringLiteral("%1pid %2/nginx.pid;\nerror_log %2/error.log;\nevents {}\n")
             .arg(::getuid() == 0 ? QStringLiteral("user root;\n") : QString(), m_dir.path()))
            .toUtf8() +
        "http {\n  access_log off;\n  client_body_temp_path " + dir + "/body;\n  proxy_temp_path " +
        dir + "/proxy;\n  fastcgi_temp_path " + dir + "/fcgi;\n  uwsgi_temp_path " + dir +
        "/uwsgi;\n  scgi_temp_path " + dir +
        "/scgi;\n  client_max_body_size 100m;\n  upstream survey {\n" + servers +
        "  }\n  server {\n    listen 127.0.0.1:" + QByteArray::number(m_proxy) +
        ";\n    location / {\n      proxy_pass http://survey;\n"
        "      proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n"
        "      proxy_set_header Host $http_host;\n    }\n  }\n}\n");
    conf.close();
    m_nginx.start(nginx, {QStringLiteral("-e"), m_dir.filePath(QStringLiteral("error.log")),
                          QStringLiteral("-p"), m_dir.path(), QStringLiteral("-c"), conf.fileName(),
                          QStringLiteral("-g"), QStringLiteral("daemon off;")});
    QVERIFY(m_nginx.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(listening(m_proxy) || m_nginx.state() == QProcess::NotRunning, 20000);
    QVERIFY2(m_nginx.state() == QProcess::Running, m_nginx.readAllStandardError().constData());
}

void TestServerScale::cleanupTestCase()
{
    for (QProcess *p : {&m_nginx, &m_servers[0], &m_servers[1], &m_servers[2]}) {
        p->terminate();
        if (!p->waitForFinished(5000)) {
            p->kill();
            p->waitForFinished();
        }
    }
}

void TestServerScale::sameSubmissionAtOnce()
{
    // The same XML to two servers at the same moment, 20 times: 201 from both (a resend is a
    // success), one submission stored each time.
    for (int round = 0; round < 20; ++round) {
        const QString id = newId();
        const QByteArray xml = submission(id, QStringLiteral("round %1").arg(round));
        std::array<int, 2> status{};
        atOnce(2, [&](int i) {
            const auto r = post(m_ports[static_cast<std::size_t>(i)], xml);
            status[static_cast<std::size_t>(i)] = r ? r->status : -1;
        });
        QCOMPARE(status[0], 201);
        QCOMPARE(status[1], 201);
        QCOMPARE(
            count(QStringLiteral("SELECT COUNT(*) FROM submissions WHERE instance_id = ?"), {id}),
            1);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM submission_versions WHERE "
                                      "instance_id = ?"),
                       {id}),
                 1);
    }
}

void TestServerScale::differentXmlAtOnce()
{
    // Two different XMLs under one instanceID at once: one is stored (201), the other is a
    // conflict (409); what is stored is the one that got the 201.
    for (int round = 0; round < 20; ++round) {
        const QString id = newId();
        const std::array<QByteArray, 2> xml{submission(id, QStringLiteral("first")),
                                            submission(id, QStringLiteral("second"))};
        std::array<int, 2> status{};
        atOnce(2, [&](int i) {
            const auto r =
                post(m_ports[static_cast<std::size_t>(i + 1)], xml[static_cast<std::size_t>(i)]);
            status[static_cast<std::size_t>(i)] = r ? r->status : -1;
        });
        std::array<int, 2> sorted = status;
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(sorted[0], 201);
        QCOMPARE(sorted[1], 409);
        const QByteArray stored =
            value(QStringLiteral("SELECT v.xml FROM submissions s JOIN submission_versions v ON "
                                 "v.id = s.current_version_id WHERE s.instance_id = ?"),
                  {id})
                .toByteArray();
        QCOMPARE(stored, xml[status[0] == 201 ? 0 : 1]);
    }
}

void TestServerScale::twoEditsOfOneVersion()
{
    // Two corrections of the same version, sent to two servers at once: one becomes the
    // current version, the other is told it started from an old copy. Neither is lost
    // unseen: the current version is the one answered 201.
    for (int round = 0; round < 10; ++round) {
        const QString original = newId();
        QCOMPARE(post(m_ports[0], submission(original))->status, 201);
        const std::array<QString, 2> edits{newId(), newId()};
        std::array<int, 2> status{};
        atOnce(2, [&](int i) {
            const auto u = static_cast<std::size_t>(i);
            const auto r =
                post(m_ports[u + 1],
                     submission(edits[u], QStringLiteral("fix %1").arg(i), {}, original));
            status[u] = r ? r->status : -1;
        });
        std::array<int, 2> sorted = status;
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(sorted[0], 201);
        QCOMPARE(sorted[1], 409);
        const QString winner = edits[status[0] == 201 ? 0 : 1];
        QCOMPARE(value(QStringLiteral("SELECT v.instance_id FROM submissions s JOIN "
                                      "submission_versions v ON v.id = s.current_version_id "
                                      "WHERE s.instance_id = ?"),
                       {original})
                     .toString(),
                 winner);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM submission_versions v JOIN "
                                      "submissions s ON s.id = v.submission_id WHERE "
                                      "s.instance_id = ?"),
                       {original}),
                 2);
    }
}

void TestServerScale::simultaneousWritesAllKept()
{
    // 30 comments on one submission and 30 settings of one assignment, all at once, spread
    // over the three servers: every comment is kept, every setting answered, one target left.
    const QString id = newId();
    QCOMPARE(post(m_ports[0], submission(id))->status, 201);
    const std::string comments =
        "/v1/projects/1/forms/probe/submissions/" + id.toStdString() + "/comments";
    std::array<int, 30> commentStatus{};
    std::array<int, 30> assignStatus{};
    atOnce(60, [&](int i) {
        auto c = client(m_ports[static_cast<std::size_t>(i % 3)], "supA", "supA-password");
        if (i < 30) {
            const auto r =
                c.Post(comments, QStringLiteral(R"({"body":"note %1"})").arg(i).toStdString(),
                       "application/json");
            commentStatus[static_cast<std::size_t>(i)] = r ? r->status : -1;
        } else {
            const auto r =
                c.Put("/v1/projects/1/forms/probe/assignments/enuA",
                      QStringLiteral(R"({"target":%1})").arg(i).toStdString(), "application/json");
            assignStatus[static_cast<std::size_t>(i - 30)] = r ? r->status : -1;
        }
    });
    for (const int s : commentStatus)
        QCOMPARE(s, 200);
    for (const int s : assignStatus)
        QCOMPARE(s, 200);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM comments c JOIN submissions s ON s.id = "
                                  "c.submission_id WHERE s.instance_id = ?"),
                   {id}),
             30);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM assignments a JOIN users u ON u.id = "
                                  "a.enumerator_id WHERE u.name = 'enuA'")),
             1);
    const int target = count(QStringLiteral(
        "SELECT target FROM assignments a JOIN users u ON u.id = a.enumerator_id WHERE u.name = "
        "'enuA'"));
    QVERIFY(target >= 30 && target < 60);
}

void TestServerScale::sessionsAcrossServers()
{
    // A session begun on one server works on the others; ended on one, it is over on all.
    auto first = client(m_ports[0], nullptr);
    const auto r = first.Post("/v1/sessions", R"({"username":"supA","password":"supA-password"})",
                              "application/json");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const std::string token = QJsonDocument::fromJson(QByteArray::fromStdString(r->body))
                                  .object()
                                  .value(QStringLiteral("token"))
                                  .toString()
                                  .toStdString();
    const httplib::Headers bearer{{"Authorization", "Bearer " + token}};
    for (const int port : m_ports) {
        auto c = client(port, nullptr);
        QCOMPARE(c.Get("/v1/projects/1/forms/probe/submissions", bearer)->status, 200);
    }
    auto last = client(m_ports[2], nullptr);
    QCOMPARE(last.Delete("/v1/sessions/" + token, bearer)->status, 200);
    for (const int port : m_ports) {
        auto c = client(port, nullptr);
        QCOMPARE(c.Get("/v1/projects/1/forms/probe/submissions", bearer)->status, 401);
    }
}

void TestServerScale::throughTheProxy()
{
    // Devices use the proxy's address: the form list points back at it, and 30 submissions
    // through it (spread over the three servers) are all stored once.
    auto c = client(m_proxy);
    auto r = c.Get("/v1/projects/1/formList", {{"X-OpenRosa-Version", "1.0"}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const std::string download =
        "http://127.0.0.1:" + std::to_string(m_proxy) + "/v1/projects/1/forms/probe.xml";
    QVERIFY2(r->body.find("<downloadUrl>" + download + "</downloadUrl>") != std::string::npos,
             r->body.c_str());
    QCOMPARE(c.Get("/v1/projects/1/forms/probe.xml")->status, 200);
    QStringList ids;
    for (int i = 0; i < 30; ++i)
        ids << newId();
    std::array<int, 30> status{};
    atOnce(30, [&](int i) {
        const auto res = post(m_proxy, submission(ids[i]));
        status[static_cast<std::size_t>(i)] = res ? res->status : -1;
    });
    for (const int s : status)
        QCOMPARE(s, 201);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM submissions WHERE instance_id IN (%1)")
                       .arg(QStringLiteral("'") + ids.join(QStringLiteral("','")) +
                            QStringLiteral("'"))),
             30);
}

QTEST_GUILESS_MAIN(TestServerScale)
#include "tst_server_scale.moc"
