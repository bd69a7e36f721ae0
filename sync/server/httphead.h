// SPDX-License-Identifier: GPL-3.0-or-later
// HTTP/1.1 request framing, read by the server's front before any handler runs: the request
// head (bounded, strict) and chunked bodies. Pure functions over bytes, so they are fuzzed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace survey::server::http {

struct HeadLimits
{
    std::size_t maxHeadBytes = 64 * 1024; ///< request line, headers and the empty line
    std::size_t maxTargetBytes = 8 * 1024;
    std::size_t maxHeaders = 100;
};

struct Head
{
    std::string method;
    std::string target; ///< as sent: path and query
    std::string path;   ///< the target without its query
    std::string version;
    std::vector<std::pair<std::string, std::string>> headers; ///< in order, values trimmed
    std::optional<std::uint64_t> contentLength;
    bool chunked = false;
    bool expectContinue = false;
    bool close = false; ///< the client asked to close the connection after this request

    /// The first value of a header (names compare without case), or empty.
    std::string header(std::string_view name) const;
};

struct HeadResult
{
    enum class Kind { Incomplete, Complete, Refused };
    Kind kind = Kind::Incomplete;
    std::size_t length = 0; ///< Complete: bytes of the head, its empty line included
    int status = 0;         ///< Refused: 400, 414, 431, 501, 505, 417
    std::string reason;     ///< Refused: what is wrong, for the answer
};

/// Reads the request head at the start of `data`. Incomplete while the head may still be
/// coming (within the limits); Refused with a status once it cannot be a good request.
HeadResult parseHead(std::string_view data, const HeadLimits &limits, Head *head);

/// The head cpp-httplib is given once the body has been read: the request line and headers
/// without the framing ones (Transfer-Encoding, Content-Length, Expect) and with the body's
/// real length.
std::string rebuildHead(const Head &head, std::uint64_t bodyLength);

/// Decodes a chunked body as it arrives (RFC 9112 §7.1): chunk sizes, extensions and
/// trailers are read and dropped; the data goes to the sink.
class ChunkDecoder
{
public:
    /// Takes bytes of the body; returns how many belong to it (the rest is the next
    /// request). `sink` gets the decoded data and may refuse it (false: stop, failed()).
    std::size_t feed(std::string_view data, const std::function<bool(std::string_view)> &sink);
    bool done() const { return m_state == State::Done; }
    bool failed() const { return m_state == State::Failed; }

private:
    enum class State { Size, Data, DataEnd, Trailer, Done, Failed };
    bool sizeLine();
    State m_state = State::Size;
    std::string m_line; ///< the size or trailer line read so far (bounded)
    std::uint64_t m_left = 0;
    std::size_t m_trailerBytes = 0;
};

} // namespace survey::server::http
