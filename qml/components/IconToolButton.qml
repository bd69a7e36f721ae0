// SPDX-License-Identifier: GPL-3.0-or-later
// A tool bar button with an icon (qrc:/icons/NAME.svg), its words beside the icon where
// there is room and in a tooltip (and for screen readers) where there is not. The tooltip
// goes once the button is pressed, so that it does not stay over the next page.
import QtQuick
import QtQuick.Controls
import Survey

ToolButton {
    id: button
    /// The icon's name in the app's set (go-next, view-list…).
    property string iconName
    /// Show the words beside the icon (wide windows).
    property bool showText: false
    /// The tooltip's words (the shortcut, what it does); the button's own text by default.
    property string tip: text
    property bool tipAllowed: true

    implicitWidth: Math.max(Theme.touch, implicitContentWidth + leftPadding + rightPadding)
    implicitHeight: Math.max(Theme.touch, implicitContentHeight + topPadding + bottomPadding)
    icon.source: iconName !== "" ? "qrc:/icons/" + iconName + ".svg" : ""
    icon.width: 24
    icon.height: 24
    display: showText || iconName === "" ? AbstractButton.TextBesideIcon : AbstractButton.IconOnly
    Accessible.name: text
    ToolTip.visible: hovered && tipAllowed && tip !== ""
    ToolTip.delay: 600
    ToolTip.text: tip
    onPressed: tipAllowed = false
    onHoveredChanged: if (!hovered) tipAllowed = true
}
