// SPDX-License-Identifier: GPL-3.0-or-later
#include "store.h"
#include "storeutil.h"

#include "formdefinition.h"
#include "formsession.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QStorageInfo>
#include <QTemporaryDir>
#include <QUuid>

#include <algorithm>

Q_LOGGING_CATEGORY(lcStore, "survey.store", QtInfoMsg)

namespace survey::store {

namespace util {

QString now()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

/// A string for a NOT NULL text column (a null QString would bind as NULL).
QVariant text(const QString &s)
{
    return s.isNull() ? QVariant(QStringLiteral("")) : QVariant(s);
}

StoreError makeError(StoreError::Kind kind, const QString &message)
{
    return StoreError{kind, message};
}

bool fail(StoreError *error, StoreError::Kind kind, const QString &message)
{
    if (error)
        *error = makeError(kind, message);
    return false;
}

/// One statement with bound values, reported as `what` on failure.
bool run(QSqlDatabase &db, const char *sql, const QVariantList &values, StoreError *e,
         const std::function<StoreError(const QSqlError &)> &report)
{
    QSqlQuery q(db);
    q.prepare(QLatin1String(sql));
    for (const QVariant &v : values)
        q.addBindValue(v);
    if (q.exec())
        return true;
    *e = report(q.lastError());
    return false;
}

QString sha256Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

QJsonArray commentsJson(const std::vector<Comment> &comments)
{
    QJsonArray out;
    for (const Comment &c : comments)
        out.append(QJsonObject{{QStringLiteral("author"), c.author},
                               {QStringLiteral("at"), c.at},
                               {QStringLiteral("body"), c.body}});
    return out;
}

std::vector<Comment> commentsFrom(const QByteArray &json)
{
    std::vector<Comment> out;
    for (const QJsonValue &v : QJsonDocument::fromJson(json).array()) {
        const QJsonObject o = v.toObject();
        out.push_back({o.value(QStringLiteral("author")).toString(),
                       o.value(QStringLiteral("at")).toString(),
                       o.value(QStringLiteral("body")).toString()});
    }
    return out;
}

QByteArray flagsJson(const std::vector<ReviewFlag> &flags)
{
    QJsonArray out;
    for (const ReviewFlag &f : flags)
        out.append(QJsonObject{{QStringLiteral("path"), f.path},
                               {QStringLiteral("note"), f.note},
                               {QStringLiteral("author"), f.author},
                               {QStringLiteral("at"), f.at},
                               {QStringLiteral("version"), f.version}});
    return QJsonDocument(out).toJson(QJsonDocument::Compact);
}

std::vector<ReviewFlag> flagsFrom(const QByteArray &json)
{
    std::vector<ReviewFlag> out;
    for (const QJsonValue &v : QJsonDocument::fromJson(json).array()) {
        const QJsonObject o = v.toObject();
        out.push_back(
            {o.value(QStringLiteral("path")).toString(), o.value(QStringLiteral("note")).toString(),
             o.value(QStringLiteral("author")).toString(), o.value(QStringLiteral("at")).toString(),
             o.value(QStringLiteral("version")).toString()});
    }
    return out;
}

QVariant argsJson(const QStringList &args)
{
    if (args.isEmpty())
        return QVariant();
    return QJsonDocument(QJsonArray::fromStringList(args)).toJson(QJsonDocument::Compact);
}

/// Columns read by recordFrom(), in order.
const char *kRecordColumns =
    "i.id, i.instance_id, f.form_id, f.version, i.form_row, i.state, i.instance_name, "
    "i.deprecated_id, i.review_state, i.comments, i.created_at, i.updated_at, i.sent_at, "
    "i.flags";
const char *kRecordFrom = " FROM instances i JOIN forms f ON f.id = i.form_row";

} // namespace util

using namespace util;

QString stateName(RecordState state)
{
    switch (state) {
    case RecordState::Draft:
        return QStringLiteral("draft");
    case RecordState::Finalized:
        return QStringLiteral("finalized");
    case RecordState::Sent:
        return QStringLiteral("sent");
    case RecordState::Returned:
        return QStringLiteral("returned");
    }
    return QString();
}

std::optional<RecordState> stateFromName(const QString &name)
{
    for (RecordState s :
         {RecordState::Draft, RecordState::Finalized, RecordState::Sent, RecordState::Returned}) {
        if (stateName(s) == name)
            return s;
    }
    return std::nullopt;
}

bool transitionAllowed(RecordState from, RecordState to)
{
    switch (from) {
    case RecordState::Draft:
        return to == RecordState::Finalized;
    case RecordState::Finalized:
        return to == RecordState::Draft || to == RecordState::Sent;
    case RecordState::Sent:
        return to == RecordState::Returned;
    case RecordState::Returned:
        return to == RecordState::Draft;
    }
    return false;
}

bool validFileName(const QString &name)
{
    return !name.isEmpty() && name.size() <= 255 && !name.startsWith(QLatin1Char('.')) &&
           !name.contains(QLatin1Char('/')) && !name.contains(QLatin1Char('\\')) &&
           !name.contains(QChar(0));
}

QString md5Hash(const QByteArray &bytes)
{
    return QStringLiteral("md5:") +
           QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Md5).toHex());
}

Store::Store(QString dir)
    : m_dir(std::move(dir))
    , m_connection(QStringLiteral("survey-store-") + QUuid::createUuid().toString(QUuid::Id128))
{}

Store::~Store()
{
    if (m_db.isValid())
        m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connection);
}

std::unique_ptr<Store> Store::open(const QString &dataDir, StoreError *error)
{
    const QString dir = QDir(dataDir).absolutePath();
    if (!QDir().mkpath(dir)) {
        fail(
            error, StoreError::Kind::ReadOnly,
            tr("Cannot create the data folder %1. Choose a folder the app may write to.").arg(dir));
        return nullptr;
    }
    std::unique_ptr<Store> store(new Store(dir));
    if (!store->openDb(error) || !store->migrate(error))
        return nullptr;
    return store;
}

bool Store::openDb(StoreError *error)
{
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    m_db.setDatabaseName(QDir(m_dir).filePath(QStringLiteral("survey.db")));
    if (!m_db.open())
        return fail(error, StoreError::Kind::Io,
                    tr("Cannot open the database in %1: %2").arg(m_dir, m_db.lastError().text()));
    // WAL: readers never wait for the writer. synchronous=FULL: a commit is on disk before
    // it returns, so an answer shown as saved survives a dead battery, not just a crash.
    for (const char *pragma : {"PRAGMA busy_timeout=5000", "PRAGMA journal_mode=WAL",
                               "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
        QSqlQuery q(m_db);
        if (!q.exec(QLatin1String(pragma))) {
            if (error)
                *error = fromSql(tr("opening the data"), q.lastError());
            return false;
        }
    }
    return true;
}

bool Store::exec(QSqlQuery &q, const QString &what, StoreError *error) const
{
    if (q.exec())
        return true;
    if (error)
        *error = fromSql(what, q.lastError());
    return false;
}

bool Store::firstRow(QSqlQuery &q, const QString &reading, const QString &missing,
                     StoreError *error) const
{
    if (!exec(q, reading, error))
        return false;
    if (!q.next())
        return fail(error, StoreError::Kind::NotFound, missing);
    return true;
}

StoreError Store::fromSql(const QString &what, const QSqlError &e) const
{
    bool numeric = false;
    const int code = e.nativeErrorCode().toInt(&numeric) & 0xff;
    switch (numeric ? code : -1) {
    case 13: // SQLITE_FULL
        return makeError(StoreError::Kind::DiskFull,
                         tr("The device storage is full, so %1 did not happen. Free some space "
                            "(delete sent records or other files); everything saved before is "
                            "kept.")
                             .arg(what));
    case 8: // SQLITE_READONLY
        return makeError(StoreError::Kind::ReadOnly,
                         tr("The storage cannot be written, so %1 did not happen. Check that the "
                            "folder %2 may be written; everything saved before is kept.")
                             .arg(what, m_dir));
    case 11: // SQLITE_CORRUPT
    case 26: // SQLITE_NOTADB
        return makeError(StoreError::Kind::Corrupt,
                         tr("The database in %1 is damaged (%2). Do not delete it: copy the "
                            "folder and ask for help.")
                             .arg(m_dir, e.text()));
    default:
        return makeError(StoreError::Kind::Io,
                         tr("The storage failed while %1: %2. Everything saved before is kept; "
                            "try again.")
                             .arg(what, e.text()));
    }
}

bool Store::exec(const QString &sql, StoreError *error)
{
    QSqlQuery q(m_db);
    if (q.exec(sql))
        return true;
    if (error)
        *error = fromSql(sql.left(40), q.lastError());
    return false;
}

bool Store::write(const std::function<bool(StoreError *)> &work, StoreError *error)
{
    QSqlQuery begin(m_db);
    if (!begin.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        if (error)
            *error = fromSql(tr("starting to save"), begin.lastError());
        return false;
    }
    StoreError why;
    if (!work(&why)) {
        QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
        if (error)
            *error = why.kind == StoreError::Kind::None
                         ? makeError(StoreError::Kind::Io, tr("saving failed"))
                         : why;
        return false;
    }
    QSqlQuery commit(m_db);
    if (!commit.exec(QStringLiteral("COMMIT"))) {
        if (error)
            *error = fromSql(tr("saving"), commit.lastError());
        QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
        return false;
    }
    return true;
}

bool Store::migrate(StoreError *error)
{
    QSqlQuery v(m_db);
    if (!v.exec(QStringLiteral("PRAGMA user_version")) || !v.next()) {
        if (error)
            *error = fromSql(tr("reading the database version"), v.lastError());
        return false;
    }
    const int version = v.value(0).toInt();
    v.finish();
    if (version > kSchemaVersion)
        return fail(error, StoreError::Kind::TooNew,
                    tr("The data in %1 was written by a newer version of the app (database "
                       "version %2, this app knows %3). Install the newer app; nothing was "
                       "changed.")
                        .arg(m_dir)
                        .arg(version)
                        .arg(kSchemaVersion));
    return (version >= 1 || migrateTo1(error)) && (version >= 2 || migrateTo2(error)) &&
           (version >= 3 || migrateTo3(error)) && (version >= 4 || migrateTo4(error)) &&
           (version >= 5 || migrateTo5(error));
}

bool Store::migrateTo1(StoreError *error)
{
    const QStringList ddl = {
        QStringLiteral("CREATE TABLE forms (id INTEGER PRIMARY KEY AUTOINCREMENT, form_id TEXT "
                       "NOT NULL, version TEXT NOT NULL, title TEXT NOT NULL, hash TEXT NOT "
                       "NULL, xml BLOB NOT NULL, server TEXT NOT NULL DEFAULT '', current "
                       "INTEGER NOT NULL DEFAULT 1, added_at TEXT NOT NULL, updated_at TEXT NOT "
                       "NULL, UNIQUE (form_id, version))"),
        QStringLiteral("CREATE TABLE form_media (form_row INTEGER NOT NULL REFERENCES forms(id), "
                       "name TEXT NOT NULL, hash TEXT NOT NULL, size INTEGER NOT NULL, PRIMARY "
                       "KEY (form_row, name))"),
        QStringLiteral("CREATE TABLE instances (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                       "instance_id TEXT NOT NULL UNIQUE, form_row INTEGER NOT NULL REFERENCES "
                       "forms(id), state TEXT NOT NULL CHECK (state IN ('draft', 'finalized', "
                       "'sent', 'returned')), xml BLOB NOT NULL, instance_name TEXT NOT NULL "
                       "DEFAULT '', deprecated_id TEXT, review_state TEXT, comments TEXT, "
                       "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, finalized_at TEXT, "
                       "sent_at TEXT)"),
        QStringLiteral("CREATE INDEX instances_state ON instances (state, updated_at)"),
        QStringLiteral("CREATE INDEX instances_deprecated ON instances (deprecated_id)"),
        // A file answer's bytes live in `file` (under attachments/ROW/), named by content:
        // a new version is a new file, so the row and the file never disagree after a crash.
        QStringLiteral("CREATE TABLE attachments (instance_row INTEGER NOT NULL REFERENCES "
                       "instances(id), name TEXT NOT NULL, file TEXT NOT NULL, size INTEGER NOT "
                       "NULL, sha256 TEXT NOT NULL, PRIMARY KEY (instance_row, name))"),
        QStringLiteral("CREATE TABLE outbox (instance_row INTEGER PRIMARY KEY REFERENCES "
                       "instances(id), queued_at TEXT NOT NULL, attempts INTEGER NOT NULL "
                       "DEFAULT 0, next_attempt_at TEXT, last_error TEXT)"),
        QStringLiteral("CREATE TABLE sync_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT "
                       "NULL, instance_id TEXT, outcome TEXT NOT NULL, message TEXT NOT NULL)"),
        QStringLiteral("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
        QStringLiteral("PRAGMA user_version = 1"),
    };
    return write(
        [&](StoreError *e) {
            for (const QString &sql : ddl) {
                if (!exec(sql, e))
                    return false;
            }
            qCDebug(lcStore) << "store schema created (version 1) in" << m_dir;
            return true;
        },
        error);
}

bool Store::migrateTo3(StoreError *error)
{
    // Version 3: a record being sent is marked (it cannot be reopened meanwhile), and the
    // outbox keeps the code of the last failure (a lost connection is retried as soon as
    // the connection returns).
    return write(
        [&](StoreError *e) {
            return exec(QStringLiteral("ALTER TABLE outbox ADD COLUMN sending INTEGER NOT NULL "
                                       "DEFAULT 0"),
                        e) &&
                   exec(QStringLiteral("ALTER TABLE outbox ADD COLUMN last_code TEXT"), e) &&
                   exec(QStringLiteral("PRAGMA user_version = 3"), e);
        },
        error);
}

bool Store::migrateTo2(StoreError *error)
{
    // Version 2: the sync log keeps what happened as a code with details, so that it is
    // shown in the language the person uses when reading it.
    return write(
        [&](StoreError *e) {
            return exec(QStringLiteral("ALTER TABLE sync_log ADD COLUMN code TEXT"), e) &&
                   exec(QStringLiteral("ALTER TABLE sync_log ADD COLUMN args TEXT"), e) &&
                   exec(QStringLiteral("PRAGMA user_version = 2"), e);
        },
        error);
}

bool Store::migrateTo4(StoreError *error)
{
    // Version 4: each log entry knows its record (which keeps its row through corrections,
    // each sent under a new instanceID), and whether it was about a correction.
    return write(
        [&](StoreError *e) {
            return exec(QStringLiteral("ALTER TABLE sync_log ADD COLUMN record_row INTEGER"), e) &&
                   exec(QStringLiteral("ALTER TABLE sync_log ADD COLUMN correction INTEGER NOT "
                                       "NULL DEFAULT 0"),
                        e) &&
                   exec(QStringLiteral("UPDATE sync_log SET record_row = (SELECT id FROM "
                                       "instances WHERE instance_id = sync_log.instance_id OR "
                                       "deprecated_id = sync_log.instance_id ORDER BY id DESC "
                                       "LIMIT 1), correction = EXISTS (SELECT 1 FROM instances "
                                       "WHERE instance_id = sync_log.instance_id AND "
                                       "COALESCE(deprecated_id, '') <> '')"),
                        e) &&
                   exec(QStringLiteral("PRAGMA user_version = 4"), e);
        },
        error);
}

bool Store::migrateTo5(StoreError *error)
{
    // Version 5: review. A supervisor's copies of the team's submissions (each version's
    // XML, attachments, comments, flags), the decisions made here with their outbox state,
    // and, on an enumerator's records, the questions a reviewer flagged.
    const QStringList ddl = {
        QStringLiteral("CREATE TABLE review_submissions (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                       "instance_id TEXT NOT NULL UNIQUE, form_id TEXT NOT NULL, form_version "
                       "TEXT NOT NULL, submitter TEXT NOT NULL, review_state TEXT NOT NULL, "
                       "instance_name TEXT NOT NULL DEFAULT '', device_id TEXT NOT NULL DEFAULT "
                       "'', current_version TEXT NOT NULL, seen_version TEXT, created_at TEXT "
                       "NOT NULL, updated_at TEXT, change_seq INTEGER NOT NULL)"),
        QStringLiteral("CREATE INDEX review_submissions_created ON review_submissions "
                       "(created_at)"),
        QStringLiteral("CREATE TABLE review_versions (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                       "submission_row INTEGER NOT NULL REFERENCES review_submissions(id), "
                       "instance_id TEXT NOT NULL, deprecated_id TEXT, form_version TEXT NOT "
                       "NULL, device_id TEXT NOT NULL DEFAULT '', submitter TEXT NOT NULL DEFAULT "
                       "'', created_at TEXT NOT NULL, current INTEGER NOT NULL, xml BLOB NOT "
                       "NULL, UNIQUE (submission_row, instance_id))"),
        QStringLiteral("CREATE TABLE review_attachments (version_row INTEGER NOT NULL "
                       "REFERENCES review_versions(id), name TEXT NOT NULL, hash TEXT NOT NULL, "
                       "size INTEGER NOT NULL, file TEXT, PRIMARY KEY (version_row, name))"),
        QStringLiteral("CREATE TABLE review_comments (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                       "submission_row INTEGER NOT NULL REFERENCES review_submissions(id), "
                       "author TEXT NOT NULL, created_at TEXT NOT NULL, body TEXT NOT NULL)"),
        QStringLiteral("CREATE INDEX review_comments_submission ON review_comments "
                       "(submission_row)"),
        QStringLiteral("CREATE TABLE review_flags (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                       "submission_row INTEGER NOT NULL REFERENCES review_submissions(id), "
                       "version TEXT NOT NULL, path TEXT NOT NULL, note TEXT NOT NULL, author "
                       "TEXT NOT NULL, created_at TEXT NOT NULL)"),
        QStringLiteral("CREATE INDEX review_flags_submission ON review_flags (submission_row)"),
        QStringLiteral("CREATE TABLE review_decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                       "decision_id TEXT NOT NULL UNIQUE, submission_row INTEGER NOT NULL "
                       "REFERENCES review_submissions(id), state TEXT NOT NULL, comment TEXT NOT "
                       "NULL, flags TEXT NOT NULL, base_version TEXT NOT NULL, base_state TEXT "
                       "NOT NULL, status TEXT NOT NULL CHECK (status IN ('queued', 'sending', "
                       "'sent', 'conflict')), attempts INTEGER NOT NULL DEFAULT 0, last_error "
                       "TEXT, created_at TEXT NOT NULL, sent_at TEXT, server_version TEXT, "
                       "server_state TEXT)"),
        QStringLiteral("CREATE INDEX review_decisions_submission ON review_decisions "
                       "(submission_row, id)"),
        QStringLiteral("ALTER TABLE instances ADD COLUMN flags TEXT"),
        QStringLiteral("PRAGMA user_version = 5"),
    };
    return write(
        [&](StoreError *e) {
            for (const QString &sql : ddl) {
                if (!exec(sql, e))
                    return false;
            }
            return true;
        },
        error);
}

QDateTime Store::parseTime(const QVariant &v)
{
    if (v.isNull())
        return {};
    QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    t.setTimeSpec(Qt::UTC);
    return t;
}

// ---- forms ---------------------------------------------------------------------------

QString Store::formMediaDir(qint64 formRow) const
{
    return QDir(m_dir).filePath(QStringLiteral("forms/%1").arg(formRow));
}

namespace util {

/// Writes `content` to `path` atomically (temporary file, fsync, rename).
bool saveFile(const QString &path, const QByteArray &content, QString *why)
{
    if (!QDir().mkpath(QFileInfo(path).path())) {
        *why = Store::tr("cannot create the folder %1").arg(QFileInfo(path).path());
        return false;
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size() || !f.commit()) {
        *why = f.errorString();
        return false;
    }
    return true;
}

StoreError fileError(const QString &path, qint64 size, const QString &why)
{
    const QStorageInfo disk(QFileInfo(path).path());
    if (disk.isValid() && disk.bytesAvailable() < size + 65536)
        return makeError(StoreError::Kind::DiskFull,
                         Store::tr("The device storage is full, so %1 was not saved. Free some "
                                   "space; everything saved before is kept.")
                             .arg(QFileInfo(path).fileName()));
    if (disk.isValid() && disk.isReadOnly())
        return makeError(StoreError::Kind::ReadOnly,
                         Store::tr("The storage cannot be written, so %1 was not saved.")
                             .arg(QFileInfo(path).fileName()));
    return makeError(
        StoreError::Kind::Io,
        Store::tr("Cannot write %1: %2. Everything saved before is kept.").arg(path, why));
}

} // namespace util

std::optional<FormInfo> Store::addForm(const QByteArray &xml,
                                       const std::vector<std::pair<QString, QByteArray>> &media,
                                       const QString &server, StoreError *error, bool makeCurrent)
{
    for (const auto &m : media) {
        if (!validFileName(m.first)) {
            fail(error, StoreError::Kind::Invalid,
                 tr("The media file name '%1' is not a plain file name.").arg(m.first));
            return std::nullopt;
        }
    }
    // The engine decides whether the form is usable here, with its media.
    QTemporaryDir check(QDir(m_dir).filePath(QStringLiteral("tmp-XXXXXX")));
    QString why;
    for (const auto &[name, content] : media) {
        if (!check.isValid() || !saveFile(check.filePath(name), content, &why)) {
            if (error)
                *error = fileError(check.filePath(name), content.size(), why);
            return std::nullopt;
        }
    }
    form::FormDefinition::LoadOptions options;
    options.mediaDir = check.isValid() ? check.path() : QString();
    form::FormError fe;
    const auto def = form::FormDefinition::load(xml, options, &fe);
    if (!def) {
        fail(error, StoreError::Kind::Invalid,
             tr("The form cannot be used (line %1, column %2): %3")
                 .arg(fe.line)
                 .arg(fe.column)
                 .arg(fe.message));
        return std::nullopt;
    }
    const QString hash = md5Hash(xml);
    if (const auto existing = formVersion(def->formId, def->version, nullptr)) {
        if (existing->hash != hash) {
            fail(error, StoreError::Kind::Invalid,
                 tr("Form %1 version %2 is already on this device with different content; a "
                    "changed form needs a new version.")
                     .arg(def->formId, def->version));
            return std::nullopt;
        }
        for (const auto &[name, content] : media) {
            if (!putFormMedia(existing->row, name, content, error))
                return std::nullopt;
        }
        return existing;
    }
    qint64 row = 0;
    const bool ok = write(
        [&](StoreError *e) {
            // An older version kept only to read submissions made with it (a reviewer's)
            // leaves the current one alone, unless there is none.
            QSqlQuery older(m_db);
            older.prepare(makeCurrent
                              ? QStringLiteral("UPDATE forms SET current = 0 WHERE form_id = ?")
                              : QStringLiteral("SELECT COUNT(*) = 0 FROM forms WHERE form_id = ? "
                                               "AND current = 1"));
            older.addBindValue(def->formId);
            if (!older.exec()) {
                *e = fromSql(tr("adding the form"), older.lastError());
                return false;
            }
            const bool current = makeCurrent || (older.next() && older.value(0).toBool());
            older.finish();
            QSqlQuery ins(m_db);
            ins.prepare(QStringLiteral("INSERT INTO forms (form_id, version, title, hash, xml, "
                                       "server, current, added_at, updated_at) VALUES (?, ?, ?, "
                                       "?, ?, ?, ?, ?, ?)"));
            const QString t = now();
            for (const QVariant &value :
                 {QVariant(def->formId), QVariant(def->version), QVariant(def->title),
                  QVariant(hash), QVariant(xml), text(server), QVariant(current ? 1 : 0),
                  QVariant(t), QVariant(t)})
                ins.addBindValue(value);
            if (!ins.exec()) {
                *e = fromSql(tr("adding the form"), ins.lastError());
                return false;
            }
            row = ins.lastInsertId().toLongLong();
            for (const auto &[name, content] : media) {
                const QString path = QDir(formMediaDir(row)).filePath(name);
                QString whyFile;
                if (!saveFile(path, content, &whyFile)) {
                    *e = fileError(path, content.size(), whyFile);
                    return false;
                }
                if (!run(m_db,
                         "INSERT INTO form_media (form_row, name, hash, size) VALUES (?, ?, ?, ?)",
                         {row, name, md5Hash(content), content.size()}, e,
                         [this](const QSqlError &err) {
                             return fromSql(tr("adding the form"), err);
                         }))
                    return false;
            }
            return true;
        },
        error);
    if (!ok) {
        if (row > 0)
            QDir(formMediaDir(row)).removeRecursively();
        return std::nullopt;
    }
    return form(row, error);
}

bool Store::putFormMedia(qint64 formRow, const QString &name, const QByteArray &content,
                         StoreError *error)
{
    if (!validFileName(name))
        return fail(error, StoreError::Kind::Invalid,
                    tr("The media file name '%1' is not a plain file name.").arg(name));
    // The file is replaced atomically; the row follows. A crash in between leaves the new
    // file with the old hash, which only makes the next sync download it again.
    const QString path = QDir(formMediaDir(formRow)).filePath(name);
    QString why;
    if (!saveFile(path, content, &why)) {
        if (error)
            *error = fileError(path, content.size(), why);
        return false;
    }
    return write(
        [&](StoreError *e) {
            return run(
                m_db,
                "INSERT OR REPLACE INTO form_media (form_row, name, hash, size) VALUES (?, "
                "?, ?, ?)",
                {formRow, name, md5Hash(content), content.size()}, e,
                [this](const QSqlError &err) { return fromSql(tr("saving a media file"), err); });
        },
        error);
}

namespace {

FormInfo formFrom(const QSqlQuery &q)
{
    // Columns: id, form_id, version, title, hash, server, current, updated_at
    FormInfo f;
    f.row = q.value(0).toLongLong();
    f.formId = q.value(1).toString();
    f.version = q.value(2).toString();
    f.title = q.value(3).toString();
    f.hash = q.value(4).toString();
    f.server = q.value(5).toString();
    f.current = q.value(6).toInt() != 0;
    f.updatedAt = QDateTime::fromString(q.value(7).toString(), Qt::ISODateWithMs);
    return f;
}

const char *kFormColumns = "SELECT id, form_id, version, title, hash, server, current, "
                           "updated_at FROM forms";

} // namespace

std::vector<FormInfo> Store::forms(bool currentOnly, StoreError *error)
{
    QSqlQuery q(m_db);
    if (!q.exec(QLatin1String(kFormColumns) +
                (currentOnly ? QStringLiteral(" WHERE current = 1") : QString()) +
                QStringLiteral(" ORDER BY title, form_id, id DESC"))) {
        if (error)
            *error = fromSql(tr("listing forms"), q.lastError());
        return {};
    }
    std::vector<FormInfo> out;
    while (q.next())
        out.push_back(formFrom(q));
    return out;
}

std::optional<FormInfo> Store::form(qint64 formRow, StoreError *error)
{
    QSqlQuery q(m_db);
    q.prepare(QLatin1String(kFormColumns) + QStringLiteral(" WHERE id = ?"));
    q.addBindValue(formRow);
    if (!firstRow(q, tr("reading a form"), tr("There is no such form on this device."), error))
        return std::nullopt;
    return formFrom(q);
}

std::optional<FormInfo> Store::currentForm(const QString &formId, StoreError *error)
{
    QSqlQuery q(m_db);
    q.prepare(QLatin1String(kFormColumns) +
              QStringLiteral(" WHERE form_id = ? ORDER BY current DESC, id DESC LIMIT 1"));
    q.addBindValue(formId);
    if (!firstRow(q, tr("reading a form"),
                  tr("The form '%1' is not on this device: add it or sync with the server first.")
                      .arg(formId),
                  error))
        return std::nullopt;
    return formFrom(q);
}

std::optional<FormInfo> Store::formVersion(const QString &formId, const QString &version,
                                           StoreError *error)
{
    QSqlQuery q(m_db);
    q.prepare(QLatin1String(kFormColumns) + QStringLiteral(" WHERE form_id = ? AND version = ?"));
    q.addBindValue(formId);
    q.addBindValue(version);
    if (!firstRow(q, tr("reading a form"),
                  tr("Form '%1' version '%2' is not on this device.").arg(formId, version), error))
        return std::nullopt;
    return formFrom(q);
}

std::optional<QByteArray> Store::formXml(qint64 formRow, StoreError *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT xml FROM forms WHERE id = ?"));
    q.addBindValue(formRow);
    if (!firstRow(q, tr("reading a form"), tr("There is no such form on this device."), error))
        return std::nullopt;
    return q.value(0).toByteArray();
}

std::vector<MediaInfo> Store::formMedia(qint64 formRow, StoreError *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT name, hash, size FROM form_media WHERE form_row = ? ORDER "
                             "BY name"));
    q.addBindValue(formRow);
    std::vector<MediaInfo> out;
    if (!exec(q, tr("reading a form's media"), error))
        return out;
    while (q.next())
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong()});
    return out;
}

// ---- records -------------------------------------------------------------------------

RecordInfo Store::recordFrom(const QSqlQuery &q) const
{
    RecordInfo r;
    r.row = q.value(0).toLongLong();
    r.instanceId = q.value(1).toString();
    r.formId = q.value(2).toString();
    r.formVersion = q.value(3).toString();
    r.formRow = q.value(4).toLongLong();
    r.state = stateFromName(q.value(5).toString()).value_or(RecordState::Draft);
    r.instanceName = q.value(6).toString();
    r.deprecatedId = q.value(7).toString();
    r.reviewState = q.value(8).toString();
    r.comments = commentsFrom(q.value(9).toByteArray());
    r.createdAt = parseTime(q.value(10));
    r.updatedAt = parseTime(q.value(11));
    r.sentAt = parseTime(q.value(12));
    r.flags = flagsFrom(q.value(13).toByteArray());
    return r;
}

std::optional<RecordInfo> Store::createDraft(qint64 formRow, const QString &instanceId,
                                             const QByteArray &xml, const QString &instanceName,
                                             StoreError *error)
{
    if (instanceId.trimmed().isEmpty()) {
        fail(error, StoreError::Kind::Invalid, tr("A record needs an instanceID."));
        return std::nullopt;
    }
    const bool ok = write(
        [&](StoreError *e) {
            QSqlQuery q(m_db);
            q.prepare(QStringLiteral("INSERT INTO instances (instance_id, form_row, state, xml, "
                                     "instance_name, created_at, updated_at) VALUES (?, ?, "
                                     "'draft', ?, ?, ?, ?)"));
            const QString t = now();
            q.addBindValue(instanceId);
            q.addBindValue(formRow);
            q.addBindValue(xml);
            q.addBindValue(text(instanceName));
            q.addBindValue(t);
            q.addBindValue(t);
            if (!q.exec()) {
                // A constraint failure: the ID is taken or the form is unknown.
                if (q.lastError().nativeErrorCode().toInt() % 256 == 19) {
                    *e = makeError(StoreError::Kind::Invalid,
                                   tr("A record %1 already exists, or its form is not on this "
                                      "device.")
                                       .arg(instanceId));
                    return false;
                }
                *e = fromSql(tr("creating the record"), q.lastError());
                return false;
            }
            return true;
        },
        error);
    if (!ok)
        return std::nullopt;
    return record(instanceId, error);
}

std::optional<RecordInfo> Store::record(const QString &instanceId, StoreError *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT %1%2 WHERE i.instance_id = ?")
                  .arg(QLatin1String(kRecordColumns), QLatin1String(kRecordFrom)));
    q.addBindValue(instanceId);
    if (!firstRow(q, tr("reading a record"),
                  tr("There is no record %1 on this device.").arg(instanceId), error))
        return std::nullopt;
    return recordFrom(q);
}

std::optional<QByteArray> Store::recordXml(const QString &instanceId, StoreError *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT xml FROM instances WHERE instance_id = ?"));
    q.addBindValue(instanceId);
    if (!firstRow(q, tr("reading a record"),
                  tr("There is no record %1 on this device.").arg(instanceId), error))
        return std::nullopt;
    return q.value(0).toByteArray();
}

std::vector<RecordInfo> Store::records(std::optional<RecordState> state, StoreError *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT %1%2%3 ORDER BY i.updated_at DESC, i.id DESC")
                  .arg(QLatin1String(kRecordColumns), QLatin1String(kRecordFrom),
                       state ? QStringLiteral(" WHERE i.state = ?") : QString()));
    if (state)
        q.addBindValue(stateName(*state));
    std::vector<RecordInfo> out;
    if (!exec(q, tr("listing records"), error))
        return out;
    while (q.next())
        out.push_back(recordFrom(q));
    return out;
}

bool Store::changeState(const QString &instanceId, RecordState to,
                        const std::function<bool(qint64, RecordState, StoreError *)> &work,
                        StoreError *error)
{
    return write(
        [&](StoreError *e) {
            QSqlQuery q(m_db);
            q.prepare(QStringLiteral("SELECT id, state FROM instances WHERE instance_id = ?"));
            q.addBindValue(instanceId);
            if (!firstRow(q, tr("reading a record"),
                          tr("There is no record %1 on this device.").arg(instanceId), e))
                return false;
            const qint64 row = q.value(0).toLongLong();
            const RecordState from =
                stateFromName(q.value(1).toString()).value_or(RecordState::Draft);
            q.finish();
            if (!transitionAllowed(from, to))
                return fail(e, StoreError::Kind::NotAllowed,
                            tr("Record %1 is %2 and cannot become %3.")
                                .arg(instanceId, stateName(from), stateName(to)));
            QSqlQuery u(m_db);
            u.prepare(
                QStringLiteral("UPDATE instances SET state = ?, updated_at = ? WHERE id = ?"));
            u.addBindValue(stateName(to));
            u.addBindValue(now());
            u.addBindValue(row);
            if (!u.exec()) {
                *e = fromSql(tr("changing the record's state"), u.lastError());
                return false;
            }
            return work(row, from, e);
        },
        error);
}

bool Store::saveDraft(const QString &instanceId, const QByteArray &xml, const QString &instanceName,
                      StoreError *error)
{
    return write(
        [&](StoreError *e) {
            QSqlQuery q(m_db);
            q.prepare(QStringLiteral("UPDATE instances SET xml = ?, instance_name = ?, "
                                     "updated_at = ? WHERE instance_id = ? AND state = 'draft'"));
            q.addBindValue(xml);
            q.addBindValue(text(instanceName));
            q.addBindValue(now());
            q.addBindValue(instanceId);
            if (!q.exec()) {
                *e = fromSql(tr("saving the answer"), q.lastError());
                return false;
            }
            if (q.numRowsAffected() == 1)
                return true;
            const auto existing = record(instanceId, e);
            if (!existing)
                return false;
            return fail(e, StoreError::Kind::NotAllowed,
                        tr("Record %1 is %2: only a draft can be changed.")
                            .arg(instanceId, stateName(existing->state)));
        },
        error);
}

bool Store::finalize(const QString &instanceId, const QByteArray &xml, StoreError *error)
{
    const auto report = [this](const QSqlError &err) {
        return fromSql(tr("finalizing the record"), err);
    };
    return changeState(
        instanceId, RecordState::Finalized,
        [&](qint64 row, RecordState, StoreError *e) {
            const QString t = now();
            return run(m_db, "UPDATE instances SET xml = ?, finalized_at = ? WHERE id = ?",
                       {xml, t, row}, e, report) &&
                   run(m_db,
                       "INSERT OR REPLACE INTO outbox (instance_row, queued_at, attempts) VALUES "
                       "(?, ?, 0)",
                       {row, t}, e, report);
        },
        error);
}

bool Store::finalize(const QString &instanceId, const QByteArray &xml, const QStringList &files,
                     StoreError *error)
{
    // Every file an answer names must be there: a record sent without it would reach the
    // server with a hole nobody sees until the analysis.
    StoreError listing;
    const std::vector<AttachmentInfo> kept = attachments(instanceId, &listing);
    if (listing) {
        if (error)
            *error = listing;
        return false;
    }
    for (const QString &name : files) {
        const auto it = std::find_if(kept.begin(), kept.end(),
                                     [&name](const AttachmentInfo &a) { return a.name == name; });
        if (it == kept.end() || !QFileInfo(it->path).isFile())
            return fail(error, StoreError::Kind::Invalid,
                        tr("The file %1 that an answer names is missing from this record: take "
                           "or choose it again, then finalize.")
                            .arg(name));
    }
    return finalize(instanceId, xml, error);
}

bool Store::reopen(const QString &instanceId, StoreError *error)
{
    return changeState(
        instanceId, RecordState::Draft,
        [&](qint64 row, RecordState, StoreError *e) {
            QSqlQuery busy(m_db);
            busy.prepare(QStringLiteral("SELECT sending FROM outbox WHERE instance_row = ?"));
            busy.addBindValue(row);
            if (busy.exec() && busy.next() && busy.value(0).toInt() != 0)
                return fail(e, StoreError::Kind::NotAllowed,
                            tr("Record %1 is being sent right now; open it again when sending "
                               "has finished.")
                                .arg(instanceId));
            busy.finish();
            return run(
                m_db, "DELETE FROM outbox WHERE instance_row = ?", {row}, e,
                [this](const QSqlError &err) { return fromSql(tr("reopening the record"), err); });
        },
        error);
}

bool Store::markSent(const QString &instanceId, StoreError *error)
{
    const auto report = [this](const QSqlError &err) {
        return fromSql(tr("marking the record sent"), err);
    };
    return changeState(
        instanceId, RecordState::Sent,
        [&](qint64 row, RecordState, StoreError *e) {
            return run(m_db, "UPDATE instances SET sent_at = ? WHERE id = ?", {now(), row}, e,
                       report) &&
                   run(m_db, "DELETE FROM outbox WHERE instance_row = ?", {row}, e, report);
        },
        error);
}

std::optional<RecordInfo> Store::receiveReturned(qint64 formRow, const QString &instanceId,
                                                 const QByteArray &xml, const QString &reviewState,
                                                 const std::vector<Comment> &comments,
                                                 StoreError *error, bool *becameReturned,
                                                 const std::vector<ReviewFlag> &flags)
{
    const QByteArray flagText = flagsJson(flags);
    if (becameReturned)
        *becameReturned = false;
    const QByteArray commentText =
        QJsonDocument(commentsJson(comments)).toJson(QJsonDocument::Compact);
    const auto report = [this](const QSqlError &err) {
        return fromSql(tr("storing a returned record"), err);
    };
    QString current = instanceId;
    const bool ok = write(
        [&](StoreError *e) {
            QSqlQuery q(m_db);
            q.prepare(QStringLiteral("SELECT id, state, instance_id FROM instances WHERE "
                                     "instance_id = ? OR deprecated_id = ? ORDER BY id DESC "
                                     "LIMIT 1"));
            q.addBindValue(instanceId);
            q.addBindValue(instanceId);
            if (!q.exec()) {
                *e = report(q.lastError());
                return false;
            }
            const QString t = now();
            if (!q.next()) {
                // Not on this device (removed after sending, or another device): as returned.
                if (becameReturned)
                    *becameReturned = true;
                return run(m_db,
                           "INSERT INTO instances (instance_id, form_row, state, xml, "
                           "review_state, comments, flags, created_at, updated_at) VALUES (?, "
                           "?, 'returned', ?, ?, ?, ?, ?, ?)",
                           {instanceId, formRow, xml, reviewState, commentText, flagText, t, t}, e,
                           report);
            }
            const qint64 row = q.value(0).toLongLong();
            const RecordState state =
                stateFromName(q.value(1).toString()).value_or(RecordState::Draft);
            current = q.value(2).toString();
            q.finish();
            if (state == RecordState::Sent || state == RecordState::Returned) {
                // The server's copy is the one to correct.
                if (becameReturned)
                    *becameReturned = state == RecordState::Sent;
                return run(m_db,
                           "UPDATE instances SET state = 'returned', xml = ?, review_state = ?, "
                           "comments = ?, flags = ?, updated_at = ? WHERE id = ?",
                           {xml, reviewState, commentText, flagText, t, row}, e, report);
            }
            // Already being corrected here: the answers are the enumerator's; only the
            // comments and flags are news.
            return run(m_db,
                       "UPDATE instances SET review_state = ?, comments = ?, flags = ?, "
                       "updated_at = ? WHERE id = ?",
                       {reviewState, commentText, flagText, t, row}, e, report);
        },
        error);
    if (!ok)
        return std::nullopt;
    return record(current, error);
}

bool Store::startCorrection(const QString &instanceId, const QString &newInstanceId,
                            const QByteArray &xml, StoreError *error)
{
    return changeState(
        instanceId, RecordState::Draft,
        [&](qint64 row, RecordState, StoreError *e) {
            return run(m_db,
                       "UPDATE instances SET instance_id = ?, deprecated_id = ?, xml = ?, "
                       "sent_at = NULL WHERE id = ?",
                       {newInstanceId, instanceId, xml, row}, e, [this](const QSqlError &err) {
                           return fromSql(tr("reopening the returned record"), err);
                       });
        },
        error);
}

std::optional<QString> Store::correct(const QString &instanceId, StoreError *error)
{
    const auto r = record(instanceId, error);
    if (!r)
        return std::nullopt;
    if (r->state != RecordState::Returned) {
        fail(error, StoreError::Kind::NotAllowed,
             tr("Record %1 is %2: only a returned record is corrected.")
                 .arg(instanceId, stateName(r->state)));
        return std::nullopt;
    }
    const auto formBytes = formXml(r->formRow, error);
    const auto xml = recordXml(instanceId, error);
    if (!formBytes || !xml)
        return std::nullopt;
    form::FormDefinition::LoadOptions options;
    options.mediaDir = formMediaDir(r->formRow);
    form::FormError fe;
    const auto def = form::FormDefinition::load(*formBytes, options, &fe);
    if (!def) {
        fail(error, StoreError::Kind::Invalid,
             tr("The form cannot be used (line %1, column %2): %3")
                 .arg(fe.line)
                 .arg(fe.column)
                 .arg(fe.message));
        return std::nullopt;
    }
    form::FormSession session(def);
    QString why;
    if (!session.loadInstance(*xml, &why)) {
        fail(error, StoreError::Kind::Invalid,
             tr("The returned record %1 does not fit its form: %2").arg(instanceId, why));
        return std::nullopt;
    }
    session.beginEdit();
    const QString next = session.instanceId();
    if (next.isEmpty() || next == instanceId) {
        fail(error, StoreError::Kind::Invalid,
             tr("The form of record %1 has no meta/instanceID to give the correction.")
                 .arg(instanceId));
        return std::nullopt;
    }
    if (!startCorrection(instanceId, next, session.toXml(false), error))
        return std::nullopt;
    return next;
}

bool Store::removeSent(const QString &instanceId, StoreError *error)
{
    qint64 removed = 0;
    const bool ok = write(
        [&](StoreError *e) {
            const auto r = record(instanceId, e);
            if (!r)
                return false;
            if (r->state != RecordState::Sent)
                return fail(e, StoreError::Kind::NotAllowed,
                            tr("Record %1 is %2: only sent records can be removed.")
                                .arg(instanceId, stateName(r->state)));
            removed = r->row;
            const auto report = [this](const QSqlError &err) {
                return fromSql(tr("removing the record"), err);
            };
            return run(m_db, "DELETE FROM attachments WHERE instance_row = ?", {r->row}, e,
                       report) &&
                   run(m_db, "DELETE FROM outbox WHERE instance_row = ?", {r->row}, e, report) &&
                   run(m_db, "DELETE FROM instances WHERE id = ?", {r->row}, e, report);
        },
        error);
    if (ok) // the rows are gone for good; the files follow
        QDir(attachmentDir(removed)).removeRecursively();
    return ok;
}

// ---- attachments -----------------------------------------------------------------------

QString Store::attachmentDir(qint64 instanceRow) const
{
    return QDir(m_dir).filePath(QStringLiteral("attachments/%1").arg(instanceRow));
}

bool Store::putAttachment(const QString &instanceId, const QString &name, const QByteArray &content,
                          StoreError *error)
{
    if (!validFileName(name))
        return fail(error, StoreError::Kind::Invalid,
                    tr("The file name '%1' is not a plain file name.").arg(name));
    const auto r = record(instanceId, error);
    if (!r)
        return false;
    if (r->state != RecordState::Draft)
        return fail(error, StoreError::Kind::NotAllowed,
                    tr("Record %1 is %2: only a draft can take files.")
                        .arg(instanceId, stateName(r->state)));
    // The new bytes go to a file of their own first; the row then points at it in one
    // commit; the file it replaces is removed afterwards. A crash at any point leaves the
    // row and its file in agreement (at worst an unreferenced new file).
    const QString sha = sha256Hex(content);
    const QString file = sha.left(16) + QLatin1Char('-') + name;
    const QString path = QDir(attachmentDir(r->row)).filePath(file);
    QString why;
    if (!QFileInfo::exists(path) && !saveFile(path, content, &why)) {
        if (error)
            *error = fileError(path, content.size(), why);
        return false;
    }
    QString previous;
    const bool ok = write(
        [&](StoreError *e) {
            QSqlQuery old(m_db);
            old.prepare(
                QStringLiteral("SELECT file FROM attachments WHERE instance_row = ? AND name = ?"));
            old.addBindValue(r->row);
            old.addBindValue(name);
            if (old.exec() && old.next())
                previous = old.value(0).toString();
            old.finish();
            return run(m_db,
                       "INSERT OR REPLACE INTO attachments (instance_row, name, file, size, "
                       "sha256) VALUES (?, ?, ?, ?, ?)",
                       {r->row, name, file, content.size(), sha}, e, [this](const QSqlError &err) {
                           return fromSql(tr("saving the file"), err);
                       });
        },
        error);
    if (ok && !previous.isEmpty() && previous != file)
        QFile::remove(QDir(attachmentDir(r->row)).filePath(previous));
    return ok;
}

std::vector<AttachmentInfo> Store::attachments(const QString &instanceId, StoreError *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT a.instance_row, a.name, a.size, a.sha256, a.file FROM "
                             "attachments a JOIN instances i ON i.id = a.instance_row WHERE "
                             "i.instance_id = ? ORDER BY a.name"));
    q.addBindValue(instanceId);
    std::vector<AttachmentInfo> out;
    if (!exec(q, tr("listing a record's files"), error))
        return out;
    while (q.next())
        out.push_back({q.value(1).toString(),
                       QDir(attachmentDir(q.value(0).toLongLong())).filePath(q.value(4).toString()),
                       q.value(2).toLongLong(), q.value(3).toString()});
    return out;
}

// ---- outbox and log --------------------------------------------------------------------

std::vector<OutboxEntry> Store::outbox(bool dueOnly, StoreError *error)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT o.instance_row, i.instance_id, o.attempts, "
                             "o.next_attempt_at, o.last_error FROM outbox o JOIN instances i ON "
                             "i.id = o.instance_row WHERE i.state = 'finalized'%1 ORDER BY "
                             "o.queued_at, o.instance_row")
                  .arg(dueOnly ? QStringLiteral(" AND (o.next_attempt_at IS NULL OR "
                                                "o.next_attempt_at <= ?)")
                               : QString()));
    if (dueOnly)
        q.addBindValue(now());
    std::vector<OutboxEntry> out;
    if (!exec(q, tr("reading the outbox"), error))
        return out;
    while (q.next())
        out.push_back({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toInt(),
                       parseTime(q.value(3)), q.value(4).toString()});
    return out;
}

bool Store::claimForSending(const QString &instanceId, StoreError *error)
{
    bool claimed = false;
    const bool ok = write(
        [&](StoreError *e) {
            QSqlQuery q(m_db);
            q.prepare(QStringLiteral("UPDATE outbox SET sending = 1 WHERE instance_row = (SELECT "
                                     "id FROM instances WHERE instance_id = ? AND state = "
                                     "'finalized')"));
            q.addBindValue(instanceId);
            if (!q.exec()) {
                *e = fromSql(tr("preparing to send"), q.lastError());
                return false;
            }
            claimed = q.numRowsAffected() == 1;
            return true;
        },
        error);
    return ok && claimed;
}

bool Store::releaseSending(const QString &instanceId, StoreError *error)
{
    return write(
        [&](StoreError *e) {
            return run(m_db,
                       "UPDATE outbox SET sending = 0 WHERE instance_row = (SELECT id FROM "
                       "instances WHERE instance_id = ?)",
                       {instanceId}, e, [this](const QSqlError &err) {
                           return fromSql(tr("preparing to send"), err);
                       });
        },
        error);
}

bool Store::releaseAllSending(StoreError *error)
{
    return write(
        [&](StoreError *e) {
            return run(
                m_db, "UPDATE outbox SET sending = 0 WHERE sending <> 0", {}, e,
                [this](const QSqlError &err) { return fromSql(tr("preparing to send"), err); });
        },
        error);
}

bool Store::retryNow(const QStringList &codes, StoreError *error)
{
    if (codes.isEmpty())
        return true;
    QStringList marks;
    QVariantList values;
    for (const QString &code : codes) {
        marks << QStringLiteral("?");
        values << code;
    }
    return write(
        [&](StoreError *e) {
            QSqlQuery q(m_db);
            q.prepare(QStringLiteral("UPDATE outbox SET next_attempt_at = NULL WHERE last_code "
                                     "IN (%1)")
                          .arg(marks.join(QLatin1Char(','))));
            for (const QVariant &v : values)
                q.addBindValue(v);
            if (!q.exec()) {
                *e = fromSql(tr("preparing to send"), q.lastError());
                return false;
            }
            return true;
        },
        error);
}

bool Store::recordFailure(const QString &instanceId, const QString &message,
                          const QDateTime &retryAt, StoreError *error, const QString &code,
                          const QStringList &args)
{
    const auto report = [this](const QSqlError &err) {
        return fromSql(tr("noting the failed send"), err);
    };
    return write(
        [&](StoreError *e) {
            return run(m_db,
                       "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, "
                       "last_error = ?, last_code = ?, sending = 0 WHERE instance_row = (SELECT "
                       "id FROM instances WHERE instance_id = ?)",
                       {retryAt.toUTC().toString(Qt::ISODateWithMs), message,
                        code.isEmpty() ? QVariant() : QVariant(code), instanceId},
                       e, report) &&
                   appendLog(instanceId, QStringLiteral("failed"), message, code, args, e);
        },
        error);
}

bool Store::log(const QString &instanceId, const QString &outcome, const QString &message,
                StoreError *error, const QString &code, const QStringList &args)
{
    return write(
        [&](StoreError *e) { return appendLog(instanceId, outcome, message, code, args, e); },
        error);
}

bool Store::appendLog(const QString &instanceId, const QString &outcome, const QString &message,
                      const QString &code, const QStringList &args, StoreError *e)
{
    // The entry keeps its record's row (the record keeps it through corrections, each
    // sent under a new instanceID) and whether this instanceID is a correction's.
    const QVariant id = instanceId.isEmpty() ? QVariant() : QVariant(instanceId);
    return run(
        m_db,
        "INSERT INTO sync_log (at, instance_id, outcome, message, code, args, record_row, "
        "correction) VALUES (?, ?, ?, ?, ?, ?, (SELECT id FROM instances WHERE instance_id = ?), "
        "COALESCE((SELECT COALESCE(deprecated_id, '') <> '' FROM instances WHERE instance_id = "
        "?), 0))",
        {now(), id, outcome, message, code.isEmpty() ? QVariant() : QVariant(code), argsJson(args),
         id, id},
        e, [this](const QSqlError &err) { return fromSql(tr("writing the sync log"), err); });
}

std::vector<LogEntry> Store::syncLog(int limit, const QString &instanceId, StoreError *error)
{
    QSqlQuery q(m_db);
    q.prepare(
        QStringLiteral("SELECT l.at, l.instance_id, l.outcome, l.message, l.code, l.args, "
                       "i.instance_name, f.title, l.correction FROM sync_log l LEFT JOIN "
                       "instances i ON i.id = l.record_row LEFT JOIN forms f ON f.id = "
                       "i.form_row%1 ORDER BY l.id DESC LIMIT ?")
            .arg(instanceId.isEmpty() ? QString() : QStringLiteral(" WHERE l.instance_id = ?")));
    if (!instanceId.isEmpty())
        q.addBindValue(instanceId);
    q.addBindValue(limit);
    std::vector<LogEntry> out;
    if (!exec(q, tr("reading the sync log"), error))
        return out;
    while (q.next()) {
        QStringList args;
        for (const QJsonValue &v : QJsonDocument::fromJson(q.value(5).toByteArray()).array())
            args << v.toString();
        out.push_back({parseTime(q.value(0)), q.value(1).toString(), q.value(2).toString(),
                       q.value(3).toString(), q.value(4).toString(), args, q.value(6).toString(),
                       q.value(7).toString(), q.value(8).toBool()});
    }
    return out;
}

// ---- settings --------------------------------------------------------------------------

QString Store::setting(const QString &key, const QString &fallback)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT value FROM settings WHERE key = ?"));
    q.addBindValue(key);
    if (q.exec() && q.next())
        return q.value(0).toString();
    return fallback;
}

bool Store::setSetting(const QString &key, const QString &value, StoreError *error)
{
    return write(
        [&](StoreError *e) {
            return run(
                m_db, "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", {key, value}, e,
                [this](const QSqlError &err) { return fromSql(tr("saving a setting"), err); });
        },
        error);
}

} // namespace survey::store
