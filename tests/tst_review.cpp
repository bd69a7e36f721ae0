// SPDX-License-Identifier: GPL-3.0-or-later
// The review loop end to end, headless: enumerators' devices and supervisors' devices
// (survey-cli, and the sync client in this process where a fault proxy is needed) against a
// real survey-sync. The CLI's contract (issue 12): review pull / list / show / approve /
// return / reject, and sync sending the decisions; pulls that are incremental and resume
// after faults; decisions applied exactly once; decisions on changed submissions refused
// and kept, not overwritten.
#include "faultproxy.h"
#include "reviewstore.h"
#include "syncclient.h"
#include "testutil.h"

#include <httplib.h>

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUrlQuery>

#include <atomic>
#include <thread>

using namespace survey;

class TestReview : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void cliRoundTrip();
    void pullIsIncrementalAndScoped();
    void pullResumesAfterFaults();
    void decisionAppliedOnce();
    void decisionOnChangedSubmissionRefused();
    void decisionsNeedWords();
    void hostileFeedRefused();

private:
    QString db() const
    {
        return QStringLiteral("sqlite:") + m_dir->filePath(QStringLiteral("s.db"));
    }
    QUrl startServer(quint16 port)
    {
        m_server = std::make_unique<QProcess>();
        return testutil::startAndReadUrl(
            *m_server, QStringLiteral(SURVEY_SYNC),
            {QStringLiteral("serve"), QStringLiteral("--db"), db(), QStringLiteral("--listen"),
             QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--insecure-http")});
    }
    void stopServer()
    {
        if (m_server && m_server->state() != QProcess::NotRunning) {
            m_server->kill();
            m_server->waitForFinished();
        }
    }
    QString device(const QString &name) const { return m_dir->filePath(name); }
    /// survey-cli sync for `user` (password "<user>-password"); the last line of its output.
    QString sync(const QString &dir, const QString &user, int *exitCode = nullptr)
    {
        const auto r = testutil::runCli(
            {QStringLiteral("sync"), QStringLiteral("--data"), dir, QStringLiteral("--server"),
             m_base.toString(), QStringLiteral("--user"), user, QStringLiteral("--password-stdin")},
            user.toUtf8() + "-password\n");
        if (exitCode)
            *exitCode = r.exitCode;
        return lastLine(r.out);
    }
    QString pull(const QString &dir, const QString &user, int *exitCode = nullptr,
                 QByteArray *err = nullptr)
    {
        const auto r =
            testutil::runCli({QStringLiteral("review"), QStringLiteral("--data"), dir,
                              QStringLiteral("pull"), QStringLiteral("--server"), m_base.toString(),
                              QStringLiteral("--user"), user, QStringLiteral("--password-stdin")},
                             user.toUtf8() + "-password\n");
        if (exitCode)
            *exitCode = r.exitCode;
        if (err)
            *err = r.err;
        return lastLine(r.out);
    }
    testutil::Run review(const QString &dir, const QStringList &args)
    {
        return testutil::runCli(
            QStringList{QStringLiteral("review"), QStringLiteral("--data"), dir} + args);
    }
    static QString lastLine(const QByteArray &out)
    {
        const QList<QByteArray> lines = out.trimmed().split('\n');
        return QString::fromUtf8(lines.last());
    }
    /// A finalized household on `dir` (forms already there), with `change` applied to the
    /// example answers; its instanceID.
    QString household(const QString &dir, const QJsonObject &change = {})
    {
        QJsonObject answers =
            QJsonDocument::fromJson(
                testutil::readFile(QStringLiteral(SURVEY_SOURCE_DIR
                                                  "/examples/forms/household_energy.answers.json")))
                .object();
        for (auto it = change.begin(); it != change.end(); ++it)
            answers.insert(it.key(), it.value());
        const QString file = m_dir->filePath(QStringLiteral("answers-%1.json").arg(++m_files));
        QFile f(file);
        if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(answers).toJson()) < 0)
            qFatal("cannot write %s", qPrintable(file));
        f.close();
        const auto r =
            testutil::runCli({QStringLiteral("new"), QStringLiteral("--data"), dir,
                              QStringLiteral("household_energy"), QStringLiteral("--answers"), file,
                              QStringLiteral("--finalize")});
        if (r.exitCode != 0)
            qFatal("new: %s", r.err.constData());
        return QString::fromUtf8(r.out.trimmed());
    }
    /// The server's JSON for `path` under the project, as `user` sees it.
    QJsonDocument api(const QString &path, const char *user = "admin",
                      const char *password = "admin-password")
    {
        httplib::Client c(m_base.host().toStdString(), m_base.port());
        c.set_basic_auth(user, password);
        const auto r = c.Get((m_base.path() + path).toStdString().c_str());
        if (!r || r->status != 200)
            qFatal("GET %s: %d", qPrintable(path), r ? r->status : -1);
        return QJsonDocument::fromJson(QByteArray::fromStdString(r->body));
    }
    int serverCount(const QString &sql)
    {
        return testutil::sqliteCount(m_dir->filePath(QStringLiteral("s.db")), sql);
    }
    QString reviewStateOnServer(const QString &instanceId)
    {
        return api(QStringLiteral("/forms/household_energy/submissions/%1").arg(instanceId))
            .object()
            .value(QStringLiteral("reviewState"))
            .toString();
    }
    /// The sync client of a reviewer's device in this process (for the fault proxy).
    sync::SyncClient *reviewer(store::Store &s, const QUrl &base, const QString &user)
    {
        auto *c = new sync::SyncClient(s, {base, user, user + QStringLiteral("-password")}, this);
        c->setRetryPolicy(
            sync::RetryPolicy(std::chrono::milliseconds(10), std::chrono::milliseconds(50), 2));
        c->setTransferTimeout(std::chrono::milliseconds(5000));
        return c;
    }
    static sync::SyncSummary wait(sync::SyncClient *c, const std::function<void()> &start)
    {
        QSignalSpy done(c, &sync::SyncClient::finished);
        start();
        if (done.isEmpty() && !done.wait(120000))
            qFatal("the sync did not finish");
        return done.first().first().value<sync::SyncSummary>();
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_server;
    QUrl m_base;
    int m_files = 0;
};

void TestReview::init()
{
    // A server of its own for each test: two teams (sup: enu1, enu2; sup2: enu3) and the
    // household form.
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY(testutil::seedServer(
        QStringLiteral(SURVEY_SYNC), db(),
        {{QStringLiteral("sup"), QStringLiteral("supervisor"), QStringLiteral("sup-password"), {}},
         {QStringLiteral("sup2"),
          QStringLiteral("supervisor"),
          QStringLiteral("sup2-password"),
          {}},
         {QStringLiteral("enu1"), QStringLiteral("enumerator"), QStringLiteral("enu1-password"),
          QStringLiteral("sup")},
         {QStringLiteral("enu2"), QStringLiteral("enumerator"), QStringLiteral("enu2-password"),
          QStringLiteral("sup")},
         {QStringLiteral("enu3"), QStringLiteral("enumerator"), QStringLiteral("enu3-password"),
          QStringLiteral("sup2")}},
        {QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.xml")}));
    m_base = startServer(0);
    QVERIFY(m_base.isValid());
    // The answers name the photo beside them.
    QVERIFY(QFile::copy(QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/bd0127_house.jpg"),
                        m_dir->filePath(QStringLiteral("bd0127_house.jpg"))));
}

void TestReview::cleanup()
{
    stopServer();
    m_dir.reset();
}

void TestReview::cliRoundTrip()
{
    // An enumerator sends two households.
    const QString enu = device(QStringLiteral("enu1"));
    QCOMPARE(sync(enu, QStringLiteral("enu1")), QStringLiteral("sent 0, failed 0, returned 0"));
    const QString h1 = household(enu);
    const QString h2 = household(enu, {{QStringLiteral("/data/hh_id"), QStringLiteral("BD0128")}});
    QCOMPARE(sync(enu, QStringLiteral("enu1")), QStringLiteral("sent 2, failed 0, returned 0"));

    // The supervisor pulls them, with the photo.
    const QString sup = device(QStringLiteral("sup"));
    int code = -1;
    QCOMPARE(pull(sup, QStringLiteral("sup"), &code), QStringLiteral("pulled 2, failed 0"));
    QCOMPARE(code, 0);
    auto listed = review(sup, {QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(listed.exitCode, 0);
    QJsonArray all = QJsonDocument::fromJson(listed.out).array();
    QCOMPARE(all.size(), 2);
    QSet<QString> ids;
    for (const QJsonValue &v : all) {
        const QJsonObject o = v.toObject();
        ids.insert(o[QStringLiteral("instanceId")].toString());
        QCOMPARE(o[QStringLiteral("formId")].toString(), QStringLiteral("household_energy"));
        QCOMPARE(o[QStringLiteral("submitter")].toString(), QStringLiteral("enu1"));
        QCOMPARE(o[QStringLiteral("reviewState")].toString(), QStringLiteral("received"));
        QVERIFY(o[QStringLiteral("instanceName")].toString().startsWith(QLatin1String("HH-BD012")));
        QVERIFY(QDateTime::fromString(o[QStringLiteral("updatedAt")].toString(), Qt::ISODateWithMs)
                    .isValid());
    }
    QCOMPARE(ids, (QSet<QString>{h1, h2}));

    // With the network off, the supervisor reads one: labels, choice labels, sections,
    // computed values, the photo.
    stopServer();
    auto shown = review(sup, {QStringLiteral("show"), h1});
    QCOMPARE(shown.exitCode, 0);
    const QString text = QString::fromUtf8(shown.out);
    QVERIFY2(text.contains(QStringLiteral("Type of area: Suburban area\n")), shown.out);
    QVERIFY(text.contains(QStringLiteral("== Household members 2 ==\n")));
    QVERIFY(text.contains(QStringLiteral("  Sex: Female\n")));
    QVERIFY(text.contains(QStringLiteral("vehicle_kgco2: 2181.12 (computed)\n")));
    QVERIFY(text.contains(QStringLiteral("By enu1 on device survey-collector:")));
    QVERIFY(text.contains(
        QStringLiteral("Photo of the dwelling from outside: bd0127_house.jpg (file)")));
    store::StoreError e;
    {
        auto s = store::Store::open(sup, &e);
        QVERIFY(s);
        store::ReviewStore r(*s);
        const auto sub = r.submission(h1, &e);
        QVERIFY(sub);
        const auto versions = r.versions(sub->row, false, &e);
        QCOMPARE(versions.size(), std::size_t(1));
        QCOMPARE(versions[0].attachments.size(), std::size_t(1));
        QCOMPARE(testutil::readFile(versions[0].attachments[0].path),
                 testutil::readFile(
                     QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/bd0127_house.jpg")));
    }

    // Offline: one approved, the other sent back with two flagged questions.
    QCOMPARE(review(sup, {QStringLiteral("approve"), h1}).exitCode, 0);
    QCOMPARE(review(sup, {QStringLiteral("return"), h2, QStringLiteral("--comment"),
                          QStringLiteral("请核实 / Please check"), QStringLiteral("--flag"),
                          QStringLiteral("/data/elec_kwh=Use and bill disagree"),
                          QStringLiteral("--flag"),
                          QStringLiteral("/data/members/member[2]/age=年龄与证件不符")})
                 .exitCode,
             0);
    const auto queued =
        QJsonDocument::fromJson(
            review(sup, {QStringLiteral("decisions"), QStringLiteral("--json")}).out)
            .array();
    QCOMPARE(queued.size(), 2);
    for (const QJsonValue &d : queued)
        QCOMPARE(d[QStringLiteral("status")].toString(), QStringLiteral("queued"));
    QCOMPARE(sync(sup, QStringLiteral("sup"), &code),
             QStringLiteral("sent 0, failed 2, returned 0"));
    QCOMPARE(code, 1);

    // The server is back: the decisions go.
    m_base = startServer(static_cast<quint16>(m_base.port()));
    QVERIFY(m_base.isValid());
    QCOMPARE(sync(sup, QStringLiteral("sup"), &code),
             QStringLiteral("sent 2, failed 0, returned 0"));
    QCOMPARE(code, 0);
    QCOMPARE(reviewStateOnServer(h1), QStringLiteral("approved"));
    QCOMPARE(reviewStateOnServer(h2), QStringLiteral("hasIssues"));

    // The enumerator gets h2 back with its flags, corrects it and sends it again.
    QCOMPARE(sync(enu, QStringLiteral("enu1")), QStringLiteral("sent 0, failed 0, returned 1"));
    const auto back = testutil::runCli(
        {QStringLiteral("store"), QStringLiteral("--data"), enu, QStringLiteral("show"), h2});
    QVERIFY(back.out.contains("flagged /data/elec_kwh by sup: Use and bill disagree\n"));
    QVERIFY(QString::fromUtf8(back.out).contains(
        QStringLiteral("flagged /data/members/member[2]/age by sup: 年龄与证件不符\n")));
    QFile fix(m_dir->filePath(QStringLiteral("fix.json")));
    QVERIFY(fix.open(QIODevice::WriteOnly));
    fix.write(R"({"/data/elec_kwh": 298})");
    fix.close();
    QCOMPARE(testutil::runCli({QStringLiteral("store"), QStringLiteral("--data"), enu,
                               QStringLiteral("correct"), h2, QStringLiteral("--answers"),
                               fix.fileName(), QStringLiteral("--finalize")})
                 .exitCode,
             0);
    QCOMPARE(sync(enu, QStringLiteral("enu1")), QStringLiteral("sent 1, failed 0, returned 0"));

    // The supervisor pulls the correction (and h1, changed by the approval), sees old → new,
    // approves.
    QCOMPARE(pull(sup, QStringLiteral("sup")), QStringLiteral("pulled 2, failed 0"));
    shown = review(sup, {QStringLiteral("show"), h2});
    QVERIFY2(shown.out.contains(QByteArray("Changes since version ") + h2.toUtf8() + ":\n"),
             shown.out);
    QVERIFY(shown.out.contains("  Average monthly electricity use (kWh): 320 → 298\n"));
    QVERIFY(shown.out.contains("review state edited\n"));
    QCOMPARE(review(sup, {QStringLiteral("approve"), h2}).exitCode, 0);
    QCOMPARE(sync(sup, QStringLiteral("sup")), QStringLiteral("sent 1, failed 0, returned 0"));

    // The server's export holds both, approved.
    const QJsonArray exported =
        api(QStringLiteral("/forms/household_energy/submissions.json")).array();
    QCOMPARE(exported.size(), 2);
    for (const QJsonValue &v : exported)
        QCOMPARE(v[QStringLiteral("reviewState")].toString(), QStringLiteral("approved"));
}

void TestReview::pullIsIncrementalAndScoped()
{
    const QString enu = device(QStringLiteral("enu2"));
    QCOMPARE(sync(enu, QStringLiteral("enu2")), QStringLiteral("sent 0, failed 0, returned 0"));
    const QString h = household(enu);
    QCOMPARE(sync(enu, QStringLiteral("enu2")), QStringLiteral("sent 1, failed 0, returned 0"));
    const QString sup = device(QStringLiteral("sup"));
    QCOMPARE(pull(sup, QStringLiteral("sup")), QStringLiteral("pulled 1, failed 0"));
    // Nothing changed: nothing pulled.
    QCOMPARE(pull(sup, QStringLiteral("sup")), QStringLiteral("pulled 0, failed 0"));
    // A comment by the project lead is a change.
    httplib::Client c(m_base.host().toStdString(), m_base.port());
    c.set_basic_auth("admin", "admin-password");
    const auto r = c.Post(
        (m_base.path() + QStringLiteral("/forms/household_energy/submissions/%1/comments").arg(h))
            .toStdString()
            .c_str(),
        R"({"body":"Check the coal figure"})", "application/json");
    QCOMPARE(r->status, 200);
    QCOMPARE(pull(sup, QStringLiteral("sup")), QStringLiteral("pulled 1, failed 0"));
    QVERIFY(review(sup, {QStringLiteral("show"), h}).out.contains("Comment by admin at "));
    // Another team's supervisor gets none of it; the admin gets everything.
    QCOMPARE(pull(device(QStringLiteral("sup2")), QStringLiteral("sup2")),
             QStringLiteral("pulled 0, failed 0"));
    int code = -1;
    QByteArray err;
    QCOMPARE(pull(device(QStringLiteral("enu2-review")), QStringLiteral("enu2"), &code, &err),
             QStringLiteral("pulled 0, failed 0"));
    QCOMPARE(code, 1);
    QVERIFY2(err.contains("enu2 is not a supervisor or an admin on this server"), err);
    // The team as the supervisor's device keeps it.
    auto s = store::Store::open(sup, nullptr);
    QVERIFY(s);
    const QJsonArray team = QJsonDocument::fromJson(store::ReviewStore(*s).team()).array();
    QCOMPARE(team.size(), 2);
    QCOMPARE(team[0][QStringLiteral("displayName")].toString(), QStringLiteral("enu1"));
    QCOMPARE(team[1][QStringLiteral("displayName")].toString(), QStringLiteral("enu2"));
    QCOMPARE(team[1][QStringLiteral("counts")][QStringLiteral("total")].toInt(), 1);
    QVERIFY(
        QDateTime::fromString(team[1][QStringLiteral("lastSyncAt")].toString(), Qt::ISODateWithMs)
            .isValid());
    QVERIFY(team[0][QStringLiteral("lastSyncAt")].isNull()); // enu1 never synced
}

void TestReview::pullResumesAfterFaults()
{
    const QString enu = device(QStringLiteral("enu1"));
    QCOMPARE(sync(enu, QStringLiteral("enu1")), QStringLiteral("sent 0, failed 0, returned 0"));
    QStringList sent;
    for (int i = 0; i < 6; ++i)
        sent << household(enu, {{QStringLiteral("/data/hh_id"), QStringLiteral("BD020%1").arg(i)}});
    QCOMPARE(sync(enu, QStringLiteral("enu1")), QStringLiteral("sent 6, failed 0, returned 0"));

    // Pages of two; after the second page every connection is dropped.
    FaultProxy proxy(static_cast<quint16>(m_base.port()));
    QVERIFY(proxy.listen());
    proxy.requestsPerConnection = 1;
    proxy.choose = [&proxy] {
        return proxy.requests.filter(QStringLiteral("/review/feed")).size() >= 2
                   ? FaultProxy::Fault::Drop
                   : FaultProxy::Fault::Pass;
    };
    QUrl through = m_base;
    through.setPort(proxy.port());
    QTemporaryDir dir;
    store::StoreError e;
    auto s = store::Store::open(dir.path(), &e);
    QVERIFY(s);
    auto *c = reviewer(*s, through, QStringLiteral("sup"));
    c->setReviewPageSize(2);
    auto first = wait(c, [c] { c->pullReview(); });
    QVERIFY(first.pullFailed > 0);
    store::ReviewStore review(*s);
    const auto kept = review.submissions({}, &e);
    QCOMPARE(kept.size(), std::size_t(4)); // two pages, each stored whole
    const qint64 cursor = review.cursor(QStringLiteral("sup@") + through.toString());
    QVERIFY(cursor > 0);

    // The connection is back: the pull goes on from where it stopped.
    proxy.requests.clear();
    proxy.choose = [] { return FaultProxy::Fault::Pass; };
    auto second = wait(c, [c] { c->pullReview(); });
    QCOMPARE(second.pullFailed, 0);
    QVERIFY2(second.problems.isEmpty(), qPrintable(second.problems.join(QLatin1Char('\n'))));
    const QStringList feeds = proxy.requests.filter(QStringLiteral("/review/feed"));
    QVERIFY(!feeds.isEmpty());
    QVERIFY2(feeds.first().contains(QStringLiteral("after=%1&").arg(cursor)),
             qPrintable(feeds.first()));
    const auto all = review.submissions({}, &e);
    QCOMPARE(all.size(), std::size_t(6));
    const QByteArray photo =
        testutil::readFile(QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/bd0127_house.jpg"));
    for (const auto &sub : all) {
        QVERIFY(sent.contains(sub.instanceId));
        QVERIFY(sub.attachmentsComplete);
        const auto versions = review.versions(sub.row, false, &e);
        QCOMPARE(testutil::readFile(versions.at(0).attachments.at(0).path), photo);
    }
    // The first pull's attachments all failed (every connection dropped): each photo is
    // downloaded once now, none twice.
    const QStringList photos = proxy.requests.filter(QStringLiteral("/attachments/"));
    QCOMPARE(photos.size(), 6);
    QCOMPARE(QSet<QString>(photos.begin(), photos.end()).size(), 6);
    QCOMPARE(first.pulled + second.pulled, 6);
}

void TestReview::decisionAppliedOnce()
{
    const QString enu = device(QStringLiteral("enu1"));
    QCOMPARE(sync(enu, QStringLiteral("enu1")), QStringLiteral("sent 0, failed 0, returned 0"));
    const QString h = household(enu);
    QCOMPARE(sync(enu, QStringLiteral("enu1")), QStringLiteral("sent 1, failed 0, returned 0"));
    QTemporaryDir dir;
    store::StoreError e;
    auto s = store::Store::open(dir.path(), &e);
    QVERIFY(s);
    FaultProxy proxy(static_cast<quint16>(m_base.port()));
    QVERIFY(proxy.listen());
    proxy.requestsPerConnection = 1;
    QUrl through = m_base;
    through.setPort(proxy.port());
    auto *c = reviewer(*s, through, QStringLiteral("sup"));
    QCOMPARE(wait(c, [c] { c->pullReview(); }).pulled, 1);
    store::ReviewStore review(*s);
    QVERIFY(review.decide(
        h, QStringLiteral("hasIssues"), QStringLiteral("Check the bill"),
        {{QStringLiteral("/data/elec_bill"), QStringLiteral("Too low"), {}, {}, {}},
         {QStringLiteral("/data/fuel_use/coal_kg"), QStringLiteral("Per month?"), {}, {}, {}}},
        &e));
    // Every answer is lost after the server has it: the decision arrives, the device cannot
    // know.
    proxy.choose = [] { return FaultProxy::Fault::Cut; };
    auto first = wait(c, [c] { c->syncAll(); });
    QCOMPARE(first.sent, 0);
    QCOMPARE(first.failed, 1);
    QCOMPARE(review.decisions(false, &e).size(), std::size_t(1)); // still queued
    QCOMPARE(reviewStateOnServer(h), QStringLiteral("hasIssues"));
    // Sent again, by automatic sending this time (push): the server knows the decision and
    // applies nothing twice.
    proxy.choose = [] { return FaultProxy::Fault::Pass; };
    auto second = wait(c, [c] { c->push(false); });
    QCOMPARE(second.sent, 1);
    QCOMPARE(second.failed, 0);
    QVERIFY(review.decisions(false, &e).empty());
    QCOMPARE(review.decisions(true, &e).at(0).status, store::DecisionStatus::Sent);
    QCOMPARE(serverCount(QStringLiteral("SELECT COUNT(*) FROM comments")), 1);
    QCOMPARE(serverCount(QStringLiteral("SELECT COUNT(*) FROM review_flags")), 2);
    QCOMPARE(serverCount(QStringLiteral("SELECT COUNT(*) FROM review_decisions")), 1);
}

void TestReview::decisionOnChangedSubmissionRefused()
{
    const QString enu = device(QStringLiteral("enu1"));
    QCOMPARE(sync(enu, QStringLiteral("enu1")), QStringLiteral("sent 0, failed 0, returned 0"));
    const QString h = household(enu);
    QCOMPARE(sync(enu, QStringLiteral("enu1")), QStringLiteral("sent 1, failed 0, returned 0"));
    // Two reviewers pull the same submission: the supervisor and the project lead.
    const QString sup = device(QStringLiteral("sup"));
    const QString lead = device(QStringLiteral("admin"));
    QCOMPARE(pull(sup, QStringLiteral("sup")), QStringLiteral("pulled 1, failed 0"));
    const auto r = testutil::runCli({QStringLiteral("review"), QStringLiteral("--data"), lead,
                                     QStringLiteral("pull"), QStringLiteral("--server"),
                                     m_base.toString(), QStringLiteral("--user"),
                                     QStringLiteral("admin"), QStringLiteral("--password-stdin")},
                                    "admin-password\n");
    QCOMPARE(lastLine(r.out), QStringLiteral("pulled 1, failed 0"));
    QCOMPARE(review(sup, {QStringLiteral("return"), h, QStringLiteral("--comment"),
                          QStringLiteral("Recount the members")})
                 .exitCode,
             0);
    QCOMPARE(review(lead, {QStringLiteral("approve"), h}).exitCode, 0);
    QCOMPARE(sync(sup, QStringLiteral("sup")), QStringLiteral("sent 1, failed 0, returned 0"));
    // The lead's decision was made on a state that is gone: refused, kept, said.
    const auto late =
        testutil::runCli({QStringLiteral("sync"), QStringLiteral("--data"), lead,
                          QStringLiteral("--server"), m_base.toString(), QStringLiteral("--user"),
                          QStringLiteral("admin"), QStringLiteral("--password-stdin")},
                         "admin-password\n");
    QCOMPARE(lastLine(late.out), QStringLiteral("sent 0, failed 1, returned 0"));
    QCOMPARE(late.exitCode, 1);
    QVERIFY2(
        late.err.contains("someone else reviewed the submission meanwhile: it is now hasIssues"),
        late.err);
    QCOMPARE(reviewStateOnServer(h), QStringLiteral("hasIssues"));
    const auto decisions =
        QJsonDocument::fromJson(
            review(lead, {QStringLiteral("decisions"), QStringLiteral("--json")}).out)
            .array();
    QCOMPARE(decisions.size(), 1);
    QCOMPARE(decisions[0][QStringLiteral("status")].toString(), QStringLiteral("conflict"));
    // The list shows the server's state beside the refused decision, not the decision.
    auto listed = QJsonDocument::fromJson(
                      review(lead, {QStringLiteral("list"), QStringLiteral("--json")}).out)
                      .array();
    QCOMPARE(listed[0][QStringLiteral("decision")].toString(), QStringLiteral("conflict"));

    // A newer version since the pull is refused the same way.
    QCOMPARE(sync(enu, QStringLiteral("enu1")), QStringLiteral("sent 0, failed 0, returned 1"));
    QCOMPARE(testutil::runCli({QStringLiteral("store"), QStringLiteral("--data"), enu,
                               QStringLiteral("correct"), h, QStringLiteral("--finalize")})
                 .exitCode,
             0);
    QCOMPARE(sync(enu, QStringLiteral("enu1")), QStringLiteral("sent 1, failed 0, returned 0"));
    QCOMPARE(review(sup, {QStringLiteral("approve"), h}).exitCode, 0); // not pulled again
    const auto stale =
        testutil::runCli({QStringLiteral("sync"), QStringLiteral("--data"), sup,
                          QStringLiteral("--server"), m_base.toString(), QStringLiteral("--user"),
                          QStringLiteral("sup"), QStringLiteral("--password-stdin")},
                         "sup-password\n");
    QCOMPARE(lastLine(stale.out), QStringLiteral("sent 0, failed 1, returned 0"));
    QVERIFY2(stale.err.contains("the submission has a newer version"), stale.err);
    QCOMPARE(reviewStateOnServer(h), QStringLiteral("edited"));
}

void TestReview::decisionsNeedWords()
{
    const QString enu = device(QStringLiteral("enu1"));
    QCOMPARE(sync(enu, QStringLiteral("enu1")), QStringLiteral("sent 0, failed 0, returned 0"));
    const QString h = household(enu);
    QCOMPARE(sync(enu, QStringLiteral("enu1")), QStringLiteral("sent 1, failed 0, returned 0"));
    const QString sup = device(QStringLiteral("sup"));
    QCOMPARE(pull(sup, QStringLiteral("sup")), QStringLiteral("pulled 1, failed 0"));
    auto r = review(sup, {QStringLiteral("return"), h});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("needs a comment for the enumerator"));
    r = review(sup,
               {QStringLiteral("reject"), h, QStringLiteral("--comment"), QStringLiteral(" ")});
    QCOMPARE(r.exitCode, 1);
    r = review(
        sup, {QStringLiteral("approve"), h, QStringLiteral("--flag"), QStringLiteral("/data/x=y")});
    QCOMPARE(r.exitCode, 64); // flags only go with return
    r = review(sup, {QStringLiteral("approve"), QStringLiteral("uuid:not-pulled")});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.err.contains("There is no submission uuid:not-pulled on this device"));
    // A flag naming no question of the submission is refused by the server, and said.
    QCOMPARE(review(sup, {QStringLiteral("return"), h, QStringLiteral("--comment"),
                          QStringLiteral("Check"), QStringLiteral("--flag"),
                          QStringLiteral("/data/energy/elec_kwh=Where?")})
                 .exitCode,
             0);
    int code = -1;
    QCOMPARE(sync(sup, QStringLiteral("sup"), &code),
             QStringLiteral("sent 0, failed 1, returned 0"));
    QCOMPARE(code, 1);
    QCOMPARE(reviewStateOnServer(h), QStringLiteral("received"));
    // Refused for good: not sent again and again, kept for the reviewer to decide anew.
    const auto refused =
        QJsonDocument::fromJson(
            review(sup, {QStringLiteral("decisions"), QStringLiteral("--json")}).out)
            .array();
    QCOMPARE(refused.at(0)[QStringLiteral("status")].toString(), QStringLiteral("conflict"));
    QVERIFY(refused.at(0)[QStringLiteral("error")].toString().contains(
        QLatin1String("names nothing in this submission")));
    QCOMPARE(sync(sup, QStringLiteral("sup")), QStringLiteral("sent 0, failed 0, returned 0"));
    // A new decision follows the refused one.
    QCOMPARE(review(sup, {QStringLiteral("return"), h, QStringLiteral("--comment"),
                          QStringLiteral("Check"), QStringLiteral("--flag"),
                          QStringLiteral("/data/elec_kwh=This one")})
                 .exitCode,
             0);
    QCOMPARE(sync(sup, QStringLiteral("sup")), QStringLiteral("sent 1, failed 0, returned 0"));
    QCOMPARE(reviewStateOnServer(h), QStringLiteral("hasIssues"));
}

void TestReview::hostileFeedRefused()
{
    // A server (or something posing as one) whose review feed never moves its cursor, and
    // lists a photo without its checksum: the device stops, says so, and keeps nothing it
    // cannot check.
    httplib::Server fake;
    std::atomic<int> feeds{0};
    fake.Get("/v1/users/current", [](const httplib::Request &, httplib::Response &res) {
        res.set_content(R"({"id":1,"type":"user","displayName":"sup","role":"supervisor"})",
                        "application/json");
    });
    fake.Get("/v1/projects/1/formList", [](const httplib::Request &, httplib::Response &res) {
        res.set_header("X-OpenRosa-Version", "1.0");
        res.set_content(R"(<xforms xmlns="http://openrosa.org/xforms/xformsList"/>)", "text/xml");
    });
    fake.Get("/v1/projects/1/team", [](const httplib::Request &, httplib::Response &res) {
        res.set_content("[]", "application/json");
    });
    const QString xml = QStringLiteral("<data id=\"meter\" version=\"1\"><kwh>3</kwh><meta>"
                                       "<instanceID>uuid:x</instanceID></meta></data>");
    fake.Get("/v1/projects/1/review/feed", [&](const httplib::Request &, httplib::Response &res) {
        ++feeds;
        // The same page again and again: the cursor stays at 7.
        const QJsonObject file{{QStringLiteral("name"), QStringLiteral("m.jpg")},
                               {QStringLiteral("hash"), QString()},
                               {QStringLiteral("size"), 4}};
        const QJsonObject version{{QStringLiteral("instanceId"), QStringLiteral("uuid:x")},
                                  {QStringLiteral("formVersion"), QStringLiteral("1")},
                                  {QStringLiteral("current"), true},
                                  {QStringLiteral("xml"), xml},
                                  {QStringLiteral("attachments"), QJsonArray{file}}};
        const QJsonObject item{
            {QStringLiteral("instanceId"), QStringLiteral("uuid:x")},
            {QStringLiteral("formId"), QStringLiteral("meter")},
            {QStringLiteral("formVersion"), QStringLiteral("1")},
            {QStringLiteral("submitterName"), QStringLiteral("enu1")},
            {QStringLiteral("reviewState"), QStringLiteral("received")},
            {QStringLiteral("createdAt"), QStringLiteral("2026-12-05T08:00:00.000Z")},
            {QStringLiteral("changeSeq"), 7},
            {QStringLiteral("currentVersion"),
             QJsonObject{{QStringLiteral("instanceId"), QStringLiteral("uuid:x")}}},
            {QStringLiteral("versions"), QJsonArray{version}}};
        res.set_content(QJsonDocument(QJsonObject{{QStringLiteral("submissions"), QJsonArray{item}},
                                                  {QStringLiteral("next"), 7},
                                                  {QStringLiteral("more"), true},
                                                  {QStringLiteral("remaining"), 5}})
                            .toJson()
                            .toStdString(),
                        "application/json");
    });
    fake.Get(R"(/v1/projects/1/forms/meter/submissions/.*)",
             [](const httplib::Request &, httplib::Response &res) {
                 res.set_content("JPEG", "image/jpeg");
             });
    fake.Get("/v1/projects/1/forms/meter/versions/1.xml", [](const httplib::Request &,
                                                             httplib::Response &res) {
        res.set_content(
            testutil::readFile(QStringLiteral(SURVEY_TEST_DATA "/meter.xml")).toStdString(),
            "text/xml");
    });
    const int port = fake.bind_to_any_port("127.0.0.1");
    std::thread serving([&fake] { fake.listen_after_bind(); });
    QTemporaryDir dir;
    store::StoreError e;
    auto s = store::Store::open(dir.path(), &e);
    QVERIFY(s);
    auto *c = reviewer(*s, QUrl(QStringLiteral("http://127.0.0.1:%1/v1/projects/1").arg(port)),
                       QStringLiteral("sup"));
    const auto summary = wait(c, [c] { c->pullReview(); });
    fake.stop();
    serving.join();
    QCOMPARE(feeds.load(), 2); // the first page, then the one that did not move on
    QVERIFY2(summary.problems.contains(
                 QStringLiteral("The server's list of submissions for review is not readable.")),
             qPrintable(summary.problems.join(QLatin1Char('\n'))));
    store::ReviewStore review(*s);
    QCOMPARE(review.submissions({}, &e).size(), std::size_t(1));
    QCOMPARE(review.missingAttachments(&e).size(), std::size_t(1)); // listed, not taken
    QCOMPARE(summary.pulled, 0);
    QCOMPARE(summary.pullFailed, 1);
    // The form version it needed was fetched to read the submission with.
    QVERIFY(s->formVersion(QStringLiteral("meter"), QStringLiteral("1"), &e));
}

QTEST_GUILESS_MAIN(TestReview)
#include "tst_review.moc"
