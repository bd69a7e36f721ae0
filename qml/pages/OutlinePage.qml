// SPDX-License-Identifier: GPL-3.0-or-later
// Every question of the record, to jump anywhere.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Survey

Page {
    id: page
    objectName: "outlinePage"
    property FormController controller: null
    title: qsTr("Questions")

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
                text: page.title
                font.pixelSize: Theme.titleSize
            }
            // As Collect's hierarchy: straight to the end, to finalize or see what is left.
            ToolButton {
                objectName: "outlineEndButton"
                text: qsTr("Go to the end")
                onClicked: {
                    page.controller.jumpTo(page.controller.count - 1)
                    page.StackView.view.pop()
                }
            }
        }
    }

    ListView {
        id: list
        objectName: "outlineList"
        anchors.fill: parent
        model: page.controller ? page.controller.outline : []
        // Arrow keys move through the questions, Enter goes to one; it starts at the
        // current page.
        focus: true
        Component.onCompleted: {
            if (page.controller)
                currentIndex = Math.min(page.controller.index, count - 1)
            positionViewAtIndex(currentIndex, ListView.Center)
        }
        delegate: ItemDelegate {
            id: entry
            required property var modelData
            objectName: "outline_" + (entry.modelData.ref !== "" ? entry.modelData.ref
                                                                 : String(entry.modelData.index))
            width: ListView.view.width
            leftPadding: Theme.margin + entry.modelData.depth * Theme.margin
            highlighted: ListView.isCurrentItem
            Keys.onReturnPressed: clicked()
            Keys.onEnterPressed: clicked()
            contentItem: ColumnLayout {
                Label {
                    Layout.fillWidth: true
                    text: entry.modelData.label
                    elide: Text.ElideRight
                    font.bold: entry.modelData.kind !== "question"
                }
                Label {
                    Layout.fillWidth: true
                    visible: entry.modelData.value !== ""
                    text: entry.modelData.value
                    color: Theme.muted
                    font.pixelSize: Theme.smallSize
                    elide: Text.ElideRight
                }
            }
            onClicked: {
                page.controller.jumpTo(entry.modelData.index)
                page.StackView.view.pop()
            }
        }
    }
}
