// SPDX-License-Identifier: GPL-3.0-or-later
// Asks for the password when the app has none to send with, saying why in plain words:
// the device keeps no passwords, its keystore is locked, the saved one is gone, or the
// server did not accept it. The person types it (kept for this run, and in the keystore
// when there is one), signs out, or goes on working and is asked again at the next send.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Survey

Dialog {
    id: dialog
    objectName: "passwordDialog"
    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.max(260, Math.min(parent ? parent.width - 2 * Theme.margin : 420, 460))
    modal: true
    title: Account.passwordNeed === Account.ServerRefused ? qsTr("Password not accepted")
                                                          : qsTr("Password needed to send")
    onOpened: {
        password.clear()
        password.forceActiveFocus()
    }

    function reason() {
        switch (Account.passwordNeed) {
        case Account.NoKeystore:
            return qsTr("This device cannot keep passwords, so the app does not have yours after a restart.")
        case Account.KeystoreRefused:
            return qsTr("The device's password store is locked or did not give the password.")
        case Account.ServerRefused:
            return qsTr("The server did not accept the password. It may have been changed.")
        default:
            return qsTr("No password is saved on this device for your account.")
        }
    }
    function submit() {
        if (password.text.length === 0)
            return
        Account.usePassword(password.text)
        dialog.close()
    }

    ColumnLayout {
        width: parent.width
        spacing: Theme.spacing
        Label {
            objectName: "passwordReason"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            //: Two sentences: why the password is asked for, then what to do
            text: qsTr("%1 %2").arg(dialog.reason()).arg(
                      qsTr("Type the password of %1 for %2 to send your records. Your answers on this device are safe either way.")
                      .arg(Account.userName).arg(Account.serverUrl))
        }
        Label {
            text: qsTr("Password")
            font.bold: true
        }
        TextField {
            id: password
            objectName: "passwordPromptField"
            Layout.fillWidth: true
            echoMode: showPassword.checked ? TextInput.Normal : TextInput.Password
            inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
            onAccepted: dialog.submit()
        }
        CheckBox {
            id: showPassword
            objectName: "promptShowPassword"
            text: qsTr("Show password")
        }
    }
    // The three choices wrap onto more lines where the dialog is narrow (a phone), the
    // main one first from the right.
    footer: Flow {
        layoutDirection: Qt.RightToLeft
        padding: Theme.spacing
        spacing: Theme.spacing / 2
        Button {
            objectName: "usePasswordButton"
            text: qsTr("Use this password")
            enabled: password.text.length > 0
            highlighted: true
            onClicked: dialog.submit()
        }
        Button {
            objectName: "passwordLaterButton"
            text: qsTr("Not now")
            flat: true
            onClicked: dialog.close()
        }
        Button {
            objectName: "passwordSignOutButton"
            text: qsTr("Sign out")
            flat: true
            onClicked: {
                dialog.close()
                signOut.open()
            }
        }
    }

    SignOutDialog {
        id: signOut
    }
}
