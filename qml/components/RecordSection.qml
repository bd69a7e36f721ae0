// SPDX-License-Identifier: GPL-3.0-or-later
// One group of records on the home screen (drafts, ready to send, sent, returned).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

ColumnLayout {
    id: section
    required property string title
    required property string recordState
    property string search: ""
    property bool openable: true
    signal opened(string instanceId)

    spacing: 0
    visible: records.count > 0

    Label {
        Layout.leftMargin: Theme.margin
        Layout.topMargin: Theme.spacing
        text: section.title + "  (" + records.count + ")"
        font.bold: true
        color: Theme.muted
    }
    Repeater {
        model: RecordsModel {
            id: records
            state: section.recordState
            search: section.search
        }
        delegate: ItemDelegate {
            required property string instanceId
            required property string instanceName
            required property string formTitle
            required property date updatedAt
            required property string comment
            required property string lastError
            id: row
            objectName: "record_" + instanceId
            Layout.fillWidth: true
            Layout.minimumHeight: Theme.touch
            enabled: section.openable
            onClicked: section.opened(row.instanceId)
            contentItem: ColumnLayout {
                spacing: 2
                Label {
                    Layout.fillWidth: true
                    text: row.instanceName
                    elide: Text.ElideRight
                }
                Label {
                    Layout.fillWidth: true
                    text: row.formTitle + " · " + row.updatedAt.toLocaleString(Qt.locale(), Locale.ShortFormat)
                    font.pixelSize: Theme.smallSize
                    color: Theme.muted
                    elide: Text.ElideRight
                }
                Label {
                    Layout.fillWidth: true
                    visible: row.comment !== ""
                    text: qsTr("Supervisor: %1").arg(row.comment)
                    wrapMode: Text.Wrap
                    color: Theme.notice
                    font.bold: true
                }
                Label {
                    Layout.fillWidth: true
                    visible: row.lastError !== ""
                    text: row.lastError
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.smallSize
                    color: Theme.warning
                }
            }
        }
    }
}
