// SPDX-License-Identifier: GPL-3.0-or-later
// The XLSForm question types: what each writes in the body, its bind type and preloads.
#pragma once

#include "model.h"

#include <QString>

#include <optional>

namespace survey::xlsform {

struct TypeInfo
{
    QString canonical;
    Kind kind = Kind::Input;
    QString bindType;
    QString mediatype;
    QString preload, preloadParams;
    bool readonly = false; // note
    bool needsParameters = false;
};

/// The type named exactly `type` (after its aliases), or nothing when XLSForm has none.
std::optional<TypeInfo> lookupType(const QString &type);

/// Parsed "select_one LIST [or_other]" and its relatives.
struct SelectType
{
    QString command; // select_one, select_multiple, rank, select_one_from_file,
                     // select_multiple_from_file, select_one_external
    QString list;
    bool orOther = false;
};
/// Nothing when `type` is not a select; `malformed` when it starts like one but is not.
std::optional<SelectType> parseSelectType(const QString &type, bool *malformed);

} // namespace survey::xlsform
