// SPDX-License-Identifier: GPL-3.0-or-later
// The markdown table form of an XLSForm: one table row per sheet row, the first cell naming
// the sheet a row starts (see ../shared/xlsform/README for the rules pyxform reads it by).
#include "workbook.h"

#include "builder.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>

namespace survey::xlsform {

namespace {

/// The cells of one table row: split on '|' not escaped by a backslash, each trimmed, then
/// "\|" read as '|'.
QStringList splitCells(QStringView inner)
{
    QStringList cells;
    QString current;
    for (qsizetype i = 0; i < inner.size(); ++i) {
        const QChar c = inner.at(i);
        if (c == u'|' && (i == 0 || inner.at(i - 1) != u'\\')) {
            cells.append(current.trimmed().replace(QLatin1String("\\|"), QLatin1String("|")));
            current.clear();
        } else {
            current.append(c);
        }
    }
    cells.append(current.trimmed().replace(QLatin1String("\\|"), QLatin1String("|")));
    return cells;
}

bool isSeparator(QStringView line)
{
    for (const QChar c : line)
        if (c != u'|' && c != u'-' && !c.isSpace())
            return false;
    return true;
}

} // namespace

std::optional<Workbook> readMarkdown(const QByteArray &bytes, QString *error,
                                     const ReadLimits &limits)
{
    if (bytes.size() > limits.maxInputBytes) {
        *error = XlsForm::tr("The spreadsheet is larger than a form can be.");
        return std::nullopt;
    }
    qint64 slots = 0;
    error->clear();
    const QString text = QString::fromUtf8(bytes);
    if (text.left(5000).count(u'|') < 5) {
        *error = XlsForm::tr("The file is not a markdown table: it has fewer "
                             "than five '|' characters at its start.");
        return std::nullopt;
    }
    Workbook book;
    QHash<QString, qsizetype> sheetIndex; // name → index in book.sheets
    Sheet *sheet = nullptr;
    int number = 0;
    const QStringList lines = text.split(u'\n');
    for (const QString &raw : lines) {
        const QStringView line = QStringView(raw).trimmed();
        if (line.isEmpty() || line.startsWith(u'#') || !line.startsWith(u'|'))
            continue;
        const qsizetype last = line.lastIndexOf(u'|');
        if (last <= 0)
            continue;
        const QStringView inner = line.mid(1, last - 1);
        if (isSeparator(inner))
            continue;
        QStringList cells = splitCells(inner);
        const QString first = cells.takeFirst();
        if (cells.size() > limits.maxColumns) {
            *error =
                XlsForm::tr("A row of the table has more than %1 columns.").arg(limits.maxColumns);
            return std::nullopt;
        }
        if (!first.isEmpty()) {
            // A new sheet; a repeated name replaces the earlier one.
            if (const auto it = sheetIndex.constFind(first); it != sheetIndex.constEnd()) {
                book.sheets[*it] = Sheet{first, {}, {}};
                sheet = &book.sheets[*it];
            } else {
                if (book.sheets.size() >= limits.maxSheets) {
                    *error = XlsForm::tr("The spreadsheet has more sheets than a form can.");
                    return std::nullopt;
                }
                sheetIndex.insert(first, book.sheets.size());
                book.sheets.append(Sheet{first, {}, {}});
                sheet = &book.sheets.last();
            }
            number = 0;
        }
        if (!sheet)
            continue;
        bool any = false;
        for (const QString &c : std::as_const(cells))
            any = any || !c.isEmpty();
        if (!any)
            continue;
        ++number;
        if (sheet->header.isEmpty()) {
            sheet->header = cells;
            continue;
        }
        cells.resize(sheet->header.size());
        slots += cells.size();
        if (slots > limits.maxSlots) {
            *error = XlsForm::tr("The spreadsheet has more rows and columns than a form can.");
            return std::nullopt;
        }
        sheet->rows.append(SheetRow{number, cells});
    }
    return book;
}

bool looksLikeZip(const QByteArray &bytes)
{
    return bytes.startsWith("PK\x03\x04") || bytes.startsWith("PK\x05\x06");
}

std::optional<Workbook> readWorkbookFile(const QString &path, QString *error)
{
    QFile file(path);
    const ReadLimits limits;
    if (!file.open(QIODevice::ReadOnly)) {
        *error =
            XlsForm::tr("Cannot read %1: %2").arg(QFileInfo(path).fileName(), file.errorString());
        return std::nullopt;
    }
    if (file.size() > limits.maxInputBytes) {
        *error = XlsForm::tr("%1 is larger than %2 MB, more than a form can be.")
                     .arg(QFileInfo(path).fileName())
                     .arg(limits.maxInputBytes / (1024 * 1024));
        return std::nullopt;
    }
    const QByteArray bytes = file.readAll();
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("md") || (!looksLikeZip(bytes) && suffix != QLatin1String("xlsx")))
        return readMarkdown(bytes, error, limits);
    return readXlsx(bytes, error, limits);
}

} // namespace survey::xlsform
