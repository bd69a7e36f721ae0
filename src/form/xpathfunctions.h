// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "xpath.h"

namespace survey::form::xpath {

enum class FunctionId : std::uint16_t {
    // XPath 1.0 core library
    Last,
    Position,
    Count,
    Id,
    LocalName,
    NamespaceUri,
    Name,
    String,
    Concat,
    StartsWith,
    Contains,
    SubstringBefore,
    SubstringAfter,
    Substring,
    StringLength,
    NormalizeSpace,
    Translate,
    Boolean,
    Not,
    True,
    False,
    Lang,
    Number,
    Sum,
    Floor,
    Ceiling,
    Round,
    // ODK XForms function library
    Current,
    Instance,
    Selected,
    SelectedAt,
    CountSelected,
    ChoiceName,
    Itext,
    If,
    Coalesce,
    Join,
    Substr,
    EndsWith,
    Regex,
    BooleanFromString,
    Int,
    Pow,
    Log,
    Log10,
    Abs,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Atan2,
    Sqrt,
    Exp,
    Exp10,
    Pi,
    Max,
    Min,
    CountNonEmpty,
    Checklist,
    WeightedChecklist,
    Uuid,
    Digest,
    Base64Decode,
    Random,
    Randomize,
    Once,
    Today,
    Now,
    Date,
    DateTime,
    DecimalDateTime,
    DecimalTime,
    FormatDate,
    FormatDateTime,
    Area,
    Distance,
    Geofence,
    IndexedRepeat,
    Pulldata,
    Version
};

struct FunctionInfo
{
    const char *name;
    FunctionId id;
    int minArgs;
    int maxArgs; ///< -1: any number
};

/// The function of that name (as written, e.g. "jr:choice-name"), or null.
const FunctionInfo *findFunction(const QString &name);
/// All known functions (for documentation and tests).
const std::vector<FunctionInfo> &allFunctions();

Value callFunction(const Expr &call, const Context &context);

/// A shuffled order of n items: seeded with the Park–Miller generator the ODK spec names
/// (the same order on every device), or unseeded from the environment's randomness.
std::vector<std::size_t> shuffledOrder(std::size_t n, std::optional<double> seed,
                                       const Environment &env);

} // namespace survey::form::xpath
