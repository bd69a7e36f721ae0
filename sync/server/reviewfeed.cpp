// SPDX-License-Identifier: GPL-3.0-or-later
// The review loop's device side: the feed a supervisor's device pulls its team's
// submissions from (every version's XML, attachments listed, comments, flags, in change
// order), version XML and attachment downloads in ODK Central's paths, the team's members,
// and the decisions a device sends (PATCH extension: decision id, base version, flags).
#include "serverimpl.h"
#include "xmlnode.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

namespace survey::server {

using namespace detail;

namespace {

/// At most this many flags in one decision, each note at most kMaxCommentLength.
constexpr int kMaxFlags = 200;
/// A feed page stops growing past about this many bytes (and is never empty).
constexpr qint64 kFeedPageBytes = 8 * 1024 * 1024;
/// A submission's latest comments a feed page carries.
constexpr int kMaxFeedComments = 200;

/// A question's path as flags name it: /data/group/question, with [n] on repeat entries.
bool validFlagPath(const QString &path)
{
    // XML names may be in any script (pathOf writes them as the form has them).
    static const QRegularExpression rule(
        QStringLiteral(R"(^(/[^/\[\]\s:]{1,128}(\[[1-9][0-9]{0,5}\])?){1,32}$)"));
    return path.size() <= 1024 && rule.match(path).hasMatch();
}

/// A decision id: what a device makes (a UUID, with or without "uuid:"), nothing longer.
bool validDecisionId(const QString &id)
{
    static const QRegularExpression rule(QStringLiteral(R"(^[A-Za-z0-9:\-]{8,80}$)"));
    return rule.match(id).hasMatch();
}

QJsonValue orNull(const QVariant &v)
{
    return v.isNull() ? QJsonValue() : QJsonValue(v.toString());
}

} // namespace

QString detail::missingPath(const QByteArray &xml, const QStringList &paths)
{
    form::XmlError error;
    const auto doc = form::XmlDocument::parse(xml, &error); // once, for every path
    static const QRegularExpression step(QStringLiteral(R"(^([^\[]+)(?:\[(\d+)\])?$)"));
    for (const QString &path : paths) {
        const QStringList steps = path.mid(1).split(QLatin1Char('/'));
        const form::XmlNode *node = doc ? doc->documentElement() : nullptr;
        if (!node || !validFlagPath(path) || steps.first() != node->localName())
            return path;
        for (qsizetype i = 1; node && i < steps.size(); ++i) {
            const auto m = step.match(steps[i]);
            int wanted = m.captured(2).isEmpty() ? 1 : m.captured(2).toInt();
            const form::XmlNode *found = nullptr;
            for (const form::XmlNode *c = node->firstChildElement(m.captured(1)); c && !found;
                 c = c->nextSiblingElement(m.captured(1))) {
                if (--wanted == 0)
                    found = c;
            }
            node = found;
        }
        if (!node)
            return path;
    }
    return QString();
}

std::optional<ReviewDecision> OpenRosaServer::Impl::reviewDecision(const QJsonObject &body,
                                                                   const QString &state,
                                                                   httplib::Response &res)
{
    ReviewDecision d;
    d.id = body.value(QStringLiteral("decisionId")).toString();
    d.baseVersion = body.value(QStringLiteral("baseVersion")).toString();
    d.baseState = body.value(QStringLiteral("baseReviewState")).toString();
    if (!d.id.isEmpty() && !validDecisionId(d.id)) {
        jsonError(res, 400, Tr::tr("decisionId must be 8 to 80 letters, digits, '-' or ':'"));
        return std::nullopt;
    }
    if (d.baseVersion.size() > 256 || d.baseState.size() > 32) {
        jsonError(res, 400, Tr::tr("baseVersion or baseReviewState is too long"));
        return std::nullopt;
    }
    const QJsonValue flags = body.value(QStringLiteral("flags"));
    if (!flags.isUndefined() && !flags.isNull()) {
        if (!flags.isArray() || flags.toArray().size() > kMaxFlags) {
            jsonError(res, 400,
                      Tr::tr("flags must be a list of at most %1 {\"path\", \"note\"} objects")
                          .arg(kMaxFlags));
            return std::nullopt;
        }
        for (const QJsonValue &f : flags.toArray()) {
            const QString path = f.toObject().value(QStringLiteral("path")).toString();
            const QString note = f.toObject().value(QStringLiteral("note")).toString().trimmed();
            if (!validFlagPath(path)) {
                jsonError(res, 400,
                          Tr::tr("a flag's path must name a question, as /data/group/question "
                                 "(with [n] for a repeat's entry)"));
                return std::nullopt;
            }
            if (note.size() > kMaxCommentLength) {
                jsonError(
                    res, 400,
                    Tr::tr("a flag's note may be at most %1 characters").arg(kMaxCommentLength));
                return std::nullopt;
            }
            d.flags.emplace_back(path, note);
        }
        if (!d.flags.empty() && state != QLatin1String("hasIssues")) {
            jsonError(res, 400, Tr::tr("questions are flagged only when sending back (hasIssues)"));
            return std::nullopt;
        }
    }
    return d;
}

bool OpenRosaServer::Impl::storeDecision(int submissionRow, int actorId, const QString &state,
                                         const ReviewDecision &decision, QString *error)
{
    const QString now = Database::now();
    auto fail = [&](const QSqlQuery &q) {
        *error = Database::failure(Tr::tr("storing the review"), q.lastError());
        return false;
    };
    if (!decision.id.isEmpty()) {
        QSqlQuery d(db().db());
        d.prepare(QStringLiteral("INSERT INTO review_decisions (decision_id, submission_id, "
                                 "actor_id, review_state, created_at) VALUES (?, ?, ?, ?, ?)"));
        d.addBindValue(decision.id);
        d.addBindValue(submissionRow);
        d.addBindValue(actorId);
        d.addBindValue(state);
        d.addBindValue(now);
        if (!d.exec()) {
            // The same decision arriving twice at once (two servers): the write runs again
            // and finds it applied.
            db().retryOnConflict(d);
            return fail(d);
        }
    }
    for (const auto &[path, note] : decision.flags) {
        QSqlQuery f(db().db());
        f.prepare(QStringLiteral("INSERT INTO review_flags (submission_id, version_id, path, note, "
                                 "author_id, created_at) SELECT id, current_version_id, ?, ?, ?, "
                                 "? FROM submissions WHERE id = ?"));
        f.addBindValue(path);
        f.addBindValue(note);
        f.addBindValue(actorId);
        f.addBindValue(now);
        f.addBindValue(submissionRow);
        if (!f.exec())
            return fail(f);
    }
    QSqlQuery bump(db().db());
    bump.prepare(QLatin1String(Database::bumpChangeSql()));
    bump.addBindValue(submissionRow);
    return bump.exec() || fail(bump);
}

QJsonArray OpenRosaServer::Impl::flagsJson(int submissionRow, bool currentOnly)
{
    QSqlQuery q(db().db());
    // The latest flags (each decision brings at most kMaxFlags; a page carries at most that).
    q.prepare(QStringLiteral("SELECT fl.path, fl.note, u.name, fl.created_at, v.instance_id FROM "
                             "review_flags fl JOIN users u ON u.id = fl.author_id JOIN "
                             "submission_versions v ON v.id = fl.version_id JOIN submissions s ON "
                             "s.id = fl.submission_id WHERE fl.submission_id = ?%1 ORDER BY fl.id "
                             "DESC LIMIT %2")
                  .arg(currentOnly ? QStringLiteral(" AND fl.version_id = s.current_version_id")
                                   : QString())
                  .arg(kMaxFlags));
    q.addBindValue(submissionRow);
    QJsonArray out;
    if (q.exec()) {
        while (q.next())
            out.prepend(QJsonObject{{QStringLiteral("path"), q.value(0).toString()},
                                    {QStringLiteral("note"), q.value(1).toString()},
                                    {QStringLiteral("author"), q.value(2).toString()},
                                    {QStringLiteral("createdAt"), q.value(3).toString()},
                                    {QStringLiteral("version"), q.value(4).toString()}});
    }
    return out;
}

void OpenRosaServer::Impl::reviewFeed(const httplib::Request &req, httplib::Response &res)
{
    // GET /v1/projects/{id}/review/feed?after=N&limit=M: the submissions a reviewer may review
    // that changed after change N, in change order; "next" is the cursor for the next page.
    int project = 0;
    const auto user = reviewer(req, res, &project);
    if (!user)
        return;
    const qint64 after = req.has_param("after")
                             ? std::max(0LL, std::atoll(req.get_param_value("after").c_str()))
                             : 0;
    const int limit = req.has_param("limit")
                          ? std::clamp(std::atoi(req.get_param_value("limit").c_str()), 1, 500)
                          : 100;
    QString where = QStringLiteral(" WHERE f.project_id = ? AND s.change_seq > ?");
    QVariantList binds{project, after};
    if (!user->isAdmin()) {
        where += QStringLiteral(" AND u.supervisor_id = ?");
        binds << user->id;
    }
    const QString from = QStringLiteral(
        " FROM submissions s JOIN forms f ON f.id = s.form_id JOIN users u ON u.id = "
        "s.submitter_id JOIN submission_versions v ON v.id = s.current_version_id JOIN "
        "form_versions fv ON fv.id = v.form_version_id");
    auto bound = [&](QSqlQuery &q, const QString &sql) {
        q.prepare(sql);
        for (const QVariant &b : binds)
            q.addBindValue(b);
        return q.exec();
    };
    // How many remain is counted only when asked (a pull's first page: its progress); the
    // pages after it say whether there are more.
    const bool counted = req.has_param("count");
    QSqlQuery count(db().db());
    QSqlQuery q(db().db());
    if ((counted &&
         (!bound(count, QStringLiteral("SELECT COUNT(*)") + from + where) || !count.next())) ||
        !bound(q, QStringLiteral("SELECT s.id, s.instance_id, f.xml_form_id, fv.version, "
                                 "s.submitter_id, u.name, s.review_state, s.created_at, "
                                 "s.updated_at, s.change_seq, v.instance_id") +
                      from + where +
                      QStringLiteral(" ORDER BY s.change_seq LIMIT %1").arg(limit + 1))) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    const int total = counted ? count.value(0).toInt() : 0;
    QJsonArray out;
    qint64 next = after;
    qint64 bytes = 0;
    bool more = false;
    while (q.next()) {
        if (bytes >= kFeedPageBytes || out.size() == limit) {
            more = true;
            break;
        }
        const int row = q.value(0).toInt();
        // Every version is listed; the XML of the last two (what a changes view compares)
        // only: a long history is not sent again with every change.
        QSqlQuery v(db().db());
        v.prepare(QStringLiteral(
            "SELECT v.id, v.instance_id, v.deprecated_id, fv.version, v.created_at, v.device_id, "
            "CASE WHEN v.id IN (SELECT x.id FROM submission_versions x WHERE x.submission_id = ? "
            "ORDER BY x.id DESC LIMIT 2) THEN v.xml END, v.id = s.current_version_id, u.name "
            "FROM submission_versions v JOIN submissions s ON s.id = v.submission_id JOIN "
            "form_versions fv ON fv.id = v.form_version_id JOIN users u ON u.id = v.submitter_id "
            "WHERE v.submission_id = ? ORDER BY v.id"));
        v.addBindValue(row);
        v.addBindValue(row);
        // The latest comments (a thread is bounded in what one page carries).
        QSqlQuery c(db().db());
        c.prepare(QStringLiteral("SELECT u.name, c.created_at, c.body FROM comments c JOIN users "
                                 "u ON u.id = c.author_id WHERE c.submission_id = ? ORDER BY "
                                 "c.created_at DESC, c.id DESC LIMIT %1")
                      .arg(kMaxFeedComments));
        c.addBindValue(row);
        if (!v.exec() || !c.exec()) {
            jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
            return;
        }
        QJsonArray versions;
        while (v.next()) {
            QSqlQuery a(db().db());
            a.prepare(QStringLiteral("SELECT name, hash, LENGTH(content) FROM "
                                     "submission_attachments WHERE version_id = ? ORDER BY name"));
            a.addBindValue(v.value(0));
            QJsonArray files;
            if (a.exec()) {
                while (a.next())
                    files.append(QJsonObject{{QStringLiteral("name"), a.value(0).toString()},
                                             {QStringLiteral("hash"), a.value(1).toString()},
                                             {QStringLiteral("size"), a.value(2).toLongLong()}});
            }
            const QByteArray xml = v.value(6).toByteArray();
            bytes += xml.size() + 512;
            versions.append(QJsonObject{
                {QStringLiteral("instanceId"), v.value(1).toString()},
                {QStringLiteral("deprecatedId"), orNull(v.value(2))},
                {QStringLiteral("formVersion"), v.value(3).toString()},
                {QStringLiteral("createdAt"), v.value(4).toString()},
                {QStringLiteral("deviceId"), orNull(v.value(5))},
                {QStringLiteral("current"), v.value(7).toBool()},
                {QStringLiteral("submitterName"), v.value(8).toString()},
                {QStringLiteral("xml"),
                 v.value(6).isNull() ? QJsonValue() : QJsonValue(QString::fromUtf8(xml))},
                {QStringLiteral("attachments"), files}});
        }
        QJsonArray comments;
        while (c.next()) {
            bytes += c.value(2).toString().size() * 3 + 128;
            comments.prepend(QJsonObject{{QStringLiteral("author"), c.value(0).toString()},
                                         {QStringLiteral("createdAt"), c.value(1).toString()},
                                         {QStringLiteral("body"), c.value(2).toString()}});
        }
        const QJsonArray flags = flagsJson(row, false);
        for (const QJsonValue &f : flags)
            bytes += f[QStringLiteral("note")].toString().size() * 3 + 256;
        next = q.value(9).toLongLong();
        out.append(
            QJsonObject{{QStringLiteral("instanceId"), q.value(1).toString()},
                        {QStringLiteral("formId"), q.value(2).toString()},
                        {QStringLiteral("formVersion"), q.value(3).toString()},
                        {QStringLiteral("submitterId"), q.value(4).toInt()},
                        {QStringLiteral("submitterName"), q.value(5).toString()},
                        {QStringLiteral("reviewState"), q.value(6).toString()},
                        {QStringLiteral("createdAt"), q.value(7).toString()},
                        {QStringLiteral("updatedAt"), orNull(q.value(8))},
                        {QStringLiteral("changeSeq"), next},
                        {QStringLiteral("currentVersion"),
                         QJsonObject{{QStringLiteral("instanceId"), q.value(10).toString()}}},
                        {QStringLiteral("versions"), versions},
                        {QStringLiteral("comments"), comments},
                        {QStringLiteral("flags"), flags}});
    }
    QJsonObject page{{QStringLiteral("submissions"), out},
                     {QStringLiteral("next"), next},
                     {QStringLiteral("more"), more}};
    if (counted)
        page.insert(QStringLiteral("remaining"), total - int(out.size()));
    json(res, 200, QJsonDocument(page));
}

void OpenRosaServer::Impl::versionXml(const httplib::Request &req, httplib::Response &res)
{
    // GET …/submissions/{instanceId}/versions/{versionId}.xml, as in ODK Central.
    QSqlQuery q(db().db());
    const auto user = openSubmission(req, res, q);
    if (!user)
        return;
    QSqlQuery v(db().db());
    v.prepare(QStringLiteral(
        "SELECT xml FROM submission_versions WHERE submission_id = ? AND instance_id = ?"));
    v.addBindValue(q.value(7));
    v.addBindValue(urlPart(req, 4));
    if (!v.exec() || !v.next()) {
        jsonError(res, 404, Tr::tr("the submission has no such version"));
        return;
    }
    res.status = 200;
    res.set_content(v.value(0).toByteArray().toStdString(), "application/xml; charset=utf-8");
}

void OpenRosaServer::Impl::submissionAttachment(const httplib::Request &req, httplib::Response &res)
{
    // GET …/submissions/{instanceId}/attachments/{name} (the current version's) and
    // …/versions/{versionId}/attachments/{name}, as in ODK Central.
    QSqlQuery q(db().db());
    const auto user = openSubmission(req, res, q);
    if (!user)
        return;
    const bool ofVersion = req.matches.size() > 5;
    QSqlQuery a(db().db());
    a.prepare(ofVersion ? QStringLiteral("SELECT a.content FROM submission_attachments a JOIN "
                                         "submission_versions v ON v.id = a.version_id WHERE "
                                         "v.submission_id = ? AND v.instance_id = ? AND a.name = ?")
                        : QStringLiteral("SELECT a.content FROM submission_attachments a JOIN "
                                         "submissions s ON s.current_version_id = a.version_id "
                                         "WHERE s.id = ? AND a.name = ?"));
    a.addBindValue(q.value(7));
    if (ofVersion)
        a.addBindValue(urlPart(req, 4));
    a.addBindValue(urlPart(req, ofVersion ? 5 : 4));
    if (!a.exec()) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    if (!a.next()) {
        jsonError(res, 404, Tr::tr("the submission has no such attachment"));
        return;
    }
    res.status = 200;
    res.set_content(a.value(0).toByteArray().toStdString(), "application/octet-stream");
}

void OpenRosaServer::Impl::team(const httplib::Request &req, httplib::Response &res)
{
    // GET /v1/projects/{id}/team (our extension): the reviewer's team (an admin: everyone
    // in the project) with when each device last synced, counts by review state and the
    // assignment targets. Devices work out "today" and "this week" in their own time zone
    // from the submissions they pulled.
    int project = 0;
    const auto user = reviewer(req, res, &project);
    if (!user)
        return;
    QSqlQuery m(db().db());
    m.prepare(QStringLiteral("SELECT u.id, u.name, u.role, sup.name, u.last_sync_at, u.disabled "
                             "FROM users u LEFT JOIN users sup ON sup.id = u.supervisor_id WHERE "
                             "u.role <> 'admin' AND (u.project_id = ? OR u.project_id IS NULL)%1 "
                             "ORDER BY u.name")
                  .arg(user->isAdmin() ? QString() : QStringLiteral(" AND u.supervisor_id = ?")));
    m.addBindValue(project);
    if (!user->isAdmin())
        m.addBindValue(user->id);
    if (!m.exec()) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    QJsonArray out;
    while (m.next()) {
        QSqlQuery c(db().db());
        c.prepare(QStringLiteral("SELECT s.review_state, COUNT(*) FROM submissions s JOIN forms f "
                                 "ON f.id = s.form_id WHERE f.project_id = ? AND s.submitter_id = "
                                 "? GROUP BY s.review_state"));
        c.addBindValue(project);
        c.addBindValue(m.value(0));
        QJsonObject counts{{QStringLiteral("received"), 0},
                           {QStringLiteral("edited"), 0},
                           {QStringLiteral("hasIssues"), 0},
                           {QStringLiteral("approved"), 0},
                           {QStringLiteral("rejected"), 0}};
        int total = 0;
        if (c.exec()) {
            while (c.next()) {
                counts.insert(c.value(0).toString(), c.value(1).toInt());
                total += c.value(1).toInt();
            }
        }
        counts.insert(QStringLiteral("total"), total);
        QSqlQuery t(db().db());
        t.prepare(QStringLiteral("SELECT f.xml_form_id, a.target, (SELECT COUNT(*) FROM "
                                 "submissions s WHERE s.form_id = f.id AND s.submitter_id = "
                                 "a.enumerator_id) FROM assignments a JOIN forms f ON f.id = "
                                 "a.form_id WHERE f.project_id = ? AND a.enumerator_id = ? ORDER "
                                 "BY f.xml_form_id"));
        t.addBindValue(project);
        t.addBindValue(m.value(0));
        QJsonArray targets;
        if (t.exec()) {
            while (t.next())
                targets.append(QJsonObject{{QStringLiteral("formId"), t.value(0).toString()},
                                           {QStringLiteral("target"), t.value(1).toInt()},
                                           {QStringLiteral("submitted"), t.value(2).toInt()}});
        }
        out.append(QJsonObject{{QStringLiteral("id"), m.value(0).toInt()},
                               {QStringLiteral("displayName"), m.value(1).toString()},
                               {QStringLiteral("role"), m.value(2).toString()},
                               {QStringLiteral("supervisor"), orNull(m.value(3))},
                               {QStringLiteral("lastSyncAt"), orNull(m.value(4))},
                               {QStringLiteral("disabled"), m.value(5).toInt() != 0},
                               {QStringLiteral("counts"), counts},
                               {QStringLiteral("targets"), targets}});
    }
    json(res, 200, QJsonDocument(out));
}

void OpenRosaServer::Impl::formVersionXml(const httplib::Request &req, httplib::Response &res)
{
    // GET /v1/projects/{id}/forms/{xmlFormId}/versions/{version}.xml, as in ODK Central: a
    // reviewer's device needs the version each submission was made with.
    User user;
    int project = 0;
    if (!projectUser(req, res, false, &user, &project))
        return;
    QSqlQuery q(db().db());
    q.prepare(QStringLiteral("SELECT v.xml FROM forms f JOIN form_versions v ON v.form_id = f.id "
                             "WHERE f.project_id = ? AND f.xml_form_id = ? AND v.version = ?"));
    q.addBindValue(project);
    q.addBindValue(urlPart(req, 2));
    q.addBindValue(urlPart(req, 3));
    if (!q.exec()) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    if (!q.next()) {
        jsonError(res, 404, Tr::tr("the form has no such version"));
        return;
    }
    res.status = 200;
    res.set_content(q.value(0).toByteArray().toStdString(), "application/xml; charset=utf-8");
}

void OpenRosaServer::Impl::registerReviewRoutes()
{
    const std::string project = R"(/v1/projects/(\d{1,9}))";
    const std::string submission = project + R"(/forms/([^/]+)/submissions/([^/]+?))";
    auto bind = [this](void (Impl::*handler)(const httplib::Request &, httplib::Response &)) {
        return [this, handler](const httplib::Request &req, httplib::Response &res) {
            (this->*handler)(req, res);
        };
    };
    server->Get(project + "/review/feed", bind(&Impl::reviewFeed));
    server->Get(project + "/team", bind(&Impl::team));
    server->Get(submission + R"(/versions/([^/]+?)\.xml)", bind(&Impl::versionXml));
    server->Get(submission + R"(/versions/([^/]+)/attachments/([^/]+))",
                bind(&Impl::submissionAttachment));
    server->Get(submission + R"(/attachments/([^/]+))", bind(&Impl::submissionAttachment));
    server->Get(project + R"(/forms/([^/]+)/versions/([^/]+?)\.xml)", bind(&Impl::formVersionXml));
}

} // namespace survey::server
