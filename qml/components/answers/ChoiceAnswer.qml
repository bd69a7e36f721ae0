// SPDX-License-Identifier: GPL-3.0-or-later
// Select one as buttons; in a row for "likert" (a scale read left to right). Tab reaches
// the options (the chosen one first), arrows move between them.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

ColumnLayout {
    id: answer
    required property AnswerContext context
    readonly property bool likert: context.question.appearance.indexOf("likert") >= 0
    spacing: 0
    function takeFocus() {
        const target = filter.visible ? filter : (options.checkedItem() || options.itemAt(0))
        if (!target)
            return false
        target.forceActiveFocus(InputMode.keyboard ? Qt.TabFocusReason : Qt.OtherFocusReason)
        return true
    }
    ChoiceFilter {
        id: filter
        context: answer.context
    }
    GridLayout {
        Layout.fillWidth: true
        columns: answer.likert ? Math.max(1, answer.context.question.choices.length) : 1
        columnSpacing: 0
        rowSpacing: 0
        Repeater {
            id: options
            function checkedItem() {
                for (let i = 0; i < count; ++i) {
                    if (itemAt(i) && itemAt(i).checked)
                        return itemAt(i)
                }
                return null
            }
            model: filter.shown(answer.context.question.choices)
            delegate: RadioButton {
                id: entry
                required property var modelData
                objectName: "choice_" + answer.context.ref + "_" + entry.modelData.value
                Layout.minimumHeight: Theme.touch
                Layout.fillWidth: answer.likert
                text: entry.modelData.label
                checked: answer.context.question.value === entry.modelData.value
                onClicked: answer.context.answer(entry.modelData.value)
                // A choice's picture, beside its words (tapping it chooses too).
                contentItem: ChoiceContent {
                    text: entry.text
                    indent: entry.indicator ? entry.indicator.width + entry.spacing : 0
                    image: entry.modelData.image || ""
                    imageName: "choiceImage_" + answer.context.ref + "_" + entry.modelData.value
                }
            }
        }
    }
}
