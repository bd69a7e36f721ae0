// SPDX-License-Identifier: GPL-3.0-or-later
// A person's input for Qt Quick tests: mouse clicks at a control's place in its window and
// keys typed into the window, never a property set or a signal emitted from outside, so a
// disabled, hidden or covered control gets nothing, as it would on a screen. Each returns
// false (and says why in a warning) when the control cannot be reached.
#pragma once

#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>

namespace uiinput {

/// Scrolls every Flickable the item is in so that the item shows (as a person scrolls to a
/// control before touching it).
inline void scrollIntoView(QQuickItem *item)
{
    for (QQuickItem *p = item->parentItem(); p; p = p->parentItem()) {
        if (!p->inherits("QQuickFlickable"))
            continue;
        auto *content = p->property("contentItem").value<QQuickItem *>();
        if (!content)
            continue;
        const QRectF r = item->mapRectToItem(content, QRectF(0, 0, item->width(), item->height()));
        const qreal top = p->property("contentY").toReal();
        const qreal height = p->height();
        qreal want = top;
        if (r.top() < top)
            want = r.top();
        else if (r.bottom() > top + height)
            want = std::min(r.top(), r.bottom() - height);
        if (!qFuzzyCompare(want + 1, top + 1)) {
            p->setProperty("contentY", want);
            QCoreApplication::processEvents();
        }
    }
}

/// Waits for the window to draw a frame, so that the control is where the screen shows it
/// (the window lays out what changed before it draws, as for a person looking at it).
inline bool waitForFrame(QQuickWindow *window)
{
    QSignalSpy drawn(window, &QQuickWindow::frameSwapped);
    window->update();
    return drawn.wait(5000);
}

/// The middle of the item where the window shows it, scrolled into view first; false (and
/// why, in a warning) when it is not on the screen.
inline bool middleOnScreen(QQuickItem *item, QPoint *middle)
{
    if (!item || !item->window()) {
        qWarning("no such control on the screen");
        return false;
    }
    QQuickWindow *window = item->window();
    waitForFrame(window);
    scrollIntoView(item);
    waitForFrame(window);
    *middle = item->mapToScene(QPointF(item->width() / 2, item->height() / 2)).toPoint();
    if (!QRect(0, 0, window->width(), window->height()).contains(*middle)) {
        qWarning("%s is outside the window (%d, %d)", qPrintable(item->objectName()), middle->x(),
                 middle->y());
        return false;
    }
    return true;
}

/// A left click in the middle of the item, through its window.
inline bool tap(QQuickItem *item)
{
    QPoint middle;
    if (!middleOnScreen(item, &middle))
        return false;
    QTest::mouseClick(item->window(), Qt::LeftButton, Qt::NoModifier, middle);
    return true;
}

/// A finger's tap in the middle of the item, through its window (a phone's touch screen).
inline bool touchTap(QQuickItem *item)
{
    static QPointingDevice *const screen = QTest::createTouchDevice();
    QPoint middle;
    if (!middleOnScreen(item, &middle))
        return false;
    QQuickWindow *window = item->window();
    QTest::touchEvent(window, screen).press(0, middle, window);
    QTest::touchEvent(window, screen).release(0, middle, window);
    return true;
}

/// Text typed on a keyboard into whatever has the focus, one key per character (Chinese
/// characters as a hardware keyboard with an input method commits them).
inline void typeText(QQuickWindow *window, const QString &text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        QString one(text[i]);
        if (text[i].isHighSurrogate() && i + 1 < text.size())
            one += text[++i];
        const char16_t c = one.front().unicode();
        const Qt::Key key = c < 128 && QChar(c).isLetterOrNumber()
                                ? Qt::Key(QChar(c).toUpper().unicode())
                                : Qt::Key_unknown;
        QTest::sendKeyEvent(QTest::Click, window, key, one, Qt::NoModifier);
    }
}

/// A text field answered as a person does: touched, its text selected and typed over, and
/// Enter pressed (or Tab, in a text area) to give the answer.
inline bool typeInto(QQuickItem *field, const QString &text)
{
    if (!tap(field))
        return false;
    if (!QTest::qWaitFor([field] { return field->hasActiveFocus(); })) {
        qWarning("typeInto: %s takes no keyboard focus", qPrintable(field->objectName()));
        return false;
    }
    QQuickWindow *window = field->window();
    QTest::keyClick(window, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(window, Qt::Key_Delete);
    typeText(window, text);
    QTest::keyClick(window, field->inherits("QQuickTextArea") ? Qt::Key_Tab : Qt::Key_Return);
    return true;
}

/// A drop-down's entry chosen: opened with a touch, moved to with the arrow keys, taken with
/// Enter.
inline bool choose(QQuickItem *box, int index)
{
    if (!tap(box))
        return false;
    QObject *popup = box->property("popup").value<QObject *>();
    if (!popup || !QTest::qWaitFor([popup] { return popup->property("opened").toBool(); })) {
        qWarning("choose: %s does not open", qPrintable(box->objectName()));
        return false;
    }
    QQuickWindow *window = box->window();
    for (int guard = 0; guard < 10000; ++guard) {
        const int at = box->property("highlightedIndex").toInt();
        if (at == index)
            break;
        QTest::keyClick(window, at < index ? Qt::Key_Down : Qt::Key_Up);
    }
    if (box->property("highlightedIndex").toInt() != index) {
        qWarning("choose: entry %d of %s cannot be reached", index, qPrintable(box->objectName()));
        return false;
    }
    QTest::keyClick(window, Qt::Key_Return);
    return QTest::qWaitFor([popup] { return !popup->property("opened").toBool(); });
}

/// The button with this text in a dialog's button row, touched; true once the dialog has
/// gone (while it fades out it still covers the window).
inline bool pressDialogButton(QObject *dialog, const QString &text)
{
    auto *footer = dialog ? dialog->property("footer").value<QQuickItem *>() : nullptr;
    if (!footer) {
        qWarning("pressDialogButton: no buttons");
        return false;
    }
    std::vector<QQuickItem *> todo{footer};
    while (!todo.empty()) {
        QQuickItem *item = todo.back();
        todo.pop_back();
        if (item->inherits("QQuickAbstractButton") && item->property("text").toString() == text &&
            item->isVisible()) {
            return tap(item) &&
                   QTest::qWaitFor([dialog] { return !dialog->property("visible").toBool(); });
        }
        const auto children = item->childItems();
        todo.insert(todo.end(), children.begin(), children.end());
    }
    qWarning("pressDialogButton: no button '%s'", qPrintable(text));
    return false;
}

} // namespace uiinput
