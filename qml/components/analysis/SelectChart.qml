// SPDX-License-Identifier: GPL-3.0-or-later
// A select's answers: how many chose each choice (and what share), or per group.
import QtQuick
import Survey

BarChart {
    id: root
    objectName: "selectChart"
    required property var bars
    required property var groups

    categories: bars.map(b => b.label)
    sets: groups.length > 0
          ? groups.map(g => ({ label: g.label, values: g.bars.map(b => b.count) }))
          : [{ label: qsTr("Submissions"), values: bars.map(b => b.count) }]
}
