// SPDX-License-Identifier: GPL-3.0-or-later
// The forecast: the city's households in tCO2 a year under each scenario, one line each
// against the baseline, the table behind it, and the scenarios' settings to change.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtCharts
// Qt 6.4's qmllint cannot resolve Qt Charts' axes (ValueAxis, DateTimeAxis) from the module's
// type information, though they load and work: its type and property checks are off here.
// qmllint disable import type property
import Survey

ColumnLayout {
    id: root
    property var figures: Dashboard.baseline
    spacing: Theme.spacing

    /// The last forecast year: the shares of the scenarios are reached by then.
    readonly property int horizon: {
        const s = root.figures.scenarios || []
        return s.length > 0 && s[0].points.length > 0 ? s[0].points[s[0].points.length - 1].year
                                                       : root.figures.baseYear || 0
    }

    function t(v) { return Dashboard.number(v, 0) }

    Label {
        Layout.fillWidth: true
        visible: !root.figures.city
        wrapMode: Text.Wrap
        color: Theme.notice
        text: qsTr("The forecast needs the city's households: give them on the Baseline tab.")
    }
    ChartView {
        id: chart
        objectName: "forecastChart"
        Layout.fillWidth: true
        Layout.preferredHeight: 300
        visible: !!root.figures.city
        antialiasing: true
        legend.font.family: Theme.fontFamily
        legend.font.pixelSize: Theme.smallSize
        margins { top: 4; bottom: 4; left: 4; right: 4 }

        function rebuild() {
            removeAllSeries()
            if (!root.figures.city)
                return
            const first = root.figures.baseYear
            let last = first + 1, top = root.figures.city.tCO2
            for (const s of root.figures.scenarios)
                for (const p of s.points) {
                    last = Math.max(last, p.year)
                    top = Math.max(top, p.high)
                }
            years.min = first
            years.max = last
            tonnes.max = top * 1.1
            const base = createSeries(ChartView.SeriesTypeLine, qsTr("Baseline %1").arg(first),
                                      years, tonnes)
            base.style = Qt.DashLine
            base.append(first, root.figures.city.tCO2)
            base.append(last, root.figures.city.tCO2)
            for (const s of root.figures.scenarios) {
                const line = createSeries(ChartView.SeriesTypeLine, s.label, years, tonnes)
                line.pointsVisible = true
                line.append(first, root.figures.city.tCO2)
                for (const p of s.points)
                    line.append(p.year, p.tCO2)
            }
        }
        Connections {
            target: Dashboard
            function onResultsChanged() { chart.rebuild() }
        }
        Component.onCompleted: rebuild()

        ValueAxis {
            id: years
            labelFormat: "%d"
            tickCount: 5
            labelsFont.pixelSize: Theme.smallSize
        }
        ValueAxis {
            id: tonnes
            min: 0
            labelFormat: "%.0f"
            tickCount: 4
            titleText: qsTr("tCO2 a year")
            titleFont.pixelSize: Theme.smallSize
            labelsFont.pixelSize: Theme.smallSize
        }
    }
    // The table behind the chart.
    Repeater {
        model: root.figures.city ? root.figures.scenarios : []
        ColumnLayout {
            required property var modelData
            Layout.fillWidth: true
            Label { text: modelData.label; font.bold: true }
            Repeater {
                model: modelData.points
                Label {
                    required property var modelData
                    objectName: "forecastRow"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.smallSize
                    text: qsTr("%1: %2 tCO2 (95% interval %3–%4), %5 kgCO2 per household")
                          .arg(modelData.year).arg(root.t(modelData.tCO2)).arg(root.t(modelData.low))
                          .arg(root.t(modelData.high)).arg(root.t(modelData.perHousehold))
                }
            }
        }
    }

    Label { text: qsTr("Scenarios"); font.bold: true }
    Repeater {
        model: Dashboard.scenarios
        Frame {
            id: scenario
            required property var modelData
            required property int index
            objectName: "scenario_" + modelData.name
            Layout.fillWidth: true
            function apply() {
                Dashboard.setScenario(index, grid.value / 1000, heat.value / 100, ev.value / 100,
                                      growth.value / 1000)
            }
            GridLayout {
                anchors.fill: parent
                columns: 2
                Label { Layout.columnSpan: 2; text: scenario.modelData.label; font.bold: true }
                Label { Layout.fillWidth: true; wrapMode: Text.Wrap; text: qsTr("Grid factor falls, % a year") }
                SpinBox {
                    id: grid
                    objectName: "gridDecline"
                    from: 0; to: 200; stepSize: 5; editable: true
                    value: Math.round(scenario.modelData.gridDecline * 1000)
                    textFromValue: (v, locale) => Number(v / 10).toLocaleString(locale, "f", 1)
                    valueFromText: (text, locale) => Math.round(Number.fromLocaleString(locale, text) * 10)
                    onValueModified: scenario.apply()
                }
                Label { Layout.fillWidth: true; wrapMode: Text.Wrap; text: qsTr("Cooking and heating moved to electricity by %1, %").arg(root.horizon) }
                SpinBox {
                    id: heat
                    objectName: "heatToElectric"
                    from: 0; to: 100; stepSize: 5; editable: true
                    value: Math.round(scenario.modelData.heatToElectric * 100)
                    onValueModified: scenario.apply()
                }
                Label { Layout.fillWidth: true; wrapMode: Text.Wrap; text: qsTr("Vehicles made electric by %1, %").arg(root.horizon) }
                SpinBox {
                    id: ev
                    objectName: "evShare"
                    from: 0; to: 100; stepSize: 5; editable: true
                    value: Math.round(scenario.modelData.evShare * 100)
                    onValueModified: scenario.apply()
                }
                Label { Layout.fillWidth: true; wrapMode: Text.Wrap; text: qsTr("Households grow, % a year") }
                SpinBox {
                    id: growth
                    objectName: "householdGrowth"
                    from: -50; to: 100; stepSize: 1; editable: true
                    value: Math.round(scenario.modelData.householdGrowth * 1000)
                    textFromValue: (v, locale) => Number(v / 10).toLocaleString(locale, "f", 1)
                    valueFromText: (text, locale) => Math.round(Number.fromLocaleString(locale, text) * 10)
                    onValueModified: scenario.apply()
                }
            }
        }
    }
}
