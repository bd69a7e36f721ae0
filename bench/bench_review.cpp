// SPDX-License-Identifier: GPL-3.0-or-later
// A supervisor's pull for review over loopback, against a real survey-sync (a child process
// on 127.0.0.1, port 0, SQLite) holding N household submissions of one enumerator with a
// photo each: the time to pull them all into a device store (every version's XML, the
// photos), the pull again when nothing changed, and the client's memory before and at its
// highest; before the pull, the server's own analysis of them (GET …/analysis, what a project
// too large to pull is analysed with). Asserts nothing.
// Run: build/bench/bench_review [--submissions 5000] [--photo-kb 200] [--analysis-only]
#include "reviewstore.h"
#include "store.h"
#include "syncclient.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <cstdio>

#include "benchutil.h"

using namespace survey;

namespace {

int run(const QString &program, const QStringList &args, const QByteArray &in = {},
        QByteArray *out = nullptr)
{
    QProcess p;
    p.start(program, args);
    p.waitForStarted();
    p.write(in);
    p.closeWriteChannel();
    p.waitForFinished(300000);
    if (out)
        *out = p.readAllStandardOutput();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

/// N submissions of `xml` (its instanceID replaced) by `enumerator`, each with `photo`,
/// written straight into the server's database in one transaction: the bench is about the
/// pull, not the intake.
bool seed(const QString &dbFile, const QByteArray &xml, const QByteArray &photo, int n)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("seed"));
    db.setDatabaseName(dbFile);
    if (!db.open())
        return false;
    QSqlQuery q(db);
    const auto one = [&](const QString &sql) {
        return q.exec(sql) && q.next() ? q.value(0).toInt() : -1;
    };
    const int form =
        one(QStringLiteral("SELECT id FROM forms WHERE xml_form_id = 'household_energy'"));
    const int version =
        one(QStringLiteral("SELECT current_version_id FROM forms WHERE id = %1").arg(form));
    const int user = one(QStringLiteral("SELECT id FROM users WHERE name = 'enu'"));
    const QString hash =
        QStringLiteral("md5:") +
        QString::fromLatin1(QCryptographicHash::hash(photo, QCryptographicHash::Md5).toHex());
    q.exec(QStringLiteral("BEGIN"));
    QSqlQuery s(db), v(db), a(db), c(db);
    s.prepare(QStringLiteral("INSERT INTO submissions (form_id, instance_id, submitter_id, "
                             "review_state, created_at, updated_at, change_seq) VALUES (?, ?, ?, "
                             "'received', ?, ?, ?) RETURNING id"));
    v.prepare(QStringLiteral("INSERT INTO submission_versions (submission_id, form_version_id, "
                             "instance_id, xml, xml_hash, submitter_id, device_id, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, 'bench:device', ?) RETURNING id"));
    a.prepare(QStringLiteral("INSERT INTO submission_attachments (version_id, name, hash, content) "
                             "VALUES (?, 'bd0127_house.jpg', ?, ?)"));
    c.prepare(QStringLiteral("UPDATE submissions SET current_version_id = ? WHERE id = ?"));
    const qsizetype at = xml.indexOf("<instanceID>") + 12;
    const qsizetype length = xml.indexOf("</instanceID>") - at;
    for (int i = 0; i < n; ++i) {
        const QString id = QStringLiteral("uuid:bench-review-%1").arg(i);
        QByteArray x = xml;
        x.replace(at, length, id.toUtf8());
        const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
        s.addBindValue(form);
        s.addBindValue(id);
        s.addBindValue(user);
        s.addBindValue(now);
        s.addBindValue(now);
        s.addBindValue(i + 1);
        if (!s.exec() || !s.next())
            return false;
        const int sub = s.value(0).toInt();
        s.finish();
        for (const QVariant &b :
             QVariantList{sub, version, id, x, QStringLiteral("md5:x"), user, now})
            v.addBindValue(b);
        if (!v.exec() || !v.next())
            return false;
        const int ver = v.value(0).toInt();
        v.finish();
        a.addBindValue(ver);
        a.addBindValue(hash);
        a.addBindValue(photo);
        c.addBindValue(ver);
        c.addBindValue(sub);
        if (!a.exec() || !c.exec())
            return false;
    }
    const bool ok = q.exec(QStringLiteral("COMMIT"));
    q = QSqlQuery();
    s = QSqlQuery();
    v = QSqlQuery();
    a = QSqlQuery();
    c = QSqlQuery();
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("seed"));
    return ok;
}

struct Pull
{
    sync::SyncSummary summary;
    double seconds = 0;
    double rssPeak = 0;
};

Pull pull(store::Store &store, const QUrl &base)
{
    sync::SyncClient client(store, {base, QStringLiteral("sup"), QStringLiteral("bench-password")});
    Pull r;
    r.rssPeak = bench::rssMb();
    QObject::connect(&client, &sync::SyncClient::pullProgress, [&r](int, int, qint64, qint64) {
        r.rssPeak = std::max(r.rssPeak, bench::rssMb());
    });
    QObject::connect(&client, &sync::SyncClient::finished, [&r](const sync::SyncSummary &s) {
        r.summary = s;
        QCoreApplication::quit();
    });
    QElapsedTimer timer;
    timer.start();
    client.pullReview();
    if (client.isRunning())
        QCoreApplication::exec();
    r.seconds = timer.elapsed() / 1000.0;
    return r;
}

/// The server's analysis of the household form, as the supervisor asks for it.
struct Analysis
{
    int status = 0;
    int count = -1;
    qint64 bytes = 0;
    double seconds = 0;
};

Analysis serverAnalysis(const QUrl &base)
{
    QNetworkAccessManager network;
    QUrl url = base;
    url.setPath(base.path() + QStringLiteral("/forms/household_energy/analysis"));
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Basic " + QByteArray("sup:bench-password").toBase64());
    request.setTransferTimeout(600000);
    QElapsedTimer timer;
    timer.start();
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    Analysis a;
    a.seconds = timer.elapsed() / 1000.0;
    const QByteArray body = reply->readAll();
    a.bytes = body.size();
    a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    a.count = QJsonDocument::fromJson(body).object().value(QStringLiteral("count")).toInt(-1);
    delete reply;
    return a;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int count = 5000;
    int photoKb = 200;
    bool analysisOnly = false;
    const QStringList args = app.arguments().mid(1);
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--analysis-only"))
            analysisOnly = true;
        else if (args[i] == QLatin1String("--submissions") && i + 1 < args.size())
            count = std::max(1, args[++i].toInt());
        else if (args[i] == QLatin1String("--photo-kb") && i + 1 < args.size())
            photoKb = std::max(1, args[++i].toInt());
    }
    QTemporaryDir dir;
    const QString sync = QStringLiteral(SURVEY_SYNC);
    const QString dbFile = dir.filePath(QStringLiteral("server.db"));
    const QString db = QStringLiteral("sqlite:") + dbFile;
    const QString form = QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.xml");
    QByteArray xml;
    if (run(sync,
            {QStringLiteral("init"), QStringLiteral("--db"), db, QStringLiteral("--admin"),
             QStringLiteral("admin")},
            "bench-password\n") != 0 ||
        run(sync,
            {QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("--db"), db,
             QStringLiteral("sup"), QStringLiteral("--role"), QStringLiteral("supervisor")},
            "bench-password\n") != 0 ||
        run(sync,
            {QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("--db"), db,
             QStringLiteral("enu"), QStringLiteral("--role"), QStringLiteral("enumerator"),
             QStringLiteral("--supervisor"), QStringLiteral("sup")},
            "bench-password\n") != 0 ||
        run(sync, {QStringLiteral("form"), QStringLiteral("publish"), QStringLiteral("--db"), db,
                   form}) != 0 ||
        run(QStringLiteral(SURVEY_CLI),
            {QStringLiteral("fill"), form, QStringLiteral("--answers"),
             QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.answers.json")},
            {}, &xml) != 0) {
        std::fprintf(stderr, "cannot prepare the server\n");
        return 1;
    }
    QByteArray photo(photoKb * 1024, Qt::Uninitialized);
    for (char &b : photo)
        b = static_cast<char>(QRandomGenerator::global()->generate()); // incompressible
    QElapsedTimer seedTimer;
    seedTimer.start();
    if (!seed(dbFile, xml, photo, count)) {
        std::fprintf(stderr, "cannot seed the server's database\n");
        return 1;
    }
    std::printf("seeded %d submissions with a %d KB photo each in %.1f s\n", count, photoKb,
                seedTimer.elapsed() / 1000.0);
    QProcess server;
    server.start(sync,
                 {QStringLiteral("serve"), QStringLiteral("--db"), db, QStringLiteral("--listen"),
                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--insecure-http")});
    if (!server.waitForStarted() || !server.waitForReadyRead(30000))
        return 1;
    const QUrl base(QString::fromUtf8(server.readLine().trimmed()));
    const Analysis analysis = serverAnalysis(base);
    std::printf("server analysis of %d submissions (with the baseline and forecast of the form's "
                "analysis.json): %.2f s, %.0f KB of JSON; status %d, count %d\n",
                count, analysis.seconds, analysis.bytes / 1024.0, analysis.status, analysis.count);
    std::printf("server peak RSS after the analysis: %.1f MB\n",
                bench::peakRssMb(server.processId()));
    if (analysisOnly) {
        server.terminate();
        server.waitForFinished();
        return analysis.count == count ? 0 : 1;
    }
    QTemporaryDir device;
    store::StoreError e;
    auto store = store::Store::open(device.path(), &e);
    if (!store)
        return 1;
    const double rssBefore = bench::rssMb();
    const Pull first = pull(*store, base);
    const double megabytes = double(count) * photoKb / 1024.0;
    std::printf("pull of %d submissions: %.1f s, %.0f submissions/s, %.1f MB/s of photos; "
                "pulled %d, failed %d\n",
                count, first.seconds, first.summary.pulled / first.seconds,
                megabytes / first.seconds, first.summary.pulled, first.summary.pullFailed);
    std::printf("client RSS: %.1f MB before, %.1f MB at its highest\n", rssBefore, first.rssPeak);
    const Pull again = pull(*store, base);
    std::printf("pull again, nothing changed: %.2f s, pulled %d\n", again.seconds,
                again.summary.pulled);
    for (const QString &problem : first.summary.problems + again.summary.problems)
        std::fprintf(stderr, "%s\n", qPrintable(problem));
    std::printf("server peak RSS: %.1f MB\n", bench::peakRssMb(server.processId()));
    server.terminate();
    server.waitForFinished();
    return first.summary.pulled == count ? 0 : 1;
}
