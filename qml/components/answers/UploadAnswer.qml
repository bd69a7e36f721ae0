// SPDX-License-Identifier: GPL-3.0-or-later
// A photo or other file: from the camera where there is one, or chosen from the device.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

ColumnLayout {
    id: answer
    required property AnswerContext context
    readonly property bool image: context.question.mediatype === ""
                                  || context.question.mediatype.startsWith("image")
    spacing: Theme.spacing / 2
    function takeFocus() {
        const target = camera.visible ? camera : choose
        target.forceActiveFocus(InputMode.keyboard ? Qt.TabFocusReason : Qt.OtherFocusReason)
        return true
    }
    Flow {
        Layout.fillWidth: true
        spacing: Theme.spacing
        Button {
            id: camera
            objectName: "camera_" + answer.context.ref
            height: Theme.touch
            visible: answer.image && Backend.cameraAvailable
            highlighted: true
            icon.source: "qrc:/icons/camera-photo.svg"
            text: answer.context.question.value === "" ? qsTr("Take a photo") : qsTr("Take again")
            onClicked: answer.context.cameraWanted(answer.context.ref)
        }
        Button {
            id: choose
            objectName: "answer_" + answer.context.ref
            height: Theme.touch
            text: answer.context.question.value === "" ? qsTr("Choose a file…") : qsTr("Replace…")
            onClicked: answer.context.fileWanted(answer.context.ref)
        }
    }
    Label {
        Layout.fillWidth: true
        visible: answer.context.question.value !== ""
        text: answer.context.question.value
        elide: Text.ElideMiddle
        color: Theme.muted
    }
}
