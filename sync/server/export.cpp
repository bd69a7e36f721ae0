// SPDX-License-Identifier: GPL-3.0-or-later
// CSV export as ODK Central shapes it: one CSV for the root and one per repeat, joined by
// KEY / PARENT_KEY, UTF-8 with a byte-order mark so that spreadsheet programs show Chinese,
// attachments beside them; written through temporary files into a zip (libzip) and streamed.
#include "csvfield.h"
#include "names.h"
#include "serverimpl.h"

#include <zip.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUrl>

#include <fstream>

namespace survey::server {

using namespace detail;
using form::FormDefinition;
using form::SchemaNode;
using form::XmlDocument;
using form::XmlError;
using form::XmlNode;

namespace {

/// One CSV of the export: the root or one repeat, with its leaf columns.
struct Table
{
    int schema = 0; ///< the root (0) or the repeat's schema index
    QString fileName;
    std::vector<int> columns; ///< leaf schema nodes inside it, not inside nested repeats
    std::unique_ptr<QFile> file;
};

void writeRow(QFile &f, const QStringList &fields)
{
    QStringList quoted;
    quoted.reserve(fields.size());
    for (const QString &v : fields)
        quoted << form::csvField(v);
    f.write((quoted.join(QLatin1Char(',')) + QStringLiteral("\r\n")).toUtf8());
}

/// Column name: the path below the table's node, steps joined by '-' (as Central does).
QString columnName(const FormDefinition &def, int table, int leaf)
{
    QStringList steps;
    for (int s = leaf; s >= 0 && s != table; s = def.schema[static_cast<std::size_t>(s)].parent)
        steps.prepend(def.schema[static_cast<std::size_t>(s)].name);
    return steps.join(QLatin1Char('-'));
}

void collectColumns(const FormDefinition &def, int node, std::vector<int> &out)
{
    for (int c : def.schema[static_cast<std::size_t>(node)].children) {
        const SchemaNode &s = def.schema[static_cast<std::size_t>(c)];
        if (s.isRepeat || s.isAttribute)
            continue; // a nested repeat has its own table
        if (s.children.empty())
            out.push_back(c);
        else
            collectColumns(def, c, out);
    }
}

/// The live node for a schema path below `from` (first match at each step), or null.
const XmlNode *find(const FormDefinition &def, const XmlNode *from, int fromSchema, int target)
{
    std::vector<int> chain;
    for (int s = target; s >= 0 && s != fromSchema;
         s = def.schema[static_cast<std::size_t>(s)].parent)
        chain.push_back(s);
    const XmlNode *cur = from;
    for (auto it = chain.rbegin(); it != chain.rend() && cur; ++it)
        cur = cur->firstChildElement(def.schema[static_cast<std::size_t>(*it)].name);
    return cur;
}

/// The form ID as a file name for the zip and its entries.
QString exportName(const QString &formId)
{
    const QString name = safeComponent(formId);
    return name.isEmpty() ? QStringLiteral("form") : name;
}

} // namespace

std::shared_ptr<const form::FormDefinition>
OpenRosaServer::Impl::publishedDefinition(int project, const QString &formId,
                                          httplib::Response &res, int *versionRow)
{
    QSqlQuery fq(db().db());
    fq.prepare(QStringLiteral("SELECT v.id FROM forms f JOIN form_versions v ON v.id = "
                              "f.current_version_id WHERE f.project_id = ? AND f.xml_form_id = ?"));
    fq.addBindValue(project);
    fq.addBindValue(formId);
    if (!fq.exec() || !fq.next()) {
        jsonError(res, 404, Tr::tr("there is no such form in project %1").arg(project));
        return nullptr;
    }
    const int row = fq.value(0).toInt();
    fq.finish();
    QString why;
    auto def = definition(row, &why);
    if (!def) {
        jsonError(res, 500, Tr::tr("the published form cannot be loaded: %1").arg(why));
        return nullptr;
    }
    if (versionRow)
        *versionRow = row;
    return def;
}

bool OpenRosaServer::Impl::mayExport(const User &u, int project, httplib::Response &res,
                                     const QString &refusal)
{
    if (u.isAdmin() || (u.isSupervisor() && u.projectId == project))
        return true;
    jsonError(res, 403,
              refusal.isEmpty() ? Tr::tr("only supervisors and admins may export submissions")
                                : refusal);
    return false;
}

void OpenRosaServer::Impl::exportCsv(const httplib::Request &req, httplib::Response &res)
{
    const auto user = apiUser(req, res);
    if (!user)
        return;
    const int project = std::stoi(req.matches[1].str());
    const QString formId = urlPart(req, 2);
    if (!mayExport(*user, project, res))
        return;
    const auto def = publishedDefinition(project, formId, res);
    if (!def)
        return;
    // ?lang=: a label column after each choice question, in that form language.
    const QString lang = QString::fromStdString(req.get_param_value("lang"));
    if (!lang.isEmpty() && !def->languages().contains(lang)) {
        jsonError(res, 400,
                  Tr::tr("the form has no language '%1' (it has: %2)")
                      .arg(lang, def->languages().join(QStringLiteral(", "))));
        return;
    }
    auto labelled = [&](int column) {
        const int control = def->schema[static_cast<std::size_t>(column)].control;
        return !lang.isEmpty() && control >= 0 &&
               isSelect(def->controls[static_cast<std::size_t>(control)]);
    };
    std::shared_ptr<QTemporaryDir> work = workDir();
    if (!work->isValid()) {
        jsonError(res, 507, Tr::tr("no room for the export on the server's disk"));
        return;
    }
    // Tables: the root, then each repeat.
    // Names in the zip come from the form ID (cleaned: it is the form author's text) and the
    // repeat's element name; files on disk have names of their own.
    std::vector<Table> tables;
    const QString baseName = exportName(formId);
    auto addTable = [&](int schema) {
        Table t;
        t.schema = schema;
        t.fileName = schema == 0
                         ? baseName + QStringLiteral(".csv")
                         : baseName + QLatin1Char('-') +
                               safeComponent(def->schema[static_cast<std::size_t>(schema)].name) +
                               QStringLiteral(".csv");
        collectColumns(*def, schema, t.columns);
        t.file = std::make_unique<QFile>(
            work->filePath(QStringLiteral("table-%1.csv").arg(tables.size())));
        if (!t.file->open(QIODevice::WriteOnly))
            return false;
        t.file->write("\xEF\xBB\xBF"); // UTF-8 byte-order mark
        QStringList header;
        if (schema == 0)
            header << QStringLiteral("SubmissionDate");
        for (int c : t.columns) {
            header << columnName(*def, schema, c);
            if (labelled(c))
                header << columnName(*def, schema, c) + QStringLiteral("_label");
        }
        if (schema == 0)
            header << QStringLiteral("KEY") << QStringLiteral("SubmitterID")
                   << QStringLiteral("SubmitterName") << QStringLiteral("ReviewState")
                   << QStringLiteral("FormVersion");
        else
            header << QStringLiteral("PARENT_KEY") << QStringLiteral("KEY");
        writeRow(*t.file, header);
        tables.push_back(std::move(t));
        return true;
    };
    bool ok = addTable(0);
    for (std::size_t i = 0; ok && i < def->schema.size(); ++i) {
        if (def->schema[i].isRepeat)
            ok = addTable(static_cast<int>(i));
    }
    if (!ok) {
        jsonError(res, 507, Tr::tr("no room for the export on the server's disk"));
        return;
    }
    QString sql = QStringLiteral(
        "SELECT s.instance_id, s.created_at, s.submitter_id, u.name, s.review_state, fv.version, "
        "v.xml, v.id FROM submissions s JOIN forms f ON f.id = s.form_id JOIN users u ON u.id = "
        "s.submitter_id JOIN submission_versions v ON v.id = s.current_version_id JOIN "
        "form_versions fv ON fv.id = v.form_version_id WHERE f.project_id = ? AND f.xml_form_id "
        "= ?");
    if (user->isSupervisor())
        sql += QStringLiteral(" AND u.supervisor_id = ?");
    sql += QStringLiteral(" ORDER BY s.created_at, s.id");
    QSqlQuery q(db().db());
    q.setForwardOnly(true); // rows are written as they come, never all held at once
    q.prepare(sql);
    q.addBindValue(project);
    q.addBindValue(formId);
    if (user->isSupervisor())
        q.addBindValue(user->id);
    if (!q.exec()) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    std::vector<std::pair<QString, qint64>> attachmentVersions; // (folder in the zip, version)
    QSet<QString> folders;
    QStringList problems; // rows that could not be exported whole, said in the zip
    while (q.next()) {
        const QString key = q.value(0).toString();
        XmlError xe;
        const auto doc = XmlDocument::parse(q.value(6).toByteArray(), &xe);
        if (!doc) {
            // Stored before intake refused such XML: named, not exported, not fatal.
            problems << Tr::tr("submission %1: its XML cannot be read (%2); it is not in the "
                               "CSV files")
                            .arg(printable(key), xe.message);
            continue;
        }
        // Labels come from the submission reopened in the form engine (itemsets filter on
        // answers); values always come from the stored XML, never recomputed.
        std::unique_ptr<form::FormSession> session;
        if (!lang.isEmpty()) {
            session = std::make_unique<form::FormSession>(def);
            QString why;
            if (!session->loadInstance(q.value(6).toByteArray(), &why) ||
                !session->setLanguage(lang))
                session.reset();
        }
        // Rows of one table for every instance of its node; `live` is the same node in the
        // session (null without labels).
        std::function<void(const XmlNode *, const XmlNode *, int, const QString &)> emit =
            [&](const XmlNode *node, const XmlNode *live, int tableIndex, const QString &rowKey) {
                Table &t = tables[static_cast<std::size_t>(tableIndex)];
                QStringList row;
                if (t.schema == 0)
                    row << q.value(1).toString();
                for (int c : t.columns) {
                    const XmlNode *leaf = find(*def, node, t.schema, c);
                    row << (leaf ? leaf->stringValue() : QString());
                    if (labelled(c)) {
                        const XmlNode *liveLeaf = live ? find(*def, live, t.schema, c) : nullptr;
                        row << (liveLeaf
                                    ? choiceLabels(*session,
                                                   def->schema[static_cast<std::size_t>(c)].control,
                                                   liveLeaf)
                                    : QString());
                    }
                }
                if (t.schema == 0)
                    row << rowKey << q.value(2).toString() << q.value(3).toString()
                        << q.value(4).toString() << q.value(5).toString();
                else
                    row << rowKey.section(QLatin1Char('/'), 0, -2) << rowKey;
                writeRow(*t.file, row);
                // Child repeats of this table's node.
                for (std::size_t ti = 0; ti < tables.size(); ++ti) {
                    const int rs = tables[ti].schema;
                    if (rs == 0 || def->schema[static_cast<std::size_t>(rs)].parent < 0)
                        continue;
                    // The nearest enclosing table of the repeat must be this table.
                    int owner = def->schema[static_cast<std::size_t>(rs)].parent;
                    while (owner > 0 && !def->schema[static_cast<std::size_t>(owner)].isRepeat)
                        owner = def->schema[static_cast<std::size_t>(owner)].parent;
                    if (owner != t.schema)
                        continue;
                    const XmlNode *container = find(
                        *def, node, t.schema, def->schema[static_cast<std::size_t>(rs)].parent);
                    if (!container)
                        continue;
                    const QString &name = def->schema[static_cast<std::size_t>(rs)].name;
                    // The session holds the saved repeat instances in the saved order.
                    std::vector<const XmlNode *> liveInstances;
                    if (const XmlNode *liveContainer =
                            live ? find(*def, live, t.schema,
                                        def->schema[static_cast<std::size_t>(rs)].parent)
                                 : nullptr) {
                        for (const auto &child : liveContainer->children()) {
                            if (child->isElement() && child->localName() == name)
                                liveInstances.push_back(child.get());
                        }
                    }
                    std::size_t n = 0;
                    for (const auto &child : container->children()) {
                        if (!child->isElement() || child->localName() != name)
                            continue;
                        const XmlNode *liveChild =
                            n < liveInstances.size() ? liveInstances[n] : nullptr;
                        ++n;
                        emit(child.get(), liveChild, static_cast<int>(ti),
                             QStringLiteral("%1/%2[%3]").arg(rowKey, name).arg(n));
                    }
                }
            };
        emit(doc->documentElement(), session ? session->root() : nullptr, 0, key);
        // media/<instanceID with ':' as '_'>/: a name that is not plain or already used
        // (stored before intake checked names) gets the row's number instead.
        QString folder = safeComponent(key);
        if (!validInstanceId(key) || folder.isEmpty() || folders.contains(folder))
            folder = QStringLiteral("submission-%1").arg(q.value(7).toLongLong());
        folders.insert(folder);
        attachmentVersions.emplace_back(folder, q.value(7).toLongLong());
    }
    for (Table &t : tables)
        t.file->close();

    // The zip: the CSVs, then each submission's attachments under media/<instanceID>/.
    const QString zipPath = work->filePath(QStringLiteral("export.zip"));
    int zerr = 0;
    zip_t *archive =
        zip_open(QFile::encodeName(zipPath).constData(), ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    if (!archive) {
        jsonError(res, 507, Tr::tr("the export archive cannot be created"));
        return;
    }
    bool zipOk = true;
    for (const Table &t : tables) {
        zip_source_t *src =
            zip_source_file(archive, QFile::encodeName(t.file->fileName()).constData(), 0, -1);
        zipOk = zipOk && src &&
                zip_file_add(archive, t.fileName.toUtf8().constData(), src, ZIP_FL_ENC_UTF_8) >= 0;
    }
    int fileNumber = 0;
    bool readOk = true;
    for (const auto &[folder, versionId] : attachmentVersions) {
        QSqlQuery a(db().db());
        a.prepare(QStringLiteral(
            "SELECT id, name, content FROM submission_attachments WHERE version_id = ?"));
        a.addBindValue(versionId);
        if (!a.exec()) {
            readOk = false;
            break;
        }
        QSet<QString> names;
        while (zipOk && a.next()) {
            // Written under a number of our own; in the zip under its name when plain.
            const QString path = work->filePath(QStringLiteral("file-%1").arg(fileNumber++));
            QFile out(path);
            if (!out.open(QIODevice::WriteOnly) || out.write(a.value(2).toByteArray()) < 0) {
                zipOk = false;
                break;
            }
            out.close();
            QString name = a.value(1).toString();
            if (!validFileName(name) || names.contains(name)) {
                problems << Tr::tr("submission file '%1' is stored as attachment-%2: its name is "
                                   "not a plain file name")
                                .arg(printable(name))
                                .arg(a.value(0).toLongLong());
                name = QStringLiteral("attachment-%1").arg(a.value(0).toLongLong());
            }
            names.insert(name);
            zip_source_t *src =
                zip_source_file(archive, QFile::encodeName(path).constData(), 0, -1);
            const QString inZip = QStringLiteral("media/%1/%2").arg(folder, name);
            zipOk = zipOk && src &&
                    zip_file_add(archive, inZip.toUtf8().constData(), src, ZIP_FL_ENC_UTF_8) >= 0;
        }
    }
    if (!readOk) {
        zip_discard(archive);
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    if (zipOk && !problems.isEmpty()) {
        // Said inside the export, beside the data it concerns.
        const QString path = work->filePath(QStringLiteral("problems.txt"));
        QFile out(path);
        zipOk = out.open(QIODevice::WriteOnly) &&
                out.write((problems.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8()) >= 0;
        out.close();
        zip_source_t *src =
            zipOk ? zip_source_file(archive, QFile::encodeName(path).constData(), 0, -1) : nullptr;
        zipOk = src && zip_file_add(archive, "export-problems.txt", src, ZIP_FL_ENC_UTF_8) >= 0;
    }
    if (!zipOk || zip_close(archive) != 0) {
        zip_discard(archive); // after a failed close the archive is still ours to free
        jsonError(res, 507, Tr::tr("the export archive cannot be written"));
        return;
    }
    // Streamed from the file in pieces; the temporary folder goes when the stream ends.
    auto file =
        std::make_shared<std::ifstream>(QFile::encodeName(zipPath).toStdString(), std::ios::binary);
    const auto size = static_cast<size_t>(QFileInfo(zipPath).size());
    res.status = 200;
    res.set_header("Content-Disposition",
                   ("attachment; filename=\"" + baseName.toStdString() + ".csv.zip\"").c_str());
    res.set_content_provider(size, "application/zip",
                             [file, work](size_t offset, size_t length, httplib::DataSink &sink) {
                                 char buffer[64 * 1024];
                                 file->seekg(static_cast<std::streamoff>(offset));
                                 const auto n = std::min(length, sizeof buffer);
                                 file->read(buffer, static_cast<std::streamsize>(n));
                                 sink.write(buffer, static_cast<size_t>(file->gcount()));
                                 return file->gcount() > 0;
                             });
}

namespace {

/// An instance element as JSON: leaves as strings, groups as objects, and repeated
/// siblings (repeat instances) as arrays.
QJsonValue toJson(const XmlNode *n)
{
    bool leaf = true;
    for (const auto &c : n->children())
        leaf = leaf && !c->isElement();
    if (leaf)
        return n->stringValue();
    QJsonObject o;
    QHash<QString, int> counts;
    for (const auto &c : n->children()) {
        if (c->isElement())
            ++counts[c->localName()];
    }
    for (const auto &c : n->children()) {
        if (!c->isElement())
            continue;
        if (counts.value(c->localName()) > 1) {
            QJsonArray a = o.value(c->localName()).toArray();
            a.append(toJson(c.get()));
            o.insert(c->localName(), a);
        } else {
            o.insert(c->localName(), toJson(c.get()));
        }
    }
    return o;
}

} // namespace

void OpenRosaServer::Impl::exportJson(const httplib::Request &req, httplib::Response &res)
{
    const auto user = apiUser(req, res);
    if (!user)
        return;
    const int project = std::stoi(req.matches[1].str());
    if (!mayExport(*user, project, res))
        return;
    const QString formId = urlPart(req, 2);
    QString sql = QStringLiteral(
        "SELECT s.instance_id, s.created_at, u.name, s.review_state, fv.version, v.xml FROM "
        "submissions s JOIN forms f ON f.id = s.form_id JOIN users u ON u.id = s.submitter_id "
        "JOIN submission_versions v ON v.id = s.current_version_id JOIN form_versions fv ON fv.id "
        "= v.form_version_id WHERE f.project_id = ? AND f.xml_form_id = ?");
    if (user->isSupervisor())
        sql += QStringLiteral(" AND u.supervisor_id = ?");
    sql += QStringLiteral(" ORDER BY s.created_at, s.id");
    // Streamed a row at a time from a forward-only query held by the stream itself.
    auto q = std::make_shared<QSqlQuery>(db().db());
    q->setForwardOnly(true);
    q->prepare(sql);
    q->addBindValue(project);
    q->addBindValue(formId);
    if (user->isSupervisor())
        q->addBindValue(user->id);
    if (!q->exec()) {
        jsonError(res, 503, Tr::tr("the server cannot read its database; try again later"));
        return;
    }
    auto first = std::make_shared<bool>(true);
    res.status = 200;
    res.set_chunked_content_provider(
        "application/json; charset=utf-8", [q, first](size_t, httplib::DataSink &sink) {
            if (*first) {
                sink.write("[", 1);
                *first = false;
            }
            if (!q->next()) {
                sink.write("]", 1);
                sink.done();
                return true;
            }
            XmlError xe;
            const auto doc = XmlDocument::parse(q->value(5).toByteArray(), &xe);
            const QJsonObject row{
                {QStringLiteral("instanceId"), q->value(0).toString()},
                {QStringLiteral("createdAt"), q->value(1).toString()},
                {QStringLiteral("submitterName"), q->value(2).toString()},
                {QStringLiteral("reviewState"), q->value(3).toString()},
                {QStringLiteral("formVersion"), q->value(4).toString()},
                {QStringLiteral("data"), doc ? toJson(doc->documentElement()) : QJsonValue()}};
            const QByteArray bytes = (q->at() > 0 ? QByteArray(",") : QByteArray()) +
                                     QJsonDocument(row).toJson(QJsonDocument::Compact);
            sink.write(bytes.constData(), static_cast<size_t>(bytes.size()));
            return true;
        });
}

} // namespace survey::server
