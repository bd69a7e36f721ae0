// SPDX-License-Identifier: GPL-3.0-or-later
#include "xmlout.h"

namespace survey::xlsform {

namespace {

/// `text` with the characters XML reserves as references; in an attribute also the quote
/// and the white space a parser would otherwise normalise.
QString escape(const QString &text, bool attribute)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c == u'&')
            out += QLatin1String("&amp;");
        else if (c == u'<')
            out += QLatin1String("&lt;");
        else if (c == u'>')
            out += QLatin1String("&gt;");
        else if (attribute && c == u'"')
            out += QLatin1String("&quot;");
        else if (attribute && c == u'\n')
            out += QLatin1String("&#10;");
        else if (attribute && c == u'\t')
            out += QLatin1String("&#9;");
        else if (attribute && c == u'\r')
            out += QLatin1String("&#13;");
        else
            out += c;
    }
    return out;
}

} // namespace

QString escapeText(const QString &text)
{
    return escape(text, false);
}

QString escapeAttribute(const QString &text)
{
    return escape(text, true);
}

std::unique_ptr<XmlNode> XmlNode::text(QString text)
{
    auto node = std::make_unique<XmlNode>();
    node->m_isText = true;
    node->m_text = std::move(text);
    return node;
}

void XmlNode::setBudget(qint64 characters)
{
    m_ownBudget = std::make_unique<qint64>(characters);
    m_budget = m_ownBudget.get();
}

void XmlNode::charge(qint64 characters)
{
    if (!m_budget)
        return;
    *m_budget -= characters;
    if (*m_budget < 0)
        throw XmlBudgetExceeded{characters};
}

XmlNode &XmlNode::attr(const QString &name, const QString &value)
{
    charge(name.size() + value.size() + 4);
    for (auto &a : m_attrs) {
        if (a.first == name) {
            a.second = value;
            return *this;
        }
    }
    m_attrs.append({name, value});
    return *this;
}

QString XmlNode::attribute(const QString &name) const
{
    for (const auto &a : m_attrs)
        if (a.first == name)
            return a.second;
    return {};
}

bool XmlNode::hasAttribute(const QString &name) const
{
    for (const auto &a : m_attrs)
        if (a.first == name)
            return true;
    return false;
}

XmlNode &XmlNode::add(const QString &tag)
{
    return add(std::make_unique<XmlNode>(tag));
}

XmlNode &XmlNode::add(std::unique_ptr<XmlNode> node)
{
    charge(2 * node->m_tag.size() + node->m_text.size() + 5);
    node->m_budget = m_budget;
    m_children.push_back(std::move(node));
    return *m_children.back();
}

void XmlNode::addText(const QString &value)
{
    add(text(value));
}

XmlNode &XmlNode::addTextElement(const QString &tag, const QString &value)
{
    XmlNode &n = add(tag);
    n.addText(value);
    return n;
}

XmlNode *XmlNode::firstChild(const QString &tag)
{
    for (auto &c : m_children)
        if (!c->m_isText && c->m_tag == tag)
            return c.get();
    return nullptr;
}

bool XmlNode::hasText() const
{
    for (const auto &c : m_children)
        if (c->m_isText)
            return true;
    return false;
}

void XmlNode::write(QString &out, int depth) const
{
    if (m_isText) {
        out += escapeText(m_text);
        return;
    }
    const bool inlineContent = depth < 0 || hasText();
    if (depth > 0)
        out += QString(depth * 2, u' ');
    out += u'<' + m_tag;
    for (const auto &[name, value] : m_attrs)
        out += u' ' + name + QLatin1String("=\"") + escapeAttribute(value) + u'"';
    if (m_children.empty()) {
        out += QLatin1String("/>");
    } else if (inlineContent) {
        out += u'>';
        for (const auto &c : m_children)
            c->write(out, -1);
        out += QLatin1String("</") + m_tag + u'>';
    } else {
        out += QLatin1String(">\n");
        for (const auto &c : m_children) {
            c->write(out, depth + 1);
            out += u'\n';
        }
        out += QString(depth * 2, u' ') + QLatin1String("</") + m_tag + u'>';
    }
}

QByteArray XmlNode::serialize() const
{
    QString out = QStringLiteral("<?xml version=\"1.0\"?>\n");
    write(out, 0);
    out += u'\n';
    return out.toUtf8();
}

} // namespace survey::xlsform
