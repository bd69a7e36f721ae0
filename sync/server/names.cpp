// SPDX-License-Identifier: GPL-3.0-or-later
#include "names.h"

#include <QList>

namespace survey::server {

namespace {

bool hasControlOrSlash(const QString &s)
{
    // Control characters (C0, DEL, C1), format characters such as the right-to-left override
    // that disguises a name, line separators, and broken UTF-16 (read as U+FFFD).
    for (const uint u : QStringView(s).toUcs4()) {
        if (u < 0x20 || u == 0x7F || (u >= 0x80 && u < 0xA0) || u == '/' || u == '\\' ||
            u == 0xFFFD || u == 0x2028 || u == 0x2029 || QChar::category(u) == QChar::Other_Format)
            return true;
    }
    return false;
}

} // namespace

bool validInstanceId(const QString &id)
{
    return !id.isEmpty() && id.size() <= kMaxInstanceIdLength && id.trimmed() == id &&
           !hasControlOrSlash(id);
}

bool validFileName(const QString &name)
{
    return !name.isEmpty() && !name.startsWith(QLatin1Char('.')) && name.trimmed() == name &&
           name.toUtf8().size() <= kMaxFileNameBytes && !hasControlOrSlash(name);
}

QString safeComponent(const QString &text)
{
    QString out;
    for (const QChar c : text.left(100)) {
        const char16_t u = c.unicode();
        const bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
                           (u >= '0' && u <= '9') || u == '.' || u == '-' || u == '_';
        out += plain ? c : QLatin1Char('_');
    }
    if (out.startsWith(QLatin1Char('.')))
        out[0] = QLatin1Char('_');
    return out;
}

QString printable(const QString &text)
{
    QString out;
    for (const QChar c : text.left(100)) {
        const char16_t u = c.unicode();
        if (u < 0x20 || u == 0x7F || (u >= 0x80 && u < 0xA0) || c.isSurrogate() ||
            c.category() == QChar::Other_Format)
            out += QStringLiteral("\\u%1").arg(static_cast<int>(u), 4, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return text.size() > 100 ? out + QStringLiteral("…") : out;
}

} // namespace survey::server
