// SPDX-License-Identifier: GPL-3.0-or-later
#include "syncclient.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <QHttpMultiPart>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSysInfo>
#include <QTimer>
#include <QXmlStreamReader>

Q_LOGGING_CATEGORY(lcSync, "survey.sync", QtInfoMsg)

namespace survey::sync {

using store::AttachmentInfo;
using store::StoreError;

namespace {

/// Bytes of multipart framing per part, on top of its content (headers and boundary).
constexpr qint64 kPartOverhead = 512;
/// At most this many attachments in one POST (as ODK Collect and Central do).
constexpr std::size_t kMaxFilesPerPost = 100;

QString md5Of(const QByteArray &bytes)
{
    return QStringLiteral("md5:") +
           QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Md5).toHex());
}

/// The next automatic try after a failed one: long enough not to drain a phone's battery
/// against a dead server, with jitter so that a team does not come back all at once.
QDateTime retryTime(int attempts, bool refused)
{
    const qint64 base = refused ? 3600 : 30;
    const qint64 bound = std::min<qint64>(6 * 3600, base << std::clamp(attempts, 0, 10));
    return QDateTime::currentDateTimeUtc().addSecs(
        bound / 2 + QRandomGenerator::global()->bounded(bound / 2 + 1));
}

} // namespace

QByteArray SyncClient::Exchange::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return QByteArray();
}

SyncClient::SyncClient(store::Store &store, ServerAccount account, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_account(std::move(account))
{
    qRegisterMetaType<SyncSummary>();
    m_net.setAutoDeleteReplies(false);
    m_deviceId =
        QStringLiteral("survey-collector:") + QString::fromLatin1(QSysInfo::machineUniqueId());
}

SyncClient::~SyncClient()
{
    // No callback may run from here: the store and the listeners may be gone already.
    m_cancelled = true;
    const auto active = m_active;
    for (QNetworkReply *reply : active) {
        QObject::disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        reply->deleteLater();
    }
}

QUrl SyncClient::url(const QString &path) const
{
    QUrl u = m_account.base;
    QString p = u.path();
    while (p.endsWith(QLatin1Char('/')))
        p.chop(1);
    u.setPath(p + path);
    // The OpenRosa form list and submissions name the device (servers may record it).
    if (!m_deviceId.isEmpty() &&
        (path == QLatin1String("/formList") || path == QLatin1String("/submission")))
        u.setQuery(QStringLiteral("deviceID=") +
                   QString::fromLatin1(QUrl::toPercentEncoding(m_deviceId)));
    return u;
}

void SyncClient::noteRefusal(const Outcome &outcome)
{
    // A refused sign-in (401) or an account without access (403) ends the run's asking: the
    // same answer would come again. The first refusal's words are kept for every record.
    if (outcome.kind == Outcome::Kind::SignIn && !m_summary.signInFailed) {
        m_summary.signInFailed = true;
        m_signInRefusal = outcome;
    }
    if (outcome.status == 403)
        m_summary.forbidden = true;
}

void SyncClient::noteStoreFailure(bool ok)
{
    // The device's own store failed while the run went on: said, once, never dropped.
    if (ok || !m_storeError)
        return;
    qCWarning(lcSync) << "store:" << m_storeError.message;
    if (!m_summary.problems.contains(m_storeError.message))
        m_summary.problems << m_storeError.message;
    m_storeError = StoreError();
}

QByteArray SyncClient::userAgent()
{
    return QStringLiteral("survey-collector/%1 (%2)")
        .arg(QStringLiteral(SURVEY_VERSION), QSysInfo::prettyProductName())
        .toUtf8();
}

QNetworkRequest SyncClient::request(const QUrl &target) const
{
    QNetworkRequest r(target);
    r.setRawHeader("X-OpenRosa-Version", "1.0");
    r.setHeader(QNetworkRequest::UserAgentHeader, userAgent());
    r.setRawHeader("Date", QLocale::c()
                               .toString(QDateTime::currentDateTimeUtc(),
                                         QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
                               .toLatin1());
    // An ODK Central app-user address (/v1/key/TOKEN/…) carries its credential itself.
    const bool keyAddress = m_account.base.path().startsWith(QLatin1String("/v1/key/"));
    // The password goes only to the server it belongs to: download addresses come from the
    // server and may point elsewhere (a file store), and a redirect to another origin is
    // not followed with it.
    const bool sameOrigin =
        target.scheme() == m_account.base.scheme() && target.host() == m_account.base.host() &&
        target.port(target.scheme() == QLatin1String("https") ? 443 : 80) ==
            m_account.base.port(m_account.base.scheme() == QLatin1String("https") ? 443 : 80);
    if (!m_account.user.isEmpty() && !keyAddress && sameOrigin) {
        r.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                       QNetworkRequest::SameOriginRedirectPolicy);
        r.setRawHeader(
            "Authorization",
            "Basic " +
                (m_account.user + QLatin1Char(':') + m_account.password).toUtf8().toBase64());
    }
    r.setTransferTimeout(static_cast<int>(m_timeout.count()));
    return r;
}

void SyncClient::exchange(Start start, std::vector<int> success, Done done, int attempt)
{
    QNetworkReply *reply = start();
    m_active.insert(reply);
    connect(reply, &QNetworkReply::finished, this, [=, this] {
        m_active.erase(reply);
        reply->deleteLater();
        Exchange ex;
        ex.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->isOpen())
            ex.body = reply->readAll();
        ex.error = reply->error();
        ex.errorText = reply->errorString();
        ex.headers = reply->rawHeaderPairs();
        ex.url = reply->url();
        const Outcome outcome = classify(ex.error, ex.errorText, ex.status, success,
                                         ex.status ? serverMessage(ex.body) : QString());
        if (m_cancelled) {
            done(ex, sync::outcome(Outcome::Kind::Retry, 0, QStringLiteral("stopped"), {}));
            return;
        }
        if (outcome.kind == Outcome::Kind::Retry && attempt + 1 < m_policy.maxAttempts()) {
            qCDebug(lcSync) << "retrying" << reply->url() << outcome.message;
            QTimer::singleShot(m_policy.delay(attempt), this, [=, this] {
                if (m_cancelled)
                    done(ex, outcome);
                else
                    exchange(start, success, done, attempt + 1);
            });
            return;
        }
        done(ex, outcome);
    });
}

// ---- running ---------------------------------------------------------------------------

void SyncClient::run(std::vector<std::function<void(std::function<void()>)>> phases)
{
    if (m_running) {
        // Asked again while running (Send pressed during an automatic send): this request
        // runs right after, rather than being lost.
        m_next = std::move(phases);
        return;
    }
    m_running = true;
    m_cancelled = false;
    m_summary = SyncSummary();
    StoreError released;
    if (!m_store.releaseAllSending(&released)) // claims of a sender that died
        m_summary.problems << released.message;
    auto shared = std::make_shared<decltype(phases)>(std::move(phases));
    auto step = std::make_shared<std::function<void(std::size_t)>>();
    std::weak_ptr<std::function<void(std::size_t)>> weak = step;
    *step = [this, shared, weak](std::size_t i) {
        // A refused password does not stop the run here: each queued record is then
        // tried and logged as refused, so that its log says why it did not go.
        if (i >= shared->size() || m_cancelled) {
            finish();
            return;
        }
        const auto self = weak.lock();
        (*shared)[i]([self, i] { (*self)(i + 1); });
    };
    (*step)(0);
}

void SyncClient::finish()
{
    m_running = false;
    m_summary.cancelled = m_cancelled;
    Q_EMIT finished(m_summary);
    if (!m_next.empty() && !m_running) {
        auto next = std::exchange(m_next, {});
        QTimer::singleShot(0, this, [this, next] { run(next); });
    }
}

void SyncClient::syncAll()
{
    std::vector<std::function<void(std::function<void()>)>> phases{
        [this](std::function<void()> next) { pullFormsPhase(std::move(next)); },
        [this](std::function<void()> next) { pushPhase(true, std::move(next)); },
        [this](std::function<void()> next) { pushDecisionsPhase(std::move(next)); },
        [this](std::function<void()> next) { pullReturnedPhase(std::move(next)); }};
    if (m_reviewing) {
        for (auto &phase : reviewPhases())
            phases.push_back(std::move(phase));
    }
    run(std::move(phases));
}

void SyncClient::pullForms()
{
    run({[this](std::function<void()> next) { pullFormsPhase(std::move(next)); }});
}

void SyncClient::push(bool everything)
{
    // Decisions a reviewer made wait in the same way as records, and go with them.
    run({[this, everything](std::function<void()> next) { pushPhase(everything, std::move(next)); },
         [this](std::function<void()> next) { pushDecisionsPhase(std::move(next)); }});
}

void SyncClient::pullReturned()
{
    run({[this](std::function<void()> next) { pullReturnedPhase(std::move(next)); }});
}

void SyncClient::cancel()
{
    if (!m_running)
        return;
    m_cancelled = true;
    const auto active = m_active;
    for (QNetworkReply *reply : active)
        reply->abort();
}

// ---- forms -----------------------------------------------------------------------------

void SyncClient::pullFormsPhase(std::function<void()> next)
{
    exchange([this] { return m_net.get(request(url(QStringLiteral("/formList")))); }, {200},
             [this, next](const Exchange &ex, const Outcome &outcome) {
                 if (outcome.kind != Outcome::Kind::Success) {
                     noteRefusal(outcome);
                     // Kept as the reason's code, to be read in the language of the moment.
                     const QStringList args = QStringList{outcome.code} + outcome.args;
                     m_summary.problems << describe(QStringLiteral("formsFailed"), args);
                     noteStoreFailure(m_store.log(QString(), QStringLiteral("failed"),
                                                  m_summary.problems.last(), &m_storeError,
                                                  QStringLiteral("formsFailed"), args));
                     next();
                     return;
                 }
                 auto queue = std::make_shared<std::deque<FormEntry>>();
                 QXmlStreamReader xml(ex.body);
                 FormEntry entry;
                 while (!xml.atEnd()) {
                     xml.readNext();
                     if (xml.isStartElement()) {
                         const auto name = xml.name();
                         if (name == QLatin1String("xform"))
                             entry = FormEntry();
                         else if (name == QLatin1String("formID"))
                             entry.formId = xml.readElementText().trimmed();
                         else if (name == QLatin1String("name"))
                             entry.name = xml.readElementText().trimmed();
                         else if (name == QLatin1String("version"))
                             entry.version = xml.readElementText().trimmed();
                         else if (name == QLatin1String("hash"))
                             entry.hash = xml.readElementText().trimmed();
                         else if (name == QLatin1String("downloadUrl"))
                             entry.download = QUrl(xml.readElementText().trimmed());
                         else if (name == QLatin1String("manifestUrl"))
                             entry.manifest = QUrl(xml.readElementText().trimmed());
                     } else if (xml.isEndElement() && xml.name() == QLatin1String("xform") &&
                                !entry.formId.isEmpty() && entry.download.isValid()) {
                         queue->push_back(entry);
                     }
                 }
                 if (xml.hasError()) {
                     m_summary.problems
                         << Messages::tr(
                                "The server's form list is not readable (%1); the forms were "
                                "not updated.")
                                .arg(xml.errorString());
                     next();
                     return;
                 }
                 fetchForm(queue, next);
             });
}

void SyncClient::fetchForm(std::shared_ptr<std::deque<FormEntry>> queue, std::function<void()> next)
{
    if (queue->empty() || m_cancelled) {
        next();
        return;
    }
    const FormEntry form = queue->front();
    queue->pop_front();
    const auto continueWith = [this, queue, next] { fetchForm(queue, next); };
    StoreError e;
    const auto stored = m_store.formVersion(form.formId, form.version, &e);
    if (!stored && e.kind != StoreError::Kind::NotFound) {
        // The device's store cannot be read: said, and this form left for the next time.
        m_summary.problems << e.message;
        continueWith();
        return;
    }
    if (stored && stored->hash == form.hash) {
        // The form is current; its media may still have changed.
        if (!form.manifest.isValid()) {
            continueWith();
            return;
        }
        fetchMedia(form, QByteArray(),
                   std::make_shared<std::vector<std::pair<QString, QByteArray>>>(), nullptr, false,
                   continueWith);
        return;
    }
    if (stored) {
        m_summary.problems << Messages::tr("Form %1 version %2 changed on the server without a new "
                                           "version; the copy on this device is kept.")
                                  .arg(form.formId, form.version);
        continueWith();
        return;
    }
    exchange([this, form] { return m_net.get(request(form.download)); }, {200},
             [this, form, continueWith](const Exchange &ex, const Outcome &outcome) {
                 if (outcome.kind != Outcome::Kind::Success || md5Of(ex.body) != form.hash) {
                     m_summary.problems
                         << Messages::tr("Form %1 could not be downloaded: %2")
                                .arg(form.formId,
                                     outcome.kind == Outcome::Kind::Success
                                         ? Messages::tr("its content does not match the "
                                                        "server's hash")
                                         : outcome.message);
                     continueWith();
                     return;
                 }
                 fetchMedia(form, ex.body,
                            std::make_shared<std::vector<std::pair<QString, QByteArray>>>(),
                            nullptr, true, continueWith);
             });
}

void SyncClient::fetchMedia(const FormEntry &form, const QByteArray &xml,
                            std::shared_ptr<std::vector<std::pair<QString, QByteArray>>> media,
                            std::shared_ptr<std::deque<std::tuple<QString, QString, QUrl>>> files,
                            bool newForm, std::function<void()> done)
{
    const auto store = [this, form, xml, media, newForm, done] {
        StoreError e;
        if (newForm) {
            if (const auto added = m_store.addForm(
                    xml, *media, m_account.base.toString(QUrl::RemoveUserInfo), &e)) {
                ++m_summary.formsUpdated;
                const QStringList args{added->title, added->version};
                noteStoreFailure(m_store.log(QString(), QStringLiteral("info"),
                                             describe(QStringLiteral("formAdded"), args),
                                             &m_storeError, QStringLiteral("formAdded"), args));
            } else
                m_summary.problems
                    << Messages::tr("Form %1 cannot be used here: %2").arg(form.formId, e.message);
        } else if (!media->empty()) {
            const auto stored = m_store.formVersion(form.formId, form.version, &e);
            bool all = stored.has_value();
            for (const auto &[name, content] : *media) {
                if (stored && !m_store.putFormMedia(stored->row, name, content, &e)) {
                    m_summary.problems << e.message;
                    all = false;
                }
            }
            if (all)
                ++m_summary.formsUpdated;
        }
        done();
    };
    if (!form.manifest.isValid()) {
        store();
        return;
    }
    if (!files) {
        // First the manifest: which files, with which hashes.
        exchange(
            [this, form] { return m_net.get(request(form.manifest)); }, {200},
            [this, form, xml, media, newForm, done, store](const Exchange &ex,
                                                           const Outcome &outcome) {
                if (outcome.kind != Outcome::Kind::Success) {
                    m_summary.problems << Messages::tr("The media list of form %1 could not be "
                                                       "downloaded: %2")
                                              .arg(form.formId, outcome.message);
                    done();
                    return;
                }
                auto list = std::make_shared<std::deque<std::tuple<QString, QString, QUrl>>>();
                QXmlStreamReader r(ex.body);
                QString name, hash;
                QUrl link;
                while (!r.atEnd()) {
                    r.readNext();
                    if (r.isStartElement() && r.name() == QLatin1String("mediaFile")) {
                        name.clear();
                        hash.clear();
                        link.clear();
                    } else if (r.isStartElement() && r.name() == QLatin1String("filename")) {
                        name = r.readElementText().trimmed();
                    } else if (r.isStartElement() && r.name() == QLatin1String("hash")) {
                        hash = r.readElementText().trimmed();
                    } else if (r.isStartElement() && r.name() == QLatin1String("downloadUrl")) {
                        link = QUrl(r.readElementText().trimmed());
                    } else if (r.isEndElement() && r.name() == QLatin1String("mediaFile")) {
                        if (!store::validFileName(name)) {
                            m_summary.problems
                                << Messages::tr("Form %1 lists a media file with an unsafe name "
                                                "('%2'); it was not downloaded.")
                                       .arg(form.formId, name);
                            continue;
                        }
                        list->emplace_back(name, hash, link);
                    }
                }
                // Files this device already has with the same hash are not downloaded.
                StoreError readError;
                const auto current =
                    newForm ? m_store.currentForm(form.formId, &readError)
                            : m_store.formVersion(form.formId, form.version, &readError);
                std::vector<store::MediaInfo> have;
                if (current)
                    have = m_store.formMedia(current->row, &readError);
                if (readError && readError.kind != StoreError::Kind::NotFound)
                    m_summary.problems << readError.message; // all are downloaded then
                auto missing = std::make_shared<std::deque<std::tuple<QString, QString, QUrl>>>();
                for (const auto &file : *list) {
                    const auto same = std::find_if(have.begin(), have.end(), [&](const auto &m) {
                        return m.name == std::get<0>(file) && m.hash == std::get<1>(file);
                    });
                    if (same == have.end()) {
                        missing->push_back(file);
                    } else if (newForm && current) {
                        QFile copy(QDir(m_store.formMediaDir(current->row)).filePath(same->name));
                        if (copy.open(QIODevice::ReadOnly))
                            media->emplace_back(same->name, copy.readAll());
                        else
                            missing->push_back(file);
                    }
                }
                fetchMedia(form, xml, media, missing, newForm, done);
            });
        return;
    }
    if (files->empty()) {
        store();
        return;
    }
    const QString name = std::get<0>(files->front());
    const QString hash = std::get<1>(files->front());
    const QUrl link = std::get<2>(files->front());
    files->pop_front();
    exchange(
        [this, link] { return m_net.get(request(link)); }, {200},
        [=, this](const Exchange &ex, const Outcome &outcome) {
            if (outcome.kind != Outcome::Kind::Success || md5Of(ex.body) != hash) {
                m_summary.problems
                    << Messages::tr("Media file %1 of form %2 could not be downloaded: %3")
                           .arg(name, form.formId,
                                outcome.kind == Outcome::Kind::Success
                                    ? Messages::tr("its content does not match the server's hash")
                                    : outcome.message);
                done();
                return;
            }
            media->emplace_back(name, ex.body);
            fetchMedia(form, xml, media, files, newForm, done);
        });
}

// ---- push ------------------------------------------------------------------------------

void SyncClient::pushPhase(bool everything, std::function<void()> next)
{
    StoreError e;
    const auto due = m_store.outbox(!everything, &e);
    if (e) {
        m_summary.problems << e.message;
        next();
        return;
    }
    if (due.empty()) {
        next();
        return;
    }
    m_queue.clear();
    for (const auto &entry : due)
        m_queue.push_back(entry.instanceId);
    m_recordsTotal = static_cast<int>(m_queue.size());
    m_recordsDone = 0;
    m_bytesTotal = 0;
    m_bytesDone = 0;
    m_inFlight = 0;
    m_pushDone = std::move(next);
    Q_EMIT progress(0, m_recordsTotal, 0, 0);
    if (m_summary.signInFailed) {
        // The password was refused a moment ago: each record is marked with that reason
        // without asking the server again (which slows down repeated failed sign-ins).
        const std::deque<QString> queued = std::exchange(m_queue, {});
        m_inFlight += static_cast<int>(queued.size());
        for (const QString &id : queued)
            recordDone(id, m_signInRefusal);
        return;
    }
    preflight([this] { pumpRecords(); });
}

void SyncClient::preflight(std::function<void()> next)
{
    // HEAD: 204 with the largest body the server takes. Other answers are handled: a
    // server without HEAD gets the OpenRosa default; a 2xx that is not 204 is not the
    // server; no connection or no permission stops the batch with the reason.
    exchange([this] { return m_net.head(request(url(QStringLiteral("/submission")))); }, {204},
             [this, next](const Exchange &ex, const Outcome &outcome) {
                 m_acceptLength = 10000000;
                 m_submissionUrl = url(QStringLiteral("/submission"));
                 if (outcome.kind == Outcome::Kind::Success) {
                     // Where the preflight ended up (after an http → https redirect, say) is
                     // where the records go: a redirected POST would turn into a GET.
                     if (ex.url.isValid())
                         m_submissionUrl = ex.url;
                     bool ok = false;
                     const qint64 n = ex.header("X-OpenRosa-Accept-Content-Length").toLongLong(&ok);
                     if (ok && n > 0)
                         m_acceptLength = n;
                     next();
                     return;
                 }
                 if (outcome.kind == Outcome::Kind::Refused && outcome.status != 403) {
                     next(); // no HEAD here: try the POSTs
                     return;
                 }
                 // Nothing can be sent now: every queued record fails with this reason.
                 // (All counted in flight first, so that the phase ends after the last one.)
                 const std::deque<QString> queued = std::exchange(m_queue, {});
                 m_inFlight += static_cast<int>(queued.size());
                 for (const QString &id : queued)
                     recordDone(id, outcome);
             });
}

void SyncClient::pumpRecords()
{
    // Outcomes known at once (a missing file) come back here from inside the loop below.
    if (m_pumping)
        return;
    m_pumping = true;
    while (!m_cancelled && m_inFlight < m_concurrency && !m_queue.empty()) {
        const QString id = m_queue.front();
        m_queue.pop_front();
        ++m_inFlight;
        sendRecord(id);
    }
    m_pumping = false;
    if (m_inFlight == 0 && (m_queue.empty() || m_cancelled) && m_pushDone) {
        auto done = std::move(m_pushDone);
        m_pushDone = nullptr;
        done();
    }
}

void SyncClient::sendRecord(const QString &instanceId)
{
    StoreError e;
    // From here until the server has answered, the record cannot be reopened and changed.
    if (!m_store.claimForSending(instanceId, &e)) {
        // Reopened since the queue was read (or the store failed): not sent, not failed.
        if (e)
            m_summary.problems << e.message;
        --m_inFlight;
        ++m_recordsDone;
        pumpRecords();
        return;
    }
    const auto xml = m_store.recordXml(instanceId, &e);
    const auto files = m_store.attachments(instanceId, &e);
    if (!xml || e) {
        Outcome o;
        o.kind = Outcome::Kind::Refused;
        o.message = e.message;
        recordDone(instanceId, o);
        return;
    }
    // Split by the server's size limit and 100 files per POST; each POST repeats the XML.
    auto parts = std::make_shared<std::vector<std::vector<AttachmentInfo>>>(1);
    const qint64 room = m_acceptLength - xml->size() - 4 * kPartOverhead;
    qint64 used = 0;
    for (const AttachmentInfo &file : files) {
        // A file that is gone (or changed behind the store's back) would reach the server
        // as a record without it: the record waits instead, saying which file.
        if (QFileInfo(file.path).size() != file.size) {
            recordDone(instanceId, outcome(Outcome::Kind::Refused, 0, QStringLiteral("fileMissing"),
                                           {file.name, file.path}));
            return;
        }
        if (file.size + kPartOverhead > room) {
            recordDone(instanceId,
                       outcome(Outcome::Kind::Refused, 0, QStringLiteral("fileTooLarge"),
                               {file.name, QString::number(file.size / 1048576.0, 'f', 1),
                                QString::number(m_acceptLength / 1048576.0, 'f', 1)}));
            return;
        }
        if (!parts->back().empty() &&
            (used + file.size + kPartOverhead > room || parts->back().size() >= kMaxFilesPerPost)) {
            parts->emplace_back();
            used = 0;
        }
        parts->back().push_back(file);
        used += file.size + kPartOverhead;
    }
    for (const auto &part : *parts) {
        m_bytesTotal += xml->size();
        for (const AttachmentInfo &file : part)
            m_bytesTotal += file.size;
    }
    sendPart(instanceId, *xml, parts, 0);
}

void SyncClient::sendPart(const QString &instanceId, const QByteArray &xml,
                          std::shared_ptr<std::vector<std::vector<AttachmentInfo>>> parts,
                          std::size_t index)
{
    const bool last = index + 1 == parts->size();
    auto sentSoFar = std::make_shared<qint64>(0);
    auto unreadable = std::make_shared<QString>();
    qint64 partBytes = xml.size();
    for (const AttachmentInfo &file : (*parts)[index])
        partBytes += file.size;
    const Start start = [=, this]() -> QNetworkReply * {
        m_bytesDone -= *sentSoFar; // a retry sends these bytes again
        *sentSoFar = 0;
        auto *multipart = new QHttpMultiPart(QHttpMultiPart::FormDataType);
        QHttpPart xmlPart;
        xmlPart.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("text/xml"));
        xmlPart.setHeader(QNetworkRequest::ContentDispositionHeader,
                          QStringLiteral("form-data; name=\"xml_submission_file\"; "
                                         "filename=\"submission.xml\""));
        xmlPart.setBody(xml);
        multipart->append(xmlPart);
        for (const AttachmentInfo &file : (*parts)[index]) {
            // Streamed from the file: a 2 MB photo is never held whole in memory here.
            auto *device = new QFile(file.path, multipart);
            if (!device->open(QIODevice::ReadOnly)) {
                *unreadable = file.name; // this POST may go, but the record is not done
                continue;
            }
            QHttpPart part;
            part.setHeader(QNetworkRequest::ContentTypeHeader,
                           QStringLiteral("application/octet-stream"));
            part.setHeader(
                QNetworkRequest::ContentDispositionHeader,
                QStringLiteral("form-data; name=\"%1\"; filename=\"%1\"")
                    .arg(QString(file.name).replace(QLatin1Char('"'), QLatin1Char('_'))));
            part.setBodyDevice(device);
            multipart->append(part);
        }
        if (!last) {
            QHttpPart incomplete;
            incomplete.setHeader(QNetworkRequest::ContentDispositionHeader,
                                 QStringLiteral("form-data; name=\"*isIncomplete*\""));
            incomplete.setBody("yes");
            multipart->append(incomplete);
        }
        QNetworkReply *reply = m_net.post(request(m_submissionUrl), multipart);
        multipart->setParent(reply);
        // Progress in the record's own bytes (the XML and files of this part), scaled from
        // the upload's, which also counts multipart framing; Qt may end with (0, 0).
        connect(reply, &QNetworkReply::uploadProgress, this, [=, this](qint64 sent, qint64 total) {
            if (total <= 0)
                return;
            const qint64 done = partBytes * std::min(sent, total) / total;
            if (done <= *sentSoFar)
                return;
            m_bytesDone += done - *sentSoFar;
            *sentSoFar = done;
            Q_EMIT progress(m_recordsDone, m_recordsTotal, m_bytesDone, m_bytesTotal);
        });
        return reply;
    };
    exchange(start, {201, 202}, [=, this](const Exchange &, const Outcome &outcome) {
        if (outcome.kind == Outcome::Kind::Success && !unreadable->isEmpty()) {
            // The server has the record without that file; it stays queued here, and the
            // next send adds the file (the server takes missing attachments of a resend).
            recordDone(instanceId,
                       sync::outcome(Outcome::Kind::Refused, 0, QStringLiteral("fileMissing"),
                                     {*unreadable, QString()}));
            return;
        }
        if (outcome.kind == Outcome::Kind::Success && !last) {
            sendPart(instanceId, xml, parts, index + 1);
            return;
        }
        recordDone(instanceId, outcome);
    });
}

void SyncClient::recordDone(const QString &instanceId, const Outcome &outcome)
{
    StoreError e;
    if (outcome.kind == Outcome::Kind::Success) {
        // The server has it. Should this write fail, the record stays queued and the next
        // run sends it again, which the server answers "already received": never twice.
        if (m_store.markSent(instanceId, &e)) {
            ++m_summary.sent;
            const QStringList args{m_account.base.host()};
            noteStoreFailure(m_store.log(instanceId, QStringLiteral("sent"),
                                         describe(QStringLiteral("sent"), args), &m_storeError,
                                         QStringLiteral("sent"), args));
            Q_EMIT recordSent(instanceId);
        } else {
            ++m_summary.failed;
            m_summary.problems << e.message;
        }
    } else if (outcome.code == QLatin1String("stopped")) {
        // Cancelled: not a failure; the record keeps its place and its retry time.
        noteStoreFailure(m_store.releaseSending(instanceId, &m_storeError));
    } else {
        if (outcome.kind == Outcome::Kind::SignIn && !m_summary.signInFailed)
            m_summary.problems << outcome.message;
        noteRefusal(outcome);
        ++m_summary.failed;
        int attempts = 0;
        for (const auto &entry : m_store.outbox(false, &m_storeError)) {
            if (entry.instanceId == instanceId)
                attempts = entry.attempts;
        }
        noteStoreFailure(!m_storeError);
        if (!m_store.recordFailure(instanceId, outcome.message,
                                   retryTime(attempts, outcome.kind == Outcome::Kind::Refused), &e,
                                   outcome.code, outcome.args))
            m_summary.problems << e.message;
        Q_EMIT recordFailed(instanceId, outcome.message);
        if (outcome.kind == Outcome::Kind::SignIn) {
            // The same credentials will not work for the others either.
            while (!m_queue.empty()) {
                const QString next = m_queue.front();
                m_queue.pop_front();
                ++m_summary.failed;
                noteStoreFailure(m_store.recordFailure(next, outcome.message, retryTime(0, false),
                                                       &m_storeError, outcome.code, outcome.args));
                Q_EMIT recordFailed(next, outcome.message);
                ++m_recordsDone;
            }
        }
    }
    --m_inFlight;
    ++m_recordsDone;
    Q_EMIT progress(m_recordsDone, m_recordsTotal, m_bytesDone, m_bytesTotal);
    pumpRecords();
}

// ---- returned records --------------------------------------------------------------------

void SyncClient::pullReturnedPhase(std::function<void()> next)
{
    if (m_summary.signInFailed || m_summary.forbidden) {
        next(); // the same password would be refused again; this account may not use it
        return;
    }
    exchange(
        [this] { return m_net.get(request(url(QStringLiteral("/returned")))); }, {200},
        [this, next](const Exchange &ex, const Outcome &outcome) {
            if (outcome.status == 404) {
                next(); // a server without the way back (ODK Central): nothing to pull
                return;
            }
            if (outcome.kind != Outcome::Kind::Success) {
                noteRefusal(outcome);
                m_summary.problems << Messages::tr("Returned records could not be fetched: %1")
                                          .arg(outcome.message);
                next();
                return;
            }
            QJsonParseError parseError;
            const QJsonDocument doc = QJsonDocument::fromJson(ex.body, &parseError);
            if (!doc.isArray()) {
                m_summary.problems << Messages::tr("The server's list of returned records is not "
                                                   "readable (%1).")
                                          .arg(parseError.errorString());
                next();
                return;
            }
            const QJsonArray items = doc.array();
            for (const QJsonValue &v : items) {
                const QJsonObject o = v.toObject();
                const QString formId = o.value(QStringLiteral("formId")).toString();
                const QString version = o.value(QStringLiteral("formVersion")).toString();
                QString instanceId = o.value(QStringLiteral("currentVersion"))
                                         .toObject()
                                         .value(QStringLiteral("instanceId"))
                                         .toString();
                if (instanceId.isEmpty())
                    instanceId = o.value(QStringLiteral("instanceId")).toString();
                if (instanceId.isEmpty() || formId.isEmpty()) {
                    m_summary.problems << Messages::tr("The server listed a returned record "
                                                       "without its instanceId or formId; it "
                                                       "was skipped.");
                    continue;
                }
                StoreError e;
                const auto form = m_store.formVersion(formId, version, &e);
                if (!form) {
                    m_summary.problems
                        << Messages::tr("Returned record %1 needs form %2 version %3, "
                                        "which is not on this device.")
                               .arg(instanceId, formId, version);
                    continue;
                }
                std::vector<store::Comment> comments;
                for (const QJsonValue &c : o.value(QStringLiteral("comments")).toArray()) {
                    const QJsonObject co = c.toObject();
                    comments.push_back({co.value(QStringLiteral("author")).toString(),
                                        co.value(QStringLiteral("createdAt")).toString(),
                                        co.value(QStringLiteral("body")).toString()});
                }
                std::vector<store::ReviewFlag> flags;
                for (const QJsonValue &f : o.value(QStringLiteral("flags")).toArray()) {
                    const QJsonObject fo = f.toObject();
                    flags.push_back({fo.value(QStringLiteral("path")).toString(),
                                     fo.value(QStringLiteral("note")).toString(),
                                     fo.value(QStringLiteral("author")).toString(),
                                     fo.value(QStringLiteral("createdAt")).toString(),
                                     fo.value(QStringLiteral("version")).toString()});
                }
                bool news = false;
                const auto r = m_store.receiveReturned(
                    form->row, instanceId, o.value(QStringLiteral("xml")).toString().toUtf8(),
                    o.value(QStringLiteral("reviewState")).toString(), comments, &e, &news, flags);
                if (!r) {
                    m_summary.problems << e.message;
                    continue;
                }
                // Counted and logged once: when it comes back, not on every later sync while
                // it waits for its correction.
                if (news) {
                    ++m_summary.returned;
                    const QStringList args{comments.empty() ? QString() : comments.back().body};
                    noteStoreFailure(m_store.log(r->instanceId, QStringLiteral("returned"),
                                                 describe(QStringLiteral("returned"), args),
                                                 &m_storeError, QStringLiteral("returned"), args));
                }
            }
            next();
        });
}

} // namespace survey::sync
