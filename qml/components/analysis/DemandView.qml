// SPDX-License-Identifier: GPL-3.0-or-later
// Enterprise demand for low-carbon services: the share interested in each, by each
// breakdown (sector, size), willingness to pay, energy spend and the savings it could yield.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

ColumnLayout {
    id: root
    property var demand: Dashboard.demand
    spacing: Theme.spacing

    function pct(v) { return Dashboard.number(v * 100, 0) + "%" }

    Label {
        objectName: "demandSummary"
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        text: qsTr("%1 of %n enterprises are interested in at least one service.", "", root.demand.count || 0)
              .arg(root.demand.interestedAny || 0)
    }
    Label { text: qsTr("Interested, % of enterprises"); font.bold: true }
    BarChart {
        objectName: "servicesChart"
        Layout.fillWidth: true
        Layout.preferredHeight: implicitHeight
        categories: (root.demand.services || []).map(s => s.label)
        sets: [{ label: qsTr("%"), values: (root.demand.services || []).map(s => Math.round(s.share * 1000) / 10) }]
        format: "%.0f"
    }
    Repeater {
        model: root.demand.breakdowns || []
        ColumnLayout {
            id: breakdown
            required property var modelData
            Layout.fillWidth: true
            Label { text: qsTr("By %1").arg(breakdown.modelData.label); font.bold: true; wrapMode: Text.Wrap; Layout.fillWidth: true }
            BarChart {
                Layout.fillWidth: true
                Layout.preferredHeight: implicitHeight
                categories: breakdown.modelData.rows.map(r => r.label)
                sets: breakdown.modelData.columns.map((c, i) => ({
                    label: c.label + " (" + c.count + ")",
                    values: breakdown.modelData.rows.map(r => Math.round(r.shares[i] * 1000) / 10) }))
                format: "%.0f"
            }
        }
    }
    Label { text: qsTr("Willingness to pay a year (%1)").arg(root.demand.unit || ""); font.bold: true }
    NumberChart {
        Layout.fillWidth: true
        bars: root.demand.wtpBars || []
        stats: root.demand.wtpStats || ({})
        groups: []
    }
    Label {
        objectName: "spendAndSavings"
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        text: qsTr("Energy spend of the enterprises counted: %1 %2 a year. At %3 of the spend of those interested in a service, the savings would be %4 %2 a year.")
              .arg(Dashboard.number(root.demand.totalSpend || 0, 0)).arg(root.demand.unit || "")
              .arg(root.pct(root.demand.savingsShare || 0)).arg(Dashboard.number(root.demand.savings || 0, 0))
    }
}
