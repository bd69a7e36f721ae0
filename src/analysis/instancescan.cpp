// SPDX-License-Identifier: GPL-3.0-or-later
#include "instancescan.h"

#include <QCoreApplication>

#include <algorithm>
#include <cstring>
#include <vector>

namespace survey::analysis {

namespace {

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(InstanceScan)
};

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool isNameEnd(char c)
{
    return isSpace(c) || c == '/' || c == '>' || c == '=';
}

void appendUtf8(std::string &out, std::uint32_t code)
{
    if (code < 0x80) {
        out += char(code);
    } else if (code < 0x800) {
        out += char(0xC0 | (code >> 6));
        out += char(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += char(0xE0 | (code >> 12));
        out += char(0x80 | ((code >> 6) & 0x3F));
        out += char(0x80 | (code & 0x3F));
    } else {
        out += char(0xF0 | (code >> 18));
        out += char(0x80 | ((code >> 12) & 0x3F));
        out += char(0x80 | ((code >> 6) & 0x3F));
        out += char(0x80 | (code & 0x3F));
    }
}

class Scanner
{
public:
    Scanner(QByteArrayView xml, InstanceEvents &events, int maxDepth)
        : m_p(xml.data())
        , m_begin(xml.data())
        , m_end(xml.data() + xml.size())
        , m_events(events)
        , m_maxDepth(maxDepth)
    {}

    bool run(QString *error)
    {
        if (m_end - m_p >= 3 && std::memcmp(m_p, "\xEF\xBB\xBF", 3) == 0)
            m_p += 3;
        while (m_p < m_end && m_error.isEmpty()) {
            if (*m_p == '<')
                markup();
            else
                text();
        }
        if (m_error.isEmpty() && !m_names.empty())
            fail(Tr::tr("<%1> is not closed").arg(QString::fromUtf8(m_names.back())));
        if (m_error.isEmpty() && !m_sawRoot)
            fail(Tr::tr("there is no element"));
        if (m_error.isEmpty())
            return true;
        const auto line = 1 + std::count(m_begin, std::min(m_p, m_end), '\n');
        *error = Tr::tr("line %1: %2").arg(line).arg(m_error);
        return false;
    }

private:
    void fail(const QString &what)
    {
        if (m_error.isEmpty())
            m_error = what;
    }

    bool startsWith(const char *s) const
    {
        const auto n = std::ptrdiff_t(std::strlen(s));
        return m_end - m_p >= n && std::memcmp(m_p, s, std::size_t(n)) == 0;
    }

    void skipSpaces()
    {
        while (m_p < m_end && isSpace(*m_p))
            ++m_p;
    }

    /// Moves past `terminator`; false (an error) when the document ends first.
    bool skipPast(const char *terminator)
    {
        const std::string_view rest(m_p, std::size_t(m_end - m_p));
        const auto at = rest.find(terminator);
        if (at == std::string_view::npos) {
            m_p = m_end;
            fail(Tr::tr("the document ends inside markup"));
            return false;
        }
        m_p += at + std::strlen(terminator);
        return true;
    }

    void markup()
    {
        if (startsWith("<!--")) {
            skipPast("-->");
        } else if (startsWith("<![CDATA[")) {
            m_p += 9;
            const char *from = m_p;
            if (skipPast("]]>")) {
                if (m_names.empty())
                    fail(Tr::tr("text outside the root element"));
                else
                    m_texts[m_names.size() - 1].append(from, std::size_t(m_p - 3 - from));
            }
        } else if (startsWith("<!")) {
            fail(Tr::tr("a document type declaration is not allowed"));
        } else if (startsWith("<?")) {
            skipPast("?>");
        } else if (startsWith("</")) {
            endTag();
        } else {
            startTag();
        }
    }

    std::string_view name()
    {
        const char *from = m_p;
        while (m_p < m_end && !isNameEnd(*m_p) && *m_p != '<')
            ++m_p;
        if (m_p == from)
            fail(Tr::tr("a tag without a name"));
        return {from, std::size_t(m_p - from)};
    }

    static std::string_view localName(std::string_view qualified)
    {
        const auto colon = qualified.rfind(':');
        return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
    }

    void startTag()
    {
        ++m_p;
        const std::string_view qualified = name();
        if (!m_error.isEmpty())
            return;
        if (m_names.empty() && m_sawRoot) {
            fail(Tr::tr("a second root element"));
            return;
        }
        // Attributes: name = "value" or 'value'; skipped.
        bool selfClosing = false;
        while (m_error.isEmpty()) {
            skipSpaces();
            if (m_p >= m_end) {
                fail(Tr::tr("the document ends inside a tag"));
                return;
            }
            if (*m_p == '>') {
                ++m_p;
                break;
            }
            if (*m_p == '/' && m_p + 1 < m_end && m_p[1] == '>') {
                m_p += 2;
                selfClosing = true;
                break;
            }
            name();
            skipSpaces();
            if (m_p >= m_end || *m_p != '=') {
                fail(Tr::tr("an attribute without a value"));
                return;
            }
            ++m_p;
            skipSpaces();
            if (m_p >= m_end || (*m_p != '"' && *m_p != '\'')) {
                fail(Tr::tr("an attribute value without quotes"));
                return;
            }
            const char quote[2] = {*m_p++, 0};
            if (!skipPast(quote))
                return;
        }
        if (!m_error.isEmpty())
            return;
        if (int(m_names.size()) >= m_maxDepth) {
            fail(Tr::tr("elements nest more than %1 deep").arg(m_maxDepth));
            return;
        }
        m_sawRoot = true;
        m_names.push_back(qualified);
        if (m_texts.size() < m_names.size())
            m_texts.emplace_back();
        m_texts[m_names.size() - 1].clear();
        m_events.start(localName(qualified));
        if (selfClosing)
            close();
    }

    void endTag()
    {
        m_p += 2;
        const std::string_view qualified = name();
        skipSpaces();
        if (m_p >= m_end || *m_p != '>') {
            fail(Tr::tr("an end tag that is not closed"));
            return;
        }
        ++m_p;
        if (m_names.empty() || m_names.back() != qualified) {
            fail(Tr::tr("</%1> does not close the open element")
                     .arg(QString::fromUtf8(qualified.data(), qsizetype(qualified.size()))));
            return;
        }
        close();
    }

    void close()
    {
        m_events.end(m_texts[m_names.size() - 1]);
        m_names.pop_back();
    }

    void text()
    {
        const char *from = m_p;
        const char *stop =
            static_cast<const char *>(std::memchr(m_p, '<', std::size_t(m_end - m_p)));
        if (!stop)
            stop = m_end;
        if (m_names.empty()) {
            for (const char *c = from; c < stop; ++c) {
                if (!isSpace(*c)) {
                    m_p = c;
                    fail(Tr::tr("text outside the root element"));
                    return;
                }
            }
            m_p = stop;
            return;
        }
        std::string &out = m_texts[m_names.size() - 1];
        while (m_p < stop && m_error.isEmpty()) {
            const char *amp =
                static_cast<const char *>(std::memchr(m_p, '&', std::size_t(stop - m_p)));
            const char *until = amp ? amp : stop;
            out.append(m_p, std::size_t(until - m_p));
            m_p = until;
            if (amp)
                entity(out, stop);
        }
    }

    void entity(std::string &out, const char *stop)
    {
        const char *semicolon =
            static_cast<const char *>(std::memchr(m_p, ';', std::size_t(stop - m_p)));
        if (!semicolon || semicolon - m_p > 12) {
            fail(Tr::tr("an & that does not start an entity"));
            return;
        }
        const std::string_view ref(m_p + 1, std::size_t(semicolon - m_p - 1));
        m_p = semicolon + 1;
        if (ref == "lt")
            out += '<';
        else if (ref == "gt")
            out += '>';
        else if (ref == "amp")
            out += '&';
        else if (ref == "quot")
            out += '"';
        else if (ref == "apos")
            out += '\'';
        else if (ref.size() >= 2 && ref[0] == '#') {
            const bool hex = ref[1] == 'x';
            std::uint32_t code = 0;
            bool ok = ref.size() > (hex ? 2u : 1u);
            for (char c : ref.substr(hex ? 2 : 1)) {
                int digit = -1;
                if (c >= '0' && c <= '9')
                    digit = c - '0';
                else if (hex && c >= 'a' && c <= 'f')
                    digit = c - 'a' + 10;
                else if (hex && c >= 'A' && c <= 'F')
                    digit = c - 'A' + 10;
                ok = ok && digit >= 0;
                code = code * (hex ? 16 : 10) + std::uint32_t(std::max(digit, 0));
                ok = ok && code <= 0x10FFFF;
            }
            if (!ok || code == 0 || (code >= 0xD800 && code <= 0xDFFF)) {
                fail(Tr::tr("&%1; is not a character")
                         .arg(QString::fromUtf8(ref.data(), qsizetype(ref.size()))));
                return;
            }
            appendUtf8(out, code);
        } else {
            fail(Tr::tr("&%1; is not an entity XML defines")
                     .arg(QString::fromUtf8(ref.data(), qsizetype(ref.size()))));
        }
    }

    const char *m_p;
    const char *m_begin;
    const char *m_end;
    InstanceEvents &m_events;
    int m_maxDepth;
    bool m_sawRoot = false;
    std::vector<std::string_view> m_names;
    std::vector<std::string> m_texts; ///< per depth, reused
    QString m_error;
};

} // namespace

bool scanInstance(QByteArrayView xml, InstanceEvents &events, QString *error, int maxDepth)
{
    return Scanner(xml, events, maxDepth).run(error);
}

} // namespace survey::analysis
