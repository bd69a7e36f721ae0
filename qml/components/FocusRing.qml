// SPDX-License-Identifier: GPL-3.0-or-later
// A ring around the control that has the keyboard focus, while the keyboard is in use
// and the focus came from it (Tab, arrows, a page turned with keys): Material's own focus marks are too faint to follow. It is drawn
// on the window's overlay and follows the control each frame (scrolling, layouts).
import QtQuick
import QtQuick.Controls
import Survey

Rectangle {
    id: ring
    objectName: "focusRing"
    required property Window window
    readonly property Item target: window.activeFocusItem
    // Controls (buttons, options, lists) say whether the focus came from the keyboard;
    // text fields show their own caret.
    readonly property bool shown: InputMode.keyboard && target !== null
                                  && target["visualFocus"] === true && target.visible // qmllint disable
    parent: Overlay.overlay
    z: 1000
    visible: shown
    color: "transparent"
    border.color: Theme.accent
    border.width: 3
    radius: 6

    function follow() {
        if (!ring.shown)
            return
        const p = ring.target.mapToItem(ring.parent, 0, 0)
        // Assigned only when it moved: an unchanged value draws no new frame.
        const nx = Math.round(p.x) - 3, ny = Math.round(p.y) - 3
        const nw = Math.round(ring.target.width) + 6, nh = Math.round(ring.target.height) + 6
        if (ring.x !== nx) ring.x = nx
        if (ring.y !== ny) ring.y = ny
        if (ring.width !== nw) ring.width = nw
        if (ring.height !== nh) ring.height = nh
    }
    onTargetChanged: follow()
    onShownChanged: follow()
    Connections {
        target: ring.window
        function onFrameSwapped() { ring.follow() }
    }
}
