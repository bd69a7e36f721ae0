// SPDX-License-Identifier: GPL-3.0-or-later
// Submissions per day, stacked by review state.
import QtQuick
import QtCharts
// Qt 6.4's qmllint cannot resolve Qt Charts' axes (ValueAxis, DateTimeAxis) from the module's
// type information, though they load and work: its type and property checks are off here.
// qmllint disable import type property
import Survey

ChartView {
    id: chart
    objectName: "progressChart"
    property var days: []

    implicitHeight: 260
    antialiasing: true
    legend.font.family: Theme.fontFamily
    legend.font.pixelSize: Theme.smallSize
    margins { top: 4; bottom: 4; left: 4; right: 4 }

    readonly property var states: [
        { key: "approved", label: qsTr("Approved"), color: "#2e7d32" },
        { key: "received", label: qsTr("Received"), color: "#1565c0" },
        { key: "edited", label: qsTr("Edited"), color: "#6a1b9a" },
        { key: "hasIssues", label: qsTr("Has issues"), color: "#ef6c00" },
        { key: "rejected", label: qsTr("Rejected"), color: "#c62828" },
        { key: "unreviewed", label: qsTr("On this device"), color: "#757575" }
    ]

    function rebuild() {
        series.clear()
        let top = 1
        for (const d of chart.days) {
            let sum = 0
            for (const s of chart.states)
                sum += d[s.key]
            top = Math.max(top, sum)
        }
        for (const s of chart.states) {
            const values = chart.days.map(d => d[s.key])
            if (values.some(v => v > 0))
                series.append(s.label, values).color = s.color
        }
        counts.max = top + 1
    }
    onDaysChanged: rebuild()
    Component.onCompleted: rebuild()

    StackedBarSeries {
        id: series
        axisX: BarCategoryAxis {
            categories: chart.days.map(d => Qt.formatDate(new Date(d.date), "MM-dd"))
            labelsFont.pixelSize: Theme.smallSize
        }
        axisY: ValueAxis {
            id: counts
            min: 0
            labelFormat: "%d"
            tickCount: 3
            labelsFont.pixelSize: Theme.smallSize
        }
    }
}
