// SPDX-License-Identifier: GPL-3.0-or-later
// A choice's words, with its picture beside them when the form gives one (the content of a
// radio button or check box; tapping the picture chooses too).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

RowLayout {
    id: content
    property string text: ""
    property string image: ""
    property string imageName: ""
    /// Room for the button's own indicator (the content is drawn from the button's edge).
    property real indent: 0
    spacing: Theme.spacing

    Item {
        Layout.preferredWidth: Math.max(0, content.indent - content.spacing)
    }
    Image {
        objectName: content.imageName
        visible: content.image !== ""
        source: content.image
        Layout.preferredWidth: visible ? 2 * Theme.touch : 0
        Layout.preferredHeight: visible ? 2 * Theme.touch : 0
        sourceSize.width: 4 * Theme.touch
        fillMode: Image.PreserveAspectFit
        asynchronous: true
    }
    Label {
        Layout.fillWidth: true
        text: content.text
        wrapMode: Text.Wrap
        verticalAlignment: Text.AlignVCenter
    }
}
