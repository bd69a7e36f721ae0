// SPDX-License-Identifier: GPL-3.0-or-later
// Rank: the choices in the person's order, moved up and down; the first order can be
// kept as it is.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

ColumnLayout {
    id: answer
    required property AnswerContext context
    spacing: 0
    readonly property var order: {
        const labels = {}
        for (const c of context.question.choices)
            labels[c.value] = c.label
        const values = context.question.value === "" ? context.question.choices.map(c => c.value)
                                                  : context.question.value.split(" ")
        return values.filter(v => labels[v] !== undefined).map(v => ({ value: v, label: labels[v] }))
    }
    function move(index, step) {
        const values = answer.order.map(c => c.value)
        const target = index + step
        if (target < 0 || target >= values.length)
            return
        const moved = values.splice(index, 1)[0]
        values.splice(target, 0, moved)
        answer.context.answer(values.join(" "))
    }
    function takeFocus() {
        const first = rows.itemAt(0)
        if (!first)
            return false
        first.down.forceActiveFocus(InputMode.keyboard ? Qt.TabFocusReason : Qt.OtherFocusReason)
        return true
    }
    Repeater {
        id: rows
        model: answer.order
        delegate: RowLayout {
            id: rankRow
            required property var modelData
            required property int index
            property alias down: down
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                text: (rankRow.index + 1) + ". " + rankRow.modelData.label
                elide: Text.ElideRight
            }
            ToolButton {
                objectName: "rankUp_" + answer.context.ref + "_" + rankRow.modelData.value
                Layout.minimumWidth: Theme.touch
                Layout.minimumHeight: Theme.touch
                text: "▲"
                Accessible.name: qsTr("Move up")
                enabled: rankRow.index > 0
                onClicked: answer.move(rankRow.index, -1)
            }
            ToolButton {
                id: down
                objectName: "rankDown_" + answer.context.ref + "_" + rankRow.modelData.value
                Layout.minimumWidth: Theme.touch
                Layout.minimumHeight: Theme.touch
                text: "▼"
                Accessible.name: qsTr("Move down")
                enabled: rankRow.index + 1 < answer.order.length
                onClicked: answer.move(rankRow.index, 1)
            }
        }
    }
    Button {
        objectName: "rankAccept_" + answer.context.ref
        Layout.minimumHeight: Theme.touch
        visible: answer.context.question.value === ""
        text: qsTr("Keep this order")
        onClicked: answer.context.answer(answer.order.map(c => c.value).join(" "))
    }
}
