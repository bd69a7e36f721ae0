// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QString>

#include <cstdint>
#include <memory>
#include <vector>

namespace survey::form {

class XmlDocument;

/// One node of the XPath 1.0 data model (document, element, attribute, text, comment,
/// processing instruction). Instances and secondary instances of a form, and any document
/// given to `survey-cli xpath`, are trees of these. Namespace nodes are not modelled.
class XmlNode
{
public:
    enum class Kind : std::uint8_t {
        Document,
        Element,
        Attribute,
        Text,
        Comment,
        ProcessingInstruction
    };

    explicit XmlNode(Kind kind)
        : m_kind(kind)
    {}
    XmlNode(const XmlNode &) = delete;
    XmlNode &operator=(const XmlNode &) = delete;

    Kind kind() const { return m_kind; }
    bool isElement() const { return m_kind == Kind::Element; }

    /// Local name of an element or attribute; target of a processing instruction.
    const QString &localName() const { return m_localName; }
    const QString &prefix() const { return m_prefix; }
    const QString &namespaceUri() const { return m_namespaceUri; }
    QString qualifiedName() const
    {
        return m_prefix.isEmpty() ? m_localName : m_prefix + QLatin1Char(':') + m_localName;
    }
    void setName(const QString &localName, const QString &prefix = {},
                 const QString &namespaceUri = {})
    {
        m_localName = localName;
        m_prefix = prefix;
        m_namespaceUri = namespaceUri;
    }

    /// Value of an attribute, text, comment or processing instruction node.
    const QString &value() const { return m_value; }
    void setValue(const QString &value) { m_value = value; }
    void appendValue(const QString &more) { m_value += more; }

    XmlNode *parent() const { return m_parent; }
    const std::vector<std::unique_ptr<XmlNode>> &children() const { return m_children; }
    const std::vector<std::unique_ptr<XmlNode>> &attributes() const { return m_attributes; }

    XmlNode *appendChild(std::unique_ptr<XmlNode> child);
    XmlNode *insertChild(std::size_t index, std::unique_ptr<XmlNode> child);
    std::unique_ptr<XmlNode> takeChild(std::size_t index);
    XmlNode *appendAttribute(std::unique_ptr<XmlNode> attribute);
    std::unique_ptr<XmlNode> takeAttribute(std::size_t index);
    /// Index of this node among its parent's children (or attributes), or -1.
    int indexInParent() const;
    /// Makes a node that is in no tree see `parent` as its parent, which does not list it:
    /// a stand-in for a node that does not exist yet (a repeat instance to come), so that
    /// an expression can be evaluated where it would be.
    void setStandInParent(XmlNode *parent) { m_parent = parent; }

    XmlNode *attribute(const QString &localName) const;
    QString attributeValue(const QString &localName) const;
    XmlNode *firstChildElement(const QString &localName = {}) const;
    XmlNode *nextSiblingElement(const QString &localName = {}) const;
    int childElementCount() const;

    /// XPath string-value: concatenated descendant text for elements and the document.
    QString stringValue() const;
    /// The value expressions see: the string-value, but empty for a node marked
    /// kReadsEmpty and without the text of marked descendants. A form marks its
    /// non-relevant nodes so, as ODK's engines do; the value itself is kept.
    QString expressionValue() const;
    /// Replace the content of an element with one text node (or none when empty).
    void setText(const QString &text);

    /// Namespace declarations made on this element (prefix, uri); prefix empty for default.
    std::vector<std::pair<QString, QString>> &namespaceDeclarations() { return m_nsDecls; }
    const std::vector<std::pair<QString, QString>> &namespaceDeclarations() const
    {
        return m_nsDecls;
    }

    int line() const { return m_line; }
    int column() const { return m_column; }
    void setPosition(int line, int column)
    {
        m_line = line;
        m_column = column;
    }

    XmlDocument *document() const;
    XmlNode *root() const;

    /// Position in document order; valid after XmlDocument::ensureOrder().
    std::uint32_t order() const { return m_order; }

    /// Deep copy (without parent).
    std::unique_ptr<XmlNode> clone() const;

    /// Free slot for the form session: index of the node's schema entry (-1 when none).
    int schemaIndex = -1;
    /// Free slot for the form session's per-node state bits.
    std::uint32_t stateBits = 0;
    /// The state bit that makes a node read as empty in expressions (expressionValue()).
    static constexpr std::uint32_t kReadsEmpty = 1u << 31;

private:
    friend class XmlDocument;
    void markStructureChanged();

    Kind m_kind;
    int m_line = 0;
    int m_column = 0;
    std::uint32_t m_order = 0;
    XmlNode *m_parent = nullptr;
    QString m_localName;
    QString m_prefix;
    QString m_namespaceUri;
    QString m_value;
    std::vector<std::unique_ptr<XmlNode>> m_children;
    std::vector<std::unique_ptr<XmlNode>> m_attributes;
    std::vector<std::pair<QString, QString>> m_nsDecls;
};

/// Shares one copy of each element/attribute name (and namespace URI) across all
/// documents and compiled expressions, so that equal names usually share storage and
/// name tests can compare pointers before characters. Thread-safe.
QString internName(QStringView name);
/// True when two names are equal: pointer comparison first, characters when needed.
inline bool sameName(const QString &a, const QString &b)
{
    return a.constData() == b.constData() || a == b;
}

/// A parse failure with its position (1-based line and column).
struct XmlError
{
    int line = 0;
    int column = 0;
    QString message;
    bool isError() const { return !message.isEmpty(); }
};

/// The document node of a tree. It owns the tree and keeps document order numbers.
class XmlDocument : public XmlNode
{
    Q_DECLARE_TR_FUNCTIONS(XmlDocument)
public:
    XmlDocument()
        : XmlNode(Kind::Document)
    {}

    struct ParseOptions
    {
        /// Keep text nodes holding only white space (the XPath data model does).
        bool keepWhitespaceText = true;
        bool keepComments = true;
        bool keepProcessingInstructions = true;
        /// Deepest element nesting accepted; deeper input is refused, not recursed into.
        int maxDepth = 256;
        /// Most attributes (namespace declarations included) one element may have: real
        /// forms and submissions use a handful, and a bound keeps hostile input cheap.
        int maxAttributes = 1000;
    };

    /// Parses XML in time linear in its size. A DTD or entity declaration is refused: no
    /// document type may expand entities, so no input can grow memory beyond its own size.
    /// Documents in UTF-16, UTF-32 or Latin-1 are converted to UTF-8 first; other encodings
    /// are refused by name.
    static std::unique_ptr<XmlDocument> parse(const QByteArray &data, XmlError *error);
    static std::unique_ptr<XmlDocument> parse(const QByteArray &data, const ParseOptions &options,
                                              XmlError *error);
    /// The same through QXmlStreamReader: tests use it as a second opinion on the fast
    /// parser. (Not for hostile input: its duplicate-attribute check is quadratic.)
    static std::unique_ptr<XmlDocument> parseWithQt(const QByteArray &data,
                                                    const ParseOptions &options, XmlError *error);

    XmlNode *documentElement() const;

    /// Renumbers nodes in document order if the structure changed since the last call.
    void ensureOrder() const;
    void markOrderDirty() { m_orderDirty = true; }

private:
    mutable bool m_orderDirty = true;
};

} // namespace survey::form
