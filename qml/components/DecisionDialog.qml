// SPDX-License-Identifier: GPL-3.0-or-later
// Approve, send back or reject: the words for the enumerator (needed to send back or
// reject) and, when sending back, the flagged questions. Stored at once; it goes with the
// next Send / receive.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

Dialog {
    id: dialog
    objectName: "decisionDialog"
    property int decision: Review.Approved
    /// [{path, label, note}]
    property var flags: []
    signal confirmed(int decision, string comment)

    readonly property bool needsWords: decision !== Review.Approved
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(parent ? parent.width - 2 * Theme.margin : 480, 520)
    title: decision === Review.Approved ? qsTr("Approve this submission")
         : decision === Review.HasIssues ? qsTr("Send back to the enumerator")
         : qsTr("Reject this submission")

    onAboutToShow: comment.text = ""

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        Label {
            Layout.fillWidth: true
            text: dialog.decision === Review.HasIssues
                  ? qsTr("The enumerator gets it back on their device with your comment, and corrects it.")
                  : dialog.decision === Review.Rejected
                    ? qsTr("The enumerator is told it was rejected, with your comment.")
                    : qsTr("A comment is optional.")
            wrapMode: Text.Wrap
        }
        TextArea {
            id: comment
            objectName: "decisionComment"
            Layout.fillWidth: true
            Layout.minimumHeight: 3 * Theme.touch / 2
            placeholderText: dialog.needsWords ? qsTr("Comment for the enumerator (required)")
                                               : qsTr("Comment (optional)")
            wrapMode: TextEdit.Wrap
        }
        Label {
            Layout.fillWidth: true
            visible: dialog.decision === Review.HasIssues
            text: dialog.flags.length === 0
                  ? qsTr("No question is flagged: flag answers on the page to point the enumerator to them.")
                  : qsTr("%n flagged question(s):", "", dialog.flags.length)
            wrapMode: Text.Wrap
            color: Theme.muted
        }
        Repeater {
            model: dialog.decision === Review.HasIssues ? dialog.flags : []
            delegate: Label {
                required property var modelData
                Layout.fillWidth: true
                text: "• " + modelData.label + (modelData.note !== "" ? " — " + modelData.note : "")
                wrapMode: Text.Wrap
            }
        }
    }

    footer: DialogButtonBox {
        Button {
            objectName: "decisionCancel"
            text: qsTr("Cancel")
            flat: true
            onClicked: dialog.close()
        }
        Button {
            objectName: "decisionOk"
            text: dialog.decision === Review.Approved ? qsTr("Approve")
                : dialog.decision === Review.HasIssues ? qsTr("Send back") : qsTr("Reject")
            enabled: !dialog.needsWords || comment.text.trim() !== ""
            highlighted: true
            onClicked: {
                dialog.close()
                dialog.confirmed(dialog.decision, comment.text)
            }
        }
    }
}
