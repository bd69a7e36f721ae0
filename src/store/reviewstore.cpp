// SPDX-License-Identifier: GPL-3.0-or-later
#include "reviewstore.h"
#include "storeutil.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace survey::store {

using namespace util;

namespace {

const char *kCursorKey = "review/cursor";
const char *kServerKey = "review/server";
const char *kTeamKey = "review/team";

/// Columns read by submissionFrom(), in order (s: review_submissions; d: its latest
/// decision, left-joined).
const char *kSubmissionSelect =
    "SELECT s.id, s.instance_id, s.form_id, s.form_version, s.submitter, s.review_state, "
    "s.instance_name, s.device_id, s.current_version, s.seen_version, s.created_at, "
    "s.updated_at, s.change_seq, (SELECT COUNT(*) FROM review_versions v WHERE "
    "v.submission_row = s.id), NOT EXISTS (SELECT 1 FROM review_attachments a JOIN "
    "review_versions v ON v.id = a.version_row WHERE v.submission_row = s.id AND a.file IS "
    "NULL), d.status, d.state FROM review_submissions s LEFT JOIN review_decisions d ON d.id = "
    "(SELECT MAX(id) FROM review_decisions WHERE submission_row = s.id)";

/// The state a reviewer sees: their own decision until the server has confirmed it, or
/// the server's state. A decision in conflict shows the server's.
const char *kShownState = "(CASE WHEN d.status IN ('queued', 'sending') THEN d.state ELSE "
                          "s.review_state END)";

const char *kDecisionColumns =
    "SELECT d.id, d.decision_id, s.instance_id, s.form_id, d.state, d.comment, d.flags, "
    "d.base_version, d.base_state, d.status, d.attempts, d.last_error, d.created_at, "
    "d.sent_at, d.server_version, d.server_state FROM review_decisions d JOIN "
    "review_submissions s ON s.id = d.submission_row";

std::optional<DecisionStatus> statusFromName(const QString &name)
{
    if (name == QLatin1String("queued"))
        return DecisionStatus::Queued;
    if (name == QLatin1String("sending"))
        return DecisionStatus::Sending;
    if (name == QLatin1String("sent"))
        return DecisionStatus::Sent;
    if (name == QLatin1String("conflict"))
        return DecisionStatus::Conflict;
    return std::nullopt;
}

QVariant timeText(const QDateTime &t)
{
    return t.isValid() ? QVariant(t.toUTC().toString(Qt::ISODateWithMs)) : QVariant();
}

} // namespace

QString decisionStatusName(DecisionStatus status)
{
    switch (status) {
    case DecisionStatus::Queued:
        return QStringLiteral("queued");
    case DecisionStatus::Sending:
        return QStringLiteral("sending");
    case DecisionStatus::Sent:
        return QStringLiteral("sent");
    case DecisionStatus::Conflict:
        return QStringLiteral("conflict");
    }
    return QString();
}

QString ReviewSubmission::shownState() const
{
    if (decisionStatus == DecisionStatus::Queued || decisionStatus == DecisionStatus::Sending)
        return decisionState;
    return reviewState;
}

qint64 ReviewStore::cursor(const QString &server)
{
    if (m_store.setting(QLatin1String(kServerKey)) != server)
        return 0;
    return m_store.setting(QLatin1String(kCursorKey)).toLongLong();
}

bool ReviewStore::storePulled(const QString &server, const std::vector<PulledSubmission> &page,
                              qint64 cursor, StoreError *error, QStringList *notes)
{
    QSqlDatabase &db = m_store.m_db;
    const auto report = [this](const QSqlError &err) {
        return m_store.fromSql(tr("storing pulled submissions"), err);
    };
    const QString previous = m_store.setting(QLatin1String(kServerKey));
    const bool another = !previous.isEmpty() && previous != server;
    QStringList skipped;
    const bool ok = m_store.write(
        [&](StoreError *e) {
            if (another && !forgetAll(previous, e))
                return false;
            for (const PulledSubmission &p : page) {
                const ReviewSubmission &h = p.head;
                // Two forms' submissions under one instanceID (the server keeps them apart
                // by form) are never merged here: the one kept first stays.
                QSqlQuery other(db);
                other.prepare(QStringLiteral(
                    "SELECT 1 FROM review_submissions WHERE instance_id = ? AND form_id <> ?"));
                other.addBindValue(h.instanceId);
                other.addBindValue(h.formId);
                if (!other.exec()) {
                    *e = report(other.lastError());
                    return false;
                }
                if (other.next()) {
                    skipped << h.instanceId;
                    continue;
                }
                other.finish();
                if (!run(db,
                         "INSERT INTO review_submissions (instance_id, form_id, form_version, "
                         "submitter, review_state, instance_name, device_id, current_version, "
                         "created_at, updated_at, change_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                         "?, ?) ON CONFLICT (instance_id) DO UPDATE SET form_version = "
                         "excluded.form_version, submitter = excluded.submitter, review_state = "
                         "excluded.review_state, instance_name = excluded.instance_name, "
                         "device_id = excluded.device_id, current_version = "
                         "excluded.current_version, updated_at = excluded.updated_at, "
                         "change_seq = excluded.change_seq",
                         {h.instanceId, h.formId, h.formVersion, text(h.submitter), h.reviewState,
                          text(h.instanceName), text(h.deviceId), h.currentVersion,
                          timeText(h.createdAt), timeText(h.updatedAt), h.changeSeq},
                         e, report))
                    return false;
                QSqlQuery row(db);
                row.prepare(
                    QStringLiteral("SELECT id FROM review_submissions WHERE instance_id = ?"));
                row.addBindValue(h.instanceId);
                if (!row.exec() || !row.next()) {
                    *e = report(row.lastError());
                    return false;
                }
                const qint64 sub = row.value(0).toLongLong();
                row.finish();
                for (const ReviewVersion &v : p.versions) {
                    // A version's XML never changes: stored once; only which is current moves.
                    if (!run(db,
                             "INSERT INTO review_versions (submission_row, instance_id, "
                             "deprecated_id, form_version, device_id, submitter, created_at, "
                             "current, xml) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
                             "(submission_row, instance_id) DO UPDATE SET current = "
                             "excluded.current",
                             {sub, v.instanceId,
                              v.deprecatedId.isEmpty() ? QVariant() : QVariant(v.deprecatedId),
                              v.formVersion, text(v.deviceId), text(v.submitter),
                              timeText(v.createdAt), v.current ? 1 : 0, v.xml},
                             e, report))
                        return false;
                    for (const ReviewAttachment &a : v.attachments) {
                        if (!validFileName(a.name))
                            continue; // never a path made of what a server sent
                        if (!run(db,
                                 "INSERT INTO review_attachments (version_row, name, hash, "
                                 "size) SELECT id, ?, ?, ? FROM review_versions WHERE "
                                 "submission_row = ? AND instance_id = ? ON CONFLICT "
                                 "(version_row, name) DO UPDATE SET file = CASE WHEN hash = "
                                 "excluded.hash THEN file END, hash = excluded.hash, size = "
                                 "excluded.size",
                                 {a.name, a.hash, a.size, sub, v.instanceId}, e, report))
                            return false;
                    }
                }
                if (!run(db, "DELETE FROM review_comments WHERE submission_row = ?", {sub}, e,
                         report) ||
                    !run(db, "DELETE FROM review_flags WHERE submission_row = ?", {sub}, e, report))
                    return false;
                for (const Comment &c : p.comments) {
                    if (!run(db,
                             "INSERT INTO review_comments (submission_row, author, created_at, "
                             "body) VALUES (?, ?, ?, ?)",
                             {sub, text(c.author), text(c.at), text(c.body)}, e, report))
                        return false;
                }
                for (const ReviewFlag &f : p.flags) {
                    if (!run(db,
                             "INSERT INTO review_flags (submission_row, version, path, note, "
                             "author, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                             {sub, text(f.version), text(f.path), text(f.note), text(f.author),
                              text(f.at)},
                             e, report))
                        return false;
                }
            }
            return run(db, "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                       {QLatin1String(kServerKey), text(server)}, e, report) &&
                   run(db, "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                       {QLatin1String(kCursorKey), QString::number(cursor)}, e, report);
        },
        error);
    if (ok && another) // the files of the copies forgotten (their rows are gone)
        QDir(QDir(m_store.dataDir()).filePath(QStringLiteral("review"))).removeRecursively();
    if (ok && notes && !skipped.isEmpty())
        *notes << tr("Submissions of two forms share the instanceID %1: only the first one "
                     "pulled is kept here. Review the other on the server.")
                      .arg(skipped.join(QStringLiteral(", ")));
    return ok;
}

bool ReviewStore::forgetAll(const QString &previous, StoreError *e)
{
    // Another account's review copies are not this one's to see. Its decisions not sent yet
    // are refused rather than sent in the new account's name, or lost.
    QSqlQuery q(m_store.m_db);
    q.prepare(QStringLiteral(
        "SELECT COUNT(*) FROM review_decisions WHERE status IN ('queued', 'sending')"));
    if (!m_store.firstRow(q, tr("reading the decisions"), QString(), e))
        return false;
    if (q.value(0).toInt() > 0)
        return fail(e, StoreError::Kind::NotAllowed,
                    tr("%n decision(s) made on this device as %1 are not sent yet: sign in as "
                       "that account and send them first.",
                       nullptr, q.value(0).toInt())
                        .arg(previous.section(QLatin1Char('@'), 0, 0)));
    q.finish();
    const auto report = [this](const QSqlError &err) {
        return m_store.fromSql(tr("forgetting another account's review copies"), err);
    };
    for (const char *sql : {"DELETE FROM review_decisions", "DELETE FROM review_flags",
                            "DELETE FROM review_comments", "DELETE FROM review_attachments",
                            "DELETE FROM review_versions", "DELETE FROM review_submissions",
                            "DELETE FROM settings WHERE key IN ('review/cursor', 'review/team')"}) {
        if (!run(m_store.m_db, sql, {}, e, report))
            return false;
    }
    return true;
}

std::vector<MissingAttachment> ReviewStore::missingAttachments(StoreError *error)
{
    QSqlQuery q(m_store.m_db);
    q.prepare(QStringLiteral(
        "SELECT a.version_row, s.instance_id, s.form_id, v.instance_id, a.name, a.hash, a.size "
        "FROM review_attachments a JOIN review_versions v ON v.id = a.version_row JOIN "
        "review_submissions s ON s.id = v.submission_row WHERE a.file IS NULL ORDER BY "
        "s.change_seq, v.id, a.name"));
    std::vector<MissingAttachment> out;
    if (!m_store.exec(q, tr("reading the attachments to download"), error))
        return out;
    while (q.next())
        out.push_back({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                       q.value(3).toString(), q.value(4).toString(), q.value(5).toString(),
                       q.value(6).toLongLong()});
    return out;
}

QStringList ReviewStore::formIds(StoreError *error)
{
    QSqlQuery q(m_store.m_db);
    q.prepare(QStringLiteral("SELECT DISTINCT form_id FROM review_submissions ORDER BY 1"));
    QStringList out;
    if (!m_store.exec(q, tr("reading the submissions to review"), error))
        return out;
    while (q.next())
        out << q.value(0).toString();
    return out;
}

std::vector<std::pair<QString, QString>> ReviewStore::missingFormVersions(StoreError *error)
{
    QSqlQuery q(m_store.m_db);
    q.prepare(QStringLiteral(
        "SELECT DISTINCT s.form_id, v.form_version FROM review_versions v JOIN "
        "review_submissions s ON s.id = v.submission_row WHERE NOT EXISTS (SELECT 1 FROM forms "
        "f WHERE f.form_id = s.form_id AND f.version = v.form_version) ORDER BY 1, 2"));
    std::vector<std::pair<QString, QString>> out;
    if (!m_store.exec(q, tr("reading the forms submissions need"), error))
        return out;
    while (q.next())
        out.emplace_back(q.value(0).toString(), q.value(1).toString());
    return out;
}

QString ReviewStore::attachmentDir(qint64 versionRow) const
{
    return QDir(m_store.dataDir()).filePath(QStringLiteral("review/%1").arg(versionRow));
}

bool ReviewStore::putAttachment(qint64 versionRow, const QString &name, const QByteArray &content,
                                StoreError *error)
{
    if (!validFileName(name))
        return fail(error, StoreError::Kind::Invalid,
                    tr("The file name '%1' is not a plain file name.").arg(name));
    QSqlQuery q(m_store.m_db);
    q.prepare(
        QStringLiteral("SELECT hash FROM review_attachments WHERE version_row = ? AND name = ?"));
    q.addBindValue(versionRow);
    q.addBindValue(name);
    if (!m_store.firstRow(q, tr("reading an attachment"),
                          tr("The attachment %1 is not listed for this submission.").arg(name),
                          error))
        return false;
    const QString expected = q.value(0).toString();
    q.finish();
    if (expected != md5Hash(content)) // listed without a checksum: not taken either
        return fail(error, StoreError::Kind::Invalid,
                    tr("The attachment %1 arrived damaged (its checksum is wrong); it will be "
                       "downloaded again.")
                        .arg(name));
    const QString path = QDir(attachmentDir(versionRow)).filePath(name);
    QString why;
    if (!saveFile(path, content, &why)) {
        if (error)
            *error = fileError(path, content.size(), why);
        return false;
    }
    return m_store.write(
        [&](StoreError *e) {
            return run(m_store.m_db,
                       "UPDATE review_attachments SET file = ? WHERE version_row = ? AND name = ?",
                       {name, versionRow, name}, e, [this](const QSqlError &err) {
                           return m_store.fromSql(tr("saving an attachment"), err);
                       });
        },
        error);
}

bool ReviewStore::setTeam(const QByteArray &json, StoreError *error)
{
    return m_store.setSetting(QLatin1String(kTeamKey), QString::fromUtf8(json), error);
}

QByteArray ReviewStore::team()
{
    return m_store.setting(QLatin1String(kTeamKey)).toUtf8();
}

ReviewSubmission ReviewStore::submissionFrom(const QSqlQuery &q) const
{
    ReviewSubmission s;
    s.row = q.value(0).toLongLong();
    s.instanceId = q.value(1).toString();
    s.formId = q.value(2).toString();
    s.formVersion = q.value(3).toString();
    s.submitter = q.value(4).toString();
    s.reviewState = q.value(5).toString();
    s.instanceName = q.value(6).toString();
    s.deviceId = q.value(7).toString();
    s.currentVersion = q.value(8).toString();
    s.seenVersion = q.value(9).toString();
    s.createdAt = Store::parseTime(q.value(10));
    s.updatedAt = Store::parseTime(q.value(11));
    s.changeSeq = q.value(12).toLongLong();
    s.versionCount = q.value(13).toInt();
    s.attachmentsComplete = q.value(14).toBool();
    s.decisionStatus = statusFromName(q.value(15).toString());
    s.decisionState = q.value(16).toString();
    return s;
}

std::vector<CurrentVersion> ReviewStore::currentVersions(const QString &formId, StoreError *error)
{
    QSqlQuery q(m_store.m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT s.instance_id, v.instance_id, s.submitter, %1, s.created_at, "
                             "v.xml FROM review_submissions s JOIN review_versions v ON "
                             "v.submission_row = s.id AND v.current = 1 LEFT JOIN "
                             "review_decisions d ON d.id = (SELECT MAX(id) FROM review_decisions "
                             "WHERE submission_row = s.id) WHERE s.form_id = ? ORDER BY "
                             "s.created_at, s.id")
                  .arg(QLatin1String(kShownState)));
    q.addBindValue(formId);
    std::vector<CurrentVersion> out;
    if (!m_store.exec(q, tr("reading the pulled submissions"), error))
        return out;
    while (q.next())
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                       q.value(3).toString(), Store::parseTime(q.value(4)),
                       q.value(5).toByteArray()});
    return out;
}

std::vector<ReviewSubmission> ReviewStore::submissions(const ReviewFilter &filter,
                                                       StoreError *error)
{
    QString sql = QLatin1String(kSubmissionSelect) + QStringLiteral(" WHERE 1 = 1");
    QVariantList binds;
    if (!filter.formId.isEmpty()) {
        sql += QStringLiteral(" AND s.form_id = ?");
        binds << filter.formId;
    }
    if (!filter.submitter.isEmpty()) {
        sql += QStringLiteral(" AND s.submitter = ?");
        binds << filter.submitter;
    }
    if (!filter.state.isEmpty()) {
        sql += QStringLiteral(" AND %1 = ?").arg(QLatin1String(kShownState));
        binds << filter.state;
    }
    if (!filter.search.isEmpty()) {
        sql += QStringLiteral(" AND s.instance_name LIKE ? ESCAPE '\\'");
        QString pattern = filter.search;
        pattern.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
            .replace(QLatin1Char('%'), QLatin1String("\\%"))
            .replace(QLatin1Char('_'), QLatin1String("\\_"));
        binds << QLatin1Char('%') + pattern + QLatin1Char('%');
    }
    if (filter.from.isValid()) {
        sql += QStringLiteral(" AND s.created_at >= ?");
        binds << timeText(filter.from);
    }
    if (filter.to.isValid()) {
        sql += QStringLiteral(" AND s.created_at < ?");
        binds << timeText(filter.to);
    }
    switch (filter.sort) {
    case ReviewFilter::Sort::Newest:
        sql += QStringLiteral(" ORDER BY s.created_at DESC, s.id DESC");
        break;
    case ReviewFilter::Sort::Oldest:
        sql += QStringLiteral(" ORDER BY s.created_at, s.id");
        break;
    case ReviewFilter::Sort::Submitter:
        sql += QStringLiteral(" ORDER BY s.submitter, s.created_at DESC");
        break;
    case ReviewFilter::Sort::Name:
        sql += QStringLiteral(" ORDER BY s.instance_name COLLATE NOCASE, s.created_at DESC");
        break;
    case ReviewFilter::Sort::State:
        sql += QStringLiteral(" ORDER BY %1, s.created_at DESC").arg(QLatin1String(kShownState));
        break;
    }
    QSqlQuery q(m_store.m_db);
    q.setForwardOnly(true);
    q.prepare(sql);
    for (const QVariant &b : binds)
        q.addBindValue(b);
    std::vector<ReviewSubmission> out;
    if (!m_store.exec(q, tr("reading the submissions to review"), error))
        return out;
    while (q.next())
        out.push_back(submissionFrom(q));
    return out;
}

std::optional<ReviewSubmission> ReviewStore::submission(const QString &instanceId,
                                                        StoreError *error)
{
    QSqlQuery q(m_store.m_db);
    q.prepare(QLatin1String(kSubmissionSelect) + QStringLiteral(" WHERE s.instance_id = ?"));
    q.addBindValue(instanceId);
    if (!m_store.firstRow(
            q, tr("reading a submission"),
            tr("There is no submission %1 on this device; pull again.").arg(instanceId), error))
        return std::nullopt;
    return submissionFrom(q);
}

std::vector<ReviewVersion> ReviewStore::versions(qint64 submissionRow, bool withXml,
                                                 StoreError *error)
{
    QSqlQuery q(m_store.m_db);
    q.prepare(QStringLiteral("SELECT id, instance_id, deprecated_id, form_version, device_id, "
                             "submitter, created_at, current, %1 FROM review_versions WHERE "
                             "submission_row = ? ORDER BY id")
                  .arg(withXml ? QStringLiteral("xml") : QStringLiteral("NULL")));
    q.addBindValue(submissionRow);
    std::vector<ReviewVersion> out;
    if (!m_store.exec(q, tr("reading a submission's versions"), error))
        return out;
    while (q.next()) {
        ReviewVersion v;
        v.row = q.value(0).toLongLong();
        v.instanceId = q.value(1).toString();
        v.deprecatedId = q.value(2).toString();
        v.formVersion = q.value(3).toString();
        v.deviceId = q.value(4).toString();
        v.submitter = q.value(5).toString();
        v.createdAt = Store::parseTime(q.value(6));
        v.current = q.value(7).toBool();
        v.xml = q.value(8).toByteArray();
        out.push_back(std::move(v));
    }
    for (ReviewVersion &v : out) {
        QSqlQuery a(m_store.m_db);
        a.prepare(QStringLiteral("SELECT name, hash, size, file FROM review_attachments WHERE "
                                 "version_row = ? ORDER BY name"));
        a.addBindValue(v.row);
        if (!m_store.exec(a, tr("reading a submission's attachments"), error))
            return {};
        while (a.next())
            v.attachments.push_back(
                {a.value(0).toString(), a.value(1).toString(), a.value(2).toLongLong(),
                 a.value(3).isNull() ? QString()
                                     : QDir(attachmentDir(v.row)).filePath(a.value(3).toString())});
    }
    return out;
}

std::vector<Comment> ReviewStore::comments(qint64 submissionRow, StoreError *error)
{
    QSqlQuery q(m_store.m_db);
    q.prepare(QStringLiteral("SELECT author, created_at, body FROM review_comments WHERE "
                             "submission_row = ? ORDER BY id"));
    q.addBindValue(submissionRow);
    std::vector<Comment> out;
    if (!m_store.exec(q, tr("reading a submission's comments"), error))
        return out;
    while (q.next())
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toString()});
    return out;
}

std::vector<ReviewFlag> ReviewStore::flags(qint64 submissionRow, StoreError *error)
{
    QSqlQuery q(m_store.m_db);
    q.prepare(QStringLiteral("SELECT path, note, author, created_at, version FROM review_flags "
                             "WHERE submission_row = ? ORDER BY id"));
    q.addBindValue(submissionRow);
    std::vector<ReviewFlag> out;
    if (!m_store.exec(q, tr("reading a submission's flags"), error))
        return out;
    while (q.next())
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                       q.value(3).toString(), q.value(4).toString()});
    return out;
}

std::map<QString, int> ReviewStore::counts(StoreError *error)
{
    QSqlQuery q(m_store.m_db);
    q.prepare(QStringLiteral("SELECT %1, COUNT(*) FROM review_submissions s LEFT JOIN "
                             "review_decisions d ON d.id = (SELECT MAX(id) FROM review_decisions "
                             "WHERE submission_row = s.id) GROUP BY 1")
                  .arg(QLatin1String(kShownState)));
    std::map<QString, int> out;
    if (!m_store.exec(q, tr("counting the submissions to review"), error))
        return out;
    while (q.next())
        out[q.value(0).toString()] = q.value(1).toInt();
    return out;
}

std::map<QString, SubmitterCounts> ReviewStore::submitterCounts(const QDateTime &dayStart,
                                                                const QDateTime &weekStart,
                                                                StoreError *error)
{
    QSqlQuery q(m_store.m_db);
    q.prepare(QStringLiteral(
                  "SELECT s.submitter, SUM(s.created_at >= ?), SUM(s.created_at >= ?), COUNT(*), "
                  "SUM(%1 IN ('received', 'edited')), SUM(%1 IN ('hasIssues', 'rejected')), "
                  "SUM(%1 = 'approved') FROM review_submissions s LEFT JOIN review_decisions d ON "
                  "d.id = (SELECT MAX(id) FROM review_decisions WHERE submission_row = s.id) "
                  "GROUP BY s.submitter")
                  .arg(QLatin1String(kShownState)));
    q.addBindValue(timeText(dayStart));
    q.addBindValue(timeText(weekStart));
    std::map<QString, SubmitterCounts> out;
    if (!m_store.exec(q, tr("counting the team's submissions"), error))
        return out;
    while (q.next())
        out[q.value(0).toString()] = {q.value(1).toInt(), q.value(2).toInt(), q.value(3).toInt(),
                                      q.value(4).toInt(), q.value(5).toInt(), q.value(6).toInt()};
    return out;
}

bool ReviewStore::markSeen(const QString &instanceId, StoreError *error)
{
    return m_store.write(
        [&](StoreError *e) {
            return run(m_store.m_db,
                       "UPDATE review_submissions SET seen_version = current_version WHERE "
                       "instance_id = ?",
                       {instanceId}, e, [this](const QSqlError &err) {
                           return m_store.fromSql(tr("saving what was seen"), err);
                       });
        },
        error);
}

std::optional<ReviewDecision> ReviewStore::decide(const QString &instanceId, const QString &state,
                                                  const QString &comment,
                                                  const std::vector<ReviewFlag> &flags,
                                                  StoreError *error)
{
    static const QStringList states = {QStringLiteral("approved"), QStringLiteral("hasIssues"),
                                       QStringLiteral("rejected")};
    if (!states.contains(state)) {
        fail(error, StoreError::Kind::Invalid,
             tr("A decision is approved, hasIssues or rejected, not '%1'.").arg(state));
        return std::nullopt;
    }
    if (state != QLatin1String("approved") && comment.trimmed().isEmpty()) {
        fail(error, StoreError::Kind::Invalid,
             tr("Sending a submission back or rejecting it needs a comment for the "
                "enumerator."));
        return std::nullopt;
    }
    if (!flags.empty() && state != QLatin1String("hasIssues")) {
        fail(error, StoreError::Kind::Invalid,
             tr("Questions are flagged only when the submission is sent back."));
        return std::nullopt;
    }
    const auto sub = submission(instanceId, error);
    if (!sub)
        return std::nullopt;
    std::vector<ReviewFlag> kept = flags;
    for (ReviewFlag &f : kept)
        f.version = sub->currentVersion;
    const QString decisionId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const auto report = [this](const QSqlError &err) {
        return m_store.fromSql(tr("saving the decision"), err);
    };
    const bool ok = m_store.write(
        [&](StoreError *e) {
            // A decision not sent yet is replaced; one being sent stays (it may be applied
            // already): the new one follows it.
            return run(m_store.m_db,
                       "DELETE FROM review_decisions WHERE submission_row = ? AND status = "
                       "'queued'",
                       {sub->row}, e, report) &&
                   run(m_store.m_db,
                       "INSERT INTO review_decisions (decision_id, submission_row, state, "
                       "comment, flags, base_version, base_state, status, created_at) VALUES (?, "
                       "?, ?, ?, ?, ?, ?, 'queued', ?)",
                       {decisionId, sub->row, state, text(comment.trimmed()), flagsJson(kept),
                        sub->currentVersion, sub->reviewState, now()},
                       e, report) &&
                   run(m_store.m_db,
                       "UPDATE review_submissions SET seen_version = current_version WHERE id = ?",
                       {sub->row}, e, report);
        },
        error);
    if (!ok)
        return std::nullopt;
    return latestDecision(sub->row, error);
}

ReviewDecision ReviewStore::decisionFrom(const QSqlQuery &q) const
{
    ReviewDecision d;
    d.row = q.value(0).toLongLong();
    d.decisionId = q.value(1).toString();
    d.instanceId = q.value(2).toString();
    d.formId = q.value(3).toString();
    d.state = q.value(4).toString();
    d.comment = q.value(5).toString();
    d.flags = flagsFrom(q.value(6).toByteArray());
    d.baseVersion = q.value(7).toString();
    d.baseState = q.value(8).toString();
    d.status = statusFromName(q.value(9).toString()).value_or(DecisionStatus::Queued);
    d.attempts = q.value(10).toInt();
    d.lastError = q.value(11).toString();
    d.createdAt = Store::parseTime(q.value(12));
    d.sentAt = Store::parseTime(q.value(13));
    d.serverVersion = q.value(14).toString();
    d.serverState = q.value(15).toString();
    return d;
}

std::vector<ReviewDecision> ReviewStore::decisions(bool all, StoreError *error)
{
    QSqlQuery q(m_store.m_db);
    q.prepare(QLatin1String(kDecisionColumns) +
              (all ? QString() : QStringLiteral(" WHERE d.status = 'queued'")) +
              QStringLiteral(" ORDER BY d.id"));
    std::vector<ReviewDecision> out;
    if (!m_store.exec(q, tr("reading the decisions"), error))
        return out;
    while (q.next())
        out.push_back(decisionFrom(q));
    return out;
}

std::optional<ReviewDecision> ReviewStore::latestDecision(qint64 submissionRow, StoreError *error)
{
    QSqlQuery q(m_store.m_db);
    q.prepare(QLatin1String(kDecisionColumns) +
              QStringLiteral(" WHERE d.submission_row = ? ORDER BY d.id DESC LIMIT 1"));
    q.addBindValue(submissionRow);
    if (!m_store.exec(q, tr("reading the decisions"), error) || !q.next())
        return std::nullopt;
    return decisionFrom(q);
}

bool ReviewStore::claimDecision(qint64 row, StoreError *error)
{
    bool claimed = false;
    const bool ok = m_store.write(
        [&](StoreError *e) {
            QSqlQuery q(m_store.m_db);
            q.prepare(QStringLiteral("UPDATE review_decisions SET status = 'sending', attempts = "
                                     "attempts + 1 WHERE id = ? AND status = 'queued'"));
            q.addBindValue(row);
            if (!q.exec()) {
                *e = m_store.fromSql(tr("sending a decision"), q.lastError());
                return false;
            }
            claimed = q.numRowsAffected() == 1;
            return true;
        },
        error);
    return ok && claimed;
}

bool ReviewStore::releaseDecisions(StoreError *error)
{
    return m_store.write(
        [&](StoreError *e) {
            return run(m_store.m_db,
                       "UPDATE review_decisions SET status = 'queued' WHERE status = 'sending'", {},
                       e, [this](const QSqlError &err) {
                           return m_store.fromSql(tr("sending a decision"), err);
                       });
        },
        error);
}

bool ReviewStore::decisionSent(qint64 row, const QString &serverState, StoreError *error)
{
    const auto report = [this](const QSqlError &err) {
        return m_store.fromSql(tr("saving a sent decision"), err);
    };
    return m_store.write(
        [&](StoreError *e) {
            // A later decision on the same submission was made on the state before this
            // one: it is now made on this one's.
            return run(m_store.m_db,
                       "UPDATE review_decisions SET status = 'sent', sent_at = ?, last_error = "
                       "NULL WHERE id = ?",
                       {now(), row}, e, report) &&
                   run(m_store.m_db,
                       "UPDATE review_submissions SET review_state = ? WHERE id = (SELECT "
                       "submission_row FROM review_decisions WHERE id = ?)",
                       {serverState, row}, e, report) &&
                   run(m_store.m_db,
                       "UPDATE review_decisions SET base_state = ? WHERE status = 'queued' AND "
                       "id > ? AND submission_row = (SELECT submission_row FROM "
                       "review_decisions WHERE id = ?)",
                       {serverState, row, row}, e, report);
        },
        error);
}

bool ReviewStore::decisionFailed(qint64 row, const QString &message, StoreError *error)
{
    return m_store.write(
        [&](StoreError *e) {
            return run(m_store.m_db,
                       "UPDATE review_decisions SET status = 'queued', last_error = ? WHERE id = ?",
                       {text(message), row}, e, [this](const QSqlError &err) {
                           return m_store.fromSql(tr("saving a failed decision"), err);
                       });
        },
        error);
}

bool ReviewStore::decisionConflict(qint64 row, const QString &message, const QString &serverVersion,
                                   const QString &serverState, StoreError *error)
{
    return m_store.write(
        [&](StoreError *e) {
            return run(m_store.m_db,
                       "UPDATE review_decisions SET status = 'conflict', last_error = ?, "
                       "server_version = ?, server_state = ? WHERE id = ?",
                       {text(message), text(serverVersion), text(serverState), row}, e,
                       [this](const QSqlError &err) {
                           return m_store.fromSql(tr("saving a refused decision"), err);
                       });
        },
        error);
}

} // namespace survey::store
