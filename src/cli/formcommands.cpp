// SPDX-License-Identifier: GPL-3.0-or-later
// survey-cli validate / inspect / fill.
#include "commands.h"

#include "formdefinition.h"
#include "formsession.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTextStream>

#include <algorithm>
#include <cstdio>

namespace survey::cli {

using namespace survey::form;

void writeOut(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, static_cast<std::size_t>(bytes.size()), stdout);
}

void writeErr(const QString &text)
{
    const QByteArray b = text.toUtf8();
    std::fwrite(b.constData(), 1, static_cast<std::size_t>(b.size()), stderr);
}

QJsonObject problemJson(const QString &ref, const QString &kind, const QString &message)
{
    return QJsonObject{{QStringLiteral("ref"), ref},
                       {QStringLiteral("kind"), kind},
                       {QStringLiteral("message"), message}};
}

namespace {

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(FormCommands)
};

std::shared_ptr<const FormDefinition> loadOrReport(const QString &path, const QString &mediaDir)
{
    FormDefinition::LoadOptions options;
    options.mediaDir = mediaDir;
    FormError error;
    auto def = FormDefinition::loadFile(path, options, &error);
    if (!def)
        writeErr(QStringLiteral("%1:%2:%3: error: %4\n")
                     .arg(path)
                     .arg(error.line)
                     .arg(error.column)
                     .arg(error.message));
    return def;
}

int usage(const QString &text)
{
    writeErr(Tr::tr("usage: %1\n").arg(text));
    return 64;
}

} // namespace

int validateCommand(const QStringList &args)
{
    QString path;
    QString media;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--media") && i + 1 < args.size())
            media = args[++i];
        else if (path.isEmpty())
            path = args[i];
        else
            return usage(QStringLiteral("survey-cli validate FORM.xml [--media DIR]"));
    }
    if (path.isEmpty())
        return usage(QStringLiteral("survey-cli validate FORM.xml [--media DIR]"));
    const auto def = loadOrReport(path, media);
    if (!def)
        return 1;
    const QStringList langs = def->languages();
    writeOut(Tr::tr("%1: \"%2\" formID=%3 version=%4: %n question(s), %5 group(s), %6 repeat(s), "
                    "languages: %7\n",
                    nullptr, def->questionCount())
                 .arg(path, def->title, def->formId,
                      def->version.isEmpty() ? QStringLiteral("-") : def->version)
                 .arg(def->groupCount())
                 .arg(def->repeatCount())
                 .arg(langs.isEmpty() ? Tr::tr("none") : langs.join(QStringLiteral(", ")))
                 .toUtf8());
    // What ODK clients tolerate but the form's author should fix: FORM.xml: warning: …
    for (const QString &w : def->warnings)
        writeErr(Tr::tr("%1: warning: %2\n").arg(path, w));
    return 0;
}

int inspectCommand(const QStringList &args)
{
    QString path;
    QString media;
    bool json = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--json"))
            json = true;
        else if (args[i] == QLatin1String("--media") && i + 1 < args.size())
            media = args[++i];
        else if (path.isEmpty())
            path = args[i];
        else
            path.clear();
    }
    if (path.isEmpty() || !json)
        return usage(QStringLiteral("survey-cli inspect FORM.xml --json [--media DIR]"));
    const auto def = loadOrReport(path, media);
    if (!def)
        return 1;
    FormSession session(def);
    session.start();
    QStringList langs = def->languages();
    const bool itext = !langs.isEmpty();
    if (!itext)
        langs = {QStringLiteral("default")};
    auto perLanguage = [&](const std::function<QString()> &get) {
        QJsonObject o;
        for (const QString &l : langs) {
            if (itext)
                session.setLanguage(l);
            o.insert(l, get());
        }
        if (itext)
            session.setLanguage(def->defaultLanguage);
        return o;
    };
    QJsonArray questions;
    for (std::size_t ci = 0; ci < def->controls.size(); ++ci) {
        const Control &c = def->controls[ci];
        if (c.kind == Control::Kind::Group)
            continue;
        const int control = static_cast<int>(ci);
        XmlNode *node = nullptr;
        if (c.schema >= 0) {
            const QString schemaPath = def->schema[static_cast<std::size_t>(c.schema)].path;
            node = session.resolve(schemaPath, false, nullptr);
        }
        QJsonObject q;
        q.insert(QStringLiteral("ref"),
                 c.schema >= 0 ? def->schema[static_cast<std::size_t>(c.schema)].path : c.ref);
        q.insert(QStringLiteral("control"), controlKindName(c.kind));
        q.insert(QStringLiteral("type"),
                 c.kind == Control::Kind::Repeat ? QStringLiteral("repeat") : def->typeNameOf(c));
        q.insert(QStringLiteral("labels"),
                 perLanguage([&] { return session.label(control, node); }));
        if (!c.hint.isEmpty())
            q.insert(QStringLiteral("hints"),
                     perLanguage([&] { return session.hint(control, node); }));
        if (!c.appearance.isEmpty())
            q.insert(QStringLiteral("appearance"), c.appearance);
        if (c.schema >= 0) {
            const int b = def->schema[static_cast<std::size_t>(c.schema)].bind;
            if (b >= 0) {
                const Bind &bind = def->binds[static_cast<std::size_t>(b)];
                if (bind.relevant)
                    q.insert(QStringLiteral("relevant"), bind.relevant->source());
                if (bind.required)
                    q.insert(QStringLiteral("required"), bind.required->source());
                if (bind.constraint)
                    q.insert(QStringLiteral("constraint"), bind.constraint->source());
                if (bind.calculate)
                    q.insert(QStringLiteral("calculate"), bind.calculate->source());
                if (bind.readonly)
                    q.insert(QStringLiteral("readonly"), bind.readonly->source());
            }
        }
        if (c.kind == Control::Kind::Repeat) {
            if (c.count)
                q.insert(QStringLiteral("count"), c.count->source());
        }
        if (c.kind == Control::Kind::Select1 || c.kind == Control::Kind::Select ||
            c.kind == Control::Kind::Rank) {
            if (c.itemset)
                q.insert(QStringLiteral("itemset"), c.itemset->nodeset->source());
            QJsonArray choices;
            std::vector<std::vector<FormSession::Choice>> byLang;
            for (const QString &l : langs) {
                if (itext)
                    session.setLanguage(l);
                byLang.push_back(session.choices(control, node));
            }
            if (itext)
                session.setLanguage(def->defaultLanguage);
            for (std::size_t i = 0; !byLang.empty() && i < byLang.front().size(); ++i) {
                QJsonObject ch;
                ch.insert(QStringLiteral("value"), byLang.front()[i].value);
                QJsonObject labels;
                for (std::size_t l = 0; l < byLang.size(); ++l) {
                    if (i < byLang[l].size())
                        labels.insert(langs[static_cast<qsizetype>(l)], byLang[l][i].label);
                }
                ch.insert(QStringLiteral("labels"), labels);
                choices.append(ch);
            }
            q.insert(QStringLiteral("choices"), choices);
        }
        questions.append(q);
    }
    QJsonObject out;
    out.insert(QStringLiteral("formID"), def->formId);
    out.insert(QStringLiteral("version"), def->version);
    out.insert(QStringLiteral("title"), def->title);
    out.insert(QStringLiteral("languages"), QJsonArray::fromStringList(def->languages()));
    out.insert(QStringLiteral("defaultLanguage"), def->defaultLanguage);
    out.insert(QStringLiteral("questions"), questions);
    writeOut(QJsonDocument(out).toJson(QJsonDocument::Indented));
    return 0;
}

namespace {

QString answerText(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        const double d = v.toDouble();
        return xpath::numberToString(d);
    }
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue &x : v.toArray())
            parts.push_back(answerText(x));
        return parts.join(QLatin1Char(' '));
    }
    default:
        return QString();
    }
}

} // namespace

std::optional<QJsonObject> readAnswers(const QString &path)
{
    QFile af(path);
    if (!af.open(QIODevice::ReadOnly)) {
        writeErr(Tr::tr("%1: error: cannot read the answers: %2\n").arg(path, af.errorString()));
        return std::nullopt;
    }
    QJsonParseError perr;
    const QJsonDocument jd = QJsonDocument::fromJson(af.readAll(), &perr);
    if (!jd.isObject()) {
        writeErr(Tr::tr("%1: error: the answers must be a JSON object of path: value (%2)\n")
                     .arg(path, perr.error == QJsonParseError::NoError
                                    ? Tr::tr("found another JSON value")
                                    : perr.errorString()));
        return std::nullopt;
    }
    return jd.object();
}

QJsonArray applyAnswers(FormSession &session, const QJsonObject &obj)
{
    // Apply answers in form order so that counts and relevance are in place first.
    struct Answer
    {
        QString path;
        QString value;
        int schema;
        std::vector<int> positions;
    };
    std::vector<Answer> answers;
    static const QRegularExpression posRe(QStringLiteral("\\[(\\d+)\\]"));
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        Answer a;
        a.path = it.key();
        a.value = answerText(it.value());
        // Only absolute paths name answers; the schema entry orders them.
        a.schema = a.path.startsWith(QLatin1Char('/'))
                       ? session.definition().schemaForPath(
                             FormDefinition::schemaPathOf(a.path, QString()))
                       : -1;
        auto m = posRe.globalMatch(a.path);
        while (m.hasNext())
            a.positions.push_back(m.next().captured(1).toInt());
        answers.push_back(std::move(a));
    }
    std::stable_sort(answers.begin(), answers.end(), [](const Answer &x, const Answer &y) {
        if (x.schema != y.schema)
            return x.schema < y.schema;
        return x.positions < y.positions;
    });
    QJsonArray problems;
    // In form order; an answer whose node does not exist yet (a repeat instance that a later
    // count creates) is tried again while other answers make progress.
    std::vector<const Answer *> pending;
    for (const Answer &a : answers)
        pending.push_back(&a);
    QHash<const Answer *, QString> unresolved;
    for (bool progress = true; progress && !pending.empty();) {
        progress = false;
        std::vector<const Answer *> retry;
        for (const Answer *a : pending) {
            QString err;
            XmlNode *node = a->schema < 0 ? nullptr : session.resolve(a->path, true, &err);
            if (!node) {
                unresolved.insert(a, err);
                retry.push_back(a);
                continue;
            }
            progress = true;
            const QString typeErr = session.setValue(node, a->value);
            if (!typeErr.isEmpty())
                problems.append(problemJson(a->path, QStringLiteral("type"), typeErr));
        }
        pending = std::move(retry);
    }
    for (const Answer *a : pending) {
        const QString err = unresolved.value(a);
        problems.append(problemJson(
            a->path, QStringLiteral("unknown-ref"),
            err.isEmpty() ? Tr::tr("%1 does not exist in this form").arg(a->path) : err));
    }
    return problems;
}

int fillCommand(const QStringList &args)
{
    const QString usageText = QStringLiteral(
        "survey-cli fill FORM.xml --answers ANSWERS.json [--lang LANG] [--media DIR]");
    QString path;
    QString answersPath;
    QString lang;
    QString media;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("--answers") && i + 1 < args.size())
            answersPath = args[++i];
        else if (a == QLatin1String("--lang") && i + 1 < args.size())
            lang = args[++i];
        else if (a == QLatin1String("--media") && i + 1 < args.size())
            media = args[++i];
        else if (path.isEmpty() && !a.startsWith(QLatin1String("--")))
            path = a;
        else
            return usage(usageText);
    }
    if (path.isEmpty() || answersPath.isEmpty())
        return usage(usageText);
    const auto def = loadOrReport(path, media);
    if (!def)
        return 1;
    const auto answers = readAnswers(answersPath);
    if (!answers)
        return 1;
    FormSession session(def);
    if (!lang.isEmpty() && !def->languages().isEmpty() && !session.setLanguage(lang)) {
        // Only the messages' language is at stake: say so and go on in the default one.
        writeErr(Tr::tr("warning: the form has no language '%1' (it has: %2); messages are in "
                        "%3\n")
                     .arg(lang, def->languages().join(QStringLiteral(", ")), def->defaultLanguage));
    }
    session.start();

    QJsonArray problems = applyAnswers(session, *answers);
    session.finalize();
    for (const FormSession::Problem &p : session.validate())
        problems.append(problemJson(p.ref, FormSession::kindName(p.kind), p.message));
    if (!problems.isEmpty()) {
        writeErr(QString::fromUtf8(QJsonDocument(problems).toJson(QJsonDocument::Indented)));
        return 2;
    }
    writeOut(session.toXml(true));
    writeOut("\n");
    return 0;
}

} // namespace survey::cli
