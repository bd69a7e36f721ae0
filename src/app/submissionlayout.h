// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "submissionview.h"

#include <QHash>
#include <QLocale>

namespace survey::form {
class FormSession;
}
namespace survey::store {
struct ReviewVersion;
}

namespace survey::app {

/// A submission's rows as SubmissionView shows them, and its interview times.
struct Layout
{
    QVariantList rows;
    QString started; ///< the form's start time (jr:preload timestamp start), "" if none
    QString ended;
};

/// Lays out the session's answers (survey::review::answerRows) for the reviewer: the
/// form's metadata (start, end, today, deviceid…) go to the heading, not the rows; a file
/// answer links to its downloaded copy in `version`; a location reads as coordinates with
/// accuracy; computed numbers are rounded for reading; `flags` (path → note) mark rows.
Layout layOut(const form::FormSession &session, const store::ReviewVersion &version,
              const QHash<QString, QString> &flags, const QLocale &locale);

/// What changed between two versions, as the reviewer reads it: the answers' changes first,
/// then the computed values they moved (rounded, marked); the form's own metadata (start,
/// end…) left out. [{path, label, before, after, computed}]
QVariantList changesFor(const form::FormSession &before, const form::FormSession &after);

} // namespace survey::app
