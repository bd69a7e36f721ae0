// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QQmlEngine>

namespace survey::app {

/// Whether the person is using the keyboard (their last input was a key) or a pointer (a
/// mouse click or a touch). Keyboard marks, such as the focus ring and the focus a new
/// page gives its first answer, show only for keyboard use.
class InputMode : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(bool keyboard READ keyboard NOTIFY keyboardChanged)

public:
    /// One per process (instance()); QML gets it through create().
    explicit InputMode(QObject *parent);
    static InputMode *instance();
    static InputMode *create(QQmlEngine *, QJSEngine *);
    bool keyboard() const { return m_keyboard; }

Q_SIGNALS:
    void keyboardChanged();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    bool m_keyboard = false;
};

} // namespace survey::app
