// SPDX-License-Identifier: GPL-3.0-or-later
// survey-cli form add / new / store: the device store without the app.
#include "commands.h"

#include "formdefinition.h"
#include "formsession.h"
#include "retrypolicy.h"
#include "store.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

#include <algorithm>

namespace survey::cli {

using namespace survey::form;
using namespace survey::store;

namespace {

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(StoreCommands)
};

int usage(const QString &text)
{
    writeErr(Tr::tr("usage: %1\n").arg(text));
    return 64;
}

void printProblems(const QJsonArray &problems)
{
    writeErr(QString::fromUtf8(QJsonDocument(problems).toJson(QJsonDocument::Indented)));
}

QJsonArray validationProblems(const FormSession &session)
{
    QJsonArray out;
    for (const FormSession::Problem &p : session.validate())
        out.append(problemJson(p.ref, FormSession::kindName(p.kind), p.message));
    return out;
}

/// The answers naming a file the record does not have (kind "missing-file").
QJsonArray missingFiles(Store &store, const QString &instanceId, const FormSession &session)
{
    StoreError e;
    const std::vector<AttachmentInfo> kept = store.attachments(instanceId, &e);
    QJsonArray out;
    for (const FormSession::FileAnswer &f : session.fileAnswers()) {
        const bool there = std::any_of(kept.begin(), kept.end(), [&f](const AttachmentInfo &a) {
            return a.name == f.name && QFileInfo(a.path).isFile();
        });
        if (!there)
            out.append(
                problemJson(f.ref, QStringLiteral("missing-file"),
                            Tr::tr("the file %1 that this answer names is not kept with the record")
                                .arg(f.name)));
    }
    return out;
}

/// Finalizes after checking problems and files: 0, or 2 with the problems (1 on a store error).
int finalizeChecked(Store &store, const QString &instanceId, FormSession &session,
                    const QString &intro = {})
{
    session.finalize();
    QJsonArray problems = validationProblems(session);
    for (const auto &p : missingFiles(store, instanceId, session))
        problems.append(p);
    if (!problems.isEmpty()) {
        if (!intro.isEmpty())
            writeErr(intro);
        printProblems(problems);
        return 2;
    }
    StoreError e;
    if (!store.finalize(instanceId, session.toXml(true),
                        FormSession::fileNames(session.fileAnswers()), &e))
        return storeFailure(e);
    return 0;
}

int formAdd(const QStringList &args, const QString &dataDir)
{
    const QString usageText =
        QStringLiteral("survey-cli form add --data DIR FILE.xml [--media MEDIA_DIR]");
    QString path;
    QString mediaDir;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--media") && i + 1 < args.size())
            mediaDir = args[++i];
        else if (path.isEmpty() && !args[i].startsWith(QLatin1String("--")))
            path = args[i];
        else
            return usage(usageText);
    }
    if (path.isEmpty() || dataDir.isEmpty())
        return usage(usageText);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        writeErr(Tr::tr("%1: error: cannot read the form: %2\n").arg(path, f.errorString()));
        return 1;
    }
    // Media: the given folder, else FORM-media beside the form (as the engine looks).
    if (mediaDir.isEmpty()) {
        const QFileInfo fi(path);
        mediaDir = fi.dir().filePath(fi.completeBaseName() + QStringLiteral("-media"));
    }
    std::vector<std::pair<QString, QByteArray>> media;
    if (QFileInfo(mediaDir).isDir()) {
        const QDir dir(mediaDir);
        for (const QString &name : dir.entryList(QDir::Files, QDir::Name)) {
            QFile m(dir.filePath(name));
            if (!m.open(QIODevice::ReadOnly)) {
                writeErr(Tr::tr("%1: error: cannot read the media file: %2\n")
                             .arg(m.fileName(), m.errorString()));
                return 1;
            }
            media.emplace_back(name, m.readAll());
        }
    }
    auto store = openStore(dataDir);
    if (!store)
        return 1;
    StoreError e;
    const auto added = store->addForm(f.readAll(), media, QString(), &e);
    if (!added) {
        writeErr(QStringLiteral("%1: ").arg(path));
        return storeFailure(e);
    }
    writeOut(Tr::tr("form %1 version %2 (%3), %n media file(s)\n", nullptr,
                    static_cast<int>(media.size()))
                 .arg(added->formId, added->version, added->title)
                 .toUtf8());
    return 0;
}

int formList(const QString &dataDir)
{
    auto store = openStore(dataDir);
    if (!store)
        return 1;
    StoreError e;
    const auto forms = store->forms(false, &e);
    if (e)
        return storeFailure(e);
    for (const FormInfo &f : forms)
        writeOut(QStringLiteral("%1\t%2\t%3\t%4\n")
                     .arg(f.formId, f.version, f.title,
                          f.current ? QStringLiteral("current") : QStringLiteral("old"))
                     .toUtf8());
    return 0;
}

} // namespace

int storeFailure(const StoreError &e)
{
    writeErr(Tr::tr("error: %1\n").arg(e.message));
    return 1;
}

/// Takes "--data DIR" out of `args`; empty when absent.
QString takeDataDir(QStringList &args)
{
    const qsizetype i = args.indexOf(QStringLiteral("--data"));
    if (i < 0 || i + 1 >= args.size())
        return QString();
    const QString dir = args[i + 1];
    args.remove(i, 2);
    return dir;
}

std::unique_ptr<Store> openStore(const QString &dir)
{
    StoreError e;
    auto store = Store::open(dir, &e);
    if (!store)
        storeFailure(e);
    return store;
}

/// The form definition of a stored form, with its media.
std::shared_ptr<const FormDefinition> loadStoredForm(Store &store, qint64 formRow)
{
    StoreError e;
    const auto xml = store.formXml(formRow, &e);
    if (!xml) {
        storeFailure(e);
        return nullptr;
    }
    FormDefinition::LoadOptions options;
    options.mediaDir = store.formMediaDir(formRow);
    FormError fe;
    auto def = FormDefinition::load(*xml, options, &fe);
    if (!def)
        writeErr(Tr::tr("error: the stored form cannot be loaded (line %1, column %2): %3\n")
                     .arg(fe.line)
                     .arg(fe.column)
                     .arg(fe.message));
    return def;
}

int formCommand(const QStringList &arguments)
{
    QStringList args = arguments;
    const QString dataDir = takeDataDir(args);
    const QString sub = args.isEmpty() ? QString() : args.takeFirst();
    if (sub == QLatin1String("add"))
        return formAdd(args, dataDir);
    if (sub == QLatin1String("list") && args.isEmpty() && !dataDir.isEmpty())
        return formList(dataDir);
    return usage(QStringLiteral("survey-cli form add --data DIR FILE.xml [--media MEDIA_DIR]\n"
                                "       survey-cli form list --data DIR"));
}

int newCommand(const QStringList &arguments)
{
    const QString usageText = QStringLiteral(
        "survey-cli new --data DIR FORM_ID --answers A.json [--finalize] [--lang LANG]");
    QStringList args = arguments;
    const QString dataDir = takeDataDir(args);
    QString formId;
    QString answersPath;
    QString lang;
    bool finalize = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("--answers") && i + 1 < args.size())
            answersPath = args[++i];
        else if (a == QLatin1String("--lang") && i + 1 < args.size())
            lang = args[++i];
        else if (a == QLatin1String("--finalize"))
            finalize = true;
        else if (formId.isEmpty() && !a.startsWith(QLatin1String("--")))
            formId = a;
        else
            return usage(usageText);
    }
    if (dataDir.isEmpty() || formId.isEmpty() || answersPath.isEmpty())
        return usage(usageText);
    const auto answers = readAnswers(answersPath);
    if (!answers)
        return 1;
    auto store = openStore(dataDir);
    if (!store)
        return 1;
    StoreError e;
    const auto form = store->currentForm(formId, &e);
    if (!form)
        return storeFailure(e);
    const auto def = loadStoredForm(*store, form->row);
    if (!def)
        return 1;
    // File answers ("/data/photo": "some/file.jpg") name files to attach: the answer becomes
    // the file's name, the file goes with the record.
    QJsonObject values = *answers;
    std::vector<std::pair<QString, QString>> files; // name, source path
    QJsonArray missing;
    for (auto it = values.begin(); it != values.end(); ++it) {
        const int schema = it.key().startsWith(QLatin1Char('/'))
                               ? def->schemaForPath(FormDefinition::schemaPathOf(it.key(), {}))
                               : -1;
        if (schema < 0 || !it.value().isString())
            continue;
        const int bind = def->schema[static_cast<std::size_t>(schema)].bind;
        if (bind < 0 || def->binds[static_cast<std::size_t>(bind)].type != DataType::Binary)
            continue;
        const QFileInfo source(QDir(QFileInfo(answersPath).path()).filePath(it.value().toString()));
        if (!source.isFile()) {
            missing.append(
                problemJson(it.key(), QStringLiteral("missing-file"),
                            Tr::tr("the file %1 does not exist").arg(source.filePath())));
            continue;
        }
        files.emplace_back(source.fileName(), source.filePath());
        it.value() = source.fileName();
    }
    if (!missing.isEmpty()) {
        // Nothing is stored for answers whose files are not there.
        printProblems(missing);
        return 2;
    }
    FormSession session(def);
    if (!lang.isEmpty() && !session.setLanguage(lang))
        writeErr(Tr::tr("warning: the form has no language '%1'\n").arg(lang));
    session.start();
    const QJsonArray problems = applyAnswers(session, values);
    if (!problems.isEmpty()) {
        // Answers that do not fit the form: nothing is stored.
        printProblems(problems);
        return 2;
    }
    const auto created = store->createDraft(form->row, session.instanceId(), session.toXml(false),
                                            session.instanceName(), &e);
    if (!created)
        return storeFailure(e);
    for (const auto &[name, path] : files) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            writeErr(Tr::tr("%1: error: cannot read the file: %2\n").arg(path, file.errorString()));
            return 1;
        }
        if (!store->putAttachment(created->instanceId, name, file.readAll(), &e))
            return storeFailure(e);
    }
    writeOut(created->instanceId.toUtf8() + '\n');
    if (!finalize)
        return 0;
    return finalizeChecked(
        *store, created->instanceId, session,
        Tr::tr("%1 is saved as a draft; it cannot be finalized yet:\n").arg(created->instanceId));
}

namespace {

int storeList(Store &store, bool asJson)
{
    StoreError e;
    const auto records = store.records(std::nullopt, &e);
    if (e)
        return storeFailure(e);
    QJsonArray out;
    for (const RecordInfo &r : records) {
        const QString updated = r.updatedAt.toString(Qt::ISODateWithMs);
        if (asJson)
            out.append(QJsonObject{{QStringLiteral("instanceId"), r.instanceId},
                                   {QStringLiteral("formId"), r.formId},
                                   {QStringLiteral("state"), stateName(r.state)},
                                   {QStringLiteral("instanceName"), r.instanceName},
                                   {QStringLiteral("updatedAt"), updated}});
        else
            writeOut(QStringLiteral("%1\t%2\t%3\t%4\t%5\n")
                         .arg(r.instanceId, r.formId, stateName(r.state), r.instanceName, updated)
                         .toUtf8());
    }
    if (asJson)
        writeOut(QJsonDocument(out).toJson(QJsonDocument::Indented));
    return 0;
}

int storeShow(Store &store, const QString &instanceId)
{
    StoreError e;
    const auto r = store.record(instanceId, &e);
    if (!r)
        return storeFailure(e);
    const auto xml = store.recordXml(instanceId, &e);
    if (!xml)
        return storeFailure(e);
    QString text;
    text += Tr::tr("instanceID: %1\n").arg(r->instanceId);
    text += Tr::tr("form: %1 version %2\n").arg(r->formId, r->formVersion);
    text += Tr::tr("state: %1\n").arg(stateName(r->state));
    if (!r->instanceName.isEmpty())
        text += Tr::tr("name: %1\n").arg(r->instanceName);
    text += Tr::tr("updated: %1\n").arg(r->updatedAt.toString(Qt::ISODateWithMs));
    if (!r->deprecatedId.isEmpty())
        text += Tr::tr("corrects: %1\n").arg(r->deprecatedId);
    if (!r->reviewState.isEmpty())
        text += Tr::tr("review: %1\n").arg(r->reviewState);
    for (const Comment &c : r->comments)
        text += Tr::tr("comment from %1 at %2: %3\n").arg(c.author, c.at, c.body);
    for (const ReviewFlag &f : r->flags)
        text += Tr::tr("flagged %1 by %2: %3\n").arg(f.path, f.author, f.note);
    for (const AttachmentInfo &a : store.attachments(instanceId, &e))
        text += Tr::tr("file: %1 (%2 bytes, sha256 %3)\n").arg(a.name).arg(a.size).arg(a.sha256);
    writeOut(text.toUtf8() + '\n' + *xml + '\n');
    return 0;
}

int storeFinalize(Store &store, const QString &instanceId)
{
    StoreError e;
    const auto r = store.record(instanceId, &e);
    if (!r)
        return storeFailure(e);
    if (r->state != RecordState::Draft) {
        writeErr(Tr::tr("error: record %1 is %2; only a draft can be finalized\n")
                     .arg(instanceId, stateName(r->state)));
        return 1;
    }
    const auto def = loadStoredForm(store, r->formRow);
    const auto xml = store.recordXml(instanceId, &e);
    if (!def || !xml)
        return xml ? 1 : storeFailure(e);
    FormSession session(def);
    QString why;
    if (!session.loadInstance(*xml, &why)) {
        writeErr(Tr::tr("error: the draft cannot be reopened: %1\n").arg(why));
        return 1;
    }
    return finalizeChecked(store, instanceId, session);
}

/// The sync log, newest first, in the current language.
int storeLog(Store &store, const QString &instanceId)
{
    StoreError e;
    const auto entries = store.syncLog(1000, instanceId, &e);
    if (e)
        return storeFailure(e);
    for (const LogEntry &entry : entries)
        writeOut(QStringLiteral("%1\t%2\t%3\t%4\n")
                     .arg(entry.at.toString(Qt::ISODateWithMs), entry.instanceId, entry.outcome,
                          sync::logText(entry))
                     .toUtf8());
    return 0;
}

/// Returned → a draft correcting it; answers applied and finalized when asked.
int storeCorrect(Store &store, const QStringList &args)
{
    QString instanceId;
    QString answersPath;
    bool finalize = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--answers") && i + 1 < args.size())
            answersPath = args[++i];
        else if (args[i] == QLatin1String("--finalize"))
            finalize = true;
        else if (instanceId.isEmpty() && !args[i].startsWith(QLatin1String("--")))
            instanceId = args[i];
        else
            return usage(QStringLiteral("survey-cli store --data DIR correct INSTANCE_ID "
                                        "[--answers A.json] [--finalize]"));
    }
    QJsonObject answers;
    if (!answersPath.isEmpty()) {
        const auto read = readAnswers(answersPath);
        if (!read)
            return 1;
        answers = *read;
    }
    StoreError e;
    const auto next = store.correct(instanceId, &e);
    if (!next)
        return storeFailure(e);
    writeOut(next->toUtf8() + '\n');
    const auto r = store.record(*next, &e);
    const auto def = r ? loadStoredForm(store, r->formRow) : nullptr;
    const auto xml = store.recordXml(*next, &e);
    if (!r || !def || !xml)
        return e ? storeFailure(e) : 1;
    FormSession session(def);
    QString why;
    if (!session.loadInstance(*xml, &why)) {
        writeErr(Tr::tr("error: the draft cannot be reopened: %1\n").arg(why));
        return 1;
    }
    const QJsonArray problems = applyAnswers(session, answers);
    if (!problems.isEmpty()) {
        printProblems(problems);
        return 2;
    }
    if (!store.saveDraft(*next, session.toXml(false), session.instanceName(), &e))
        return storeFailure(e);
    return finalize ? storeFinalize(store, *next) : 0;
}

} // namespace

int storeCommand(const QStringList &arguments)
{
    const QString usageText =
        QStringLiteral("survey-cli store --data DIR (list [--json] | show INSTANCE_ID | "
                       "finalize INSTANCE_ID | correct INSTANCE_ID [--answers A.json] "
                       "[--finalize] | log [INSTANCE_ID])");
    QStringList args = arguments;
    const QString dataDir = takeDataDir(args);
    if (dataDir.isEmpty() || args.isEmpty())
        return usage(usageText);
    const QString sub = args.takeFirst();
    const bool list = sub == QLatin1String("list") &&
                      (args.isEmpty() || args == QStringList{QStringLiteral("--json")});
    const bool one =
        (sub == QLatin1String("show") || sub == QLatin1String("finalize")) && args.size() == 1;
    const bool correct = sub == QLatin1String("correct") && !args.isEmpty();
    const bool log = sub == QLatin1String("log") && args.size() <= 1;
    if (!list && !one && !correct && !log)
        return usage(usageText);
    auto store = openStore(dataDir);
    if (!store)
        return 1;
    if (list)
        return storeList(*store, !args.isEmpty());
    if (sub == QLatin1String("show"))
        return storeShow(*store, args.first());
    if (correct)
        return storeCorrect(*store, args);
    if (log)
        return storeLog(*store, args.value(0));
    return storeFinalize(*store, args.first());
}

} // namespace survey::cli
