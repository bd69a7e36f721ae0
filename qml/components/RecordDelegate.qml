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
        // Names and form titles wrap (a title like "English / 中文" keeps both halves).
        Label {
            Layout.fillWidth: true
            text: row.instanceName
            wrapMode: Text.Wrap
        }
        Label {
            Layout.fillWidth: true
            text: row.formTitle + " · " + row.updatedAt.toLocaleString(Qt.locale(Preferences.localeName), Locale.ShortFormat)
            font.pixelSize: Theme.smallSize
            color: Theme.muted
            wrapMode: Text.Wrap
        }
        // The supervisor's comment: to act on while the record is back for correction;
        // once the correction is finalized or sent, shown as dealt with.
        Label {
            objectName: "recordComment"
            readonly property bool resolved: row.listedAs === "finalized" || row.listedAs === "sent"
            Layout.fillWidth: true
            visible: row.comment !== ""
            text: resolved ? qsTr("Corrected. The supervisor had said: %1").arg(row.comment)
                           : qsTr("Supervisor: %1").arg(row.comment)
            wrapMode: Text.Wrap
            color: resolved ? Theme.muted : Theme.notice
            font.bold: !resolved
            font.pixelSize: resolved ? Theme.smallSize : Theme.fontSize
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
