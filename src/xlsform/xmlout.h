// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>
#include <utility>

namespace survey::xlsform {

/// A small XML tree for writing an XForm: elements with ordered attributes, and text. It is
/// written indented two spaces a level, as pyxform writes, an element whose content has text
/// on one line.
/// Thrown when a tree grows past the budget its root was given.
struct XmlBudgetExceeded
{
    qint64 characters;
};

class XmlNode
{
public:
    explicit XmlNode(QString tag = {})
        : m_tag(std::move(tag))
    {}
    /// Gives this node and every node added below it a common budget of characters (tags,
    /// attributes, text); adding past it throws XmlBudgetExceeded.
    void setBudget(qint64 characters);
    static std::unique_ptr<XmlNode> text(QString text);

    const QString &tag() const { return m_tag; }
    bool isText() const { return m_isText; }
    const QString &textValue() const { return m_text; }

    XmlNode &attr(const QString &name, const QString &value);
    QString attribute(const QString &name) const;
    bool hasAttribute(const QString &name) const;
    const QList<std::pair<QString, QString>> &attributes() const { return m_attrs; }

    /// A new child element, returned for filling in.
    XmlNode &add(const QString &tag);
    XmlNode &add(std::unique_ptr<XmlNode> node);
    void addText(const QString &text);
    /// Adds a child element holding only `text`.
    XmlNode &addTextElement(const QString &tag, const QString &text);
    const std::vector<std::unique_ptr<XmlNode>> &children() const { return m_children; }
    std::vector<std::unique_ptr<XmlNode>> &children() { return m_children; }
    XmlNode *firstChild(const QString &tag);

    QByteArray serialize() const;

private:
    void write(QString &out, int depth) const;
    bool hasText() const;

    void charge(qint64 characters);

    std::unique_ptr<qint64> m_ownBudget; // the root's: characters left for the whole tree
    qint64 *m_budget = nullptr;          // the root's, in every node of the tree
    QString m_tag;
    QString m_text;
    bool m_isText = false;
    QList<std::pair<QString, QString>> m_attrs;
    std::vector<std::unique_ptr<XmlNode>> m_children;
};

QString escapeText(const QString &text);
QString escapeAttribute(const QString &text);

} // namespace survey::xlsform
