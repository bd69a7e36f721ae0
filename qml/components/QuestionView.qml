// SPDX-License-Identifier: GPL-3.0-or-later
// One question: its label, hint, guidance and picture, the answer widget its kind needs
// (one component per kind in answers/, chosen by the typed question.widget), and its
// problem.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

ColumnLayout {
    id: questionView
    required property var question
    required property FormController controller
    property alias typeError: answerContext.typeError
    property alias refusedText: answerContext.refusedText
    /// A file answer wants a file: the page opens its chooser.
    signal fileWanted(string ref)
    /// A photo from the camera; a code from the camera; a code read from a picture file.
    signal cameraWanted(string ref)
    signal scanWanted(string ref)
    signal pictureScanWanted(string ref)
    /// Every value given (after the controller took it, or refused it).
    signal answered(string value)
    /// The date and time wheels, when the question has them.
    readonly property var picker: widget.item instanceof DateTimeAnswer ? (widget.item as DateTimeAnswer).picker : null

    readonly property string ref: question.ref
    // The view is kept from page to page (only its question changes): what belonged to the
    // question before goes with it.
    onRefChanged: {
        questionView.typeError = ""
        questionView.refusedText = ""
        questionView.guidanceShown = false
    }
    /// The keyboard to this question's answer (the page's first question, on a new page):
    /// false when it has nothing to type or choose.
    function takeFocus() {
        // Every answer component has takeFocus(); the Loader types its item as QObject.
        return widget.item !== null && widget.item.takeFocus() // qmllint disable
    }

    AnswerContext {
        id: answerContext
        question: questionView.question
        controller: questionView.controller
        onFileWanted: ref => questionView.fileWanted(ref)
        onCameraWanted: ref => questionView.cameraWanted(ref)
        onScanWanted: ref => questionView.scanWanted(ref)
        onPictureScanWanted: ref => questionView.pictureScanWanted(ref)
        onAnswered: value => questionView.answered(value)
    }

    spacing: 4

    Label {
        Layout.fillWidth: true
        text: questionView.question.label + (questionView.question.required ? " *" : "")
        font.bold: true
        wrapMode: Text.Wrap
    }
    // The reviewer's note, when they sent the record back with this question flagged.
    RowLayout {
        objectName: "flag_" + questionView.ref
        Layout.fillWidth: true
        visible: (questionView.question.flag || "") !== ""
        spacing: Theme.spacing
        Image {
            Layout.alignment: Qt.AlignTop
            source: "qrc:/icons/emoji-flags.svg"
            sourceSize.width: 20
            sourceSize.height: 20
        }
        Label {
            objectName: "flagNote_" + questionView.ref
            Layout.fillWidth: true
            text: qsTr("Supervisor: %1").arg(questionView.question.flag || "")
            color: Theme.warning
            wrapMode: Text.Wrap
        }
    }
    Label {
        objectName: "hint_" + questionView.ref
        Layout.fillWidth: true
        visible: questionView.question.hint !== ""
        text: questionView.question.hint
        color: Theme.hint
        wrapMode: Text.Wrap
    }
    // Guidance for the enumerator (the hint's "guidance" form): folded away until asked for.
    property bool guidanceShown: false
    Button {
        objectName: "moreHelp_" + questionView.ref
        visible: (questionView.question.guidance || "") !== "" && !questionView.guidanceShown
        flat: true
        Layout.minimumHeight: Theme.touch
        text: qsTr("More help")
        onClicked: questionView.guidanceShown = true
    }
    Label {
        objectName: "guidance_" + questionView.ref
        Layout.fillWidth: true
        visible: (questionView.question.guidance || "") !== "" && questionView.guidanceShown
        text: questionView.question.guidance || ""
        color: Theme.hint
        wrapMode: Text.Wrap
    }
    // The label's picture, from the form's media, decoded at the size it is shown.
    Image {
        objectName: "image_" + questionView.ref
        Layout.fillWidth: true
        Layout.preferredHeight: visible ? Math.min(implicitHeight, 320) : 0
        visible: (questionView.question.image || "") !== ""
        source: questionView.question.image || ""
        sourceSize.width: 760
        fillMode: Image.PreserveAspectFit
        horizontalAlignment: Image.AlignLeft
        asynchronous: true
    }

    Loader {
        id: widget
        Layout.fillWidth: true
        sourceComponent: {
            switch (questionView.question.widget) {
            case QuestionWidget.Text: return textAnswer
            case QuestionWidget.LongText: return longTextAnswer
            case QuestionWidget.ReadOnly: return readOnlyAnswer
            case QuestionWidget.DateTime: return dateTimeAnswer
            case QuestionWidget.Location: return locationAnswer
            case QuestionWidget.Barcode: return barcodeAnswer
            case QuestionWidget.DropDown: return dropDownAnswer
            case QuestionWidget.Choice: return choiceAnswer
            case QuestionWidget.Choices: return choicesAnswer
            case QuestionWidget.Acknowledge: return acknowledgeAnswer
            case QuestionWidget.Upload: return uploadAnswer
            case QuestionWidget.Range: return rangeAnswer
            case QuestionWidget.Rank: return rankAnswer
            default: return unsupportedAnswer
            }
        }
    }
    Component { id: textAnswer; TextAnswer { context: answerContext } }
    Component { id: longTextAnswer; LongTextAnswer { context: answerContext } }
    Component { id: readOnlyAnswer; ReadOnlyAnswer { context: answerContext } }
    Component { id: dateTimeAnswer; DateTimeAnswer { context: answerContext } }
    Component { id: locationAnswer; LocationAnswer { context: answerContext } }
    Component { id: barcodeAnswer; BarcodeAnswer { context: answerContext } }
    Component { id: dropDownAnswer; DropDownAnswer { context: answerContext } }
    Component { id: choiceAnswer; ChoiceAnswer { context: answerContext } }
    Component { id: choicesAnswer; ChoicesAnswer { context: answerContext } }
    Component { id: acknowledgeAnswer; AcknowledgeAnswer { context: answerContext } }
    Component { id: uploadAnswer; UploadAnswer { context: answerContext } }
    Component { id: rangeAnswer; RangeAnswer { context: answerContext } }
    Component { id: rankAnswer; RankAnswer { context: answerContext } }
    Component { id: unsupportedAnswer; UnsupportedAnswer { context: answerContext } }

    Label {
        objectName: "problem_" + questionView.ref
        Layout.fillWidth: true
        visible: text !== ""
        text: questionView.typeError !== "" ? questionView.typeError : questionView.question.problem
        color: Theme.warning
        wrapMode: Text.Wrap
    }
}
