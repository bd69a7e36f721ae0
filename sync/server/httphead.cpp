// SPDX-License-Identifier: GPL-3.0-or-later
#include "httphead.h"

#include <algorithm>

namespace survey::server::http {

namespace {

bool isTchar(unsigned char c)
{
    // RFC 9110 token characters.
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsNoCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

/// Whether the comma-separated list `value` holds `token` (without case).
bool listHas(std::string_view value, std::string_view token)
{
    while (!value.empty()) {
        const std::size_t comma = value.find(',');
        if (equalsNoCase(trim(value.substr(0, comma)), token))
            return true;
        if (comma == std::string_view::npos)
            break;
        value.remove_prefix(comma + 1);
    }
    return false;
}

HeadResult refuse(int status, std::string reason)
{
    HeadResult r;
    r.kind = HeadResult::Kind::Refused;
    r.status = status;
    r.reason = std::move(reason);
    return r;
}

} // namespace

std::string Head::header(std::string_view name) const
{
    for (const auto &[n, v] : headers) {
        if (equalsNoCase(n, name))
            return v;
    }
    return {};
}

HeadResult parseHead(std::string_view data, const HeadLimits &limits, Head *head)
{
    // Empty lines before a request are ignored (RFC 9112 §2.2), a few of them.
    std::size_t start = 0;
    for (int i = 0; i < 4 && data.substr(start, 2) == "\r\n"; ++i)
        start += 2;
    const std::size_t end = data.find("\r\n\r\n", start);
    if (end == std::string_view::npos) {
        if (data.size() > limits.maxHeadBytes)
            return refuse(431, "the request head is larger than the server takes");
        // A request line longer than any target the server takes cannot become good.
        const std::size_t firstLine = data.find("\r\n", start);
        if ((firstLine == std::string_view::npos ? data.size() - start : firstLine - start) >
            limits.maxTargetBytes + 64)
            return refuse(414, "the request target is too long");
        return {};
    }
    if (end + 4 > limits.maxHeadBytes)
        return refuse(431, "the request head is larger than the server takes");
    *head = Head();
    std::string_view rest = data.substr(start, end + 2 - start); // lines, each ending in CRLF
    auto nextLine = [&rest]() {
        const std::size_t eol = rest.find("\r\n");
        const std::string_view line = rest.substr(0, eol);
        rest.remove_prefix(eol + 2);
        return line;
    };
    // Request line: METHOD SP TARGET SP HTTP/1.x
    const std::string_view line = nextLine();
    const std::size_t sp1 = line.find(' ');
    const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
        return refuse(400, "the request line is not METHOD TARGET HTTP/1.1");
    const std::string_view method = line.substr(0, sp1);
    const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = line.substr(sp2 + 1);
    if (method.empty() || method.size() > 16 ||
        !std::all_of(method.begin(), method.end(),
                     [](char c) { return isTchar(static_cast<unsigned char>(c)); }))
        return refuse(400, "the request method is malformed");
    if (target.size() > limits.maxTargetBytes)
        return refuse(414, "the request target is too long");
    if (target.empty() || target.front() != '/' ||
        !std::all_of(target.begin(), target.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u > 0x20 && u != 0x7F;
        }))
        return refuse(400, "the request target must be a path");
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
        return refuse(version.substr(0, 5) == "HTTP/" ? 505 : 400,
                      "the server speaks HTTP/1.1 (and 1.0)");
    head->method.assign(method);
    head->target.assign(target);
    head->path.assign(target.substr(0, target.find('?')));
    head->version.assign(version);
    bool keepAlive = false;
    while (!rest.empty()) {
        const std::string_view h = nextLine();
        if (h.front() == ' ' || h.front() == '\t')
            return refuse(400, "folded header lines are not accepted");
        const std::size_t colon = h.find(':');
        if (colon == 0 || colon == std::string_view::npos)
            return refuse(400, "a header line has no name");
        const std::string_view name = h.substr(0, colon);
        if (!std::all_of(name.begin(), name.end(),
                         [](char c) { return isTchar(static_cast<unsigned char>(c)); }))
            return refuse(400, "a header name is malformed");
        const std::string_view value = trim(h.substr(colon + 1));
        if (std::any_of(value.begin(), value.end(), [](char c) {
                const auto u = static_cast<unsigned char>(c);
                return (u < 0x20 && u != '\t') || u == 0x7F;
            }))
            return refuse(400, "a header value holds a control character");
        if (head->headers.size() >= limits.maxHeaders)
            return refuse(431, "the request has too many headers");
        head->headers.emplace_back(std::string(name), std::string(value));
        if (equalsNoCase(name, "Content-Length")) {
            if (value.empty() || value.size() > 18 ||
                !std::all_of(value.begin(), value.end(),
                             [](char c) { return c >= '0' && c <= '9'; }))
                return refuse(400, "the Content-Length is not a number");
            const std::uint64_t n = std::stoull(std::string(value));
            if (head->contentLength && *head->contentLength != n)
                return refuse(400, "two different Content-Length headers");
            head->contentLength = n;
        } else if (equalsNoCase(name, "Transfer-Encoding")) {
            if (!equalsNoCase(value, "chunked") || head->chunked)
                return refuse(501, "the only transfer coding taken is one 'chunked'");
            head->chunked = true;
        } else if (equalsNoCase(name, "Connection")) {
            head->close = head->close || listHas(value, "close");
            keepAlive = keepAlive || listHas(value, "keep-alive");
        } else if (equalsNoCase(name, "Expect")) {
            if (!equalsNoCase(value, "100-continue"))
                return refuse(417, "the only expectation taken is 100-continue");
            head->expectContinue = true;
        }
    }
    // A length given both ways is how requests are smuggled past proxies: refused.
    if (head->chunked && head->contentLength)
        return refuse(400, "a request may not have both Content-Length and Transfer-Encoding");
    if (version == "HTTP/1.0" && !keepAlive)
        head->close = true;
    HeadResult r;
    r.kind = HeadResult::Kind::Complete;
    r.length = end + 4;
    return r;
}

std::string rebuildHead(const Head &head, std::uint64_t bodyLength)
{
    std::string out = head.method + ' ' + head.target + ' ' + head.version + "\r\n";
    for (const auto &[name, value] : head.headers) {
        if (equalsNoCase(name, "Content-Length") || equalsNoCase(name, "Transfer-Encoding") ||
            equalsNoCase(name, "Expect"))
            continue;
        out += name + ": " + value + "\r\n";
    }
    out += "Content-Length: " + std::to_string(bodyLength) + "\r\n\r\n";
    return out;
}

bool ChunkDecoder::sizeLine()
{
    // HEX [; extensions]: the extensions are ignored.
    std::string_view line(m_line);
    line = line.substr(0, line.find(';'));
    line = trim(line);
    if (line.empty() || line.size() > 15)
        return false;
    std::uint64_t n = 0;
    for (const char c : line) {
        const char l = lower(c);
        const int digit = l >= '0' && l <= '9' ? l - '0' : l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
        if (digit < 0)
            return false;
        n = n * 16 + static_cast<std::uint64_t>(digit);
    }
    m_left = n;
    m_state = n == 0 ? State::Trailer : State::Data;
    m_line.clear();
    return true;
}

std::size_t ChunkDecoder::feed(std::string_view data,
                               const std::function<bool(std::string_view)> &sink)
{
    constexpr std::size_t kMaxLine = 1024;
    constexpr std::size_t kMaxTrailers = 8 * 1024;
    std::size_t used = 0;
    while (used < data.size() && m_state != State::Done && m_state != State::Failed) {
        const char c = data[used];
        switch (m_state) {
        case State::Size:
            ++used;
            if (c == '\n') {
                if (m_line.empty() || m_line.back() != '\r') {
                    m_state = State::Failed;
                    break;
                }
                m_line.pop_back();
                if (!sizeLine())
                    m_state = State::Failed;
            } else if (m_line.size() >= kMaxLine) {
                m_state = State::Failed;
            } else {
                m_line += c;
            }
            break;
        case State::Data: {
            const std::size_t n =
                static_cast<std::size_t>(std::min<std::uint64_t>(m_left, data.size() - used));
            if (!sink(data.substr(used, n))) {
                m_state = State::Failed;
                break;
            }
            used += n;
            m_left -= n;
            if (m_left == 0)
                m_state = State::DataEnd;
            break;
        }
        case State::DataEnd:
            // CRLF after the chunk's data.
            ++used;
            m_line += c;
            if (m_line.size() == 2) {
                m_state = m_line == "\r\n" ? State::Size : State::Failed;
                m_line.clear();
            }
            break;
        case State::Trailer:
            ++used;
            if (++m_trailerBytes > kMaxTrailers) {
                m_state = State::Failed;
                break;
            }
            m_line += c;
            if (c == '\n') {
                if (m_line.size() < 2 || m_line[m_line.size() - 2] != '\r')
                    m_state = State::Failed;
                else if (m_line == "\r\n")
                    m_state = State::Done;
                m_line.clear();
            }
            break;
        case State::Done:
        case State::Failed:
            break;
        }
    }
    return used;
}

} // namespace survey::server::http
