// SPDX-License-Identifier: GPL-3.0-or-later
// survey-sync load benchmark: many devices post submissions of a 250-question form at once
// to the real server (child processes on 127.0.0.1, port 0; a fresh one each round, so no
// password is verified before the round starts). Prints stored submissions/s (failures are
// counted apart, never in the rate), p50/p99 latency, failures and the server's memory;
// asserts nothing.
// Run: build/bench/bench_sync [--devices 50,500] [--submissions N] [--db URL]
//                             [--instances N] [--clients]
//   --db: an empty PostgreSQL database, postgresql://…; default SQLite in a temp folder
//   --instances: N servers on the one database, device d talking to server d mod N
//   --clients: the devices are the app's real sync client (a device store each, HEAD
//              preflight, then the POSTs), instead of bare HTTP posts
#include "store.h"
#include "syncclient.h"

#include <httplib.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>
#include <QUuid>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

namespace {

constexpr int kGroups = 25;
constexpr int kPerGroup = 10; // 250 questions
constexpr int kEnumerators = 50;

/// Our own synthetic survey: 25 groups of 10 questions (integers, decimals, choices, text).
QByteArray benchForm()
{
    QByteArray model, binds, body;
    for (int g = 1; g <= kGroups; ++g) {
        model += "<g" + QByteArray::number(g) + ">";
        body += "<group ref=\"/data/g" + QByteArray::number(g) + "\"><label>Part " +
                QByteArray::number(g) + "</label>";
        for (int q = 1; q <= kPerGroup; ++q) {
            const QByteArray name = "q" + QByteArray::number(g) + "_" + QByteArray::number(q);
            const QByteArray ref = "/data/g" + QByteArray::number(g) + "/" + name;
            model += "<" + name + "/>";
            const char *types[] = {"int", "decimal", "string", "string"};
            binds += "<bind nodeset=\"" + ref + "\" type=\"" + types[q % 4] + "\"" +
                     (q % 4 == 0 ? " constraint=\". &gt;= 0\"" : "") + "/>";
            if (q % 4 == 2) {
                body += "<select1 ref=\"" + ref + "\"><label>Choice " + name +
                        "</label><item><label>A</label><value>a</value></item><item><label>B"
                        "</label><value>b</value></item></select1>";
            } else {
                body += "<input ref=\"" + ref + "\"><label>Question " + name + "</label></input>";
            }
        }
        model += "</g" + QByteArray::number(g) + ">";
        body += "</group>";
    }
    return "<?xml version=\"1.0\"?>\n<h:html xmlns=\"http://www.w3.org/2002/xforms\" "
           "xmlns:h=\"http://www.w3.org/1999/xhtml\" xmlns:jr=\"http://openrosa.org/javarosa\">"
           "<h:head><h:title>Load benchmark</h:title><model><instance><data id=\"bench_250\" "
           "version=\"1\">" +
           model + "<meta><instanceID/></meta></data></instance>" + binds +
           "<bind nodeset=\"/data/meta/instanceID\" type=\"string\" readonly=\"true()\"/>"
           "</model></h:head><h:body>" +
           body + "</h:body></h:html>\n";
}

std::string submission(int device, int n)
{
    std::string xml = "<data xmlns:jr=\"http://openrosa.org/javarosa\" id=\"bench_250\" "
                      "version=\"1\">";
    for (int g = 1; g <= kGroups; ++g) {
        xml += "<g" + std::to_string(g) + ">";
        for (int q = 1; q <= kPerGroup; ++q) {
            const std::string name = "q" + std::to_string(g) + "_" + std::to_string(q);
            std::string value;
            switch (q % 4) {
            case 0:
                value = std::to_string(device * 7 + n);
                break;
            case 1:
                value = std::to_string(n) + ".5";
                break;
            case 2:
                value = (n + q) % 2 ? "a" : "b";
                break;
            default:
                value = "household " + std::to_string(device) + " note " + name;
            }
            xml += "<" + name + ">" + value + "</" + name + ">";
        }
        xml += "</g" + std::to_string(g) + ">";
    }
    xml += "<meta><instanceID>uuid:" +
           QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString() +
           "</instanceID></meta></data>";
    return xml;
}

int run(const QString &program, const QStringList &args, const QByteArray &input = {})
{
    QProcess p;
    p.start(program, args);
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(120000))
        return -1;
    if (p.exitCode() != 0)
        std::fprintf(stderr, "%s\n", p.readAllStandardError().constData());
    return p.exitCode();
}

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

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

struct Round
{
    int stored = 0;
    int failures = 0;
    double seconds = 0;
    std::vector<double> latencies; ///< ms, stored submissions only (HTTP mode)
};

/// Bare HTTP devices: one thread each, a new connection per submission, as phones do.
Round httpDevices(const std::vector<QUrl> &servers, int devices, int total)
{
    Round round;
    std::mutex mutex;
    std::atomic<int> failures{0};
    std::latch ready(devices + 1);
    std::vector<std::thread> threads;
    for (int d = 0; d < devices; ++d) {
        threads.emplace_back([&, d] {
            const int mine = total / devices + (d < total % devices ? 1 : 0);
            const std::string user = "enu" + std::to_string(d % kEnumerators);
            const QUrl &server = servers[static_cast<std::size_t>(d) % servers.size()];
            const std::string path = server.path().toStdString() + "/submission";
            std::vector<std::string> bodies;
            for (int n = 0; n < mine; ++n)
                bodies.push_back(submission(d, n));
            std::vector<double> own;
            ready.arrive_and_wait();
            for (const std::string &xml : bodies) {
                httplib::Client c(server.host().toStdString(), server.port());
                c.set_basic_auth(user, "bench-enum-password");
                c.set_connection_timeout(60);
                c.set_read_timeout(60);
                const auto start = std::chrono::steady_clock::now();
                auto r = c.Post(path, {{"X-OpenRosa-Version", "1.0"}},
                                httplib::MultipartFormDataItems{
                                    {"xml_submission_file", xml, "submission.xml", "text/xml"}});
                // Only stored submissions count, in the rate and the latencies.
                if (!r || r->status != 201) {
                    if (failures++ == 0)
                        std::fprintf(stderr, "first failure: %s\n",
                                     r ? (std::to_string(r->status) + " " + r->body).c_str()
                                       : httplib::to_string(r.error()).c_str());
                    continue;
                }
                own.push_back(std::chrono::duration<double, std::milli>(
                                  std::chrono::steady_clock::now() - start)
                                  .count());
            }
            std::lock_guard lock(mutex);
            round.latencies.insert(round.latencies.end(), own.begin(), own.end());
        });
    }
    ready.arrive_and_wait();
    const auto start = std::chrono::steady_clock::now();
    for (auto &t : threads)
        t.join();
    round.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    round.stored = static_cast<int>(round.latencies.size());
    round.failures = failures.load();
    return round;
}

/// The app's own sync client on each device: a store per device holding its records, all
/// devices pushing at once on this thread's event loop.
Round clientDevices(const std::vector<QUrl> &servers, int devices, int total,
                    const QByteArray &form, const QString &dir)
{
    using namespace survey;
    Round round;
    std::vector<std::unique_ptr<store::Store>> stores;
    std::vector<std::unique_ptr<sync::SyncClient>> clients;
    for (int d = 0; d < devices; ++d) {
        store::StoreError e;
        auto s = store::Store::open(QStringLiteral("%1/device-%2").arg(dir).arg(d), &e);
        if (!s || !s->addForm(form, {}, QString(), &e)) {
            std::fprintf(stderr, "device store: %s\n", qPrintable(e.message));
            return round;
        }
        const auto f = s->currentForm(QStringLiteral("bench_250"), &e);
        const int mine = total / devices + (d < total % devices ? 1 : 0);
        for (int n = 0; n < mine; ++n) {
            const QByteArray xml = QByteArray::fromStdString(submission(d, n));
            const qsizetype at = xml.indexOf("<instanceID>") + 12;
            const QString id = QString::fromLatin1(xml.mid(at, xml.indexOf("</instanceID>") - at));
            if (!s->createDraft(f->row, id, xml, QString(), &e) || !s->finalize(id, xml, &e)) {
                std::fprintf(stderr, "device store: %s\n", qPrintable(e.message));
                return round;
            }
        }
        stores.push_back(std::move(s));
    }
    int running = devices;
    QElapsedTimer timer;
    timer.start();
    for (int d = 0; d < devices; ++d) {
        auto c = std::make_unique<sync::SyncClient>(
            *stores[static_cast<std::size_t>(d)],
            sync::ServerAccount{servers[static_cast<std::size_t>(d) % servers.size()],
                                QStringLiteral("enu%1").arg(d % kEnumerators),
                                QStringLiteral("bench-enum-password")});
        QObject::connect(c.get(), &sync::SyncClient::finished, [&](const sync::SyncSummary &s) {
            round.stored += s.sent;
            round.failures += s.failed;
            if (--running == 0)
                QCoreApplication::quit();
        });
        c->push();
        clients.push_back(std::move(c));
    }
    if (running > 0)
        QCoreApplication::exec();
    round.seconds = static_cast<double>(timer.elapsed()) / 1000.0;
    return round;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QList<int> deviceCounts{50, 500};
    int total = 5000;
    int instances = 1;
    bool realClients = false;
    QString dbUrl;
    const QStringList args = app.arguments().mid(1);
    for (qsizetype i = 0; i < args.size(); ++i) {
        const bool valued = i + 1 < args.size();
        if (args[i] == QLatin1String("--clients")) {
            realClients = true;
        } else if (args[i] == QLatin1String("--devices") && valued) {
            deviceCounts.clear();
            for (const QString &d : args[++i].split(QLatin1Char(',')))
                deviceCounts << std::max(1, d.toInt());
        } else if (args[i] == QLatin1String("--submissions") && valued) {
            total = std::max(1, args[++i].toInt());
        } else if (args[i] == QLatin1String("--instances") && valued) {
            instances = std::clamp(args[++i].toInt(), 1, 16);
        } else if (args[i] == QLatin1String("--db") && valued) {
            dbUrl = args[++i];
        }
    }
    QTemporaryDir dir;
    if (dbUrl.isEmpty())
        dbUrl = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("bench.db"));
    const QString sync = QStringLiteral(SURVEY_SYNC);
    const QString formPath = dir.filePath(QStringLiteral("bench_250.xml"));
    QFile form(formPath);
    if (!form.open(QIODevice::WriteOnly) || form.write(benchForm()) < 0)
        return 1;
    form.close();
    if (run(sync,
            {QStringLiteral("init"), QStringLiteral("--db"), dbUrl, QStringLiteral("--admin"),
             QStringLiteral("admin")},
            "bench-admin-password\n") != 0)
        return 1;
    for (int e = 0; e < kEnumerators; ++e) {
        if (run(sync,
                {QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("--db"), dbUrl,
                 QStringLiteral("enu%1").arg(e), QStringLiteral("--role"),
                 QStringLiteral("enumerator")},
                "bench-enum-password\n") != 0)
            return 1;
    }
    if (run(sync, {QStringLiteral("form"), QStringLiteral("publish"), QStringLiteral("--db"), dbUrl,
                   formPath}) != 0)
        return 1;

    std::printf("survey-sync load: %d-question form, %s, %d server(s), %s, %d submissions per "
                "round, a fresh server each round\n",
                kGroups * kPerGroup,
                dbUrl.startsWith(QLatin1String("sqlite:")) ? "SQLite" : "PostgreSQL", instances,
                realClients ? "devices are the app's sync client" : "devices post over HTTP",
                total);
    std::printf("%8s %10s %10s %10s %10s %9s %12s\n", "devices", "stored/s", "p50 ms", "p99 ms",
                "max ms", "failures", "server RSS MB");
    int round = 0;
    for (const int devices : deviceCounts) {
        // Fresh servers: nothing is cached from the round before.
        std::vector<std::unique_ptr<QProcess>> servers;
        std::vector<QUrl> urls;
        for (int i = 0; i < instances; ++i) {
            auto server = std::make_unique<QProcess>();
            server->start(sync,
                          {QStringLiteral("serve"), QStringLiteral("--db"), dbUrl,
                           QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                           QStringLiteral("--insecure-http"),
                           // Every device is on 127.0.0.1: as behind one proxy.
                           QStringLiteral("--max-connections-per-address"), QStringLiteral("0")});
            while (server->waitForReadyRead(20000) && !server->canReadLine()) {
            }
            const QUrl base(QString::fromUtf8(server->readLine().trimmed()));
            if (!base.isValid() || base.port() <= 0) {
                std::fprintf(stderr, "the server did not start: %s\n",
                             server->readAllStandardError().constData());
                return 1;
            }
            urls.push_back(base);
            servers.push_back(std::move(server));
        }
        const Round r = realClients
                            ? clientDevices(urls, devices, total, benchForm(),
                                            dir.filePath(QStringLiteral("round-%1").arg(round++)))
                            : httpDevices(urls, devices, total);
        double rss = 0;
        for (const auto &server : servers)
            rss += static_cast<double>(statusKb(server->processId(), "VmHWM:")) / 1024.0;
        if (realClients)
            std::printf("%8d %10.0f %10s %10s %10s %9d %12.1f\n", devices,
                        r.seconds > 0 ? r.stored / r.seconds : 0.0, "-", "-", "-", r.failures, rss);
        else
            std::printf("%8d %10.0f %10.1f %10.1f %10.1f %9d %12.1f\n", devices,
                        r.seconds > 0 ? r.stored / r.seconds : 0.0, percentile(r.latencies, 0.5),
                        percentile(r.latencies, 0.99), percentile(r.latencies, 1.0), r.failures,
                        rss);
        std::fflush(stdout);
        for (const auto &server : servers) {
            server->terminate();
            server->waitForFinished(10000);
            const QByteArray errors = server->readAllStandardError();
            if (!errors.isEmpty())
                std::fprintf(stderr, "server: %s\n", errors.left(2000).constData());
        }
    }
    return 0;
}
