// SPDX-License-Identifier: GPL-3.0-or-later
#include "csvfield.h"

#include <QRegularExpression>

namespace survey::form {

bool formulaLike(const QString &value)
{
    static const QRegularExpression numbers(QStringLiteral(
        R"(^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?([ ;]+[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)*;?$)"));
    if (value.isEmpty())
        return false;
    const QChar c = value.front();
    return (c == QLatin1Char('=') || c == QLatin1Char('+') || c == QLatin1Char('-') ||
            c == QLatin1Char('@') || c == QLatin1Char('\t') || c == QLatin1Char('\r')) &&
           !numbers.match(value).hasMatch();
}

QString csvField(const QString &text)
{
    const QString value = formulaLike(text) ? QLatin1Char('\'') + text : text;
    if (value.contains(QLatin1Char(',')) || value.contains(QLatin1Char('"')) ||
        value.contains(QLatin1Char('\n')) || value.contains(QLatin1Char('\r')))
        return QLatin1Char('"') + QString(value).replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
               QLatin1Char('"');
    return value;
}

} // namespace survey::form
