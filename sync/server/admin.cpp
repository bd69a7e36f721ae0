// SPDX-License-Identifier: GPL-3.0-or-later
#include "admin.h"

#include "formdefinition.h"
#include "passwords.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

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

QString md5(const QByteArray &bytes)
{
    return QStringLiteral("md5:") +
           QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Md5).toHex());
}

} // namespace

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
                s.prepare(QStringLiteral("SELECT id, role FROM users WHERE name = ?"));
                s.addBindValue(supervisor);
                if (!run(s, tr("looking up the supervisor"), e))
                    return false;
                if (!s.next() || s.value(1).toString() != QLatin1String("supervisor")) {
                    *e = tr("there is no supervisor named '%1'").arg(supervisor);
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

bool Admin::disableUser(const QString &name, QString *error)
{
    return m_db.write(
        [&](QString *e) {
            QSqlQuery q(m_db.db());
            q.prepare(QStringLiteral("UPDATE users SET disabled = 1 WHERE name = ?"));
            q.addBindValue(name);
            if (!run(q, tr("disabling the user"), e))
                return false;
            if (q.numRowsAffected() != 1) {
                *e = tr("there is no user named '%1'").arg(name);
                return false;
            }
            return audit(QStringLiteral("user.disable"), name, e);
        },
        error);
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

bool validMediaName(const QString &name)
{
    return !name.isEmpty() && !name.startsWith(QLatin1Char('.')) &&
           !name.contains(QLatin1Char('/')) && !name.contains(QLatin1Char('\\'));
}

bool writeMediaFiles(const QString &dir, const std::vector<std::pair<QString, QByteArray>> &media,
                     QString *error)
{
    for (const auto &[name, content] : media) {
        if (!validMediaName(name)) {
            *error = Admin::tr("media file name '%1' must be a plain file name").arg(name);
            return false;
        }
        QFile file(QDir(dir).filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size()) {
            *error = Admin::tr("cannot write media file %1: %2").arg(name, file.errorString());
            return false;
        }
    }
    return true;
}

std::optional<Admin::Published> Admin::publishForm(const QString &file, int projectId,
                                                   const QString &mediaDir, QString *error)
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
    return publishXml(f.readAll(), projectId, dirPath, media, file, error);
}

std::optional<Admin::Published>
Admin::publishXml(const QByteArray &xml, int projectId, const QString &mediaDir,
                  const std::vector<std::pair<QString, QByteArray>> &media,
                  const QString &sourceName, QString *error)
{
    // The engine decides whether the form is usable; its message is the server's. Media
    // received without a folder (over the API) are put in one for it.
    form::FormDefinition::LoadOptions options;
    options.mediaDir = mediaDir;
    std::optional<QTemporaryDir> received;
    QString mediaError;
    for (const auto &m : media) {
        if (!validMediaName(m.first)) {
            if (error)
                *error = tr("media file name '%1' must be a plain file name").arg(m.first);
            return std::nullopt;
        }
    }
    if (mediaDir.isEmpty() && !media.empty()) {
        received.emplace();
        if (!received->isValid() || !writeMediaFiles(received->path(), media, &mediaError)) {
            if (error)
                *error = mediaError.isEmpty() ? tr("no temporary folder for the form's media files")
                                              : mediaError;
            return std::nullopt;
        }
        options.mediaDir = received->path();
    }
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
                if (v.value(1).toString() == hash) {
                    out.unchanged = true;
                    return true;
                }
                *e = tr("form %1 version '%2' is already published with different content: "
                        "give the changed form a new version")
                         .arg(out.formId, out.version);
                return false;
            }
            QSqlQuery nv(m_db.db());
            nv.prepare(
                QStringLiteral("INSERT INTO form_versions (form_id, version, title, xml, hash, "
                               "created_at) VALUES (?, ?, ?, ?, ?, ?)"));
            nv.addBindValue(formRow);
            nv.addBindValue(out.version);
            nv.addBindValue(out.title);
            nv.addBindValue(xml);
            nv.addBindValue(hash);
            nv.addBindValue(Database::now());
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

} // namespace survey::server
