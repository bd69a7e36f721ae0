// SPDX-License-Identifier: GPL-3.0-or-later
#include "externaldata.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace survey::form {

namespace {

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(ExternalData)
};

bool isXmlName(const QString &s)
{
    if (s.isEmpty() || !(s[0].isLetter() || s[0] == QLatin1Char('_')))
        return false;
    for (QChar c : s) {
        if (!(c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('-') ||
              c == QLatin1Char('.')))
            return false;
    }
    return true;
}

} // namespace

std::unique_ptr<XmlDocument> csvToInstance(const QByteArray &data, ExternalDataError *error)
{
    QString text = QString::fromUtf8(data);
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1);
    // Delimiter: whichever of ',' and ';' the header uses more.
    const QString header = text.section(QLatin1Char('\n'), 0, 0);
    const QChar delim = header.count(QLatin1Char(';')) > header.count(QLatin1Char(','))
                            ? QLatin1Char(';')
                            : QLatin1Char(',');
    std::vector<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    bool fieldStarted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                    field += c;
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
            continue;
        }
        if (c == QLatin1Char('"') && !fieldStarted) {
            quoted = true;
            fieldStarted = true;
        } else if (c == delim) {
            row.push_back(field);
            field.clear();
            fieldStarted = false;
        } else if (c == QLatin1Char('\n') || c == QLatin1Char('\r')) {
            if (c == QLatin1Char('\r') && i + 1 < text.size() && text[i + 1] == QLatin1Char('\n'))
                ++i;
            row.push_back(field);
            field.clear();
            fieldStarted = false;
            if (!(row.size() == 1 && row.front().isEmpty()))
                rows.push_back(row);
            row.clear();
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (quoted) {
        if (error)
            error->message = Tr::tr("the CSV file has an unterminated quoted field");
        return nullptr;
    }
    if (fieldStarted || !row.isEmpty()) {
        row.push_back(field);
        rows.push_back(row);
    }
    if (rows.empty()) {
        if (error)
            error->message = Tr::tr("the CSV file is empty: it needs a header row");
        return nullptr;
    }
    QStringList columns = rows.front();
    for (qsizetype i = 0; i < columns.size(); ++i) {
        columns[i] = columns[i].trimmed();
        if (!isXmlName(columns[i])) {
            if (error)
                error->message = Tr::tr("CSV column %1 has the name '%2', which cannot be used as "
                                        "an element name")
                                     .arg(i + 1)
                                     .arg(columns[i]);
            return nullptr;
        }
    }
    auto doc = std::make_unique<XmlDocument>();
    auto root = std::make_unique<XmlNode>(XmlNode::Kind::Element);
    root->setName(QStringLiteral("root"));
    for (std::size_t r = 1; r < rows.size(); ++r) {
        auto item = std::make_unique<XmlNode>(XmlNode::Kind::Element);
        item->setName(QStringLiteral("item"));
        for (qsizetype col = 0; col < columns.size(); ++col) {
            auto cell = std::make_unique<XmlNode>(XmlNode::Kind::Element);
            cell->setName(columns[col]);
            cell->setText(col < rows[r].size() ? rows[r][col] : QString());
            item->appendChild(std::move(cell));
        }
        root->appendChild(std::move(item));
    }
    doc->appendChild(std::move(root));
    return doc;
}

std::unique_ptr<XmlDocument> geoJsonToInstance(const QByteArray &data, ExternalDataError *error)
{
    auto fail = [&](const QString &message) {
        if (error)
            error->message = message;
        return std::unique_ptr<XmlDocument>();
    };
    QJsonParseError perr;
    const QJsonDocument jd = QJsonDocument::fromJson(data, &perr);
    if (!jd.isObject())
        return fail(Tr::tr("the GeoJSON file is not valid JSON: %1").arg(perr.errorString()));
    const QJsonObject top = jd.object();
    if (top.value(QStringLiteral("type")).toString() != QLatin1String("FeatureCollection"))
        return fail(Tr::tr("the GeoJSON file must hold a FeatureCollection"));
    auto point = [](const QJsonArray &c) {
        // GeoJSON is [longitude, latitude, altitude?]; ODK geopoints are "lat lon alt acc".
        return QStringLiteral("%1 %2 %3 0")
            .arg(c.at(1).toDouble(), 0, 'g', 15)
            .arg(c.at(0).toDouble(), 0, 'g', 15)
            .arg(c.size() > 2 ? c.at(2).toDouble() : 0.0, 0, 'g', 15);
    };
    auto validPosition = [](const QJsonValue &v) {
        const QJsonArray c = v.toArray();
        return c.size() >= 2 && c.at(0).isDouble() && c.at(1).isDouble();
    };
    auto doc = std::make_unique<XmlDocument>();
    auto root = std::make_unique<XmlNode>(XmlNode::Kind::Element);
    root->setName(QStringLiteral("root"));
    const QJsonArray features = top.value(QStringLiteral("features")).toArray();
    for (qsizetype i = 0; i < features.size(); ++i) {
        const QJsonObject feature = features.at(i).toObject();
        const QJsonObject geometry = feature.value(QStringLiteral("geometry")).toObject();
        const QString type = geometry.value(QStringLiteral("type")).toString();
        const QJsonValue coords = geometry.value(QStringLiteral("coordinates"));
        QStringList points;
        if (type == QLatin1String("Point") && validPosition(coords)) {
            points << point(coords.toArray());
        } else if (type == QLatin1String("LineString") || type == QLatin1String("Polygon")) {
            const QJsonArray line = type == QLatin1String("Polygon")
                                        ? coords.toArray().at(0).toArray() // the outer ring
                                        : coords.toArray();
            for (const QJsonValue &p : line) {
                if (!validPosition(p))
                    return fail(Tr::tr("GeoJSON feature %1 has a malformed position").arg(i + 1));
                points << point(p.toArray());
            }
        } else {
            return fail(Tr::tr("unsupported: GeoJSON feature %1 has geometry '%2' (supported: "
                               "Point, LineString, Polygon)")
                            .arg(i + 1)
                            .arg(type));
        }
        auto item = std::make_unique<XmlNode>(XmlNode::Kind::Element);
        item->setName(QStringLiteral("item"));
        auto addChild = [&](const QString &name, const QString &value) {
            auto c = std::make_unique<XmlNode>(XmlNode::Kind::Element);
            c->setName(internName(name));
            c->setText(value);
            item->appendChild(std::move(c));
        };
        addChild(QStringLiteral("geometry"), points.join(QStringLiteral("; ")));
        const QJsonObject props = feature.value(QStringLiteral("properties")).toObject();
        if (!props.contains(QStringLiteral("id")) && feature.contains(QStringLiteral("id")))
            addChild(QStringLiteral("id"),
                     feature.value(QStringLiteral("id")).toVariant().toString());
        for (auto it = props.begin(); it != props.end(); ++it) {
            if (!isXmlName(it.key()))
                return fail(Tr::tr("GeoJSON property '%1' cannot be used as an element name")
                                .arg(it.key()));
            if (it.key() == QLatin1String("geometry"))
                continue; // the feature's own geometry wins
            const QJsonValue v = it.value();
            QString text;
            if (v.isString())
                text = v.toString();
            else if (v.isDouble())
                text = QString::number(v.toDouble(), 'g', 15);
            else if (v.isBool())
                text = v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
            addChild(it.key(), text);
        }
        root->appendChild(std::move(item));
    }
    doc->appendChild(std::move(root));
    return doc;
}

std::unique_ptr<XmlDocument> loadExternalInstance(const QString &src, const MediaSource &media,
                                                  ExternalDataError *error)
{
    QString name;
    bool csv = false;
    if (src.startsWith(QLatin1String("jr://file-csv/"))) {
        name = src.mid(14);
        csv = true;
    } else if (src.startsWith(QLatin1String("jr://file/"))) {
        name = src.mid(10);
        csv = name.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive);
    } else {
        // A source this device cannot read from (a server address, another tool's scheme):
        // as good as missing.
        if (error) {
            error->missing = true;
            error->message = Tr::tr("unsupported: external instance source '%1' (supported: "
                                    "jr://file/NAME.xml, jr://file/NAME.csv, "
                                    "jr://file-csv/NAME.csv)")
                                 .arg(src);
        }
        return nullptr;
    }
    if (name.isEmpty() || name.contains(QLatin1Char('/')) || name.contains(QLatin1Char('\\')) ||
        name == QLatin1String("..")) {
        // Never opened: as good as missing.
        if (error) {
            error->missing = true;
            error->message = Tr::tr("external file name '%1' must be a plain file name").arg(name);
        }
        return nullptr;
    }
    QByteArray data;
    if (media.files) {
        const auto it = media.files->constFind(name);
        if (it == media.files->constEnd()) {
            if (error) {
                error->missing = true;
                error->message =
                    Tr::tr("the external file '%1' is missing: add it to the form's media files")
                        .arg(name);
            }
            return nullptr;
        }
        data = *it;
    } else {
        QFile f(QDir(media.dir).filePath(name));
        if (media.dir.isEmpty() || !f.open(QIODevice::ReadOnly)) {
            if (error) {
                error->missing = media.dir.isEmpty() || !f.exists();
                error->message =
                    Tr::tr("the external file '%1' is missing: put it in the form's "
                           "media folder (%2)")
                        .arg(name, media.dir.isEmpty() ? Tr::tr("none given") : media.dir);
            }
            return nullptr;
        }
        data = f.readAll();
    }
    if (csv)
        return csvToInstance(data, error);
    if (name.endsWith(QLatin1String(".geojson"), Qt::CaseInsensitive))
        return geoJsonToInstance(data, error);
    XmlError xe;
    XmlDocument::ParseOptions po;
    po.keepWhitespaceText = false;
    po.keepComments = false;
    po.keepProcessingInstructions = false;
    auto doc = XmlDocument::parse(data, po, &xe);
    if (!doc && error)
        error->message =
            Tr::tr("%1:%2:%3: %4").arg(name).arg(xe.line).arg(xe.column).arg(xe.message);
    return doc;
}

} // namespace survey::form
