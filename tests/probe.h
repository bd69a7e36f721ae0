// SPDX-License-Identifier: GPL-3.0-or-later
// Submissions of our probe form (tests/data/probe.xml) for the server's attack and scale
// tests, and reading the server's OpenRosa answers.
#pragma once

#include <httplib.h>

#include <QString>
#include <QUuid>

namespace probe {

inline QString newId()
{
    return QStringLiteral("uuid:") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

/// A probe submission; `id` and `deprecated` are written as given (escaped for XML).
inline QByteArray submission(const QString &id, const QString &note = QStringLiteral("hello"),
                             const QString &photo = {}, const QString &deprecated = {},
                             const QString &where = {})
{
    auto esc = [](const QString &s) { return s.toHtmlEscaped().toUtf8(); };
    QByteArray xml = "<data xmlns:orx=\"http://openrosa.org/xforms\" id=\"probe\" version=\"1\">"
                     "<note>" +
                     esc(note) + "</note><photo>" + esc(photo) + "</photo><where>" + esc(where) +
                     "</where><meta><instanceID>" + esc(id) + "</instanceID>";
    if (!deprecated.isEmpty())
        xml += "<deprecatedID>" + esc(deprecated) + "</deprecatedID>";
    return xml + "</meta></data>";
}

/// The message inside an OpenRosaResponse.
inline QString message(const httplib::Result &r)
{
    const QByteArray body = QByteArray::fromStdString(r->body);
    const qsizetype open = body.indexOf('>', body.indexOf("<message"));
    const qsizetype close = body.indexOf("</message>");
    return open < 0 || close < 0 ? QString()
                                 : QString::fromUtf8(body.mid(open + 1, close - open - 1));
}

} // namespace probe
