// SPDX-License-Identifier: GPL-3.0-or-later
// Form management over the JSON API, shaped like ODK Central's: forms and their versions,
// states (open / closing / closed), and drafts whose media files are uploaded one by one
// before the draft is published.
#include "admin.h"
#include "serverimpl.h"
#include "xlsform.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlQuery>

namespace survey::server {

using namespace detail;

namespace {

QJsonValue nullable(const QVariant &v)
{
    return v.isNull() ? QJsonValue() : QJsonValue(v.toString());
}

/// Form rows: columns of formJson() below.
const char *kFormQuery =
    "SELECT f.xml_form_id, f.state, f.created_at, v.version, v.title, v.hash, v.created_at, "
    "d.version, d.title, d.hash, (SELECT COUNT(*) FROM submissions s WHERE s.form_id = f.id), "
    "(SELECT MAX(s.created_at) FROM submissions s WHERE s.form_id = f.id) FROM forms f LEFT JOIN "
    "form_versions v ON v.id = f.current_version_id LEFT JOIN form_drafts d ON d.form_id = f.id "
    "WHERE f.project_id = ?";

QJsonObject formJson(const QSqlQuery &q, int project)
{
    // A form never published shows its draft's name and version, with publishedAt null.
    const bool published = !q.value(3).isNull();
    return QJsonObject{
        {QStringLiteral("projectId"), project},
        {QStringLiteral("xmlFormId"), q.value(0).toString()},
        {QStringLiteral("state"), q.value(1).toString()},
        {QStringLiteral("createdAt"), q.value(2).toString()},
        {QStringLiteral("version"), (published ? q.value(3) : q.value(7)).toString()},
        {QStringLiteral("name"), (published ? q.value(4) : q.value(8)).toString()},
        {QStringLiteral("hash"), (published ? q.value(5) : q.value(9)).toString()},
        {QStringLiteral("publishedAt"), nullable(q.value(6))},
        {QStringLiteral("hasDraft"), !q.value(7).isNull()},
        {QStringLiteral("submissions"), q.value(10).toInt()},
        {QStringLiteral("lastSubmission"), nullable(q.value(11))}};
}

/// Media of a form (published version or draft): what the form refers to, and whether the
/// file is there, as Central lists them.
QJsonArray attachmentsJson(const form::FormDefinition *def, QSqlQuery &files)
{
    // files: filename, hash, updated_at (may be null)
    struct Row
    {
        QString type;
        QString hash;
        QVariant updatedAt;
        bool exists = false;
    };
    std::map<QString, Row> rows;
    if (def) {
        for (const auto &r : def->mediaReferences())
            rows[r.name].type = r.type;
    }
    while (files.next()) {
        Row &row = rows[files.value(0).toString()];
        row.exists = true;
        row.hash = files.value(1).toString();
        row.updatedAt = files.value(2);
    }
    QJsonArray out;
    for (const auto &[name, row] : rows) {
        out.append(QJsonObject{
            {QStringLiteral("name"), name},
            {QStringLiteral("type"), row.type.isEmpty() ? QStringLiteral("file") : row.type},
            {QStringLiteral("exists"), row.exists},
            {QStringLiteral("hash"), row.exists ? QJsonValue(row.hash) : QJsonValue()},
            {QStringLiteral("updatedAt"), nullable(row.updatedAt)}});
    }
    return out;
}

QJsonObject publishedJson(const Admin::Published &p)
{
    return QJsonObject{{QStringLiteral("xmlFormId"), p.formId},
                       {QStringLiteral("version"), p.version},
                       {QStringLiteral("name"), p.title},
                       {QStringLiteral("mediaFiles"), p.mediaFiles},
                       {QStringLiteral("unchanged"), p.unchanged}};
}

const QJsonDocument kSuccess(QJsonObject{{QStringLiteral("success"), true}});

} // namespace

bool OpenRosaServer::Impl::projectUser(const httplib::Request &req, httplib::Response &res,
                                       bool adminOnly, detail::User *out, int *project)
{
    const auto user = apiUser(req, res);
    if (!user)
        return false;
    *project = std::stoi(req.matches[1].str());
    if (adminOnly && !user->isAdmin()) {
        jsonError(res, 403, Tr::tr("only admins may change forms"));
        return false;
    }
    if (!user->isAdmin() && user->projectId != *project) {
        jsonError(res, 403, Tr::tr("%1 may not use project %2").arg(user->name).arg(*project));
        return false;
    }
    *out = *user;
    return true;
}

void OpenRosaServer::Impl::listForms(const httplib::Request &req, httplib::Response &res)
{
    User user;
    int project = 0;
    if (!projectUser(req, res, false, &user, &project))
        return;
    QString sql = QLatin1String(kFormQuery);
    const bool one = req.matches.size() > 2;
    if (one)
        sql += QStringLiteral(" AND f.xml_form_id = ?");
    // Only admins see forms that are still drafts.
    if (!user.isAdmin())
        sql += QStringLiteral(" AND f.current_version_id IS NOT NULL");
    sql += QStringLiteral(" ORDER BY f.xml_form_id");
    QSqlQuery q(db().db());
    q.prepare(sql);
    q.addBindValue(project);
    if (one)
        q.addBindValue(urlPart(req, 2));
    if (!q.exec()) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    if (one) {
        if (!q.next()) {
            jsonError(
                res, 404,
                Tr::tr("there is no form %1 in project %2").arg(urlPart(req, 2)).arg(project));
            return;
        }
        json(res, 200, QJsonDocument(formJson(q, project)));
        return;
    }
    QJsonArray out;
    while (q.next())
        out.append(formJson(q, project));
    json(res, 200, QJsonDocument(out));
}

void OpenRosaServer::Impl::patchForm(const httplib::Request &req, httplib::Response &res)
{
    User user;
    int project = 0;
    if (!projectUser(req, res, true, &user, &project))
        return;
    const auto body = jsonBody(req, res);
    if (!body)
        return;
    if (!body->value(QStringLiteral("state")).isString()) {
        jsonError(res, 400,
                  Tr::tr("send {\"state\": \"open\"}, {\"state\": \"closing\"} or "
                         "{\"state\": \"closed\"}"));
        return;
    }
    Admin admin(db(), user.name);
    int status = 0;
    QString err;
    if (!admin.setFormState(project, urlPart(req, 2),
                            body->value(QStringLiteral("state")).toString(), &status, &err)) {
        jsonError(res, status, err);
        return;
    }
    listForms(req, res);
}

void OpenRosaServer::Impl::listFormVersions(const httplib::Request &req, httplib::Response &res)
{
    User user;
    int project = 0;
    if (!projectUser(req, res, false, &user, &project))
        return;
    QSqlQuery q(db().db());
    q.prepare(QStringLiteral(
        "SELECT v.version, v.title, v.hash, v.created_at, (SELECT COUNT(*) FROM "
        "submission_versions sv WHERE sv.form_version_id = v.id), v.id = f.current_version_id "
        "FROM forms f JOIN form_versions v ON v.form_id = f.id WHERE f.project_id = ? AND "
        "f.xml_form_id = ? ORDER BY v.id DESC"));
    q.addBindValue(project);
    q.addBindValue(urlPart(req, 2));
    if (!q.exec()) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    QJsonArray out;
    while (q.next())
        out.append(QJsonObject{{QStringLiteral("projectId"), project},
                               {QStringLiteral("xmlFormId"), urlPart(req, 2)},
                               {QStringLiteral("version"), q.value(0).toString()},
                               {QStringLiteral("name"), q.value(1).toString()},
                               {QStringLiteral("hash"), q.value(2).toString()},
                               {QStringLiteral("publishedAt"), q.value(3).toString()},
                               {QStringLiteral("submissions"), q.value(4).toInt()},
                               {QStringLiteral("current"), q.value(5).toBool()}});
    if (out.isEmpty()) {
        jsonError(res, 404,
                  Tr::tr("form %1 has no published version in project %2")
                      .arg(urlPart(req, 2))
                      .arg(project));
        return;
    }
    json(res, 200, QJsonDocument(out));
}

void OpenRosaServer::Impl::formAttachments(const httplib::Request &req, httplib::Response &res)
{
    // The published version's media (any project member) or the draft's (admins).
    const bool draft = req.path.find("/draft/") != std::string::npos;
    User user;
    int project = 0;
    if (!projectUser(req, res, draft, &user, &project))
        return;
    QSqlQuery q(db().db());
    q.prepare(draft ? QStringLiteral("SELECT d.id, d.xml FROM forms f JOIN form_drafts d ON "
                                     "d.form_id = f.id WHERE f.project_id = ? AND "
                                     "f.xml_form_id = ?")
                    : QStringLiteral("SELECT v.id, v.xml FROM forms f JOIN form_versions v ON "
                                     "v.id = f.current_version_id WHERE f.project_id = ? AND "
                                     "f.xml_form_id = ?"));
    q.addBindValue(project);
    q.addBindValue(urlPart(req, 2));
    if (!q.exec()) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    if (!q.next()) {
        jsonError(
            res, 404,
            draft ? Tr::tr("form %1 has no draft in project %2").arg(urlPart(req, 2)).arg(project)
                  : Tr::tr("form %1 has no published version in project %2")
                        .arg(urlPart(req, 2))
                        .arg(project));
        return;
    }
    const QVariant row = q.value(0);
    form::FormDefinition::LoadOptions options;
    options.allowMissingMedia = true;
    form::FormError fe;
    const auto def = form::FormDefinition::load(q.value(1).toByteArray(), options, &fe);
    q.finish();
    QSqlQuery files(db().db());
    files.prepare(draft ? QStringLiteral("SELECT filename, hash, updated_at FROM form_draft_media "
                                         "WHERE draft_id = ?")
                        : QStringLiteral("SELECT filename, hash, NULL FROM form_media WHERE "
                                         "form_version_id = ?"));
    files.addBindValue(row);
    if (!files.exec()) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    json(res, 200, QJsonDocument(attachmentsJson(def.get(), files)));
}

void OpenRosaServer::Impl::createForm(const httplib::Request &req, httplib::Response &res)
{
    // As in Central: a new form is a draft unless ?publish=true. The XForm comes as the body,
    // or multipart with the XForm in a part named "form" and each media file in its own part.
    User user;
    int project = 0;
    if (!projectUser(req, res, true, &user, &project))
        return;
    const bool toDraft = req.matches.size() > 2; // …/forms/{id}/draft
    QByteArray xml = QByteArray::fromStdString(req.body);
    std::vector<std::pair<QString, QByteArray>> media;
    // An XLSForm, as Central takes it: the spreadsheet as the body, its type as the
    // Content-Type, the form ID to use when its settings give none in
    // X-XlsForm-FormId-Fallback. It is converted here and kept to be downloaded.
    std::optional<Admin::FormSource> source;
    // The media type, without parameters, compared without regard to case.
    const QString type = QString::fromStdString(req.get_header_value("Content-Type"))
                             .section(u';', 0, 0)
                             .trimmed()
                             .toLower();
    const auto isType = [&type](const char *t) { return type == QLatin1String(t); };
    if (isType("application/vnd.ms-excel")) {
        const QString message = Tr::tr("The XLSForm is in the old Excel format (.xls): save it as "
                                       "an Excel Workbook (.xlsx) and upload that.");
        jsonProblem(res, 400, 400.15, message, QJsonObject{{QStringLiteral("error"), message}});
        return;
    }
    if (isType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")) {
        QString fallback = QString::fromUtf8(QByteArray::fromPercentEncoding(
            QByteArray::fromStdString(req.get_header_value("X-XlsForm-FormId-Fallback"))));
        if (fallback.isEmpty() || !xlsform::isXmlName(fallback))
            fallback = QStringLiteral("form");
        QStringList warnings;
        QString convertError;
        const auto converted = Admin::convertXlsForm(xml, fallback, &warnings, &convertError);
        if (!converted) {
            jsonProblem(
                res, 400, 400.15, Tr::tr("The XLSForm is not valid: %1").arg(convertError),
                QJsonObject{{QStringLiteral("error"), convertError},
                            {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)}});
            return;
        }
        if (!warnings.isEmpty() && req.get_param_value("ignoreWarnings") != "true") {
            jsonProblem(res, 400, 400.16,
                        Tr::tr("The XLSForm is valid, but with warnings. Check them and, if they "
                               "are acceptable, send it again with ?ignoreWarnings=true."),
                        QJsonObject{{QStringLiteral("warnings"),
                                     QJsonObject{{QStringLiteral("xlsFormWarnings"),
                                                  QJsonArray::fromStringList(warnings)}}}});
            return;
        }
        source = Admin::FormSource{xml, Admin::xlsxContentType()};
        xml = *converted;
    }
    if (req.is_multipart_form_data()) {
        xml.clear();
        if (!toDraft && !req.has_file("form")) {
            jsonError(res, 400,
                      Tr::tr("a multipart form upload needs the XForm in a part named 'form'"));
            return;
        }
        if (req.has_file("form"))
            xml = QByteArray::fromStdString(req.get_file_value("form").content);
        for (const auto &[field, part] : req.files) {
            if (field == "form")
                continue;
            const QString name = fromUtf8(part.filename.empty() ? field : part.filename);
            for (const auto &m : media) {
                if (m.first == name) {
                    jsonError(res, 400, Tr::tr("media file %1 is sent twice").arg(name));
                    return;
                }
            }
            media.emplace_back(name, QByteArray::fromStdString(part.content));
        }
    }
    Admin admin(db(), user.name);
    QString err;
    int status = 400;
    std::optional<Admin::Published> done;
    if (toDraft) {
        done = admin.saveDraft(project, Admin::DraftOf::ExistingForm, urlPart(req, 2), xml, media,
                               &status, &err, source ? &*source : nullptr);
    } else if (req.get_param_value("publish") == "true") {
        done = admin.publishXml(xml, project, QString(), media, QStringLiteral("form"), &err,
                                source ? &*source : nullptr, &status);
    } else {
        if (xml.isEmpty()) {
            jsonError(res, 400, Tr::tr("send the XForm as the request body"));
            return;
        }
        done = admin.saveDraft(project, Admin::DraftOf::NewForm, QString(), xml, media, &status,
                               &err, source ? &*source : nullptr);
    }
    if (!done) {
        jsonError(res, status, err);
        return;
    }
    json(res, 200, QJsonDocument(publishedJson(*done)));
}

void OpenRosaServer::Impl::formSpreadsheet(const httplib::Request &req, httplib::Response &res)
{
    // The spreadsheet is for those who manage forms: a draft's for admins (as the draft
    // itself), a published version's for supervisors too; enumerators fill the XForm.
    const bool ofDraft =
        req.path.size() > 11 && req.path.compare(req.path.size() - 11, 11, "/draft.xlsx") == 0;
    User user;
    int project = 0;
    if (!projectUser(req, res, ofDraft, &user, &project))
        return;
    if (!user.isAdmin() && !user.isSupervisor()) {
        jsonError(res, 403, Tr::tr("only supervisors and admins may download a form's XLSForm"));
        return;
    }
    QSqlQuery q(db().db());
    if (ofDraft) {
        q.prepare(
            QStringLiteral("SELECT d.source, d.source_type FROM forms f JOIN form_drafts d "
                           "ON d.form_id = f.id WHERE f.project_id = ? AND f.xml_form_id = ?"));
    } else if (req.matches.size() > 3) {
        q.prepare(QStringLiteral("SELECT v.source, v.source_type FROM forms f JOIN form_versions v "
                                 "ON v.form_id = f.id WHERE f.project_id = ? AND f.xml_form_id = ? "
                                 "AND v.version = ?"));
    } else {
        q.prepare(QStringLiteral("SELECT v.source, v.source_type FROM forms f JOIN form_versions v "
                                 "ON v.id = f.current_version_id WHERE f.project_id = ? AND "
                                 "f.xml_form_id = ?"));
    }
    q.addBindValue(project);
    q.addBindValue(urlPart(req, 2));
    if (!ofDraft && req.matches.size() > 3)
        q.addBindValue(urlPart(req, 3));
    if (!q.exec()) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    if (!q.next() || q.value(0).isNull()) {
        jsonError(res, 404, Tr::tr("this form was not uploaded as an XLSForm"));
        return;
    }
    const QByteArray bytes = q.value(0).toByteArray();
    // The file name offered is the form ID, cut to the characters a file name is safe with.
    QString name = urlPart(req, 2);
    name.remove(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")));
    if (name.isEmpty())
        name = QStringLiteral("form");
    res.status = 200;
    res.set_header("Content-Disposition",
                   QStringLiteral("attachment; filename=\"%1.xlsx\"").arg(name).toStdString());
    res.set_content(bytes.toStdString(), q.value(1).toString().toStdString());
}

void OpenRosaServer::Impl::draft(const httplib::Request &req, httplib::Response &res)
{
    User user;
    int project = 0;
    if (!projectUser(req, res, true, &user, &project))
        return;
    const QString formId = urlPart(req, 2);
    Admin admin(db(), user.name);
    int status = 400;
    QString err;
    if (req.method == "DELETE") {
        if (admin.deleteDraft(project, formId, &status, &err))
            json(res, 200, kSuccess);
        else
            jsonError(res, status, err);
        return;
    }
    QSqlQuery q(db().db());
    q.prepare(QStringLiteral("SELECT d.version, d.title, d.hash, d.created_at, d.updated_at, "
                             "d.xml, (SELECT COUNT(*) FROM form_draft_media m WHERE m.draft_id = "
                             "d.id) FROM forms f JOIN form_drafts d ON d.form_id = f.id WHERE "
                             "f.project_id = ? AND f.xml_form_id = ?"));
    q.addBindValue(project);
    q.addBindValue(formId);
    if (!q.exec()) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    if (!q.next()) {
        jsonError(res, 404, Tr::tr("form %1 has no draft in project %2").arg(formId).arg(project));
        return;
    }
    if (req.path.size() > 4 && req.path.compare(req.path.size() - 4, 4, ".xml") == 0) {
        const QByteArray xml = q.value(5).toByteArray();
        res.set_content(xml.constData(), static_cast<std::size_t>(xml.size()),
                        "text/xml; charset=utf-8");
        return;
    }
    json(res, 200,
         QJsonDocument(QJsonObject{{QStringLiteral("projectId"), project},
                                   {QStringLiteral("xmlFormId"), formId},
                                   {QStringLiteral("version"), q.value(0).toString()},
                                   {QStringLiteral("name"), q.value(1).toString()},
                                   {QStringLiteral("hash"), q.value(2).toString()},
                                   {QStringLiteral("createdAt"), q.value(3).toString()},
                                   {QStringLiteral("updatedAt"), q.value(4).toString()},
                                   {QStringLiteral("attachments"), q.value(6).toInt()}}));
}

void OpenRosaServer::Impl::draftAttachment(const httplib::Request &req, httplib::Response &res)
{
    User user;
    int project = 0;
    if (!projectUser(req, res, true, &user, &project))
        return;
    const QString formId = urlPart(req, 2);
    const QString name = urlPart(req, 3);
    Admin admin(db(), user.name);
    int status = 400;
    QString err;
    if (req.method == "POST") {
        // The file's bytes are the body, as Central takes them.
        if (admin.putDraftMedia(project, formId, name, QByteArray::fromStdString(req.body), &status,
                                &err))
            json(res, 200, kSuccess);
        else
            jsonError(res, status, err);
        return;
    }
    if (req.method == "DELETE") {
        if (admin.deleteDraftMedia(project, formId, name, &status, &err))
            json(res, 200, kSuccess);
        else
            jsonError(res, status, err);
        return;
    }
    QSqlQuery q(db().db());
    q.prepare(QStringLiteral("SELECT m.content FROM forms f JOIN form_drafts d ON d.form_id = "
                             "f.id JOIN form_draft_media m ON m.draft_id = d.id WHERE "
                             "f.project_id = ? AND f.xml_form_id = ? AND m.filename = ?"));
    q.addBindValue(project);
    q.addBindValue(formId);
    q.addBindValue(name);
    if (!q.exec()) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    if (!q.next()) {
        jsonError(res, 404,
                  Tr::tr("the draft of form %1 has no media file '%2'").arg(formId, name));
        return;
    }
    const QByteArray content = q.value(0).toByteArray();
    res.set_content(content.constData(), static_cast<std::size_t>(content.size()),
                    "application/octet-stream");
}

void OpenRosaServer::Impl::publishDraft(const httplib::Request &req, httplib::Response &res)
{
    User user;
    int project = 0;
    if (!projectUser(req, res, true, &user, &project))
        return;
    Admin admin(db(), user.name);
    int status = 400;
    QString err;
    // ?version=… publishes under that version (written into the form, as Central does).
    const QString version =
        req.has_param("version") ? fromUtf8(req.get_param_value("version")) : QString();
    if (req.has_param("version") && version.trimmed().isEmpty()) {
        jsonError(res, 400, Tr::tr("the version to publish as must not be empty"));
        return;
    }
    const auto done = admin.publishDraft(project, urlPart(req, 2), version, &status, &err);
    if (!done) {
        jsonError(res, status, err);
        return;
    }
    json(res, 200, QJsonDocument(publishedJson(*done)));
}

void OpenRosaServer::Impl::registerFormRoutes()
{
    using Handler = void (Impl::*)(const httplib::Request &, httplib::Response &);
    const auto bind = [this](Handler h) {
        return [this, h](const httplib::Request &req, httplib::Response &res) {
            (this->*h)(req, res);
        };
    };
    const std::string forms = R"(/v1/projects/(\d{1,9})/forms)";
    const std::string form = forms + R"(/([^/]+))";
    server->Get(forms, bind(&Impl::listForms));
    server->Post(forms, bind(&Impl::createForm));
    server->Get(forms + R"(/([^/]+?)\.xlsx)", bind(&Impl::formSpreadsheet));
    server->Get(form + R"(/draft\.xlsx)", bind(&Impl::formSpreadsheet));
    server->Get(form + R"(/versions/([^/]+?)\.xlsx)", bind(&Impl::formSpreadsheet));
    server->Get(form + R"(/draft\.xml)", bind(&Impl::draft));
    server->Get(form + "/draft", bind(&Impl::draft));
    server->Post(form + "/draft", bind(&Impl::createForm));
    server->Delete(form + "/draft", bind(&Impl::draft));
    server->Get(form + "/draft/attachments", bind(&Impl::formAttachments));
    server->Get(form + R"(/draft/attachments/([^/]+))", bind(&Impl::draftAttachment));
    server->Post(form + R"(/draft/attachments/([^/]+))", bind(&Impl::draftAttachment));
    server->Delete(form + R"(/draft/attachments/([^/]+))", bind(&Impl::draftAttachment));
    server->Post(form + "/draft/publish", bind(&Impl::publishDraft));
    server->Get(form + "/attachments", bind(&Impl::formAttachments));
    server->Get(form + "/versions", bind(&Impl::listFormVersions));
    server->Get(form, bind(&Impl::listForms));
    server->Patch(form, bind(&Impl::patchForm));
}

} // namespace survey::server
