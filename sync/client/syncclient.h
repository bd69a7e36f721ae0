// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "retrypolicy.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <set>

#include "reviewstore.h"
#include "store.h"

namespace survey::sync {

/// Where and as whom: `base` is the project's OpenRosa address, as survey-sync prints it
/// and as ODK Central shows it (https://HOST/v1/projects/ID; ODK Central's app-user
/// "/v1/key/TOKEN/projects/ID" addresses work too).
struct ServerAccount
{
    QUrl base;
    QString user;
    QString password;
};

struct SyncSummary
{
    int formsUpdated = 0;
    int sent = 0;
    int failed = 0;
    int returned = 0;
    bool signInFailed = false; ///< the server refused the credentials: nothing else was tried
    bool forbidden = false;    ///< the account may not use this project (403): run stopped
    bool cancelled = false;
    int pulled = 0;       ///< submissions pulled for review (new or changed)
    int pullFailed = 0;   ///< submissions whose pull did not complete (tried again next time)
    int conflicts = 0;    ///< decisions refused because the submission changed (in `failed`)
    QString pullProblem;  ///< why this device could not keep what a review pull brought
    QStringList problems; ///< readable messages, in the current language
};

/// OpenRosa against any server (survey-sync, ODK Central) through one code path: form
/// list, form and media download with md5 checks, HEAD preflight, multipart POST split by
/// X-OpenRosa-Accept-Content-Length and 100 attachments, success only on 201/202; plus
/// the returned-records extension (a 404 there means the server has none to give).
///
/// Works in the thread it lives in, with a Store of that thread. Records are streamed
/// from their files, never buffered whole; each record's outcome is written to the store
/// (sent, or failed with a retry time and a readable reason) as soon as it is known, so a
/// run that dies is resumed by the next run without sending anything twice.
class SyncClient : public QObject
{
    Q_OBJECT
public:
    SyncClient(store::Store &store, ServerAccount account, QObject *parent = nullptr);
    ~SyncClient() override;

    void setRetryPolicy(const RetryPolicy &policy) { m_policy = policy; }
    /// Records sent at once (default 3).
    void setConcurrency(int n) { m_concurrency = std::max(1, n); }
    /// A request with no progress for this long is abandoned (and retried).
    void setTransferTimeout(std::chrono::milliseconds t) { m_timeout = t; }
    /// The OpenRosa deviceID sent with the form list and submissions ("scheme:id"); by
    /// default "survey-collector:" and this machine's id, as the forms' meta/deviceID has.
    void setDeviceId(const QString &id) { m_deviceId = id; }
    /// "survey-collector/VERSION (OS)", sent with every request.
    static QByteArray userAgent();

    /// Pulls forms, sends every due finalized record, pulls returned records; emits
    /// finished() once. Each part can also run alone.
    void syncAll();
    void pullForms();
    /// `everything`: every finalized record (a person pressed Send); otherwise only those
    /// whose retry time has come (automatic sending). A reviewer's queued decisions go too.
    void push(bool everything = true);
    void pullReturned();
    /// A reviewer's pull (reviewsync.cpp): the forms, the team, then every submission of the
    /// team that changed since the last pull (each version's XML, comments, flags) in pages,
    /// each page stored with the cursor after it, then the attachments not yet here. Refused
    /// for an account that does not review.
    void pullReview();
    /// A reviewer's device: syncAll() also pulls the team's submissions.
    void setReviewing(bool on) { m_reviewing = on; }
    /// Submissions per page of the review feed (default 100).
    void setReviewPageSize(int n) { m_reviewPage = std::clamp(n, 1, 500); }
    /// Stops at once: replies are aborted, unsent records stay queued.
    void cancel();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void progress(int recordsDone, int recordsTotal, qint64 bytesSent, qint64 bytesTotal);
    /// A review pull: submissions stored of those that changed, attachment bytes downloaded.
    void pullProgress(int submissionsDone, int submissionsTotal, qint64 bytesDone,
                      qint64 bytesTotal);
    void recordSent(const QString &instanceId);
    void recordFailed(const QString &instanceId, const QString &message);
    void finished(const survey::sync::SyncSummary &summary);

private:
    struct Exchange
    {
        int status = 0;
        QByteArray body;
        QNetworkReply::NetworkError error = QNetworkReply::NoError;
        QString errorText;
        QList<QNetworkReply::RawHeaderPair> headers;
        QUrl url; ///< where the request ended up, after redirects
        QByteArray header(const QByteArray &name) const;
    };
    using Done = std::function<void(const Exchange &, const Outcome &)>;
    using Start = std::function<QNetworkReply *()>;

    void run(std::vector<std::function<void(std::function<void()>)>> phases);
    void finish();
    /// Sends with retries for retriable outcomes; `done` gets the final exchange.
    void exchange(Start start, std::vector<int> success, Done done, int attempt = 0);
    QNetworkRequest request(const QUrl &url) const;
    QUrl url(const QString &path) const;

    // forms
    void pullFormsPhase(std::function<void()> next);
    struct FormEntry
    {
        QString formId, name, version, hash;
        QUrl download, manifest;
    };
    void fetchForm(std::shared_ptr<std::deque<FormEntry>> queue, std::function<void()> next);
    void fetchMedia(const FormEntry &form, const QByteArray &xml,
                    std::shared_ptr<std::vector<std::pair<QString, QByteArray>>> media,
                    std::shared_ptr<std::deque<std::tuple<QString, QString, QUrl>>> files,
                    bool newForm, std::function<void()> done);

    // push
    void pushPhase(bool everything, std::function<void()> next);
    void preflight(std::function<void()> next);
    void pumpRecords();
    void sendRecord(const QString &instanceId);
    void sendPart(const QString &instanceId, const QByteArray &xml,
                  std::shared_ptr<std::vector<std::vector<store::AttachmentInfo>>> parts,
                  std::size_t index);
    void recordDone(const QString &instanceId, const Outcome &outcome);

    // returned
    void pullReturnedPhase(std::function<void()> next);

    // review (reviewsync.cpp)
    struct ReviewPull;
    using Phase = std::function<void(std::function<void()>)>;
    /// The team, the feed and the attachments, sharing one pull's state.
    std::vector<Phase> reviewPhases();
    void reviewerPhase(std::function<void()> next);
    void teamPhase(std::function<void()> next);
    void feedPhase(std::shared_ptr<ReviewPull> pull, std::function<void()> next);
    void storePage(std::shared_ptr<ReviewPull> pull, const QJsonArray &items, qint64 cursor,
                   std::function<void(bool)> done);
    void fetchFormVersions(std::shared_ptr<std::deque<std::pair<QString, QString>>> wanted,
                           std::function<void()> done);
    void attachmentsPhase(std::shared_ptr<ReviewPull> pull, std::function<void()> next);
    void downloadAttachments(std::shared_ptr<ReviewPull> pull, std::function<void()> next);
    void pumpAttachments(std::shared_ptr<ReviewPull> pull);
    void pushDecisionsPhase(std::function<void()> next);
    void sendDecisions(std::shared_ptr<std::deque<store::ReviewDecision>> queue,
                       std::function<void()> next);
    /// The project's address with `encodedPath` (percent-encoded already) after it.
    QUrl encodedUrl(const QString &encodedPath) const;
    QUrl submissionUrl(const QString &formId, const QString &instanceId,
                       const QString &rest = {}) const;
    bool m_reviewing = false;
    int m_reviewPage = 100;

    store::Store &m_store;
    ServerAccount m_account;
    QNetworkAccessManager m_net;
    RetryPolicy m_policy;
    int m_concurrency = 3;
    std::chrono::milliseconds m_timeout{60000};
    QString m_deviceId;
    store::StoreError m_storeError; ///< the last failed store call's, for noteStoreFailure
    void noteStoreFailure(bool ok);
    void noteRefusal(const Outcome &outcome);
    Outcome m_signInRefusal; ///< the server's answer to the first refused sign-in of a run
    bool m_running = false;
    bool m_pumping = false;
    std::vector<std::function<void(std::function<void()>)>> m_next; ///< asked for meanwhile
    bool m_cancelled = false;
    SyncSummary m_summary;
    std::set<QNetworkReply *> m_active;

    // push state
    qint64 m_acceptLength = 10000000;
    QUrl m_submissionUrl;
    std::deque<QString> m_queue;
    int m_inFlight = 0;
    int m_recordsTotal = 0;
    int m_recordsDone = 0;
    qint64 m_bytesTotal = 0;
    qint64 m_bytesDone = 0;
    std::function<void()> m_pushDone;
};

} // namespace survey::sync

Q_DECLARE_METATYPE(survey::sync::SyncSummary)
