// SPDX-License-Identifier: GPL-3.0-or-later
// Where the answers were taken: longitude across, latitude up; one colour per group. No
// map tiles, so it works offline.
import QtQuick
import QtCharts
// Qt 6.4's qmllint cannot resolve Qt Charts' axes (ValueAxis, DateTimeAxis) from the module's
// type information, though they load and work: its type and property checks are off here.
// qmllint disable import type property
import Survey

ChartView {
    id: chart
    required property var points
    required property var groups

    implicitHeight: 260
    antialiasing: true
    legend.visible: groups.length > 0
    legend.font.family: Theme.fontFamily
    legend.font.pixelSize: Theme.smallSize
    margins { top: 4; bottom: 4; left: 4; right: 4 }

    function rebuild() {
        removeAllSeries()
        const sets = chart.groups.length > 0 ? chart.groups
                                             : [{ label: qsTr("Locations"), points: chart.points }]
        let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity
        for (const s of sets) {
            for (const p of s.points) {
                minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x)
                minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y)
            }
        }
        if (minX === Infinity)
            return
        const padX = Math.max((maxX - minX) * 0.05, 0.001)
        const padY = Math.max((maxY - minY) * 0.05, 0.001)
        x.min = minX - padX; x.max = maxX + padX
        y.min = minY - padY; y.max = maxY + padY
        for (const s of sets) {
            const series = createSeries(ChartView.SeriesTypeScatter, s.label, x, y)
            series.markerSize = 8
            Dashboard.plot(series, s.points)
        }
    }
    onPointsChanged: rebuild()
    onGroupsChanged: rebuild()
    Component.onCompleted: rebuild()

    ValueAxis {
        id: x
        titleText: qsTr("Longitude")
        titleFont.pixelSize: Theme.smallSize
        labelFormat: "%.3f"
        tickCount: 3
        labelsFont.pixelSize: Theme.smallSize
    }
    ValueAxis {
        id: y
        titleText: qsTr("Latitude")
        titleFont.pixelSize: Theme.smallSize
        labelFormat: "%.3f"
        tickCount: 3
        labelsFont.pixelSize: Theme.smallSize
    }
}
