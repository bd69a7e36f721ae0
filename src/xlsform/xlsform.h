// SPDX-License-Identifier: GPL-3.0-or-later
// XLSForm → ODK XForm. Converts what pyxform converts, to the XForm it writes, and refuses
// what it refuses, naming the sheet, row and column of the problem in the user's language.
#pragma once

#include "model.h"
#include "workbook.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace survey::xlsform {

struct Options
{
    /// The form ID and title when the settings sheet gives none: the file's stem.
    QString fallbackId = QStringLiteral("data");
    /// The primary instance's root element name; empty for the settings sheet's `name`,
    /// else the fallback ID.
    QString formName;
};

struct Conversion
{
    bool ok = false;
    QByteArray xform;
    QList<Message> errors; // at most one: conversion stops at the first
    QList<Message> warnings;
    QString formId, title, version;

    QString errorText() const;
    QStringList warningTexts() const;
};

Conversion convert(const Workbook &book, const Options &options);

/// Whether a name is an XML name (an NCName, optionally with one prefix): what XLSForm
/// names and form IDs must be.
bool isXmlName(const QString &name);
/// Reads and converts an .xlsx or .md file; its stem is the fallback form ID.
Conversion convertFile(const QString &path, Options options = {});
/// Converts spreadsheet bytes (.xlsx, or markdown when they are text).
Conversion convertBytes(const QByteArray &bytes, const Options &options);
/// Converts an .xlsx workbook only: anything else is refused (what people upload).
Conversion convertXlsx(const QByteArray &bytes, const Options &options);

} // namespace survey::xlsform
