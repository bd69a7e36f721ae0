// SPDX-License-Identifier: GPL-3.0-or-later
// A row of a date or time wheel: the chosen row (the middle one) bold, larger and in the
// accent colour, the others fading with their distance from it.
import QtQuick
import QtQuick.Controls
import Survey

Label {
    id: entry
    required property int index
    readonly property real distance: Math.abs(Tumbler.displacement)
    readonly property bool chosen: distance < 0.5
    horizontalAlignment: Text.AlignHCenter
    verticalAlignment: Text.AlignVCenter
    font.bold: chosen
    font.pixelSize: chosen ? Theme.titleSize : Theme.fontSize
    color: chosen ? Theme.accent : palette.text
    opacity: Math.max(0.3, 1 - distance / 3)
}
