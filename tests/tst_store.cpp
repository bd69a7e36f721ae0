// SPDX-License-Identifier: GPL-3.0-or-later
// The device store: schema and migrations, forms, the record state rules, attachments,
// outbox and log, failures that leave data intact; and the survey-cli store contract.
#include "reviewstore.h"
#include "store.h"
#include "testutil.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <sys/resource.h>
#include <unistd.h>

#include <csignal>

using namespace survey::store;

namespace {

const QByteArray kForm = R"FORM(<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"
        xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms">
  <h:head>
    <h:title>Meter reading</h:title>
    <model>
      <instance><data id="meter" version="1"><kwh/><photo/><meta><instanceID/><instanceName/></meta></data></instance>
      <bind nodeset="/data/kwh" type="int" required="true()" constraint=". &gt;= 0"/>
      <bind nodeset="/data/photo" type="binary"/>
      <bind nodeset="/data/meta/instanceID" type="string" readonly="true()" jr:preload="uid"/>
      <bind nodeset="/data/meta/instanceName" type="string" calculate="concat('kWh ', /data/kwh)"/>
    </model>
  </h:head>
  <h:body>
    <input ref="/data/kwh"><label>kWh</label></input>
    <upload ref="/data/photo" mediatype="image/*"><label>Photo</label></upload>
  </h:body>
</h:html>
)FORM";

QByteArray instance(const QString &id, int kwh)
{
    return QStringLiteral("<data id=\"meter\" version=\"1\"><kwh>%1</kwh><photo/><meta>"
                          "<instanceID>%2</instanceID></meta></data>")
        .arg(kwh)
        .arg(id)
        .toUtf8();
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void transitionsTable();
    void createsAndMigrates();
    void migratesVersion1();
    void logFollowsCorrections();
    void refusesNewerDatabase();
    void refusesDamagedDatabase();
    void forms();
    void recordLife();
    void returnedRecords();
    void onlySentRecordsAreRemoved();
    void attachments();
    void outboxAndLog();
    void sendingClaims();
    void settings();
    void cliContract();
    void cliDiskFull();
    void cliReadOnlyStorage();
    void finalizeNeedsItsFiles();
    void reviewCopies();
    void reviewDecisions();
    void reviewCopiesBelongToTheirAccount();
    void olderFormVersionForReading();

private:
    /// A pulled submission of the meter form: `n` kWh, by `who`, at `day` (2026-12-0N).
    static survey::store::PulledSubmission pulled(const QString &id, int kwh, const QString &who,
                                                  int day, const QString &name)
    {
        survey::store::PulledSubmission p;
        p.head.instanceId = id;
        p.head.formId = QStringLiteral("meter");
        p.head.formVersion = QStringLiteral("1");
        p.head.submitter = who;
        p.head.reviewState = QStringLiteral("received");
        p.head.instanceName = name;
        p.head.currentVersion = id;
        p.head.createdAt = QDateTime(QDate(2026, 12, day), QTime(9, 0), Qt::UTC);
        p.head.changeSeq = day;
        survey::store::ReviewVersion v;
        v.instanceId = id;
        v.formVersion = QStringLiteral("1");
        v.current = true;
        v.createdAt = p.head.createdAt;
        v.xml = QStringLiteral("<data id=\"meter\" version=\"1\"><kwh>%1</kwh><meta><instanceID>"
                               "%2</instanceID></meta></data>")
                    .arg(kwh)
                    .arg(id)
                    .toUtf8();
        p.versions.push_back(v);
        return p;
    }

    std::unique_ptr<Store> fresh(QTemporaryDir &dir)
    {
        StoreError e;
        auto s = Store::open(dir.path(), &e);
        if (!s)
            qWarning("%s", qPrintable(e.message));
        return s;
    }
    qint64 addMeterForm(Store &s)
    {
        StoreError e;
        const auto f = s.addForm(kForm, {}, QString(), &e);
        return f ? f->row : -1;
    }
    QTemporaryDir m_tmp;
};

void TestStore::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_tmp.isValid());
}

void TestStore::transitionsTable()
{
    using S = RecordState;
    // draft → finalized → sent → returned → draft; finalized → draft. Nothing else.
    const std::vector<std::pair<S, S>> allowed{{S::Draft, S::Finalized},
                                               {S::Finalized, S::Draft},
                                               {S::Finalized, S::Sent},
                                               {S::Sent, S::Returned},
                                               {S::Returned, S::Draft}};
    for (S from : {S::Draft, S::Finalized, S::Sent, S::Returned}) {
        for (S to : {S::Draft, S::Finalized, S::Sent, S::Returned}) {
            const bool want = std::find(allowed.begin(), allowed.end(), std::make_pair(from, to)) !=
                              allowed.end();
            QVERIFY2(transitionAllowed(from, to) == want,
                     qPrintable(stateName(from) + QStringLiteral(" -> ") + stateName(to)));
        }
        QCOMPARE(stateFromName(stateName(from)), std::optional<S>(from));
    }
    QVERIFY(!stateFromName(QStringLiteral("deleted")));
}

void TestStore::createsAndMigrates()
{
    QTemporaryDir dir;
    {
        auto s = fresh(dir);
        QVERIFY(s);
        QSqlQuery q(s->db());
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version")) && q.next());
        QCOMPARE(q.value(0).toInt(), Store::kSchemaVersion);
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        QVERIFY(q.exec(QStringLiteral("PRAGMA synchronous")) && q.next());
        QCOMPARE(q.value(0).toInt(), 2); // FULL
    }
    // Opening again keeps what is there.
    auto s = fresh(dir);
    QVERIFY(s);
    QVERIFY(addMeterForm(*s) > 0);
    s.reset();
    s = fresh(dir);
    StoreError e;
    QCOMPARE(s->forms(true, &e).size(), std::size_t(1));
}

void TestStore::migratesVersion1()
{
    // A version 1 store (no codes in its sync log, no sending marks in its outbox) is brought
    // to the current version, one transaction per step, keeping what it holds.
    QTemporaryDir dir;
    {
        auto s = fresh(dir);
        QVERIFY(s);
        StoreError e;
        QVERIFY(s->log(QString(), QStringLiteral("info"), QStringLiteral("written by v1"), &e));
        // A record sent, returned and corrected under v1: its entries name it after the
        // migration.
        const qint64 form = addMeterForm(*s);
        const QString id = QStringLiteral("uuid:v1-record");
        QVERIFY(s->createDraft(form, id, instance(id, 5), QStringLiteral("Meter 7"), &e));
        QVERIFY(s->finalize(id, instance(id, 5), &e));
        QVERIFY(s->markSent(id, &e));
        QVERIFY(s->log(id, QStringLiteral("sent"), QStringLiteral("sent by v1"), &e));
        QVERIFY(s->receiveReturned(form, id, instance(id, 5), QStringLiteral("hasIssues"), {}, &e));
        const QString next = QStringLiteral("uuid:v1-record-2");
        QVERIFY(s->startCorrection(id, next, instance(next, 6), &e));
        QVERIFY(s->finalize(next, instance(next, 6), &e));
        QVERIFY(s->log(next, QStringLiteral("failed"), QStringLiteral("offline under v1"), &e));
        QSqlQuery q(s->db());
        for (const char *sql :
             {"ALTER TABLE sync_log DROP COLUMN record_row",
              "ALTER TABLE sync_log DROP COLUMN correction",
              "ALTER TABLE sync_log DROP COLUMN code", "ALTER TABLE sync_log DROP COLUMN args",
              "ALTER TABLE outbox DROP COLUMN sending", "ALTER TABLE outbox DROP COLUMN last_code",
              "DROP TABLE review_decisions", "DROP TABLE review_flags",
              "DROP TABLE review_comments", "DROP TABLE review_attachments",
              "DROP TABLE review_versions", "DROP TABLE review_submissions",
              "ALTER TABLE instances DROP COLUMN flags", "PRAGMA user_version = 1"})
            QVERIFY2(q.exec(QLatin1String(sql)), sql);
    }
    auto s = fresh(dir);
    QVERIFY(s);
    QSqlQuery q(s->db());
    QVERIFY(q.exec(QStringLiteral("PRAGMA user_version")) && q.next());
    QCOMPARE(q.value(0).toInt(), Store::kSchemaVersion);
    q.finish();
    StoreError e;
    QVERIFY(s->log(QString(), QStringLiteral("failed"), QStringLiteral("HTTP 503"), &e,
                   QStringLiteral("retryLater"), {QStringLiteral("503"), QString()}));
    const auto log = s->syncLog(10, QString(), &e);
    QCOMPARE(log.size(), std::size_t(4));
    QCOMPARE(log[0].code, QStringLiteral("retryLater"));
    QCOMPARE(log[0].args, (QStringList{QStringLiteral("503"), QString()}));
    // The correction's entry and the original's: the same record, by its name.
    QCOMPARE(log[1].message, QStringLiteral("offline under v1"));
    QCOMPARE(log[1].instanceName, QStringLiteral("Meter 7"));
    QVERIFY(log[1].correction);
    QCOMPARE(log[2].message, QStringLiteral("sent by v1"));
    QCOMPARE(log[2].instanceName, QStringLiteral("Meter 7"));
    QVERIFY(!log[2].correction);
    QCOMPARE(log[3].message, QStringLiteral("written by v1"));
    QVERIFY(log[3].code.isEmpty());
    QVERIFY(log[3].instanceName.isEmpty());
}

void TestStore::logFollowsCorrections()
{
    // A record corrected twice is sent under three instanceIDs: every entry names the
    // record as it is called now, and says which were about a correction.
    QTemporaryDir dir;
    auto s = fresh(dir);
    QVERIFY(s);
    const qint64 form = addMeterForm(*s);
    StoreError e;
    QString id = QStringLiteral("uuid:first");
    QVERIFY(s->createDraft(form, id, instance(id, 5), QStringLiteral("Meter 1"), &e));
    QVERIFY(s->finalize(id, instance(id, 5), &e));
    QVERIFY(s->markSent(id, &e));
    QVERIFY(s->log(id, QStringLiteral("sent"), QStringLiteral("Sent."), &e, QStringLiteral("sent"),
                   {}));
    for (const char *again : {"uuid:second", "uuid:third"}) {
        QVERIFY(s->receiveReturned(form, id, instance(id, 5), QStringLiteral("hasIssues"), {}, &e));
        QVERIFY(s->log(id, QStringLiteral("returned"), QStringLiteral("Returned."), &e,
                       QStringLiteral("returned"), {}));
        const QString next = QLatin1String(again);
        QVERIFY(s->startCorrection(id, next, instance(next, 6), &e));
        QVERIFY(s->saveDraft(next, instance(next, 6), QStringLiteral("Meter 1b"), &e));
        QVERIFY(s->finalize(next, instance(next, 6), &e));
        QVERIFY(s->recordFailure(next, QStringLiteral("offline"), QDateTime::currentDateTimeUtc(),
                                 &e, QStringLiteral("offline"), {}));
        QVERIFY(s->markSent(next, &e));
        QVERIFY(s->log(next, QStringLiteral("sent"), QStringLiteral("Sent."), &e,
                       QStringLiteral("sent"), {}));
        id = next;
    }
    const auto log = s->syncLog(20, QString(), &e);
    QCOMPARE(log.size(), std::size_t(7));
    QStringList outcomes;
    for (const auto &entry : log) {
        QCOMPARE(entry.instanceName, QStringLiteral("Meter 1b"));
        QCOMPARE(entry.formTitle, QStringLiteral("Meter reading"));
        outcomes << entry.outcome + (entry.correction ? QStringLiteral("*") : QString());
    }
    // Newest first; * marks a correction's entries (the second one was returned too).
    QCOMPARE(outcomes, (QStringList{"sent*", "failed*", "returned*", "sent*", "failed*", "returned",
                                    "sent"}));
}

void TestStore::refusesNewerDatabase()
{
    QTemporaryDir dir;
    {
        auto s = fresh(dir);
        QVERIFY(s);
        QVERIFY(addMeterForm(*s) > 0);
        QSqlQuery q(s->db());
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 99")));
    }
    StoreError e;
    QVERIFY(!Store::open(dir.path(), &e));
    QCOMPARE(e.kind, StoreError::Kind::TooNew);
    QVERIFY2(e.message.contains(QStringLiteral("newer")), qPrintable(e.message));
    // Untouched: still version 99 with its form.
    QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
    raw.setDatabaseName(dir.filePath(QStringLiteral("survey.db")));
    QVERIFY(raw.open());
    {
        QSqlQuery q(raw);
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version")) && q.next());
        QCOMPARE(q.value(0).toInt(), 99);
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM forms")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
    }
    raw.close();
    raw = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));
}

void TestStore::refusesDamagedDatabase()
{
    QTemporaryDir dir;
    QFile junk(dir.filePath(QStringLiteral("survey.db")));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write(QByteArray(8192, 'J'));
    junk.close();
    StoreError e;
    QVERIFY(!Store::open(dir.path(), &e));
    QCOMPARE(e.kind, StoreError::Kind::Corrupt);
    QVERIFY2(e.message.contains(QStringLiteral("damaged")), qPrintable(e.message));
    QCOMPARE(QFileInfo(junk.fileName()).size(), 8192); // left as it was, for rescue
}

void TestStore::forms()
{
    QTemporaryDir dir;
    auto s = fresh(dir);
    QVERIFY(s);
    StoreError e;
    const auto v1 = s->addForm(kForm, {}, QStringLiteral("https://example.org/v1/projects/1"), &e);
    QVERIFY2(v1, qPrintable(e.message));
    QCOMPARE(v1->formId, QStringLiteral("meter"));
    QCOMPARE(v1->hash, md5Hash(kForm));
    QCOMPARE(v1->server, QStringLiteral("https://example.org/v1/projects/1"));
    // The same bytes again: the same form.
    QCOMPARE(s->addForm(kForm, {}, QString(), &e)->row, v1->row);
    // The same version with other bytes: refused, nothing changed.
    QByteArray changed = kForm;
    changed.replace("Meter reading", "Meter");
    QVERIFY(!s->addForm(changed, {}, QString(), &e));
    QCOMPARE(e.kind, StoreError::Kind::Invalid);
    // A new version becomes current; the old one stays for its records.
    const auto v2 =
        s->addForm(QByteArray(kForm).replace("version=\"1\"", "version=\"2\""), {}, QString(), &e);
    QVERIFY(v2);
    QCOMPARE(s->currentForm(QStringLiteral("meter"), &e)->version, QStringLiteral("2"));
    QCOMPARE(s->forms(true, &e).size(), std::size_t(1));
    QCOMPARE(s->forms(false, &e).size(), std::size_t(2));
    QVERIFY(!s->form(v1->row, &e)->current);
    // A broken form is refused with the engine's message.
    QVERIFY(!s->addForm(QByteArray(kForm).replace("concat(", "concatt("), {}, QString(), &e));
    QCOMPARE(e.kind, StoreError::Kind::Invalid);
    QVERIFY2(e.message.contains(QStringLiteral("concatt")), qPrintable(e.message));
    // Media: plain names only; stored beside the database with their hash.
    QVERIFY(!s->putFormMedia(v2->row, QStringLiteral("../x.csv"), "a", &e));
    QVERIFY(s->putFormMedia(v2->row, QStringLiteral("list.csv"), "name,label\n", &e));
    const auto media = s->formMedia(v2->row, &e);
    QCOMPARE(media.size(), std::size_t(1));
    QCOMPARE(media[0].hash, md5Hash("name,label\n"));
    QCOMPARE(
        testutil::readFile(QDir(s->formMediaDir(v2->row)).filePath(QStringLiteral("list.csv"))),
        QByteArray("name,label\n"));
}

void TestStore::recordLife()
{
    QTemporaryDir dir;
    auto s = fresh(dir);
    QVERIFY(s);
    const qint64 form = addMeterForm(*s);
    StoreError e;
    const QString id = QStringLiteral("uuid:11111111-life");
    const auto created = s->createDraft(form, id, instance(id, 1), QStringLiteral("kWh 1"), &e);
    QVERIFY2(created, qPrintable(e.message));
    QCOMPARE(created->state, RecordState::Draft);
    QVERIFY(!s->createDraft(form, id, instance(id, 1), QString(), &e)); // the ID is taken
    QVERIFY(s->saveDraft(id, instance(id, 42), QStringLiteral("kWh 42"), &e));
    QCOMPARE(*s->recordXml(id, &e), instance(id, 42));
    QCOMPARE(s->record(id, &e)->instanceName, QStringLiteral("kWh 42"));
    QVERIFY(s->outbox(false, &e).empty());
    QVERIFY(s->finalize(id, instance(id, 43), &e));
    QCOMPARE(s->record(id, &e)->state, RecordState::Finalized);
    QCOMPARE(s->outbox(true, &e).size(), std::size_t(1));
    // A finalized record is not edited in place; reopening takes it off the outbox.
    QVERIFY(!s->saveDraft(id, instance(id, 7), QString(), &e));
    QCOMPARE(e.kind, StoreError::Kind::NotAllowed);
    QCOMPARE(*s->recordXml(id, &e), instance(id, 43));
    QVERIFY(s->reopen(id, &e));
    QVERIFY(s->outbox(false, &e).empty());
    QVERIFY(s->finalize(id, instance(id, 44), &e));
    QVERIFY(s->markSent(id, &e));
    const auto sent = s->record(id, &e);
    QCOMPARE(sent->state, RecordState::Sent);
    QVERIFY(sent->sentAt.isValid());
    QVERIFY(s->outbox(false, &e).empty());
    // Sent is final until the server returns it.
    QVERIFY(!s->markSent(id, &e));
    QCOMPARE(e.kind, StoreError::Kind::NotAllowed);
    QVERIFY(!s->reopen(id, &e));
    QVERIFY(!s->finalize(id, instance(id, 1), &e));
    QVERIFY(!s->saveDraft(QStringLiteral("uuid:nosuch"), instance(id, 1), QString(), &e));
    QCOMPARE(e.kind, StoreError::Kind::NotFound);
}

void TestStore::returnedRecords()
{
    QTemporaryDir dir;
    auto s = fresh(dir);
    QVERIFY(s);
    const qint64 form = addMeterForm(*s);
    StoreError e;
    const QString id = QStringLiteral("uuid:22222222-ret");
    QVERIFY(s->createDraft(form, id, instance(id, 5), QString(), &e));
    QVERIFY(s->finalize(id, instance(id, 5), &e));
    QVERIFY(s->markSent(id, &e));
    const std::vector<Comment> comments{{QStringLiteral("sup"),
                                         QStringLiteral("2026-11-28T10:00:00Z"),
                                         QStringLiteral("读数不对，请重拍照片")}};
    auto r =
        s->receiveReturned(form, id, instance(id, 5), QStringLiteral("hasIssues"), comments, &e);
    QVERIFY2(r, qPrintable(e.message));
    QCOMPARE(r->state, RecordState::Returned);
    QCOMPARE(r->reviewState, QStringLiteral("hasIssues"));
    QCOMPARE(r->comments.size(), std::size_t(1));
    QCOMPARE(r->comments[0].body, QStringLiteral("读数不对，请重拍照片"));
    // Corrected: a new instanceID, deprecatedID the returned one.
    const QString next = QStringLiteral("uuid:22222222-ret-2");
    QVERIFY(s->startCorrection(id, next, instance(next, 6), &e));
    r = s->record(next, &e);
    QCOMPARE(r->state, RecordState::Draft);
    QCOMPARE(r->deprecatedId, id);
    QVERIFY(!s->record(id, &e));
    // Pulled again while being corrected: the comments change, the answers do not.
    const std::vector<Comment> more{comments[0],
                                    {QStringLiteral("sup"), QStringLiteral("2026-11-28T11:00:00Z"),
                                     QStringLiteral("still waiting")}};
    r = s->receiveReturned(form, id, instance(id, 5), QStringLiteral("hasIssues"), more, &e);
    QVERIFY(r);
    QCOMPARE(r->instanceId, next);
    QCOMPARE(r->comments.size(), std::size_t(2));
    QCOMPARE(*s->recordXml(next, &e), instance(next, 6));
    // A returned record this device no longer has arrives as a new returned record.
    r = s->receiveReturned(form, QStringLiteral("uuid:elsewhere"),
                           instance(QStringLiteral("uuid:elsewhere"), 9),
                           QStringLiteral("rejected"), comments, &e);
    QVERIFY(r);
    QCOMPARE(r->state, RecordState::Returned);
    QCOMPARE(s->records(RecordState::Returned, &e).size(), std::size_t(1));
}

void TestStore::onlySentRecordsAreRemoved()
{
    QTemporaryDir dir;
    auto s = fresh(dir);
    QVERIFY(s);
    const qint64 form = addMeterForm(*s);
    StoreError e;
    const QString draft = QStringLiteral("uuid:draft");
    const QString done = QStringLiteral("uuid:finalized");
    const QString sent = QStringLiteral("uuid:sent");
    for (const QString &id : {draft, done, sent})
        QVERIFY(s->createDraft(form, id, instance(id, 1), QString(), &e));
    QVERIFY(s->finalize(done, instance(done, 1), &e));
    QVERIFY(s->finalize(sent, instance(sent, 1), &e));
    QVERIFY(s->markSent(sent, &e));
    for (const QString &id : {draft, done}) {
        QVERIFY(!s->removeSent(id, &e));
        QCOMPARE(e.kind, StoreError::Kind::NotAllowed);
        QVERIFY(s->record(id, &e));
    }
    QVERIFY(s->removeSent(sent, &e));
    QVERIFY(!s->record(sent, &e));
    QCOMPARE(e.kind, StoreError::Kind::NotFound);
    QCOMPARE(s->records(std::nullopt, &e).size(), std::size_t(2));
}

void TestStore::attachments()
{
    QTemporaryDir dir;
    auto s = fresh(dir);
    QVERIFY(s);
    const qint64 form = addMeterForm(*s);
    StoreError e;
    const QString id = QStringLiteral("uuid:att");
    QVERIFY(s->createDraft(form, id, instance(id, 1), QString(), &e));
    const QByteArray photo(300'000, 'p');
    QVERIFY(!s->putAttachment(id, QStringLiteral("../../escape.jpg"), photo, &e));
    QCOMPARE(e.kind, StoreError::Kind::Invalid);
    QVERIFY(s->putAttachment(id, QStringLiteral("meter.jpg"), photo, &e));
    auto files = s->attachments(id, &e);
    QCOMPARE(files.size(), std::size_t(1));
    QCOMPARE(files[0].size, photo.size());
    QCOMPARE(
        files[0].sha256,
        QString::fromLatin1(QCryptographicHash::hash(photo, QCryptographicHash::Sha256).toHex()));
    QCOMPARE(testutil::readFile(files[0].path), photo);
    // Retaken: replaced, still one file.
    QVERIFY(s->putAttachment(id, QStringLiteral("meter.jpg"), "retaken", &e));
    files = s->attachments(id, &e);
    QCOMPARE(files.size(), std::size_t(1));
    QCOMPARE(testutil::readFile(files[0].path), QByteArray("retaken"));
    // Finalized records take no new files; removing the sent record removes its files.
    QVERIFY(s->finalize(id, instance(id, 1), &e));
    QVERIFY(!s->putAttachment(id, QStringLiteral("late.jpg"), "x", &e));
    QVERIFY(s->markSent(id, &e));
    const QString path = files[0].path;
    QVERIFY(s->removeSent(id, &e));
    QVERIFY(!QFileInfo::exists(path));
}

void TestStore::outboxAndLog()
{
    QTemporaryDir dir;
    auto s = fresh(dir);
    QVERIFY(s);
    const qint64 form = addMeterForm(*s);
    StoreError e;
    for (const char *id : {"uuid:a", "uuid:b"}) {
        QVERIFY(
            s->createDraft(form, QLatin1String(id), instance(QLatin1String(id), 1), QString(), &e));
        QVERIFY(s->finalize(QLatin1String(id), instance(QLatin1String(id), 1), &e));
    }
    QCOMPARE(s->outbox(true, &e).size(), std::size_t(2));
    // A failure postpones one record; the other is still due.
    QVERIFY(s->recordFailure(QStringLiteral("uuid:a"), QStringLiteral("server answered 503"),
                             QDateTime::currentDateTimeUtc().addSecs(600), &e));
    const auto due = s->outbox(true, &e);
    QCOMPARE(due.size(), std::size_t(1));
    QCOMPARE(due[0].instanceId, QStringLiteral("uuid:b"));
    const auto all = s->outbox(false, &e);
    QCOMPARE(all.size(), std::size_t(2));
    QCOMPARE(all[0].attempts, 1);
    QCOMPARE(all[0].lastError, QStringLiteral("server answered 503"));
    QVERIFY(s->log(QStringLiteral("uuid:b"), QStringLiteral("sent"), QStringLiteral("sent"), &e));
    const auto log = s->syncLog(10, QString(), &e);
    QCOMPARE(log.size(), std::size_t(2));
    QCOMPARE(log[0].outcome, QStringLiteral("sent"));
    QCOMPARE(log[1].outcome, QStringLiteral("failed"));
    QCOMPARE(s->syncLog(10, QStringLiteral("uuid:a"), &e).size(), std::size_t(1));
}

void TestStore::sendingClaims()
{
    // A record being sent cannot be reopened (its answers must not change under the
    // upload); a claim left by a sender that died is released; lost connections are
    // retried at once when asked.
    QTemporaryDir dir;
    auto s = fresh(dir);
    QVERIFY(s);
    const qint64 form = addMeterForm(*s);
    StoreError e;
    const QString id = QStringLiteral("uuid:claim");
    QVERIFY(s->createDraft(form, id, instance(id, 1), QString(), &e));
    QVERIFY(!s->claimForSending(id, &e)); // a draft is not queued
    QVERIFY(s->finalize(id, instance(id, 1), &e));
    QVERIFY(s->claimForSending(id, &e));
    QVERIFY(!s->reopen(id, &e));
    QCOMPARE(e.kind, StoreError::Kind::NotAllowed);
    QVERIFY2(e.message.contains(QStringLiteral("being sent")), qPrintable(e.message));
    QVERIFY(s->releaseAllSending(&e));
    QVERIFY(s->reopen(id, &e));
    QVERIFY(s->finalize(id, instance(id, 2), &e));
    // A failure ends the claim and keeps its code; retryNow makes it due again.
    QVERIFY(s->claimForSending(id, &e));
    QVERIFY(s->recordFailure(id, QStringLiteral("no connection"),
                             QDateTime::currentDateTimeUtc().addSecs(3600), &e,
                             QStringLiteral("offline"), {QStringLiteral("refused")}));
    QVERIFY(s->outbox(true, &e).empty());
    QVERIFY(s->retryNow({QStringLiteral("conflict")}, &e));
    QVERIFY(s->outbox(true, &e).empty());
    QVERIFY(s->retryNow({QStringLiteral("offline"), QStringLiteral("timeout")}, &e));
    QCOMPARE(s->outbox(true, &e).size(), std::size_t(1));
    QVERIFY(s->reopen(id, &e)); // the failure released it
}

void TestStore::settings()
{
    QTemporaryDir dir;
    {
        auto s = fresh(dir);
        QVERIFY(s);
        QCOMPARE(s->setting(QStringLiteral("autoSend"), QStringLiteral("off")),
                 QStringLiteral("off"));
        StoreError e;
        QVERIFY(s->setSetting(QStringLiteral("autoSend"), QStringLiteral("wifi"), &e));
    }
    auto s = fresh(dir);
    QCOMPARE(s->setting(QStringLiteral("autoSend")), QStringLiteral("wifi"));
}

void TestStore::cliContract()
{
    // survey-cli form add / new / store list --json / show / finalize, as the issue states.
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("device"));
    const QString examples = QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/");
    auto r =
        testutil::runCli({QStringLiteral("form"), QStringLiteral("add"), QStringLiteral("--data"),
                          data, examples + QStringLiteral("household_energy.xml")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    r = testutil::runCli({QStringLiteral("new"), QStringLiteral("--data"), data,
                          QStringLiteral("household_energy"), QStringLiteral("--answers"),
                          examples + QStringLiteral("household_energy.answers.json")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QString draft = QString::fromUtf8(r.out).trimmed();
    QVERIFY(draft.startsWith(QStringLiteral("uuid:")));
    r = testutil::runCli({QStringLiteral("new"), QStringLiteral("--data"), data,
                          QStringLiteral("household_energy"), QStringLiteral("--answers"),
                          examples + QStringLiteral("household_energy.answers.json"),
                          QStringLiteral("--finalize")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QString finalized = QString::fromUtf8(r.out).trimmed();
    // Unknown form: exit 1 with a message; answers that do not fit: exit 2, nothing stored.
    r = testutil::runCli({QStringLiteral("new"), QStringLiteral("--data"), data,
                          QStringLiteral("nosuch"), QStringLiteral("--answers"),
                          examples + QStringLiteral("household_energy.answers.json")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("nosuch"));
    QFile bad(dir.filePath(QStringLiteral("bad.json")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write(R"({"/data/dwelling/floor_area": "big"})");
    bad.close();
    r = testutil::runCli({QStringLiteral("new"), QStringLiteral("--data"), data,
                          QStringLiteral("household_energy"), QStringLiteral("--answers"),
                          bad.fileName(), QStringLiteral("--finalize")});
    QCOMPARE(r.exitCode, 2);

    r = testutil::runCli({QStringLiteral("store"), QStringLiteral("--data"), data,
                          QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    const QJsonArray list = QJsonDocument::fromJson(r.out).array();
    QCOMPARE(list.size(), 2);
    for (const QJsonValue &v : list) {
        const QJsonObject o = v.toObject();
        QCOMPARE(o.keys(), (QStringList{QStringLiteral("formId"), QStringLiteral("instanceId"),
                                        QStringLiteral("instanceName"), QStringLiteral("state"),
                                        QStringLiteral("updatedAt")}));
        QCOMPARE(o.value(QStringLiteral("formId")).toString(), QStringLiteral("household_energy"));
        QCOMPARE(o.value(QStringLiteral("instanceName")).toString(),
                 QStringLiteral("HH-BD0127-") + QDate::currentDate().toString(Qt::ISODate));
        const QString id = o.value(QStringLiteral("instanceId")).toString();
        QCOMPARE(o.value(QStringLiteral("state")).toString(),
                 id == draft ? QStringLiteral("draft") : QStringLiteral("finalized"));
        QVERIFY(QDateTime::fromString(o.value(QStringLiteral("updatedAt")).toString(),
                                      Qt::ISODateWithMs)
                    .isValid());
    }
    QVERIFY(list[0].toObject().value(QStringLiteral("instanceId")).toString() == finalized);

    r = testutil::runCli({QStringLiteral("store"), QStringLiteral("--data"), data,
                          QStringLiteral("finalize"), draft});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    r = testutil::runCli(
        {QStringLiteral("store"), QStringLiteral("--data"), data, QStringLiteral("show"), draft});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("state: finalized"));
    QVERIFY(r.out.contains("<instanceID>" + draft.toUtf8() + "</instanceID>"));
    // Finalizing twice, or an unknown record: exit 1 with a message.
    r = testutil::runCli({QStringLiteral("store"), QStringLiteral("--data"), data,
                          QStringLiteral("finalize"), draft});
    QCOMPARE(r.exitCode, 1);
    r = testutil::runCli({QStringLiteral("store"), QStringLiteral("--data"), data,
                          QStringLiteral("show"), QStringLiteral("uuid:nosuch")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("uuid:nosuch"));
    r = testutil::runCli({QStringLiteral("store"), QStringLiteral("--data"), data});
    QCOMPARE(r.exitCode, 64);
}

void TestStore::cliDiskFull()
{
    // The store's files may not grow (a file size limit stands in for a full disk): new
    // records fail with a message saying so; everything stored before is intact.
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("device"));
    const QString examples = QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/");
    auto r =
        testutil::runCli({QStringLiteral("form"), QStringLiteral("add"), QStringLiteral("--data"),
                          data, examples + QStringLiteral("household_energy.xml")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QStringList newRecord{QStringLiteral("new"),
                                QStringLiteral("--data"),
                                data,
                                QStringLiteral("household_energy"),
                                QStringLiteral("--answers"),
                                examples + QStringLiteral("household_energy.answers.json")};
    QVERIFY(testutil::runCli(newRecord).exitCode == 0);
    {
        StoreError e;
        auto s = Store::open(data, &e);
        QVERIFY(s);
        QSqlQuery q(s->db());
        QVERIFY(q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
    }
    const qint64 limit = QFileInfo(QDir(data).filePath(QStringLiteral("survey.db"))).size();
    int refused = 0;
    int stored = 1;
    for (int i = 0; i < 200 && refused == 0; ++i) {
        QProcess p;
        p.setChildProcessModifier([limit] {
            const rlimit fsize{static_cast<rlim_t>(limit + 16384),
                               static_cast<rlim_t>(limit + 16384)};
            setrlimit(RLIMIT_FSIZE, &fsize);
            std::signal(SIGXFSZ, SIG_IGN);
        });
        p.start(QStringLiteral(SURVEY_CLI), newRecord);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        if (p.exitCode() == 0) {
            ++stored;
            continue;
        }
        QCOMPARE(p.exitCode(), 1);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains("storage is full") || err.contains("storage failed"),
                 err.constData());
        ++refused;
    }
    QCOMPARE(refused, 1);
    StoreError e;
    auto s = Store::open(data, &e);
    QVERIFY2(s, qPrintable(e.message));
    QSqlQuery q(s->db());
    QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
    QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
    QCOMPARE(s->records(std::nullopt, &e).size(), std::size_t(stored));
}

void TestStore::cliReadOnlyStorage()
{
    // Storage that cannot be written (here: a folder the user may not write; as root the
    // command runs as 'nobody'): a clear error, and the records already there untouched.
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("device"));
    const QString examples = QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/");
    QVERIFY(
        testutil::runCli({QStringLiteral("form"), QStringLiteral("add"), QStringLiteral("--data"),
                          data, examples + QStringLiteral("household_energy.xml")})
            .exitCode == 0);
    const QStringList newRecord{QStringLiteral("new"),
                                QStringLiteral("--data"),
                                data,
                                QStringLiteral("household_energy"),
                                QStringLiteral("--answers"),
                                examples + QStringLiteral("household_energy.answers.json")};
    QVERIFY(testutil::runCli(newRecord).exitCode == 0);
    const QByteArray before = testutil::readFile(QDir(data).filePath(QStringLiteral("survey.db")));
    testutil::Run r;
    if (geteuid() == 0) {
        const QString runuser = QStandardPaths::findExecutable(QStringLiteral("runuser"));
        if (runuser.isEmpty())
            QSKIP("running as root without runuser: cannot take write access away");
        QFile::setPermissions(dir.path(),
                              QFile::permissions(dir.path()) | QFile::ReadOther | QFile::ExeOther);
        QFile::setPermissions(data, QFile::permissions(data) | QFile::ReadOther | QFile::ExeOther);
        r = testutil::runProgram(runuser,
                                 QStringList{QStringLiteral("-u"), QStringLiteral("nobody"),
                                             QStringLiteral("--"), QStringLiteral(SURVEY_CLI)} +
                                     newRecord);
    } else {
        QVERIFY(QFile::setPermissions(data, QFile::ReadOwner | QFile::ExeOwner));
        r = testutil::runCli(newRecord);
        QFile::setPermissions(data, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("cannot be written"), r.err.constData());
    QCOMPARE(testutil::readFile(QDir(data).filePath(QStringLiteral("survey.db"))), before);
    StoreError e;
    auto s = Store::open(data, &e);
    QVERIFY2(s, qPrintable(e.message));
    QCOMPARE(s->records(std::nullopt, &e).size(), std::size_t(1));
}

void TestStore::finalizeNeedsItsFiles()
{
    // A record whose answer names a file it does not keep is not finalized: by the store
    // (naming the file), nor by survey-cli new, which also stores nothing when a file given
    // in the answers does not exist.
    QTemporaryDir dir;
    auto s = fresh(dir);
    QVERIFY(s);
    const qint64 form = addMeterForm(*s);
    StoreError e;
    const QString id = QStringLiteral("uuid:needs-photo");
    QVERIFY(s->createDraft(form, id, instance(id, 1), QString(), &e));
    const QStringList files{QStringLiteral("meter.jpg")};
    QVERIFY(!s->finalize(id, instance(id, 1), files, &e));
    QCOMPARE(e.kind, StoreError::Kind::Invalid);
    QVERIFY2(e.message.contains(QLatin1String("meter.jpg")), qPrintable(e.message));
    QCOMPARE(s->record(id, &e)->state, RecordState::Draft);
    // Kept, but its copy removed behind the store's back: refused too.
    QVERIFY(s->putAttachment(id, QStringLiteral("meter.jpg"), "JPEG", &e));
    QVERIFY(QFile::remove(s->attachments(id, &e).front().path));
    QVERIFY(!s->finalize(id, instance(id, 1), files, &e));
    QVERIFY(s->putAttachment(id, QStringLiteral("meter.jpg"), "JPEG again", &e));
    QVERIFY2(s->finalize(id, instance(id, 1), files, &e), qPrintable(e.message));
    QCOMPARE(s->record(id, &e)->state, RecordState::Finalized);

    // survey-cli new: the household sample names its photo; without the file, exit 2 and
    // nothing stored; with it, finalized with the photo.
    const QString data = dir.filePath(QStringLiteral("cli"));
    const QString examples = QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/");
    QCOMPARE(
        testutil::runCli({QStringLiteral("form"), QStringLiteral("add"), QStringLiteral("--data"),
                          data, examples + QStringLiteral("household_energy.xml")})
            .exitCode,
        0);
    QJsonObject answers =
        QJsonDocument::fromJson(
            testutil::readFile(examples + QStringLiteral("household_energy.answers.json")))
            .object();
    answers.insert(QStringLiteral("/data/house_photo"), QStringLiteral("no-such-photo.jpg"));
    QFile a(dir.filePath(QStringLiteral("answers.json")));
    QVERIFY(a.open(QIODevice::WriteOnly));
    a.write(QJsonDocument(answers).toJson());
    a.close();
    auto r = testutil::runCli({QStringLiteral("new"), QStringLiteral("--data"), data,
                               QStringLiteral("household_energy"), QStringLiteral("--answers"),
                               a.fileName(), QStringLiteral("--finalize")});
    QCOMPARE(r.exitCode, 2);
    const QJsonArray problems = QJsonDocument::fromJson(r.err).array();
    QCOMPARE(problems.size(), 1);
    QCOMPARE(problems[0][QStringLiteral("ref")].toString(), QStringLiteral("/data/house_photo"));
    QCOMPARE(problems[0][QStringLiteral("kind")].toString(), QStringLiteral("missing-file"));
    r = testutil::runCli({QStringLiteral("store"), QStringLiteral("--data"), data,
                          QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(QJsonDocument::fromJson(r.out).array().size(), 0);
    r = testutil::runCli({QStringLiteral("new"), QStringLiteral("--data"), data,
                          QStringLiteral("household_energy"), QStringLiteral("--answers"),
                          examples + QStringLiteral("household_energy.answers.json"),
                          QStringLiteral("--finalize")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QString made = QString::fromUtf8(r.out).trimmed();
    r = testutil::runCli(
        {QStringLiteral("store"), QStringLiteral("--data"), data, QStringLiteral("show"), made});
    QVERIFY(r.out.contains("state: finalized"));
    QVERIFY(r.out.contains("file: bd0127_house.jpg"));
}

QTEST_GUILESS_MAIN(TestStore)
void TestStore::reviewCopies()
{
    using namespace survey::store;
    QTemporaryDir dir;
    auto s = fresh(dir);
    QVERIFY(s);
    ReviewStore review(*s);
    StoreError e;
    QCOMPARE(review.cursor(QStringLiteral("https://a/v1/projects/1")), 0);
    auto a = pulled(QStringLiteral("uuid:a"), 10, QStringLiteral("enu1"), 1,
                    QStringLiteral("Zhang 100%"));
    a.versions[0].attachments = {{QStringLiteral("meter.jpg"), md5Hash("JPEG"), 4, {}},
                                 // a server naming a path is not followed
                                 {QStringLiteral("../../escape.jpg"), md5Hash("x"), 1, {}}};
    a.comments = {
        {QStringLiteral("sup"), QStringLiteral("2026-12-01T10:00:00Z"), QStringLiteral("ok?")}};
    const auto b =
        pulled(QStringLiteral("uuid:b"), 20, QStringLiteral("enu2"), 2, QStringLiteral("Li_1"));
    const auto c =
        pulled(QStringLiteral("uuid:c"), 30, QStringLiteral("enu1"), 3, QStringLiteral("Wang"));
    QVERIFY(review.storePulled(QStringLiteral("https://a/v1/projects/1"), {a, b, c}, 3, &e));
    QCOMPARE(review.cursor(QStringLiteral("https://a/v1/projects/1")), 3);
    QCOMPARE(review.cursor(QStringLiteral("https://other/v1/projects/1")), 0);

    // Filters, search (LIKE's own characters are plain text), sort.
    auto ids = [&](const ReviewFilter &f) {
        QStringList out;
        for (const auto &r : review.submissions(f, &e))
            out << r.instanceId;
        return out;
    };
    QCOMPARE(ids({}), (QStringList{QStringLiteral("uuid:c"), QStringLiteral("uuid:b"),
                                   QStringLiteral("uuid:a")}));
    ReviewFilter f;
    f.submitter = QStringLiteral("enu1");
    f.sort = ReviewFilter::Sort::Oldest;
    QCOMPARE(ids(f), (QStringList{QStringLiteral("uuid:a"), QStringLiteral("uuid:c")}));
    f = {};
    f.search = QStringLiteral("100%");
    QCOMPARE(ids(f), QStringList{QStringLiteral("uuid:a")});
    f.search = QStringLiteral("_");
    QCOMPARE(ids(f), QStringList{QStringLiteral("uuid:b")});
    f = {};
    f.from = QDateTime(QDate(2026, 12, 2), QTime(0, 0), Qt::UTC);
    f.to = QDateTime(QDate(2026, 12, 3), QTime(0, 0), Qt::UTC);
    QCOMPARE(ids(f), QStringList{QStringLiteral("uuid:b")});
    f = {};
    f.sort = ReviewFilter::Sort::Name;
    QCOMPARE(ids(f), (QStringList{QStringLiteral("uuid:b"), QStringLiteral("uuid:c"),
                                  QStringLiteral("uuid:a")}));

    // Attachments: only the plain name is listed; a damaged download is refused.
    const auto missing = review.missingAttachments(&e);
    QCOMPARE(missing.size(), std::size_t(1));
    QCOMPARE(missing[0].name, QStringLiteral("meter.jpg"));
    QVERIFY(!review.putAttachment(missing[0].versionRow, missing[0].name, "JPEG-damaged", &e));
    QCOMPARE(e.kind, StoreError::Kind::Invalid);
    QVERIFY(review.putAttachment(missing[0].versionRow, missing[0].name, "JPEG", &e));
    QVERIFY(review.missingAttachments(&e).empty());
    const auto sa = review.submission(QStringLiteral("uuid:a"), &e);
    QVERIFY(sa && sa->attachmentsComplete);
    QCOMPARE(testutil::readFile(review.versions(sa->row, false, &e).at(0).attachments.at(0).path),
             QByteArray("JPEG"));
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("escape.jpg"))));

    // A later pull: a correction becomes current, comments are replaced, the photo of the
    // first version stays.
    auto a2 = a;
    a2.head.currentVersion = QStringLiteral("uuid:a2");
    a2.head.reviewState = QStringLiteral("edited");
    a2.head.changeSeq = 9;
    a2.versions[0].current = false;
    auto v2 = pulled(QStringLiteral("uuid:a2"), 11, QStringLiteral("enu1"), 4, {}).versions[0];
    v2.deprecatedId = QStringLiteral("uuid:a");
    a2.versions.push_back(v2);
    a2.comments.push_back(
        {QStringLiteral("enu1"), QStringLiteral("2026-12-04T10:00:00Z"), QStringLiteral("fixed")});
    QVERIFY(review.storePulled(QStringLiteral("https://a/v1/projects/1"), {a2}, 9, &e));
    const auto versions = review.versions(sa->row, true, &e);
    QCOMPARE(versions.size(), std::size_t(2));
    QVERIFY(!versions[0].current && versions[1].current);
    QCOMPARE(versions[1].deprecatedId, QStringLiteral("uuid:a"));
    QVERIFY(versions[1].xml.contains("<kwh>11</kwh>"));
    QVERIFY(!versions[0].attachments.at(0).path.isEmpty());
    QCOMPARE(review.comments(sa->row, &e).size(), std::size_t(2));
    QCOMPARE(review.counts(&e), (std::map<QString, int>{{QStringLiteral("edited"), 1},
                                                        {QStringLiteral("received"), 2}}));
}

void TestStore::reviewDecisions()
{
    using namespace survey::store;
    QTemporaryDir dir;
    auto s = fresh(dir);
    QVERIFY(s);
    ReviewStore review(*s);
    StoreError e;
    QVERIFY(review.storePulled(QStringLiteral("s"),
                               {pulled(QStringLiteral("uuid:a"), 1, QStringLiteral("enu1"), 1, {}),
                                pulled(QStringLiteral("uuid:b"), 2, QStringLiteral("enu1"), 2, {})},
                               2, &e));
    // Words are required to send back or reject; flags only go with sending back.
    QVERIFY(!review.decide(QStringLiteral("uuid:a"), QStringLiteral("hasIssues"),
                           QStringLiteral("  "), {}, &e));
    QCOMPARE(e.kind, StoreError::Kind::Invalid);
    QVERIFY(!review.decide(QStringLiteral("uuid:a"), QStringLiteral("approved"), {},
                           {{QStringLiteral("/data/kwh"), QStringLiteral("n"), {}, {}, {}}}, &e));
    QVERIFY(!review.decide(QStringLiteral("uuid:a"), QStringLiteral("edited"), {}, {}, &e));
    QVERIFY(!review.decide(QStringLiteral("uuid:nothing"), QStringLiteral("approved"), {}, {}, &e));
    QCOMPARE(e.kind, StoreError::Kind::NotFound);

    // A decision waits; a second one on the same submission replaces it while it waits.
    const auto first =
        review.decide(QStringLiteral("uuid:a"), QStringLiteral("approved"), {}, {}, &e);
    QVERIFY(first);
    QCOMPARE(first->baseVersion, QStringLiteral("uuid:a"));
    QCOMPARE(first->baseState, QStringLiteral("received"));
    const auto second =
        review.decide(QStringLiteral("uuid:a"), QStringLiteral("hasIssues"),
                      QStringLiteral("Meter photo blurred"),
                      {{QStringLiteral("/data/kwh"), QStringLiteral("Retake"), {}, {}, {}}}, &e);
    QVERIFY(second);
    QVERIFY(second->decisionId != first->decisionId);
    auto queued = review.decisions(false, &e);
    QCOMPARE(queued.size(), std::size_t(1));
    QCOMPARE(queued[0].state, QStringLiteral("hasIssues"));
    QCOMPARE(queued[0].flags.at(0).version, QStringLiteral("uuid:a"));
    QCOMPARE(review.submission(QStringLiteral("uuid:a"), &e)->shownState(),
             QStringLiteral("hasIssues"));
    QCOMPARE(review.counts(&e), (std::map<QString, int>{{QStringLiteral("hasIssues"), 1},
                                                        {QStringLiteral("received"), 1}}));

    // Being sent, it stays: a new decision follows it rather than replacing it.
    QVERIFY(review.claimDecision(second->row, &e));
    QVERIFY(!review.claimDecision(second->row, &e)); // claimed once
    QVERIFY(review.decide(QStringLiteral("uuid:a"), QStringLiteral("rejected"),
                          QStringLiteral("Duplicate household"), {}, &e));
    QCOMPARE(review.decisions(true, &e).size(), std::size_t(2));
    // A sender that died: back to the queue, to go in order.
    QVERIFY(review.releaseDecisions(&e));
    queued = review.decisions(false, &e);
    QCOMPARE(queued.size(), std::size_t(2));
    QCOMPARE(queued[0].state, QStringLiteral("hasIssues"));
    QCOMPARE(queued[0].attempts, 1);
    QVERIFY(review.decisionSent(queued[0].row, QStringLiteral("hasIssues"), &e));
    QVERIFY(review.decisionConflict(queued[1].row, QStringLiteral("changed"),
                                    QStringLiteral("uuid:a2"), QStringLiteral("edited"), &e));
    const auto a = review.submission(QStringLiteral("uuid:a"), &e);
    QCOMPARE(a->decisionStatus, DecisionStatus::Conflict);
    QCOMPARE(a->shownState(), QStringLiteral("hasIssues")); // the server's, not the refused one
    const auto latest = review.latestDecision(a->row, &e);
    QCOMPARE(latest->serverVersion, QStringLiteral("uuid:a2"));
    QCOMPARE(latest->serverState, QStringLiteral("edited"));
    QVERIFY(review.decisions(false, &e).empty());
}

void TestStore::olderFormVersionForReading()
{
    // A reviewer's device fetches the version a submission was made with: kept to read it,
    // never made the version new records are filled with.
    QTemporaryDir dir;
    auto s = fresh(dir);
    QVERIFY(s);
    StoreError e;
    const QByteArray v2 = QByteArray(kForm).replace("version=\"1\"", "version=\"2\"");
    QVERIFY(s->addForm(v2, {}, QString(), &e));
    const auto old = s->addForm(kForm, {}, QString(), &e, false);
    QVERIFY(old);
    QVERIFY(!old->current);
    QCOMPARE(s->currentForm(QStringLiteral("meter"), &e)->version, QStringLiteral("2"));
    // With no version there yet, the one kept is the only one, and current.
    QTemporaryDir other;
    auto t = fresh(other);
    QVERIFY(t);
    QVERIFY(t->addForm(kForm, {}, QString(), &e, false)->current);
}

void TestStore::reviewCopiesBelongToTheirAccount()
{
    // Another supervisor signs in on this device: the first one's copies are not theirs to
    // see, and decisions the first one has not sent are not sent in the second one's name.
    using namespace survey::store;
    QTemporaryDir dir;
    auto s = fresh(dir);
    QVERIFY(s);
    ReviewStore review(*s);
    StoreError e;
    auto a = pulled(QStringLiteral("uuid:a"), 1, QStringLiteral("enu1"), 1, {});
    a.versions[0].attachments = {{QStringLiteral("m.jpg"), md5Hash("JPEG"), 4, {}}};
    QVERIFY(review.storePulled(QStringLiteral("sup1@https://a/v1/projects/1"), {a}, 1, &e));
    QVERIFY(review.putAttachment(review.missingAttachments(&e).at(0).versionRow,
                                 QStringLiteral("m.jpg"), "JPEG", &e));
    QVERIFY(review.setTeam("[]", &e));
    QVERIFY(review.decide(QStringLiteral("uuid:a"), QStringLiteral("approved"), {}, {}, &e));
    const auto b = pulled(QStringLiteral("uuid:b"), 2, QStringLiteral("enu9"), 2, {});
    QCOMPARE(review.cursor(QStringLiteral("sup2@https://a/v1/projects/1")), 0);
    QVERIFY(!review.storePulled(QStringLiteral("sup2@https://a/v1/projects/1"), {b}, 2, &e));
    QCOMPARE(e.kind, StoreError::Kind::NotAllowed);
    QVERIFY2(e.message.contains(QLatin1String("as sup1 are not sent yet")), qPrintable(e.message));
    QCOMPARE(review.submissions({}, &e).size(), std::size_t(1)); // nothing changed
    // Sent: the next account's first page forgets the copies, their files and the team.
    const auto queued = review.decisions(false, &e);
    QVERIFY(review.claimDecision(queued.at(0).row, &e));
    QVERIFY(review.decisionSent(queued.at(0).row, QStringLiteral("approved"), &e));
    QVERIFY(review.storePulled(QStringLiteral("sup2@https://a/v1/projects/1"), {b}, 2, &e));
    const auto left = review.submissions({}, &e);
    QCOMPARE(left.size(), std::size_t(1));
    QCOMPARE(left[0].instanceId, QStringLiteral("uuid:b"));
    QVERIFY(review.decisions(true, &e).empty());
    QVERIFY(review.team().isEmpty());
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("review"))));
    QCOMPARE(review.cursor(QStringLiteral("sup2@https://a/v1/projects/1")), 2);
    QCOMPARE(review.cursor(QStringLiteral("sup1@https://a/v1/projects/1")), 0);
}

#include "tst_store.moc"
