// SPDX-License-Identifier: GPL-3.0-or-later
// All records in one state: searchable, sortable, drawn only as far as they are seen.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Survey

Page {
    id: page
    objectName: "recordListPage"
    property string recordState: "sent"
    property string heading: ""
    property bool openable: true

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
                text: page.heading + "  (" + records.total + ")"
                font.pixelSize: Theme.titleSize
                elide: Text.ElideRight
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        RowLayout {
            Layout.fillWidth: true
            Layout.margins: Theme.spacing
            TextField {
                id: search
                objectName: "listSearchField"
                Layout.fillWidth: true
                placeholderText: qsTr("Search records")
            }
            ComboBox {
                id: sort
                objectName: "sortBox"
                textRole: "text"
                valueRole: "value"
                model: [
                    { value: "updated", text: qsTr("Newest first") },
                    { value: "name", text: qsTr("By name") }
                ]
            }
        }
        ListView {
            objectName: "recordList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: RecordsModel {
                id: records
                state: page.recordState
                search: search.text
                sort: sort.currentValue === undefined ? "updated" : sort.currentValue
            }
            delegate: RecordDelegate {
                width: ListView.view.width
                listedAs: page.recordState
                enabled: page.openable
                onClicked: Backend.openRecord(instanceId)
            }
            ScrollBar.vertical: ScrollBar {}
        }
    }
}
