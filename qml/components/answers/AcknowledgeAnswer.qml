// SPDX-License-Identifier: GPL-3.0-or-later
// Acknowledge (a trigger): "OK" when ticked.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

CheckBox {
    required property AnswerContext context
    objectName: "answer_" + context.ref
    Layout.minimumHeight: Theme.touch
    text: qsTr("OK")
    checked: context.question.value === "OK"
    onClicked: context.answer(checked ? "OK" : "")
    function takeFocus() {
        forceActiveFocus(InputMode.keyboard ? Qt.TabFocusReason : Qt.OtherFocusReason)
        return true
    }
}
