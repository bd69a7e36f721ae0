// SPDX-License-Identifier: GPL-3.0-or-later
// OpenRosa 1.0 on ODK Central's URL layout (see shared/design/PROTOCOL.md).
#include "openrosa.h"
#include "serverimpl.h"

#include "admin.h"
#include "names.h"

#include "formsession.h"
#include "passwords.h"

#include <httplib.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QHash>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUrl>
#include <QXmlStreamWriter>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

namespace survey::server {

using form::XmlDocument;
using form::XmlError;
using form::XmlNode;

namespace detail {

static constexpr const char *kOpenRosaNs = "http://openrosa.org/http/response";

QString md5(const QByteArray &bytes)
{
    return QStringLiteral("md5:") +
           QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Md5).toHex());
}

QString fromUtf8(const std::string &s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

void setOpenRosa(httplib::Response &res)
{
    res.set_header("X-OpenRosa-Version", "1.0");
}

/// An OpenRosaResponse a person can read, with its status code.
void respond(httplib::Response &res, int status, const QString &nature, const QString &message)
{
    QByteArray body;
    QXmlStreamWriter w(&body);
    w.writeStartDocument();
    w.writeDefaultNamespace(QLatin1String(kOpenRosaNs));
    w.writeStartElement(QLatin1String(kOpenRosaNs), QStringLiteral("OpenRosaResponse"));
    w.writeStartElement(QLatin1String(kOpenRosaNs), QStringLiteral("message"));
    w.writeAttribute(QStringLiteral("nature"), nature);
    w.writeCharacters(message);
    w.writeEndElement();
    w.writeEndElement();
    w.writeEndDocument();
    sendXml(res, status, body);
}

void sendXml(httplib::Response &res, int status, const QByteArray &xml)
{
    res.status = status;
    setOpenRosa(res);
    res.set_content(xml.toStdString(), "text/xml; charset=utf-8");
}

QString urlPart(const httplib::Request &req, int index)
{
    return QUrl::fromPercentEncoding(QByteArray::fromStdString(req.matches[index].str()));
}

bool isSelect(const form::Control &control)
{
    using Kind = form::Control::Kind;
    return control.kind == Kind::Select1 || control.kind == Kind::Select ||
           control.kind == Kind::Rank;
}

QString choiceLabels(const form::FormSession &session, int control, const XmlNode *node)
{
    const auto choices = session.choices(control, const_cast<XmlNode *>(node));
    QStringList labels;
    for (const QString &v : node->stringValue().split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        for (const auto &c : choices) {
            if (c.value == v)
                labels << c.label;
        }
    }
    return labels.join(QStringLiteral(", "));
}

void error(httplib::Response &res, int status, const QString &message)
{
    respond(res, status, QStringLiteral("error"), message);
}

void json(httplib::Response &res, int status, const QJsonDocument &doc)
{
    res.status = status;
    res.set_content(doc.toJson(QJsonDocument::Compact).toStdString(),
                    "application/json; charset=utf-8");
}

void jsonError(httplib::Response &res, int status, const QString &message)
{
    json(res, status,
         QJsonDocument(
             QJsonObject{{QStringLiteral("code"), status}, {QStringLiteral("message"), message}}));
}

void jsonProblem(httplib::Response &res, int status, double code, const QString &message,
                 const QJsonObject &details)
{
    QJsonObject body{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!details.isEmpty())
        body.insert(QStringLiteral("details"), details);
    json(res, status, QJsonDocument(body));
}

} // namespace detail

using namespace detail;

namespace {

/// A use of a statement the connection keeps prepared: finish()ed, not deleted, when done.
struct FinishQuery
{
    void operator()(QSqlQuery *q) const { q->finish(); }
};
using QueryUse = std::unique_ptr<QSqlQuery, FinishQuery>;

/// The text of every element without element children: the values a submission's
/// attachments must be named by.
QSet<QString> leafValues(const XmlNode *root)
{
    QSet<QString> out;
    std::vector<const XmlNode *> stack{root};
    while (!stack.empty()) {
        const XmlNode *n = stack.back();
        stack.pop_back();
        bool leaf = true;
        for (const auto &c : n->children()) {
            if (c->isElement()) {
                leaf = false;
                stack.push_back(c.get());
            }
        }
        if (leaf)
            out.insert(n->stringValue().trimmed());
    }
    return out;
}

} // namespace

OpenRosaServer::OpenRosaServer(Options options)
    : d(std::make_unique<Impl>())
{
    d->options = std::move(options);
}

OpenRosaServer::~OpenRosaServer() = default;

std::optional<User> OpenRosaServer::Impl::checkCredentials(const QString &name,
                                                           const QString &password,
                                                           const QString &address, SignIn *outcome)
{
    *outcome = SignIn();
    QSqlQuery q(db().db());
    q.prepare(QStringLiteral(
        "SELECT id, role, project_id, password_hash, disabled FROM users WHERE name = ?"));
    q.addBindValue(name);
    if (!q.exec()) {
        outcome->status = 503;
        outcome->why = Tr::tr("the server cannot read its database; try again later");
        return std::nullopt;
    }
    const bool found = q.next();
    const QString hash = found ? q.value(3).toString() : QString();
    const bool disabled = found && q.value(4).toInt() != 0;
    const QByteArray key = QCryptographicHash::hash(
        (name + QLatin1Char('\n') + password + QLatin1Char('\n') + hash).toUtf8(),
        QCryptographicHash::Sha256);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    bool ok = false;
    {
        // A password verified a moment ago passes without being checked again, even while
        // someone else is guessing at the account.
        std::lock_guard lock(cacheMutex);
        ok = verified.value(key, 0) > now;
    }
    if (!ok) {
        // Too many failures lately, for the account or from the address: refused at once,
        // no password checked.
        if (const qint64 wait = throttle.wait(name, address, now); wait > 0) {
            outcome->status = 429;
            outcome->retryAfter = static_cast<int>((wait + 999) / 1000);
            outcome->why = Tr::tr("too many failed sign-ins for this account or from this "
                                  "address; try again in %n second(s)",
                                  nullptr, outcome->retryAfter);
            return std::nullopt;
        }
        // An unknown name costs the same check as a known one, so the answer's timing does
        // not tell which names exist.
        static const QString unknownHash = hashPassword(QStringLiteral("no such user, no login"));
        std::shared_ptr<PendingCheck> pending;
        bool mine = false;
        {
            std::lock_guard lock(cacheMutex);
            pending = checking.value(key);
            if (!pending) {
                pending = std::make_shared<PendingCheck>();
                checking.insert(key, pending);
                mine = true;
            }
        }
        if (mine) {
            passwordChecks.acquire();
            ok = verifyPassword(password, found ? hash : unknownHash) && found;
            passwordChecks.release();
            std::lock_guard lock(cacheMutex);
            pending->done = true;
            pending->ok = ok;
            checking.remove(key);
            if (ok) {
                if (verified.size() > 10000)
                    verified.clear();
                verified.insert(key, now + 5 * 60 * 1000);
            }
        } else {
            // The same name, password and hash are being checked right now: that answer.
            std::unique_lock lock(cacheMutex);
            checked.wait(lock, [&pending] { return pending->done; });
            ok = pending->ok;
        }
        if (mine)
            checked.notify_all();
    }
    if (!ok || disabled) {
        // A disabled account answers as a wrong password does.
        throttle.failed(name, address, now);
        outcome->why = Tr::tr("the user name or password is wrong");
        return std::nullopt;
    }
    throttle.succeeded(name);
    User u;
    u.id = q.value(0).toInt();
    u.name = name;
    u.role = q.value(1).toString();
    u.projectId = q.value(2).toInt();
    return u;
}

std::optional<User> OpenRosaServer::Impl::basicUser(const httplib::Request &req, SignIn *outcome)
{
    *outcome = SignIn();
    const std::string header = req.get_header_value("Authorization");
    if (header.rfind("Basic ", 0) != 0) {
        outcome->why = Tr::tr("sign in: this server needs a user name and password");
        return std::nullopt;
    }
    const QByteArray decoded = QByteArray::fromBase64(QByteArray::fromStdString(header.substr(6)));
    const qsizetype colon = decoded.indexOf(':');
    if (colon < 0) {
        outcome->why = Tr::tr("the sign-in header is malformed");
        return std::nullopt;
    }
    return checkCredentials(QString::fromUtf8(decoded.left(colon)),
                            QString::fromUtf8(decoded.mid(colon + 1)),
                            QString::fromStdString(req.remote_addr), outcome);
}

void OpenRosaServer::Impl::refuseSignIn(httplib::Response &res, const SignIn &s)
{
    if (s.status == 401)
        res.set_header("WWW-Authenticate", "Basic realm=\"survey-sync\", charset=\"UTF-8\"");
    if (s.status == 429)
        res.set_header("Retry-After", std::to_string(s.retryAfter));
}

std::optional<User> OpenRosaServer::Impl::authenticate(const httplib::Request &req,
                                                       httplib::Response &res)
{
    SignIn outcome;
    const auto user = basicUser(req, &outcome);
    if (!user) {
        error(res, outcome.status, outcome.why);
        refuseSignIn(res, outcome);
    }
    return user;
}

bool OpenRosaServer::Impl::checkProject(const User &u, const httplib::Request &req,
                                        httplib::Response &res, int *project)
{
    *project = std::stoi(req.matches[1].str());
    if (u.role != QLatin1String("admin") && u.projectId != *project) {
        error(res, 403, Tr::tr("%1 may not use project %2").arg(u.name).arg(*project));
        return false;
    }
    return true;
}

bool OpenRosaServer::Impl::requireOpenRosaHeader(const httplib::Request &req,
                                                 httplib::Response &res)
{
    if (req.get_header_value("X-OpenRosa-Version") != "1.0") {
        error(res, 400,
              Tr::tr("this is an OpenRosa endpoint: send the header X-OpenRosa-Version: 1.0"));
        return false;
    }
    return true;
}

QString OpenRosaServer::Impl::baseUrl(const httplib::Request &req, int project) const
{
    const std::string host = req.get_header_value("Host");
    return QStringLiteral("%1://%2/v1/projects/%3")
        .arg(options.tlsCert.isEmpty() ? QStringLiteral("http") : QStringLiteral("https"),
             fromUtf8(host))
        .arg(project);
}

std::unique_ptr<QTemporaryDir> OpenRosaServer::Impl::workDir() const
{
    return options.dataDir.isEmpty()
               ? std::make_unique<QTemporaryDir>()
               : std::make_unique<QTemporaryDir>(options.dataDir + QStringLiteral("/work-XXXXXX"));
}

std::shared_ptr<const form::FormDefinition> OpenRosaServer::Impl::definition(int versionId,
                                                                             QString *error)
{
    if (auto cached = definitions.find(versionId))
        return cached;
    // Only on a miss is the form's XML read (every submission reading it again cost the
    // database more than storing the submission did).
    QSqlQuery v(db().db());
    v.prepare(QStringLiteral("SELECT xml FROM form_versions WHERE id = ?"));
    v.addBindValue(versionId);
    if (!v.exec() || !v.next()) {
        *error = v.lastError().isValid()
                     ? v.lastError().text()
                     : Tr::tr("form version %1 is not in the database").arg(versionId);
        return nullptr;
    }
    const QByteArray xml = v.value(0).toByteArray();
    v.finish();
    // Forms with external instances (CSV/XML choice lists) read those files from memory: no
    // file is ever named after what a user gave. Pictures and sounds are not needed here.
    form::FormDefinition::LoadOptions options;
    options.media.emplace();
    QSqlQuery m(db().db());
    m.prepare(QStringLiteral("SELECT filename, content FROM form_media WHERE form_version_id = ? "
                             "AND (LOWER(filename) LIKE '%.csv' OR LOWER(filename) LIKE '%.xml' "
                             "OR LOWER(filename) LIKE '%.geojson')"));
    m.addBindValue(versionId);
    if (!m.exec()) {
        *error = m.lastError().text();
        return nullptr;
    }
    qint64 bytes = xml.size();
    while (m.next()) {
        const QByteArray content = m.value(1).toByteArray();
        bytes += content.size();
        options.media->insert(m.value(0).toString(), content);
    }
    form::FormError fe;
    std::shared_ptr<const form::FormDefinition> def = form::FormDefinition::load(xml, options, &fe);
    if (!def) {
        *error = fe.message;
        return nullptr;
    }
    definitions.insert(versionId, def, bytes);
    return def;
}

void OpenRosaServer::Impl::formList(const httplib::Request &req, httplib::Response &res)
{
    if (!requireOpenRosaHeader(req, res))
        return;
    const auto user = authenticate(req, res);
    int project = 0;
    if (!user || !checkProject(*user, req, res, &project))
        return;
    QSqlQuery q(db().db());
    q.prepare(QStringLiteral(
        "SELECT f.xml_form_id, v.title, v.version, v.hash, (SELECT COUNT(*) FROM form_media m "
        "WHERE m.form_version_id = v.id) FROM forms f JOIN form_versions v ON v.id = "
        "f.current_version_id WHERE f.project_id = ? AND f.state = 'open' ORDER BY f.xml_form_id"));
    q.addBindValue(project);
    if (!q.exec()) {
        error(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    QByteArray body;
    QXmlStreamWriter w(&body);
    w.writeStartDocument();
    const QString ns = QStringLiteral("http://openrosa.org/xforms/xformsList");
    w.writeDefaultNamespace(ns);
    w.writeStartElement(ns, QStringLiteral("xforms"));
    const QString base = baseUrl(req, project);
    while (q.next()) {
        const QString formId = q.value(0).toString();
        const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(formId));
        w.writeStartElement(ns, QStringLiteral("xform"));
        w.writeTextElement(ns, QStringLiteral("formID"), formId);
        w.writeTextElement(ns, QStringLiteral("name"), q.value(1).toString());
        w.writeTextElement(ns, QStringLiteral("version"), q.value(2).toString());
        w.writeTextElement(ns, QStringLiteral("hash"), q.value(3).toString());
        w.writeTextElement(ns, QStringLiteral("downloadUrl"),
                           base + QStringLiteral("/forms/") + encoded + QStringLiteral(".xml"));
        if (q.value(4).toInt() > 0)
            w.writeTextElement(ns, QStringLiteral("manifestUrl"),
                               base + QStringLiteral("/forms/") + encoded +
                                   QStringLiteral("/manifest"));
        w.writeEndElement();
    }
    w.writeEndElement();
    w.writeEndDocument();
    sendXml(res, 200, body);
}

void OpenRosaServer::Impl::formDownload(const httplib::Request &req, httplib::Response &res)
{
    const auto user = authenticate(req, res);
    int project = 0;
    if (!user || !checkProject(*user, req, res, &project))
        return;
    QSqlQuery q(db().db());
    q.prepare(QStringLiteral("SELECT v.xml FROM forms f JOIN form_versions v ON v.id = "
                             "f.current_version_id WHERE f.project_id = ? AND f.xml_form_id = ?"));
    q.addBindValue(project);
    q.addBindValue(urlPart(req, 2));
    if (!q.exec() || !q.next()) {
        error(res, 404, Tr::tr("there is no such form in project %1").arg(project));
        return;
    }
    sendXml(res, 200, q.value(0).toByteArray());
}

void OpenRosaServer::Impl::manifest(const httplib::Request &req, httplib::Response &res)
{
    const auto user = authenticate(req, res);
    int project = 0;
    if (!user || !checkProject(*user, req, res, &project))
        return;
    const QString formId = urlPart(req, 2);
    QSqlQuery q(db().db());
    q.prepare(QStringLiteral("SELECT m.filename, m.hash FROM forms f JOIN form_media m ON "
                             "m.form_version_id = f.current_version_id WHERE f.project_id = ? AND "
                             "f.xml_form_id = ? ORDER BY m.filename"));
    q.addBindValue(project);
    q.addBindValue(formId);
    if (!q.exec()) {
        error(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    QByteArray body;
    QXmlStreamWriter w(&body);
    w.writeStartDocument();
    const QString ns = QStringLiteral("http://openrosa.org/xforms/xformsManifest");
    w.writeDefaultNamespace(ns);
    w.writeStartElement(ns, QStringLiteral("manifest"));
    const QString base = baseUrl(req, project) + QStringLiteral("/forms/") +
                         QString::fromLatin1(QUrl::toPercentEncoding(formId)) +
                         QStringLiteral("/attachments/");
    while (q.next()) {
        w.writeStartElement(ns, QStringLiteral("mediaFile"));
        w.writeTextElement(ns, QStringLiteral("filename"), q.value(0).toString());
        w.writeTextElement(ns, QStringLiteral("hash"), q.value(1).toString());
        w.writeTextElement(ns, QStringLiteral("downloadUrl"),
                           base +
                               QString::fromLatin1(QUrl::toPercentEncoding(q.value(0).toString())));
        w.writeEndElement();
    }
    w.writeEndElement();
    w.writeEndDocument();
    sendXml(res, 200, body);
}

void OpenRosaServer::Impl::media(const httplib::Request &req, httplib::Response &res)
{
    const auto user = authenticate(req, res);
    int project = 0;
    if (!user || !checkProject(*user, req, res, &project))
        return;
    QSqlQuery q(db().db());
    q.prepare(QStringLiteral("SELECT m.content FROM forms f JOIN form_media m ON "
                             "m.form_version_id = f.current_version_id WHERE f.project_id = ? AND "
                             "f.xml_form_id = ? AND m.filename = ?"));
    q.addBindValue(project);
    q.addBindValue(urlPart(req, 2));
    q.addBindValue(urlPart(req, 3));
    if (!q.exec() || !q.next()) {
        error(res, 404, Tr::tr("there is no such media file"));
        return;
    }
    res.status = 200;
    res.set_content(q.value(0).toByteArray().toStdString(), "application/octet-stream");
}

void OpenRosaServer::Impl::submissionHead(const httplib::Request &req, httplib::Response &res)
{
    if (req.method != "HEAD") {
        error(res, 405, Tr::tr("send submissions with POST"));
        return;
    }
    if (!requireOpenRosaHeader(req, res))
        return;
    const auto user = authenticate(req, res);
    int project = 0;
    if (!user || !checkProject(*user, req, res, &project))
        return;
    res.status = 204;
    setOpenRosa(res);
    res.set_header("X-OpenRosa-Accept-Content-Length", std::to_string(options.maxBodyBytes));
}

void OpenRosaServer::Impl::submissionPost(const httplib::Request &req, httplib::Response &res,
                                          const httplib::ContentReader &content)
{
    // The body is read here, after the caller is known, part by part: with a Content-Length
    // or in chunks (OpenRosa clients may send either), held to --max-body-mb either way.
    // Whenever the answer comes before the whole body was read, the connection is closed
    // so that the unread rest is never taken for a next request.
    const auto refuseUnread = [&res] { res.set_header("Connection", "close"); };
    if (!requireOpenRosaHeader(req, res))
        return refuseUnread();
    const auto user = authenticate(req, res);
    int project = 0;
    if (!user || !checkProject(*user, req, res, &project))
        return refuseUnread();
    const QString multipartNeeded = Tr::tr("a submission is multipart/form-data with a part "
                                           "named xml_submission_file");
    if (!req.is_multipart_form_data()) {
        error(res, 400, multipartNeeded);
        return refuseUnread();
    }
    std::vector<httplib::MultipartFormData> parts;
    std::size_t received = 0;
    bool tooLarge = false;
    bool tooMany = false;
    const bool read = content(
        [&parts, &tooMany](const httplib::MultipartFormData &part) {
            // The XML and at most kMaxAttachmentParts files in one request.
            tooMany = parts.size() > kMaxAttachmentParts;
            parts.push_back(part);
            return !tooMany;
        },
        [&](const char *data, std::size_t n) {
            received += n;
            if (received > static_cast<std::size_t>(options.maxBodyBytes)) {
                tooLarge = true;
                return false;
            }
            if (!parts.empty())
                parts.back().content.append(data, n);
            return true;
        });
    if (tooMany) {
        error(res, 413,
              Tr::tr("a submission request may carry at most %n files; send the rest in further "
                     "requests",
                     nullptr, static_cast<int>(kMaxAttachmentParts)));
        return refuseUnread();
    }
    if (!read || tooLarge) {
        if (tooLarge || res.status == 413)
            error(res, 413,
                  Tr::tr("the submission is larger than this server takes (%1 MB); the device "
                         "should send its attachments in several parts")
                      .arg(options.maxBodyBytes / (1024 * 1024)));
        else
            error(res, 400,
                  Tr::tr("the submission's multipart body is malformed or was cut off: %1")
                      .arg(multipartNeeded));
        return refuseUnread();
    }
    const auto xmlPart = std::find_if(
        parts.begin(), parts.end(), [](const auto &p) { return p.name == "xml_submission_file"; });
    if (xmlPart == parts.end() || std::count_if(parts.begin(), parts.end(), [](const auto &p) {
                                      return p.name == "xml_submission_file";
                                  }) > 1) {
        error(res, 400, multipartNeeded);
        return;
    }
    const QByteArray xml = QByteArray::fromStdString(xmlPart->content);
    XmlError xe;
    const auto doc = XmlDocument::parse(xml, &xe);
    if (!doc) {
        error(res, 400,
              Tr::tr("the submission is not readable XML (line %1, column %2): %3")
                  .arg(xe.line)
                  .arg(xe.column)
                  .arg(xe.message));
        return;
    }
    const XmlNode *root = doc->documentElement();
    const QString formId = root->attributeValue(QStringLiteral("id"));
    const QString version = root->attributeValue(QStringLiteral("version"));
    QSqlQuery f(db().db());
    f.prepare(QStringLiteral("SELECT f.id, f.state, v.id FROM forms f LEFT JOIN form_versions v "
                             "ON v.form_id = f.id AND v.version = ? WHERE f.project_id = ? AND "
                             "f.xml_form_id = ?"));
    f.addBindValue(version);
    f.addBindValue(project);
    f.addBindValue(formId);
    if (!f.exec()) {
        error(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    if (!f.next()) {
        error(res, 404, Tr::tr("there is no form '%1' in project %2").arg(formId).arg(project));
        return;
    }
    if (f.value(1).toString() == QLatin1String("closed")) { // "closing" still accepts
        error(res, 409, Tr::tr("the form '%1' is closed to new submissions").arg(formId));
        return;
    }
    if (f.value(2).isNull()) {
        error(res, 409,
              Tr::tr("version '%1' of form '%2' is not published here; update the form "
                     "on the device")
                  .arg(version, formId));
        return;
    }
    const int formRow = f.value(0).toInt();
    const int versionRow = f.value(2).toInt();
    f.finish(); // no read left open on this connection when the write begins (Database::write)
    QString why;
    const auto def = definition(versionRow, &why);
    if (!def) {
        error(res, 500, Tr::tr("the published form cannot be loaded: %1").arg(why));
        return;
    }
    // The XML must fit its form version.
    form::FormSession session(def);
    if (!session.loadInstance(xml, &why)) {
        error(res, 400,
              Tr::tr("the submission does not match form '%1' version '%2': %3")
                  .arg(formId, version, why));
        return;
    }
    const QString instanceId = session.instanceId();
    if (instanceId.isEmpty()) {
        error(res, 400, Tr::tr("the submission has no meta/instanceID"));
        return;
    }
    // Identifiers become keys and, in exports, names: only plain, printable ones are taken.
    const QString idRule = Tr::tr("use the OpenRosa form uuid:… (printable characters, no '/' or "
                                  "'\\', at most %1)")
                               .arg(kMaxInstanceIdLength);
    if (!validInstanceId(instanceId)) {
        error(res, 400, Tr::tr("the instanceID is not acceptable: %1").arg(idRule));
        return;
    }
    QString deprecatedId;
    if (const XmlNode *meta = root->firstChildElement(QStringLiteral("meta"))) {
        if (const XmlNode *dep = meta->firstChildElement(QStringLiteral("deprecatedID")))
            deprecatedId = dep->stringValue().trimmed();
    }
    if (!deprecatedId.isEmpty() && !validInstanceId(deprecatedId)) {
        error(res, 400, Tr::tr("the deprecatedID is not acceptable: %1").arg(idRule));
        return;
    }
    // Attachments: plain file names, each once, and only files the submission refers to
    // (a photo answer, the audit log); others are left out, as ODK Central does.
    const QSet<QString> referenced = leafValues(root);
    std::vector<std::pair<QString, QByteArray>> attachments;
    QStringList ignored;
    QSet<QString> seen;
    for (const auto &part : parts) {
        if (part.name == "xml_submission_file")
            continue;
        const QString name = fromUtf8(part.filename.empty() ? part.name : part.filename);
        if (!validFileName(name)) {
            error(res, 400,
                  Tr::tr("the attachment name '%1' is not a plain file name (one name, no "
                         "folders, no control characters, at most %2 bytes)")
                      .arg(printable(name))
                      .arg(kMaxFileNameBytes));
            return;
        }
        if (seen.contains(name)) {
            error(res, 400, Tr::tr("the attachment '%1' is sent twice in one request").arg(name));
            return;
        }
        seen.insert(name);
        if (!referenced.contains(name)) {
            ignored << name;
            continue;
        }
        attachments.emplace_back(name, QByteArray::fromStdString(part.content));
    }
    // The device that sent it (OpenRosa's deviceID parameter, else the form's meta/deviceID),
    // for reviewers: printable and short, or not kept.
    QString deviceId = fromUtf8(req.get_param_value("deviceID")).trimmed();
    if (deviceId.isEmpty()) {
        if (const XmlNode *meta = root->firstChildElement(QStringLiteral("meta"))) {
            if (const XmlNode *dev = meta->firstChildElement(QStringLiteral("deviceID")))
                deviceId = dev->stringValue().trimmed();
        }
    }
    if (deviceId.size() > 200 ||
        std::any_of(deviceId.cbegin(), deviceId.cend(), [](QChar c) { return !c.isPrint(); }))
        deviceId.clear();
    const QString hash = md5(xml);
    int status = 201;
    QString message;
    // Written in the next group commit, on the writer's connection; answered once durable.
    const GroupCommit::Result written = committer->run([&](Database &database, QString *e) {
        // Each attempt starts afresh (the status of an earlier one is forgotten).
        status = 201;
        auto fail = [&](int code, const QString &text) {
            status = code;
            *e = text;
            return false;
        };
        auto dbFail = [&](const QSqlQuery &q) {
            // Another server stored the same instanceID a moment ago: this write runs again
            // and finds it (a resend, or a conflict).
            database.retryOnConflict(q);
            // 507 when the disk is full: the device keeps the record and sends it later.
            return fail(Database::outOfSpace(q.lastError()) ? 507 : 503,
                        Database::failure(Tr::tr("storing the submission"), q.lastError()));
        };
        // The statements every submission runs, prepared once per connection; each use is
        // finished when it goes out of scope (no read left open), the statement kept.
        auto prepared = [&](const QString &sql) {
            QSqlError why;
            QueryUse q(database.prepared(sql, &why));
            if (!q)
                fail(Database::outOfSpace(why) ? 507 : 503,
                     Database::failure(Tr::tr("storing the submission"), why));
            return q;
        };
        // The version's attachments, and the review feed's change counter and the
        // submitter's last sync when anything new was stored (`fresh`: a new version).
        auto storeAttachments = [&](const QVariant &version, bool fresh) {
            bool changed = fresh;
            for (const auto &[name, content] : attachments) {
                const QueryUse a = prepared(
                    QStringLiteral("SELECT 1 FROM submission_attachments WHERE version_id = "
                                   "? AND name = ?"));
                if (!a)
                    return false;
                a->addBindValue(version);
                a->addBindValue(name);
                if (!a->exec())
                    return dbFail(*a);
                if (a->next())
                    continue; // already here: a resend stores nothing twice
                const QueryUse ins =
                    prepared(QStringLiteral("INSERT INTO submission_attachments (version_id, name, "
                                            "hash, content) VALUES (?, ?, ?, ?)"));
                if (!ins)
                    return false;
                ins->addBindValue(version);
                ins->addBindValue(name);
                ins->addBindValue(md5(content));
                ins->addBindValue(content);
                if (!ins->exec())
                    return dbFail(*ins);
                changed = true;
            }
            const QueryUse seen =
                prepared(QStringLiteral("UPDATE users SET last_sync_at = ? WHERE id = ?"));
            if (!seen)
                return false;
            seen->addBindValue(Database::now());
            seen->addBindValue(user->id);
            if (!seen->exec())
                return dbFail(*seen);
            if (!changed)
                return true;
            const QueryUse bump =
                prepared(QStringLiteral("UPDATE submissions SET change_seq = (SELECT COALESCE(MAX("
                                        "change_seq), 0) + 1 FROM submissions) WHERE id = (SELECT "
                                        "submission_id FROM submission_versions WHERE id = ?)"));
            if (!bump)
                return false;
            bump->addBindValue(version);
            if (!bump->exec())
                return dbFail(*bump);
            return true;
        };
        // The same instanceID again: the same XML from its own submitter is a resend,
        // other XML a conflict; to anyone else it is taken, whatever it holds (nothing
        // tells another team's device whose submission it met or what is in it).
        const QueryUse existing = prepared(
            QStringLiteral("SELECT v.id, v.xml_hash, s.submitter_id FROM submission_versions "
                           "v JOIN submissions s ON s.id = v.submission_id WHERE "
                           "s.form_id = ? AND v.instance_id = ?"));
        if (!existing)
            return false;
        existing->addBindValue(formRow);
        existing->addBindValue(instanceId);
        if (!existing->exec())
            return dbFail(*existing);
        if (existing->next()) {
            const bool own = user->isAdmin() || existing->value(2).toInt() == user->id;
            if (own && existing->value(1).toString() != hash)
                return fail(409, Tr::tr("a different submission with instanceID %1 is "
                                        "already stored; an edit needs a new instanceID and "
                                        "deprecatedID %1")
                                     .arg(instanceId));
            if (!own)
                return fail(409, Tr::tr("instanceID %1 is already taken by another "
                                        "submission; an edit needs a new instanceID and "
                                        "deprecatedID %1")
                                     .arg(instanceId));
            message = Tr::tr("this submission was already received; nothing stored twice");
            return storeAttachments(existing->value(0), false);
        }
        QVariant submissionRow;
        QVariant baseVersion; // an edit's: still current when the edit is stored, or 409
        if (!deprecatedId.isEmpty()) {
            // An edit: deprecatedID must be the current version of a stored submission.
            // Only its submitter (or an admin) may edit a submission; to anyone else it is
            // as if there were none.
            const QueryUse base =
                prepared(QStringLiteral("SELECT s.id, s.current_version_id, v.id, "
                                        "s.submitter_id FROM submission_versions v JOIN "
                                        "submissions s ON s.id = v.submission_id WHERE "
                                        "s.form_id = ? AND v.instance_id = ?"));
            if (!base)
                return false;
            base->addBindValue(formRow);
            base->addBindValue(deprecatedId);
            if (!base->exec())
                return dbFail(*base);
            if (!base->next() || (!user->isAdmin() && base->value(3).toInt() != user->id))
                return fail(409,
                            Tr::tr("deprecatedID %1 names no stored submission").arg(deprecatedId));
            if (base->value(1) != base->value(2))
                return fail(409, Tr::tr("deprecatedID %1 is not the current version of its "
                                        "submission: the edit started from an old copy")
                                     .arg(deprecatedId));
            submissionRow = base->value(0);
            baseVersion = base->value(1);
        } else {
            const QueryUse ins = prepared(
                QStringLiteral("INSERT INTO submissions (form_id, instance_id, "
                               "submitter_id, created_at) VALUES (?, ?, ?, ?) RETURNING id"));
            if (!ins)
                return false;
            ins->addBindValue(formRow);
            ins->addBindValue(instanceId);
            ins->addBindValue(user->id);
            ins->addBindValue(Database::now());
            if (!ins->exec() || !ins->next())
                return dbFail(*ins);
            submissionRow = ins->value(0);
        }
        const QueryUse v = prepared(
            QStringLiteral("INSERT INTO submission_versions (submission_id, form_version_id, "
                           "instance_id, deprecated_id, xml, xml_hash, submitter_id, "
                           "device_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "
                           "id"));
        if (!v)
            return false;
        v->addBindValue(submissionRow);
        v->addBindValue(versionRow);
        v->addBindValue(instanceId);
        v->addBindValue(deprecatedId.isEmpty() ? QVariant() : QVariant(deprecatedId));
        v->addBindValue(xml);
        v->addBindValue(hash);
        v->addBindValue(user->id);
        v->addBindValue(deviceId.isEmpty() ? QVariant() : QVariant(deviceId));
        v->addBindValue(Database::now());
        if (!v->exec() || !v->next())
            return dbFail(*v);
        const QVariant versionId = v->value(0);
        v->finish();
        // The version it replaces must still be current as it is replaced: of two edits of
        // one version stored at once (by two servers on one database), one wins, the other
        // is told the edit started from an old copy. Nothing is overwritten unseen.
        const QueryUse cur = prepared(
            QStringLiteral("UPDATE submissions SET current_version_id = ?, updated_at = ?, "
                           "review_state = CASE "
                           "WHEN ? = 1 THEN 'edited' ELSE review_state END WHERE id = ? AND %1")
                .arg(baseVersion.isValid() ? QStringLiteral("current_version_id = ?")
                                           : QStringLiteral("current_version_id IS NULL")));
        if (!cur)
            return false;
        cur->addBindValue(versionId);
        cur->addBindValue(Database::now());
        cur->addBindValue(deprecatedId.isEmpty() ? 0 : 1);
        cur->addBindValue(submissionRow);
        if (baseVersion.isValid())
            cur->addBindValue(baseVersion);
        if (!cur->exec())
            return dbFail(*cur);
        if (cur->numRowsAffected() != 1)
            return fail(409, Tr::tr("deprecatedID %1 is not the current version of its "
                                    "submission: the edit started from an old copy")
                                 .arg(deprecatedId));
        message = deprecatedId.isEmpty() ? Tr::tr("submission received")
                                         : Tr::tr("corrected submission received");
        return storeAttachments(versionId, true);
    });
    if (!written.ok) {
        if (status == 201) // the transaction itself failed (BEGIN or COMMIT)
            status = written.outOfSpace ? 507 : 503;
        error(res, status, written.error);
        return;
    }
    if (!ignored.isEmpty())
        message +=
            QLatin1Char(' ') + Tr::tr("Left out %n file(s) the submission does not refer to: %1",
                                      nullptr, static_cast<int>(ignored.size()))
                                   .arg(printable(ignored.join(QStringLiteral(", "))));
    respond(res, 201, QStringLiteral("submit_success"), message);
}

} // namespace survey::server
