// SPDX-License-Identifier: GPL-3.0-or-later
// The sync client against a real survey-sync process on 127.0.0.1: 1,000 records pushed
// exactly once, forms and media pulled once, split uploads, the way back for returned
// records; and faults: the server killed and restarted mid-batch, and a proxy in this test
// that drops, stalls and cuts connections and answers 500, 502 and a 200 "login page".
#include "autosender.h"
#include "faultproxy.h"
#include "store.h"
#include "syncclient.h"
#include "testutil.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QUuid>

#include <memory>

using namespace survey;
using store::RecordState;
using store::Store;
using store::StoreError;

/// A connection the test switches on and off.
class FakeNetwork : public sync::NetworkState
{
    Q_OBJECT
public:
    bool online() const override { return isOnline; }
    bool unmetered() const override { return isUnmetered; }
    void set(bool on, bool unmeteredNow)
    {
        isOnline = on;
        isUnmetered = unmeteredNow;
        Q_EMIT changed();
    }
    bool isOnline = false;
    bool isUnmetered = false;
};

class TestSync : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void retryPolicyAndOutcomes();
    void pushThousand();
    void formsPulledOnceAndChecked();
    void splitUploads();
    void captivePortalAndSignIn();
    void appUserAddressSendsNoPassword();
    void refusalsExplained();
    void cliSync();
    void serverKilledAndRestarted();
    void faultyNetwork();
    void returnedAndCorrected();
    void cancelAndResume();
    void autoSend();
    void identifiesItself();
    void refusalsInTheServersWords();

private:
    testutil::Run sync(const QStringList &args, const QByteArray &in = {})
    {
        return testutil::runProgram(QStringLiteral(SURVEY_SYNC), args, in);
    }
    QString db() const
    {
        return QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("s.db"));
    }
    /// Starts survey-sync on `port` (0: any) and returns the project's OpenRosa address.
    QUrl startServer(quint16 port)
    {
        m_server = std::make_unique<QProcess>();
        return testutil::startAndReadUrl(
            *m_server, QStringLiteral(SURVEY_SYNC),
            {QStringLiteral("serve"), QStringLiteral("--db"), db(), QStringLiteral("--listen"),
             QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--insecure-http"),
             QStringLiteral("--max-body-mb"), QStringLiteral("1")});
    }
    void stopServer()
    {
        if (m_server && m_server->state() != QProcess::NotRunning) {
            m_server->kill();
            m_server->waitForFinished();
        }
    }
    int serverCount(const QString &sql)
    {
        return testutil::sqliteCount(m_dir.filePath(QStringLiteral("s.db")), sql);
    }
    std::unique_ptr<Store> device(QTemporaryDir &dir)
    {
        StoreError e;
        auto s = Store::open(dir.path(), &e);
        if (s) {
            for (const char *form : {"/meter.xml", "/photos.xml"})
                s->addForm(
                    testutil::readFile(QStringLiteral(SURVEY_TEST_DATA) + QLatin1String(form)), {},
                    QString(), &e);
        }
        return s;
    }
    /// `n` finalized meter readings; their instanceIDs.
    QStringList addReadings(Store &s, int n)
    {
        QStringList ids;
        const auto form = s.currentForm(QStringLiteral("meter"), nullptr);
        for (int i = 0; i < n; ++i) {
            const QString id =
                QStringLiteral("uuid:") + QUuid::createUuid().toString(QUuid::WithoutBraces);
            const QByteArray xml = QStringLiteral("<data id=\"meter\" version=\"1\"><kwh>%1</kwh>"
                                                  "<meta><instanceID>%2</instanceID></meta></data>")
                                       .arg(i)
                                       .arg(id)
                                       .toUtf8();
            StoreError e;
            if (!s.createDraft(form->row, id, xml, QString(), &e) || !s.finalize(id, xml, &e))
                qFatal("%s", qPrintable(e.message));
            ids << id;
        }
        return ids;
    }
    sync::SyncClient *client(Store &s, const QUrl &base, const QString &password = {})
    {
        auto *c =
            new sync::SyncClient(s,
                                 {base, QStringLiteral("enu"),
                                  password.isEmpty() ? QStringLiteral("enum-password") : password},
                                 this);
        c->setRetryPolicy(
            sync::RetryPolicy(std::chrono::milliseconds(10), std::chrono::milliseconds(200), 3));
        c->setTransferTimeout(std::chrono::milliseconds(3000));
        return c;
    }
    /// Runs a whole sync and returns its summary.
    sync::SyncSummary runSync(sync::SyncClient *c)
    {
        QSignalSpy done(c, &sync::SyncClient::finished);
        c->syncAll();
        if (done.isEmpty() && !done.wait(300000))
            qFatal("the sync did not finish");
        return done.first().first().value<sync::SyncSummary>();
    }
    QUrl through(const FaultProxy &proxy, const QUrl &base)
    {
        QUrl u = base;
        u.setPort(proxy.port());
        return u;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_server;
    QUrl m_base;
};

void TestSync::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // The meter form, and the photo form with a media file (a CSV it does not read).
    QVERIFY(testutil::seedServer(QStringLiteral(SURVEY_SYNC), db(),
                                 {{QStringLiteral("sup"),
                                   QStringLiteral("supervisor"),
                                   QStringLiteral("sup-password-1"),
                                   {}},
                                  {QStringLiteral("enu"), QStringLiteral("enumerator"),
                                   QStringLiteral("enum-password"), QStringLiteral("sup")}},
                                 {QStringLiteral(SURVEY_TEST_DATA "/meter.xml"),
                                  QStringLiteral(SURVEY_TEST_DATA "/photos.xml")}));
    m_base = startServer(0);
    QVERIFY(m_base.isValid());
}

void TestSync::cleanupTestCase()
{
    stopServer();
}

void TestSync::retryPolicyAndOutcomes()
{
    // Backoff: full jitter under a bound that doubles per attempt up to the cap.
    const sync::RetryPolicy policy(std::chrono::milliseconds(100), std::chrono::milliseconds(1000),
                                   4);
    QSet<qint64> seen;
    for (int attempt = 0; attempt < 8; ++attempt) {
        const qint64 bound = std::min<qint64>(1000, 100 << attempt);
        for (int i = 0; i < 200; ++i) {
            const qint64 d = policy.delay(attempt).count();
            QVERIFY2(d >= 1 && d <= bound + 1, qPrintable(QString::number(d)));
            seen.insert(d);
        }
    }
    QVERIFY(seen.size() > 100); // jittered, not fixed
    // The one place that decides what an answer means.
    using K = sync::Outcome::Kind;
    const std::vector<int> posted{201, 202};
    const auto kind = [&](int status) {
        return sync::classify(QNetworkReply::NoError, QString(), status, posted, QString()).kind;
    };
    QCOMPARE(kind(201), K::Success);
    QCOMPARE(kind(202), K::Success);
    QCOMPARE(kind(200), K::NotServer);
    QCOMPARE(kind(204), K::NotServer);
    QCOMPARE(kind(401), K::SignIn);
    for (int status : {400, 403, 404, 409, 413})
        QCOMPARE(kind(status), K::Refused);
    for (int status : {408, 429, 500, 502, 503, 504})
        QCOMPARE(kind(status), K::Retry);
    QCOMPARE(sync::classify(QNetworkReply::ConnectionRefusedError, QStringLiteral("refused"), 0,
                            posted, QString())
                 .kind,
             K::Retry);
    QCOMPARE(sync::classify(QNetworkReply::SslHandshakeFailedError, QStringLiteral("bad cert"), 0,
                            posted, QString())
                 .kind,
             K::Insecure);
    // The server's own words come with a refusal.
    const auto conflict = sync::classify(QNetworkReply::ContentConflictError, QString(), 409,
                                         posted, QStringLiteral("the form is closed"));
    QVERIFY(conflict.message.contains(QStringLiteral("the form is closed")));
    QCOMPARE(sync::serverMessage("<OpenRosaResponse xmlns=\"http://openrosa.org/http/response\">"
                                 "<message nature=\"error\">closed</message></OpenRosaResponse>"),
             QStringLiteral("closed"));
    QCOMPARE(sync::serverMessage(R"({"code":403.1,"message":"no"})"), QStringLiteral("no"));
}

void TestSync::pushThousand()
{
    QTemporaryDir dir;
    auto s = device(dir);
    QVERIFY(s);
    const int before = serverCount(QStringLiteral("SELECT COUNT(*) FROM submissions"));
    const QStringList ids = addReadings(*s, 1000);
    auto *c = client(*s, m_base);
    QSignalSpy progress(c, &sync::SyncClient::progress);
    const auto summary = runSync(c);
    QVERIFY2(summary.problems.isEmpty(), qPrintable(summary.problems.join(QLatin1Char('\n'))));
    QCOMPARE(summary.sent, 1000);
    QCOMPARE(summary.failed, 0);
    QCOMPARE(serverCount(QStringLiteral("SELECT COUNT(*) FROM submissions")), before + 1000);
    StoreError e;
    QCOMPARE(s->records(RecordState::Sent, &e).size(), std::size_t(1000));
    QVERIFY(s->outbox(false, &e).empty());
    // Progress reached 1,000 of 1,000 records.
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().at(0).toInt(), 1000);
    QCOMPARE(progress.last().at(1).toInt(), 1000);
    // Syncing again sends nothing.
    QCOMPARE(runSync(c).sent, 0);
    QCOMPARE(serverCount(QStringLiteral("SELECT COUNT(*) FROM submissions")), before + 1000);
}

void TestSync::formsPulledOnceAndChecked()
{
    // A fresh device gets both forms; a second sync downloads nothing again.
    FaultProxy proxy(static_cast<quint16>(m_base.port()));
    QVERIFY(proxy.listen());
    QTemporaryDir dir;
    StoreError e;
    auto s = Store::open(dir.path(), &e);
    QVERIFY(s);
    auto *c = client(*s, through(proxy, m_base));
    auto summary = runSync(c);
    QVERIFY2(summary.problems.isEmpty(), qPrintable(summary.problems.join(QLatin1Char('\n'))));
    QCOMPARE(summary.formsUpdated, 2);
    const auto forms = s->forms(true, &e);
    QCOMPARE(forms.size(), std::size_t(2));
    for (const auto &f : forms)
        QCOMPARE(f.server, through(proxy, m_base).toString());
    const auto downloads = [&] {
        return proxy.requests.filter(QRegularExpression(QStringLiteral("^GET .*/forms/"))).size();
    };
    QCOMPARE(downloads(), 2);
    summary = runSync(c);
    QCOMPARE(summary.formsUpdated, 0);
    QCOMPARE(downloads(), 2);
    // A form the server changes gets a new version here; the old one stays.
    QByteArray v2 = testutil::readFile(QStringLiteral(SURVEY_TEST_DATA "/meter.xml"));
    v2.replace("version=\"1\"", "version=\"2\"");
    QFile f(m_dir.filePath(QStringLiteral("meter-v2.xml")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(v2);
    f.close();
    QCOMPARE(sync({QStringLiteral("form"), QStringLiteral("publish"), QStringLiteral("--db"), db(),
                   f.fileName()})
                 .exitCode,
             0);
    summary = runSync(c);
    QCOMPARE(summary.formsUpdated, 1);
    QCOMPARE(downloads(), 3);
    QCOMPARE(s->currentForm(QStringLiteral("meter"), &e)->version, QStringLiteral("2"));
    QCOMPARE(s->forms(false, &e).size(), std::size_t(3));
}

void TestSync::splitUploads()
{
    // The server takes 1 MB per request (--max-body-mb 1): a record with three 400 kB
    // photos goes in two or more POSTs, the XML repeated, all but the last marked
    // *isIncomplete*; one with 150 small files goes in two (100 files per POST at most).
    FaultProxy proxy(static_cast<quint16>(m_base.port()));
    QVERIFY(proxy.listen());
    QTemporaryDir dir;
    auto s = device(dir);
    QVERIFY(s);
    StoreError e;
    const auto form = s->currentForm(QStringLiteral("photos"), &e);
    QVERIFY(form);
    const auto record = [&](const QString &id, int files, int size) {
        QString shots; // one photo per repeat instance: the server keeps only files named
        for (int i = 0; i < files; ++i)
            shots += QStringLiteral("<shot><photo>p%1.jpg</photo></shot>").arg(i);
        const QByteArray xml = QStringLiteral("<data id=\"photos\" version=\"1\"><site>A</site>"
                                              "%2<meta><instanceID>%1</instanceID></meta></data>")
                                   .arg(id, shots)
                                   .toUtf8();
        QVERIFY(s->createDraft(form->row, id, xml, QString(), &e));
        for (int i = 0; i < files; ++i)
            QVERIFY(s->putAttachment(id, QStringLiteral("p%1.jpg").arg(i),
                                     QByteArray(size, static_cast<char>('a' + i % 26)), &e));
        QVERIFY(s->finalize(id, xml, &e));
    };
    record(QStringLiteral("uuid:split-big"), 3, 400'000);
    record(QStringLiteral("uuid:split-many"), 150, 100);
    auto *c = client(*s, through(proxy, m_base));
    QSignalSpy progress(c, &sync::SyncClient::progress);
    const auto summary = runSync(c);
    QVERIFY2(summary.failed == 0, qPrintable(summary.problems.join(QLatin1Char('\n'))));
    QCOMPARE(summary.sent, 2);
    // Bytes progress reached the whole: at least the 1.2 MB of photos and 15 kB of files.
    const qint64 bytesTotal = progress.last().at(3).toLongLong();
    QVERIFY(bytesTotal >= 3 * 400'000 + 150 * 100);
    QCOMPARE(progress.last().at(2).toLongLong(), bytesTotal);
    QVERIFY(proxy.requests.filter(QStringLiteral("POST")).size() >= 4);
    const auto stored = [&](const char *id) {
        return serverCount(QStringLiteral("SELECT COUNT(*) FROM submission_attachments a JOIN "
                                          "submission_versions v ON v.id = a.version_id WHERE "
                                          "v.instance_id = '%1'")
                               .arg(QLatin1String(id)));
    };
    QCOMPARE(stored("uuid:split-big"), 3);
    QCOMPARE(stored("uuid:split-many"), 150);
    QCOMPARE(serverCount(QStringLiteral("SELECT COUNT(*) FROM submission_versions WHERE "
                                        "instance_id LIKE 'uuid:split-%'")),
             2);
    // The bytes arrived intact.
    QCOMPARE(serverCount(QStringLiteral("SELECT COUNT(*) FROM submission_attachments WHERE "
                                        "hash = '%1'")
                             .arg(QString::fromLatin1(
                                 "md5:" + QCryptographicHash::hash(QByteArray(400'000, 'b'),
                                                                   QCryptographicHash::Md5)
                                              .toHex()))),
             1);
}

void TestSync::captivePortalAndSignIn()
{
    // A Wi-Fi login page answers 200 to everything: nothing counts as sent, the records
    // stay queued, and the log says what happened.
    FaultProxy proxy(static_cast<quint16>(m_base.port()));
    QVERIFY(proxy.listen());
    proxy.choose = [] { return FaultProxy::Fault::LoginPage; };
    QTemporaryDir dir;
    auto s = device(dir);
    QVERIFY(s);
    const QStringList ids = addReadings(*s, 3);
    auto *c = client(*s, through(proxy, m_base));
    auto summary = runSync(c);
    QCOMPARE(summary.sent, 0);
    QCOMPARE(summary.failed, 3);
    StoreError e;
    QCOMPARE(s->records(RecordState::Finalized, &e).size(), std::size_t(3));
    const auto log = s->syncLog(10, ids[0], &e);
    QVERIFY(!log.empty());
    QVERIFY2(log[0].message.contains(QStringLiteral("login page")), qPrintable(log[0].message));
    // The log is shown in the language of whoever reads it, not the one it was written in.
    const QStringList showLog{QStringLiteral("store"), QStringLiteral("--data"), dir.path(),
                              QStringLiteral("log"), ids[0]};
    const auto english = testutil::runCli(showLog, {}, {QStringLiteral("LC_ALL=C.UTF-8")});
    QCOMPARE(english.exitCode, 0);
    QVERIFY2(english.out.contains("Wi-Fi login page"), english.out.constData());
    const auto chinese = testutil::runCli(showLog, {}, {QStringLiteral("LC_ALL=zh_CN.UTF-8")});
    QCOMPARE(chinese.exitCode, 0);
    QVERIFY2(chinese.out.contains("Wi-Fi 登录页面"), chinese.out.constData());
    // Wrong password on a push alone (as automatic sending does): the preflight's 401 is
    // read as such at once, not waited on until a timeout.
    auto *pushOnly = client(*s, m_base, QStringLiteral("not-the-password"));
    pushOnly->setTransferTimeout(std::chrono::milliseconds(20000));
    QSignalSpy pushed(pushOnly, &sync::SyncClient::finished);
    QElapsedTimer clock;
    clock.start();
    pushOnly->push();
    QVERIFY(pushed.wait(60000));
    QVERIFY(pushed.first().first().value<sync::SyncSummary>().signInFailed);
    QVERIFY2(clock.elapsed() < 5000, "the 401 to HEAD was waited on");
    // Wrong password: the run stops at once with that reason; nothing is lost.
    auto *wrong = client(*s, m_base, QStringLiteral("not-the-password"));
    summary = runSync(wrong);
    QVERIFY(summary.signInFailed);
    QCOMPARE(summary.sent, 0);
    QCOMPARE(s->records(RecordState::Finalized, &e).size(), std::size_t(3));
    // With the network and password right, they go.
    summary = runSync(client(*s, m_base));
    QCOMPARE(summary.sent, 3);
    QCOMPARE(s->records(RecordState::Sent, &e).size(), std::size_t(3));
}

void TestSync::appUserAddressSendsNoPassword()
{
    // An ODK Central app-user address carries its token: no password goes with it. (Our
    // server has no such addresses and answers 404, which stops nothing.)
    FaultProxy proxy(static_cast<quint16>(m_base.port()));
    QVERIFY(proxy.listen());
    QTemporaryDir dir;
    auto s = device(dir);
    QVERIFY(s);
    QUrl keyed = through(proxy, m_base);
    keyed.setPath(QStringLiteral("/v1/key/Zx8Token/projects/1"));
    auto *c = client(*s, keyed);
    const auto summary = runSync(c);
    QVERIFY(!summary.problems.isEmpty()); // the form list is not there
    QVERIFY(!proxy.heads.isEmpty());
    for (const QByteArray &head : proxy.heads) {
        QVERIFY2(head.startsWith("GET /v1/key/Zx8Token/projects/1/"), head.constData());
        QVERIFY2(!head.toLower().contains("authorization:"), head.constData());
    }
    // The same client on an ordinary address does sign in.
    proxy.heads.clear();
    runSync(client(*s, through(proxy, m_base)));
    QVERIFY(!proxy.heads.isEmpty());
    QVERIFY(proxy.heads.first().toLower().contains("authorization: basic "));
}

void TestSync::refusalsExplained()
{
    // One record conflicts with what the server holds (409), one has a file larger than
    // the server takes: both stay queued with the reason in words; the third goes.
    QTemporaryDir dir;
    auto s = device(dir);
    QVERIFY(s);
    StoreError e;
    const QString taken = addReadings(*s, 1).first();
    QVERIFY(runSync(client(*s, m_base)).sent == 1);
    // The same instanceID with other answers, on another device.
    QTemporaryDir otherDir;
    auto other = device(otherDir);
    const auto meter = other->currentForm(QStringLiteral("meter"), &e);
    const QByteArray changed = QStringLiteral("<data id=\"meter\" version=\"1\"><kwh>999</kwh>"
                                              "<meta><instanceID>%1</instanceID></meta></data>")
                                   .arg(taken)
                                   .toUtf8();
    QVERIFY(other->createDraft(meter->row, taken, changed, QString(), &e));
    QVERIFY(other->finalize(taken, changed, &e));
    const auto photos = other->currentForm(QStringLiteral("photos"), &e);
    const QString big = QStringLiteral("uuid:too-big-for-1mb");
    const QByteArray xml = QStringLiteral("<data id=\"photos\" version=\"1\"><site>B</site>"
                                          "<shot><photo>big.jpg</photo></shot><meta><instanceID>%1"
                                          "</instanceID></meta></data>")
                               .arg(big)
                               .toUtf8();
    QVERIFY(other->createDraft(photos->row, big, xml, QString(), &e));
    QVERIFY(other->putAttachment(big, QStringLiteral("big.jpg"), QByteArray(1'500'000, 'x'), &e));
    QVERIFY(other->finalize(big, xml, &e));
    // A photo deleted behind the store's back: that record waits, saying which file.
    const QString lost = QStringLiteral("uuid:file-lost");
    const QByteArray lostXml = QByteArray(xml).replace(big.toUtf8(), lost.toUtf8());
    QVERIFY(other->createDraft(photos->row, lost, lostXml, QString(), &e));
    QVERIFY(other->putAttachment(lost, QStringLiteral("big.jpg"), "small", &e));
    QVERIFY(other->finalize(lost, lostXml, &e));
    QVERIFY(QFile::remove(other->attachments(lost, &e).front().path));
    const QString fine = addReadings(*other, 1).first();
    const auto summary = runSync(client(*other, m_base));
    QCOMPARE(summary.sent, 1);
    QCOMPARE(summary.failed, 3);
    QCOMPARE(other->record(lost, &e)->state, RecordState::Finalized);
    const auto lostLog = other->syncLog(1, lost, &e);
    QVERIFY2(lostLog[0].message.contains(QStringLiteral("big.jpg")),
             qPrintable(lostLog[0].message));
    QCOMPARE(serverCount(QStringLiteral("SELECT COUNT(*) FROM submission_versions WHERE "
                                        "instance_id = '%1'")
                             .arg(lost)),
             0);
    QCOMPARE(other->record(fine, &e)->state, RecordState::Sent);
    QCOMPARE(other->record(taken, &e)->state, RecordState::Finalized);
    QCOMPARE(other->record(big, &e)->state, RecordState::Finalized);
    const auto conflict = other->syncLog(1, taken, &e);
    QVERIFY2(conflict[0].message.contains(QStringLiteral("409")), qPrintable(conflict[0].message));
    QVERIFY2(conflict[0].message.contains(QStringLiteral("different submission")),
             qPrintable(conflict[0].message)); // the server's own words come along
    const auto tooBig = other->syncLog(1, big, &e);
    QVERIFY2(tooBig[0].message.contains(QStringLiteral("larger than the server accepts")),
             qPrintable(tooBig[0].message));
    // The server kept the first version only.
    QCOMPARE(serverCount(QStringLiteral("SELECT COUNT(*) FROM submission_versions WHERE "
                                        "instance_id = '%1'")
                             .arg(taken)),
             1);
}

void TestSync::cliSync()
{
    // survey-cli sync: the contract's last line and exit codes.
    QTemporaryDir dir;
    const QString examples = QStringLiteral(SURVEY_TEST_DATA "/");
    auto r =
        testutil::runCli({QStringLiteral("form"), QStringLiteral("add"), QStringLiteral("--data"),
                          dir.path(), examples + QStringLiteral("meter.xml")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QFile answers(dir.filePath(QStringLiteral("a.json")));
    QVERIFY(answers.open(QIODevice::WriteOnly));
    answers.write(R"({"/data/kwh": 1234})");
    answers.close();
    for (int i = 0; i < 2; ++i) {
        r = testutil::runCli({QStringLiteral("new"), QStringLiteral("--data"), dir.path(),
                              QStringLiteral("meter"), QStringLiteral("--answers"),
                              answers.fileName(), QStringLiteral("--finalize")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }
    const QStringList syncArgs{QStringLiteral("sync"),
                               QStringLiteral("--data"),
                               dir.path(),
                               QStringLiteral("--server"),
                               m_base.toString(),
                               QStringLiteral("--user"),
                               QStringLiteral("enu"),
                               QStringLiteral("--password-stdin")};
    r = testutil::runCli(syncArgs, "enum-password\n");
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(r.out.trimmed().split('\n').last(), QByteArray("sent 2, failed 0, returned 0"));
    r = testutil::runCli({QStringLiteral("store"), QStringLiteral("--data"), dir.path(),
                          QStringLiteral("list"), QStringLiteral("--json")});
    for (const QJsonValue &v : QJsonDocument::fromJson(r.out).array())
        QCOMPARE(v.toObject().value(QStringLiteral("state")).toString(), QStringLiteral("sent"));
    // A wrong password: exit 1, the reason on stderr, the line still last.
    r = testutil::runCli({QStringLiteral("new"), QStringLiteral("--data"), dir.path(),
                          QStringLiteral("meter"), QStringLiteral("--answers"), answers.fileName(),
                          QStringLiteral("--finalize")});
    r = testutil::runCli(syncArgs, "wrong-password\n");
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("password"), r.err.constData());
    QCOMPARE(r.out.trimmed().split('\n').last(), QByteArray("sent 0, failed 1, returned 0"));
}

void TestSync::serverKilledAndRestarted()
{
    // The server is killed (SIGKILL) and started again on the same port 20 times while a
    // batch is being sent. Runs are repeated until nothing is left; then every record is on
    // the server exactly once and marked sent here.
    QTemporaryDir dir;
    auto s = device(dir);
    QVERIFY(s);
    const QStringList ids = addReadings(*s, 400);
    const int before = serverCount(QStringLiteral("SELECT COUNT(*) FROM submissions"));
    const quint16 port = static_cast<quint16>(m_base.port());
    auto *c = client(*s, m_base);
    int kills = 0;
    int sentSinceKill = 0;
    connect(c, &sync::SyncClient::recordSent, this, [&] {
        if (kills < 20 && ++sentSinceKill >= 15) {
            sentSinceKill = 0;
            ++kills;
            stopServer();
            QVERIFY(startServer(port).isValid());
        }
    });
    StoreError e;
    for (int run = 0; run < 50 && !s->outbox(false, &e).empty(); ++run)
        runSync(c);
    QCOMPARE(kills, 20);
    QVERIFY(s->outbox(false, &e).empty());
    QCOMPARE(s->records(RecordState::Sent, &e).size(), std::size_t(400));
    QCOMPARE(serverCount(QStringLiteral("SELECT COUNT(*) FROM submissions")), before + 400);
    QCOMPARE(serverCount(QStringLiteral("SELECT COUNT(*) FROM (SELECT instance_id FROM "
                                        "submission_versions GROUP BY instance_id HAVING "
                                        "COUNT(*) > 1)")),
             0);
}

void TestSync::faultyNetwork()
{
    // A third of the connections misbehave: dropped, stalled, cut after the server has
    // answered, 500, 502, or a 200 login page. Runs repeat until nothing is left.
    FaultProxy proxy(static_cast<quint16>(m_base.port()));
    QVERIFY(proxy.listen());
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo("seed %u", seed);
    auto random = std::make_shared<QRandomGenerator>(seed);
    proxy.choose = [random] {
        const int roll = static_cast<int>(random->bounded(18));
        return roll < 12 ? FaultProxy::Fault::Pass : static_cast<FaultProxy::Fault>(roll - 11);
    };
    QTemporaryDir dir;
    auto s = device(dir);
    QVERIFY(s);
    const QStringList ids = addReadings(*s, 300);
    const int before = serverCount(QStringLiteral("SELECT COUNT(*) FROM submissions"));
    proxy.requestsPerConnection = 3;
    auto *c = client(*s, through(proxy, m_base));
    c->setTransferTimeout(std::chrono::milliseconds(500)); // stalls end quickly
    StoreError e;
    int runs = 0;
    for (; runs < 100 && !s->outbox(false, &e).empty(); ++runs)
        runSync(c);
    qInfo("%d runs, %d faulty connections", runs, proxy.faults);
    QVERIFY(proxy.faults > 20);
    QVERIFY(s->outbox(false, &e).empty());
    QCOMPARE(s->records(RecordState::Sent, &e).size(), std::size_t(300));
    QCOMPARE(serverCount(QStringLiteral("SELECT COUNT(*) FROM submissions")), before + 300);
    // The failures were written down in words.
    bool explained = false;
    for (const auto &entry : s->syncLog(1000, QString(), &e))
        explained = explained || entry.outcome == QLatin1String("failed");
    QVERIFY(explained);
}

void TestSync::returnedAndCorrected()
{
    QTemporaryDir dir;
    auto s = device(dir);
    QVERIFY(s);
    const QString id = addReadings(*s, 1).first();
    auto *c = client(*s, m_base);
    QCOMPARE(runSync(c).sent, 1);
    // The supervisor sends it back with a comment.
    QNetworkAccessManager net;
    QUrl review = m_base;
    review.setPath(m_base.path() + QStringLiteral("/forms/meter/submissions/") + id);
    QNetworkRequest patch(review);
    patch.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    patch.setRawHeader("Authorization", "Basic " + QByteArray("sup:sup-password-1").toBase64());
    QNetworkReply *reply = net.sendCustomRequest(
        patch, "PATCH", R"({"reviewState":"hasIssues","comment":"读数看不清，请重新抄表"})");
    QSignalSpy patched(reply, &QNetworkReply::finished);
    QVERIFY(patched.wait(20000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    reply->deleteLater();

    auto summary = runSync(c);
    QCOMPARE(summary.returned, 1);
    QCOMPARE(runSync(c).returned, 0); // still waiting for its correction: not news again
    StoreError e;
    auto r = s->record(id, &e);
    QVERIFY(r);
    QCOMPARE(r->state, RecordState::Returned);
    QCOMPARE(r->reviewState, QStringLiteral("hasIssues"));
    QCOMPARE(r->comments.size(), std::size_t(1));
    QCOMPARE(r->comments[0].body, QStringLiteral("读数看不清，请重新抄表"));
    QCOMPARE(r->comments[0].author, QStringLiteral("sup"));
    // Corrected here: an edit with a new instanceID that names the returned one.
    const auto next = s->correct(id, &e);
    QVERIFY2(next, qPrintable(e.message));
    auto xml = *s->recordXml(*next, &e);
    QVERIFY(xml.contains("<deprecatedID>" + id.toUtf8() + "</deprecatedID>"));
    xml.replace(QByteArray("<kwh>0</kwh>"), QByteArray("<kwh>4711</kwh>"));
    QVERIFY(s->saveDraft(*next, xml, QString(), &e));
    QVERIFY(s->finalize(*next, xml, &e));
    summary = runSync(c);
    QCOMPARE(summary.sent, 1);
    QCOMPARE(s->record(*next, &e)->state, RecordState::Sent);
    // On the server: one submission, two versions, marked edited, off the returned list.
    QCOMPARE(serverCount(QStringLiteral("SELECT COUNT(*) FROM submissions WHERE instance_id = "
                                        "'%1' AND review_state = 'edited'")
                             .arg(id)),
             1);
    QCOMPARE(serverCount(QStringLiteral("SELECT COUNT(*) FROM submission_versions v JOIN "
                                        "submissions s ON s.id = v.submission_id WHERE "
                                        "s.instance_id = '%1'")
                             .arg(id)),
             2);
    QCOMPARE(runSync(c).returned, 0);
}

void TestSync::cancelAndResume()
{
    QTemporaryDir dir;
    auto s = device(dir);
    QVERIFY(s);
    addReadings(*s, 200);
    const int before = serverCount(QStringLiteral("SELECT COUNT(*) FROM submissions"));
    auto *c = client(*s, m_base);
    connect(c, &sync::SyncClient::recordSent, c, [c] { c->cancel(); });
    auto summary = runSync(c);
    QVERIFY(summary.cancelled);
    QVERIFY(summary.sent >= 1 && summary.sent < 200);
    QCOMPARE(summary.failed, 0); // stopping is not failing
    StoreError pending;
    for (const auto &entry : s->outbox(false, &pending))
        QCOMPARE(entry.attempts, 0);
    StoreError e;
    const int left = static_cast<int>(s->outbox(false, &e).size());
    QCOMPARE(left, 200 - summary.sent);
    disconnect(c, &sync::SyncClient::recordSent, c, nullptr);
    // Send pressed while a run is going: it runs right after, not lost.
    QSignalSpy runs(c, &sync::SyncClient::finished);
    c->pullForms();
    c->push();
    while (runs.count() < 2)
        QVERIFY(runs.wait(60000));
    summary = runs.at(1).first().value<sync::SyncSummary>();
    QCOMPARE(summary.sent, left);
    QCOMPARE(serverCount(QStringLiteral("SELECT COUNT(*) FROM submissions")), before + 200);
}

void TestSync::autoSend()
{
    // Automatic sending follows the setting and the connection: off never sends; Wi-Fi
    // only waits for an unmetered connection; any network sends when online. It sends
    // when a record is finalized, when the connection returns, and on the timer while a
    // record waits for its retry time.
    QTemporaryDir dir;
    auto s = device(dir);
    QVERIFY(s);
    auto *c = client(*s, m_base);
    FakeNetwork network;
    sync::AutoSender sender(*c, *s, network);
    QCOMPARE(sender.mode(), sync::AutoSender::Mode::Off);
    QSignalSpy started(&sender, &sync::AutoSender::started);
    QSignalSpy finished(c, &sync::SyncClient::finished);
    const int before = serverCount(QStringLiteral("SELECT COUNT(*) FROM submissions"));
    addReadings(*s, 3);
    network.set(true, true);
    sender.recordQueued();
    QCOMPARE(started.count(), 0); // off

    network.set(true, false); // a metered mobile connection
    sender.setMode(sync::AutoSender::Mode::WifiOnly);
    QCOMPARE(started.count(), 0);
    network.set(true, true); // Wi-Fi
    QCOMPARE(started.count(), 1);
    QVERIFY(finished.wait(60000));
    StoreError e;
    QCOMPARE(s->records(RecordState::Sent, &e).size(), std::size_t(3));

    sender.setMode(sync::AutoSender::Mode::AnyNetwork);
    network.set(false, false);
    addReadings(*s, 2);
    sender.recordQueued();
    QCOMPARE(started.count(), 1); // offline
    network.set(true, false);     // back, on mobile data
    QCOMPARE(started.count(), 2);
    QVERIFY(finished.wait(60000));
    QCOMPARE(s->records(RecordState::Sent, &e).size(), std::size_t(5));

    // A record whose retry time lies ahead is sent by the timer once it has come.
    const QString later = addReadings(*s, 1).first();
    QVERIFY(s->recordFailure(later, QStringLiteral("HTTP 503"),
                             QDateTime::currentDateTimeUtc().addMSecs(300), &e));
    sender.setInterval(std::chrono::milliseconds(50));
    sender.recordQueued();
    QCOMPARE(started.count(), 2); // not due yet
    QVERIFY(started.wait(10000));
    QVERIFY(finished.wait(60000));
    QCOMPARE(s->record(later, &e)->state, RecordState::Sent);
    QCOMPARE(serverCount(QStringLiteral("SELECT COUNT(*) FROM submissions")), before + 6);
    // The setting is kept.
    QCOMPARE(s->setting(QStringLiteral("autoSend")), QStringLiteral("any"));
    sync::AutoSender again(*c, *s, network);
    QCOMPARE(again.mode(), sync::AutoSender::Mode::AnyNetwork);
}

void TestSync::identifiesItself()
{
    // Every request names the app and its version and system (User-Agent); the form list and
    // submissions carry the OpenRosa deviceID.
    FaultProxy proxy(static_cast<quint16>(m_base.port()));
    QVERIFY(proxy.listen());
    QTemporaryDir dir;
    auto s = device(dir);
    QVERIFY(s);
    addReadings(*s, 1);
    auto *c = client(*s, through(proxy, m_base));
    c->setDeviceId(QStringLiteral("survey-collector:test-device-1"));
    QCOMPARE(runSync(c).sent, 1);
    QVERIFY(!proxy.heads.isEmpty());
    const QByteArray agent = "\r\nUser-Agent: survey-collector/" SURVEY_VERSION " (";
    for (const QByteArray &head : proxy.heads)
        QVERIFY2(head.contains(agent), head.constData());
    QVERIFY2(proxy.requests.contains(QStringLiteral(
                 "GET /v1/projects/1/formList?deviceID=survey-collector%3Atest-device-1")),
             qPrintable(proxy.requests.join(QLatin1Char('\n'))));
    QVERIFY2(proxy.requests.contains(QStringLiteral(
                 "POST /v1/projects/1/submission?deviceID=survey-collector%3Atest-device-1")),
             qPrintable(proxy.requests.join(QLatin1Char('\n'))));
}

void TestSync::refusalsInTheServersWords()
{
    // A 401 says what the server said (ODK Central over plain HTTP: "only available over
    // HTTPS"), in the run's problems and in each record's log; a 403 (this account may not
    // use the project) ends the run: the returned records are not asked for.
    FaultProxy proxy(static_cast<quint16>(m_base.port()));
    QVERIFY(proxy.listen());
    proxy.choose = [] { return FaultProxy::Fault::Unauthorized; };
    QTemporaryDir dir;
    auto s = device(dir);
    QVERIFY(s);
    const QString id = addReadings(*s, 1).first();
    auto summary = runSync(client(*s, through(proxy, m_base)));
    QVERIFY(summary.signInFailed);
    QVERIFY2(summary.problems.join(QLatin1Char(' '))
                 .contains(QLatin1String("only available over HTTPS")),
             qPrintable(summary.problems.join(QLatin1Char('\n'))));
    StoreError e;
    const auto log = s->syncLog(5, id, &e);
    QVERIFY(!log.empty());
    QVERIFY2(log[0].message.contains(QLatin1String("only available over HTTPS")),
             qPrintable(log[0].message));
    proxy.choose = [] { return FaultProxy::Fault::Forbidden; };
    proxy.requests.clear();
    summary = runSync(client(*s, through(proxy, m_base)));
    QVERIFY(summary.forbidden);
    QVERIFY(!summary.signInFailed);
    QVERIFY(!proxy.requests.isEmpty());
    for (const QString &r : proxy.requests)
        QVERIFY2(!r.endsWith(QLatin1String("/returned")), qPrintable(r));
    QCOMPARE(s->record(id, &e)->state, RecordState::Finalized);
}

QTEST_GUILESS_MAIN(TestSync)
#include "tst_sync.moc"
