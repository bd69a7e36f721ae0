// SPDX-License-Identifier: GPL-3.0-or-later
// A range: a slider in the form's steps, with its value.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

RowLayout {
    id: answer
    required property AnswerContext context
    function takeFocus() {
        slider.forceActiveFocus(InputMode.keyboard ? Qt.TabFocusReason : Qt.OtherFocusReason)
        return true
    }
    Slider {
        id: slider
        objectName: "answer_" + answer.context.ref
        Layout.fillWidth: true
        Layout.minimumHeight: Theme.touch
        from: answer.context.question.rangeStart
        to: answer.context.question.rangeEnd
        stepSize: answer.context.question.rangeStep
        snapMode: Slider.SnapAlways
        value: answer.context.question.value === "" ? answer.context.question.rangeStart
                                                 : Number(answer.context.question.value)
        onMoved: answer.context.answer(String(value))
    }
    Label {
        text: answer.context.question.value === "" ? "–" : answer.context.question.value
    }
}
