// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Dialogs
import QtQuick.Layouts
import Survey

Page {
    id: page
    objectName: "homePage"
    title: qsTr("Survey Collector")

    function showAll(recordState, heading, openable) {
        page.StackView.view.push("RecordListPage.qml",
                                 { recordState: recordState, heading: heading, openable: openable })
    }

    function openForm(formId) {
        const controller = Backend.newRecord(formId)
        if (controller)
            StackView.view.push("FormPage.qml", { controller: controller })
    }

    // Keyboard: send and receive, search, settings.
    readonly property bool active: page.StackView.status === StackView.Active
    Shortcut {
        sequences: [StandardKey.Refresh]
        enabled: page.active && !Sync.syncing
        onActivated: Sync.sync()
    }
    Shortcut {
        sequences: [StandardKey.Find]
        enabled: page.active
        onActivated: search.forceActiveFocus()
    }
    Shortcut {
        sequence: "Ctrl+,"
        enabled: page.active
        onActivated: page.StackView.view.push("SettingsPage.qml")
    }

    header: ToolBar {
        // Light words on the accent-coloured bar.
        Material.theme: Material.Dark
        RowLayout {
            anchors.fill: parent
            Label {
                Layout.leftMargin: Theme.margin
                Layout.fillWidth: true
                text: page.title
                font.pixelSize: Theme.titleSize
                elide: Text.ElideRight
            }
            ToolButton {
                objectName: "syncLogButton"
                text: qsTr("Log")
                onClicked: page.StackView.view.push("SyncLogPage.qml")
            }
            ToolButton {
                objectName: "settingsButton"
                text: qsTr("Settings")
                onClicked: page.StackView.view.push("SettingsPage.qml")
            }
        }
    }

    // A form from a file: an XForm, or an XLSForm spreadsheet converted on the device.
    FileDialog {
        id: formFileDialog
        objectName: "formFileDialog"
        title: qsTr("Add a form")
        currentFolder: Backend.formFolder
        nameFilters: [qsTr("Forms (*.xml *.xlsx)"), qsTr("XForms (*.xml)"),
            qsTr("XLSForm spreadsheets (*.xlsx)")]
        onAccepted: Backend.addFormFile(selectedFile)
    }

    ScrollView {
        id: scroll
        anchors.fill: parent

        // A positioner, not a layout, around the grid: Qt 6.4 leaves a layout nested in
        // another layout with a stale arrangement when its lists change (forms and records
        // drawn on top of each other); the grid, at the top, lays itself out again.
        Column {
            width: scroll.availableWidth
            topPadding: Theme.margin
            spacing: Theme.margin + Theme.spacing

            // Supervisors and project leads: their team's submissions, beside collecting.
            Button {
                objectName: "reviewButton"
                x: Theme.margin
                width: parent.width - 2 * Theme.margin
                visible: Account.reviewer
                implicitHeight: Theme.touch
                icon.source: "qrc:/icons/system-users.svg"
                text: Review.receivedCount + Review.editedCount > 0
                      ? qsTr("Review: %n waiting", "", Review.receivedCount + Review.editedCount)
                      : qsTr("Review")
                onClicked: page.StackView.view.push("ReviewPage.qml")
            }
            // Their team's figures: summaries, the baseline and its forecast, the demand.
            Button {
                objectName: "analysisButton"
                x: Theme.margin
                width: parent.width - 2 * Theme.margin
                visible: Account.reviewer
                implicitHeight: Theme.touch
                icon.source: "qrc:/icons/x-office-spreadsheet.svg"
                text: qsTr("Analysis")
                onClicked: page.StackView.view.push("AnalysisPage.qml")
            }
            TextField {
                id: search
                objectName: "searchField"
                x: Theme.margin
                width: parent.width - 2 * Theme.margin
                placeholderText: qsTr("Search records")
            }

            // Phones: one column. Tablets in landscape and desktops: the forms beside the
            // records.
            GridLayout {
                id: homeGrid
                objectName: "homeGrid"
                width: parent.width
                columns: scroll.availableWidth >= Theme.wide ? 2 : 1
                columnSpacing: Theme.spacing

                ColumnLayout {
                    objectName: "formsColumn"
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1
                    Layout.alignment: Qt.AlignTop
                    spacing: Theme.spacing
                    RecordSection {
                        Layout.fillWidth: true
                        title: qsTr("Returned for correction")
                        recordState: "returned"
                        search: search.text
                        onShowAll: page.showAll("returned", qsTr("Returned for correction"), true)
                        onOpened: instanceId => Backend.openRecord(instanceId)
                    }

                    Label {
                        Layout.leftMargin: Theme.margin
                        text: qsTr("Forms")
                        font.bold: true
                        color: Theme.muted
                    }
                    Label {
                        Layout.leftMargin: Theme.margin
                        Layout.rightMargin: Theme.margin
                        Layout.fillWidth: true
                        visible: Backend.forms.length === 0
                        text: Account.serverUrl === ""
                              ? qsTr("No forms yet. Add a form file, or sign in to a server in Settings.")
                              : qsTr("No forms yet. Send / receive to download the project's forms.")
                        wrapMode: Text.Wrap
                    }
                    // A form file from this device (an XForm, or an XLSForm spreadsheet):
                    // forms made in the office, without a server.
                    Button {
                        objectName: "addFormButton"
                        Layout.leftMargin: Theme.margin
                        Layout.rightMargin: Theme.margin
                        Layout.fillWidth: true
                        implicitHeight: Theme.touch
                        flat: true
                        icon.source: "qrc:/icons/document-open.svg"
                        text: qsTr("Add a form from a file")
                        onClicked: formFileDialog.open()
                    }
                    Repeater {
                        model: Backend.forms
                        delegate: ItemDelegate {
                            id: entry
                            required property var modelData
                            objectName: "form_" + entry.modelData.formId
                            Layout.fillWidth: true
                            Layout.minimumHeight: Theme.touch
                            // The whole title (bilingual ones are long: they wrap), the
                            // version under it, small.
                            text: entry.modelData.title
                            contentItem: ColumnLayout {
                                spacing: 2
                                Label {
                                    objectName: "formTitle_" + entry.modelData.formId
                                    Layout.fillWidth: true
                                    text: entry.modelData.title
                                    wrapMode: Text.Wrap
                                }
                                Label {
                                    Layout.fillWidth: true
                                    text: qsTr("version %1").arg(entry.modelData.version)
                                    font.pixelSize: Theme.smallSize
                                    color: Theme.muted
                                }
                            }
                            onClicked: page.openForm(entry.modelData.formId)
                            // Reached with Tab, opened with Enter.
                            focusPolicy: Qt.StrongFocus
                            Keys.onReturnPressed: clicked()
                            Keys.onEnterPressed: clicked()
                        }
                    }
                }
                ColumnLayout {
                    objectName: "recordsColumn"
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1
                    Layout.alignment: Qt.AlignTop
                    spacing: Theme.spacing
                    RecordSection {
                        Layout.fillWidth: true
                        title: qsTr("Drafts")
                        recordState: "draft"
                        search: search.text
                        onShowAll: page.showAll("draft", qsTr("Drafts"), true)
                        onOpened: instanceId => Backend.openRecord(instanceId)
                    }

                    ColumnLayout {
                        Layout.fillWidth: true
                        Layout.margins: Theme.margin
                        Label {
                            objectName: "readyCount"
                            // Not a second "Ready to send" heading: what Send will do.
                            text: Backend.readyCount === 0 ? qsTr("Nothing is waiting to be sent.")
                                  : qsTr("%n record(s) waiting to be sent", "", Backend.readyCount)
                            font.bold: true
                        }
                        Button {
                            objectName: "sendButton"
                            Layout.fillWidth: true
                            Layout.minimumHeight: Theme.touch
                            highlighted: true
                            text: Sync.syncing ? qsTr("Stop") : qsTr("Send and receive")
                            ToolTip.visible: hovered
                            ToolTip.text: qsTr("Send what is ready, get new forms and returned records (F5)")
                            onClicked: Sync.syncing ? Sync.cancel() : Sync.sync()
                        }
                        ProgressBar {
                            objectName: "syncProgress"
                            Layout.fillWidth: true
                            visible: Sync.syncing
                            value: Sync.progress
                        }
                        Label {
                            objectName: "syncStatus"
                            Layout.fillWidth: true
                            text: Sync.status
                            wrapMode: Text.Wrap
                            color: Theme.muted
                        }
                    }

                    RecordSection {
                        Layout.fillWidth: true
                        title: qsTr("Ready to send")
                        recordState: "finalized"
                        search: search.text
                        onShowAll: page.showAll("finalized", qsTr("Ready to send"), true)
                        onOpened: instanceId => Backend.openRecord(instanceId)
                    }
                    RecordSection {
                        Layout.fillWidth: true
                        title: qsTr("Sent")
                        recordState: "sent"
                        search: search.text
                        onShowAll: page.showAll("sent", qsTr("Sent"), true)
                        onOpened: instanceId => Backend.openRecord(instanceId) // to read
                    }
                }
            }
        }
    }
}
