// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace survey::server {

/// Where the server keeps its data: `sqlite:PATH` or
/// `postgresql://USER:PASS@HOST:PORT/DB`.
struct DatabaseUrl
{
    Q_DECLARE_TR_FUNCTIONS(DatabaseUrl)
public:
    enum class Kind { Sqlite, Postgres };
    Kind kind = Kind::Sqlite;
    QString path; ///< SQLite file
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString name; ///< PostgreSQL database

    static std::optional<DatabaseUrl> parse(const QString &url, QString *error);
};

/// One connection (per thread) to the server database, with versioned migrations:
/// each migration runs in a transaction and is rolled back whole on failure, and a
/// database written by a newer server is refused rather than touched.
class Database
{
    Q_DECLARE_TR_FUNCTIONS(Database)
public:
    static constexpr int kSchemaVersion = 8;

    explicit Database(DatabaseUrl url);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    bool open(QString *error);
    /// 0 for an empty database; -1 with `error` set when it cannot be read.
    int schemaVersion(QString *error);
    /// Brings the schema to kSchemaVersion (refusing a newer one).
    bool migrate(QString *error);

    QSqlDatabase &db() { return m_db; }
    /// A query of this connection prepared once and kept for the connection's life, for the
    /// statements every submission runs (PostgreSQL otherwise parses, plans and deallocates
    /// each again, three round trips each time). Bind its values and exec it; finish() it
    /// once read. Not for two uses at the same time. Null with `error` (what the driver
    /// said) when it cannot be prepared; it is then not kept, and the next call tries again.
    QSqlQuery *prepared(const QString &sql, QSqlError *error);
    bool isSqlite() const { return m_url.kind == DatabaseUrl::Kind::Sqlite; }

    /// Runs `work` in a write transaction (SQLite: BEGIN IMMEDIATE); commits when it
    /// returns true, rolls back otherwise or when the commit fails. Finish (or let go of)
    /// every query still positioned on a row of this connection first: in WAL an open read
    /// holds an old snapshot, and SQLite then refuses the write at once ("database is
    /// locked") whenever another writer committed meanwhile, without waiting.
    bool write(const std::function<bool(QString *)> &work, QString *error);

    /// One write of a group (see GroupCommit): false with a message undoes it alone.
    using Step = std::function<bool(QString *)>;
    struct StepResult
    {
        bool ok = false;
        QString error;
    };
    /// Runs `steps` in one transaction, each in a savepoint of its own (a failed step is
    /// rolled back to it, the others stay), and commits them together. False with
    /// `commitError` when the transaction as a whole failed: then none of them is stored.
    bool writeEach(const std::vector<Step> &steps, std::vector<StepResult> *results,
                   QString *commitError);

    /// A message for a failed query, naming what was being done.
    static QString failure(const QString &what, const QString &driverText);
    /// The same from the driver's error, saying so plainly when the disk is full or
    /// cannot be written.
    static QString failure(const QString &what, const QSqlError &error);
    /// The database could not grow or write: disk (or file size limit) full, I/O error.
    static bool outOfSpace(const QSqlError &error);
    /// Several servers on one PostgreSQL: two of them inserting the same key at once, the
    /// second waits for the first and then fails on the unique constraint. A write that
    /// failed so calls this (true when it was that); write() and writeEach() then undo it and
    /// run it once more, when it sees what the other server stored.
    bool retryOnConflict(const QSqlQuery &failed);
    static bool uniqueViolation(const QSqlError &error);
    /// Whether the last failed write() failed for want of space (see outOfSpace()).
    bool lastWriteOutOfSpace() const { return m_outOfSpace; }
    static QString now();
    /// SQL setting submission `?`'s change_seq past every other: the review feed's cursor
    /// (GET …/review/feed?after=). Run in the write that changed the submission.
    static const char *bumpChangeSql();

private:
    bool exec(const QString &sql, QString *error, const QString &what = {});
    bool migrateTo1(QString *error);
    bool migrateTo2(QString *error);
    bool migrateTo3(QString *error);
    bool migrateTo4(QString *error);
    bool migrateTo5(QString *error);
    bool migrateTo6(QString *error);
    bool migrateTo7(QString *error);
    bool migrateTo8(QString *error);

    DatabaseUrl m_url;
    QString m_connection;
    QSqlDatabase m_db;
    struct SqlHash
    {
        std::size_t operator()(const QString &sql) const { return qHash(sql); }
    };
    std::unordered_map<QString, std::unique_ptr<QSqlQuery>, SqlHash> m_prepared; ///< by SQL
    bool m_outOfSpace = false;
    bool m_retry = false; ///< the step that just failed is to run again
};

} // namespace survey::server
