// SPDX-License-Identifier: GPL-3.0-or-later
// What an answer widget (answers/) works with: its question, the answer it gives (through
// the controller, which may refuse it: then the typed text is kept with the reason), and
// the requests it makes of the page (a file, the camera, a scan).
import QtQml
import Survey

QtObject {
    id: context
    required property var question
    required property FormController controller
    readonly property string ref: question.ref
    property string typeError: ""
    /// What was typed and refused: kept in the field, to be corrected, not typed again.
    property string refusedText: ""
    signal fileWanted(string ref)
    signal cameraWanted(string ref)
    signal scanWanted(string ref)
    signal pictureScanWanted(string ref)
    /// Every value given (after the controller took it, or refused it).
    signal answered(string value)

    function answer(value) {
        context.refusedText = value
        context.typeError = context.controller ? context.controller.setAnswer(context.ref, value) : ""
        context.answered(value)
    }
}
