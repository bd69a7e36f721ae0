// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "xmlnode.h"

#include <QString>

#include <vector>

namespace survey::form::xpath {

using NodeList = std::vector<XmlNode *>;

/// An XPath 1.0 value, plus the date type of the ODK function library (a date or
/// dateTime: its number is days since 1970-01-01T00:00Z, its string the ISO 8601 form).
class Value
{
public:
    enum class Type : std::uint8_t { Boolean, Number, String, NodeSet, Date };

    Value()
        : m_type(Type::String)
    {}
    static Value boolean(bool b)
    {
        Value v;
        v.m_type = Type::Boolean;
        v.m_number = b ? 1 : 0;
        return v;
    }
    static Value number(double n)
    {
        Value v;
        v.m_type = Type::Number;
        v.m_number = n;
        return v;
    }
    static Value string(QString s)
    {
        Value v;
        v.m_string = std::move(s);
        return v;
    }
    /// Node set; `inDocumentOrder` false when the nodes are in another order (randomize()).
    static Value nodeSet(NodeList nodes, bool inDocumentOrder = true)
    {
        Value v;
        v.m_type = Type::NodeSet;
        v.m_nodes = std::move(nodes);
        v.m_docOrder = inDocumentOrder;
        return v;
    }
    static Value date(double days, QString text)
    {
        Value v;
        v.m_type = Type::Date;
        v.m_number = days;
        v.m_string = std::move(text);
        return v;
    }

    Type type() const { return m_type; }
    bool isNodeSet() const { return m_type == Type::NodeSet; }
    const NodeList &nodes() const { return m_nodes; }
    NodeList &nodes() { return m_nodes; }
    bool inDocumentOrder() const { return m_docOrder; }

    bool toBoolean() const;
    /// XPath number(); with `odkDates`, strings holding an ISO date or dateTime convert to
    /// days since the epoch as the ODK XForms spec's number() does.
    double toNumber(bool odkDates = true) const;
    QString toString() const;

    /// The raw payload for Boolean/Number/Date without conversion.
    double rawNumber() const { return m_number; }
    const QString &rawString() const { return m_string; }

    static QString typeName(Type t);

private:
    Type m_type;
    bool m_docOrder = true;
    double m_number = 0;
    QString m_string;
    NodeList m_nodes;
};

/// XPath 1.0 string(number): NaN, Infinity, -Infinity, integers without a decimal point,
/// otherwise the shortest decimal that reads back to the same double, never an exponent.
QString numberToString(double d);
/// XPath 1.0 number(string): optional white space, optional '-', digits with an optional
/// '.', optional white space; anything else is NaN.
double stringToNumber(QStringView s);
/// ISO 8601 date (YYYY-MM-DD) or dateTime to days since the epoch; NaN when it is neither.
/// A dateTime without an offset is in the process time zone, a date is local midnight.
double isoToDays(QStringView s);

} // namespace survey::form::xpath
