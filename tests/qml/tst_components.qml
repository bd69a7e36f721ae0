// SPDX-License-Identifier: GPL-3.0-or-later
// Qt Quick Test: the app's components on their own, fed the data the C++ side gives them.
import QtQuick
import QtTest
import Survey

Item {
    id: root
    width: 400
    height: 800

    Component {
        id: questionComponent
        QuestionView {
            width: root.width
            controller: null
        }
    }
    Component {
        id: spyComponent
        SignalSpy {}
    }
    Component {
        id: recordComponent
        RecordDelegate {
            width: root.width
        }
    }

    function question(extra) {
        const q = {
            ref: "/data/q", control: "input", type: "string", appearance: "", mediatype: "",
            label: "Question", hint: "", value: "", choices: [], required: false,
            readonly: false, problem: "", rangeStart: 0, rangeEnd: 10, rangeStep: 1,
            widget: QuestionWidget.Text
        }
        for (const key in extra)
            q[key] = extra[key]
        return q
    }

    function visibleChild(item, name) {
        if (item.objectName === name && item.visible)
            return item
        for (let i = 0; i < item.children.length; ++i) {
            const found = visibleChild(item.children[i], name)
            if (found)
                return found
        }
        return null
    }

    TestCase {
        name: "Components"
        when: windowShown

        function test_theme() {
            verify(Theme.touch >= 48, "touch targets are at least 48 dp")
            compare(Theme.fontSize, 16 * Preferences.textScale)
        }

        function test_requiredMarkerAndHint() {
            const view = createTemporaryObject(questionComponent, root, {
                question: root.question({ required: true, hint: "In kWh" })
            })
            verify(view)
            let texts = []
            for (let i = 0; i < view.children.length; ++i)
                if (view.children[i].text !== undefined && view.children[i].visible)
                    texts.push(view.children[i].text)
            verify(texts.indexOf("Question *") >= 0, texts)
            verify(texts.indexOf("In kWh") >= 0, texts)
        }

        function test_selectOneButtons() {
            const view = createTemporaryObject(questionComponent, root, {
                question: root.question({
                    control: "select1", type: "select1", value: "b", widget: QuestionWidget.Choice,
                    choices: [{ value: "a", label: "Apple" }, { value: "b", label: "Banana" }]
                })
            })
            const a = root.visibleChild(view, "choice_/data/q_a")
            const b = root.visibleChild(view, "choice_/data/q_b")
            verify(a && b)
            compare(a.text, "Apple")
            verify(!a.checked)
            verify(b.checked, "the stored value is the checked choice")
        }

        function test_searchNarrowsTheList() {
            const view = createTemporaryObject(questionComponent, root, {
                question: root.question({
                    control: "select1", type: "select1", appearance: "autocomplete",
                    widget: QuestionWidget.Choice,
                    choices: [{ value: "bj", label: "Beijing" }, { value: "bd", label: "Baoding" },
                              { value: "sh", label: "Shanghai" }]
                })
            })
            const filter = root.visibleChild(view, "filter_/data/q")
            verify(filter, "a searchable list has a filter")
            verify(root.visibleChild(view, "choice_/data/q_sh"))
            filter.text = "bao"
            tryVerify(() => !root.visibleChild(view, "choice_/data/q_sh"))
            verify(root.visibleChild(view, "choice_/data/q_bd"))
            verify(!root.visibleChild(view, "choice_/data/q_bj"))
        }

        function test_likertInOneRow() {
            const view = createTemporaryObject(questionComponent, root, {
                question: root.question({
                    control: "select1", type: "select1", appearance: "likert",
                    widget: QuestionWidget.Choice,
                    choices: [{ value: "1", label: "1" }, { value: "2", label: "2" },
                              { value: "3", label: "3" }]
                })
            })
            const first = root.visibleChild(view, "choice_/data/q_1")
            const last = root.visibleChild(view, "choice_/data/q_3")
            verify(first && last)
            tryVerify(() => first.mapToItem(root, 0, 0).y === last.mapToItem(root, 0, 0).y)
            verify(last.mapToItem(root, 0, 0).x > first.mapToItem(root, 0, 0).x)
            verify(!root.visibleChild(view, "filter_/data/q"), "no filter without the appearance")
        }

        function test_rankMovesChoices() {
            const view = createTemporaryObject(questionComponent, root, {
                question: root.question({
                    control: "rank", type: "rank", value: "", widget: QuestionWidget.Rank,
                    choices: [{ value: "audit", label: "Energy audit" },
                              { value: "solar", label: "Rooftop solar" },
                              { value: "emc", label: "Energy performance contract" }]
                })
            })
            const spy = createTemporaryObject(spyComponent, root, { target: view, signalName: "answered" })
            // Unanswered: the form's order, which can be kept as it is.
            root.visibleChild(view, "rankAccept_/data/q").clicked()
            compare(spy.signalArguments[0][0], "audit solar emc")
            // Moving "emc" up one place.
            view.question = root.question({
                control: "rank", type: "rank", value: "audit solar emc", widget: QuestionWidget.Rank,
                choices: view.question.choices
            })
            verify(!root.visibleChild(view, "rankAccept_/data/q"))
            verify(!root.visibleChild(view, "rankDown_/data/q_emc").enabled, "the last cannot go down")
            root.visibleChild(view, "rankUp_/data/q_emc").clicked()
            compare(spy.signalArguments[1][0], "audit emc solar")
        }

        function test_minimalIsADropDown() {
            const view = createTemporaryObject(questionComponent, root, {
                question: root.question({
                    control: "select1", type: "select1", appearance: "minimal", value: "b",
                    widget: QuestionWidget.DropDown,
                    choices: [{ value: "a", label: "Apple" }, { value: "b", label: "Banana" }]
                })
            })
            const box = root.visibleChild(view, "answer_/data/q")
            verify(box)
            compare(box.currentText, "Banana")
            verify(!root.visibleChild(view, "choice_/data/q_a"), "no buttons as well")
        }

        function test_selectManyChecksEachChosen() {
            const view = createTemporaryObject(questionComponent, root, {
                question: root.question({
                    control: "select", type: "select", value: "a c", widget: QuestionWidget.Choices,
                    choices: [{ value: "a", label: "A" }, { value: "b", label: "B" },
                              { value: "c", label: "C" }]
                })
            })
            verify(root.visibleChild(view, "choice_/data/q_a").checked)
            verify(!root.visibleChild(view, "choice_/data/q_b").checked)
            verify(root.visibleChild(view, "choice_/data/q_c").checked)
        }

        function test_problemShown() {
            const view = createTemporaryObject(questionComponent, root, {
                question: root.question({ type: "int", value: "-5", problem: "Not negative" })
            })
            const problem = root.visibleChild(view, "problem_/data/q")
            verify(problem)
            compare(problem.text, "Not negative")
            const field = root.visibleChild(view, "answer_/data/q")
            compare(field.text, "-5")
            verify(field.inputMethodHints & Qt.ImhFormattedNumbersOnly, "a numeric keyboard")
        }

        function test_rangeIsASlider() {
            const view = createTemporaryObject(questionComponent, root, {
                question: root.question({ control: "range", type: "int", value: "6", widget: QuestionWidget.Range,
                                          rangeStart: 0, rangeEnd: 10, rangeStep: 2 })
            })
            const slider = root.visibleChild(view, "answer_/data/q")
            verify(slider)
            compare(slider.value, 6)
            compare(slider.stepSize, 2)
        }

        function test_datePickedOnWheels() {
            const view = createTemporaryObject(questionComponent, root, {
                question: root.question({ type: "date", value: "2026-02-10", widget: QuestionWidget.DateTime })
            })
            const spy = createTemporaryObject(spyComponent, root, { target: view, signalName: "answered" })
            const pick = root.visibleChild(view, "pick_/data/q")
            verify(pick, "a date has a picker")
            pick.clicked()
            const dialog = view.picker
            tryCompare(dialog, "opened", true)
            const month = findChild(dialog.contentItem, "monthWheel")
            const day = findChild(dialog.contentItem, "dayWheel")
            verify(month && day)
            // It starts from the stored value; the day wheel follows February's length.
            compare(month.currentIndex, 1)
            compare(day.currentIndex, 9)
            compare(day.count, 28)
            month.currentIndex = 2 // March
            compare(day.count, 31)
            day.currentIndex = 30 // the 31st
            dialog.accept()
            compare(spy.count, 1)
            compare(spy.signalArguments[0][0], "2026-03-31")
        }

        function test_recordShowsComment() {
            const row = createTemporaryObject(recordComponent, root, {
                instanceId: "uuid:1", instanceName: "HH-1", formTitle: "Household",
                updatedAt: new Date(), comment: "Check the bill", lastError: ""
            })
            verify(row)
            compare(row.objectName, "record_uuid:1")
            let found = false
            const stack = [row.contentItem]
            while (stack.length > 0) {
                const item = stack.pop()
                if (item.text !== undefined && item.visible && String(item.text).indexOf("Check the bill") >= 0)
                    found = true
                for (let i = 0; i < item.children.length; ++i)
                    stack.push(item.children[i])
            }
            verify(found, "the supervisor's comment is shown")
        }

        function test_unsupportedKindIsSaid() {
            // An input bound to binary has no widget here: a message, not an empty space.
            const odd = createTemporaryObject(questionComponent, root, {
                question: root.question({ type: "binary", widget: QuestionWidget.Unsupported })
            })
            verify(odd)
            const message = root.visibleChild(odd, "unsupported_/data/q")
            verify(message, "the message is shown")
            verify(message.text.indexOf("binary") >= 0, message.text)
            verify(!root.visibleChild(odd, "answer_/data/q"))
            const plain = createTemporaryObject(questionComponent, root, {
                question: root.question({})
            })
            verify(!root.visibleChild(plain, "unsupported_/data/q"))
            verify(root.visibleChild(plain, "answer_/data/q"))
        }

        function test_guidanceFoldedAway() {
            const view = createTemporaryObject(questionComponent, root, {
                question: root.question({ hint: "In kWh", guidance: "Black digits only" })
            })
            verify(view)
            verify(!root.visibleChild(view, "guidance_/data/q"))
            const more = root.visibleChild(view, "moreHelp_/data/q")
            verify(more)
            mouseClick(more)
            const guidance = root.visibleChild(view, "guidance_/data/q")
            verify(guidance, "shown once asked for")
            compare(guidance.text, "Black digits only")
            verify(!root.visibleChild(view, "moreHelp_/data/q"))
        }

        function test_nextQuestionStartsClean() {
            // The page keeps its question views and gives them the next page's questions:
            // nothing of the old question stays (a refusal, unfolded guidance, a filter).
            const view = createTemporaryObject(questionComponent, root, {
                question: root.question({ guidance: "Black digits only" })
            })
            view.typeError = "not a number"
            view.guidanceShown = true
            view.question = root.question({ ref: "/data/other", guidance: "Other help" })
            compare(view.typeError, "")
            compare(view.guidanceShown, false)
            verify(root.visibleChild(view, "moreHelp_/data/other"))
        }
    }
}
