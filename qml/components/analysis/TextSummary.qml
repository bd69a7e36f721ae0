// SPDX-License-Identifier: GPL-3.0-or-later
// Text, photos and other free answers: how many were answered (per group when grouped).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

ColumnLayout {
    id: root
    required property int answered
    required property var groups
    spacing: 2

    Repeater {
        model: root.groups
        Label {
            required property var modelData
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            font.pixelSize: Theme.smallSize
            text: qsTr("%1: %n answered", "", modelData.answered).arg(modelData.label)
        }
    }
}
