// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model.h"

#include <QByteArray>

namespace survey::xlsform {

/// The most characters an XForm may have (a spreadsheet can ask for more than it holds: one
/// list written inline into many questions).
constexpr qint64 kMaxXFormChars = 64'000'000;

struct WriteResult
{
    QByteArray xml;
    QString formId, title, version;
};

/// The XForm of a built form; throws Failure when it cannot be written (a reference to no
/// question, two instances with one name). `fallbackId` is the ID and title when the
/// settings give none. Warnings found while writing are appended.
WriteResult writeXForm(const Form &form, const QString &fallbackId, QList<Message> *warnings);

} // namespace survey::xlsform
