// SPDX-License-Identifier: GPL-3.0-or-later
// A barcode: typed, scanned with the camera, or read from a picture.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

ColumnLayout {
    id: answer
    required property AnswerContext context
    spacing: Theme.spacing / 2
    function takeFocus() { return typed.takeFocus() }
    TextAnswer {
        id: typed
        context: answer.context
    }
    Flow {
        Layout.fillWidth: true
        visible: Backend.barcodeSupported
        spacing: Theme.spacing
        Button {
            objectName: "scan_" + answer.context.ref
            height: Theme.touch
            visible: Backend.cameraAvailable
            highlighted: true
            icon.source: "qrc:/icons/camera-photo.svg"
            text: qsTr("Scan")
            onClicked: answer.context.scanWanted(answer.context.ref)
        }
        Button {
            objectName: "scanPicture_" + answer.context.ref
            height: Theme.touch
            text: qsTr("Read from a picture…")
            onClicked: answer.context.pictureScanWanted(answer.context.ref)
        }
    }
    Connections {
        target: answer.context.controller
        function onBarcodeRead(ref, problem) {
            if (ref === answer.context.ref)
                answer.context.typeError = problem
        }
    }
}
