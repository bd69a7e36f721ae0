// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QString>

#include <mutex>

namespace survey::server {

/// When SignInThrottle slows sign-ins down.
struct SignInLimits
{
    int perAccount = 10;            ///< failures before an account is slowed down
    int perAddress = 30;            ///< failures before an address is slowed down
    qint64 windowMs = 15 * 60'000;  ///< failures are forgotten after this long without one
    qint64 firstBlockMs = 15'000;   ///< the first wait, doubled for each later failure
    qint64 maxBlockMs = 5 * 60'000; ///< the longest wait asked for
    int maxEntries = 100'000;       ///< names and addresses remembered at most
};

/// Slows down password guessing without holding anyone: after too many failed sign-ins for
/// one account, or from one address, within a window, further attempts are refused at once
/// (429 with Retry-After) for a time that doubles with each further failure, up to a cap.
/// A refused attempt costs the server nothing: no password is checked for it. Kept in memory
/// per server process; bounded in size.
class SignInThrottle
{
public:
    using Limits = SignInLimits;
    SignInThrottle() = default;
    explicit SignInThrottle(Limits limits);

    /// Milliseconds until `name` may be tried again from `address` (0: now).
    qint64 wait(const QString &name, const QString &address, qint64 now);
    void failed(const QString &name, const QString &address, qint64 now);
    /// A right password: the account's failures are forgotten (the address's are not).
    void succeeded(const QString &name);

private:
    struct Entry
    {
        int failures = 0;
        qint64 last = 0; ///< the latest failure
        qint64 blockedUntil = 0;
    };
    void count(QHash<QString, Entry> &table, const QString &key, int limit, qint64 now);
    static qint64 until(const QHash<QString, Entry> &table, const QString &key, qint64 now);

    Limits m_limits;
    std::mutex m_mutex;
    QHash<QString, Entry> m_accounts;
    QHash<QString, Entry> m_addresses;
};

} // namespace survey::server
