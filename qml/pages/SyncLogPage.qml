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
    Component.onCompleted: Sync.loadLog()

    Connections {
        target: Preferences
        function onLanguageChanged() { Sync.loadLog() }
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
        visible: Sync.logEntries.length === 0
        text: qsTr("Nothing sent yet.")
        color: Theme.muted
    }
    ListView {
        objectName: "syncLogList"
        anchors.fill: parent
        model: Sync.logEntries
        delegate: ItemDelegate {
            id: entry
            required property var modelData
            required property int index
            objectName: "logEntry_" + entry.index
            width: ListView.view.width
            contentItem: ColumnLayout {
                spacing: 2
                // The record by the name it has now; a correction says so, and shares the
                // name with the entries of the record it corrects.
                Label {
                    objectName: "logRecord"
                    Layout.fillWidth: true
                    visible: text !== ""
                    text: {
                        const name = entry.modelData.name !== "" ? entry.modelData.name
                                                                 : entry.modelData.formTitle
                        if (name === "")
                            return ""
                        return entry.modelData.correction ? qsTr("%1 (correction)").arg(name) : name
                    }
                    font.bold: true
                    wrapMode: Text.Wrap
                }
                Label {
                    objectName: "logText"
                    Layout.fillWidth: true
                    text: entry.modelData.text
                    wrapMode: Text.Wrap
                    color: entry.modelData.outcome === "failed" ? Theme.warning : palette.text
                }
                Label {
                    objectName: "logTime"
                    Layout.fillWidth: true
                    text: entry.modelData.at.toLocaleString(Qt.locale(Preferences.localeName), Locale.ShortFormat)
                          + (entry.modelData.name !== "" && entry.modelData.formTitle !== ""
                             ? " · " + entry.modelData.formTitle : "")
                    font.pixelSize: Theme.smallSize
                    color: Theme.muted
                    wrapMode: Text.Wrap
                }
            }
        }
    }
}
