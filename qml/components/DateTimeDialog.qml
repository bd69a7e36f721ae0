// SPDX-License-Identifier: GPL-3.0-or-later
// A date (year, month, day) or a time (hours, minutes) chosen on wheels, as on phones.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

Dialog {
    id: dialog
    objectName: "dateTimeDialog"
    /// "date" or "time"
    property string mode: "date"
    /// The value to start from ("YYYY-MM-DD" / "HH:MM…"); today / now when empty.
    property string initial: ""
    signal chosen(string value)

    readonly property int firstYear: 1900
    function daysIn(year, month) { return new Date(year, month, 0).getDate() }
    function pad(n) { return (n < 10 ? "0" : "") + n }

    modal: true
    anchors.centerIn: parent
    width: Math.max(280, Math.min(parent ? parent.width - 2 * Theme.margin : 320, 420))
    title: mode === "date" ? qsTr("Choose a date") : qsTr("Choose a time")
    standardButtons: Dialog.Ok | Dialog.Cancel

    onAboutToShow: {
        const now = new Date()
        if (mode === "date") {
            const parts = initial.split("-")
            const year = parts.length === 3 ? Number(parts[0]) : now.getFullYear()
            const month = parts.length === 3 ? Number(parts[1]) : now.getMonth() + 1
            const day = parts.length === 3 ? Number(parts[2]) : now.getDate()
            yearWheel.currentIndex = year - firstYear
            monthWheel.currentIndex = month - 1
            dayWheel.currentIndex = day - 1
        } else {
            const parts = initial.split(":")
            hourWheel.currentIndex = parts.length >= 2 ? Number(parts[0]) : now.getHours()
            minuteWheel.currentIndex = parts.length >= 2 ? Number(parts[1]) : now.getMinutes()
        }
    }
    onAccepted: {
        if (mode === "date") {
            const year = firstYear + yearWheel.currentIndex
            const month = monthWheel.currentIndex + 1
            const day = Math.min(dayWheel.currentIndex + 1, daysIn(year, month))
            chosen(year + "-" + pad(month) + "-" + pad(day))
        } else {
            chosen(pad(hourWheel.currentIndex) + ":" + pad(minuteWheel.currentIndex) + ":00")
        }
    }

    RowLayout {
        anchors.fill: parent
        Tumbler {
            id: yearWheel
            objectName: "yearWheel"
            visible: dialog.mode === "date"
            model: 201
            delegate: WheelEntry {
                text: dialog.firstYear + index
            }
        }
        Tumbler {
            id: monthWheel
            objectName: "monthWheel"
            visible: dialog.mode === "date"
            model: 12
            delegate: WheelEntry {
                text: dialog.pad(index + 1)
            }
        }
        Tumbler {
            id: dayWheel
            objectName: "dayWheel"
            visible: dialog.mode === "date"
            model: dialog.daysIn(dialog.firstYear + yearWheel.currentIndex, monthWheel.currentIndex + 1)
            delegate: WheelEntry {
                text: dialog.pad(index + 1)
            }
        }
        Tumbler {
            id: hourWheel
            objectName: "hourWheel"
            visible: dialog.mode === "time"
            model: 24
            delegate: WheelEntry {
                text: dialog.pad(index)
            }
        }
        Tumbler {
            id: minuteWheel
            objectName: "minuteWheel"
            visible: dialog.mode === "time"
            model: 60
            delegate: WheelEntry {
                text: dialog.pad(index)
            }
        }
    }
}
