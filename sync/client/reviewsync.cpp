// SPDX-License-Identifier: GPL-3.0-or-later
// The reviewer's side of the sync client: pulling the team's submissions for review
// (GET …/review/feed, version forms, attachments) and sending the decisions made offline
// (PATCH …/submissions/{instanceId} with our decision extension). PROTOCOL.md has the rules.
#include "reviewstore.h"
#include "syncclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QUrlQuery>
#include <QXmlStreamReader>

namespace survey::sync {

using store::StoreError;

namespace {

/// Attachments downloaded at once.
constexpr int kAttachmentsInFlight = 3;

QDateTime timeFrom(const QJsonValue &v)
{
    return v.isString() ? QDateTime::fromString(v.toString(), Qt::ISODateWithMs) : QDateTime();
}

/// meta/instanceName of a submission, as the form computed it (empty when it has none).
QString instanceNameOf(const QByteArray &xml)
{
    QXmlStreamReader r(xml);
    int depth = 0;
    bool inMeta = false;
    while (!r.atEnd()) {
        const auto token = r.readNext();
        if (token == QXmlStreamReader::StartElement) {
            ++depth;
            if (depth == 2 && r.name() == QLatin1String("meta"))
                inMeta = true;
            else if (inMeta && depth == 3 && r.name() == QLatin1String("instanceName"))
                return r.readElementText().trimmed();
        } else if (token == QXmlStreamReader::EndElement) {
            if (depth == 2)
                inMeta = false;
            --depth;
        }
    }
    return QString();
}

QString segment(const QString &s)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(s));
}

} // namespace

struct SyncClient::ReviewPull
{
    QString server;
    qint64 cursor = 0;
    int total = 0;
    int done = 0;
    qint64 bytesTotal = 0;
    qint64 bytesDone = 0;
    QSet<QString> pulled; ///< submissions stored by this pull
    QSet<QString> failed; ///< submissions with something missing
    std::deque<store::MissingAttachment> files;
    int inFlight = 0;
    int pages = 0;
    std::function<void()> next;
};

QUrl SyncClient::encodedUrl(const QString &encodedPath) const
{
    QUrl u = url(QString());
    u.setPath(u.path(QUrl::FullyEncoded) + encodedPath, QUrl::TolerantMode);
    return u;
}

QUrl SyncClient::submissionUrl(const QString &formId, const QString &instanceId,
                               const QString &rest) const
{
    return encodedUrl(QStringLiteral("/forms/%1/submissions/%2%3")
                          .arg(segment(formId), segment(instanceId), rest));
}

void SyncClient::pullReview()
{
    std::vector<Phase> phases{
        [this](std::function<void()> next) { reviewerPhase(std::move(next)); },
        [this](std::function<void()> next) {
            if (m_summary.signInFailed || m_summary.forbidden)
                next(); // nothing of the pull can work
            else
                pullFormsPhase(std::move(next));
        }};
    for (auto &phase : reviewPhases())
        phases.push_back(std::move(phase));
    run(std::move(phases));
}

std::vector<SyncClient::Phase> SyncClient::reviewPhases()
{
    auto pull = std::make_shared<ReviewPull>();
    // Whose review copies these are: another account (another team) starts afresh.
    pull->server =
        m_account.user + QLatin1Char('@') + m_account.base.toString(QUrl::RemoveUserInfo);
    // The team last: the first page for another account forgets the previous one's.
    return {[this, pull](std::function<void()> next) { feedPhase(pull, std::move(next)); },
            [this, pull](std::function<void()> next) { attachmentsPhase(pull, std::move(next)); },
            [this](std::function<void()> next) { teamPhase(std::move(next)); }};
}

void SyncClient::reviewerPhase(std::function<void()> next)
{
    // Who signed in: an enumerator's pull stops here with words saying why.
    QUrl who = m_account.base;
    who.setPath(QStringLiteral("/v1/users/current"));
    exchange(
        [this, who] { return m_net.get(request(who)); }, {200},
        [this, next](const Exchange &ex, const Outcome &outcome) {
            if (outcome.kind != Outcome::Kind::Success) {
                noteRefusal(outcome);
                m_summary.problems
                    << Messages::tr("Could not find out who is signed in: %1").arg(outcome.message);
                next();
                return;
            }
            const QString role =
                QJsonDocument::fromJson(ex.body).object().value(QStringLiteral("role")).toString();
            if (role != QLatin1String("supervisor") && role != QLatin1String("admin")) {
                m_summary.problems << Messages::tr("%1 is not a supervisor or an admin on "
                                                   "this server, so there is nothing to "
                                                   "review.")
                                          .arg(m_account.user);
                m_summary.forbidden = true;
            }
            next();
        });
}

void SyncClient::teamPhase(std::function<void()> next)
{
    if (m_summary.signInFailed || m_summary.forbidden) {
        next();
        return;
    }
    exchange([this] { return m_net.get(request(url(QStringLiteral("/team")))); }, {200},
             [this, next](const Exchange &ex, const Outcome &outcome) {
                 if (outcome.kind == Outcome::Kind::Success &&
                     QJsonDocument::fromJson(ex.body).isArray()) {
                     store::ReviewStore review(m_store);
                     noteStoreFailure(review.setTeam(ex.body, &m_storeError));
                 } else if (outcome.status != 404) { // 404: a server without teams (Central)
                     noteRefusal(outcome);
                     m_summary.problems
                         << Messages::tr("The team could not be fetched: %1").arg(outcome.message);
                 }
                 next();
             });
}

void SyncClient::feedPhase(std::shared_ptr<ReviewPull> pull, std::function<void()> next)
{
    if (m_summary.signInFailed || m_summary.forbidden) {
        next();
        return;
    }
    store::ReviewStore review(m_store);
    pull->cursor = review.cursor(pull->server);
    QUrl page = url(QStringLiteral("/review/feed"));
    // The first page is counted (the pull's progress); the others say whether more follow.
    page.setQuery(QStringLiteral("after=%1&limit=%2%3")
                      .arg(pull->cursor)
                      .arg(m_reviewPage)
                      .arg(pull->pages == 0 ? QStringLiteral("&count=1") : QString()));
    exchange(
        [this, page] { return m_net.get(request(page)); }, {200},
        [this, pull, next](const Exchange &ex, const Outcome &outcome) {
            if (outcome.kind != Outcome::Kind::Success) {
                noteRefusal(outcome);
                m_summary.problems << Messages::tr("Submissions for review could not be "
                                                   "fetched: %1")
                                          .arg(outcome.message);
                m_summary.pullFailed += std::max(0, pull->total - pull->done);
                next();
                return;
            }
            const QJsonObject o = QJsonDocument::fromJson(ex.body).object();
            const QJsonArray items = o.value(QStringLiteral("submissions")).toArray();
            const qint64 cursor = o.value(QStringLiteral("next")).toInteger(-1);
            const bool more = o.value(QStringLiteral("more")).toBool();
            const bool first = pull->pages == 0;
            const int remaining = o.value(QStringLiteral("remaining")).toInt(-1);
            // A page must move the cursor on (a server that does not could keep a device
            // asking forever).
            if (cursor < pull->cursor || (!items.isEmpty() && cursor == pull->cursor) ||
                (first && remaining < 0) || (items.isEmpty() && more) || ++pull->pages > 1000000) {
                m_summary.problems << Messages::tr("The server's list of submissions for review "
                                                   "is not readable.");
                next();
                return;
            }
            if (first)
                pull->total = int(items.size()) + remaining;
            storePage(pull, items, cursor, [this, pull, next, more](bool stored) {
                pull->total = std::max(pull->total, pull->done); // changes during the pull
                Q_EMIT pullProgress(pull->done, pull->total, pull->bytesDone, pull->bytesTotal);
                if (!stored || !more || m_cancelled) {
                    if (!stored)
                        m_summary.pullFailed += std::max(0, pull->total - pull->done);
                    next();
                    return;
                }
                feedPhase(pull, next);
            });
        });
}

void SyncClient::storePage(std::shared_ptr<ReviewPull> pull, const QJsonArray &items, qint64 cursor,
                           std::function<void(bool)> done)
{
    std::vector<store::PulledSubmission> page;
    for (const QJsonValue &v : items) {
        const QJsonObject o = v.toObject();
        store::PulledSubmission p;
        store::ReviewSubmission &h = p.head;
        h.instanceId = o.value(QStringLiteral("instanceId")).toString();
        h.formId = o.value(QStringLiteral("formId")).toString();
        h.formVersion = o.value(QStringLiteral("formVersion")).toString();
        h.submitter = o.value(QStringLiteral("submitterName")).toString();
        h.reviewState = o.value(QStringLiteral("reviewState")).toString();
        h.createdAt = timeFrom(o.value(QStringLiteral("createdAt")));
        h.updatedAt = timeFrom(o.value(QStringLiteral("updatedAt")));
        h.changeSeq = o.value(QStringLiteral("changeSeq")).toInteger();
        h.currentVersion = o.value(QStringLiteral("currentVersion"))
                               .toObject()
                               .value(QStringLiteral("instanceId"))
                               .toString();
        if (h.instanceId.isEmpty() || h.formId.isEmpty() || h.currentVersion.isEmpty() ||
            h.reviewState.isEmpty() || !h.createdAt.isValid()) {
            m_summary.problems << Messages::tr("The server listed a submission for review "
                                               "without its instanceId, form or time; it was "
                                               "skipped.");
            ++m_summary.pullFailed;
            continue;
        }
        for (const QJsonValue &vv : o.value(QStringLiteral("versions")).toArray()) {
            const QJsonObject vo = vv.toObject();
            store::ReviewVersion rv;
            rv.instanceId = vo.value(QStringLiteral("instanceId")).toString();
            rv.deprecatedId = vo.value(QStringLiteral("deprecatedId")).toString();
            rv.formVersion = vo.value(QStringLiteral("formVersion")).toString();
            rv.deviceId = vo.value(QStringLiteral("deviceId")).toString();
            rv.submitter = vo.value(QStringLiteral("submitterName")).toString();
            rv.createdAt = timeFrom(vo.value(QStringLiteral("createdAt")));
            if (!rv.createdAt.isValid())
                rv.createdAt = h.createdAt;
            rv.current = vo.value(QStringLiteral("current")).toBool();
            // Older versions come without their XML (listed, not sent again): kept empty.
            rv.xml = vo.value(QStringLiteral("xml")).toString().toUtf8();
            if (rv.xml.isNull())
                rv.xml = QByteArrayLiteral("");
            for (const QJsonValue &a : vo.value(QStringLiteral("attachments")).toArray()) {
                const QJsonObject ao = a.toObject();
                const qint64 size = ao.value(QStringLiteral("size")).toInteger();
                rv.attachments.push_back({ao.value(QStringLiteral("name")).toString(),
                                          ao.value(QStringLiteral("hash")).toString(),
                                          size,
                                          {}});
            }
            if (rv.current) {
                h.instanceName = instanceNameOf(rv.xml);
                h.deviceId = rv.deviceId;
            }
            p.versions.push_back(std::move(rv));
        }
        for (const QJsonValue &c : o.value(QStringLiteral("comments")).toArray()) {
            const QJsonObject co = c.toObject();
            p.comments.push_back({co.value(QStringLiteral("author")).toString(),
                                  co.value(QStringLiteral("createdAt")).toString(),
                                  co.value(QStringLiteral("body")).toString()});
        }
        for (const QJsonValue &f : o.value(QStringLiteral("flags")).toArray()) {
            const QJsonObject fo = f.toObject();
            p.flags.push_back({fo.value(QStringLiteral("path")).toString(),
                               fo.value(QStringLiteral("note")).toString(),
                               fo.value(QStringLiteral("author")).toString(),
                               fo.value(QStringLiteral("createdAt")).toString(),
                               fo.value(QStringLiteral("version")).toString()});
        }
        page.push_back(std::move(p));
    }
    store::ReviewStore review(m_store);
    StoreError e;
    QStringList notes;
    const bool stored = review.storePulled(pull->server, page, cursor, &e, &notes);
    m_summary.problems << notes;
    if (!stored) {
        m_summary.problems << e.message;
        m_summary.pullProblem = e.message;
        done(false);
        return;
    }
    for (const store::PulledSubmission &p : page) {
        if (!pull->pulled.contains(p.head.instanceId)) {
            pull->pulled.insert(p.head.instanceId);
            ++pull->done;
        }
    }
    done(true);
}

void SyncClient::fetchFormVersions(std::shared_ptr<std::deque<std::pair<QString, QString>>> wanted,
                                   std::function<void()> done)
{
    if (wanted->empty() || m_cancelled) {
        done();
        return;
    }
    const auto [formId, version] = wanted->front();
    wanted->pop_front();
    const QUrl target = encodedUrl(
        QStringLiteral("/forms/%1/versions/%2.xml").arg(segment(formId), segment(version)));
    exchange([this, target] { return m_net.get(request(target)); }, {200},
             [this, wanted, done, formId, version](const Exchange &ex, const Outcome &outcome) {
                 StoreError e;
                 std::optional<store::FormInfo> added;
                 if (outcome.kind != Outcome::Kind::Success)
                     m_summary.problems << Messages::tr("Form %1 version %2 could not be "
                                                        "downloaded: %3")
                                               .arg(formId, version, outcome.message);
                 else if (!(added = m_store.addForm(ex.body, {},
                                                    m_account.base.toString(QUrl::RemoveUserInfo),
                                                    &e, false)))
                     m_summary.problems << Messages::tr("Form %1 version %2 could not be kept: "
                                                        "%3")
                                               .arg(formId, version, e.message);
                 else if (added->formId != formId || added->version != version)
                     m_summary.problems << Messages::tr("The server gave form %1 version %2 "
                                                        "when asked for form %3 version %4.")
                                               .arg(added->formId, added->version, formId, version);
                 fetchFormVersions(wanted, done);
             });
}

void SyncClient::attachmentsPhase(std::shared_ptr<ReviewPull> pull, std::function<void()> next)
{
    if (m_summary.signInFailed || m_summary.forbidden) {
        next();
        return;
    }
    // The form versions the pulled submissions were made with come first (each pull asks
    // again for those still missing), so that every submission shows its questions' labels.
    store::ReviewStore review(m_store);
    StoreError e;
    const auto forms = review.missingFormVersions(&e);
    auto wanted =
        std::make_shared<std::deque<std::pair<QString, QString>>>(forms.begin(), forms.end());
    fetchFormVersions(wanted, [this, pull, next] { downloadAttachments(pull, next); });
}

void SyncClient::downloadAttachments(std::shared_ptr<ReviewPull> pull, std::function<void()> next)
{
    store::ReviewStore review(m_store);
    StoreError e;
    const auto missing = review.missingAttachments(&e);
    if (e) {
        m_summary.problems << e.message;
        next();
        return;
    }
    pull->files.assign(missing.begin(), missing.end());
    for (const auto &f : missing)
        pull->bytesTotal += f.size;
    pull->next = [this, pull, next] {
        m_summary.pulled += int(pull->pulled.size() - (pull->pulled & pull->failed).size());
        m_summary.pullFailed += int(pull->failed.size());
        next();
    };
    if (pull->files.empty()) {
        pull->next();
        return;
    }
    pumpAttachments(pull);
}

void SyncClient::pumpAttachments(std::shared_ptr<ReviewPull> pull)
{
    while (pull->inFlight < kAttachmentsInFlight && !pull->files.empty() && !m_cancelled) {
        const store::MissingAttachment file = pull->files.front();
        pull->files.pop_front();
        ++pull->inFlight;
        const QUrl target = submissionUrl(file.formId, file.instanceId,
                                          QStringLiteral("/versions/%1/attachments/%2")
                                              .arg(segment(file.versionId), segment(file.name)));
        exchange(
            [this, target] { return m_net.get(request(target)); }, {200},
            [this, pull, file](const Exchange &ex, const Outcome &outcome) {
                --pull->inFlight;
                StoreError e;
                store::ReviewStore review(m_store);
                if (outcome.kind != Outcome::Kind::Success) {
                    noteRefusal(outcome);
                    pull->failed.insert(file.instanceId);
                    pull->pulled.insert(file.instanceId);
                    m_summary.problems << Messages::tr("%1 of submission %2 could not be "
                                                       "downloaded: %3")
                                              .arg(file.name, file.instanceId, outcome.message);
                } else if (!review.putAttachment(file.versionRow, file.name, ex.body, &e)) {
                    pull->failed.insert(file.instanceId);
                    pull->pulled.insert(file.instanceId);
                    m_summary.problems << e.message;
                } else {
                    pull->bytesDone += ex.body.size();
                    pull->pulled.insert(file.instanceId); // complete now, unless another fails
                }
                Q_EMIT pullProgress(pull->done, pull->total, pull->bytesDone, pull->bytesTotal);
                if (pull->inFlight == 0 && (pull->files.empty() || m_cancelled))
                    pull->next();
                else
                    pumpAttachments(pull);
            });
    }
}

void SyncClient::pushDecisionsPhase(std::function<void()> next)
{
    store::ReviewStore review(m_store);
    StoreError e;
    if (!review.releaseDecisions(&e)) // a sender that died left them as sending
        m_summary.problems << e.message;
    const auto queued = review.decisions(false, &e);
    if (e)
        m_summary.problems << e.message;
    auto queue = std::make_shared<std::deque<store::ReviewDecision>>(queued.begin(), queued.end());
    sendDecisions(queue, next);
}

void SyncClient::sendDecisions(std::shared_ptr<std::deque<store::ReviewDecision>> queue,
                               std::function<void()> next)
{
    if (queue->empty() || m_cancelled) {
        next();
        return;
    }
    store::ReviewStore review(m_store);
    const auto decision = std::make_optional(queue->front());
    const qint64 row = decision->row;
    queue->pop_front();
    StoreError e;
    if (!review.claimDecision(row, &e)) { // replaced meanwhile
        if (e)
            m_summary.problems << e.message;
        sendDecisions(queue, next);
        return;
    }
    if (m_summary.signInFailed || m_summary.forbidden) {
        ++m_summary.failed;
        noteStoreFailure(review.decisionFailed(row, m_signInRefusal.message, &m_storeError));
        sendDecisions(queue, next);
        return;
    }
    QJsonArray flags;
    for (const auto &f : decision->flags)
        flags.append(
            QJsonObject{{QStringLiteral("path"), f.path}, {QStringLiteral("note"), f.note}});
    QJsonObject body{{QStringLiteral("reviewState"), decision->state},
                     {QStringLiteral("decisionId"), decision->decisionId},
                     {QStringLiteral("baseVersion"), decision->baseVersion},
                     {QStringLiteral("baseReviewState"), decision->baseState}};
    if (!decision->comment.isEmpty())
        body.insert(QStringLiteral("comment"), decision->comment);
    if (!flags.isEmpty())
        body.insert(QStringLiteral("flags"), flags);
    const QByteArray payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
    const QUrl target = submissionUrl(decision->formId, decision->instanceId);
    exchange(
        [this, target, payload] {
            QNetworkRequest r = request(target);
            r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            return m_net.sendCustomRequest(r, "PATCH", payload);
        },
        {200},
        [this, queue, next, row, decision](const Exchange &ex, const Outcome &outcome) {
            store::ReviewStore review(m_store);
            if (outcome.kind == Outcome::Kind::Success) {
                ++m_summary.sent;
                const QString state = QJsonDocument::fromJson(ex.body)
                                          .object()
                                          .value(QStringLiteral("reviewState"))
                                          .toString(decision->state);
                noteStoreFailure(review.decisionSent(row, state, &m_storeError));
            } else if (outcome.status == 409) {
                ++m_summary.failed;
                ++m_summary.conflicts;
                const QJsonObject details = QJsonDocument::fromJson(ex.body)
                                                .object()
                                                .value(QStringLiteral("details"))
                                                .toObject();
                m_summary.problems << Messages::tr("Your decision on %1 was not applied: %2")
                                          .arg(decision->instanceId, outcome.message);
                noteStoreFailure(review.decisionConflict(
                    row, outcome.message,
                    details.value(QStringLiteral("currentVersion")).toString(),
                    details.value(QStringLiteral("reviewState")).toString(), &m_storeError));
            } else if (outcome.kind == Outcome::Kind::Refused) {
                // Refused for good (400, 403, 404): sending it again would get the same
                // answer. Kept, with the server's words, for the reviewer to decide anew.
                ++m_summary.failed;
                m_summary.problems << Messages::tr("Your decision on %1 was not applied: %2")
                                          .arg(decision->instanceId, outcome.message);
                noteStoreFailure(review.decisionConflict(row, outcome.message, QString(), QString(),
                                                         &m_storeError));
            } else {
                ++m_summary.failed;
                noteRefusal(outcome);
                m_summary.problems << Messages::tr("Your decision on %1 is not sent yet: %2")
                                          .arg(decision->instanceId, outcome.message);
                noteStoreFailure(review.decisionFailed(row, outcome.message, &m_storeError));
            }
            sendDecisions(queue, next);
        });
}

} // namespace survey::sync
