// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "store.h"

#include <map>

namespace survey::store {

struct ReviewAttachment
{
    QString name;
    QString hash; ///< "md5:…" as the server gives it
    qint64 size = 0;
    QString path; ///< the file in the store's folder; empty while not downloaded
};

/// One version of a submission under review: the first one, then each correction.
struct ReviewVersion
{
    qint64 row = 0;
    QString instanceId;
    QString deprecatedId;
    QString formVersion;
    QString deviceId;
    QString submitter;
    QDateTime createdAt;
    bool current = false;
    QByteArray xml; ///< filled when asked for
    std::vector<ReviewAttachment> attachments;
};

/// Where a decision made on this device is: waiting to be sent (queued), being sent,
/// taken by the server (sent), or refused because the submission changed meanwhile
/// (conflict: the reviewer looks again and decides anew).
enum class DecisionStatus { Queued, Sending, Sent, Conflict };
QString decisionStatusName(DecisionStatus status);

struct ReviewDecision
{
    qint64 row = 0;
    QString decisionId; ///< made here, sent with the decision: the server applies it once
    QString instanceId; ///< the submission's (its first instanceID)
    QString formId;
    QString state; ///< approved, hasIssues, rejected
    QString comment;
    std::vector<ReviewFlag> flags;
    QString baseVersion; ///< the version the reviewer saw
    QString baseState;   ///< the review state the reviewer saw
    DecisionStatus status = DecisionStatus::Queued;
    int attempts = 0;
    QString lastError;
    QDateTime createdAt;
    QDateTime sentAt;
    QString serverVersion; ///< on conflict: what the server has now
    QString serverState;
};

/// A submission pulled for review (the review copy; the enumerator's own records are
/// elsewhere).
struct ReviewSubmission
{
    qint64 row = 0;
    QString instanceId; ///< the first instanceID, as ODK Central addresses it
    QString formId;
    QString formVersion; ///< the current version's
    QString submitter;
    QString reviewState; ///< the server's, as last pulled
    QString instanceName;
    QString deviceId;
    QString currentVersion; ///< the current version's instanceID
    QString seenVersion;    ///< the version the reviewer last decided on (empty: never)
    QDateTime createdAt;
    QDateTime updatedAt;
    qint64 changeSeq = 0;
    int versionCount = 0;
    bool attachmentsComplete = true;
    /// The latest decision made here, if any.
    std::optional<DecisionStatus> decisionStatus;
    QString decisionState;
    /// What the reviewer sees as its state: a decision not yet confirmed by a pull counts.
    QString shownState() const;
};

/// What a pull brings for one submission.
struct PulledSubmission
{
    ReviewSubmission head;
    std::vector<ReviewVersion> versions; ///< with xml and attachments listed
    std::vector<Comment> comments;
    std::vector<ReviewFlag> flags;
};

struct ReviewFilter
{
    QString formId;
    QString submitter;
    QString state;  ///< a shown state (shownState())
    QString search; ///< in instance names, case-insensitive
    QDateTime from;
    QDateTime to;
    enum class Sort { Newest, Oldest, Submitter, Name, State };
    Sort sort = Sort::Newest;
};

/// A pulled submission's current version, as the analysis reads it.
struct CurrentVersion
{
    QString instanceId; ///< the submission's (its first instanceID)
    QString versionId;  ///< the current version's instanceID
    QString submitter;
    QString shownState; ///< as ReviewSubmission::shownState()
    QDateTime createdAt;
    QByteArray xml;
};

/// An attachment listed by a pull and not yet downloaded.
struct MissingAttachment
{
    qint64 versionRow = 0;
    QString instanceId; ///< the submission's
    QString formId;
    QString versionId; ///< the version's instanceID
    QString name;
    QString hash;
    qint64 size = 0;
};

/// One enumerator's pulled submissions, for the team page.
struct SubmitterCounts
{
    int today = 0;
    int week = 0;
    int total = 0;
    int waiting = 0;  ///< received or edited, with no decision of this device waiting
    int sentBack = 0; ///< has issues or rejected, not corrected yet
    int approved = 0;
};

/// A supervisor's review copies and decisions in the device's store (same database, same
/// guarantees: a call that returns true is on disk).
class ReviewStore
{
    Q_DECLARE_TR_FUNCTIONS(ReviewStore)
public:
    explicit ReviewStore(Store &store)
        : m_store(store)
    {}

    // ---- pulling ---------------------------------------------------------------------
    /// The change after which the next pull by `account` ("user@server") starts (0: from
    /// the start). A store last pulled by another account starts again.
    qint64 cursor(const QString &account);
    /// One page of the feed, with the cursor after it, in one transaction. The first page
    /// for another account than the last forgets that account's copies (refused while its
    /// decisions are not sent).
    /// `notes`: what was left out, in words (two forms' submissions under one instanceID).
    bool storePulled(const QString &account, const std::vector<PulledSubmission> &page,
                     qint64 cursor, StoreError *error, QStringList *notes = nullptr);
    std::vector<MissingAttachment> missingAttachments(StoreError *error);
    /// The form versions pulled submissions were made with that this device does not have:
    /// (formId, version) pairs.
    std::vector<std::pair<QString, QString>> missingFormVersions(StoreError *error);
    /// Keeps a downloaded attachment (refused when its md5 is not the listed one).
    bool putAttachment(qint64 versionRow, const QString &name, const QByteArray &content,
                       StoreError *error);
    /// The team as the server last described it (GET …/team), kept for offline use.
    bool setTeam(const QByteArray &json, StoreError *error);
    QByteArray team();

    // ---- reading ---------------------------------------------------------------------
    std::vector<ReviewSubmission> submissions(const ReviewFilter &filter, StoreError *error);
    std::optional<ReviewSubmission> submission(const QString &instanceId, StoreError *error);
    /// Every pulled submission of the form with its current version, oldest first, in one
    /// query (the analysis reads thousands).
    std::vector<CurrentVersion> currentVersions(const QString &formId, StoreError *error);
    /// Oldest first; `withXml` fills each version's xml.
    std::vector<ReviewVersion> versions(qint64 submissionRow, bool withXml, StoreError *error);
    std::vector<Comment> comments(qint64 submissionRow, StoreError *error);
    std::vector<ReviewFlag> flags(qint64 submissionRow, StoreError *error);
    /// Submissions per shown state.
    std::map<QString, int> counts(StoreError *error);
    /// The forms the pulled submissions are of.
    QStringList formIds(StoreError *error);
    /// Per submitter, with "today" and "this week" starting at the given times.
    std::map<QString, SubmitterCounts>
    submitterCounts(const QDateTime &dayStart, const QDateTime &weekStart, StoreError *error);
    /// The reviewer has seen the current version (deciding on it marks it so too): the next
    /// changes view starts from it.
    bool markSeen(const QString &instanceId, StoreError *error);

    // ---- deciding --------------------------------------------------------------------
    /// Stores a decision on the submission's current version and queues it; it replaces a
    /// decision on the same submission not yet sent. A comment is required for hasIssues
    /// and rejected; flags only go with hasIssues.
    std::optional<ReviewDecision> decide(const QString &instanceId, const QString &state,
                                         const QString &comment,
                                         const std::vector<ReviewFlag> &flags, StoreError *error);
    /// Decisions in the outbox (queued), oldest first; `all`: every decision.
    std::vector<ReviewDecision> decisions(bool all, StoreError *error);
    std::optional<ReviewDecision> latestDecision(qint64 submissionRow, StoreError *error);
    /// Queued → sending (false when it is no longer queued).
    bool claimDecision(qint64 row, StoreError *error);
    /// Decisions a sender that died left as sending go back to the queue.
    bool releaseDecisions(StoreError *error);
    bool decisionSent(qint64 row, const QString &serverState, StoreError *error);
    /// Stays queued, with the reason; tried again with the next send.
    bool decisionFailed(qint64 row, const QString &message, StoreError *error);
    bool decisionConflict(qint64 row, const QString &message, const QString &serverVersion,
                          const QString &serverState, StoreError *error);

private:
    bool forgetAll(const QString &previous, StoreError *error);
    ReviewSubmission submissionFrom(const class QSqlQuery &q) const;
    ReviewDecision decisionFrom(const class QSqlQuery &q) const;
    QString attachmentDir(qint64 versionRow) const;
    Store &m_store;
};

} // namespace survey::store
