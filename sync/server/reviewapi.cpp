// SPDX-License-Identifier: GPL-3.0-or-later
// The JSON API shaped like ODK Central's: sign-in sessions, submissions, review states and
// comments, and our way back to the device (/returned).
#include "admin.h"
#include "formsession.h"
#include "serverimpl.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUuid>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>

namespace survey::server {

using namespace detail;

std::optional<QJsonObject> detail::jsonBody(const httplib::Request &req, httplib::Response &res)
{
    // Only JSON said to be JSON: a web page can make a browser post text/plain or a form
    // anywhere without asking first, but not application/json.
    std::string type = req.get_header_value("Content-Type");
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (type.rfind("application/json", 0) != 0) {
        jsonError(res, 415,
                  Tr::tr("send the request body as JSON, with Content-Type: application/json"));
        return std::nullopt;
    }
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(req.body), &perr);
    if (!doc.isObject()) {
        jsonError(res, 400, Tr::tr("the request body must be a JSON object"));
        return std::nullopt;
    }
    return doc.object();
}

QString detail::tokenHash(const std::string &token)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(QByteArray::fromStdString(token), QCryptographicHash::Sha256)
            .toHex());
}

std::optional<User> OpenRosaServer::Impl::apiUser(const httplib::Request &req,
                                                  httplib::Response &res)
{
    const std::string header = req.get_header_value("Authorization");
    if (header.rfind("Bearer ", 0) == 0) {
        QSqlQuery q(db().db());
        q.prepare(
            QStringLiteral("SELECT u.id, u.name, u.role, u.project_id, u.disabled FROM "
                           "sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? "
                           "AND s.expires_at > ?"));
        q.addBindValue(tokenHash(header.substr(7)));
        q.addBindValue(Database::now());
        if (!q.exec()) {
            jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
            return std::nullopt;
        }
        if (!q.next() || q.value(4).toInt() != 0) {
            jsonError(res, 401, Tr::tr("the session has expired or does not exist: sign in again"));
            return std::nullopt;
        }
        User u;
        u.id = q.value(0).toInt();
        u.name = q.value(1).toString();
        u.role = q.value(2).toString();
        u.projectId = q.value(3).toInt();
        return u;
    }
    SignIn outcome;
    auto user = basicUser(req, &outcome);
    if (!user) {
        jsonError(res, outcome.status, outcome.why);
        refuseSignIn(res, outcome);
    }
    return user;
}

bool OpenRosaServer::Impl::maySee(const User &u, int submitterId, bool review)
{
    if (u.isAdmin())
        return true;
    if (!review && u.id == submitterId)
        return true;
    if (!u.isSupervisor())
        return false;
    QSqlQuery q(db().db());
    q.prepare(QStringLiteral("SELECT supervisor_id FROM users WHERE id = ?"));
    q.addBindValue(submitterId);
    return q.exec() && q.next() && q.value(0).toInt() == u.id;
}

void OpenRosaServer::Impl::createSession(const httplib::Request &req, httplib::Response &res)
{
    const auto body = jsonBody(req, res);
    if (!body)
        return;
    // Central signs in with "email"; our accounts have names, accepted under either key.
    const QString name = body->value(QStringLiteral("username"))
                             .toString(body->value(QStringLiteral("email")).toString());
    SignIn outcome;
    const auto user = checkCredentials(name, body->value(QStringLiteral("password")).toString(),
                                       QString::fromStdString(req.remote_addr), &outcome);
    if (!user) {
        jsonError(res, outcome.status, outcome.why);
        refuseSignIn(res, outcome);
        return;
    }
    // 256 random bits from the system's generator; only their hash is stored.
    QByteArray random(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(random.begin(), random.end());
    const std::string token = random.toHex().toStdString();
    const QString created = Database::now();
    const QString expires =
        QDateTime::currentDateTimeUtc().addSecs(24 * 3600).toString(Qt::ISODateWithMs);
    QString err;
    const bool ok = db().write(
        [&](QString *e) {
            // Sessions past their time go as new ones come: the table holds live ones only.
            QSqlQuery old(db().db());
            old.prepare(QStringLiteral("DELETE FROM sessions WHERE expires_at <= ?"));
            old.addBindValue(created);
            QSqlQuery q(db().db());
            q.prepare(QStringLiteral("INSERT INTO sessions (token_hash, user_id, created_at, "
                                     "expires_at) VALUES (?, ?, ?, ?)"));
            q.addBindValue(tokenHash(token));
            q.addBindValue(user->id);
            q.addBindValue(created);
            q.addBindValue(expires);
            if (!old.exec() || !q.exec()) {
                *e = (old.lastError().isValid() ? old : q).lastError().text();
                return false;
            }
            return true;
        },
        &err);
    if (!ok) {
        jsonError(res, 503, Database::failure(Tr::tr("starting the session"), err));
        return;
    }
    json(res, 200,
         QJsonDocument(QJsonObject{{QStringLiteral("token"), QString::fromStdString(token)},
                                   {QStringLiteral("createdAt"), created},
                                   {QStringLiteral("expiresAt"), expires}}));
}

void OpenRosaServer::Impl::endSession(const httplib::Request &req, httplib::Response &res)
{
    // Signing out, as in Central: DELETE /v1/sessions/{token}, by that session itself or an
    // admin. Any other token answers as an unknown one does.
    const auto user = apiUser(req, res);
    if (!user)
        return;
    const std::string token = req.matches[1].str();
    const std::string own = req.get_header_value("Authorization");
    if (!user->isAdmin() && own != "Bearer " + token) {
        jsonError(res, 404, Tr::tr("there is no such session"));
        return;
    }
    QString err;
    int status = 200;
    const bool ok = db().write(
        [&](QString *e) {
            QSqlQuery q(db().db());
            q.prepare(QStringLiteral("DELETE FROM sessions WHERE token_hash = ?"));
            q.addBindValue(tokenHash(token));
            if (!q.exec()) {
                status = 503;
                *e = q.lastError().text();
                return false;
            }
            if (q.numRowsAffected() == 0) {
                status = 404;
                *e = Tr::tr("there is no such session");
                return false;
            }
            return true;
        },
        &err);
    if (!ok) {
        jsonError(res, status, err);
        return;
    }
    json(res, 200, QJsonDocument(QJsonObject{{QStringLiteral("success"), true}}));
}

namespace {

QJsonObject submissionJson(const QSqlQuery &q)
{
    // Columns: instance_id, submitter_id, submitter name, review_state, created_at,
    // updated_at, current version's instance id.
    return QJsonObject{{QStringLiteral("instanceId"), q.value(0).toString()},
                       {QStringLiteral("submitterId"), q.value(1).toInt()},
                       {QStringLiteral("submitterName"), q.value(2).toString()},
                       {QStringLiteral("reviewState"), q.value(3).toString()},
                       {QStringLiteral("createdAt"), q.value(4).toString()},
                       {QStringLiteral("updatedAt"),
                        q.value(5).isNull() ? QJsonValue() : QJsonValue(q.value(5).toString())},
                       {QStringLiteral("currentVersion"),
                        QJsonObject{{QStringLiteral("instanceId"), q.value(6).toString()}}}};
}

const char *kSubmissionColumns =
    "s.instance_id, s.submitter_id, u.name, s.review_state, s.created_at, s.updated_at, "
    "v.instance_id, s.id, v.xml, f.xml_form_id, fv.version";
const char *kSubmissionFrom =
    " FROM submissions s JOIN forms f ON f.id = s.form_id JOIN users u ON u.id = "
    "s.submitter_id JOIN submission_versions v ON v.id = s.current_version_id JOIN "
    "form_versions fv ON fv.id = v.form_version_id";

} // namespace

void OpenRosaServer::Impl::listSubmissions(const httplib::Request &req, httplib::Response &res)
{
    const auto user = apiUser(req, res);
    if (!user)
        return;
    const int project = std::stoi(req.matches[1].str());
    if (!user->isAdmin() && user->projectId != project) {
        jsonError(res, 403, Tr::tr("%1 may not use project %2").arg(user->name).arg(project));
        return;
    }
    QString sql = QStringLiteral("SELECT %1%2 WHERE f.project_id = ? AND f.xml_form_id = ?")
                      .arg(QLatin1String(kSubmissionColumns), QLatin1String(kSubmissionFrom));
    QVariantList binds{project, urlPart(req, 2)};
    // Who may see what: an enumerator their own, a supervisor their enumerators'.
    if (user->isSupervisor()) {
        sql += QStringLiteral(" AND (u.supervisor_id = ? OR s.submitter_id = ?)");
        binds << user->id << user->id;
    } else if (!user->isAdmin()) {
        sql += QStringLiteral(" AND s.submitter_id = ?");
        binds << user->id;
    }
    if (req.has_param("reviewState")) {
        sql += QStringLiteral(" AND s.review_state = ?");
        binds << QString::fromStdString(req.get_param_value("reviewState"));
    }
    if (req.has_param("submitterId")) {
        sql += QStringLiteral(" AND s.submitter_id = ?");
        binds << std::atoi(req.get_param_value("submitterId").c_str());
    }
    if (req.has_param("start")) {
        sql += QStringLiteral(" AND s.created_at >= ?");
        binds << QString::fromStdString(req.get_param_value("start"));
    }
    if (req.has_param("end")) {
        sql += QStringLiteral(" AND s.created_at < ?");
        binds << QString::fromStdString(req.get_param_value("end"));
    }
    const int limit =
        req.has_param("limit") ? std::max(1, std::atoi(req.get_param_value("limit").c_str())) : 250;
    const int offset =
        req.has_param("offset") ? std::max(0, std::atoi(req.get_param_value("offset").c_str())) : 0;
    sql += QStringLiteral(" ORDER BY s.created_at DESC, s.id DESC LIMIT %1 OFFSET %2")
               .arg(std::min(limit, 1000))
               .arg(offset);
    QSqlQuery q(db().db());
    q.prepare(sql);
    for (const QVariant &b : binds)
        q.addBindValue(b);
    if (!q.exec()) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    QJsonArray out;
    while (q.next())
        out.append(submissionJson(q));
    json(res, 200, QJsonDocument(out));
}

std::optional<User> OpenRosaServer::Impl::openSubmission(const httplib::Request &req,
                                                         httplib::Response &res, QSqlQuery &q)
{
    // Who asks, then the submission named by the URL (project, form, instanceId),
    // positioned on its row, if they may see it; otherwise a 404 that does not tell others
    // it exists.
    const auto user = apiUser(req, res);
    if (!user)
        return std::nullopt;
    q.prepare(QStringLiteral("SELECT %1%2 WHERE f.project_id = ? AND f.xml_form_id = ? AND "
                             "s.instance_id = ?")
                  .arg(QLatin1String(kSubmissionColumns), QLatin1String(kSubmissionFrom)));
    q.addBindValue(std::stoi(req.matches[1].str()));
    q.addBindValue(urlPart(req, 2));
    q.addBindValue(urlPart(req, 3));
    if (!q.exec() || !q.next() || !maySee(*user, q.value(1).toInt(), false)) {
        jsonError(res, 404, Tr::tr("there is no such submission"));
        return std::nullopt;
    }
    return user;
}

std::optional<User> OpenRosaServer::Impl::reviewer(const httplib::Request &req,
                                                   httplib::Response &res, int *project)
{
    const auto user = apiUser(req, res);
    if (!user)
        return std::nullopt;
    *project = std::stoi(req.matches[1].str());
    if (!user->isAdmin() && (!user->isSupervisor() || user->projectId != *project)) {
        jsonError(res, 403, Tr::tr("only supervisors and admins review submissions"));
        return std::nullopt;
    }
    return user;
}

void OpenRosaServer::Impl::getSubmission(const httplib::Request &req, httplib::Response &res)
{
    QSqlQuery q(db().db());
    const auto user = openSubmission(req, res, q);
    if (!user)
        return;
    json(res, 200, QJsonDocument(submissionJson(q)));
}

void OpenRosaServer::Impl::getSubmissionXml(const httplib::Request &req, httplib::Response &res)
{
    QSqlQuery q(db().db());
    const auto user = openSubmission(req, res, q);
    if (!user)
        return;
    res.status = 200;
    res.set_content(q.value(8).toByteArray().toStdString(), "application/xml; charset=utf-8");
}

void OpenRosaServer::Impl::patchSubmission(const httplib::Request &req, httplib::Response &res)
{
    QSqlQuery q(db().db()); // who may review first, then what they sent
    const auto user = openSubmission(req, res, q);
    if (!user)
        return;
    if (!maySee(*user, q.value(1).toInt(), true)) {
        jsonError(
            res, 403,
            Tr::tr("only the enumerator's supervisor or an admin may review this submission"));
        return;
    }
    const int row = q.value(7).toInt();
    const QString currentVersion = q.value(6).toString();
    const QByteArray currentXml = q.value(8).toByteArray();
    q.finish(); // no read left open on this connection when the write begins (Database::write)
    const auto body = jsonBody(req, res);
    if (!body)
        return;
    const QString state = body->value(QStringLiteral("reviewState")).toString();
    static const QStringList states = {QStringLiteral("approved"), QStringLiteral("hasIssues"),
                                       QStringLiteral("rejected")};
    if (!states.contains(state)) {
        jsonError(res, 400, Tr::tr("reviewState must be approved, hasIssues or rejected"));
        return;
    }
    const QString comment = body->value(QStringLiteral("comment")).toString().trimmed();
    if (comment.size() > kMaxCommentLength) {
        jsonError(res, 400,
                  Tr::tr("a comment may be at most %1 characters").arg(kMaxCommentLength));
        return;
    }
    // Our extension for devices that review offline (PROTOCOL.md): a decision id the device
    // made (the same decision sent again is applied once), the version and review state the
    // reviewer saw (a decision on something that changed since is refused with 409), and
    // notes on single questions for the enumerator.
    const auto decision = reviewDecision(*body, state, res);
    if (!decision)
        return;
    // Each flag names a question of the version reviewed (when it is still the current one;
    // otherwise the decision is refused below as made on an old version).
    if (!decision->flags.empty() &&
        (decision->baseVersion.isEmpty() || decision->baseVersion == currentVersion)) {
        QStringList paths;
        for (const auto &flag : decision->flags)
            paths << flag.first;
        if (const QString missing = missingPath(currentXml, paths); !missing.isEmpty()) {
            jsonError(res, 400,
                      Tr::tr("the flag's path %1 names nothing in this submission").arg(missing));
            return;
        }
    }
    QString err;
    int status = 200;
    QJsonObject conflict;
    QVariant seenVersionRow; // what the reviewer saw, as checked in the write below
    QString seenState;
    const bool ok = db().write(
        [&](QString *e) {
            if (!decision->id.isEmpty()) {
                QSqlQuery d(db().db());
                d.prepare(QStringLiteral("SELECT submission_id, actor_id, review_state FROM "
                                         "review_decisions WHERE decision_id = ?"));
                d.addBindValue(decision->id);
                if (!d.exec()) {
                    status = 503;
                    *e = d.lastError().text();
                    return false;
                }
                if (d.next()) {
                    // The same decision sent again: already applied, the answer is the
                    // submission as it is. The same id for something else is refused.
                    if (d.value(0).toInt() == row && d.value(1).toInt() == user->id &&
                        d.value(2).toString() == state)
                        return true;
                    status = 409;
                    *e = Tr::tr("decision %1 was already used for another decision")
                             .arg(decision->id);
                    return false;
                }
            }
            if (!decision->baseVersion.isEmpty() || !decision->baseState.isEmpty()) {
                QSqlQuery c(db().db());
                c.prepare(QStringLiteral("SELECT v.instance_id, s.review_state, v.id FROM "
                                         "submissions s JOIN submission_versions v ON v.id = "
                                         "s.current_version_id WHERE s.id = ?"));
                c.addBindValue(row);
                if (!c.exec() || !c.next()) {
                    status = 503;
                    *e = c.lastError().text();
                    return false;
                }
                const QString version = c.value(0).toString();
                const QString current = c.value(1).toString();
                seenVersionRow = c.value(2);
                seenState = current;
                if ((!decision->baseVersion.isEmpty() && version != decision->baseVersion) ||
                    (!decision->baseState.isEmpty() && current != decision->baseState)) {
                    status = 409;
                    *e = version != decision->baseVersion
                             ? Tr::tr("the submission has a newer version (%1) than the one "
                                      "reviewed (%2)")
                                   .arg(version, decision->baseVersion)
                             : Tr::tr("someone else reviewed the submission meanwhile: it is "
                                      "now %1")
                                   .arg(current);
                    conflict = QJsonObject{{QStringLiteral("currentVersion"), version},
                                           {QStringLiteral("reviewState"), current}};
                    return false;
                }
            }
            if ((state == QLatin1String("hasIssues") || state == QLatin1String("rejected")) &&
                comment.isEmpty()) {
                // Sending back needs the reviewer's own words for the enumerator: in this
                // request, or a comment of theirs made since the current version arrived.
                QSqlQuery c(db().db());
                c.prepare(QStringLiteral("SELECT COUNT(*) FROM comments c JOIN submissions s ON "
                                         "s.id = c.submission_id JOIN submission_versions v ON "
                                         "v.id = s.current_version_id WHERE s.id = ? AND "
                                         "c.created_at >= v.created_at AND c.author_id = ?"));
                c.addBindValue(row);
                c.addBindValue(user->id);
                if (!c.exec() || !c.next()) {
                    status = 503;
                    *e = c.lastError().text();
                    return false;
                }
                if (c.value(0).toInt() == 0) {
                    status = 400;
                    *e = Tr::tr("sending a submission back needs a comment for the enumerator");
                    return false;
                }
            }
            if (!comment.isEmpty()) {
                QSqlQuery c(db().db());
                c.prepare(QStringLiteral("INSERT INTO comments (submission_id, author_id, body, "
                                         "created_at) VALUES (?, ?, ?, ?)"));
                c.addBindValue(row);
                c.addBindValue(user->id);
                c.addBindValue(comment);
                c.addBindValue(Database::now());
                if (!c.exec()) {
                    status = 503;
                    *e = c.lastError().text();
                    return false;
                }
            }
            if (!storeDecision(row, user->id, state, *decision, e)) {
                status = 503;
                return false;
            }
            // Checked above and changed here only if still so: a change committed between
            // the two (another server on the same database) makes this a 409 too.
            QSqlQuery u(db().db());
            u.prepare(QStringLiteral("UPDATE submissions SET review_state = ?, updated_at = ? "
                                     "WHERE id = ?%1")
                          .arg(seenVersionRow.isValid()
                                   ? QStringLiteral(" AND current_version_id = ? AND "
                                                    "review_state = ?")
                                   : QString()));
            u.addBindValue(state);
            u.addBindValue(Database::now());
            u.addBindValue(row);
            if (seenVersionRow.isValid()) {
                u.addBindValue(seenVersionRow);
                u.addBindValue(seenState);
            }
            QSqlQuery a(db().db());
            a.prepare(QStringLiteral(
                "INSERT INTO audit_log (at, actor, action, details) VALUES (?, ?, ?, ?)"));
            a.addBindValue(Database::now());
            a.addBindValue(user->name);
            a.addBindValue(QStringLiteral("submission.review"));
            a.addBindValue(QStringLiteral("%1 %2").arg(urlPart(req, 3), state));
            if (!u.exec() || !a.exec()) {
                status = 503;
                *e = u.lastError().text() + a.lastError().text();
                return false;
            }
            if (u.numRowsAffected() != 1) {
                status = 409;
                *e = Tr::tr("the submission changed while the review was being stored");
                return false;
            }
            return true;
        },
        &err);
    if (!ok) {
        jsonError(res, status, err);
        if (!conflict.isEmpty()) {
            QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(res.body)).object();
            o.insert(QStringLiteral("details"), conflict);
            json(res, status, QJsonDocument(o));
        }
        return;
    }
    getSubmission(req, res);
}

void OpenRosaServer::Impl::listComments(const httplib::Request &req, httplib::Response &res)
{
    QSqlQuery q(db().db());
    const auto user = openSubmission(req, res, q);
    if (!user)
        return;
    QSqlQuery c(db().db());
    c.prepare(QStringLiteral("SELECT c.body, c.author_id, u.name, c.created_at FROM comments c "
                             "JOIN users u ON u.id = c.author_id WHERE c.submission_id = ? ORDER "
                             "BY c.created_at, c.id"));
    c.addBindValue(q.value(7));
    QJsonArray out;
    if (c.exec()) {
        while (c.next())
            out.append(QJsonObject{{QStringLiteral("body"), c.value(0).toString()},
                                   {QStringLiteral("actorId"), c.value(1).toInt()},
                                   {QStringLiteral("author"), c.value(2).toString()},
                                   {QStringLiteral("createdAt"), c.value(3).toString()}});
    }
    json(res, 200, QJsonDocument(out));
}

void OpenRosaServer::Impl::addComment(const httplib::Request &req, httplib::Response &res)
{
    QSqlQuery q(db().db()); // who may see the submission first, then what they sent
    const auto user = openSubmission(req, res, q);
    if (!user)
        return;
    const QVariant row = q.value(7);
    q.finish(); // no read left open on this connection when the write begins (Database::write)
    const auto body = jsonBody(req, res);
    if (!body)
        return;
    const QString text = body->value(QStringLiteral("body")).toString().trimmed();
    if (text.isEmpty()) {
        jsonError(res, 400, Tr::tr("a comment needs a body"));
        return;
    }
    if (text.size() > kMaxCommentLength) {
        jsonError(res, 400,
                  Tr::tr("a comment may be at most %1 characters").arg(kMaxCommentLength));
        return;
    }
    QString err;
    const bool ok = db().write(
        [&](QString *e) {
            QSqlQuery c(db().db());
            c.prepare(QStringLiteral("INSERT INTO comments (submission_id, author_id, body, "
                                     "created_at) VALUES (?, ?, ?, ?)"));
            c.addBindValue(row);
            c.addBindValue(user->id);
            c.addBindValue(text);
            c.addBindValue(Database::now());
            QSqlQuery bump(db().db());
            bump.prepare(QLatin1String(Database::bumpChangeSql()));
            bump.addBindValue(row);
            if (!c.exec() || !bump.exec()) {
                *e = c.lastError().text() + bump.lastError().text();
                return false;
            }
            return true;
        },
        &err);
    if (!ok) {
        jsonError(res, 503, Database::failure(Tr::tr("storing the comment"), err));
        return;
    }
    json(res, 200,
         QJsonDocument(
             QJsonObject{{QStringLiteral("body"), text}, {QStringLiteral("actorId"), user->id}}));
}

void OpenRosaServer::Impl::returned(const httplib::Request &req, httplib::Response &res)
{
    const auto user = apiUser(req, res);
    if (!user)
        return;
    const int project = std::stoi(req.matches[1].str());
    // Every sync ends here: the supervisor's team page says when each device last synced.
    QString ignored;
    db().write(
        [&](QString *e) {
            QSqlQuery u(db().db());
            u.prepare(QStringLiteral("UPDATE users SET last_sync_at = ? WHERE id = ?"));
            u.addBindValue(Database::now());
            u.addBindValue(user->id);
            if (!u.exec()) {
                *e = u.lastError().text();
                return false;
            }
            return true;
        },
        &ignored);
    QSqlQuery q(db().db());
    q.prepare(QStringLiteral("SELECT %1%2 WHERE f.project_id = ? AND s.submitter_id = ? AND "
                             "s.review_state IN ('hasIssues', 'rejected') ORDER BY s.updated_at")
                  .arg(QLatin1String(kSubmissionColumns), QLatin1String(kSubmissionFrom)));
    q.addBindValue(project);
    q.addBindValue(user->id);
    if (!q.exec()) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    QJsonArray out;
    while (q.next()) {
        QJsonObject o = submissionJson(q);
        o.insert(QStringLiteral("formId"), q.value(9).toString());
        o.insert(QStringLiteral("formVersion"), q.value(10).toString());
        o.insert(QStringLiteral("xml"), QString::fromUtf8(q.value(8).toByteArray()));
        QSqlQuery c(db().db());
        c.prepare(QStringLiteral("SELECT u.name, c.created_at, c.body FROM comments c JOIN users "
                                 "u ON u.id = c.author_id WHERE c.submission_id = ? ORDER BY "
                                 "c.created_at, c.id"));
        c.addBindValue(q.value(7));
        QJsonArray comments;
        if (c.exec()) {
            while (c.next())
                comments.append(QJsonObject{{QStringLiteral("author"), c.value(0).toString()},
                                            {QStringLiteral("createdAt"), c.value(1).toString()},
                                            {QStringLiteral("body"), c.value(2).toString()}});
        }
        o.insert(QStringLiteral("comments"), comments);
        o.insert(QStringLiteral("flags"), flagsJson(q.value(7).toInt(), true));
        out.append(o);
    }
    json(res, 200, QJsonDocument(out));
}

void OpenRosaServer::Impl::listVersions(const httplib::Request &req, httplib::Response &res)
{
    QSqlQuery q(db().db());
    const auto user = openSubmission(req, res, q);
    if (!user)
        return;
    QSqlQuery v(db().db());
    v.prepare(QStringLiteral("SELECT v.instance_id, v.deprecated_id, v.created_at, v.submitter_id, "
                             "v.id = s.current_version_id FROM submission_versions v JOIN "
                             "submissions s ON s.id = v.submission_id WHERE s.id = ? ORDER BY "
                             "v.created_at DESC, v.id DESC"));
    v.addBindValue(q.value(7));
    QJsonArray out;
    if (v.exec()) {
        while (v.next())
            out.append(QJsonObject{
                {QStringLiteral("instanceId"), v.value(0).toString()},
                {QStringLiteral("deprecatedId"),
                 v.value(1).isNull() ? QJsonValue() : QJsonValue(v.value(1).toString())},
                {QStringLiteral("createdAt"), v.value(2).toString()},
                {QStringLiteral("submitterId"), v.value(3).toInt()},
                {QStringLiteral("current"), v.value(4).toInt() != 0}});
    }
    json(res, 200, QJsonDocument(out));
}

void OpenRosaServer::Impl::listAttachments(const httplib::Request &req, httplib::Response &res)
{
    QSqlQuery q(db().db());
    const auto user = openSubmission(req, res, q);
    if (!user)
        return;
    QSqlQuery a(db().db());
    a.prepare(QStringLiteral("SELECT a.name FROM submission_attachments a JOIN submissions s ON "
                             "a.version_id = s.current_version_id WHERE s.id = ? ORDER BY a.name"));
    a.addBindValue(q.value(7));
    QJsonArray out;
    if (a.exec()) {
        while (a.next())
            out.append(QJsonObject{{QStringLiteral("name"), a.value(0).toString()},
                                   {QStringLiteral("exists"), true}});
    }
    json(res, 200, QJsonDocument(out));
}

void OpenRosaServer::Impl::listAudits(const httplib::Request &req, httplib::Response &res)
{
    const auto user = apiUser(req, res);
    if (!user)
        return;
    if (!user->isAdmin()) {
        jsonError(res, 403, Tr::tr("only admins may read the audit log"));
        return;
    }
    QSqlQuery q(db().db());
    q.prepare(QStringLiteral(
        "SELECT at, actor, action, details FROM audit_log ORDER BY id DESC LIMIT 1000"));
    QJsonArray out;
    if (q.exec()) {
        while (q.next())
            out.append(QJsonObject{{QStringLiteral("loggedAt"), q.value(0).toString()},
                                   {QStringLiteral("actor"), q.value(1).toString()},
                                   {QStringLiteral("action"), q.value(2).toString()},
                                   {QStringLiteral("details"), q.value(3).toString()}});
    }
    json(res, 200, QJsonDocument(out));
}

void OpenRosaServer::Impl::setAssignment(const httplib::Request &req, httplib::Response &res)
{
    const auto user = apiUser(req, res);
    if (!user)
        return;
    const int project = std::stoi(req.matches[1].str());
    QSqlQuery q(db().db());
    q.prepare(QStringLiteral("SELECT f.id, u.id, u.role FROM forms f, users u WHERE f.project_id = "
                             "? AND f.xml_form_id = ? AND u.name = ?"));
    q.addBindValue(project);
    q.addBindValue(urlPart(req, 2));
    q.addBindValue(urlPart(req, 3));
    if (!q.exec() || !q.next() || q.value(2).toString() != QLatin1String("enumerator")) {
        jsonError(res, 404,
                  Tr::tr("there is no such form or enumerator in project %1").arg(project));
        return;
    }
    if (!maySee(*user, q.value(1).toInt(), true)) {
        jsonError(res, 403,
                  Tr::tr("only the enumerator's supervisor or an admin may set their assignment"));
        return;
    }
    const QVariant formRow = q.value(0);
    const QVariant enumeratorRow = q.value(1);
    q.finish(); // no read left open on this connection when the write begins (Database::write)
    const auto body = jsonBody(req, res);
    if (!body)
        return;
    const QJsonValue target = body->value(QStringLiteral("target"));
    if (!target.isDouble() || target.toDouble() < 0 ||
        target.toDouble() != std::floor(target.toDouble())) {
        jsonError(res, 400, Tr::tr("target must be a whole number, 0 or more"));
        return;
    }
    QString err;
    const bool ok = db().write(
        [&](QString *e) {
            // One statement that inserts or updates: two servers setting it at once do not
            // collide.
            QSqlQuery ins(db().db());
            ins.prepare(QStringLiteral("INSERT INTO assignments (form_id, enumerator_id, target, "
                                       "updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (form_id, "
                                       "enumerator_id) DO UPDATE SET target = excluded.target, "
                                       "updated_at = excluded.updated_at"));
            ins.addBindValue(formRow);
            ins.addBindValue(enumeratorRow);
            ins.addBindValue(target.toInt());
            ins.addBindValue(Database::now());
            QSqlQuery a(db().db());
            a.prepare(QStringLiteral(
                "INSERT INTO audit_log (at, actor, action, details) VALUES (?, ?, ?, ?)"));
            a.addBindValue(Database::now());
            a.addBindValue(user->name);
            a.addBindValue(QStringLiteral("assignment.set"));
            a.addBindValue(QStringLiteral("%1 %2 %3")
                               .arg(urlPart(req, 2), urlPart(req, 3))
                               .arg(target.toInt()));
            if (!ins.exec() || !a.exec()) {
                *e = ins.lastError().text() + a.lastError().text();
                return false;
            }
            return true;
        },
        &err);
    if (!ok) {
        jsonError(res, 503, Database::failure(Tr::tr("storing the assignment"), err));
        return;
    }
    json(res, 200,
         QJsonDocument(QJsonObject{{QStringLiteral("enumerator"), urlPart(req, 3)},
                                   {QStringLiteral("target"), target.toInt()}}));
}

void OpenRosaServer::Impl::listAssignments(const httplib::Request &req, httplib::Response &res)
{
    const auto user = apiUser(req, res);
    if (!user)
        return;
    const int project = std::stoi(req.matches[1].str());
    if (!user->isAdmin() && user->projectId != project) {
        jsonError(res, 403, Tr::tr("%1 may not use project %2").arg(user->name).arg(project));
        return;
    }
    // Progress: the enumerator's submissions of the form (each counted once, edits included).
    QString sql = QStringLiteral(
        "SELECT u.name, a.target, (SELECT COUNT(*) FROM submissions s WHERE s.form_id = "
        "a.form_id AND s.submitter_id = a.enumerator_id) FROM assignments a JOIN forms f ON f.id "
        "= a.form_id JOIN users u ON u.id = a.enumerator_id WHERE f.project_id = ? AND "
        "f.xml_form_id = ?");
    if (user->isSupervisor())
        sql += QStringLiteral(" AND u.supervisor_id = ?");
    else if (!user->isAdmin())
        sql += QStringLiteral(" AND u.id = ?");
    sql += QStringLiteral(" ORDER BY u.name");
    QSqlQuery q(db().db());
    q.prepare(sql);
    q.addBindValue(project);
    q.addBindValue(urlPart(req, 2));
    if (!user->isAdmin())
        q.addBindValue(user->id);
    if (!q.exec()) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    QJsonArray out;
    while (q.next())
        out.append(QJsonObject{{QStringLiteral("enumerator"), q.value(0).toString()},
                               {QStringLiteral("target"), q.value(1).toInt()},
                               {QStringLiteral("submitted"), q.value(2).toInt()}});
    json(res, 200, QJsonDocument(out));
}

void OpenRosaServer::Impl::adminUsers(const httplib::Request &req, httplib::Response &res)
{
    const auto user = apiUser(req, res);
    if (!user)
        return;
    if (!user->isAdmin()) {
        jsonError(res, 403, Tr::tr("only admins may manage users"));
        return;
    }
    Admin admin(db(), user->name);
    QString err;
    if (req.method == "GET") {
        const auto users = admin.listUsers(&err);
        if (!users) {
            jsonError(res, 503, err);
            return;
        }
        QJsonArray out;
        for (const Admin::UserRow &u : *users)
            out.append(
                QJsonObject{{QStringLiteral("displayName"), u.name},
                            {QStringLiteral("role"), u.role},
                            {QStringLiteral("projectId"), u.projectId},
                            {QStringLiteral("supervisor"),
                             u.supervisor.isEmpty() ? QJsonValue() : QJsonValue(u.supervisor)},
                            {QStringLiteral("disabled"), u.disabled}});
        json(res, 200, QJsonDocument(out));
        return;
    }
    const auto body = jsonBody(req, res);
    if (!body)
        return;
    const QString name = body->value(QStringLiteral("displayName")).toString();
    if (!admin.addUser(name, body->value(QStringLiteral("role")).toString(),
                       body->value(QStringLiteral("supervisor")).toString(),
                       body->value(QStringLiteral("projectId")).toInt(1),
                       body->value(QStringLiteral("password")).toString(), &err)) {
        jsonError(res, 400, err);
        return;
    }
    json(res, 200, QJsonDocument(QJsonObject{{QStringLiteral("displayName"), name}}));
}

void OpenRosaServer::Impl::currentUser(const httplib::Request &req, httplib::Response &res)
{
    // Who signed in, in Central's shape (id, type, displayName), with what a device needs
    // to know of its user's place (our extension): the role, the project and the team (an
    // enumerator's supervisor; a supervisor leads their own).
    const auto user = apiUser(req, res);
    if (!user)
        return;
    Admin admin(db(), user->name);
    QString err;
    const auto users = admin.listUsers(&err);
    if (!users) {
        jsonError(res, 503, err);
        return;
    }
    QString team;
    for (const Admin::UserRow &u : *users) {
        if (u.name == user->name)
            team = user->isSupervisor() ? u.name : u.supervisor;
    }
    json(res, 200,
         QJsonDocument(QJsonObject{
             {QStringLiteral("id"), user->id},
             {QStringLiteral("type"), QStringLiteral("user")},
             {QStringLiteral("displayName"), user->name},
             {QStringLiteral("role"), user->role},
             {QStringLiteral("projectId"), user->projectId},
             {QStringLiteral("team"), team.isEmpty() ? QJsonValue() : QJsonValue(team)}}));
}

void OpenRosaServer::Impl::disableUser(const httplib::Request &req, httplib::Response &res)
{
    const auto user = apiUser(req, res);
    if (!user)
        return;
    if (!user->isAdmin()) {
        jsonError(res, 403, Tr::tr("only admins may manage users"));
        return;
    }
    Admin admin(db(), user->name);
    QString err;
    const QString name = urlPart(req, 1);
    int status = 404;
    if (!admin.disableUser(name, &err, &status)) {
        jsonError(res, status, err);
        return;
    }
    json(res, 200, QJsonDocument(QJsonObject{{QStringLiteral("success"), true}}));
}

void OpenRosaServer::Impl::answers(const httplib::Request &req, httplib::Response &res)
{
    QSqlQuery q(db().db());
    const auto user = openSubmission(req, res, q);
    if (!user)
        return;
    // The form version the submission was made with: labels are that version's.
    QSqlQuery fv(db().db());
    fv.prepare(QStringLiteral("SELECT fv.id FROM submission_versions v JOIN form_versions "
                              "fv ON fv.id = v.form_version_id JOIN submissions s ON "
                              "s.current_version_id = v.id WHERE s.id = ?"));
    fv.addBindValue(q.value(7));
    if (!fv.exec() || !fv.next()) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    QString why;
    const int versionRow = fv.value(0).toInt();
    fv.finish();
    const auto def = definition(versionRow, &why);
    if (!def) {
        jsonError(res, 500, Tr::tr("the published form cannot be loaded: %1").arg(why));
        return;
    }
    form::FormSession session(def);
    if (!session.loadInstance(q.value(8).toByteArray(), &why)) {
        jsonError(res, 500, why);
        return;
    }
    const QString lang = QString::fromStdString(req.get_param_value("lang"));
    if (!lang.isEmpty() && !session.setLanguage(lang)) {
        jsonError(res, 400,
                  Tr::tr("the form has no language '%1' (it has: %2)")
                      .arg(lang, def->languages().join(QStringLiteral(", "))));
        return;
    }
    // Every answered question in form order, with its label and, for choices, their labels.
    QJsonArray out;
    std::function<void(const form::XmlNode *)> walk = [&](const form::XmlNode *n) {
        if (n->schemaIndex >= 0 && !n->stringValue().isEmpty() && session.isRelevant(n)) {
            const int control = def->schema[static_cast<std::size_t>(n->schemaIndex)].control;
            bool leaf = true;
            for (const auto &c : n->children())
                leaf = leaf && !c->isElement();
            if (leaf) {
                QJsonObject o{{QStringLiteral("ref"), session.pathOf(n)},
                              {QStringLiteral("value"), n->stringValue()}};
                if (control >= 0) {
                    o.insert(QStringLiteral("label"),
                             session.label(control, const_cast<form::XmlNode *>(n)));
                    if (isSelect(def->controls[static_cast<std::size_t>(control)]))
                        o.insert(QStringLiteral("valueLabel"), choiceLabels(session, control, n));
                }
                out.append(o);
            }
        }
        for (const auto &c : n->children()) {
            if (c->isElement())
                walk(c.get());
        }
    };
    walk(session.root());
    json(res, 200, QJsonDocument(out));
}

void OpenRosaServer::Impl::registerJsonRoutes()
{
    const std::string project = R"(/v1/projects/(\d{1,9}))";
    const std::string submission = project + R"(/forms/([^/]+)/submissions/([^/]+?))";
    server->Delete(
        R"(/v1/sessions/([0-9a-fA-F]{1,128}))",
        [this](const httplib::Request &req, httplib::Response &res) { endSession(req, res); });
    server->Post("/v1/sessions", [this](const httplib::Request &req, httplib::Response &res) {
        createSession(req, res);
    });
    server->Get(
        project + R"(/forms/([^/]+)/submissions\.csv\.zip)",
        [this](const httplib::Request &req, httplib::Response &res) { exportCsv(req, res); });
    server->Get(
        project + R"(/forms/([^/]+)/submissions)",
        [this](const httplib::Request &req, httplib::Response &res) { listSubmissions(req, res); });
    server->Get(submission + R"(\.xml)",
                [this](const httplib::Request &req, httplib::Response &res) {
                    getSubmissionXml(req, res);
                });
    server->Get(
        submission + "/versions",
        [this](const httplib::Request &req, httplib::Response &res) { listVersions(req, res); });
    server->Get(
        submission + "/attachments",
        [this](const httplib::Request &req, httplib::Response &res) { listAttachments(req, res); });
    server->Get(
        project + R"(/forms/([^/]+)/assignments)",
        [this](const httplib::Request &req, httplib::Response &res) { listAssignments(req, res); });
    server->Put(
        project + R"(/forms/([^/]+)/assignments/([^/]+))",
        [this](const httplib::Request &req, httplib::Response &res) { setAssignment(req, res); });
    server->Get("/v1/users", [this](const httplib::Request &req, httplib::Response &res) {
        adminUsers(req, res);
    });
    server->Get("/v1/users/current", [this](const httplib::Request &req, httplib::Response &res) {
        currentUser(req, res);
    });
    server->Post("/v1/users", [this](const httplib::Request &req, httplib::Response &res) {
        adminUsers(req, res);
    });
    server->Delete(
        R"(/v1/users/([^/]+))",
        [this](const httplib::Request &req, httplib::Response &res) { disableUser(req, res); });
    server->Get(submission + "/answers",
                [this](const httplib::Request &req, httplib::Response &res) { answers(req, res); });
    server->Get(
        project + R"(/forms/([^/]+)/submissions\.json)",
        [this](const httplib::Request &req, httplib::Response &res) { exportJson(req, res); });
    server->Get(
        project + R"(/forms/([^/]+)/analysis)",
        [this](const httplib::Request &req, httplib::Response &res) { analysis(req, res); });
    server->Get("/v1/audits", [this](const httplib::Request &req, httplib::Response &res) {
        listAudits(req, res);
    });
    server->Get(
        submission + "/comments",
        [this](const httplib::Request &req, httplib::Response &res) { listComments(req, res); });
    server->Post(
        submission + "/comments",
        [this](const httplib::Request &req, httplib::Response &res) { addComment(req, res); });
    server->Get(submission, [this](const httplib::Request &req, httplib::Response &res) {
        getSubmission(req, res);
    });
    server->Patch(submission, [this](const httplib::Request &req, httplib::Response &res) {
        patchSubmission(req, res);
    });
    server->Get(project + "/returned", [this](const httplib::Request &req, httplib::Response &res) {
        returned(req, res);
    });
    registerReviewRoutes();
}

} // namespace survey::server
