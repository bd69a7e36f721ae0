// SPDX-License-Identifier: GPL-3.0-or-later
// The sheets of an XLSForm read into a Form, checked row by row as pyxform checks them.
#pragma once

#include "model.h"
#include "workbook.h"
#include "xlsform.h"

#include <QCoreApplication>

namespace survey::xlsform {

struct Options;

/// Thrown inside the converter at the first error; convert() catches it.
struct Failure
{
    Message message;
};

[[noreturn]] void fail(const Place &place, const QString &text);

/// The converter's messages, translated in the "XlsForm" context.
class XlsForm
{
    Q_DECLARE_TR_FUNCTIONS(XlsForm)
};

/// Reads the workbook into a form; throws Failure at the first error.
Form buildForm(const Workbook &book, const Options &options, QList<Message> *warnings);

/// Parameters as "key=value" pairs split by spaces, commas or semicolons; keys lower-cased,
/// values too except those of value, label and reference-geometry. Throws on a malformed cell.
QMap<QString, QString> parseParameters(const QString &text, const Place &place);

/// Whether a default is an expression (set when the form opens) rather than a value.
bool isDynamicDefault(const QString &value, const QString &type);

/// "yes", "true()"… as true; "no"… as false; anything else: nothing.
std::optional<bool> yesNo(const QString &value);

} // namespace survey::xlsform
