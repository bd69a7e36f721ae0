// SPDX-License-Identifier: GPL-3.0-or-later
// A short message at the bottom of the window that goes by itself. It takes no touches or
// clicks: what lies under it (a form's Next button) is pressed through it, as under an
// Android toast.
import QtQuick
import QtQuick.Controls
import Survey

Rectangle {
    id: toast
    property alias text: message.text
    property int timeout: 4000
    function show(words) {
        message.text = words
        toast.opacity = 1
        hideTimer.restart()
    }

    width: Math.min(message.implicitWidth + 2 * Theme.margin, parent ? parent.width - 2 * Theme.margin : 0)
    height: message.implicitHeight + Theme.spacing
    radius: height / 2
    color: "#e0323232"
    opacity: 0
    visible: opacity > 0
    Behavior on opacity {
        NumberAnimation { duration: 150 }
    }

    Label {
        id: message
        anchors.fill: parent
        anchors.leftMargin: Theme.margin
        anchors.rightMargin: Theme.margin
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        wrapMode: Text.Wrap
        color: "white"
    }
    Timer {
        id: hideTimer
        interval: toast.timeout
        onTriggered: toast.opacity = 0
    }
}
