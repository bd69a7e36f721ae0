// SPDX-License-Identifier: GPL-3.0-or-later
// A number's answers: min, median, mean and max, and their histogram; grouped, each
// group's median and mean side by side.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

ColumnLayout {
    id: root
    required property var bars
    required property var stats
    required property var groups
    spacing: 4

    Label {
        objectName: "numberStats"
        Layout.fillWidth: true
        visible: root.stats.count !== undefined
        wrapMode: Text.Wrap
        font.pixelSize: Theme.smallSize
        text: qsTr("min %1 · median %2 · mean %3 · max %4")
              .arg(root.stats.min).arg(root.stats.median).arg(root.stats.mean).arg(root.stats.max)
    }
    BarChart {
        Layout.fillWidth: true
        Layout.preferredHeight: implicitHeight
        visible: root.bars.length > 0
        categories: root.groups.length > 0 ? root.groups.map(g => g.label)
                                           : root.bars.map(b => b.label)
        sets: root.groups.length > 0
              ? [{ label: qsTr("Mean"), values: root.groups.map(g => g.stats.meanValue || 0) }]
              : [{ label: qsTr("Submissions"), values: root.bars.map(b => b.count) }]
        format: root.groups.length > 0 ? "%.1f" : "%d"
    }
    Repeater {
        model: root.groups
        Label {
            required property var modelData
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            font.pixelSize: Theme.smallSize
            color: Theme.muted
            text: modelData.stats.count === undefined
                  ? qsTr("%1: no answers").arg(modelData.label)
                  : qsTr("%1: median %2, mean %3 (%n answers)", "", modelData.stats.count)
                    .arg(modelData.label).arg(modelData.stats.median).arg(modelData.stats.mean)
        }
    }
}
