// SPDX-License-Identifier: GPL-3.0-or-later
#include "xpathvalue.h"

#include <QDate>
#include <QDateTime>
#include <QTimeZone>

#include <charconv>
#include <cmath>
#include <limits>

namespace survey::form::xpath {

bool Value::toBoolean() const
{
    switch (m_type) {
    case Type::Boolean:
        return m_number != 0;
    case Type::Number:
        return m_number != 0 && !std::isnan(m_number);
    case Type::String:
    case Type::Date:
        return !m_string.isEmpty();
    case Type::NodeSet:
        return !m_nodes.empty();
    }
    return false;
}

double Value::toNumber(bool odkDates) const
{
    switch (m_type) {
    case Type::Boolean:
    case Type::Number:
    case Type::Date:
        return m_number;
    case Type::String:
    case Type::NodeSet: {
        const QString s = toString();
        double d = stringToNumber(s);
        if (std::isnan(d) && odkDates)
            d = isoToDays(s);
        return d;
    }
    }
    return std::numeric_limits<double>::quiet_NaN();
}

QString Value::toString() const
{
    switch (m_type) {
    case Type::Boolean:
        return m_number != 0 ? QStringLiteral("true") : QStringLiteral("false");
    case Type::Number:
        return numberToString(m_number);
    case Type::String:
    case Type::Date:
        return m_string;
    case Type::NodeSet: {
        if (m_nodes.empty())
            return QString();
        if (m_docOrder)
            return m_nodes.front()->expressionValue();
        // The first in document order, whatever order the set is held in.
        NodeList copy = m_nodes;
        XmlNode *first = copy.front();
        for (XmlNode *n : copy) {
            if (n->document() == first->document()) {
                if (XmlDocument *d = n->document())
                    d->ensureOrder();
                if (n->order() < first->order())
                    first = n;
            }
        }
        return first->expressionValue();
    }
    }
    return QString();
}

QString Value::typeName(Type t)
{
    switch (t) {
    case Type::Boolean:
        return QStringLiteral("boolean");
    case Type::Number:
        return QStringLiteral("number");
    case Type::String:
        return QStringLiteral("string");
    case Type::NodeSet:
        return QStringLiteral("nodeset");
    case Type::Date:
        return QStringLiteral("date");
    }
    return QString();
}

QString numberToString(double d)
{
    if (std::isnan(d))
        return QStringLiteral("NaN");
    if (std::isinf(d))
        return d > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    if (d == 0)
        return QStringLiteral("0");
    if (std::fabs(d) < 1e15 && d == std::trunc(d))
        return QString::number(static_cast<qint64>(d));
    // Shortest round-trip digits, then laid out without an exponent.
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    bool negative = false;
    if (!sci.empty() && sci.front() == '-') {
        negative = true;
        sci.erase(0, 1);
    }
    const auto ePos = sci.find('e');
    std::string mantissa = sci.substr(0, ePos);
    const int exponent = std::stoi(sci.substr(ePos + 1));
    std::string digits;
    for (char c : mantissa) {
        if (c != '.')
            digits += c;
    }
    // value = 0.digits * 10^(exponent + 1)
    const int pointPos = exponent + 1;
    std::string out;
    if (pointPos <= 0) {
        out = "0." + std::string(static_cast<std::size_t>(-pointPos), '0') + digits;
    } else if (static_cast<std::size_t>(pointPos) >= digits.size()) {
        out = digits + std::string(static_cast<std::size_t>(pointPos) - digits.size(), '0');
    } else {
        out = digits.substr(0, static_cast<std::size_t>(pointPos)) + "." +
              digits.substr(static_cast<std::size_t>(pointPos));
    }
    if (negative)
        out.insert(out.begin(), '-');
    return QString::fromLatin1(out.data(), static_cast<qsizetype>(out.size()));
}

static bool isXmlSpace(QChar c)
{
    const ushort u = c.unicode();
    return u == ' ' || u == '\t' || u == '\n' || u == '\r';
}

double stringToNumber(QStringView s)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    qsizetype b = 0;
    qsizetype e = s.size();
    while (b < e && isXmlSpace(s[b]))
        ++b;
    while (e > b && isXmlSpace(s[e - 1]))
        --e;
    if (b == e)
        return nan;
    char buf[128];
    std::size_t n = 0;
    qsizetype i = b;
    if (s[i] == QLatin1Char('-')) {
        buf[n++] = '-';
        ++i;
    }
    bool digits = false;
    bool dot = false;
    for (; i < e; ++i) {
        const ushort u = s[i].unicode();
        if (u >= '0' && u <= '9') {
            digits = true;
        } else if (u == '.' && !dot) {
            dot = true;
        } else {
            return nan;
        }
        if (n + 1 < sizeof buf)
            buf[n++] = static_cast<char>(u);
        else
            n = sizeof buf; // too long for the buffer: parsed below once fully validated
    }
    if (!digits)
        return nan;
    if (n >= sizeof buf) {
        // Long inputs (validated above: '-'? digits '.'? digits): Qt parses them.
        bool ok = false;
        const double d = s.mid(b, e - b).toString().toDouble(&ok);
        return ok ? d : nan;
    }
    double d = 0;
    const char *start = buf;
    std::string tmp;
    // from_chars does not take a leading '.' after '-': normalise "-.5" to "-0.5".
    if (n >= 1 && (buf[0] == '.' || (buf[0] == '-' && n >= 2 && buf[1] == '.'))) {
        tmp.assign(buf, n);
        tmp.insert(buf[0] == '-' ? 1 : 0, "0");
        const auto r = std::from_chars(tmp.data(), tmp.data() + tmp.size(), d);
        return r.ec == std::errc() || r.ec == std::errc::result_out_of_range ? d : nan;
    }
    const auto r = std::from_chars(start, buf + n, d);
    if (r.ec == std::errc::result_out_of_range)
        return buf[0] == '-' ? -std::numeric_limits<double>::infinity()
                             : std::numeric_limits<double>::infinity();
    return r.ec == std::errc() ? d : nan;
}

static int parseDigits(QStringView s, qsizetype pos, int count, bool *ok)
{
    if (pos + count > s.size()) {
        *ok = false;
        return 0;
    }
    int v = 0;
    for (int i = 0; i < count; ++i) {
        const ushort u = s[pos + i].unicode();
        if (u < '0' || u > '9') {
            *ok = false;
            return 0;
        }
        v = v * 10 + (u - '0');
    }
    return v;
}

double isoToDays(QStringView text)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    QStringView s = text.trimmed();
    if (s.size() < 10 || s[4] != QLatin1Char('-') || s[7] != QLatin1Char('-'))
        return nan;
    bool ok = true;
    const int y = parseDigits(s, 0, 4, &ok);
    const int mo = parseDigits(s, 5, 2, &ok);
    const int d = parseDigits(s, 8, 2, &ok);
    if (!ok)
        return nan;
    const QDate date(y, mo, d);
    if (!date.isValid())
        return nan;
    const qint64 epochDay = QDate(1970, 1, 1).daysTo(date);
    if (s.size() == 10)
        return static_cast<double>(epochDay);
    if (s[10] != QLatin1Char('T') || s.size() < 16 || s[13] != QLatin1Char(':'))
        return nan;
    const int h = parseDigits(s, 11, 2, &ok);
    const int mi = parseDigits(s, 14, 2, &ok);
    int sec = 0;
    int ms = 0;
    qsizetype pos = 16;
    if (pos < s.size() && s[pos] == QLatin1Char(':')) {
        sec = parseDigits(s, pos + 1, 2, &ok);
        pos += 3;
        if (pos < s.size() && s[pos] == QLatin1Char('.')) {
            ++pos;
            int scale = 100;
            while (pos < s.size() && s[pos].isDigit()) {
                ms += (s[pos].unicode() - '0') * scale;
                scale /= 10;
                ++pos;
            }
        }
    }
    if (!ok || h > 24 || mi > 59 || sec > 60)
        return nan;
    const qint64 localMs = ((static_cast<qint64>(h) * 60 + mi) * 60 + sec) * 1000 + ms;
    if (pos == s.size()) {
        // No offset: a wall-clock time in the process time zone (so across a daylight-
        // saving change the offset of that very time applies, not midnight's).
        if (h == 24)
            return static_cast<double>(
                       QDateTime(date.addDays(1), QTime(0, mi, sec, ms), Qt::LocalTime)
                           .toMSecsSinceEpoch()) /
                   86400000.0;
        const QDateTime dt(date, QTime(h, mi, sec == 60 ? 59 : sec, ms), Qt::LocalTime);
        return static_cast<double>(dt.toMSecsSinceEpoch()) / 86400000.0;
    }
    int offsetMin = 0;
    if (s[pos] == QLatin1Char('Z') && pos + 1 == s.size()) {
        offsetMin = 0;
    } else if (s[pos] == QLatin1Char('+') || s[pos] == QLatin1Char('-')) {
        const int sign = s[pos] == QLatin1Char('-') ? -1 : 1;
        const int oh = parseDigits(s, pos + 1, 2, &ok);
        qsizetype p = pos + 3;
        int om = 0;
        if (p < s.size() && s[p] == QLatin1Char(':'))
            ++p;
        if (p < s.size()) {
            om = parseDigits(s, p, 2, &ok);
            p += 2;
        }
        if (!ok || p != s.size())
            return nan;
        offsetMin = sign * (oh * 60 + om);
    } else {
        return nan;
    }
    const qint64 utcMs = epochDay * 86400000LL + localMs - offsetMin * 60000LL;
    return static_cast<double>(utcMs) / 86400000.0;
}

} // namespace survey::form::xpath
