// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "httphead.h"

#include <httplib.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace survey::server {

/// What the front asks of the server behind it.
class FrontApp
{
public:
    virtual ~FrontApp() = default;
    /// The most body bytes this request may carry, decided from its head alone (before any
    /// sign-in is checked and before a byte of body is read).
    virtual std::uint64_t bodyCap(const http::Head &head) const = 0;
    /// For a request with a large body, before the body is read: nothing when it may send
    /// it, else the whole response refusing it (the connection then closes). Runs on a
    /// worker thread: it may check a password.
    virtual std::optional<std::string> admit(const http::Head &head, const std::string &peer) = 0;
    /// The whole response for a refusal the front makes itself (400, 408, 413, 431, 503…).
    virtual std::string refusal(const http::Head *head, int status,
                                const std::string &reason) const = 0;
    /// Serves one request whose head and body `stream` gives, writing the whole response to
    /// it. Returns whether the connection may be kept for another request.
    virtual bool serve(httplib::Stream &stream, bool closeAfter) = 0;
};

/// The server's front: owns the listening socket and every connection, on one thread with
/// epoll. It reads request heads and bodies itself, with deadlines, caps and a limit of
/// connections per client address, and hands a request to a worker only once it is
/// complete; the worker's response is spooled and sent back by the front. So slow or idle
/// clients hold a connection, never a worker, and no body is buffered beyond its cap or
/// (when large) before its sender is signed in. TLS is terminated here too.
class HttpFront
{
public:
    struct Options
    {
        std::string host = "127.0.0.1";
        int port = 0;               ///< 0: any free port
        std::string tempDir;        ///< where large bodies and responses are spooled
        int workers = 8;            ///< requests served at once
        int headTimeoutMs = 30'000; ///< the whole request head must arrive within this
        int idleTimeoutMs = 5'000;  ///< a kept connection with no new request is closed
        int ioTimeoutMs = 30'000; ///< no body byte received (or response byte taken) for this long
        int maxConnections = 10'000;
        int maxPerAddress = 64;              ///< connections from one client address (0: no limit)
        std::size_t smallBody = 64 * 1024;   ///< larger bodies are read only once admitted
        std::size_t memoryBody = 256 * 1024; ///< larger bodies and responses go to a file
        int maxRequestsPerConnection = 1000;
    };

    HttpFront(Options options, FrontApp &app);
    ~HttpFront();
    HttpFront(const HttpFront &) = delete;
    HttpFront &operator=(const HttpFront &) = delete;

    /// Serves HTTPS with this certificate (chain) and key, both PEM files: TLS 1.2 or 1.3,
    /// forward-secret ciphers only. False with `error` when they cannot be used.
    bool useTls(const std::string &certFile, const std::string &keyFile, std::string *error);
    /// Binds; returns the port, or -1 with `error`.
    int bind(std::string *error);
    /// Serves until stop(); returns false if it could not run.
    bool run();
    /// Stops run() from any thread.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace survey::server
