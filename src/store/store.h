// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QObject>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace survey::store {

Q_NAMESPACE

/// Where a record is in its life on the device (ARCHITECTURE.md):
/// draft → finalized → sent; finalized → draft (reopened before sending);
/// sent → returned (a supervisor sent it back) → draft (being corrected, with a new
/// instanceID and deprecatedID = the returned one) → finalized → sent.
enum class RecordState { Draft, Finalized, Sent, Returned };
Q_ENUM_NS(RecordState)

QString stateName(RecordState state);
std::optional<RecordState> stateFromName(const QString &name);
/// The one place that says which moves are allowed.
bool transitionAllowed(RecordState from, RecordState to);

/// Why a store operation failed. Every failure leaves the stored data as it was.
struct StoreError
{
    enum class Kind {
        None,
        DiskFull,   ///< no space left (or the file may not grow)
        ReadOnly,   ///< the storage cannot be written
        Io,         ///< the storage failed to read or write
        Corrupt,    ///< the database file is damaged or not a database
        TooNew,     ///< written by a newer version of the app
        NotFound,   ///< no such form or record
        NotAllowed, ///< a state change the rules forbid (e.g. editing a sent record)
        Invalid,    ///< bad input (a form the engine refuses, a bad file name)
    };
    Kind kind = Kind::None;
    QString message; ///< in the current language, saying what happened and what to do
    explicit operator bool() const { return kind != Kind::None; }
};

struct FormInfo
{
    qint64 row = 0;
    QString formId;
    QString version;
    QString title;
    QString hash; ///< "md5:…" of the exact form bytes
    QString server;
    bool current = true; ///< the newest version of its formID on this device
    QDateTime updatedAt;
};

struct MediaInfo
{
    QString name;
    QString hash; ///< "md5:…", as manifests give it
    qint64 size = 0;
};

struct Comment
{
    QString author;
    QString at;
    QString body;
};

/// A question a reviewer flagged: its path in the instance (/data/group/question, with [n]
/// on a repeat's entries) and the note for the enumerator.
struct ReviewFlag
{
    QString path;
    QString note;
    QString author;
    QString at;
    QString version; ///< the version (instanceID) it was made on
};

struct RecordInfo
{
    qint64 row = 0;
    QString instanceId;
    QString formId;
    QString formVersion;
    qint64 formRow = 0;
    RecordState state = RecordState::Draft;
    QString instanceName;
    QString deprecatedId;
    QString reviewState; ///< the server's, for returned records
    std::vector<Comment> comments;
    std::vector<ReviewFlag> flags; ///< questions the reviewer flagged, for returned records
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime sentAt;
};

struct AttachmentInfo
{
    QString name;
    QString path; ///< the file in the store's folder
    qint64 size = 0;
    QString sha256; ///< hex
};

/// A finalized record waiting to be sent.
struct OutboxEntry
{
    qint64 row = 0;
    QString instanceId;
    int attempts = 0;
    QDateTime nextAttemptAt; ///< invalid: now
    QString lastError;
};

struct LogEntry
{
    QDateTime at;
    QString instanceId;
    QString outcome;  ///< "sent", "failed", "returned", "info"
    QString message;  ///< in the language of the moment it was written
    QString code;     ///< when set, the message is code + args, to be shown in the language
    QStringList args; ///< of the moment it is read (survey::sync::describe)
    /// The record as the device has it now (empty when it has been removed): a correction
    /// sent under a new instanceID and its original are the same record.
    QString instanceName;
    QString formTitle;
    bool correction = false; ///< the entry is about a correction (an edit sent again)
};

/// The device's store: forms, records (instances), attachments, outbox, sync log and
/// settings in SQLite (WAL, synchronous=FULL: a change is on disk when a call returns
/// true), attachment and media files beside it. One Store per thread.
///
/// Guarantees: every successful call is durable, even if the process is killed or the
/// power fails right after; a failed call changes nothing; no call deletes a record that
/// is not sent (removeSent() is the only way to delete one).
class Store
{
    Q_DECLARE_TR_FUNCTIONS(Store)
public:
    static constexpr int kSchemaVersion = 5;

    /// Opens (creating and migrating when needed) the store in folder `dataDir`.
    static std::unique_ptr<Store> open(const QString &dataDir, StoreError *error);
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    QString dataDir() const { return m_dir; }
    QSqlDatabase &db() { return m_db; }

    // ---- forms ---------------------------------------------------------------------
    /// Adds a form (checked by the form engine with its media) or returns the one already
    /// stored with the same formID, version and bytes. A new version of a formID becomes
    /// current (unless `makeCurrent` is false: a version kept to read submissions made with
    /// it); old versions stay for the records made with them.
    std::optional<FormInfo> addForm(const QByteArray &xml,
                                    const std::vector<std::pair<QString, QByteArray>> &media,
                                    const QString &server, StoreError *error,
                                    bool makeCurrent = true);
    /// Replaces or adds one media file of a stored form (from a manifest download).
    bool putFormMedia(qint64 formRow, const QString &name, const QByteArray &content,
                      StoreError *error);
    std::vector<FormInfo> forms(bool currentOnly, StoreError *error);
    std::optional<FormInfo> form(qint64 formRow, StoreError *error);
    /// The current version of `formId`.
    std::optional<FormInfo> currentForm(const QString &formId, StoreError *error);
    std::optional<FormInfo> formVersion(const QString &formId, const QString &version,
                                        StoreError *error);
    std::optional<QByteArray> formXml(qint64 formRow, StoreError *error);
    std::vector<MediaInfo> formMedia(qint64 formRow, StoreError *error);
    /// The folder holding the form's media files (for the form engine).
    QString formMediaDir(qint64 formRow) const;

    // ---- records -------------------------------------------------------------------
    /// A new draft of a form. `instanceId` must be new ("uuid:…").
    std::optional<RecordInfo> createDraft(qint64 formRow, const QString &instanceId,
                                          const QByteArray &xml, const QString &instanceName,
                                          StoreError *error);
    /// Saves a draft's answers (the whole instance XML). Durable when it returns true.
    bool saveDraft(const QString &instanceId, const QByteArray &xml, const QString &instanceName,
                   StoreError *error);
    /// Draft → finalized with its final XML; queued in the outbox.
    bool finalize(const QString &instanceId, const QByteArray &xml, StoreError *error);
    /// The same, refusing (Kind::Invalid, naming it) while a file the answers name (`files`:
    /// FormSession::fileAnswers()) is not kept with the record or its copy is gone.
    bool finalize(const QString &instanceId, const QByteArray &xml, const QStringList &files,
                  StoreError *error);
    /// Finalized → draft (edited before it was sent); off the outbox. Refused while the
    /// record is being sent (claimForSending()).
    bool reopen(const QString &instanceId, StoreError *error);
    /// Sent → returned, or a new returned record when this device no longer has it. When the
    /// record is already returned or being corrected here, only the comments (and, while
    /// returned, the server's XML) are updated. `becameReturned`: whether it is news.
    std::optional<RecordInfo> receiveReturned(qint64 formRow, const QString &instanceId,
                                              const QByteArray &xml, const QString &reviewState,
                                              const std::vector<Comment> &comments,
                                              StoreError *error, bool *becameReturned = nullptr,
                                              const std::vector<ReviewFlag> &flags = {});
    /// Returned → draft for correction: the record takes `newInstanceId` and `xml` (which
    /// carries deprecatedID = the returned instanceID).
    bool startCorrection(const QString &instanceId, const QString &newInstanceId,
                         const QByteArray &xml, StoreError *error);
    /// The same, done with the form engine: reopens the returned record's XML as an edit
    /// (a new instanceID, deprecatedID = the returned one). The new instanceID.
    std::optional<QString> correct(const QString &instanceId, StoreError *error);
    /// Finalized → sent (the server answered 201/202); off the outbox.
    bool markSent(const QString &instanceId, StoreError *error);
    /// Deletes a sent record and its attachment files. Refused for any other state.
    bool removeSent(const QString &instanceId, StoreError *error);

    std::optional<RecordInfo> record(const QString &instanceId, StoreError *error);
    std::optional<QByteArray> recordXml(const QString &instanceId, StoreError *error);
    /// All records, newest change first; `state` filters when given.
    std::vector<RecordInfo> records(std::optional<RecordState> state, StoreError *error);

    // ---- attachments ---------------------------------------------------------------
    /// Stores a file answer of a draft (written atomically, then recorded).
    bool putAttachment(const QString &instanceId, const QString &name, const QByteArray &content,
                       StoreError *error);
    std::vector<AttachmentInfo> attachments(const QString &instanceId, StoreError *error);

    // ---- outbox and sync log -------------------------------------------------------
    /// Finalized records due for sending (next attempt time passed), oldest first.
    std::vector<OutboxEntry> outbox(bool dueOnly, StoreError *error);
    /// Marks a queued record as being sent, so that it cannot be reopened (and changed)
    /// until the server has answered. False when it is no longer finalized and queued.
    bool claimForSending(const QString &instanceId, StoreError *error);
    /// The claim ends without the record being sent (failure, cancel).
    bool releaseSending(const QString &instanceId, StoreError *error);
    /// Claims left by a sender that died: released (one sender per store).
    bool releaseAllSending(StoreError *error);
    /// Records whose last failure had one of these codes are due again at once (the
    /// connection they lacked is back).
    bool retryNow(const QStringList &codes, StoreError *error);
    /// A failed attempt: the record stays queued; tried again from `retryAt`.
    bool recordFailure(const QString &instanceId, const QString &message, const QDateTime &retryAt,
                       StoreError *error, const QString &code = {}, const QStringList &args = {});
    bool log(const QString &instanceId, const QString &outcome, const QString &message,
             StoreError *error, const QString &code = {}, const QStringList &args = {});
    std::vector<LogEntry> syncLog(int limit, const QString &instanceId, StoreError *error);

    // ---- settings ------------------------------------------------------------------
    QString setting(const QString &key, const QString &fallback = {});
    bool setSetting(const QString &key, const QString &value, StoreError *error);

private:
    explicit Store(QString dir);
    bool openDb(StoreError *error);
    bool migrate(StoreError *error);
    bool migrateTo1(StoreError *error);
    bool migrateTo2(StoreError *error);
    bool migrateTo3(StoreError *error);
    bool migrateTo4(StoreError *error);
    bool migrateTo5(StoreError *error);
    friend class ReviewStore;
    /// One sync log entry, inside the caller's transaction.
    bool appendLog(const QString &instanceId, const QString &outcome, const QString &message,
                   const QString &code, const QStringList &args, StoreError *e);
    /// Runs `work` in one IMMEDIATE transaction; rolls back on failure.
    bool write(const std::function<bool(StoreError *)> &work, StoreError *error);
    bool exec(const QString &sql, StoreError *error);
    StoreError fromSql(const QString &what, const class QSqlError &e) const;
    /// Runs `q`; false with the error reported as `what` when it fails.
    bool exec(class QSqlQuery &q, const QString &what, StoreError *error) const;
    /// Runs `q`, which should find one row, and moves onto it: false with a read error
    /// (`reading`) or NotFound (`missing`) otherwise.
    bool firstRow(class QSqlQuery &q, const QString &reading, const QString &missing,
                  StoreError *error) const;
    bool changeState(const QString &instanceId, RecordState to,
                     const std::function<bool(qint64 row, RecordState from, StoreError *)> &work,
                     StoreError *error);
    QString attachmentDir(qint64 instanceRow) const;
    static QDateTime parseTime(const QVariant &v);
    RecordInfo recordFrom(const class QSqlQuery &q) const;

    QString m_dir;
    QString m_connection;
    QSqlDatabase m_db;
};

/// A plain file name (no folders, not hidden): what attachments and media may be called.
bool validFileName(const QString &name);
QString md5Hash(const QByteArray &bytes);

} // namespace survey::store
