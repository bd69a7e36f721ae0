// SPDX-License-Identifier: GPL-3.0-or-later
// A typed answer: text, numbers, dates, times, coordinates, codes. A refused answer stays
// as typed, in red, with the reason under the question; it is tried again as it is
// edited, so the message goes as soon as the value is right.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Survey

TextField {
    id: field
    required property AnswerContext context
    readonly property string type: context.question.type
    readonly property bool numeric: type === "int" || type === "decimal"
    objectName: "answer_" + context.ref
    Layout.fillWidth: true
    Layout.minimumHeight: Theme.touch
    text: context.typeError !== "" ? context.refusedText : context.question.value
    Material.accent: context.typeError !== "" ? Theme.warning : Theme.accent
    Material.foreground: context.typeError !== "" ? Theme.warning : undefined
    onTextEdited: {
        if (context.typeError !== "")
            context.answer(text)
    }
    // Numbers take only what a number can hold (XForms writes decimals with a point).
    validator: type === "int" ? intChars : numeric ? decimalChars : null
    inputMethodHints: numeric ? Qt.ImhFormattedNumbersOnly
                      : type === "date" ? Qt.ImhDate
                      : Qt.ImhNone
    placeholderText: type === "date" ? qsTr("YYYY-MM-DD")
                     : type === "time" ? qsTr("HH:MM")
                     : type === "geopoint" ? qsTr("latitude longitude")
                     : type === "geotrace" || type === "geoshape"
                       ? qsTr("latitude longitude; latitude longitude; …")
                     : type === "barcode" ? qsTr("Type the code")
                     : ""
    onEditingFinished: context.answer(text)
    function takeFocus() {
        forceActiveFocus()
        return true
    }
    RegularExpressionValidator {
        id: intChars
        regularExpression: /[-+]?[0-9]*/
    }
    RegularExpressionValidator {
        id: decimalChars
        regularExpression: /[-+]?[0-9]*([.][0-9]*)?([eE][-+]?[0-9]*)?/
    }
}
