// SPDX-License-Identifier: GPL-3.0-or-later
// Sync client benchmark over loopback, against a real survey-sync (a child process on
// 127.0.0.1, port 0, SQLite): push N small records, then M records with a large photo
// each. Prints records/s, MB/s and the client's memory (RSS) before and at its highest
// during each push, to show that records are streamed, not buffered. Asserts nothing.
// Run: build/bench/bench_client [--small 10000] [--photos 200] [--photo-mb 2]
#include "store.h"
#include "syncclient.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QUuid>

#include <cstdio>

#include "benchutil.h"

using namespace survey;

namespace {

int run(const QStringList &args, const QByteArray &in = {})
{
    QProcess p;
    p.start(QStringLiteral(SURVEY_SYNC), args);
    p.waitForStarted();
    p.write(in);
    p.closeWriteChannel();
    p.waitForFinished(120000);
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

struct Result
{
    int records = 0;
    double seconds = 0;
    double megabytes = 0;
    double rssBefore = 0;
    double rssPeak = 0;
    int failed = 0;
};

Result push(store::Store &store, const QUrl &base, double megabytes)
{
    sync::SyncClient client(store, {base, QStringLiteral("enu"), QStringLiteral("bench-password")});
    Result r;
    r.megabytes = megabytes;
    r.rssBefore = bench::rssMb();
    r.rssPeak = r.rssBefore;
    QObject::connect(&client, &sync::SyncClient::progress, [&r](int, int, qint64, qint64) {
        r.rssPeak = std::max(r.rssPeak, bench::rssMb());
    });
    QElapsedTimer timer;
    timer.start();
    QObject::connect(&client, &sync::SyncClient::finished, [&](const sync::SyncSummary &s) {
        r.records = s.sent;
        r.failed = s.failed;
        QCoreApplication::quit();
    });
    client.push();
    if (client.isRunning())
        QCoreApplication::exec();
    r.seconds = timer.elapsed() / 1000.0;
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int small = 10000;
    int photos = 200;
    int photoMb = 2;
    const QStringList args = app.arguments().mid(1);
    for (qsizetype i = 0; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--small"))
            small = std::max(0, args[i + 1].toInt());
        else if (args[i] == QLatin1String("--photos"))
            photos = std::max(0, args[i + 1].toInt());
        else if (args[i] == QLatin1String("--photo-mb"))
            photoMb = std::max(1, args[i + 1].toInt());
    }
    QTemporaryDir dir;
    const QString db = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("server.db"));
    const QString data = QStringLiteral(SURVEY_SOURCE_DIR "/tests/data/");
    if (run({QStringLiteral("init"), QStringLiteral("--db"), db, QStringLiteral("--admin"),
             QStringLiteral("admin")},
            "bench-admin-password\n") != 0 ||
        run({QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("--db"), db,
             QStringLiteral("enu"), QStringLiteral("--role"), QStringLiteral("enumerator")},
            "bench-password\n") != 0)
        return 1;
    for (const char *form : {"meter.xml", "photos.xml"}) {
        if (run({QStringLiteral("form"), QStringLiteral("publish"), QStringLiteral("--db"), db,
                 data + QLatin1String(form)}) != 0)
            return 1;
    }
    QProcess server;
    server.start(QStringLiteral(SURVEY_SYNC),
                 {QStringLiteral("serve"), QStringLiteral("--db"), db, QStringLiteral("--listen"),
                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--insecure-http"),
                  QStringLiteral("--max-body-mb"), QString::number(photoMb * 5 + 5)});
    if (!server.waitForStarted())
        return 1;
    while (!server.canReadLine()) {
        if (!server.waitForReadyRead(20000))
            return 1;
    }
    const QUrl base(QString::fromUtf8(server.readLine().trimmed()));

    store::StoreError e;
    auto store = store::Store::open(dir.filePath(QStringLiteral("device")), &e);
    if (!store)
        return 1;
    for (const char *form : {"meter.xml", "photos.xml"}) {
        QFile f(data + QLatin1String(form));
        if (!f.open(QIODevice::ReadOnly) || !store->addForm(f.readAll(), {}, QString(), &e))
            return 1;
    }
    // Small records: each one created and finalized as the app does (two durable commits).
    const auto meter = store->currentForm(QStringLiteral("meter"), &e);
    QElapsedTimer made;
    made.start();
    qint64 smallBytes = 0;
    for (int i = 0; i < small; ++i) {
        const QString id =
            QStringLiteral("uuid:") + QUuid::createUuid().toString(QUuid::WithoutBraces);
        const QByteArray xml = QStringLiteral("<data id=\"meter\" version=\"1\"><kwh>%1</kwh><meta>"
                                              "<instanceID>%2</instanceID></meta></data>")
                                   .arg(i)
                                   .arg(id)
                                   .toUtf8();
        smallBytes += xml.size();
        if (!store->createDraft(meter->row, id, xml, QString(), &e) ||
            !store->finalize(id, xml, &e))
            return 1;
    }
    const double makeSeconds = made.elapsed() / 1000.0;
    const Result smallRun = push(*store, base, smallBytes / 1048576.0);

    const auto photoForm = store->currentForm(QStringLiteral("photos"), &e);
    QByteArray photo(photoMb * 1024 * 1024, Qt::Uninitialized);
    for (char &c : photo)
        c = static_cast<char>(QRandomGenerator::global()->bounded(256));
    for (int i = 0; i < photos; ++i) {
        const QString id =
            QStringLiteral("uuid:") + QUuid::createUuid().toString(QUuid::WithoutBraces);
        const QByteArray xml =
            QStringLiteral("<data id=\"photos\" version=\"1\"><site>%1</site>"
                           "<shot><photo>p.jpg</photo></shot><meta><instanceID>%2"
                           "</instanceID></meta></data>")
                .arg(i)
                .arg(id)
                .toUtf8();
        photo[0] = static_cast<char>(i); // every photo different
        if (!store->createDraft(photoForm->row, id, xml, QString(), &e) ||
            !store->putAttachment(id, QStringLiteral("p.jpg"), photo, &e) ||
            !store->finalize(id, xml, &e))
            return 1;
    }
    photo = QByteArray(); // the benchmark's own copy is not the client's memory
    const Result photoRun = push(*store, base, photos * double(photoMb));
    server.kill();
    server.waitForFinished();

    std::printf("sync client push over loopback to survey-sync (SQLite), 3 records at a time\n");
    std::printf("store: %d records created and finalized in %.2f s (%.0f records/s, each "
                "commit durable)\n",
                small, makeSeconds, makeSeconds > 0 ? small / makeSeconds : 0.0);
    std::printf("%-24s %9s %10s %10s %8s %14s %12s\n", "batch", "records", "records/s", "MB/s",
                "failed", "RSS before MB", "RSS peak MB");
    const auto line = [](const char *name, const Result &r) {
        std::printf("%-24s %9d %10.0f %10.1f %8d %14.1f %12.1f\n", name, r.records,
                    r.seconds > 0 ? r.records / r.seconds : 0.0,
                    r.seconds > 0 ? r.megabytes / r.seconds : 0.0, r.failed, r.rssBefore,
                    r.rssPeak);
    };
    line("small records", smallRun);
    const QByteArray photoName = QByteArray::number(photoMb) + " MB photo each";
    line(photoName.constData(), photoRun);
    return smallRun.failed + photoRun.failed == 0 ? 0 : 1;
}
