// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "database.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QHash>
#include <QString>
#include <QVariant>

#include <functional>
#include <optional>
#include <vector>

namespace survey::server {

/// Media files by name, for the form engine to read from memory.
QHash<QString, QByteArray> mediaMap(const std::vector<std::pair<QString, QByteArray>> &media);

/// Administration shared by the command line and (later) the JSON API: projects, users,
/// forms. Every change is one transaction and leaves an audit-log entry.
class Admin
{
    Q_DECLARE_TR_FUNCTIONS(Admin)
public:
    explicit Admin(Database &db, QString actor = QStringLiteral("cli"))
        : m_db(db)
        , m_actor(std::move(actor))
    {}

    static bool validRole(const QString &role);
    /// Passwords: at least 10 characters (as ODK Central requires).
    static QString passwordProblem(const QString &password);
    /// User names: 1 to 64 printable characters, no ':' (HTTP Basic's separator), no '/',
    /// no spaces around. Empty when the name is fine.
    static QString nameProblem(const QString &name);

    /// Creates the schema, project 1 and the first admin.
    bool init(const QString &adminName, const QString &password, QString *error);
    bool addUser(const QString &name, const QString &role, const QString &supervisor, int projectId,
                 const QString &password, QString *error);
    /// Stops a user from signing in and ends their sessions; the last active admin stays.
    /// `status`: 404 no such user, 409 the last active admin, 503 the database.
    bool disableUser(const QString &name, QString *error, int *status = nullptr);
    bool enableUser(const QString &name, QString *error);

    /// A new project (its number is the next free one).
    std::optional<int> addProject(const QString &name, QString *error);
    struct ProjectRow
    {
        int id = 0;
        QString name;
    };
    std::optional<std::vector<ProjectRow>> listProjects(QString *error);

    struct UserRow
    {
        QString name;
        QString role;
        int projectId = 0;
        QString supervisor;
        bool disabled = false;
    };
    std::optional<std::vector<UserRow>> listUsers(QString *error);

    struct Published
    {
        QString formId;
        QString version;
        QString title;
        int mediaFiles = 0;
        bool unchanged = false; ///< the same form bytes were already the current version
    };
    /// The spreadsheet (XLSForm) a form was converted from, kept to be downloaded as sent.
    struct FormSource
    {
        QByteArray bytes;
        QString contentType;
    };
    static const QString &xlsxContentType();
    /// The XForm of an XLSForm (.xlsx); `fallbackId` is its form ID when the settings sheet
    /// gives none. Nothing, with `error`, when it does not convert.
    static std::optional<QByteArray> convertXlsForm(const QByteArray &bytes,
                                                    const QString &fallbackId,
                                                    QStringList *warnings, QString *error);

    /// Validates the form with the engine (and its media); a new version becomes current.
    /// An .xlsx file is converted first (its warnings in `warnings`) and kept beside it.
    std::optional<Published> publishForm(const QString &file, int projectId,
                                         const QString &mediaDir, QString *error,
                                         QStringList *warnings = nullptr);
    /// The same for form bytes received over the API; `sourceName` prefixes messages.
    std::optional<Published> publishXml(const QByteArray &xml, int projectId,
                                        const QString &mediaDir,
                                        const std::vector<std::pair<QString, QByteArray>> &media,
                                        const QString &sourceName, QString *error,
                                        const FormSource *source = nullptr, int *status = nullptr);

    // Drafts (drafts.cpp), as in ODK Central: a new form or a form's next version waits as
    // a draft while its media files are uploaded, then is published. Failures give an HTTP
    // status in `status` (400 bad input, 404 no such form or draft, 409 conflict, 503
    // database) along with the message.
    enum class DraftOf { NewForm, ExistingForm };
    /// Creates or replaces the form's draft. `xml` empty: a copy of the current version.
    /// Media files the form still refers to are carried over from the previous draft and
    /// the current version; `media` adds or replaces files (each must be referred to).
    std::optional<Published> saveDraft(int projectId, DraftOf of, const QString &formId,
                                       const QByteArray &xml,
                                       const std::vector<std::pair<QString, QByteArray>> &media,
                                       int *status, QString *error,
                                       const FormSource *source = nullptr);
    bool putDraftMedia(int projectId, const QString &formId, const QString &name,
                       const QByteArray &content, int *status, QString *error);
    bool deleteDraftMedia(int projectId, const QString &formId, const QString &name, int *status,
                          QString *error);
    bool deleteDraft(int projectId, const QString &formId, int *status, QString *error);
    /// Publishes the draft (as version `version` when given) and removes it.
    std::optional<Published> publishDraft(int projectId, const QString &formId,
                                          const QString &version, int *status, QString *error);
    /// open (listed and accepting), closing (not listed, accepting), closed (neither).
    bool setFormState(int projectId, const QString &formId, const QString &state, int *status,
                      QString *error);
    /// The form XML with the primary instance's version attribute set to `version`.
    static std::optional<QByteArray> withVersion(const QByteArray &xml, const QString &version,
                                                 QString *error);

private:
    /// A write whose refusal carries an HTTP status: `work` sets `*code` when it refuses
    /// (otherwise a failure is the database's: 503).
    bool writeWithStatus(const std::function<bool(QString *, int *)> &work, int *status,
                         QString *error);
    std::optional<Published> publish(const QByteArray &xml, int projectId, const QString &mediaDir,
                                     const std::vector<std::pair<QString, QByteArray>> &media,
                                     const QString &sourceName, int draftToRemove, int *status,
                                     QString *error, const FormSource *source);
    struct DraftRow
    {
        QVariant id;
        QByteArray xml;
        std::optional<FormSource> source;
        QVariant form;
        bool neverPublished = false; ///< the form has no published version
    };
    /// The form's draft: 0, or 404 / 503 with `error`.
    int findDraft(int projectId, const QString &formId, DraftRow *out, QString *error);
    /// Deletes a draft and its media rows (inside the caller's transaction).
    bool removeDraftRows(const QVariant &draftRow, QString *error);
    /// The form's row id; 0 when there is none, -1 (with `error`) on a database failure.
    int formRow(int projectId, const QString &formId, QString *error);
    bool audit(const QString &action, const QString &details, QString *error);
    bool projectExists(int projectId, QString *error);

    Database &m_db;
    QString m_actor;
};

} // namespace survey::server
