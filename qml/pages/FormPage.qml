// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Dialogs
import QtQuick.Layouts
import Survey

Page {
    id: page
    objectName: "formPage"
    property FormController controller: null
    // A page on its way out takes no more taps (a double tap on Finalize or Save and exit
    // would act twice).
    enabled: page.StackView.status !== StackView.Deactivating
    title: controller ? controller.title : ""

    /// Whatever is being typed is given as the answer first (a field gives its answer when
    /// it loses the keyboard), then the page moves: keys and swipes lose nothing.
    function commitTyping() {
        focusSink.forceActiveFocus()
    }
    Item {
        id: focusSink
    }
    function next() {
        page.commitTyping()
        page.controller.next()
    }
    function previous() {
        page.commitTyping()
        page.controller.previous()
    }
    function close() {
        page.commitTyping()
        page.StackView.view.pop()
    }
    function showOutline() {
        page.commitTyping()
        page.StackView.view.push("OutlinePage.qml", { controller: page.controller })
    }

    function finish() {
        page.commitTyping()
        if (!page.controller || page.controller.finalized || page.readOnly)
            return
        if (page.controller.finalizeRecord())
            page.StackView.view.pop()
        else
            page.StackView.view.push("FinalizePage.qml", { controller: page.controller })
    }

    // Phones: icons, the title on up to two lines with the save state under it, and the
    // form's languages in the overflow menu. Wide windows add the words beside the icons.
    readonly property bool wide: page.width >= Theme.wide
    header: ToolBar {
        // Light words on the accent-coloured bar.
        Material.theme: Material.Dark
        RowLayout {
            anchors.fill: parent
            spacing: 0
            IconToolButton {
                objectName: "closeFormButton"
                iconName: "go-previous"
                showText: page.wide
                text: page.readOnly ? qsTr("Close") : qsTr("Save and exit")
                tip: page.readOnly ? qsTr("Close this record (Ctrl+W)")
                                   : qsTr("Your answers are already saved (Ctrl+W)")
                onClicked: page.close()
            }
            ColumnLayout {
                Layout.fillWidth: true
                Layout.topMargin: 4
                Layout.bottomMargin: 4
                spacing: 0
                Label {
                    objectName: "formTitle"
                    Layout.fillWidth: true
                    text: page.title
                    wrapMode: Text.Wrap
                    maximumLineCount: 2
                    elide: Text.ElideRight
                    font.pixelSize: page.wide ? Theme.titleSize : Theme.fontSize
                }
                Label {
                    objectName: "saveState"
                    Layout.fillWidth: true
                    visible: text !== ""
                    text: !page.controller ? ""
                          : page.readOnly ? qsTr("Sent · read only")
                          : page.controller.saveError !== "" ? qsTr("Not saved")
                          : page.controller.saving ? qsTr("Saving…")
                          : page.controller.savedAnswer ? qsTr("Saved") : ""
                    // On the accent bar: a pale red for "not saved", a pale green otherwise.
                    color: page.controller && page.controller.saveError !== "" ? Theme.onAccentWarning
                                                                               : Theme.onAccentMuted
                    font.pixelSize: Theme.smallSize
                }
            }
            IconToolButton {
                objectName: "outlineButton"
                iconName: "view-list"
                showText: page.wide
                text: qsTr("Questions")
                tip: qsTr("Every question, to go to any of them (Ctrl+G)")
                onClicked: page.showOutline()
            }
            // More: this filling's language (the settings choose the one forms open in).
            IconToolButton {
                objectName: "formMenuButton"
                visible: page.controller !== null && page.controller.formLanguages.length > 1
                iconName: "view-more"
                text: qsTr("More")
                tip: qsTr("Language of this form")
                onClicked: formMenu.open()
                Menu {
                    id: formMenu
                    y: parent.height
                    MenuSeparator {
                        contentItem: Label {
                            text: qsTr("Language of this form")
                            color: Theme.muted
                            font.pixelSize: Theme.smallSize
                        }
                    }
                    Repeater {
                        model: page.controller ? page.controller.formLanguages : []
                        delegate: MenuItem {
                            id: languageEntry
                            required property string modelData
                            objectName: "formLanguage_" + languageEntry.modelData
                            text: languageEntry.modelData
                            checkable: true
                            checked: page.controller && page.controller.formLanguage === languageEntry.modelData
                            onTriggered: page.controller.setFormLanguage(languageEntry.modelData)
                        }
                    }
                }
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        ProgressBar {
            objectName: "formProgress"
            Layout.fillWidth: true
            from: 0
            to: 1
            value: page.controller ? page.controller.progress : 0
        }
        Label {
            objectName: "supervisorComment"
            Layout.fillWidth: true
            visible: page.controller !== null && page.controller.comment !== ""
            padding: Theme.margin
            background: Rectangle { color: "#fff3e0" }
            text: page.controller ? qsTr("Supervisor: %1").arg(page.controller.comment) : ""
            wrapMode: Text.Wrap
            font.bold: true
            color: Theme.notice
        }
        Label {
            Layout.fillWidth: true
            visible: page.controller !== null && page.controller.saveError !== ""
            padding: Theme.margin
            text: page.controller ? page.controller.saveError : ""
            wrapMode: Text.Wrap
            color: Theme.warning
        }

        ScrollView {
            id: scroll
            Layout.fillWidth: true
            Layout.fillHeight: true

            ColumnLayout {
                width: Math.min(scroll.availableWidth, 760)
                x: (scroll.availableWidth - width) / 2
                spacing: 2 * Theme.spacing

                // Inside a repeat: which entry this is, under the repeat's heading
                // ("Household members: 2 of 3"), for each repeat the page is in.
                Label {
                    objectName: "repeatPlace"
                    Layout.fillWidth: true
                    Layout.leftMargin: Theme.margin
                    Layout.rightMargin: Theme.margin
                    Layout.topMargin: Theme.margin
                    visible: text !== ""
                    text: page.controller ? page.controller.repeatHeading : ""
                    color: Theme.accent
                    font.bold: true
                    wrapMode: Text.Wrap
                }
                Label {
                    Layout.fillWidth: true
                    Layout.margins: Theme.margin
                    visible: page.controller !== null && page.controller.pageKind === FormController.FieldList
                    text: page.controller ? page.controller.pageLabel : ""
                    font.pixelSize: Theme.titleSize
                    wrapMode: Text.Wrap
                }
                // Rows that stay put across answers: the question views (with the keyboard
                // focus in one of them) stay, and only a question relevance shows or hides
                // comes or goes.
                Repeater {
                    id: questionViews
                    model: page.controller ? page.controller.questionModel : null
                    delegate: QuestionView {
                        id: entry
                        // A sent record is read: its answers show, nothing takes input.
                        enabled: !page.readOnly
                        Layout.fillWidth: true
                        Layout.leftMargin: Theme.margin
                        Layout.rightMargin: Theme.margin
                        controller: page.controller
                        onFileWanted: ref => {
                            fileDialog.ref = ref
                            fileDialog.scan = false
                            fileDialog.open()
                        }
                        onPictureScanWanted: ref => {
                            fileDialog.ref = ref
                            fileDialog.scan = true
                            fileDialog.open()
                        }
                        onCameraWanted: ref => page.StackView.view.push(
                                            "CameraPage.qml", { controller: page.controller, ref: ref })
                        onScanWanted: ref => page.StackView.view.push(
                                          "ScannerPage.qml", { controller: page.controller, ref: ref })
                    }
                }

                // Inside a repeat instance: it can be removed (after asking).
                // A destructive control, set apart: never where the keyboard starts (Tab
                // reaches it), red, and it asks first.
                Button {
                    objectName: "removeRepeatButton"
                    Layout.leftMargin: Theme.margin
                    Layout.topMargin: Theme.spacing
                    Layout.minimumHeight: Theme.touch
                    visible: page.controller !== null && page.controller.removableRepeat !== ""
                             && !page.readOnly
                    flat: true
                    icon.source: "qrc:/icons/edit-delete.svg"
                    Material.foreground: Theme.warning
                    text: qsTr("Remove this entry…")
                    onClicked: removeDialog.open()
                }

                // A repeat: add another, or go on.
                ColumnLayout {
                    Layout.fillWidth: true
                    Layout.margins: Theme.margin
                    visible: page.controller !== null && page.controller.pageKind === FormController.Repeat
                    Label {
                        objectName: "repeatPrompt"
                        Layout.fillWidth: true
                        text: !page.controller ? ""
                              : page.readOnly ? page.controller.pageLabel
                              : qsTr("Add a new \"%1\"?").arg(page.controller.pageLabel)
                        wrapMode: Text.Wrap
                        font.pixelSize: Theme.titleSize
                    }
                    Label {
                        objectName: "repeatCount"
                        Layout.fillWidth: true
                        text: page.controller ? qsTr("%n entered so far", "", page.controller.repeatCount) : ""
                        color: Theme.muted
                    }
                    Button {
                        id: addRepeatButton
                        objectName: "addRepeatButton"
                        visible: !page.readOnly
                        Layout.fillWidth: true
                        Layout.minimumHeight: Theme.touch
                        highlighted: true
                        text: qsTr("Add")
                        onClicked: {
                            page.focusedIndex = -1 // the new entry's first field takes the keyboard
                            page.controller.addRepeat()
                        }
                    }
                    Button {
                        objectName: "skipRepeatButton"
                        Layout.fillWidth: true
                        Layout.minimumHeight: Theme.touch
                        text: page.readOnly ? qsTr("Next") : qsTr("Do not add; go on")
                        onClicked: page.next()
                    }
                }

                // The end of the form.
                ColumnLayout {
                    Layout.fillWidth: true
                    Layout.margins: Theme.margin
                    visible: page.controller !== null && page.controller.pageKind === FormController.End
                    Label {
                        Layout.fillWidth: true
                        text: page.readOnly ? qsTr("This record was sent. It can be read here, not changed.")
                                            : qsTr("You are at the end of the form.")
                        font.pixelSize: Theme.titleSize
                        wrapMode: Text.Wrap
                    }
                    Button {
                        id: finalizeButton
                        objectName: "finalizeButton"
                        visible: !page.readOnly
                        Layout.fillWidth: true
                        Layout.minimumHeight: Theme.touch
                        highlighted: true
                        text: qsTr("Finalize")
                        ToolTip.visible: hovered
                        ToolTip.text: qsTr("Check every answer and mark the record ready to send (Ctrl+Enter)")
                        onClicked: page.finish()
                    }
                    Button {
                        objectName: "saveDraftButton"
                        visible: !page.readOnly
                        Layout.fillWidth: true
                        Layout.minimumHeight: Theme.touch
                        text: qsTr("Save as draft and exit")
                        onClicked: page.close()
                    }
                }
            }
        }

        // Previous and Next, Next as the main action.
        RowLayout {
            Layout.fillWidth: true
            Layout.margins: Theme.spacing
            spacing: Theme.spacing
            PageButton {
                objectName: "previousButton"
                iconName: "go-previous"
                text: qsTr("Previous")
                tip: qsTr("Previous page (Page Up, Alt+Left)")
                enabled: page.controller !== null && page.controller.index > 0
                onClicked: page.previous()
            }
            // How far through the form: the share of its questions as written, so it
            // does not jump back as relevance shows more of them.
            Label {
                objectName: "progressText"
                text: page.controller ? qsTr("%1%").arg(Math.round(page.controller.progress * 100)) : ""
                color: Theme.muted
                font.pixelSize: Theme.smallSize
            }
            PageButton {
                id: nextButton
                objectName: "nextButton"
                iconName: "go-next"
                highlighted: true
                LayoutMirroring.enabled: true // the arrow after the word
                text: qsTr("Next")
                tip: qsTr("Next page (Page Down, Alt+Right)")
                enabled: page.controller !== null && page.controller.index + 1 < page.controller.count
                onClicked: page.next()
            }
        }
    }

    // Keyboard use on desktops: the form without the mouse. A new page's first question
    // takes the keyboard once the page is in place.
    readonly property bool active: page.StackView.status === StackView.Active
    readonly property bool readOnly: page.controller !== null && page.controller.readOnly
    property int focusedIndex: -1
    function focusFirst() {
        if (!page.active || !page.controller || page.controller.index === page.focusedIndex)
            return
        page.focusedIndex = page.controller.index
        // On phones and tablets the on-screen keyboard would cover a page of several
        // questions: there only a page's single question takes it (as ODK Collect does).
        const touch = Qt.platform.os === "android" || Qt.platform.os === "ios"
        if (touch && questionViews.count > 1)
            return
        const first = questionViews.itemAt(0) as QuestionView
        if (first && first.takeFocus())
            return
        // Nothing to type or choose first (a note, a calculation, a repeat's prompt, the
        // end): the keyboard goes to the page's main action, never to a control that
        // removes something.
        const reason = InputMode.keyboard ? Qt.TabFocusReason : Qt.OtherFocusReason
        if (page.controller.pageKind === FormController.Repeat)
            addRepeatButton.forceActiveFocus(reason)
        else if (page.controller.pageKind === FormController.End)
            finalizeButton.forceActiveFocus(reason)
        else if (nextButton.enabled)
            nextButton.forceActiveFocus(reason)
    }
    onActiveChanged: focusFirst()
    Timer {
        id: focusTimer
        interval: 0
        onTriggered: page.focusFirst()
    }
    Connections {
        target: page.controller
        // After the page's own bindings have taken the new questions.
        function onPageChanged() { focusTimer.restart() }
    }
    Shortcut {
        sequences: [StandardKey.MoveToNextPage, StandardKey.Forward]
        enabled: page.active && page.controller !== null
        onActivated: page.next()
    }
    Shortcut {
        sequences: [StandardKey.MoveToPreviousPage, StandardKey.Back]
        enabled: page.active && page.controller !== null
        onActivated: page.previous()
    }
    Shortcut {
        sequences: [StandardKey.Close]
        enabled: page.active
        onActivated: page.close()
    }
    Shortcut {
        sequence: "Ctrl+G"
        enabled: page.active && page.controller !== null
        onActivated: page.showOutline()
    }
    Shortcut {
        sequences: ["Ctrl+Return", "Ctrl+Enter"]
        enabled: page.active && page.controller !== null && page.controller.pageKind === FormController.End
        onActivated: page.finish()
    }

    FileDialog {
        id: fileDialog
        property string ref: ""
        /// A picture to read a code from, rather than a file to keep.
        property bool scan: false
        title: scan ? qsTr("Choose a picture of the code") : qsTr("Choose a file")
        nameFilters: scan ? [qsTr("Pictures (*.jpg *.jpeg *.png *.bmp *.gif *.webp)")] : []
        onAccepted: {
            if (scan)
                page.controller.scanImage(ref, selectedFile)
            else
                page.controller.attachFile(ref, selectedFile)
        }
    }

    Dialog {
        id: removeDialog
        objectName: "removeRepeatDialog"
        anchors.centerIn: parent
        width: Math.max(240, Math.min(page.width - 2 * Theme.margin, 420))
        modal: true
        title: qsTr("Remove this entry?")
        standardButtons: Dialog.Yes | Dialog.No
        contentItem: Label {
            text: qsTr("Its answers are deleted from this record.")
            wrapMode: Text.Wrap
        }
        onAccepted: page.controller.removeRepeat(page.controller.removableRepeat)
    }

    // Swipe left / right for next / previous, as on paper.
    DragHandler {
        target: null
        xAxis.enabled: true
        yAxis.enabled: false
        onActiveChanged: {
            if (active || !page.controller)
                return
            if (centroid.position.x - centroid.pressPosition.x < -80)
                page.next()
            else if (centroid.position.x - centroid.pressPosition.x > 80)
                page.previous()
        }
    }
}
