// SPDX-License-Identifier: GPL-3.0-or-later
// Text over several lines ("multiline"): given as the answer when the field is left.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

TextArea {
    required property AnswerContext context
    objectName: "answer_" + context.ref
    Layout.fillWidth: true
    Layout.minimumHeight: 3 * Theme.touch
    text: context.question.value
    wrapMode: TextEdit.Wrap
    onEditingFinished: context.answer(text)
    function takeFocus() {
        forceActiveFocus()
        return true
    }
}
