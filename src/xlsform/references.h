// SPDX-License-Identifier: GPL-3.0-or-later
// ${name} references turned into XPaths: absolute (" /data/q "), or relative (" ../q ") where
// the question using it and the one named share a repeat, as pyxform writes them.
#pragma once

#include "model.h"

#include <QHash>
#include <QSet>
#include <QString>

namespace survey::xlsform {

class References
{
public:
    explicit References(const Element &root);

    /// Adds an element that is not in the tree (meta/instanceID, entity parts).
    void addExtra(const QString &name, const Element *element);
    const Element *find(const QString &name) const { return m_names.value(name); }

    enum Flag {
        None = 0,
        ChoiceFilter = 1, // relative paths start at current()
        Absolute = 2,     // never relative (choice labels)
    };
    /// `text` with every ${name} replaced, seen from `context` (the element the text is of).
    /// Sets `lastSaved` when ${last-saved#name} is used.
    QString resolve(const QString &text, const Element *context, int flags = None,
                    bool *lastSaved = nullptr) const;
    /// The XPath of one reference seen from `context`, without the surrounding spaces.
    QString path(const Element *target, const Element *context, bool current = false) const;

private:
    void index(const Element &e);
    QHash<QString, const Element *> m_names;
    QSet<QString> m_ambiguous;
};

} // namespace survey::xlsform
