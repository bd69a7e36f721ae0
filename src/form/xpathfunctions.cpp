// SPDX-License-Identifier: GPL-3.0-or-later
// The XPath 1.0 core function library and the ODK XForms function library
// (getodk/xforms-spec, "XPath Functions").
#include "xpathfunctions.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QHash>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUuid>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

namespace survey::form::xpath {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const std::vector<FunctionInfo> &table()
{
    static const std::vector<FunctionInfo> t = {
        {"last", FunctionId::Last, 0, 0},
        {"position", FunctionId::Position, 0, 1},
        {"count", FunctionId::Count, 1, 1},
        {"id", FunctionId::Id, 1, 1},
        {"local-name", FunctionId::LocalName, 0, 1},
        {"namespace-uri", FunctionId::NamespaceUri, 0, 1},
        {"name", FunctionId::Name, 0, 1},
        {"string", FunctionId::String, 0, 1},
        {"concat", FunctionId::Concat, 0, -1},
        {"starts-with", FunctionId::StartsWith, 2, 2},
        {"contains", FunctionId::Contains, 2, 2},
        {"substring-before", FunctionId::SubstringBefore, 2, 2},
        {"substring-after", FunctionId::SubstringAfter, 2, 2},
        {"substring", FunctionId::Substring, 2, 3},
        {"string-length", FunctionId::StringLength, 0, 1},
        {"normalize-space", FunctionId::NormalizeSpace, 0, 1},
        {"translate", FunctionId::Translate, 3, 3},
        {"boolean", FunctionId::Boolean, 1, 1},
        {"not", FunctionId::Not, 1, 1},
        {"true", FunctionId::True, 0, 0},
        {"false", FunctionId::False, 0, 0},
        {"lang", FunctionId::Lang, 1, 1},
        {"number", FunctionId::Number, 0, 1},
        {"sum", FunctionId::Sum, 1, 1},
        {"floor", FunctionId::Floor, 1, 1},
        {"ceiling", FunctionId::Ceiling, 1, 1},
        {"round", FunctionId::Round, 1, 2},
        {"current", FunctionId::Current, 0, 0},
        {"instance", FunctionId::Instance, 1, 1},
        {"selected", FunctionId::Selected, 2, 2},
        {"is-selected", FunctionId::Selected, 2, 2},
        {"selected-at", FunctionId::SelectedAt, 2, 2},
        {"count-selected", FunctionId::CountSelected, 1, 1},
        {"jr:choice-name", FunctionId::ChoiceName, 2, 2},
        {"jr:itext", FunctionId::Itext, 1, 1},
        {"if", FunctionId::If, 3, 3},
        {"coalesce", FunctionId::Coalesce, 2, 2},
        {"join", FunctionId::Join, 1, -1},
        {"substr", FunctionId::Substr, 2, 3},
        {"ends-with", FunctionId::EndsWith, 2, 2},
        {"regex", FunctionId::Regex, 2, 2},
        {"boolean-from-string", FunctionId::BooleanFromString, 1, 1},
        {"int", FunctionId::Int, 1, 1},
        {"pow", FunctionId::Pow, 2, 2},
        {"log", FunctionId::Log, 1, 1},
        {"log10", FunctionId::Log10, 1, 1},
        {"abs", FunctionId::Abs, 1, 1},
        {"sin", FunctionId::Sin, 1, 1},
        {"cos", FunctionId::Cos, 1, 1},
        {"tan", FunctionId::Tan, 1, 1},
        {"asin", FunctionId::Asin, 1, 1},
        {"acos", FunctionId::Acos, 1, 1},
        {"atan", FunctionId::Atan, 1, 1},
        {"atan2", FunctionId::Atan2, 2, 2},
        {"sqrt", FunctionId::Sqrt, 1, 1},
        {"exp", FunctionId::Exp, 1, 1},
        {"exp10", FunctionId::Exp10, 1, 1},
        {"pi", FunctionId::Pi, 0, 0},
        {"max", FunctionId::Max, 1, -1},
        {"min", FunctionId::Min, 1, -1},
        {"count-non-empty", FunctionId::CountNonEmpty, 1, 1},
        {"checklist", FunctionId::Checklist, 2, -1},
        {"weighted-checklist", FunctionId::WeightedChecklist, 2, -1},
        {"uuid", FunctionId::Uuid, 0, 1},
        {"digest", FunctionId::Digest, 2, 3},
        {"base64-decode", FunctionId::Base64Decode, 1, 1},
        {"random", FunctionId::Random, 0, 0},
        {"randomize", FunctionId::Randomize, 1, 2},
        {"once", FunctionId::Once, 1, 1},
        {"today", FunctionId::Today, 0, 0},
        {"now", FunctionId::Now, 0, 0},
        {"date", FunctionId::Date, 1, 1},
        {"date-time", FunctionId::DateTime, 1, 1},
        {"decimal-date-time", FunctionId::DecimalDateTime, 1, 1},
        {"decimal-time", FunctionId::DecimalTime, 1, 1},
        {"format-date", FunctionId::FormatDate, 2, 2},
        {"format-date-time", FunctionId::FormatDateTime, 2, 2},
        {"area", FunctionId::Area, 1, 1},
        {"distance", FunctionId::Distance, 1, -1},
        {"geofence", FunctionId::Geofence, 2, 2},
        {"indexed-repeat", FunctionId::IndexedRepeat, 3, -1},
        {"pulldata", FunctionId::Pulldata, 4, 4},
        {"version", FunctionId::Version, 0, 0},
    };
    return t;
}

struct Call
{
    const Expr &expr;
    const Context &ctx;

    std::size_t argc() const { return expr.operands.size(); }
    Value arg(std::size_t i) const { return evaluate(*expr.operands[i], ctx); }
    bool odkDates() const { return ctx.env->odkDateNumbers(); }
    double num(std::size_t i) const { return arg(i).toNumber(odkDates()); }
    QString str(std::size_t i) const { return arg(i).toString(); }
    NodeList nodes(std::size_t i) const
    {
        Value v = arg(i);
        if (!v.isNodeSet())
            throw EvalError{Expression::tr("argument %1 of %2() must be a node-set, not a %3")
                                .arg(i + 1)
                                .arg(expr.text, Value::typeName(v.type()))};
        return std::move(v.nodes());
    }
    /// String of the argument, or of the context node when the argument is absent.
    QString strOrContext(std::size_t i) const
    {
        return i < argc() ? str(i) : (ctx.node ? ctx.node->expressionValue() : QString());
    }
    /// Every argument flattened: each node of a node-set, or the value itself.
    std::vector<Value> flatten(std::size_t from) const
    {
        std::vector<Value> out;
        for (std::size_t i = from; i < argc(); ++i) {
            Value v = arg(i);
            if (v.isNodeSet()) {
                for (XmlNode *n : v.nodes())
                    out.push_back(Value::string(n->expressionValue()));
            } else {
                out.push_back(std::move(v));
            }
        }
        return out;
    }
};

QStringList splitSelection(const QString &s)
{
    return s.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
}

bool selectionContains(const QString &list, const QString &value)
{
    const QString v = value.trimmed();
    const QStringView lv(list);
    qsizetype i = 0;
    const qsizetype n = lv.size();
    while (i < n) {
        while (i < n && lv[i].isSpace())
            ++i;
        const qsizetype start = i;
        while (i < n && !lv[i].isSpace())
            ++i;
        if (i > start && lv.mid(start, i - start) == v)
            return true;
    }
    return false;
}

double xpathRound(double x)
{
    if (std::isnan(x) || std::isinf(x) || x == 0)
        return x;
    if (x < 0 && x >= -0.5)
        return -0.0;
    // Nearest integer, halves towards +infinity; floor(x + 0.5) would round
    // 0.49999999999999994 up through floating-point error.
    const double f = std::floor(x);
    return x - f >= 0.5 ? f + 1 : f;
}

// ---- dates ---------------------------------------------------------------------------

QString isoOffset(int seconds)
{
    const QChar sign = seconds < 0 ? QLatin1Char('-') : QLatin1Char('+');
    seconds = std::abs(seconds);
    return QStringLiteral("%1%2:%3")
        .arg(sign)
        .arg(seconds / 3600, 2, 10, QLatin1Char('0'))
        .arg((seconds % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString dateTimeText(const QDateTime &local)
{
    return local.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz")) +
           isoOffset(local.offsetFromUtc());
}

Value dateValue(const QDate &d)
{
    return Value::date(static_cast<double>(QDate(1970, 1, 1).daysTo(d)),
                       d.toString(QStringLiteral("yyyy-MM-dd")));
}

Value dateTimeValue(qint64 ms)
{
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(ms, Qt::LocalTime);
    return Value::date(static_cast<double>(ms) / 86400000.0, dateTimeText(local));
}

bool isDateOnly(QStringView s)
{
    s = s.trimmed();
    return s.size() == 10 && s[4] == QLatin1Char('-') && s[7] == QLatin1Char('-');
}

/// A value as a local date-time for formatting; invalid when it is not a date.
QDateTime toLocalDateTime(const Value &v)
{
    double days = kNaN;
    if (v.type() == Value::Type::Date) {
        if (isDateOnly(v.rawString()))
            return QDateTime(QDate(1970, 1, 1).addDays(static_cast<qint64>(v.rawNumber())),
                             QTime(0, 0), Qt::LocalTime);
        days = v.rawNumber();
    } else if (v.type() == Value::Type::Number || v.type() == Value::Type::Boolean) {
        days = v.rawNumber();
        if (!std::isnan(days) && days == std::floor(days) && std::fabs(days) < 1e8)
            return QDateTime(QDate(1970, 1, 1).addDays(static_cast<qint64>(days)), QTime(0, 0),
                             Qt::LocalTime);
    } else {
        const QString s = v.toString().trimmed();
        if (isDateOnly(s)) {
            const QDate d = QDate::fromString(s, QStringLiteral("yyyy-MM-dd"));
            return d.isValid() ? QDateTime(d, QTime(0, 0), Qt::LocalTime) : QDateTime();
        }
        days = isoToDays(s);
    }
    if (std::isnan(days) || std::isinf(days) || std::fabs(days) > 1e8)
        return QDateTime();
    return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(std::llround(days * 86400000.0)),
                                          Qt::LocalTime);
}

QString formatDate(const QDateTime &dt, const QString &format)
{
    if (!dt.isValid())
        return QString();
    static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    static const char *days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    const QDate d = dt.date();
    const QTime t = dt.time();
    QString out;
    for (qsizetype i = 0; i < format.size(); ++i) {
        const QChar c = format[i];
        if (c != QLatin1Char('%') || i + 1 >= format.size()) {
            out += c;
            continue;
        }
        const QChar f = format[++i];
        auto pad = [](int v, int w) {
            return QStringLiteral("%1").arg(v, w, 10, QLatin1Char('0'));
        };
        switch (f.unicode()) {
        case 'Y':
            out += pad(d.year(), 4);
            break;
        case 'y':
            out += pad(d.year() % 100, 2);
            break;
        case 'm':
            out += pad(d.month(), 2);
            break;
        case 'n':
            out += QString::number(d.month());
            break;
        case 'b':
            out += QLatin1String(months[d.month() - 1]);
            break;
        case 'd':
            out += pad(d.day(), 2);
            break;
        case 'e':
            out += QString::number(d.day());
            break;
        case 'H':
            out += pad(t.hour(), 2);
            break;
        case 'h':
            out += QString::number(t.hour());
            break;
        case 'M':
            out += pad(t.minute(), 2);
            break;
        case 'S':
            out += pad(t.second(), 2);
            break;
        case '3':
            out += pad(t.msec(), 3);
            break;
        case 'a':
            out += QLatin1String(days[d.dayOfWeek() - 1]);
            break;
        case '%':
            out += QLatin1Char('%');
            break;
        default:
            out += QLatin1Char('%');
            out += f;
        }
    }
    return out;
}

// ---- geo -----------------------------------------------------------------------------

constexpr double kEarthRadius = 6378100.0; // metres, the ODK libraries' sphere

struct GeoPoint
{
    double lat;
    double lon;
};

bool parsePoints(const QString &text, std::vector<GeoPoint> &out)
{
    const QStringList parts = text.split(QLatin1Char(';'), Qt::SkipEmptyParts);
    for (const QString &p : parts) {
        const QStringList f = p.simplified().split(QLatin1Char(' '));
        if (f.size() < 2)
            return false;
        bool ok1 = false;
        bool ok2 = false;
        const double lat = f[0].toDouble(&ok1);
        const double lon = f[1].toDouble(&ok2);
        if (!ok1 || !ok2 || std::fabs(lat) > 90 || std::fabs(lon) > 180)
            return false;
        out.push_back({lat, lon});
    }
    return true;
}

std::vector<GeoPoint> pointsOf(const Call &c, std::size_t from)
{
    std::vector<GeoPoint> pts;
    for (const Value &v : c.flatten(from)) {
        if (!parsePoints(v.toString(), pts))
            throw EvalError{Expression::tr("'%1' is not a list of geopoints (\"lat lon [alt acc]\" "
                                           "separated by ';')")
                                .arg(v.toString())};
    }
    return pts;
}

double radians(double d)
{
    return d * M_PI / 180.0;
}

double haversine(const GeoPoint &a, const GeoPoint &b)
{
    const double dLat = radians(b.lat - a.lat);
    const double dLon = radians(b.lon - a.lon);
    const double h = std::sin(dLat / 2) * std::sin(dLat / 2) +
                     std::cos(radians(a.lat)) * std::cos(radians(b.lat)) * std::sin(dLon / 2) *
                         std::sin(dLon / 2);
    return 2 * kEarthRadius * std::asin(std::min(1.0, std::sqrt(h)));
}

double polygonArea(std::vector<GeoPoint> pts)
{
    if (pts.size() > 1 && pts.front().lat == pts.back().lat && pts.front().lon == pts.back().lon)
        pts.pop_back();
    const std::size_t n = pts.size();
    if (n < 3)
        return 0;
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const GeoPoint &prev = pts[(i + n - 1) % n];
        const GeoPoint &next = pts[(i + 1) % n];
        total += (radians(next.lon) - radians(prev.lon)) * std::sin(radians(pts[i].lat));
    }
    return std::fabs(total * kEarthRadius * kEarthRadius / 2.0);
}

// ---- randomness ----------------------------------------------------------------------

/// The Park–Miller "minimal standard" generator the ODK spec names for seeded randomize().
class ParkMiller
{
public:
    explicit ParkMiller(qint64 seed)
    {
        m_state = seed % kModulus;
        if (m_state <= 0)
            m_state += kModulus - 1;
    }
    double next()
    {
        m_state = (m_state * 16807) % kModulus;
        return static_cast<double>(m_state - 1) / static_cast<double>(kModulus - 1);
    }

private:
    static constexpr qint64 kModulus = 2147483647;
    qint64 m_state;
};

QString randomAlnum(int length)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    QString s;
    s.reserve(length);
    for (int i = 0; i < length; ++i)
        s += QLatin1Char(alphabet[QRandomGenerator::global()->bounded(62)]);
    return s;
}

QRegularExpression cachedRegex(const QString &pattern)
{
    // Returned by value (implicitly shared): another thread may clear the cache meanwhile.
    static std::mutex mutex;
    static QHash<QString, QRegularExpression> cache;
    std::lock_guard lock(mutex);
    auto it = cache.find(pattern);
    if (it == cache.end()) {
        if (cache.size() > 1000)
            cache.clear();
        it = cache.insert(pattern, QRegularExpression(pattern));
    }
    return *it;
}

QString xpathSubstring(const QString &s, double start, double length, bool hasLength)
{
    // XPath 1.0 §4.2: characters whose position p satisfies
    // round(start) <= p < round(start) + round(length).
    const double first = xpathRound(start);
    const double end =
        hasLength ? first + xpathRound(length) : std::numeric_limits<double>::infinity();
    if (std::isnan(first) || std::isnan(end))
        return QString();
    QString out;
    // Positions count characters (code points), not UTF-16 units.
    const QList<uint> cps = s.toUcs4();
    for (qsizetype i = 0; i < cps.size(); ++i) {
        const double p = static_cast<double>(i + 1);
        if (p >= first && p < end) {
            const char32_t cp = cps[i];
            out += QString::fromUcs4(&cp, 1);
        }
    }
    return out;
}

qsizetype codePointLength(const QString &s)
{
    qsizetype n = 0;
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (!s[i].isLowSurrogate())
            ++n;
    }
    return n;
}

/// Strings built by concat() and join() stay below 10 million characters: a calculate
/// that doubles itself would otherwise exhaust memory.
void checkLength(const QString &s)
{
    constexpr qsizetype kMax = 10'000'000;
    if (s.size() > kMax)
        throw EvalError{Expression::tr("the text grows beyond %1 characters").arg(kMax)};
}

Value minMax(const Call &c, bool wantMax)
{
    const std::vector<Value> values = c.flatten(0);
    if (values.empty())
        return Value::number(kNaN);
    double best = wantMax ? -std::numeric_limits<double>::infinity()
                          : std::numeric_limits<double>::infinity();
    for (const Value &v : values) {
        const double d = v.toNumber(c.odkDates());
        if (std::isnan(d))
            return Value::number(kNaN);
        best = wantMax ? std::max(best, d) : std::min(best, d);
    }
    return Value::number(best);
}

bool truthyItem(const Value &v)
{
    // checklist(): an answer counts when it "converts to a number > 0" (the ODK spec);
    // a boolean argument counts when true.
    if (v.type() == Value::Type::Boolean)
        return v.toBoolean();
    return v.toNumber(false) > 0;
}

bool withinLimits(double count, double lo, double hi)
{
    return (lo < 0 || count >= lo) && (hi < 0 || count <= hi);
}

} // namespace

std::vector<std::size_t> shuffledOrder(std::size_t n, std::optional<double> seed,
                                       const Environment &env)
{
    // The "inside-out" Fisher–Yates shuffle the ODK spec gives: with the same seed, the same
    // order as Collect and Enketo.
    std::optional<ParkMiller> rng;
    if (seed && !std::isnan(*seed) && !std::isinf(*seed))
        rng.emplace(static_cast<qint64>(std::clamp(std::trunc(*seed), -9.0e18, 9.0e18)));
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double r = rng ? rng->next() : env.random();
        const auto j =
            std::min(static_cast<std::size_t>(std::floor(r * static_cast<double>(i + 1))), i);
        if (j != i)
            order[i] = order[j];
        order[j] = i;
    }
    return order;
}

const FunctionInfo *findFunction(const QString &name)
{
    static const QHash<QString, const FunctionInfo *> index = [] {
        QHash<QString, const FunctionInfo *> h;
        for (const FunctionInfo &f : table())
            h.insert(QLatin1String(f.name), &f);
        return h;
    }();
    return index.value(name, nullptr);
}

const std::vector<FunctionInfo> &allFunctions()
{
    return table();
}

QString functionName(FunctionId id)
{
    for (const FunctionInfo &f : table()) {
        if (f.id == id)
            return QLatin1String(f.name);
    }
    return QString();
}

Value callFunction(const Expr &e, const Context &ctx)
{
    const Call c{e, ctx};
    const bool od = c.odkDates();
    switch (e.function) {
    case FunctionId::Last:
        return Value::number(static_cast<double>(ctx.size));
    case FunctionId::Position: {
        if (c.argc() == 0)
            return Value::number(static_cast<double>(ctx.position));
        // ODK: position(node) is the node's index among same-named siblings.
        const NodeList ns = c.nodes(0);
        if (ns.empty())
            return Value::number(kNaN);
        XmlNode *n = ns.front();
        if (!n->parent())
            return Value::number(1);
        int index = 0;
        for (const auto &s : n->parent()->children()) {
            if (s->kind() == n->kind() && s->localName() == n->localName())
                ++index;
            if (s.get() == n)
                break;
        }
        return Value::number(index);
    }
    case FunctionId::Count:
        return Value::number(static_cast<double>(c.nodes(0).size()));
    case FunctionId::Id:
        (void)c.arg(0);
        return Value::nodeSet({}); // no DTD, so no ID-typed attributes
    case FunctionId::LocalName:
    case FunctionId::NamespaceUri:
    case FunctionId::Name: {
        XmlNode *n = ctx.node;
        if (c.argc() == 1) {
            NodeList ns = c.nodes(0);
            sortDocumentOrder(ns);
            n = ns.empty() ? nullptr : ns.front();
        }
        if (!n)
            return Value::string(QString());
        const bool named = n->kind() == XmlNode::Kind::Element ||
                           n->kind() == XmlNode::Kind::Attribute ||
                           n->kind() == XmlNode::Kind::ProcessingInstruction;
        if (!named)
            return Value::string(QString());
        if (e.function == FunctionId::LocalName)
            return Value::string(n->localName());
        if (e.function == FunctionId::NamespaceUri)
            return Value::string(n->namespaceUri());
        return Value::string(n->qualifiedName());
    }
    case FunctionId::String:
        return Value::string(c.strOrContext(0));
    case FunctionId::Concat: {
        QString out;
        for (const Value &v : c.flatten(0)) {
            out += v.toString();
            checkLength(out);
        }
        return Value::string(out);
    }
    case FunctionId::StartsWith: {
        const QString t = c.str(1);
        return Value::boolean(t.isEmpty() || c.str(0).startsWith(t));
    }
    case FunctionId::EndsWith: {
        const QString t = c.str(1);
        return Value::boolean(t.isEmpty() || c.str(0).endsWith(t));
    }
    case FunctionId::Contains: {
        const QString t = c.str(1);
        return Value::boolean(t.isEmpty() || c.str(0).contains(t));
    }
    case FunctionId::SubstringBefore: {
        const QString s = c.str(0);
        const qsizetype i = s.indexOf(c.str(1));
        return Value::string(i < 0 ? QString() : s.left(i));
    }
    case FunctionId::SubstringAfter: {
        const QString s = c.str(0);
        const QString t = c.str(1);
        const qsizetype i = s.indexOf(t);
        return Value::string(i < 0 ? QString() : s.mid(i + t.size()));
    }
    case FunctionId::Substring:
        return Value::string(
            xpathSubstring(c.str(0), c.num(1), c.argc() > 2 ? c.num(2) : 0, c.argc() > 2));
    case FunctionId::Substr: {
        const QList<uint> cps = c.str(0).toUcs4();
        const auto len = static_cast<double>(cps.size());
        double start = c.num(1);
        double end = c.argc() > 2 ? c.num(2) : len;
        if (std::isnan(start))
            start = 0;
        if (std::isnan(end))
            end = len;
        if (start < 0)
            start = std::max(0.0, len + start);
        if (end < 0)
            end = std::max(0.0, len + end);
        start = std::min(std::floor(start), len);
        end = std::min(std::floor(end), len);
        if (end <= start)
            return Value::string(QString());
        return Value::string(QString::fromUcs4(reinterpret_cast<const char32_t *>(cps.constData()) +
                                                   static_cast<qsizetype>(start),
                                               static_cast<qsizetype>(end - start)));
    }
    case FunctionId::StringLength:
        return Value::number(static_cast<double>(codePointLength(c.strOrContext(0))));
    case FunctionId::NormalizeSpace: {
        // XPath white space only (#x20, #x9, #xD, #xA): U+00A0 and friends stay.
        const QString s = c.strOrContext(0);
        QString out;
        bool pendingSpace = false;
        for (QChar ch : s) {
            const ushort u = ch.unicode();
            if (u == ' ' || u == '\t' || u == '\n' || u == '\r') {
                pendingSpace = !out.isEmpty();
                continue;
            }
            if (pendingSpace)
                out += QLatin1Char(' ');
            pendingSpace = false;
            out += ch;
        }
        return Value::string(out);
    }
    case FunctionId::Translate: {
        const QList<uint> s = c.str(0).toUcs4();
        const QList<uint> from = c.str(1).toUcs4();
        const QList<uint> to = c.str(2).toUcs4();
        QList<uint> out;
        for (uint ch : s) {
            const qsizetype i = from.indexOf(ch);
            if (i < 0)
                out.push_back(ch);
            else if (i < to.size())
                out.push_back(to[i]);
        }
        return Value::string(
            QString::fromUcs4(reinterpret_cast<const char32_t *>(out.constData()), out.size()));
    }
    case FunctionId::Boolean:
        return Value::boolean(c.arg(0).toBoolean());
    case FunctionId::Not:
        return Value::boolean(!c.arg(0).toBoolean());
    case FunctionId::True:
        return Value::boolean(true);
    case FunctionId::False:
        return Value::boolean(false);
    case FunctionId::Lang: {
        const QString want = c.str(0).toLower();
        for (XmlNode *n = ctx.node; n; n = n->parent()) {
            for (const auto &a : n->attributes()) {
                if (a->localName() == QLatin1String("lang") &&
                    a->namespaceUri() == QLatin1String("http://www.w3.org/XML/1998/namespace")) {
                    const QString have = a->value().toLower();
                    return Value::boolean(have == want || have.startsWith(want + QLatin1Char('-')));
                }
            }
        }
        return Value::boolean(false);
    }
    case FunctionId::Number:
        if (c.argc() == 0)
            return Value::number(
                Value::string(ctx.node ? ctx.node->expressionValue() : QString()).toNumber(od));
        return Value::number(c.num(0));
    case FunctionId::Sum: {
        double total = 0;
        for (XmlNode *n : c.nodes(0))
            total += Value::string(n->expressionValue()).toNumber(od);
        return Value::number(total);
    }
    case FunctionId::Floor:
        return Value::number(std::floor(c.num(0)));
    case FunctionId::Ceiling:
        return Value::number(std::ceil(c.num(0)));
    case FunctionId::Round: {
        const double x = c.num(0);
        if (c.argc() == 1)
            return Value::number(xpathRound(x));
        const double digits = c.num(1);
        if (std::isnan(x) || std::isinf(x) || std::isnan(digits))
            return Value::number(std::isnan(digits) ? kNaN : x);
        const double scale = std::pow(10.0, std::trunc(digits));
        // Half away from zero, as the ODK libraries do.
        const double scaled = x * scale;
        const double r = std::copysign(std::floor(std::fabs(scaled) + 0.5), scaled);
        return Value::number(r / scale);
    }
    case FunctionId::Current:
        return Value::nodeSet(ctx.current ? NodeList{ctx.current} : NodeList{});
    case FunctionId::Instance: {
        const QString id = c.str(0);
        XmlNode *root = ctx.env->instance(id);
        if (!root)
            throw EvalError{Expression::tr("there is no instance with id '%1'").arg(id)};
        return Value::nodeSet({root});
    }
    case FunctionId::Selected:
        return Value::boolean(selectionContains(c.str(0), c.str(1)));
    case FunctionId::SelectedAt: {
        const QStringList items = splitSelection(c.str(0));
        const double i = c.num(1);
        if (std::isnan(i) || i < 0 || i >= static_cast<double>(items.size()))
            return Value::string(QString());
        return Value::string(items.at(static_cast<qsizetype>(i)));
    }
    case FunctionId::CountSelected:
        return Value::number(static_cast<double>(splitSelection(c.str(0)).size()));
    case FunctionId::ChoiceName: {
        const QString value = c.str(0);
        const QString path = c.str(1);
        return Value::string(ctx.env->choiceName(value, path, ctx.node));
    }
    case FunctionId::Itext:
        return Value::string(ctx.env->itext(c.str(0)));
    case FunctionId::If:
        return c.arg(0).toBoolean() ? c.arg(1) : c.arg(2);
    case FunctionId::Coalesce: {
        const QString a = c.str(0);
        return Value::string(a.isEmpty() ? c.str(1) : a);
    }
    case FunctionId::Join: {
        const QString sep = c.str(0);
        QString out;
        bool first = true;
        for (const Value &v : c.flatten(1)) {
            if (!first)
                out += sep;
            first = false;
            out += v.toString();
            checkLength(out);
        }
        return Value::string(out);
    }
    case FunctionId::Regex: {
        const QString pattern = c.str(1);
        const QRegularExpression re = cachedRegex(pattern);
        if (!re.isValid())
            throw EvalError{Expression::tr("invalid regular expression '%1': %2")
                                .arg(pattern, re.errorString())};
        return Value::boolean(re.match(c.str(0)).hasMatch());
    }
    case FunctionId::BooleanFromString: {
        const QString s = c.str(0).trimmed();
        return Value::boolean(s == QLatin1String("true") || s == QLatin1String("1"));
    }
    case FunctionId::Int:
        return Value::number(std::trunc(c.num(0)));
    case FunctionId::Pow:
        return Value::number(std::pow(c.num(0), c.num(1)));
    case FunctionId::Log:
        return Value::number(std::log(c.num(0)));
    case FunctionId::Log10:
        return Value::number(std::log10(c.num(0)));
    case FunctionId::Abs:
        return Value::number(std::fabs(c.num(0)));
    case FunctionId::Sin:
        return Value::number(std::sin(c.num(0)));
    case FunctionId::Cos:
        return Value::number(std::cos(c.num(0)));
    case FunctionId::Tan:
        return Value::number(std::tan(c.num(0)));
    case FunctionId::Asin:
        return Value::number(std::asin(c.num(0)));
    case FunctionId::Acos:
        return Value::number(std::acos(c.num(0)));
    case FunctionId::Atan:
        return Value::number(std::atan(c.num(0)));
    case FunctionId::Atan2:
        return Value::number(std::atan2(c.num(0), c.num(1)));
    case FunctionId::Sqrt:
        return Value::number(std::sqrt(c.num(0)));
    case FunctionId::Exp:
        return Value::number(std::exp(c.num(0)));
    case FunctionId::Exp10:
        return Value::number(std::pow(10.0, c.num(0)));
    case FunctionId::Pi:
        return Value::number(M_PI);
    case FunctionId::Max:
        return minMax(c, true);
    case FunctionId::Min:
        return minMax(c, false);
    case FunctionId::CountNonEmpty: {
        double n = 0;
        for (XmlNode *node : c.nodes(0))
            n += node->expressionValue().isEmpty() ? 0 : 1;
        return Value::number(n);
    }
    case FunctionId::Checklist: {
        const double lo = c.num(0);
        const double hi = c.num(1);
        double count = 0;
        for (const Value &v : c.flatten(2))
            count += truthyItem(v) ? 1 : 0;
        return Value::boolean(withinLimits(count, lo, hi));
    }
    case FunctionId::WeightedChecklist: {
        const double lo = c.num(0);
        const double hi = c.num(1);
        const std::vector<Value> items = c.flatten(2);
        if (items.size() % 2 != 0)
            throw EvalError{
                Expression::tr("weighted-checklist() needs its values and weights in pairs")};
        double total = 0;
        for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
            if (truthyItem(items[i]))
                total += items[i + 1].toNumber(od);
        }
        return Value::boolean(withinLimits(total, lo, hi));
    }
    case FunctionId::Uuid: {
        if (c.argc() == 0)
            return Value::string(QUuid::createUuid().toString(QUuid::WithoutBraces));
        const double len = c.num(0);
        if (std::isnan(len) || len < 0 || len > 100000)
            throw EvalError{Expression::tr("uuid() length must be between 0 and 100000")};
        return Value::string(randomAlnum(static_cast<int>(len)));
    }
    case FunctionId::Digest: {
        const QByteArray data = c.str(0).toUtf8();
        const QString algo = c.str(1).trimmed().toUpper();
        const QString encoding =
            c.argc() > 2 ? c.str(2).trimmed().toLower() : QStringLiteral("base64");
        QCryptographicHash::Algorithm a;
        if (algo == QLatin1String("MD5"))
            a = QCryptographicHash::Md5;
        else if (algo == QLatin1String("SHA-1"))
            a = QCryptographicHash::Sha1;
        else if (algo == QLatin1String("SHA-256"))
            a = QCryptographicHash::Sha256;
        else if (algo == QLatin1String("SHA-384"))
            a = QCryptographicHash::Sha384;
        else if (algo == QLatin1String("SHA-512"))
            a = QCryptographicHash::Sha512;
        else
            throw EvalError{Expression::tr("digest(): unknown algorithm '%1' (use MD5, SHA-1, "
                                           "SHA-256, SHA-384 or SHA-512)")
                                .arg(algo)};
        const QByteArray hash = QCryptographicHash::hash(data, a);
        if (encoding == QLatin1String("hex"))
            return Value::string(QString::fromLatin1(hash.toHex()));
        if (encoding == QLatin1String("base64"))
            return Value::string(QString::fromLatin1(hash.toBase64()));
        throw EvalError{
            Expression::tr("digest(): unknown encoding '%1' (use base64 or hex)").arg(encoding)};
    }
    case FunctionId::Base64Decode: {
        const auto r = QByteArray::fromBase64Encoding(c.str(0).toLatin1(),
                                                      QByteArray::AbortOnBase64DecodingErrors);
        return Value::string(r ? QString::fromUtf8(*r) : QString());
    }
    case FunctionId::Random:
        return Value::number(ctx.env->random());
    case FunctionId::Randomize: {
        NodeList ns = c.nodes(0);
        sortDocumentOrder(ns);
        std::optional<double> seed;
        if (c.argc() > 1) {
            seed = c.num(1);
            if (std::isnan(*seed) || std::isinf(*seed))
                throw EvalError{Expression::tr("randomize(): the seed must be a number")};
        }
        const std::vector<std::size_t> order = shuffledOrder(ns.size(), seed, *ctx.env);
        NodeList shuffled;
        shuffled.reserve(ns.size());
        for (std::size_t i : order)
            shuffled.push_back(ns[i]);
        return Value::nodeSet(std::move(shuffled), false);
    }
    case FunctionId::Once: {
        const QString existing = ctx.node ? ctx.node->stringValue() : QString();
        if (!existing.isEmpty())
            return Value::string(existing);
        return c.arg(0);
    }
    case FunctionId::Today: {
        const QDateTime now = QDateTime::fromMSecsSinceEpoch(ctx.env->nowMs(), Qt::LocalTime);
        return dateValue(now.date());
    }
    case FunctionId::Now:
        return dateTimeValue(ctx.env->nowMs());
    case FunctionId::Date:
    case FunctionId::DateTime: {
        const Value v = c.arg(0);
        double days = kNaN;
        bool dateOnly = false;
        if (v.type() == Value::Type::String || v.type() == Value::Type::NodeSet) {
            const QString s = v.toString().trimmed();
            if (s.isEmpty())
                return Value::string(QString());
            dateOnly = isDateOnly(s);
            days = isoToDays(s);
            if (std::isnan(days) && !dateOnly)
                days = stringToNumber(s);
            if (std::isnan(days))
                throw EvalError{Expression::tr("'%1' is not a valid date").arg(s)};
        } else {
            days = v.toNumber(true);
            dateOnly = v.type() == Value::Type::Date && isDateOnly(v.rawString());
        }
        if (std::isnan(days) || std::isinf(days) || std::fabs(days) > 1e8)
            throw EvalError{Expression::tr("%1 is not a valid date").arg(numberToString(days))};
        const bool wholeDays = dateOnly || days == std::floor(days);
        if (e.function == FunctionId::Date) {
            if (wholeDays)
                return dateValue(QDate(1970, 1, 1).addDays(static_cast<qint64>(days)));
            return dateValue(toLocalDateTime(Value::number(days)).date());
        }
        if (dateOnly) {
            const QDate d = QDate(1970, 1, 1).addDays(static_cast<qint64>(days));
            return dateTimeValue(QDateTime(d, QTime(0, 0), Qt::LocalTime).toMSecsSinceEpoch());
        }
        return dateTimeValue(static_cast<qint64>(std::llround(days * 86400000.0)));
    }
    case FunctionId::DecimalDateTime: {
        const Value v = c.arg(0);
        if (v.type() == Value::Type::Date || v.type() == Value::Type::Number)
            return Value::number(v.rawNumber());
        return Value::number(isoToDays(v.toString()));
    }
    case FunctionId::DecimalTime: {
        // "HH:MM:SS(.sss)?(Z|±HH:MM)?" to a fraction of a day, in UTC adjusted to local.
        const QString s = c.str(0).trimmed();
        static const QRegularExpression re(QStringLiteral(
            "^(\\d\\d):(\\d\\d)(?::(\\d\\d)(?:\\.(\\d+))?)?(Z|[+-]\\d\\d(?::?\\d\\d)?)?$"));
        const auto m = re.match(s);
        if (!m.hasMatch())
            return Value::number(kNaN);
        const int h = m.captured(1).toInt();
        const int mi = m.captured(2).toInt();
        const int sec = m.captured(3).toInt();
        const double frac =
            m.captured(4).isEmpty() ? 0 : (QStringLiteral("0.") + m.captured(4)).toDouble();
        if (h > 23 || mi > 59 || sec > 59)
            return Value::number(kNaN);
        double seconds = h * 3600.0 + mi * 60.0 + sec + frac;
        const QString tz = m.captured(5);
        if (!tz.isEmpty()) {
            // Expressed in the process time zone, as the other date functions are.
            int offset = 0;
            if (tz != QLatin1String("Z")) {
                const int sign = tz[0] == QLatin1Char('-') ? -1 : 1;
                const QString digits = tz.mid(1).remove(QLatin1Char(':'));
                offset = sign * (digits.left(2).toInt() * 3600 + digits.mid(2, 2).toInt() * 60);
            }
            const int localOffset =
                QDateTime::fromMSecsSinceEpoch(ctx.env->nowMs(), Qt::LocalTime).offsetFromUtc();
            seconds += localOffset - offset;
            seconds = std::fmod(seconds + 86400.0 * 2, 86400.0);
        }
        return Value::number(seconds / 86400.0);
    }
    case FunctionId::FormatDate:
    case FunctionId::FormatDateTime:
        return Value::string(formatDate(toLocalDateTime(c.arg(0)), c.str(1)));
    case FunctionId::Area:
        return Value::number(polygonArea(pointsOf(c, 0)));
    case FunctionId::Distance: {
        const std::vector<GeoPoint> pts = pointsOf(c, 0);
        double total = 0;
        for (std::size_t i = 1; i < pts.size(); ++i)
            total += haversine(pts[i - 1], pts[i]);
        return Value::number(total);
    }
    case FunctionId::Geofence: {
        // Whether a point lies inside a shape (a closed list of points), by crossing count
        // on latitude and longitude (the shapes forms use are small against the Earth).
        const std::vector<GeoPoint> point = pointsOf(c, 0);
        const std::vector<GeoPoint> shape = pointsOf(c, 1);
        if (point.size() != 1 || shape.size() < 3)
            return Value::boolean(false);
        const GeoPoint p = point.front();
        bool inside = false;
        for (std::size_t i = 0, j = shape.size() - 1; i < shape.size(); j = i++) {
            const GeoPoint &a = shape[i];
            const GeoPoint &b = shape[j];
            if ((a.lat > p.lat) != (b.lat > p.lat) &&
                p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon)
                inside = !inside;
        }
        return Value::boolean(inside);
    }
    case FunctionId::IndexedRepeat: {
        if (c.argc() % 2 == 0)
            throw EvalError{
                Expression::tr("indexed-repeat() takes a node and then pairs of repeat and index")};
        // The node and repeat arguments name every instance, wherever the call stands.
        Context all = ctx;
        all.contextualize = false;
        const Call flat{e, all};
        const NodeList targets = flat.nodes(0);
        XmlNode *scope = nullptr;
        for (std::size_t i = 1; i + 1 < c.argc(); i += 2) {
            NodeList repeats = flat.nodes(i);
            const double idx = c.num(i + 1);
            NodeList inScope;
            for (XmlNode *r : repeats) {
                bool inside = !scope;
                for (XmlNode *p = r->parent(); p && !inside; p = p->parent())
                    inside = p == scope;
                if (inside)
                    inScope.push_back(r);
            }
            if (std::isnan(idx) || idx < 1 || idx > static_cast<double>(inScope.size()))
                return Value::nodeSet({});
            scope = inScope[static_cast<std::size_t>(idx) - 1];
        }
        for (XmlNode *t : targets) {
            for (XmlNode *p = t; p; p = p->parent()) {
                if (p == scope)
                    return Value::nodeSet({t});
            }
        }
        return Value::nodeSet({});
    }
    case FunctionId::Pulldata: {
        const QString id = c.str(0);
        const QString column = c.str(1);
        const QString keyColumn = c.str(2);
        const QString key = c.str(3);
        XmlNode *root = ctx.env->instance(id);
        if (!root)
            throw EvalError{Expression::tr("pulldata(): there is no data file '%1'").arg(id)};
        XmlNode *top = root->kind() == XmlNode::Kind::Document
                           ? static_cast<XmlDocument *>(root)->documentElement()
                           : root;
        if (!top)
            return Value::string(QString());
        for (const auto &child : top->children()) {
            XmlNode *item = child.get();
            if (!item->isElement())
                continue;
            XmlNode *k = item->firstChildElement(keyColumn);
            if (k && k->expressionValue() == key) {
                XmlNode *v = item->firstChildElement(column);
                return Value::string(v ? v->expressionValue() : QString());
            }
        }
        return Value::string(QString());
    }
    case FunctionId::Version: // an Enketo extension: the form's version
        return Value::string(ctx.env->formVersion());
    }
    return Value();
}

} // namespace survey::form::xpath
