// SPDX-License-Identifier: GPL-3.0-or-later
// Horizontal bars: one row per category, one bar per set in it (a set per group when the
// charts are grouped). Long labels stay readable on a phone.
import QtQuick
import QtQuick.Controls
import QtCharts
// Qt 6.4's qmllint cannot resolve Qt Charts' axes (ValueAxis, DateTimeAxis) from the module's
// type information, though they load and work: its type and property checks are off here.
// qmllint disable import type property
import Survey

ChartView {
    id: chart
    /// The rows' labels, top to bottom.
    property var categories: []
    /// [{label, values: [one number per category]}].
    property var sets: []
    /// Axis numbers: "%d" for counts, "%.0f%%" for percentages…
    property string format: "%d"

    /// The categories' names are drawn here, beside the plot, wrapped on two lines: Qt Charts'
    /// own axis labels cut long names down to "…".
    readonly property real labelWidth: Math.min(width * 0.4, 240)

    /// A row holds its bars and a name on two lines.
    readonly property real rowHeight: Math.max(Math.max(1, sets.length) * 18 + 14,
                                               Theme.smallSize * 3.4)
    implicitHeight: Math.max(140, categories.length * rowHeight + 80)
    antialiasing: true
    legend.visible: sets.length > 1
    legend.font.family: Theme.fontFamily
    legend.font.pixelSize: Theme.smallSize
    margins { top: 4; bottom: 4; left: labelWidth; right: 4 }
    backgroundRoundness: 0

    function rebuild() {
        series.clear()
        let top = 0
        for (const s of chart.sets) {
            // Rows read top to bottom: the axis draws its first category at the bottom.
            series.append(s.label, s.values.slice().reverse())
            for (const v of s.values)
                top = Math.max(top, v)
        }
        values.max = top > 0 ? top * 1.1 : 1
    }
    onSetsChanged: rebuild()
    onCategoriesChanged: rebuild()
    Component.onCompleted: rebuild()

    HorizontalBarSeries {
        id: series
        axisY: BarCategoryAxis {
            categories: chart.categories.slice().reverse()
            labelsVisible: false
            gridVisible: false
        }
        axisX: ValueAxis {
            id: values
            min: 0
            labelFormat: chart.format
            tickCount: 3
            labelsFont.pixelSize: Theme.smallSize
        }
    }

    Repeater {
        model: chart.categories
        Label {
            required property string modelData
            required property int index
            x: 4
            width: chart.labelWidth - 12
            y: chart.plotArea.y + (index + 0.5) * chart.plotArea.height
               / Math.max(1, chart.categories.length) - height / 2
            horizontalAlignment: Text.AlignRight
            wrapMode: Text.Wrap
            maximumLineCount: 2
            elide: Text.ElideRight
            font.pixelSize: Theme.smallSize
            text: modelData
        }
    }
}
