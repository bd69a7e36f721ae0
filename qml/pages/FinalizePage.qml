// SPDX-License-Identifier: GPL-3.0-or-later
// What is left before a record can be finalized: each problem, and a way to it.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Survey

Page {
    id: page
    objectName: "finalizePage"
    property FormController controller: null
    property var problems: controller ? controller.problems() : []
    title: qsTr("Not finished yet")

    header: ToolBar {
        // Light words on the accent-coloured bar.
        Material.theme: Material.Dark
        RowLayout {
            anchors.fill: parent
            ToolButton {
                objectName: "backButton"
                text: qsTr("Back")
                onClicked: page.StackView.view.pop()
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("%n problem(s) left", "", page.problems.length)
                font.pixelSize: Theme.titleSize
            }
        }
    }

    ListView {
        objectName: "problemList"
        anchors.fill: parent
        model: page.problems
        delegate: ItemDelegate {
            id: entry
            required property var modelData
            required property int index
            objectName: "problemItem_" + index
            width: ListView.view.width
            contentItem: ColumnLayout {
                Label {
                    Layout.fillWidth: true
                    visible: text !== ""
                    text: entry.modelData.label
                    font.bold: true
                    wrapMode: Text.Wrap
                }
                Label {
                    Layout.fillWidth: true
                    text: entry.modelData.message
                    color: Theme.warning
                    wrapMode: Text.Wrap
                }
                Label {
                    Layout.fillWidth: true
                    text: entry.modelData.ref
                    font.pixelSize: Theme.smallSize
                    color: Theme.muted
                    elide: Text.ElideMiddle
                }
            }
            onClicked: {
                page.controller.jumpToProblem(entry.modelData.index)
                page.StackView.view.pop()
            }
        }
    }
}
