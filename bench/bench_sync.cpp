// SPDX-License-Identifier: GPL-3.0-or-later
// survey-sync load benchmark: many simulated devices post submissions of a 250-question
// form at once to the real server (a child process on 127.0.0.1, port 0). Prints
// submissions/s, p50/p99 latency, failures and the server's memory; asserts nothing.
// Run: build/bench/bench_sync [--devices 50,500] [--submissions N] [--db URL]
//   (--db: an empty PostgreSQL database, postgresql://…; default SQLite in a temp folder)
#include <httplib.h>

#include <QCoreApplication>
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

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QList<int> deviceCounts{50, 500};
    int total = 5000;
    QString dbUrl;
    const QStringList args = app.arguments().mid(1);
    for (qsizetype i = 0; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--devices")) {
            deviceCounts.clear();
            for (const QString &d : args[i + 1].split(QLatin1Char(',')))
                deviceCounts << std::max(1, d.toInt());
        } else if (args[i] == QLatin1String("--submissions")) {
            total = std::max(1, args[i + 1].toInt());
        } else if (args[i] == QLatin1String("--db")) {
            dbUrl = args[i + 1];
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
    QProcess server;
    server.start(sync, {QStringLiteral("serve"), QStringLiteral("--db"), dbUrl,
                        QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                        QStringLiteral("--insecure-http"),
                        // Every simulated device is on 127.0.0.1: as behind one proxy.
                        QStringLiteral("--max-connections-per-address"), QStringLiteral("0")});
    while (server.waitForReadyRead(20000) && !server.canReadLine()) {
    }
    const QUrl base(QString::fromUtf8(server.readLine().trimmed()));
    if (!base.isValid() || base.port() <= 0) {
        std::fprintf(stderr, "the server did not start: %s\n",
                     server.readAllStandardError().constData());
        return 1;
    }
    const std::string host = base.host().toStdString();
    const int port = base.port();
    const std::string path = base.path().toStdString() + "/submission";

    std::printf("survey-sync load: %d-question form, %s, %d submissions per round\n",
                kGroups * kPerGroup,
                dbUrl.startsWith(QLatin1String("sqlite:")) ? "SQLite" : "PostgreSQL", total);
    std::printf("%8s %10s %10s %10s %10s %9s %12s\n", "devices", "subm/s", "p50 ms", "p99 ms",
                "max ms", "failures", "server RSS MB");
    for (const int devices : deviceCounts) {
        std::vector<double> latencies;
        std::mutex mutex;
        std::atomic<int> failures{0};
        std::latch ready(devices + 1);
        std::vector<std::thread> threads;
        for (int d = 0; d < devices; ++d) {
            threads.emplace_back([&, d] {
                const int mine = total / devices + (d < total % devices ? 1 : 0);
                const std::string user = "enu" + std::to_string(d % kEnumerators);
                std::vector<std::string> bodies;
                for (int n = 0; n < mine; ++n)
                    bodies.push_back(submission(d, n));
                std::vector<double> own;
                ready.arrive_and_wait();
                for (const std::string &xml : bodies) {
                    httplib::Client c(host, port);
                    c.set_basic_auth(user, "bench-enum-password");
                    c.set_connection_timeout(60);
                    c.set_read_timeout(60);
                    const auto start = std::chrono::steady_clock::now();
                    auto r =
                        c.Post(path, {{"X-OpenRosa-Version", "1.0"}},
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
                latencies.insert(latencies.end(), own.begin(), own.end());
            });
        }
        ready.arrive_and_wait();
        const auto start = std::chrono::steady_clock::now();
        for (auto &t : threads)
            t.join();
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("%8d %10.0f %10.1f %10.1f %10.1f %9d %12.1f\n", devices,
                    static_cast<double>(latencies.size()) / seconds, percentile(latencies, 0.5),
                    percentile(latencies, 0.99), percentile(latencies, 1.0), failures.load(),
                    static_cast<double>(statusKb(server.processId(), "VmHWM:")) / 1024.0);
        std::fflush(stdout);
    }
    server.terminate();
    server.waitForFinished(10000);
    const QByteArray serverErrors = server.readAllStandardError();
    if (!serverErrors.isEmpty())
        std::fprintf(stderr, "server: %s\n", serverErrors.left(2000).constData());
    return 0;
}
