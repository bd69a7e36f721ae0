// SPDX-License-Identifier: GPL-3.0-or-later
// One record in a list: its name, form and time, and what needs attention (the
// supervisor's comment, why sending failed).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

ItemDelegate {
    id: row
    required property string instanceId
    required property string instanceName
    required property string formTitle
    required property date updatedAt
    required property string comment
    required property string lastError
    /// The state of the list it is in (draft, finalized, sent, returned).
    property string listedAs
    objectName: "record_" + instanceId
    Layout.fillWidth: true
    Layout.minimumHeight: Theme.touch
    // Reached with Tab too, as a keyboard user goes down the home page.
    focusPolicy: Qt.StrongFocus
    Keys.onReturnPressed: clicked()
    Keys.onEnterPressed: clicked()

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
