// SPDX-License-Identifier: GPL-3.0-or-later
// Long lists ("autocomplete" / "search"): a filter over the choices; the chosen value
// always stays in the list.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Survey

TextField {
    id: filter
    required property AnswerContext context
    readonly property bool wanted: context.question.appearance.indexOf("autocomplete") >= 0
                                   || context.question.appearance.indexOf("search") >= 0
    objectName: "filter_" + context.ref
    Layout.fillWidth: true
    Layout.minimumHeight: Theme.touch
    visible: wanted
    placeholderText: qsTr("Type to narrow the list")
    function shown(choices) {
        const needle = filter.text.trim().toLowerCase()
        if (!filter.wanted || needle === "")
            return choices
        const chosen = " " + filter.context.question.value + " "
        return choices.filter(c => c.label.toLowerCase().indexOf(needle) >= 0
                                   || chosen.indexOf(" " + c.value + " ") >= 0)
    }
}
