// SPDX-License-Identifier: GPL-3.0-or-later
// Analysis: a form's submissions on this device (records and pulled ones), offline. Filters
// (approved only, enumerator, days, any select-one answer) and a grouping apply to every
// chart. Tabs: each question's summary, progress per day, and with the form's analysis
// spec the household baseline and forecast or the enterprise demand.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Dialogs
import QtQuick.Layouts
import Survey

Page {
    id: page
    objectName: "analysisPage"
    readonly property bool wide: width >= Theme.wide

    Component.onCompleted: Dashboard.reload()

    header: ToolBar {
        Material.theme: Material.Dark
        RowLayout {
            anchors.fill: parent
            IconToolButton {
                objectName: "backButton"
                iconName: "go-previous"
                text: qsTr("Back")
                onClicked: page.StackView.view.pop()
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("Analysis")
                font.pixelSize: Theme.titleSize
                elide: Text.ElideRight
            }
            IconToolButton {
                objectName: "filtersButton"
                iconName: "view-sort-descending"
                showText: page.wide
                text: qsTr("Filters")
                checkable: true
                checked: page.wide
                onToggled: filters.visible = checked
            }
            IconToolButton {
                objectName: "exportPdfButton"
                iconName: "x-office-document"
                showText: page.wide
                text: qsTr("Save as PDF")
                enabled: Dashboard.count > 0 && !Dashboard.busy
                onClicked: pdfDialog.open()
            }
            IconToolButton {
                objectName: "exportCsvButton"
                iconName: "document-save"
                showText: page.wide
                text: qsTr("Save as CSV")
                enabled: Dashboard.count > 0 && !Dashboard.busy
                onClicked: csvDialog.open()
            }
        }
    }

    // A folder, not a file name: Qt 6.4's own file dialog cannot take a new file's name.
    FolderDialog {
        id: pdfDialog
        objectName: "pdfDialog"
        title: qsTr("Folder for the report")
        currentFolder: Backend.formFolder
        onAccepted: Dashboard.exportPdf(selectedFolder)
    }
    FolderDialog {
        id: csvDialog
        objectName: "csvDialog"
        title: qsTr("Folder for the CSV files")
        currentFolder: Backend.formFolder
        onAccepted: Dashboard.exportCsv(selectedFolder)
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.margin
        spacing: Theme.spacing

        ComboBox {
            id: formBox
            objectName: "formBox"
            Layout.fillWidth: true
            model: Dashboard.forms
            textRole: "title"
            valueRole: "formId"
            currentIndex: Dashboard.forms.findIndex(f => f.formId === Dashboard.formId) // qmllint disable
            onActivated: Dashboard.formId = currentValue
        }
        Label {
            objectName: "analysisError"
            Layout.fillWidth: true
            visible: text !== ""
            wrapMode: Text.Wrap
            color: Theme.warning
            text: Dashboard.error
        }
        RowLayout {
            Layout.fillWidth: true
            Label {
                objectName: "countLabel"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                text: Dashboard.total === 0 && !Dashboard.busy
                      ? qsTr("No finalized or pulled submissions of this form on this device yet.")
                      : qsTr("%1 of %n submissions", "", Dashboard.total).arg(Dashboard.count)
                        + (Dashboard.problems.length > 0
                           ? qsTr(" (%n could not be read)", "", Dashboard.problems.length) : "")
            }
            BusyIndicator {
                objectName: "analysisBusy"
                running: Dashboard.busy
                visible: running
                Layout.preferredHeight: Theme.touch
            }
        }

        Flow {
            id: filters
            objectName: "filters"
            Layout.fillWidth: true
            visible: page.wide
            spacing: Theme.spacing
            Switch {
                objectName: "approvedOnlySwitch"
                text: qsTr("Approved only")
                checked: Dashboard.approvedOnly
                onToggled: Dashboard.approvedOnly = checked
            }
            ComboBox {
                objectName: "submitterBox"
                width: Math.min(240, filters.width)
                model: [qsTr("All enumerators")].concat(Dashboard.submitters) // qmllint disable
                currentIndex: Math.max(0, Dashboard.submitters.indexOf(Dashboard.submitter) + 1) // qmllint disable
                onActivated: index => Dashboard.submitter = index === 0 ? "" : Dashboard.submitters[index - 1]
            }
            TextField {
                objectName: "fromDateField"
                width: 150
                placeholderText: qsTr("From (YYYY-MM-DD)")
                inputMask: "9999-99-99;_"
                onEditingFinished: Dashboard.fromDate = acceptableInput ? text : ""
            }
            TextField {
                objectName: "toDateField"
                width: 150
                placeholderText: qsTr("To (YYYY-MM-DD)")
                inputMask: "9999-99-99;_"
                onEditingFinished: Dashboard.toDate = acceptableInput ? text : ""
            }
            ComboBox {
                id: filterQuestionBox
                objectName: "filterQuestionBox"
                width: Math.min(280, filters.width)
                model: [{ path: "", label: qsTr("No answer filter") }].concat(Dashboard.selectOneQuestions) // qmllint disable
                textRole: "label"
                valueRole: "path"
                onActivated: Dashboard.filterQuestion = currentValue
            }
            ComboBox {
                objectName: "filterValueBox"
                width: Math.min(240, filters.width)
                visible: Dashboard.filterQuestion !== ""
                model: Dashboard.filterQuestion === "" ? [] : Dashboard.choicesOf(Dashboard.filterQuestion)
                textRole: "label"
                valueRole: "value"
                onModelChanged: if (count > 0) Dashboard.filterValue = valueAt(0)
                onActivated: Dashboard.filterValue = currentValue
            }
            ComboBox {
                objectName: "groupByBox"
                width: Math.min(280, filters.width)
                model: [{ path: "", label: qsTr("No grouping") }].concat(Dashboard.selectOneQuestions) // qmllint disable
                textRole: "label"
                valueRole: "path"
                displayText: currentIndex <= 0 ? qsTr("No grouping") : qsTr("By %1").arg(currentText)
                onActivated: Dashboard.groupBy = currentValue
            }
        }

        TabBar {
            id: tabs
            objectName: "analysisTabs"
            Layout.fillWidth: true
            TabButton { objectName: "questionsTab"; text: qsTr("Questions"); width: implicitWidth }
            TabButton { objectName: "progressTab"; text: qsTr("Progress"); width: implicitWidth }
            TabButton {
                objectName: "baselineTab"
                text: qsTr("Baseline")
                width: Dashboard.hasBaseline ? implicitWidth : 0
                visible: Dashboard.hasBaseline
            }
            TabButton {
                objectName: "forecastTab"
                text: qsTr("Forecast")
                width: Dashboard.hasBaseline ? implicitWidth : 0
                visible: Dashboard.hasBaseline
            }
            TabButton {
                objectName: "demandTab"
                text: qsTr("Demand")
                width: Dashboard.hasDemand ? implicitWidth : 0
                visible: Dashboard.hasDemand
            }
        }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: tabs.currentIndex

            ListView {
                id: questionList
                objectName: "questionList"
                clip: true
                spacing: Theme.spacing
                model: Dashboard.questions
                cacheBuffer: 400
                ScrollBar.vertical: ScrollBar {}
                delegate: QuestionCard {
                    width: questionList.width - (questionList.ScrollBar.vertical.visible ? 12 : 0)
                }
            }
            ScrollView {
                contentWidth: availableWidth
                ProgressChart {
                    width: parent.width
                    height: implicitHeight
                    days: Dashboard.progress
                }
            }
            ScrollView {
                id: baselineScroll
                contentWidth: availableWidth
                BaselineView {
                    width: baselineScroll.availableWidth
                    visible: Dashboard.hasBaseline
                }
            }
            ScrollView {
                id: forecastScroll
                contentWidth: availableWidth
                ForecastView {
                    width: forecastScroll.availableWidth
                    visible: Dashboard.hasBaseline
                }
            }
            ScrollView {
                id: demandScroll
                contentWidth: availableWidth
                DemandView {
                    width: demandScroll.availableWidth
                    visible: Dashboard.hasDemand
                }
            }
        }
    }
}
