// SPDX-License-Identifier: GPL-3.0-or-later
// A question this app has no widget for: said plainly; the rest of the form goes on.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

Label {
    required property AnswerContext context
    objectName: "unsupported_" + context.ref
    Layout.fillWidth: true
    text: qsTr("This app cannot answer this kind of question (%1 of type %2). Skip it, and tell the form's author.")
            .arg(context.question.control).arg(context.question.type)
    color: Theme.warning
    wrapMode: Text.Wrap
    function takeFocus() { return false }
}
