// SPDX-License-Identifier: GPL-3.0-or-later
// Select many: a box per choice, the answer the chosen values in the form's order of
// choosing.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

ColumnLayout {
    id: answer
    required property AnswerContext context
    spacing: 0
    function takeFocus() {
        const target = filter.visible ? filter : options.itemAt(0)
        if (!target)
            return false
        target.forceActiveFocus(InputMode.keyboard ? Qt.TabFocusReason : Qt.OtherFocusReason)
        return true
    }
    ChoiceFilter {
        id: filter
        context: answer.context
    }
    Repeater {
        id: options
        model: filter.shown(answer.context.question.choices)
        delegate: CheckBox {
            id: box
            required property var modelData
            objectName: "choice_" + answer.context.ref + "_" + box.modelData.value
            Layout.minimumHeight: Theme.touch
            text: box.modelData.label
            contentItem: ChoiceContent {
                text: box.text
                indent: box.indicator ? box.indicator.width + box.spacing : 0
                image: box.modelData.image || ""
                imageName: "choiceImage_" + answer.context.ref + "_" + box.modelData.value
            }
            checked: (" " + answer.context.question.value + " ").indexOf(" " + box.modelData.value + " ") >= 0
            onClicked: {
                let chosen = answer.context.question.value === "" ? [] : answer.context.question.value.split(" ")
                if (checked)
                    chosen.push(box.modelData.value)
                else
                    chosen = chosen.filter(v => v !== box.modelData.value)
                answer.context.answer(chosen.join(" "))
            }
        }
    }
}
