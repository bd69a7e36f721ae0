// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "formdefinition.h"

#include <QHash>

#include <list>
#include <memory>
#include <mutex>

namespace survey::server {

/// Loaded form definitions by form version, least recently used first out. Bounded by the
/// bytes the definitions were loaded from (XML and data files): a definition takes memory
/// in proportion to them, so the cache cannot grow without end, whatever forms are published.
/// A definition larger than the whole budget is not kept at all.
class DefinitionCache
{
public:
    explicit DefinitionCache(qint64 budgetBytes = 16 * 1024 * 1024)
        : m_budget(budgetBytes)
    {}

    std::shared_ptr<const form::FormDefinition> find(int versionId);
    void insert(int versionId, std::shared_ptr<const form::FormDefinition> definition,
                qint64 sourceBytes);
    qint64 usedBytes() const;
    int size() const;

private:
    struct Entry
    {
        std::shared_ptr<const form::FormDefinition> definition;
        qint64 bytes = 0;
        std::list<int>::iterator use;
    };
    const qint64 m_budget;
    mutable std::mutex m_mutex;
    QHash<int, Entry> m_entries;
    std::list<int> m_uses; ///< most recent first
    qint64 m_used = 0;
};

} // namespace survey::server
