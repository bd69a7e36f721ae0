// SPDX-License-Identifier: GPL-3.0-or-later
#include "inputmode.h"

#include <QCoreApplication>
#include <QKeyEvent>

namespace survey::app {

InputMode::InputMode(QObject *parent)
    : QObject(parent)
{
    QCoreApplication::instance()->installEventFilter(this);
}

InputMode *InputMode::instance()
{
    static InputMode *const one = new InputMode(QCoreApplication::instance());
    return one;
}

InputMode *InputMode::create(QQmlEngine *, QJSEngine *)
{
    InputMode *mode = instance();
    QJSEngine::setObjectOwnership(mode, QJSEngine::CppOwnership);
    return mode;
}

bool InputMode::eventFilter(QObject *watched, QEvent *event)
{
    bool keyboard = m_keyboard;
    switch (event->type()) {
    case QEvent::KeyPress: {
        // Shift, Ctrl and the like alone do not make keyboard use (Shift+click).
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key != Qt::Key_Shift && key != Qt::Key_Control && key != Qt::Key_Alt &&
            key != Qt::Key_Meta)
            keyboard = true;
        break;
    }
    case QEvent::MouseButtonPress:
    case QEvent::TouchBegin:
        keyboard = false;
        break;
    default:
        break;
    }
    if (keyboard != m_keyboard) {
        m_keyboard = keyboard;
        Q_EMIT keyboardChanged();
    }
    return QObject::eventFilter(watched, event);
}

} // namespace survey::app
