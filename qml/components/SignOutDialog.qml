// SPDX-License-Identifier: GPL-3.0-or-later
// Sign out, once the person has seen what is not sent yet. The records stay on the device,
// and the server address and user name stay for signing in again; the password goes.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Survey

Dialog {
    id: dialog
    objectName: "signOutDialog"
    parent: Overlay.overlay
    anchors.centerIn: parent
    width: Math.max(260, Math.min(parent ? parent.width - 2 * Theme.margin : 420, 460))
    modal: true
    title: qsTr("Sign out?")

    readonly property int unsent: Backend.readyCount + Backend.draftCount

    ColumnLayout {
        width: parent.width
        spacing: Theme.spacing
        Label {
            objectName: "signOutWarning"
            Layout.fillWidth: true
            visible: dialog.unsent > 0
            color: Theme.warning
            wrapMode: Text.Wrap
            text: qsTr("Not sent yet: %n record(s) on this device.", "", dialog.unsent)
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: dialog.unsent > 0
                  ? qsTr("They stay on this device and are sent after you sign in again. Records are only sent while you are signed in.")
                  : qsTr("Everything on this device has been sent. Your records and forms stay on this device.")
        }
    }
    footer: DialogButtonBox {
        Button {
            objectName: "signOutCancelButton"
            text: qsTr("Stay signed in")
            flat: true
            onClicked: dialog.close()
        }
        Button {
            objectName: "signOutConfirmButton"
            text: qsTr("Sign out")
            flat: true
            Material.foreground: Theme.warning
            onClicked: {
                dialog.close()
                Account.signOut()
            }
        }
    }
}
