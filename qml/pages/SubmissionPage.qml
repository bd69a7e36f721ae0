// SPDX-License-Identifier: GPL-3.0-or-later
// One submission, as the supervisor reviews it: who, where and when; what changed since
// they last looked; every answer under its question; the comments; and the decision.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Survey

Page {
    id: page
    objectName: "submissionPage"
    required property SubmissionView view
    readonly property bool wide: width >= Theme.wide
    /// The questions flagged on this page, to go with a Send back: [{path, label, note}].
    property var flags: []

    function flagOf(path) {
        for (let i = 0; i < flags.length; ++i)
            if (flags[i].path === path)
                return flags[i].note
        return null
    }
    function toggleFlag(path, label) {
        const kept = flags.filter(f => f.path !== path)
        if (kept.length === flags.length)
            kept.push({ path: path, label: label, note: "" })
        flags = kept
    }
    function setNote(path, note) {
        // The same list, so that the note being typed keeps its field.
        for (let i = 0; i < flags.length; ++i)
            if (flags[i].path === path)
                flags[i].note = note
    }
    function decide(decision) {
        decisionDialog.decision = decision
        decisionDialog.flags = decision === Review.HasIssues ? page.flags.slice() : []
        decisionDialog.open()
    }

    Connections {
        target: Review
        function onDecided(instanceId, ok, message) {
            if (instanceId !== page.view.instanceId)
                return
            if (!ok) {
                Backend.notice(message)
                return
            }
            Backend.notice(qsTr("Saved. It goes to the server with the next Send and receive."))
            page.StackView.view.pop()
        }
    }

    header: ToolBar {
        Material.theme: Material.Dark
        RowLayout {
            anchors.fill: parent
            IconToolButton {
                objectName: "backButton"
                iconName: "go-previous"
                text: qsTr("Back")
                onClicked: page.StackView.view.pop()
            }
            Label {
                Layout.fillWidth: true
                text: page.view.name
                font.pixelSize: Theme.titleSize
                wrapMode: Text.Wrap
                maximumLineCount: 2
            }
            StateBadge {
                objectName: "submissionState"
                Layout.rightMargin: Theme.margin
                reviewState: page.view.reviewState
                color: Theme.onAccentMuted
            }
        }
    }

    // Every row made at once (a household is a few hundred at most): scrolling back does
    // not build them again, and the heading above them cannot shift under the tool bar.
    ScrollView {
        id: scroll
        objectName: "submissionRows"
        anchors.fill: parent
        contentWidth: availableWidth
        Column {
            id: column
            // A readable width on a desktop: the flags stay near their answers.
            width: Math.min(scroll.availableWidth, 960)
            x: (scroll.availableWidth - width) / 2
            ColumnLayout {
                width: column.width
                spacing: Theme.spacing
                Item { implicitHeight: 4 }
                Label {
                    Layout.fillWidth: true
                    Layout.leftMargin: Theme.margin
                    Layout.rightMargin: Theme.margin
                    text: page.view.formTitle
                    font.bold: true
                    wrapMode: Text.Wrap
                }
                Label {
                    objectName: "submissionWho"
                    Layout.fillWidth: true
                    Layout.leftMargin: Theme.margin
                    Layout.rightMargin: Theme.margin
                    text: qsTr("By %1 on device %2").arg(page.view.submitter)
                          .arg(page.view.deviceId === "" ? qsTr("(unknown)") : page.view.deviceId)
                    wrapMode: Text.WrapAnywhere
                }
                Label {
                    Layout.fillWidth: true
                    Layout.leftMargin: Theme.margin
                    Layout.rightMargin: Theme.margin
                    text: (page.view.started !== "" && page.view.ended !== ""
                           ? qsTr("Interview %1 – %2").arg(page.view.started).arg(page.view.ended) + "\n"
                           : page.view.started !== ""
                             ? qsTr("Interview started %1").arg(page.view.started) + "\n" : "")
                          + qsTr("Received %1").arg(page.view.received)
                          + (page.view.versionCount > 1 ? "\n" + qsTr("%n version(s)", "", page.view.versionCount) : "")
                    color: Theme.muted
                    wrapMode: Text.Wrap
                }
                // This device's decision, and a refusal of it.
                Label {
                    objectName: "submissionDecision"
                    Layout.fillWidth: true
                    Layout.leftMargin: Theme.margin
                    Layout.rightMargin: Theme.margin
                    visible: page.view.decision === Review.Queued || page.view.decision === Review.Sending
                    text: qsTr("Your decision (%1) is waiting to be sent.").arg(decisionName.textOf(page.view.decisionState))
                    color: Theme.notice
                    wrapMode: Text.Wrap
                    StateBadge { id: decisionName; visible: false }
                }
                Label {
                    objectName: "submissionConflict"
                    Layout.fillWidth: true
                    Layout.leftMargin: Theme.margin
                    Layout.rightMargin: Theme.margin
                    visible: page.view.conflict !== ""
                    text: qsTr("Your decision (%1) was not applied: %2. Below is the submission as it is now; decide again.")
                          .arg(decisionName.textOf(page.view.decisionState)).arg(page.view.conflict)
                    color: Theme.warning
                    wrapMode: Text.Wrap
                }
                // What changed since the version last seen.
                ColumnLayout {
                    objectName: "submissionChanges"
                    Layout.fillWidth: true
                    Layout.leftMargin: Theme.margin
                    Layout.rightMargin: Theme.margin
                    visible: page.view.changesSince !== ""
                    spacing: 4
                    Label {
                        Layout.fillWidth: true
                        text: page.view.changes.length === 0
                              ? qsTr("No answer changed since the version of %1.").arg(page.view.changesSince)
                              : qsTr("Changed since the version of %1:").arg(page.view.changesSince)
                        font.bold: true
                        wrapMode: Text.Wrap
                    }
                    Repeater {
                        model: page.view.changes
                        delegate: Label {
                            required property var modelData
                            objectName: "change_" + modelData.path
                            Layout.fillWidth: true
                            //: A changed answer: question, old value → new value
                            text: qsTr("%1: %2 → %3").arg(modelData.label)
                                  .arg(modelData.before === "" ? qsTr("(no answer)") : modelData.before)
                                  .arg(modelData.after === "" ? qsTr("(no answer)") : modelData.after)
                                  + (modelData.computed ? qsTr(" (computed by the form)") : "")
                            color: modelData.computed ? Theme.muted : Material.foreground
                            wrapMode: Text.Wrap
                        }
                    }
                }
                // The comment thread.
                Repeater {
                    model: page.view.comments
                    delegate: Label {
                        required property var modelData
                        Layout.fillWidth: true
                        Layout.leftMargin: Theme.margin
                        Layout.rightMargin: Theme.margin
                        text: qsTr("%1, %2: %3").arg(modelData.author).arg(modelData.at).arg(modelData.body)
                        wrapMode: Text.Wrap
                        color: Theme.hint
                    }
                }
            }
            Repeater {
                model: page.view.rows
                delegate: SubmissionRow {
                    width: column.width
                    flagNote: page.flagOf(modelData.path)
                    onFlagToggled: (path, label) => page.toggleFlag(path, label)
                    onNoteEdited: (path, note) => page.setNote(path, note)
                    onPhotoOpened: url => { photo.source = url; photoPopup.open() }
                }
            }
            Item { width: 1; height: Theme.margin }
        }
    }

    // The decisions, always in reach, on the page's own colour.
    footer: Pane {
        Material.elevation: 6
        padding: 4
        leftPadding: Theme.spacing
        rightPadding: Theme.spacing
        RowLayout {
            anchors.fill: parent
            spacing: Theme.spacing
            Button {
                objectName: "rejectButton"
                Layout.fillWidth: true
                display: page.wide ? AbstractButton.TextBesideIcon : AbstractButton.TextUnderIcon
                Layout.minimumHeight: Theme.touch
                flat: true
                icon.source: "qrc:/icons/action-unavailable.svg"
                text: qsTr("Reject")
                onClicked: page.decide(Review.Rejected)
            }
            Button {
                objectName: "sendBackButton"
                Layout.fillWidth: true
                display: page.wide ? AbstractButton.TextBesideIcon : AbstractButton.TextUnderIcon
                Layout.minimumHeight: Theme.touch
                icon.source: "qrc:/icons/mail-reply-sender.svg"
                text: page.flags.length > 0 ? qsTr("Send back (%1)").arg(page.flags.length) : qsTr("Send back")
                onClicked: page.decide(Review.HasIssues)
            }
            Button {
                objectName: "approveButton"
                Layout.fillWidth: true
                display: page.wide ? AbstractButton.TextBesideIcon : AbstractButton.TextUnderIcon
                Layout.minimumHeight: Theme.touch
                highlighted: true
                icon.source: "qrc:/icons/object-select.svg"
                text: qsTr("Approve")
                onClicked: page.decide(Review.Approved)
            }
        }
    }

    DecisionDialog {
        id: decisionDialog
        onConfirmed: (decision, comment) => Review.decide(page.view.instanceId, decision, comment,
                                                          decision === Review.HasIssues ? page.flags : [])
    }

    Popup {
        id: photoPopup
        objectName: "photoPopup"
        parent: Overlay.overlay
        anchors.centerIn: parent
        width: parent.width
        height: parent.height
        modal: true
        padding: 0
        background: Rectangle { color: "black" }
        Image {
            id: photo
            anchors.fill: parent
            fillMode: Image.PreserveAspectFit
            asynchronous: true
        }
        TapHandler { onTapped: photoPopup.close() }
    }
}
