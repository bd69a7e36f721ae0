// SPDX-License-Identifier: GPL-3.0-or-later
#include "admin.h"

#include "names.h"

#include "formdefinition.h"
#include "passwords.h"
#include "xlsform.h"
#include "xmlnode.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <algorithm>

namespace survey::server {

namespace {

/// A prepared statement with bound values; false (with the driver's message) on failure.
bool run(QSqlQuery &q, const QString &what, QString *error)
{
    if (q.exec())
        return true;
    if (error)
        *error = Database::failure(what, q.lastError().text());
    return false;
}

/// A statement that must change exactly one row: a failure is reported as `what`, no such
/// row as `missing` (and `*status` 404, when given).
bool changeOne(QSqlQuery &q, const QString &what, const QString &missing, QString *error,
               int *status = nullptr)
{
    if (!run(q, what, error))
        return false;
    if (q.numRowsAffected() == 1)
        return true;
    if (status)
        *status = 404;
    *error = missing;
    return false;
}

QString md5(const QByteArray &bytes)
{
    return QStringLiteral("md5:") +
           QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Md5).toHex());
}

} // namespace

bool Admin::writeWithStatus(const std::function<bool(QString *, int *)> &work, int *status,
                            QString *error)
{
    int code = 503; // the database's own failure, unless `work` says otherwise
    const bool ok = m_db.write([&](QString *e) { return work(e, &code); }, error);
    if (!ok)
        *status = code;
    return ok;
}

bool Admin::validRole(const QString &role)
{
    return role == QLatin1String("admin") || role == QLatin1String("supervisor") ||
           role == QLatin1String("enumerator");
}

QString Admin::passwordProblem(const QString &password)
{
    if (password.size() < 10)
        return tr("the password must have at least 10 characters");
    return QString();
}

QString Admin::nameProblem(const QString &name)
{
    if (name.isEmpty() || name.size() > 64)
        return tr("a user name has 1 to 64 characters");
    if (name.trimmed() != name)
        return tr("a user name may not begin or end with a space");
    for (const QChar c : name) {
        const char16_t u = c.unicode();
        if (u < 0x20 || u == 0x7F || (u >= 0x80 && u < 0xA0) || u == ':' || u == '/' || u == '\\' ||
            c.category() == QChar::Other_Format || u == 0x2028 || u == 0x2029)
            return tr("a user name may not hold ':', '/', '\\', line breaks or other control "
                      "characters");
    }
    return QString();
}

bool Admin::audit(const QString &action, const QString &details, QString *error)
{
    QSqlQuery q(m_db.db());
    q.prepare(
        QStringLiteral("INSERT INTO audit_log (at, actor, action, details) VALUES (?, ?, ?, ?)"));
    q.addBindValue(Database::now());
    q.addBindValue(m_actor);
    q.addBindValue(action);
    q.addBindValue(details);
    return run(q, tr("writing the audit log"), error);
}

bool Admin::projectExists(int projectId, QString *error)
{
    QSqlQuery p(m_db.db());
    p.prepare(QStringLiteral("SELECT id FROM projects WHERE id = ?"));
    p.addBindValue(projectId);
    if (!run(p, tr("looking up the project"), error))
        return false;
    if (!p.next()) {
        *error = tr("there is no project %1").arg(projectId);
        return false;
    }
    return true;
}

bool Admin::init(const QString &adminName, const QString &password, QString *error)
{
    if (adminName.trimmed().isEmpty()) {
        if (error)
            *error = tr("give the first admin's name with --admin NAME");
        return false;
    }
    if (const QString p = nameProblem(adminName); !p.isEmpty()) {
        if (error)
            *error = p;
        return false;
    }
    if (const QString p = passwordProblem(password); !p.isEmpty()) {
        if (error)
            *error = p;
        return false;
    }
    const int before = m_db.schemaVersion(error);
    if (before < 0)
        return false;
    if (before > 0) {
        if (error)
            *error = tr("the database is already set up (schema version %1)").arg(before);
        return false;
    }
    if (!m_db.migrate(error))
        return false;
    const QString hash = hashPassword(password);
    return m_db.write(
        [&](QString *e) {
            QSqlQuery q(m_db.db());
            q.prepare(
                QStringLiteral("INSERT INTO projects (id, name, created_at) VALUES (1, ?, ?)"));
            q.addBindValue(tr("Default project"));
            q.addBindValue(Database::now());
            if (!run(q, tr("creating project 1"), e))
                return false;
            QSqlQuery u(m_db.db());
            u.prepare(QStringLiteral("INSERT INTO users (name, role, project_id, password_hash, "
                                     "created_at) VALUES (?, 'admin', 1, ?, ?)"));
            u.addBindValue(adminName.trimmed());
            u.addBindValue(hash);
            u.addBindValue(Database::now());
            return run(u, tr("creating the admin"), e) &&
                   audit(QStringLiteral("init"), adminName.trimmed(), e);
        },
        error);
}

bool Admin::addUser(const QString &name, const QString &role, const QString &supervisor,
                    int projectId, const QString &password, QString *error)
{
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (name.trimmed().isEmpty())
        return fail(tr("a user needs a name"));
    if (const QString p = nameProblem(name); !p.isEmpty())
        return fail(p);
    if (!validRole(role))
        return fail(tr("unknown role '%1' (use admin, supervisor or enumerator)").arg(role));
    if (!supervisor.isEmpty() && role != QLatin1String("enumerator"))
        return fail(tr("only an enumerator has a supervisor"));
    if (const QString p = passwordProblem(password); !p.isEmpty())
        return fail(p);
    const QString hash = hashPassword(password);
    return m_db.write(
        [&](QString *e) {
            if (!projectExists(projectId, e))
                return false;
            QVariant supervisorId;
            if (!supervisor.isEmpty()) {
                QSqlQuery s(m_db.db());
                s.prepare(QStringLiteral("SELECT id, role, project_id FROM users WHERE name = ?"));
                s.addBindValue(supervisor);
                if (!run(s, tr("looking up the supervisor"), e))
                    return false;
                if (!s.next() || s.value(1).toString() != QLatin1String("supervisor")) {
                    *e = tr("there is no supervisor named '%1'").arg(supervisor);
                    return false;
                }
                // A supervisor reviews the work of their own project's enumerators only.
                if (s.value(2).toInt() != projectId) {
                    *e = tr("supervisor '%1' belongs to project %2, not project %3")
                             .arg(supervisor)
                             .arg(s.value(2).toInt())
                             .arg(projectId);
                    return false;
                }
                supervisorId = s.value(0);
            }
            QSqlQuery exists(m_db.db());
            exists.prepare(QStringLiteral("SELECT 1 FROM users WHERE name = ?"));
            exists.addBindValue(name.trimmed());
            if (!run(exists, tr("looking up the user"), e))
                return false;
            if (exists.next()) {
                *e = tr("a user named '%1' already exists").arg(name.trimmed());
                return false;
            }
            QSqlQuery u(m_db.db());
            u.prepare(QStringLiteral("INSERT INTO users (name, role, project_id, supervisor_id, "
                                     "password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)"));
            u.addBindValue(name.trimmed());
            u.addBindValue(role);
            u.addBindValue(projectId);
            u.addBindValue(supervisorId);
            u.addBindValue(hash);
            u.addBindValue(Database::now());
            return run(u, tr("adding the user"), e) &&
                   audit(
                       QStringLiteral("user.add"),
                       QStringLiteral("%1 %2 project %3").arg(name.trimmed(), role).arg(projectId),
                       e);
        },
        error);
}

bool Admin::disableUser(const QString &name, QString *error, int *status)
{
    int code = 503;
    const bool ok = m_db.write(
        [&](QString *e) {
            // Someone must still be able to manage the server.
            QSqlQuery admins(m_db.db());
            admins.prepare(QStringLiteral(
                "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND name <> ?"));
            admins.addBindValue(name);
            QSqlQuery role(m_db.db());
            role.prepare(QStringLiteral("SELECT role FROM users WHERE name = ? AND disabled = 0"));
            role.addBindValue(name);
            if (!run(admins, tr("counting the admins"), e) || !admins.next() ||
                !run(role, tr("looking up the user"), e))
                return false;
            if (role.next() && role.value(0).toString() == QLatin1String("admin") &&
                admins.value(0).toInt() == 0) {
                *e = tr("%1 is the last active admin: add or enable another admin first").arg(name);
                code = 409;
                return false;
            }
            admins.finish();
            role.finish();
            QSqlQuery q(m_db.db());
            q.prepare(QStringLiteral("UPDATE users SET disabled = 1 WHERE name = ?"));
            q.addBindValue(name);
            if (!changeOne(q, tr("disabling the user"), tr("there is no user named '%1'").arg(name),
                           e, &code))
                return false;
            // Their sessions end with it, in the same change.
            QSqlQuery sessions(m_db.db());
            sessions.prepare(QStringLiteral(
                "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)"));
            sessions.addBindValue(name);
            return run(sessions, tr("ending the user's sessions"), e) &&
                   audit(QStringLiteral("user.disable"), name, e);
        },
        error);
    if (!ok && status)
        *status = code;
    return ok;
}

bool Admin::enableUser(const QString &name, QString *error)
{
    return m_db.write(
        [&](QString *e) {
            QSqlQuery q(m_db.db());
            q.prepare(QStringLiteral("UPDATE users SET disabled = 0 WHERE name = ?"));
            q.addBindValue(name);
            return changeOne(q, tr("enabling the user"),
                             tr("there is no user named '%1'").arg(name), e) &&
                   audit(QStringLiteral("user.enable"), name, e);
        },
        error);
}

std::optional<int> Admin::addProject(const QString &name, QString *error)
{
    if (name.trimmed().isEmpty() || name.size() > 200) {
        if (error)
            *error = tr("a project needs a name of 1 to 200 characters");
        return std::nullopt;
    }
    int id = 0;
    const bool ok = m_db.write(
        [&](QString *e) {
            // The next number after the highest (project 1 was given its number at init).
            QSqlQuery q(m_db.db());
            q.prepare(QStringLiteral("INSERT INTO projects (id, name, created_at) SELECT "
                                     "COALESCE(MAX(id), 0) + 1, ?, ? FROM projects RETURNING id"));
            q.addBindValue(name.trimmed());
            q.addBindValue(Database::now());
            if (!run(q, tr("adding the project"), e) || !q.next())
                return false;
            id = q.value(0).toInt();
            q.finish();
            return audit(QStringLiteral("project.add"),
                         QStringLiteral("%1 %2").arg(id).arg(name.trimmed()), e);
        },
        error);
    return ok ? std::optional<int>(id) : std::nullopt;
}

std::optional<std::vector<Admin::ProjectRow>> Admin::listProjects(QString *error)
{
    QSqlQuery q(m_db.db());
    q.prepare(QStringLiteral("SELECT id, name FROM projects ORDER BY id"));
    if (!run(q, tr("listing projects"), error))
        return std::nullopt;
    std::vector<ProjectRow> out;
    while (q.next())
        out.push_back({q.value(0).toInt(), q.value(1).toString()});
    return out;
}

std::optional<std::vector<Admin::UserRow>> Admin::listUsers(QString *error)
{
    QSqlQuery q(m_db.db());
    q.prepare(QStringLiteral("SELECT u.name, u.role, u.project_id, s.name, u.disabled FROM users u "
                             "LEFT JOIN users s ON s.id = u.supervisor_id ORDER BY u.name"));
    if (!run(q, tr("listing users"), error))
        return std::nullopt;
    std::vector<UserRow> out;
    while (q.next())
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toInt(),
                       q.value(3).toString(), q.value(4).toInt() != 0});
    return out;
}

QHash<QString, QByteArray> mediaMap(const std::vector<std::pair<QString, QByteArray>> &media)
{
    QHash<QString, QByteArray> out;
    for (const auto &[name, content] : media)
        out.insert(name, content);
    return out;
}

const QString &Admin::xlsxContentType()
{
    static const QString type =
        QStringLiteral("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    return type;
}

std::optional<QByteArray> Admin::convertXlsForm(const QByteArray &bytes, const QString &fallbackId,
                                                QStringList *warnings, QString *error)
{
    xlsform::Options options;
    if (!fallbackId.isEmpty())
        options.fallbackId = fallbackId;
    const xlsform::Conversion c = xlsform::convertXlsx(bytes, options);
    if (warnings)
        *warnings = c.warningTexts();
    if (!c.ok) {
        if (error)
            *error = c.errorText();
        return std::nullopt;
    }
    return c.xform;
}

std::optional<Admin::Published> Admin::publishForm(const QString &file, int projectId,
                                                   const QString &mediaDir, QString *error,
                                                   QStringList *warnings)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = tr("cannot read %1: %2").arg(file, f.errorString());
        return std::nullopt;
    }
    const QFileInfo fi(file);
    const QString dirPath =
        mediaDir.isEmpty() ? fi.dir().filePath(fi.completeBaseName() + QStringLiteral("-media"))
                           : mediaDir;
    std::vector<std::pair<QString, QByteArray>> media;
    if (QFileInfo(dirPath).isDir()) {
        const QDir dir(dirPath);
        for (const QString &name : dir.entryList(QDir::Files, QDir::Name)) {
            QFile m(dir.filePath(name));
            if (!m.open(QIODevice::ReadOnly)) {
                if (error)
                    *error = tr("cannot read media file %1: %2").arg(m.fileName(), m.errorString());
                return std::nullopt;
            }
            media.emplace_back(name, m.readAll());
        }
    }
    const QString suffix = fi.suffix().toLower();
    if (suffix == QLatin1String("xls")) {
        if (error)
            *error = tr("%1 is in the old Excel format (.xls): save it as an Excel Workbook "
                        "(.xlsx) and publish that")
                         .arg(file);
        return std::nullopt;
    }
    if (suffix == QLatin1String("xlsx")) {
        // An XLSForm: converted here, and kept beside its XForm as it was sent.
        if (f.size() > xlsform::ReadLimits{}.maxInputBytes) {
            if (error)
                *error = tr("%1 is larger than a form can be").arg(file);
            return std::nullopt;
        }
        FormSource source{f.readAll(), xlsxContentType()};
        QString convertError;
        const auto xml =
            convertXlsForm(source.bytes, fi.completeBaseName(), warnings, &convertError);
        if (!xml) {
            if (error)
                *error = QStringLiteral("%1: %2").arg(file, convertError);
            return std::nullopt;
        }
        return publishXml(*xml, projectId, dirPath, media, file, error, &source);
    }
    return publishXml(f.readAll(), projectId, dirPath, media, file, error);
}

std::optional<Admin::Published>
Admin::publishXml(const QByteArray &xml, int projectId, const QString &mediaDir,
                  const std::vector<std::pair<QString, QByteArray>> &media,
                  const QString &sourceName, QString *error, const FormSource *source, int *status)
{
    int code = 0;
    auto published = publish(xml, projectId, mediaDir, media, sourceName, 0, &code, error, source);
    if (status)
        *status = code;
    return published;
}

std::optional<Admin::Published>
Admin::publish(const QByteArray &xml, int projectId, const QString &mediaDir,
               const std::vector<std::pair<QString, QByteArray>> &media, const QString &sourceName,
               int draftToRemove, int *status, QString *error, const FormSource *source)
{
    *status = 400;
    // The engine decides whether the form is usable; its message is the server's. Media
    // received without a folder (over the API) are read from memory.
    form::FormDefinition::LoadOptions options;
    options.mediaDir = mediaDir;
    // Published forms are checked with their data: a file they read must be there.
    options.allowMissingMedia = false;
    for (const auto &m : media) {
        if (!validFileName(m.first)) {
            if (error)
                *error = tr("media file name '%1' must be a plain file name").arg(m.first);
            return std::nullopt;
        }
    }
    if (mediaDir.isEmpty() && !media.empty())
        options.media = mediaMap(media);
    form::FormError fe;
    const auto def = form::FormDefinition::load(xml, options, &fe);
    if (!def) {
        if (error)
            *error = QStringLiteral("%1:%2:%3: %4")
                         .arg(sourceName)
                         .arg(fe.line)
                         .arg(fe.column)
                         .arg(fe.message);
        return std::nullopt;
    }
    Published out;
    out.formId = def->formId;
    out.version = def->version;
    out.title = def->title;
    out.mediaFiles = static_cast<int>(media.size());
    const QString hash = md5(xml);
    const bool ok = m_db.write(
        [&](QString *e) {
            if (!projectExists(projectId, e))
                return false;
            QSqlQuery f(m_db.db());
            f.prepare(
                QStringLiteral("SELECT id FROM forms WHERE project_id = ? AND xml_form_id = ?"));
            f.addBindValue(projectId);
            f.addBindValue(out.formId);
            if (!run(f, tr("looking up the form"), e))
                return false;
            QVariant formRow;
            if (f.next()) {
                formRow = f.value(0);
            } else {
                QSqlQuery ins(m_db.db());
                ins.prepare(
                    QStringLiteral("INSERT INTO forms (project_id, xml_form_id, created_at) "
                                   "VALUES (?, ?, ?)"));
                ins.addBindValue(projectId);
                ins.addBindValue(out.formId);
                ins.addBindValue(Database::now());
                if (!run(ins, tr("adding the form"), e))
                    return false;
                formRow = ins.lastInsertId();
                if (!formRow.isValid()) {
                    QSqlQuery again(m_db.db());
                    again.prepare(QStringLiteral(
                        "SELECT id FROM forms WHERE project_id = ? AND xml_form_id = ?"));
                    again.addBindValue(projectId);
                    again.addBindValue(out.formId);
                    if (!run(again, tr("looking up the form"), e) || !again.next())
                        return false;
                    formRow = again.value(0);
                }
            }
            QSqlQuery v(m_db.db());
            v.prepare(QStringLiteral(
                "SELECT id, hash FROM form_versions WHERE form_id = ? AND version = ?"));
            v.addBindValue(formRow);
            v.addBindValue(out.version);
            if (!run(v, tr("looking up the version"), e))
                return false;
            if (v.next()) {
                if (draftToRemove > 0) {
                    *status = 409;
                    *e = tr("form %1 version '%2' is already published: give the draft a new "
                            "version (publish with ?version=…)")
                             .arg(out.formId, out.version);
                    return false;
                }
                if (v.value(1).toString() == hash) {
                    out.unchanged = true;
                    return true;
                }
                *status = 409;
                *e = tr("form %1 version '%2' is already published with different content: "
                        "give the changed form a new version")
                         .arg(out.formId, out.version);
                return false;
            }
            QSqlQuery nv(m_db.db());
            nv.prepare(
                QStringLiteral("INSERT INTO form_versions (form_id, version, title, xml, hash, "
                               "created_at, source, source_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
            nv.addBindValue(formRow);
            nv.addBindValue(out.version);
            nv.addBindValue(out.title);
            nv.addBindValue(xml);
            nv.addBindValue(hash);
            nv.addBindValue(Database::now());
            nv.addBindValue(source ? QVariant(source->bytes)
                                   : QVariant(QMetaType(QMetaType::QByteArray)));
            nv.addBindValue(source ? QVariant(source->contentType)
                                   : QVariant(QMetaType(QMetaType::QString)));
            if (!run(nv, tr("storing the form version"), e))
                return false;
            QSqlQuery vid(m_db.db());
            vid.prepare(
                QStringLiteral("SELECT id FROM form_versions WHERE form_id = ? AND version = ?"));
            vid.addBindValue(formRow);
            vid.addBindValue(out.version);
            if (!run(vid, tr("looking up the version"), e) || !vid.next())
                return false;
            const QVariant versionRow = vid.value(0);
            for (const auto &[name, content] : media) {
                QSqlQuery m(m_db.db());
                m.prepare(QStringLiteral("INSERT INTO form_media (form_version_id, filename, hash, "
                                         "content) VALUES (?, ?, ?, ?)"));
                m.addBindValue(versionRow);
                m.addBindValue(name);
                m.addBindValue(md5(content));
                m.addBindValue(content);
                if (!run(m, tr("storing media file %1").arg(name), e))
                    return false;
            }
            if (draftToRemove > 0 && !removeDraftRows(draftToRemove, e))
                return false;
            QSqlQuery cur(m_db.db());
            cur.prepare(QStringLiteral("UPDATE forms SET current_version_id = ? WHERE id = ?"));
            cur.addBindValue(versionRow);
            cur.addBindValue(formRow);
            return run(cur, tr("making the version current"), e) &&
                   audit(QStringLiteral("form.publish"),
                         QStringLiteral("%1 version %2 project %3")
                             .arg(out.formId, out.version)
                             .arg(projectId),
                         e);
        },
        error);
    if (!ok)
        return std::nullopt;
    return out;
}

// ---- drafts and form states ----------------------------------------------------------

int Admin::formRow(int projectId, const QString &formId, QString *error)
{
    QSqlQuery q(m_db.db());
    q.prepare(QStringLiteral("SELECT id FROM forms WHERE project_id = ? AND xml_form_id = ?"));
    q.addBindValue(projectId);
    q.addBindValue(formId);
    if (!run(q, tr("looking up the form"), error))
        return -1;
    return q.next() ? q.value(0).toInt() : 0;
}

namespace {

using MediaList = std::vector<std::pair<QString, QByteArray>>;

/// Reads (name, content) rows of a media query with one bound value.
bool readMedia(QSqlDatabase &db, const char *sql, const QVariant &key, MediaList *out,
               QString *error)
{
    QSqlQuery q(db);
    q.prepare(QLatin1String(sql));
    q.addBindValue(key);
    if (!run(q, Admin::tr("reading the form's media files"), error))
        return false;
    while (q.next())
        out->emplace_back(q.value(0).toString(), q.value(1).toByteArray());
    return true;
}

bool hasMedia(const MediaList &media, const QString &name)
{
    return std::any_of(media.begin(), media.end(), [&](const auto &m) { return m.first == name; });
}

bool refersTo(const form::FormDefinition &def, const QString &name)
{
    const auto refs = def.mediaReferences();
    return std::any_of(refs.begin(), refs.end(), [&](const auto &r) { return r.name == name; });
}

} // namespace

std::optional<Admin::Published> Admin::saveDraft(int projectId, DraftOf of, const QString &formId,
                                                 const QByteArray &xml, const MediaList &media,
                                                 int *status, QString *error,
                                                 const FormSource *source)
{
    auto fail = [&](int code, const QString &message) -> std::optional<Published> {
        *status = code;
        *error = message;
        return std::nullopt;
    };
    QByteArray formXml = xml;
    MediaList given = media;
    std::optional<FormSource> keptSource;
    if (source)
        keptSource = *source;
    if (formXml.isEmpty()) {
        // A new draft from the current version, with its media (and the spreadsheet it was
        // converted from), to replace files in it.
        QSqlQuery q(m_db.db());
        q.prepare(QStringLiteral("SELECT v.xml, v.id, v.source, v.source_type FROM forms f JOIN "
                                 "form_versions v ON v.id = f.current_version_id WHERE "
                                 "f.project_id = ? AND f.xml_form_id = ?"));
        q.addBindValue(projectId);
        q.addBindValue(formId);
        if (!run(q, tr("looking up the form"), error))
            return fail(503, *error);
        if (!q.next())
            return fail(404, tr("form %1 has no published version in project %2 to copy: send "
                                "the XForm as the draft")
                                 .arg(formId)
                                 .arg(projectId));
        formXml = q.value(0).toByteArray();
        const QVariant versionRow = q.value(1);
        if (!q.value(2).isNull())
            keptSource = FormSource{q.value(2).toByteArray(), q.value(3).toString()};
        q.finish();
        if (!readMedia(m_db.db(),
                       "SELECT filename, content FROM form_media WHERE form_version_id = ?",
                       versionRow, &given, error))
            return fail(503, *error);
    }
    for (const auto &m : given) {
        if (!validFileName(m.first))
            return fail(400, tr("media file name '%1' must be a plain file name").arg(m.first));
    }
    // The draft must be a form the engine takes, apart from media still to come.
    form::FormDefinition::LoadOptions options;
    options.media = mediaMap(given);
    options.allowMissingMedia = true;
    form::FormError fe;
    const auto def = form::FormDefinition::load(formXml, options, &fe);
    if (!def)
        return fail(400,
                    QStringLiteral("form:%1:%2: %3").arg(fe.line).arg(fe.column).arg(fe.message));
    if (!formId.isEmpty() && def->formId != formId)
        return fail(400, tr("the XForm's id is '%1', not '%2': a draft must keep its form's id")
                             .arg(def->formId, formId));
    for (const auto &m : given) {
        if (!refersTo(*def, m.first))
            return fail(400, tr("the form does not refer to a media file named '%1'").arg(m.first));
    }
    Published out;
    out.formId = def->formId;
    out.version = def->version;
    out.title = def->title;
    int code = 400;
    const bool ok = m_db.write(
        [&](QString *e) {
            if (!projectExists(projectId, e)) {
                code = 404;
                return false;
            }
            int row = formRow(projectId, out.formId, e);
            if (row < 0) {
                code = 503;
                return false;
            }
            if (row > 0 && of == DraftOf::NewForm) {
                code = 409;
                *e = tr("form %1 already exists in project %2: send its new version to "
                        "/v1/projects/%2/forms/%1/draft")
                         .arg(out.formId)
                         .arg(projectId);
                return false;
            }
            if (row == 0 && of == DraftOf::ExistingForm) {
                code = 404;
                *e = tr("there is no form %1 in project %2").arg(out.formId).arg(projectId);
                return false;
            }
            const QString now = Database::now();
            if (row == 0) {
                QSqlQuery ins(m_db.db());
                ins.prepare(QStringLiteral(
                    "INSERT INTO forms (project_id, xml_form_id, created_at) VALUES (?, ?, ?)"));
                ins.addBindValue(projectId);
                ins.addBindValue(out.formId);
                ins.addBindValue(now);
                if (!run(ins, tr("adding the form"), e))
                    return false;
                row = formRow(projectId, out.formId, e);
                if (row <= 0)
                    return false;
            }
            // Files the new draft still refers to are kept: from the old draft, else from
            // the current version; files sent with this request win.
            MediaList kept = given;
            MediaList carried;
            if (!readMedia(m_db.db(),
                           "SELECT m.filename, m.content FROM form_draft_media m JOIN "
                           "form_drafts d ON d.id = m.draft_id WHERE d.form_id = ?",
                           row, &carried, e) ||
                !readMedia(m_db.db(),
                           "SELECT m.filename, m.content FROM forms f JOIN form_media m ON "
                           "m.form_version_id = f.current_version_id WHERE f.id = ?",
                           row, &carried, e))
                return false;
            for (const auto &m : carried) {
                if (!hasMedia(kept, m.first) && refersTo(*def, m.first))
                    kept.push_back(m);
            }
            for (const char *sql : {"DELETE FROM form_draft_media WHERE draft_id IN (SELECT id "
                                    "FROM form_drafts WHERE form_id = ?)",
                                    "DELETE FROM form_drafts WHERE form_id = ?"}) {
                QSqlQuery d(m_db.db());
                d.prepare(QLatin1String(sql));
                d.addBindValue(row);
                if (!run(d, tr("replacing the draft"), e))
                    return false;
            }
            QSqlQuery d(m_db.db());
            d.prepare(QStringLiteral("INSERT INTO form_drafts (form_id, version, title, xml, hash, "
                                     "created_at, updated_at, source, source_type) VALUES (?, ?, "
                                     "?, ?, ?, ?, ?, ?, ?)"));
            d.addBindValue(row);
            d.addBindValue(out.version);
            d.addBindValue(out.title);
            d.addBindValue(formXml);
            d.addBindValue(md5(formXml));
            d.addBindValue(now);
            d.addBindValue(now);
            d.addBindValue(keptSource ? QVariant(keptSource->bytes)
                                      : QVariant(QMetaType(QMetaType::QByteArray)));
            d.addBindValue(keptSource ? QVariant(keptSource->contentType)
                                      : QVariant(QMetaType(QMetaType::QString)));
            if (!run(d, tr("storing the draft"), e))
                return false;
            QSqlQuery id(m_db.db());
            id.prepare(QStringLiteral("SELECT id FROM form_drafts WHERE form_id = ?"));
            id.addBindValue(row);
            if (!run(id, tr("storing the draft"), e) || !id.next())
                return false;
            const QVariant draftRow = id.value(0);
            id.finish();
            for (const auto &[name, content] : kept) {
                QSqlQuery m(m_db.db());
                m.prepare(QStringLiteral("INSERT INTO form_draft_media (draft_id, filename, hash, "
                                         "content, updated_at) VALUES (?, ?, ?, ?, ?)"));
                m.addBindValue(draftRow);
                m.addBindValue(name);
                m.addBindValue(md5(content));
                m.addBindValue(content);
                m.addBindValue(now);
                if (!run(m, tr("storing media file %1").arg(name), e))
                    return false;
            }
            out.mediaFiles = static_cast<int>(kept.size());
            return audit(QStringLiteral("form.draft"),
                         QStringLiteral("%1 version %2 project %3")
                             .arg(out.formId, out.version)
                             .arg(projectId),
                         e);
        },
        error);
    if (!ok) {
        *status = code;
        return std::nullopt;
    }
    return out;
}

int Admin::findDraft(int projectId, const QString &formId, DraftRow *out, QString *error)
{
    QSqlQuery q(m_db.db());
    q.prepare(QStringLiteral("SELECT d.id, d.xml, f.id, f.current_version_id, d.source, "
                             "d.source_type FROM forms f JOIN form_drafts d ON d.form_id = f.id "
                             "WHERE f.project_id = ? AND f.xml_form_id = ?"));
    q.addBindValue(projectId);
    q.addBindValue(formId);
    if (!run(q, tr("looking up the draft"), error))
        return 503;
    if (!q.next()) {
        *error = tr("form %1 has no draft in project %2").arg(formId).arg(projectId);
        return 404;
    }
    out->id = q.value(0);
    out->xml = q.value(1).toByteArray();
    out->form = q.value(2);
    out->neverPublished = q.value(3).isNull();
    if (!q.value(4).isNull())
        out->source = FormSource{q.value(4).toByteArray(), q.value(5).toString()};
    return 0;
}

bool Admin::removeDraftRows(const QVariant &draftRow, QString *error)
{
    for (const char *sql : {"DELETE FROM form_draft_media WHERE draft_id = ?",
                            "DELETE FROM form_drafts WHERE id = ?"}) {
        QSqlQuery d(m_db.db());
        d.prepare(QLatin1String(sql));
        d.addBindValue(draftRow);
        if (!run(d, tr("removing the draft"), error))
            return false;
    }
    return true;
}

bool Admin::putDraftMedia(int projectId, const QString &formId, const QString &name,
                          const QByteArray &content, int *status, QString *error)
{
    if (!validFileName(name)) {
        *status = 400;
        *error = tr("media file name '%1' must be a plain file name").arg(name);
        return false;
    }
    return writeWithStatus(
        [&](QString *e, int *code) {
            DraftRow draft;
            if (const int found = findDraft(projectId, formId, &draft, e); found != 0) {
                *code = found;
                return false;
            }
            const QVariant draftRow = draft.id;
            const QByteArray &xml = draft.xml;
            form::FormDefinition::LoadOptions options;
            options.allowMissingMedia = true;
            form::FormError fe;
            const auto def = form::FormDefinition::load(xml, options, &fe);
            if (!def || !refersTo(*def, name)) {
                *code = 404;
                QStringList names;
                if (def) {
                    for (const auto &r : def->mediaReferences())
                        names << r.name;
                }
                *e = names.isEmpty()
                         ? tr("the draft of form %1 refers to no media files").arg(formId)
                         : tr("the draft of form %1 does not refer to '%2'; it refers to: %3")
                               .arg(formId, name, names.join(QStringLiteral(", ")));
                return false;
            }
            QSqlQuery del(m_db.db());
            del.prepare(
                QStringLiteral("DELETE FROM form_draft_media WHERE draft_id = ? AND filename = ?"));
            del.addBindValue(draftRow);
            del.addBindValue(name);
            QSqlQuery m(m_db.db());
            m.prepare(QStringLiteral("INSERT INTO form_draft_media (draft_id, filename, hash, "
                                     "content, updated_at) VALUES (?, ?, ?, ?, ?)"));
            m.addBindValue(draftRow);
            m.addBindValue(name);
            m.addBindValue(md5(content));
            m.addBindValue(content);
            m.addBindValue(Database::now());
            return run(del, tr("replacing media file %1").arg(name), e) &&
                   run(m, tr("storing media file %1").arg(name), e) &&
                   audit(QStringLiteral("form.draft.attachment"),
                         QStringLiteral("%1 %2 (%3 bytes) project %4")
                             .arg(formId, name)
                             .arg(content.size())
                             .arg(projectId),
                         e);
        },
        status, error);
}

bool Admin::deleteDraftMedia(int projectId, const QString &formId, const QString &name, int *status,
                             QString *error)
{
    return writeWithStatus(
        [&](QString *e, int *code) {
            QSqlQuery q(m_db.db());
            q.prepare(QStringLiteral(
                "DELETE FROM form_draft_media WHERE filename = ? AND draft_id = (SELECT d.id FROM "
                "forms f JOIN form_drafts d ON d.form_id = f.id WHERE f.project_id = ? AND "
                "f.xml_form_id = ?)"));
            q.addBindValue(name);
            q.addBindValue(projectId);
            q.addBindValue(formId);
            if (!changeOne(q, tr("removing media file %1").arg(name),
                           tr("the draft of form %1 has no media file '%2'").arg(formId, name), e,
                           code))
                return false;
            return audit(QStringLiteral("form.draft.attachment.delete"),
                         QStringLiteral("%1 %2 project %3").arg(formId, name).arg(projectId), e);
        },
        status, error);
}

bool Admin::deleteDraft(int projectId, const QString &formId, int *status, QString *error)
{
    return writeWithStatus(
        [&](QString *e, int *code) {
            DraftRow draft;
            if (const int found = findDraft(projectId, formId, &draft, e); found != 0) {
                *code = found;
                return false;
            }
            if (!removeDraftRows(draft.id, e))
                return false;
            const QVariant form = draft.form;
            if (draft.neverPublished) {
                // A form that only ever was a draft goes with it, as in Central.
                for (const char *sql : {"DELETE FROM assignments WHERE form_id = ?",
                                        "DELETE FROM forms WHERE id = ?"}) {
                    QSqlQuery d(m_db.db());
                    d.prepare(QLatin1String(sql));
                    d.addBindValue(form);
                    if (!run(d, tr("removing the unpublished form"), e))
                        return false;
                }
            }
            return audit(QStringLiteral("form.draft.delete"),
                         QStringLiteral("%1 project %2").arg(formId).arg(projectId), e);
        },
        status, error);
}

std::optional<Admin::Published> Admin::publishDraft(int projectId, const QString &formId,
                                                    const QString &version, int *status,
                                                    QString *error)
{
    DraftRow draft;
    if (const int found = findDraft(projectId, formId, &draft, error); found != 0) {
        *status = found;
        return std::nullopt;
    }
    const int draftRow = draft.id.toInt();
    QByteArray xml = draft.xml;
    MediaList media;
    if (!readMedia(m_db.db(), "SELECT filename, content FROM form_draft_media WHERE draft_id = ?",
                   draftRow, &media, error)) {
        *status = 503;
        return std::nullopt;
    }
    if (!version.isNull()) {
        const auto changed = withVersion(xml, version, error);
        if (!changed) {
            *status = 400;
            return std::nullopt;
        }
        xml = *changed;
    }
    // External data the form reads must be there: without it no submission could be checked.
    form::FormDefinition::LoadOptions options;
    options.allowMissingMedia = true;
    form::FormError fe;
    if (const auto def = form::FormDefinition::load(xml, options, &fe)) {
        for (const auto &r : def->mediaReferences()) {
            if (r.type == QLatin1String("file") && !hasMedia(media, r.name)) {
                *status = 409;
                *error = tr("the form reads the data file '%1', which is not uploaded yet: send it "
                            "to /v1/projects/%2/forms/%3/draft/attachments/%1 first")
                             .arg(r.name)
                             .arg(projectId)
                             .arg(formId);
                return std::nullopt;
            }
        }
    }
    return publish(xml, projectId, QString(), media, QStringLiteral("draft"), draftRow, status,
                   error, draft.source ? &*draft.source : nullptr);
}

bool Admin::setFormState(int projectId, const QString &formId, const QString &state, int *status,
                         QString *error)
{
    if (state != QLatin1String("open") && state != QLatin1String("closing") &&
        state != QLatin1String("closed")) {
        *status = 400;
        *error = tr("unknown form state '%1' (use open, closing or closed)").arg(state);
        return false;
    }
    return writeWithStatus(
        [&](QString *e, int *code) {
            QSqlQuery q(m_db.db());
            q.prepare(QStringLiteral(
                "UPDATE forms SET state = ? WHERE project_id = ? AND xml_form_id = ?"));
            q.addBindValue(state);
            q.addBindValue(projectId);
            q.addBindValue(formId);
            if (!changeOne(q, tr("changing the form's state"),
                           tr("there is no form %1 in project %2").arg(formId).arg(projectId), e,
                           code))
                return false;
            return audit(QStringLiteral("form.state"),
                         QStringLiteral("%1 %2 project %3").arg(formId, state).arg(projectId), e);
        },
        status, error);
}

std::optional<QByteArray> Admin::withVersion(const QByteArray &xml, const QString &version,
                                             QString *error)
{
    // The primary instance's root element is found by the parser; its start tag is then
    // edited in place, so the rest of the form stays byte for byte as it was.
    form::XmlError xe;
    const auto doc = form::XmlDocument::parse(xml, &xe);
    const form::XmlNode *root = nullptr;
    if (doc && doc->documentElement()) {
        for (const auto &head : doc->documentElement()->children()) {
            if (!head->isElement() || head->localName() != QLatin1String("head"))
                continue;
            for (const auto &model : head->children()) {
                if (!model->isElement() || model->localName() != QLatin1String("model"))
                    continue;
                if (const auto *instance = model->firstChildElement(QStringLiteral("instance")))
                    root = instance->firstChildElement();
            }
        }
    }
    if (!root) {
        *error = tr("cannot set the version: the form has no primary instance");
        return std::nullopt;
    }
    qsizetype at = 0;
    for (int line = 1; line < root->line() && at >= 0; ++line) {
        at = xml.indexOf('\n', at);
        if (at >= 0)
            ++at;
    }
    for (int column = 1; column < root->column() && at >= 0 && at < xml.size(); ++column) {
        ++at;
        while (at < xml.size() && (static_cast<unsigned char>(xml[at]) & 0xC0) == 0x80)
            ++at;
    }
    if (at < 0 || at >= xml.size() || xml[at] != '<') {
        *error = tr("cannot set the version: the instance's start tag was not found");
        return std::nullopt;
    }
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    qsizetype p = at + 1;
    while (p < xml.size() && !isSpace(xml[p]) && xml[p] != '>' && xml[p] != '/')
        ++p;
    const qsizetype afterName = p;
    QString escaped = version.toHtmlEscaped();
    escaped.replace(QLatin1Char('\''), QLatin1String("&apos;"));
    const QByteArray value = escaped.toUtf8();
    while (p < xml.size()) {
        while (p < xml.size() && isSpace(xml[p]))
            ++p;
        if (p >= xml.size() || xml[p] == '>' || xml[p] == '/')
            break;
        const qsizetype nameStart = p;
        while (p < xml.size() && !isSpace(xml[p]) && xml[p] != '=')
            ++p;
        const QByteArray name = xml.mid(nameStart, p - nameStart);
        while (p < xml.size() && (isSpace(xml[p]) || xml[p] == '='))
            ++p;
        if (p >= xml.size())
            break;
        const char quote = xml[p];
        const qsizetype valueStart = p + 1;
        const qsizetype valueEnd = xml.indexOf(quote, valueStart);
        if (valueEnd < 0)
            break;
        if (name == "version") {
            QByteArray out = xml;
            out.replace(valueStart, valueEnd - valueStart, value);
            return out;
        }
        p = valueEnd + 1;
    }
    QByteArray out = xml;
    out.insert(afterName, QByteArray(" version=\"") + value + '"');
    return out;
}

} // namespace survey::server
