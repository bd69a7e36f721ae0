// SPDX-License-Identifier: GPL-3.0-or-later
// A barcode or QR code read live from the camera: the first code seen becomes the answer.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import QtMultimedia
import Survey

Page {
    id: page
    objectName: "scannerPage"
    property FormController controller: null
    property string ref: ""
    property string problem: ""
    readonly property bool active: page.StackView.status === StackView.Active
    title: qsTr("Scan a code")

    header: ToolBar {
        // Light words on the accent-coloured bar.
        Material.theme: Material.Dark
        RowLayout {
            anchors.fill: parent
            ToolButton {
                objectName: "scannerCancelButton"
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
            focusMode: Camera.FocusModeAutoNear
            onErrorOccurred: (error, errorString) => page.problem = qsTr("The camera failed: %1").arg(errorString)
        }
        videoOutput: viewfinder
    }

    VideoOutput {
        id: viewfinder
        anchors.fill: parent
        fillMode: VideoOutput.PreserveAspectCrop
    }

    BarcodeScanner {
        id: scanner
        videoSink: viewfinder.videoSink
        active: page.active
        onFound: (text, format) => {
            if (!page.active)
                return // leaving (Cancel): nothing more is answered
            const why = page.controller.setAnswer(page.ref, text)
            if (why === "") {
                page.StackView.view.pop()
            } else {
                // Not an answer this question takes: say so and keep looking.
                page.problem = why
                scanner.active = Qt.binding(() => page.active)
            }
        }
    }

    Label {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.margin
        text: page.problem !== "" ? page.problem
              : qsTr("Hold the code inside the picture; it is read by itself.")
        wrapMode: Text.Wrap
        horizontalAlignment: Text.AlignHCenter
        color: page.problem !== "" ? Theme.warning : Theme.muted
        padding: Theme.spacing
        background: Rectangle { color: "#ffffffcc" }
    }
}
