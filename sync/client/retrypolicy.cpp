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

Outcome classify(QNetworkReply::NetworkError error, const QString &errorText, int status,
                 const std::vector<int> &success, const QString &serverText)
{
    using Tr = Messages;
    Outcome out;
    out.status = status;
    const QString said = serverText.isEmpty() ? QString() : QStringLiteral(": ") + serverText;
    if (status == 0) {
        switch (error) {
        case QNetworkReply::SslHandshakeFailedError:
            out.kind = Outcome::Kind::Insecure;
            out.message = Tr::tr("The server's certificate is not trusted (%1). Nothing was "
                                 "sent; check the server address.")
                              .arg(errorText);
            return out;
        case QNetworkReply::OperationCanceledError:
        case QNetworkReply::TimeoutError:
            out.kind = Outcome::Kind::Retry;
            out.message = Tr::tr("The server did not answer in time; it will be tried again.");
            return out;
        default:
            out.kind = Outcome::Kind::Retry;
            out.message = Tr::tr("No connection to the server (%1); it will be tried again "
                                 "when the network is back.")
                              .arg(errorText);
            return out;
        }
    }
    if (std::find(success.begin(), success.end(), status) != success.end()) {
        out.kind = Outcome::Kind::Success;
        return out;
    }
    if (status >= 200 && status < 300) {
        out.kind = Outcome::Kind::NotServer;
        out.message = Tr::tr("Something other than the survey server answered (HTTP %1): a "
                             "Wi-Fi login page or a proxy. Sign in to the network in a web "
                             "browser, then send again. Nothing was lost.")
                          .arg(status);
        return out;
    }
    if (status == 401) {
        out.kind = Outcome::Kind::SignIn;
        out.message = Tr::tr("The server refused the user name or password. Check them and "
                             "sign in again.");
        return out;
    }
    if (status == 408 || status == 429 || status >= 500) {
        out.kind = Outcome::Kind::Retry;
        out.message = Tr::tr("The server could not take it now (HTTP %1%2); it will be tried "
                             "again.")
                          .arg(status)
                          .arg(said);
        return out;
    }
    out.kind = Outcome::Kind::Refused;
    switch (status) {
    case 403:
        out.message = Tr::tr("This account may not do this on the server (HTTP 403%1).").arg(said);
        break;
    case 404:
        out.message =
            Tr::tr("The server does not know this form or address (HTTP 404%1).").arg(said);
        break;
    case 409:
        out.message = Tr::tr("The server refused the record as it stands (HTTP 409%1).").arg(said);
        break;
    case 413:
        out.message =
            Tr::tr("The record is larger than the server accepts (HTTP 413%1).").arg(said);
        break;
    default:
        out.message = Tr::tr("The server refused the request (HTTP %1%2).").arg(status).arg(said);
        break;
    }
    return out;
}

} // namespace survey::sync
