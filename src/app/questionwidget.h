// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QQmlEngine>

namespace survey::form {
struct Control;
}

namespace survey::app {

/// Which answer widget a question gets: QuestionView loads one component per kind
/// (qml/components/answers/). Decided here from the control, its type and appearance,
/// so QML compares a typed value, not strings.
namespace QuestionWidget {
Q_NAMESPACE
QML_ELEMENT

enum class Kind {
    Text,        ///< typed: text, numbers, geotrace and geoshape
    LongText,    ///< multiline text
    ReadOnly,    ///< a value to read, nothing to answer
    DateTime,    ///< a date, time or date and time: typed, or chosen on wheels
    Location,    ///< a geopoint: from positioning, or typed
    Barcode,     ///< scanned, read from a picture, or typed
    DropDown,    ///< select one, "minimal"
    Choice,      ///< select one as buttons ("likert": a row)
    Choices,     ///< select many
    Acknowledge, ///< a trigger
    Upload,      ///< a photo or other file
    Range,       ///< a slider
    Rank,        ///< the choices in an order
    Unsupported, ///< nothing here answers it: said plainly
};
Q_ENUM_NS(Kind)

/// The widget for a question: `type` is the bind's type name ("date", "geopoint"…).
Kind of(const form::Control &control, const QString &type, bool readonly);

} // namespace QuestionWidget

} // namespace survey::app
