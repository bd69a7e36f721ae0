// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import Survey

ApplicationWindow {
    id: window
    objectName: "mainWindow"
    width: 400
    height: 720
    visible: true
    title: qsTr("Survey Collector")
    font.pixelSize: Theme.fontSize
    font.family: Theme.fontFamily
    Material.accent: Theme.accent
    Material.primary: Theme.accent

    function showStart() {
        if (!Backend.ready)
            return
        stack.replace(null, Account.configured ? "pages/HomePage.qml" : "pages/FirstRunPage.qml")
    }

    // The store may be open before this window is complete, or after.
    Component.onCompleted: showStart()

    StackView {
        id: stack
        objectName: "stack"
        anchors.fill: parent
        initialItem: Page {
            BusyIndicator {
                anchors.centerIn: parent
                running: !Backend.ready && Backend.error === ""
            }
            Label {
                anchors.centerIn: parent
                width: parent.width - 2 * Theme.margin
                visible: Backend.error !== ""
                text: Backend.error
                wrapMode: Text.Wrap
                color: Theme.warning
            }
        }
    }

    // Keyboard: back from any page but a form (there Alt+Left is the previous question).
    Shortcut {
        objectName: "backShortcut"
        sequences: [StandardKey.Back]
        enabled: stack.depth > 1 && stack.currentItem && stack.currentItem.objectName !== "formPage"
        onActivated: stack.pop()
    }

    Connections {
        target: Account
        function onChanged() { window.showStart() }
        function onPasswordRequested() { passwordDialog.open() }
    }
    Connections {
        target: Backend
        function onReadyChanged() { window.showStart() }
        function onNotice(text) { toast.show(text) }
        function onRecordOpened(controller) {
            stack.push("pages/FormPage.qml", { controller: controller })
        }
    }

    PasswordDialog {
        id: passwordDialog
    }

    FocusRing {
        window: window
    }

    Toast {
        id: toast
        objectName: "toast"
        z: 100 // above the pages (dialogs still cover it)
        x: (window.width - width) / 2
        y: window.height - height - 2 * Theme.margin
    }
}
