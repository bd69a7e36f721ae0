// SPDX-License-Identifier: GPL-3.0-or-later
// The supervisor's queue: the team's pulled submissions with counts per state, filters,
// search and sort. Works offline; Send / receive pulls new ones and sends the decisions.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Survey

Page {
    id: page
    objectName: "reviewPage"
    readonly property bool wide: width >= Theme.wide

    Component.onCompleted: Review.reload()

    /// A filter's choices: "all" first, then those the submissions have.
    function withFirst(first, rest) {
        const out = [first]
        for (let i = 0; i < rest.length; ++i)
            out.push(rest[i])
        return out
    }

    Connections {
        target: Review
        function onOpened(view) {
            page.StackView.view.push("SubmissionPage.qml", { view: view })
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
                text: qsTr("Review")
                font.pixelSize: Theme.titleSize
                elide: Text.ElideRight
            }
            IconToolButton {
                objectName: "teamButton"
                iconName: "system-users"
                showText: page.wide
                text: qsTr("Team")
                onClicked: page.StackView.view.push("TeamPage.qml")
            }
            IconToolButton {
                objectName: "reviewSyncButton"
                iconName: Sync.syncing ? "action-unavailable" : "view-refresh"
                showText: page.wide
                text: Sync.syncing ? qsTr("Stop") : qsTr("Send and receive")
                tip: qsTr("Download the team's new submissions and send your decisions (F5)")
                onClicked: Sync.syncing ? Sync.cancel() : Sync.sync()
            }
        }
    }

    Shortcut {
        sequences: [StandardKey.Refresh]
        enabled: page.StackView.status === StackView.Active && !Sync.syncing
        onActivated: Sync.sync()
    }
    Shortcut {
        sequences: [StandardKey.Find]
        enabled: page.StackView.status === StackView.Active
        onActivated: search.forceActiveFocus()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // The states with their counts; one chosen filters the list.
        Flow {
            Layout.fillWidth: true
            Layout.leftMargin: Theme.margin
            Layout.rightMargin: Theme.margin
            Layout.topMargin: Theme.spacing
            spacing: 4
            Repeater {
                model: [
                    { state: Review.Any, name: "any", count: Review.total },
                    { state: Review.Received, name: "received", count: Review.receivedCount },
                    { state: Review.Edited, name: "edited", count: Review.editedCount },
                    { state: Review.HasIssues, name: "hasIssues", count: Review.hasIssuesCount },
                    { state: Review.Approved, name: "approved", count: Review.approvedCount },
                    { state: Review.Rejected, name: "rejected", count: Review.rejectedCount }
                ]
                delegate: Button {
                    id: chip
                    required property var modelData
                    objectName: "stateFilter_" + modelData.name
                    checkable: true
                    checked: Review.stateFilter === modelData.state
                    flat: !checked
                    highlighted: checked
                    implicitHeight: Theme.touch
                    text: stateName.textOf(modelData.state) + "  " + modelData.count
                    onClicked: Review.stateFilter = modelData.state
                    StateBadge { id: stateName; visible: false }
                }
            }
        }

        Flow {
            Layout.fillWidth: true
            Layout.margins: Theme.margin
            Layout.topMargin: 4
            spacing: Theme.spacing
            TextField {
                id: search
                objectName: "reviewSearch"
                width: page.wide ? 260 : parent.width
                placeholderText: qsTr("Search by name")
                onTextChanged: Review.search = text
            }
            ComboBox {
                objectName: "reviewFormFilter"
                width: page.wide ? implicitWidth : (parent.width - Theme.spacing) / 2
                implicitContentWidthPolicy: ComboBox.WidestText // the choices read whole
                visible: Review.formChoices.length > 1
                textRole: "title"
                valueRole: "formId"
                model: page.withFirst({ formId: "", title: qsTr("All forms") }, Review.formChoices)
                onActivated: Review.formFilter = currentValue
            }
            ComboBox {
                objectName: "reviewSubmitterFilter"
                // Names are long: a row of its own on a phone.
                width: page.wide ? implicitWidth : parent.width
                implicitContentWidthPolicy: ComboBox.WidestText // the choices read whole
                model: page.withFirst(qsTr("All enumerators"), Review.submitterChoices)
                onActivated: index => Review.submitterFilter = index === 0 ? "" : currentText
            }
            ComboBox {
                objectName: "reviewDayFilter"
                width: page.wide ? implicitWidth : (parent.width - Theme.spacing) / 2
                implicitContentWidthPolicy: ComboBox.WidestText // the choices read whole
                textRole: "text"
                valueRole: "days"
                model: [
                    { days: 0, text: qsTr("Any time") },
                    { days: 1, text: qsTr("Today") },
                    { days: 7, text: qsTr("Last 7 days") },
                    { days: 30, text: qsTr("Last 30 days") }
                ]
                onActivated: Review.dayFilter = currentValue
            }
            ComboBox {
                objectName: "reviewSort"
                width: page.wide ? implicitWidth : (parent.width - Theme.spacing) / 2
                implicitContentWidthPolicy: ComboBox.WidestText // the choices read whole
                textRole: "text"
                valueRole: "sort"
                model: [
                    { sort: Review.Newest, text: qsTr("Newest first") },
                    { sort: Review.Oldest, text: qsTr("Oldest first") },
                    { sort: Review.Submitter, text: qsTr("By enumerator") },
                    { sort: Review.Name, text: qsTr("By name") },
                    { sort: Review.State, text: qsTr("By state") }
                ]
                onActivated: Review.sort = currentValue
            }
        }

        Label {
            objectName: "reviewStatus"
            Layout.fillWidth: true
            Layout.leftMargin: Theme.margin
            Layout.rightMargin: Theme.margin
            visible: text !== ""
            text: Sync.status
            color: Theme.muted
            wrapMode: Text.Wrap
        }
        Label {
            objectName: "unsentDecisions"
            Layout.fillWidth: true
            Layout.leftMargin: Theme.margin
            Layout.rightMargin: Theme.margin
            visible: Review.unsentDecisions > 0
            text: qsTr("%n decision(s) waiting to be sent", "", Review.unsentDecisions)
            color: Theme.notice
            wrapMode: Text.Wrap
        }
        ProgressBar {
            Layout.fillWidth: true
            Layout.leftMargin: Theme.margin
            Layout.rightMargin: Theme.margin
            visible: Sync.syncing
            value: Sync.progress
        }

        ListView {
            id: list
            objectName: "reviewList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: Review.queue
            reuseItems: true
            delegate: ReviewDelegate {
                width: ListView.view.width
                onClicked: Review.open(instanceId)
            }
            ScrollBar.vertical: ScrollBar {}
            Label {
                objectName: "reviewEmpty"
                anchors.centerIn: parent
                width: parent.width - 2 * Theme.margin
                visible: list.count === 0
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                color: Theme.muted
                text: Review.total === 0
                      ? qsTr("Nothing to review yet. Send and receive to download your team's submissions.")
                      : qsTr("No submission matches these filters.")
            }
        }
    }
}
