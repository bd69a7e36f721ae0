// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "xpath.h"

#include <QString>

#include <set>

namespace survey::form {

class FormDefinition;

/// The primary-instance nodes (schema indices) an expression reads, found statically.
struct StaticReferences
{
    std::set<int> schemas;
    /// Of those inside the context's repeat, the ones read across repeat instances (not
    /// only within the context's own instance): a change there affects every instance.
    std::set<int> nonLocal;
    /// True when some step could not be followed (sibling/following/preceding axes):
    /// the expression must then be re-run whenever anything changes.
    bool unknown = false;
};

StaticReferences staticReferences(const FormDefinition &def, const xpath::Expr &expr,
                                  int contextSchema);

/// Fills the definition's dependents, calculate order and global lists. Returns -1, or
/// the schema index of a node on a calculate cycle with `cycleMessage` naming the cycle.
int analyseDependencies(FormDefinition &def, QString *cycleMessage);

} // namespace survey::form
