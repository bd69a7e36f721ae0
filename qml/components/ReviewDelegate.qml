// SPDX-License-Identifier: GPL-3.0-or-later
// One submission in the review queue: its name, who sent it, the form, when, its state,
// and whether this device's decision on it is still to be sent.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

ItemDelegate {
    id: row
    required property string instanceId
    required property string name
    required property string submitter
    required property string formTitle
    required property int reviewState
    required property int decision
    required property string received
    required property int versions
    required property bool changed
    required property bool complete

    objectName: "reviewRow_" + instanceId
    implicitHeight: Math.max(Theme.touch, implicitContentHeight + topPadding + bottomPadding)
    focusPolicy: Qt.StrongFocus
    Keys.onReturnPressed: clicked()
    Keys.onEnterPressed: clicked()

    contentItem: RowLayout {
        spacing: Theme.spacing
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 2
            Label {
                Layout.fillWidth: true
                text: row.name
                font.bold: true
                wrapMode: Text.Wrap
            }
            Label {
                Layout.fillWidth: true
                //: The queue's second line: enumerator · form · when received
                text: qsTr("%1 · %2 · %3").arg(row.submitter).arg(row.formTitle).arg(row.received)
                font.pixelSize: Theme.smallSize
                color: Theme.muted
                wrapMode: Text.Wrap
            }
            Label {
                Layout.fillWidth: true
                visible: text !== ""
                text: row.decision === Review.Queued || row.decision === Review.Sending
                      ? qsTr("Your decision is waiting to be sent")
                      : row.decision === Review.Conflict ? qsTr("Your decision was refused: look again")
                      : row.changed ? qsTr("Corrected since you last looked")
                      : !row.complete ? qsTr("Photos not downloaded yet") : ""
                font.pixelSize: Theme.smallSize
                color: row.decision === Review.Conflict ? Theme.warning : Theme.notice
                wrapMode: Text.Wrap
            }
        }
        StateBadge {
            objectName: "reviewRowState"
            Layout.alignment: Qt.AlignTop
            reviewState: row.reviewState
        }
    }
}
