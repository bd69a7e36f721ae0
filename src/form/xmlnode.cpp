// SPDX-License-Identifier: GPL-3.0-or-later
#include "xmlnode.h"

#include <QXmlStreamReader>

#include <mutex>
#include <unordered_map>

namespace survey::form {

namespace {

struct ViewHash
{
    std::size_t operator()(QStringView v) const noexcept { return qHash(v); }
};

} // namespace

QString internName(QStringView name)
{
    static std::mutex mutex;
    // Keys view the stored strings' own (shared, never modified) storage.
    static std::unordered_map<QStringView, QString, ViewHash> table;
    std::lock_guard lock(mutex);
    auto it = table.find(name);
    if (it != table.end())
        return it->second;
    // Real names are short and few; hostile input with endless or huge distinct names stops
    // being shared, so the table (which lives as long as the process) stays small.
    if (name.size() > 256 || table.size() > 200000)
        return name.toString();
    QString stored = name.toString();
    table.emplace(QStringView(stored), stored);
    return stored;
}

XmlNode *XmlNode::appendChild(std::unique_ptr<XmlNode> child)
{
    return insertChild(m_children.size(), std::move(child));
}

XmlNode *XmlNode::insertChild(std::size_t index, std::unique_ptr<XmlNode> child)
{
    child->m_parent = this;
    XmlNode *raw = child.get();
    m_children.insert(m_children.begin() + static_cast<std::ptrdiff_t>(index), std::move(child));
    markStructureChanged();
    return raw;
}

std::unique_ptr<XmlNode> XmlNode::takeChild(std::size_t index)
{
    std::unique_ptr<XmlNode> child = std::move(m_children[index]);
    m_children.erase(m_children.begin() + static_cast<std::ptrdiff_t>(index));
    child->m_parent = nullptr;
    markStructureChanged();
    return child;
}

std::unique_ptr<XmlNode> XmlNode::takeAttribute(std::size_t index)
{
    std::unique_ptr<XmlNode> a = std::move(m_attributes[index]);
    m_attributes.erase(m_attributes.begin() + static_cast<std::ptrdiff_t>(index));
    a->m_parent = nullptr;
    markStructureChanged();
    return a;
}

XmlNode *XmlNode::appendAttribute(std::unique_ptr<XmlNode> attribute)
{
    attribute->m_parent = this;
    XmlNode *raw = attribute.get();
    m_attributes.push_back(std::move(attribute));
    markStructureChanged();
    return raw;
}

int XmlNode::indexInParent() const
{
    if (!m_parent)
        return -1;
    const auto &list = m_kind == Kind::Attribute ? m_parent->m_attributes : m_parent->m_children;
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (list[i].get() == this)
            return static_cast<int>(i);
    }
    return -1;
}

XmlNode *XmlNode::attribute(const QString &localName) const
{
    for (const auto &a : m_attributes) {
        if (a->m_localName == localName)
            return a.get();
    }
    return nullptr;
}

QString XmlNode::attributeValue(const QString &localName) const
{
    const XmlNode *a = attribute(localName);
    return a ? a->m_value : QString();
}

XmlNode *XmlNode::firstChildElement(const QString &localName) const
{
    for (const auto &c : m_children) {
        if (c->m_kind == Kind::Element && (localName.isEmpty() || c->m_localName == localName))
            return c.get();
    }
    return nullptr;
}

XmlNode *XmlNode::nextSiblingElement(const QString &localName) const
{
    if (!m_parent)
        return nullptr;
    const auto &siblings = m_parent->m_children;
    bool seen = false;
    for (const auto &c : siblings) {
        if (seen && c->m_kind == Kind::Element &&
            (localName.isEmpty() || c->m_localName == localName))
            return c.get();
        if (c.get() == this)
            seen = true;
    }
    return nullptr;
}

int XmlNode::childElementCount() const
{
    int n = 0;
    for (const auto &c : m_children)
        n += c->m_kind == Kind::Element ? 1 : 0;
    return n;
}

namespace {

/// The text of a node's descendants in document order; with `skipMarked`, without the
/// elements marked kReadsEmpty (and what they hold).
void appendText(const XmlNode *node, QString &out, bool skipMarked)
{
    for (const auto &c : node->children()) {
        if (c->kind() == XmlNode::Kind::Text)
            out += c->value();
        else if (c->kind() == XmlNode::Kind::Element &&
                 !(skipMarked && (c->stateBits & XmlNode::kReadsEmpty)))
            appendText(c.get(), out, skipMarked);
    }
}

/// The string-value, or (with `skipMarked`) the value expressions see.
QString textValue(const XmlNode *node, bool skipMarked)
{
    switch (node->kind()) {
    case XmlNode::Kind::Document:
    case XmlNode::Kind::Element: {
        // The common case in form instances: a leaf holding one text node.
        const auto &children = node->children();
        if (children.size() == 1 && children.front()->kind() == XmlNode::Kind::Text)
            return children.front()->value();
        QString out;
        appendText(node, out, skipMarked);
        return out;
    }
    default:
        return node->value();
    }
}

} // namespace

QString XmlNode::stringValue() const
{
    return textValue(this, false);
}

QString XmlNode::expressionValue() const
{
    return (stateBits & kReadsEmpty) ? QString() : textValue(this, true);
}

void XmlNode::setText(const QString &text)
{
    if (m_children.size() == 1 && m_children.front()->m_kind == Kind::Text && !text.isEmpty()) {
        m_children.front()->m_value = text;
        return;
    }
    if (!m_children.empty()) {
        m_children.clear();
        markStructureChanged();
    }
    if (!text.isEmpty()) {
        auto t = std::make_unique<XmlNode>(Kind::Text);
        t->m_value = text;
        appendChild(std::move(t));
    }
}

XmlNode *XmlNode::root() const
{
    const XmlNode *n = this;
    while (n->m_parent)
        n = n->m_parent;
    return const_cast<XmlNode *>(n);
}

XmlDocument *XmlNode::document() const
{
    XmlNode *r = root();
    return r->m_kind == Kind::Document ? static_cast<XmlDocument *>(r) : nullptr;
}

void XmlNode::markStructureChanged()
{
    if (XmlDocument *doc = document())
        doc->markOrderDirty();
}

std::unique_ptr<XmlNode> XmlNode::clone() const
{
    auto copy = std::make_unique<XmlNode>(m_kind);
    copy->m_line = m_line;
    copy->m_column = m_column;
    copy->m_localName = m_localName;
    copy->m_prefix = m_prefix;
    copy->m_namespaceUri = m_namespaceUri;
    copy->m_value = m_value;
    copy->m_nsDecls = m_nsDecls;
    copy->schemaIndex = schemaIndex;
    copy->m_children.reserve(m_children.size());
    for (const auto &c : m_children) {
        auto cc = c->clone();
        cc->m_parent = copy.get();
        copy->m_children.push_back(std::move(cc));
    }
    copy->m_attributes.reserve(m_attributes.size());
    for (const auto &a : m_attributes) {
        auto ac = a->clone();
        ac->m_parent = copy.get();
        copy->m_attributes.push_back(std::move(ac));
    }
    return copy;
}

XmlNode *XmlDocument::documentElement() const
{
    return firstChildElement();
}

void XmlDocument::ensureOrder() const
{
    if (!m_orderDirty)
        return;
    // Iterative pre-order walk, safe on deep trees; attributes follow their element.
    std::uint32_t next = 0;
    std::vector<std::pair<XmlNode *, std::size_t>> stack;
    auto number = [&next](XmlNode *n) {
        n->m_order = next++;
        for (const auto &a : n->m_attributes)
            a->m_order = next++;
    };
    auto *self = const_cast<XmlDocument *>(this);
    number(self);
    stack.emplace_back(self, 0);
    while (!stack.empty()) {
        auto &[node, index] = stack.back();
        if (index >= node->m_children.size()) {
            stack.pop_back();
            continue;
        }
        XmlNode *child = node->m_children[index++].get();
        number(child);
        if (!child->m_children.empty())
            stack.emplace_back(child, 0);
    }
    m_orderDirty = false;
}

std::unique_ptr<XmlDocument> XmlDocument::parse(const QByteArray &data, XmlError *error)
{
    return parse(data, ParseOptions(), error);
}

std::unique_ptr<XmlDocument> XmlDocument::parseWithQt(const QByteArray &data,
                                                      const ParseOptions &options, XmlError *error)
{
    auto doc = std::make_unique<XmlDocument>();
    QXmlStreamReader reader(data);
    XmlNode *current = doc.get();
    int depth = 0;
    auto fail = [&](const QString &message) {
        if (error) {
            error->line = static_cast<int>(reader.lineNumber());
            error->column = static_cast<int>(reader.columnNumber());
            error->message = message;
        }
        return std::unique_ptr<XmlDocument>();
    };
    auto appendTextNode = [&](const QString &text) {
        if (current == doc.get())
            return; // white space outside the document element is not part of the model
        if (!current->m_children.empty() && current->m_children.back()->m_kind == Kind::Text) {
            current->m_children.back()->m_value += text;
            return;
        }
        auto t = std::make_unique<XmlNode>(Kind::Text);
        t->m_value = text;
        t->setPosition(static_cast<int>(reader.lineNumber()),
                       static_cast<int>(reader.columnNumber()));
        t->m_parent = current;
        current->m_children.push_back(std::move(t));
    };
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        switch (token) {
        case QXmlStreamReader::DTD:
            return fail(tr("document type declarations (DTD) are not accepted: a form must not "
                           "declare entities or a document type"));
        case QXmlStreamReader::EntityReference:
            return fail(tr("entity reference '&%1;' is not accepted: only the five predefined "
                           "XML entities may be used")
                            .arg(reader.name()));
        case QXmlStreamReader::StartElement: {
            if (++depth > options.maxDepth)
                return fail(
                    tr("elements are nested more than %n levels deep", nullptr, options.maxDepth));
            auto e = std::make_unique<XmlNode>(Kind::Element);
            e->m_localName = internName(reader.name());
            e->m_prefix = internName(reader.prefix());
            e->m_namespaceUri = internName(reader.namespaceUri());
            e->setPosition(static_cast<int>(reader.lineNumber()),
                           static_cast<int>(reader.columnNumber()));
            for (const auto &ns : reader.namespaceDeclarations())
                e->m_nsDecls.emplace_back(ns.prefix().toString(), ns.namespaceUri().toString());
            for (const auto &attr : reader.attributes()) {
                auto a = std::make_unique<XmlNode>(Kind::Attribute);
                a->m_localName = internName(attr.name());
                a->m_prefix = internName(attr.prefix());
                a->m_namespaceUri = internName(attr.namespaceUri());
                a->m_value = attr.value().toString();
                a->m_parent = e.get();
                a->setPosition(e->line(), e->column());
                e->m_attributes.push_back(std::move(a));
            }
            e->m_parent = current;
            current->m_children.push_back(std::move(e));
            current = current->m_children.back().get();
            break;
        }
        case QXmlStreamReader::EndElement:
            --depth;
            current = current->m_parent;
            break;
        case QXmlStreamReader::Characters:
            if (reader.isWhitespace() && !reader.isCDATA() && !options.keepWhitespaceText)
                break;
            appendTextNode(reader.text().toString());
            break;
        case QXmlStreamReader::Comment:
            if (options.keepComments) {
                auto c = std::make_unique<XmlNode>(Kind::Comment);
                c->m_value = reader.text().toString();
                c->m_parent = current;
                current->m_children.push_back(std::move(c));
            }
            break;
        case QXmlStreamReader::ProcessingInstruction:
            if (options.keepProcessingInstructions) {
                auto pi = std::make_unique<XmlNode>(Kind::ProcessingInstruction);
                pi->m_localName = reader.processingInstructionTarget().toString();
                pi->m_value = reader.processingInstructionData().toString();
                pi->m_parent = current;
                current->m_children.push_back(std::move(pi));
            }
            break;
        default:
            break;
        }
    }
    if (reader.hasError()) {
        QString message = reader.errorString();
        if (reader.error() == QXmlStreamReader::PrematureEndOfDocumentError &&
            data.trimmed().isEmpty())
            message = tr("the document is empty");
        return fail(tr("not well-formed XML: %1").arg(message));
    }
    if (!doc->documentElement())
        return fail(tr("the document has no root element"));
    return doc;
}

} // namespace survey::form
