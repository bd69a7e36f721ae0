// SPDX-License-Identifier: GPL-3.0-or-later
// Builds .xlsx files for tests: a zip of the given parts, with the workbook, its
// relationships and the content types written from a list of sheets.
#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

#include <zip.h>

namespace testutil {

/// The zip of `parts` (name → bytes), in memory. Every entry is dated 2026-01-01 00:00, so
/// that the same parts give the same bytes at any moment (the clock's seconds are in each
/// entry's header otherwise).
inline QByteArray zipParts(const QMap<QString, QByteArray> &parts)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *buffer = zip_source_buffer_create(nullptr, 0, 0, &err);
    zip_source_keep(buffer);
    zip_t *archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &err);
    if (!archive)
        qFatal("zip_open_from_source failed");
    for (auto it = parts.begin(); it != parts.end(); ++it) {
        zip_source_t *src =
            zip_source_buffer(archive, it.value().constData(), zip_uint64_t(it.value().size()), 0);
        const zip_int64_t index =
            zip_file_add(archive, it.key().toUtf8().constData(), src, ZIP_FL_ENC_UTF_8);
        if (index < 0 || zip_file_set_mtime(archive, zip_uint64_t(index), 1767225600, 0) < 0)
            qFatal("zip_file_add failed");
    }
    if (zip_close(archive) < 0)
        qFatal("zip_close failed");
    QByteArray out;
    if (zip_source_open(buffer) < 0)
        qFatal("zip_source_open failed");
    char chunk[65536];
    zip_int64_t n;
    while ((n = zip_source_read(buffer, chunk, sizeof chunk)) > 0)
        out.append(chunk, qsizetype(n));
    zip_source_close(buffer);
    zip_source_free(buffer);
    zip_error_fini(&err);
    return out;
}

/// An .xlsx with the sheets (name → worksheet XML body inside <sheetData>), the shared
/// strings and the styles given, the other parts as Excel writes them.
inline QByteArray xlsx(const QList<std::pair<QString, QByteArray>> &sheets,
                       const QByteArray &sharedStrings = {}, const QByteArray &styles = {},
                       const QMap<QString, QByteArray> &extra = {})
{
    QMap<QString, QByteArray> parts = extra;
    QByteArray workbook = "<?xml version=\"1.0\"?><workbook "
                          "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                          "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                          "relationships\"><sheets>";
    QByteArray rels = "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas."
                      "openxmlformats.org/package/2006/relationships\">";
    for (qsizetype i = 0; i < sheets.size(); ++i) {
        const QByteArray n = QByteArray::number(i + 1);
        workbook += "<sheet name=\"" + sheets.at(i).first.toUtf8() + "\" sheetId=\"" + n +
                    "\" r:id=\"rId" + n + "\"/>";
        rels += "<Relationship Id=\"rId" + n +
                "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                "worksheet\" Target=\"worksheets/sheet" +
                n + ".xml\"/>";
        if (!parts.contains(QStringLiteral("xl/worksheets/sheet%1.xml").arg(i + 1)))
            parts.insert(QStringLiteral("xl/worksheets/sheet%1.xml").arg(i + 1),
                         "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas."
                         "openxmlformats.org/spreadsheetml/2006/main\"><sheetData>" +
                             sheets.at(i).second + "</sheetData></worksheet>");
    }
    workbook += "</sheets></workbook>";
    rels += "</Relationships>";
    parts.insert(QStringLiteral("xl/workbook.xml"), workbook);
    if (!parts.contains(QStringLiteral("xl/_rels/workbook.xml.rels")))
        parts.insert(QStringLiteral("xl/_rels/workbook.xml.rels"), rels);
    parts.insert(QStringLiteral("_rels/.rels"),
                 "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats."
                 "org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://"
                 "schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
                 "Target=\"xl/workbook.xml\"/></Relationships>");
    if (!sharedStrings.isEmpty())
        parts.insert(QStringLiteral("xl/sharedStrings.xml"),
                     "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/"
                     "spreadsheetml/2006/main\">" +
                         sharedStrings + "</sst>");
    if (!styles.isEmpty())
        parts.insert(QStringLiteral("xl/styles.xml"),
                     "<?xml version=\"1.0\"?><styleSheet xmlns=\"http://schemas.openxmlformats."
                     "org/spreadsheetml/2006/main\">" +
                         styles + "</styleSheet>");
    return zipParts(parts);
}

/// An inline-string cell.
inline QByteArray cell(const char *ref, const QString &text)
{
    QByteArray escaped = text.toUtf8();
    escaped.replace('&', "&amp;").replace('<', "&lt;");
    return QByteArray("<c r=\"") + ref + "\" t=\"inlineStr\"><is><t>" + escaped + "</t></is></c>";
}

} // namespace testutil
