// SPDX-License-Identifier: GPL-3.0-or-later
#include "columns.h"

#include <QHash>
#include <QRegularExpression>

namespace survey::xlsform {

namespace {

/// Second names for survey columns, after lower-casing and joining words with '_'.
const QHash<QString, QString> &surveyAliases()
{
    static const QHash<QString, QString> aliases = {
        {QStringLiteral("type"), QStringLiteral("type")},
        {QStringLiteral("command"), QStringLiteral("type")},
        {QStringLiteral("name"), QStringLiteral("name")},
        {QStringLiteral("tag"), QStringLiteral("name")},
        {QStringLiteral("value"), QStringLiteral("name")},
        {QStringLiteral("label"), QStringLiteral("label")},
        {QStringLiteral("caption"), QStringLiteral("label")},
        {QStringLiteral("hint"), QStringLiteral("hint")},
        {QStringLiteral("guidance_hint"), QStringLiteral("guidance_hint")},
        {QStringLiteral("read_only"), QStringLiteral("bind::readonly")},
        {QStringLiteral("readonly"), QStringLiteral("bind::readonly")},
        {QStringLiteral("relevant"), QStringLiteral("bind::relevant")},
        {QStringLiteral("relevance"), QStringLiteral("bind::relevant")},
        {QStringLiteral("required"), QStringLiteral("bind::required")},
        {QStringLiteral("constraint"), QStringLiteral("bind::constraint")},
        {QStringLiteral("calculation"), QStringLiteral("bind::calculate")},
        {QStringLiteral("calculate"), QStringLiteral("bind::calculate")},
        {QStringLiteral("constraint_message"), QStringLiteral("constraint_message")},
        {QStringLiteral("constraining_message"), QStringLiteral("constraint_message")},
        {QStringLiteral("required_message"), QStringLiteral("required_message")},
        {QStringLiteral("requiredmsg"), QStringLiteral("required_message")},
        {QStringLiteral("no_app_error_string"), QStringLiteral("no_app_error_string")},
        {QStringLiteral("noapperrorstring"), QStringLiteral("no_app_error_string")},
        {QStringLiteral("appearance"), QStringLiteral("control::appearance")},
        {QStringLiteral("autoplay"), QStringLiteral("control::autoplay")},
        {QStringLiteral("rows"), QStringLiteral("control::rows")},
        {QStringLiteral("intent"), QStringLiteral("control::intent")},
        {QStringLiteral("count"), QStringLiteral("repeat_count")},
        {QStringLiteral("repeat_count"), QStringLiteral("repeat_count")},
        {QStringLiteral("jr:count"), QStringLiteral("repeat_count")},
        {QStringLiteral("image"), QStringLiteral("media::image")},
        {QStringLiteral("big-image"), QStringLiteral("media::big-image")},
        {QStringLiteral("audio"), QStringLiteral("media::audio")},
        {QStringLiteral("video"), QStringLiteral("media::video")},
        {QStringLiteral("compact_tag"), QStringLiteral("instance::odk:tag")},
        {QStringLiteral("parameters"), QStringLiteral("parameters")},
        {QStringLiteral("choice_filter"), QStringLiteral("choice_filter")},
        {QStringLiteral("default"), QStringLiteral("default")},
        {QStringLiteral("trigger"), QStringLiteral("trigger")},
        {QStringLiteral("save_to"), QStringLiteral("save_to")},
        {QStringLiteral("disabled"), QStringLiteral("disabled")},
    };
    return aliases;
}

const QHash<QString, QString> &choicesAliases()
{
    static const QHash<QString, QString> aliases = {
        {QStringLiteral("list_name"), QStringLiteral("list_name")},
        {QStringLiteral("name"), QStringLiteral("name")},
        {QStringLiteral("value"), QStringLiteral("name")},
        {QStringLiteral("label"), QStringLiteral("label")},
        {QStringLiteral("caption"), QStringLiteral("label")},
        {QStringLiteral("image"), QStringLiteral("media::image")},
        {QStringLiteral("big-image"), QStringLiteral("media::big-image")},
        {QStringLiteral("audio"), QStringLiteral("media::audio")},
        {QStringLiteral("video"), QStringLiteral("media::video")},
    };
    return aliases;
}

const QHash<QString, QString> &settingsAliases()
{
    static const QHash<QString, QString> aliases = {
        {QStringLiteral("form_title"), QStringLiteral("title")},
        {QStringLiteral("set_form_title"), QStringLiteral("title")},
        {QStringLiteral("title"), QStringLiteral("title")},
        {QStringLiteral("form_id"), QStringLiteral("form_id")},
        {QStringLiteral("set_form_id"), QStringLiteral("form_id")},
        {QStringLiteral("id_string"), QStringLiteral("id_string")},
    };
    return aliases;
}

const QHash<QString, QString> &entitiesAliases()
{
    static const QHash<QString, QString> aliases = {
        {QStringLiteral("list_name"), QStringLiteral("dataset")},
        {QStringLiteral("dataset"), QStringLiteral("dataset")},
        {QStringLiteral("label"), QStringLiteral("label")},
        {QStringLiteral("entity_id"), QStringLiteral("entity_id")},
        {QStringLiteral("create_if"), QStringLiteral("create_if")},
        {QStringLiteral("update_if"), QStringLiteral("update_if")},
    };
    return aliases;
}

const QHash<QString, QString> &aliasesFor(SheetKind sheet)
{
    static const QHash<QString, QString> none;
    switch (sheet) {
    case SheetKind::Survey:
        return surveyAliases();
    case SheetKind::Choices:
    case SheetKind::Osm:
    case SheetKind::ExternalChoices:
        return choicesAliases();
    case SheetKind::Settings:
        return settingsAliases();
    case SheetKind::Entities:
        return entitiesAliases();
    }
    return none;
}

QString snake(const QString &text)
{
    return text.simplified().replace(u' ', u'_').toLower();
}

} // namespace

bool isTranslatable(const QString &key)
{
    return key == QLatin1String("label") || key == QLatin1String("hint") ||
           key == QLatin1String("guidance_hint") || key == QLatin1String("constraint_message") ||
           key == QLatin1String("required_message") ||
           key == QLatin1String("no_app_error_string") || key.startsWith(QLatin1String("media::"));
}

QList<Column> normaliseHeader(SheetKind sheet, const QStringList &header,
                              std::pair<QString, QString> *clash)
{
    const QHash<QString, QString> &aliases = aliasesFor(sheet);
    bool doubleColons = false;
    for (const QString &h : header)
        doubleColons = doubleColons || h.contains(QLatin1String("::"));

    QList<Column> columns;
    QHash<QString, QString> seen; // key + language → the header that gave it
    for (const QString &cell : header) {
        Column column;
        column.raw = cell.trimmed();
        const QString h = column.raw;
        if (h.isEmpty()) {
            columns.append(column);
            continue;
        }
        if (aliases.contains(h)) {
            column.key = aliases.value(h);
        } else if (aliases.contains(snake(h))) {
            column.key = aliases.value(snake(h));
        } else {
            // KEY::LANGUAGE, media::KIND::LANGUAGE, bind::ATTR, body::ATTR, instance::ATTR.
            QStringList tokens;
            if (doubleColons) {
                tokens = h.split(QLatin1String("::"));
            } else {
                tokens = h.split(u':');
                if (tokens.size() > 1 && tokens.first().trimmed() == QLatin1String("jr")) {
                    tokens[1] = QStringLiteral("jr:") + tokens[1];
                    tokens.removeFirst();
                }
            }
            for (QString &t : tokens)
                t = t.trimmed();
            const QString first = snake(tokens.first());
            const QString firstKey = aliases.value(first);
            if (tokens.size() == 1) {
                column.key = h; // an extra column, kept as written
            } else if (sheet == SheetKind::Survey &&
                       (first == QLatin1String("bind") || first == QLatin1String("control") ||
                        first == QLatin1String("body") || first == QLatin1String("instance"))) {
                const QString kind =
                    first == QLatin1String("body") ? QStringLiteral("control") : first;
                column.key = kind + QLatin1String("::") + tokens.mid(1).join(u':');
            } else if (first == QLatin1String("media") && tokens.size() >= 2) {
                column.key = QLatin1String("media::") + snake(tokens.at(1));
                if (tokens.size() >= 3) {
                    column.language = tokens.mid(2).join(QLatin1String("::"));
                    column.translated = true;
                }
            } else if (!firstKey.isEmpty() && isTranslatable(firstKey)) {
                column.key = firstKey;
                column.language = tokens.mid(1).join(QLatin1String("::"));
                column.translated = true;
            } else if (!firstKey.isEmpty()) {
                column.key = firstKey;
            } else {
                column.key = h;
            }
        }
        const QString seenKey = column.key + QLatin1String("\x1f") + column.language;
        if (seen.contains(seenKey) && clash && clash->first.isEmpty() && h != column.key)
            *clash = {seen.value(seenKey), h};
        if (!seen.contains(seenKey))
            seen.insert(seenKey, h);
        columns.append(column);
    }
    return columns;
}

} // namespace survey::xlsform
