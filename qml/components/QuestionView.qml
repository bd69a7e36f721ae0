// SPDX-License-Identifier: GPL-3.0-or-later
// One question: its label, hint, the widget its type needs, and its problem.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Survey

ColumnLayout {
    id: view
    required property var question
    required property FormController controller
    property string typeError: ""
    /// What was typed and refused: kept in the field, to be corrected, not typed again.
    property string refusedText: ""
    /// A file answer wants a file: the page opens its chooser.
    signal fileWanted(string ref)
    /// A photo from the camera; a code from the camera; a code read from a picture file.
    signal cameraWanted(string ref)
    signal scanWanted(string ref)
    signal pictureScanWanted(string ref)
    /// Every value given (after the controller took it, or refused it).
    signal answered(string value)
    property alias picker: picker

    readonly property string ref: question.ref
    // The view is kept from page to page (only its question changes): what belonged to the
    // question before goes with it.
    onRefChanged: {
        view.typeError = ""
        view.refusedText = ""
        view.guidanceShown = false
        filter.text = ""
        picker.close()
    }
    readonly property string type: question.type
    readonly property bool numeric: type === "int" || type === "decimal"

    function answer(value) {
        refusedText = value
        typeError = controller ? controller.setAnswer(ref, value) : ""
        answered(value)
    }

    spacing: 4

    Label {
        Layout.fillWidth: true
        text: view.question.label + (view.question.required ? " *" : "")
        font.bold: true
        wrapMode: Text.Wrap
    }
    Label {
        Layout.fillWidth: true
        visible: view.question.hint !== ""
        text: view.question.hint
        font.pixelSize: Theme.smallSize
        color: Theme.muted
        wrapMode: Text.Wrap
    }
    // Guidance for the enumerator (the hint's "guidance" form): folded away until asked for.
    property bool guidanceShown: false
    Button {
        objectName: "moreHelp_" + view.ref
        visible: (view.question.guidance || "") !== "" && !view.guidanceShown
        flat: true
        Layout.minimumHeight: Theme.touch
        text: qsTr("More help")
        onClicked: view.guidanceShown = true
    }
    Label {
        objectName: "guidance_" + view.ref
        Layout.fillWidth: true
        visible: (view.question.guidance || "") !== "" && view.guidanceShown
        text: view.question.guidance || ""
        font.pixelSize: Theme.smallSize
        color: Theme.muted
        wrapMode: Text.Wrap
    }
    // The label's picture, from the form's media, decoded at the size it is shown.
    Image {
        objectName: "image_" + view.ref
        Layout.fillWidth: true
        Layout.preferredHeight: visible ? Math.min(implicitHeight, 320) : 0
        visible: (view.question.image || "") !== ""
        source: view.question.image || ""
        sourceSize.width: 760
        fillMode: Image.PreserveAspectFit
        horizontalAlignment: Image.AlignLeft
        asynchronous: true
    }

    readonly property bool multiline: view.question.appearance.indexOf("multiline") >= 0

    /// The keyboard to this question's field (the page's first question, on a new page).
    function takeFocus() {
        if (shortText.visible)
            shortText.forceActiveFocus()
        else if (longText.visible)
            longText.forceActiveFocus()
    }

    // Long text.
    TextArea {
        id: longText
        objectName: "answer_" + view.ref
        Layout.fillWidth: true
        Layout.minimumHeight: 3 * Theme.touch
        visible: view.question.control === "input" && view.type === "string" && view.multiline
                 && !view.question.readonly
        text: view.question.value
        wrapMode: TextEdit.Wrap
        onEditingFinished: view.answer(text)
    }
    // Text, numbers, dates and everything typed.
    TextField {
        id: shortText
        objectName: "answer_" + view.ref
        Layout.fillWidth: true
        Layout.minimumHeight: Theme.touch
        visible: view.question.control === "input" && view.type !== "binary"
                 && !view.question.readonly && !(view.type === "string" && view.multiline)
        // A refused answer stays as typed, in red, with the reason under it; it is tried
        // again as it is edited, so the message goes as soon as the value is right.
        text: view.typeError !== "" ? view.refusedText : view.question.value
        Material.accent: view.typeError !== "" ? Theme.warning : Theme.accent
        Material.foreground: view.typeError !== "" ? Theme.warning : undefined
        onTextEdited: {
            if (view.typeError !== "")
                view.answer(text)
        }
        // Numbers take only what a number can hold (XForms writes decimals with a point).
        validator: view.type === "int" ? intChars : view.numeric ? decimalChars : null
        inputMethodHints: view.numeric ? Qt.ImhFormattedNumbersOnly
                          : view.type === "date" ? Qt.ImhDate
                          : Qt.ImhNone
        placeholderText: view.type === "date" ? qsTr("YYYY-MM-DD")
                         : view.type === "time" ? qsTr("HH:MM")
                         : view.type === "geopoint" ? qsTr("latitude longitude")
                         : view.type === "geotrace" || view.type === "geoshape"
                           ? qsTr("latitude longitude; latitude longitude; …")
                         : view.type === "barcode" ? qsTr("Type the code")
                         : ""
        onEditingFinished: view.answer(text)
    }
    RegularExpressionValidator {
        id: intChars
        regularExpression: /[-+]?[0-9]*/
    }
    RegularExpressionValidator {
        id: decimalChars
        regularExpression: /[-+]?[0-9]*([.][0-9]*)?([eE][-+]?[0-9]*)?/
    }
    Label {
        Layout.fillWidth: true
        visible: view.question.readonly && view.question.value !== ""
        text: view.question.value
        wrapMode: Text.Wrap
    }

    // Select one: buttons, or a drop-down for "minimal".
    ComboBox {
        objectName: "answer_" + view.ref
        Layout.fillWidth: true
        Layout.minimumHeight: Theme.touch
        visible: view.question.control === "select1" && view.question.appearance.indexOf("minimal") >= 0
        model: view.question.choices
        textRole: "label"
        valueRole: "value"
        // `count` makes the binding wait for the model (indexOfValue() alone does not).
        currentIndex: count > 0 ? indexOfValue(view.question.value) : -1
        onActivated: view.answer(currentValue)
    }
    // Long lists ("autocomplete" / "search"): a filter over the choices.
    readonly property bool searchable: view.question.appearance.indexOf("autocomplete") >= 0
                                       || view.question.appearance.indexOf("search") >= 0
    readonly property bool likert: view.question.appearance.indexOf("likert") >= 0
    TextField {
        id: filter
        objectName: "filter_" + view.ref
        Layout.fillWidth: true
        visible: view.searchable && (view.question.control === "select1"
                                     || view.question.control === "select")
        placeholderText: qsTr("Type to narrow the list")
    }
    function shown(choices) {
        const needle = filter.text.trim().toLowerCase()
        if (!view.searchable || needle === "")
            return choices
        return choices.filter(c => c.label.toLowerCase().indexOf(needle) >= 0
                                   || c.value === view.question.value)
    }
    // Select one: buttons, in a row for "likert" (a scale read left to right).
    GridLayout {
        Layout.fillWidth: true
        columns: view.likert ? Math.max(1, view.question.choices.length) : 1
        columnSpacing: 0
        Repeater {
            model: view.question.control === "select1" && view.question.appearance.indexOf("minimal") < 0
                   ? view.shown(view.question.choices) : []
            delegate: RadioButton {
                id: entry
                required property var modelData
                objectName: "choice_" + view.ref + "_" + entry.modelData.value
                Layout.minimumHeight: Theme.touch
                Layout.fillWidth: view.likert
                text: entry.modelData.label
                checked: view.question.value === entry.modelData.value
                onClicked: view.answer(entry.modelData.value)
                // A choice's picture, beside its words (tapping it chooses too).
                contentItem: ChoiceContent {
                    text: entry.text
                    indent: entry.indicator ? entry.indicator.width + entry.spacing : 0
                    image: entry.modelData.image || ""
                    imageName: "choiceImage_" + view.ref + "_" + entry.modelData.value
                }
            }
        }
    }
    // Select many.
    Repeater {
        model: view.question.control === "select" ? view.shown(view.question.choices) : []
        delegate: CheckBox {
            id: box
            required property var modelData
            objectName: "choice_" + view.ref + "_" + box.modelData.value
            Layout.minimumHeight: Theme.touch
            text: box.modelData.label
            contentItem: ChoiceContent {
                text: box.text
                indent: box.indicator ? box.indicator.width + box.spacing : 0
                image: box.modelData.image || ""
                imageName: "choiceImage_" + view.ref + "_" + box.modelData.value
            }
            checked: (" " + view.question.value + " ").indexOf(" " + box.modelData.value + " ") >= 0
            onClicked: {
                let chosen = view.question.value === "" ? [] : view.question.value.split(" ")
                if (checked)
                    chosen.push(box.modelData.value)
                else
                    chosen = chosen.filter(v => v !== box.modelData.value)
                view.answer(chosen.join(" "))
            }
        }
    }
    // Acknowledge (trigger).
    CheckBox {
        objectName: "answer_" + view.ref
        visible: view.question.control === "trigger"
        text: qsTr("OK")
        checked: view.question.value === "OK"
        onClicked: view.answer(checked ? "OK" : "")
    }
    // Dates and times: typed above, or chosen on wheels.
    Button {
        objectName: "pick_" + view.ref
        Layout.minimumHeight: Theme.touch
        visible: (view.type === "date" || view.type === "time") && !view.question.readonly
        text: view.type === "date" ? qsTr("Choose a date…") : qsTr("Choose a time…")
        onClicked: {
            picker.mode = view.type
            picker.initial = view.question.value
            picker.open()
        }
    }
    DateTimeDialog {
        id: picker
        parent: Overlay.overlay
        onChosen: value => view.answer(value)
    }

    // A location: from the device's positioning (or an NMEA file on desktops and in tests),
    // with its accuracy as it improves; it can also be typed above.
    readonly property bool locating: Positioning.state === Positioning.Searching
                                     && Positioning.ref === view.ref
    Connections {
        target: Positioning
        function onFound(ref, value) {
            if (ref === view.ref)
                view.answer(value)
        }
    }
    ColumnLayout {
        Layout.fillWidth: true
        visible: view.type === "geopoint" && !view.question.readonly
        spacing: Theme.spacing / 2
        RowLayout {
            Layout.fillWidth: true
            Button {
                objectName: "locate_" + view.ref
                Layout.minimumHeight: Theme.touch
                text: view.locating ? qsTr("Finding the location…") : qsTr("Record location")
                enabled: !view.locating
                onClicked: Positioning.start(view.ref, 0)
            }
            Button {
                objectName: "cancelLocate_" + view.ref
                Layout.minimumHeight: Theme.touch
                visible: view.locating
                flat: true
                text: qsTr("Cancel")
                onClicked: Positioning.cancel()
            }
        }
        Label {
            objectName: "locationStatus_" + view.ref
            Layout.fillWidth: true
            readonly property bool failed: !view.locating && Positioning.ref === view.ref
                                           && Positioning.problem !== ""
            visible: text !== ""
            text: view.locating
                  ? (Positioning.best === "" ? qsTr("Waiting for the first fix…")
                     : Positioning.accuracy < 0 ? qsTr("Found, accuracy unknown")
                     : qsTr("Best so far: accuracy %1 m").arg(Math.round(Positioning.accuracy)))
                  : failed ? Positioning.problem
                  : view.question.value !== "" && view.question.value.split(" ").length > 3
                    ? qsTr("accuracy %1 m").arg(view.question.value.split(" ")[3]) : ""
            color: failed ? Theme.warning : Theme.muted
            wrapMode: Text.Wrap
        }
        Button {
            objectName: "useLocation_" + view.ref
            Layout.minimumHeight: Theme.touch
            visible: view.locating && Positioning.best !== ""
            highlighted: true
            text: Positioning.accuracy < 0 ? qsTr("Use this location")
                  : qsTr("Use this location (±%1 m)").arg(Math.round(Positioning.accuracy))
            onClicked: Positioning.accept()
        }
    }
    // A range: a slider in the form's steps, with its value.
    RowLayout {
        Layout.fillWidth: true
        visible: view.question.control === "range"
        Slider {
            objectName: "answer_" + view.ref
            Layout.fillWidth: true
            Layout.minimumHeight: Theme.touch
            from: view.question.rangeStart
            to: view.question.rangeEnd
            stepSize: view.question.rangeStep
            snapMode: Slider.SnapAlways
            value: view.question.value === "" ? view.question.rangeStart : Number(view.question.value)
            onMoved: view.answer(String(value))
        }
        Label {
            text: view.question.value === "" ? "–" : view.question.value
        }
    }
    // A photo or other file: from the camera where there is one, or chosen from the device.
    readonly property bool image: view.question.control === "upload"
                                  && (view.question.mediatype === "" || view.question.mediatype.startsWith("image"))
    Flow {
        Layout.fillWidth: true
        visible: view.question.control === "upload"
        spacing: Theme.spacing
        Button {
            objectName: "camera_" + view.ref
            height: Theme.touch
            visible: view.image && Backend.cameraAvailable
            highlighted: true
            text: view.question.value === "" ? qsTr("Take a photo") : qsTr("Take again")
            onClicked: view.cameraWanted(view.ref)
        }
        Button {
            objectName: "answer_" + view.ref
            height: Theme.touch
            text: view.question.value === "" ? qsTr("Choose a file…") : qsTr("Replace…")
            onClicked: view.fileWanted(view.ref)
        }
    }
    Label {
        Layout.fillWidth: true
        visible: view.question.control === "upload" && view.question.value !== ""
        text: view.question.value
        elide: Text.ElideMiddle
        color: Theme.muted
    }
    // A barcode: typed above, scanned with the camera, or read from a picture.
    Flow {
        Layout.fillWidth: true
        visible: view.type === "barcode" && !view.question.readonly && Backend.barcodeSupported
        spacing: Theme.spacing
        Button {
            objectName: "scan_" + view.ref
            height: Theme.touch
            visible: view.type === "barcode" && Backend.cameraAvailable
            highlighted: true
            text: qsTr("Scan")
            onClicked: view.scanWanted(view.ref)
        }
        Button {
            objectName: "scanPicture_" + view.ref
            height: Theme.touch
            text: qsTr("Read from a picture…")
            onClicked: view.pictureScanWanted(view.ref)
        }
    }
    Connections {
        target: view.controller
        function onBarcodeRead(ref, problem) {
            if (ref === view.ref)
                view.typeError = problem
        }
    }
    // Rank: the choices in the person's order, moved up and down.
    readonly property var rankOrder: {
        if (view.question.control !== "rank")
            return []
        const labels = {}
        for (const c of view.question.choices)
            labels[c.value] = c.label
        const order = view.question.value === "" ? view.question.choices.map(c => c.value)
                                                 : view.question.value.split(" ")
        return order.filter(v => labels[v] !== undefined).map(v => ({ value: v, label: labels[v] }))
    }
    function moveRank(index, step) {
        const order = view.rankOrder.map(c => c.value)
        const target = index + step
        if (target < 0 || target >= order.length)
            return
        const moved = order.splice(index, 1)[0]
        order.splice(target, 0, moved)
        view.answer(order.join(" "))
    }
    Repeater {
        model: view.rankOrder
        delegate: RowLayout {
            id: rankRow
            required property var modelData
            required property int index
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                text: (rankRow.index + 1) + ". " + rankRow.modelData.label
                elide: Text.ElideRight
            }
            ToolButton {
                objectName: "rankUp_" + view.ref + "_" + rankRow.modelData.value
                Layout.minimumWidth: Theme.touch
                Layout.minimumHeight: Theme.touch
                text: "▲"
                enabled: rankRow.index > 0
                onClicked: view.moveRank(rankRow.index, -1)
            }
            ToolButton {
                objectName: "rankDown_" + view.ref + "_" + rankRow.modelData.value
                Layout.minimumWidth: Theme.touch
                Layout.minimumHeight: Theme.touch
                text: "▼"
                enabled: rankRow.index + 1 < view.rankOrder.length
                onClicked: view.moveRank(rankRow.index, 1)
            }
        }
    }
    Button {
        objectName: "rankAccept_" + view.ref
        Layout.minimumHeight: Theme.touch
        visible: view.question.control === "rank" && view.question.value === ""
        text: qsTr("Keep this order")
        onClicked: view.answer(view.rankOrder.map(c => c.value).join(" "))
    }

    // A question this app has no widget for: said plainly; the rest of the form goes on.
    readonly property bool supported: ["select1", "select", "trigger", "upload", "range", "rank"]
                                      .indexOf(view.question.control) >= 0
                                      || (view.question.control === "input" && view.type !== "binary")
    Label {
        objectName: "unsupported_" + view.ref
        Layout.fillWidth: true
        visible: !view.supported
        text: qsTr("This app cannot answer this kind of question (%1 of type %2). Skip it, and tell the form's author.")
                .arg(view.question.control).arg(view.type)
        color: Theme.warning
        wrapMode: Text.Wrap
    }

    Label {
        objectName: "problem_" + view.ref
        Layout.fillWidth: true
        visible: text !== ""
        text: view.typeError !== "" ? view.typeError : view.question.problem
        color: Theme.warning
        wrapMode: Text.Wrap
    }
}
