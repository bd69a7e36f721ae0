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
        // Arrow keys move through the rows, Enter goes to one; it starts at the current
        // page's first row.
        focus: true
        clip: true
        Component.onCompleted: {
            if (!page.controller)
                return
            const rows = page.controller.outline
            for (let i = 0; i < rows.length; ++i) {
                if (rows[i].index === page.controller.index && rows[i].kind !== "group"
                        && rows[i].kind !== "entry") {
                    currentIndex = i
                    break
                }
            }
            positionViewAtIndex(currentIndex, ListView.Center)
        }
        delegate: ItemDelegate {
            id: entry
            required property var modelData
            readonly property bool heading: entry.modelData.kind === "group" || entry.modelData.kind === "entry"
            objectName: entry.modelData.kind === "question" ? "outline_" + entry.modelData.ref
                        : entry.modelData.kind === "entry" ? "outlineEntry_" + entry.modelData.ref
                        : "outline_" + entry.modelData.kind + "_" + entry.modelData.index
            width: ListView.view.width
            height: Math.max(Theme.touch, implicitHeight) // a finger's size, one line or more
            leftPadding: Theme.margin + entry.modelData.depth * Theme.margin
            highlighted: ListView.isCurrentItem
            background: Rectangle {
                color: entry.highlighted ? Qt.darker(Theme.surface, 1.08)
                       : entry.heading ? Theme.surface : "transparent"
            }
            Keys.onReturnPressed: clicked()
            Keys.onEnterPressed: clicked()
            contentItem: RowLayout {
                spacing: Theme.spacing
                ColumnLayout {
                    Layout.fillWidth: true
                    spacing: 2
                    Label {
                        objectName: "outlineLabel"
                        Layout.fillWidth: true
                        text: entry.modelData.kind === "entry" ? entry.modelData.text
                              : entry.modelData.kind === "repeat"
                                ? qsTr("Add a new \"%1\"? (%n so far)", "", entry.modelData.count).arg(entry.modelData.label)
                              : entry.modelData.label
                        wrapMode: Text.Wrap
                        maximumLineCount: 3
                        elide: Text.ElideRight
                        font.bold: entry.heading
                        color: entry.modelData.kind === "entry" ? Theme.accent
                               : entry.modelData.kind === "repeat" ? Theme.muted : Material.foreground
                    }
                    Label {
                        objectName: "outlineValue"
                        Layout.fillWidth: true
                        visible: entry.modelData.value !== ""
                        text: entry.modelData.value
                        color: Theme.muted
                        font.pixelSize: Theme.smallSize
                        wrapMode: Text.Wrap
                        maximumLineCount: 2
                        elide: Text.ElideRight
                    }
                    // The reviewer's note on this question (a record sent back).
                    Label {
                        objectName: "outlineFlag"
                        Layout.fillWidth: true
                        visible: (entry.modelData.flag || "") !== ""
                        text: qsTr("Supervisor: %1").arg(entry.modelData.flag || "")
                        color: Theme.warning
                        font.pixelSize: Theme.smallSize
                        wrapMode: Text.Wrap
                    }
                }
                // The reviewer flagged it; a required answer still missing; an answer its
                // rule refuses.
                Image {
                    objectName: "outlineFlagIcon"
                    visible: (entry.modelData.flag || "") !== ""
                    source: "qrc:/icons/emoji-flags.svg"
                    sourceSize.width: 20
                    sourceSize.height: 20
                }
                Label {
                    objectName: "outlineMark"
                    visible: entry.modelData.missing || entry.modelData.invalid
                    text: entry.modelData.missing ? qsTr("Required") : qsTr("Check")
                    color: Theme.warning
                    font.pixelSize: Theme.smallSize
                    font.bold: true
                }
            }
            onClicked: {
                page.controller.jumpTo(entry.modelData.index)
                page.StackView.view.pop()
            }
        }
    }
}
