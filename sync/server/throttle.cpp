// SPDX-License-Identifier: GPL-3.0-or-later
#include "throttle.h"

#include <algorithm>

namespace survey::server {

SignInThrottle::SignInThrottle(Limits limits)
    : m_limits(limits)
{}

qint64 SignInThrottle::until(const QHash<QString, Entry> &table, const QString &key, qint64 now)
{
    const auto it = table.constFind(key);
    return it == table.constEnd() ? 0 : std::max<qint64>(0, it->blockedUntil - now);
}

qint64 SignInThrottle::wait(const QString &name, const QString &address, qint64 now)
{
    std::lock_guard lock(m_mutex);
    return std::max(until(m_accounts, name, now), until(m_addresses, address, now));
}

void SignInThrottle::count(QHash<QString, Entry> &table, const QString &key, int limit, qint64 now)
{
    if (table.size() >= m_limits.maxEntries) {
        // Forget what is over; if that is not enough, forget everyone not blocked.
        for (auto it = table.begin(); it != table.end();) {
            const bool over = now - it->last > m_limits.windowMs && it->blockedUntil <= now;
            it = over ? table.erase(it) : std::next(it);
        }
        if (table.size() >= m_limits.maxEntries) {
            for (auto it = table.begin(); it != table.end();)
                it = it->blockedUntil <= now ? table.erase(it) : std::next(it);
        }
    }
    Entry &e = table[key];
    if (now - e.last > m_limits.windowMs && e.blockedUntil <= now)
        e = Entry();
    ++e.failures;
    e.last = now;
    if (e.failures >= limit) {
        // 15 s, then 30 s, 1 min, … for each failure after the wait, up to the cap.
        const int doublings = std::min(e.failures - limit, 20);
        e.blockedUntil = now + std::min(m_limits.maxBlockMs, m_limits.firstBlockMs << doublings);
    }
}

void SignInThrottle::failed(const QString &name, const QString &address, qint64 now)
{
    std::lock_guard lock(m_mutex);
    count(m_accounts, name, m_limits.perAccount, now);
    count(m_addresses, address, m_limits.perAddress, now);
}

void SignInThrottle::succeeded(const QString &name)
{
    std::lock_guard lock(m_mutex);
    m_accounts.remove(name);
}

} // namespace survey::server
