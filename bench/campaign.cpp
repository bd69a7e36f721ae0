// SPDX-License-Identifier: GPL-3.0-or-later
// A survey campaign, end to end, through a network that is down most of the time: a real
// survey-sync (SQLite), 20 enumerators' device stores and 2 supervisors' (each a
// survey-cli process, as scripts would run them), 500 households of the household form with
// varied answers, and the fault proxy of the tests between them and the server, down 70% of
// the time (and, when up, losing some answers after the server acted). Supervisors send 10%
// back with flagged questions; each is corrected and approved. Prints what the server holds
// and its checks; the last line is
//   campaign: S submitted, L lost, D duplicates, R returned, C corrected, A approved in T s
// and the exit code is 0 only when nothing is lost or duplicated and every return was
// corrected and approved.
// Run: build/bench/campaign [--households 500] [--enumerators 20] [--down 0.7] [--seed 12]
#include "faultproxy.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <thread>

extern char **environ;

namespace {

/// The proxy on its own thread (its event loop), so that this thread can wait for the
/// device processes.
class ProxyThread : public QThread
{
public:
    ProxyThread(quint16 upstream, double down, quint32 seed)
        : m_upstream(upstream)
        , m_down(down)
        , m_seed(seed)
    {}
    quint16 port() const { return m_port.load(); }
    int faults() const { return m_faults.load(); }
    int connections() const { return m_connections.load(); }

protected:
    void run() override
    {
        FaultProxy proxy(m_upstream);
        if (!proxy.listen())
            return;
        QRandomGenerator random(m_seed);
        // Windows of 250 ms, each down with probability `down`; up, 1 connection in 20 has
        // its answer cut after the server acted (the device cannot know it arrived).
        QElapsedTimer clock;
        clock.start();
        qint64 window = -1;
        bool down = false;
        proxy.choose = [&] {
            ++m_connections;
            if (clock.elapsed() / 250 != window) {
                window = clock.elapsed() / 250;
                down = random.generateDouble() < m_down;
            }
            if (down) {
                ++m_faults;
                return FaultProxy::Fault::Drop;
            }
            if (random.bounded(20) == 0) {
                ++m_faults;
                return FaultProxy::Fault::Cut;
            }
            return FaultProxy::Fault::Pass;
        };
        proxy.requestsPerConnection = 1; // each request meets the network as it is then
        m_port.store(proxy.port());
        exec();
    }

private:
    quint16 m_upstream;
    double m_down;
    quint32 m_seed;
    std::atomic<quint16> m_port{0};
    std::atomic<int> m_faults{0};
    std::atomic<int> m_connections{0};
};

struct Job
{
    QStringList args; ///< survey-cli's
    QString password; ///< SURVEY_PASSWORD, when it talks to the server
    std::function<void(int code, const QByteArray &out)> done;
};

double g_devicePeakMb = 0;

/// Runs the jobs, `parallel` at a time, each a survey-cli process; its peak memory counts
/// into g_devicePeakMb.
void runAll(std::deque<Job> jobs, int parallel, const QString &scratch)
{
    struct Running
    {
        pid_t pid;
        Job job;
        QString out;
    };
    std::vector<Running> running;
    int serial = 0;
    while (!jobs.empty() || !running.empty()) {
        while (!jobs.empty() && int(running.size()) < parallel) {
            Job job = std::move(jobs.front());
            jobs.pop_front();
            const QString out = QDir(scratch).filePath(QStringLiteral("out-%1").arg(++serial));
            posix_spawn_file_actions_t actions;
            posix_spawn_file_actions_init(&actions);
            posix_spawn_file_actions_addopen(&actions, 1, out.toLocal8Bit().constData(),
                                             O_WRONLY | O_CREAT | O_TRUNC, 0600);
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
            std::vector<QByteArray> argv{QByteArrayLiteral(SURVEY_CLI)};
            for (const QString &a : job.args)
                argv.push_back(a.toLocal8Bit());
            std::vector<char *> argp;
            for (QByteArray &a : argv)
                argp.push_back(a.data());
            argp.push_back(nullptr);
            std::vector<QByteArray> env;
            for (char **e = environ; *e; ++e) {
                if (!QByteArray(*e).startsWith("SURVEY_PASSWORD="))
                    env.emplace_back(*e);
            }
            if (!job.password.isEmpty())
                env.push_back("SURVEY_PASSWORD=" + job.password.toUtf8());
            std::vector<char *> envp;
            for (QByteArray &e : env)
                envp.push_back(e.data());
            envp.push_back(nullptr);
            pid_t pid = 0;
            if (posix_spawn(&pid, argp[0], &actions, nullptr, argp.data(), envp.data()) != 0)
                qFatal("cannot start survey-cli");
            posix_spawn_file_actions_destroy(&actions);
            running.push_back({pid, std::move(job), out});
        }
        bool reaped = false;
        for (auto it = running.begin(); it != running.end();) {
            int status = 0;
            rusage usage{};
            if (wait4(it->pid, &status, WNOHANG, &usage) == it->pid) {
                g_devicePeakMb = std::max(g_devicePeakMb, usage.ru_maxrss / 1024.0);
                QFile f(it->out);
                f.open(QIODevice::ReadOnly);
                const QByteArray output = f.readAll();
                f.remove();
                Job job = std::move(it->job);
                it = running.erase(it);
                reaped = true;
                if (job.done)
                    job.done(WIFEXITED(status) ? WEXITSTATUS(status) : -1, output);
            } else {
                ++it;
            }
        }
        if (!reaped)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

QString lastLine(const QByteArray &out)
{
    return QString::fromUtf8(out.trimmed().split('\n').last());
}

/// Syncs (or pulls) each device until it runs clean (exit 0): the network comes and goes.
/// Returns the runs it took.
int untilClean(const QStringList &devices, const std::function<QStringList(const QString &)> &args,
               const std::function<QString(const QString &)> &password,
               const std::function<void(const QString &, const QString &)> &seen,
               const QString &scratch)
{
    QSet<QString> pending(devices.begin(), devices.end());
    int runs = 0;
    for (int round = 0; !pending.isEmpty() && round < 500; ++round) {
        std::deque<Job> jobs;
        for (const QString &d : pending) {
            ++runs;
            jobs.push_back(
                {args(d), password(d), [&pending, &seen, d](int code, const QByteArray &out) {
                     seen(d, lastLine(out));
                     if (code == 0)
                         pending.remove(d);
                 }});
        }
        runAll(std::move(jobs), 8, scratch);
    }
    if (!pending.isEmpty())
        qFatal("devices never synced cleanly");
    return runs;
}

/// Varied, plausible answers for household `n` of the household form.
QJsonObject householdAnswers(int n, QRandomGenerator &r, const QString &enumerator)
{
    QJsonObject a;
    const auto pick = [&r](const QStringList &from) {
        return from[int(r.bounded(int(from.size())))];
    };
    a.insert(QStringLiteral("/data/enumerator"), enumerator);
    a.insert(QStringLiteral("/data/interview_date"),
             QDate(2026, 11, 1).addDays(r.bounded(25)).toString(Qt::ISODate));
    a.insert(QStringLiteral("/data/hh_id"), QStringLiteral("HH%1").arg(n, 4, 10, QLatin1Char('0')));
    const QString district = pick({QStringLiteral("urban"), QStringLiteral("urban"),
                                   QStringLiteral("suburban"), QStringLiteral("rural")});
    a.insert(QStringLiteral("/data/district"), district);
    a.insert(QStringLiteral("/data/location"),
             QStringLiteral("%1 %2 %3 %4")
                 .arg(38.80 + r.generateDouble() * 0.15, 0, 'f', 6)
                 .arg(115.40 + r.generateDouble() * 0.15, 0, 'f', 6)
                 .arg(15 + r.bounded(20))
                 .arg(3 + r.bounded(12)));
    a.insert(QStringLiteral("/data/house_photo"), QStringLiteral("bd0127_house.jpg"));
    a.insert(QStringLiteral("/data/dwelling/dwelling_type"),
             district == QLatin1String("urban")
                 ? QStringLiteral("apartment")
                 : pick({QStringLiteral("house"), QStringLiteral("bungalow")}));
    a.insert(QStringLiteral("/data/dwelling/floor_area"), 35 + r.bounded(140));
    a.insert(QStringLiteral("/data/dwelling/tenure"),
             pick({QStringLiteral("owned"), QStringLiteral("owned"), QStringLiteral("rented")}));
    const int members = 1 + r.bounded(5);
    static const QStringList names{QStringLiteral("王伟"), QStringLiteral("李娜"),
                                   QStringLiteral("张敏"), QStringLiteral("刘洋"),
                                   QStringLiteral("陈静"), QStringLiteral("杨磊")};
    for (int m = 1; m <= members; ++m) {
        const QString p = QStringLiteral("/data/members/member[%1]/").arg(m);
        const int age = m <= 2 ? 25 + r.bounded(50) : r.bounded(20);
        a.insert(p + QStringLiteral("name"), names[(n + m) % names.size()]);
        a.insert(p + QStringLiteral("age"), age);
        a.insert(p + QStringLiteral("sex"),
                 pick({QStringLiteral("male"), QStringLiteral("female")}));
        if (age >= 15)
            a.insert(p + QStringLiteral("occupation"),
                     age >= 60 ? QStringLiteral("retired")
                               : pick({QStringLiteral("employed"), QStringLiteral("self_employed"),
                                       QStringLiteral("farmer"), QStringLiteral("student")}));
    }
    QStringList appliances{QStringLiteral("fridge"), QStringLiteral("tv")};
    const bool ac = r.bounded(3) > 0;
    if (ac)
        appliances << QStringLiteral("ac");
    appliances << QStringLiteral("water_heater") << QStringLiteral("washer");
    a.insert(QStringLiteral("/data/appliances"), appliances.join(QLatin1Char(' ')));
    if (ac)
        a.insert(QStringLiteral("/data/ac_count"), 1 + r.bounded(3));
    a.insert(QStringLiteral("/data/water_heater_type"),
             pick({QStringLiteral("electric"), QStringLiteral("gas"), QStringLiteral("solar")}));
    a.insert(QStringLiteral("/data/led_lighting"),
             pick({QStringLiteral("all"), QStringLiteral("most"), QStringLiteral("some")}));
    const int kwh = 80 + r.bounded(420) + 40 * members;
    a.insert(QStringLiteral("/data/elec_kwh"), kwh);
    a.insert(QStringLiteral("/data/elec_bill"), qRound(kwh * (0.5 + r.generateDouble() * 0.1)));
    const bool coal = district == QLatin1String("rural") && r.bounded(2) == 0;
    a.insert(QStringLiteral("/data/cooking_fuels"),
             coal ? QStringLiteral("electricity coal") : QStringLiteral("electricity lpg"));
    if (coal)
        a.insert(QStringLiteral("/data/fuel_use/coal_kg"), 50 + r.bounded(200));
    else
        a.insert(QStringLiteral("/data/fuel_use/lpg_kg"), 5 + r.bounded(15));
    const QString heating = district == QLatin1String("urban") ? QStringLiteral("district")
                            : coal                             ? QStringLiteral("coal_stove")
                                                               : QStringLiteral("electric");
    a.insert(QStringLiteral("/data/heating_type"), heating);
    a.insert(QStringLiteral("/data/heating_months"), 3 + r.bounded(3));
    const int vehicles = r.bounded(3);
    a.insert(QStringLiteral("/data/has_vehicle"),
             vehicles > 0 ? QStringLiteral("yes") : QStringLiteral("no"));
    for (int v = 1; v <= vehicles; ++v) {
        const QString p = QStringLiteral("/data/vehicles/vehicle[%1]/").arg(v);
        a.insert(p + QStringLiteral("vehicle_type"),
                 pick({QStringLiteral("car"), QStringLiteral("motorcycle")}));
        a.insert(p + QStringLiteral("fuel"),
                 pick({QStringLiteral("petrol"), QStringLiteral("petrol"),
                       QStringLiteral("electric"), QStringLiteral("hybrid")}));
        a.insert(p + QStringLiteral("annual_km"), 2000 + r.bounded(18000));
    }
    return a;
}

bool writeJson(const QString &path, const QJsonObject &o)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(QJsonDocument(o).toJson()) > 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int households = 500;
    int enumerators = 20;
    double down = 0.7;
    quint32 seed = 12;
    const QStringList args = app.arguments().mid(1);
    for (qsizetype i = 0; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--households"))
            households = std::max(1, args[i + 1].toInt());
        else if (args[i] == QLatin1String("--enumerators"))
            enumerators = std::max(2, args[i + 1].toInt());
        else if (args[i] == QLatin1String("--down"))
            down = std::clamp(args[i + 1].toDouble(), 0.0, 0.95);
        else if (args[i] == QLatin1String("--seed"))
            seed = args[i + 1].toUInt();
    }
    QElapsedTimer clock;
    clock.start();
    QTemporaryDir work;
    const QString scratch = work.path();
    const QString dbFile = work.filePath(QStringLiteral("server.db"));
    const QString db = QStringLiteral("sqlite:") + dbFile;

    // The server: two supervisors, each with half of the enumerators.
    const auto syncTool = [&](const QStringList &a, const QByteArray &in = {}) {
        QProcess p;
        p.start(QStringLiteral(SURVEY_SYNC), a);
        p.waitForStarted();
        p.write(in);
        p.closeWriteChannel();
        p.waitForFinished(120000);
        if (p.exitCode() != 0)
            qFatal("survey-sync %s: %s", qPrintable(a.join(QLatin1Char(' '))),
                   p.readAllStandardError().constData());
    };
    syncTool({QStringLiteral("init"), QStringLiteral("--db"), db, QStringLiteral("--admin"),
              QStringLiteral("admin")},
             "campaign-admin\n");
    QStringList devices;
    for (int s = 1; s <= 2; ++s)
        syncTool({QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("--db"), db,
                  QStringLiteral("sup%1").arg(s), QStringLiteral("--role"),
                  QStringLiteral("supervisor")},
                 QStringLiteral("sup%1-password\n").arg(s).toUtf8());
    for (int e = 1; e <= enumerators; ++e) {
        const QString name = QStringLiteral("enu%1").arg(e);
        syncTool({QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("--db"), db, name,
                  QStringLiteral("--role"), QStringLiteral("enumerator"),
                  QStringLiteral("--supervisor"), QStringLiteral("sup%1").arg(e % 2 + 1)},
                 (name + QStringLiteral("-password\n")).toUtf8());
        devices << name;
    }
    syncTool({QStringLiteral("form"), QStringLiteral("publish"), QStringLiteral("--db"), db,
              QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/household_energy.xml")});
    const QString urlFile = work.filePath(QStringLiteral("url"));
    pid_t server = 0;
    {
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, urlFile.toLocal8Bit().constData(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
        QByteArray program(SURVEY_SYNC), serve("serve"), dbFlag("--db"),
            dbArg = db.toLocal8Bit(), listen("--listen"), address("127.0.0.1:0"),
            insecure("--insecure-http");
        char *argp[] = {program.data(), serve.data(),   dbFlag.data(),   dbArg.data(),
                        listen.data(),  address.data(), insecure.data(), nullptr};
        if (posix_spawn(&server, argp[0], &actions, nullptr, argp, environ) != 0)
            qFatal("cannot start survey-sync");
        posix_spawn_file_actions_destroy(&actions);
    }
    QUrl base;
    for (int i = 0; i < 2000 && !base.isValid(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        QFile f(urlFile);
        const QByteArray printed = f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        if (printed.contains('\n'))
            base = QUrl(QString::fromUtf8(printed.left(printed.indexOf('\n')).trimmed()));
    }
    if (!base.isValid())
        qFatal("survey-sync did not start");
    ProxyThread proxy(static_cast<quint16>(base.port()), down, seed);
    proxy.start();
    while (proxy.port() == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    QUrl through = base;
    through.setPort(proxy.port());
    const QString url = through.toString();
    const auto dir = [&](const QString &device) { return work.filePath(device); };
    const auto password = [](const QString &device) {
        return device + QStringLiteral("-password");
    };
    const auto syncArgs = [&](const QString &d) {
        return QStringList{QStringLiteral("sync"),
                           QStringLiteral("--data"),
                           dir(d),
                           QStringLiteral("--server"),
                           url,
                           QStringLiteral("--user"),
                           d};
    };
    const auto pullArgs = [&](const QString &d) {
        return QStringList{QStringLiteral("review"),
                           QStringLiteral("--data"),
                           dir(d),
                           QStringLiteral("pull"),
                           QStringLiteral("--server"),
                           url,
                           QStringLiteral("--user"),
                           d};
    };
    std::map<QString, int> sent;
    const auto countSent = [&sent](const QString &d, const QString &line) {
        static const QRegularExpression re(
            QStringLiteral("^sent (\\d+), failed (\\d+), returned (\\d+)$"));
        const auto m = re.match(line);
        if (m.hasMatch())
            sent[d] += m.captured(1).toInt();
    };
    const auto ignore = [](const QString &, const QString &) {};

    // 1. Forms to every device; the households filled offline, with varied answers.
    int runs = untilClean(devices, syncArgs, password, ignore, scratch);
    QFile::copy(QStringLiteral(SURVEY_SOURCE_DIR "/examples/forms/bd0127_house.jpg"),
                work.filePath(QStringLiteral("bd0127_house.jpg")));
    QRandomGenerator random(seed);
    std::deque<Job> filling;
    int created = 0;
    for (int n = 1; n <= households; ++n) {
        const QString d = devices[(n - 1) % devices.size()];
        const QString answers = work.filePath(QStringLiteral("answers-%1.json").arg(n));
        writeJson(answers, householdAnswers(n, random, d));
        filling.push_back({{QStringLiteral("new"), QStringLiteral("--data"), dir(d),
                            QStringLiteral("household_energy"), QStringLiteral("--answers"),
                            answers, QStringLiteral("--finalize")},
                           {},
                           [&created](int code, const QByteArray &) { created += code == 0; }});
    }
    runAll(std::move(filling), 2, scratch);
    std::printf("households created on %lld devices: %d\n", static_cast<long long>(devices.size()),
                created);

    // 2. Sent through the faulty network until every device has sent everything.
    runs += untilClean(devices, syncArgs, password, countSent, scratch);

    // 3. Supervisors pull and decide offline: one in ten sent back with two flagged questions.
    const QStringList supervisors{QStringLiteral("sup1"), QStringLiteral("sup2")};
    runs += untilClean(supervisors, pullArgs, password, ignore, scratch);
    QSet<QString> sentBack;
    const auto decideAll = [&](const QString &state, bool firstRound) {
        std::deque<Job> deciding;
        for (const QString &s : supervisors) {
            std::deque<Job> list{
                {{QStringLiteral("review"), QStringLiteral("--data"), dir(s),
                  QStringLiteral("list"), QStringLiteral("--json")},
                 {},
                 [&, s](int, const QByteArray &out) {
                     for (const QJsonValue &v : QJsonDocument::fromJson(out).array()) {
                         const QString id = v[QStringLiteral("instanceId")].toString();
                         if (v[QStringLiteral("reviewState")].toString() != state)
                             continue;
                         // One household in ten (by the number in its name, HH-HH0013-…),
                         // the same ones on every run.
                         static const QRegularExpression number(QStringLiteral("HH(\\d{4})"));
                         const auto m = number.match(v[QStringLiteral("instanceName")].toString());
                         const bool back =
                             firstRound && m.hasMatch() && m.captured(1).toInt() % 10 == 3;
                         if (back)
                             sentBack.insert(id);
                         deciding.push_back(
                             {back ? QStringList{QStringLiteral("review"), QStringLiteral("--data"),
                                                 dir(s), QStringLiteral("return"), id,
                                                 QStringLiteral("--comment"),
                                                 QStringLiteral("用电量与电费不符，请核实 / Check "
                                                                "use and bill"),
                                                 QStringLiteral("--flag"),
                                                 QStringLiteral("/data/elec_kwh=Check the meter"),
                                                 QStringLiteral("--flag"),
                                                 QStringLiteral(
                                                     "/data/elec_bill=Bill of which month?")}
                                   : QStringList{QStringLiteral("review"), QStringLiteral("--data"),
                                                 dir(s), QStringLiteral("approve"), id},
                              {},
                              {}});
                     }
                 }}};
            runAll(std::move(list), 1, scratch);
        }
        runAll(std::move(deciding), 2, scratch);
    };
    decideAll(QStringLiteral("received"), true);
    runs += untilClean(supervisors, syncArgs, password, ignore, scratch);

    // 4. Enumerators get them back, correct the flagged answers, send again.
    runs += untilClean(devices, syncArgs, password, ignore, scratch);
    std::deque<Job> correcting;
    const QString fix = work.filePath(QStringLiteral("fix.json"));
    writeJson(fix, QJsonObject{{QStringLiteral("/data/elec_kwh"), 310},
                               {QStringLiteral("/data/elec_bill"), 165}});
    int corrections = 0;
    for (const QString &d : devices) {
        std::deque<Job> list{
            {{QStringLiteral("store"), QStringLiteral("--data"), dir(d), QStringLiteral("list"),
              QStringLiteral("--json")},
             {},
             [&, d](int, const QByteArray &out) {
                 for (const QJsonValue &v : QJsonDocument::fromJson(out).array()) {
                     if (v[QStringLiteral("state")].toString() != QLatin1String("returned"))
                         continue;
                     correcting.push_back(
                         {{QStringLiteral("store"), QStringLiteral("--data"), dir(d),
                           QStringLiteral("correct"), v[QStringLiteral("instanceId")].toString(),
                           QStringLiteral("--answers"), fix, QStringLiteral("--finalize")},
                          {},
                          [&corrections](int code, const QByteArray &) {
                              corrections += code == 0;
                          }});
                 }
             }}};
        runAll(std::move(list), 1, scratch);
    }
    runAll(std::move(correcting), 2, scratch);
    runs += untilClean(devices, syncArgs, password, ignore, scratch);

    // 5. Supervisors pull the corrections and approve them.
    runs += untilClean(supervisors, pullArgs, password, ignore, scratch);
    decideAll(QStringLiteral("edited"), false);
    runs += untilClean(supervisors, syncArgs, password, ignore, scratch);
    const double seconds = clock.elapsed() / 1000.0;

    // What the server holds.
    QSqlDatabase c = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
    c.setDatabaseName(dbFile);
    if (!c.open())
        qFatal("cannot read the server's database");
    QSqlQuery q(c);
    q.exec(QStringLiteral(
        "SELECT s.instance_id, s.review_state, v.xml, (SELECT COUNT(*) FROM "
        "submission_versions x WHERE x.submission_id = s.id) FROM submissions s JOIN "
        "submission_versions v ON v.id = s.current_version_id"));
    static const QRegularExpression hh(QStringLiteral("<hh_id>([^<]*)</hh_id>"));
    std::map<QString, int> perHousehold;
    int submitted = 0, approved = 0, corrected = 0, correctedApproved = 0;
    while (q.next()) {
        ++submitted;
        ++perHousehold[hh.match(QString::fromUtf8(q.value(2).toByteArray())).captured(1)];
        approved += q.value(1).toString() == QLatin1String("approved");
        if (q.value(3).toInt() > 1) {
            ++corrected;
            correctedApproved += q.value(1).toString() == QLatin1String("approved");
        }
    }
    q.exec(
        QStringLiteral("SELECT COUNT(*) FROM review_decisions WHERE review_state = 'hasIssues'"));
    const int returned = q.next() ? q.value(0).toInt() : -1;
    q = QSqlQuery();
    c.close();
    int duplicates = 0;
    for (const auto &[id, n] : perHousehold)
        duplicates += n - 1;
    const int lost = created - int(perHousehold.size());
    int sentTotal = 0;
    for (const auto &[d, n] : sent)
        sentTotal += n;
    ::kill(server, SIGTERM);
    int status = 0;
    rusage usage{};
    wait4(server, &status, 0, &usage);
    proxy.quit();
    proxy.wait();
    std::printf("households created %d, sent by the devices %d, on the server %d\n", created,
                sentTotal, submitted);
    std::printf(
        "sent back %d (devices corrected %d), corrected on the server %d, of them approved %d\n",
        int(sentBack.size()), corrections, corrected, correctedApproved);
    std::printf(
        "network: %d connections, %d of them dropped or cut; %d survey-cli sync or pull runs\n",
        proxy.connections(), proxy.faults(), runs);
    std::printf("peak RSS: server %.1f MB, a device (survey-cli) %.1f MB\n",
                usage.ru_maxrss / 1024.0, g_devicePeakMb);
    std::printf("campaign: %d submitted, %d lost, %d duplicates, %d returned, %d corrected, %d "
                "approved in %.0f s\n",
                submitted, lost, duplicates, returned, corrected, approved, seconds);
    const bool ok = lost == 0 && duplicates == 0 && created == households &&
                    returned == int(sentBack.size()) && corrected == returned &&
                    correctedApproved == corrected && approved == submitted;
    return ok ? 0 : 1;
}
