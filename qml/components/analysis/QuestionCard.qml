// SPDX-License-Identifier: GPL-3.0-or-later
// One question's summary: its label, how many answered, and the view its kind gets.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

Frame {
    id: card
    required property int index
    required property string path
    required property string label
    required property int kind
    required property bool calculated
    required property int answered
    required property int missing
    required property var bars
    required property var stats
    required property var days
    required property var points
    required property var groups

    objectName: "questionCard_" + path
    padding: Theme.spacing

    ColumnLayout {
        width: card.availableWidth
        spacing: 4
        Label {
            Layout.fillWidth: true
            text: card.label
            font.bold: true
            wrapMode: Text.Wrap
        }
        Label {
            objectName: "answeredLabel"
            Layout.fillWidth: true
            font.pixelSize: Theme.smallSize
            color: Theme.muted
            wrapMode: Text.Wrap
            text: (card.calculated ? qsTr("Calculated · ") : "")
                  + qsTr("%n answered", "", card.answered)
                  + (card.missing > 0 ? qsTr(" · %n without an answer", "", card.missing) : "")
        }
        Loader {
            Layout.fillWidth: true
            Layout.preferredHeight: item ? item.implicitHeight : 0 // qmllint disable
            active: card.answered > 0 || card.kind === SummaryModel.Text
            sourceComponent: {
                switch (card.kind) {
                case SummaryModel.SelectOne:
                case SummaryModel.SelectMultiple: return selectChart
                case SummaryModel.Number: return numberChart
                case SummaryModel.Date: return dateChart
                case SummaryModel.Location: return locationChart
                default: return textSummary
                }
            }
        }
    }

    Component {
        id: selectChart
        SelectChart { bars: card.bars; groups: card.groups }
    }
    Component {
        id: numberChart
        NumberChart { bars: card.bars; stats: card.stats; groups: card.groups }
    }
    Component {
        id: dateChart
        DateChart { days: card.days; groups: card.groups }
    }
    Component {
        id: locationChart
        LocationChart { points: card.points; groups: card.groups }
    }
    Component {
        id: textSummary
        TextSummary { answered: card.answered; groups: card.groups }
    }
}
