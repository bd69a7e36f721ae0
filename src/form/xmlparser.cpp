// SPDX-License-Identifier: GPL-3.0-or-later
// A strict, non-validating XML 1.0 + Namespaces parser for UTF-8 input that builds the
// XmlNode tree directly, in time linear in the input. It refuses any DTD, so no entity can
// expand. Documents in other encodings Qt can decode are converted to UTF-8 first.
#include "xmlnode.h"

#include <QHash>
#include <QSet>
#include <QStringDecoder>

#include <algorithm>
#include <cstring>
#include <string_view>
#include <unordered_set>

namespace survey::form {

namespace {

enum class Outcome { Ok, Error, Fallback };

bool isXmlSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool isNameStartCode(char32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    return (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF) ||
           (c >= 0x370 && c <= 0x37D) || (c >= 0x37F && c <= 0x1FFF) ||
           (c >= 0x200C && c <= 0x200D) || (c >= 0x2070 && c <= 0x218F) ||
           (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF) ||
           (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0xEFFFF);
}

bool isNameCode(char32_t c)
{
    if (c < 0x80)
        return isNameStartCode(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
    return isNameStartCode(c) || c == 0xB7 || (c >= 0x300 && c <= 0x36F) ||
           (c >= 0x203F && c <= 0x2040);
}

/// Decodes one UTF-8 sequence known to be valid (checked up front).
char32_t decode(const char *&p)
{
    const auto b = static_cast<unsigned char>(*p++);
    if (b < 0x80)
        return b;
    int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : 1;
    char32_t c = b & (0x3F >> extra);
    while (extra-- > 0)
        c = (c << 6) | (static_cast<unsigned char>(*p++) & 0x3F);
    return c;
}

class Parser
{
    Q_DECLARE_TR_FUNCTIONS(XmlDocument)
public:
    Parser(const QByteArray &data, const XmlDocument::ParseOptions &options)
        : m_begin(data.constData())
        , m_p(data.constData())
        , m_end(data.constData() + data.size())
        , m_lineStart(data.constData())
        , m_options(options)
    {}

    Outcome run(XmlDocument &doc);
    XmlError error;

private:
    struct Attr
    {
        const char *nameBegin;
        const char *nameEnd;
        QString value;
    };
    struct Open
    {
        const char *nameBegin;
        const char *nameEnd;
        XmlNode *node;
        std::size_t scopeSize;
    };

    Outcome fail(const QString &message, const char *at = nullptr)
    {
        const char *pos = at ? at : m_p;
        // Line and column of `pos`: count from the start (errors are rare).
        int line = 1;
        const char *lineStart = m_begin;
        for (const char *q = m_begin; q < pos && q < m_end; ++q) {
            if (*q == '\n' || (*q == '\r' && (q + 1 >= m_end || q[1] != '\n'))) {
                ++line;
                lineStart = q + 1;
            }
        }
        int column = 1;
        for (const char *q = lineStart; q < pos && q < m_end; ++q)
            column += (static_cast<unsigned char>(*q) & 0xC0) != 0x80 ? 1 : 0;
        error.line = line;
        error.column = column;
        error.message = tr("not well-formed XML: %1").arg(message);
        return Outcome::Error;
    }

    void markPosition(XmlNode *n, const char *at)
    {
        // Lines are counted incrementally as the parser advances (see advanceLines).
        advanceLines(at);
        // Columns count on from the last mark on the same line (a minified form is one
        // long line: counting from the line start each time would be quadratic).
        if (m_colFrom < m_lineStart) {
            m_colFrom = m_lineStart;
            m_col = 1;
        }
        for (; m_colFrom < at; ++m_colFrom)
            m_col += (static_cast<unsigned char>(*m_colFrom) & 0xC0) != 0x80 ? 1 : 0;
        n->setPosition(m_line, m_col);
    }

    void advanceLines(const char *to)
    {
        for (; m_scanned < to; ++m_scanned) {
            if (*m_scanned == '\n' ||
                (*m_scanned == '\r' && (m_scanned + 1 >= m_end || m_scanned[1] != '\n'))) {
                ++m_line;
                m_lineStart = m_scanned + 1;
            }
        }
    }

    bool startsWith(const char *lit) const
    {
        const std::size_t n = std::strlen(lit);
        return static_cast<std::size_t>(m_end - m_p) >= n && std::memcmp(m_p, lit, n) == 0;
    }

    /// Whether the <!DOCTYPE …> at m_p ends (with '>') before any internal subset ('[')
    /// and holds no markup: then it declares nothing.
    bool doctypeWithoutSubset() const
    {
        for (const char *q = m_p + 9; q < m_end; ++q) {
            if (*q == '>')
                return true;
            if (*q == '[' || *q == '<')
                return false;
        }
        return false;
    }

    /// The '?>' that ends a processing instruction (or the XML declaration), or null.
    const char *findPiEnd(const char *from) const
    {
        for (const char *q = from; q + 1 < m_end; ++q) {
            if (q[0] == '?' && q[1] == '>')
                return q;
        }
        return nullptr;
    }

    void skipSpace()
    {
        while (m_p < m_end && isXmlSpace(*m_p))
            ++m_p;
    }

    Outcome checkEncoding();
    Outcome readName(const char *&begin, const char *&end);
    Outcome readReference(QString &out);
    Outcome readAttributeValue(QString &out);
    Outcome readComment(XmlNode *parent);
    Outcome readPI(XmlNode *parent, bool atStart);
    Outcome readText(XmlNode *parent);
    Outcome readCData(XmlNode *parent);
    Outcome readStartTag(XmlNode *&parent, bool &selfClosed);
    Outcome readEndTag(XmlNode *&parent);
    std::optional<QString> lookupPrefix(QStringView prefix) const;
    void appendText(XmlNode *parent, const QString &text);

    const char *m_begin;
    const char *m_p;
    const char *m_end;
    const char *m_lineStart;
    const char *m_scanned = nullptr;
    const char *m_colFrom = nullptr;
    int m_col = 1;
    int m_line = 1;
    /// Declares `prefix` for the element being read (undone by unwindScope()).
    void declare(const QString &prefix, const QString &uri)
    {
        m_scope.push_back(prefix);
        m_bindings[prefix].push_back(uri);
    }
    /// Forgets the declarations made after the scope had `size` entries.
    void unwindScope(std::size_t size)
    {
        while (m_scope.size() > size) {
            auto it = m_bindings.find(m_scope.back());
            it->pop_back();
            if (it->empty())
                m_bindings.erase(it);
            m_scope.pop_back();
        }
    }

    const XmlDocument::ParseOptions &m_options;
    std::vector<Open> m_open;
    // In-scope namespace declarations: the prefixes in declaration order (to undo them at
    // the end tag), and each prefix's URIs, innermost last. A lookup is one hash probe, so
    // a document declaring many namespaces at many depths still parses in linear time.
    std::vector<QString> m_scope;
    QHash<QString, std::vector<QString>> m_bindings;
    std::vector<Attr> m_attrs;
    /// Duplicate attributes are looked for by comparing with each earlier one up to this
    /// many attributes (what real elements have), and through hash sets beyond, so that
    /// a start tag costs time linear in its attributes either way.
    static constexpr std::size_t kLinearAttributes = 16;
    /// Whether `a` is the start tag's first attribute of its name (before `a` is added).
    bool firstAttributeName(const Attr &a);
    std::unordered_set<std::string_view> m_attrNames; ///< this start tag's, once hashed
    QSet<QString> m_expandedNames;                    ///< the same by namespace and local name
    QString m_text;
};

std::optional<QString> Parser::lookupPrefix(QStringView prefix) const
{
    if (!m_bindings.isEmpty()) {
        const auto it = m_bindings.constFind(prefix.toString());
        if (it != m_bindings.constEnd())
            return it->back();
    }
    if (prefix == QLatin1String("xml"))
        return QStringLiteral("http://www.w3.org/XML/1998/namespace");
    if (prefix.isEmpty())
        return QString();
    return std::nullopt;
}

Outcome Parser::readName(const char *&begin, const char *&end)
{
    begin = m_p;
    bool first = true;
    while (m_p < m_end) {
        const char *save = m_p;
        const char32_t c = decode(m_p);
        if (c == ':' && !first)
            continue;
        if (first ? !isNameStartCode(c) : !isNameCode(c)) {
            m_p = save;
            break;
        }
        first = false;
    }
    end = m_p;
    if (begin == end)
        return fail(tr("a name was expected"));
    if (*begin == ':' || end[-1] == ':')
        return fail(tr("'%1' is not a valid name").arg(QString::fromUtf8(begin, end - begin)),
                    begin);
    return Outcome::Ok;
}

Outcome Parser::readReference(QString &out)
{
    const char *start = m_p; // at '&'
    ++m_p;
    const char *semi = static_cast<const char *>(
        std::memchr(m_p, ';', static_cast<std::size_t>(std::min<std::ptrdiff_t>(m_end - m_p, 64))));
    if (!semi)
        return fail(tr("'&' must start an entity or character reference ending in ';' (write "
                       "&amp; for a literal &)"),
                    start);
    const std::string_view ref(m_p, static_cast<std::size_t>(semi - m_p));
    m_p = semi + 1;
    if (ref == "lt")
        out += QLatin1Char('<');
    else if (ref == "gt")
        out += QLatin1Char('>');
    else if (ref == "amp")
        out += QLatin1Char('&');
    else if (ref == "apos")
        out += QLatin1Char('\'');
    else if (ref == "quot")
        out += QLatin1Char('"');
    else if (!ref.empty() && ref[0] == '#') {
        bool hex = ref.size() > 1 && ref[1] == 'x';
        const std::string_view digits = ref.substr(hex ? 2 : 1);
        if (digits.empty() || digits.size() > 8)
            return fail(tr("malformed character reference"), start);
        char32_t c = 0;
        for (char d : digits) {
            int v;
            if (d >= '0' && d <= '9')
                v = d - '0';
            else if (hex && d >= 'a' && d <= 'f')
                v = d - 'a' + 10;
            else if (hex && d >= 'A' && d <= 'F')
                v = d - 'A' + 10;
            else
                return fail(tr("malformed character reference"), start);
            c = c * (hex ? 16 : 10) + static_cast<char32_t>(v);
        }
        const bool valid = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
                           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
        if (!valid)
            return fail(tr("character reference to a character XML does not allow"), start);
        out += QString::fromUcs4(&c, 1);
    } else {
        return fail(tr("entity reference '&%1;' is not accepted: only the five predefined XML "
                       "entities may be used")
                        .arg(QString::fromUtf8(ref.data(), static_cast<qsizetype>(ref.size()))),
                    start);
    }
    return Outcome::Ok;
}

Outcome Parser::readAttributeValue(QString &out)
{
    const char quote = *m_p;
    if (quote != '"' && quote != '\'')
        return fail(tr("an attribute value must be quoted"));
    ++m_p;
    out.clear();
    const char *run = m_p;
    auto flush = [&] {
        if (m_p > run)
            out += QString::fromUtf8(run, m_p - run);
    };
    while (m_p < m_end && *m_p != quote) {
        const char c = *m_p;
        if (c == '<')
            return fail(tr("'<' is not allowed in an attribute value"));
        if (c == '&') {
            flush();
            if (readReference(out) != Outcome::Ok)
                return Outcome::Error;
            run = m_p;
            continue;
        }
        if (c == '\t' || c == '\n' || c == '\r') {
            // Attribute-value normalisation: each white-space character (a CR LF pair
            // counting as one) becomes a space.
            flush();
            out += QLatin1Char(' ');
            if (c == '\r' && m_p + 1 < m_end && m_p[1] == '\n')
                ++m_p;
            ++m_p;
            run = m_p;
            continue;
        }
        ++m_p;
    }
    if (m_p >= m_end)
        return fail(tr("the attribute value is not closed"));
    flush();
    ++m_p;
    return Outcome::Ok;
}

Outcome Parser::readComment(XmlNode *parent)
{
    const char *start = m_p;
    m_p += 4; // <!--
    const char *body = m_p;
    for (;;) {
        const char *dash =
            static_cast<const char *>(std::memchr(m_p, '-', static_cast<std::size_t>(m_end - m_p)));
        if (!dash || dash + 1 >= m_end)
            return fail(tr("the comment is not closed"), start);
        if (dash[1] == '-') {
            if (dash + 2 < m_end && dash[2] == '>') {
                if (m_options.keepComments) {
                    auto c = std::make_unique<XmlNode>(XmlNode::Kind::Comment);
                    QString text = QString::fromUtf8(body, dash - body);
                    text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
                    text.replace(QLatin1Char('\r'), QLatin1Char('\n'));
                    c->setValue(text);
                    parent->appendChild(std::move(c));
                }
                m_p = dash + 3;
                return Outcome::Ok;
            }
            return fail(tr("'--' is not allowed inside a comment"), dash);
        }
        m_p = dash + 1;
    }
}

Outcome Parser::readPI(XmlNode *parent, bool atStart)
{
    const char *start = m_p;
    m_p += 2; // <?
    const char *nb;
    const char *ne;
    if (readName(nb, ne) != Outcome::Ok)
        return Outcome::Error;
    const QString target = QString::fromUtf8(nb, ne - nb);
    if (target.compare(QLatin1String("xml"), Qt::CaseInsensitive) == 0 && !atStart)
        return fail(tr("the XML declaration may only appear at the very start"), start);
    if (target.contains(QLatin1Char(':')))
        return fail(tr("a processing instruction target cannot contain ':'"), start);
    const char *body = m_p;
    const char *close = findPiEnd(m_p);
    if (!close)
        return fail(tr("the processing instruction is not closed"), start);
    if (close > body && !isXmlSpace(*body))
        return fail(tr("a space must follow the processing instruction target"), body);
    m_p = close + 2;
    if (target.compare(QLatin1String("xml"), Qt::CaseInsensitive) == 0)
        return Outcome::Ok; // the declaration was checked by checkEncoding()
    if (m_options.keepProcessingInstructions) {
        while (body < close && isXmlSpace(*body))
            ++body;
        auto pi = std::make_unique<XmlNode>(XmlNode::Kind::ProcessingInstruction);
        pi->setName(target);
        pi->setValue(QString::fromUtf8(body, close - body));
        parent->appendChild(std::move(pi));
    }
    return Outcome::Ok;
}

void Parser::appendText(XmlNode *parent, const QString &text)
{
    if (text.isEmpty())
        return;
    const auto &kids = parent->children();
    if (!kids.empty() && kids.back()->kind() == XmlNode::Kind::Text) {
        kids.back()->appendValue(text); // amortised: text split by comments or CDATA
        return;
    }
    auto t = std::make_unique<XmlNode>(XmlNode::Kind::Text);
    t->setValue(text);
    parent->appendChild(std::move(t));
}

Outcome Parser::readText(XmlNode *parent)
{
    m_text.clear();
    const char *run = m_p;
    bool onlySpace = true;
    auto flush = [&] {
        if (m_p > run)
            m_text += QString::fromUtf8(run, m_p - run);
    };
    while (m_p < m_end && *m_p != '<') {
        const char c = *m_p;
        if (c == '&') {
            flush();
            if (readReference(m_text) != Outcome::Ok)
                return Outcome::Error;
            onlySpace = false;
            run = m_p;
            continue;
        }
        if (c == '\r') {
            flush();
            m_text += QLatin1Char('\n');
            m_p += (m_p + 1 < m_end && m_p[1] == '\n') ? 2 : 1;
            run = m_p;
            continue;
        }
        if (c == ']' && m_p + 2 < m_end && m_p[1] == ']' && m_p[2] == '>')
            return fail(tr("']]>' is not allowed in text"));
        if (!isXmlSpace(c))
            onlySpace = false;
        ++m_p;
    }
    flush();
    if (parent->kind() == XmlNode::Kind::Document) {
        if (!onlySpace)
            return fail(tr("text is not allowed outside the document element"), run);
        return Outcome::Ok;
    }
    if (onlySpace && !m_options.keepWhitespaceText)
        return Outcome::Ok;
    appendText(parent, m_text);
    return Outcome::Ok;
}

Outcome Parser::readCData(XmlNode *parent)
{
    const char *start = m_p;
    if (parent->kind() == XmlNode::Kind::Document)
        return fail(tr("CDATA is not allowed outside the document element"));
    m_p += 9; // <![CDATA[
    const char *body = m_p;
    for (const char *q = m_p; q + 2 < m_end; ++q) {
        if (q[0] == ']' && q[1] == ']' && q[2] == '>') {
            QString text = QString::fromUtf8(body, q - body);
            text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
            text.replace(QLatin1Char('\r'), QLatin1Char('\n'));
            appendText(parent, text);
            m_p = q + 3;
            return Outcome::Ok;
        }
    }
    return fail(tr("the CDATA section is not closed"), start);
}

bool Parser::firstAttributeName(const Attr &a)
{
    const auto nameOf = [](const Attr &x) {
        return std::string_view(x.nameBegin, static_cast<std::size_t>(x.nameEnd - x.nameBegin));
    };
    const std::string_view name = nameOf(a);
    if (m_attrs.size() < kLinearAttributes)
        return std::none_of(m_attrs.begin(), m_attrs.end(),
                            [&](const Attr &o) { return nameOf(o) == name; });
    if (m_attrs.size() == kLinearAttributes) {
        m_attrNames.clear();
        for (const Attr &o : m_attrs)
            m_attrNames.insert(nameOf(o));
    }
    return m_attrNames.insert(name).second;
}

Outcome Parser::readStartTag(XmlNode *&parent, bool &selfClosed)
{
    const char *tagStart = m_p;
    ++m_p; // <
    const char *nb;
    const char *ne;
    if (readName(nb, ne) != Outcome::Ok)
        return Outcome::Error;
    m_attrs.clear();
    for (;;) {
        const char *beforeSpace = m_p;
        skipSpace();
        if (m_p >= m_end)
            return fail(tr("the start tag is not closed"), tagStart);
        if (*m_p == '>' || (*m_p == '/' && m_p + 1 < m_end && m_p[1] == '>'))
            break;
        if (m_p == beforeSpace)
            return fail(tr("white space is needed between attributes"));
        if (static_cast<int>(m_attrs.size()) >= m_options.maxAttributes)
            return fail(
                tr("an element has more than %n attributes", nullptr, m_options.maxAttributes),
                tagStart);
        Attr a;
        if (readName(a.nameBegin, a.nameEnd) != Outcome::Ok)
            return Outcome::Error;
        skipSpace();
        if (m_p >= m_end || *m_p != '=')
            return fail(tr("'=' must follow the attribute name"));
        ++m_p;
        skipSpace();
        if (m_p >= m_end || readAttributeValue(a.value) != Outcome::Ok)
            return m_p >= m_end ? fail(tr("the start tag is not closed"), tagStart)
                                : Outcome::Error;
        if (!firstAttributeName(a))
            return fail(tr("the attribute '%1' appears twice")
                            .arg(QString::fromUtf8(a.nameBegin, a.nameEnd - a.nameBegin)),
                        a.nameBegin);
        m_attrs.push_back(std::move(a));
    }
    selfClosed = *m_p == '/';
    m_p += selfClosed ? 2 : 1;
    if (static_cast<int>(m_open.size()) >= m_options.maxDepth)
        return fail(tr("elements are nested more than %n levels deep", nullptr, m_options.maxDepth),
                    tagStart);

    // Namespace declarations first: they apply to this element and its attributes.
    const std::size_t scopeSize = m_scope.size();
    auto element = std::make_unique<XmlNode>(XmlNode::Kind::Element);
    for (const Attr &a : m_attrs) {
        const QByteArray name(a.nameBegin, a.nameEnd - a.nameBegin);
        if (name == "xmlns" || name.startsWith("xmlns:")) {
            const QString prefix = name.size() > 6 ? QString::fromUtf8(name.mid(6)) : QString();
            if (prefix == QLatin1String("xmlns") || (!prefix.isEmpty() && a.value.isEmpty()) ||
                (prefix == QLatin1String("xml") &&
                 a.value != QLatin1String("http://www.w3.org/XML/1998/namespace")))
                return fail(tr("invalid namespace declaration '%1'").arg(QString::fromUtf8(name)),
                            a.nameBegin);
            declare(prefix, a.value);
            element->namespaceDeclarations().emplace_back(internName(prefix), internName(a.value));
        }
    }
    auto split = [](const char *b, const char *e, QStringView &prefix, QStringView &local,
                    QString &storage) {
        storage = QString::fromUtf8(b, e - b);
        const qsizetype colon = storage.indexOf(QLatin1Char(':'));
        prefix = colon < 0 ? QStringView() : QStringView(storage).left(colon);
        local = colon < 0 ? QStringView(storage) : QStringView(storage).mid(colon + 1);
        return colon < 0 || storage.indexOf(QLatin1Char(':'), colon + 1) < 0;
    };
    QString storage;
    QStringView prefix;
    QStringView local;
    if (!split(nb, ne, prefix, local, storage))
        return fail(tr("'%1' is not a valid qualified name").arg(storage), nb);
    const std::optional<QString> uri = lookupPrefix(prefix);
    if (!uri)
        return fail(tr("the namespace prefix '%1' is not declared").arg(prefix), nb);
    element->setName(internName(local), internName(prefix), internName(*uri));
    markPosition(element.get(), tagStart);
    const bool hashed = m_attrs.size() > kLinearAttributes;
    if (hashed)
        m_expandedNames.clear();
    for (Attr &a : m_attrs) {
        const qsizetype n = a.nameEnd - a.nameBegin;
        if ((n == 5 && std::memcmp(a.nameBegin, "xmlns", 5) == 0) ||
            (n > 6 && std::memcmp(a.nameBegin, "xmlns:", 6) == 0))
            continue;
        QString astorage;
        QStringView ap;
        QStringView al;
        if (!split(a.nameBegin, a.nameEnd, ap, al, astorage))
            return fail(tr("'%1' is not a valid qualified name").arg(astorage), a.nameBegin);
        QString auri;
        if (!ap.isEmpty()) {
            const std::optional<QString> u = lookupPrefix(ap);
            if (!u)
                return fail(tr("the namespace prefix '%1' is not declared").arg(ap), a.nameBegin);
            auri = *u;
        }
        const QString alocal = internName(al);
        bool twice = false;
        if (hashed) {
            const QString expandedName = auri + QChar(0) + alocal;
            twice = m_expandedNames.contains(expandedName);
            m_expandedNames.insert(expandedName);
        } else {
            const auto &seen = element->attributes();
            twice = std::any_of(seen.begin(), seen.end(), [&](const auto &o) {
                return o->localName() == alocal && o->namespaceUri() == auri;
            });
        }
        if (twice)
            return fail(tr("the attribute '%1' appears twice").arg(astorage), a.nameBegin);
        auto attrNode = std::make_unique<XmlNode>(XmlNode::Kind::Attribute);
        attrNode->setName(alocal, internName(ap), internName(auri));
        attrNode->setValue(std::move(a.value));
        attrNode->setPosition(element->line(), element->column());
        element->appendAttribute(std::move(attrNode));
    }
    XmlNode *raw = parent->appendChild(std::move(element));
    if (selfClosed) {
        unwindScope(scopeSize);
    } else {
        m_open.push_back({nb, ne, raw, scopeSize});
        parent = raw;
    }
    return Outcome::Ok;
}

Outcome Parser::readEndTag(XmlNode *&parent)
{
    const char *start = m_p;
    m_p += 2; // </
    const char *nb;
    const char *ne;
    if (readName(nb, ne) != Outcome::Ok)
        return Outcome::Error;
    skipSpace();
    if (m_p >= m_end || *m_p != '>')
        return fail(tr("the end tag is not closed"), start);
    ++m_p;
    if (m_open.empty())
        return fail(tr("end tag </%1> without a start tag").arg(QString::fromUtf8(nb, ne - nb)),
                    start);
    const Open &o = m_open.back();
    if (o.nameEnd - o.nameBegin != ne - nb ||
        std::memcmp(o.nameBegin, nb, static_cast<std::size_t>(ne - nb)) != 0)
        return fail(tr("end tag </%1> does not match the start tag <%2>")
                        .arg(QString::fromUtf8(nb, ne - nb),
                             QString::fromUtf8(o.nameBegin, o.nameEnd - o.nameBegin)),
                    start);
    unwindScope(o.scopeSize);
    m_open.pop_back();
    parent = parent->parent();
    return Outcome::Ok;
}

Outcome Parser::checkEncoding()
{
    // Characters: valid UTF-8, and only those XML 1.0 allows. Checked once, up front.
    const auto *u = reinterpret_cast<const unsigned char *>(m_begin);
    const auto *end = reinterpret_cast<const unsigned char *>(m_end);
    while (u < end) {
        const unsigned char b = *u;
        if (b < 0x80) {
            if (b < 0x20 && b != 0x9 && b != 0xA && b != 0xD)
                return fail(tr("the character U+%1 is not allowed in XML")
                                .arg(static_cast<int>(b), 4, 16, QLatin1Char('0')),
                            reinterpret_cast<const char *>(u));
            ++u;
            continue;
        }
        int extra;
        char32_t c;
        if (b >= 0xC2 && b <= 0xDF) {
            extra = 1;
            c = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
            extra = 2;
            c = b & 0x0F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            extra = 3;
            c = b & 0x07;
        } else {
            return fail(tr("the document is not valid UTF-8"), reinterpret_cast<const char *>(u));
        }
        if (end - u <= extra)
            return fail(tr("the document is not valid UTF-8"), reinterpret_cast<const char *>(u));
        for (int i = 1; i <= extra; ++i) {
            if ((u[i] & 0xC0) != 0x80)
                return fail(tr("the document is not valid UTF-8"),
                            reinterpret_cast<const char *>(u));
            c = (c << 6) | (u[i] & 0x3F);
        }
        const char32_t min = extra == 1 ? 0x80 : extra == 2 ? 0x800 : 0x10000;
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) || c == 0xFFFE || c == 0xFFFF)
            return fail(tr("the document is not valid UTF-8"), reinterpret_cast<const char *>(u));
        u += extra + 1;
    }
    return Outcome::Ok;
}

Outcome Parser::run(XmlDocument &doc)
{
    // Byte order marks: UTF-8 is ours, anything else goes to QXmlStreamReader.
    if (m_end - m_p >= 2 && ((static_cast<unsigned char>(m_p[0]) == 0xFE &&
                              static_cast<unsigned char>(m_p[1]) == 0xFF) ||
                             (static_cast<unsigned char>(m_p[0]) == 0xFF &&
                              static_cast<unsigned char>(m_p[1]) == 0xFE)))
        return Outcome::Fallback;
    if (m_end - m_p >= 2 && (m_p[0] == 0 || m_p[1] == 0))
        return Outcome::Fallback;
    if (m_end - m_p >= 3 && std::memcmp(m_p, "\xEF\xBB\xBF", 3) == 0) {
        m_p += 3;
        m_begin = m_p;
        m_lineStart = m_p;
    }
    // XML declaration: an encoding other than UTF-8 goes to QXmlStreamReader.
    if (startsWith("<?xml") && m_end - m_p > 5 && isXmlSpace(m_p[5])) {
        const char *close = findPiEnd(m_p);
        if (!close)
            return fail(tr("the XML declaration is not closed"));
        const QByteArray decl(m_p, close - m_p);
        const qsizetype enc = decl.indexOf("encoding");
        if (enc >= 0) {
            QByteArray rest = decl.mid(enc + 8).trimmed();
            if (rest.startsWith('='))
                rest = rest.mid(1).trimmed();
            const char q = rest.isEmpty() ? 0 : rest[0];
            const qsizetype endq = q ? rest.indexOf(q, 1) : -1;
            const QByteArray name = endq > 0 ? rest.mid(1, endq - 1).toLower() : QByteArray();
            if (name != "utf-8" && name != "utf8")
                return Outcome::Fallback;
        }
        if (!decl.contains("version"))
            return fail(tr("the XML declaration needs a version"));
    }
    if (checkEncoding() != Outcome::Ok)
        return Outcome::Error;
    m_scanned = m_begin;
    m_colFrom = m_begin;
    XmlNode *parent = &doc;
    bool sawRoot = false;
    bool atStart = true;
    while (m_p < m_end) {
        if (*m_p != '<') {
            if (readText(parent) != Outcome::Ok)
                return Outcome::Error;
            atStart = false;
            continue;
        }
        if (startsWith("<!--")) {
            if (readComment(parent) != Outcome::Ok)
                return Outcome::Error;
        } else if (startsWith("<?")) {
            if (readPI(parent, atStart && m_p == m_begin) != Outcome::Ok)
                return Outcome::Error;
        } else if (startsWith("<![CDATA[")) {
            if (readCData(parent) != Outcome::Ok)
                return Outcome::Error;
        } else if (startsWith("<!DOCTYPE") && parent == &doc && !sawRoot &&
                   doctypeWithoutSubset()) {
            // <!DOCTYPE html> and the like, before the root: names a type, declares nothing,
            // so nothing can expand; skipped. An internal subset ([…]) is refused below.
            m_p = static_cast<const char *>(std::memchr(m_p, '>', m_end - m_p)) + 1;
        } else if (startsWith("<!DOCTYPE") || startsWith("<!ENTITY") || startsWith("<!ELEMENT") ||
                   startsWith("<!ATTLIST")) {
            error.line = 0;
            fail(QString());
            error.message = tr("document type declarations (DTD) are not accepted: a form must "
                               "not declare entities or a document type");
            return Outcome::Error;
        } else if (startsWith("<!")) {
            return fail(tr("unexpected markup '<!'"));
        } else if (startsWith("</")) {
            if (readEndTag(parent) != Outcome::Ok)
                return Outcome::Error;
        } else {
            if (parent == &doc && sawRoot)
                return fail(tr("only one document element is allowed"));
            const bool isRoot = parent == &doc;
            bool selfClosed = false;
            if (readStartTag(parent, selfClosed) != Outcome::Ok)
                return Outcome::Error;
            sawRoot = sawRoot || isRoot;
        }
        atStart = false;
    }
    if (!m_open.empty()) {
        const Open &o = m_open.back();
        return fail(tr("the document ends before </%1>")
                        .arg(QString::fromUtf8(o.nameBegin, o.nameEnd - o.nameBegin)));
    }
    if (!sawRoot) {
        error.line = 1;
        error.column = 1;
        error.message =
            m_begin == m_end ? tr("the document is empty") : tr("the document has no root element");
        return Outcome::Error;
    }
    return Outcome::Ok;
}

} // namespace

namespace {

/// `data` (not UTF-8) as UTF-8 with its XML declaration saying so; empty with `error` set
/// when its encoding is unknown or the bytes do not fit it.
QByteArray toUtf8(const QByteArray &data, XmlError *error)
{
    auto refuse = [error](const QString &message) {
        error->line = 1;
        error->column = 1;
        error->message = message;
        return QByteArray();
    };
    // A byte order mark, or the first character '<' in UTF-16 or UTF-32; else the name in the
    // declaration (an ASCII-compatible encoding).
    std::optional<QStringConverter::Encoding> encoding =
        QStringConverter::encodingForData(data, u'<');
    QByteArray name;
    if (!encoding) {
        const qsizetype close = data.indexOf("?>");
        const QByteArray decl = close > 0 ? data.left(close) : QByteArray();
        const qsizetype at = decl.indexOf("encoding");
        if (at >= 0) {
            QByteArray rest = decl.mid(at + 8).trimmed();
            if (rest.startsWith('='))
                rest = rest.mid(1).trimmed();
            const char quote = rest.isEmpty() ? 0 : rest[0];
            const qsizetype endQuote = quote ? rest.indexOf(quote, 1) : -1;
            name = endQuote > 0 ? rest.mid(1, endQuote - 1) : QByteArray();
        }
        encoding = QStringConverter::encodingForName(name.constData());
    }
    if (!encoding)
        return refuse(XmlDocument::tr("the encoding '%1' is not supported: send the document "
                                      "in UTF-8")
                          .arg(QString::fromLatin1(name)));
    QStringDecoder decode(*encoding);
    QString text = decode(data);
    bool unpaired = false; // a lone surrogate would be changed silently into '?' in UTF-8
    for (qsizetype i = 0; i < text.size() && !unpaired; ++i) {
        if (text[i].isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate())
            ++i;
        else
            unpaired = text[i].isSurrogate();
    }
    if (decode.hasError() || unpaired)
        return refuse(XmlDocument::tr("the document is not valid %1")
                          .arg(QString::fromLatin1(QStringConverter::nameForEncoding(*encoding))));
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1);
    // The declaration now names UTF-8 (the rest of the text is unchanged).
    if (text.startsWith(QLatin1String("<?xml"))) {
        const qsizetype close = text.indexOf(QLatin1String("?>"));
        const qsizetype at = text.indexOf(QLatin1String("encoding"));
        if (close > 0 && at > 0 && at < close) {
            qsizetype q1 = text.indexOf(QLatin1Char('"'), at);
            const qsizetype a1 = text.indexOf(QLatin1Char('\''), at);
            if (q1 < 0 || (a1 >= 0 && a1 < q1))
                q1 = a1;
            const qsizetype q2 = q1 >= 0 && q1 < close ? text.indexOf(text[q1], q1 + 1) : -1;
            if (q2 > q1 && q2 < close)
                text.replace(q1 + 1, q2 - q1 - 1, QStringLiteral("UTF-8"));
        }
    }
    return text.toUtf8();
}

} // namespace

std::unique_ptr<XmlDocument> XmlDocument::parse(const QByteArray &data, const ParseOptions &options,
                                                XmlError *error)
{
    XmlError ignored;
    XmlError &err = error ? *error : ignored;
    auto doc = std::make_unique<XmlDocument>();
    Parser parser(data, options);
    switch (parser.run(*doc)) {
    case Outcome::Ok:
        return doc;
    case Outcome::Error:
        err = parser.error;
        return nullptr;
    case Outcome::Fallback:
        break;
    }
    const QByteArray utf8 = toUtf8(data, &err);
    if (utf8.isEmpty())
        return nullptr;
    doc = std::make_unique<XmlDocument>();
    Parser again(utf8, options);
    if (again.run(*doc) == Outcome::Ok)
        return doc;
    err = again.error;
    if (err.message.isEmpty())
        err.message = tr("not well-formed XML: the document's encoding cannot be read");
    return nullptr;
}

} // namespace survey::form
