// SPDX-License-Identifier: GPL-3.0-or-later
// Sizes, colours and fonts for every page: pages take them from here, never their own.
pragma Singleton
import QtQuick
import Survey

QtObject {
    readonly property real scale: Preferences.textScale
    readonly property int touch: 48 // dp: the smallest thing a finger must hit
    readonly property int spacing: 12
    readonly property int margin: 16
    readonly property real fontSize: 16 * scale
    readonly property real smallSize: 13 * scale
    readonly property real titleSize: 20 * scale
    readonly property color accent: "#2e7d32"
    readonly property color warning: "#c62828"
    readonly property color notice: "#ef6c00"
    readonly property color muted: "#616161"
    /// A question's hint and guidance: the body size, in a colour that reads on white
    /// (WCAG AA), set apart from the label by weight only.
    readonly property color hint: "#424242"
    readonly property color surface: "#f5f5f5"
    readonly property color onAccentMuted: "#c8e6c9" // quieter words on the accent bar
    readonly property color onAccentWarning: "#ffcdd2"
    readonly property string fontFamily: "Noto Sans CJK SC"
    readonly property int wide: 720 // from here on, two columns where it helps
}
