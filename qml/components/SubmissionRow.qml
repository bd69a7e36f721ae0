// SPDX-License-Identifier: GPL-3.0-or-later
// One line of a submission under review: a group's or repeat entry's heading, or an
// answer under its question's label (a photo shown small, tapped for full screen; a
// computed value marked). An answer can be flagged for the enumerator, with a note.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

Item {
    id: row
    required property var modelData
    /// The note of this device's flag on it while deciding ("" when not flagged); null
    /// when it is not flagged.
    property var flagNote: null
    signal flagToggled(string path, string label)
    signal noteEdited(string path, string note)
    signal photoOpened(string url)

    readonly property bool answer: modelData.kind === SubmissionView.Answer
    readonly property int indent: Theme.margin + modelData.depth * Theme.spacing
    implicitHeight: answer ? Math.max(Theme.touch, answerColumn.implicitHeight + Theme.spacing)
                           : heading.implicitHeight + Theme.spacing + 4

    Label {
        id: heading
        visible: !row.answer
        x: row.indent
        y: Theme.spacing
        width: row.width - row.indent - Theme.margin
        text: row.modelData.label
        font.bold: true
        color: row.modelData.kind === SubmissionView.Entry ? Theme.accent : Theme.hint
        wrapMode: Text.Wrap
    }

    RowLayout {
        visible: row.answer
        x: row.indent
        width: row.width - row.indent - 4
        spacing: 4
        ColumnLayout {
            id: answerColumn
            Layout.fillWidth: true
            Layout.topMargin: Theme.spacing / 2
            spacing: 2
            Label {
                Layout.fillWidth: true
                text: row.modelData.label
                font.pixelSize: Theme.smallSize
                color: Theme.muted
                wrapMode: Text.Wrap
            }
            Label {
                objectName: "answer_" + row.modelData.path
                Layout.fillWidth: true
                visible: row.modelData.photo === ""
                text: row.modelData.missingFile ? qsTr("%1 (not downloaded yet)").arg(row.modelData.value)
                                                : row.modelData.value
                wrapMode: Text.Wrap
            }
            Image {
                objectName: "photo_" + row.modelData.path
                visible: row.modelData.photo !== ""
                source: row.modelData.photo
                sourceSize.height: 160
                Layout.preferredHeight: visible ? Math.min(160, implicitHeight) : 0
                fillMode: Image.PreserveAspectFit
                asynchronous: true
                TapHandler { onTapped: row.photoOpened(row.modelData.photo) }
            }
            Label {
                visible: row.modelData.computed
                text: qsTr("Computed by the form")
                font.pixelSize: Theme.smallSize
                color: Theme.notice
            }
            Label {
                visible: row.modelData.flag !== ""
                text: qsTr("Flagged when sent back: %1").arg(row.modelData.flag)
                font.pixelSize: Theme.smallSize
                color: Theme.warning
                wrapMode: Text.Wrap
                Layout.fillWidth: true
            }
            TextField {
                objectName: "flagNote_" + row.modelData.path
                Layout.fillWidth: true
                visible: row.flagNote !== null
                placeholderText: qsTr("Note for the enumerator")
                text: row.flagNote !== null ? row.flagNote : ""
                onTextEdited: row.noteEdited(row.modelData.path, text)
            }
        }
        IconToolButton {
            objectName: "flagButton_" + row.modelData.path
            Layout.alignment: Qt.AlignTop
            iconName: "emoji-flags"
            checkable: true
            checked: row.flagNote !== null
            icon.color: checked ? Theme.warning : Theme.muted
            text: checked ? qsTr("Remove the flag") : qsTr("Flag this answer for the enumerator")
            onClicked: row.flagToggled(row.modelData.path, row.modelData.label)
        }
    }
}
