// SPDX-License-Identifier: GPL-3.0-or-later
// survey-cli review: a supervisor's work without the app. pull downloads the team's
// submissions; list, show and the decisions work on the store alone, with no network;
// `survey-cli sync` sends the decisions.
#include "commands.h"

#include "answerrows.h"
#include "formdefinition.h"
#include "formsession.h"
#include "reviewstore.h"
#include "syncclient.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <cstdio>

namespace survey::cli {

using namespace survey::store;

namespace {

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(ReviewCommand)
};

const char *kUsage =
    "survey-cli review --data DIR (pull --server URL --user NAME [--password-stdin] | list "
    "[--json] | show ID [--lang LANG] | approve ID [--comment TEXT] | return ID --comment TEXT "
    "[--flag PATH=NOTE]... | reject ID --comment TEXT | decisions [--json])";

int usage()
{
    writeErr(Tr::tr("usage: %1\n").arg(QLatin1String(kUsage)));
    return 64;
}

QJsonValue timeJson(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

int pull(Store &store, const QStringList &args)
{
    QString server;
    QString user;
    bool passwordStdin = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--server") && i + 1 < args.size())
            server = args[++i];
        else if (args[i] == QLatin1String("--user") && i + 1 < args.size())
            user = args[++i];
        else if (args[i] == QLatin1String("--password-stdin"))
            passwordStdin = true;
        else
            return usage();
    }
    const QUrl base(server, QUrl::StrictMode);
    if (user.isEmpty() || !base.isValid() ||
        (base.scheme() != QLatin1String("http") && base.scheme() != QLatin1String("https")))
        return usage();
    int failure = 0;
    const auto password = readPassword(base, user, passwordStdin, &failure);
    if (!password)
        return failure;
    sync::SyncClient client(store, {base, user, *password});
    int exitCode = 1;
    QObject::connect(&client, &sync::SyncClient::finished, [&exitCode](const sync::SyncSummary &s) {
        for (const QString &problem : s.problems)
            writeErr(problem + QLatin1Char('\n'));
        // The last line is for scripts: fixed words in every language.
        writeOut(QStringLiteral("pulled %1, failed %2\n").arg(s.pulled).arg(s.pullFailed).toUtf8());
        exitCode = s.pullFailed == 0 && s.problems.isEmpty() && !s.signInFailed && !s.forbidden &&
                           !s.cancelled
                       ? 0
                       : 1;
        QCoreApplication::exit(exitCode);
    });
    client.pullReview();
    if (client.isRunning())
        QCoreApplication::exec();
    std::fflush(stdout);
    return exitCode;
}

int list(Store &store, bool json)
{
    ReviewStore review(store);
    StoreError e;
    const auto all = review.submissions({}, &e);
    if (e)
        return storeFailure(e);
    if (json) {
        QJsonArray out;
        for (const ReviewSubmission &s : all)
            out.append(
                QJsonObject{{QStringLiteral("instanceId"), s.instanceId},
                            {QStringLiteral("formId"), s.formId},
                            {QStringLiteral("submitter"), s.submitter},
                            {QStringLiteral("reviewState"), s.shownState()},
                            {QStringLiteral("serverReviewState"), s.reviewState},
                            {QStringLiteral("decision"),
                             s.decisionStatus ? QJsonValue(decisionStatusName(*s.decisionStatus))
                                              : QJsonValue()},
                            {QStringLiteral("instanceName"), s.instanceName},
                            {QStringLiteral("createdAt"), timeJson(s.createdAt)},
                            {QStringLiteral("updatedAt"), timeJson(s.updatedAt)},
                            {QStringLiteral("versions"), s.versionCount}});
        writeOut(QJsonDocument(out).toJson(QJsonDocument::Indented));
        return 0;
    }
    QByteArray text;
    for (const ReviewSubmission &s : all) {
        QString state = s.shownState();
        if (s.decisionStatus == DecisionStatus::Queued)
            state += Tr::tr(" (not sent yet)");
        else if (s.decisionStatus == DecisionStatus::Conflict)
            state += Tr::tr(" (your decision was refused: look again)");
        text += QStringLiteral("%1\t%2\t%3\t%4\t%5\t%6\n")
                    .arg(s.instanceId, s.formId, s.submitter, state, s.instanceName,
                         (s.updatedAt.isValid() ? s.updatedAt : s.createdAt)
                             .toUTC()
                             .toString(Qt::ISODate))
                    .toUtf8();
    }
    writeOut(text);
    return 0;
}

/// The rows of one version, as its form shows them (nothing, after saying why).
std::optional<std::vector<review::AnswerRow>> rowsOf(Store &store, const ReviewSubmission &s,
                                                     const ReviewVersion &v, const QString &lang)
{
    StoreError e;
    const auto form = store.formVersion(s.formId, v.formVersion, &e);
    if (!form) {
        writeErr(Tr::tr("error: form %1 version %2 is not on this device: pull again\n")
                     .arg(s.formId, v.formVersion));
        return std::nullopt;
    }
    const auto def = loadStoredForm(store, form->row);
    if (!def)
        return std::nullopt;
    form::FormSession session(def);
    QString why;
    if (!session.loadInstance(v.xml, &why)) {
        writeErr(Tr::tr("error: version %1 does not fit its form: %2\n").arg(v.instanceId, why));
        return std::nullopt;
    }
    if (!lang.isEmpty() && !session.setLanguage(lang)) {
        writeErr(Tr::tr("error: the form has no language '%1'\n").arg(lang));
        return std::nullopt;
    }
    return review::answerRows(session);
}

int show(Store &store, const QString &id, const QString &lang)
{
    ReviewStore review(store);
    StoreError e;
    const auto s = review.submission(id, &e);
    if (!s)
        return storeFailure(e);
    const auto versions = review.versions(s->row, true, &e);
    if (e || versions.empty())
        return storeFailure(e);
    const ReviewVersion &current = versions.back();
    const auto rows = rowsOf(store, *s, current, lang);
    if (!rows)
        return 1;
    QString out;
    out += Tr::tr("Submission %1 (%2, form %3 version %4)\n")
               .arg(s->instanceId, s->instanceName, s->formId, s->formVersion);
    out += Tr::tr("By %1 on device %2; received %3; review state %4\n")
               .arg(s->submitter, s->deviceId.isEmpty() ? Tr::tr("(unknown)") : s->deviceId,
                    s->createdAt.toUTC().toString(Qt::ISODate), s->shownState());
    for (const review::AnswerRow &r : *rows) {
        const QString indent(2 * r.depth, QLatin1Char(' '));
        if (r.kind != review::AnswerRow::Kind::Answer) {
            out += indent + QStringLiteral("== %1 ==\n").arg(r.label);
            continue;
        }
        QString value = r.value;
        if (r.computed)
            value += Tr::tr(" (computed)");
        if (r.file)
            value += Tr::tr(" (file)");
        out += indent + QStringLiteral("%1: %2\n").arg(r.label, value);
    }
    // What changed since the version the reviewer last saw (or the one before the current).
    const ReviewVersion *base = nullptr;
    for (const ReviewVersion &v : versions) {
        if (!s->seenVersion.isEmpty() && v.instanceId == s->seenVersion && !v.current)
            base = &v;
    }
    if (!base && versions.size() > 1 && s->seenVersion != current.instanceId)
        base = &versions[versions.size() - 2];
    if (base && base->xml.isEmpty()) // an old version, listed without its XML
        base = &versions[versions.size() - 2];
    if (base) {
        const auto before = rowsOf(store, *s, *base, lang);
        if (!before)
            return 1;
        out += Tr::tr("Changes since version %1:\n").arg(base->instanceId);
        for (const auto &c : review::changesBetween(*before, *rows))
            out += QStringLiteral("  %1: %2 → %3\n")
                       .arg(c.label, c.before.isEmpty() ? Tr::tr("(none)") : c.before,
                            c.after.isEmpty() ? Tr::tr("(none)") : c.after);
    }
    for (const Comment &c : review.comments(s->row, &e))
        out += Tr::tr("Comment by %1 at %2: %3\n").arg(c.author, c.at, c.body);
    for (const ReviewFlag &f : review.flags(s->row, &e))
        out += Tr::tr("Flag on %1 by %2: %3\n").arg(f.path, f.author, f.note);
    if (const auto d = review.latestDecision(s->row, &e)) {
        out += Tr::tr("Your decision: %1 (%2)").arg(d->state, decisionStatusName(d->status));
        if (!d->lastError.isEmpty())
            out += QStringLiteral(": ") + d->lastError;
        out += QLatin1Char('\n');
    }
    writeOut(out.toUtf8());
    return 0;
}

int decide(Store &store, const QString &verb, const QStringList &args)
{
    if (args.isEmpty())
        return usage();
    const QString id = args.first();
    QString comment;
    std::vector<ReviewFlag> flags;
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--comment") && i + 1 < args.size()) {
            comment = args[++i];
        } else if (args[i] == QLatin1String("--flag") && i + 1 < args.size() &&
                   verb == QLatin1String("return")) {
            const QString flag = args[++i];
            const qsizetype eq = flag.indexOf(QLatin1Char('='));
            if (eq <= 0)
                return usage();
            ReviewFlag f;
            f.path = flag.left(eq);
            f.note = flag.mid(eq + 1);
            flags.push_back(f);
        } else {
            return usage();
        }
    }
    const QString state = verb == QLatin1String("approve")  ? QStringLiteral("approved")
                          : verb == QLatin1String("return") ? QStringLiteral("hasIssues")
                                                            : QStringLiteral("rejected");
    ReviewStore review(store);
    StoreError e;
    const auto d = review.decide(id, state, comment, flags, &e);
    if (!d)
        return storeFailure(e);
    writeOut(Tr::tr("%1: %2, queued; `survey-cli sync` sends it\n").arg(id, state).toUtf8());
    return 0;
}

int decisions(Store &store, bool json)
{
    ReviewStore review(store);
    StoreError e;
    const auto all = review.decisions(true, &e);
    if (e)
        return storeFailure(e);
    QJsonArray out;
    QByteArray text;
    for (const ReviewDecision &d : all) {
        QJsonArray flags;
        for (const ReviewFlag &f : d.flags)
            flags.append(
                QJsonObject{{QStringLiteral("path"), f.path}, {QStringLiteral("note"), f.note}});
        out.append(QJsonObject{{QStringLiteral("decisionId"), d.decisionId},
                               {QStringLiteral("instanceId"), d.instanceId},
                               {QStringLiteral("reviewState"), d.state},
                               {QStringLiteral("comment"), d.comment},
                               {QStringLiteral("flags"), flags},
                               {QStringLiteral("status"), decisionStatusName(d.status)},
                               {QStringLiteral("error"), d.lastError}});
        text += QStringLiteral("%1\t%2\t%3\t%4\n")
                    .arg(d.instanceId, d.state, decisionStatusName(d.status), d.lastError)
                    .toUtf8();
    }
    writeOut(json ? QJsonDocument(out).toJson(QJsonDocument::Indented) : text);
    return 0;
}

} // namespace

int reviewCommand(const QStringList &arguments)
{
    QStringList args = arguments;
    const QString dataDir = takeDataDir(args);
    if (dataDir.isEmpty() || args.isEmpty())
        return usage();
    const QString sub = args.takeFirst();
    static const QStringList verbs = {QStringLiteral("pull"),     QStringLiteral("list"),
                                      QStringLiteral("show"),     QStringLiteral("approve"),
                                      QStringLiteral("return"),   QStringLiteral("reject"),
                                      QStringLiteral("decisions")};
    if (!verbs.contains(sub))
        return usage();
    const bool jsonOnly = args.isEmpty() || args == QStringList{QStringLiteral("--json")};
    if ((sub == QLatin1String("list") || sub == QLatin1String("decisions")) && !jsonOnly)
        return usage();
    QString lang;
    if (sub == QLatin1String("show")) {
        const qsizetype at = args.indexOf(QStringLiteral("--lang"));
        if (at > 0 && at + 1 < args.size()) {
            lang = args[at + 1];
            args.remove(at, 2);
        }
        if (args.size() != 1)
            return usage();
    }
    auto store = openStore(dataDir);
    if (!store)
        return 1;
    if (sub == QLatin1String("pull"))
        return pull(*store, args);
    if (sub == QLatin1String("list"))
        return list(*store, !args.isEmpty());
    if (sub == QLatin1String("decisions"))
        return decisions(*store, !args.isEmpty());
    if (sub == QLatin1String("show"))
        return show(*store, args.first(), lang);
    return decide(*store, sub, args);
}

} // namespace survey::cli
