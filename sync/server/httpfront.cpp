// SPDX-License-Identifier: GPL-3.0-or-later
// The server's front: one epoll thread owns every connection; workers only ever see
// complete requests. See httpfront.h.
#include "httpfront.h"

#include "spool.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace survey::server {

namespace {

using Clock = std::chrono::steady_clock;

/// A request's head and body, read by a worker through cpp-httplib; the response it
/// writes goes to a spool.
class SpoolStream : public httplib::Stream
{
public:
    SpoolStream(const std::string &head, const Spool *body, Spool &out, std::string peer,
                int peerPort, std::string local, int localPort)
        : m_head(head)
        , m_body(body)
        , m_out(out)
        , m_peer(std::move(peer))
        , m_peerPort(peerPort)
        , m_local(std::move(local))
        , m_localPort(localPort)
    {}
    bool is_readable() const override { return true; }
    bool is_writable() const override { return !m_out.failed(); }
    ssize_t read(char *ptr, size_t size) override
    {
        if (m_pos < m_head.size()) {
            const std::size_t n = std::min(size, m_head.size() - m_pos);
            m_head.copy(ptr, n, m_pos);
            m_pos += n;
            return static_cast<ssize_t>(n);
        }
        const std::size_t n = m_body ? m_body->read(m_pos - m_head.size(), ptr, size) : 0;
        m_pos += n;
        return static_cast<ssize_t>(n);
    }
    ssize_t write(const char *ptr, size_t size) override
    {
        if (m_first) {
            // cpp-httplib writes the status line and headers in one piece: a handler that
            // asked to close the connection said so there.
            m_first = false;
            const std::string_view head(ptr, size);
            m_close = head.find("\r\nConnection: close\r\n") != std::string_view::npos;
        }
        return m_out.append(ptr, size) ? static_cast<ssize_t>(size) : -1;
    }
    void get_remote_ip_and_port(std::string &ip, int &port) const override
    {
        ip = m_peer;
        port = m_peerPort;
    }
    void get_local_ip_and_port(std::string &ip, int &port) const override
    {
        ip = m_local;
        port = m_localPort;
    }
    socket_t socket() const override { return INVALID_SOCKET; }
    bool asksToClose() const { return m_close; }

private:
    const std::string &m_head;
    const Spool *m_body;
    Spool &m_out;
    std::string m_peer;
    int m_peerPort;
    std::string m_local;
    int m_localPort;
    std::size_t m_pos = 0;
    bool m_first = true;
    bool m_close = false;
};

/// Where a connection is: its TLS handshake, reading a request's head or body, waiting
/// for a worker (admitting a large body or serving), writing, or, after a refusal that left
/// a body unread, lingering: reading and dropping what the client still sends, so that
/// closing does not reset the connection before the client has read the refusal.
enum class State { Handshake, Head, Admit, Body, Work, Write, Linger };

struct Connection
{
    std::uint64_t id = 0;
    int fd = -1;
    bool idle = false;   ///< kept open, waiting for a next request (no byte of it yet)
    bool hungUp = false; ///< the peer went away while a worker had its request
    bool unread = false; ///< part of the request body was never read
    SSL *ssl = nullptr;
    std::string peer;
    int peerPort = 0;
    std::string local;
    int localPort = 0;
    State state = State::Head;
    State afterWrite = State::Head; ///< what follows the bytes being written
    bool closeAfterWrite = false;
    std::string in; ///< bytes read and not yet used
    http::Head head;
    std::uint64_t cap = 0;
    std::uint64_t bodyLeft = 0; ///< with a Content-Length
    http::ChunkDecoder chunks;
    std::unique_ptr<Spool> body;
    std::unique_ptr<Spool> out;
    std::size_t sent = 0;
    Clock::time_point deadline;
    int served = 0;
    std::uint32_t events = 0; ///< what epoll watches for now
};

/// Work for a worker and, once done, its result for the front.
struct Job
{
    std::uint64_t connection = 0;
    bool admitOnly = false;
    http::Head head;
    std::string peer;
    int peerPort = 0;
    std::string local;
    int localPort = 0;
    std::string rebuiltHead;
    std::unique_ptr<Spool> body;
    std::unique_ptr<Spool> out;
    bool closeAfter = false;
    // Results:
    std::optional<std::string> refusal; ///< admission refused: this response
    bool keep = false;                  ///< served: the connection may stay
};

std::string sslErrors()
{
    std::string out;
    while (const unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        out += out.empty() ? "" : "; ";
        out += buf;
    }
    return out;
}

} // namespace

struct HttpFront::Impl
{
    Options options;
    FrontApp &app;
    int listenFd = -1;
    int epollFd = -1;
    int wakeFd = -1; ///< eventfd: workers finished something, or stop()
    SSL_CTX *tls = nullptr;
    std::atomic<bool> stopping{false};
    std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections;
    std::unordered_map<int, std::uint64_t> byFd;
    std::unordered_map<std::string, int> perAddress;
    std::uint64_t nextId = 1;
    // Workers.
    std::mutex mutex;
    std::condition_variable work;
    std::deque<std::unique_ptr<Job>> todo;
    std::vector<std::unique_ptr<Job>> finished;
    std::vector<std::thread> workers;

    Impl(Options o, FrontApp &a)
        : options(std::move(o))
        , app(a)
    {}

    ~Impl()
    {
        {
            std::lock_guard lock(mutex);
            stopping = true;
        }
        work.notify_all();
        for (std::thread &t : workers)
            t.join();
        for (auto &[id, c] : connections)
            closeSocket(*c);
        for (int fd : {listenFd, epollFd, wakeFd}) {
            if (fd >= 0)
                ::close(fd);
        }
        if (tls)
            SSL_CTX_free(tls);
    }

    bool loadTls(const std::string &certFile, const std::string &keyFile, std::string *error)
    {
        tls = SSL_CTX_new(TLS_server_method());
        if (!tls) {
            *error = sslErrors();
            return false;
        }
        // TLS 1.2 and 1.3 only; for 1.2 only forward-secret AEAD suites (1.3's are all).
        SSL_CTX_set_min_proto_version(tls, TLS1_2_VERSION);
        SSL_CTX_set_options(tls, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                     SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
        SSL_CTX_set_mode(tls, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        if (SSL_CTX_set_cipher_list(
                tls, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                     "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                     "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") != 1 ||
            SSL_CTX_use_certificate_chain_file(tls, certFile.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(tls, keyFile.c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(tls) != 1) {
            *error = sslErrors();
            return false;
        }
        return true;
    }

    // ---- workers ----

    void startWorkers()
    {
        for (int i = 0; i < std::max(1, options.workers); ++i)
            workers.emplace_back([this] { workerLoop(); });
    }

    void workerLoop()
    {
        for (;;) {
            std::unique_ptr<Job> job;
            {
                std::unique_lock lock(mutex);
                work.wait(lock, [this] { return stopping || !todo.empty(); });
                if (stopping)
                    return;
                job = std::move(todo.front());
                todo.pop_front();
            }
            if (job->admitOnly) {
                job->refusal = app.admit(job->head, job->peer);
            } else {
                SpoolStream stream(job->rebuiltHead, job->body.get(), *job->out, job->peer,
                                   job->peerPort, job->local, job->localPort);
                const bool keep = app.serve(stream, job->closeAfter);
                job->keep = keep && !stream.asksToClose() && !job->out->failed();
                job->body.reset(); // its file goes now, not when the answer is sent
            }
            {
                std::lock_guard lock(mutex);
                finished.push_back(std::move(job));
            }
            const std::uint64_t one = 1;
            [[maybe_unused]] const ssize_t n = ::write(wakeFd, &one, sizeof one);
        }
    }

    void post(std::unique_ptr<Job> job)
    {
        {
            std::lock_guard lock(mutex);
            todo.push_back(std::move(job));
        }
        work.notify_one();
    }

    // ---- connections ----

    void watch(Connection &c, std::uint32_t events)
    {
        if (c.events == events)
            return;
        epoll_event ev{};
        ev.events = events;
        ev.data.u64 = c.id;
        epoll_ctl(epollFd, EPOLL_CTL_MOD, c.fd, &ev);
        c.events = events;
    }

    void closeSocket(Connection &c)
    {
        if (c.ssl) {
            SSL_shutdown(c.ssl); // best effort, never waited for
            SSL_free(c.ssl);
            c.ssl = nullptr;
        }
        if (c.fd >= 0) {
            epoll_ctl(epollFd, EPOLL_CTL_DEL, c.fd, nullptr);
            ::close(c.fd);
            byFd.erase(c.fd);
            c.fd = -1;
        }
    }

    void drop(Connection &c)
    {
        if (auto it = perAddress.find(c.peer); it != perAddress.end() && --it->second <= 0)
            perAddress.erase(it);
        closeSocket(c);
        connections.erase(c.id); // c is gone after this
    }

    /// Reads what is there (up to `limit` bytes) into c.in: >0 bytes read, 0 the peer
    /// closed, -1 nothing now, -2 a failure.
    ssize_t readSome(Connection &c, std::size_t limit)
    {
        char buf[16 * 1024];
        const std::size_t want = std::min(sizeof buf, limit);
        if (want == 0)
            return -1;
        if (c.ssl) {
            const int n = SSL_read(c.ssl, buf, static_cast<int>(want));
            if (n > 0) {
                c.in.append(buf, static_cast<std::size_t>(n));
                return n;
            }
            const int e = SSL_get_error(c.ssl, n);
            if (e == SSL_ERROR_WANT_READ)
                return -1;
            if (e == SSL_ERROR_WANT_WRITE) {
                watch(c, EPOLLIN | EPOLLOUT);
                return -1;
            }
            ERR_clear_error();
            return e == SSL_ERROR_ZERO_RETURN ? 0 : -2;
        }
        for (;;) {
            const ssize_t n = ::recv(c.fd, buf, want, 0);
            if (n > 0) {
                c.in.append(buf, static_cast<std::size_t>(n));
                return n;
            }
            if (n == 0)
                return 0;
            if (errno == EINTR)
                continue;
            return errno == EAGAIN || errno == EWOULDBLOCK ? -1 : -2;
        }
    }

    /// Writes from c.out: true while the connection lives on.
    bool writeSome(Connection &c)
    {
        char buf[64 * 1024];
        while (c.sent < c.out->size()) {
            const std::size_t n = c.out->read(c.sent, buf, sizeof buf);
            if (n == 0)
                return false;
            ssize_t w;
            if (c.ssl) {
                const int r = SSL_write(c.ssl, buf, static_cast<int>(n));
                if (r <= 0) {
                    const int e = SSL_get_error(c.ssl, r);
                    ERR_clear_error();
                    if (e == SSL_ERROR_WANT_WRITE) {
                        watch(c, EPOLLOUT);
                        return true;
                    }
                    if (e == SSL_ERROR_WANT_READ) {
                        watch(c, EPOLLIN);
                        return true;
                    }
                    return false;
                }
                w = r;
            } else {
                w = ::send(c.fd, buf, n, MSG_NOSIGNAL);
                if (w < 0 && errno == EINTR)
                    continue;
                if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                    watch(c, EPOLLOUT);
                    return true;
                }
                if (w <= 0)
                    return false;
            }
            c.sent += static_cast<std::size_t>(w);
            c.deadline = Clock::now() + std::chrono::milliseconds(options.ioTimeoutMs);
        }
        // All written.
        c.out.reset();
        c.sent = 0;
        if (c.closeAfterWrite)
            return linger(c);
        c.state = c.afterWrite;
        if (c.state == State::Head)
            startHead(c, false);
        else
            c.deadline = Clock::now() + std::chrono::milliseconds(options.ioTimeoutMs);
        watch(c, EPOLLIN);
        return advance(c);
    }

    /// Queues bytes to send; `close` ends the connection once they are out.
    bool send(Connection &c, std::string bytes, bool close, State next = State::Head)
    {
        c.out = std::make_unique<Spool>(options.tempDir, options.memoryBody);
        c.out->append(bytes.data(), bytes.size());
        c.sent = 0;
        c.closeAfterWrite = close;
        c.afterWrite = next;
        c.state = State::Write;
        c.deadline = Clock::now() + std::chrono::milliseconds(options.ioTimeoutMs);
        return writeSome(c);
    }

    bool refuse(Connection &c, int status, const std::string &reason, bool withHead)
    {
        c.unread = true;
        return send(c, app.refusal(withHead ? &c.head : nullptr, status, reason), true);
    }

    /// After a refusal: the answer is out; the client may still be sending the body it was
    /// refused. Its bytes are read and dropped for a short while before closing.
    bool linger(Connection &c)
    {
        if (!c.unread)
            return false;
        if (c.ssl)
            SSL_shutdown(c.ssl);
        ::shutdown(c.fd, SHUT_WR);
        c.state = State::Linger;
        c.deadline = Clock::now() + std::chrono::milliseconds(2000);
        watch(c, EPOLLIN);
        return true;
    }

    bool drain(Connection &c)
    {
        char buf[64 * 1024];
        for (;;) {
            const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
            if (n > 0)
                continue;
            if (n < 0 && errno == EINTR)
                continue;
            return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        }
    }

    void startHead(Connection &c, bool fresh)
    {
        c.state = State::Head;
        c.head = http::Head();
        c.body.reset();
        c.chunks = http::ChunkDecoder();
        // A new connection must send its whole head within the head deadline, counted from
        // the connection; a kept one first waits idle, then the same from its first byte.
        c.idle = !fresh && c.in.empty();
        c.deadline = Clock::now() + std::chrono::milliseconds(c.idle ? options.idleTimeoutMs
                                                                     : options.headTimeoutMs);
    }

    /// Moves the connection on with what it has read; false when it is to be dropped.
    bool advance(Connection &c)
    {
        for (;;) {
            switch (c.state) {
            case State::Handshake:
            case State::Admit:
            case State::Work:
            case State::Write:
            case State::Linger:
                return true;
            case State::Head: {
                if (c.in.empty())
                    return true;
                http::HeadLimits limits;
                const http::HeadResult r = http::parseHead(c.in, limits, &c.head);
                if (r.kind == http::HeadResult::Kind::Incomplete)
                    return true;
                if (r.kind == http::HeadResult::Kind::Refused)
                    return refuse(c, r.status, r.reason, false);
                c.in.erase(0, r.length);
                c.cap = app.bodyCap(c.head);
                const std::uint64_t length = c.head.contentLength.value_or(0);
                if (!c.head.chunked && length > c.cap)
                    return refuse(c, 413, "the body is larger than this request may carry", true);
                c.bodyLeft = length;
                c.body = std::make_unique<Spool>(options.tempDir, options.memoryBody);
                if ((c.head.chunked || length > options.smallBody) && c.cap > options.smallBody) {
                    // A large body is read only once its sender is known (a small cap needs
                    // no such care: a sign-in's body comes before anyone is known).
                    auto job = std::make_unique<Job>();
                    job->connection = c.id;
                    job->admitOnly = true;
                    job->head = c.head;
                    job->peer = c.peer;
                    c.state = State::Admit;
                    watch(c, 0);
                    post(std::move(job));
                    return true;
                }
                c.state = State::Body;
                c.deadline = Clock::now() + std::chrono::milliseconds(options.ioTimeoutMs);
                break;
            }
            case State::Body: {
                bool tooLarge = false;
                if (c.head.chunked) {
                    const std::size_t used = c.chunks.feed(c.in, [&](std::string_view data) {
                        if (c.body->size() + data.size() > c.cap) {
                            tooLarge = true;
                            return false;
                        }
                        return c.body->append(data.data(), data.size());
                    });
                    c.in.erase(0, used);
                    if (tooLarge)
                        return refuse(c, 413, "the body is larger than this request may carry",
                                      true);
                    if (c.chunks.failed() && !c.body->failed())
                        return refuse(c, 400, "the chunked body is malformed", true);
                } else {
                    const std::size_t n =
                        static_cast<std::size_t>(std::min<std::uint64_t>(c.bodyLeft, c.in.size()));
                    c.body->append(c.in.data(), n);
                    c.in.erase(0, n);
                    c.bodyLeft -= n;
                }
                if (c.body->failed())
                    return refuse(c, 507, "the server has no room for the request", true);
                if (c.head.chunked ? !c.chunks.done() : c.bodyLeft > 0)
                    return true; // more to come
                serve(c);
                return true;
            }
            }
        }
    }

    void serve(Connection &c)
    {
        auto job = std::make_unique<Job>();
        job->connection = c.id;
        job->peer = c.peer;
        job->peerPort = c.peerPort;
        job->local = c.local;
        job->localPort = c.localPort;
        job->rebuiltHead = http::rebuildHead(c.head, c.body->size());
        job->body = std::move(c.body);
        job->out = std::make_unique<Spool>(options.tempDir, options.memoryBody);
        job->closeAfter =
            c.head.close || ++c.served >= options.maxRequestsPerConnection || stopping;
        c.state = State::Work;
        watch(c, 0);
        post(std::move(job));
    }

    /// Input for a connection that waits for bytes: read, then move on.
    bool onReadable(Connection &c)
    {
        if (c.state == State::Handshake)
            return handshake(c);
        if (c.state == State::Write)
            return writeSome(c); // TLS wanted to read in the middle of a write
        if (c.state == State::Linger)
            return drain(c);
        if (c.state != State::Head && c.state != State::Body)
            return true;
        const std::size_t maxHead = http::HeadLimits().maxHeadBytes;
        for (;;) {
            const std::size_t limit =
                c.state == State::Head ? maxHead + 1 - std::min(c.in.size(), maxHead) : 256 * 1024;
            const ssize_t n = readSome(c, limit);
            if (n == 0 || n == -2)
                return false;
            if (n == -1)
                return true;
            if (c.events & EPOLLOUT)
                watch(c, EPOLLIN); // TLS had wanted to write to read: no longer
            if (c.state == State::Head && c.idle) {
                c.idle = false;
                c.deadline = Clock::now() + std::chrono::milliseconds(options.headTimeoutMs);
            }
            if (c.state == State::Body)
                c.deadline = Clock::now() + std::chrono::milliseconds(options.ioTimeoutMs);
            if (!advance(c))
                return false;
            if (c.state != State::Head && c.state != State::Body)
                return true;
        }
    }

    bool handshake(Connection &c)
    {
        const int r = SSL_do_handshake(c.ssl);
        if (r == 1) {
            startHead(c, true);
            watch(c, EPOLLIN);
            return onReadable(c);
        }
        const int e = SSL_get_error(c.ssl, r);
        ERR_clear_error();
        if (e == SSL_ERROR_WANT_READ) {
            watch(c, EPOLLIN);
            return true;
        }
        if (e == SSL_ERROR_WANT_WRITE) {
            watch(c, EPOLLOUT);
            return true;
        }
        return false;
    }

    void accept()
    {
        for (;;) {
            sockaddr_storage addr{};
            socklen_t len = sizeof addr;
            const int fd = ::accept4(listenFd, reinterpret_cast<sockaddr *>(&addr), &len,
                                     SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0)
                return; // EAGAIN, or out of descriptors: the rest wait in the backlog
            char ip[INET6_ADDRSTRLEN] = {};
            int port = 0;
            if (addr.ss_family == AF_INET) {
                const auto *a = reinterpret_cast<const sockaddr_in *>(&addr);
                inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
                port = ntohs(a->sin_port);
            } else if (addr.ss_family == AF_INET6) {
                const auto *a = reinterpret_cast<const sockaddr_in6 *>(&addr);
                inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
                port = ntohs(a->sin6_port);
            }
            const int yes = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
            if (static_cast<int>(connections.size()) >= options.maxConnections &&
                !closeOldestIdle()) {
                ::close(fd); // full: the client may try again
                continue;
            }
            int &fromThere = perAddress[ip];
            if (options.maxPerAddress > 0 && fromThere >= options.maxPerAddress) {
                // Told in plain HTTP when it fits in the socket at once; never waited for.
                if (!tls) {
                    const std::string r = app.refusal(
                        nullptr, 503, "too many connections from your address; try again later");
                    [[maybe_unused]] const ssize_t n =
                        ::send(fd, r.data(), r.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
                }
                ::close(fd);
                continue;
            }
            ++fromThere;
            auto c = std::make_unique<Connection>();
            c->id = nextId++;
            c->fd = fd;
            c->peer = ip;
            c->peerPort = port;
            sockaddr_storage local{};
            socklen_t localLen = sizeof local;
            if (getsockname(fd, reinterpret_cast<sockaddr *>(&local), &localLen) == 0 &&
                local.ss_family == AF_INET) {
                const auto *a = reinterpret_cast<const sockaddr_in *>(&local);
                char lip[INET_ADDRSTRLEN] = {};
                inet_ntop(AF_INET, &a->sin_addr, lip, sizeof lip);
                c->local = lip;
                c->localPort = ntohs(a->sin_port);
            }
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.u64 = c->id;
            c->events = EPOLLIN;
            epoll_ctl(epollFd, EPOLL_CTL_ADD, fd, &ev);
            byFd[fd] = c->id;
            Connection &conn = *c;
            connections.emplace(c->id, std::move(c));
            startHead(conn, true);
            if (tls) {
                conn.ssl = SSL_new(tls);
                SSL_set_fd(conn.ssl, fd);
                SSL_set_accept_state(conn.ssl);
                conn.state = State::Handshake;
            }
        }
    }

    /// Makes room for a new connection by closing the kept one idle longest.
    bool closeOldestIdle()
    {
        Connection *oldest = nullptr;
        for (auto &[id, c] : connections) {
            if (c->state == State::Head && c->in.empty() && c->served > 0 &&
                (!oldest || c->deadline < oldest->deadline))
                oldest = c.get();
        }
        if (!oldest)
            return false;
        drop(*oldest);
        return true;
    }

    void onFinished()
    {
        std::uint64_t count = 0;
        [[maybe_unused]] const ssize_t n = ::read(wakeFd, &count, sizeof count);
        std::vector<std::unique_ptr<Job>> done;
        {
            std::lock_guard lock(mutex);
            done.swap(finished);
        }
        for (auto &job : done) {
            const auto it = connections.find(job->connection);
            if (it == connections.end())
                continue;
            Connection &c = *it->second;
            if (c.hungUp) {
                drop(c);
                continue;
            }
            bool alive = true;
            if (job->admitOnly) {
                if (job->refusal) {
                    alive = send(c, std::move(*job->refusal), true);
                } else if (c.head.expectContinue) {
                    c.deadline = Clock::now() + std::chrono::milliseconds(options.ioTimeoutMs);
                    alive = send(c, "HTTP/1.1 100 Continue\r\n\r\n", false, State::Body);
                } else {
                    c.state = State::Body;
                    c.deadline = Clock::now() + std::chrono::milliseconds(options.ioTimeoutMs);
                    watch(c, EPOLLIN);
                    alive = advance(c) && onReadable(c);
                }
            } else {
                c.out = std::move(job->out);
                c.sent = 0;
                c.closeAfterWrite = !job->keep;
                c.afterWrite = State::Head;
                c.state = State::Write;
                c.deadline = Clock::now() + std::chrono::milliseconds(options.ioTimeoutMs);
                alive = writeSome(c) && (c.state != State::Head || onReadable(c));
            }
            if (!alive)
                dropById(job->connection);
        }
    }

    void dropById(std::uint64_t id)
    {
        const auto it = connections.find(id);
        if (it != connections.end())
            drop(*it->second);
    }

    void expire()
    {
        const auto now = Clock::now();
        std::vector<std::uint64_t> late;
        for (auto &[id, c] : connections) {
            if (c->state != State::Admit && c->state != State::Work && c->deadline <= now)
                late.push_back(id);
        }
        for (const std::uint64_t id : late) {
            Connection &c = *connections.at(id);
            // A request left half-sent is told so (best effort); an idle one just closes.
            if (!c.ssl && ((c.state == State::Head && !c.in.empty()) || c.state == State::Body)) {
                const std::string r = app.refusal(c.state == State::Body ? &c.head : nullptr, 408,
                                                  "the request came too slowly");
                [[maybe_unused]] const ssize_t n =
                    ::send(c.fd, r.data(), r.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            }
            drop(c);
        }
    }

    bool run()
    {
        startWorkers();
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = 0; // the listening socket
        epoll_ctl(epollFd, EPOLL_CTL_ADD, listenFd, &ev);
        ev.data.u64 = UINT64_MAX; // workers' wake-ups and stop()
        epoll_ctl(epollFd, EPOLL_CTL_ADD, wakeFd, &ev);
        std::vector<epoll_event> events(256);
        auto nextExpiry = Clock::now();
        while (!stopping) {
            const int n = epoll_wait(epollFd, events.data(), static_cast<int>(events.size()), 250);
            if (n < 0 && errno != EINTR)
                return false;
            for (int i = 0; i < n; ++i) {
                const std::uint64_t id = events[static_cast<std::size_t>(i)].data.u64;
                const std::uint32_t what = events[static_cast<std::size_t>(i)].events;
                if (id == 0) {
                    accept();
                    continue;
                }
                if (id == UINT64_MAX) {
                    onFinished();
                    continue;
                }
                const auto it = connections.find(id);
                if (it == connections.end())
                    continue;
                Connection &c = *it->second;
                bool alive = true;
                if (what & (EPOLLERR | EPOLLHUP)) {
                    // While a worker has its request, the connection waits for it, out of
                    // epoll (a hang-up is reported again and again otherwise).
                    alive = c.state == State::Admit || c.state == State::Work;
                    if (alive) {
                        epoll_ctl(epollFd, EPOLL_CTL_DEL, c.fd, nullptr);
                        c.hungUp = true;
                    }
                } else if ((what & EPOLLOUT) && c.state == State::Write) {
                    alive = writeSome(c);
                } else if ((what & EPOLLOUT) && c.state == State::Handshake) {
                    alive = handshake(c);
                } else if (what & (EPOLLIN | EPOLLOUT)) {
                    alive = onReadable(c);
                }
                if (!alive)
                    dropById(id);
            }
            if (Clock::now() >= nextExpiry) {
                expire();
                nextExpiry = Clock::now() + std::chrono::milliseconds(250);
            }
        }
        return true;
    }
};

HttpFront::HttpFront(Options options, FrontApp &app)
    : d(std::make_unique<Impl>(std::move(options), app))
{}

HttpFront::~HttpFront() = default;

bool HttpFront::useTls(const std::string &certFile, const std::string &keyFile, std::string *error)
{
    return d->loadTls(certFile, keyFile, error);
}

int HttpFront::bind(std::string *error)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo *found = nullptr;
    const std::string port = std::to_string(d->options.port);
    if (getaddrinfo(d->options.host.c_str(), port.c_str(), &hints, &found) != 0 || !found) {
        *error = "cannot resolve " + d->options.host;
        return -1;
    }
    int fd = -1;
    for (addrinfo *a = found; a && fd < 0; a = a->ai_next) {
        fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        // SO_REUSEADDR only: SO_REUSEPORT would let a second server on the port silently
        // take half the devices.
        const int yes = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
        if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, SOMAXCONN) != 0) {
            ::close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(found);
    if (fd < 0) {
        *error = "cannot listen on " + d->options.host + ":" + port + ": " + std::strerror(errno);
        return -1;
    }
    d->listenFd = fd;
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    getsockname(fd, reinterpret_cast<sockaddr *>(&bound), &len);
    const int boundPort = bound.ss_family == AF_INET6
                              ? ntohs(reinterpret_cast<sockaddr_in6 *>(&bound)->sin6_port)
                              : ntohs(reinterpret_cast<sockaddr_in *>(&bound)->sin_port);
    d->epollFd = epoll_create1(EPOLL_CLOEXEC);
    d->wakeFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (d->epollFd < 0 || d->wakeFd < 0) {
        *error = std::string("cannot set up the event loop: ") + std::strerror(errno);
        return -1;
    }
    // Each connection is a descriptor: take all the process may have.
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }
    if (getrlimit(RLIMIT_NOFILE, &files) == 0)
        d->options.maxConnections =
            std::clamp<int>(static_cast<int>(std::min<rlim_t>(files.rlim_cur, 1 << 20)) - 64, 16,
                            d->options.maxConnections);
    return boundPort;
}

bool HttpFront::run()
{
    return d->listenFd >= 0 && d->run();
}

void HttpFront::stop()
{
    d->stopping = true;
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(d->wakeFd, &one, sizeof one);
}

} // namespace survey::server
