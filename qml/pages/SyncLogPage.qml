// SPDX-License-Identifier: GPL-3.0-or-later
// Every sending attempt and its result, in words, in the current language.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Survey

Page {
    id: page
    objectName: "syncLogPage"
    title: qsTr("Sync log")
    Component.onCompleted: Backend.loadSyncLog()

    Connections {
        target: Backend
        function onLanguageChanged() { Backend.loadSyncLog() }
    }

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
        }
    }

    Label {
        anchors.centerIn: parent
        visible: Backend.syncLogEntries.length === 0
        text: qsTr("Nothing sent yet.")
        color: Theme.muted
    }
    ListView {
        objectName: "syncLogList"
        anchors.fill: parent
        model: Backend.syncLogEntries
        delegate: ItemDelegate {
            id: entry
            required property var modelData
            width: ListView.view.width
            contentItem: ColumnLayout {
                Label {
                    Layout.fillWidth: true
                    text: entry.modelData.text
                    wrapMode: Text.Wrap
                    color: entry.modelData.outcome === "failed" ? Theme.warning : palette.text
                }
                Label {
                    Layout.fillWidth: true
                    text: entry.modelData.at.toLocaleString(Qt.locale(), Locale.ShortFormat)
                          + (entry.modelData.instanceId !== "" ? " · " + entry.modelData.instanceId : "")
                    font.pixelSize: Theme.smallSize
                    color: Theme.muted
                    elide: Text.ElideMiddle
                }
            }
        }
    }
}
