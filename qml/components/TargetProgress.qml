// SPDX-License-Identifier: GPL-3.0-or-later
// An assignment against what is done: "Household energy: 12 of 50", with a bar.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

RowLayout {
    id: progress
    required property string form
    required property int target
    required property int done
    Label {
        Layout.fillWidth: true
        text: qsTr("%1: %2 of %3").arg(progress.form).arg(progress.done).arg(progress.target)
        font.pixelSize: Theme.smallSize
        wrapMode: Text.Wrap
    }
    ProgressBar {
        Layout.preferredWidth: 120
        value: progress.target > 0 ? Math.min(1, progress.done / progress.target) : 0
    }
}
