// SPDX-License-Identifier: GPL-3.0-or-later
// A value to read (read-only, or computed by the form): nothing takes the keyboard.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

Label {
    required property AnswerContext context
    objectName: "value_" + context.ref
    Layout.fillWidth: true
    visible: context.question.value !== ""
    text: context.question.value
    wrapMode: Text.Wrap
    function takeFocus() { return false }
}
