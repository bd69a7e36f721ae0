// SPDX-License-Identifier: GPL-3.0-or-later
// A location: typed, or from the device's positioning (an NMEA file on desktops and in
// tests) with its accuracy as it improves, taken at once when accurate enough or by hand,
// cancelled, or timed out with what to do instead.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

ColumnLayout {
    id: answer
    required property AnswerContext context
    readonly property string ref: context.ref
    readonly property bool locating: Positioning.state === Positioning.Searching
                                     && Positioning.ref === answer.ref
    spacing: Theme.spacing / 2
    function takeFocus() { return typed.takeFocus() }
    Connections {
        target: Positioning
        function onFound(ref, value) {
            if (ref === answer.ref)
                answer.context.answer(value)
        }
    }
    TextAnswer {
        id: typed
        context: answer.context
    }
    RowLayout {
        Layout.fillWidth: true
        Button {
            objectName: "locate_" + answer.ref
            Layout.minimumHeight: Theme.touch
            icon.source: "qrc:/icons/find-location.svg"
            text: answer.locating ? qsTr("Finding the location…") : qsTr("Record location")
            enabled: !answer.locating
            onClicked: Positioning.start(answer.ref, 0)
        }
        Button {
            objectName: "cancelLocate_" + answer.ref
            Layout.minimumHeight: Theme.touch
            visible: answer.locating
            flat: true
            text: qsTr("Cancel")
            onClicked: Positioning.cancel()
        }
    }
    Label {
        objectName: "locationStatus_" + answer.ref
        Layout.fillWidth: true
        readonly property bool failed: !answer.locating && Positioning.ref === answer.ref
                                       && Positioning.problem !== ""
        readonly property var parts: answer.context.question.value.split(" ")
        visible: text !== ""
        text: answer.locating
              ? (Positioning.best === "" ? qsTr("Waiting for the first fix…")
                 : Positioning.accuracy < 0 ? qsTr("Found, accuracy unknown")
                 : qsTr("Best so far: accuracy %1 m").arg(Math.round(Positioning.accuracy)))
              : failed ? Positioning.problem
              : parts.length > 3 ? qsTr("accuracy %1 m").arg(parts[3]) : ""
        color: failed ? Theme.warning : Theme.muted
        wrapMode: Text.Wrap
    }
    Button {
        objectName: "useLocation_" + answer.ref
        Layout.minimumHeight: Theme.touch
        visible: answer.locating && Positioning.best !== ""
        highlighted: true
        text: Positioning.accuracy < 0 ? qsTr("Use this location")
              : qsTr("Use this location (±%1 m)").arg(Math.round(Positioning.accuracy))
        onClicked: Positioning.accept()
    }
}
