// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

Page {
    objectName: "firstRunPage"
    title: qsTr("Welcome")

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
                    checked: Backend.language === "zh_CN"
                    onClicked: Backend.setLanguage("zh_CN")
                }
                RadioButton {
                    objectName: "languageEn"
                    text: "English"
                    checked: Backend.language === "en"
                    onClicked: Backend.setLanguage("en")
                }
            }
            TextField {
                id: server
                objectName: "serverField"
                Layout.fillWidth: true
                Layout.margins: Theme.margin
                placeholderText: qsTr("Server address (https://…/v1/projects/1)")
                inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
            }
            TextField {
                id: user
                objectName: "userField"
                Layout.fillWidth: true
                Layout.leftMargin: Theme.margin
                Layout.rightMargin: Theme.margin
                placeholderText: qsTr("User name")
                inputMethodHints: Qt.ImhNoAutoUppercase
            }
            TextField {
                id: password
                objectName: "passwordField"
                Layout.fillWidth: true
                Layout.leftMargin: Theme.margin
                Layout.rightMargin: Theme.margin
                placeholderText: qsTr("Password")
                echoMode: TextInput.Password
            }
            Button {
                objectName: "signInButton"
                Layout.fillWidth: true
                Layout.margins: Theme.margin
                Layout.minimumHeight: Theme.touch
                text: qsTr("Sign in")
                highlighted: true
                enabled: server.text.length > 0 && user.text.length > 0 && password.text.length > 0
                onClicked: Backend.signIn(server.text, user.text, password.text)
            }
            Button {
                objectName: "localOnlyButton"
                Layout.fillWidth: true
                Layout.leftMargin: Theme.margin
                Layout.rightMargin: Theme.margin
                Layout.minimumHeight: Theme.touch
                flat: true
                text: qsTr("Use forms on this device only")
                onClicked: Backend.useWithoutServer()
            }
        }
    }
}
