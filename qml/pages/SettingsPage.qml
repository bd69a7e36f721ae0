// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Survey

Page {
    id: page
    objectName: "settingsPage"
    title: qsTr("Settings")

    header: ToolBar {
        // Light words on the accent-coloured bar.
        Material.theme: Material.Dark
        RowLayout {
            anchors.fill: parent
            ToolButton {
                objectName: "backButton"
                text: qsTr("Back")
                onClicked: page.StackView.view.pop()
            }
            Label {
                Layout.fillWidth: true
                text: page.title
                font.pixelSize: Theme.titleSize
            }
        }
    }

    ScrollView {
        id: scroll
        anchors.fill: parent

        ColumnLayout {
            width: Math.min(scroll.availableWidth, 640)
            x: (scroll.availableWidth - width) / 2
            spacing: Theme.spacing

            Label {
                Layout.margins: Theme.margin
                text: qsTr("Language")
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

            Label {
                Layout.leftMargin: Theme.margin
                text: qsTr("Send automatically")
                font.bold: true
            }
            ComboBox {
                objectName: "autoSendBox"
                Layout.fillWidth: true
                Layout.leftMargin: Theme.margin
                Layout.rightMargin: Theme.margin
                Layout.minimumHeight: Theme.touch
                textRole: "text"
                valueRole: "value"
                model: [
                    { value: "off", text: qsTr("Off") },
                    { value: "wifi", text: qsTr("On Wi-Fi only") },
                    { value: "any", text: qsTr("On any network") }
                ]
                currentIndex: count > 0 ? indexOfValue(Preferences.autoSend) : -1
                onActivated: Preferences.setAutoSend(currentValue)
            }

            Label {
                Layout.leftMargin: Theme.margin
                text: qsTr("Form language")
                font.bold: true
            }
            ComboBox {
                objectName: "formLanguageBox"
                Layout.fillWidth: true
                Layout.leftMargin: Theme.margin
                Layout.rightMargin: Theme.margin
                Layout.minimumHeight: Theme.touch
                textRole: "text"
                valueRole: "value"
                model: {
                    const choices = [{ value: "", text: qsTr("Same as the app") }]
                    const languages = Backend.formLanguages
                    for (let i = 0; i < languages.length; ++i)
                        choices.push({ value: languages[i], text: languages[i] })
                    return choices
                }
                currentIndex: count > 0 ? Math.max(0, indexOfValue(Preferences.formLanguage)) : -1
                onActivated: Preferences.setFormLanguage(currentValue)
            }
            Label {
                Layout.fillWidth: true
                Layout.leftMargin: Theme.margin
                Layout.rightMargin: Theme.margin
                text: qsTr("Forms without this language use the app's language, or their own default.")
                font.pixelSize: Theme.smallSize
                color: Theme.muted
                wrapMode: Text.Wrap
            }

            Label {
                Layout.leftMargin: Theme.margin
                text: qsTr("Text size")
                font.bold: true
            }
            Slider {
                objectName: "textSizeSlider"
                Layout.fillWidth: true
                Layout.leftMargin: Theme.margin
                Layout.rightMargin: Theme.margin
                from: 0.8
                to: 1.6
                stepSize: 0.1
                value: Preferences.textScale
                onMoved: Preferences.textScale = value
            }

            Label {
                Layout.leftMargin: Theme.margin
                text: qsTr("Server")
                font.bold: true
            }
            Label {
                Layout.fillWidth: true
                Layout.leftMargin: Theme.margin
                Layout.rightMargin: Theme.margin
                text: Account.serverUrl === "" ? qsTr("Forms on this device only")
                      : qsTr("%1 as %2").arg(Account.serverUrl).arg(Account.userName)
                wrapMode: Text.WrapAnywhere
            }
            Button {
                objectName: "signOutButton"
                Layout.leftMargin: Theme.margin
                Layout.minimumHeight: Theme.touch
                text: qsTr("Sign out")
                onClicked: signOutDialog.open()
            }

            Label {
                Layout.leftMargin: Theme.margin
                text: qsTr("About")
                font.bold: true
            }
            Label {
                objectName: "aboutText"
                Layout.fillWidth: true
                Layout.margins: Theme.margin
                text: qsTr("Survey Collector %1. Free software under the GNU GPL, version 3 or later. Built with Qt (LGPL v3), SQLite (public domain), QtKeychain (BSD), zxing-cpp (Apache 2.0), GStreamer (LGPL), the Noto CJK fonts (OFL) and the Adwaita icons (CC-BY-SA 3.0 or LGPL 3).").arg(Backend.version)
                wrapMode: Text.Wrap
                font.pixelSize: Theme.smallSize
            }
        }
    }

    SignOutDialog {
        id: signOutDialog
    }
}
