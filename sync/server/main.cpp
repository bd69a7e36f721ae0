// SPDX-License-Identifier: GPL-3.0-or-later
// survey-sync: the central server's command line.
#include "admin.h"
#include "database.h"
#include "openrosa.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QTranslator>

#include <cstdio>
#include <iostream>
#include <string>
#include <sys/stat.h>
#include <tuple>

namespace {

using namespace survey::server;

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(SurveySync)
};

const QString kDefaultDb = QStringLiteral("sqlite:./survey-data/survey.db");

void out(const QString &text)
{
    const QByteArray b = text.toUtf8();
    std::fwrite(b.constData(), 1, static_cast<std::size_t>(b.size()), stdout);
}

int fail(const QString &message)
{
    const QByteArray b =
        (QStringLiteral("survey-sync: error: ") + message + QLatin1Char('\n')).toUtf8();
    std::fwrite(b.constData(), 1, static_cast<std::size_t>(b.size()), stderr);
    return 1;
}

int usage()
{
    const QByteArray b =
        Tr::tr(
            "usage: survey-sync COMMAND ...\n"
            "  init --db URL --admin NAME           create the schema, project 1 and the first "
            "admin\n"
            "                                       (password on standard input)\n"
            "  project add --db URL NAME            add a project; prints its number\n"
            "  project list --db URL                number and name (tab-separated)\n"
            "  user add --db URL NAME --role admin|supervisor|enumerator [--supervisor NAME]\n"
            "           [--project N]               add a user (password on standard input)\n"
            "  user disable --db URL NAME           stop a user from signing in\n"
            "  user enable --db URL NAME            let a disabled user sign in again\n"
            "  user list --db URL                   name, role, project, supervisor, status\n"
            "  form publish --db URL FILE.(xml|xlsx) [--project N] [--media DIR]\n"
            "                                       check a form with the engine and publish it\n"
            "                                       (an XLSForm is converted, and kept)\n"
            "  serve --db URL --listen HOST:PORT [--max-body-mb N] [--timeout-s N]\n"
            "        [--data-dir DIR] [--max-connections-per-address N] [--workers N]\n"
            "        (--tls-cert CERT.pem --tls-key KEY.pem | --insecure-http\n"
            "         [--allow-insecure-remote])\n"
            "                                       serve OpenRosa; prints the base URL when "
            "ready\n"
            "URL: sqlite:PATH (default sqlite:./survey-data/survey.db) or\n"
            "     postgresql://USER:PASS@HOST:PORT/DB\n")
            .toUtf8();
    std::fwrite(b.constData(), 1, static_cast<std::size_t>(b.size()), stderr);
    return 64;
}

QString readPassword()
{
    std::string line;
    std::getline(std::cin, line);
    QString p = QString::fromStdString(line);
    while (p.endsWith(QLatin1Char('\r')))
        p.chop(1);
    return p;
}

struct Args
{
    QStringList positional;
    QHash<QString, QString> options;
    bool ok = true;
};

Args parse(const QStringList &args, const QStringList &valued)
{
    Args a;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &s = args[i];
        if (s.startsWith(QLatin1String("--"))) {
            if (!valued.contains(s) || i + 1 >= args.size()) {
                a.ok = false;
                return a;
            }
            a.options.insert(s, args[++i]);
        } else {
            a.positional << s;
        }
    }
    return a;
}

/// Opens the database for a command other than init: it must be set up, and not newer.
std::unique_ptr<Database> openReady(const QString &url, QString *error)
{
    const auto parsed = DatabaseUrl::parse(url, error);
    if (!parsed)
        return nullptr;
    if (parsed->kind == DatabaseUrl::Kind::Sqlite && !QFileInfo::exists(parsed->path)) {
        // Opening would create an empty file; say what to do instead.
        *error = Tr::tr("the database %1 is not set up: run survey-sync init first").arg(url);
        return nullptr;
    }
    auto db = std::make_unique<Database>(*parsed);
    if (!db->open(error))
        return nullptr;
    const int version = db->schemaVersion(error);
    if (version < 0)
        return nullptr;
    if (version == 0) {
        *error = Tr::tr("the database %1 is not set up: run survey-sync init first").arg(url);
        return nullptr;
    }
    if (!db->migrate(error))
        return nullptr;
    return db;
}

int projectOption(const Args &a, bool *ok)
{
    *ok = true;
    if (!a.options.contains(QStringLiteral("--project")))
        return 1;
    return a.options.value(QStringLiteral("--project")).toInt(ok);
}

int runInit(const QStringList &args)
{
    const Args a = parse(args, {QStringLiteral("--db"), QStringLiteral("--admin")});
    if (!a.ok || !a.positional.isEmpty() || !a.options.contains(QStringLiteral("--admin")))
        return usage();
    const QString url = a.options.value(QStringLiteral("--db"), kDefaultDb);
    QString error;
    const auto parsed = DatabaseUrl::parse(url, &error);
    if (!parsed)
        return fail(error);
    Database db(*parsed);
    if (!db.open(&error))
        return fail(error);
    Admin admin(db);
    if (!admin.init(a.options.value(QStringLiteral("--admin")), readPassword(), &error))
        return fail(error);
    out(Tr::tr("created %1 with project 1 and admin %2\n")
            .arg(url, a.options.value(QStringLiteral("--admin"))));
    return 0;
}

int runUser(const QStringList &args)
{
    if (args.isEmpty())
        return usage();
    const QString verb = args.first();
    const Args a =
        parse(args.mid(1), {QStringLiteral("--db"), QStringLiteral("--role"),
                            QStringLiteral("--supervisor"), QStringLiteral("--project")});
    if (!a.ok)
        return usage();
    QString error;
    const auto db = openReady(a.options.value(QStringLiteral("--db"), kDefaultDb), &error);
    if (!db)
        return fail(error);
    Admin admin(*db);
    if (verb == QLatin1String("add")) {
        bool ok = false;
        const int project = projectOption(a, &ok);
        if (a.positional.size() != 1 || !a.options.contains(QStringLiteral("--role")) || !ok)
            return usage();
        if (!admin.addUser(a.positional.first(), a.options.value(QStringLiteral("--role")),
                           a.options.value(QStringLiteral("--supervisor")), project, readPassword(),
                           &error))
            return fail(error);
        out(Tr::tr("added %1 (%2, project %3)\n")
                .arg(a.positional.first(), a.options.value(QStringLiteral("--role")))
                .arg(project));
        return 0;
    }
    if (verb == QLatin1String("disable")) {
        if (a.positional.size() != 1)
            return usage();
        if (!admin.disableUser(a.positional.first(), &error))
            return fail(error);
        out(Tr::tr("disabled %1\n").arg(a.positional.first()));
        return 0;
    }
    if (verb == QLatin1String("enable")) {
        if (a.positional.size() != 1)
            return usage();
        if (!admin.enableUser(a.positional.first(), &error))
            return fail(error);
        out(Tr::tr("enabled %1\n").arg(a.positional.first()));
        return 0;
    }
    if (verb == QLatin1String("list")) {
        if (!a.positional.isEmpty())
            return usage();
        const auto users = admin.listUsers(&error);
        if (!users)
            return fail(error);
        // One line per user, tab-separated: name, role, project, supervisor, status.
        for (const Admin::UserRow &u : *users)
            out(QStringLiteral("%1\t%2\t%3\t%4\t%5\n")
                    .arg(u.name, u.role)
                    .arg(u.projectId)
                    .arg(u.supervisor.isEmpty() ? QStringLiteral("-") : u.supervisor,
                         u.disabled ? QStringLiteral("disabled") : QStringLiteral("active")));
        return 0;
    }
    return usage();
}

int runProject(const QStringList &args)
{
    if (args.isEmpty())
        return usage();
    const QString verb = args.first();
    const Args a = parse(args.mid(1), {QStringLiteral("--db")});
    if (!a.ok)
        return usage();
    QString error;
    const auto db = openReady(a.options.value(QStringLiteral("--db"), kDefaultDb), &error);
    if (!db)
        return fail(error);
    Admin admin(*db);
    if (verb == QLatin1String("add") && a.positional.size() == 1) {
        const auto id = admin.addProject(a.positional.first(), &error);
        if (!id)
            return fail(error);
        out(Tr::tr("added project %1 (%2)\n").arg(*id).arg(a.positional.first()));
        return 0;
    }
    if (verb == QLatin1String("list") && a.positional.isEmpty()) {
        const auto projects = admin.listProjects(&error);
        if (!projects)
            return fail(error);
        for (const Admin::ProjectRow &p : *projects)
            out(QStringLiteral("%1\t%2\n").arg(p.id).arg(p.name));
        return 0;
    }
    return usage();
}

int runForm(const QStringList &args)
{
    if (args.isEmpty() || args.first() != QLatin1String("publish"))
        return usage();
    const Args a = parse(args.mid(1), {QStringLiteral("--db"), QStringLiteral("--project"),
                                       QStringLiteral("--media")});
    bool ok = false;
    const int project = projectOption(a, &ok);
    if (!a.ok || a.positional.size() != 1 || !ok)
        return usage();
    QString error;
    const auto db = openReady(a.options.value(QStringLiteral("--db"), kDefaultDb), &error);
    if (!db)
        return fail(error);
    Admin admin(*db);
    QStringList warnings;
    const auto published =
        admin.publishForm(a.positional.first(), project, a.options.value(QStringLiteral("--media")),
                          &error, &warnings);
    for (const QString &w : std::as_const(warnings)) {
        const QByteArray b =
            (QStringLiteral("survey-sync: ") + Tr::tr("warning: %1").arg(w) + QLatin1Char('\n'))
                .toUtf8();
        std::fwrite(b.constData(), 1, static_cast<std::size_t>(b.size()), stderr);
    }
    if (!published)
        return fail(error);
    if (published->unchanged)
        out(Tr::tr("%1 version %2 is already published; nothing changed\n")
                .arg(published->formId, published->version));
    else
        out(Tr::tr("published %1 version %2 (\"%3\", %n media file(s)) in project %4\n", nullptr,
                   published->mediaFiles)
                .arg(published->formId, published->version, published->title)
                .arg(project));
    return 0;
}

int runServe(const QStringList &args)
{
    QStringList rest;
    bool insecure = false;
    bool insecureRemote = false;
    for (const QString &a : args) {
        if (a == QLatin1String("--insecure-http"))
            insecure = true;
        else if (a == QLatin1String("--allow-insecure-remote"))
            insecureRemote = true;
        else
            rest << a;
    }
    const Args a = parse(
        rest, {QStringLiteral("--db"), QStringLiteral("--listen"), QStringLiteral("--max-body-mb"),
               QStringLiteral("--timeout-s"), QStringLiteral("--data-dir"),
               QStringLiteral("--tls-cert"), QStringLiteral("--tls-key"),
               QStringLiteral("--max-connections-per-address"), QStringLiteral("--workers")});
    if (!a.ok || !a.positional.isEmpty())
        return usage();
    const QString tlsCert = a.options.value(QStringLiteral("--tls-cert"));
    const QString tlsKey = a.options.value(QStringLiteral("--tls-key"));
    if (tlsCert.isEmpty() != tlsKey.isEmpty())
        return fail(Tr::tr("TLS needs both a certificate (--tls-cert) and its key (--tls-key)"));
    if (tlsCert.isEmpty() && !insecure)
        return fail(Tr::tr("passwords must not cross the network in clear: give --tls-cert and "
                           "--tls-key, or start with --insecure-http only on loopback or "
                           "behind a TLS proxy"));
    const QString listen =
        a.options.value(QStringLiteral("--listen"), QStringLiteral("127.0.0.1:8080"));
    const qsizetype colon = listen.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const int port = colon > 0 ? listen.mid(colon + 1).toInt(&portOk) : 0;
    if (!portOk || port < 0 || port > 65535)
        return fail(Tr::tr("--listen needs HOST:PORT, not '%1'").arg(listen));
    // Plain HTTP carries passwords in clear: only on this machine (behind a TLS proxy on it),
    // unless the operator says otherwise in so many words.
    const QString host = listen.left(colon);
    const bool loopback = host == QLatin1String("localhost") || host == QLatin1String("::1") ||
                          host == QLatin1String("[::1]") || host.startsWith(QLatin1String("127."));
    if (insecure && tlsCert.isEmpty() && !loopback) {
        if (!insecureRemote)
            return fail(Tr::tr("--insecure-http on %1 would send passwords across the network "
                               "in clear: listen on 127.0.0.1 behind a TLS proxy, give "
                               "--tls-cert and --tls-key, or add --allow-insecure-remote if "
                               "this network is really private")
                            .arg(host));
        const QByteArray warning =
            (Tr::tr("survey-sync: warning: serving plain HTTP on %1: passwords and answers "
                    "cross the network unencrypted")
                 .arg(host) +
             QLatin1Char('\n'))
                .toUtf8();
        std::fwrite(warning.constData(), 1, static_cast<std::size_t>(warning.size()), stderr);
    }
    const QString url = a.options.value(QStringLiteral("--db"), kDefaultDb);
    QString error;
    const auto db = openReady(url, &error); // schema checked and migrated before serving
    if (!db)
        return fail(error);
    OpenRosaServer::Options options;
    options.database = *DatabaseUrl::parse(url, &error);
    options.host = listen.left(colon);
    options.port = port;
    options.insecureHttp = insecure;
    options.tlsCert = tlsCert;
    options.tlsKey = tlsKey;
    if (a.options.contains(QStringLiteral("--max-body-mb"))) {
        bool ok = false;
        const int mb = a.options.value(QStringLiteral("--max-body-mb")).toInt(&ok);
        if (!ok || mb <= 0)
            return usage();
        options.maxBodyBytes = static_cast<qint64>(mb) * 1000 * 1000;
    }
    if (a.options.contains(QStringLiteral("--data-dir"))) {
        options.dataDir = QDir(a.options.value(QStringLiteral("--data-dir"))).absolutePath();
        const QFileInfo dir(options.dataDir);
        if (!QDir().mkpath(options.dataDir) || !dir.isDir() || !dir.isWritable() ||
            !QFile::setPermissions(options.dataDir, QFileDevice::ReadOwner |
                                                        QFileDevice::WriteOwner |
                                                        QFileDevice::ExeOwner))
            return fail(
                Tr::tr("the data folder %1 cannot be created or written to").arg(options.dataDir));
    }
    for (const auto &[flag, target, least] :
         {std::tuple{QStringLiteral("--max-connections-per-address"), &options.maxPerAddress, 0},
          std::tuple{QStringLiteral("--workers"), &options.workers, 1}}) {
        if (a.options.contains(flag)) {
            bool ok = false;
            *target = a.options.value(flag).toInt(&ok);
            if (!ok || *target < least || *target > 100000)
                return usage();
        }
    }
    if (a.options.contains(QStringLiteral("--timeout-s"))) {
        bool ok = false;
        options.timeoutSeconds = a.options.value(QStringLiteral("--timeout-s")).toInt(&ok);
        if (!ok || options.timeoutSeconds <= 0 || options.timeoutSeconds > 3600)
            return usage();
    }
    OpenRosaServer server(options);
    const int bound = server.bind(&error);
    if (bound < 0)
        return fail(error);
    out(QStringLiteral("%1://%2:%3/v1/projects/1\n")
            .arg(tlsCert.isEmpty() ? QStringLiteral("http") : QStringLiteral("https"), options.host)
            .arg(bound));
    std::fflush(stdout);
    return server.listen() ? 0 : fail(Tr::tr("the server stopped unexpectedly"));
}

} // namespace

int main(int argc, char **argv)
{
    // Everything the server writes (the database and its journal, which hold password hashes,
    // answers and session hashes; working files) is for its own user alone: 0600 files and
    // 0700 folders.
    ::umask(077);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("survey-sync"));
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("survey"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(&translator);
    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty())
        return usage();
    const QString command = args.takeFirst();
    if (command == QLatin1String("init"))
        return runInit(args);
    if (command == QLatin1String("user"))
        return runUser(args);
    if (command == QLatin1String("form"))
        return runForm(args);
    if (command == QLatin1String("project"))
        return runProject(args);
    if (command == QLatin1String("serve"))
        return runServe(args);
    return usage();
}
