// SPDX-License-Identifier: GPL-3.0-or-later
// How a request reaches the handlers: the front's questions answered (how much body a
// request may carry, whether a large body may be sent, how a refusal reads), the routes
// registered on cpp-httplib's router, and binding, serving and stopping.
#include "openrosa.h"
#include "serverimpl.h"

#include <QDir>
#include <QFile>

#include <regex>

namespace survey::server {

using namespace detail;

namespace {

const char *statusText(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Payload Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 417:
        return "Expectation Failed";
    case 431:
        return "Request Header Fields Too Large";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    case 507:
        return "Insufficient Storage";
    default:
        return "Error";
    }
}

bool endsWith(const std::string &s, std::string_view tail)
{
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// The paths OpenRosa clients (ODK Collect, our app) use: their errors are OpenRosa XML.
bool openRosaPath(const std::string &path)
{
    return endsWith(path, "/formList") || endsWith(path, "/submission") || endsWith(path, ".xml") ||
           endsWith(path, "/manifest");
}

/// The request cpp-httplib would have made of `head`, for the sign-in checks.
httplib::Request requestFrom(const http::Head &head, const std::string &peer)
{
    httplib::Request req;
    req.method = head.method;
    req.path = head.path;
    req.target = head.target;
    req.remote_addr = peer;
    for (const auto &[name, value] : head.headers)
        req.headers.emplace(name, value);
    return req;
}

} // namespace

std::string detail::serialize(const httplib::Response &res)
{
    std::string out =
        "HTTP/1.1 " + std::to_string(res.status) + ' ' + statusText(res.status) + "\r\n";
    for (const auto &[name, value] : res.headers) {
        if (name != "Content-Length" && name != "Connection")
            out += name + ": " + value + "\r\n";
    }
    return out + "Content-Length: " + std::to_string(res.body.size()) +
           "\r\nConnection: close\r\n\r\n" + res.body;
}

std::uint64_t OpenRosaServer::Impl::bodyCap(const http::Head &head) const
{
    // Decided before anyone is signed in: a sign-in is small, JSON is small, and only
    // submissions and forms with their files may be as large as --max-body-mb.
    const auto maxBody = static_cast<std::uint64_t>(options.maxBodyBytes);
    if (head.path == "/v1/sessions")
        return 16 * 1024;
    if ((head.method == "POST" || head.method == "PUT") &&
        (endsWith(head.path, "/submission") || head.path.find("/forms") != std::string::npos))
        return maxBody;
    if (head.method == "POST" || head.method == "PUT" || head.method == "PATCH" ||
        head.method == "DELETE")
        return 1024 * 1024;
    return 4 * 1024;
}

std::optional<std::string> OpenRosaServer::Impl::admit(const http::Head &head,
                                                       const std::string &peer)
{
    // A large body is read only from someone signed in, as the handler will check again:
    // an OpenRosa submission from a user of that project, anything else from an API user.
    static const std::regex submission(R"(/v1/projects/(\d{1,9})/submission)");
    httplib::Request req = requestFrom(head, peer);
    httplib::Response res;
    bool ok = false;
    if (std::regex_match(req.path, req.matches, submission)) {
        int project = 0;
        if (requireOpenRosaHeader(req, res)) {
            const auto user = authenticate(req, res);
            ok = user && checkProject(*user, req, res, &project);
        }
    } else {
        ok = apiUser(req, res).has_value();
    }
    if (ok)
        return std::nullopt;
    addSecurityHeaders(res);
    return serialize(res);
}

std::string OpenRosaServer::Impl::refusal(const http::Head *head, int status,
                                          const std::string &reason) const
{
    QString message;
    switch (status) {
    case 408:
        message = Tr::tr("the request came too slowly and was cut off; send it again");
        break;
    case 413:
        message = head && endsWith(head->path, "/submission")
                      ? Tr::tr("the submission is larger than this server takes (%1 MB); the "
                               "device should send its attachments in several parts")
                            .arg(QLocale::c().toString(
                                static_cast<double>(options.maxBodyBytes) / 1e6, 'g', 6))
                      : Tr::tr("the request is larger than the server takes for it (at most %1 "
                               "bytes)")
                            .arg(head ? bodyCap(*head) : 0);
        break;
    case 431:
        message = Tr::tr("the request's headers are too large");
        break;
    case 414:
        message = Tr::tr("the request's address is too long");
        break;
    case 503:
        message = Tr::tr("too many connections from your address at once; try again later");
        break;
    case 507:
        message = Tr::tr("the server has no room on its disk for the request; try again later");
        break;
    default:
        message = Tr::tr("the request is malformed: %1").arg(QString::fromStdString(reason));
        break;
    }
    httplib::Response res;
    if (head && openRosaPath(head->path))
        error(res, status, message);
    else
        jsonError(res, status, message);
    addSecurityHeaders(res);
    return serialize(res);
}

void OpenRosaServer::Impl::addSecurityHeaders(httplib::Response &res) const
{
    // Answers are never to be sniffed into another type nor kept by a shared cache (they
    // hold people's answers and tokens); under TLS browsers are told to stay on HTTPS.
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "no-store");
    if (!options.tlsCert.isEmpty())
        res.set_header("Strict-Transport-Security", "max-age=31536000");
}

bool OpenRosaServer::Impl::serve(httplib::Stream &stream, bool closeAfter)
{
    bool closed = false;
    const bool ok = server->handle(stream, closeAfter, closed);
    return ok && !closed && !closeAfter;
}

void OpenRosaServer::Impl::registerRoutes()
{
    httplib::Server &s = *server;
    // Bodies were capped by the front already; this is cpp-httplib's own guard.
    s.set_payload_max_length(static_cast<std::size_t>(options.maxBodyBytes));
    s.set_keep_alive_timeout(std::min(5, options.timeoutSeconds)); // announced to clients
    const std::string project = R"(/v1/projects/(\d{1,9}))";
    const std::string name = R"(([^/]+))";
    s.Get(project + "/formList",
          [this](const httplib::Request &req, httplib::Response &res) { formList(req, res); });
    s.Get(project + "/forms/" + R"(([^/]+)\.xml)",
          [this](const httplib::Request &req, httplib::Response &res) { formDownload(req, res); });
    s.Get(project + "/forms/" + name + "/manifest",
          [this](const httplib::Request &req, httplib::Response &res) { manifest(req, res); });
    s.Get(project + "/forms/" + name + "/attachments/" + name,
          [this](const httplib::Request &req, httplib::Response &res) { media(req, res); });
    // HEAD reaches GET handlers: the preflight.
    s.Get(project + "/submission", [this](const httplib::Request &req, httplib::Response &res) {
        submissionHead(req, res);
    });
    s.Post(project + "/submission",
           [this](const httplib::Request &req, httplib::Response &res,
                  const httplib::ContentReader &content) { submissionPost(req, res, content); });
    registerJsonRoutes();
    registerFormRoutes();
    s.set_exception_handler(
        [](const httplib::Request &, httplib::Response &res, std::exception_ptr) {
            survey::server::error(
                res, 500,
                Tr::tr("the server failed on this request; the data stored before it is intact"));
        });
    // No route: said in words too.
    s.set_error_handler([](const httplib::Request &req, httplib::Response &res) {
        if (res.status != 404 || !res.body.empty())
            return;
        if (openRosaPath(req.path))
            survey::server::error(res, 404, Tr::tr("there is nothing at this address"));
        else
            jsonError(res, 404, Tr::tr("there is nothing at this address"));
    });
    s.set_post_routing_handler(
        [this](const httplib::Request &, httplib::Response &res) { addSecurityHeaders(res); });
    // A change asked for by a page of another site (a browser remembers a signed-in admin's
    // password for this server and sends it along) is refused: browsers say where a request
    // comes from; the app, ODK Collect and scripts send no Origin.
    s.set_pre_routing_handler([](const httplib::Request &req, httplib::Response &res) {
        if (req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS")
            return httplib::Server::HandlerResponse::Unhandled;
        const std::string origin = req.get_header_value("Origin");
        const std::string host = req.get_header_value("Host");
        const bool foreignOrigin =
            !origin.empty() && origin != "http://" + host && origin != "https://" + host;
        if (!foreignOrigin && req.get_header_value("Sec-Fetch-Site") != "cross-site")
            return httplib::Server::HandlerResponse::Unhandled;
        jsonError(res, 403, Tr::tr("requests from the pages of other sites are refused"));
        return httplib::Server::HandlerResponse::Handled;
    });
}

int OpenRosaServer::bind(QString *error)
{
    if (d->options.tlsCert.isEmpty() != d->options.tlsKey.isEmpty()) {
        *error = tr("TLS needs both a certificate (--tls-cert) and its key (--tls-key)");
        return -1;
    }
    d->committer = std::make_unique<GroupCommit>(
        d->options.database, d->options.database.kind == DatabaseUrl::Kind::Sqlite ? 1 : 4);
    d->server = std::make_unique<RoutedServer>();
    d->registerRoutes();
    HttpFront::Options front;
    front.host = d->options.host.toStdString();
    front.port = d->options.port;
    front.tempDir =
        QFile::encodeName(d->options.dataDir.isEmpty() ? QDir::tempPath() : d->options.dataDir)
            .toStdString();
    front.workers = d->options.workers;
    front.headTimeoutMs = d->options.timeoutSeconds * 1000;
    front.ioTimeoutMs = d->options.timeoutSeconds * 1000;
    front.idleTimeoutMs = std::min(5, d->options.timeoutSeconds) * 1000;
    front.maxPerAddress = d->options.maxPerAddress;
    d->front = std::make_unique<HttpFront>(front, *d);
    std::string why;
    if (!d->options.tlsCert.isEmpty() &&
        !d->front->useTls(QFile::encodeName(d->options.tlsCert).toStdString(),
                          QFile::encodeName(d->options.tlsKey).toStdString(), &why)) {
        *error = tr("cannot use the TLS certificate %1 with the key %2: both must be readable PEM "
                    "files and the key must belong to the certificate (%3)")
                     .arg(d->options.tlsCert, d->options.tlsKey, QString::fromStdString(why));
        return -1;
    }
    const int port = d->front->bind(&why);
    if (port < 0)
        *error = tr("cannot listen on %1:%2 (%3)")
                     .arg(d->options.host)
                     .arg(d->options.port)
                     .arg(QString::fromStdString(why));
    return port;
}

bool OpenRosaServer::listen()
{
    return d->front && d->front->run();
}

void OpenRosaServer::stop()
{
    if (d->front)
        d->front->stop();
}

} // namespace survey::server
