// SPDX-License-Identifier: GPL-3.0-or-later
// survey-sync serve, as a real process on 127.0.0.1 (port 0), through a real HTTP client:
// OpenRosa form list, download, preflight and submission rules.
#include "testutil.h"
#include "xlsxwriter.h"

#include <httplib.h>
#include <zip.h>

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUrl>
#include <QUuid>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

class TestServerOpenRosa : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void refusesPlainHttpWithoutFlag();
    void signIn();
    void formListAndDownload();
    void preflight();
    void submissions();
    void badSubmissions();
    void bodyTooLarge();
    void chunkedUploads();
    void reviewLoop();
    void reviewExtension();
    void exportCsv();
    void exportJson();
    void versionsAttachmentsAudits();
    void assignments();
    void currentUser();
    void adminApi();
    void answersWithLabels();
    void formWithCsvMedia();
    void formDraftsAndStates();
    void xlsformUploads();
    void servesTls();
    void concurrentSubmissions();
    void denialMatrix();
    void stalledClientsTimeOut();
    void dataDirUnusable();
    void diskFull();

private:
    testutil::Run sync(const QStringList &args, const QByteArray &stdinText = {})
    {
        return testutil::runProgram(QStringLiteral(SURVEY_SYNC), args, stdinText);
    }
    /// The server's database: SQLite in the temporary folder, or the empty PostgreSQL
    /// database named by SURVEY_TEST_DB (tests/with-postgresql.sh makes one).
    QString db() const
    {
        const QString given = qEnvironmentVariable("SURVEY_TEST_DB");
        return given.isEmpty() ? QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("s.db"))
                               : given;
    }
    httplib::Client client(bool withAuth = true, const char *user = "enu",
                           const char *password = "enum-password")
    {
        httplib::Client c(m_host, m_port);
        c.set_connection_timeout(10);
        c.set_read_timeout(30);
        if (withAuth)
            c.set_basic_auth(user, password);
        return c;
    }
    int count(const QString &sql) { return value(sql).toInt(); }
    QVariant value(const QString &sql)
    {
        const QUrl pg(db());
        const bool sqlite = db().startsWith(QLatin1String("sqlite:"));
        QSqlDatabase c = QSqlDatabase::addDatabase(
            sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"), QStringLiteral("peek"));
        if (sqlite) {
            c.setDatabaseName(db().mid(7));
        } else {
            c.setHostName(pg.host());
            c.setPort(pg.port());
            c.setUserName(pg.userName());
            c.setPassword(pg.password());
            c.setDatabaseName(pg.path().mid(1));
        }
        QVariant n = -1;
        if (c.open()) {
            QSqlQuery q(c);
            if (q.exec(sql) && q.next())
                n = q.value(0);
        }
        c.close();
        c = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("peek"));
        return n;
    }
    httplib::Result post(const QByteArray &xml,
                         const std::vector<std::pair<std::string, std::string>> &files = {},
                         const char *user = "enu", const char *password = "enum-password")
    {
        httplib::MultipartFormDataItems items{
            {"xml_submission_file", xml.toStdString(), "submission.xml", "text/xml"}};
        for (const auto &[name, content] : files)
            items.push_back({name, content, name, "application/octet-stream"});
        auto c = client(true, user, password);
        return c.Post((m_base + "/submission").c_str(), {{"X-OpenRosa-Version", "1.0"}}, items);
    }
    /// Starts `survey-sync serve` on 127.0.0.1 port 0 and waits for the base URL it prints
    /// when listening (an invalid URL if it does not start).
    QUrl serve(QProcess &process, const QStringList &extra)
    {
        return testutil::startAndReadUrl(
            process, QStringLiteral(SURVEY_SYNC),
            QStringList{QStringLiteral("serve"), QStringLiteral("--db"), db(),
                        QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")} +
                extra);
    }
    QString reviewState(const std::string &path)
    {
        auto c = client(true, "admin", "admin-password");
        const auto r = c.Get(path.c_str());
        return r && r->status == 200 ? QJsonDocument::fromJson(QByteArray::fromStdString(r->body))
                                           .object()
                                           .value(QStringLiteral("reviewState"))
                                           .toString()
                                     : QString();
    }
    QByteArray filledForm()
    {
        const auto r = testutil::runCli(
            {QStringLiteral("fill"), m_form, QStringLiteral("--answers"),
             QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.answers.json")});
        // The photo answer names the file the tests attach (the server keeps only those).
        return QByteArray(r.out).replace("bd0127_house.jpg", "house.jpg");
    }

    /// A supervisor and their enumerator of their own (made over the admin API, so that a
    /// test function sees only its own submissions), with one household submitted, sent
    /// back with a comment and corrected: two versions, the second current.
    struct Team
    {
        std::string supervisor, enumerator;
        QString firstId, correctedId;
    };
    Team correctedTeam(const QString &tag)
    {
        Team t{("sup-" + tag).toStdString(), ("enu-" + tag).toStdString(), {}, {}};
        auto admin = client(true, "admin", "admin-password");
        const auto made = [&](const std::string &name, const char *role, const std::string &sup) {
            QJsonObject user{
                {QStringLiteral("displayName"), QString::fromStdString(name)},
                {QStringLiteral("role"), QLatin1String(role)},
                {QStringLiteral("password"), QString::fromStdString(name + "-password")}};
            if (!sup.empty())
                user.insert(QStringLiteral("supervisor"), QString::fromStdString(sup));
            auto r = admin.Post("/v1/users", QJsonDocument(user).toJson().toStdString(),
                                "application/json");
            return r && r->status == 200;
        };
        if (!made(t.supervisor, "supervisor", {}) ||
            !made(t.enumerator, "enumerator", t.supervisor))
            return {};
        const QByteArray xml = filledForm();
        const qsizetype start = xml.indexOf("<instanceID>") + 12;
        const QByteArray id = xml.mid(start, xml.indexOf("</instanceID>") - start);
        const std::string enuPassword = t.enumerator + "-password";
        auto r = post(xml, {}, t.enumerator.c_str(), enuPassword.c_str());
        if (!r || r->status != 201)
            return {};
        auto sup = client(true, t.supervisor.c_str(), (t.supervisor + "-password").c_str());
        r = sup.Patch((m_base + "/forms/household_energy/submissions/" + id.toStdString()).c_str(),
                      R"({"reviewState":"hasIssues","comment":"请核对煤的用量"})",
                      "application/json");
        if (!r || r->status != 200)
            return {};
        const QByteArray corrected =
            "uuid:" + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        QByteArray fixed = xml;
        fixed.replace("<instanceID>" + id + "</instanceID>", "<instanceID>" + corrected +
                                                                 "</instanceID><deprecatedID>" +
                                                                 id + "</deprecatedID>");
        r = post(fixed, {}, t.enumerator.c_str(), enuPassword.c_str());
        if (!r || r->status != 201)
            return {};
        t.firstId = QString::fromUtf8(id);
        t.correctedId = QString::fromUtf8(corrected);
        return t;
    }

    QTemporaryDir m_dir;
    QProcess m_server;
    QString m_form = QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.xml");
    std::string m_host;
    int m_port = 0;
    std::string m_base;
};

void TestServerOpenRosa::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(testutil::seedServer(
        QStringLiteral(SURVEY_SYNC), db(),
        {{QStringLiteral("enu"), QStringLiteral("enumerator"), QStringLiteral("enum-password"), {}},
         {QStringLiteral("gone"),
          QStringLiteral("enumerator"),
          QStringLiteral("gone-password"),
          {}},
         {QStringLiteral("sup"),
          QStringLiteral("supervisor"),
          QStringLiteral("sup-password-1"),
          {}},
         {QStringLiteral("enu2"), QStringLiteral("enumerator"), QStringLiteral("enu2-password"),
          QStringLiteral("sup")}},
        {m_form}));
    QCOMPARE(sync({QStringLiteral("user"), QStringLiteral("disable"), QStringLiteral("--db"), db(),
                   QStringLiteral("gone")})
                 .exitCode,
             0);
    const QUrl base = serve(m_server, {QStringLiteral("--insecure-http"),
                                       QStringLiteral("--max-body-mb"), QStringLiteral("1")});
    QCOMPARE(base.scheme(), QStringLiteral("http"));
    QCOMPARE(base.host(), QStringLiteral("127.0.0.1"));
    m_host = base.host().toStdString();
    m_port = base.port();
    m_base = base.path().toStdString();
    QCOMPARE(m_base, std::string("/v1/projects/1"));
}

void TestServerOpenRosa::cleanupTestCase()
{
    m_server.terminate();
    if (!m_server.waitForFinished(5000)) {
        m_server.kill();
        m_server.waitForFinished();
    }
}

void TestServerOpenRosa::refusesPlainHttpWithoutFlag()
{
    const auto r = sync({QStringLiteral("serve"), QStringLiteral("--db"), db(),
                         QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("--insecure-http"));
}

void TestServerOpenRosa::signIn()
{
    auto anonymous = client(false);
    auto r = anonymous.Get((m_base + "/formList").c_str(), {{"X-OpenRosa-Version", "1.0"}});
    QVERIFY(r);
    QCOMPARE(r->status, 401);
    QVERIFY(r->has_header("WWW-Authenticate"));
    QCOMPARE(r->get_header_value("X-OpenRosa-Version"), std::string("1.0"));
    QVERIFY(r->body.find("OpenRosaResponse") != std::string::npos);
    auto wrong = client(true, "enu", "not-the-password");
    r = wrong.Get((m_base + "/formList").c_str(), {{"X-OpenRosa-Version", "1.0"}});
    QCOMPARE(r->status, 401);
    const std::string wrongPassword = r->body;
    QVERIFY(wrongPassword.find("the user name or password is wrong") != std::string::npos);
    // A disabled account and an unknown name answer exactly as a wrong password does.
    auto disabled = client(true, "gone", "gone-password");
    r = disabled.Get((m_base + "/formList").c_str(), {{"X-OpenRosa-Version", "1.0"}});
    QCOMPARE(r->status, 401);
    QCOMPARE(r->body, wrongPassword);
    auto unknown = client(true, "nobody-here", "whatever-password");
    r = unknown.Get((m_base + "/formList").c_str(), {{"X-OpenRosa-Version", "1.0"}});
    QCOMPARE(r->status, 401);
    QCOMPARE(r->body, wrongPassword);
    auto other = client();
    r = other.Get("/v1/projects/2/formList", {{"X-OpenRosa-Version", "1.0"}});
    QCOMPARE(r->status, 403);
    r = other.Get((m_base + "/formList").c_str()); // no OpenRosa header
    QCOMPARE(r->status, 400);
}

void TestServerOpenRosa::formListAndDownload()
{
    auto c = client();
    auto r = c.Get((m_base + "/formList").c_str(), {{"X-OpenRosa-Version", "1.0"}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const QByteArray bytes = testutil::readFile(m_form);
    const std::string hash =
        "md5:" + QCryptographicHash::hash(bytes, QCryptographicHash::Md5).toHex().toStdString();
    QVERIFY(r->body.find("<formID>household_energy</formID>") != std::string::npos);
    QVERIFY(r->body.find("<hash>" + hash + "</hash>") != std::string::npos);
    QVERIFY(r->body.find("xmlns=\"http://openrosa.org/xforms/xformsList\"") != std::string::npos);
    // The household form has one media file, its analysis spec: its entry has a manifest.
    const std::string::size_type entry = r->body.find("<formID>household_energy</formID>");
    const std::string::size_type entryEnd = r->body.find("</xform>", entry);
    QVERIFY(entryEnd != std::string::npos);
    QVERIFY(r->body.substr(entry, entryEnd - entry).find("manifestUrl") != std::string::npos);
    r = c.Get((m_base + "/forms/household_energy.xml").c_str());
    QCOMPARE(r->status, 200);
    QCOMPARE(QByteArray::fromStdString(r->body), bytes);
    r = c.Get((m_base + "/forms/nothing.xml").c_str());
    QCOMPARE(r->status, 404);
}

void TestServerOpenRosa::preflight()
{
    auto c = client();
    auto r = c.Head((m_base + "/submission").c_str(), {{"X-OpenRosa-Version", "1.0"}});
    QVERIFY(r);
    QCOMPARE(r->status, 204);
    QCOMPARE(r->get_header_value("X-OpenRosa-Accept-Content-Length"), std::string("1000000"));
}

void TestServerOpenRosa::submissions()
{
    const QByteArray xml = filledForm();
    QVERIFY(xml.contains("<instanceID>uuid:"));
    QVERIFY(xml.contains("<house_photo>house.jpg</house_photo>"));
    auto r = post(xml);
    QVERIFY(r);
    QCOMPARE(r->status, 201);
    QVERIFY(r->body.find("submit_success") != std::string::npos);
    // What the database holds of this submission (other test functions add their own).
    const qsizetype start = xml.indexOf("<instanceID>") + 12;
    const QByteArray first = xml.mid(start, xml.indexOf("</instanceID>") - start);
    const auto ofThis = [&](const char *tables) {
        return QStringLiteral("SELECT COUNT(*) FROM %1 WHERE s.instance_id = '%2'")
            .arg(QLatin1String(tables), QString::fromUtf8(first));
    };
    const QString submissions = ofThis("submissions s");
    const QString versions =
        ofThis("submission_versions v JOIN submissions s ON s.id = v.submission_id");
    const QString attachments =
        ofThis("submission_attachments a JOIN submission_versions v ON v.id = a.version_id "
               "JOIN submissions s ON s.id = v.submission_id");
    QCOMPARE(count(attachments), 0);
    // The same again with its photo (the rest of a split upload): still one submission, the
    // photo added; once more, nothing changes.
    for (int i = 0; i < 2; ++i) {
        r = post(xml, {{"house.jpg", "JPEG-1"}});
        QCOMPARE(r->status, 201);
        QCOMPARE(count(submissions), 1);
        QCOMPARE(count(versions), 1);
        QCOMPARE(count(attachments), 1);
    }
    // Different XML under the same instanceID is a conflict and stores nothing.
    QByteArray other = xml;
    other.replace("李明", "王五");
    r = post(other);
    QCOMPARE(r->status, 409);
    QCOMPARE(count(versions), 1);
    // A correction: new instanceID, deprecatedID = the first one.
    QByteArray edit = other;
    edit.replace(
        "<instanceID>" + first + "</instanceID>",
        "<instanceID>uuid:0f6b8e52-3f7a-4c31-9d55-2b1f3c4d5e6f</instanceID><deprecatedID>" + first +
            "</deprecatedID>");
    r = post(edit);
    QCOMPARE(r->status, 201);
    QCOMPARE(count(submissions + QStringLiteral(" AND s.review_state = 'edited'")), 1);
    QCOMPARE(count(versions), 2);
    // Editing the old version again is refused: it is no longer current.
    QByteArray stale = edit;
    stale.replace("uuid:0f6b8e52-3f7a-4c31-9d55-2b1f3c4d5e6f",
                  "uuid:9a9a9a9a-3f7a-4c31-9d55-2b1f3c4d5e6f");
    r = post(stale);
    QCOMPARE(r->status, 409);
    QCOMPARE(count(versions), 2);
}

void TestServerOpenRosa::badSubmissions()
{
    const int before = count(QStringLiteral("SELECT COUNT(*) FROM submission_versions"));
    auto r = post("<!DOCTYPE d [<!ENTITY e \"x\">]><data id=\"household_energy\">&e;</data>");
    QCOMPARE(r->status, 400);
    r = post("<data id=\"nosuchform\" "
             "version=\"1\"><meta><instanceID>uuid:x</instanceID></meta></data>");
    QCOMPARE(r->status, 404);
    QByteArray wrongVersion = filledForm();
    wrongVersion.replace("version=\"2026112801\"", "version=\"1999\"");
    r = post(wrongVersion);
    QCOMPARE(r->status, 409);
    QVERIFY(r->body.find("1999") != std::string::npos);
    QByteArray foreignRoot = filledForm();
    foreignRoot.replace("<data ", "<other ").replace("</data>", "</other>");
    r = post(foreignRoot); // claims the form's id, but its root is not the form's
    QCOMPARE(r->status, 400);
    QVERIFY(r->body.find("does not match") != std::string::npos);
    auto c = client();
    httplib::MultipartFormDataItems noXml{{"something", "x", "x.txt", "text/plain"}};
    r = c.Post((m_base + "/submission").c_str(), {{"X-OpenRosa-Version", "1.0"}}, noXml);
    QCOMPARE(r->status, 400);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM submission_versions")), before);
}

void TestServerOpenRosa::bodyTooLarge()
{
    const int before = count(QStringLiteral("SELECT COUNT(*) FROM submission_attachments"));
    const QByteArray xml = filledForm();
    auto r = post(xml, {{"big.bin", std::string(2'000'000, 'x')}});
    QVERIFY(r);
    QCOMPARE(r->status, 413);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM submission_attachments")), before);
}

void TestServerOpenRosa::chunkedUploads()
{
    // Submissions may come with Transfer-Encoding: chunked (no Content-Length), as OpenRosa
    // allows: taken when within --max-body-mb (1 MB here), refused with 413 beyond it while
    // being read, never stored whole first. Other endpoints want a Content-Length (411).
    const QByteArray filled = filledForm();
    const qsizetype start = filled.indexOf("<instanceID>") + 12;
    const QByteArray id = filled.mid(start, filled.indexOf("</instanceID>") - start);
    const auto chunked = [&](const std::string &path, const QByteArray &xml, std::size_t padding) {
        const std::string boundary = "survey-chunked-boundary";
        std::string body = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"xml_submission_file\"; "
                           "filename=\"submission.xml\"\r\nContent-Type: text/xml\r\n\r\n" +
                           xml.toStdString() + "\r\n";
        if (padding > 0)
            body += "--" + boundary +
                    "\r\nContent-Disposition: form-data; name=\"house.jpg\"; "
                    "filename=\"house.jpg\""
                    "\r\nContent-Type: application/octet-stream\r\n\r\n" +
                    std::string(padding, 'x') + "\r\n";
        body += "--" + boundary + "--\r\n";
        auto c = client();
        return c.Post(
            path.c_str(), {{"X-OpenRosa-Version", "1.0"}},
            [body](size_t offset, httplib::DataSink &sink) {
                // 4 KiB chunks, as a phone on a slow line would send them.
                const std::size_t n = std::min<std::size_t>(4096, body.size() - offset);
                sink.write(body.data() + offset, n);
                if (offset + n == body.size())
                    sink.done();
                return true;
            },
            ("multipart/form-data; boundary=" + boundary).c_str());
    };
    const std::string submission = m_base + "/submission";
    const int before = count(QStringLiteral("SELECT COUNT(*) FROM submissions"));
    auto r = chunked(submission, QByteArray(filled).replace(id, "uuid:chunked-1"), 100'000);
    QVERIFY(r);
    QVERIFY2(r->status == 201, r->body.c_str());
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM submission_attachments a JOIN "
                                  "submission_versions v ON v.id = a.version_id WHERE "
                                  "v.instance_id = 'uuid:chunked-1' AND a.name = 'house.jpg'")),
             1);
    // Over the cap: the server stops reading and answers 413, naming the cap; it drops what
    // the client still sends before closing, so the client reads the answer; nothing is
    // stored.
    r = chunked(submission, QByteArray(filled).replace(id, "uuid:chunked-2"), 2'000'000);
    QVERIFY(r);
    QCOMPARE(r->status, 413);
    QVERIFY2(r->body.find("(1 MB)") != std::string::npos, r->body.c_str());
    QCOMPARE(r->get_header_value("X-OpenRosa-Version"), std::string("1.0"));
    // A body cut short (the closing boundary never comes) is malformed: 400.
    {
        auto c = client();
        const std::string cut = "--b\r\nContent-Disposition: form-data; "
                                "name=\"xml_submission_file\"; filename=\"s.xml\"\r\n\r\n<data";
        r = c.Post(
            submission.c_str(), {{"X-OpenRosa-Version", "1.0"}},
            [cut](size_t, httplib::DataSink &sink) {
                sink.write(cut.data(), cut.size());
                sink.done();
                return true;
            },
            "multipart/form-data; boundary=b");
        QVERIFY(r);
        QCOMPARE(r->status, 400);
    }
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM submissions")), before + 1);
    // The JSON API takes chunked bodies too, held to its own small caps (a sign-in: 16 kB).
    {
        auto c = client(false);
        const auto send = [&c](std::string body) {
            return c.Post(
                "/v1/sessions",
                [body](size_t offset, httplib::DataSink &sink) {
                    const std::size_t n = std::min<std::size_t>(1000, body.size() - offset);
                    sink.write(body.data() + offset, n);
                    if (offset + n == body.size())
                        sink.done();
                    return true;
                },
                "application/json");
        };
        r = send(R"({"username":"enu","password":"enum-password"})");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        r = send(R"({"username":"enu","password":")" + std::string(20'000, 'x') + R"("})");
        QVERIFY(r);
        QCOMPARE(r->status, 413);
        QVERIFY2(r->body.find("16384") != std::string::npos, r->body.c_str());
    }
    QCOMPARE(post(QByteArray(filled).replace(id, "uuid:chunked-3"))->status, 201);
}

void TestServerOpenRosa::reviewLoop()
{
    // A bearer session for the supervisor.
    httplib::Client c(m_host, m_port);
    auto r = c.Post("/v1/sessions", R"({"username":"sup","password":"sup-password-1"})",
                    "application/json");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const QString token = QJsonDocument::fromJson(QByteArray::fromStdString(r->body))
                              .object()
                              .value(QStringLiteral("token"))
                              .toString();
    QVERIFY(!token.isEmpty());
    r = c.Post("/v1/sessions", R"({"username":"sup","password":"wrong-password"})",
               "application/json");
    QCOMPARE(r->status, 401);
    httplib::Client sup(m_host, m_port);
    sup.set_bearer_token_auth(token.toStdString().c_str());

    // enu2 (supervised by sup) submits.
    const QByteArray xml = filledForm();
    const qsizetype start = xml.indexOf("<instanceID>") + 12;
    const QByteArray id = xml.mid(start, xml.indexOf("</instanceID>") - start);
    r = post(xml, {}, "enu2", "enu2-password");
    QCOMPARE(r->status, 201);
    const std::string list = m_base + "/forms/household_energy/submissions";
    r = sup.Get(list.c_str());
    QCOMPARE(r->status, 200);
    QJsonArray rows = QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).array();
    // Only their enumerators' submissions (enu2's), not enu's; this one among them.
    const QString mine = QString::fromUtf8(id);
    QCOMPARE(rows.size(),
             count(QStringLiteral("SELECT COUNT(*) FROM submissions s JOIN users u ON u.id = "
                                  "s.submitter_id WHERE u.name = 'enu2'")));
    const auto listed = std::find_if(rows.begin(), rows.end(), [&](const QJsonValue &v) {
        return v.toObject().value(QStringLiteral("instanceId")).toString() == mine;
    });
    QVERIFY(listed != rows.end());
    QCOMPARE(listed->toObject().value(QStringLiteral("reviewState")).toString(),
             QStringLiteral("received"));

    const std::string one = list + "/" + id.toStdString();
    const int reviewsBefore =
        count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'submission.review'"));
    r = sup.Patch(one.c_str(), R"({"reviewState":"hasIssues"})", "application/json");
    QCOMPARE(r->status, 400); // sending back needs a comment
    r = sup.Patch(one.c_str(), R"({"reviewState":"hasIssues","comment":"请核对煤的用量"})",
                  "application/json");
    QCOMPARE(r->status, 200);
    QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(r->body))
                 .object()
                 .value(QStringLiteral("reviewState"))
                 .toString(),
             QStringLiteral("hasIssues"));

    // Others cannot see or review it; its enumerator can see but not review it.
    auto enu = client();
    QCOMPARE(enu.Get(one.c_str())->status, 404);
    QCOMPARE(enu.Patch(one.c_str(), R"({"reviewState":"approved"})", "application/json")->status,
             404);
    auto enu2 = client(true, "enu2", "enu2-password");
    QCOMPARE(enu2.Get(one.c_str())->status, 200);
    QCOMPARE(enu2.Patch(one.c_str(), R"({"reviewState":"approved"})", "application/json")->status,
             403);
    QCOMPARE(QByteArray::fromStdString(enu2.Get((one + ".xml").c_str())->body), xml);

    // The way back: the enumerator's returned list holds it, with the comment and the XML.
    r = enu2.Get((m_base + "/returned").c_str());
    QCOMPARE(r->status, 200);
    rows = QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).array();
    QCOMPARE(rows.size(), 1);
    const QJsonObject back = rows[0].toObject();
    QCOMPARE(back.value(QStringLiteral("formId")).toString(), QStringLiteral("household_energy"));
    QCOMPARE(back.value(QStringLiteral("comments"))
                 .toArray()[0]
                 .toObject()
                 .value(QStringLiteral("body"))
                 .toString(),
             QStringLiteral("请核对煤的用量"));
    QCOMPARE(back.value(QStringLiteral("xml")).toString().toUtf8(), xml);
    QCOMPARE(QJsonDocument::fromJson(
                 QByteArray::fromStdString(enu.Get((m_base + "/returned").c_str())->body))
                 .array()
                 .size(),
             0);

    // The correction comes back with deprecatedID: off the list, state edited.
    QByteArray fixed = xml;
    fixed.replace(
        "<instanceID>" + id + "</instanceID>",
        "<instanceID>uuid:7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f</instanceID><deprecatedID>" + id +
            "</deprecatedID>");
    QCOMPARE(post(fixed, {}, "enu2", "enu2-password")->status, 201);
    QCOMPARE(QJsonDocument::fromJson(
                 QByteArray::fromStdString(enu2.Get((m_base + "/returned").c_str())->body))
                 .array()
                 .size(),
             0);
    r = sup.Get(one.c_str());
    QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(r->body))
                 .object()
                 .value(QStringLiteral("reviewState"))
                 .toString(),
             QStringLiteral("edited"));
    r = sup.Get((one + "/comments").c_str());
    QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).array().size(), 1);
    QCOMPARE(
        count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'submission.review'")),
        reviewsBefore + 1);
}

void TestServerOpenRosa::reviewExtension()
{
    // What reviewers' devices use (PROTOCOL.md): decisions with an id, the version and state
    // reviewed and flags; the feed; the team. Each hostile or mistaken request is refused
    // with the status that says why, and changes nothing.
    QByteArray xml = filledForm();
    const qsizetype start = xml.indexOf("<instanceID>") + 12;
    const std::string id = xml.mid(start, xml.indexOf("</instanceID>") - start).toStdString();
    QCOMPARE(post(xml, {}, "enu2", "enu2-password")->status, 201);
    auto sup = client(true, "sup", "sup-password-1");
    const std::string one = m_base + "/forms/household_energy/submissions/" + id;
    const auto patch = [&](const std::string &body) {
        const auto r = sup.Patch(one.c_str(), body, "application/json");
        return r ? r->status : -1;
    };
    const int flagsBefore = count(QStringLiteral("SELECT COUNT(*) FROM review_flags"));
    // Flags: a real question, on sending back only, with bounded notes.
    QCOMPARE(
        patch(
            R"({"reviewState":"hasIssues","comment":"c","flags":[{"path":"/data/nothing_here","note":"n"}]})"),
        400);
    QCOMPARE(
        patch(
            R"({"reviewState":"hasIssues","comment":"c","flags":[{"path":"../../etc/passwd","note":"n"}]})"),
        400);
    QCOMPARE(patch(R"({"reviewState":"hasIssues","comment":"c","flags":"/data/elec_kwh"})"), 400);
    QCOMPARE(patch(R"({"reviewState":"approved","flags":[{"path":"/data/elec_kwh","note":"n"}]})"),
             400);
    const std::string longNote(10001, 'x');
    QCOMPARE(
        patch(
            R"({"reviewState":"hasIssues","comment":"c","flags":[{"path":"/data/elec_kwh","note":")" +
            longNote + R"("}]})"),
        400);
    std::string many = R"({"reviewState":"hasIssues","comment":"c","flags":[)";
    for (int i = 0; i < 201; ++i)
        many += std::string(i ? "," : "") + R"({"path":"/data/elec_kwh","note":"n"})";
    QCOMPARE(patch(many + "]}"), 400);
    QCOMPARE(patch(R"({"reviewState":"approved","decisionId":"../../x"})"), 400);
    QCOMPARE(patch(R"({"reviewState":"approved","comment":")" + std::string(10001, 'c') + R"("})"),
             400);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM review_flags")), flagsBefore);
    QCOMPARE(reviewState(one), QStringLiteral("received"));

    // A decision on what the reviewer saw: applied once, however often it is sent.
    const std::string decision =
        R"({"reviewState":"hasIssues","comment":"Check member 2","decisionId":"d-)" + id.substr(5) +
        R"(","baseVersion":")" + id +
        R"(","baseReviewState":"received","flags":[{"path":"/data/members/member[2]/age","note":"Age?"}]})";
    QCOMPARE(patch(decision), 200);
    QCOMPARE(patch(decision), 200);
    // Its id with another decision in it is not the same decision: refused, nothing changed.
    QString otherDecision = QString::fromStdString(decision);
    otherDecision.replace(QStringLiteral("\"Check member 2\""), QStringLiteral("\"Reject it\""))
        .replace(QStringLiteral("\"hasIssues\""), QStringLiteral("\"rejected\""))
        .replace(QRegularExpression(QStringLiteral(",\"flags\":\\[.*\\]")), QString());
    QCOMPARE(patch(otherDecision.toStdString()), 409);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM review_flags")), flagsBefore + 1);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM comments c JOIN submissions s ON s.id = "
                                  "c.submission_id WHERE s.instance_id = '%1'")
                       .arg(QString::fromStdString(id))),
             1);
    // The same decision id on another submission is not a new decision.
    QByteArray other = filledForm();
    const std::string otherId =
        other
            .mid(other.indexOf("<instanceID>") + 12,
                 other.indexOf("</instanceID>") - other.indexOf("<instanceID>") - 12)
            .toStdString();
    QCOMPARE(post(other, {}, "enu2", "enu2-password")->status, 201);
    const auto reused =
        sup.Patch((m_base + "/forms/household_energy/submissions/" + otherId).c_str(), decision,
                  "application/json");
    QCOMPARE(reused->status, 409);
    // Made on a state that is gone: refused with what the server has now.
    const auto stale =
        sup.Patch(one.c_str(),
                  R"({"reviewState":"approved","decisionId":"d2-)" + id.substr(5) +
                      R"(","baseVersion":")" + id + R"(","baseReviewState":"received"})",
                  "application/json");
    QCOMPARE(stale->status, 409);
    const QJsonObject details = QJsonDocument::fromJson(QByteArray::fromStdString(stale->body))
                                    .object()
                                    .value(QStringLiteral("details"))
                                    .toObject();
    QCOMPARE(details.value(QStringLiteral("reviewState")).toString(), QStringLiteral("hasIssues"));
    QCOMPARE(details.value(QStringLiteral("currentVersion")).toString(),
             QString::fromStdString(id));
    QCOMPARE(reviewState(one), QStringLiteral("hasIssues"));

    // The enumerator's returned feed carries the flags of the current version.
    auto enu2 = client(true, "enu2", "enu2-password");
    const auto back = enu2.Get((m_base + "/returned").c_str());
    QCOMPARE(back->status, 200);
    bool found = false;
    for (const QJsonValue &v :
         QJsonDocument::fromJson(QByteArray::fromStdString(back->body)).array()) {
        if (v[QStringLiteral("instanceId")].toString().toStdString() != id)
            continue;
        found = true;
        const QJsonArray flags = v[QStringLiteral("flags")].toArray();
        QCOMPARE(flags.size(), 1);
        QCOMPARE(flags[0][QStringLiteral("path")].toString(),
                 QStringLiteral("/data/members/member[2]/age"));
        QCOMPARE(flags[0][QStringLiteral("note")].toString(), QStringLiteral("Age?"));
        QCOMPARE(flags[0][QStringLiteral("author")].toString(), QStringLiteral("sup"));
    }
    QVERIFY(found);

    // The feed: change order, pages, a cursor; only the reviewer's team.
    auto feed = [&](httplib::Client &c, qint64 after, int limit, bool counted = false) {
        const auto r = c.Get((m_base + "/review/feed?after=" + std::to_string(after) +
                              "&limit=" + std::to_string(limit) + (counted ? "&count=1" : ""))
                                 .c_str());
        return r && r->status == 200
                   ? QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).object()
                   : QJsonObject();
    };
    QJsonObject page = feed(sup, 0, 1, true);
    QCOMPARE(page[QStringLiteral("submissions")].toArray().size(), 1);
    QVERIFY(page[QStringLiteral("more")].toBool());
    const int total =
        count(QStringLiteral("SELECT COUNT(*) FROM submissions s JOIN users u ON u.id "
                             "= s.submitter_id WHERE u.name = 'enu2'"));
    QCOMPARE(page[QStringLiteral("remaining")].toInt(), total - 1);
    qint64 after = 0;
    QStringList seen;
    for (int guard = 0; guard < 1000; ++guard) {
        page = feed(sup, after, 7);
        const QJsonArray items = page[QStringLiteral("submissions")].toArray();
        for (const QJsonValue &v : items) {
            QVERIFY(v[QStringLiteral("changeSeq")].toInteger() > after);
            QCOMPARE(v[QStringLiteral("submitterName")].toString(), QStringLiteral("enu2"));
            seen << v[QStringLiteral("instanceId")].toString();
        }
        after = page[QStringLiteral("next")].toInteger();
        QVERIFY(!page.contains(QStringLiteral("remaining"))); // counted only when asked
        if (!page[QStringLiteral("more")].toBool())
            break;
    }
    QCOMPARE(seen.size(), total);
    QCOMPARE(QSet<QString>(seen.begin(), seen.end()).size(), total);
    QCOMPARE(seen.last().toStdString(), otherId); // posted after the decision on `id`
    // Nothing new after the cursor; a comment moves the submission past it.
    QCOMPARE(feed(sup, after, 100)[QStringLiteral("submissions")].toArray().size(), 0);
    QCOMPARE(
        sup.Post((one + "/comments").c_str(), R"({"body":"And the coal?"})", "application/json")
            ->status,
        200);
    page = feed(sup, after, 100);
    QCOMPARE(page[QStringLiteral("submissions")].toArray().size(), 1);
    const QJsonObject item = page[QStringLiteral("submissions")].toArray()[0].toObject();
    QCOMPARE(item[QStringLiteral("instanceId")].toString().toStdString(), id);
    QCOMPARE(item[QStringLiteral("comments")].toArray().size(), 2);
    QCOMPARE(item[QStringLiteral("versions")].toArray().size(), 1);
    QVERIFY(item[QStringLiteral("versions")][0][QStringLiteral("xml")].toString().contains(
        QString::fromStdString(id)));
    QCOMPARE(item[QStringLiteral("flags")].toArray().size(), 1);
    // A supervisor with no team, and limits that are not numbers, get nothing odd.
    auto admin = client(true, "admin", "admin-password");
    QVERIFY(feed(admin, 0, 100000)[QStringLiteral("submissions")].toArray().size() <= 500);
    const auto odd = sup.Get((m_base + "/review/feed?after=-5&limit=abc").c_str());
    QCOMPARE(odd->status, 200);

    // The team: the supervisor's enumerators, with counts and when they last synced.
    const auto team = sup.Get((m_base + "/team").c_str());
    QCOMPARE(team->status, 200);
    const QJsonArray members =
        QJsonDocument::fromJson(QByteArray::fromStdString(team->body)).array();
    bool listedEnu2 = false;
    for (const QJsonValue &m : members) {
        QCOMPARE(m[QStringLiteral("supervisor")].toString(), QStringLiteral("sup"));
        if (m[QStringLiteral("displayName")].toString() != QLatin1String("enu2"))
            continue;
        listedEnu2 = true;
        QCOMPARE(m[QStringLiteral("counts")][QStringLiteral("total")].toInt(), total);
        QCOMPARE(m[QStringLiteral("counts")][QStringLiteral("hasIssues")].toInt(),
                 count(QStringLiteral("SELECT COUNT(*) FROM submissions s JOIN users u ON u.id = "
                                      "s.submitter_id WHERE u.name = 'enu2' AND s.review_state = "
                                      "'hasIssues'")));
        QVERIFY(QDateTime::fromString(m[QStringLiteral("lastSyncAt")].toString(), Qt::ISODateWithMs)
                    .isValid());
    }
    QVERIFY(listedEnu2);
    // A project lead sees every team: enumerators with and without a supervisor, and the
    // supervisors.
    const auto all = admin.Get((m_base + "/team").c_str());
    QCOMPARE(all->status, 200);
    QStringList everyone;
    for (const QJsonValue &m :
         QJsonDocument::fromJson(QByteArray::fromStdString(all->body)).array())
        everyone << m[QStringLiteral("displayName")].toString();
    for (const char *name : {"enu", "enu2", "sup"})
        QVERIFY2(everyone.contains(QLatin1String(name)),
                 qPrintable(everyone.join(QLatin1Char(','))));
    QVERIFY(!everyone.contains(QStringLiteral("admin")));
    QCOMPARE(client().Get((m_base + "/team").c_str())->status, 403);
    QCOMPARE(client().Get((m_base + "/review/feed").c_str())->status, 403);
}

void TestServerOpenRosa::exportCsv()
{
    // A supervisor exports their enumerator's submission.
    const Team team = correctedTeam(QStringLiteral("csv"));
    QVERIFY(!team.correctedId.isEmpty());
    auto sup = client(true, team.supervisor.c_str(), (team.supervisor + "-password").c_str());
    const std::string path = m_base + "/forms/household_energy/submissions.csv.zip";
    // The export's CSVs by name, read back from the zip with libzip.
    auto exportOf = [&](const std::string &url) {
        QHash<QString, QByteArray> files;
        auto r = sup.Get(url.c_str());
        if (!r || r->status != 200 || r->get_header_value("Content-Type") != "application/zip")
            return files;
        const QString zipPath = m_dir.filePath(QStringLiteral("export.zip"));
        QFile f(zipPath);
        if (!f.open(QIODevice::WriteOnly))
            return files;
        f.write(r->body.data(), static_cast<qint64>(r->body.size()));
        f.close();
        int err = 0;
        zip_t *z = zip_open(QFile::encodeName(zipPath).constData(), ZIP_RDONLY, &err);
        if (!z)
            return files;
        for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); ++i) {
            zip_stat_t st;
            if (zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st) != 0)
                continue;
            QByteArray content(static_cast<qsizetype>(st.size), '\0');
            zip_file_t *zf = zip_fopen_index(z, static_cast<zip_uint64_t>(i), 0);
            if (!zf)
                continue;
            zip_fread(zf, content.data(), st.size);
            zip_fclose(zf);
            files.insert(QString::fromUtf8(st.name), content);
        }
        zip_close(z);
        return files;
    };
    const auto files = exportOf(path);
    QVERIFY(!files.isEmpty());
    const QByteArray root = files.value(QStringLiteral("household_energy.csv"));
    const QByteArray members = files.value(QStringLiteral("household_energy-member.csv"));
    QVERIFY(root.startsWith("\xEF\xBB\xBF")); // spreadsheet programs then read UTF-8
    const QList<QByteArray> rootLines = root.mid(3).trimmed().split('\n');
    QCOMPARE(rootLines.size(), 2); // header + the team's one submission (its current version)
    QVERIFY(rootLines[0].contains("enumerator,") && rootLines[0].contains(",KEY,"));
    QVERIFY(rootLines[1].contains("李明"));
    const QList<QByteArray> memberLines = members.mid(3).trimmed().split('\n');
    QCOMPARE(memberLines.size(), 4); // header + three members
    QVERIFY(memberLines[1].startsWith("王建国,47,male"));
    QVERIFY(memberLines[3].contains("/member[3]"));
    QVERIFY(!rootLines[0].contains("_label"));
    // Choice labels in a chosen form language: a label column after each choice question.
    const auto labelled = exportOf(
        path + "?lang=" + QUrl::toPercentEncoding(QStringLiteral("中文 (zh)")).toStdString());
    const QList<QByteArray> labelledRoot =
        labelled.value(QStringLiteral("household_energy.csv")).mid(3).trimmed().split('\n');
    QCOMPARE(labelledRoot.size(), 2);
    QVERIFY(labelledRoot[0].contains(",district,district_label,"));
    QVERIFY2(labelledRoot[1].contains(",suburban,近郊区,"), labelledRoot[1].constData());
    QVERIFY(labelled.value(QStringLiteral("household_energy-member.csv"))
                .contains("王建国,47,male,男,"));
    QCOMPARE(sup.Get((path + "?lang=fr").c_str())->status, 400);
    // Enumerators do not export.
    auto enu = client();
    QCOMPARE(enu.Get(path.c_str())->status, 403);
}

void TestServerOpenRosa::versionsAttachmentsAudits()
{
    const Team team = correctedTeam(QStringLiteral("versions"));
    QVERIFY(!team.correctedId.isEmpty());
    auto sup = client(true, team.supervisor.c_str(), (team.supervisor + "-password").c_str());
    auto list = sup.Get((m_base + "/forms/household_energy/submissions").c_str());
    const QJsonArray rows = QJsonDocument::fromJson(QByteArray::fromStdString(list->body)).array();
    QCOMPARE(rows.size(), 1);
    const std::string one =
        m_base + "/forms/household_energy/submissions/" +
        rows[0].toObject().value(QStringLiteral("instanceId")).toString().toStdString();
    // The corrected submission has two versions; the newest is current and names the first.
    auto r = sup.Get((one + "/versions").c_str());
    QCOMPARE(r->status, 200);
    const QJsonArray versions = QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).array();
    QCOMPARE(versions.size(), 2);
    QVERIFY(versions[0].toObject().value(QStringLiteral("current")).toBool());
    QCOMPARE(rows[0].toObject().value(QStringLiteral("instanceId")).toString(), team.firstId);
    QCOMPARE(versions[0].toObject().value(QStringLiteral("instanceId")).toString(),
             team.correctedId);
    QCOMPARE(versions[0].toObject().value(QStringLiteral("deprecatedId")).toString(), team.firstId);
    // Attachments of a submission's current version.
    const QByteArray xml = filledForm();
    QCOMPARE(post(xml, {{"house.jpg", "JPEG"}})->status, 201);
    const qsizetype start = xml.indexOf("<instanceID>") + 12;
    const std::string id = xml.mid(start, xml.indexOf("</instanceID>") - start).toStdString();
    auto enu = client();
    r = enu.Get((m_base + "/forms/household_energy/submissions/" + id + "/attachments").c_str());
    QCOMPARE(r->status, 200);
    const QJsonArray files = QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).array();
    QCOMPARE(files.size(), 1);
    QCOMPARE(files[0].toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("house.jpg"));
    // The audit log is for admins.
    QCOMPARE(sup.Get("/v1/audits")->status, 403);
    auto admin = client(true, "admin", "admin-password");
    r = admin.Get("/v1/audits");
    QCOMPARE(r->status, 200);
    QVERIFY(r->body.find("submission.review") != std::string::npos);
    QVERIFY(r->body.find("form.publish") != std::string::npos);
}

void TestServerOpenRosa::assignments()
{
    const Team team = correctedTeam(QStringLiteral("assign"));
    QVERIFY(!team.correctedId.isEmpty());
    auto sup = client(true, team.supervisor.c_str(), (team.supervisor + "-password").c_str());
    const std::string base = m_base + "/forms/household_energy/assignments";
    const std::string theirs = base + "/" + team.enumerator;
    auto r = sup.Put(theirs.c_str(), R"({"target": 5})", "application/json");
    QCOMPARE(r->status, 200);
    QCOMPARE(sup.Put(theirs.c_str(), R"({"target": -1})", "application/json")->status, 400);
    QCOMPARE(sup.Put((base + "/enu").c_str(), R"({"target": 3})", "application/json")->status, 403);
    QCOMPARE(sup.Put((base + "/nobody").c_str(), R"({"target": 3})", "application/json")->status,
             404);
    r = sup.Get(base.c_str());
    QCOMPARE(r->status, 200);
    QJsonArray rows = QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).array();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].toObject().value(QStringLiteral("target")).toInt(), 5);
    QCOMPARE(rows[0].toObject().value(QStringLiteral("submitted")).toInt(), 1); // one, edited once
    // The enumerator sees their own assignment; another enumerator sees none.
    auto own = client(true, team.enumerator.c_str(), (team.enumerator + "-password").c_str());
    QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(own.Get(base.c_str())->body))
                 .array()
                 .size(),
             1);
    auto enu = client();
    QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(enu.Get(base.c_str())->body))
                 .array()
                 .size(),
             0);
    QCOMPARE(enu.Put(theirs.c_str(), R"({"target": 9})", "application/json")->status, 403);
}

void TestServerOpenRosa::currentUser()
{
    // Who signed in, as Central's GET /v1/users/current gives it, with the role, project
    // and team a device needs (an enumerator's team is their supervisor's; none without).
    const auto who = [this](const char *name, const char *password) {
        auto c = client(true, name, password);
        auto r = c.Get("/v1/users/current");
        return std::make_pair(
            r ? r->status : 0,
            QJsonDocument::fromJson(QByteArray::fromStdString(r ? r->body : "")).object());
    };
    const auto [enuStatus, enu] = who("enu", "enum-password");
    QCOMPARE(enuStatus, 200);
    QCOMPARE(enu.value(QStringLiteral("type")).toString(), QStringLiteral("user"));
    QCOMPARE(enu.value(QStringLiteral("displayName")).toString(), QStringLiteral("enu"));
    QCOMPARE(enu.value(QStringLiteral("role")).toString(), QStringLiteral("enumerator"));
    QCOMPARE(enu.value(QStringLiteral("projectId")).toInt(), 1);
    QVERIFY(enu.value(QStringLiteral("team")).isNull()); // no supervisor
    QVERIFY(enu.value(QStringLiteral("id")).toInt() > 0);
    const auto [enu2Status, enu2] = who("enu2", "enu2-password");
    QCOMPARE(enu2Status, 200);
    QCOMPARE(enu2.value(QStringLiteral("team")).toString(), QStringLiteral("sup"));
    QVERIFY(enu2.value(QStringLiteral("id")).toInt() != enu.value(QStringLiteral("id")).toInt());
    const auto [supStatus, sup] = who("sup", "sup-password-1");
    QCOMPARE(supStatus, 200);
    QCOMPARE(sup.value(QStringLiteral("role")).toString(), QStringLiteral("supervisor"));
    QCOMPARE(sup.value(QStringLiteral("team")).toString(), QStringLiteral("sup"));
    const auto [adminStatus, admin] = who("admin", "admin-password");
    QCOMPARE(adminStatus, 200);
    QCOMPARE(admin.value(QStringLiteral("role")).toString(), QStringLiteral("admin"));
    QVERIFY(admin.value(QStringLiteral("team")).isNull());
    QCOMPARE(who("enu", "wrong-password").first, 401);
}

void TestServerOpenRosa::adminApi()
{
    auto admin = client(true, "admin", "admin-password");
    auto r = admin.Get("/v1/users");
    QCOMPARE(r->status, 200);
    QVERIFY(r->body.find("\"displayName\":\"enu2\"") != std::string::npos);
    r = admin.Post(
        "/v1/users",
        R"({"displayName":"api-enum","role":"enumerator","supervisor":"sup","password":"api-enum-password"})",
        "application/json");
    QCOMPARE(r->status, 200);
    auto fresh = client(true, "api-enum", "api-enum-password");
    QCOMPARE(fresh.Get((m_base + "/formList").c_str(), {{"X-OpenRosa-Version", "1.0"}})->status,
             200);
    r = admin.Post("/v1/users", R"({"displayName":"weak","role":"enumerator","password":"short"})",
                   "application/json");
    QCOMPARE(r->status, 400);
    QVERIFY(r->body.find("10 characters") != std::string::npos);
    auto sup = client(true, "sup", "sup-password-1");
    QCOMPARE(sup.Post("/v1/users",
                      R"({"displayName":"x","role":"admin","password":"xxxxxxxxxxxx"})",
                      "application/json")
                 ->status,
             403);
    QCOMPARE(admin.Delete("/v1/users/api-enum")->status, 200);
    QCOMPARE(fresh.Get((m_base + "/formList").c_str(), {{"X-OpenRosa-Version", "1.0"}})->status,
             401);
    // Publishing over the API: the engine checks the form; the form list then offers it.
    const QByteArray form = testutil::readFile(
        QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/enterprise_lowcarbon.xml"));
    r = admin.Post((m_base + "/forms?publish=true").c_str(), form.toStdString(), "application/xml");
    QCOMPARE(r->status, 200);
    QVERIFY(r->body.find("enterprise_lowcarbon") != std::string::npos);
    r = admin.Post((m_base + "/forms?publish=true").c_str(),
                   QByteArray(form).replace("count(", "countt(").toStdString(), "application/xml");
    QCOMPARE(r->status, 400);
    QVERIFY(r->body.find("countt()") != std::string::npos);
    QCOMPARE(
        sup.Post((m_base + "/forms?publish=true").c_str(), form.toStdString(), "application/xml")
            ->status,
        403);
    r = client().Get((m_base + "/formList").c_str(), {{"X-OpenRosa-Version", "1.0"}});
    QVERIFY(r->body.find("<formID>enterprise_lowcarbon</formID>") != std::string::npos);
}

void TestServerOpenRosa::answersWithLabels()
{
    // A submission's answers with question and choice labels, in either language.
    const QByteArray xml = filledForm();
    const qsizetype start = xml.indexOf("<instanceID>") + 12;
    const std::string id = xml.mid(start, xml.indexOf("</instanceID>") - start).toStdString();
    QCOMPARE(post(xml)->status, 201);
    auto enu = client();
    const std::string path = m_base + "/forms/household_energy/submissions/" + id + "/answers";
    auto labelOf = [&](const std::string &url, const QString &ref, const char *key) {
        auto r = enu.Get(url.c_str());
        for (const QJsonValue &v :
             QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).array()) {
            if (v.toObject().value(QStringLiteral("ref")).toString() == ref)
                return v.toObject().value(QLatin1String(key)).toString();
        }
        return QString();
    };
    const QString english = labelOf(
        path + "?lang=" + QUrl::toPercentEncoding(QStringLiteral("English (en)")).toStdString(),
        QStringLiteral("/data/district"), "valueLabel");
    const QString chinese = labelOf(
        path + "?lang=" + QUrl::toPercentEncoding(QStringLiteral("中文 (zh)")).toStdString(),
        QStringLiteral("/data/district"), "valueLabel");
    QVERIFY(!english.isEmpty());
    QVERIFY(!chinese.isEmpty());
    QVERIFY(english != chinese);
    QCOMPARE(labelOf(path, QStringLiteral("/data/members/member[2]/name"), "value"),
             QStringLiteral("李秀兰"));
    QCOMPARE(enu.Get((path + "?lang=fr").c_str())->status, 400);
}

void TestServerOpenRosa::exportJson()
{
    const Team team = correctedTeam(QStringLiteral("json"));
    QVERIFY(!team.correctedId.isEmpty());
    auto sup = client(true, team.supervisor.c_str(), (team.supervisor + "-password").c_str());
    const std::string path = m_base + "/forms/household_energy/submissions.json";
    auto r = sup.Get(path.c_str());
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QJsonParseError perr;
    const QJsonArray rows =
        QJsonDocument::fromJson(QByteArray::fromStdString(r->body), &perr).array();
    QVERIFY2(perr.error == QJsonParseError::NoError, qPrintable(perr.errorString()));
    QCOMPARE(rows.size(), 1); // the team's submission, in its corrected version
    const QJsonObject data = rows[0].toObject().value(QStringLiteral("data")).toObject();
    const QJsonArray members =
        data.value(QStringLiteral("members")).toObject().value(QStringLiteral("member")).toArray();
    QCOMPARE(members.size(), 3);
    QCOMPARE(members[1].toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("李秀兰"));
    QCOMPARE(rows[0].toObject().value(QStringLiteral("reviewState")).toString(),
             QStringLiteral("edited"));
    QCOMPARE(client().Get(path.c_str())->status, 403);
}

void TestServerOpenRosa::formWithCsvMedia()
{
    // A form whose choices come from a CSV file: published with its media folder, offered
    // with a manifest, and its submissions read with the CSV loaded (labels come from it).
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("districts/districts-media")));
    const QString formPath = m_dir.filePath(QStringLiteral("districts/districts.xml"));
    QFile formFile(formPath);
    QVERIFY(formFile.open(QIODevice::WriteOnly));
    formFile.write(R"FORM(<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"
        xmlns:jr="http://openrosa.org/javarosa">
  <h:head>
    <h:title>District check</h:title>
    <model>
      <instance><data id="district_check" version="1"><district/><meta><instanceID/></meta></data></instance>
      <instance id="districts" src="jr://file-csv/districts.csv"/>
      <bind nodeset="/data/district" type="string" required="true()"/>
      <bind nodeset="/data/meta/instanceID" type="string" readonly="true()"/>
    </model>
  </h:head>
  <h:body>
    <select1 ref="/data/district"><label>District</label>
      <itemset nodeset="instance('districts')/root/item">
        <value ref="name"/><label ref="label"/>
      </itemset>
    </select1>
  </h:body>
</h:html>
)FORM");
    formFile.close();
    QFile csv(m_dir.filePath(QStringLiteral("districts/districts-media/districts.csv")));
    QVERIFY(csv.open(QIODevice::WriteOnly));
    csv.write("name,label\nnorth,North Shore\nriver,Riverside\n");
    csv.close();
    const auto published = sync({QStringLiteral("form"), QStringLiteral("publish"),
                                 QStringLiteral("--db"), db(), formPath});
    QVERIFY2(published.exitCode == 0, published.err.constData());

    auto enu = client();
    auto r = enu.Get((m_base + "/formList").c_str(), {{"X-OpenRosa-Version", "1.0"}});
    QVERIFY(r->body.find("/forms/district_check/manifest") != std::string::npos);
    r = enu.Get((m_base + "/forms/district_check/manifest").c_str(),
                {{"X-OpenRosa-Version", "1.0"}});
    QCOMPARE(r->status, 200);
    QVERIFY(r->body.find("<filename>districts.csv</filename>") != std::string::npos);

    const QByteArray instance =
        "<data xmlns:jr=\"http://openrosa.org/javarosa\" id=\"district_check\" version=\"1\">"
        "<district>river</district><meta><instanceID>uuid:7c1d0e52-district-check-1</instanceID>"
        "</meta></data>";
    r = post(instance);
    QVERIFY(r);
    QVERIFY2(r->status == 201, r->body.c_str());
    r = enu.Get((m_base + "/forms/district_check/submissions/uuid:7c1d0e52-district-check-1/"
                          "answers")
                    .c_str());
    QVERIFY(r);
    QVERIFY2(r->status == 200, r->body.c_str());
    bool found = false;
    for (const QJsonValue &v :
         QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).array()) {
        const QJsonObject o = v.toObject();
        if (o.value(QStringLiteral("ref")).toString() == QLatin1String("/data/district")) {
            QCOMPARE(o.value(QStringLiteral("valueLabel")).toString(), QStringLiteral("Riverside"));
            found = true;
        }
    }
    QVERIFY(found);

    // Version 2 with a new CSV, published by an admin over the API (multipart).
    const QByteArray v2 = testutil::readFile(formPath).replace("version=\"1\"", "version=\"2\"");
    const std::string csv2 = "name,label\nnorth,North Shore\nriver,River Bank\n";
    auto admin = client(true, "admin", "admin-password");
    const std::string forms = m_base + "/forms?publish=true";
    // Without its CSV the engine refuses the form, naming the file.
    r = admin.Post(forms.c_str(), httplib::MultipartFormDataItems{
                                      {"form", v2.toStdString(), "districts.xml", "text/xml"}});
    QCOMPARE(r->status, 400);
    QVERIFY2(r->body.find("districts.csv") != std::string::npos, r->body.c_str());
    // A media name that is a path is refused; so is a form part missing.
    r = admin.Post(forms.c_str(), httplib::MultipartFormDataItems{
                                      {"form", v2.toStdString(), "districts.xml", "text/xml"},
                                      {"media", csv2, "../districts.csv", "text/csv"}});
    QCOMPARE(r->status, 400);
    r = admin.Post(forms.c_str(),
                   httplib::MultipartFormDataItems{{"media", csv2, "districts.csv", "text/csv"}});
    QCOMPARE(r->status, 400);
    r = admin.Post(forms.c_str(), httplib::MultipartFormDataItems{
                                      {"form", v2.toStdString(), "districts.xml", "text/xml"},
                                      {"a", csv2, "districts.csv", "text/csv"},
                                      {"b", "name,label\n", "districts.csv", "text/csv"}});
    QCOMPARE(r->status, 400);
    QVERIFY2(r->body.find("twice") != std::string::npos, r->body.c_str());
    QCOMPARE(client(true, "sup", "sup-password-1")
                 .Post(forms.c_str(),
                       httplib::MultipartFormDataItems{
                           {"form", v2.toStdString(), "districts.xml", "text/xml"},
                           {"media", csv2, "districts.csv", "text/csv"}})
                 ->status,
             403);
    r = admin.Post(forms.c_str(), httplib::MultipartFormDataItems{
                                      {"form", v2.toStdString(), "districts.xml", "text/xml"},
                                      {"media", csv2, "districts.csv", "text/csv"}});
    QVERIFY2(r->status == 200, r->body.c_str());
    const QJsonObject done = QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).object();
    QCOMPARE(done.value(QStringLiteral("version")).toString(), QStringLiteral("2"));
    QCOMPARE(done.value(QStringLiteral("mediaFiles")).toInt(), 1);
    // Devices get the new CSV; submissions to version 2 are labelled from it.
    r = enu.Get((m_base + "/forms/district_check/attachments/districts.csv").c_str(),
                {{"X-OpenRosa-Version", "1.0"}});
    QCOMPARE(r->status, 200);
    QCOMPARE(r->body, csv2);
    QByteArray instance2 = QByteArray(instance)
                               .replace("version=\"1\"", "version=\"2\"")
                               .replace("district-check-1", "district-check-2");
    r = post(instance2);
    QVERIFY2(r->status == 201, r->body.c_str());
    r = enu.Get((m_base + "/forms/district_check/submissions/uuid:7c1d0e52-district-check-2/"
                          "answers")
                    .c_str());
    QVERIFY2(r->body.find("River Bank") != std::string::npos, r->body.c_str());
}

void TestServerOpenRosa::formDraftsAndStates()
{
    // Central's draft flow: a new form waits as a draft while its media are uploaded, is
    // published, gets a next version through a draft of its own; states close it.
    const QByteArray xml = R"FORM(<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"
        xmlns:jr="http://openrosa.org/javarosa">
  <h:head>
    <h:title>Draft demo</h:title>
    <model>
      <itext><translation lang="English" default="true()">
        <text id="/data/region:label"><value>Region</value><value form="image">jr://images/logo.png</value></text>
      </translation></itext>
      <instance><data id="draft_demo" version="1"><region/><meta><instanceID/></meta></data></instance>
      <instance id="regions" src="jr://file/regions.csv"/>
      <bind nodeset="/data/region" type="string" required="true()"/>
      <bind nodeset="/data/meta/instanceID" type="string" readonly="true()"/>
    </model>
  </h:head>
  <h:body>
    <select1 ref="/data/region"><label ref="jr:itext('/data/region:label')"/>
      <itemset nodeset="instance('regions')/root/item"><value ref="name"/><label ref="label"/></itemset>
    </select1>
  </h:body>
</h:html>
)FORM";
    auto admin = client(true, "admin", "admin-password");
    auto sup = client(true, "sup", "sup-password-1");
    auto enu = client();
    const httplib::Headers openRosa{{"X-OpenRosa-Version", "1.0"}};
    const std::string forms = m_base + "/forms";
    const std::string form = forms + "/draft_demo";
    const auto body = [](const httplib::Result &r) {
        return QJsonDocument::fromJson(QByteArray::fromStdString(r->body));
    };
    const auto listed = [&](const std::string &formId) {
        const auto r = enu.Get((m_base + "/formList").c_str(), openRosa);
        return r && r->body.find("<formID>" + formId + "</formID>") != std::string::npos;
    };

    // A new form without ?publish=true is a draft: admins see it, devices do not.
    auto r = admin.Post(forms.c_str(), xml.toStdString(), "application/xml");
    QVERIFY2(r && r->status == 200, r ? r->body.c_str() : "no answer");
    QVERIFY(!listed("draft_demo"));
    r = admin.Get(form.c_str());
    QCOMPARE(r->status, 200);
    QVERIFY(body(r).object().value(QStringLiteral("publishedAt")).isNull());
    QCOMPARE(body(r).object().value(QStringLiteral("hasDraft")).toBool(), true);
    QCOMPARE(enu.Get(form.c_str())->status, 404);
    QCOMPARE(admin.Post(forms.c_str(), xml.toStdString(), "application/xml")->status, 409);

    // The draft lists the files the form refers to; neither is there yet.
    r = admin.Get((form + "/draft/attachments").c_str());
    QCOMPARE(r->status, 200);
    QJsonArray files = body(r).array();
    QCOMPARE(files.size(), 2);
    QCOMPARE(files[0].toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("logo.png"));
    QCOMPARE(files[0].toObject().value(QStringLiteral("type")).toString(), QStringLiteral("image"));
    QCOMPARE(files[1].toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("regions.csv"));
    QCOMPARE(files[1].toObject().value(QStringLiteral("exists")).toBool(), false);

    // Publishing without the data file the choices come from is refused, naming it.
    r = admin.Post((form + "/draft/publish").c_str(), "", "application/json");
    QCOMPARE(r->status, 409);
    QVERIFY2(r->body.find("regions.csv") != std::string::npos, r->body.c_str());
    // Only files the form refers to are taken, only from admins.
    const std::string csv = "name,label\nnorth,North\nsouth,South\n";
    r = admin.Post((form + "/draft/attachments/other.csv").c_str(), csv, "text/csv");
    QCOMPARE(r->status, 404);
    QVERIFY2(r->body.find("regions.csv") != std::string::npos, r->body.c_str());
    QCOMPARE(sup.Post((form + "/draft/attachments/regions.csv").c_str(), csv, "text/csv")->status,
             403);
    r = admin.Post((form + "/draft/attachments/regions.csv").c_str(), csv, "text/csv");
    QVERIFY2(r->status == 200, r->body.c_str());
    r = admin.Get((form + "/draft/attachments/regions.csv").c_str());
    QCOMPARE(r->status, 200);
    QCOMPARE(r->body, csv);
    files = body(admin.Get((form + "/draft/attachments").c_str())).array();
    QCOMPARE(files[1].toObject().value(QStringLiteral("exists")).toBool(), true);
    QCOMPARE(files[1].toObject().value(QStringLiteral("hash")).toString(),
             QStringLiteral("md5:") +
                 QString::fromLatin1(QCryptographicHash::hash(QByteArray::fromStdString(csv),
                                                              QCryptographicHash::Md5)
                                         .toHex()));
    QCOMPARE(admin.Get((form + "/draft.xml").c_str())->body, xml.toStdString());

    // Published: offered to devices with its manifest; the draft is gone. (The image is
    // still missing, which Collect shows as a missing image, as with Central.)
    r = admin.Post((form + "/draft/publish").c_str(), "", "application/json");
    QVERIFY2(r->status == 200, r->body.c_str());
    QCOMPARE(body(r).object().value(QStringLiteral("version")).toString(), QStringLiteral("1"));
    QVERIFY(listed("draft_demo"));
    QCOMPARE(admin.Get((form + "/draft").c_str())->status, 404);
    r = enu.Get((form + "/manifest").c_str(), openRosa);
    QVERIFY(r->body.find("<filename>regions.csv</filename>") != std::string::npos);
    r = enu.Get((form + "/attachments").c_str());
    QCOMPARE(r->status, 200);
    QCOMPARE(body(r).array().size(), 2);
    QCOMPARE(body(r).array()[0].toObject().value(QStringLiteral("exists")).toBool(), false);

    // The next version: a draft copied from the current one keeps its media; publishing it
    // under the same version is refused, under ?version=2 it becomes current.
    r = admin.Post((form + "/draft").c_str(), "", "application/xml");
    QVERIFY2(r->status == 200, r->body.c_str());
    QCOMPARE(body(r).object().value(QStringLiteral("mediaFiles")).toInt(), 1);
    r = admin.Post((form + "/draft/publish").c_str(), "", "application/json");
    QCOMPARE(r->status, 409);
    r = admin.Post((form + "/draft/publish?version=2").c_str(), "", "application/json");
    QVERIFY2(r->status == 200, r->body.c_str());
    QCOMPARE(body(r).object().value(QStringLiteral("version")).toString(), QStringLiteral("2"));
    r = enu.Get((form + ".xml").c_str(), openRosa);
    QVERIFY(r->body.find(R"(<data id="draft_demo" version="2">)") != std::string::npos);
    QVERIFY(enu.Get((form + "/manifest").c_str(), openRosa)->body.find("regions.csv") !=
            std::string::npos);
    r = admin.Get((form + "/versions").c_str());
    QCOMPARE(body(r).array().size(), 2);
    QCOMPARE(body(r).array()[0].toObject().value(QStringLiteral("current")).toBool(), true);

    // A draft must keep the form's id and be a form the engine takes; a refusal changes
    // nothing.
    r = admin.Post((form + "/draft").c_str(),
                   QByteArray(xml).replace("draft_demo", "other_id").toStdString(),
                   "application/xml");
    QCOMPARE(r->status, 400);
    r = admin.Post(
        (form + "/draft").c_str(),
        QByteArray(xml).replace("required=\"true()\"", "required=\"nosuch()\"").toStdString(),
        "application/xml");
    QCOMPARE(r->status, 400);
    QVERIFY2(r->body.find("nosuch") != std::string::npos, r->body.c_str());
    QCOMPARE(admin.Get((form + "/draft").c_str())->status, 404);
    QCOMPARE(admin.Post((forms + "/nosuch/draft").c_str(), "", "application/xml")->status, 404);

    // States: closing hides the form from devices but still takes submissions; closed
    // refuses them with a message; open brings it back.
    const QByteArray submission =
        "<data id=\"draft_demo\" version=\"2\"><region>north</region><meta><instanceID>"
        "uuid:5d1e0c1a-draft-demo-1</instanceID></meta></data>";
    QCOMPARE(sup.Patch(form.c_str(), R"({"state":"closed"})", "application/json")->status, 403);
    QCOMPARE(admin.Patch(form.c_str(), R"({"state":"asleep"})", "application/json")->status, 400);
    r = admin.Patch(form.c_str(), R"({"state":"closing"})", "application/json");
    QCOMPARE(r->status, 200);
    QCOMPARE(body(r).object().value(QStringLiteral("state")).toString(), QStringLiteral("closing"));
    QVERIFY(!listed("draft_demo"));
    r = post(submission);
    QVERIFY2(r->status == 201, r->body.c_str());
    QCOMPARE(admin.Patch(form.c_str(), R"({"state":"closed"})", "application/json")->status, 200);
    r = post(QByteArray(submission).replace("draft-demo-1", "draft-demo-2"));
    QCOMPARE(r->status, 409);
    QVERIFY2(r->body.find("closed") != std::string::npos, r->body.c_str());
    QCOMPARE(admin.Patch(form.c_str(), R"({"state":"open"})", "application/json")->status, 200);
    QVERIFY(listed("draft_demo"));
    r = admin.Get(form.c_str());
    QCOMPARE(body(r).object().value(QStringLiteral("submissions")).toInt(), 1);

    // A draft that was never published goes away with its form.
    QByteArray throwaway = QByteArray(xml).replace("draft_demo", "throwaway");
    QCOMPARE(admin.Post(forms.c_str(), throwaway.toStdString(), "application/xml")->status, 200);
    QCOMPARE(admin.Delete((forms + "/throwaway/draft").c_str())->status, 200);
    QCOMPARE(admin.Get((forms + "/throwaway").c_str())->status, 404);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM forms WHERE xml_form_id = 'throwaway'")),
             0);

    // Every change is in the audit log.
    r = admin.Get("/v1/audits");
    for (const char *action : {"form.draft", "form.draft.attachment", "form.state"})
        QVERIFY2(r->body.find(std::string("\"") + action + "\"") != std::string::npos, action);
}

void TestServerOpenRosa::servesTls()
{
    // A throwaway certificate for 127.0.0.1, made by the openssl tool.
    const QString cert = m_dir.filePath(QStringLiteral("cert.pem"));
    const QString key = m_dir.filePath(QStringLiteral("key.pem"));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                   QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                   QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert,
                   QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=IP:127.0.0.1")});
    QVERIFY2(openssl.waitForFinished(60000) && openssl.exitCode() == 0,
             openssl.readAllStandardError().constData());

    // Half a TLS configuration, or files that are not a certificate and key: refused, named.
    auto r =
        sync({QStringLiteral("serve"), QStringLiteral("--db"), db(), QStringLiteral("--listen"),
              QStringLiteral("127.0.0.1:0"), QStringLiteral("--tls-cert"), cert});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("--tls-key"), r.err.constData());
    r = sync({QStringLiteral("serve"), QStringLiteral("--db"), db(), QStringLiteral("--listen"),
              QStringLiteral("127.0.0.1:0"), QStringLiteral("--tls-cert"), m_form,
              QStringLiteral("--tls-key"), key});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("household_energy.xml"), r.err.constData());

    QProcess server;
    const QUrl base =
        serve(server, {QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key});
    QCOMPARE(base.scheme(), QStringLiteral("https"));
    QCOMPARE(base.host(), QStringLiteral("127.0.0.1"));
    httplib::SSLClient tls(base.host().toStdString(), base.port());
    tls.set_ca_cert_path(cert.toStdString());
    tls.enable_server_certificate_verification(true);
    tls.set_basic_auth("enu", "enum-password");
    tls.set_connection_timeout(10);
    auto list = tls.Get("/v1/projects/1/formList", {{"X-OpenRosa-Version", "1.0"}});
    QVERIFY2(list, httplib::to_string(list.error()).c_str());
    QCOMPARE(list->status, 200);
    // Links in the form list point back over HTTPS.
    QVERIFY2(list->body.find("<downloadUrl>https://127.0.0.1:") != std::string::npos,
             list->body.c_str());
    // Plain HTTP to the TLS port gets no answer a client could mistake for one.
    httplib::Client plain(base.host().toStdString(), base.port());
    plain.set_connection_timeout(10);
    plain.set_read_timeout(10);
    plain.set_basic_auth("enu", "enum-password");
    auto clear = plain.Get("/v1/projects/1/formList", {{"X-OpenRosa-Version", "1.0"}});
    QVERIFY(!clear || clear->status != 200);
    server.terminate();
    QVERIFY(server.waitForFinished(10000));
}

void TestServerOpenRosa::concurrentSubmissions()
{
    // A team syncing at once: every submission is stored once, none refused as "locked".
    const QByteArray xml = filledForm();
    const qsizetype start = xml.indexOf("<instanceID>") + 12;
    const QByteArray id = xml.mid(start, xml.indexOf("</instanceID>") - start);
    QVERIFY(!id.isEmpty());
    const int before = count(QStringLiteral("SELECT COUNT(*) FROM submissions"));
    constexpr int kThreads = 24;
    constexpr int kEach = 4;
    std::atomic<int> created{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int n = 0; n < kEach; ++n) {
                const QByteArray mine = QByteArray(xml).replace(
                    id, "uuid:concurrent-" + QByteArray::number(t) + "-" + QByteArray::number(n));
                const auto r = post(mine);
                if (r && r->status == 201)
                    ++created;
            }
        });
    }
    for (auto &t : threads)
        t.join();
    QCOMPARE(created.load(), kThreads * kEach);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM submissions")), before + kThreads * kEach);
}

namespace {

/// A small XLSForm (.xlsx): a text question and a photo without max-pixels (which pyxform
/// warns about), the form ID left to the fallback unless `formId` is given.
QByteArray smallXlsForm(const QString &name = QStringLiteral("where"), const QString &formId = {})
{
    using testutil::cell;
    const QByteArray survey =
        "<row r=\"1\">" + cell("A1", QStringLiteral("type")) + cell("B1", QStringLiteral("name")) +
        cell("C1", QStringLiteral("label")) + "</row><row r=\"2\">" +
        cell("A2", QStringLiteral("text")) + cell("B2", name) +
        cell("C2", QStringLiteral("Where?")) + "</row><row r=\"3\">" +
        cell("A3", QStringLiteral("image")) + cell("B3", QStringLiteral("photo")) +
        cell("C3", QStringLiteral("Photo")) + "</row>";
    QByteArray settings =
        "<row r=\"1\">" + cell("A1", QStringLiteral("form_title")) +
        cell("B1", QStringLiteral("version")) +
        (formId.isEmpty() ? QByteArray() : cell("C1", QStringLiteral("form_id"))) +
        "</row><row r=\"2\">" + cell("A2", QStringLiteral("Spreadsheet demo")) +
        cell("B2", QStringLiteral("3")) + (formId.isEmpty() ? QByteArray() : cell("C2", formId)) +
        "</row>";
    return testutil::xlsx(
        {{QStringLiteral("survey"), survey}, {QStringLiteral("settings"), settings}});
}

} // namespace

void TestServerOpenRosa::xlsformUploads()
{
    // Central's XLSForm upload: the spreadsheet as the body with its content type, the form
    // ID from X-XlsForm-FormId-Fallback when the settings give none, warnings refused until
    // ?ignoreWarnings=true, and the spreadsheet downloadable as it was sent.
    auto admin = client(true, "admin", "admin-password");
    auto sup = client(true, "sup", "sup-password-1");
    auto enu = client();
    const char *xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    const std::string forms = m_base + "/forms";
    const QString formId =
        QStringLiteral("xls_demo_%1").arg(QUuid::createUuid().toString(QUuid::Id128).left(8));
    const std::string form = forms + "/" + formId.toStdString();
    const QByteArray sheet = smallXlsForm();
    const httplib::Headers fallback{{"X-XlsForm-FormId-Fallback", formId.toStdString()}};
    const auto body = [](const httplib::Result &r) {
        return QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).object();
    };

    auto r = admin.Post(forms.c_str(), fallback, sheet.toStdString(), xlsxType);
    QCOMPARE(r->status, 400);
    QCOMPARE(body(r).value(QStringLiteral("code")).toDouble(), 400.16);
    const QJsonArray warnings = body(r)[QStringLiteral("details")][QStringLiteral("warnings")]
                                       [QStringLiteral("xlsFormWarnings")]
                                           .toArray();
    QCOMPARE(warnings.size(), 1);
    QVERIFY2(warnings.at(0).toString().contains(QStringLiteral("max-pixels")),
             qPrintable(warnings.at(0).toString()));
    QCOMPARE(admin.Get(form.c_str())->status, 404);

    r = admin.Post((forms + "?ignoreWarnings=true").c_str(), fallback, sheet.toStdString(),
                   xlsxType);
    QVERIFY2(r->status == 200, r->body.c_str());
    QCOMPARE(body(r).value(QStringLiteral("xmlFormId")).toString(), formId);
    r = admin.Get((form + "/draft.xlsx").c_str());
    QCOMPARE(r->status, 200);
    QCOMPARE(r->get_header_value("Content-Type"), std::string(xlsxType));
    QCOMPARE(QByteArray::fromStdString(r->body), sheet);
    QCOMPARE(admin.Get((form + ".xlsx").c_str())->status, 404); // not published yet
    r = admin.Get((form + "/draft.xml").c_str());
    QCOMPARE(r->status, 200);
    QVERIFY(r->body.find("<h:title>Spreadsheet demo</h:title>") != std::string::npos);
    QVERIFY(r->body.find("id=\"" + formId.toStdString() + "\" version=\"3\"") != std::string::npos);

    r = admin.Post((form + "/draft/publish").c_str(), "", "application/json");
    QVERIFY2(r->status == 200, r->body.c_str());
    for (const std::string &path : {form + ".xlsx", form + "/versions/3.xlsx"}) {
        r = sup.Get(path.c_str());
        QVERIFY2(r->status == 200, path.c_str());
        QCOMPARE(QByteArray::fromStdString(r->body), sheet);
        QCOMPARE(r->get_header_value("Content-Disposition"),
                 "attachment; filename=\"" + formId.toStdString() + ".xlsx\"");
    }
    QCOMPARE(enu.Get((form + ".xlsx").c_str())->status, 403);
    // Devices get the XForm, as from any form.
    r = enu.Get((m_base + "/formList").c_str(), {{"X-OpenRosa-Version", "1.0"}});
    QVERIFY(r->body.find("<formID>" + formId.toStdString() + "</formID>") != std::string::npos);

    // A spreadsheet that does not convert: the error names the sheet, row and column.
    r = admin.Post(forms.c_str(), fallback, smallXlsForm(QStringLiteral("2nd")).toStdString(),
                   xlsxType);
    QCOMPARE(r->status, 400);
    QCOMPARE(body(r).value(QStringLiteral("code")).toDouble(), 400.15);
    const QString error = body(r)[QStringLiteral("details")][QStringLiteral("error")].toString();
    QVERIFY2(error.contains(QStringLiteral("Sheet 'survey', row 2, column 'name'")),
             qPrintable(error));
    // Not a spreadsheet at all, and the old binary format.
    r = admin.Post(forms.c_str(), fallback, "PK\x03\x04 broken", xlsxType);
    QCOMPARE(r->status, 400);
    QCOMPARE(body(r).value(QStringLiteral("code")).toDouble(), 400.15);
    r = admin.Post(forms.c_str(), fallback, "\xd0\xcf\x11\xe0", "application/vnd.ms-excel");
    QCOMPARE(r->status, 400);
    QCOMPARE(body(r).value(QStringLiteral("code")).toDouble(), 400.15);
    // Only admins create forms, spreadsheets or not.
    QCOMPARE(sup.Post(forms.c_str(), fallback, sheet.toStdString(), xlsxType)->status, 403);

    // survey-sync form publish takes the spreadsheet file: warnings on stderr, kept too.
    const QString cliId = formId + QStringLiteral("_cli");
    const QString path = m_dir.filePath(cliId + QStringLiteral(".xlsx"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(smallXlsForm());
    file.close();
    auto published = sync(
        {QStringLiteral("form"), QStringLiteral("publish"), QStringLiteral("--db"), db(), path});
    QVERIFY2(published.exitCode == 0, published.err.constData());
    QVERIFY2(published.out.contains(("published " + cliId + " version 3").toUtf8()),
             published.out.constData());
    QVERIFY2(published.err.contains("warning:") && published.err.contains("max-pixels"),
             published.err.constData());
    r = sup.Get((forms + "/" + cliId.toStdString() + ".xlsx").c_str());
    QCOMPARE(r->status, 200);
    QCOMPARE(QByteArray::fromStdString(r->body), smallXlsForm());
    // One that does not convert is refused with the place of the problem.
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(smallXlsForm(QStringLiteral("has space")));
    file.close();
    published = sync(
        {QStringLiteral("form"), QStringLiteral("publish"), QStringLiteral("--db"), db(), path});
    QCOMPARE(published.exitCode, 1);
    QVERIFY2(published.err.contains("Sheet 'survey', row 2, column 'name'"),
             published.err.constData());
}

void TestServerOpenRosa::denialMatrix()
{
    // Every endpoint × every kind of caller: who is refused, and with which status. A
    // submission of enu2 (supervised by sup) stands for "someone else's" data: another
    // enumerator gets 404 for it (its existence is not revealed), 403 elsewhere.
    // enu2's submission from the review tests; run alone, one of its own.
    auto adminClient = client(true, "admin", "admin-password");
    auto list = adminClient.Get((m_base + "/forms/household_energy/submissions").c_str());
    QCOMPARE(list->status, 200);
    std::string theirs;
    for (const QJsonValue &v :
         QJsonDocument::fromJson(QByteArray::fromStdString(list->body)).array()) {
        if (v[QStringLiteral("submitterName")].toString() == QLatin1String("enu2"))
            theirs = v[QStringLiteral("instanceId")].toString().toStdString();
    }
    if (theirs.empty()) {
        QByteArray xml = filledForm();
        const qsizetype at = xml.indexOf("<instanceID>") + 12;
        theirs = "uuid:de11a1a1-0000-4000-8000-" +
                 QUuid::createUuid().toString(QUuid::Id128).right(12).toStdString();
        xml.replace(at, xml.indexOf("</instanceID>") - at, QByteArray::fromStdString(theirs));
        QCOMPARE(post(xml, {}, "enu2", "enu2-password")->status, 201);
    }
    const std::string form = m_base + "/forms/household_energy";
    const std::string sub = form + "/submissions/" + theirs;
    // Their submission with its photo (its current version sent again with the file: it joins
    // that version).
    auto theirXml = adminClient.Get((sub + ".xml").c_str());
    QCOMPARE(theirXml->status, 200);
    QCOMPARE(post(QByteArray::fromStdString(theirXml->body), {{"house.jpg", "JPEG"}}, "enu2",
                  "enu2-password")
                 ->status,
             201);
    const std::string current =
        QJsonDocument::fromJson(QByteArray::fromStdString(adminClient.Get(sub.c_str())->body))
            .object()[QStringLiteral("currentVersion")][QStringLiteral("instanceId")]
            .toString()
            .toStdString();
    auto versions = adminClient.Get((form + "/versions").c_str());
    const std::string formVersion =
        QJsonDocument::fromJson(QByteArray::fromStdString(versions->body))
            .array()
            .at(0)[QStringLiteral("version")]
            .toString()
            .toStdString();
    enum Level { Anyone, Owner, Supervisor, Admin };
    struct Endpoint
    {
        const char *method;
        std::string path;
        Level level;
        bool mutating;     ///< allowed callers are not tried (it would change the data)
        int allowed = 200; ///< the answer to those allowed
    };
    const std::vector<Endpoint> endpoints{
        {"GET", m_base + "/formList", Anyone, false},
        {"GET", form + ".xml", Anyone, false},
        {"HEAD", m_base + "/submission", Anyone, false, 204},
        {"POST", m_base + "/submission", Anyone, true},
        {"GET", form + "/submissions", Anyone, false},
        {"GET", m_base + "/returned", Anyone, false},
        {"GET", sub, Owner, false},
        {"GET", sub + ".xml", Owner, false},
        {"GET", sub + "/answers", Owner, false},
        {"GET", sub + "/versions", Owner, false},
        {"GET", sub + "/attachments", Owner, false},
        {"GET", sub + "/comments", Owner, false},
        {"POST", sub + "/comments", Owner, true},
        {"PATCH", sub, Supervisor, true},
        {"GET", form + "/submissions.csv.zip", Supervisor, false},
        {"GET", form + "/submissions.json", Supervisor, false},
        {"PUT", form + "/assignments/enu2", Supervisor, true},
        {"GET", "/v1/users", Admin, false},
        {"GET", "/v1/users/current", Anyone, false},
        {"POST", "/v1/users", Admin, true},
        {"DELETE", "/v1/users/enu2", Admin, true},
        {"POST", m_base + "/forms", Admin, true},
        {"GET", m_base + "/forms", Anyone, false},
        {"GET", form, Anyone, false},
        {"GET", form + "/versions", Anyone, false},
        {"GET", form + "/attachments", Anyone, false},
        {"PATCH", form, Admin, true},
        {"GET", form + "/draft", Admin, false, 404}, // allowed: there is no draft
        {"POST", form + "/draft", Admin, true},
        {"DELETE", form + "/draft", Admin, true},
        {"GET", form + "/draft/attachments", Admin, false, 404},
        {"POST", form + "/draft/attachments/x.csv", Admin, true},
        {"POST", form + "/draft/publish", Admin, true},
        {"GET", "/v1/audits", Admin, false},
        {"GET", m_base + "/review/feed", Supervisor, false},
        {"GET", m_base + "/team", Supervisor, false},
        {"GET", sub + "/versions/" + theirs + ".xml", Owner, false},
        {"GET", sub + "/attachments/house.jpg", Owner, false},
        {"GET", sub + "/versions/" + current + "/attachments/house.jpg", Owner, false},
        {"GET", form + "/versions/" + formVersion + ".xml", Anyone, false},
        // Published as an XForm: there is no spreadsheet to give (404) to those allowed.
        {"GET", form + ".xlsx", Supervisor, false, 404},
        {"GET", form + "/versions/" + formVersion + ".xlsx", Supervisor, false, 404},
        {"GET", form + "/draft.xlsx", Admin, false, 404},
    };
    struct Caller
    {
        const char *name;
        const char *password;
        Level level; ///< what it may do with enu2's submission
        bool signedIn;
        bool everywhere; ///< failed sign-ins are slowed down: those try a few endpoints
    };
    const std::vector<Caller> callers{{"", "", Anyone, false, true},
                                      {"enu", "wrong-password", Anyone, false, false},
                                      {"gone", "gone-password", Anyone, false, false}, // disabled
                                      {"enu", "enum-password", Anyone, true, true},
                                      {"sup", "sup-password-1", Supervisor, true, true},
                                      {"admin", "admin-password", Admin, true, true}};
    const std::vector<std::string> sample{m_base + "/formList", "/v1/users"};
    const httplib::Headers headers{{"X-OpenRosa-Version", "1.0"}};
    QStringList wrong;
    for (const Caller &who : callers) {
        auto c = client(who.name[0] != '\0', who.name, who.password);
        for (const Endpoint &e : endpoints) {
            const bool allowed = who.signedIn && who.level >= e.level;
            if ((allowed && e.mutating) ||
                (!who.everywhere &&
                 std::find(sample.begin(), sample.end(), e.path) == sample.end()))
                continue;
            const std::string body = "{}";
            const auto send = [&]() -> httplib::Result {
                if (!std::strcmp(e.method, "GET"))
                    return c.Get(e.path.c_str(), headers);
                if (!std::strcmp(e.method, "HEAD"))
                    return c.Head(e.path.c_str(), headers);
                if (!std::strcmp(e.method, "POST"))
                    return c.Post(e.path.c_str(), headers, body, "application/json");
                if (!std::strcmp(e.method, "PUT"))
                    return c.Put(e.path.c_str(), headers, body, "application/json");
                if (!std::strcmp(e.method, "PATCH"))
                    return c.Patch(e.path.c_str(), headers, body, "application/json");
                return c.Delete(e.path.c_str(), headers);
            };
            const auto r = send();
            const int got = r ? r->status : -1;
            // Someone else's submission is answered as if it did not exist.
            const bool hidden = who.level < Supervisor && e.path.rfind(sub, 0) == 0;
            const int want = !who.signedIn ? 401 : allowed ? e.allowed : hidden ? 404 : 403;
            const bool ok = got == want;
            if (!ok)
                wrong << QStringLiteral("%1 %2 as '%3': %4 (want %5)")
                             .arg(QLatin1String(e.method), QString::fromStdString(e.path),
                                  QLatin1String(who.name))
                             .arg(got)
                             .arg(want);
        }
    }
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));
}

void TestServerOpenRosa::stalledClientsTimeOut()
{
    // A client that stops half-way through its request is cut off after --timeout-s; the
    // server keeps serving others meanwhile and afterwards, and stores nothing.
    QProcess server;
    const QUrl base = serve(server, {QStringLiteral("--insecure-http"),
                                     QStringLiteral("--timeout-s"), QStringLiteral("1")});
    QVERIFY(base.isValid());
    const int before = count(QStringLiteral("SELECT COUNT(*) FROM submissions"));
    const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(sock >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<quint16>(base.port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(sock, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
    const std::string partial = "POST /v1/projects/1/submission HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Content-Length: 100000\r\nContent-Type: multipart/form-data; "
                                "boundary=x\r\n\r\n--x\r\n";
    QCOMPARE(::send(sock, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
    // Others are served while it stalls.
    httplib::Client other(base.host().toStdString(), base.port());
    other.set_basic_auth("enu", "enum-password");
    auto r = other.Get("/v1/projects/1/formList", {{"X-OpenRosa-Version", "1.0"}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    // The server closes the stalled connection: recv() ends (0 or an error) within far less
    // than the 20 s this socket waits at most.
    timeval wait{20, 0};
    QCOMPARE(::setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait), 0);
    QElapsedTimer timer;
    timer.start();
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::recv(sock, buffer, sizeof buffer, 0)) > 0) {
    }
    const int recvErrno = errno;
    ::close(sock);
    QVERIFY2(n == 0 || recvErrno != EAGAIN, "the stalled connection was not closed");
    QVERIFY2(timer.elapsed() < 8000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM submissions")), before);
    r = other.Get("/v1/projects/1/formList", {{"X-OpenRosa-Version", "1.0"}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    server.terminate();
    QVERIFY(server.waitForFinished(10000));
}

void TestServerOpenRosa::dataDirUnusable()
{
    // --data-dir holds the server's working files. A data folder that cannot be made is
    // refused at start; one that goes away (or fills up) later makes exports answer 507
    // with a message while submissions carry on.
    const QString data = m_dir.filePath(QStringLiteral("data"));
    QFile blocker(m_dir.filePath(QStringLiteral("not-a-folder")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const auto refused =
        sync({QStringLiteral("serve"), QStringLiteral("--db"), db(), QStringLiteral("--listen"),
              QStringLiteral("127.0.0.1:0"), QStringLiteral("--insecure-http"),
              QStringLiteral("--data-dir"), blocker.fileName()});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("not-a-folder"), refused.err.constData());

    QProcess server;
    const QUrl base =
        serve(server, {QStringLiteral("--insecure-http"), QStringLiteral("--data-dir"), data});
    QVERIFY(base.isValid());
    QVERIFY(QFileInfo(data).isDir());
    httplib::Client sup(base.host().toStdString(), base.port());
    sup.set_basic_auth("sup", "sup-password-1");
    const std::string path = "/v1/projects/1/forms/household_energy/submissions.csv.zip";
    auto r = sup.Get(path.c_str());
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    // The folder is replaced by a file: nowhere to write the export.
    // (Renamed away, not deleted: the server may still be removing the last export's files.)
    QVERIFY(QDir().rename(data, data + QStringLiteral("-gone")));
    QFile in(data);
    QVERIFY(in.open(QIODevice::WriteOnly));
    in.close();
    r = sup.Get(path.c_str());
    QVERIFY(r);
    QCOMPARE(r->status, 507);
    QVERIFY2(r->body.find("disk") != std::string::npos, r->body.c_str());
    // Intake does not depend on it.
    const QByteArray xml = filledForm();
    const qsizetype start = xml.indexOf("<instanceID>") + 12;
    const QByteArray id = xml.mid(start, xml.indexOf("</instanceID>") - start);
    httplib::Client enu(base.host().toStdString(), base.port());
    enu.set_basic_auth("enu", "enum-password");
    r = enu.Post(
        "/v1/projects/1/submission", {{"X-OpenRosa-Version", "1.0"}},
        httplib::MultipartFormDataItems{
            {"xml_submission_file", QByteArray(xml).replace(id, "uuid:data-dir-gone").toStdString(),
             "submission.xml", "text/xml"}});
    QVERIFY(r);
    QCOMPARE(r->status, 201);
    server.terminate();
    QVERIFY(server.waitForFinished(10000));
}

void TestServerOpenRosa::diskFull()
{
    // The server's database cannot grow (a file size limit stands in for a full disk):
    // submissions are refused with 507 and a message saying so, none half-stored, the
    // server keeps running and reading; once there is room again the same records go in.
    if (!db().startsWith(QLatin1String("sqlite:")))
        QSKIP("the disk under PostgreSQL is PostgreSQL's own; this test is for SQLite");
    const QString file = db().mid(7);
    value(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    const qint64 limit = QFileInfo(file).size() + 512 * 1024;
    QProcess server;
    server.setChildProcessModifier([limit] {
        const rlimit fsize{static_cast<rlim_t>(limit), static_cast<rlim_t>(limit)};
        setrlimit(RLIMIT_FSIZE, &fsize);
        std::signal(SIGXFSZ, SIG_IGN); // write() then fails with EFBIG instead
    });
    const QUrl base = serve(server, {QStringLiteral("--insecure-http")});
    QVERIFY(base.isValid());
    httplib::Client c(base.host().toStdString(), base.port());
    c.set_basic_auth("enu", "enum-password");
    c.set_read_timeout(30);
    const QByteArray xml = filledForm();
    const qsizetype start = xml.indexOf("<instanceID>") + 12;
    const QByteArray original = xml.mid(start, xml.indexOf("</instanceID>") - start);
    const std::string photo(256 * 1024, 'p');
    const auto submission = [&](int i) {
        return QByteArray(xml).replace(original, "uuid:d15cf011-" + QByteArray::number(i));
    };
    const auto send = [&](httplib::Client &to, int i) {
        return to.Post(
            "/v1/projects/1/submission", {{"X-OpenRosa-Version", "1.0"}},
            httplib::MultipartFormDataItems{
                {"xml_submission_file", submission(i).toStdString(), "s.xml", "text/xml"},
                {"house.jpg", photo, "house.jpg", "image/jpeg"}});
    };
    const int before = count(QStringLiteral("SELECT COUNT(*) FROM submissions"));
    int stored = 0;
    std::vector<int> refused;
    for (int i = 0; i < 400 && refused.size() < 3; ++i) {
        const auto r = send(c, i);
        QVERIFY2(r, "the server stopped answering");
        if (r->status == 201) {
            QVERIFY2(refused.empty(), "a submission went in after the disk was full");
            ++stored;
            continue;
        }
        QVERIFY2(r->status == 507, r->body.c_str());
        QVERIFY2(r->body.find("disk") != std::string::npos, r->body.c_str());
        refused.push_back(i);
    }
    QVERIFY2(!refused.empty(), "the file size limit was never reached");
    QVERIFY(stored > 0);
    qInfo("%d submissions stored before the disk was full, then %d refused", stored,
          static_cast<int>(refused.size()));
    // Still up, and reading works.
    auto list = c.Get("/v1/projects/1/formList", {{"X-OpenRosa-Version", "1.0"}});
    QVERIFY(list);
    QCOMPARE(list->status, 200);
    server.kill();
    server.waitForFinished();

    QCOMPARE(value(QStringLiteral("PRAGMA integrity_check")).toString(), QStringLiteral("ok"));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM submissions")), before + stored);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM submission_versions v JOIN "
                                  "submission_attachments a ON a.version_id = v.id WHERE "
                                  "v.instance_id LIKE 'uuid:d15cf011-%'")),
             stored);
    // With room again (the main server has no limit) the refused records are taken.
    auto main = client();
    for (int i : refused) {
        const auto r = send(main, i);
        QVERIFY(r);
        QVERIFY2(r->status == 201, r->body.c_str());
    }
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM submissions")),
             before + stored + static_cast<int>(refused.size()));
}

QTEST_GUILESS_MAIN(TestServerOpenRosa)
#include "tst_server_openrosa.moc"
