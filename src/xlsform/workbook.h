// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace survey::xlsform {

/// One row of a sheet below its header: the number a person finds it under and its cells,
/// index for index with the sheet's header (a missing or blank cell is an empty string).
struct SheetRow
{
    int number = 0;
    QStringList cells;
};

/// A sheet as the converter sees it: its header row, then every row that has a value.
struct Sheet
{
    QString name;
    QStringList header;
    QList<SheetRow> rows;
};

/// The sheets of an XLSForm, in file order, whichever format it came in.
struct Workbook
{
    QList<Sheet> sheets;
};

/// Limits on what a spreadsheet may make us hold. A spreadsheet is untrusted input: a zip
/// entry that inflates past these, or a sheet with more cells, is refused, not read.
struct ReadLimits
{
    qint64 maxInputBytes = 32 * 1024 * 1024;
    qint64 maxEntryBytes = 64 * 1024 * 1024;  // one inflated part (sheet, shared strings)
    qint64 maxTotalBytes = 160 * 1024 * 1024; // all the parts read together
    qint64 maxCells = 2'000'000;              // non-empty cells over every sheet
    qint64 maxSlots = 4'000'000;              // rows × header width over every sheet
    qint64 maxTextChars = 32'000'000;         // the text of every cell read, together
    int maxColumns = 16384;                   // Excel's own limit (XFD)
    int maxRows = 1048576;                    // Excel's own limit
    int maxSheets = 256;
};

/// Reads an .xlsx workbook as pyxform does: shared and inline strings, numbers (an integral
/// number as an integer), booleans (TRUE, FALSE), dates and times stored as serial numbers
/// under a date format ("2024-03-05 00:00:00", "18:00:00"); the header is row 1; empty rows
/// and columns are dropped. Nothing, with `error` set, when the bytes are not a readable
/// workbook, a sheet has two columns of one name, or it passes a limit.
std::optional<Workbook> readXlsx(const QByteArray &bytes, QString *error,
                                 const ReadLimits &limits = {});

/// Reads the markdown table form of an XLSForm, as pyxform's own tests write forms.
std::optional<Workbook> readMarkdown(const QByteArray &bytes, QString *error,
                                     const ReadLimits &limits = {});

/// Reads `path` by its suffix (.xlsx, .md); nothing, with `error` set, when it cannot.
std::optional<Workbook> readWorkbookFile(const QString &path, QString *error);

/// True when the bytes look like a zip (an .xlsx) rather than text.
bool looksLikeZip(const QByteArray &bytes);

} // namespace survey::xlsform
