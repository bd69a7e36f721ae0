// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <vector>

namespace survey::form {
class FormSession;
}

namespace survey::review {

/// One line of a submission as a reviewer reads it: a group or repeat entry heading, or an
/// answer under its question's label with its value in words (choice labels, not codes).
struct AnswerRow
{
    enum class Kind { Group, RepeatEntry, Answer };
    Kind kind = Kind::Answer;
    int depth = 0;         ///< groups and repeat entries it is inside
    QString path;          ///< the node's path with positions (/data/members/member[2]/age)
    QString label;         ///< in the session's language; the node's name when it has none
    QString value;         ///< in words: choice labels, the raw value otherwise
    QString raw;           ///< as stored in the submission
    bool computed = false; ///< a calculated value, not something the enumerator typed
    bool file = false;     ///< a file answer (photo, audio…): raw is the file's name
    bool location = false; ///< a geopoint: "latitude longitude altitude accuracy"
    int entry = 0;         ///< for a repeat entry: its number (1-based)
};

/// Every relevant, answered node of the session's instance in form order, with a heading
/// for each labelled group and each repeat entry (meta is left out).
std::vector<AnswerRow> answerRows(const form::FormSession &session);

/// An answer that differs between two versions (by path).
struct AnswerChange
{
    QString path;
    QString label;
    QString before;        ///< empty: it was not answered
    QString after;         ///< empty: it is no longer answered
    bool computed = false; ///< a calculated value (it changed because an answer did)
};

/// What changed from `before` to `after`, in the order of `after` (removed answers last).
std::vector<AnswerChange> changesBetween(const std::vector<AnswerRow> &before,
                                         const std::vector<AnswerRow> &after);

} // namespace survey::review
