// SPDX-License-Identifier: GPL-3.0-or-later
// The team: per enumerator, what they sent today, this week and in all; what waits for
// review, what was sent back and not corrected yet, what is approved; when their device
// last synced; and their assignments against what is done. A project lead sees everyone.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Survey

Page {
    id: page
    objectName: "teamPage"

    Component.onCompleted: Review.reload()

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
                text: qsTr("Team")
                font.pixelSize: Theme.titleSize
                elide: Text.ElideRight
            }
        }
    }

    ListView {
        id: list
        objectName: "teamList"
        anchors.fill: parent
        clip: true
        model: Review.team
        spacing: 4
        ScrollBar.vertical: ScrollBar {}
        Label {
            anchors.centerIn: parent
            width: parent.width - 2 * Theme.margin
            visible: list.count === 0
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            color: Theme.muted
            text: qsTr("Send and receive to download your team.")
        }
        delegate: ItemDelegate {
            id: member
            required property var modelData
            objectName: "member_" + modelData.name
            width: ListView.view.width
            onClicked: {
                // Their submissions in the queue.
                Review.submitterFilter = member.modelData.name
                page.StackView.view.pop()
            }
            contentItem: ColumnLayout {
                spacing: 2
                RowLayout {
                    Layout.fillWidth: true
                    Label {
                        Layout.fillWidth: true
                        text: member.modelData.name
                        font.bold: true
                        elide: Text.ElideRight
                    }
                    Label {
                        text: member.modelData.lastSync === "" ? qsTr("Never synced")
                              : qsTr("Last synced %1").arg(member.modelData.lastSync)
                        font.pixelSize: Theme.smallSize
                        color: Theme.muted
                    }
                }
                Label {
                    objectName: "memberSent"
                    Layout.fillWidth: true
                    text: qsTr("Today %1 · This week %2 · In all %3").arg(member.modelData.today)
                          .arg(member.modelData.week).arg(member.modelData.total)
                    wrapMode: Text.Wrap
                }
                Label {
                    objectName: "memberStates"
                    Layout.fillWidth: true
                    text: qsTr("Waiting for review %1 · Sent back %2 · Approved %3")
                          .arg(member.modelData.waiting).arg(member.modelData.sentBack)
                          .arg(member.modelData.approved)
                    color: member.modelData.sentBack > 0 ? Theme.notice : Theme.muted
                    wrapMode: Text.Wrap
                }
                Repeater {
                    model: member.modelData.targets
                    delegate: TargetProgress {
                        required property var modelData
                        Layout.fillWidth: true
                        form: modelData.form
                        target: modelData.target
                        done: modelData.done
                    }
                }
            }
        }
    }
}
