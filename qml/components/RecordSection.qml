// SPDX-License-Identifier: GPL-3.0-or-later
// One group of records on the home screen (drafts, ready to send, sent, returned): the
// newest few, and the way to all of them.
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
    property int shown: 3
    signal opened(string instanceId)
    signal showAll()

    spacing: 0
    visible: records.total > 0

    Label {
        Layout.leftMargin: Theme.margin
        Layout.topMargin: Theme.spacing
        text: section.title + "  (" + records.total + ")"
        font.bold: true
        color: Theme.muted
    }
    Repeater {
        model: RecordsModel {
            id: records
            state: section.recordState
            search: section.search
            limit: section.shown
        }
        delegate: RecordDelegate {
            listedAs: section.recordState
            enabled: section.openable
            onClicked: section.opened(instanceId)
        }
    }
    Button {
        objectName: "showAll_" + section.recordState
        Layout.leftMargin: Theme.margin
        Layout.minimumHeight: Theme.touch
        visible: records.total > records.count
        flat: true
        text: qsTr("Show all %1").arg(records.total)
        onClicked: section.showAll()
    }
}
