// SPDX-License-Identifier: GPL-3.0-or-later
#include "types.h"

#include <QHash>
#include <QRegularExpression>

namespace survey::xlsform {

namespace {

TypeInfo input(const char *canonical, const char *bindType)
{
    return TypeInfo{QString::fromLatin1(canonical),
                    Kind::Input,
                    QString::fromLatin1(bindType),
                    {},
                    {},
                    {},
                    false,
                    false};
}

TypeInfo upload(const char *canonical, const char *mediatype)
{
    return TypeInfo{QString::fromLatin1(canonical),
                    Kind::Upload,
                    QStringLiteral("binary"),
                    QString::fromLatin1(mediatype),
                    {},
                    {},
                    false,
                    false};
}

TypeInfo preloaded(const char *canonical, const char *bindType, const char *preload,
                   const char *params)
{
    return TypeInfo{QString::fromLatin1(canonical),
                    Kind::BindOnly,
                    QString::fromLatin1(bindType),
                    {},
                    QString::fromLatin1(preload),
                    QString::fromLatin1(params),
                    false,
                    false};
}

TypeInfo bindOnly(const char *canonical, const char *bindType)
{
    return TypeInfo{QString::fromLatin1(canonical),
                    Kind::BindOnly,
                    QString::fromLatin1(bindType),
                    {},
                    {},
                    {},
                    false,
                    false};
}

const QHash<QString, TypeInfo> &table()
{
    static const QHash<QString, TypeInfo> types = [] {
        QHash<QString, TypeInfo> t;
        const auto add = [&t](std::initializer_list<const char *> names, const TypeInfo &info) {
            for (const char *n : names)
                t.insert(QString::fromLatin1(n), info);
        };
        add({"text", "string", "q string", "add text prompt"}, input("text", "string"));
        add({"integer", "int", "q int", "add integer prompt"}, input("integer", "int"));
        add({"decimal", "q decimal", "add decimal prompt"}, input("decimal", "decimal"));
        add({"date", "q date", "add date prompt"}, input("date", "date"));
        add({"time", "q time", "add time prompt"}, input("time", "time"));
        add({"dateTime", "datetime", "date time", "add dateTime prompt", "add datetime prompt"},
            input("dateTime", "dateTime"));
        add({"geopoint", "gps", "location", "q geopoint", "q location", "add location prompt"},
            input("geopoint", "geopoint"));
        add({"geotrace"}, input("geotrace", "geotrace"));
        add({"geoshape"}, input("geoshape", "geoshape"));
        add({"barcode", "q barcode", "add barcode prompt"}, input("barcode", "barcode"));
        TypeInfo note = input("note", "string");
        note.readonly = true;
        add({"note", "add note prompt"}, note);
        add({"acknowledge", "trigger", "q acknowledge", "add acknowledge prompt"},
            TypeInfo{QStringLiteral("acknowledge"),
                     Kind::Trigger,
                     QStringLiteral("string"),
                     {},
                     {},
                     {},
                     false,
                     false});
        add({"range"}, TypeInfo{QStringLiteral("range"),
                                Kind::Range,
                                QStringLiteral("int"),
                                {},
                                {},
                                {},
                                false,
                                true});
        add({"image", "photo", "q image", "q picture", "add image prompt", "add photo prompt"},
            upload("image", "image/*"));
        add({"audio", "q audio", "add audio prompt"}, upload("audio", "audio/*"));
        add({"video", "q video", "add video prompt"}, upload("video", "video/*"));
        add({"file", "add file prompt"}, upload("file", "application/*"));
        add({"calculate"}, bindOnly("calculate", "string"));
        add({"hidden"}, bindOnly("hidden", "string"));
        add({"start"}, preloaded("start", "dateTime", "timestamp", "start"));
        add({"end"}, preloaded("end", "dateTime", "timestamp", "end"));
        add({"today"}, preloaded("today", "date", "date", "today"));
        for (const char *p :
             {"deviceid", "subscriberid", "simserial", "phonenumber", "username", "email"})
            add({p}, preloaded(p, "string", "property", p));
        add({"imei"}, preloaded("deviceid", "string", "property", "deviceid"));
        TypeInfo audit = bindOnly("audit", "binary");
        audit.needsParameters = true;
        add({"audit"}, audit);
        add({"start-geopoint"}, bindOnly("start-geopoint", "geopoint"));
        add({"background-audio"}, bindOnly("background-audio", "binary"));
        add({"background-geopoint"}, bindOnly("background-geopoint", "geopoint"));
        add({"xml-external"},
            TypeInfo{
                QStringLiteral("xml-external"), Kind::ExternalXml, {}, {}, {}, {}, false, false});
        add({"csv-external"},
            TypeInfo{
                QStringLiteral("csv-external"), Kind::ExternalCsv, {}, {}, {}, {}, false, false});
        return t;
    }();
    return types;
}

} // namespace

std::optional<TypeInfo> lookupType(const QString &type)
{
    const auto it = table().constFind(type);
    if (it == table().constEnd())
        return std::nullopt;
    return *it;
}

std::optional<SelectType> parseSelectType(const QString &type, bool *malformed)
{
    static const QList<std::pair<QString, QString>> commands = {
        {QStringLiteral("select_one_from_file"), QStringLiteral("select_one_from_file")},
        {QStringLiteral("select one from file"), QStringLiteral("select_one_from_file")},
        {QStringLiteral("select_multiple_from_file"), QStringLiteral("select_multiple_from_file")},
        {QStringLiteral("select multiple from file"), QStringLiteral("select_multiple_from_file")},
        {QStringLiteral("select_one_external"), QStringLiteral("select_one_external")},
        {QStringLiteral("select one external"), QStringLiteral("select_one_external")},
        {QStringLiteral("select_one"), QStringLiteral("select_one")},
        {QStringLiteral("select one from"), QStringLiteral("select_one")},
        {QStringLiteral("select one"), QStringLiteral("select_one")},
        {QStringLiteral("select1"), QStringLiteral("select_one")},
        {QStringLiteral("add select one prompt using"), QStringLiteral("select_one")},
        {QStringLiteral("select_multiple"), QStringLiteral("select_multiple")},
        {QStringLiteral("select all that apply from"), QStringLiteral("select_multiple")},
        {QStringLiteral("select all that apply"), QStringLiteral("select_multiple")},
        {QStringLiteral("select multiple"), QStringLiteral("select_multiple")},
        {QStringLiteral("add select multiple prompt using"), QStringLiteral("select_multiple")},
        {QStringLiteral("rank"), QStringLiteral("rank")},
    };
    *malformed = false;
    for (const auto &[spelling, command] : commands) {
        if (type == spelling) {
            *malformed = true; // a select without its list
            return std::nullopt;
        }
        if (!type.startsWith(spelling + u' '))
            continue;
        const QStringList rest = type.mid(spelling.size() + 1).split(u' ', Qt::SkipEmptyParts);
        if (rest.isEmpty()) {
            *malformed = true;
            return std::nullopt;
        }
        SelectType s{command, rest.first(), false};
        const QString other = rest.mid(1).join(u' ');
        if (other == QLatin1String("or_other") || other == QLatin1String("or specify other") ||
            other == QLatin1String("or other")) {
            s.orOther = true;
        } else if (!other.isEmpty()) {
            *malformed = true;
            return std::nullopt;
        }
        return s;
    }
    return std::nullopt;
}

} // namespace survey::xlsform
