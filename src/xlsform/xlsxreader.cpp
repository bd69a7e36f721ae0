// SPDX-License-Identifier: GPL-3.0-or-later
// .xlsx: a zip of SpreadsheetML parts. The workbook names the sheets and, through its
// relationships, the part each is in; cells refer to shared strings and styles (a number
// under a date format is a date). Every part is read with a cap on what it inflates to.
#include "workbook.h"

#include "builder.h"

#include <QCoreApplication>
#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QLocale>
#include <QMap>
#include <QXmlStreamReader>

#include <zip.h>

#include <cmath>
#include <memory>

namespace survey::xlsform {

namespace {

struct ZipCloser
{
    void operator()(zip_t *z) const { zip_discard(z); }
};

class Archive
{
public:
    Archive(const QByteArray &bytes, const ReadLimits &limits)
        : m_limits(limits)
    {
        zip_error_t err;
        zip_error_init(&err);
        zip_source_t *src = zip_source_buffer_create(
            bytes.constData(), static_cast<zip_uint64_t>(bytes.size()), 0, &err);
        if (src) {
            m_zip.reset(zip_open_from_source(src, ZIP_RDONLY, &err));
            if (!m_zip)
                zip_source_free(src);
        }
        zip_error_fini(&err);
    }
    bool isOpen() const { return m_zip != nullptr; }

    /// The inflated part at `name` (no leading '/'); nothing when absent. Sets `error` when
    /// it is present but cannot be read or is too large.
    std::optional<QByteArray> read(const QString &name, QString *error)
    {
        const zip_int64_t index =
            zip_name_locate(m_zip.get(), name.toUtf8().constData(), ZIP_FL_ENC_GUESS);
        if (index < 0)
            return std::nullopt;
        std::unique_ptr<zip_file_t, int (*)(zip_file_t *)> file(
            zip_fopen_index(m_zip.get(), static_cast<zip_uint64_t>(index), 0), &zip_fclose);
        if (!file) {
            *error = XlsForm::tr("The part %1 of the spreadsheet cannot be read.").arg(name);
            return std::nullopt;
        }
        QByteArray out;
        char buffer[65536];
        for (;;) {
            const zip_int64_t n = zip_fread(file.get(), buffer, sizeof buffer);
            if (n < 0) {
                *error = XlsForm::tr("The part %1 of the spreadsheet is damaged.").arg(name);
                return std::nullopt;
            }
            if (n == 0)
                break;
            m_total += n;
            if (out.size() + n > m_limits.maxEntryBytes || m_total > m_limits.maxTotalBytes) {
                *error =
                    XlsForm::tr("The spreadsheet inflates to more than a form can hold (%1 is too "
                                "large).")
                        .arg(name);
                return std::nullopt;
            }
            out.append(buffer, static_cast<qsizetype>(n));
        }
        return out;
    }

private:
    std::unique_ptr<zip_t, ZipCloser> m_zip;
    ReadLimits m_limits;
    qint64 m_total = 0;
};

/// "xl/worksheets/../x.xml" style targets resolved against the folder of the part that
/// names them; absolute targets ("/xl/…") from the archive root. Only names inside the
/// archive are ever looked up.
QString resolveTarget(const QString &base, const QString &target)
{
    QStringList parts;
    if (!target.startsWith(u'/'))
        parts = base.split(u'/', Qt::SkipEmptyParts);
    for (const QString &p : target.split(u'/', Qt::SkipEmptyParts)) {
        if (p == QLatin1String(".."))
            parts.isEmpty() ? void() : parts.removeLast();
        else if (p != QLatin1String("."))
            parts.append(p);
    }
    return parts.join(u'/');
}

/// The relationships of a part: id → target part name.
QHash<QString, QString> readRelationships(const QByteArray &xml, const QString &folder)
{
    QHash<QString, QString> out;
    QXmlStreamReader reader(xml);
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement() && reader.name() == QLatin1String("Relationship")) {
            const auto a = reader.attributes();
            if (a.value(QLatin1String("TargetMode")) != QLatin1String("External"))
                out.insert(a.value(QLatin1String("Id")).toString(),
                           resolveTarget(folder, a.value(QLatin1String("Target")).toString()));
        }
    }
    return out;
}

/// The text of a string item (<si>, <is>): its <t> runs joined, phonetic runs (<rPh>) left out.
QString readStringItem(QXmlStreamReader &reader)
{
    QString text;
    const QString end = reader.name().toString();
    int phonetic = 0;
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement()) {
            if (reader.name() == QLatin1String("rPh"))
                ++phonetic;
            else if (reader.name() == QLatin1String("t") && phonetic == 0)
                text += reader.readElementText(QXmlStreamReader::IncludeChildElements);
        } else if (reader.isEndElement()) {
            if (reader.name() == QLatin1String("rPh"))
                --phonetic;
            else if (reader.name() == end)
                break;
        }
    }
    return text;
}

/// The built-in number formats that show dates or times (as openpyxl, which pyxform reads
/// spreadsheets with, knows them).
bool isBuiltinDateFormat(int id)
{
    return (id >= 14 && id <= 22) || (id >= 45 && id <= 47);
}

/// A format code shows a date or time when it has d, m, y, h or s outside quotes,
/// brackets (colours, locales) and escapes; "General" and pure number formats do not.
bool isDateFormatCode(const QString &code)
{
    bool quoted = false;
    int bracket = 0;
    for (qsizetype i = 0; i < code.size(); ++i) {
        const QChar c = code.at(i);
        if (c == u'"') {
            quoted = !quoted;
        } else if (quoted) {
            continue;
        } else if (c == u'\\' || c == u'_' || c == u'*') {
            ++i;
        } else if (c == u'[') {
            ++bracket;
        } else if (c == u']') {
            bracket = std::max(0, bracket - 1);
        } else if (bracket == 0) {
            const char l = c.toLower().toLatin1();
            if (l == 'd' || l == 'm' || l == 'y' || l == 'h' || l == 's')
                return true;
        }
    }
    return false;
}

/// For each cell style index, whether its number format shows a date or time.
QList<bool> readDateStyles(const QByteArray &xml)
{
    QHash<int, bool> customDate;
    QList<bool> styles;
    QXmlStreamReader reader(xml);
    bool inCellXfs = false;
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement()) {
            const auto a = reader.attributes();
            if (reader.name() == QLatin1String("numFmt")) {
                customDate.insert(
                    a.value(QLatin1String("numFmtId")).toInt(),
                    isDateFormatCode(a.value(QLatin1String("formatCode")).toString()));
            } else if (reader.name() == QLatin1String("cellXfs")) {
                inCellXfs = true;
            } else if (inCellXfs && reader.name() == QLatin1String("xf")) {
                const int id = a.value(QLatin1String("numFmtId")).toInt();
                styles.append(customDate.contains(id) ? customDate.value(id)
                                                      : isBuiltinDateFormat(id));
                if (styles.size() > 65536)
                    break;
            }
        } else if (reader.isEndElement() && reader.name() == QLatin1String("cellXfs")) {
            inCellXfs = false;
        }
    }
    return styles;
}

/// "BC12" → column 54 (0-based), row 12; false when it is not a cell reference.
bool parseCellRef(QStringView ref, int *column, int *row)
{
    qsizetype i = 0;
    qint64 col = 0;
    while (i < ref.size() && ref.at(i).isLetter() && ref.at(i).unicode() < 128) {
        col = col * 26 + (ref.at(i).toUpper().unicode() - 'A' + 1);
        if (col > 1'000'000)
            return false;
        ++i;
    }
    if (i == 0 || i == ref.size())
        return false;
    bool ok = false;
    const qint64 r = ref.mid(i).toLongLong(&ok);
    if (!ok || r < 1 || r > 100'000'000)
        return false;
    *column = static_cast<int>(col - 1);
    *row = static_cast<int>(r);
    return true;
}

/// A number as pyxform writes it: integral values with all their digits and no fraction,
/// others in the shortest form that reads back the same (as Python's str()).
QString numberText(double v)
{
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.2e18)
        return QString::number(static_cast<qint64>(v));
    return QString::number(v, 'g', QLocale::FloatingPointShortest);
}

/// A date serial under a date format as pyxform writes what openpyxl reads: under one day a
/// time ("HH:MM:SS"), else a date and time ("YYYY-MM-DD HH:MM:SS"). Serials count days from
/// 1899-12-30 (1900 system; those before 1900-03-01 skip Excel's 29 February 1900) or from
/// 1904-01-01.
QString serialDateText(double serial, bool from1904)
{
    if (!std::isfinite(serial) || serial < 0 || serial > 2958466)
        return numberText(serial);
    qint64 days = static_cast<qint64>(std::floor(serial));
    const qint64 ms = std::llround((serial - static_cast<double>(days)) * 86400000.0);
    const QTime time = QTime(0, 0).addMSecs(static_cast<int>(std::min<qint64>(ms, 86399999)));
    if (days == 0)
        return time.toString(QStringLiteral("HH:mm:ss"));
    QDate epoch = from1904 ? QDate(1904, 1, 1) : QDate(1899, 12, 30);
    if (!from1904 && days < 60)
        ++days;
    return QDateTime(epoch.addDays(days), time).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

struct Context
{
    QStringList shared;
    QList<bool> dateStyles;
    bool date1904 = false;
    qint64 cells = 0;
    qint64 textChars = 0; // of every cell read: one shared string may be used by many
};

/// The rows of a worksheet as (row number, cells by column), empty rows left out.
std::optional<QMap<int, QMap<int, QString>>> readWorksheet(const QByteArray &xml, Context &ctx,
                                                           const ReadLimits &limits, QString *error)
{
    QMap<int, QMap<int, QString>> rows;
    QXmlStreamReader reader(xml);
    int rowNumber = 0;
    int column = -1;
    while (!reader.atEnd()) {
        reader.readNext();
        if (!reader.isStartElement())
            continue;
        const auto name = reader.name();
        if (name == QLatin1String("row")) {
            const int r = reader.attributes().value(QLatin1String("r")).toInt();
            rowNumber = r > 0 ? r : rowNumber + 1;
            column = -1;
            if (rowNumber > limits.maxRows) {
                *error = XlsForm::tr("A sheet has more rows than a spreadsheet can.");
                return std::nullopt;
            }
        } else if (name == QLatin1String("c")) {
            const auto a = reader.attributes();
            int cellColumn = column + 1;
            int cellRow = rowNumber;
            const auto ref = a.value(QLatin1String("r"));
            if (!ref.isEmpty() && !parseCellRef(ref, &cellColumn, &cellRow)) {
                *error = XlsForm::tr("A cell has the reference \"%1\", which is not a cell.")
                             .arg(ref.left(20).toString());
                return std::nullopt;
            }
            if (cellColumn >= limits.maxColumns || cellRow > limits.maxRows) {
                *error = XlsForm::tr(
                    "A cell lies beyond the last column or row a spreadsheet can have.");
                return std::nullopt;
            }
            column = cellColumn;
            const QString type = a.value(QLatin1String("t")).toString();
            const int style = a.value(QLatin1String("s")).toInt();
            QString value;
            bool has = false;
            // The cell's children: <v> (value), <is> (inline string), <f> (formula).
            while (reader.readNextStartElement()) {
                if (reader.name() == QLatin1String("v")) {
                    value = reader.readElementText();
                    has = true;
                } else if (reader.name() == QLatin1String("is")) {
                    value = readStringItem(reader);
                    has = true;
                } else {
                    reader.skipCurrentElement();
                }
            }
            if (!has)
                continue;
            if (type == QLatin1String("s")) {
                bool ok = false;
                const int i = value.toInt(&ok);
                if (!ok || i < 0 || i >= ctx.shared.size()) {
                    *error = XlsForm::tr(
                        "A cell refers to a shared string the spreadsheet does not have.");
                    return std::nullopt;
                }
                value = ctx.shared.at(i);
            } else if (type == QLatin1String("b")) {
                value = value.trimmed() == QLatin1String("1") ? QStringLiteral("TRUE")
                                                              : QStringLiteral("FALSE");
            } else if (type == QLatin1String("e")) {
                // An error value (#N/A, #REF!) stays as the text Excel shows.
            } else if (type.isEmpty() || type == QLatin1String("n")) {
                bool ok = false;
                const double v = value.trimmed().toDouble(&ok);
                if (ok)
                    value = style >= 0 && style < ctx.dateStyles.size() && ctx.dateStyles.at(style)
                                ? serialDateText(v, ctx.date1904)
                                : numberText(v);
            }
            // "str" (a formula's text), "inlineStr" and "d" (ISO date text) are text already.
            if (value.trimmed().isEmpty())
                continue;
            ctx.textChars += value.size();
            if (ctx.textChars > limits.maxTextChars) {
                *error = XlsForm::tr("The spreadsheet's cells hold more text than a form can "
                                     "(%1 million characters).")
                             .arg(limits.maxTextChars / 1'000'000);
                return std::nullopt;
            }
            if (++ctx.cells > limits.maxCells) {
                *error = XlsForm::tr("The spreadsheet has more cells than a form can (%1).")
                             .arg(limits.maxCells);
                return std::nullopt;
            }
            rows[cellRow].insert(cellColumn, value);
        }
    }
    if (reader.hasError()) {
        *error = XlsForm::tr("A sheet of the spreadsheet is not well-formed XML: %1")
                     .arg(reader.errorString());
        return std::nullopt;
    }
    return rows;
}

} // namespace

std::optional<Workbook> readXlsx(const QByteArray &bytes, QString *error, const ReadLimits &limits)
{
    error->clear();
    if (bytes.size() > limits.maxInputBytes) {
        *error = XlsForm::tr("The spreadsheet is larger than a form can be.");
        return std::nullopt;
    }
    Archive archive(bytes, limits);
    if (!archive.isOpen()) {
        *error =
            XlsForm::tr("The file is not an .xlsx spreadsheet (it is not a readable zip archive). "
                        "Save it from Excel or WPS as \"Excel Workbook (.xlsx)\".");
        return std::nullopt;
    }
    QString workbookPart = QStringLiteral("xl/workbook.xml");
    if (const auto rels = archive.read(QStringLiteral("_rels/.rels"), error)) {
        const auto ids = readRelationships(*rels, QString());
        for (const QString &target : ids)
            if (target.endsWith(QLatin1String("workbook.xml")))
                workbookPart = target;
    }
    if (!error->isEmpty())
        return std::nullopt;
    const auto workbookXml = archive.read(workbookPart, error);
    if (!workbookXml) {
        if (error->isEmpty())
            *error =
                XlsForm::tr("The file is a zip archive but not an .xlsx spreadsheet: it has no "
                            "workbook.");
        return std::nullopt;
    }
    const QString folder = workbookPart.section(u'/', 0, -2);
    const QString relsName = (folder.isEmpty() ? QString() : folder + u'/') +
                             QStringLiteral("_rels/") + workbookPart.section(u'/', -1) +
                             QStringLiteral(".rels");
    QHash<QString, QString> rels;
    if (const auto relsXml = archive.read(relsName, error))
        rels = readRelationships(*relsXml, folder);
    if (!error->isEmpty())
        return std::nullopt;

    Context ctx;
    QString sharedName = folder + QStringLiteral("/sharedStrings.xml");
    QString stylesName = folder + QStringLiteral("/styles.xml");
    if (const auto shared = archive.read(sharedName, error)) {
        QXmlStreamReader reader(*shared);
        while (!reader.atEnd()) {
            reader.readNext();
            if (reader.isStartElement() && reader.name() == QLatin1String("si"))
                ctx.shared.append(readStringItem(reader));
        }
        if (reader.hasError()) {
            *error = XlsForm::tr("The shared strings of the spreadsheet are not well-formed XML.");
            return std::nullopt;
        }
    }
    if (!error->isEmpty())
        return std::nullopt;
    if (const auto styles = archive.read(stylesName, error))
        ctx.dateStyles = readDateStyles(*styles);
    if (!error->isEmpty())
        return std::nullopt;

    // The sheets, in workbook order.
    QList<std::pair<QString, QString>> sheets; // (name, part)
    QXmlStreamReader reader(*workbookXml);
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement() && reader.name() == QLatin1String("workbookPr")) {
            const auto v = reader.attributes().value(QLatin1String("date1904"));
            ctx.date1904 = v == QLatin1String("1") || v == QLatin1String("true");
        }
        if (reader.isStartElement() && reader.name() == QLatin1String("sheet")) {
            QString id;
            for (const auto &attr : reader.attributes())
                if (attr.name() == QLatin1String("id"))
                    id = attr.value().toString();
            const QString part = rels.value(id);
            if (!part.isEmpty())
                sheets.append({reader.attributes().value(QLatin1String("name")).toString(), part});
            if (sheets.size() > limits.maxSheets) {
                *error = XlsForm::tr("The spreadsheet has more sheets than a form can.");
                return std::nullopt;
            }
        }
    }
    if (reader.hasError()) {
        *error = XlsForm::tr("The workbook part of the spreadsheet is not well-formed XML.");
        return std::nullopt;
    }

    Workbook book;
    qint64 slots = 0;
    for (const auto &[name, part] : sheets) {
        const auto xml = archive.read(part, error);
        if (!xml) {
            if (error->isEmpty())
                continue; // a chart sheet or a missing part: nothing to read
            return std::nullopt;
        }
        const auto rows = readWorksheet(*xml, ctx, limits, error);
        if (!rows)
            return std::nullopt;
        Sheet sheet{name, {}, {}};
        // As pyxform reads a sheet: its header is row 1, up to the first run of 20 empty
        // header cells; its rows end at the first run of 60 empty rows.
        const QMap<int, QString> head = rows->value(1);
        int blank = 0;
        for (int c = 0; c <= (head.isEmpty() ? -1 : head.lastKey()) && blank < 20; ++c) {
            const QString h = head.value(c).trimmed();
            blank = h.isEmpty() ? blank + 1 : 0;
            if (h.isEmpty())
                continue;
            if (sheet.header.contains(h)) {
                *error = XlsForm::tr("The sheet '%1' has two columns headed '%2'.").arg(name, h);
                return std::nullopt;
            }
            sheet.header.resize(c + 1);
            sheet.header[c] = h;
        }
        int previous = 1;
        for (auto it = rows->upperBound(1); it != rows->end(); ++it) {
            if (it.key() - previous > 60)
                break;
            previous = it.key();
            const QMap<int, QString> &cells = it.value();
            slots += sheet.header.size();
            if (slots > limits.maxSlots) {
                *error = XlsForm::tr("The spreadsheet has more rows and columns than a form can.");
                return std::nullopt;
            }
            SheetRow row{it.key(), QStringList(sheet.header.size())};
            bool any = false;
            for (auto c = cells.begin(); c != cells.end(); ++c) {
                if (c.key() < sheet.header.size() && !sheet.header.at(c.key()).isEmpty()) {
                    row.cells[c.key()] = c.value();
                    any = true;
                }
            }
            if (any)
                sheet.rows.append(row);
        }
        book.sheets.append(sheet);
    }
    return book;
}

} // namespace survey::xlsform
