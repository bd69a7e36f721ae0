// SPDX-License-Identifier: GPL-3.0-or-later
#include "retrypolicy.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QXmlStreamReader>

#include <algorithm>

namespace survey::sync {

std::chrono::milliseconds RetryPolicy::delay(int attempt) const
{
    const qint64 bound =
        std::min<qint64>(m_cap.count(), m_base.count() << std::clamp(attempt, 0, 30));
    return std::chrono::milliseconds(
        QRandomGenerator::global()->bounded(std::max<qint64>(bound, 1)) + 1);
}

QString serverMessage(const QByteArray &body)
{
    if (body.trimmed().startsWith('{')) {
        const QJsonObject o = QJsonDocument::fromJson(body).object();
        return o.value(QStringLiteral("message")).toString();
    }
    QXmlStreamReader xml(body);
    while (!xml.atEnd()) {
        if (xml.readNext() == QXmlStreamReader::StartElement &&
            xml.name() == QLatin1String("message"))
            return xml.readElementText(QXmlStreamReader::IncludeChildElements).trimmed();
    }
    return QString();
}

QString describe(const QString &code, const QStringList &args)
{
    const auto arg = [&args](qsizetype i) { return i < args.size() ? args[i] : QString(); };
    // The server's own words, when it gave some, follow its status.
    const QString said = arg(1).isEmpty() ? QString() : QStringLiteral(": ") + arg(1);
    if (code == QLatin1String("insecure"))
        return Messages::tr(
                   "The server's certificate is not trusted (%1). Nothing was sent; check the "
                   "server address.")
            .arg(arg(0));
    if (code == QLatin1String("timeout"))
        return Messages::tr("The server did not answer in time; it will be tried again.");
    if (code == QLatin1String("offline"))
        return Messages::tr("No connection to the server (%1); it will be tried again when the "
                            "network is back.")
            .arg(arg(0));
    if (code == QLatin1String("notServer"))
        return Messages::tr(
                   "Something other than the survey server answered (HTTP %1): a Wi-Fi login "
                   "page or a proxy. Sign in to the network in a web browser, then send "
                   "again. Nothing was lost.")
            .arg(arg(0));
    if (code == QLatin1String("signIn"))
        return arg(1).isEmpty()
                   ? Messages::tr("The server refused the user name or password. Check them and "
                                  "sign in again.")
                   : Messages::tr("The server refused the sign-in, saying: %1. Check the server "
                                  "address, user name and password, then sign in again.")
                         .arg(arg(1));
    if (code == QLatin1String("retryLater"))
        return Messages::tr("The server could not take it now (HTTP %1%2); it will be tried again.")
            .arg(arg(0), said);
    if (code == QLatin1String("forbidden"))
        return Messages::tr("This account may not do this on the server (HTTP 403%1).").arg(said);
    if (code == QLatin1String("notFound"))
        return Messages::tr("The server does not know this form or address (HTTP 404%1).")
            .arg(said);
    if (code == QLatin1String("conflict"))
        return Messages::tr("The server refused the record as it stands (HTTP 409%1).").arg(said);
    if (code == QLatin1String("tooLarge"))
        return Messages::tr("The record is larger than the server accepts (HTTP 413%1).").arg(said);
    if (code == QLatin1String("refused"))
        return Messages::tr("The server refused the request (HTTP %1%2).").arg(arg(0), said);
    if (code == QLatin1String("stopped"))
        return Messages::tr("Sending was stopped; it will continue next time.");
    if (code == QLatin1String("fileTooLarge"))
        return Messages::tr("The file %1 (%2 MB) is larger than the server accepts (%3 MB); the "
                            "record was not sent.")
            .arg(arg(0), arg(1), arg(2));
    if (code == QLatin1String("fileMissing"))
        return Messages::tr("The file %1 of this record cannot be read on this device; the record "
                            "was not sent. Take or attach the file again.")
            .arg(arg(0));
    if (code == QLatin1String("formsFailed"))
        return Messages::tr("The forms could not be updated: %1")
            .arg(describe(arg(0), args.mid(1)));
    if (code == QLatin1String("formAdded"))
        return arg(1).isEmpty()
                   ? Messages::tr("Form downloaded: %1").arg(arg(0))
                   : Messages::tr("Form downloaded: %1 (version %2)").arg(arg(0), arg(1));
    if (code == QLatin1String("sent"))
        return Messages::tr("Sent to %1.").arg(arg(0));
    if (code == QLatin1String("returned"))
        return Messages::tr("Sent back for correction: %1")
            .arg(arg(0).isEmpty() ? Messages::tr("(no comment)") : arg(0));
    return args.join(QLatin1Char(' '));
}

QString logText(const store::LogEntry &entry)
{
    return entry.code.isEmpty() ? entry.message : describe(entry.code, entry.args);
}

Outcome outcome(Outcome::Kind kind, int status, const QString &code, const QStringList &args)
{
    Outcome out;
    out.kind = kind;
    out.status = status;
    out.code = code;
    out.args = args;
    out.message = describe(code, args);
    return out;
}

Outcome classify(QNetworkReply::NetworkError error, const QString &errorText, int status,
                 const std::vector<int> &success, const QString &serverText)
{
    using K = Outcome::Kind;
    if (status == 0) {
        switch (error) {
        case QNetworkReply::SslHandshakeFailedError:
            return outcome(K::Insecure, 0, QStringLiteral("insecure"), {errorText});
        case QNetworkReply::OperationCanceledError:
        case QNetworkReply::TimeoutError:
            return outcome(K::Retry, 0, QStringLiteral("timeout"), {});
        default:
            return outcome(K::Retry, 0, QStringLiteral("offline"), {errorText});
        }
    }
    if (std::find(success.begin(), success.end(), status) != success.end()) {
        Outcome out;
        out.status = status;
        return out;
    }
    const QString code = QString::number(status);
    if (status >= 200 && status < 300)
        return outcome(K::NotServer, status, QStringLiteral("notServer"), {code});
    if (status == 401) // with the server's own words (Central: "only available over HTTPS")
        return outcome(K::SignIn, status, QStringLiteral("signIn"), {code, serverText});
    if (status == 408 || status == 429 || status >= 500)
        return outcome(K::Retry, status, QStringLiteral("retryLater"), {code, serverText});
    switch (status) {
    case 403:
        return outcome(K::Refused, status, QStringLiteral("forbidden"), {code, serverText});
    case 404:
        return outcome(K::Refused, status, QStringLiteral("notFound"), {code, serverText});
    case 409:
        return outcome(K::Refused, status, QStringLiteral("conflict"), {code, serverText});
    case 413:
        return outcome(K::Refused, status, QStringLiteral("tooLarge"), {code, serverText});
    default:
        return outcome(K::Refused, status, QStringLiteral("refused"), {code, serverText});
    }
}

} // namespace survey::sync
