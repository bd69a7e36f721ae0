// SPDX-License-Identifier: GPL-3.0-or-later
// Select one as a drop-down ("minimal"): arrows and Enter from the keyboard.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

ComboBox {
    required property AnswerContext context
    objectName: "answer_" + context.ref
    Layout.fillWidth: true
    Layout.minimumHeight: Theme.touch
    model: context.question.choices
    textRole: "label"
    valueRole: "value"
    // `count` makes the binding wait for the model (indexOfValue() alone does not).
    currentIndex: count > 0 ? indexOfValue(context.question.value) : -1
    onActivated: context.answer(currentValue)
    function takeFocus() {
        forceActiveFocus(InputMode.keyboard ? Qt.TabFocusReason : Qt.OtherFocusReason)
        return true
    }
}
