// SPDX-License-Identifier: GPL-3.0-or-later
// A photo answer from the camera: the viewfinder and a shutter button. The photo is written
// into the data folder, kept with the record (scaled to the question's max-pixels), and the
// camera's file removed; nothing goes to the shared gallery.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import QtMultimedia
import Survey

Page {
    id: page
    objectName: "cameraPage"
    property FormController controller: null
    property string ref: ""
    property string problem: ""
    /// One photo per visit: a second tap while the first is being written does nothing.
    property bool taken: false
    function take() {
        if (page.taken || !capture.readyForCapture)
            return
        page.taken = true
        capture.captureToFile(Backend.newCaptureFile())
    }
    readonly property bool active: page.StackView.status === StackView.Active
    title: qsTr("Take a photo")

    header: ToolBar {
        // Light words on the accent-coloured bar.
        Material.theme: Material.Dark
        RowLayout {
            anchors.fill: parent
            ToolButton {
                objectName: "cameraCancelButton"
                text: qsTr("Cancel")
                onClicked: page.StackView.view.pop()
            }
            Label {
                Layout.fillWidth: true
                text: page.title
                font.pixelSize: Theme.titleSize
                elide: Text.ElideRight
            }
        }
    }

    CaptureSession {
        camera: Camera {
            active: page.active
            onErrorOccurred: (error, errorString) => page.problem = qsTr("The camera failed: %1").arg(errorString)
        }
        imageCapture: ImageCapture {
            id: capture
            onImageSaved: (requestId, path) => {
                page.controller.attachCapture(page.ref, path)
                if (page.active)
                    page.StackView.view.pop()
            }
            onErrorOccurred: (requestId, error, message) => {
                page.taken = false
                page.problem = qsTr("The photo was not taken: %1").arg(message)
            }
        }
        videoOutput: viewfinder
    }

    VideoOutput {
        id: viewfinder
        anchors.fill: parent
        fillMode: VideoOutput.PreserveAspectFit
    }

    Label {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.margins: Theme.margin
        visible: page.problem !== ""
        text: page.problem
        wrapMode: Text.Wrap
        color: Theme.warning
        padding: Theme.spacing
        background: Rectangle { color: "#ffffffcc" }
    }

    RoundButton {
        objectName: "shutterButton"
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 2 * Theme.margin
        width: 2 * Theme.touch
        height: 2 * Theme.touch
        highlighted: true
        enabled: capture.readyForCapture && !page.taken
        text: qsTr("Take")
        onClicked: page.take()
    }
    Shortcut {
        sequences: ["Space", "Return"]
        enabled: page.active && capture.readyForCapture && !page.taken
        onActivated: page.take()
    }
}
