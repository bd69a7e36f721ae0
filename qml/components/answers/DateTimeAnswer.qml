// SPDX-License-Identifier: GPL-3.0-or-later
// A date or time: typed, or chosen on wheels.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

ColumnLayout {
    id: answer
    required property AnswerContext context
    property alias picker: picker
    spacing: Theme.spacing / 2
    function takeFocus() { return typed.takeFocus() }
    TextAnswer {
        id: typed
        context: answer.context
    }
    Button {
        objectName: "pick_" + answer.context.ref
        Layout.minimumHeight: Theme.touch
        visible: answer.context.question.type === "date" || answer.context.question.type === "time"
        text: answer.context.question.type === "date" ? qsTr("Choose a date…") : qsTr("Choose a time…")
        onClicked: {
            picker.mode = answer.context.question.type
            picker.initial = answer.context.question.value
            picker.open()
        }
    }
    DateTimeDialog {
        id: picker
        parent: Overlay.overlay
        onChosen: value => answer.context.answer(value)
    }
}
