// SPDX-License-Identifier: GPL-3.0-or-later
// The household carbon baseline: per household and per person (mean, median, 95% interval),
// the mean by source, by group, and the city's figure from its households per group (typed
// here or read from a CSV file).
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Survey

ColumnLayout {
    id: root
    property var figures: Dashboard.baseline
    readonly property var none: ({ count: 0, mean: 0, median: 0, low: 0, high: 0 })
    spacing: Theme.spacing

    function kg(v) { return Dashboard.number(v, 0) }
    function interval(s) { return qsTr("95% interval %1–%2").arg(kg(s.low)).arg(kg(s.high)) }

    Repeater {
        model: root.figures.warnings || []
        Label {
            required property string modelData
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.notice
            text: modelData
        }
    }
    GridLayout {
        Layout.fillWidth: true
        columns: root.width >= 1000 ? 3 : 1
        columnSpacing: Theme.spacing
        Repeater {
            model: [
                { objectName: "perHouseholdFigure", title: qsTr("Per household, kgCO2 a year"),
                  s: root.figures.perHousehold || root.none },
                { objectName: "perPersonFigure", title: qsTr("Per person, kgCO2 a year"),
                  s: root.figures.perPerson || root.none }
            ]
            Frame {
                required property var modelData
                objectName: modelData.objectName
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                ColumnLayout {
                    anchors.fill: parent
                    Label {
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        text: modelData.title
                        color: Theme.muted
                        font.pixelSize: Theme.smallSize
                    }
                    Label {
                        text: qsTr("mean %1").arg(root.kg(modelData.s.mean))
                        font.pixelSize: Theme.titleSize
                    }
                    Label {
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        font.pixelSize: Theme.smallSize
                        text: qsTr("median %1 · %2 · %n households", "", modelData.s.count)
                              .arg(root.kg(modelData.s.median)).arg(root.interval(modelData.s))
                    }
                }
            }
        }
        Frame {
            objectName: "cityFigure"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            ColumnLayout {
                anchors.fill: parent
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("The city's households, tCO2 a year")
                    color: Theme.muted
                    font.pixelSize: Theme.smallSize
                }
                Label {
                    objectName: "cityTotal"
                    text: root.figures.city ? root.kg(root.figures.city.tCO2) : qsTr("Not known")
                    font.pixelSize: Theme.titleSize
                }
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.smallSize
                    text: root.figures.city ? root.interval(root.figures.city)
                                             : qsTr("Give the number of households of every surveyed group below.")
                }
            }
        }
    }
    Label { text: qsTr("Mean per household by source, kgCO2 a year"); font.bold: true }
    BarChart {
        objectName: "bySourceChart"
        Layout.fillWidth: true
        Layout.preferredHeight: implicitHeight
        categories: (root.figures.bySource || []).map(s => s.label)
        sets: [{ label: qsTr("kgCO2"), values: (root.figures.bySource || []).map(s => s.mean) }]
        format: "%.0f"
    }
    Label { text: qsTr("Mean per household by group, kgCO2 a year"); font.bold: true }
    BarChart {
        objectName: "byGroupChart"
        Layout.fillWidth: true
        Layout.preferredHeight: implicitHeight
        categories: (root.figures.byGroup || []).map(g => g.label)
        sets: [{ label: qsTr("kgCO2"), values: (root.figures.byGroup || []).map(g => g.mean) }]
        format: "%.0f"
    }
    Repeater {
        model: root.figures.byGroup || []
        Label {
            required property var modelData
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            font.pixelSize: Theme.smallSize
            text: qsTr("%1: mean %2, %3, %n households", "", modelData.count)
                  .arg(modelData.label).arg(root.kg(modelData.mean)).arg(root.interval(modelData))
        }
    }

    Label { text: qsTr("Households in the city"); font.bold: true }
    Repeater {
        model: Dashboard.households
        RowLayout {
            required property var modelData
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                text: modelData.label
                elide: Text.ElideRight
            }
            TextField {
                objectName: "households_" + modelData.group
                Layout.preferredWidth: 140
                text: String(modelData.count)
                inputMethodHints: Qt.ImhDigitsOnly
                validator: IntValidator { bottom: 0; top: 1000000000 }
                onEditingFinished: Dashboard.setHouseholds(modelData.group, Number(text))
            }
        }
    }
    Button {
        objectName: "importHouseholdsButton"
        text: qsTr("Read households from a CSV file")
        onClicked: householdsDialog.open()
    }
    FileDialog {
        id: householdsDialog
        objectName: "householdsDialog"
        title: qsTr("Households per group (CSV: group,households)")
        nameFilters: [qsTr("CSV files (*.csv)")]
        onAccepted: Dashboard.importHouseholds(selectedFile)
    }
}
