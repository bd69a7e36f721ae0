// SPDX-License-Identifier: GPL-3.0-or-later
// Previous or Next at the foot of a form page: a finger's height all of it (Material's
// buttons draw 12 px less than they take), an arrow icon, and a tooltip with its keys that
// goes once the button is pressed, so that it does not stay over the next page.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

Button {
    id: button
    /// The icon's name in the app's set (go-previous, go-next).
    property string iconName
    property string tip
    property bool tipAllowed: true
    Layout.fillWidth: true
    Layout.preferredHeight: Theme.touch
    topInset: 0
    bottomInset: 0
    icon.source: "qrc:/icons/" + iconName + ".svg"
    ToolTip.visible: hovered && tipAllowed
    ToolTip.delay: 600
    ToolTip.text: tip
    onPressed: tipAllowed = false
    onHoveredChanged: if (!hovered) tipAllowed = true
}
