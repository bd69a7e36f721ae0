// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

Page {
    id: page
    objectName: "firstRunPage"
    title: qsTr("Welcome")

    readonly property bool complete: server.text.length > 0 && user.text.length > 0
                                     && password.text.length > 0
    function submit() {
        if (page.complete)
            Account.signIn(server.text, user.text, password.text)
    }

    ScrollView {
        id: scroll
        anchors.fill: parent

        ColumnLayout {
            width: Math.min(scroll.availableWidth, 560)
            x: (scroll.availableWidth - width) / 2
            spacing: Theme.spacing

            Label {
                Layout.topMargin: 2 * Theme.margin
                Layout.leftMargin: Theme.margin
                text: qsTr("Survey Collector")
                font.pixelSize: Theme.titleSize * 1.3
                font.bold: true
            }
            RowLayout {
                Layout.leftMargin: Theme.margin
                RadioButton {
                    objectName: "languageZh"
                    text: "中文"
                    checked: Preferences.language === "zh_CN"
                    onClicked: Preferences.setLanguage("zh_CN")
                }
                RadioButton {
                    objectName: "languageEn"
                    text: "English"
                    checked: Preferences.language === "en"
                    onClicked: Preferences.setLanguage("en")
                }
            }
            // Each field under a label that stays once it is typed into; Enter goes on to the
            // next field, and from the password signs in.
            Label {
                Layout.topMargin: Theme.margin
                Layout.leftMargin: Theme.margin
                text: qsTr("Server address")
                font.bold: true
            }
            TextField {
                id: server
                objectName: "serverField"
                Layout.fillWidth: true
                Layout.leftMargin: Theme.margin
                Layout.rightMargin: Theme.margin
                placeholderText: qsTr("https://…/v1/projects/1")
                text: Account.serverUrl // kept after signing out
                inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
                onAccepted: user.forceActiveFocus()
            }
            Label {
                Layout.leftMargin: Theme.margin
                text: qsTr("User name")
                font.bold: true
            }
            TextField {
                id: user
                objectName: "userField"
                Layout.fillWidth: true
                Layout.leftMargin: Theme.margin
                Layout.rightMargin: Theme.margin
                inputMethodHints: Qt.ImhNoAutoUppercase
                text: Account.userName
                onAccepted: password.forceActiveFocus()
            }
            Label {
                Layout.leftMargin: Theme.margin
                text: qsTr("Password")
                font.bold: true
            }
            TextField {
                id: password
                objectName: "passwordField"
                Layout.fillWidth: true
                Layout.leftMargin: Theme.margin
                Layout.rightMargin: Theme.margin
                echoMode: showPassword.checked ? TextInput.Normal : TextInput.Password
                inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
                onAccepted: page.submit()
            }
            CheckBox {
                id: showPassword
                objectName: "showPassword"
                Layout.leftMargin: Theme.margin
                text: qsTr("Show password")
            }
            Button {
                objectName: "signInButton"
                Layout.fillWidth: true
                Layout.margins: Theme.margin
                Layout.minimumHeight: Theme.touch
                text: qsTr("Sign in")
                highlighted: true
                enabled: page.complete
                onClicked: page.submit()
            }
            Button {
                objectName: "localOnlyButton"
                Layout.fillWidth: true
                Layout.leftMargin: Theme.margin
                Layout.rightMargin: Theme.margin
                Layout.minimumHeight: Theme.touch
                flat: true
                text: qsTr("Use forms on this device only")
                onClicked: Account.useWithoutServer()
            }
        }
    }
}
