// SPDX-License-Identifier: GPL-3.0-or-later
// The server's analysis (GET …/forms/{id}/analysis), on a real survey-sync process: the
// reference's households (tests/data/analysis) submitted by their enumerators and reviewed
// over the API, then the figures asked for and checked against the reference, as
// `survey-cli analyse --json` is on a device that pulled them.
#include "testutil.h"

#include "households.h"

#include "dataset.h"
#include "formdefinition.h"
#include "results.h"

#include <httplib.h>

#include <thread>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUrl>

using namespace survey;

class TestServerAnalysis : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void figuresMatchTheReference_data();
    void figuresMatchTheReference();
    void supervisorsSeeTheirTeams();
    void labelsInTheAskedLanguage();
    void specThatDoesNotFitIsSaid();
    void manySubmissionsInBatches();
    void oneAnalysisAtATime();
    void refusals_data();
    void refusals();

private:
    QString db() const
    {
        const QString given = qEnvironmentVariable("SURVEY_TEST_DB");
        return given.isEmpty() ? QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("s.db"))
                               : given;
    }
    httplib::Client client(const std::string &user, const std::string &password) const
    {
        httplib::Client c(m_host, m_port);
        c.set_connection_timeout(10);
        c.set_read_timeout(60);
        if (!user.empty())
            c.set_basic_auth(user, password);
        return c;
    }
    /// The analysis as `user` sees it: status and body as JSON.
    std::pair<int, QJsonObject> analysis(const std::string &user, const std::string &query = {},
                                         const std::string &form = "household_energy") const
    {
        auto c = client(user, user + "-password");
        const auto r = c.Get(("/v1/projects/1/forms/" + form + "/analysis" + query).c_str());
        if (!r)
            return {-1, {}};
        return {r->status, QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).object()};
    }
    QTemporaryDir m_dir;
    QProcess m_server;
    std::string m_host;
    int m_port = 0;
    QJsonObject m_ref;
    QByteArray m_household; ///< the household form's XForm
    int m_runs = 0;         ///< of manySubmissionsInBatches, each with a form of its own
};

void TestServerAnalysis::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_ref = households::reference();
    // The household form, and a copy of it under another ID whose analysis.json names a
    // question the form does not have.
    QByteArray copy =
        testutil::readFile(households::kExamples + QStringLiteral("/household_energy.xml"));
    QVERIFY(copy.contains("id=\"household_energy\""));
    copy.replace("id=\"household_energy\"", "id=\"household_misfit\"");
    const QString misfit = m_dir.filePath(QStringLiteral("household_misfit.xml"));
    QVERIFY(testutil::writeFile(misfit, copy));
    QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("household_misfit-media")));
    QVERIFY(testutil::writeFile(
        m_dir.filePath(QStringLiteral("household_misfit-media/analysis.json")),
        testutil::readFile(households::kExamples +
                           QStringLiteral("/household_energy-media/analysis.json"))
            .replace("/data/district", "/data/no_such_question")));
    m_household =
        testutil::readFile(households::kExamples + QStringLiteral("/household_energy.xml"));
    // li and wang work for sup1, zhao for sup2.
    auto user = [](const char *name, const char *role, const char *supervisor) {
        return testutil::ServerUser{QLatin1String(name), QLatin1String(role),
                                    QLatin1String(name) + QStringLiteral("-password"),
                                    QLatin1String(supervisor)};
    };
    QVERIFY(testutil::seedServer(
        QStringLiteral(SURVEY_SYNC), db(),
        {user("sup1", "supervisor", ""), user("sup2", "supervisor", ""),
         user("li", "enumerator", "sup1"), user("wang", "enumerator", "sup1"),
         user("zhao", "enumerator", "sup2")},
        {households::kExamples + QStringLiteral("/household_energy.xml"), misfit}));
    const QUrl base = testutil::startAndReadUrl(
        m_server, QStringLiteral(SURVEY_SYNC),
        {QStringLiteral("serve"), QStringLiteral("--db"), db(), QStringLiteral("--listen"),
         QStringLiteral("127.0.0.1:0"), QStringLiteral("--insecure-http")});
    QVERIFY(base.isValid());
    m_host = base.host().toStdString();
    m_port = base.port();

    // The households, each sent by its enumerator (the device's own two by li), then
    // reviewed by the admin. Sent last first: the bootstrap draws rows in the order of their
    // instanceIDs, not in the order the server got them.
    const auto form = households::householdForm();
    QVERIFY(form);
    auto admin = client("admin", "admin-password");
    const QJsonArray sent = m_ref.value(QStringLiteral("store_households")).toArray();
    for (qsizetype i = sent.size() - 1; i >= 0; --i) {
        const QJsonObject h = sent.at(i).toObject();
        const QString id = QStringLiteral("uuid:") + h[QStringLiteral("id")].toString();
        const QByteArray xml = households::householdXml(form, h, id);
        QVERIFY(!xml.isEmpty());
        std::string submitter = h[QStringLiteral("submitter")].toString().toStdString();
        if (submitter.empty())
            submitter = "li";
        auto c = client(submitter, submitter + "-password");
        const httplib::MultipartFormDataItems items{
            {"xml_submission_file", xml.toStdString(), "submission.xml", "text/xml"}};
        auto r = c.Post("/v1/projects/1/submission", {{"X-OpenRosa-Version", "1.0"}}, items);
        QVERIFY(r);
        QCOMPARE(r->status, 201);
        const QString state = h[QStringLiteral("state")].toString();
        if (state == QLatin1String("received") || state == QLatin1String("device"))
            continue;
        r = admin.Patch(
            ("/v1/projects/1/forms/household_energy/submissions/" + id.toStdString()).c_str(),
            QJsonDocument(QJsonObject{{QStringLiteral("reviewState"), state},
                                      {QStringLiteral("comment"), QStringLiteral("请核对用电量")}})
                .toJson()
                .toStdString(),
            "application/json");
        QVERIFY(r);
        QVERIFY2(r->status == 200, r->body.c_str());
    }
}

void TestServerAnalysis::cleanupTestCase()
{
    m_server.terminate();
    if (!m_server.waitForFinished(5000)) {
        m_server.kill();
        m_server.waitForFinished();
    }
}

void TestServerAnalysis::figuresMatchTheReference_data()
{
    QTest::addColumn<std::string>("query");
    QTest::addColumn<QString>("key");
    QTest::newRow("all") << std::string() << QStringLiteral("store_all");
    QTest::newRow("all, said") << std::string("?approvedOnly=false") << QStringLiteral("store_all");
    QTest::newRow("approved only")
        << std::string("?approvedOnly=true") << QStringLiteral("store_approved");
}

void TestServerAnalysis::figuresMatchTheReference()
{
    QFETCH(std::string, query);
    QFETCH(QString, key);
    const auto [status, got] = analysis("admin", query);
    QCOMPARE(status, 200);
    const QJsonObject want = m_ref.value(key).toObject();
    QCOMPARE(got[QStringLiteral("count")].toInt(), want[QStringLiteral("count")].toInt());
    QCOMPARE(got[QStringLiteral("warnings")].toArray(), QJsonArray());
    QJsonObject district;
    for (const QJsonValue &q : got[QStringLiteral("questions")].toArray()) {
        if (q[QStringLiteral("path")] == QStringLiteral("/data/district"))
            district = q.toObject();
    }
    const QJsonObject wantDistricts = want[QStringLiteral("district")].toObject();
    QCOMPARE(district[QStringLiteral("counts")].toArray().size(), wantDistricts.size());
    for (const QJsonValue &c : district[QStringLiteral("counts")].toArray())
        QCOMPARE(
            c[QStringLiteral("count")].toInt(),
            wantDistricts[c[QStringLiteral("value")].toString()][QStringLiteral("count")].toInt());
    // Every submission arrived while the test ran (today, or across midnight on two days):
    // each counted once, by its state.
    const QJsonArray progress = got[QStringLiteral("progress")].toArray();
    QVERIFY(progress.size() == 1 || progress.size() == 2);
    int perState = 0, approved = 0;
    for (const QJsonValue &day : progress) {
        const QJsonObject states = day[QStringLiteral("states")].toObject();
        for (auto it = states.begin(); it != states.end(); ++it)
            perState += it.value().toInt();
        approved += states.value(QStringLiteral("approved")).toInt();
    }
    QCOMPARE(perState, want[QStringLiteral("count")].toInt());
    QCOMPARE(approved, 13);
    const QString mismatch = households::baselineMismatch(
        got[QStringLiteral("baseline")].toObject(), want[QStringLiteral("baseline")].toObject());
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

void TestServerAnalysis::supervisorsSeeTheirTeams()
{
    // A supervisor's figures are their own enumerators' submissions only.
    int sup1 = 0, sup2 = 0;
    for (const QJsonValue &v : m_ref.value(QStringLiteral("store_households")).toArray()) {
        const QString submitter = v[QStringLiteral("submitter")].toString();
        ++(submitter == QLatin1String("zhao") ? sup2 : sup1);
    }
    QCOMPARE(sup1 + sup2, 20);
    const auto [status1, got1] = analysis("sup1");
    QCOMPARE(status1, 200);
    QCOMPARE(got1[QStringLiteral("count")].toInt(), sup1);
    const auto [status2, got2] = analysis("sup2", "?approvedOnly=true");
    QCOMPARE(status2, 200);
    int zhaoApproved = 0;
    for (const QJsonValue &v : m_ref.value(QStringLiteral("store_households")).toArray())
        zhaoApproved += v[QStringLiteral("submitter")] == QStringLiteral("zhao") &&
                        v[QStringLiteral("state")] == QStringLiteral("approved");
    QCOMPARE(got2[QStringLiteral("count")].toInt(), zhaoApproved);
    QCOMPARE(
        got2[QStringLiteral("baseline")][QStringLiteral("perHousehold")][QStringLiteral("count")]
            .toInt(),
        zhaoApproved);
}

void TestServerAnalysis::labelsInTheAskedLanguage()
{
    // The district question's label in each language, as the form gives it.
    const analysis::Dataset form = analysis::Dataset::build(households::householdForm(), {});
    const analysis::Question &district =
        form.questions[std::size_t(form.questionIndex(QStringLiteral("/data/district")))];
    for (const char *lang : {"en", "zh_CN"}) {
        const auto [status, got] = analysis("admin", std::string("?lang=") + lang);
        QCOMPARE(status, 200);
        QString label;
        for (const QJsonValue &q : got[QStringLiteral("questions")].toArray()) {
            if (q[QStringLiteral("path")] == QStringLiteral("/data/district"))
                label = q[QStringLiteral("label")].toString();
        }
        QCOMPARE(label, district.label(form.languageFor(QLatin1String(lang))));
    }
    QVERIFY(district.label(form.languageFor(QStringLiteral("en"))) !=
            district.label(form.languageFor(QStringLiteral("zh_CN"))));
}

void TestServerAnalysis::specThatDoesNotFitIsSaid()
{
    // Its analysis.json names a question the form lacks: the generic figures, and why there
    // is no baseline.
    const auto [status, got] = analysis("admin", {}, "household_misfit");
    QCOMPARE(status, 200);
    QCOMPARE(got[QStringLiteral("count")].toInt(), 0);
    QVERIFY(!got.contains(QStringLiteral("baseline")));
    QVERIFY(!got[QStringLiteral("questions")].toArray().isEmpty());
    const QJsonArray warnings = got[QStringLiteral("warnings")].toArray();
    QCOMPARE(warnings.size(), 1);
    QVERIFY2(warnings.at(0).toString().contains(QStringLiteral("/data/no_such_question")),
             qPrintable(warnings.at(0).toString()));
}

void TestServerAnalysis::manySubmissionsInBatches()
{
    // More submissions than the server reads at a time (200), sent in an order other than
    // their instanceIDs', each with a location of its own: the server's figures are the
    // library's over the same submissions, the map's points in the same order.
    // A form of its own for each run (published over the API), so that the function can run
    // again on the same server.
    const QByteArray formId = "household_many_" + QByteArray::number(++m_runs);
    const QByteArray xform =
        QByteArray(m_household).replace("id=\"household_energy\"", "id=\"" + formId + "\"");
    auto admin = client("admin", "admin-password");
    const auto published =
        admin.Post("/v1/projects/1/forms?publish=true", xform.toStdString(), "application/xml");
    QVERIFY(published);
    QVERIFY2(published->status == 200, published->body.c_str());
    form::FormError error;
    const auto form = form::FormDefinition::load(xform, {}, &error);
    QVERIFY2(form, qPrintable(error.message));
    const QJsonObject household =
        m_ref.value(QStringLiteral("store_households")).toArray().at(0).toObject();
    const QByteArray xml = households::householdXml(households::householdForm(), household,
                                                    QStringLiteral("uuid:many"));
    QVERIFY(xml.contains("38.8739 115.4646 21.0 6.0"));
    constexpr int kCount = 450;
    std::vector<analysis::SubmissionInput> inputs;
    for (int i = 0; i < kCount; ++i) {
        const QString id =
            QStringLiteral("uuid:many-%1").arg((i * 7919) % kCount, 4, 10, QLatin1Char('0'));
        QByteArray one = xml;
        one.replace("id=\"household_energy\"", "id=\"" + formId + "\"")
            .replace("<instanceID>uuid:many</instanceID>",
                     "<instanceID>" + id.toUtf8() + "</instanceID>")
            .replace("38.8739 115.4646 21.0 6.0",
                     QByteArray::number(30 + i / 1000.0, 'f', 4) + " 115.4646 21 6");
        inputs.push_back({id, QStringLiteral("wang"), QString(), QDateTime(), one});
        auto c = client("wang", "wang-password");
        const httplib::MultipartFormDataItems items{
            {"xml_submission_file", one.toStdString(), "submission.xml", "text/xml"}};
        const auto r = c.Post("/v1/projects/1/submission", {{"X-OpenRosa-Version", "1.0"}}, items);
        QVERIFY(r);
        QVERIFY2(r->status == 201, r->body.c_str());
    }
    const auto [status, got] = analysis("sup1", {}, formId.toStdString());
    QCOMPARE(status, 200);
    QCOMPARE(got[QStringLiteral("count")].toInt(), kCount);
    QCOMPARE(got[QStringLiteral("warnings")].toArray(), QJsonArray());
    const analysis::Dataset data = analysis::Dataset::build(form, inputs);
    const analysis::Results results = analysis::analyse(data, nullptr, {});
    // Through JSON text as the server's answer went.
    const QJsonObject want =
        QJsonDocument::fromJson(
            QJsonDocument(analysis::toJson(results, data, nullptr, QStringLiteral("en"))).toJson())
            .object();
    const QJsonArray questions = got[QStringLiteral("questions")].toArray();
    QCOMPARE(questions.size(), want[QStringLiteral("questions")].toArray().size());
    for (qsizetype q = 0; q < questions.size(); ++q)
        QVERIFY2(questions.at(q) == want[QStringLiteral("questions")].toArray().at(q),
                 qPrintable(questions.at(q)[QStringLiteral("path")].toString()));
    // The points in the order of the instanceIDs: many-0000 first (sent first).
    QJsonArray points;
    for (const QJsonValue &q : questions) {
        if (q[QStringLiteral("path")] == QStringLiteral("/data/location"))
            points = q[QStringLiteral("points")].toArray();
    }
    QCOMPARE(points.size(), kCount);
    QCOMPARE(points.at(0)[0].toDouble(), 30.0);
    // many-0001 was the 180th sent (179 · 7919 ≡ 1 mod 450).
    QCOMPARE(points.at(1)[0].toDouble(), QByteArray::number(30 + 179 / 1000.0, 'f', 4).toDouble());
}

void TestServerAnalysis::oneAnalysisAtATime()
{
    // An analysis held inside the database (PostgreSQL: its versions' table locked by this
    // test, and the server seen waiting for the lock): another one asked for meanwhile is
    // refused with 503 and Retry-After, and the held one ends with its figures once the lock
    // goes.
    const QUrl pg(db());
    if (pg.scheme() != QLatin1String("postgresql"))
        QSKIP("holding an analysis at a known point needs PostgreSQL's table locks "
              "(tst_server_analysis_postgresql)");
    {
        QSqlDatabase lock =
            QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("lock"));
        lock.setHostName(pg.host());
        lock.setPort(pg.port());
        lock.setUserName(pg.userName());
        lock.setPassword(pg.password());
        lock.setDatabaseName(pg.path().mid(1));
        QVERIFY2(lock.open(), qPrintable(lock.lastError().text()));
        QSqlQuery q(lock);
        QVERIFY(q.exec(QStringLiteral("BEGIN")));
        QVERIFY(q.exec(QStringLiteral("LOCK TABLE submission_versions IN ACCESS EXCLUSIVE MODE")));
        std::pair<int, QJsonObject> held;
        std::thread first([&] { held = analysis("admin"); });
        auto waiting = [&] {
            QSqlQuery w(lock);
            return w.exec(QStringLiteral(
                       "SELECT COUNT(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                       "WHERE c.relname = 'submission_versions' AND NOT l.granted")) &&
                   w.next() && w.value(0).toInt() > 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(waiting(), 30000);
        auto c = client("sup1", "sup1-password");
        const auto refused = c.Get("/v1/projects/1/forms/household_energy/analysis");
        const bool ended = q.exec(QStringLiteral("COMMIT"));
        first.join();
        QVERIFY(ended);
        QVERIFY(refused);
        QCOMPARE(refused->status, 503);
        QCOMPARE(refused->get_header_value("Retry-After"), std::string("10"));
        QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(refused->body))
                     .object()[QStringLiteral("message")]
                     .toString(),
                 QStringLiteral(
                     "the server is working out another analysis; try again in a few seconds"));
        QCOMPARE(held.first, 200);
        QCOMPARE(held.second[QStringLiteral("count")].toInt(), 20);
        lock.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("lock"));
    // The slot is free again.
    QCOMPARE(analysis("sup1").first, 200);
}

void TestServerAnalysis::refusals_data()
{
    QTest::addColumn<std::string>("user");
    QTest::addColumn<std::string>("path");
    QTest::addColumn<int>("status");
    const std::string form = "/v1/projects/1/forms/household_energy/analysis";
    QTest::newRow("nobody signed in") << std::string() << form << 401;
    QTest::newRow("an enumerator") << std::string("li") << form << 403;
    QTest::newRow("another project") << std::string("sup1")
                                     << std::string("/v1/projects/2/forms/household_energy/"
                                                    "analysis")
                                     << 403;
    QTest::newRow("no such form") << std::string("admin")
                                  << std::string("/v1/projects/1/forms/nothing/analysis") << 404;
    QTest::newRow("approvedOnly neither true nor false")
        << std::string("admin") << form + "?approvedOnly=1" << 400;
    QTest::newRow("a language code that is not one")
        << std::string("admin") << form + "?lang=../../etc" << 400;
}

void TestServerAnalysis::refusals()
{
    QFETCH(std::string, user);
    QFETCH(std::string, path);
    QFETCH(int, status);
    auto c = client(user, user + "-password");
    const auto r = c.Get(path.c_str());
    QVERIFY(r);
    QCOMPARE(r->status, status);
    // Said in Central's shape, in words.
    const QJsonObject body = QJsonDocument::fromJson(QByteArray::fromStdString(r->body)).object();
    QVERIFY2(!body[QStringLiteral("message")].toString().isEmpty(), r->body.c_str());
    if (status == 403)
        QCOMPARE(body[QStringLiteral("message")].toString(),
                 QStringLiteral("only supervisors and admins may see the analysis of a form"));
    QVERIFY(!body.contains(QStringLiteral("count")));
}

QTEST_GUILESS_MAIN(TestServerAnalysis)
#include "tst_server_analysis.moc"
