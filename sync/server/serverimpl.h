// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the server's request handlers (OpenRosa in openrosa.cpp, JSON in reviewapi.cpp).
#pragma once

#include "database.h"
#include "definitioncache.h"
#include "formdefinition.h"
#include "formsession.h"
#include "groupcommit.h"
#include "httpfront.h"
#include "openrosa.h"
#include "throttle.h"

#include <httplib.h>

#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <condition_variable>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>

namespace survey::server::detail {

struct User
{
    int id = 0;
    QString name;
    QString role;
    int projectId = 0;
    bool isAdmin() const { return role == QLatin1String("admin"); }
    bool isSupervisor() const { return role == QLatin1String("supervisor"); }
};

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(OpenRosaServer)
};

QString md5(const QByteArray &bytes);
QString fromUtf8(const std::string &s);
void setOpenRosa(httplib::Response &res);
/// Select one, select many and rank questions: their answers are choice values.
bool isSelect(const form::Control &control);
/// The labels (session's language) of the choices selected in `node`, joined by ", ".
QString choiceLabels(const form::FormSession &session, int control, const form::XmlNode *node);
/// An OpenRosa XML document as the answer, with the OpenRosa version header.
void sendXml(httplib::Response &res, int status, const QByteArray &xml);
/// A percent-decoded capture of the route's pattern (form IDs, instance IDs, names).
QString urlPart(const httplib::Request &req, int index);
/// An OpenRosaResponse a person can read, with its status code.
void respond(httplib::Response &res, int status, const QString &nature, const QString &message);
void error(httplib::Response &res, int status, const QString &message);
/// JSON API answers, shaped like ODK Central's ({"code":…,"message":…} on errors).
void json(httplib::Response &res, int status, const QJsonDocument &doc);
void jsonError(httplib::Response &res, int status, const QString &message);
/// An error in Central's shape with its own code (400.15…) and details.
void jsonProblem(httplib::Response &res, int status, double code, const QString &message,
                 const QJsonObject &details);

/// cpp-httplib's routing and handler calls, fed by our front (HttpFront) one complete
/// request at a time instead of reading sockets itself.
class RoutedServer : public httplib::Server
{
public:
    RoutedServer()
    {
        // Streamed answers (exports) stop when this says the server is shutting down.
        svr_sock_ = std::numeric_limits<socket_t>::max();
    }
    bool handle(httplib::Stream &stream, bool closeAfter, bool &closed)
    {
        return process_request(stream, closeAfter, closed, nullptr);
    }
};

/// A review comment's (and a question flag's note's) longest length, in characters.
constexpr int kMaxCommentLength = 10000;

/// The review extension of PATCH …/submissions/{instanceId} (PROTOCOL.md): who made the
/// decision on the device, on what, and the questions it flags.
struct ReviewDecision
{
    QString id;          ///< "decisionId": made by the device, applied once
    QString baseVersion; ///< "baseVersion": the version (instanceID) the reviewer saw
    QString baseState;   ///< "baseReviewState": the review state the reviewer saw
    std::vector<std::pair<QString, QString>> flags; ///< question path, note
};

/// The first of `paths` (/data/group/question, [n] on repeat entries, 1-based) that names
/// no element of the instance `xml`; "" when each names one.
QString missingPath(const QByteArray &xml, const QStringList &paths);

/// How a session token is kept: its SHA-256, in hex.
QString tokenHash(const std::string &token);

/// The body of a JSON write as an object: 415 unless it is said to be application/json,
/// 400 unless it is a JSON object.
std::optional<QJsonObject> jsonBody(const httplib::Request &req, httplib::Response &res);

/// An httplib::Response as HTTP bytes (for answers made outside cpp-httplib), closing the
/// connection.
std::string serialize(const httplib::Response &res);

} // namespace survey::server::detail

namespace survey::server {

struct OpenRosaServer::Impl : public FrontApp
{
    Options options;
    std::unique_ptr<detail::RoutedServer> server; ///< the routes, made by bind()
    std::unique_ptr<HttpFront> front;             ///< connections, made by bind()
    std::unique_ptr<GroupCommit> committer;       ///< submissions' durable writes
    std::mutex cacheMutex;
    /// Argon2id needs 64 MiB per check: at most two at once keeps a burst of first sign-ins
    /// (a whole team after a day offline) from taking the server's memory.
    std::counting_semaphore<2> passwordChecks{2};
    /// One form analysis at a time: each can take seconds of every core on a large project,
    /// and submissions must still be taken meanwhile. Another asked for meanwhile is 503.
    std::counting_semaphore<1> analyses{1};
    /// Verified credentials (a digest of name, password and stored hash) until when.
    QHash<QByteArray, qint64> verified;
    /// Checks running now, by the same digest: a device sending three records at once, or a
    /// team after a restart, has its password checked once, not once per request.
    struct PendingCheck
    {
        bool done = false;
        bool ok = false;
    };
    QHash<QByteArray, std::shared_ptr<PendingCheck>> checking;
    std::condition_variable checked; ///< with cacheMutex: a pending check finished
    SignInThrottle throttle;         ///< failed sign-ins per account and per address
    DefinitionCache definitions;     ///< loaded forms by version id, bounded

    Database &db()
    {
        // One connection per worker thread.
        thread_local std::unique_ptr<Database> connection;
        thread_local QString openError;
        if (!connection) {
            connection = std::make_unique<Database>(options.database);
            if (!connection->open(&openError))
                qWarning("survey-sync: %s", qPrintable(openError));
        }
        return *connection;
    }

    // FrontApp (serve.cpp): how a request reaches the handlers.
    std::uint64_t bodyCap(const http::Head &head) const override;
    std::optional<std::string> admit(const http::Head &head, const std::string &peer) override;
    std::string refusal(const http::Head *head, int status,
                        const std::string &reason) const override;
    bool serve(httplib::Stream &stream, bool closeAfter) override;
    void registerRoutes();
    /// nosniff and no-store on every answer, HSTS under TLS.
    void addSecurityHeaders(httplib::Response &res) const;

    std::optional<detail::User> authenticate(const httplib::Request &req, httplib::Response &res);
    /// Why a sign-in failed: 401 (wrong name or password, disabled account), 429 (too many
    /// failures: wait retryAfter seconds), 503 (the database).
    struct SignIn
    {
        int status = 401;
        QString why;
        int retryAfter = 0;
    };
    /// Sets the refusal's status and headers (WWW-Authenticate, Retry-After).
    static void refuseSignIn(httplib::Response &res, const SignIn &s);
    std::optional<detail::User> checkCredentials(const QString &name, const QString &password,
                                                 const QString &address, SignIn *outcome);
    std::optional<detail::User> basicUser(const httplib::Request &req, SignIn *outcome);
    bool checkProject(const detail::User &u, const httplib::Request &req, httplib::Response &res,
                      int *project);
    bool requireOpenRosaHeader(const httplib::Request &req, httplib::Response &res);
    /// The loaded definition of a form version, from the cache or read and loaded now.
    std::shared_ptr<const form::FormDefinition> definition(int versionId, QString *error);
    void formList(const httplib::Request &req, httplib::Response &res);
    void formDownload(const httplib::Request &req, httplib::Response &res);
    void manifest(const httplib::Request &req, httplib::Response &res);
    void media(const httplib::Request &req, httplib::Response &res);
    void submissionHead(const httplib::Request &req, httplib::Response &res);
    void submissionPost(const httplib::Request &req, httplib::Response &res,
                        const httplib::ContentReader &content);
    QString baseUrl(const httplib::Request &req, int project) const;

    // JSON API (reviewapi.cpp): sessions, submissions and the review loop.
    void createSession(const httplib::Request &req, httplib::Response &res);
    void endSession(const httplib::Request &req, httplib::Response &res);
    void listSubmissions(const httplib::Request &req, httplib::Response &res);
    void getSubmission(const httplib::Request &req, httplib::Response &res);
    void getSubmissionXml(const httplib::Request &req, httplib::Response &res);
    void patchSubmission(const httplib::Request &req, httplib::Response &res);
    void listComments(const httplib::Request &req, httplib::Response &res);
    void addComment(const httplib::Request &req, httplib::Response &res);
    void returned(const httplib::Request &req, httplib::Response &res);
    void listVersions(const httplib::Request &req, httplib::Response &res);
    void listAttachments(const httplib::Request &req, httplib::Response &res);
    void listAudits(const httplib::Request &req, httplib::Response &res);
    void setAssignment(const httplib::Request &req, httplib::Response &res);
    void listAssignments(const httplib::Request &req, httplib::Response &res);
    void adminUsers(const httplib::Request &req, httplib::Response &res);
    void currentUser(const httplib::Request &req, httplib::Response &res);
    void disableUser(const httplib::Request &req, httplib::Response &res);
    // The review loop's device side (reviewfeed.cpp).
    void reviewFeed(const httplib::Request &req, httplib::Response &res);
    void versionXml(const httplib::Request &req, httplib::Response &res);
    void submissionAttachment(const httplib::Request &req, httplib::Response &res);
    void team(const httplib::Request &req, httplib::Response &res);
    void formVersionXml(const httplib::Request &req, httplib::Response &res);
    void registerReviewRoutes();
    /// The decision fields of a review PATCH, checked; nullopt after answering 400.
    static std::optional<detail::ReviewDecision>
    reviewDecision(const QJsonObject &body, const QString &state, httplib::Response &res);
    /// Keeps the decision's id and flags, and moves the submission's change counter (inside
    /// the caller's write).
    bool storeDecision(int submissionRow, int actorId, const QString &state,
                       const detail::ReviewDecision &decision, QString *error);
    /// A submission's question flags: those on its current version, or all of them.
    QJsonArray flagsJson(int submissionRow, bool currentOnly);
    // Forms, versions, states and drafts (formsapi.cpp).
    bool projectUser(const httplib::Request &req, httplib::Response &res, bool adminOnly,
                     detail::User *out, int *project);
    void listForms(const httplib::Request &req, httplib::Response &res);
    void patchForm(const httplib::Request &req, httplib::Response &res);
    void listFormVersions(const httplib::Request &req, httplib::Response &res);
    void formAttachments(const httplib::Request &req, httplib::Response &res);
    void createForm(const httplib::Request &req, httplib::Response &res);
    /// GET …/forms/{id}.xlsx, …/draft.xlsx, …/versions/{v}.xlsx: the XLSForm as uploaded.
    void formSpreadsheet(const httplib::Request &req, httplib::Response &res);
    void draft(const httplib::Request &req, httplib::Response &res);
    void draftAttachment(const httplib::Request &req, httplib::Response &res);
    void publishDraft(const httplib::Request &req, httplib::Response &res);
    void registerFormRoutes();
    void answers(const httplib::Request &req, httplib::Response &res);
    void exportCsv(const httplib::Request &req, httplib::Response &res);  // export.cpp
    void exportJson(const httplib::Request &req, httplib::Response &res); // export.cpp
    void analysis(const httplib::Request &req, httplib::Response &res);   // analysisapi.cpp
    void registerJsonRoutes();
    /// Basic or bearer sign-in for the JSON API (errors as JSON).
    std::optional<detail::User> apiUser(const httplib::Request &req, httplib::Response &res);
    /// A temporary folder for working files, under --data-dir when one is given.
    std::unique_ptr<QTemporaryDir> workDir() const;
    /// The loaded current version of a form of the project (its row in `versionRow`);
    /// null after answering 404 (no such form) or 500.
    std::shared_ptr<const form::FormDefinition> publishedDefinition(int project,
                                                                    const QString &formId,
                                                                    httplib::Response &res,
                                                                    int *versionRow = nullptr);
    /// Exports (and the analysis) are for supervisors (their enumerators') and admins;
    /// answers 403 otherwise, with `refusal` when given.
    bool mayExport(const detail::User &u, int project, httplib::Response &res,
                   const QString &refusal = {});
    /// May `u` see (and, when `review`, review) a submission made by `submitterId`?
    bool maySee(const detail::User &u, int submitterId, bool review);
    /// The caller (signed in) and the submission the URL names, positioned on its row in
    /// `q`; nullopt after answering 401 or 404.
    std::optional<detail::User> openSubmission(const httplib::Request &req, httplib::Response &res,
                                               QSqlQuery &q);
    /// A supervisor of the URL's project or an admin (`project`: its number); nullopt after
    /// answering 401 or 403.
    std::optional<detail::User> reviewer(const httplib::Request &req, httplib::Response &res,
                                         int *project);
};

} // namespace survey::server
