// SPDX-License-Identifier: GPL-3.0-or-later
#include "definitioncache.h"

namespace survey::server {

std::shared_ptr<const form::FormDefinition> DefinitionCache::find(int versionId)
{
    std::lock_guard lock(m_mutex);
    const auto it = m_entries.find(versionId);
    if (it == m_entries.end())
        return nullptr;
    m_uses.splice(m_uses.begin(), m_uses, it->use);
    return it->definition;
}

void DefinitionCache::insert(int versionId, std::shared_ptr<const form::FormDefinition> definition,
                             qint64 sourceBytes)
{
    if (sourceBytes > m_budget)
        return;
    std::lock_guard lock(m_mutex);
    if (m_entries.contains(versionId))
        return; // loaded twice at once: the first one stays
    while (m_used + sourceBytes > m_budget && !m_uses.empty()) {
        const auto oldest = m_entries.find(m_uses.back());
        m_used -= oldest->bytes;
        m_entries.erase(oldest);
        m_uses.pop_back();
    }
    m_uses.push_front(versionId);
    m_entries.insert(versionId, Entry{std::move(definition), sourceBytes, m_uses.begin()});
    m_used += sourceBytes;
}

qint64 DefinitionCache::usedBytes() const
{
    std::lock_guard lock(m_mutex);
    return m_used;
}

int DefinitionCache::size() const
{
    std::lock_guard lock(m_mutex);
    return static_cast<int>(m_entries.size());
}

} // namespace survey::server
