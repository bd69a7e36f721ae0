// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "store.h"

#include <QCoreApplication>
#include <QNetworkReply>
#include <QString>
#include <QStringList>

#include <chrono>
#include <vector>

namespace survey::sync {

/// What a finished HTTP exchange means for the record being sent, and what the person
/// is told. The one place that decides which failures are worth trying again.
struct Outcome
{
    enum class Kind {
        Success,   ///< 201/202 (or 2xx where that is success: downloads, HEAD 204)
        Retry,     ///< 5xx, 408, 429, timeouts, network gone: try again later
        Refused,   ///< the server said no to this record (400, 403, 404, 409, 413)
        SignIn,    ///< 401: the credentials are wrong; nothing else will work either
        NotServer, ///< a 2xx that is not the server's answer (captive portal, proxy)
        Insecure,  ///< TLS failed: never ignored
    };
    Kind kind = Kind::Success;
    int status = 0;
    /// What happened, as a code with its details: the sync log keeps these and shows them
    /// in the language of the moment it is read (describe()).
    QString code;
    QStringList args;
    QString message; ///< describe(code, args) in the current language
};

/// A sync-log code and its details in words, in the current language.
QString describe(const QString &code, const QStringList &args);
/// A sync-log entry in words, in the current language.
QString logText(const store::LogEntry &entry);
/// An outcome with its message.
Outcome outcome(Outcome::Kind kind, int status, const QString &code, const QStringList &args);

/// Exponential backoff with full jitter and a cap: attempt 0 waits up to `base`, each
/// further attempt doubles that bound, never beyond `cap`.
class RetryPolicy
{
public:
    RetryPolicy(std::chrono::milliseconds base = std::chrono::milliseconds(1000),
                std::chrono::milliseconds cap = std::chrono::milliseconds(60000),
                int maxAttempts = 4)
        : m_base(base)
        , m_cap(cap)
        , m_maxAttempts(maxAttempts)
    {}
    std::chrono::milliseconds delay(int attempt) const;
    /// Tries within one sync run before the record waits for the next run.
    int maxAttempts() const { return m_maxAttempts; }
    std::chrono::milliseconds base() const { return m_base; }
    std::chrono::milliseconds cap() const { return m_cap; }

private:
    std::chrono::milliseconds m_base;
    std::chrono::milliseconds m_cap;
    int m_maxAttempts;
};

/// Classifies a reply. `success` lists the statuses that are success for this request
/// (POST submission: 201 and 202 only). `serverMessage` is the text of the server's
/// OpenRosaResponse or JSON error, shown with refusals.
Outcome classify(QNetworkReply::NetworkError error, const QString &errorText, int status,
                 const std::vector<int> &success, const QString &serverMessage);

/// The readable message inside an OpenRosaResponse (or a JSON {"message":…}); empty if none.
QString serverMessage(const QByteArray &body);

class Messages
{
    Q_DECLARE_TR_FUNCTIONS(SyncClient)
};

} // namespace survey::sync
