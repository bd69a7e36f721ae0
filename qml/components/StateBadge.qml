// SPDX-License-Identifier: GPL-3.0-or-later
// A submission's review state as a small coloured word.
import QtQuick
import QtQuick.Controls
import Survey

Label {
    id: badge
    property int reviewState: Review.Received

    function textOf(state) {
        switch (state) {
        case Review.Received: return qsTr("Received")
        case Review.Edited: return qsTr("Edited")
        case Review.HasIssues: return qsTr("Has issues")
        case Review.Approved: return qsTr("Approved")
        case Review.Rejected: return qsTr("Rejected")
        default: return qsTr("All")
        }
    }

    text: textOf(reviewState)
    font.pixelSize: Theme.smallSize
    font.bold: true
    color: reviewState === Review.Approved ? Theme.accent
         : reviewState === Review.HasIssues || reviewState === Review.Rejected ? Theme.warning
         : reviewState === Review.Edited ? Theme.notice : Theme.muted
}
