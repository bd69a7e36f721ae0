// SPDX-License-Identifier: GPL-3.0-or-later
#include "database.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

#include <atomic>

Q_LOGGING_CATEGORY(lcStore, "survey.server.db", QtInfoMsg)

namespace survey::server {

std::optional<DatabaseUrl> DatabaseUrl::parse(const QString &url, QString *error)
{
    DatabaseUrl out;
    if (url.startsWith(QLatin1String("sqlite:"))) {
        out.kind = Kind::Sqlite;
        out.path = url.mid(7);
        if (out.path.isEmpty()) {
            if (error)
                *error = tr("the database URL '%1' names no file (write sqlite:PATH)").arg(url);
            return std::nullopt;
        }
        return out;
    }
    if (url.startsWith(QLatin1String("postgresql://")) ||
        url.startsWith(QLatin1String("postgres://"))) {
        const QUrl u(url);
        if (!u.isValid() || u.host().isEmpty() || u.path().size() < 2) {
            if (error)
                *error =
                    tr("the database URL '%1' is not postgresql://USER:PASS@HOST:PORT/DB").arg(url);
            return std::nullopt;
        }
        out.kind = Kind::Postgres;
        out.host = u.host();
        out.port = u.port(5432);
        out.user = u.userName();
        out.password = u.password();
        out.name = u.path().mid(1);
        return out;
    }
    if (error)
        *error = tr("unknown database URL '%1' (use sqlite:PATH or "
                    "postgresql://USER:PASS@HOST:PORT/DB)")
                     .arg(url);
    return std::nullopt;
}

Database::Database(DatabaseUrl url)
    : m_url(std::move(url))
{
    static std::atomic<int> counter{0};
    m_connection = QStringLiteral("survey-sync-%1").arg(counter.fetch_add(1));
}

Database::~Database()
{
    m_prepared.clear(); // before the connection they belong to
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connection);
    }
}

QString Database::failure(const QString &what, const QString &driverText)
{
    return tr("%1 failed: %2").arg(what, driverText);
}

bool Database::outOfSpace(const QSqlError &error)
{
    // SQLite: SQLITE_FULL (13), SQLITE_IOERR (10, e.g. a write past the file size limit).
    // PostgreSQL: SQLSTATE class 53 (insufficient resources: disk full, out of memory).
    const QString code = error.nativeErrorCode();
    bool numeric = false;
    const int sqliteCode = code.toInt(&numeric) & 0xff; // extended codes keep the primary low
    if (numeric && code.size() < 5)
        return sqliteCode == 13 || sqliteCode == 10;
    return code.startsWith(QLatin1String("53"));
}

QString Database::failure(const QString &what, const QSqlError &error)
{
    if (outOfSpace(error))
        return tr("%1 failed: the server cannot write to its disk (%2). Nothing was half-stored; "
                  "free space on the server, then try again")
            .arg(what, error.text());
    return failure(what, error.text());
}

const char *Database::bumpChangeSql()
{
    return "UPDATE submissions SET change_seq = (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM "
           "submissions) WHERE id = ?";
}

QString Database::now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

bool Database::exec(const QString &sql, QString *error, const QString &what)
{
    QSqlQuery q(m_db);
    if (!q.exec(sql)) {
        m_outOfSpace = m_outOfSpace || outOfSpace(q.lastError());
        if (error)
            *error = failure(what.isEmpty() ? sql.left(60) : what, q.lastError());
        return false;
    }
    return true;
}

QSqlQuery *Database::prepared(const QString &sql, QSqlError *error)
{
    auto &q = m_prepared[sql];
    if (!q) {
        auto fresh = std::make_unique<QSqlQuery>(m_db);
        if (!fresh->prepare(sql)) {
            *error = fresh->lastError();
            m_prepared.erase(sql);
            return nullptr;
        }
        q = std::move(fresh);
    }
    return q.get();
}

bool Database::open(QString *error)
{
    m_prepared.clear();
    if (m_url.kind == DatabaseUrl::Kind::Sqlite) {
        const QFileInfo fi(m_url.path);
        if (!QDir().mkpath(fi.absolutePath())) {
            if (error)
                *error = tr("cannot create the folder %1").arg(fi.absolutePath());
            return false;
        }
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
        m_db.setDatabaseName(m_url.path);
    } else {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connection);
        m_db.setHostName(m_url.host);
        m_db.setPort(m_url.port);
        m_db.setUserName(m_url.user);
        m_db.setPassword(m_url.password);
        m_db.setDatabaseName(m_url.name);
    }
    if (!m_db.isValid()) {
        if (error)
            *error = tr("the Qt SQL driver for this database is not installed");
        return false;
    }
    if (!m_db.open()) {
        if (error)
            *error = tr("cannot open the database: %1").arg(m_db.lastError().text());
        return false;
    }
    if (isSqlite()) {
        // A database made by an older server may be readable by all: no longer.
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"),
                                      QStringLiteral("-journal")}) {
            const QString file = m_url.path + suffix;
            if (QFileInfo::exists(file))
                QFile::setPermissions(file, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        }
        // WAL lets readers work while one writer commits; waits instead of failing busy.
        // synchronous=FULL: every commit is on the disk (the WAL synced) before it returns,
        // so what the server acknowledges survives a power cut, not only a crash.
        for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA busy_timeout=5000",
                                   "PRAGMA foreign_keys=ON", "PRAGMA synchronous=FULL"}) {
            if (!exec(QLatin1String(pragma), error))
                return false;
        }
    } else {
        // The same on PostgreSQL, whatever the server's configuration says: a commit returns
        // once its WAL is flushed.
        if (!exec(QStringLiteral("SET synchronous_commit = on"), error))
            return false;
    }
    return true;
}

int Database::schemaVersion(QString *error)
{
    if (!m_db.tables().contains(QStringLiteral("schema_meta")))
        return 0;
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT version FROM schema_meta")) || !q.next()) {
        if (error)
            *error = failure(tr("reading the schema version"), q.lastError().text());
        return -1;
    }
    return q.value(0).toInt();
}

bool Database::uniqueViolation(const QSqlError &error)
{
    // PostgreSQL: SQLSTATE 23505. SQLite: SQLITE_CONSTRAINT_UNIQUE (2067) or _PRIMARYKEY (1555).
    const QString code = error.nativeErrorCode();
    return code == QLatin1String("23505") || code == QLatin1String("2067") ||
           code == QLatin1String("1555");
}

bool Database::retryOnConflict(const QSqlQuery &failed)
{
    m_retry = m_retry || uniqueViolation(failed.lastError());
    return m_retry;
}

bool Database::write(const std::function<bool(QString *)> &work, QString *error)
{
    m_outOfSpace = false;
    for (int attempt = 0;; ++attempt) {
        if (!exec(isSqlite() ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN"), error,
                  tr("starting a change")))
            return false;
        QString why;
        m_retry = false;
        if (work(&why))
            break;
        QString ignored;
        exec(QStringLiteral("ROLLBACK"), &ignored);
        if (m_retry && attempt < 2)
            continue; // another server stored the same key meanwhile: look again
        if (error)
            *error = why;
        return false;
    }
    if (!exec(QStringLiteral("COMMIT"), error, tr("saving the change"))) {
        QString ignored;
        exec(QStringLiteral("ROLLBACK"), &ignored);
        return false;
    }
    return true;
}

bool Database::writeEach(const std::vector<Step> &steps, std::vector<StepResult> *results,
                         QString *commitError)
{
    m_outOfSpace = false;
    results->assign(steps.size(), StepResult());
    if (!exec(isSqlite() ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN"), commitError,
              tr("starting a change")))
        return false;
    const auto abandon = [this] {
        QString ignored;
        exec(QStringLiteral("ROLLBACK"), &ignored);
        return false;
    };
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (!exec(QStringLiteral("SAVEPOINT step"), commitError, tr("starting a change")))
            return abandon();
        StepResult &r = (*results)[i];
        for (int attempt = 0;; ++attempt) {
            m_retry = false;
            r.error.clear();
            r.ok = steps[i](&r.error);
            // A failed step is undone back to its savepoint. If even that fails (SQLite may
            // have rolled the whole transaction back after a full disk or an I/O error), the
            // group fails whole: nothing of it was acknowledged yet.
            if (!r.ok && !exec(QStringLiteral("ROLLBACK TO SAVEPOINT step"), commitError,
                               tr("undoing a refused change")))
                return abandon();
            if (r.ok || !m_retry || attempt >= 2)
                break; // done, or failed for good; else another server just stored the key
        }
        if (!exec(QStringLiteral("RELEASE SAVEPOINT step"), commitError, tr("saving the change")))
            return abandon();
    }
    if (!exec(QStringLiteral("COMMIT"), commitError, tr("saving the change")))
        return abandon();
    return true;
}

bool Database::migrate(QString *error)
{
    const int version = schemaVersion(error);
    if (version < 0)
        return false;
    if (version > kSchemaVersion) {
        if (error)
            *error = tr("the database has schema version %1, newer than this server (%2): "
                        "use a newer survey-sync")
                         .arg(version)
                         .arg(kSchemaVersion);
        return false;
    }
    if (version < 1 && !write([this](QString *e) { return migrateTo1(e); }, error))
        return false;
    if (version < 2 && !write([this](QString *e) { return migrateTo2(e); }, error))
        return false;
    if (version < 3 && !write([this](QString *e) { return migrateTo3(e); }, error))
        return false;
    if (version < 4 && !write([this](QString *e) { return migrateTo4(e); }, error))
        return false;
    if (version < 5 && !write([this](QString *e) { return migrateTo5(e); }, error))
        return false;
    if (version < 6 && !write([this](QString *e) { return migrateTo6(e); }, error))
        return false;
    if (version < 7 && !write([this](QString *e) { return migrateTo7(e); }, error))
        return false;
    if (version < 8 && !write([this](QString *e) { return migrateTo8(e); }, error))
        return false;
    return true;
}

bool Database::migrateTo1(QString *error)
{
    const QString id = isSqlite() ? QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT")
                                  : QStringLiteral("BIGSERIAL PRIMARY KEY");
    const QString blob = isSqlite() ? QStringLiteral("BLOB") : QStringLiteral("BYTEA");
    const QStringList ddl = {
        QStringLiteral("CREATE TABLE schema_meta (version INTEGER NOT NULL)"),
        QStringLiteral("CREATE TABLE projects (id %1, name TEXT NOT NULL, created_at TEXT NOT "
                       "NULL)")
            .arg(id),
        QStringLiteral("CREATE TABLE users (id %1, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL "
                       "CHECK (role IN ('admin','supervisor','enumerator')), project_id INTEGER "
                       "REFERENCES projects(id), supervisor_id INTEGER REFERENCES users(id), "
                       "password_hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, "
                       "created_at TEXT NOT NULL)")
            .arg(id),
        QStringLiteral("CREATE TABLE forms (id %1, project_id INTEGER NOT NULL REFERENCES "
                       "projects(id), xml_form_id TEXT NOT NULL, current_version_id INTEGER, "
                       "state TEXT NOT NULL DEFAULT 'open', created_at TEXT NOT NULL, "
                       "UNIQUE (project_id, xml_form_id))")
            .arg(id),
        QStringLiteral("CREATE TABLE form_versions (id %1, form_id INTEGER NOT NULL REFERENCES "
                       "forms(id), version TEXT NOT NULL, title TEXT NOT NULL, xml %2 NOT NULL, "
                       "hash TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (form_id, "
                       "version))")
            .arg(id, blob),
        QStringLiteral("CREATE TABLE form_media (id %1, form_version_id INTEGER NOT NULL "
                       "REFERENCES form_versions(id), filename TEXT NOT NULL, hash TEXT NOT "
                       "NULL, content %2 NOT NULL, UNIQUE (form_version_id, filename))")
            .arg(id, blob),
        QStringLiteral("CREATE TABLE audit_log (id %1, at TEXT NOT NULL, actor TEXT NOT NULL, "
                       "action TEXT NOT NULL, details TEXT NOT NULL)")
            .arg(id),
        QStringLiteral("INSERT INTO schema_meta (version) VALUES (1)"),
    };
    for (const QString &sql : ddl) {
        if (!exec(sql, error))
            return false;
    }
    qCDebug(lcStore) << "database schema created (version 1)";
    return true;
}

bool Database::migrateTo2(QString *error)
{
    // Submissions: one row per logical submission (its first instanceID), one per version
    // (an edit carries the previous version's instanceID as deprecatedID), attachments
    // per version.
    const QString id = isSqlite() ? QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT")
                                  : QStringLiteral("BIGSERIAL PRIMARY KEY");
    const QString blob = isSqlite() ? QStringLiteral("BLOB") : QStringLiteral("BYTEA");
    const QStringList ddl = {
        QStringLiteral("CREATE TABLE submissions (id %1, form_id INTEGER NOT NULL REFERENCES "
                       "forms(id), instance_id TEXT NOT NULL, submitter_id INTEGER NOT NULL "
                       "REFERENCES users(id), review_state TEXT NOT NULL DEFAULT 'received', "
                       "current_version_id INTEGER, created_at TEXT NOT NULL, updated_at TEXT, "
                       "UNIQUE (form_id, instance_id))")
            .arg(id),
        QStringLiteral("CREATE TABLE submission_versions (id %1, submission_id INTEGER NOT NULL "
                       "REFERENCES submissions(id), form_version_id INTEGER NOT NULL REFERENCES "
                       "form_versions(id), instance_id TEXT NOT NULL, deprecated_id TEXT, xml %2 "
                       "NOT NULL, xml_hash TEXT NOT NULL, submitter_id INTEGER NOT NULL "
                       "REFERENCES users(id), device_id TEXT, created_at TEXT NOT NULL, UNIQUE "
                       "(submission_id, instance_id))")
            .arg(id, blob),
        QStringLiteral("CREATE INDEX submission_versions_instance ON submission_versions "
                       "(instance_id)"),
        QStringLiteral("CREATE TABLE submission_attachments (id %1, version_id INTEGER NOT NULL "
                       "REFERENCES submission_versions(id), name TEXT NOT NULL, hash TEXT NOT "
                       "NULL, content %2 NOT NULL, UNIQUE (version_id, name))")
            .arg(id, blob),
        QStringLiteral("UPDATE schema_meta SET version = 2"),
    };
    for (const QString &sql : ddl) {
        if (!exec(sql, error))
            return false;
    }
    return true;
}

bool Database::migrateTo3(QString *error)
{
    // Sign-in sessions for the JSON API, and review comments.
    const QString id = isSqlite() ? QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT")
                                  : QStringLiteral("BIGSERIAL PRIMARY KEY");
    const QStringList ddl = {
        QStringLiteral("CREATE TABLE sessions (token TEXT PRIMARY KEY, user_id INTEGER NOT NULL "
                       "REFERENCES users(id), created_at TEXT NOT NULL, expires_at TEXT NOT NULL)"),
        QStringLiteral("CREATE TABLE comments (id %1, submission_id INTEGER NOT NULL REFERENCES "
                       "submissions(id), author_id INTEGER NOT NULL REFERENCES users(id), body "
                       "TEXT NOT NULL, created_at TEXT NOT NULL)")
            .arg(id),
        QStringLiteral("UPDATE schema_meta SET version = 3"),
    };
    for (const QString &sql : ddl) {
        if (!exec(sql, error))
            return false;
    }
    return true;
}

bool Database::migrateTo4(QString *error)
{
    // Assignments: how many submissions of a form an enumerator is to collect.
    const QString id = isSqlite() ? QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT")
                                  : QStringLiteral("BIGSERIAL PRIMARY KEY");
    return exec(QStringLiteral("CREATE TABLE assignments (id %1, form_id INTEGER NOT NULL "
                               "REFERENCES forms(id), enumerator_id INTEGER NOT NULL REFERENCES "
                               "users(id), target INTEGER NOT NULL CHECK (target >= 0), "
                               "updated_at TEXT NOT NULL, UNIQUE (form_id, enumerator_id))")
                    .arg(id),
                error) &&
           exec(QStringLiteral("UPDATE schema_meta SET version = 4"), error);
}

bool Database::migrateTo5(QString *error)
{
    // Form drafts, as in ODK Central: a form (or its next version) waits here while its
    // media files are uploaded, and becomes the current version when published.
    const QString id = isSqlite() ? QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT")
                                  : QStringLiteral("BIGSERIAL PRIMARY KEY");
    const QString blob = isSqlite() ? QStringLiteral("BLOB") : QStringLiteral("BYTEA");
    const QStringList ddl = {
        QStringLiteral("CREATE TABLE form_drafts (id %1, form_id INTEGER NOT NULL UNIQUE "
                       "REFERENCES forms(id), version TEXT NOT NULL, title TEXT NOT NULL, xml %2 "
                       "NOT NULL, hash TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT "
                       "NOT NULL)")
            .arg(id, blob),
        QStringLiteral("CREATE TABLE form_draft_media (id %1, draft_id INTEGER NOT NULL "
                       "REFERENCES form_drafts(id), filename TEXT NOT NULL, hash TEXT NOT NULL, "
                       "content %2 NOT NULL, updated_at TEXT NOT NULL, UNIQUE (draft_id, "
                       "filename))")
            .arg(id, blob),
        QStringLiteral("UPDATE schema_meta SET version = 5"),
    };
    for (const QString &sql : ddl) {
        if (!exec(sql, error))
            return false;
    }
    return true;
}

bool Database::migrateTo6(QString *error)
{
    // Session tokens are kept as their SHA-256 only: a copy of the database signs no one in.
    // Sessions open until now end (they lasted a day at most): their tokens were in clear.
    return exec(QStringLiteral("DELETE FROM sessions"), error) &&
           exec(QStringLiteral("ALTER TABLE sessions RENAME COLUMN token TO token_hash"), error) &&
           exec(QStringLiteral("UPDATE schema_meta SET version = 6"), error);
}

bool Database::migrateTo7(QString *error)
{
    // The review loop on devices: a change counter on submissions (the pull's cursor: every
    // new version, attachment, review and comment moves it), question flags sent with a
    // decision, decisions by their device-made id (a resent decision is applied once), and
    // when each account's device last synced.
    const QString id = isSqlite() ? QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT")
                                  : QStringLiteral("BIGSERIAL PRIMARY KEY");
    const QStringList ddl = {
        QStringLiteral("ALTER TABLE submissions ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0"),
        QStringLiteral("UPDATE submissions SET change_seq = id"),
        QStringLiteral("CREATE INDEX submissions_change ON submissions (change_seq)"),
        QStringLiteral("ALTER TABLE users ADD COLUMN last_sync_at TEXT"),
        QStringLiteral("CREATE TABLE review_flags (id %1, submission_id INTEGER NOT NULL "
                       "REFERENCES submissions(id), version_id INTEGER NOT NULL REFERENCES "
                       "submission_versions(id), path TEXT NOT NULL, note TEXT NOT NULL, "
                       "author_id INTEGER NOT NULL REFERENCES users(id), created_at TEXT NOT "
                       "NULL)")
            .arg(id),
        QStringLiteral("CREATE INDEX review_flags_submission ON review_flags (submission_id)"),
        QStringLiteral("CREATE TABLE review_decisions (decision_id TEXT PRIMARY KEY, "
                       "submission_id INTEGER NOT NULL REFERENCES submissions(id), actor_id "
                       "INTEGER NOT NULL REFERENCES users(id), review_state TEXT NOT NULL, "
                       "created_at TEXT NOT NULL)"),
        QStringLiteral("UPDATE schema_meta SET version = 7"),
    };
    for (const QString &sql : ddl) {
        if (!exec(sql, error))
            return false;
    }
    return true;
}

bool Database::migrateTo8(QString *error)
{
    // XLSForms: the spreadsheet a form version (or draft) was converted from, kept to be
    // downloaded as it was sent (GET …/forms/{id}.xlsx, as in ODK Central).
    const QString blob = isSqlite() ? QStringLiteral("BLOB") : QStringLiteral("BYTEA");
    const QStringList ddl = {
        QStringLiteral("ALTER TABLE form_versions ADD COLUMN source %1").arg(blob),
        QStringLiteral("ALTER TABLE form_versions ADD COLUMN source_type TEXT"),
        QStringLiteral("ALTER TABLE form_drafts ADD COLUMN source %1").arg(blob),
        QStringLiteral("ALTER TABLE form_drafts ADD COLUMN source_type TEXT"),
        QStringLiteral("UPDATE schema_meta SET version = 8"),
    };
    for (const QString &sql : ddl) {
        if (!exec(sql, error))
            return false;
    }
    return true;
}

} // namespace survey::server
