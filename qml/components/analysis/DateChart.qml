// SPDX-License-Identifier: GPL-3.0-or-later
// A date's answers: how many fall on each day, one line per group when grouped.
import QtQuick
import QtCharts
// Qt 6.4's qmllint cannot resolve Qt Charts' axes (ValueAxis, DateTimeAxis) from the module's
// type information, though they load and work: its type and property checks are off here.
// qmllint disable import type property
import Survey

ChartView {
    id: chart
    required property var days
    required property var groups

    implicitHeight: 200
    antialiasing: true
    legend.visible: groups.length > 0
    legend.font.family: Theme.fontFamily
    legend.font.pixelSize: Theme.smallSize
    margins { top: 4; bottom: 4; left: 4; right: 4 }

    function rebuild() {
        removeAllSeries()
        const lines = chart.groups.length > 0 ? chart.groups
                                              : [{ label: qsTr("Submissions"), days: chart.days }]
        let first = Infinity, last = -Infinity, top = 1
        for (const l of lines) {
            for (const d of l.days) {
                first = Math.min(first, d.date)
                last = Math.max(last, d.date)
                top = Math.max(top, d.count)
            }
        }
        if (first === Infinity)
            return
        time.min = new Date(first - 86400000)
        time.max = new Date(last + 86400000)
        counts.max = top + 1
        for (const l of lines) {
            const series = createSeries(ChartView.SeriesTypeLine, l.label, time, counts)
            series.pointsVisible = true
            Dashboard.plot(series, l.days.map(d => ({ x: d.date, y: d.count })))
        }
    }
    onDaysChanged: rebuild()
    onGroupsChanged: rebuild()
    Component.onCompleted: rebuild()

    DateTimeAxis {
        id: time
        format: "MM-dd"
        tickCount: 4
        labelsFont.pixelSize: Theme.smallSize
    }
    ValueAxis {
        id: counts
        min: 0
        labelFormat: "%d"
        tickCount: 3
        labelsFont.pixelSize: Theme.smallSize
    }
}
